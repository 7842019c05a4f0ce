"""Shared pieces of the optimizer lessons (adaptive rates, the race): the surface chart with
each optimizer in its fixed colour and marker, following the browser player (paths up to the
frame, balls and next steps at it), line charts with a marker at the frame and a URL-bound
multi-choice; and the race's own: its per-optimizer settings, frame readout, loss chart and
finishing table.

Series here keep their optimizer's colour and marker whichever others are switched off
(``descent_view.surface_chart`` colours series by their position).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence

import altair as alt
import numpy as np
import pandas as pd
import streamlit as st

from charts import descent_frames, layering, layout, optimizer_paths, surface_charts
from charts.frames import Frames
from lessons import adaptive_rates
from lessons import race as race_lesson
from lessons.adaptive_rates import OPTIMIZER_NAMES
from lessons.notices import Number
from sim import caps, descent
from sim.surfaces import Surface
from ui import controls, descent_view
from ui.chart_view import plot
from ui.page import Page, words
from ui.vega import to_vega_lite

RATES = (0.0001, 0.0002, 0.0005, *descent_view.LEARNING_RATES)
# each optimizer's own hyperparameters besides the learning rate, Keras defaults:
# (URL key, Keras argument, min, max, default, step, display format)
EXTRA = {
    "sgd": (),
    "momentum": (("mu", "momentum", 0.0, 0.99, 0.9, 0.01, "%.2f"),),
    "nesterov": (("mu_n", "momentum", 0.0, 0.99, 0.9, 0.01, "%.2f"),),
    "adagrad": (("acc0", "initial_accumulator_value", 0.0, 1.0, 0.1, 0.05, "%.2f"),),
    "rmsprop": (("rho", "rho", 0.5, 0.99, 0.9, 0.01, "%.2f"),),
    "adam": (
        ("b1", "beta_1", 0.0, 0.99, 0.9, 0.01, "%.2f"),
        ("b2", "beta_2", 0.9, 0.999, 0.999, 0.001, "%.3f"),
    ),
}
SURFACE_KEY = "_race_surface"  # the surface the learning rates were set for


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
    return layering.layer(line, dots, step, ball)


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
    return frames.bind(layout.fit_width(layering.layer(*layers).properties(height=height)))


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


def race_settings(page: Page, surface: Surface) -> tuple[dict[str, float], dict[str, tuple]]:
    """Each optimizer's learning rate (``race_lesson.DEFAULT_RATES`` of the surface: a new
    surface resets them and drops the old ones from the URL) and hyperparameters (``EXTRA``),
    in the settings popover, and the Keras lines that build them behind a code expander.
    Returns the rates and the hyperparameters (sorted key/value pairs) by optimizer name."""
    t = page.t
    ss = st.session_state
    defaults = race_lesson.default_rates(surface.name)
    if ss.get(SURFACE_KEY) not in (None, surface.name):
        for name in OPTIMIZER_NAMES:
            ss[f"lr_{name}"] = defaults[name]
            if f"lr_{name}" in st.query_params:
                del st.query_params[f"lr_{name}"]
    ss[SURFACE_KEY] = surface.name
    rates, hyper = {}, {}
    with controls.settings_popover(t("race.hyper_title")):
        st.caption(t("race.hyper_caption"))
        cells = [cell for _ in range(2) for cell in st.columns(3)]
        for cell, name in zip(cells, OPTIMIZER_NAMES, strict=True):
            box = cell.container(border=True)
            box.markdown(f"**{t(f'race.name_{name}')}**")
            rates[name] = float(
                controls.value_slider(
                    page,
                    f"lr_{name}",
                    t("common.learning_rate"),
                    RATES,
                    defaults[name],
                    help=t("common.learning_rate_help"),
                    container=box,
                )
            )
            extra = {
                arg: float(
                    controls.slider(
                        page,
                        key,
                        t(f"race.{key}"),
                        low,
                        high,
                        default,
                        step=step,
                        fmt=fmt,
                        help=t(f"race.{key}_help"),
                        container=box,
                    )
                )
                for key, arg, low, high, default, step, fmt in EXTRA[name]
            }
            hyper[name] = tuple(sorted({"learning_rate": rates[name], **extra}.items()))
    # the same six optimizers as Keras would build them, with the values chosen above
    with controls.code_expander(t("race.keras_title")) as code_open:
        if code_open:
            lines = [
                f"{adaptive_rates.keras_call(name, hyper[name])}  # {t(f'race.name_{name}')}"
                for name in OPTIMIZER_NAMES
            ]
            st.code("\n".join(lines), language="python")
    return rates, hyper


def race_readout(
    page: Page, runs: Mapping[str, descent.Trajectory], n_frames: int, frames: Frames
) -> None:
    """The frame's numbers under the player: each racer's loss at its ball (``f<i>``;
    ``out<i>``: diverged by then), three racers a line, and the racers stopped by then."""
    t = page.t
    frames_at = np.arange(n_frames)
    row = {"step": frames_at}
    items = []
    for i, (label, traj) in enumerate(runs.items()):
        last = traj.steps if traj.diverged_at is None else traj.diverged_at - 1
        row[f"f{i}"] = traj.loss[np.minimum(frames_at, last)]
        row[f"out{i}"] = frames_at > last
        name = json.dumps(label)
        gone = descent_frames.text_expr(t("race.item_gone"), {"name": name})
        shown = descent_frames.text_expr(
            t("race.item_loss"), {"name": name, "f": descent_frames.number(f"f{i}")}
        )
        items.append(f"(datum.out{i} ? {gone} : {shown})")
    row["stopped"] = stopped_text(page, runs, n_frames, "race")
    sep = json.dumps(t("race.item_sep"))
    lines = [f" + {sep} + ".join(items[k : k + 3]) for k in range(0, len(items), 3)]
    text = descent_frames.text_expr(
        t("race.frame_caption"),
        {
            "step": "datum.step",
            "items": " + '\\n' + ".join(lines) or "''",
            "stopped": "datum.stopped",
        },
    )
    chart = descent_frames.readout(pd.DataFrame(row), frames, text, lines=2 + -(-len(runs) // 3))
    plot(st, chart, width="stretch")


def race_loss_chart(
    page: Page, runs: Mapping[str, descent.Trajectory], styles: Mapping[str, str], frames: Frames
) -> bool:
    """Every racer's loss against the step, on a log scale when every loss is positive
    (then from 10^-12 of the highest start up), with a marker at the frame; returns whether
    the scale is logarithmic."""
    t = page.t
    losses = descent_view.loss_frame(dict(runs))
    log_y = bool(len(losses)) and bool((losses["loss"] > 0).all())
    starts = [float(traj.loss[0]) for traj in runs.values()]
    low = float(losses["loss"].min()) if len(losses) else 0.0
    high = max(starts) if starts else 1.0
    if log_y:
        domain = (max(low, high * 1e-12), high * 10)
    else:
        pad = high - low + 1e-9
        domain = (low - 0.05 * pad, high + 0.25 * pad)
    chart = styled_frame_lines(
        losses,
        frames,
        styles,
        t("common.step_axis"),
        t("common.loss_axis"),
        log_y=log_y,
        height=230,
        y_domain=domain,
        legend=False,
    )
    plot(st, chart, width="stretch")
    return log_y


def standings_table(page: Page, rows: list[dict]) -> None:
    """``race_lesson.standings`` as a table, headed by ``race.col_<key>``, in words."""
    t = page.t

    def cell(value):
        if isinstance(value, Number):
            return descent_view.fmt(value.value, value.digits)
        return value if isinstance(value, int) else words(t, value)

    table = [{t(f"race.col_{key}"): cell(value) for key, value in row.items()} for row in rows]
    st.table(pd.DataFrame(table), hide_index=True)
