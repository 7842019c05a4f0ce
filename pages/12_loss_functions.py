"""B7 -- Loss functions: MSE for regression, cross-entropy for classification; a confident
wrong answer costs most, and cross-entropy's gradient does not vanish on it."""

from functools import partial

import numpy as np
import pandas as pd
import streamlit as st

from charts import descent_frames, loss_frames
from lessons import loss_functions
from ui import controls, losses_view, train_view
from ui.chart_view import plot
from ui.page import notice_box, setup, words
from ui.player import player

OPTIMIZERS = ("sgd", "adam")
RATES = (0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 0.5, 1.0, 2.0, 5.0)

page = setup("losses")
t = page.t
st.markdown(t("losses.summary"))

# The two classifiers' boundaries and their player come first on screen; the training
# settings below them are read first.
chart_column, side_column = st.columns([1.8, 1], vertical_alignment="top")
with st.container(border=True):
    left, right = st.columns([1, 1])
    with left:
        name, x, y, task, n_classes, seed = train_view.dataset_controls(
            page, default="moons", n_default=200, n_max=600, noise_default=0.2
        )
    with right:
        optimizer = controls.select(
            page,
            "opt",
            t("losses.optimizer"),
            OPTIMIZERS,
            "sgd",
            format_func=lambda o: t(f"losses.opt_{o}"),
            help=t("losses.optimizer_help"),
            kind="segmented",
        )
        lr = controls.value_slider(
            page, "lr", t("common.learning_rate"), RATES, 0.5, help=t("common.learning_rate_help")
        )
        epochs = controls.slider(
            page, "epochs", t("losses.epochs"), 10, 150, 60, step=5, help=t("losses.epochs_help")
        )
        goal = controls.slider(
            page,
            "goal",
            t("losses.goal"),
            0.60,
            0.99,
            0.90,
            step=0.01,
            fmt="%.2f",
            help=t("losses.goal_help"),
        )

targets = y if task == "binary" else loss_functions.one_hot(y, n_classes)
fit = losses_view.fit_arguments(optimizer, lr, epochs, seed)
runs = losses_view.classifier_runs(page, x, targets, task, n_classes, fit)

# --- the boundaries epoch by epoch: frame f is the state after epoch f (0: before training)
n_frames = max(len(run.snapshot_epochs) for run in runs.values())
epoch_of_frame = loss_frames.frame_epochs(list(runs.values()), n_frames)
with side_column:
    frames = player(
        page,
        "losses",
        n_frames,
        run_id=(name, len(x), float(x.sum()), seed, optimizer, float(lr), int(epochs)),
        unit=t("common.unit_epoch"),
        fps=10,
    )
    captions = loss_functions.frame_captions(*runs.values(), epoch_of_frame)
    lines = pd.DataFrame({"step": np.arange(n_frames), "line": [words(t, c) for c in captions]})
    plot(st, descent_frames.readout(lines, frames, "datum.line", lines=3), width="stretch")

with chart_column:
    losses_view.boundaries(page, x, y, targets, n_classes, runs, fit, frames)

st.markdown(t("losses.intro"))

# --- 1. loss against the predicted probability, 2. its gradient on a saturated sigmoid -----
st.subheader(t("losses.section_prob"))
with st.container(border=True):
    c1, c2 = st.columns([1, 2])
    label = controls.select(
        page,
        "label",
        t("losses.true_label"),
        (1, 0),
        1,
        format_func=lambda k: t("losses.label_option", k=k),
        help=t("losses.true_label_help"),
        kind="segmented",
        container=c1,
    )
    p = controls.slider(
        page,
        "p",
        t("losses.predicted"),
        0.01,
        0.99,
        0.01,
        step=0.01,
        fmt="%.2f",
        help=t("losses.predicted_help"),
        container=c2,
    )
label, p = int(label), float(p)
losses_view.probability_sections(page, label, p)

# --- 3. the same classifier trained with each loss -----------------------------------------
st.subheader(t("losses.section_train"))
named = {t(f"losses.series_{loss}"): run for loss, run in runs.items()}
titles = (t("train.epoch_axis"), t("train.metric_accuracy"), t("losses.legend_loss"))
marker = partial(t, "losses.marker")  # marker(epoch=12): "epoch 12"
chart = loss_frames.accuracy_chart(named, goal, epochs, epoch_of_frame, frames, titles, marker)
chart_col, side_col = st.columns([1.5, 1])
with chart_col:
    st.markdown(f"**{t('losses.acc_title')}**")
    plot(st, chart, width="stretch")
    st.caption(t("losses.acc_caption", goal=loss_functions.percent(goal)))
side_col.markdown(t("losses.train_analogy"))

# --- 4. MSE for regression ----------------------------------------------------------------
reg_y, reg_pred = losses_view.regression_section(page, seed)

# --- what to notice ------------------------------------------------------------------------
notice_box(
    page,
    [
        loss_functions.probability_notice(label, p),
        loss_functions.training_notice(runs, goal, epochs, name),
        loss_functions.regression_notice(reg_y, reg_pred),
        *loss_functions.run_notices(runs, optimizer),
    ],
)

losses_view.keras_programs(page, task, n_classes, x.shape[1], optimizer, lr, epochs)
losses_view.download(page, runs)
page.finish()
