"""Numbers of the loss-function lesson (B7), all taken from ``sim.nn.losses``.

* ``loss_values(label, p)``: what MSE and binary cross-entropy charge for predicting the
  probability ``p`` when the true label is ``label`` (0 or 1), one sample at a time. The
  cross-entropy is computed from the sigmoid's input ``z = log(p / (1 - p))``, as the
  model computes it for a sigmoid output (``sim.nn.losses``): ``-log p`` for label 1 with no
  cap, so a more confidently wrong answer always costs more (p = 1e-9 costs 20.7).
* ``output_gradients(label, p)``: the gradient each loss sends back to the *input* ``z`` of a
  sigmoid output unit (``p = sigmoid(z)``), the one the model uses: for MSE by the chain
  rule ``dL/dz = dL/dp * sigmoid'(z)`` (``2 (p - y) p (1 - p)``, which vanishes where the
  sigmoid saturates, p near 0 or 1, even when the answer is confidently wrong); for
  cross-entropy the ``p (1 - p)`` cancels and ``dL/dz = p - y`` (the loss object's
  ``gradient_logits``) stays large.
* ``first_epoch_at(values, target)``: the first (1-based) epoch whose accuracy reached the
  target, for the "which loss learns faster" statement.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np
import pandas as pd

from lessons.notices import Notice, Number, notice
from sim.nn.activations import ACTIVATIONS
from sim.nn.losses import BinaryCrossentropy, MeanSquaredError, binary_crossentropy, mse
from sim.training import TrainResult

P_MIN, P_MAX = 0.005, 0.995  # the probability axis of the curves (0 and 1 are never predicted)
LOSS_NAMES = ("binary_crossentropy", "mse")


def probability_axis(points: int = 199) -> np.ndarray:
    """Predicted probabilities from ``P_MIN`` to ``P_MAX``."""
    return np.linspace(P_MIN, P_MAX, int(points))


def _column(label: int, p) -> tuple[np.ndarray, np.ndarray]:
    p = np.atleast_1d(np.asarray(p, dtype=np.float64))[:, None]
    if not ((p > 0.0) & (p < 1.0)).all():
        raise ValueError("a predicted probability must lie strictly between 0 and 1")
    return np.full_like(p, float(label)), p


def _logits(q: np.ndarray) -> np.ndarray:
    """The sigmoid's input that produces ``q``: ``log q - log(1 - q)``."""
    return np.log(q) - np.log1p(-q)


def loss_values(label: int, p) -> dict[str, np.ndarray]:
    """Per-sample loss of each prediction ``0 < p < 1`` for the true ``label``: arrays keyed
    by ``"binary_crossentropy"`` (from the logits, uncapped) and ``"mse"``
    (``sim.nn.losses`` per-sample functions)."""
    y, q = _column(label, p)
    return {
        "binary_crossentropy": binary_crossentropy(y, _logits(q), from_logits=True),
        "mse": mse(y, q),
    }


def output_gradients(label: int, p) -> dict[str, np.ndarray]:
    """``dL/dz`` at a sigmoid output unit predicting ``p`` (each value of ``p`` its own
    one-sample batch), keyed like ``loss_values``.

    The loss objects average over the batch, so ``gradient`` on a column of m predictions
    returns each sample's gradient divided by m; multiplying by m gives one-sample batches.
    """
    y, q = _column(label, p)
    m = len(q)
    grad_mse = MeanSquaredError().gradient(y, q) * m
    return {
        "binary_crossentropy": BinaryCrossentropy().gradient_logits(y, q)[:, 0] * m,
        "mse": ACTIVATIONS["sigmoid"].backward(grad_mse, _logits(q), q)[:, 0],
    }


def curve_frame(label: int, labels: Mapping[str, str], points: int = 199) -> pd.DataFrame:
    """Tidy ``p, series, loss, grad`` over the probability axis for the chart; ``labels``
    maps ``LOSS_NAMES`` to the series names shown."""
    p = probability_axis(points)
    losses = loss_values(label, p)
    grads = output_gradients(label, p)
    parts = [
        pd.DataFrame(
            {"p": p, "series": labels[name], "loss": losses[name], "grad": np.abs(grads[name])}
        )
        for name in LOSS_NAMES
    ]
    return pd.concat(parts, ignore_index=True)


