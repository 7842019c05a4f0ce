"""Loss functions with Keras 3 semantics, their gradients, and the fused output gradients.

The functions ``mse``, ``binary_crossentropy``, ``categorical_crossentropy`` and
``sparse_categorical_crossentropy`` return one loss per sample (shape ``(n,)``), as the
Keras functions of the same names do. The loss of a batch is their mean (Keras' default
reduction ``"sum_over_batch_size"``); the ``Loss`` objects compute that mean and its gradient.

With ``n`` samples, ``k`` outputs, predictions ``p`` and targets ``y``::

    mse:    L = mean over batch and outputs of (p - y)**2
            dL/dp = 2 (p - y) / (n k)
    binary_crossentropy (on probabilities, q = clip(p, eps, 1 - eps), eps = 1e-7):
            L = -mean over batch and outputs of [y log q + (1 - y) log(1 - q)]
            dL/dp = (q - y) / (q (1 - q)) / (n k)     (0 where p was clipped)
    categorical_crossentropy (one-hot y; p rescaled to sum 1, then clipped):
            L = -mean over batch of sum_j y_j log q_j
    sparse_categorical_crossentropy: the same with integer labels y.

Confident wrong answers cost the most: with y = 1, p = 0.01 costs -log 0.01 = 4.6, p = 0.5
only 0.69.

From the logits. When the last layer is ``Dense(sigmoid)`` with binary cross-entropy, or
``Dense(softmax)`` with a cross-entropy, the model computes both the value and the gradient
from that layer's pre-activation ``z`` (the logits), as Keras' TensorFlow backend does
(``tf.nn.sigmoid_cross_entropy_with_logits``, ``softmax_cross_entropy_with_logits``)::

    sigmoid + BCE:      L = mean of [max(z, 0) - z y + log(1 + exp(-|z|))]
                        dL/dz = (p - y) / (n k)
    softmax + CE:       L = -mean over batch of sum_j y_j log_softmax(z)_j,
                        log_softmax(z)_j = z_j - max(z) - log sum_i exp(z_i - max(z))
                        dL/dz = (p * sum_j y_j - y) / n      (= (p - y) / n for one-hot y)

No clip: value and gradient belong to one function at any confidence, so a confidently
wrong answer (z = -30 for y = 1) costs 30 and pushes with a gradient of size 1/n, and
the cost grows without a cap as the answer gets more confidently wrong. Where p lies in
[1e-7, 1 - 1e-7] this equals the formulas on probabilities above (to rounding).

The one place sim differs from Keras on the torch (and JAX) backend: there, a sigmoid or
softmax output reaches the loss as a probability, p is clipped to [1e-7, 1 - 1e-7] inside
the loss, so a saturated sample's value is capped at -log(1e-7) = 16.12 and its gradient is
dropped (the clip's derivative is 0). The per-sample functions above keep that Keras
semantics on probabilities (``from_logits=False``); ``from_logits=True`` takes logits.
"""

from __future__ import annotations

from types import MappingProxyType

import numpy as np

EPSILON = 1e-7  # keras.config.epsilon()


# ---------------------------------------------------------------------------------------
# target handling (Keras accepts y of shape (n,) for one output)


def as_column_targets(y, units: int, what: str = "y") -> np.ndarray:
    """``y`` as float64 ``(n, units)``; ``(n,)`` is read as ``(n, 1)`` like Keras."""
    y = np.asarray(y, dtype=np.float64)
    if y.ndim == 1:
        y = y[:, None]
    if y.ndim != 2 or y.shape[1] != units:
        raise ValueError(
            f"{what} has shape {y.shape} but the model has {units} output unit(s): "
            f"expected ({y.shape[0]}, {units})" + (" or (n,)" if units == 1 else "")
        )
    return y


def as_labels(y, units: int, what: str = "y") -> np.ndarray:
    """Integer class labels ``(n,)`` in ``[0, units)`` from ``(n,)`` or ``(n, 1)``."""
    y = np.asarray(y)
    if y.ndim == 2 and y.shape[1] == 1:
        y = y[:, 0]
    if y.ndim != 1:
        raise ValueError(
            f"{what} must hold integer class labels of shape (n,) or (n, 1) for "
            f"sparse_categorical_crossentropy, got shape {y.shape} (one-hot targets go with "
            "categorical_crossentropy)"
        )
    labels = y.astype(np.int64)
    if not np.array_equal(labels, y) or (
        labels.size and (labels.min() < 0 or labels.max() >= units)
    ):
        raise ValueError(f"{what} must hold integer labels in [0, {units}), got {y[:5]!r}...")
    return labels


