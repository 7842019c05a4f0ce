"""Shared pieces of the 2D descent lessons: cached runs and surface pictures, the surface
chart with paths and arrows, the start sliders and clicking to place the ball (under any
pair of URL keys), and the trajectory download."""

from __future__ import annotations

import math
from collections.abc import Sequence

import altair as alt
import numpy as np
import pandas as pd
import streamlit as st

from charts import numbers, surface_charts
from sim import caps, descent
from sim.optimizers import make_optimizer
from sim.surfaces import SURFACES, Surface, get_surface
from ui import controls
from ui.chart_view import plot
from ui.download import csv_button
from ui.page import Page

START_KEYS = ("x0", "y0")  # the URL keys of the ball's start on most surface pages
CHART_SIZE = (400, 400)  # the plot area of a square window; see chart_size()
PLOT_WIDTH, MIN_PLOT_HEIGHT = 400, 240
# The learning rates a slider offers; the browser holds a run for each (``cached_sweep``),
# so dragging the slider redraws the path without the server.
LEARNING_RATES = (
    0.001, 0.0015, 0.002, 0.003, 0.005, 0.007,
    0.01, 0.015, 0.02, 0.03, 0.05, 0.07,
    0.1, 0.15, 0.2, 0.25, 0.3, 0.4,
    0.5, 0.6, 0.7, 0.8, 0.9, 0.95,
    1.0, 1.05, 1.1, 1.2, 1.5, 2.0,
)  # fmt: skip


def chart_size(surface: Surface) -> tuple[int, int]:
    """Plot area in pixels: 400 wide and as tall as keeps x and y units equal (a bowl stays
    round), but never flatter than 400 x 240 (the ravine is 16 by 6)."""
    (x0, x1), (y0, y1) = surface.bounds
    height = round(PLOT_WIDTH * (y1 - y0) / (x1 - x0))
    return PLOT_WIDTH, int(min(max(height, MIN_PLOT_HEIGHT), PLOT_WIDTH))


@st.cache_data(max_entries=caps.CACHE_ENTRIES, show_spinner=False)
def surface_picture(name: str) -> str:
    """The surface's picture (an image data URL), made once per surface and process."""
    surface = get_surface(name)
    return surface_charts.surface_url(surface, size=chart_size(surface))


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


@st.cache_data(max_entries=caps.CACHE_ENTRIES, show_spinner=False)
def cached_sweep(
    surface: str,
    optimizer: str,
    name: str,
    values: tuple,
    start: tuple,
    steps: int,
    hyper: tuple = (),
) -> descent.Trajectory:
    """``descent.sweep`` cached on its inputs: one run per value of ``name``."""
    steps = int(caps.clamp(steps, 0, caps.MAX_STEPS))
    return descent.sweep(surface, optimizer, name, values, start, steps, **dict(hyper))


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


def start_sliders(
    page: Page,
    bounds,
    default: tuple[float, float],
    keys: tuple[str, str] = START_KEYS,
    labels: tuple[str, str] | None = None,
    container=None,
) -> tuple[float, float]:
    """Two URL-bound start sliders (``?x0=&y0=`` by default) over the window ``bounds``;
    a click on the surface chart sets them too (``show_surface_chart``)."""
    t = page.t
    labels = labels or (t("common.start_x"), t("common.start_y"))
    where = container or st
    cols = where.columns(2)
    rows = zip(keys, labels, bounds, default, cols, strict=True)
    values = [
        controls.slider(page, key, label, float(lo), float(hi), float(v), step=0.01, container=col)
        for key, label, (lo, hi), v, col in rows
    ]
    where.caption(t("common.click_to_place"))
    return float(values[0]), float(values[1])


def start_controls(
    page: Page, surface: Surface, keys: tuple[str, str] = START_KEYS, container=None
) -> tuple[float, float]:
    """The start over a named surface; switching surface moves the start to the new
    surface's default."""
    ss = st.session_state
    marker = f"_start_surface_{keys[0]}"
    if ss.get(marker) not in (None, surface.name):
        ss[keys[0]], ss[keys[1]] = surface.default_start
    ss[marker] = surface.name
    return start_sliders(page, surface.bounds, surface.default_start, keys, container=container)


