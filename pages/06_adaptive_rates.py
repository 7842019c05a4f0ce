"""A6, A7 -- Adagrad gives each parameter its own learning rate (smaller where the gradients
were large); RMSprop replaces Adagrad's ever-growing sum with a decaying average, so it does
not slow to a crawl."""

import numpy as np
import pandas as pd
import streamlit as st

from charts import descent_frames
from lessons import adaptive_rates
from ui import controls, descent_view, race_view
from ui.chart_view import plot
from ui.download import csv_button
from ui.page import setup
from ui.player import player

RHO_DEFAULT = 0.9
ACCUMULATOR_OPTIONS = (0.0, 0.01, 0.1, 1.0)
EQUAL_RATIO = 1.05  # rates within this factor count as equal
HOP_FACTOR = 1.5  # within this many learning rates of the minimum, a run is hopping about it
# 0.05: on the ravine Adagrad crawls while RMSprop arrives (step 148 of 200) and stays; at
# 0.1 RMSprop's loss spiked from 1e-6 back to 0.05 near step 100 (its average of g^2
# forgets, its step size grows near the minimum): that behaviour stays a notice, not the default
DEFAULT_RATE = 0.05

page = setup("adaptive")
t = page.t
st.markdown(t("adaptive.summary"))

# The chart and its player come first on screen; the settings below them are read first.
chart_column, side_column = st.columns([1.25, 1], vertical_alignment="top")
with st.container(border=True):
    c1, c2, c3 = st.columns([1.2, 1, 1])
    surface = descent_view.surface_select(page, default="ravine", container=c1)
    with c2:
        steps = descent_view.steps_control(page, default=200)
        show_gd = controls.toggle(
            page, "gd", t("adaptive.show_gd"), True, help=t("adaptive.show_gd_help")
        )
        show_adam = controls.toggle(
            page,
            "adam",
            t("adaptive.show_adam"),
            True,
            help=t("adaptive.show_adam_help"),
        )
    with c3:
        x0, y0 = descent_view.start_controls(page, surface)
    with controls.settings_popover(t("adaptive.hyper_title")):
        h2, h3 = st.columns(2)
        rho = controls.slider(
            page,
            "rho",
            t("adaptive.rho"),
            0.5,
            0.99,
            RHO_DEFAULT,
            step=0.01,
            help=t("adaptive.rho_help"),
            container=h2,
        )
        acc0 = controls.value_slider(
            page,
            "acc0",
            t("adaptive.acc0"),
            ACCUMULATOR_OPTIONS,
            0.1,
            help=t("adaptive.acc0_help"),
            container=h3,
        )
with side_column:
    lr = descent_view.learning_rate_control(page, default=DEFAULT_RATE)

start = (x0, y0)
ada = descent_view.cached_run(
    surface.name,
    "adagrad",
    (("initial_accumulator_value", float(acc0)), ("learning_rate", lr)),
    start,
    steps,
)
rms = descent_view.cached_run(
    surface.name, "rmsprop", (("learning_rate", lr), ("rho", float(rho))), start, steps
)
labels = {
    "adagrad": t("adaptive.series_adagrad"),
    "rmsprop": t("adaptive.series_rmsprop"),
    "sgd": t("adaptive.series_gd"),
    "adam": t("adaptive.series_adam"),
}
runs = {labels["adagrad"]: ada, labels["rmsprop"]: rms}
if show_gd:
    runs[labels["sgd"]] = descent_view.cached_run(
        surface.name, "sgd", (("learning_rate", lr),), start, steps
    )
if show_adam:
    runs[labels["adam"]] = descent_view.cached_run(
        surface.name, "adam", (("learning_rate", lr),), start, steps
    )
styles = {label: name for name, label in labels.items() if label in runs}


def readout_rows() -> pd.DataFrame:
    """One row per frame: the step sizes of the update leaving that point for Adagrad and
    RMSprop (the last update's at the end) and the racers stopped by then."""
    frames_at = np.arange(steps + 1)
    row = {"step": frames_at}
    for name, traj in (("a", ada), ("r", rms)):
        applied = adaptive_rates.applied_step_sizes(traj)
        held = applied[np.minimum(frames_at, len(applied) - 1)] if len(applied) else None
        for i, axis in enumerate("xy"):
            row[f"{name}{axis}"] = held[:, i] if held is not None else np.zeros(len(frames_at))
    row["stopped"] = race_view.stopped_text(page, runs, steps + 1, "adaptive")
    return pd.DataFrame(row)


