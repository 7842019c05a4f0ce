"""A6, A7 -- Adagrad gives each parameter its own learning rate (smaller where the gradients
were large); RMSprop replaces Adagrad's ever-growing sum with a decaying average, so it does
not slow to a crawl."""

import numpy as np
import pandas as pd
import streamlit as st

from sim import adaptive
from ui import controls
from ui import descent_view as dv
from ui import multi_view as mv
from ui import race_view as rv
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
st.markdown(t("adaptive.intro"))

with st.container(border=True):
    c1, c2, c3 = st.columns([1.2, 1, 1])
    surface = dv.surface_select(page, default="ravine", container=c1)
    with c2:
        lr = dv.learning_rate_control(page, default=DEFAULT_RATE)
        steps = dv.steps_control(page, default=200)
        show_gd = controls.toggle(
            page, "gd", t("adaptive.show_gd"), True, help=t("adaptive.show_gd_help")
        )
        show_adam = controls.toggle(
            page, "adam", t("adaptive.show_adam"), True, help=t("adaptive.show_adam_help")
        )
    with c3:
        x0, y0 = dv.start_controls(page, surface)
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

start = (x0, y0)
ada = dv.cached_run(
    surface.name,
    "adagrad",
    (("initial_accumulator_value", float(acc0)), ("learning_rate", lr)),
    start,
    steps,
)
rms = dv.cached_run(
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
    runs[labels["sgd"]] = dv.cached_run(surface.name, "sgd", (("learning_rate", lr),), start, steps)
if show_adam:
    runs[labels["adam"]] = dv.cached_run(
        surface.name, "adam", (("learning_rate", lr),), start, steps
    )
styles = {label: name for name, label in labels.items() if label in runs}
ada_rates, rms_rates = adaptive.applied_step_sizes(ada), adaptive.applied_step_sizes(rms)


def rate_at(rates: np.ndarray, frame: int) -> tuple[str, str]:
    """The step size of the update leaving point ``frame`` (the last one at the end)."""
    if len(rates) == 0:
        return "-", "-"
    row = rates[min(frame, len(rates) - 1)]
    return dv.fmt(row[0], 3), dv.fmt(row[1], 3)


table = mv.path_table(runs, surface)  # thinned once, sliced per frame


def draw(frame: int) -> None:
    chart = rv.surface_chart(page, surface, table, runs, styles, frame, "adaptive")
    dv.show_surface_chart(chart, "adaptive_chart", "adaptive", surface.bounds)
    ax, ay = rate_at(ada_rates, frame)
    rx, ry = rate_at(rms_rates, frame)
    caption = t("adaptive.frame_caption", step=frame, ax=ax, ay=ay, rx=rx, ry=ry)
    stopped = adaptive.stopped_points(runs, frame)
    if len(stopped):
        items = t("adaptive.list_sep").join(
            t("adaptive.item_step", name=row.series, step=row.step) for row in stopped.itertuples()
        )
        caption += " " + t("adaptive.frame_stopped", items=items)
    st.caption(caption)


rates = adaptive.rates_frame(runs)
positive = rates.loc[rates["rate"] > 0, "rate"]
domain = (
    (float(positive.min()) / 1.3, float(positive.max()) * 1.3) if len(positive) else (0.001, 1.0)
)

left, right = st.columns([1.15, 1])
with left:
    player(
        page,
        "adaptive",
        steps + 1,
        draw,
        run_id=(surface.name, start, steps, lr, rho, acc0, show_gd, show_adam),
    )
with right:
    # outside the animated fragment: these curves are sent once, not with every frame
    st.markdown(f"**{t('adaptive.rates_title')}**")
    for axis in ("x", "y"):
        # one legend (above the first chart) serves both
        rv.show_lines(
            "styled_lines",
            rates[rates["axis"] == axis],
            styles,
            x_title=t("common.step_axis"),
            y_title=t(f"adaptive.rate_axis_{axis}"),
            legend_title=t("common.legend_run"),
            y_field="rate",
            log_y=True,
            height=190,
            y_domain=domain,
            legend=axis == "x",
            legend_orient="top",
        )
    st.caption(t("adaptive.rates_caption"))
    if show_adam:
        st.caption(t("adaptive.rates_caption_adam"))

m1, m2 = st.columns(2)
with m1:
    st.markdown(f"**{t('adaptive.memory_title')}**")
    memory = adaptive.memory_frame(
        {labels["adagrad"]: (ada, "accumulator"), labels["rmsprop"]: (rms, "mean_square")}
    )
    for axis in ("x", "y"):
        memory.loc[memory["axis"] == axis, "series"] = memory["series"] + " · " + axis
    mem_styles = {f"{labels[n]} · {a}": (n, a) for n in ("adagrad", "rmsprop") for a in ("x", "y")}
    rv.show_lines(
        "axis_lines",
        memory,
        mem_styles,
        x_title=t("common.step_axis"),
        y_title=t("adaptive.memory_axis"),
        legend_title=t("adaptive.memory_legend"),
        height=330,
    )
    st.caption(t("adaptive.memory_caption"))
with m2:
    st.markdown(f"**{t('adaptive.loss_title')}**")
    losses = dv.loss_frame(runs)
    log_loss = bool((losses["loss"] > 0).all())
    rv.show_lines(
        "styled_lines",
        losses,
        styles,
        x_title=t("common.step_axis"),
        y_title=t("common.loss_axis"),
        legend_title=t("common.legend_run"),
        y_field="loss",
        log_y=log_loss,
        height=330,
    )

st.markdown(t("adaptive.analogy"))

# What to notice: read off the runs.
a = adaptive.summarize(labels["adagrad"], ada, surface)
r = adaptive.summarize(labels["rmsprop"], rms, surface)
with st.container(border=True):
    st.markdown(f"**{t('common.notice_title')}**")
    ax0, ay0 = a.rate_first
    if max(ax0, ay0) / max(min(ax0, ay0), 1e-300) < EQUAL_RATIO or min(ax0, ay0) <= 0:
        st.markdown(t("adaptive.notice_axes_equal", ax=dv.fmt(ax0, 3), ay=dv.fmt(ay0, 3)))
    else:
        small, large = ("y", "x") if ay0 < ax0 else ("x", "y")
        st.markdown(
            t(
                "adaptive.notice_axes",
                ax=dv.fmt(ax0, 3),
                ay=dv.fmt(ay0, 3),
                small=small,
                large=large,
                ratio=dv.fmt(max(ax0, ay0) / min(ax0, ay0), 2),
                lr=dv.fmt(lr),
            )
        )
    common = dict(
        steps=steps,
        lr=dv.fmt(lr),
        rho=dv.fmt(float(rho), 3),
        ax0=dv.fmt(ax0, 2),
        ax_end=dv.fmt(a.rate_last[0], 2),
        ay0=dv.fmt(ay0, 2),
        ay_end=dv.fmt(a.rate_last[1], 2),
        rx_min=dv.fmt(r.rate_min[0], 2),
        rx_end=dv.fmt(r.rate_last[0], 2),
        adist=dv.fmt(a.distance, 2),
        rdist=dv.fmt(r.distance, 2),
        a_reach=a.reached,
        r_reach=r.reached,
    )
    if a.diverged_at is not None or r.diverged_at is not None:
        for s, name in ((a, "adagrad"), (r, "rmsprop")):
            if s.diverged_at is not None:
                st.markdown(
                    t("adaptive.notice_diverged", name=labels[name], step=s.diverged_at, **common)
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
            t("adaptive.notice_rmsprop_hops", r_reach=r.reached, peak=dv.fmt(r.hop_peak, 2))
        )
    if show_adam:
        d = adaptive.summarize(labels["adam"], runs[labels["adam"]], surface)
        if d.diverged_at is not None:
            st.markdown(t("adaptive.notice_adam_diverged", step=d.diverged_at, lr=dv.fmt(lr)))
        elif d.reached >= 0:
            st.markdown(t("adaptive.notice_adam_reached", step=d.reached, lr=dv.fmt(lr)))
        else:
            st.markdown(
                t(
                    "adaptive.notice_adam_moving",
                    steps=steps,
                    lr=dv.fmt(lr),
                    dist=dv.fmt(d.distance, 2),
                )
            )
    if show_gd:
        g = adaptive.summarize(labels["sgd"], runs[labels["sgd"]], surface)
        if g.diverged_at is not None:
            st.markdown(t("adaptive.notice_gd_diverged", step=g.diverged_at, lr=dv.fmt(lr)))
        elif g.reached >= 0:
            st.markdown(t("adaptive.notice_gd_reached", step=g.reached, lr=dv.fmt(lr)))
        else:
            st.markdown(
                t(
                    "adaptive.notice_gd_moving",
                    steps=steps,
                    lr=dv.fmt(lr),
                    dist=dv.fmt(g.distance, 2),
                )
            )


def paths_table() -> pd.DataFrame:
    """Every path with the step size of the update leaving each point, per axis."""
    paths = dv.paths_frame(runs)
    wide = rates.pivot_table(index=["series", "step"], columns="axis", values="rate")
    wide = wide.reset_index().rename(columns={"x": "step_size_x", "y": "step_size_y"})
    wide["step"] = wide["step"] - 1  # the rate of the update leaving point `step`
    table = paths.merge(wide, on=["series", "step"], how="left")
    return table[["series", "step", "x", "y", "loss", "step_size_x", "step_size_y"]]


csv_button(t("common.download_csv"), paths_table, f"adaptive_rates_{surface.name}.csv")
page.finish()
