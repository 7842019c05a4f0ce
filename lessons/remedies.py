"""Remedies for overfitting, compared side by side (lesson B15).

One overfitting baseline (little noisy data, a big network) and the same network with one
remedy switched on at a time: dropout, batch normalization, data augmentation (Gaussian
noise on the inputs, Keras ``GaussianNoise``) and L2 weight decay. ``variants`` lists the
networks to train (bounded by ``caps.MAX_SWEEP``); ``score`` reads a finished run's
training and validation scores, epoch by epoch (in inference mode: no dropout, no noise, and
without the L2 penalty, so every variant is scored on the same data loss), averaged over
the last quarter of its epochs: the last epoch alone of a noisy curve (batch normalization's
swings between 0.4 and 1.2 in validation loss) ranks remedies by luck, and by the CPU's
rounding, since such a run is chaotic; ``verdict``
decides what the run shows: which remedy narrowed the train/validation gap most, which
scored best on validation, which were too strong, or that the baseline did not overfit at
all. ``boundary_picture`` draws a decision boundary with the data points burnt in, so a
small-multiples frame costs one small picture per panel.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from lessons.notices import Listing, Notice, Number, listing, notice
from sim import caps
from sim.training import NetSpec, TrainResult

BASELINE = "baseline"
REMEDIES = ("dropout", "batchnorm", "augment", "l2")
# the baseline counts as overfitting when, with its final weights, the validation loss is at
# least this much above the training loss, or the accuracy at least OVERFIT_ACC_GAP lower
OVERFIT_GAP = 0.15
OVERFIT_ACC_GAP = 0.06
NARROW_MIN = 0.02  # a remedy narrowed the gap when it is at least this much smaller
ACC_CHANGE = 0.03  # validation accuracy changes smaller than this are "about the same"
# A cap of this lesson, next to the shared ones in sim.caps: the page trains up to five
# networks per change, so each gets a fifth of a budget well inside caps.MAX_SAMPLE_EPOCHS
# (epochs x training samples of one network; e.g. 50 samples x 150 epochs).
MAX_NETWORK_SAMPLE_EPOCHS = 7_500
BATCH_TARGET = 16  # about this many samples per batch (see even_batch)
SCORE_FRACTION = 0.25  # the scores average the last quarter of the epochs


def score_window(epochs: int) -> int:
    """How many of the last epochs a score averages: ``ceil(SCORE_FRACTION * epochs)``."""
    return max(1, math.ceil(SCORE_FRACTION * int(epochs)))


def epochs_for(epochs: int, n_train: int) -> int:
    """The epochs each network may train: ``epochs`` within ``MAX_NETWORK_SAMPLE_EPOCHS``."""
    return caps.epochs_within_budget(epochs, n_train, MAX_NETWORK_SAMPLE_EPOCHS)


def even_batch(n_train: int, target: int = BATCH_TARGET) -> int:
    """A batch size near ``target`` that splits ``n_train`` samples into batches of nearly
    equal size: ``ceil(n / ceil(n / target))`` (50 samples: 13, 13, 13, 11 instead of 16,
    16, 16, 2). Why: batch normalization divides by the spread of each batch; over a last
    batch of 2 samples that spread is tiny, each epoch ends with a violent update, and the
    run becomes chaotic: the CPU's rounding alone (OpenBLAS kernel) moved one run's final
    validation accuracy from 70% to 86%. With even batches the runs agree on every kernel."""
    n = max(int(n_train), 1)
    return math.ceil(n / math.ceil(n / max(int(target), 1)))


@dataclass(frozen=True)
class Variant:
    """One network of the comparison: ``key`` is ``"baseline"`` or a remedy name,
    ``strength`` the remedy's setting (dropout rate, noise standard deviation, L2 factor;
    None for the baseline and batch normalization, which has no strength)."""

    key: str
    spec: NetSpec
    strength: float | None = None


def variants(
    hidden: Sequence[int],
    *,
    dropout: float = 0.0,
    batchnorm: bool = False,
    input_noise: float = 0.0,
    l2: float = 0.0,
    activation: str = "relu",
) -> list[Variant]:
    """The baseline, then one variant per remedy switched on (a strength of 0 = off)."""
    base = NetSpec(hidden=tuple(int(h) for h in hidden), activation=activation)
    out = [Variant(BASELINE, base)]
    if dropout > 0:
        out.append(Variant("dropout", replace(base, dropout=float(dropout)), float(dropout)))
    if batchnorm:
        out.append(Variant("batchnorm", replace(base, batchnorm=True)))
    if input_noise > 0:
        out.append(
            Variant("augment", replace(base, input_noise=float(input_noise)), float(input_noise))
        )
    if l2 > 0:
        out.append(Variant("l2", replace(base, l2=float(l2)), float(l2)))
    if len(out) > caps.MAX_SWEEP:  # cannot happen with four remedies; kept as the rule
        raise ValueError(f"{len(out)} variants is more than caps.MAX_SWEEP={caps.MAX_SWEEP}")
    return out


def penalty(weights: Sequence[np.ndarray], l2: float) -> float:
    """The L2 term ``l2 * sum(W**2)`` over every kernel (the 2-D weights: ``NetSpec`` puts
    the regularizer on every Dense layer, the output one included)."""
    if not l2:
        return 0.0
    return float(l2) * float(sum(np.vdot(w, w) for w in weights if np.ndim(w) == 2))


@dataclass(frozen=True)
class Score:
    """Both sets scored in inference mode (data loss, no penalty), each the mean over the
    last ``window`` epochs of the per-epoch scores."""

    train_loss: float
    val_loss: float
    train_accuracy: float | None
    val_accuracy: float | None
    window: int = 1

    @property
    def gap(self) -> float:
        """Validation loss minus training loss: how much worse the unseen questions go."""
        return self.val_loss - self.train_loss

    @property
    def accuracy_gap(self) -> float | None:
        if self.train_accuracy is None or self.val_accuracy is None:
            return None
        return self.train_accuracy - self.val_accuracy


def score(result: TrainResult, spec: NetSpec | None = None) -> Score | None:
    """The mean over the last ``score_window(epochs)`` epochs of ``result.tracked["train"]``
    and ``["val"]`` (``sim.training.train(..., track=...)``: each epoch's weights in
    inference mode, data loss without the L2 penalty); None when the run diverged or was not
    tracked on both sets. ``spec`` is not needed (the penalty is left out epoch by epoch);
    it is accepted so a call reads like the variant it scores."""
    tracked = result.tracked
    if result.diverged or "train" not in tracked or "val" not in tracked:
        return None
    n = min(len(tracked["train"].get("loss", [])), len(tracked["val"].get("loss", [])))
    if n == 0:
        return None
    window = score_window(n)

    def mean(name: str, key: str) -> float | None:
        values = tracked[name].get(key)
        return None if values is None else float(np.mean(values[n - window : n]))

    values = (mean("train", "loss"), mean("val", "loss"))
    if not all(math.isfinite(v) for v in values):
        return None
    return Score(values[0], values[1], mean("train", "accuracy"), mean("val", "accuracy"), window)


def lowest_validation(result: TrainResult) -> tuple[int, float] | None:
    """(1-based epoch, value) of the lowest validation loss, or None."""
    values = result.history.get("val_loss", [])
    if not values:
        return None
    i = int(np.argmin(values))
    return result.epochs[i], float(values[i])


@dataclass(frozen=True)
class Verdict:
    """What the comparison shows.

    ``kind``: ``"baseline_failed"`` (the baseline diverged: nothing to compare),
    ``"no_overfit"`` (the baseline did not overfit: no remedy has anything to fix),
    ``"no_remedy"`` (only the baseline was trained), ``"narrowed"`` (at least one remedy
    narrowed the gap) or ``"none_narrowed"``. ``narrowest``: the remedy with the smallest
    gap; ``best_val``: the remedy with the best validation accuracy (or the lowest
    validation loss for regression); ``better_val``: whether it beat the baseline by at
    least ``ACC_CHANGE``;
    ``too_strong``: remedies whose validation accuracy fell below the baseline's while their
    training accuracy fell too and their gap narrowed (held back into underfitting);
    ``worse``: other remedies that scored lower on validation (on a few dozen validation
    points, often a question or two of luck); ``failed``: remedies whose run diverged."""

    kind: str
    narrowest: str | None = None
    best_val: str | None = None
    better_val: bool = False
    too_strong: tuple[str, ...] = ()
    worse: tuple[str, ...] = ()
    failed: tuple[str, ...] = ()


def overfits(base: Score) -> bool:
    """Whether the baseline overfits (see ``OVERFIT_GAP`` and ``OVERFIT_ACC_GAP``)."""
    acc_gap = base.accuracy_gap
    return base.gap >= OVERFIT_GAP or (acc_gap is not None and acc_gap >= OVERFIT_ACC_GAP)


def _val_key(s: Score) -> float:
    """Higher is better: validation accuracy, or minus the validation loss."""
    return s.val_accuracy if s.val_accuracy is not None else -s.val_loss


def verdict(scores: Mapping[str, Score | None]) -> Verdict:
    """Read the comparison: ``scores`` maps variant keys (the baseline first) to their
    ``score`` (None for a diverged run)."""
    base = scores.get(BASELINE)
    remedies = {k: s for k, s in scores.items() if k != BASELINE}
    failed = tuple(k for k, s in remedies.items() if s is None)
    ok = {k: s for k, s in remedies.items() if s is not None}
    if base is None:
        return Verdict("baseline_failed", failed=failed)
    if not overfits(base):
        return Verdict("no_overfit", failed=failed)
    if not ok:
        return Verdict("no_remedy", failed=failed)
    narrowest = min(ok, key=lambda k: ok[k].gap)
    best_val = max(ok, key=lambda k: _val_key(ok[k]))
    # better only by more than "about the same": scores averaged over epochs differ in the
    # third decimal by chance, and a learner reads "better" as a real difference
    better = _val_key(ok[best_val]) >= _val_key(base) + ACC_CHANGE
    too_strong, worse = [], []
    for k, s in ok.items():
        if s.val_accuracy is None or base.val_accuracy is None:
            continue
        if s.val_accuracy <= base.val_accuracy - ACC_CHANGE:
            # too strong: it held the network back on the training questions as well (the
            # gap narrowed and training accuracy fell): underfitting, not bad luck
            fell = (
                s.train_accuracy is not None
                and base.train_accuracy is not None
                and s.train_accuracy <= base.train_accuracy - ACC_CHANGE
                and s.gap < base.gap
            )
            (too_strong if fell else worse).append(k)
    kind = "narrowed" if ok[narrowest].gap <= base.gap - NARROW_MIN else "none_narrowed"
    return Verdict(kind, narrowest, best_val, better, tuple(too_strong), tuple(worse), failed)


def history_frame(results: Mapping[str, TrainResult]) -> pd.DataFrame:
    """Every variant's history as one table: ``variant, epoch`` and one column per metric."""
    parts = [
        pd.DataFrame({"variant": key, "epoch": r.epochs, **r.history}) for key, r in results.items()
    ]
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()


