"""The Streamlit side of the validation lessons (overfitting, train/validation/test, early
stopping, cross-validation, remedies): the train/validation/test and early-stopping
settings, a lesson's notices put on the page, frame texts put into words, rows of metrics."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import streamlit as st

from charts import training_frames
from charts.numbers import plain
from lessons import cross_validation, splits
from lessons.notices import Notice, Number
from sim import caps
from sim.training import NetSpec
from ui import controls, pictures, train_view
from ui.page import Page, words

MONITORS = ("val_loss", "val_accuracy")


@dataclass(frozen=True)
class SplitSettings(train_view.DataChoice):
    """The train/validation/test lesson's inputs: the data set (``name``, ``x``, ``y``,
    ``task``, ``n_classes``, ``seed``), the epochs of every search run and the validation
    score (``metric``, one of ``lessons.splits.SCORES``) that picks the winner."""

    epochs: int
    metric: str


def split_settings(page: Page, units: Sequence[int], rates: Sequence[float]) -> SplitSettings:
    """The data controls beside the search: its grid of ``units`` x ``rates`` in words, the
    epochs and the score, each bound to the URL (``?data=&n=&noise=&seed=&epochs=&score=``)."""
    t = page.t
    left, right = st.columns([1, 1])
    with left:
        st.markdown(f"**{t('splits.data_title')}**")
        name, x, y, task, n_classes, seed = train_view.dataset_controls(
            page, default="moons", n_default=200, n_max=600, noise_default=0.3
        )
    with right:
        st.markdown(f"**{t('splits.search_title')}**")
        rates_text = ", ".join(f"{r:g}" for r in rates)
        units_text = ", ".join(map(str, units))
        n = len(units) * len(rates)
        st.markdown(t("splits.search_grid", units=units_text, rates=rates_text, n=n))
        epochs = controls.slider(
            page, "epochs", t("splits.epochs"), 10, 150, 60, step=10, help=t("splits.epochs_help")
        )
        metric = controls.select(
            page,
            "score",
            t("splits.score"),
            list(splits.SCORES),
            "accuracy",
            format_func=lambda m: t(f"train.metric_{m}"),
            kind="segmented",
        )
    return SplitSettings(name, x, y, task, n_classes, seed, int(epochs), metric)


@dataclass(frozen=True)
class EarlySettings(train_view.DataChoice):
    """The early-stopping lesson's inputs: the data set (``name``, ``x``, ``y``, ``task``,
    ``n_classes``, ``seed``), the epochs of the full run and the callback's settings."""

    epochs: int
    monitor: str
    patience: int
    min_delta: float
    start_from: int
    restore: bool

    @property
    def stopper(self) -> dict:
        """The ``EarlyStopping`` keywords (``cached_train``'s ``early_stopping``)."""
        return dict(
            monitor=self.monitor,
            min_delta=self.min_delta,
            patience=self.patience,
            restore_best_weights=self.restore,
            start_from_epoch=self.start_from,
        )


def early_settings(page: Page) -> EarlySettings:
    """The data controls and epochs beside the callback's monitor, patience, min_delta,
    start epoch and restore switch, each bound to the URL (``?data=&n=&noise=&seed=&epochs=
    &monitor=&patience=&delta=&start=&restore=``)."""
    t = page.t
    left, right = st.columns([1, 1.3])
    with left:
        st.markdown(f"**{t('early.data_title')}**")
        name, x, y, task, n_classes, seed = train_view.dataset_controls(
            page, default="moons", n_default=200, n_max=600, noise_default=0.25
        )
        epochs = controls.slider(
            page, "epochs", t("early.epochs"), 25, 150, 60, step=5, help=t("early.epochs_help")
        )
    with right:
        st.markdown(f"**{t('early.controls')}**")
        monitor = controls.select(
            page,
            "monitor",
            t("early.monitor"),
            MONITORS,
            "val_loss",
            format_func=lambda m: t(f"early.monitor_{m}"),
            help=t("early.monitor_help"),
            kind="segmented",
        )
        c1, c2 = st.columns(2)

        def setting(key: str, field: str, low, high, default, box, **kwargs):
            label, hint = t(f"early.{field}"), t(f"early.{field}_help")
            return controls.slider(
                page, key, label, low, high, default, help=hint, container=box, **kwargs
            )

        patience = setting("patience", "patience", 0, 20, 5, c1)
        min_delta = setting("delta", "min_delta", 0.0, 0.05, 0.0, c2, step=0.005, fmt="%.3f")
        start_from = setting("start", "start_from", 0, 20, 0, c1)
        c2.write("")
        restore = controls.toggle(
            page, "restore", t("early.restore"), True, help=t("early.restore_help"), container=c2
        )
    return EarlySettings(
        name,
        x,
        y,
        task,
        n_classes,
        seed,
        int(epochs),
        monitor,
        int(patience),
        float(min_delta),
        int(start_from),
        bool(restore),
    )


