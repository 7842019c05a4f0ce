"""B10, B11 -- Train / validation / test: the split drawn on the data, validation never
updates the weights, a small search scored on validation, the winner checked once on test."""

import numpy as np
import streamlit as st

from charts import splits as split_charts
from lessons import splits
from sim import caps
from sim.datasets import train_val_test_split
from sim.training import NetSpec, default_loss
from ui import splits_view, train_view, validation_view
from ui.chart_view import plot
from ui.download import csv_button
from ui.page import notice_box, setup, words

UNITS = (2, 8, 32, 128)
RATES = (0.003, 0.03)
SETTINGS = [(units, rate) for units in UNITS for rate in RATES]
assert len(SETTINGS) <= caps.MAX_SWEEP
BATCH = 16
VAL, TEST = 0.2, 0.2

page = setup("splits")
t = page.t
st.markdown(t("splits.intro"))

with st.container(border=True):
    chosen = splits_view.split_settings(page, UNITS, RATES)
x, y, task, n_classes, seed = chosen.x, chosen.y, chosen.task, chosen.n_classes, chosen.seed
epochs, metric = chosen.epochs, chosen.metric

parts = train_val_test_split(x, y, VAL, TEST, seed=seed)
xt, yt = parts["x_train"], parts["y_train"]
xv, yv = parts["x_val"], parts["y_val"]
xs, ys = parts["x_test"], parts["y_test"]

# --- the search: every setting trained on mock exams 1-4, scored on mock exam 5 ----------
fit = dict(batch_size=BATCH, epochs=int(epochs), seed=seed)
table = splits_view.search(page, (xt, yt), (xv, yv), task, n_classes, SETTINGS, **fit)
pick = splits.pick(table, metric)
if pick is None:
    page.warn(t("splits.all_diverged"))
    page.stop()
win_units, win_lr = int(table.loc[pick, "units"]), float(table.loc[pick, "lr"])
win_spec = NetSpec(hidden=(win_units,))
fit["learning_rate"] = win_lr
watch = dict(validation_data=(xv, yv), snapshot_every=int(epochs))
watch["evaluate"] = {"val": (xv, yv), "test": (xs, ys)}
progress = t("train.progress")
winner = train_view.cached_train(xt, yt, win_spec, task, n_classes, progress, **watch, **fit)
blind = train_view.cached_train(xt, yt, win_spec, task, n_classes, progress, grid_cells=None, **fit)
train_view.explain_stop(page, winner)
validation_view.say(page, splits.diverged_notices(table))

# --- the split on the data, with the winner's boundary -----------------------------------
names = {part: t(f"splits.set_{part}") for part in ("train", "val", "test")}
split = ["train"] * len(xt) + ["val"] * len(xv) + ["test"] * len(xs)
x_all, y_all = np.concatenate([xt, xv, xs]), np.concatenate([yt, yv, ys])
last = len(winner.snapshot_epochs) - 1
pic_col, side_col = st.columns([1.2, 1])
with pic_col:
    st.markdown(f"**{t('splits.split_title')}**")
    boundary = train_view.boundary_chart(page, winner, last, x_all, y_all, n_classes, split, names)
    plot(st, boundary, width="content")
    st.caption(t("splits.split_caption", train=len(xt), val=len(xv), test=len(xs)))
side_col.markdown(t("splits.analogy"))

# --- validation never updates the weights ------------------------------------------------
with st.container(border=True):
    st.markdown(f"**{t('splits.weights_title')}**")
    validation_view.metrics(
        [
            (t("splits.checksum_with"), f"{splits.checksum(winner.weights):.6f}"),
            (t("splits.checksum_without"), f"{splits.checksum(blind.weights):.6f}"),
        ]
    )
    for said in splits.weights_notices(splits.same_weights(winner.weights, blind.weights)):
        st.markdown(words(t, said))

# --- the search table, scored on validation ----------------------------------------------
st.markdown(f"**{t(f'splits.table_title_{metric}')}**")
titles = (t("common.learning_rate"), t("splits.units_axis"), t("splits.score_legend"))
diverged = t("splits.cell_diverged")
heatmap = split_charts.search_heatmap(table, metric, pick, UNITS, RATES, titles, diverged)
plot(st, heatmap, width="stretch")
st.caption(t("splits.table_caption", units=win_units, lr=f"{win_lr:g}"))

# --- the winner, checked once on the test set --------------------------------------------
val_score = winner.final["val"].get(metric, np.nan)
test_score = winner.final["test"].get(metric, np.nan)
val_text, test_text = (
    validation_view.written(page, splits.score(v, metric)) for v in (val_score, test_score)
)
gap = test_score - val_score
gap_text = validation_view.written(page, splits.score(gap, metric))
delta = None if np.isclose(gap, 0.0, atol=1e-9) else gap_text
m1, m2 = st.columns(2)
m1.metric(t("splits.metric_val"), val_text)
colour = "normal" if metric == "accuracy" else "inverse"
m2.metric(t("splits.metric_test"), test_text, delta=delta, delta_color=colour)
said = splits.notices(win_units, win_lr, len(table), metric, val_score, test_score, len(xs))
notice_box(page, said)

fit_args = f"x_train, y_train, batch_size={BATCH}, epochs={int(epochs)}, "
fit_args += "validation_data=(x_val, y_val)"
loss, comment = default_loss(task), (t("splits.code_comment"),)
code = train_view.keras_code(
    win_spec, x.shape[1], task, n_classes, "adam", win_lr, loss, fit_args, extra_lines=comment
)
train_view.show_keras_code(page, code + "\nmodel.evaluate(x_test, y_test)")
c1, c2 = st.columns(2)
with c1:
    train_view.download_history(page, winner, "train_val_test_winner.csv")
with c2:
    csv_button(t("splits.download_search"), lambda: table, "hyperparameter_search.csv")
page.finish()
