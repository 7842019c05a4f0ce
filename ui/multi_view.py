"""Pieces shared by the lessons that compare several runs on one surface (learning rate,
local minima, saddle points, momentum): small path frames for the animated chart, the
surface chart built from them, a metric-vs-step chart and the "what to notice" box.

Could move into ``ui/descent_view.py``; kept separate so that module stays untouched.
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
from ui.player import is_playing

PIXEL = 1.0  # a path point closer than this many pixels to the last kept one is dropped


def thin_path(xy: np.ndarray, bounds, size=dv.CHART_SIZE, pixel: float = PIXEL) -> np.ndarray:
    """Indices of the points of one path worth drawing: the first, every point at least
    ``pixel`` screen pixels from the previously kept one, and the last. A settled ball then
    costs nothing per frame however long the run."""
    (x0, x1), (y0, y1) = bounds
    scale = np.array([size[0] / (x1 - x0), size[1] / (y1 - y0)])
    keep = [0]
    last = xy[0] * scale
    for i in range(1, len(xy)):
        p = xy[i] * scale
        if np.hypot(*(p - last)) >= pixel:
            keep.append(i)
            last = p
    if keep[-1] != len(xy) - 1:
        keep.append(len(xy) - 1)
    return np.asarray(keep)


def path_table(runs: dict[str, descent.Trajectory], surface: Surface) -> pd.DataFrame:
    """Rows ``series, step, x, y, loss`` of every single-start run, diverged tails left out,
    thinned to what shows on screen and rounded: compute once, slice per frame."""
    parts = []
    for label, traj in runs.items():
        df = traj.to_frame().drop(columns="start")
        keep = thin_path(df[["x", "y"]].to_numpy(), surface.bounds, dv.chart_size(surface))
        df = df.iloc[keep].round({"x": 4, "y": 4, "loss": 5})
        df.insert(0, "series", label)
        parts.append(df)
    return pd.concat(parts, ignore_index=True)


def paths_until(table: pd.DataFrame, frame: int, runs: dict[str, descent.Trajectory]):
    """The rows up to ``frame``, plus each series' exact point at ``frame`` (its ball)."""
    rows = table[table["step"] <= frame]
    balls = []
    for label, traj in runs.items():
        k = min(frame, _last_finite(traj))
        balls.append(
            {
                "series": label,
                "step": k,
                "x": round(float(traj.xy[k, 0]), 4),
                "y": round(float(traj.xy[k, 1]), 4),
                "loss": round(float(traj.loss[k]), 5),
            }
        )
    out = pd.concat([rows, pd.DataFrame(balls)], ignore_index=True)
    return out.drop_duplicates(subset=["series", "step"], keep="last")


def _last_finite(traj: descent.Trajectory) -> int:
    return traj.steps if traj.diverged_at is None else int(traj.diverged_at) - 1


def surface_chart(
    page: Page,
    surface: Surface,
    paths: pd.DataFrame,
    series: Sequence[str],
    arrows: pd.DataFrame | None = None,
    arrow_kinds: dict[str, str] | None = None,
    player_key: str | None = None,
    clickable: bool = True,
    extra_layers=(),
    image: str | None = None,
) -> alt.LayerChart:
    """Like ``descent_view.surface_chart`` but from a ready path table (``paths_until``)."""
    t = page.t
    size = dv.chart_size(surface)
    layers = []
    layers.append(
        charts.minima_layer(
            surface, {"global": t("common.global_min"), "local": t("common.local_min")}
        )
    )
    layers.extend(extra_layers)
    if len(paths):
        layers.append(
            charts.path_layers(paths, surface.bounds, list(series), t("common.legend_run"))
        )
    if arrows is not None and len(arrows):
        layers.append(charts.arrow_layers(arrows, surface.bounds, arrow_kinds or {}))
    if clickable and not (player_key and is_playing(player_key)):
        # on top of everything, so a click anywhere on the surface lands on a cell
        layers.append(charts.click_grid(surface.bounds, size=size)[0])
    return charts.surface_view(
        image or dv.surface_picture(surface.name), surface.bounds, layers, size
    )


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
    return alt.layer(chart, *extra_layers) if extra_layers else chart


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


def on_click_snap(chart_key: str, player_key: str, surface: Surface, y_options: Sequence[float]):
    """A chart ``on_select`` callback placing the start at the clicked x (``x0``) and the
    option of ``y0`` nearest to the clicked y (for pages whose y0 is a choice of offsets)."""
    from ui.player import request_full_rerun

    def place() -> None:
        state = st.session_state.get(chart_key)
        try:
            point = state["selection"]["place"][0]
        except (KeyError, TypeError, IndexError):
            return
        (x_lo, x_hi), _ = surface.bounds
        x = round(float(np.clip(point["cx"], x_lo, x_hi)), 2)
        y = min(y_options, key=lambda v: abs(v - float(point["cy"])))
        st.session_state["x0"], st.session_state["y0"] = x, y
        st.query_params["y0"] = str(y)
        request_full_rerun(player_key)

    return place
