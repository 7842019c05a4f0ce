"""Shared pieces of the optimizer lessons (adaptive rates, the race): the surface chart with
each optimizer in its fixed colour and marker, and a URL-bound multi-choice.

Series here keep their optimizer's colour and marker whichever others are switched off
(``descent_view.surface_chart`` colours series by their position).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import altair as alt
import pandas as pd
import streamlit as st

from sim import adaptive, caps, charts, descent
from sim import optimizer_charts as oc
from sim.surfaces import Surface
from sim.vega import to_vega_lite
from ui import controls
from ui import descent_view as dv
from ui.page import Page


def surface_chart(
    page: Page,
    surface: Surface,
    table: pd.DataFrame,
    runs: Mapping[str, descent.Trajectory],
    styles: Mapping[str, str],
    frame: int,
    player_key: str,
    clickable: bool = True,
) -> alt.LayerChart:
    """The surface with every run's path up to ``frame`` in its optimizer's look
    (``styles``: label -> optimizer name; ``table``: the runs' ``multi_view.path_table``,
    thinned to what shows), a dashed ring where a diverged run stopped, and (not while
    playing) the click grid on top, so a click anywhere places the ball. Sized by
    ``dv.chart_size`` (equal x and y units)."""
    t = page.t
    layers = []
    if runs:
        paths = mv.paths_until(table, frame, dict(runs))
        layers.append(oc.styled_paths(paths, surface.bounds, styles, t("common.legend_run")))
    if any(traj.diverged_at is not None for traj in runs.values()):
        # in the spec for the whole run (empty until a run stops), so frames only swap data
        stopped = adaptive.stopped_points(dict(runs), frame)
        layers.append(oc.stopped_layer(stopped, surface.bounds, styles, t("common.legend_run")))
    return dv.surface_view(page, surface, layers, player_key, clickable)


def notice_box(page: Page, lines: Sequence[str]) -> None:
    """The bordered "what to notice" box: a title and one paragraph per line."""
    with st.container(border=True):
        st.markdown(f"**{page.t('common.notice_title')}**")
        for line in lines:
            st.markdown(line)


def multi_select(
    page: Page,
    key: str,
    label: str,
    options: Sequence[str],
    default: Sequence[str],
    format_func: Callable[[str], str] = str,
    help: str | None = None,
    empty_notice: str | None = None,
) -> list[str]:
    """Pills with several choices, kept in ``?key=`` as comma-separated option ids
    (``?show=adam,sgd``). A URL value naming an unknown option, or none, falls back to the
    default with a notice; choosing nothing shows the default too (saying ``empty_notice``)."""
    options = list(options)
    default = [o for o in options if o in default]
    ss = st.session_state
    ss[controls.OPTIONS_PREFIX + key] = tuple(options)
    if key not in ss:
        raw = controls._raw(key)
        chosen = list(default)
        if raw is not None:
            parts = [p for p in raw.split(",") if p]
            if parts and all(p in options for p in parts):
                chosen = [o for o in options if o in parts]
            else:
                controls._reject(page, key, raw, ", ".join(format_func(o) for o in default))
                del st.query_params[key]
        ss[key] = chosen

    def sync() -> None:
        value = [o for o in options if o in (ss.get(key) or [])]
        if not value or value == default:
            if key in st.query_params:
                del st.query_params[key]
        else:
            st.query_params[key] = ",".join(value)

    value = st.pills(
        label,
        options,
        selection_mode="multi",
        format_func=format_func,
        key=key,
        help=help,
        on_change=sync,
    )
    value = [o for o in options if o in (value or [])]
    if not value and empty_notice:
        page.notice(empty_notice)
    return value or list(default)


@st.cache_data(max_entries=caps.CACHE_ENTRIES, show_spinner=False)
def _line_spec(builder: str, frame: pd.DataFrame, styles: tuple, options: tuple) -> dict:
    """The Vega-Lite spec (``sim.vega.to_vega_lite``, as every chart of the app) of an
    ``optimizer_charts`` line chart, built by Altair once per input: building the chart
    objects is most of a page rerun's cost."""
    make = {"styled_lines": oc.styled_lines, "axis_lines": oc.axis_lines}[builder]
    return to_vega_lite(charts.fit_width(make(frame, dict(styles), **dict(options))))


def show_lines(builder: str, frame: pd.DataFrame, styles: Mapping, **options) -> None:
    """Draw ``oc.styled_lines`` or ``oc.axis_lines`` (a static chart: not in a fragment)
    from a cached spec, stretched to the column."""
    spec = _line_spec(builder, frame, tuple(styles.items()), tuple(sorted(options.items())))
    st.vega_lite_chart(spec=spec, width="stretch")
