"""Charts of the saddle-point lesson (A4): the saddles on the surface, the slope |grad f|
under each ball against the step with the stall threshold, and the readout beside them."""

from __future__ import annotations

from collections.abc import Sequence

import altair as alt
import numpy as np
import pandas as pd

from charts import descent_frames, surface_charts
from sim.surfaces import Surface

SLOPE_FLOOR = 1e-12  # the log chart's floor: a ball exactly on the saddle has |grad f| = 0
# pixels of plot width per column of the runs' legend ("GD + noise 0.1" is the longest):
# two columns on a phone instead of three rows
LEGEND_COLUMN = 120


def ball_rows(tracks: Sequence[descent_frames.Track]) -> pd.DataFrame:
    """``ball_rows`` with ``gone`` and the slope ``g = |grad f|`` under each ball."""
    balls = descent_frames.mark_gone(descent_frames.ball_rows(tracks), tracks)
    return balls.assign(g=np.hypot(balls["gx"], balls["gy"]))


def saddles_layer(surface: Surface, label: str) -> alt.Chart:
    """The surface's saddle points as open diamonds, with a tooltip."""
    xs, ys = surface_charts.scales(surface.bounds)
    frame = pd.DataFrame(
        [{"x": x, "y": y, "kind": label} for x, y in surface.saddles], columns=["x", "y", "kind"]
    )
    return (
        alt.Chart(frame)
        .mark_point(shape="diamond", size=160, strokeWidth=2.5, color="#222222", clip=True)
        .encode(x=alt.X("x:Q", scale=xs), y=alt.Y("y:Q", scale=ys), tooltip=["kind:N"])
    )


def threshold_rule(value: float, colour: str = "#555555") -> alt.Chart:
    """A dashed horizontal line at ``value`` (a ``metric_layers`` extra layer)."""
    return (
        alt.Chart(pd.DataFrame({"value": [value]}))
        .mark_rule(color=colour, strokeDash=[5, 4])
        .encode(y="value:Q")
    )


def readout(balls: pd.DataFrame, frames, caption: str, item: str, item_diverged: str, series):
    """``caption`` (``{step}``) and one line per run of the frame shown: ``item``
    (``{name}``, ``{g}``), or ``item_diverged`` once the run diverged."""
    line = descent_frames.text_expr(
        item, {"name": "datum.series", "g": descent_frames.number("g", 3)}
    )
    gone = descent_frames.text_expr(item_diverged, {"name": "datum.series"})
    return descent_frames.series_readout(
        balls,
        frames,
        descent_frames.text_expr(caption, {"step": "datum.step"}),
        f"datum.gone ? ({gone}) : ({line})",
        series,
    )


def slope_chart(balls, frames, series, x_title: str, y_title: str, threshold: float):
    """|grad f| on a log scale against the step, with a dashed line at ``threshold``."""
    return descent_frames.metric_layers(
        balls.assign(g=np.maximum(balls["g"], SLOPE_FLOOR)),
        frames,
        series,
        "g",
        x_title,
        y_title,
        log_y=True,
        extra_layers=[threshold_rule(threshold)],
        height=200,
    )