def curve_rows(result: TrainResult, labels: tuple[str, str], metric: str = "loss") -> pd.DataFrame:
    """``series, epoch, value`` of the training and validation curve of ``metric``."""
    rows = []
    for key, label in zip((metric, f"val_{metric}"), labels, strict=True):
        for e, v in zip(result.epochs, result.history.get(key, []), strict=False):
            if math.isfinite(v):
                rows.append({"series": label, "epoch": e, "value": v})
    return pd.DataFrame(rows, columns=["series", "epoch", "value"])


def shared_domain(results: Sequence[TrainResult], metric: str = "loss") -> tuple[float, float]:
    """One y range for every panel's curves, so the panels compare at a glance."""
    values = [
        v
        for r in results
        for key in (metric, f"val_{metric}")
        for v in r.history.get(key, [])
        if math.isfinite(v)
    ]
    if not values:
        return (0.0, 1.0)
    high = max(values)
    return (0.0, float(high * 1.05) if high > 0 else 1.0)


def epoch_domain(results: Sequence[TrainResult]) -> tuple[int, int]:
    """One x range for every panel's curves, ``(0, the last epoch any run reached)`` (at
    least 1): fixed, so a layer the frame leaves empty (no epoch 0) takes no extent of its
    own, and a network that diverged early keeps the others' scale."""
    last = max((int(r.epochs[-1]) for r in results if len(r.epochs)), default=1)
    return (0, max(last, 1))


