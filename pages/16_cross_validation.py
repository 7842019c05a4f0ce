"""B13, B14 -- k-fold cross-validation: k folds, a fresh model for each, mean and spread;
k trainings cost k times one; what goes wrong when the model is not reset."""

import numpy as np
import pandas as pd
import streamlit as st

from charts import remedy_frames
from charts import validation as validation_charts
from lessons import cross_validation
from sim import caps
from sim.training import NetSpec, default_loss
from ui import controls, train_view
from ui.chart_view import plot
from ui.download import csv_button
from ui.page import setup
from ui.player import player

SPEC = NetSpec(hidden=(64, 64))
LEARNING_RATE = 0.01
BATCH = 8
STEADY = 0.05  # a std below this (accuracy points) counts as a steady model


@st.cache_data(max_entries=caps.CACHE_ENTRIES, show_spinner=False)
def cached_cv(x, y, spec, task, n_classes, k, epochs, seed, reset, _label):
    """``cross_validation.run`` cached on its inputs, with a progress bar over all k fits."""
    return train_view.run_with_progress(
        _label,
        cross_validation.run,
        x,
        y,
        spec,
        task,
        n_classes,
        k,
        epochs=epochs,
        batch_size=BATCH,
        learning_rate=LEARNING_RATE,
        seed=seed,
        reset=reset,
    )


@st.cache_data(max_entries=caps.CACHE_ENTRIES, show_spinner=False)
def cached_timed(x, y, spec, task, n_classes, k, epochs, seed, _label):
    """``cross_validation.run_timed`` cached on its inputs: the honest record together with the
    warm time of one training measured next to it (never a figure from another run)."""
    return train_view.run_with_progress(
        _label,
        cross_validation.run_timed,
        x,
        y,
        spec,
        task,
        n_classes,
        k,
        epochs=epochs,
        batch_size=BATCH,
        learning_rate=LEARNING_RATE,
        seed=seed,
    )


page = setup("cv")
t = page.t
st.markdown(t("cv.summary"))

# The folds and the player come first on screen; the settings below them are read first.
chart_column, side_column = st.columns([1.25, 1], vertical_alignment="top")
settings = st.container(border=True)
with settings:
    left, right = st.columns([1, 1])
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
label = t("train.progress")
honest, one = cached_timed(x, y, SPEC, task, n_classes, k, int(epochs), seed, label)
dirty = cached_cv(x, y, SPEC, task, n_classes, k, int(epochs), seed, False, label) if leak else None
if honest.epochs < int(epochs):
    page.notice(
        t("train.epochs_capped", requested=int(epochs), samples=len(x) * k, epochs=honest.epochs)
    )
if honest.diverged:
    page.warn(t("cv.notice_diverged", n=len(honest.diverged)))


def f3(v: float) -> str:
    """Three decimals; a diverged fold's missing score is a dash, never "nan"."""
    return f"{v:.3f}" if np.isfinite(v) else "–"


fold_names = [t("cv.fold_name", n=f + 1) for f in range(k)]
points = pd.DataFrame(
    {
        "x1": x[:, 0],
        "x2": x[:, 1],
        "fold": [fold_names[f] for f in honest.folds],
        "fold_index": honest.folds.astype(int),
        "label": [t("train.class_name", k=int(c)) for c in y],
    }
)


def round_text(frame: int) -> str:
    """What round ``frame`` (0-based) trained and graded, and its score (and, when the
    model was not reset, the leaking model's score on the same round)."""
    n_val = int(np.sum(honest.folds == frame))
    others = ", ".join(str(f + 1) for f in range(k) if f != frame)
    lines = t(
        "cv.frame_caption",
        i=frame + 1,
        k=k,
        others=others,
        n_train=len(x) - n_val,
        n_val=n_val,
        score=f3(honest.scores[frame]),
    )
    if dirty is None:
        return lines
    if frame == 0:
        return lines + "\n" + t("cv.frame_leak_first", leak=f3(dirty.scores[0]))
    seen = ", ".join(str(r + 1) for r in range(frame))
    return lines + "\n" + t("cv.frame_leak", i=frame + 1, leak=f3(dirty.scores[frame]), seen=seen)


texts = [round_text(f) for f in range(k)]
with side_column:
    frames = player(
        page,
        "cv",
        k,
        run_id=(name, len(x), float(x.sum()), seed, k, honest.epochs, bool(leak)),
        start_at_end=False,
        unit=t("cv.unit"),  # the word the round text uses
        first_number=1,
        fps=1,
    )
    graded = frames.at("fold_index")  # the fold the round shown grades
    plot(
        st,
        remedy_frames.frame_text(
            remedy_frames.text_rows(texts), frames, remedy_frames.line_count(texts)
        ),
        width="stretch",
    )
    st.markdown(f"**{t('cv.curves_title')}**")
    rows = [
        {"fold": fold_names[f], "fold_index": f, "epoch": e + 1, "value": v}
        for f, curve in enumerate(honest.curves)
        for e, v in enumerate(curve.get("val_loss", []))
        if np.isfinite(v)
    ]
    plot(
        st,
        frames.bind(
            validation_charts.fold_curves(
                pd.DataFrame(rows, columns=["fold", "fold_index", "epoch", "value"]),
                fold_names,
                t("train.epoch_axis"),
                t("train.metric_loss"),
                t("cv.legend_fold"),
                highlight=graded,
                height=250,
            )
        ),
        width="stretch",
    )
    st.caption(t("cv.curves_caption"))