def readout(label: int, p: float) -> dict[str, float]:
    """The numbers read out at one prediction: both losses, both ``dL/dz``, and whether the
    prediction is on the wrong side of 0.5 (a mistake) and how confident it is."""
    losses = loss_values(label, p)
    grads = output_gradients(label, p)
    return {
        "bce": float(losses["binary_crossentropy"][0]),
        "mse": float(losses["mse"][0]),
        "grad_bce": float(grads["binary_crossentropy"][0]),
        "grad_mse": float(grads["mse"][0]),
        "wrong": bool((p >= 0.5) != (label == 1)) and p != 0.5,
        "confidence": float(max(p, 1.0 - p)),
    }


def gradient_ratio(label: int, p: float) -> float:
    """How many times larger the cross-entropy gradient is than the MSE one at ``p``
    (inf when MSE's is exactly 0)."""
    r = readout(label, p)
    return abs(r["grad_bce"]) / abs(r["grad_mse"]) if r["grad_mse"] else float("inf")


def one_hot(y: np.ndarray, n_classes: int) -> np.ndarray:
    """Keras' ``to_categorical(y, n_classes)``."""
    return np.eye(int(n_classes))[np.asarray(y, dtype=np.int64)]


def first_epoch_at(values, target: float) -> int | None:
    """The first 1-based epoch whose value reached ``target``, or None."""
    arr = np.asarray(values, dtype=float)
    hits = np.flatnonzero(arr >= target - 1e-12)
    return int(hits[0]) + 1 if hits.size else None


def combined_history(histories: Mapping[str, Mapping[str, list]], epochs) -> pd.DataFrame:
    """One table of several runs' histories: ``epoch`` and ``<run>_<metric>`` columns (runs
    that stopped early are padded with empty cells)."""
    n = len(epochs)
    table = {"epoch": list(epochs)}
    for run, history in histories.items():
        for metric, values in history.items():
            padded = list(values)[:n] + [np.nan] * max(0, n - len(values))
            table[f"{run}_{metric}"] = padded
    return pd.DataFrame(table)


def predictions_from_weights(spec, weights, x: np.ndarray, task: str, n_classes=None):
    """What the network ``spec`` with the trained ``weights`` (``TrainResult.weights``)
    predicts for ``x``: the model is rebuilt with ``sim.training.build_model``."""
    from sim.training import build_model

    model = build_model(spec, x.shape[1], task, n_classes)
    model.set_weights(weights)
    return model.predict(x)


def regression_misses(y: np.ndarray, pred: np.ndarray) -> dict[str, float]:
    """How the MSE of a regression fit is made up: the ``mse`` (mean of squared misses),
    the largest miss ``worst`` (absolute), where it is (``worst_index``) and the ``share``
    of the total squared error that this one miss alone accounts for."""
    y = np.asarray(y, dtype=float).ravel()
    pred = np.asarray(pred, dtype=float).ravel()
    miss = pred - y
    sq = miss * miss
    total = float(sq.sum())
    i = int(np.argmax(sq))
    return {
        "mse": float(sq.mean()),
        "worst": float(abs(miss[i])),
        "worst_index": i,
        "share": float(sq[i] / total) if total > 0 else 0.0,
    }


# --- what the lesson says ---------------------------------------------------------------------

CROSSENTROPY = {"binary": "binary_crossentropy", "multiclass": "categorical_crossentropy"}


def percent(value: float | None) -> str:
    """An accuracy or share as a whole percentage, ``–`` when there is none."""
    return "–" if value is None else f"{100 * value:.0f}%"


def times(ratio: float) -> Number:
    """A ratio with its whole part and one decimal below 10: ``4.7``, ``98``, ``1234``."""
    if not math.isfinite(ratio) or ratio < 10:
        return Number(ratio, 2)
    return Number(ratio, int(math.log10(ratio)) + 1)


