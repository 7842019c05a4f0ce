"""Early stopping read off a recorded history (lesson B12), without training again.

``sim.nn.EarlyStopping`` decides while training; ``replay`` applies the same Keras 3 rule
to a finished run's per-epoch values, so a page can say what any patience would have done
to the full curve, and a test can check the engine's decision independently::

    at every epoch e >= start_from_epoch:
        wait += 1
        improved = current + min_delta < best   (mode min; current - min_delta > best in max)
        if improved: best, best_epoch, wait = current, e, 0
        elif wait >= patience and e > 0: stop at e

so when nothing improves after the best epoch, training stops at
``best + max(patience, 1)`` (patience 0 still waits one epoch: ``wait`` is 1 there).
Epochs here are 1-based, as in the lesson's charts.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from sim.nn.metrics import metric_direction


@dataclass(frozen=True)
class StopReplay:
    """``best_epoch``: the last epoch counted as an improvement (its weights are the ones
    ``restore_best_weights`` puts back); ``stopped_epoch``: where training stops, or None
    when every epoch ran; ``best_value``: the monitored value at ``best_epoch``;
    ``waits``: the ``wait`` counter after each epoch (0 on an improvement)."""

    best_epoch: int | None
    stopped_epoch: int | None
    best_value: float | None
    waits: tuple[int, ...]

    @property
    def last_epoch(self) -> int:
        """The last epoch trained."""
        return self.stopped_epoch or len(self.waits)


def maximise(monitor: str) -> bool:
    """Whether ``monitor`` improves upwards (accuracy) rather than downwards (a loss)."""
    return metric_direction(monitor) == "up"


def replay(
    values: Sequence[float],
    monitor: str = "val_loss",
    patience: int = 0,
    min_delta: float = 0.0,
    start_from_epoch: int = 0,
) -> StopReplay:
    """What ``EarlyStopping(monitor, min_delta, patience, start_from_epoch=...)`` does to
    the per-epoch ``values`` of ``monitor`` (1-based epochs in the result)."""
    up = maximise(monitor)
    min_delta = abs(float(min_delta))
    best = -np.inf if up else np.inf
    best_epoch = best_value = None
    wait = 0
    waits: list[int] = []
    for epoch, current in enumerate(values):  # 0-based, as in Keras
        if epoch < start_from_epoch:
            waits.append(0)
            continue
        wait += 1
        improved = current - min_delta > best if up else current + min_delta < best
        if improved:
            best, best_epoch, best_value, wait = current, epoch + 1, float(current), 0
            waits.append(0)
            continue
        waits.append(wait)
        if wait >= patience and epoch > 0:
            return StopReplay(best_epoch, epoch + 1, best_value, tuple(waits))
    return StopReplay(best_epoch, None, best_value, tuple(waits))


def best_of(values: Sequence[float], monitor: str) -> tuple[int, float]:
    """The epoch (1-based, first of ties) with the best value of ``monitor`` over the whole
    run, and that value: what a learner looking at the full curve would call the best."""
    arr = np.asarray(values, dtype=float)
    index = int(np.argmax(arr) if maximise(monitor) else np.argmin(arr))
    return index + 1, float(arr[index])


def validation_tail(x: np.ndarray, y: np.ndarray, validation_split: float):
    """The rows Keras' ``validation_split`` holds out: the last ``int(n * split)``.

    Keras 3 computes the split point as ``int(n * (1 - split))``; the returned
    ``(x_train, y_train, x_val, y_val)`` follows it exactly."""
    n = len(x)
    cut = int(n * (1.0 - float(validation_split)))
    return x[:cut], y[:cut], x[cut:], y[cut:]