with chart_column:
    chart = validation_charts.fold_points(
        points,
        fold_names,
        t("cv.legend_fold"),
        t("train.legend_class"),
        highlight=graded,
        size=(330, 320),  # with the class legend beside it, within the column at 1400 px
    )
    plot(st, frames.bind(chart.properties(title=t("cv.folds_title"))), width="content")

st.markdown(t("cv.intro"))
st.markdown(t("cv.analogy"))

# --- scores: mean and spread, honest vs not reset --------------------------------------------
groups = [(t("cv.group_honest"), honest)]
if dirty is not None:
    groups.append((t("cv.group_leak"), dirty))
score_rows, summary_rows = [], []
for group, record in groups:
    scores = np.asarray(record.scores, dtype=float)
    for f, s in enumerate(scores):
        if np.isfinite(s):
            jitter = (f - (k - 1) / 2) / max(k, 2)
            score_rows.append(
                {
                    "group": group,
                    "fold": fold_names[f],
                    "fold_index": f,
                    "score": s,
                    "jitter": jitter,
                }
            )
    ok = scores[np.isfinite(scores)]
    if len(ok):
        mean, std = float(ok.mean()), float(ok.std())
        summary_rows.append({"group": group, "mean": mean, "low": mean - std, "high": mean + std})

st.markdown(f"**{t('cv.scores_title')}**")
score_col, _ = st.columns([1, 1.2])
with score_col:
    plot(
        st,
        frames.bind(
            validation_charts.score_spread(
                pd.DataFrame(
                    score_rows, columns=["group", "fold", "fold_index", "score", "jitter"]
                ),
                pd.DataFrame(summary_rows, columns=["group", "mean", "low", "high"]),
                [g for g, _ in groups],
                "",
                t("cv.scores_axis"),
                t("cv.legend_group"),
                height=260,
                highlight=graded,
            )
        ),
        width="stretch",
    )
finite = np.asarray(honest.scores, dtype=float)
finite = finite[np.isfinite(finite)]
if len(finite):
    mean, std = float(finite.mean()), float(finite.std())
    low, high = float(finite.min()), float(finite.max())
    ratio = honest.total_time / max(one, 1e-9)
    m1, m2, m3, m4 = st.columns(4)
    m1.metric(t("cv.metric_mean"), t("cv.metric_mean_value", mean=f3(mean), std=f3(std)))
    m2.metric(t("cv.metric_range"), t("cv.metric_range_value", low=f3(low), high=f3(high)))
    m3.metric(
        t("cv.metric_time", k=k), t("cv.metric_time_value", seconds=f"{honest.total_time:.2f}")
    )
    m4.metric(
        t("cv.metric_ratio"), t("cv.metric_ratio_value", ratio=f"{ratio:.1f}", one=f"{one:.2f}")
    )

# What to notice: read off the runs.
if len(finite):
    scores = np.asarray(honest.scores, dtype=float)
    fold_low = int(np.nanargmin(scores)) + 1
    fold_high = int(np.nanargmax(scores)) + 1
    with st.container(border=True):
        st.markdown(f"**{t('common.notice_title')}**")
        st.markdown(
            t(
                "cv.notice_honest",
                k=k,
                mean=f3(mean),
                std=f3(std),
                low=f3(low),
                high=f3(high),
                fold_low=fold_low,
                fold_high=fold_high,
                ratio=f"{ratio:.1f}",
                total=f"{honest.total_time:.2f}",
                one=f"{one:.2f}",
            )
        )
        if std < STEADY:
            st.markdown(t("cv.notice_steady"))
        else:
            st.markdown(t("cv.notice_erratic", low=f3(low), high=f3(high), k=k))
        if dirty is not None:
            d = np.asarray(dirty.scores, dtype=float)
            d = d[np.isfinite(d)]
            if len(d):
                d_mean, d_std = float(d.mean()), float(d.std())
                if d_mean > mean + 1e-9:
                    st.markdown(t("cv.notice_leak_up", leak=f3(d_mean), leak_std=f3(d_std), k=k))
                else:
                    st.markdown(t("cv.notice_leak_same", leak=f3(d_mean), mean=f3(mean), k=k))

# --- the code and the record -----------------------------------------------------------------
model_code = train_view.keras_code(
    SPEC, x.shape[1], task, n_classes, "adam", LEARNING_RATE, default_loss(task), ""
).splitlines()[:-1]
reset_line = (
    f"    model = build_model()  {t('cv.code_reset')}"
    if not leak
    else f"    # model = build_model()  {t('cv.code_forgot')}"
)
code = "\n".join(
    [
        "def build_model():",
        *[f"    {line}" for line in model_code],
        "    return model",
        "",
        "scores = []",
        *([] if not leak else ["model = build_model()"]),
        f"for train_idx, val_idx in KFold(n_splits={k}, shuffle=True).split(x):",
        reset_line,
        f"    model.fit(x[train_idx], y[train_idx], batch_size={BATCH}, epochs={honest.epochs},",
        "              validation_data=(x[val_idx], y[val_idx]))",
        "    scores.append(model.evaluate(x[val_idx], y[val_idx])[1])",
        "print(np.mean(scores), np.std(scores))",
    ]
)
train_view.show_keras_code(page, code)
csv_button(t("train.download_history"), honest.frame, "cross_validation_history.csv")
page.finish()
