"""B7 -- Loss functions: MSE for regression, cross-entropy for classification; a confident
wrong answer costs most, and cross-entropy's gradient does not vanish on it."""

import altair as alt
import numpy as np
import pandas as pd
import streamlit as st

from charts import curves, descent_frames, loss_frames
from charts.palette import OKABE_ITO
from lessons import loss_functions
from sim import caps
from sim.training import NetSpec
from ui import controls, train_view
from ui.chart_view import plot
from ui.download import csv_button
from ui.page import setup
from ui.player import player

SPEC = NetSpec(hidden=(16, 16))
BATCH = 32
# the regression example: a small sine fit with MSE
REG_SPEC = NetSpec(hidden=(16, 16), activation="tanh")
REG_N, REG_NOISE, REG_EPOCHS, REG_BATCH, REG_LR = 60, 0.15, 150, 16, 0.01
GRID = 40  # decision-boundary grid cells per side (two pictures per frame)
BOUNDARY_SIZE = (250, 215)  # two pictures side by side beside the player at 1400 px
OPTIMIZERS = ("sgd", "adam")
RATES = (0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 0.5, 1.0, 2.0, 5.0)
CE_NAME = {"binary": "binary_crossentropy", "multiclass": "categorical_crossentropy"}


@st.cache_data(max_entries=caps.CACHE_ENTRIES, show_spinner=False)
def cached_pictures(x, y, loss, fit, n_frames, n_classes, _result) -> pd.DataFrame:
    """The boundary pictures of the run trained on ``(x, y)`` with ``loss`` and ``fit``
    (``_result``, which those inputs identify): drawing them costs more than a rerun."""
    return loss_frames.boundary_pictures(_result, n_frames, n_classes, BOUNDARY_SIZE)


def f2(v: float) -> str:
    return f"{v:.2f}"


def g3(v: float) -> str:
    return f"{v:.3g}"


def pct(v: float | None) -> str:
    return "–" if v is None else f"{100 * v:.0f}%"


page = setup("losses")
t = page.t
st.markdown(t("losses.summary"))

# The two classifiers' boundaries and their player come first on screen; the training
# settings below them are read first.
chart_column, side_column = st.columns([1.8, 1], vertical_alignment="top")
settings = st.container(border=True)
with settings:
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
            page,
            "lr",
            t("common.learning_rate"),
            RATES,
            0.5,
            help=t("common.learning_rate_help"),
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

ce_loss = CE_NAME[task]
targets = y if task == "binary" else loss_functions.one_hot(y, n_classes)
fit = dict(
    optimizer=optimizer,
    learning_rate=float(lr),
    batch_size=BATCH,
    epochs=int(epochs),
    seed=seed,
    grid_cells=GRID,
)
runs = {}
for loss in (ce_loss, "mse"):
    runs[loss] = train_view.cached_train(
        x,
        targets,
        SPEC,
        task,
        n_classes,
        t("losses.progress", loss=loss),
        loss=loss,
        **fit,
    )
run_names = {ce_loss: t(f"losses.series_{ce_loss}"), "mse": t("losses.series_mse")}
for loss, result in runs.items():
    train_view.explain_stop(page, result, "losses.diverged", loss=run_names[loss])
ce_run, mse_run = runs[ce_loss], runs["mse"]

# --- the boundaries epoch by epoch: frame f is the state after epoch f (0: before training)
n_frames = max(len(ce_run.snapshot_epochs), len(mse_run.snapshot_epochs))
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
    captions = [
        t("losses.frame_start")
        if epoch == 0
        else t(
            "losses.frame_caption",
            epoch=int(epoch),
            ce=pct(loss_frames.accuracy_at(ce_run, epoch)),
            mse=pct(loss_frames.accuracy_at(mse_run, epoch)),
        )
        for epoch in epoch_of_frame
    ]
    readout_rows = pd.DataFrame({"step": np.arange(n_frames), "line": captions})
    plot(st, descent_frames.readout(readout_rows, frames, "datum.line", lines=3), width="stretch")

with chart_column:
    st.markdown(f"**{t('losses.boundary_title')}**")
    class_labels = [t("train.class_name", k=k) for k in range(n_classes)]
    points = pd.DataFrame(
        {"x1": x[:, 0], "x2": x[:, 1], "label": [class_labels[int(k)] for k in y]}
    )
    for column, loss in zip(st.columns(2), (ce_loss, "mse"), strict=True):
        pictures = cached_pictures(x, targets, loss, fit, n_frames, n_classes, runs[loss])
        pictures["label"] = [
            t("losses.picture_start") if e == 0 else t("losses.picture_epoch", epoch=int(e))
            for e in pictures["epoch"]
        ]
        column.markdown(f"**{run_names[loss]}**")
        chart = loss_frames.boundary_layers(
            pictures,
            points,
            runs[loss].grid_bounds,
            class_labels,
            t("train.legend_class"),
            frames,
            BOUNDARY_SIZE,
        )
        plot(column, chart, width="content")

