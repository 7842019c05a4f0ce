"""Putting a validation lesson's results on the page (overfitting, train/validation/test,
early stopping, cross-validation, remedies): its notices as notices or warnings, a notice
or number in words, the frame texts in words, a row of metrics, and the decision boundary
over the training and validation points. Each lesson's own settings and runs live in its
view (``ui.splits_view``, ``ui.early_view``, ``ui.cv_view``)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import streamlit as st

from charts import training_frames
from charts.numbers import plain
from lessons.notices import Notice, Number
from ui import pictures
from ui.page import Page, words


def say(page: Page, notices: Iterable[Notice]) -> None:
    """Each notice about the input (a capped run, ...) in the page's notice area."""
    for item in notices:
        page.notice(words(page.t, item))


def warn(page: Page, notices: Iterable[Notice]) -> None:
    """Each notice as a warning (a run that went wrong)."""
    for item in notices:
        page.warn(words(page.t, item))


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
