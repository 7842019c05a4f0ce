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

from lessons.notices import Notice, Number, notice
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
    1-based fold numbers (a diverged fold's nan left out)."""
    arr = np.asarray(scores, dtype=float)
    low, high = int(np.nanargmin(arr)), int(np.nanargmax(arr))
    return float(arr[low]), float(arr[high]), low + 1, high + 1


STEADY = 0.05  # a spread (std) below this, in accuracy, counts as a steady model


def finite(scores) -> np.ndarray:
    """The fold scores that exist (a diverged fold has none: nan)."""
    arr = np.asarray(scores, dtype=float)
    return arr[np.isfinite(arr)]


def diverged_notices(record: CVRecord) -> list[Notice]:
    """``cv.notice_diverged`` with the number of folds whose training diverged, if any."""
    return [notice("cv.notice_diverged", n=len(record.diverged))] if record.diverged else []


def round_notices(honest: CVRecord, dirty: CVRecord | None = None) -> list[tuple[Notice, ...]]:
    """What each round of the animation says (round ``i`` trains on every fold but ``i`` and
    grades fold ``i``): the folds studied and graded, with their sizes and the honest
    score; with ``dirty`` (the model not reset), its score on the same round and the
    earlier rounds in which it had already studied that fold."""
    k = honest.k
    rounds = []
    for i in range(k):
        n_val = int(np.sum(honest.folds == i))
        others = ", ".join(str(f + 1) for f in range(k) if f != i)
        caption = notice(
            "cv.frame_caption",
            i=i + 1,
            k=k,
            others=others,
            n_train=len(honest.folds) - n_val,
            n_val=n_val,
            score=Number(honest.scores[i], 3),
        )
        if dirty is None:
            rounds.append((caption,))
        elif i == 0:
            rounds.append((caption, notice("cv.frame_leak_first", leak=Number(dirty.scores[0], 3))))
        else:
            seen = ", ".join(str(r + 1) for r in range(i))
            leak = notice("cv.frame_leak", i=i + 1, leak=Number(dirty.scores[i], 3), seen=seen)
            rounds.append((caption, leak))
    return rounds


def notices(honest: CVRecord, one_seconds: float, dirty: CVRecord | None = None) -> list[Notice]:
    """What to notice: the mean ± std over the folds (``mean = sum s_f / k``, ``std =
    sqrt(sum (s_f - mean)^2 / k)`` over the folds that did not diverge), the worst and best
    fold, and the time of the k trainings against one (``ratio = total / one``); then
    whether the spread is steady (``std < STEADY``) or erratic; then, with ``dirty``,
    whether not resetting raised the mean. Nothing when no fold has a score."""
    scores = finite(honest.scores)
    if not len(scores):
        return []
    mean, std = float(scores.mean()), float(scores.std())
    low, high, fold_low, fold_high = spread_words(honest.scores)
    k = honest.k
    said = [
        notice(
            "cv.notice_honest",
            k=k,
            mean=Number(mean, 3),
            std=Number(std, 3),
            low=Number(low, 3),
            high=Number(high, 3),
            fold_low=fold_low,
            fold_high=fold_high,
            ratio=Number(honest.total_time / max(one_seconds, 1e-9), 2),
            total=Number(honest.total_time, 3),
            one=Number(one_seconds, 3),
        )
    ]
    if std < STEADY:
        said.append(notice("cv.notice_steady"))
    else:
        said.append(notice("cv.notice_erratic", low=Number(low, 3), high=Number(high, 3), k=k))
    leaked = finite(dirty.scores) if dirty is not None else np.array([])
    if len(leaked):
        leak_mean, leak_std = float(leaked.mean()), float(leaked.std())
        if leak_mean > mean + 1e-9:
            said.append(
                notice(
                    "cv.notice_leak_up",
                    leak=Number(leak_mean, 3),
                    leak_std=Number(leak_std, 3),
                    k=k,
                )
            )
        else:
            said.append(
                notice("cv.notice_leak_same", leak=Number(leak_mean, 3), mean=Number(mean, 3), k=k)
            )
    return said


def keras_program(
    model_lines: list[str], k: int, epochs: int, batch_size: int, reset: bool, comment: str
) -> str:
    """The lesson's Keras program: ``build_model()`` from ``model_lines`` (the model's
    definition and compile), then k-fold training; ``reset``: a fresh model each fold (else
    one model built before the loop, the mistake of B13); ``comment`` follows the line that
    builds (or forgot to build) the model."""
    build = (
        f"    model = build_model()  {comment}"
        if reset
        else f"    # model = build_model()  {comment}"
    )
    return "\n".join(
        [
            "def build_model():",
            *[f"    {line}" for line in model_lines],
            "    return model",
            "",
            "scores = []",
            *([] if reset else ["model = build_model()"]),
            f"for train_idx, val_idx in KFold(n_splits={k}, shuffle=True).split(x):",
            build,
            f"    model.fit(x[train_idx], y[train_idx], batch_size={batch_size}, epochs={epochs},",
            "              validation_data=(x[val_idx], y[val_idx]))",
            "    scores.append(model.evaluate(x[val_idx], y[val_idx])[1])",
            "print(np.mean(scores), np.std(scores))",
        ]
    )
