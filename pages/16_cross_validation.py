"""B13, B14 -- k-fold cross-validation: k folds, a fresh model for each, mean and spread;
k trainings cost k times one; what goes wrong when the model is not reset."""

import streamlit as st

from charts import remedy_frames
from charts import validation as validation_charts
from charts.numbers import plain
from lessons import cross_validation, epoch_budget
from sim import caps
from sim.training import NetSpec, default_loss
from ui import controls, cv_view, train_view, validation_view
from ui.chart_view import plot
from ui.download import csv_button
from ui.page import notice_box, setup
from ui.player import player

SPEC = NetSpec(hidden=(64, 64))
LEARNING_RATE = 0.01
BATCH = 8

page = setup("cv")
t = page.t
st.markdown(t("cv.summary"))

# The folds and the player come first on screen; the settings below them are read first.
chart_column, side_column = st.columns([1.25, 1], vertical_alignment="top")
left, right = st.container(border=True).columns([1, 1])
with left:
    st.markdown(f"**{t('cv.data_title')}**")
    name, x, y, task, n_classes, seed = train_view.dataset_controls(
        page, default="moons", n_default=60, n_max=400, noise_default=0.3, seed_default=1
    )
with right:
    st.markdown(f"**{t('cv.controls')}**")
    k = controls.slider(page, "k", t("cv.k"), 2, caps.MAX_FOLDS, 5, help=t("cv.k_help"))
    epochs = controls.slider(
        page, "epochs", t("cv.epochs"), 10, 150, 60, step=10, help=t("cv.epochs_help")
    )
    leak = controls.toggle(page, "noreset", t("cv.noreset"), False, help=t("cv.noreset_help"))

k = int(min(k, len(x)))
fit = dict(batch_size=BATCH, learning_rate=LEARNING_RATE)
run = (x, y, SPEC, task, n_classes, k, int(epochs), seed)
honest, one = cv_view.cached_timed(*run, t("train.progress"), **fit)
dirty = cv_view.cached_cv(*run, False, t("train.progress"), **fit) if leak else None
validation_view.say(page, epoch_budget.capped(int(epochs), len(x) * k, honest.epochs))
validation_view.warn(page, cross_validation.diverged_notices(honest))

fold_names = [t("cv.fold_name", n=f + 1) for f in range(k)]
texts = validation_view.frame_lines(page, cross_validation.round_notices(honest, dirty))
with side_column:
    run_id = (name, len(x), float(x.sum()), seed, k, honest.epochs, bool(leak))
    frames = player(
        page, "cv", k, run_id=run_id, start_at_end=False, unit=t("cv.unit"), first_number=1, fps=1
    )  # the unit is the word the round text uses; rounds are numbered from 1, as the text does
    graded = frames.at("fold_index")  # the fold the round shown grades
    rows, lines = remedy_frames.text_rows(texts), remedy_frames.line_count(texts)
    plot(st, remedy_frames.frame_text(rows, frames, lines), width="stretch")
    st.markdown(f"**{t('cv.curves_title')}**")
    curves = validation_charts.fold_curves(
        validation_charts.fold_curve_rows(honest.curves, fold_names),
        fold_names,
        t("train.epoch_axis"),
        t("train.metric_loss"),
        t("cv.legend_fold"),
        highlight=graded,
        height=250,
    )
    plot(st, frames.bind(curves), width="stretch")
    st.caption(t("cv.curves_caption"))
with chart_column:
    classes = [t("train.class_name", k=int(c)) for c in y]
    points = validation_charts.fold_point_rows(x, honest.folds, fold_names, classes)
    legends = (t("cv.legend_fold"), t("train.legend_class"))
    # with the class legend beside it, within the column at 1400 px
    chart = validation_charts.fold_points(points, fold_names, *legends, graded, size=(330, 320))
    plot(st, frames.bind(chart.properties(title=t("cv.folds_title"))), width="content")

st.markdown(t("cv.intro"))
st.markdown(t("cv.analogy"))

# --- scores: mean and spread, honest vs not reset --------------------------------------------
groups = [(t("cv.group_honest"), honest.scores)]
if dirty is not None:
    groups.append((t("cv.group_leak"), dirty.scores))
scores, summary = validation_charts.spread_rows(groups, fold_names)
st.markdown(f"**{t('cv.scores_title')}**")
score_col, _ = st.columns([1, 1.2])
names, axis, legend = [g for g, _ in groups], t("cv.scores_axis"), t("cv.legend_group")
spread = validation_charts.score_spread(
    scores, summary, names, "", axis, legend, height=260, highlight=graded
)
with score_col:
    plot(st, frames.bind(spread), width="stretch")
finite = cross_validation.finite(honest.scores)
if len(finite):
    mean, std = plain(finite.mean(), 3), plain(finite.std(), 3)
    low, high = plain(finite.min(), 3), plain(finite.max(), 3)
    total, ratio = plain(honest.total_time, 3), plain(honest.total_time / max(one, 1e-9), 2)
    validation_view.metrics(
        [
            (t("cv.metric_mean"), t("cv.metric_mean_value", mean=mean, std=std)),
            (t("cv.metric_range"), t("cv.metric_range_value", low=low, high=high)),
            (t("cv.metric_time", k=k), t("cv.metric_time_value", seconds=total)),
            (t("cv.metric_ratio"), t("cv.metric_ratio_value", ratio=ratio, one=plain(one, 3))),
        ]
    )
    notice_box(page, cross_validation.notices(honest, one, dirty))

# --- the code and the record -----------------------------------------------------------------
model = train_view.keras_code(
    SPEC, x.shape[1], task, n_classes, "adam", LEARNING_RATE, default_loss(task), ""
).splitlines()[:-1]
comment = t("cv.code_forgot" if leak else "cv.code_reset")
code = cross_validation.keras_program(model, k, honest.epochs, BATCH, not leak, comment)
train_view.show_keras_code(page, code)
csv_button(t("train.download_history"), honest.frame, "cross_validation_history.csv")
page.finish()