st.markdown(t("losses.intro"))

# --- 1. loss against the predicted probability --------------------------------------------
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
r = loss_functions.readout(label, p)
names = {"binary_crossentropy": t("losses.series_bce"), "mse": t("losses.series_mse")}
series = [names[n] for n in loss_functions.LOSS_NAMES]
curve = loss_functions.curve_frame(label, names)

chart_col, side_col = st.columns([1.5, 1])
with chart_col:
    current = pd.DataFrame(
        {
            "p": [p, p],
            "series": series,
            "value": [r["bce"], r["mse"]],
            "text": [f2(r["bce"]), f2(r["mse"])],
        }
    )
    plot(
        st,
        curves.probability_chart(
            curve,
            series,
            "loss",
            t("losses.axis_p"),
            t("losses.axis_loss", k=label),
            t("losses.legend_loss"),
            p,
            current,
        ),
        width="stretch",
    )
with side_col:
    m1, m2 = st.columns(2)
    m1.metric(t("losses.metric_bce"), f2(r["bce"]))
    m2.metric(t("losses.metric_mse"), f2(r["mse"]))
    st.markdown(t("losses.analogy"))

# --- 2. the gradient on a saturated sigmoid ------------------------------------------------
st.subheader(t("losses.section_grad"))
chart_col, side_col = st.columns([1.5, 1])
with chart_col:
    current = pd.DataFrame(
        {
            "p": [p, p],
            "series": series,
            "value": [abs(r["grad_bce"]), abs(r["grad_mse"])],
            "text": [g3(abs(r["grad_bce"])), g3(abs(r["grad_mse"]))],
        }
    )
    plot(
        st,
        curves.probability_chart(
            curve,
            series,
            "grad",
            t("losses.axis_p"),
            t("losses.axis_grad"),
            t("losses.legend_loss"),
            p,
            current,
        ),
        width="stretch",
    )
with side_col:
    m1, m2 = st.columns(2)
    m1.metric(t("losses.metric_grad_bce"), g3(r["grad_bce"]))
    m2.metric(t("losses.metric_grad_mse"), g3(r["grad_mse"]))
    st.markdown(t("losses.grad_text"))

if r["wrong"]:
    ratio = loss_functions.gradient_ratio(label, p)
    prob_notice = t(
        "losses.notice_wrong",
        p=f2(p),
        k=label,
        bce=f2(r["bce"]),
        mse=f2(r["mse"]),
        times=f"{r['bce'] / r['mse']:.1f}",
        gbce=g3(r["grad_bce"]),
        gmse=g3(r["grad_mse"]),
        ratio=f"{ratio:.0f}" if ratio >= 10 else f"{ratio:.1f}",
    )
elif p == 0.5:
    prob_notice = t("losses.notice_unsure", k=label, bce=f2(r["bce"]), mse=f2(r["mse"]))
else:
    prob_notice = t(
        "losses.notice_right",
        p=f2(p),
        k=label,
        bce=f2(r["bce"]),
        mse=f2(r["mse"]),
        gbce=g3(r["grad_bce"]),
        gmse=g3(r["grad_mse"]),
    )

# --- 3. the same classifier trained with each loss -----------------------------------------
st.subheader(t("losses.section_train"))
first = {
    loss: loss_functions.first_epoch_at(res.history["accuracy"], goal) for loss, res in runs.items()
}
acc_rows = [
    {"series": run_names[loss], "epoch": e, "value": v}
    for loss, res in runs.items()
    for e, v in zip(res.epochs, res.history["accuracy"], strict=False)
]
acc_series = [run_names[ce_loss], run_names["mse"]]
lowest = min((row["value"] for row in acc_rows), default=0.0)
acc_low = min(0.5, float(np.floor(lowest * 10) / 10))  # room for every point, to 0.1
marks = [
    {
        "epoch": first[loss],
        "label": t("losses.marker", epoch=first[loss]),
        "row": row,
        "colour": OKABE_ITO[row],
    }
    for row, loss in enumerate((ce_loss, "mse"))
    if first[loss] is not None
]
layers = [
    curves.curves(
        pd.DataFrame(acc_rows, columns=["series", "epoch", "value"]),
        acc_series,
        t("train.epoch_axis"),
        t("train.metric_accuracy"),
        t("losses.legend_loss"),
        y_domain=(acc_low, 1.0),
        x_domain=(1, int(epochs)),
        height=340,
    ),
    curves.target_rule(goal),
]
if marks:
    layers.append(curves.markers(pd.DataFrame(marks)))
# where the boundaries above are: a rule at the frame's epoch and each run's accuracy there
frame_markers = loss_frames.epoch_marker_rows(
    {run_names[loss]: res for loss, res in runs.items()}, epoch_of_frame
)
layers.append(loss_frames.epoch_marker_layers(frame_markers, frames, acc_series))

chart_col, side_col = st.columns([1.5, 1])
with chart_col:
    st.markdown(f"**{t('losses.acc_title')}**")
    plot(st, frames.bind(alt.layer(*layers)), width="stretch")
    st.caption(t("losses.acc_caption", goal=pct(goal)))