def say(page: Page, notices: Iterable[Notice]) -> None:
    """Each notice about the input (a capped run, ...) in the page's notice area."""
    for item in notices:
        page.notice(words(page.t, item))


def written(page: Page, item: Notice | Number) -> str:
    """A lesson's notice or number in the page's words (a number as ``charts.numbers.plain``
    writes it)."""
    if isinstance(item, Number):
        return plain(item.value, item.digits)
    return words(page.t, item)


def frame_lines(page: Page, frames: Sequence[Sequence[Notice]]) -> list[str]:
    """One text per animation frame: the frame's notices in words, a line each."""
    return ["\n".join(words(page.t, item) for item in frame) for frame in frames]


def metrics(items: Sequence[tuple[str, str]]) -> None:
    """A row of ``st.metric``: ``(label, value)`` each."""
    for column, (label, value) in zip(st.columns(len(items)), items, strict=True):
        column.metric(label, value)


def boundary(page: Page, result, frames, train_set, val_set, n_classes, keep=()):
    """The decision boundary of ``result`` frame by frame (``training_frames.boundary_chart``)
    over the training points ``train_set = (x, y)`` and the validation points ``val_set``,
    each set named in the legend; ``keep``: epochs whose pictures are always sent."""
    t = page.t
    split = ["train"] * len(train_set[0]) + ["val"] * len(val_set[0])
    names = {"train": t("train.series_train"), "val": t("train.series_val")}
    x_all = np.concatenate([train_set[0], val_set[0]])
    y_all = np.concatenate([train_set[1], val_set[1]])
    return training_frames.boundary_chart(
        t,
        result,
        frames,
        x_all,
        y_all,
        n_classes,
        split,
        names,
        keep=list(keep),
        pictures=pictures.boundary_urls,
    )


def search(page: Page, train_set, val_set, task, n_classes, settings, **fit) -> pd.DataFrame:
    """Train every ``(units, learning rate)`` of ``settings`` on ``train_set``, scored on
    ``val_set`` after each epoch (cached runs, a caption counting them), as the search
    table of ``lessons.splits.search_row``."""
    t = page.t
    rows = []
    progress = st.empty()
    for i, (units, rate) in enumerate(settings):
        progress.caption(t("splits.search_progress", i=i + 1, n=len(settings)))
        run = train_view.cached_train(
            *train_set,
            NetSpec(hidden=(units,)),
            task,
            n_classes,
            t("train.progress"),
            learning_rate=rate,
            validation_data=val_set,
            grid_cells=None,
            **fit,
        )
        rows.append(splits.search_row(units, rate, run.history, bool(run.diverged)))
    progress.empty()
    return pd.DataFrame(rows)


def warn(page: Page, notices: Iterable[Notice]) -> None:
    """Each notice as a warning (a run that went wrong)."""
    for item in notices:
        page.warn(words(page.t, item))


@st.cache_data(max_entries=caps.CACHE_ENTRIES, show_spinner=False)
def cached_cv(x, y, spec, task, n_classes, k, epochs, seed, reset, _label, **fit):
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
        seed=seed,
        reset=reset,
        **fit,
    )


@st.cache_data(max_entries=caps.CACHE_ENTRIES, show_spinner=False)
def cached_timed(x, y, spec, task, n_classes, k, epochs, seed, _label, **fit):
    """``cross_validation.run_timed`` cached on its inputs: the honest record together with
    the warm time of one training measured next to it (never a figure from another run)."""
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
        seed=seed,
        **fit,
    )
