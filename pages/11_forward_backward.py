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

RATES = (0.01, 0.03, 0.1, 0.3, 0.5, 1.0, 3.0, 10.0, 30.0)
LOSS_SHORT = {"binary_crossentropy": "bce", "mse": "mse"}

page = setup("backprop")
t = page.t
st.markdown(t("backprop.summary"))

# The diagram and its player come first on screen; the settings below them are read first.
chart_column, side_column = st.columns([1.25, 1], vertical_alignment="top")
with st.container(border=True):
    left, right = st.columns(2)
    with left:
        st.markdown(f"**{t('backprop.example_title')}**")
        c1, c2 = st.columns(2)
        inputs = dict(step=0.1, fmt="%.1f", help=t("backprop.x_help"))
        x1 = controls.slider(page, "x1", "x₁", -2.0, 2.0, 1.0, container=c1, **inputs)
        x2 = controls.slider(page, "x2", "x₂", -2.0, 2.0, -0.5, container=c2, **inputs)
        target = controls.select(
            page,
            "y",
            t("backprop.target"),
            (1, 0),
            1,
            format_func=lambda k: t("backprop.target_option", k=k),
            help=t("backprop.target_help"),
            kind="segmented",
        )
        seed = controls.number(
            page, "seed", t("backprop.seed"), 0, 9999, 0, step=1, help=t("backprop.seed_help")
        )
    with right:
        st.markdown(f"**{t('backprop.network_title')}**")
        activation = controls.select(
            page,
            "act",
            t("backprop.activation"),
            backprop.ACTIVATIONS,
            "tanh",
            format_func=lambda a: t(f"backprop.act_{a}"),
            help=t("backprop.activation_help"),
            kind="segmented",
        )
        loss = controls.select(
            page,
            "loss",
            t("backprop.loss"),
            backprop.LOSSES,
            "binary_crossentropy",
            format_func=lambda name: t(f"backprop.loss_{LOSS_SHORT[name]}"),
            help=t("backprop.loss_help"),
            kind="segmented",
        )
        lr = controls.value_slider(
            page, "lr", t("common.learning_rate"), RATES, 0.5, help=t("backprop.lr_help")
        )

x1, x2, target, seed, lr = float(x1), float(x2), int(target), int(seed), float(lr)
trace = backprop_view.cached_trace(x1, x2, target, activation, loss, lr, seed)

# --- the traced step, stage by stage: one frame per stage ------------------------------------
with side_column:
    # one stage a second: slow enough to see which part of the diagram each stage lights up;
    # stepping (arrows, keys) gives a learner all the time the formulas need
    frames = player(
        page,
        "backprop",
        len(backprop.STAGES),
        run_id=(x1, x2, target, activation, loss, lr, seed),
        start_at_end=False,
        unit=t("common.unit_stage"),
        fps=1,
        panels=True,
    )
    st.caption(t("backprop.player_hint"))
    backprop_view.stage_panels(page, trace)

with chart_column:
    nodes, edges = backprop_view.cached_diagram(x1, x2, target, activation, loss, lr, seed)
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
