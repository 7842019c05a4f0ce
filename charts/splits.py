"""Charts of the train/validation/test lesson (B10, B11): data in, chart out; every title
comes from the caller."""

from __future__ import annotations

from collections.abc import Sequence

import altair as alt
import pandas as pd

from charts import layering, layout, numbers
from charts.palette import OKABE_ITO

WINNER_COLOUR = OKABE_ITO[0]


def search_heatmap(
    table: pd.DataFrame,
    metric: str,
    winner: int,
    units: Sequence[int],
    rates: Sequence[float],
    titles: tuple[str, str, str],
    diverged_label: str,
    height: int = 220,
) -> alt.LayerChart:
    """The search as a grid, one cell per setting (``table``: ``units, lr, val_<metric>,
    diverged``): coloured by the validation score (viridis, reversed for a loss so better
    is always brighter), the score written in each cell in the learners' style
    (``numbers.plain``: ``0.95``, not ``0.950``; ``diverged_label`` where it
    diverged), the ``winner`` row outlined. ``titles``: (learning rate, units, score)."""
    column = table[f"val_{metric}"]
    heat = pd.DataFrame(
        {
            "units_label": table["units"].astype(str),
            "lr_label": table["lr"].map(lambda r: f"{r:g}"),
            "score": column.fillna(0.0),
            "text": [
                diverged_label if d else numbers.plain(v, 3)
                for d, v in zip(table["diverged"], column, strict=True)
            ],
            "winner": [i == winner for i in table.index],
        }
    )
    lr_title, units_title, score_title = titles
    base = alt.Chart(heat).encode(
        x=alt.X(
            "lr_label:N",
            title=lr_title,
            sort=[f"{r:g}" for r in rates],
            axis=alt.Axis(labelAngle=0),
        ),
        y=alt.Y("units_label:N", title=units_title, sort=[str(u) for u in units]),
    )
    rect = base.mark_rect().encode(
        color=alt.Color(
            "score:Q",
            title=score_title,
            scale=alt.Scale(scheme="viridis", reverse=metric == "loss"),
            # below the grid: on its right the gradient took a third of a phone's width
            legend=alt.Legend(
                orient="bottom",
                direction="horizontal",
                labelExpr=numbers.vega("datum.value", 3),
            ),
        ),
        stroke=alt.condition("datum.winner", alt.value(WINNER_COLOUR), alt.value(None)),
        strokeWidth=alt.condition("datum.winner", alt.value(3), alt.value(0)),
    )
    # dark text on the bright half of the scale, white on the dark half
    middle = float(heat["score"].median())
    bright = f"datum.score {'>' if metric == 'accuracy' else '<'} {middle}"
    text = base.mark_text(fontSize=13, fontWeight="bold").encode(
        text="text:N", color=alt.condition(bright, alt.value("black"), alt.value("white"))
    )
    # the plot keeps its height and the legend below adds to it (Streamlit's own "fit"
    # squeezed the legend into the height: four rows of 10 px on a phone)
    return layout.fit_width(layering.layer(rect, text).properties(height=height))