def _pair(y_true, y_pred) -> tuple[np.ndarray, np.ndarray]:
    p = np.asarray(y_pred, dtype=np.float64)
    if p.ndim == 1:
        p = p[:, None]
    return as_column_targets(y_true, p.shape[1]), p


# ---------------------------------------------------------------------------------------
# per-sample functions (Keras keras.losses.<name>)


def mse(y_true, y_pred) -> np.ndarray:
    """Per-sample mean squared error, ``mean_j (y_j - p_j)**2``."""
    y, p = _pair(y_true, y_pred)
    d = p - y
    return (d * d).mean(axis=-1)


def binary_crossentropy(y_true, y_pred, from_logits: bool = False) -> np.ndarray:
    """Per-sample ``-mean_j [y log q + (1 - y) log(1 - q)]``, ``q = clip(p, 1e-7, 1 - 1e-7)``.

    ``from_logits=True``: ``y_pred`` holds logits ``z`` (``p = sigmoid(z)``), and the loss is
    ``mean_j [max(z, 0) - z y + log(1 + exp(-|z|))]``, exact at any ``z``, no clip."""
    y, p = _pair(y_true, y_pred)
    if from_logits:
        return _bce_logits(y, p).mean(axis=-1)
    q = np.clip(p, EPSILON, 1.0 - EPSILON)
    return -(y * np.log(q) + (1.0 - y) * np.log(1.0 - q)).mean(axis=-1)


def categorical_crossentropy(y_true, y_pred, from_logits: bool = False) -> np.ndarray:
    """Per-sample ``-sum_j y_j log q_j``, ``q = clip(p / sum(p), 1e-7, 1 - 1e-7)``; one-hot y.

    ``from_logits=True``: ``-sum_j y_j log_softmax(z)_j`` of the logits ``z``, no clip."""
    p = np.asarray(y_pred, dtype=np.float64)
    y = as_column_targets(y_true, p.shape[-1])
    if from_logits:
        return -(y * log_softmax(p)).sum(axis=-1)
    q = np.clip(p / p.sum(axis=-1, keepdims=True), EPSILON, 1.0 - EPSILON)
    return -(y * np.log(q)).sum(axis=-1)


def sparse_categorical_crossentropy(y_true, y_pred, from_logits: bool = False) -> np.ndarray:
    """Per-sample ``-log q_y`` for integer labels ``y`` (same clipping as above);
    ``from_logits=True``: ``-log_softmax(z)_y``."""
    p = np.asarray(y_pred, dtype=np.float64)
    labels = as_labels(y_true, p.shape[-1])
    rows = np.arange(len(labels))
    if from_logits:
        return -log_softmax(p)[rows, labels]
    q = np.clip(p / p.sum(axis=-1, keepdims=True), EPSILON, 1.0 - EPSILON)
    return -np.log(q[rows, labels])


def _bce_logits(y: np.ndarray, z: np.ndarray) -> np.ndarray:
    """Element-wise binary cross-entropy of logits, ``max(z, 0) - z y + log1p(exp(-|z|))``
    (TensorFlow's ``sigmoid_cross_entropy_with_logits``: no overflow at any finite z)."""
    out = np.maximum(z, 0.0)
    out -= z * y
    out += np.log1p(np.exp(-np.abs(z)))
    return out


def log_softmax(z) -> np.ndarray:
    """Row-wise ``log softmax(z) = z - max(z) - log sum_j exp(z_j - max(z))``."""
    z = np.asarray(z, dtype=np.float64)
    shifted = z - z.max(axis=-1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))


# ---------------------------------------------------------------------------------------
# Loss objects used by the model: scalar value (batch mean) and gradients


