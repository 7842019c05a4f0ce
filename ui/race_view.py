"""Shared pieces of the optimizer lessons (adaptive rates, the race, momentum's notices): the
surface chart with each optimizer in its fixed colour and marker, following the browser
player (paths up to the frame, balls and next steps at it), line charts with a marker at
the frame, the "what to notice" box and a URL-bound multi-choice.

Series here keep their optimizer's colour and marker whichever others are switched off
(``descent_view.surface_chart`` colours series by their position).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import altair as alt
import pandas as pd
import streamlit as st

from charts import descent_frames, layout, optimizer_paths, surface_charts
from charts.frames import Frames
from lessons import adaptive_rates
from sim import caps, descent
from sim.surfaces import Surface
from ui import controls, descent_view
from ui.page import Page
from ui.vega import to_vega_lite


def racer_tracks(runs: Mapping[str, descent.Trajectory]) -> list[descent_frames.Track]:
    """One ``Track`` per racer (label -> single-start run)."""
    return [descent_frames.track(traj, label) for label, traj in runs.items()]


def stopped_rows(runs: Mapping[str, descent.Trajectory]) -> pd.DataFrame:
    """``adaptive_rates.stopped_points`` of the whole run: each diverged racer's last finite
    point, ``step`` = the step it diverged at (a ring from that frame on)."""
    steps = max((traj.steps for traj in runs.values()), default=0)
    return adaptive_rates.stopped_points(dict(runs), steps)


def step_arrows(tracks, surface: Surface) -> pd.DataFrame:
    """Each racer's next step (the move from the ball to its next point) at every step,
    drawn to scale (``descent_frames.descent_arrows``, kind ``step``)."""
    size = descent_view.chart_size(surface)
    return descent_frames.descent_arrows(tracks, surface, size, kinds=("step",))


def surface_chart(
    page: Page,
    surface: Surface,
    runs: Mapping[str, descent.Trajectory],
    styles: Mapping[str, str],
    frames: Frames,
    balls: pd.DataFrame | None = None,
) -> alt.LayerChart:
    """The surface with every racer's path up to the frame shown in its optimizer's look
    (``styles``: label -> optimizer name), its ball and its next step at the frame, a
    dashed ring where a diverged run stopped (from the step it diverged at), and the click
    grid on top (a click anywhere places the ball). Sized by ``descent_view.chart_size`` (equal x
    and y units). ``balls``: ``descent_frames.ball_rows`` of the racers, if already made."""
    t = page.t
    tracks = racer_tracks(runs)
    layers = []
    if tracks:
        size = descent_view.chart_size(surface)
        paths = descent_frames.path_rows(tracks, surface, size)
        if balls is None:
            balls = descent_frames.ball_rows(tracks)
        balls = balls[["series", "step", "x", "y", "loss"]]
        layers.append(
            styled_path_layers(
                paths, balls, step_arrows(tracks, surface), frames, surface, styles, t
            )
        )
        stopped = stopped_rows(runs)
        if len(stopped):
            ring = optimizer_paths.stopped_layer(
                stopped, surface.bounds, styles, t("common.legend_run")
            )
            layers.append(ring.transform_filter(frames.upto()))
    return frames.bind(descent_view.surface_view(page, surface, layers))


def styled_path_layers(
    paths: pd.DataFrame,
    balls: pd.DataFrame,
    arrows: pd.DataFrame,
    frames: Frames,
    surface: Surface,
    styles: Mapping[str, str],
    t,
) -> alt.LayerChart:
    """``optimizer_paths.styled_paths`` following the player: paths up to the frame, the balls
    and each racer's next step (a thin arrow in its colour) at the frame."""
    xs, ys = surface_charts.scales(surface.bounds)
    colour, shape, _ = optimizer_paths.style_encodings(styles, t("common.legend_run"))
    plain, _, _ = optimizer_paths.style_encodings(styles, legend=False)  # one legend: the lines'

    def base(frame: pd.DataFrame) -> alt.Chart:
        return alt.Chart(frame).encode(x=alt.X("x:Q", scale=xs), y=alt.Y("y:Q", scale=ys))

    shown = base(paths).transform_filter(frames.upto())
    line = shown.mark_line(strokeWidth=2, clip=True).encode(
        color=colour, order="step:Q", detail="series:N"
    )
    dots = shown.mark_point(size=12, filled=True, opacity=0.7, clip=True, aria=False).encode(
        color=plain, shape=shape
    )
    step = (
        base(arrows[["series", "step", "x", "y", "x2", "y2"]])
        .transform_filter(frames.at())
        .mark_rule(strokeWidth=1.8, opacity=0.9, clip=True)
        .encode(x2="x2:Q", y2="y2:Q", color=plain)
    )
    ball = (
        base(balls)
        .transform_filter(frames.at())
        .mark_point(size=170, filled=True, stroke="white", strokeWidth=1.5, opacity=1, clip=True)
        .encode(
            color=plain,
            shape=shape,
            tooltip=[
                "series:N",
                "step:Q",
                alt.Tooltip("x:Q", format=".4g"),
                alt.Tooltip("y:Q", format=".4g"),
                alt.Tooltip("loss:Q", format=".4g"),
            ],
        )
    )
    return alt.layer(line, dots, step, ball)


