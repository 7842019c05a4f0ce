"""B15 -- Fighting overfitting: an overfitting baseline next to the same network with
dropout, batch normalization, data augmentation (input noise) or L2 weight decay."""

import math

import numpy as np
import streamlit as st

from charts import remedies as remedy_charts
from charts import remedy_frames
from lessons import early_stopping, epoch_budget, remedies
from sim import caps
from ui import remedies_view, validation_view
from ui.chart_view import plot
from ui.download import csv_button
from ui.page import notice_box, setup, words
from ui.player import player

LEARNING_RATE = 0.01
SPLIT = 0.5  # half the questions are mock exam 5: a fairer score on so little data
# boundary pictures per network: five networks share the page's payload (~100 pictures of
# ~3 KB), so each gets half of what a one-network animation may send
PICTURES = caps.MAX_FRAME_PICTURES // 2
CURVES_PER_ROW = 3  # curve panels to a row on a wide screen (a phone stacks them)

page = setup("remedies")
t = page.t
st.markdown(t("remedies.summary"))

# The boundaries and the player come first on screen; the settings below them are read first.
chart_column, side_column = st.columns([1.25, 1], vertical_alignment="top")
with st.container(border=True):
    chosen = remedies_view.settings_controls(page)
x, y, n_classes, seed = chosen.x, chosen.y, chosen.n_classes, chosen.seed
runs = remedies.variants((chosen.width,) * remedies_view.LAYERS, **chosen.strengths)
x_train, y_train, x_val, y_val = early_stopping.validation_tail(x, y, SPLIT)
n_epochs = remedies.epochs_for(chosen.epochs, len(x_train))
batch = remedies.even_batch(len(x_train))
validation_view.say(page, epoch_budget.capped(chosen.epochs, len(x_train), n_epochs))
every = max(1, math.ceil(n_epochs / (PICTURES - 2)))  # snapshots: at most PICTURES of them
fit = dict(learning_rate=LEARNING_RATE, batch_size=batch, epochs=n_epochs, seed=seed)
fit |= dict(validation_split=SPLIT, grid_cells=remedies_view.GRID_CELLS, snapshot_every=every)
fit["track"] = {"train": (x_train, y_train), "val": (x_val, y_val)}
results = remedies_view.trained(page, runs, chosen, **fit)
scores = {v.key: remedies.score(results[v.key], v.spec) for v in runs}
baseline = results[remedies.BASELINE]

# the frames follow the longest run (a diverged network stops early, keeps its last picture)
longest = max(results.values(), key=lambda r: len(r.epochs))
n_frames = len(longest.epochs) + 1
with side_column:
    run_id = (chosen.name, len(x), seed, float(x.sum()), n_epochs, tuple(v.spec for v in runs))
    unit = t("common.unit_epoch")
    frames = player(page, "remedies", n_frames, run_id=run_id, unit=unit, fps=10)
    lines = [words(t, n) for n in remedies.frame_notices(longest.snapshot_epochs, n_frames)]
    rows, height = remedy_frames.text_rows(lines), remedy_frames.line_count(lines)
    plot(st, remedy_frames.frame_text(rows, frames, height), width="stretch")
    st.caption(t("remedies.boundary_legend"))
    st.markdown(t("remedies.analogy"))

with chart_column:
    st.markdown(f"**{t('remedies.boundary_title')}**")
    is_val = np.arange(len(x)) >= len(x_train)
    data = (x, y, n_classes, is_val)
    panels = remedies_view.boundary_panels(page, runs, results, frames, n_frames, data)
    remedies_view.show_boundaries(panels, frames)

# --- learning curves: one panel per network, on one shared scale, marked at the frame ------
st.markdown(f"**{t('remedies.curves_title')}**")
series = (t("train.series_train"), t("train.series_val"))
domain = remedies.shared_domain(list(results.values()))
epochs_shown = remedies.epoch_domain(list(results.values()))
titles = (t("train.epoch_axis"), t("train.metric_loss"))
marks = remedy_charts.curve_marks(
    series, *titles, domain, frame_at=frames.at("epoch"), x_domain=epochs_shown
)
curves = [
    remedy_charts.curve_panel(
        words(t, remedies.heading(v)),
        words(t, remedies.gap_subtitle(scores[v.key])),
        remedies.curve_rows(results[v.key], series),
        marks,
    )
    for v in runs
]
remedies_view.show_in_rows(curves, frames, CURVES_PER_ROW)
st.caption(t("remedies.curves_caption"))
st.markdown(t("remedies.intro"))

# --- the final scores, and what to notice ---------------------------------------------------
base = scores[remedies.BASELINE]
window = base.window if base else remedies.score_window(len(baseline.epochs))
st.markdown(f"**{t('remedies.table_title', window=window)}**")
st.table(remedies_view.score_table(page, runs, scores), hide_index=True)
st.caption(t("remedies.table_caption", window=window))
verdict = remedies.verdict(scores)
notice_box(page, remedies.notices(scores, verdict, baseline, len(x_val)))

fit_args = f"x, y, batch_size={batch}, epochs={n_epochs}, validation_split={SPLIT}"
remedies_view.keras_tabs(page, runs, (x.shape[1], chosen.task, n_classes), LEARNING_RATE, fit_args)
csv_button(
    t("train.download_history"),
    lambda: remedies.history_frame(results),
    "overfitting_remedies_history.csv",
)
page.finish()
