"""Every limit on the work one request may ask for, in one place.

The hosted demo serves every visitor from one process on a small machine, so each run is
bounded here and the pages' widgets take their ranges from these numbers. ``clamp`` is for
callers (notebooks, URL values) that may pass anything.
"""

from __future__ import annotations

import math

# 2D descent
MAX_STEPS = 500  # steps of one descent run
MAX_STARTS = 400  # starts run at once (basins-of-attraction view)
MAX_GRID = 200  # cells per side of a rendered surface image
MIN_LEARNING_RATE = 1e-4
MAX_LEARNING_RATE = 10.0
MAX_NOISE = 5.0  # standard deviation of gradient noise

# networks
MAX_SAMPLES = 2000  # points in a generated data set
MAX_EPOCHS = 300
MAX_SAMPLE_EPOCHS = 200_000  # epochs x training samples of one fit
# weights x training samples x epochs of one fit: its arithmetic grows with all three, and
# the samples alone let the widest, deepest network train 6 x 10⁹ of them (seconds of CPU
# on a shared core); this is about one second of one core
MAX_TRAIN_WORK = 1_000_000_000
MAX_HIDDEN_UNITS = 128
MAX_HIDDEN_LAYERS = 4
MAX_FOLDS = 10
MAX_SWEEP = 8  # settings trained by one sweep or search
MAX_WALL_SECONDS = 20.0  # a run longer than this stops early and says so

# animations played in the browser: decision-boundary pictures one network's animation
# sends with the page (~3 KB each; a frame between two pictures shows the latest before it)
MAX_FRAME_PICTURES = 40

# caching: entries kept per cached function
CACHE_ENTRIES = 64
TRAIN_CACHE_ENTRIES = 24  # a recorded training run is up to ~1.5 MB (boundary snapshots)


def clamp(value: float, low: float, high: float) -> float:
    """``value`` forced into ``[low, high]``; a non-finite value becomes ``low``."""
    if not math.isfinite(value):
        return low
    return min(max(value, low), high)


def epochs_within_budget(
    epochs: int, n_train: int, budget: int = MAX_SAMPLE_EPOCHS, weights: int = 0
) -> int:
    """The largest epoch count <= ``epochs`` whose ``epochs * n_train`` fits ``budget`` and,
    for a network of ``weights`` weights, whose ``weights * n_train * epochs`` fits
    ``MAX_TRAIN_WORK`` (at least one epoch)."""
    n = max(int(n_train), 1)
    cap = budget // n
    if weights > 0:
        cap = min(cap, MAX_TRAIN_WORK // (n * int(weights)))
    return max(1, min(int(epochs), cap))
