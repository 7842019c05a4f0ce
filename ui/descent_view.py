"""Shared pieces of the 2D descent lessons: cached runs and surface pictures, the surface
chart with paths and arrows, clicking to place the ball, and the trajectory download."""

from __future__ import annotations

import math

import altair as alt
import numpy as np
import pandas as pd
import streamlit as st

from sim import caps, charts, descent
from sim.optimizers import make_optimizer
from sim.surfaces import SURFACES, Surface, get_surface
from ui import controls
from ui.page import Page
from ui.player import is_playing, request_full_rerun

CHART_SIZE = (400, 400)  # the plot area of a square window; see chart_size()
PLOT_WIDTH, MIN_PLOT_HEIGHT = 400, 240
LEARNING_RATES = (
    0.001,
    0.002,
    0.005,
    0.01,
    0.02,
    0.05,
    0.1,
    0.2,
    0.3,
    0.5,
    0.7,
    0.9,
    1.0,
    1.1,
    1.5,
    2.0,
)


def chart_size(surface: Surface) -> tuple[int, int]:
    """Plot area in pixels: 400 wide and as tall as keeps x and y units equal (a bowl stays
    round), but never flatter than 400 x 240 (the ravine is 16 by 6)."""
    (x0, x1), (y0, y1) = surface.bounds
    height = round(PLOT_WIDTH * (y1 - y0) / (x1 - x0))
    return PLOT_WIDTH, int(min(max(height, MIN_PLOT_HEIGHT), PLOT_WIDTH))


@st.cache_data(max_entries=caps.CACHE_ENTRIES, show_spinner=False)
def surface_picture(name: str) -> str:
    """The surface's PNG data URL, made once per surface and process."""
    surface = get_surface(name)
    return charts.surface_png(surface, size=chart_size(surface))


@st.cache_data(max_entries=caps.CACHE_ENTRIES, show_spinner=False)
def cached_run(
    surface: str,
    optimizer: str,
    hyper: tuple,
    start: tuple,
    steps: int,
    noise: float = 0.0,
    seed: int | None = None,
) -> descent.Trajectory:
    """``descent.run`` cached on its inputs (hyperparameters as sorted key/value pairs)."""
    opt = make_optimizer(optimizer, **dict(hyper))
    steps = int(caps.clamp(steps, 0, caps.MAX_STEPS))
    return descent.run(surface, opt, np.asarray(start, float), steps, noise=noise, seed=seed)


def surface_select(
    page: Page, key: str = "surface", options=None, default: str = "bowl", container=None
) -> Surface:
    """The surface choice, bound to ``?surface=``."""
    t = page.t
    options = list(options or SURFACES)
    name = controls.select(
        page,
        key,
        t("common.surface"),
        options,
        default,
        format_func=lambda n: t(f"surfaces.{n}"),
        container=container,
    )
    surface = get_surface(name)
    (container or st).caption(t(f"surfaces.{name}_help"))
    return surface


def start_controls(page: Page, surface: Surface, container=None) -> tuple[float, float]:
    """Start point sliders (``?x0=&y0=``) over the surface window; switching surface moves
    the start to the new surface's default."""
    t = page.t
    ss = st.session_state
    (x_lo, x_hi), (y_lo, y_hi) = surface.bounds
    if ss.get("_start_surface") not in (None, surface.name):
        ss["x0"], ss["y0"] = surface.default_start
    ss["_start_surface"] = surface.name
    where = container or st
    cols = where.columns(2)
    x0 = controls.slider(
        page,
        "x0",
        t("common.start_x"),
        float(x_lo),
        float(x_hi),
        float(surface.default_start[0]),
        step=0.01,
        container=cols[0],
    )
    y0 = controls.slider(
        page,
        "y0",
        t("common.start_y"),
        float(y_lo),
        float(y_hi),
        float(surface.default_start[1]),
        step=0.01,
        container=cols[1],
    )
    where.caption(t("common.click_to_place"))
    return float(x0), float(y0)


def learning_rate_control(
    page: Page, key: str = "lr", default: float = 0.1, label=None, container=None
) -> float:
    t = page.t
    return float(
        controls.select(
            page,
            key,
            label or t("common.learning_rate"),
            LEARNING_RATES,
            default,
            format_func=lambda v: f"{v:g}",
            kind="select_slider",
            help=t("common.learning_rate_help"),
            container=container,
        )
    )


