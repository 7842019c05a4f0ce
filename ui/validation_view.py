"""The Streamlit side of the validation lessons (overfitting, train/validation/test, early
stopping, cross-validation, remedies): a lesson's notices put on the page, frame texts put
into words, rows of metrics."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd
import streamlit as st

from charts import training_frames
from charts.numbers import plain
from lessons import cross_validation, splits
from lessons.notices import Notice, Number
from sim import caps
from sim.training import NetSpec
from ui import pictures, train_view
from ui.page import Page, words


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
