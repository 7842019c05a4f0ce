"""Metrics reported next to the loss (Keras ``metrics=["accuracy"]``).

Per-sample functions as in Keras (each returns shape ``(n,)``), and ``Metric`` objects the
model accumulates over an epoch: ``total(y, p)`` is the *sum* of the per-sample values of a
batch, so the epoch value is ``sum of totals / samples``, the batch-size-weighted mean of
the batch values (what Keras reports).

``"accuracy"`` picks its kind from the shapes, as Keras 3 does:

* one output unit: binary accuracy, prediction ``p > 0.5`` compared with ``y`` (0/1);
* several outputs with integer labels ``(n,)``: sparse categorical accuracy,
  ``argmax(p) == y``;
* several outputs with one-hot ``y``: categorical accuracy, ``argmax(p) == argmax(y)``.
"""

from __future__ import annotations

from types import MappingProxyType

import numpy as np


def binary_accuracy(y_true, y_pred, threshold: float = 0.5) -> np.ndarray:
    p = np.asarray(y_pred, dtype=np.float64)
    p = p[:, None] if p.ndim == 1 else p
    y = np.asarray(y_true, dtype=np.float64).reshape(p.shape)
    return (y == (p > threshold)).mean(axis=-1)


def categorical_accuracy(y_true, y_pred) -> np.ndarray:
    return (np.argmax(y_true, axis=-1) == np.argmax(y_pred, axis=-1)).astype(np.float64)


def sparse_categorical_accuracy(y_true, y_pred) -> np.ndarray:
    y = np.asarray(y_true).reshape(-1)
    return (y == np.argmax(y_pred, axis=-1)).astype(np.float64)


def accuracy(y_true, y_pred) -> np.ndarray:
    """Binary, sparse or categorical accuracy, chosen from the shapes as described above."""
    p = np.asarray(y_pred)
    y = np.asarray(y_true)
    if p.ndim == 1 or p.shape[-1] == 1:
        return binary_accuracy(y, p)
    if y.ndim < p.ndim or y.shape[-1] == 1:
        return sparse_categorical_accuracy(y, p)
    return categorical_accuracy(y, p)


def mean_squared_error(y_true, y_pred) -> np.ndarray:
    p = np.asarray(y_pred, dtype=np.float64)
    p = p[:, None] if p.ndim == 1 else p
    d = p - np.asarray(y_true, dtype=np.float64).reshape(p.shape)
    return (d * d).mean(axis=-1)


def mean_absolute_error(y_true, y_pred) -> np.ndarray:
    p = np.asarray(y_pred, dtype=np.float64)
    p = p[:, None] if p.ndim == 1 else p
    return np.abs(p - np.asarray(y_true, dtype=np.float64).reshape(p.shape)).mean(axis=-1)


class Metric:
    """A metric as the model accumulates it. ``y`` is in the loss' canonical form:
    float ``(n, units)``, one-hot for the cross-entropies (sparse labels included).
    ``direction`` tells EarlyStopping's ``mode="auto"`` whether bigger is better."""

    direction = "down"

    def __init__(self, name: str) -> None:
        self.name = name

    def total(self, y: np.ndarray, p: np.ndarray) -> float:
        raise NotImplementedError

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.name!r})"


class Accuracy(Metric):
    direction = "up"

    def total(self, y, p):
        if p.shape[1] == 1:
            return float(np.count_nonzero(y == (p > 0.5)))
        return float(np.count_nonzero(np.argmax(y, axis=1) == np.argmax(p, axis=1)))


class MSE(Metric):
    def total(self, y, p):
        d = p - y
        return float(np.vdot(d, d)) / p.shape[1]


class MAE(Metric):
    def total(self, y, p):
        return float(np.abs(p - y).sum()) / p.shape[1]


METRICS = MappingProxyType(
    {
        "accuracy": Accuracy,
        "acc": Accuracy,
        "mse": MSE,
        "mean_squared_error": MSE,
        "mae": MAE,
        "mean_absolute_error": MAE,
    }
)


def get_metric(name: str) -> Metric:
    """A metric by Keras name; the history key is the name as given (``"acc"`` stays acc)."""
    key = str(name).lower()
    if key not in METRICS:
        raise ValueError(f"unknown metric {name!r}; choose one of {sorted(METRICS)}")
    return METRICS[key](str(name))


def metric_direction(name: str) -> str | None:
    """``"up"``/``"down"`` for a known metric or loss name (a ``val_`` prefix ignored)."""
    key = str(name).lower().removeprefix("val_")
    if key == "loss":
        return "down"
    cls = METRICS.get(key)
    return None if cls is None else cls.direction