def percent(fraction: float | None) -> Notice | Number:
    """A share for learners, in whole percent (``0.853`` -> ``85%``); a missing one is a
    dash (``Number(nan)``)."""
    if fraction is None or not math.isfinite(fraction):
        return Number(math.nan)
    return notice("remedies.percent", v=round(100 * float(fraction)))


def name(key: str) -> Notice:
    """The name of the network ``key`` (the baseline or a remedy)."""
    return notice(f"remedies.name_{key}")


def setting(variant: Variant) -> Notice:
    """The remedy's setting (``rate 0.3``, ``λ = 0.01``; batch normalization's place)."""
    strength = "" if variant.strength is None else Number(variant.strength, 3)
    return notice(f"remedies.setting_{variant.key}", v=strength)


def heading(variant: Variant) -> Notice:
    """The network's name and, when it has one, its strength (a chart title)."""
    if variant.strength is None:
        return name(variant.key)
    return notice("remedies.panel_heading", name=name(variant.key), setting=setting(variant))


def names(keys: Sequence[str]) -> Listing:
    """The names of ``keys`` as one list (``Dropout, L2 weight decay``)."""
    return listing([name(key) for key in keys])


def panel_notices(variant: Variant, result: TrainResult, n_frames: int) -> list[Notice]:
    """What the network's panel says on each frame (0: before training): its validation
    loss and accuracy as Keras reported them while training (the curves' values; with L2
    the penalty is included), a run cut short keeping its last numbers; from the epoch it
    diverged on, that it diverged."""
    losses = result.history.get("val_loss", [])
    accuracies = result.history.get("val_accuracy", [])
    key = "remedies.panel_epoch_l2" if variant.spec.l2 else "remedies.panel_epoch"
    said = []
    for epoch in range(n_frames):
        if result.diverged and epoch >= result.diverged["epoch"]:
            said.append(notice("remedies.panel_diverged", epoch=result.diverged["epoch"]))
            continue
        k = min(epoch, len(losses))
        if k == 0:
            said.append(notice("remedies.panel_start"))
            continue
        accuracy = accuracies[k - 1] if len(accuracies) >= k else None
        said.append(notice(key, val_loss=Number(losses[k - 1], 3), acc=percent(accuracy)))
    return said


