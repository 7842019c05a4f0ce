"""The Streamlit side of the optimizer lessons (adaptive rates, the race): the surface chart
following the player (``charts.race``) with a click to place the start, the cached static
line charts, the stopped racers in words and a URL-bound multi-choice; and the race's own:
its per-optimizer settings, frame readout, loss chart and finishing table."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import pandas as pd
import streamlit as st

from charts import layout, optimizer_paths
from charts import race as race_charts
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


def surface_chart(
    page: Page,
    surface: Surface,
    runs: Mapping[str, descent.Trajectory],
    styles: Mapping[str, str],
    frames: Frames,
    balls: pd.DataFrame | None = None,
):
    """The surface with ``race_charts.surface_layers`` (every racer in its optimizer's look,
    following the player) and the click grid on top (a click anywhere places the ball),
    sized by ``descent_view.chart_size`` (equal x and y units)."""
    size = descent_view.chart_size(surface)
    legend = page.t("common.legend_run")
    layers = race_charts.surface_layers(runs, styles, surface, size, frames, legend, balls)
    return frames.bind(layout.on_canvas(descent_view.surface_view(page, surface, layers)))


def stopped_text(
    page: Page, runs: Mapping[str, descent.Trajectory], n_frames: int, key: str
) -> list[str]:
    """Per frame, the short line naming the racers diverged by then
    (``<key>.frame_stopped_short``, empty while none has): a column of a readout's rows."""
    t = page.t
    stopped = race_charts.stopped_rows(runs)
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
    """The frame's numbers under the player (``race_charts.loss_readout``): each racer's loss
    at its ball, two racers a line, and the racers stopped by then."""
    t = page.t
    chart = race_charts.loss_readout(
        runs,
        frames,
        stopped_text(page, runs, n_frames, "race"),
        t("race.frame_caption"),
        t("race.item_loss"),
        t("race.item_gone"),
        t("race.item_sep"),
    )
    plot(st, chart, width="stretch")


def race_loss_chart(
    page: Page, runs: Mapping[str, descent.Trajectory], styles: Mapping[str, str], frames: Frames
) -> bool:
    """Every racer's loss against the step (``race_charts.loss_scale``: on a log scale when
    every loss is positive), with a marker at the frame and a legend of the lines, their
    colours and dashes; returns whether the scale is logarithmic."""
    t = page.t
    losses = descent_view.loss_frame(dict(runs))
    log_y, domain = race_charts.loss_scale(losses, [float(traj.loss[0]) for traj in runs.values()])
    chart = race_charts.frame_lines(
        losses,
        frames,
        styles,
        t("common.step_axis"),
        t("common.loss_axis"),
        log_y=log_y,
        height=230,
        y_domain=domain,
        legend_title=t("common.legend_run"),
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
