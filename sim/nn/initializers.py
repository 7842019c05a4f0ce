"""Weight initialisation (Keras defaults), always from a seeded ``np.random.Generator``."""

from __future__ import annotations

import numpy as np


def glorot_uniform(rng: np.random.Generator, fan_in: int, fan_out: int) -> np.ndarray:
    """Keras' default kernel initialiser (Glorot & Bengio, 2010)::

        W ~ Uniform(-limit, limit),  limit = sqrt(6 / (fan_in + fan_out))

    It keeps the variance of activations and gradients roughly equal across layers.
    Shape ``(fan_in, fan_out)``: Keras' kernel layout, rows = inputs, columns = units.
    """
    limit = np.sqrt(6.0 / (fan_in + fan_out))
    return rng.uniform(-limit, limit, size=(fan_in, fan_out))