def with_frame(rates_or_memory: pd.DataFrame) -> pd.DataFrame:
    """Rows numbered by update (1-based) get the frame they leave from (``frame`` =
    ``step - 1``); each series' last row also stands for the final frame."""
    out = rates_or_memory.assign(frame=rates_or_memory["step"] - 1)
    last = out.sort_values("step").groupby(["series", "axis"], as_index=False).tail(1)
    return pd.concat([out, last.assign(frame=last["frame"] + 1)], ignore_index=True)


with side_column:
    frames = player(
        page,
        "adaptive",
        steps + 1,
        run_id=(surface.name, start, steps, lr, rho, acc0, show_gd, show_adam),
        unit=t("common.unit_step"),
        fps=20,
    )
    readout = descent_frames.text_expr(
        t("adaptive.frame_caption"),
        {
            "step": "datum.step",
            **{
                f"{name}{axis}": descent_frames.number(f"{name}{axis}", 3)
                for name in "ar"
                for axis in "xy"
            },
            "stopped": "datum.stopped",
        },
    )
    plot(st, descent_frames.readout(readout_rows(), frames, readout, lines=4), width="stretch")
    losses = descent_view.loss_frame(runs)
    log_loss = bool((losses["loss"] > 0).all())
    plot(
        st,
        race_view.styled_frame_lines(
            losses,
            frames,
            styles,
            t("common.step_axis"),
            t("common.loss_axis"),
            log_y=log_loss,
            height=200,
            legend=False,
        ),
        width="stretch",
    )
with chart_column:
    chart = race_view.surface_chart(page, surface, runs, styles, frames)
    descent_view.show_surface_chart(chart, "adaptive_chart", surface.bounds)

rates = adaptive_rates.rates_frame(runs)
positive = rates.loc[rates["rate"] > 0, "rate"]
domain = (
    (float(positive.min()) / 1.3, float(positive.max()) * 1.3) if len(positive) else (0.001, 1.0)
)
framed_rates = with_frame(rates)

st.markdown(f"**{t('adaptive.rates_title')}**")
r1, r2 = st.columns(2)
for axis, where in (("x", r1), ("y", r2)):
    # one legend (above the first chart) serves both
    plot(
        where,
        race_view.styled_frame_lines(
            framed_rates[framed_rates["axis"] == axis],
            frames,
            styles,
            t("common.step_axis"),
            t(f"adaptive.rate_axis_{axis}"),
            y_field="rate",
            log_y=True,
            height=190,
            y_domain=domain,
            legend=axis == "x",
            legend_title=t("common.legend_run"),
            legend_orient="top",
            frame_field="frame",
        ),
        width="stretch",
    )
st.caption(t("adaptive.rates_caption"))
if show_adam:
    st.caption(t("adaptive.rates_caption_adam"))

st.markdown(t("adaptive.intro"))
with st.container():
    st.markdown(f"**{t('adaptive.memory_title')}**")
    memory = adaptive_rates.memory_frame(
        {labels["adagrad"]: (ada, "accumulator"), labels["rmsprop"]: (rms, "mean_square")}
    )
    for axis in ("x", "y"):
        memory.loc[memory["axis"] == axis, "series"] = memory["series"] + " · " + axis
    mem_styles = {f"{labels[n]} · {a}": (n, a) for n in ("adagrad", "rmsprop") for a in ("x", "y")}
    race_view.show_lines(
        "axis_lines",
        memory,
        mem_styles,
        x_title=t("common.step_axis"),
        y_title=t("adaptive.memory_axis"),
        legend_title=t("adaptive.memory_legend"),
        height=330,
    )
    st.caption(t("adaptive.memory_caption"))
st.markdown(t("adaptive.analogy"))

