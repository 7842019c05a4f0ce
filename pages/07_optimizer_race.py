"""A8 -- The optimizer race: GD, momentum, Nesterov, Adagrad, RMSprop and Adam from one start
on one surface; Adam = momentum (direction) + RMSprop (step size)."""

import streamlit as st

from lessons import adaptive_rates
from lessons import race as race_lesson
from lessons.adaptive_rates import OPTIMIZER_NAMES
from ui import descent_view, race_view
from ui.page import notice_box, setup
from ui.player import player

# the ravine by default: every racer arrives within the default steps, in an order that
# tells the lesson (momentum-type first, Adagrad's shrinking steps last); on Rosenbrock's
# long curved valley most racers are still under way when 300 steps run out
DEFAULT_SURFACE = "ravine"
SURFACE_OPTIONS = ("rosenbrock", "himmelblau", "beale", "ravine", "local_minima", "saddle", "bowl")

page = setup("race")
t = page.t
st.markdown(t("race.summary"))

# The chart and its player come first on screen; the settings below them are read first.
chart_column, side_column = st.columns([1.25, 1], vertical_alignment="top")
with st.container(border=True):
    c1, c2, c3 = st.columns([1.2, 1, 1])
    surface = descent_view.surface_select(
        page, options=SURFACE_OPTIONS, default=DEFAULT_SURFACE, container=c1
    )
    with c2:
        steps = descent_view.steps_control(page, default=300)
    with c3:
        start = tuple(descent_view.start_controls(page, surface))
    shown = race_view.multi_select(
        page,
        "show",
        t("race.show"),
        OPTIMIZER_NAMES,
        OPTIMIZER_NAMES,
        format_func=lambda n: t(f"race.name_{n}"),
        help=t("race.show_help"),
        empty_notice=t("race.show_empty"),
    )
    rates, hyper = race_view.race_settings(page, surface)

labels = {name: t(f"race.name_{name}") for name in OPTIMIZER_NAMES}
# one cached run per racer: changing one optimizer's settings reruns only that one
runs = {
    labels[name]: descent_view.cached_run(surface.name, name, hyper[name], start, steps)
    for name in OPTIMIZER_NAMES
    if name in shown
}
styles = {labels[name]: name for name in OPTIMIZER_NAMES if name in shown}
summaries = {label: adaptive_rates.summarize(label, traj, surface) for label, traj in runs.items()}
order = adaptive_rates.race_table(list(summaries.values()))

with side_column:
    frames = player(
        page,
        "race",
        steps + 1,
        run_id=(surface.name, start, steps, tuple(hyper[n] for n in shown)),
        unit=t("common.unit_step"),
        fps=20,
    )
    race_view.race_readout(page, runs, steps + 1, frames)
    log_y = race_view.race_loss_chart(page, runs, styles, frames)
    st.caption(t("race.loss_caption_log" if log_y else "race.loss_caption_linear"))
with chart_column:
    chart = race_view.surface_chart(page, surface, runs, styles, frames)
    descent_view.show_surface_chart(chart, "race_chart", surface.bounds)
    st.caption(t("race.markers_caption"))

st.markdown(t("race.intro"))
st.markdown(t("race.adam"))
st.markdown(t("race.analogy"))

# The finishing order: steps to reach the tolerance and the final loss of every racer.
st.markdown(f"**{t('race.table_title')}**")
race_rates = {labels[name]: rates[name] for name in shown}
race_view.standings_table(page, race_lesson.standings(order, race_rates))
tolerance = race_lesson.reach_tolerance(surface)
st.caption(t("race.table_caption", tol=descent_view.fmt(tolerance, 2), steps=steps))

adam = summaries.get(labels["adam"]) if "adam" in shown else None
notices = race_lesson.race_notices(surface, runs, order, steps, adam, rates["adam"])
notice_box(page, notices)
descent_view.download_runs(page, runs, f"optimizer_race_{surface.name}.csv")
page.finish()
