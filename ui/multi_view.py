"""Pieces shared by the lessons that draw runs on one surface (learning rate, local minima,
saddle points, momentum, adaptive rates, the race): the "what to notice" box, a threshold
line, the saddles layer and clicking to place the start on an offset; and, for the lessons
not yet on the browser player (momentum, adaptive rates, the race: ``race_view``), the
thinned path table sliced per frame (``paths_until``) and a metric-vs-step chart.
"""

from __future__ import annotations

from collections.abc import Sequence

import altair as alt
import numpy as np
import pandas as pd
import streamlit as st

from sim import charts, descent
from sim.surfaces import Surface
from ui import descent_view as dv
from ui.page import Page


def path_table(runs: dict[str, descent.Trajectory], surface: Surface) -> pd.DataFrame:
    """Rows ``series, step, x, y, loss`` of every single-start run, diverged tails left out,
    thinned to what shows on screen: compute once, slice per frame."""
    parts = []
    for label, traj in runs.items():
        df = traj.to_frame().drop(columns="start")
        keep = charts.thin_path(df[["x", "y"]].to_numpy(), surface.bounds, dv.chart_size(surface))
        df = df.iloc[keep]
        df.insert(0, "series", label)
        parts.append(df)
    if not parts:
        return pd.DataFrame(columns=["series", "step", "x", "y", "loss"])
    return pd.concat(parts, ignore_index=True)


def paths_until(table: pd.DataFrame, frame: int, runs: dict[str, descent.Trajectory]):
    """The rows up to ``frame``, plus each series' exact point at ``frame`` (its ball). The
    ball's tooltip prints 4 significant digits, so its values are not rounded to decimals
    (which showed a ball near a minimum at 0 as exactly 0)."""
    rows = table[table["step"] <= frame]
    balls = []
    for label, traj in runs.items():
        k = min(frame, _last_finite(traj))
        balls.append(
            {
                "series": label,
                "step": k,
                "x": float(traj.xy[k, 0]),
                "y": float(traj.xy[k, 1]),
                "loss": float(traj.loss[k]),
            }
        )
    out = pd.concat([rows, pd.DataFrame(balls)], ignore_index=True)
    return out.drop_duplicates(subset=["series", "step"], keep="last")


def _last_finite(traj: descent.Trajectory) -> int:
    return traj.steps if traj.diverged_at is None else int(traj.diverged_at) - 1


def metric_frame(
    runs: dict[str, descent.Trajectory], values: dict[str, np.ndarray]
) -> pd.DataFrame:
    """Rows ``series, step, value`` of one number per step and run (finite part only)."""
    parts = []
    for label, traj in runs.items():
        n = _last_finite(traj) + 1
        v = np.asarray(values[label], float)[:n]
        parts.append(pd.DataFrame({"series": label, "step": np.arange(n), "value": v}))
    df = pd.concat(parts, ignore_index=True)
    return df[np.isfinite(df["value"])]


def threshold_rule(value: float, colour: str = "#555555") -> alt.Chart:
    """A dashed horizontal line at ``value`` (for ``metric_chart`` extra layers)."""
    return (
        alt.Chart(pd.DataFrame({"value": [value]}))
        .mark_rule(color=colour, strokeDash=[5, 4])
        .encode(y="value:Q")
    )


def metric_chart(
    frame: pd.DataFrame,
    series: Sequence[str],
    x_title: str,
    y_title: str,
    log_y: bool = False,
    extra_layers=(),
    height: int = 260,
) -> alt.LayerChart:
    chart = charts.loss_chart(
        frame, list(series), x_title, y_title, log_y=log_y, y_field="value", height=height
    )
    return charts.fit_width(alt.layer(chart, *extra_layers) if extra_layers else chart)


def notice_box(page: Page, lines: Sequence[str]) -> None:
    """The bordered "what to notice" box: a title and one paragraph per line."""
    with st.container(border=True):
        st.markdown(f"**{page.t('common.notice_title')}**")
        for line in lines:
            st.markdown(line)


def join_numbers(page: Page, values: Sequence[float], empty_key: str) -> str:
    """``0.01, 0.1 and 0.9`` style list of numbers, or the catalog's word for none."""
    if not values:
        return page.t(empty_key)
    return ", ".join(dv.fmt(v) for v in values)


def saddles_layer(surface: Surface, label: str) -> alt.Chart:
    """The surface's saddle points as open diamonds, with a tooltip."""
    xs, ys = charts._scales(surface.bounds)
    frame = pd.DataFrame(
        [{"x": x, "y": y, "kind": label} for x, y in surface.saddles], columns=["x", "y", "kind"]
    )
    return (
        alt.Chart(frame)
        .mark_point(shape="diamond", size=160, strokeWidth=2.5, color="#222222", clip=True)
        .encode(x=alt.X("x:Q", scale=xs), y=alt.Y("y:Q", scale=ys), tooltip=["kind:N"])
    )


def on_click_snap(chart_key: str, surface: Surface, y_options: Sequence[float]):
    """A chart ``on_select`` callback placing the start at the clicked x (``x0``) and the
    option of ``y0`` nearest to the clicked y (for pages whose y0 is a choice of offsets)."""

    def place() -> None:
        point = dv.clicked_point(chart_key)
        if point is None:
            return
        (x_lo, x_hi), _ = surface.bounds
        x = round(float(np.clip(point[0], x_lo, x_hi)), 2)
        y = min(y_options, key=lambda v: abs(v - point[1]))
        st.session_state["x0"], st.session_state["y0"] = x, y
        st.query_params["y0"] = str(y)

    return place