class Loss:
    """A loss as the model uses it. Targets are first brought to a canonical form by
    ``prepare(y, units)`` (once per fit), then per batch::

        value(y, p)            -> float, the batch mean
        gradient(y, p)         -> dL/dp, shape of p
        value_logits(y, z)     -> float, the batch mean from the logits z of the matching
                                  output activation (fused; no clip)
        gradient_logits(y, p)  -> dL/dz of that activation (fused), p = activation(z)
    """

    name = ""
    fused_activation: str | None = None  # output activation whose derivative cancels

    def prepare(self, y, units: int) -> np.ndarray:
        return as_column_targets(y, units)

    def per_sample(self, y_true, y_pred) -> np.ndarray:
        raise NotImplementedError

    def __call__(self, y_true, y_pred) -> float:
        """The batch loss (mean of the per-sample losses), like ``keras.losses.X()(y, p)``."""
        return float(np.mean(self.per_sample(y_true, y_pred)))

    def value(self, y: np.ndarray, p: np.ndarray) -> float:
        raise NotImplementedError

    def gradient(self, y: np.ndarray, p: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def value_logits(self, y: np.ndarray, z: np.ndarray) -> float:
        raise NotImplementedError

    def gradient_logits(self, y: np.ndarray, p: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


class MeanSquaredError(Loss):
    name = "mse"

    def per_sample(self, y_true, y_pred):
        return mse(y_true, y_pred)

    def value(self, y, p):
        d = p - y
        return float(np.vdot(d, d)) / d.size

    def gradient(self, y, p):
        return (p - y) * (2.0 / p.size)


class BinaryCrossentropy(Loss):
    name = "binary_crossentropy"
    fused_activation = "sigmoid"

    def per_sample(self, y_true, y_pred):
        return binary_crossentropy(y_true, y_pred)

    def value(self, y, p):
        q = np.clip(p, EPSILON, 1.0 - EPSILON)
        t = y * np.log(q)
        t += (1.0 - y) * np.log(1.0 - q)
        return -float(t.sum()) / t.size

    def gradient(self, y, p):
        q = np.clip(p, EPSILON, 1.0 - EPSILON)
        g = (q - y) / (q * (1.0 - q)) / p.size
        g[(p < EPSILON) | (p > 1.0 - EPSILON)] = 0.0  # the clip's derivative
        return g

    def value_logits(self, y, z):
        return float(_bce_logits(y, z).sum()) / z.size

    def gradient_logits(self, y, p):
        g = p - y
        g *= 1.0 / p.size
        return g


class CategoricalCrossentropy(Loss):
    name = "categorical_crossentropy"
    fused_activation = "softmax"

    def prepare(self, y, units):
        y = np.asarray(y)
        if units > 1 and (y.ndim == 1 or (y.ndim == 2 and y.shape[1] == 1)):
            raise ValueError(
                f"categorical_crossentropy needs one-hot targets of shape (n, {units}); "
                "for integer labels use sparse_categorical_crossentropy"
            )
        return as_column_targets(y, units)

    def per_sample(self, y_true, y_pred):
        return categorical_crossentropy(y_true, y_pred)

    def value(self, y, p):
        q = np.clip(p / p.sum(axis=-1, keepdims=True), EPSILON, 1.0 - EPSILON)
        return -float(np.vdot(y, np.log(q))) / p.shape[0]

    def gradient(self, y, p):
        s = p.sum(axis=-1, keepdims=True)
        r = p / s
        clipped = (r < EPSILON) | (r > 1.0 - EPSILON)
        # L_i = -sum_j y_j log(p_j / s): dL/dp_k = (-y_k / p_k + sum_j y_j / s) / n,
        # with the terms through clipped entries dropped.
        g_r = np.where(clipped, 0.0, -y / np.where(clipped, 1.0, r))
        g = (g_r - (g_r * r).sum(axis=-1, keepdims=True)) / s
        return g / p.shape[0]

    def value_logits(self, y, z):
        return -float(np.vdot(y, log_softmax(z))) / z.shape[0]

    def gradient_logits(self, y, p):
        return (p * y.sum(axis=-1, keepdims=True) - y) / p.shape[0]


class SparseCategoricalCrossentropy(Loss):
    """Cross-entropy with integer labels. ``prepare`` turns the labels into one-hot rows
    (once per fit), so the batch arithmetic is that of ``categorical_crossentropy``."""

    name = "sparse_categorical_crossentropy"
    fused_activation = "softmax"

    def prepare(self, y, units):
        return np.eye(units)[as_labels(y, units)]

    def per_sample(self, y_true, y_pred):
        return sparse_categorical_crossentropy(y_true, y_pred)

    value = CategoricalCrossentropy.value
    gradient = CategoricalCrossentropy.gradient
    value_logits = CategoricalCrossentropy.value_logits
    gradient_logits = CategoricalCrossentropy.gradient_logits


LOSSES = MappingProxyType(
    {
        cls.name: cls
        for cls in (
            MeanSquaredError,
            BinaryCrossentropy,
            CategoricalCrossentropy,
            SparseCategoricalCrossentropy,
        )
    }
)
_ALIASES = MappingProxyType({"mean_squared_error": "mse"})


def get_loss(name: str | Loss) -> Loss:
    """A ``Loss`` by Keras name (``"mse"`` / ``"mean_squared_error"``,
    ``"binary_crossentropy"``, ``"categorical_crossentropy"``,
    ``"sparse_categorical_crossentropy"``), or the object given."""
    if isinstance(name, Loss):
        return name
    key = str(name).lower()
    key = _ALIASES.get(key, key)
    if key not in LOSSES:
        raise ValueError(f"unknown loss {name!r}; choose one of {sorted(LOSSES)}")
    return LOSSES[key]()
