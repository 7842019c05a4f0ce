"""Charts of the momentum lesson: data in (from ``lessons.momentum``), chart out."""

from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd

from charts import layering, layout, palette
from lessons.momentum import REGIMES

# pixels of plot width per column of the runs' legend: "GD", "Momentum" and "Nesterov"
# are short, so on a phone they share one row instead of taking three
LEGEND_COLUMN = 100
SETTLE_TICKS = [round(0.1 * k, 1) for k in range(11)]
REGIME_COLOURS = {
    "trapped": "#0072B2",
    "enough": "#009E73",
    "too_much": "#E69F00",
    "moving": "#999999",
    "diverged": "#D55E00",
}
REGIME_SHAPES = {
    "trapped": "circle",
    "enough": "square",
    "too_much": "triangle-up",
    "moving": "diamond",
    "diverged": "cross",
}


def current_rule(current: float, live_values=None, live_filter: str | None = None) -> alt.Chart:
    """A dashed rule at the momentum chosen; with ``live_values`` (the live slider's
    options) one rule per option, ``run`` numbering them, of which ``live_filter`` (a Vega
    expression on ``datum.run``) keeps the one the slider's thumb is on."""
    if live_values is None:
        data = pd.DataFrame({"momentum": [float(current)]})
    else:
        values = [float(v) for v in live_values]
        data = pd.DataFrame({"momentum": values, "run": np.arange(len(values), dtype=np.int16)})
    rule = alt.Chart(data)
    if live_values is not None and live_filter:
        rule = rule.transform_filter(live_filter)
    return rule.mark_rule(color="#333333", strokeDash=[4, 3], strokeWidth=1.5).encode(
        x="momentum:Q"
    )


def regime_strip(
    frame: pd.DataFrame,
    row_labels: dict[bool, str],
    regime_labels: dict[str, str],
    current: float,
    x_title: str,
    legend_title: str,
    width: int | None = None,
    live_values=None,
    live_filter: str | None = None,
) -> alt.LayerChart:
    """One row of marks per optimizer over the momentum axis, coloured and shaped by the
    outcome of that momentum (``sweep`` rows), with a rule at the current momentum (it
    follows a live slider: ``current_rule``)."""
    data = frame.assign(
        row=frame["nesterov"].map(row_labels),
        outcome=frame["regime"].map(regime_labels),
    )[["row", "momentum", "outcome", "settle", "final_loss"]].round({"final_loss": 4})
    domain = [regime_labels[r] for r in REGIMES]
    # one legend for colour and shape (Vega-Lite merges the same legend of one field)
    legend = alt.Legend(orient="bottom", title=legend_title, columns=1, labelLimit=300)
    colour = alt.Color(
        "outcome:N",
        scale=alt.Scale(domain=domain, range=[REGIME_COLOURS[r] for r in REGIMES]),
        legend=legend,
    )
    shape = alt.Shape(
        "outcome:N",
        scale=alt.Scale(domain=domain, range=[REGIME_SHAPES[r] for r in REGIMES]),
        legend=legend,
    )
    rows = [row_labels[k] for k in (False, True) if k in row_labels]
    marks = (
        alt.Chart(data)
        .mark_point(size=46, filled=True, opacity=1)
        .encode(
            x=alt.X(
                "momentum:Q",
                title=x_title,
                scale=alt.Scale(domain=[0, 1], nice=False),
                axis=alt.Axis(values=[0, 0.2, 0.4, 0.6, 0.8, 0.9, 1.0]),
            ),
            y=alt.Y("row:N", title=None, sort=rows),
            color=colour,
            shape=shape,
            tooltip=[
                "row:N",
                alt.Tooltip("momentum:Q", format=".2f"),
                "outcome:N",
                "settle:Q",
                "final_loss:Q",
            ],
        )
    )
    rule = current_rule(current, live_values, live_filter)
    chart = layering.layer(marks, rule).properties(height=36 * len(rows) + 190)
    return chart.properties(width=width) if width else chart


def settle_chart(
    frame: pd.DataFrame,
    row_labels: dict[bool, str],
    current: float,
    x_title: str,
    y_title: str,
    legend_title: str,
    live_values=None,
    live_filter: str | None = None,
) -> alt.LayerChart:
    """Steps until the run settled at the bottom against the momentum, one line per
    optimizer (momenta that never settled or diverged are left out), with a rule at the
    current momentum (it follows a live slider: ``current_rule``). Momentum and Nesterov
    keep the colours and shapes they have in the surface chart (the 2nd and 3rd series
    there, after GD)."""
    data = frame[frame["settle"] >= 0].assign(series=frame["nesterov"].map(row_labels))
    keys = [k for k in (False, True) if k in row_labels]
    domain = [row_labels[k] for k in keys]
    colour = alt.Color(
        "series:N",
        scale=alt.Scale(domain=domain, range=[palette.OKABE_ITO[1 + k] for k in keys]),
        title=legend_title,
        legend=alt.Legend(orient="bottom"),
    )
    shape = alt.Shape(  # the colour's legend, so Vega-Lite draws one legend for both
        "series:N",
        scale=alt.Scale(domain=domain, range=[palette.SHAPES[1 + k] for k in keys]),
        title=legend_title,
        legend=alt.Legend(orient="bottom"),
    )
    base = alt.Chart(data[["series", "momentum", "settle"]]).encode(
        x=alt.X(
            "momentum:Q",
            title=x_title,
            scale=alt.Scale(domain=[0, 1], nice=False),
            # tenths: Vega's own ticks came every 0.05 on a wide screen, 21 labels in a row
            axis=alt.Axis(values=SETTLE_TICKS, format=".1f"),
        ),
        y=alt.Y("settle:Q", title=y_title),
        color=colour,
    )
    rule = current_rule(current, live_values, live_filter)
    points = base.mark_point(size=22, filled=True).encode(
        shape=shape,
        tooltip=["series:N", alt.Tooltip("momentum:Q", format=".2f"), "settle:Q"],
    )
    chart = layering.layer(base.mark_line(strokeWidth=2), points, rule).properties(height=220)
    # the height is the plot's: stretched with Streamlit's "fit", the legend and the axes
    # came out of it and left a plot half as tall
    return layout.fit_width(chart)