def probability_notice(label: int, p: float) -> Notice:
    """What the two losses say about predicting ``p`` for the true ``label``: a confident
    mistake (the wrong side of 0.5) costs far more with cross-entropy, and its ``dL/dz``
    is ``gradient_ratio`` times MSE's; a guess (p = 0.5); or a right answer with small
    losses and gradients."""
    r = readout(label, p)
    values = dict(p=Number(p, 2), k=label, bce=Number(r["bce"], 3), mse=Number(r["mse"], 3))
    if r["wrong"]:
        return notice(
            "losses.notice_wrong",
            times=Number(r["bce"] / r["mse"], 2),
            gbce=Number(r["grad_bce"], 3),
            gmse=Number(r["grad_mse"], 3),
            ratio=times(gradient_ratio(label, p)),
            **values,
        )
    if p == 0.5:
        return notice("losses.notice_unsure", k=label, bce=values["bce"], mse=values["mse"])
    return notice(
        "losses.notice_right",
        gbce=Number(r["grad_bce"], 3),
        gmse=Number(r["grad_mse"], 3),
        **values,
    )


def accuracy_at(result: TrainResult, epoch: int) -> float | None:
    """Training accuracy after ``epoch`` (1-based), or after the run's last epoch when it
    stopped before ``epoch``; None when the run recorded no epoch at all."""
    accuracy = result.history.get("accuracy") or []
    if not accuracy:
        return None
    return float(accuracy[min(int(epoch), len(accuracy)) - 1])


def frame_captions(ce_run: TrainResult, mse_run: TrainResult, epochs) -> list[Notice]:
    """The player's text, one per frame: before training, then each run's accuracy after
    the frame's epoch."""
    return [
        notice("losses.frame_start")
        if epoch == 0
        else notice(
            "losses.frame_caption",
            epoch=int(epoch),
            ce=percent(accuracy_at(ce_run, epoch)),
            mse=percent(accuracy_at(mse_run, epoch)),
        )
        for epoch in epochs
    ]


def training_notice(runs: Mapping[str, TrainResult], goal: float, epochs: int, data: str) -> Notice:
    """Which of the classifier runs (``runs``: the cross-entropy run first, then ``"mse"``)
    reached ``goal`` training accuracy first (``first_epoch_at``), and each run's best
    accuracy within ``epochs``; ``data`` is the data set's name."""
    (ce_loss, ce_run), mse_run = next(iter(runs.items())), runs["mse"]
    a = first_epoch_at(ce_run.history["accuracy"], goal)
    b = first_epoch_at(mse_run.history["accuracy"], goal)
    values = dict(
        data=notice(f"train.data_{data}"),
        goal=percent(goal),
        a=a,
        b=b,
        epochs=int(epochs),
        best_ce=percent(max(ce_run.history["accuracy"], default=0.0)),
        best_mse=percent(max(mse_run.history["accuracy"], default=0.0)),
        ce=notice(f"losses.series_{ce_loss}"),
    )
    if a is not None and b is not None and a < b:
        return notice("losses.notice_ce_faster", diff=b - a, **values)
    if a is not None and b is not None:
        return notice("losses.notice_mse_not_slower", **values)
    if a is not None:
        return notice("losses.notice_only_ce", **values)
    if b is not None:
        return notice("losses.notice_only_mse", **values)
    return notice("losses.notice_neither", **values)


def run_notices(runs: Mapping[str, TrainResult], optimizer: str) -> list[Notice]:
    """With Adam, why the two losses end up closer; and the epoch each diverged run (keyed
    by its loss) became infinite in."""
    said = [notice("losses.notice_adam")] if optimizer == "adam" else []
    for loss, result in runs.items():
        if result.diverged:
            name = notice(f"losses.series_{loss}")
            said.append(notice("losses.notice_diverged", loss=name, epoch=result.diverged["epoch"]))
    return said


def regression_notice(y: np.ndarray, pred: np.ndarray) -> Notice:
    """How the MSE of a regression fit is made up (``regression_misses``): the largest miss,
    its square, and its share of the total squared error against an even ``1 / n``."""
    facts = regression_misses(y, pred)
    return notice(
        "losses.notice_reg",
        n=len(np.ravel(y)),
        mse=Number(facts["mse"], 3),
        worst=Number(facts["worst"], 3),
        sq=Number(facts["worst"] ** 2, 3),
        share=percent(facts["share"]),
        even=percent(1 / len(np.ravel(y))),
    )