def frame_notices(snapshot_epochs: Sequence[int], n_frames: int) -> list[Notice]:
    """What each frame shows: the epoch, and the epoch its pictures were taken after (every
    network takes them at the same epochs, ``snapshot_epochs``)."""
    said = [notice("remedies.frame_text_start")]
    for epoch in range(1, n_frames):
        shown = max((e for e in snapshot_epochs if e <= epoch), default=0)
        said.append(notice("remedies.frame_text", epoch=epoch, epochs=n_frames - 1, shown=shown))
    return said


def gap_subtitle(score_of: Score | None) -> Notice | str:
    """Under a network's curves: its gap and validation accuracy (nothing if it diverged)."""
    if score_of is None:
        return ""
    return notice(
        "remedies.panel_gap", gap=Number(score_of.gap, 3), acc=percent(score_of.val_accuracy)
    )


def notices(
    scores: Mapping[str, Score | None], found: Verdict, baseline: TrainResult, n_val: int
) -> list[Notice]:
    """What to notice, read off the ``scores`` and their ``found`` verdict: whether the
    baseline overfits (and, when its validation loss rose from an earlier low, from which
    epoch), which remedy narrowed the gap most (by how much, and what share of the
    baseline's gap), which scored best on validation (or that none did better, with the
    points one of the ``n_val`` validation questions is worth), which were too strong or
    worse, and which diverged."""
    base = scores.get(BASELINE)
    said = []
    if found.kind == "baseline_failed":
        said.append(notice("remedies.notice_baseline_failed"))
    else:
        common = dict(
            train=Number(base.train_loss, 3),
            val=Number(base.val_loss, 3),
            gap=Number(base.gap, 3),
            train_acc=percent(base.train_accuracy),
            val_acc=percent(base.val_accuracy),
            window=base.window,
        )
        if found.kind == "no_overfit":
            said.append(notice("remedies.notice_no_overfit", **common))
        else:
            said.append(overfit_notice(baseline, common))
        if found.kind == "no_remedy":
            said.append(notice("remedies.notice_no_remedy"))
        if found.kind in ("narrowed", "none_narrowed"):
            said += comparison_notices(scores, found, n_val)
    if found.failed:
        said.append(notice("remedies.notice_failed", names=names(found.failed)))
    return said