with side_col:
    st.markdown(t("losses.train_analogy"))

# --- 4. MSE for regression ----------------------------------------------------------------
st.subheader(t("losses.section_reg"))
reg_x, reg_y = train_view.cached_dataset("sine", REG_N, REG_NOISE, seed)
reg_fit = dict(
    optimizer="adam",
    learning_rate=REG_LR,
    batch_size=REG_BATCH,
    epochs=REG_EPOCHS,
    seed=seed,
    grid_cells=1,
)
reg = train_view.cached_train(
    reg_x, reg_y, REG_SPEC, "regression", None, t("losses.progress", loss="mse"), **reg_fit
)
reg_pred = loss_functions.predictions_from_weights(REG_SPEC, reg.weights, reg_x, "regression")[:, 0]
reg_facts = loss_functions.regression_misses(reg_y, reg_pred)
chart_col, side_col = st.columns([1.5, 1])
with chart_col:
    points = pd.DataFrame({"x": reg_x[:, 0], "y": reg_y, "pred": reg_pred})
    curve_x = reg.grid[:, 0]
    curve_pred = reg.grid_predictions[-1][:, 0].astype(float)
    plot(
        st,
        curves.regression_chart(
            points,
            pd.DataFrame({"x": curve_x, "pred": curve_pred}),
            (
                t("losses.reg_series_data"),
                t("losses.reg_series_model"),
                t("losses.reg_series_miss"),
            ),
            "x",
            "y",
            t("losses.legend_loss"),
        ),
        width="stretch",
    )
with side_col:
    st.metric(t("losses.metric_reg_mse"), f"{reg_facts['mse']:.4f}")
    st.markdown(t("losses.reg_text"))
reg_notice = t(
    "losses.notice_reg",
    n=REG_N,
    mse=f"{reg_facts['mse']:.4f}",
    worst=f2(reg_facts["worst"]),
    sq=f"{reg_facts['worst'] ** 2:.4f}",
    share=pct(reg_facts["share"]),
    even=pct(1 / REG_N),
)
train_view.explain_stop(page, reg, "losses.diverged", loss=t("losses.series_mse"))

# --- what to notice ------------------------------------------------------------------------
data_name = t(f"train.data_{name}")
a, b = first[ce_loss], first["mse"]
best_ce = max(ce_run.history["accuracy"], default=0.0)
best_mse = max(mse_run.history["accuracy"], default=0.0)
common = dict(
    data=data_name,
    goal=pct(goal),
    a=a,
    b=b,
    epochs=int(epochs),
    best_ce=pct(best_ce),
    best_mse=pct(best_mse),
    ce=run_names[ce_loss],
)
if a is not None and b is not None and a < b:
    train_notice = t("losses.notice_ce_faster", diff=b - a, **common)
elif a is not None and b is not None:
    train_notice = t("losses.notice_mse_not_slower", **common)
elif a is not None:
    train_notice = t("losses.notice_only_ce", **common)
elif b is not None:
    train_notice = t("losses.notice_only_mse", **common)
else:
    train_notice = t("losses.notice_neither", **common)

with st.container(border=True):
    st.markdown(f"**{t('common.notice_title')}**")
    st.markdown(prob_notice)
    st.markdown(train_notice)
    st.markdown(reg_notice)
    if optimizer == "adam":
        st.markdown(t("losses.notice_adam"))
    for loss, result in runs.items():
        if result.diverged:
            st.markdown(
                t("losses.notice_diverged", loss=run_names[loss], epoch=result.diverged["epoch"])
            )

# --- the Keras calls and the history -------------------------------------------------------
extra = () if task == "binary" else (f"y_onehot = to_categorical(y, {n_classes})",)
y_arg = "y" if task == "binary" else "y_onehot"
fit_args = f"x, {y_arg}, batch_size={BATCH}, epochs={int(epochs)}"
with controls.code_expander(t("train.keras_title")) as code_open:
    if code_open:
        st.caption(t("train.keras_caption"))
        code_cols = st.columns(2)
        for col, loss in zip(code_cols, (ce_loss, "mse"), strict=True):
            code = train_view.keras_code(
                SPEC, x.shape[1], task, n_classes, optimizer, float(lr), loss, fit_args, extra
            )
            col.code(code, language="python")
        st.caption(t("losses.regression_note"))
        st.code(
            train_view.keras_code(
                REG_SPEC,
                1,
                "regression",
                None,
                "adam",
                REG_LR,
                "mse",
                f"x, y, batch_size={REG_BATCH}, epochs={REG_EPOCHS}",
            ),
            language="python",
        )

longest = ce_run if len(ce_run.epochs) >= len(mse_run.epochs) else mse_run
csv_button(
    t("train.download_history"),
    lambda: loss_functions.combined_history(
        {"crossentropy": ce_run.history, "mse": mse_run.history}, longest.epochs
    ),
    "loss_functions_history.csv",
)
page.finish()
