"""A9 -- Batch, mini-batch and stochastic GD: the loss is built from data, a batch is a sample
of it, so its gradient is noisy. Three runs on the MSE of a line fit over (w, b)."""

import streamlit as st

from charts import minibatch as minibatch_charts
from lessons import minibatch as minibatch_lesson
from ui import descent_view, minibatch_view
from ui.chart_view import plot
from ui.page import notice_box, setup, words
from ui.player import player

page = setup("minibatch")
t = page.t
st.markdown(t("minibatch.summary"))

# The charts and their player come first on screen, the loss over time under them; the
# settings below those are read first. On a phone the columns stack: surface, player, data.
chart_column, side_column = st.columns([1.25, 1], vertical_alignment="top")
loss_column, analogy_column = st.columns([1.25, 1], vertical_alignment="top")
with st.container(border=True):
    chosen = minibatch_view.settings_controls(page)
n, epochs = chosen.n, chosen.epochs
cut = minibatch_lesson.epochs_cut_notice(n, chosen.epochs_asked, epochs)
if cut is not None:
    page.notice(words(t, cut))

comp = minibatch_view.cached_comparison(*chosen.inputs)
tables = minibatch_view.frame_tables(*chosen.inputs)
picture = minibatch_view.surface_picture(n, chosen.noise, chosen.seed)
labels = minibatch_view.series_labels(page, n, chosen.mini)

# One frame = one mini-batch answered: the player counts batches, from 0 (nothing answered).
with side_column:
    frames = player(
        page,
        "mb",
        comp.frames,
        run_id=chosen.inputs,
        unit=t("common.unit_batch"),
        fps=minibatch_view.starting_fps(comp.frames),
    )
    plot(st, minibatch_charts.readout(t, comp, tables, labels, frames), width="stretch")
    st.caption(t("minibatch.data_title"))
    plot(st, minibatch_charts.data_chart(t, comp, tables, labels, frames), width="content")
    st.caption(t("minibatch.frame_help", b=chosen.mini))

with chart_column:
    st.caption(t("minibatch.surface_title"))
    chart = minibatch_charts.surface_chart(t, comp, picture, tables, labels, frames)
    minibatch_view.show_surface_chart(chart, "mb_chart", comp.problem.bounds)
with loss_column:
    loss_chart = minibatch_charts.loss_chart(t, tables, labels, frames, epochs)
    plot(st, loss_chart, width="stretch")
    st.caption(t("minibatch.loss_caption", fmin=descent_view.fmt(comp.problem.min_value)))
with analogy_column:
    st.markdown(t("minibatch.analogy"))

st.markdown(t("minibatch.intro"))
minibatch_view.updates_box(page, comp, labels)
notice_box(page, minibatch_lesson.minibatch_notices(comp, labels, chosen.noise))

file_name = f"minibatch_n{n}_batch{chosen.mini}_lr{chosen.lr:g}.csv"
minibatch_view.download(page, comp, file_name)
page.finish()
