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

from lessons.notices import Notice, Number, notice
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


def status(epoch: int, best: int | None, stop: int | None) -> Notice:
    """What early stopping is doing at ``epoch`` of the run without it (0: before
    training): still training, the best epoch, stopping here, or stopped before."""
    if epoch == 0:
        return notice("early.status_start")
    if stop is not None and epoch > stop:
        return notice("early.status_after", stop=stop)
    if stop is not None and epoch == stop:
        return notice("early.status_stop")
    if epoch == best:
        return notice("early.status_best")
    return notice("early.status_before")


def frame_notices(
    history: dict, monitor: str, best: int | None, stop: int | None
) -> list[tuple[Notice, ...]]:
    """One frame per epoch of the full run (0: before training): its training and
    validation value of the monitored metric, and ``status`` there."""
    metric = monitor.removeprefix("val_")
    train, val = history.get(metric, []), history.get(monitor, [])
    frames = [(status(0, best, stop),)]
    for epoch in range(1, min(len(train), len(val)) + 1):
        caption = notice(
            f"early.frame_caption_{metric}",
            epoch=epoch,
            train=Number(train[epoch - 1], 3),
            val=Number(val[epoch - 1], 3),
        )
        frames.append((caption, status(epoch, best, stop)))
    return frames


def notices(
    monitor: str,
    patience: int,
    min_delta: float,
    restore: bool,
    best: int | None,
    stop: int | None,
    values: Sequence[float],
    final: float | None,
    full_history: dict,
) -> list[Notice]:
    """What to notice about the early-stopped run (its ``best`` and ``stop`` epoch, None
    when it ran every epoch; ``values``: its monitored values; ``final``: the monitored
    metric of the weights it ended with) against the full run (``full_history``).

    Stopped: where and with which weights (restored or kept), then either "patience was too
    short" (the full run found a better value after the stop) or "the later epochs only
    got worse" (overfitting cut off). Not stopped: it ran every epoch, and which weights it
    kept. Last, a note when the validation loss rose by 20% from its low while the
    validation accuracy did not fall (the two monitors disagree)."""
    full_values = full_history.get(monitor, [])
    if not values or best is None or final is None or not full_values:
        return []
    epochs = len(full_values)
    no_gain = (
        notice("early.no_gain_delta", d=Number(min_delta, 3))
        if min_delta > 0
        else notice("early.no_gain")
    )
    common = dict(
        m_topic=notice(f"early.topic_{monitor}"),
        m_subj=notice(f"early.subj_{monitor}"),
        m_obj=notice(f"early.obj_{monitor}"),
        extreme=notice("early.extreme_high" if maximise(monitor) else "early.extreme_low"),
        no_gain=no_gain,
        best=best,
        best_value=Number(values[best - 1], 3),
        patience=int(patience),
        epochs=epochs,
        final=Number(final, 3),
        full_end=Number(full_values[-1], 3),
    )
    said = []
    if stop is not None:
        key = "early.notice_stopped_restore" if restore else "early.notice_stopped_keep"
        said.append(notice(key, stop=stop, stop_value=Number(values[stop - 1], 3), **common))
        true_best, true_value = best_of(full_values, monitor)
        best_value = values[best - 1]
        better = true_value > best_value if maximise(monitor) else true_value < best_value
        if true_best > stop and better:
            said.append(
                notice(
                    "early.notice_too_soon",
                    patience=int(patience),
                    m_topic=common["m_topic"],
                    true_best=true_best,
                    true_value=Number(true_value, 3),
                )
            )
        elif epochs > stop:
            said.append(
                notice(
                    "early.notice_later_best",
                    best=best,
                    extra=epochs - stop,
                    m_obj=common["m_obj"],
                    full_end=common["full_end"],
                )
            )
    else:
        key = "early.notice_full_restore" if restore else "early.notice_full_keep"
        said.append(notice(key, last_value=Number(values[-1], 3), **common))
    if monitors_disagree(full_history):
        said.append(notice("early.notice_accuracy_loss"))
    return said


def monitors_disagree(history: dict) -> bool:
    """Whether the validation loss ended more than 20% above its lowest value while the
    validation accuracy ended at least as high as at that epoch."""
    loss, accuracy = history.get("val_loss", []), history.get("val_accuracy", [])
    if not loss or not accuracy:
        return False
    low = int(np.argmin(loss))
    return loss[-1] > 1.2 * loss[low] and accuracy[-1] >= accuracy[low]


def callback_code(settings: dict) -> tuple[str, str]:
    """The Keras ``EarlyStopping(...)`` line of the lesson's program, for ``settings`` as
    ``sim.training.train(early_stopping=...)`` takes them (two lines, aligned)."""
    first = (
        f'early = EarlyStopping(monitor="{settings["monitor"]}", '
        f"min_delta={settings['min_delta']:g}, patience={settings['patience']},"
    )
    second = (
        f"                      restore_best_weights={settings['restore_best_weights']}, "
        f"start_from_epoch={settings['start_from_epoch']})"
    )
    return first, second
