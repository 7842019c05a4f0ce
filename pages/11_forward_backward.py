"""B6 -- Forward and backward pass: one training step of a 2-3-1 network, number by number,
with the engine's own arrays (``lessons.backprop`` reads the ``Dense`` layers' caches)."""

import streamlit as st

from charts import backprop_frames
from lessons import backprop
from ui import backprop_view, controls, train_view
from ui.chart_view import plot
from ui.download import csv_button
from ui.page import notice_box, setup
from ui.player import player

page = setup("backprop")
t = page.t
st.markdown(t("backprop.summary"))

# The diagram and its player come first on screen; the settings below them are read first.
chart_column, side_column = st.columns([1.25, 1], vertical_alignment="top")
with st.container(border=True):
    chosen = backprop_view.settings_controls(page)
trace = backprop_view.cached_trace(*chosen.inputs)

# --- the traced step, stage by stage: one frame per stage ------------------------------------
with side_column:
    # one stage a second: slow enough to see which part of the diagram each stage lights up;
    # stepping (arrows, keys) gives a learner all the time the formulas need
    frames = player(
        page,
        "backprop",
        len(backprop.STAGES),
        run_id=chosen.inputs,
        start_at_end=False,
        unit=t("common.unit_stage"),
        fps=1,
        panels=True,
    )
    st.caption(t("backprop.player_hint"))
    backprop_view.stage_panels(page, trace)

with chart_column:
    nodes, edges = backprop_view.cached_diagram(*chosen.inputs)
    plot(st, backprop_frames.network_layers(nodes, edges, frames), width="stretch")

st.markdown(t("backprop.intro"))

# --- the same step repeated -----------------------------------------------------------------
st.subheader(t("backprop.section_repeat"))
steps = controls.slider(
    page, "steps", t("backprop.steps"), 1, 100, 30, help=t("backprop.steps_help")
)
run = backprop_view.repeated_run(page, trace, int(steps))
chart = backprop_frames.repeat_chart(
    run.epochs,
    run.history.get("loss", []),
    t("backprop.series_loss"),
    t("train.update_axis"),
    t("backprop.loss_axis"),
    t("train.legend_curve"),
    int(steps),
    t("backprop.marker_traced"),
)
chart_col, side_col = st.columns([1.5, 1])
with chart_col:
    plot(st, chart, width="stretch")
    st.caption(t("backprop.repeat_caption"))
with side_col:
    st.markdown(t("backprop.repeat_analogy"))

notice_box(page, backprop.step_notices(trace) + backprop.repeat_notices(run))

# --- the Keras program and the numbers ---------------------------------------------------------
train_view.show_keras_code(page, backprop_view.keras_code(trace, int(steps)))
st.caption(t("backprop.keras_note"))
d1, d2 = st.columns(2)
with d1:
    csv_button(t("backprop.download_trace"), trace.frame, "backprop_step.csv")
with d2:
    train_view.download_history(page, run, "backprop_repeated_history.csv")
page.finish()