def styled_frame_lines(
    rows: pd.DataFrame,
    frames: Frames,
    styles: Mapping[str, str],
    x_title: str,
    y_title: str,
    y_field: str = "loss",
    log_y: bool = False,
    height: int = 220,
    y_domain=None,
    legend: bool = True,
    legend_title: str = "",
    legend_orient: str = "bottom",
    frame_field: str = "step",
) -> alt.LayerChart:
    """``optimizer_paths.styled_lines`` (``series, step, <y_field>``) with a dashed rule and each
    racer's marker at the frame shown (rows whose ``frame_field`` equals it)."""
    lines = optimizer_paths.styled_lines(
        rows,
        styles,
        x_title,
        y_title,
        legend_title=legend_title,
        y_field=y_field,
        log_y=log_y,
        height=height,
        y_domain=y_domain,
        legend=legend,
        legend_orient=legend_orient,
    )
    colour, shape, _ = optimizer_paths.style_encodings(styles, legend=False)
    data = rows[rows[y_field] > 0] if log_y else rows
    scale = {"type": "log"} if log_y else {"zero": False}  # as optimizer_paths.styled_lines
    if y_domain is not None:
        scale["domain"] = list(y_domain)
    marker = (
        alt.Chart(data)
        .transform_filter(frames.at(frame_field))
        .encode(
            x="step:Q",
            y=alt.Y(f"{y_field}:Q", scale=alt.Scale(**scale)),
            color=colour,
        )
    )
    layers = [
        lines,
        marker.mark_rule(color="#888888", strokeDash=[4, 3]).encode(
            y=alt.value(0), y2=alt.value(height)
        ),
        marker.mark_point(
            size=110, filled=True, stroke="white", strokeWidth=1.2, opacity=1, clip=True
        ).encode(
            shape=shape,
            tooltip=["series:N", "step:Q", alt.Tooltip(f"{y_field}:Q", format=".4g")],
        ),
    ]
    return frames.bind(layout.fit_width(alt.layer(*layers).properties(height=height)))


def stopped_text(
    page: Page, runs: Mapping[str, descent.Trajectory], n_frames: int, key: str
) -> list[str]:
    """Per frame, the short line naming the racers diverged by then
    (``<key>.frame_stopped_short``, empty while none has): a column of a readout's rows."""
    t = page.t
    stopped = stopped_rows(runs)
    out = []
    for frame in range(n_frames):
        now = stopped[stopped["step"] <= frame]
        if not len(now):
            out.append("")
            continue
        items = t(f"{key}.list_sep").join(
            t(f"{key}.item_step", name=row.series, step=row.step) for row in now.itertuples()
        )
        out.append(t(f"{key}.frame_stopped_short", items=items))
    return out


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
        raw = controls.url_value(key)
        chosen = list(default)
        if raw is not None:
            parts = [p for p in raw.split(",") if p]
            if parts and all(p in options for p in parts):
                chosen = [o for o in options if o in parts]
            else:
                controls.reject_url_value(
                    page, key, raw, ", ".join(format_func(o) for o in default)
                )
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
    """The Vega-Lite spec (``ui.vega.to_vega_lite``, as every chart of the app) of an
    ``charts.optimizer_paths`` line chart, built by Altair once per input: building the chart
    objects is most of a page rerun's cost."""
    make = {"styled_lines": optimizer_paths.styled_lines, "axis_lines": optimizer_paths.axis_lines}[
        builder
    ]
    return to_vega_lite(layout.fit_width(make(frame, dict(styles), **dict(options))))


def show_lines(builder: str, frame: pd.DataFrame, styles: Mapping, **options) -> None:
    """Draw ``optimizer_paths.styled_lines`` or ``optimizer_paths.axis_lines`` (a static chart)
    from a cached spec, stretched to the column."""
    spec = _line_spec(builder, frame, tuple(styles.items()), tuple(sorted(options.items())))
    st.vega_lite_chart(spec=spec, width="stretch")
