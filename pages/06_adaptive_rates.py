"""A6, A7 -- Adagrad gives each parameter its own learning rate (smaller where the gradients
were large); RMSprop replaces Adagrad's ever-growing sum with a decaying average, so it does
not slow to a crawl."""

import streamlit as st

from lessons import adaptive_rates
from ui import adaptive_view, controls, descent_view, race_view
from ui.page import notice_box, setup
from ui.player import player

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
            page, "adam", t("adaptive.show_adam"), True, help=t("adaptive.show_adam_help")
        )
    with c3:
        start = descent_view.start_controls(page, surface)
    rho, accumulator = adaptive_view.hyper_controls(page)
with side_column:
    lr = descent_view.learning_rate_control(page, default=DEFAULT_RATE)

shown = [name for name, on in (("sgd", show_gd), ("adam", show_adam)) if on]
runs = adaptive_view.runs(surface, lr, rho, accumulator, tuple(start), steps, shown)
names = adaptive_view.labels(page)
labelled = {names[name]: traj for name, traj in runs.items()}
styles = {names[name]: name for name in runs}

with side_column:
    frames = player(
        page,
        "adaptive",
        steps + 1,
        run_id=(surface.name, tuple(start), steps, lr, rho, accumulator, show_gd, show_adam),
        unit=t("common.unit_step"),
        fps=20,
    )
    adaptive_view.readout(page, runs, labelled, steps, frames)
    adaptive_view.loss_chart(page, labelled, styles, frames)
with chart_column:
    chart = race_view.surface_chart(page, surface, labelled, styles, frames)
    descent_view.show_surface_chart(chart, "adaptive_chart", surface.bounds)

st.markdown(f"**{t('adaptive.rates_title')}**")
adaptive_view.rate_charts(page, labelled, styles, frames)
st.caption(t("adaptive.rates_caption"))
if show_adam:
    st.caption(t("adaptive.rates_caption_adam"))

st.markdown(t("adaptive.intro"))
with st.container():
    st.markdown(f"**{t('adaptive.memory_title')}**")
    adaptive_view.memory_chart(page, runs, names)
    st.caption(t("adaptive.memory_caption"))
st.markdown(t("adaptive.analogy"))

notices = adaptive_rates.adaptive_notices(surface, runs, names, lr, rho, steps)
notice_box(page, notices)
adaptive_view.download(page, labelled, f"adaptive_rates_{surface.name}.csv")
page.finish()