def steps_control(page: Page, default: int = 60, key: str = "steps", container=None) -> int:
    t = page.t
    return int(
        controls.slider(
            page,
            key,
            t("common.steps"),
            5,
            caps.MAX_STEPS,
            default,
            step=5,
            help=t("common.steps_help", cap=caps.MAX_STEPS),
            container=container,
        )
    )


def on_click_place(chart_key: str, player_key: str, surface: Surface):
    """A chart ``on_select`` callback: move the start to the clicked cell and rerun."""

    def place() -> None:
        state = st.session_state.get(chart_key)
        try:
            points = state["selection"]["place"]
        except (KeyError, TypeError):
            return
        if not points or "cx" not in points[0]:
            return
        (x_lo, x_hi), (y_lo, y_hi) = surface.bounds
        x = float(np.clip(points[0]["cx"], x_lo, x_hi))
        y = float(np.clip(points[0]["cy"], y_lo, y_hi))
        st.session_state["x0"], st.session_state["y0"] = round(x, 2), round(y, 2)
        request_full_rerun(player_key)

    return place


def paths_frame(runs: dict[str, descent.Trajectory], frame: int) -> pd.DataFrame:
    """Rows ``series, step, x, y, loss`` of every single-start run up to ``frame``."""
    parts = []
    for label, traj in runs.items():
        df = traj.to_frame()
        df = df[df["step"] <= frame].drop(columns="start")
        df.insert(0, "series", label)
        parts.append(df)
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()


def surface_chart(
    page: Page,
    surface: Surface,
    runs: dict[str, descent.Trajectory],
    frame: int,
    arrows: pd.DataFrame | None = None,
    arrow_kinds: dict[str, str] | None = None,
    clickable: bool = True,
    extra_layers=(),
    player_key: str | None = None,
) -> alt.LayerChart:
    """The surface with paths up to ``frame``, arrows and minima. The invisible click grid
    (placing the ball) is left out while ``player_key``'s animation plays, which keeps the
    per-frame message small."""
    t = page.t
    layers = []
    layers.append(
        charts.minima_layer(
            surface, {"global": t("common.global_min"), "local": t("common.local_min")}
        )
    )
    layers.extend(extra_layers)
    if runs:
        layers.append(
            charts.path_layers(
                paths_frame(runs, frame), surface.bounds, list(runs), t("common.legend_run")
            )
        )
    if arrows is not None and len(arrows):
        layers.append(charts.arrow_layers(arrows, surface.bounds, arrow_kinds or {}))
    if clickable and not (player_key and is_playing(player_key)):
        # on top of everything, so a click anywhere on the surface lands on a cell
        grid, _ = charts.click_grid(surface.bounds, size=chart_size(surface))
        layers.append(grid)
    return charts.surface_view(
        surface_picture(surface.name), surface.bounds, layers, chart_size(surface), "x", "y"
    )


def show_surface_chart(
    chart, chart_key: str, player_key: str, surface: Surface, clickable: bool = True
) -> None:
    """Draw a ``surface_chart``; when clickable (and not playing), a click places the ball."""
    if clickable and not is_playing(player_key):
        st.altair_chart(
            chart,
            key=chart_key,
            on_select=on_click_place(chart_key, player_key, surface),
            selection_mode="place",
            width="content",
        )
    else:
        st.altair_chart(chart, key=chart_key, width="content")


def arrow(x, y, dx, dy, kind, surface: Surface) -> pd.DataFrame:
    return charts.arrow_frame(x, y, dx, dy, kind, surface.bounds, chart_size(surface))


def loss_frame(runs: dict[str, descent.Trajectory]) -> pd.DataFrame:
    parts = []
    for label, traj in runs.items():
        df = traj.to_frame()[["step", "loss"]]
        df.insert(0, "series", label)
        parts.append(df)
    return pd.concat(parts, ignore_index=True)


def download_runs(page: Page, runs: dict[str, descent.Trajectory], file_name: str) -> None:
    """A CSV of every path: ``series, step, x, y, loss`` (diverged tails left out)."""
    parts = []
    for label, traj in runs.items():
        df = traj.to_frame()
        df.insert(0, "series", label)
        parts.append(df)
    data = pd.concat(parts, ignore_index=True).to_csv(index=False).encode()
    st.download_button(
        page.t("common.download_csv"),
        data,
        file_name=file_name,
        mime="text/csv",
        icon=":material/download:",
    )


def fmt(value: float, digits: int = 4) -> str:
    """A number for a sentence: short, never 'nan'."""
    if value is None or not math.isfinite(value):
        return "-"
    return f"{value:.{digits}g}"
