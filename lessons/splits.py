"""Train / validation / test (lessons B10, B11): a small search scored on validation, the
winner checked once on test, and validation never updating the weights.

A search row is one setting (hidden units, learning rate) with its last-epoch validation
loss and accuracy, or ``diverged``. The winner is the best row on validation: the highest
accuracy or the lowest loss (``pick``). Its test score compared with its validation score
is the lesson's statement (``notices``): worse, better, or the same (to 1e-9).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd

from lessons.notices import Notice, Number, notice

SCORES = ("accuracy", "loss")


def search_row(units: int, rate: float, history: dict, diverged: bool) -> dict:
    """One setting's row: ``units, lr, val_loss, val_accuracy`` (its last epoch; nan when
    it diverged or has no validation) and ``diverged``."""
    ok = not diverged and "val_loss" in history
    return {
        "units": int(units),
        "lr": float(rate),
        "val_loss": history["val_loss"][-1] if ok else np.nan,
        "val_accuracy": history.get("val_accuracy", [np.nan])[-1] if ok else np.nan,
        "diverged": not ok,
    }


def pick(table: pd.DataFrame, metric: str) -> int | None:
    """The index of the winner, chosen on validation only: the highest ``val_accuracy`` or
    the lowest ``val_loss`` among the rows that did not diverge; None when all diverged."""
    usable = table[~table["diverged"]]
    if usable.empty:
        return None
    column = usable[f"val_{metric}"]
    return int(column.idxmax() if metric == "accuracy" else column.idxmin())


def score(value: float, metric: str) -> Notice | Number:
    """A score for learners: accuracy as a percent with three digits (``86.7%``), a loss
    as a number with three (``0.347``)."""
    if metric == "accuracy":
        return notice("splits.percent", v=Number(100 * float(value), 3))
    return Number(float(value), 3)


def diverged_notices(table: pd.DataFrame) -> list[Notice]:
    """``splits.some_diverged`` with the number of settings left out, when there are any."""
    n = int(table["diverged"].sum())
    return [notice("splits.some_diverged", n=n)] if n else []


def checksum(weights: Sequence[np.ndarray]) -> float:
    """``sum |w|`` over every weight: one number to compare two fits by."""
    return float(sum(np.abs(w).sum() for w in weights))


def same_weights(a: Sequence[np.ndarray], b: Sequence[np.ndarray]) -> bool:
    """Whether two fits ended with exactly the same weights, array by array."""
    return len(a) == len(b) and all(np.array_equal(u, v) for u, v in zip(a, b, strict=True))


def weights_notices(same: bool) -> list[Notice]:
    """Validation is only scored: the fit with validation data and the one without end
    with the same weights (``splits.weights_same``), else the page asks for a report."""
    return [notice("splits.weights_same" if same else "splits.weights_differ")]


def notices(
    units: int, rate: float, n_settings: int, metric: str, val: float, test: float, n_test: int
) -> list[Notice]:
    """What to notice: the winner's test score against its validation score, worse (lower
    accuracy, higher loss), better, or the same (within 1e-9), then why the test set must
    stay unseen."""
    if math.isclose(test, val, rel_tol=0.0, abs_tol=1e-9):
        key = "splits.notice_equal"
    elif (test < val) if metric == "accuracy" else (test > val):
        key = "splits.notice_worse"
    else:
        key = "splits.notice_better"
    said = notice(
        key,
        units=int(units),
        lr=Number(rate, 3),
        n=int(n_settings),
        metric=notice(f"train.metric_{metric}"),
        val=score(val, metric),
        test=score(test, metric),
        diff=score(abs(test - val), metric),
        n_test=int(n_test),
    )
    return [said, notice("splits.notice_unseen")]
