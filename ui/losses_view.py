"""The loss-function lesson's Streamlit pieces: the two classifier runs, their cached
boundary pictures, the regression example, the Keras programs and the CSV."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import streamlit as st

from charts import curves, loss_frames, numbers
from lessons import loss_functions
from sim import caps
from sim.training import NetSpec, TrainResult
from ui import controls, train_view
from ui.chart_view import plot
from ui.download import csv_button
from ui.page import Page

SPEC = NetSpec(hidden=(16, 16))
BATCH = 32
GRID = 40  # decision-boundary grid cells per side (two pictures per frame)
BOUNDARY_SIZE = (250, 215)  # two pictures side by side beside the player at 1400 px
# the regression example: a small sine fit with MSE
REG_SPEC = NetSpec(hidden=(16, 16), activation="tanh")
REG_N, REG_NOISE, REG_EPOCHS, REG_BATCH, REG_LR = 60, 0.15, 150, 16, 0.01
OPTIMIZERS = ("sgd", "adam")
RATES = (0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 0.5, 1.0, 2.0, 5.0)


@dataclass(frozen=True)
class Settings(train_view.DataChoice):
    """The classifiers' inputs: the data set (``name``, ``x``, ``y``, ``task``,
    ``n_classes``, ``seed``), the optimizer, learning rate and epochs both runs share, and
    the accuracy ``goal`` the training chart asks when each run reaches."""

    optimizer: str
    lr: float
    epochs: int
    goal: float


def settings_controls(page: Page) -> Settings:
    """The data controls beside the optimizer, rate, epochs and accuracy goal, each bound
    to the URL (``?data=&n=&noise=&seed=&opt=&lr=&epochs=&goal=``)."""
    t = page.t
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
    return Settings(name, x, y, task, n_classes, seed, optimizer, lr, epochs, goal)


def fit_arguments(optimizer: str, lr: float, epochs: int, seed: int) -> dict:
    """The ``fit`` settings both classifier runs share."""
    return dict(
        optimizer=optimizer,
        learning_rate=float(lr),
        batch_size=BATCH,
        epochs=int(epochs),
        seed=seed,
        grid_cells=GRID,
    )


def classifier_runs(page: Page, x, targets, task, n_classes, fit: dict) -> dict[str, TrainResult]:
    """The same classifier trained with cross-entropy and with MSE (cross-entropy first),
    each cached; a stopped run says why."""
    runs = {}
    for loss in (loss_functions.CROSSENTROPY[task], "mse"):
        runs[loss] = train_view.cached_train(
            x,
            targets,
            SPEC,
            task,
            n_classes,
            page.t("losses.progress", loss=loss),
            loss=loss,
            **fit,
        )
        name = page.t(f"losses.series_{loss}")
        train_view.explain_stop(page, runs[loss], "losses.diverged", loss=name)
    return runs


@st.cache_data(max_entries=caps.CACHE_ENTRIES, show_spinner=False)
def cached_pictures(x, y, loss, fit, n_frames, n_classes, _result) -> pd.DataFrame:
    """The boundary pictures of the run trained on ``(x, y)`` with ``loss`` and ``fit``
    (``_result``, which those inputs identify): drawing them costs more than a rerun."""
    return loss_frames.boundary_pictures(_result, n_frames, n_classes, BOUNDARY_SIZE)


def boundaries(page: Page, x, y, targets, n_classes, runs, fit: dict, frames) -> None:
    """Each run's decision boundary at the player's frame, side by side, under the data
    points (``loss_frames.boundary_layers``), each picture labelled with its epoch."""
    t = page.t
    st.markdown(f"**{t('losses.boundary_title')}**")
    class_labels = [t("train.class_name", k=k) for k in range(n_classes)]
    labels = [class_labels[int(k)] for k in y]
    points = pd.DataFrame({"x1": x[:, 0], "x2": x[:, 1], "label": labels})
    for column, (loss, run) in zip(st.columns(2), runs.items(), strict=True):
        pictures = cached_pictures(x, targets, loss, fit, frames.count, n_classes, run)
        pictures["label"] = [
            t("train.picture_start") if e == 0 else t("train.picture_epoch", epoch=int(e))
            for e in pictures["epoch"]
        ]
        column.markdown(f"**{t(f'losses.series_{loss}')}**")
        legend = t("train.legend_class")
        chart = loss_frames.boundary_layers(
            pictures, points, run.grid_bounds, class_labels, legend, frames, BOUNDARY_SIZE
        )
        plot(column, chart, width="content")


# the two probability charts: the value drawn, the readout's keys, the text beside them
PROBABILITY_CHARTS = (
    ("loss", ("bce", "mse"), "losses.analogy"),
    ("grad", ("grad_bce", "grad_mse"), "losses.grad_text"),
)


def probability_controls(page: Page) -> tuple[int, float]:
    """The true label and the predicted probability ``p`` of class 1, bound to the URL
    (``?label=&p=``): ``(label, p)``."""
    t = page.t
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
    return int(label), float(p)


def probability_sections(page: Page, label: int, p: float) -> None:
    """Both losses against the predicted probability for the true ``label``, then their
    gradients ``|dL/dz|``, each with the values at ``p`` (``loss_functions.readout``)."""
    t = page.t
    r = loss_functions.readout(label, p)
    names = {"binary_crossentropy": t("losses.series_bce"), "mse": t("losses.series_mse")}
    series = [names[name] for name in loss_functions.LOSS_NAMES]
    curve = loss_functions.curve_frame(label, names)
    for field, keys, text in PROBABILITY_CHARTS:
        if field == "grad":
            st.subheader(t("losses.section_grad"))
        values = [abs(r[key]) for key in keys]
        texts = [numbers.plain(v, 3) for v in values]
        y_title = t("losses.axis_loss", k=label) if field == "loss" else t("losses.axis_grad")
        titles = (t("losses.axis_p"), y_title, t("losses.legend_loss"))
        chart_col, side_col = st.columns([1.5, 1])
        chart = loss_frames.probability_chart(curve, series, field, values, texts, p, titles)
        plot(chart_col, chart, width="stretch")
        for column, key in zip(side_col.columns(2), keys, strict=True):
            column.metric(t(f"losses.metric_{key}"), numbers.plain(r[key], 3))
        side_col.markdown(t(text))


def regression_fit(page: Page, seed: int):
    """The sine example fitted with MSE: ``(x, y, run, predictions)``, cached."""
    x, y = train_view.cached_dataset("sine", REG_N, REG_NOISE, seed)
    fit = dict(
        optimizer="adam",
        learning_rate=REG_LR,
        batch_size=REG_BATCH,
        epochs=REG_EPOCHS,
        seed=seed,
        grid_cells=1,
    )
    progress = page.t("losses.progress", loss="mse")
    run = train_view.cached_train(x, y, REG_SPEC, "regression", None, progress, **fit)
    pred = loss_functions.predictions_from_weights(REG_SPEC, run.weights, x, "regression")
    train_view.explain_stop(page, run, "losses.diverged", loss=page.t("losses.series_mse"))
    return x, y, run, pred[:, 0]


def regression_section(page: Page, seed: int):
    """The sine example fitted with MSE: its points, the model's curve and each miss
    (``curves.regression_chart``) and its MSE; returns ``(y, predictions)``."""
    t = page.t
    st.subheader(t("losses.section_reg"))
    x, y, run, pred = regression_fit(page, seed)
    chart_col, side_col = st.columns([1.5, 1])
    curve = run.grid_predictions[-1][:, 0].astype(float)
    model = pd.DataFrame({"x": run.grid[:, 0], "pred": curve})
    names = tuple(t(f"losses.reg_series_{part}") for part in ("data", "model", "miss"))
    points = pd.DataFrame({"x": x[:, 0], "y": y, "pred": pred})
    chart = curves.regression_chart(points, model, names, "x", "y", t("losses.legend_loss"))
    plot(chart_col, chart, width="stretch")
    mse = loss_functions.regression_misses(y, pred)["mse"]
    side_col.metric(t("losses.metric_reg_mse"), f"{mse:.4f}")
    side_col.markdown(t("losses.reg_text"))
    return y, pred


def keras_programs(page: Page, task, n_classes, input_dim, optimizer, lr, epochs) -> None:
    """Both classifiers' programs side by side and the regression's, behind a click."""
    t = page.t
    extra = () if task == "binary" else (f"y_onehot = to_categorical(y, {n_classes})",)
    y_arg = "y" if task == "binary" else "y_onehot"
    fit_args = f"x, {y_arg}, batch_size={BATCH}, epochs={int(epochs)}"
    with controls.code_expander(t("train.keras_title")) as code_open:
        if not code_open:
            return
        st.caption(t("train.keras_caption"))
        losses = (loss_functions.CROSSENTROPY[task], "mse")
        for column, loss in zip(st.columns(2), losses, strict=True):
            code = train_view.keras_code(
                SPEC, input_dim, task, n_classes, optimizer, float(lr), loss, fit_args, extra
            )
            column.code(code, language="python")
        st.caption(t("losses.regression_note"))
        reg_args = f"x, y, batch_size={REG_BATCH}, epochs={REG_EPOCHS}"
        code = train_view.keras_code(
            REG_SPEC, 1, "regression", None, "adam", REG_LR, "mse", reg_args
        )
        st.code(code, language="python")


def download(page: Page, runs: dict[str, TrainResult]) -> None:
    """Both runs' histories side by side (``crossentropy_*`` and ``mse_*`` columns)."""
    ce_run, mse_run = runs.values()
    longest = ce_run if len(ce_run.epochs) >= len(mse_run.epochs) else mse_run
    csv_button(
        page.t("train.download_history"),
        lambda: loss_functions.combined_history(
            {"crossentropy": ce_run.history, "mse": mse_run.history}, longest.epochs
        ),
        "loss_functions_history.csv",
    )
