"""B7 -- Loss functions: MSE for regression, cross-entropy for classification; a confident
wrong answer costs most, and cross-entropy's gradient does not vanish on it."""

from functools import partial

import numpy as np
import pandas as pd
import streamlit as st

from charts import descent_frames, loss_frames
from lessons import loss_functions
from ui import losses_view
from ui.chart_view import plot
from ui.page import notice_box, setup, words
from ui.player import player

page = setup("losses")
t = page.t
st.markdown(t("losses.summary"))

# The two classifiers' boundaries and their player come first on screen; the training
# settings below them are read first.
chart_column, side_column = st.columns([1.8, 1], vertical_alignment="top")
with st.container(border=True):
    chosen = losses_view.settings_controls(page)
x, y, task, n_classes, seed = chosen.x, chosen.y, chosen.task, chosen.n_classes, chosen.seed
optimizer, lr, epochs, goal = chosen.optimizer, chosen.lr, chosen.epochs, chosen.goal
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
        run_id=(chosen.name, len(x), float(x.sum()), seed, optimizer, float(lr), int(epochs)),
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
label, p = losses_view.probability_controls(page)
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
        loss_functions.training_notice(runs, goal, epochs, chosen.name),
        loss_functions.regression_notice(reg_y, reg_pred),
        *loss_functions.run_notices(runs, optimizer),
    ],
)

losses_view.keras_programs(page, task, n_classes, x.shape[1], optimizer, lr, epochs)
losses_view.download(page, runs)
page.finish()
