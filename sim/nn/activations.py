"""Activation functions: forward ``a = f(z)`` and backward ``dL/dz = dL/da * f'(z)``.

Each activation is a stateless object with two methods, so a lesson can print both halves::

    a = act.forward(z)
    grad_z = act.backward(grad_a, z, a)

``z`` is the pre-activation of a layer (``x @ W + b``), ``a`` the activation it produced;
both are passed to ``backward`` because some derivatives are cheaper from ``a``
(sigmoid, tanh, softmax) and one needs ``z`` (relu).
"""

from __future__ import annotations

from types import MappingProxyType

import numpy as np


class Activation:
    """Identity, ``a = z``, ``dL/dz = dL/da`` (Keras ``"linear"``, also ``None``)."""

    name = "linear"

    def forward(self, z: np.ndarray) -> np.ndarray:
        return z

    def backward(self, grad_a: np.ndarray, z: np.ndarray, a: np.ndarray) -> np.ndarray:
        return grad_a

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


class ReLU(Activation):
    """``a = max(z, 0)``; ``f'(z) = 1 if z > 0 else 0`` (0 at z = 0, as Keras and PyTorch)."""

    name = "relu"

    def forward(self, z):
        return np.maximum(z, 0.0)

    def backward(self, grad_a, z, a):
        return grad_a * (z > 0.0)


class Tanh(Activation):
    """``a = tanh(z)``; ``f'(z) = 1 - a**2``."""

    name = "tanh"

    def forward(self, z):
        return np.tanh(z)

    def backward(self, grad_a, z, a):
        return grad_a * (1.0 - a * a)


class Sigmoid(Activation):
    """``a = 1 / (1 + exp(-z))``; ``f'(z) = a * (1 - a)``.

    For very negative ``z`` ``exp(-z)`` overflows to inf and ``a`` correctly becomes 0;
    the model runs inside ``np.errstate`` so that overflow is silent.
    """

    name = "sigmoid"

    def forward(self, z):
        a = np.exp(-z)
        a += 1.0
        return np.reciprocal(a, out=a)

    def backward(self, grad_a, z, a):
        return grad_a * a * (1.0 - a)


class Softmax(Activation):
    """Row-wise ``a_i = exp(z_i) / sum_j exp(z_j)`` (the row max is subtracted first, which
    changes nothing mathematically and keeps ``exp`` from overflowing).

    Backward (the Jacobian ``da_i/dz_j = a_i (delta_ij - a_j)`` applied to ``g = dL/da``)::

        dL/dz_j = a_j * (g_j - sum_i g_i a_i)
    """

    name = "softmax"

    def forward(self, z):
        e = np.exp(z - z.max(axis=-1, keepdims=True))
        e /= e.sum(axis=-1, keepdims=True)
        return e

    def backward(self, grad_a, z, a):
        return a * (grad_a - (grad_a * a).sum(axis=-1, keepdims=True))


ACTIVATIONS = MappingProxyType(
    {cls.name: cls() for cls in (Activation, ReLU, Tanh, Sigmoid, Softmax)}
)


def get_activation(name: str | Activation | None) -> Activation:
    """The activation called ``name`` (``None`` means ``"linear"``), or the object given."""
    if isinstance(name, Activation):
        return name
    key = "linear" if name is None else str(name).lower()
    if key not in ACTIVATIONS:
        raise ValueError(f"unknown activation {name!r}; choose one of {sorted(ACTIVATIONS)}")
    return ACTIVATIONS[key]
