"""Streamlit pieces of the momentum lesson (A5): the surface chart at the surface's own
aspect (``descent_view.chart_size``) built from a thinned path table, and a click handler
that places the start in any pair of URL-bound start keys (the page has two views, each with
its own start).

Could move into ``ui/multi_view.py`` (its ``surface_chart`` is fixed at 400 x 400) and
``ui/descent_view.py`` (its click handler always writes ``x0``/``y0``).
"""

from __future__ import annotations

from collections.abc import Sequence

import altair as alt
import numpy as np
import pandas as pd
import streamlit as st

from sim import charts
from sim.surfaces import Surface
from ui import descent_view as dv
from ui.page import Page
from ui.player import is_playing, request_full_rerun


def surface_chart(
    page: Page,
    surface: Surface,
    paths: pd.DataFrame,
    series: Sequence[str],
    arrows: pd.DataFrame | None,
    arrow_kinds: dict[str, str],
    player_key: str,
) -> alt.LayerChart:
    """The surface picture with minima, paths up to the frame and the force arrows; the
    invisible click grid (placing the ball) on top while paused."""
    t = page.t
    size = dv.chart_size(surface)
    layers = [
        charts.minima_layer(
            surface, {"global": t("common.global_min"), "local": t("common.local_min")}
        )
    ]
    if len(paths):
        layers.append(
            charts.path_layers(paths, surface.bounds, list(series), t("common.legend_run"))
        )
    if arrows is not None and len(arrows):
        arrow_layer = charts.arrow_layers(arrows, surface.bounds, arrow_kinds)
        # the arrows' legend above the plot: beside the runs' legend it would be wider
        # than the column
        arrow_layer.layer[0].encoding.color["legend"]["orient"] = "top"
        layers.append(arrow_layer)
    if not is_playing(player_key):
        layers.append(charts.click_grid(surface.bounds, size=size)[0])
    return charts.surface_view(dv.surface_picture(surface.name), surface.bounds, layers, size)


def _place(chart_key: str, player_key: str, surface: Surface, keys: tuple[str, str]):
    def place() -> None:
        state = st.session_state.get(chart_key)
        try:
            point = state["selection"]["place"][0]
        except (KeyError, TypeError, IndexError):
            return
        if "cx" not in point:
            return
        (x_lo, x_hi), (y_lo, y_hi) = surface.bounds
        st.session_state[keys[0]] = round(float(np.clip(point["cx"], x_lo, x_hi)), 2)
        st.session_state[keys[1]] = round(float(np.clip(point["cy"], y_lo, y_hi)), 2)
        request_full_rerun(player_key)

    return place


def show(chart, chart_key: str, player_key: str, surface: Surface, keys: tuple[str, str]) -> None:
    """Draw the surface chart; while paused, a click puts the start (``keys``) there."""
    if is_playing(player_key):
        st.altair_chart(chart, key=chart_key, width="content")
    else:
        st.altair_chart(
            chart,
            key=chart_key,
            on_select=_place(chart_key, player_key, surface, keys),
            selection_mode="place",
            width="content",
        )


def start_sliders(
    page: Page, surface: Surface, keys: tuple[str, str], container=None
) -> tuple[float, float]:
    """URL-bound start sliders under ``keys`` over the surface's window."""
    from ui import controls

    t = page.t
    (x_lo, x_hi), (y_lo, y_hi) = surface.bounds
    where = container or st
    cols = where.columns(2)
    x0 = controls.slider(
        page,
        keys[0],
        t("common.start_x"),
        float(x_lo),
        float(x_hi),
        float(surface.default_start[0]),
        step=0.01,
        container=cols[0],
    )
    y0 = controls.slider(
        page,
        keys[1],
        t("common.start_y"),
        float(y_lo),
        float(y_hi),
        float(surface.default_start[1]),
        step=0.01,
        container=cols[1],
    )
    where.caption(t("common.click_to_place"))
    return float(x0), float(y0)
