"""A5 -- Momentum: a share of the previous step carries the ball through a small dip."""

import streamlit as st

from lessons import momentum as momentum_lesson
from sim.surfaces import LOCAL_MINIMA_LR, get_surface
from ui import controls, descent_view, momentum_view
from ui.page import notice_box, setup

page = setup("momentum")
t = page.t
st.markdown(t("momentum.summary"))


def escape_demo() -> None:
    """View 1: momentum carries the ball through a small dip that stops plain GD."""
    valleys = get_surface("local_minima")
    # the chart and its player first on screen; the settings below them are read first
    # the player heads the side column: on a phone the columns stack, and Play stays in
    # the first screen under the chart
    chart_column, side_column = st.columns([1.25, 1], vertical_alignment="top")
    with side_column:
        player_box = st.container()
    with st.container(border=True):
        c1, c2 = st.columns([1, 1.1])
        with c1:
            lr = descent_view.learning_rate_control(page, default=LOCAL_MINIMA_LR)
            steps = descent_view.steps_control(page, default=150)
        with c2:
            start = descent_view.start_sliders(page, valleys.bounds, valleys.default_start)
    with side_column:
        mu = momentum_view.momentum_control(page, "mu", 0.9)
        st.caption(t("momentum.momentum_caption"))

    labels, runs = momentum_view.demo_runs(page, valleys, lr, mu, start, steps)
    demo = momentum_view.LiveDemo(page, valleys, lr, start, steps, nesterov=True)
    with player_box:
        frames = demo.play("mom", "mu", mu, steps, run_id=(start, lr, steps))
    with side_column:
        demo.show_readout(frames)
        demo.loss_chart(frames)
    with chart_column:
        demo.surface_chart(frames, "momentum_chart", descent_view.START_KEYS)

    st.markdown(t("momentum.escape_intro"))
    sweep = momentum_view.cached_regimes(valleys.name, lr, start, steps, None)
    st.markdown(f"**{t('momentum.sweep_title')}**")
    momentum_view.regime_strip(page, sweep, mu, frames)
    st.caption(t("momentum.sweep_caption", steps=steps, lr=descent_view.fmt(lr)))
    st.markdown(t("momentum.intro"))
    st.markdown(t("momentum.analogy"))
    notice_box(page, momentum_lesson.escape_notices(valleys, runs, labels, sweep, lr))
    momentum_view.download(page, labels, runs, "momentum_two_valleys.csv")


def ravine_demo() -> None:
    """View 2: in a narrow ravine momentum damps GD's zig-zag across it."""
    ravine = get_surface("ravine")
    chart_column, side_column = st.columns([1.25, 1], vertical_alignment="top")
    with side_column:
        player_box = st.container()
    with st.container(border=True):
        c1, c2 = st.columns([1, 1.1])
        with c1:
            lr = descent_view.learning_rate_control(page, key="rlr", default=0.9)
            steps = descent_view.steps_control(page, default=100, key="rsteps")
        with c2:
            keys = ("rx0", "ry0")
            start = descent_view.start_sliders(page, ravine.bounds, ravine.default_start, keys)
    with side_column:
        mu = momentum_view.momentum_control(page, "rmu", 0.5)
        nesterov = bool(controls.toggle(page, "rnag", t("momentum.add_nesterov"), False))

    labels, runs = momentum_view.demo_runs(page, ravine, lr, mu, start, steps, nesterov)
    demo = momentum_view.LiveDemo(page, ravine, lr, start, steps, nesterov)
    with player_box:
        frames = demo.play("rav", "rmu", mu, steps, run_id=(start, lr, nesterov, steps))
    with side_column:
        demo.show_readout(frames)
        demo.across_chart(frames)
        st.caption(t("momentum.across_caption"))
    with chart_column:
        demo.surface_chart(frames, "ravine_chart", keys)

    st.markdown(t("momentum.ravine_intro"))
    sweep = momentum_view.cached_regimes(ravine.name, lr, start, steps, None if nesterov else False)
    st.markdown(f"**{t('momentum.settle_title')}**")
    momentum_view.settle_chart(page, sweep, mu, frames, nesterov)
    st.caption(t("momentum.settle_caption", steps=steps))
    notices = momentum_lesson.ravine_notices(ravine, runs, labels, lr, mu, start, sweep)
    notice_box(page, notices)
    momentum_view.download(page, labels, runs, "momentum_ravine.csv")


# one demo at a time: each is a player, its charts and its own controls
demos = controls.lazy_tabs(
    page,
    "demo",
    ("escape", "ravine"),
    (t("momentum.escape_heading"), t("momentum.ravine_heading")),
    "escape",
)
with demos["escape"]:
    if demos["escape"].open:
        escape_demo()
with demos["ravine"]:
    if demos["ravine"].open:
        ravine_demo()
page.finish()
