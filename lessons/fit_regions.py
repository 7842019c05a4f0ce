"""Underfit / good fit / overfit / not learning, read off a run's learning curves (B4, B8).

Pure numpy; no streamlit. The rules, checked in this order (stated so a learner can check
them on the chart; ``smooth`` is a centred moving average over ``SMOOTH`` epochs, so one
noisy epoch neither makes nor breaks a verdict):

1. **not learning** (stuck at chance): the lowest training loss stays above
   ``(1 - LEARNED) * chance``, where ``chance`` is the loss of always answering with the
   class frequencies (``chance_loss``: the entropy ``-sum p_k ln p_k`` of the training
   labels). The network has learned nothing a coin could not do.
2. **overfit**: after ``best`` (the epoch of the lowest smoothed validation loss ``v*``),
   the smoothed validation loss rises above ``v* * (1 + RISE) + RISE_ABS`` and is still
   above it at the last epoch, while the smoothed training loss keeps falling (at the end
   at least ``FALL`` below its value at ``best``) and ends below the validation loss
   (the gap is open). ``overfit_start`` is the first epoch over that line.
3. **underfit** (still learning, or too simple): both smoothed curves are still falling at
   the end (the lowest smoothed validation loss lies in the tail, the last ``TAIL`` of the
   epochs but at least ``SMOOTH``; over that tail validation loss fell by at least
   ``VAL_FALL`` and training loss by at least ``FALL``), or the training accuracy ends below
   ``UNDERFIT_ACCURACY``.
4. **good fit**: none of these.

The shaded bands agree with that verdict: *underfit* from epoch 1 until the validation
loss first comes within ``CLOSE`` of its total drop to ``v*`` (all of the run when it is
still underfitting at the end), *overfit* from ``overfit_start``, *good* between; a run
that is not learning is one band.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from lessons.notices import Notice, Number, notice

SMOOTH = 5  # epochs in the centred moving average
LEARNED = 0.05  # training loss must fall 5% below chance to count as learning anything
RISE = 0.15  # relative rise of validation loss above its low that counts as overfitting
RISE_ABS = 0.02  # ... plus this much in loss units (noise on a few dozen points)
FALL = 0.005  # relative fall of training loss that counts as "still falling"
VAL_FALL = 0.01  # relative fall of validation loss over the tail that counts as "still falling"
TAIL = 0.1  # the last tenth of the epochs: "at the end"
CLOSE = 0.1  # within 10% of the total drop counts as "close to the lowest value"
UNDERFIT_ACCURACY = 0.75

OUTCOMES = ("not_learning", "underfit", "good", "overfit")
REGIONS = ("underfit", "good", "overfit")  # the bands in the order they follow in a run


@dataclass(frozen=True)
class FitRegions:
    best: int  # 1-based epoch of the lowest smoothed validation loss
    good_start: int  # 1-based first epoch of the good region (last + 1: none)
    overfit_start: int | None  # 1-based first epoch of the overfit region, or None
    last: int  # last epoch
    outcome: str  # one of OUTCOMES, at the last epoch
    train_end: float
    val_end: float
    val_best: float  # the (raw) validation loss at ``best``
    gap_end: float  # val_loss - loss at the last epoch
    chance: float | None = None  # the chance-level loss, when known

    def bands(self) -> list[tuple[str, float, float]]:
        """``(region, start, end)`` in epoch coordinates for shading (edges at half epochs)."""
        end = self.last + 0.5
        if self.outcome == "not_learning":
            return [("not_learning", 0.5, end)]
        out = []
        if self.good_start > 1:
            out.append(("underfit", 0.5, min(self.good_start - 0.5, end)))
        if self.good_start <= self.last:
            end_good = (self.overfit_start - 0.5) if self.overfit_start else end
            out.append(("good", self.good_start - 0.5, end_good))
        if self.overfit_start:
            out.append(("overfit", self.overfit_start - 0.5, end))
        return out

    def region_of(self, epoch: int) -> str:
        """The band that ``epoch`` (1-based) lies in."""
        for region, start, end in self.bands():
            if start < epoch < end:
                return region
        return self.outcome


def smooth(values, window: int = SMOOTH) -> np.ndarray:
    """Centred moving average over ``window`` epochs (fewer at the ends, never padded)."""
    v = np.asarray(values, dtype=float)
    half = max(int(window), 1) // 2
    csum = np.concatenate([[0.0], np.cumsum(v)])
    idx = np.arange(len(v))
    lo, hi = np.maximum(idx - half, 0), np.minimum(idx + half + 1, len(v))
    return (csum[hi] - csum[lo]) / (hi - lo)


def chance_loss(y, task: str) -> float | None:
    """The loss of always predicting the class frequencies of ``y``: the entropy
    ``-sum_k p_k ln p_k`` (cross-entropy, binary or multiclass; ln 2 for balanced binary
    labels); for regression (mean squared error) the variance of ``y``."""
    y = np.asarray(y)
    if y.size == 0:
        return None
    if task == "regression":
        return float(np.var(y.astype(float)))
    labels = y.argmax(axis=1) if y.ndim == 2 and y.shape[1] > 1 else y.reshape(-1)
    _, counts = np.unique(labels.astype(int), return_counts=True)
    p = counts / counts.sum()
    return float(-(p * np.log(p)).sum())


def regions(loss, val_loss, accuracy=None, chance: float | None = None) -> FitRegions:
    """Regions and verdict of one run (see the module docstring)."""
    tr = np.asarray(loss, dtype=float)
    va = np.asarray(val_loss, dtype=float)
    if len(tr) == 0 or len(va) != len(tr):
        raise ValueError("loss and val_loss need the same, non-zero length")
    n = len(va)
    tr_s, va_s = smooth(tr), smooth(va)
    b = int(np.argmin(va_s))
    vmin = float(va_s[b])
    drop = float(va_s[0] - vmin)
    good = int(np.argmax(va_s <= vmin + CLOSE * drop)) if drop > 0 else 0
    good = min(good, b)
    limit = vmin * (1 + RISE) + RISE_ABS
    over = None
    kept_falling = tr_s[-1] < tr_s[b] * (1 - FALL)
    if va_s[-1] > limit and kept_falling and va[-1] > tr[-1]:
        over = b + 1 + int(np.argmax(va_s[b + 1 :] > limit))
    tail = min(max(SMOOTH, int(np.ceil(TAIL * n))), n - 1)
    still_falling = (
        tail >= 1
        and b >= n - tail
        and va_s[-1] < va_s[n - 1 - tail] * (1 - VAL_FALL)
        and tr_s[-1] < tr_s[n - 1 - tail] * (1 - FALL)
    )
    acc_end = None if accuracy is None or len(accuracy) == 0 else float(accuracy[-1])
    if chance is not None and chance > 0 and float(tr.min()) > (1 - LEARNED) * chance:
        outcome = "not_learning"
    elif over is not None:
        outcome = "overfit"
    elif still_falling or (acc_end is not None and acc_end < UNDERFIT_ACCURACY):
        outcome = "underfit"
        good = n  # no good band: it has not got there yet
    else:
        outcome = "good"
    return FitRegions(
        best=b + 1,
        good_start=good + 1,
        overfit_start=None if over is None else over + 1,
        last=n,
        outcome=outcome,
        train_end=float(tr[-1]),
        val_end=float(va[-1]),
        val_best=float(va[b]),
        gap_end=float(va[-1] - tr[-1]),
        chance=chance,
    )


def loss_axis(loss, val_loss) -> tuple[float, float]:
    """The loss axis of the learning curves: from 0 to a little above the highest value, so
    a wobble of a few thousandths stays a wobble instead of filling the chart."""
    values = np.concatenate([np.asarray(loss, float), np.asarray(val_loss, float)])
    values = values[np.isfinite(values)]
    high = float(values.max()) if len(values) else 0.0
    return (0.0, high * 1.05 if high > 0 else 1.0)


def percent(fraction: float) -> Notice:
    """``fraction`` as whole percent (``0.853`` -> ``85%``)."""
    return notice("curves.percent", v=round(100 * float(fraction)))


def notices(fr: FitRegions, history, units: int, layers: int, n_train: int) -> list[Notice]:
    """What to notice: the verdict ``curves.notice_<outcome>`` with the run's numbers (the
    losses at ``best`` and at the end, the accuracies at the end, ``overfit_start``, the
    chance-level loss)."""
    accuracy = history.get("accuracy", [0.0])[-1]
    val_accuracy = history.get("val_accuracy", [0.0])[-1]
    return [
        notice(
            f"curves.notice_{fr.outcome}",
            units=int(units),
            layers=int(layers),
            n=int(n_train),
            best=fr.best,
            last=fr.last,
            val_best=Number(fr.val_best, 3),
            val_end=Number(fr.val_end, 3),
            train_end=Number(fr.train_end, 3),
            acc=percent(accuracy),
            val_acc=percent(val_accuracy),
            over=fr.overfit_start or 0,
            chance=Number(fr.chance or 0.0, 3),
        )
    ]


def frame_notices(fr: FitRegions, history) -> list[tuple[Notice, ...]]:
    """What each frame of the animation says: frame 0 is before training, frame ``e`` the
    losses after epoch ``e``, its region and what the boundary does in that region."""
    frames = [(notice("curves.frame_start"),)]
    for epoch in range(1, fr.last + 1):
        region = fr.region_of(epoch)
        caption = notice(
            "curves.frame_caption",
            epoch=epoch,
            loss=Number(history["loss"][epoch - 1], 3),
            val_loss=Number(history["val_loss"][epoch - 1], 3),
            region=notice(f"curves.region_{region}"),
        )
        frames.append((caption, notice(f"curves.frame_{region}")))
    return frames