def overfit_notice(baseline: TrainResult, common: dict) -> Notice:
    """The baseline overfits; when its validation loss was lowest before the last epoch,
    where that was and how far it rose by the end."""
    low = lowest_validation(baseline)
    trained = len(baseline.epochs)
    if low is None or low[0] >= trained:
        return notice("remedies.notice_overfit", **common)
    return notice(
        "remedies.notice_overfit_rising",
        low_epoch=low[0],
        low=Number(low[1], 3),
        end=Number(baseline.history["val_loss"][-1], 3),
        epochs=trained,
        **common,
    )


def comparison_notices(
    scores: Mapping[str, Score | None], found: Verdict, n_val: int
) -> list[Notice]:
    """The remedies against the baseline (``found.kind`` narrowed or none_narrowed)."""
    base, narrowest = scores[BASELINE], scores[found.narrowest]
    gaps = {
        "name": name(found.narrowest),
        "base_gap": Number(base.gap, 3),
        "gap": Number(narrowest.gap, 3),
    }
    if found.kind == "narrowed":
        narrowed = base.gap - narrowest.gap
        said = [
            notice(
                "remedies.notice_narrowed",
                **gaps,
                by=Number(narrowed, 3),
                share=round(100 * narrowed / base.gap),
            )
        ]
    else:
        said = [notice("remedies.notice_none_narrowed", **gaps)]
    best = scores[found.best_val]
    if found.better_val and best.val_accuracy is not None:
        said.append(
            notice(
                "remedies.notice_best_val",
                name=name(found.best_val),
                acc=percent(best.val_accuracy),
                base_acc=percent(base.val_accuracy),
                points=round(100 * (best.val_accuracy - base.val_accuracy)),
                val_loss=Number(best.val_loss, 3),
                base_val_loss=Number(base.val_loss, 3),
            )
        )
    else:
        said.append(
            notice(
                "remedies.notice_no_better",
                base_acc=percent(base.val_accuracy),
                step=round(100 / max(int(n_val), 1)),
            )
        )
    # batch normalization has no strength to lower: it gets its own sentence
    strong = [k for k in found.too_strong if k != "batchnorm"]
    if strong:
        said.append(
            notice(
                "remedies.notice_too_strong",
                details=too_strong_details(scores, strong),
                base_val=percent(base.val_accuracy),
                base_train=percent(base.train_accuracy),
            )
        )
    if "batchnorm" in found.too_strong:
        lag = scores["batchnorm"]
        said.append(
            notice(
                "remedies.notice_bn_lag",
                val=percent(lag.val_accuracy),
                train=percent(lag.train_accuracy),
            )
        )
    if found.worse:
        said.append(
            notice(
                "remedies.notice_worse",
                names=names(found.worse),
                base_val=percent(base.val_accuracy),
            )
        )
    return said


def too_strong_details(scores: Mapping[str, Score | None], keys: Sequence[str]) -> Listing:
    """Each too-strong remedy with its validation and training accuracy, as one list."""
    return listing(
        notice(
            "remedies.detail_too_strong",
            name=name(key),
            val=percent(scores[key].val_accuracy),
            train=percent(scores[key].train_accuracy),
        )
        for key in keys
    )
