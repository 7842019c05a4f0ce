"""Charts of the batches lesson: data in (from ``lessons.batches``), chart out.

Every chart of the batch-size sweep gives a batch size the same colour and marker
(``series_encodings``), and no two batch sizes look alike: Okabe-Ito's orange (#E69F00)
is left out, since beside its vermillion (#D55E00) batch 1 and batch N both read as orange.
"""

from __future__ import annotations

from collections.abc import Sequence

import altair as alt
import numpy as np
import pandas as pd

from charts import layering, layout, palette
from charts.palette import OKABE_ITO

# vermillion, blue, green, reddish purple, black, sky blue: distinct at a glance
SERIES_COLOURS = tuple(OKABE_ITO[i] for i in (0, 1, 2, 3, 6, 5))


def series_encodings(series: Sequence[str], title: str, legend: bool = True):
    """``palette.series_encodings`` in the sweep's colours (at most ``len(SERIES_COLOURS)``
    batch sizes)."""
    if len(series) > len(SERIES_COLOURS):
        raise ValueError(f"at most {len(SERIES_COLOURS)} batch sizes have a colour of their own")
    return palette.series_encodings(series, title, SERIES_COLOURS, legend)


def epoch_chart(
    frame: pd.DataFrame,
    series: Sequence[str],
    x_title: str,
    y_title: str,
    legend_title: str,
    height: int = 260,
) -> alt.LayerChart:
    """The loss after each epoch (``series, epoch, loss``), a line and a marker per batch
    size."""
    colour, shape = series_encodings(series, legend_title)
    base = alt.Chart(frame).encode(
        x=alt.X("epoch:Q", title=x_title),
        y=alt.Y("loss:Q", title=y_title, scale=alt.Scale(zero=False)),
        color=colour,
    )
    points = base.mark_point(size=18, filled=True).encode(
        shape=shape,
        tooltip=["series:N", "epoch:Q", alt.Tooltip("loss:Q", format=".4g")],
    )
    return layering.layer(base.mark_line(strokeWidth=2), points).properties(height=height)


def update_chart(
    frame: pd.DataFrame,
    series: Sequence[str],
    x_title: str,
    y_title: str,
    legend_title: str,
    height: int = 280,
) -> alt.Chart:
    """Loss of each update against the update number on a log axis (1 to 10,000 updates
    side by side); the loss axis stops a little above the 99th percentile, so one wild
    update does not flatten the rest (it is clipped at the top)."""
    colour, _ = series_encodings(series, legend_title)
    values = frame["loss"].to_numpy(dtype=float)
    top = float(np.quantile(values, 0.99)) * 1.15 if len(values) else 1.0
    return (
        alt.Chart(frame)
        .mark_line(strokeWidth=1.2, opacity=0.85, clip=True)
        .encode(
            x=alt.X("update:Q", scale=alt.Scale(type="log"), axis=layout.log_axis(x_title)),
            y=alt.Y(
                "loss:Q", title=y_title, scale=alt.Scale(domain=[0, max(top, 1e-6)], nice=False)
            ),
            color=colour,
            tooltip=["series:N", "update:Q", alt.Tooltip("loss:Q", format=".4g")],
        )
        .properties(height=height)
    )


def cost_bar(
    frame: pd.DataFrame,
    field: str,
    series: Sequence[str],
    title: str,
    legend_title: str,
    fmt: str = ".3g",
    log: bool = False,
    height: int = 180,
    x_field: str = "series",
    x_order: Sequence[str] | None = None,
    x_title: str | None = None,
) -> alt.LayerChart:
    """One bar per batch size (``frame`` has ``series``, ``x_field`` (a short name) and
    ``field``), the value written on it; ``log`` uses a symlog axis (bars from 0). ``title``
    is the tooltip's name of the value; the page writes it above the chart."""
    colour, _ = series_encodings(series, legend_title, legend=False)
    scale = alt.Scale(type="symlog") if log else alt.Scale(zero=True)
    base = alt.Chart(frame).encode(
        x=alt.X(
            f"{x_field}:N", title=x_title, sort=list(x_order or series), axis=alt.Axis(labelAngle=0)
        ),
        y=alt.Y(f"{field}:Q", title=None, scale=scale),
    )
    bars = base.mark_bar().encode(
        color=colour, tooltip=["series:N", alt.Tooltip(f"{field}:Q", format=fmt, title=title)]
    )
    text = base.mark_text(dy=-6, fontSize=11).encode(text=alt.Text(f"{field}:Q", format=fmt))
    return layering.layer(bars, text).properties(height=height)
