"""How ``fit`` cuts an epoch into batches, and the seeded order of each epoch.

Keras semantics: an epoch of ``n`` samples with ``batch_size`` makes
``ceil(n / batch_size)`` weight updates; the last batch holds the remainder.

The order of epoch ``e`` of a run with seed ``s`` is ``epoch_order(n, s, e)``, a function of
(n, s, e) alone: a page can redraw the batches of any epoch of a run (the mock-exam grid)
without replaying the run, and the same seed always gives the same run.
"""

from __future__ import annotations

import math

import numpy as np

# Stream labels, so the shuffles and the dropout/noise draws of one seed are independent.
SHUFFLE_STREAM = 1
NOISE_STREAM = 2


def check_seed(seed, what: str = "seed") -> int:
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or seed < 0:
        raise ValueError(f"{what} must be an integer >= 0, got {seed!r}")
    return int(seed)


def updates_per_epoch(n: int, batch_size: int) -> int:
    """Weight updates in one epoch: ``ceil(n / batch_size)`` (2000 samples, 200 -> 10)."""
    n, batch_size = int(n), int(batch_size)
    if n < 0 or batch_size < 1:
        raise ValueError(f"need n >= 0 and batch_size >= 1, got n={n}, batch_size={batch_size}")
    return math.ceil(n / batch_size)


def epoch_order(n: int, seed: int, epoch: int, shuffle: bool = True) -> np.ndarray:
    """The sample order of epoch ``epoch``: a fresh permutation from
    ``np.random.default_rng([seed, SHUFFLE_STREAM, epoch])`` (``arange(n)`` without shuffle)."""
    if not shuffle:
        return np.arange(n)
    return np.random.default_rng([check_seed(seed), SHUFFLE_STREAM, int(epoch)]).permutation(n)


def noise_generator(seed: int) -> np.random.Generator:
    """The generator of a run's dropout masks and input noise."""
    return np.random.default_rng([check_seed(seed), NOISE_STREAM])


def batch_bounds(n: int, batch_size: int) -> list[tuple[int, int]]:
    """``[(start, stop), ...]`` of the batches of one epoch; the last may be partial."""
    return [(lo, min(lo + batch_size, n)) for lo in range(0, n, batch_size)]