# What to notice: read off the runs.
a = adaptive_rates.summarize(labels["adagrad"], ada, surface)
r = adaptive_rates.summarize(labels["rmsprop"], rms, surface)
with st.container(border=True):
    st.markdown(f"**{t('common.notice_title')}**")
    ax0, ay0 = a.rate_first
    if max(ax0, ay0) / max(min(ax0, ay0), 1e-300) < EQUAL_RATIO or min(ax0, ay0) <= 0:
        st.markdown(
            t(
                "adaptive.notice_axes_equal",
                ax=descent_view.fmt(ax0, 3),
                ay=descent_view.fmt(ay0, 3),
            )
        )
    else:
        small, large = ("y", "x") if ay0 < ax0 else ("x", "y")
        st.markdown(
            t(
                "adaptive.notice_axes",
                ax=descent_view.fmt(ax0, 3),
                ay=descent_view.fmt(ay0, 3),
                small=small,
                large=large,
                ratio=descent_view.fmt(max(ax0, ay0) / min(ax0, ay0), 2),
                lr=descent_view.fmt(lr),
            )
        )
    common = dict(
        steps=steps,
        lr=descent_view.fmt(lr),
        rho=descent_view.fmt(float(rho), 3),
        ax0=descent_view.fmt(ax0, 2),
        ax_end=descent_view.fmt(a.rate_last[0], 2),
        ay0=descent_view.fmt(ay0, 2),
        ay_end=descent_view.fmt(a.rate_last[1], 2),
        rx_min=descent_view.fmt(r.rate_min[0], 2),
        rx_end=descent_view.fmt(r.rate_last[0], 2),
        adist=descent_view.fmt(a.distance, 2),
        rdist=descent_view.fmt(r.distance, 2),
        a_reach=a.reached,
        r_reach=r.reached,
    )
    if a.diverged_at is not None or r.diverged_at is not None:
        for s, name in ((a, "adagrad"), (r, "rmsprop")):
            if s.diverged_at is not None:
                st.markdown(
                    t(
                        "adaptive.notice_diverged",
                        name=labels[name],
                        step=s.diverged_at,
                        **common,
                    )
                )
    elif a.reached < 0 and r.reached >= 0:
        st.markdown(t("adaptive.notice_crawl", **common))
    elif a.reached >= 0 and r.reached >= 0:
        st.markdown(t("adaptive.notice_both", **common))
    elif a.reached >= 0 and r.distance <= HOP_FACTOR * lr:
        # RMSprop is near the minimum, hopping about it with steps as long as the rate
        st.markdown(t("adaptive.notice_adagrad_only", **common))
    elif a.reached >= 0:
        st.markdown(t("adaptive.notice_adagrad_only_far", **common))
    else:
        st.markdown(t("adaptive.notice_neither", **common))
    if r.hops and r.diverged_at is None:
        st.markdown(
            t(
                "adaptive.notice_rmsprop_hops",
                r_reach=r.reached,
                peak=descent_view.fmt(r.hop_peak, 2),
            )
        )
    if show_adam:
        d = adaptive_rates.summarize(labels["adam"], runs[labels["adam"]], surface)
        if d.diverged_at is not None:
            st.markdown(
                t("adaptive.notice_adam_diverged", step=d.diverged_at, lr=descent_view.fmt(lr))
            )
        elif d.reached >= 0:
            st.markdown(t("adaptive.notice_adam_reached", step=d.reached, lr=descent_view.fmt(lr)))
        else:
            st.markdown(
                t(
                    "adaptive.notice_adam_moving",
                    steps=steps,
                    lr=descent_view.fmt(lr),
                    dist=descent_view.fmt(d.distance, 2),
                )
            )
    if show_gd:
        g = adaptive_rates.summarize(labels["sgd"], runs[labels["sgd"]], surface)
        if g.diverged_at is not None:
            st.markdown(
                t("adaptive.notice_gd_diverged", step=g.diverged_at, lr=descent_view.fmt(lr))
            )
        elif g.reached >= 0:
            st.markdown(t("adaptive.notice_gd_reached", step=g.reached, lr=descent_view.fmt(lr)))
        else:
            st.markdown(
                t(
                    "adaptive.notice_gd_moving",
                    steps=steps,
                    lr=descent_view.fmt(lr),
                    dist=descent_view.fmt(g.distance, 2),
                )
            )


def paths_table() -> pd.DataFrame:
    """Every path with the step size of the update leaving each point, per axis."""
    paths = descent_view.paths_frame(runs)
    wide = rates.pivot_table(index=["series", "step"], columns="axis", values="rate")
    wide = wide.reset_index().rename(columns={"x": "step_size_x", "y": "step_size_y"})
    wide["step"] = wide["step"] - 1  # the rate of the update leaving point `step`
    table = paths.merge(wide, on=["series", "step"], how="left")
    return table[["series", "step", "x", "y", "loss", "step_size_x", "step_size_y"]]


csv_button(t("common.download_csv"), paths_table, f"adaptive_rates_{surface.name}.csv")
page.finish()
