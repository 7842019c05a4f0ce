"""k-fold cross-validation recorded for the lesson (B13, B14).

``run`` wraps ``sim.datasets.cross_validate`` (which does the folds, the reset and the
scoring) and keeps plain numbers only: per-fold curves, scores, times and the fold of every
sample, so a page can cache the record and draw it. ``one_training`` times a single fit of
the same model on the same training size (the cost of one hold-out split), to put the k
trainings next to it; ``run_timed`` does both, warm, in one call, so the k trainings' time
and the one training's time shown side by side come from the same moment and the same
record (a first, cold run had shown 13.3x where the warm ratio is about 5x).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from sim import caps
from sim.datasets import FoldScores, cross_validate
from sim.nn import Callback
from sim.training import NetSpec, build_model, train

# the whole cross-validation (all k fits) shares one budget of epochs x training samples,
# and one wall-time budget; a new cap of this module, kept next to the shared ones
MAX_CV_SAMPLE_EPOCHS = caps.MAX_SAMPLE_EPOCHS


@dataclass
class CVRecord(FoldScores):
    """``folds[i]``: the validation fold of sample i (0-based); ``curves[f]``: fold f's
    history (``loss``, ``accuracy``, ``val_loss``, ...) per epoch; ``scores[f]``: fold f's
    validation score ``score_name`` after training; ``times[f]`` seconds; ``epochs``: the
    epochs each fold trained; ``reset``; ``diverged``: folds whose loss became infinite."""

    folds: np.ndarray
    curves: list[dict[str, list[float]]]
    scores: list[float]
    times: list[float]
    score_name: str
    epochs: int
    reset: bool
    diverged: list[int]

    @property
    def k(self) -> int:
        return len(self.scores)

    def frame(self):
        """Every fold's history as one table: ``fold`` (1-based), ``epoch``, metrics."""
        import pandas as pd

        parts = []
        for f, curve in enumerate(self.curves):
            n = len(next(iter(curve.values()), []))
            parts.append(pd.DataFrame({"fold": f + 1, "epoch": np.arange(1, n + 1), **curve}))
        return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()


class _FoldProgress(Callback):
    """Reports the fraction of all k fits done: ``fn(fraction)`` after every epoch."""

    def __init__(self, fn: Callable[[float], None], k: int) -> None:
        super().__init__()
        self.fn, self.k, self.fold = fn, k, -1

    def on_train_begin(self, logs=None):
        self.fold += 1

    def on_epoch_end(self, epoch, logs=None):
        total = max(self.params.get("epochs", 1), 1)
        self.fn(min((self.fold + (epoch + 1) / total) / self.k, 1.0))


def fold_epochs(epochs: int, n: int, k: int) -> int:
    """Epochs per fold within ``MAX_CV_SAMPLE_EPOCHS`` for all k fits together."""
    n_train = n - n // k
    return caps.epochs_within_budget(epochs, n_train * k, MAX_CV_SAMPLE_EPOCHS)


def run(
    x: np.ndarray,
    y: np.ndarray,
    spec: NetSpec,
    task: str,
    n_classes: int | None,
    k: int = 5,
    *,
    epochs: int = 60,
    batch_size: int = 8,
    learning_rate: float = 0.01,
    seed: int = 0,
    reset: bool = True,
    progress: Callable[[float], None] | None = None,
) -> CVRecord:
    """k-fold cross-validation of ``spec`` on ``(x, y)``: ``reset=False`` keeps training one
    model across the folds (the mistake of lesson B13). Bounded by ``caps.MAX_FOLDS``,
    ``MAX_CV_SAMPLE_EPOCHS`` and ``caps.MAX_WALL_SECONDS`` (shared by the k fits)."""
    k = int(caps.clamp(k, 2, min(caps.MAX_FOLDS, len(x))))
    epochs = fold_epochs(epochs, len(x), k)
    callbacks = [] if progress is None else [_FoldProgress(progress, k)]
    fit_kwargs = {
        "batch_size": batch_size,
        "epochs": epochs,
        "callbacks": callbacks,
        "time_budget": caps.MAX_WALL_SECONDS / k,
    }
    result = cross_validate(
        lambda: build_model(spec, x.shape[1], task, n_classes, "adam", learning_rate, seed=seed),
        x,
        y,
        k=k,
        fit_kwargs=fit_kwargs,
        seed=seed,
        reset=reset,
    )
    folds = np.empty(len(x), dtype=np.int64)
    curves, diverged = [], []
    for f, ((_, va), hist) in enumerate(zip(result.folds, result.histories, strict=True)):
        folds[va] = f
        curves.append({key: [float(v) for v in vals] for key, vals in hist.history.items()})
        if getattr(hist, "diverged", None):
            diverged.append(f)
    scores = [float(s) if np.isfinite(s) else float("nan") for s in result.scores]
    return CVRecord(
        folds, curves, scores, list(result.times), result.score_name, epochs, reset, diverged
    )


def one_training(
    x,
    y,
    spec: NetSpec,
    task: str,
    n_classes: int | None,
    k: int = 5,
    *,
    epochs: int = 60,
    batch_size: int = 8,
    learning_rate: float = 0.01,
    seed: int = 0,
) -> float:
    """Seconds of one fit of the same model on ``(k-1)/k`` of the data, the last ``1/k``
    held out for validation: the cost of a single hold-out split."""
    t0 = time.perf_counter()
    train(
        x,
        y,
        spec,
        task,
        n_classes,
        learning_rate=learning_rate,
        batch_size=batch_size,
        epochs=fold_epochs(epochs, len(x), k),
        validation_split=1.0 / k,
        seed=seed,
        grid_cells=None,
        time_budget=caps.MAX_WALL_SECONDS,
    )
    return time.perf_counter() - t0


def run_timed(
    x: np.ndarray,
    y: np.ndarray,
    spec: NetSpec,
    task: str,
    n_classes: int | None,
    k: int = 5,
    *,
    epochs: int = 60,
    batch_size: int = 8,
    learning_rate: float = 0.01,
    seed: int = 0,
    progress: Callable[[float], None] | None = None,
) -> tuple[CVRecord, float]:
    """``(record, one_seconds)``: the honest k-fold ``run`` and ``one_training``, both timed
    warm. First one epoch of the same model is trained and thrown away (untimed), so the
    costs of a first call (lazy imports, allocations, cold caches) fall outside both
    timings; then one training is timed, then the k folds (``record.times``)."""
    train(
        x,
        y,
        spec,
        task,
        n_classes,
        learning_rate=learning_rate,
        batch_size=batch_size,
        epochs=1,
        validation_split=1.0 / max(int(k), 2),
        seed=seed,
        grid_cells=None,
    )
    common = dict(epochs=epochs, batch_size=batch_size, learning_rate=learning_rate, seed=seed)
    one = one_training(x, y, spec, task, n_classes, k, **common)
    record = run(x, y, spec, task, n_classes, k, reset=True, progress=progress, **common)
    return record, one


def spread_words(scores: list[float]) -> tuple[float, float, int, int]:
    """``(low, high, fold_low, fold_high)``: the worst and best fold scores and their
    1-based fold numbers."""
    arr = np.asarray(scores, dtype=float)
    return float(arr.min()), float(arr.max()), int(arr.argmin()) + 1, int(arr.argmax()) + 1
