"""Weight penalties added to the loss (Keras ``keras.regularizers``).

``L2(l2)`` adds ``l2 * sum(W**2)`` to the loss, exactly as Keras does (no factor 1/2), so the
loss that ``fit`` and ``evaluate`` report includes it, and the kernel's gradient gains
``2 * l2 * W`` ("weight decay").
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class L2:
    """``penalty(W) = l2 * sum(W**2)``, ``gradient(W) = 2 * l2 * W``. Keras default ``l2=0.01``."""

    l2: float = 0.01

    def __post_init__(self) -> None:
        if not np.isfinite(self.l2) or self.l2 < 0:
            raise ValueError(f"l2 must be a finite number >= 0, got {self.l2!r}")

    def __call__(self, weights: np.ndarray) -> float:
        return self.l2 * float(np.vdot(weights, weights))

    def gradient(self, weights: np.ndarray) -> np.ndarray:
        return (2.0 * self.l2) * weights


def get_regularizer(value: L2 | float | None) -> L2 | None:
    """``None``, an ``L2`` object, or a float meaning ``L2(value)``."""
    if value is None or isinstance(value, L2):
        return value
    if isinstance(value, bool) or not isinstance(value, int | float | np.floating | np.integer):
        raise ValueError(f"kernel_regularizer must be None, L2(...) or a float, got {value!r}")
    return L2(float(value))