def learning_rate_control(
    page: Page, key: str = "lr", default: float = 0.1, label=None, container=None
) -> float:
    t = page.t
    return float(
        controls.value_slider(
            page,
            key,
            label or t("common.learning_rate"),
            LEARNING_RATES,
            default,
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


def clicked_point(chart_key: str) -> tuple[float, float] | None:
    """The data coordinates of the last click on a chart drawn with ``selection_mode="place"``
    (``surface_charts.click_grid``), or None."""
    state = st.session_state.get(chart_key)
    try:
        point = state["selection"]["place"][0]
        x, y = float(point["cx"]), float(point["cy"])
    except (KeyError, TypeError, IndexError, ValueError):
        return None
    return (x, y) if math.isfinite(x) and math.isfinite(y) else None


def on_click_place(chart_key: str, bounds, keys: tuple[str, str] = START_KEYS):
    """A chart ``on_select`` callback: put the start (``keys``) at the clicked cell, inside
    ``bounds``."""

    def place() -> None:
        point = clicked_point(chart_key)
        if point is None:
            return
        for key, value, (lo, hi) in zip(keys, point, bounds, strict=True):
            st.session_state[key] = round(float(np.clip(value, lo, hi)), 2)

    return place


def surface_view(
    page: Page,
    surface: Surface,
    layers: Sequence,
    clickable: bool = True,
    image: str | None = None,
) -> alt.LayerChart:
    """The surface picture (``image`` or the surface's own) with its minima under
    ``layers``, at ``chart_size`` (equal x and y units). The invisible click grid (placing
    the ball) goes on top, so a click anywhere lands on a cell."""
    t = page.t
    size = chart_size(surface)
    minima = surface_charts.minima_layer(
        surface, {"global": t("common.global_min"), "local": t("common.local_min")}
    )
    out = [minima, *layers]
    if clickable:
        out.append(surface_charts.click_grid(surface.bounds, size=size)[0])
    return surface_charts.surface_view(
        image or surface_picture(surface.name), surface.bounds, out, size
    )


def show_surface_chart(
    chart,
    chart_key: str,
    bounds,
    clickable: bool = True,
    keys: tuple[str, str] = START_KEYS,
) -> None:
    """Draw a surface chart; when clickable, a click puts the start (``keys``) there."""
    if clickable:
        plot(
            st,
            chart,
            key=chart_key,
            on_select=on_click_place(chart_key, bounds, keys),
            selection_mode="place",
            width="stretch",  # the chart sizes itself to the column (charts.layout)
        )
    else:
        plot(st, chart, key=chart_key, width="stretch")


def loss_frame(runs: dict[str, descent.Trajectory]) -> pd.DataFrame:
    parts = []
    for label, traj in runs.items():
        df = traj.to_frame()[["step", "loss"]]
        df.insert(0, "series", label)
        parts.append(df)
    return pd.concat(parts, ignore_index=True)


def paths_frame(runs: dict[str, descent.Trajectory]) -> pd.DataFrame:
    """Every path, one row per point: ``series`` and the columns of ``Trajectory.to_frame``
    (diverged tails left out)."""
    parts = []
    for label, traj in runs.items():
        df = traj.to_frame()
        df.insert(0, "series", label)
        parts.append(df)
    return pd.concat(parts, ignore_index=True)


def download_runs(page: Page, runs: dict[str, descent.Trajectory], file_name: str) -> None:
    """A CSV of every path (``paths_frame``), made when clicked."""
    csv_button(page.t("common.download_csv"), lambda: paths_frame(runs), file_name)


def fmt(value: float, digits: int = 4) -> str:
    """A number for a sentence, in the learners' style (``charts.numbers.plain``)."""
    return numbers.plain(value, digits)
