"""Callbacks: code that ``fit`` calls at fixed points of training (Keras ``keras.callbacks``).

Order of the calls in one ``fit``::

    on_train_begin(logs)
      for each epoch:  on_epoch_begin(epoch, logs)
        for each batch:  on_train_batch_begin(batch, logs) ... on_train_batch_end(batch, logs)
      on_epoch_end(epoch, logs)     logs: loss, metrics, val_loss, val_metrics
    on_train_end(logs)

A callback sees the model as ``self.model`` and stops training by setting
``self.model.stop_training = True``.

Batch logs hold, as in Keras 3, the running means over the epoch so far (``loss``,
metrics), plus ``batch_loss`` (the loss of this one batch, before its update) and ``size``.

Beyond Keras: ``EpochSnapshots`` (per-epoch copies of weights / predictions, for animating a
decision boundary), ``BatchLogger`` (loss of every update) and ``ProgressCallback``
(``fn(fraction_done, logs)`` for a progress bar).
"""

from __future__ import annotations

import warnings

import numpy as np

from sim.nn.metrics import metric_direction


class Callback:
    """Base class: every hook does nothing. ``self.model`` and ``self.params`` are set by fit."""

    def __init__(self) -> None:
        self.model = None
        self.params: dict = {}

    def set_model(self, model) -> None:
        self.model = model

    def set_params(self, params: dict) -> None:
        self.params = params

    def on_train_begin(self, logs=None) -> None:
        pass

    def on_train_end(self, logs=None) -> None:
        pass

    def on_epoch_begin(self, epoch, logs=None) -> None:
        pass

    def on_epoch_end(self, epoch, logs=None) -> None:
        pass

    def on_train_batch_begin(self, batch, logs=None) -> None:
        pass

    def on_train_batch_end(self, batch, logs=None) -> None:
        pass


def overrides(callback: Callback, hook: str) -> bool:
    """Whether ``callback`` does something in ``hook`` (fit skips building unused logs).
    A callback can also say ``batch_hooks = False`` to opt out of the batch hooks."""
    if hook.startswith("on_train_batch") and not getattr(callback, "batch_hooks", True):
        return False
    return getattr(type(callback), hook, None) is not getattr(Callback, hook)


class History(Callback):
    """What ``fit`` returns (Keras ``History``).

    ``history``: ``{"loss": [...], "accuracy": [...], "val_loss": [...], ...}``, one value
    per completed epoch; ``epoch``: the epoch indices; ``params``: ``{"verbose", "epochs",
    "steps", "batch_size"}`` (steps = updates per epoch); ``model``.

    Beyond Keras: ``epoch_times`` (wall seconds of each epoch, validation included),
    ``stopped_reason`` (None when every epoch ran; ``"early_stopping"``,
    ``"stop_training"`` (another callback), ``"time_budget"`` or ``"diverged"``),
    ``diverged`` (``{"epoch": e, "batch": b}`` of the first non-finite batch loss, else None)
    and ``seed`` (the seed of this run's shuffles and dropout draws).
    """

    def __init__(self) -> None:
        super().__init__()
        self.history: dict[str, list[float]] = {}
        self.epoch: list[int] = []
        self.epoch_times: list[float] = []
        self.stopped_reason: str | None = None
        self.diverged: dict[str, int] | None = None
        self.seed: int | None = None

    def on_train_begin(self, logs=None):
        self.epoch = []

    def on_epoch_end(self, epoch, logs=None):
        self.epoch.append(epoch)
        for key, value in (logs or {}).items():
            self.history.setdefault(key, []).append(value)
        self.model.history = self

    def __repr__(self) -> str:
        keys = ", ".join(self.history)
        return f"History(epochs={len(self.epoch)}, keys=[{keys}], stopped={self.stopped_reason})"


class EarlyStopping(Callback):
    """Stop when ``monitor`` stops improving, Keras 3's rule exactly.

    At each epoch end (from ``start_from_epoch`` on), with ``current = logs[monitor]``:

    * ``wait += 1``;
    * improvement means ``current + min_delta < best`` in mode min (``current - min_delta >
      best`` in mode max; Keras writes ``monitor_op(current - min_delta, best)`` with
      ``min_delta`` negated in mode min): then ``best = current``, ``best_epoch = epoch``
      and ``wait = 0`` (unless ``baseline`` is set and not beaten);
    * otherwise, if ``wait >= patience`` and ``epoch > 0``: ``stopped_epoch = epoch`` and
      training stops.

    ``mode="auto"`` minimises losses and maximises accuracy. ``restore_best_weights=True``
    puts the weights of ``best_epoch`` back at the end of training, even when training did
    not stop early (Keras 3). One difference from Keras: ``best`` is reset at every
    ``on_train_begin``, so one instance can serve several fits (e.g. k folds).
    """

    def __init__(
        self,
        monitor: str = "val_loss",
        min_delta: float = 0,
        patience: int = 0,
        verbose: int = 0,
        mode: str = "auto",
        baseline: float | None = None,
        restore_best_weights: bool = False,
        start_from_epoch: int = 0,
    ) -> None:
        super().__init__()
        if mode not in ("auto", "min", "max"):
            raise ValueError(f"mode must be 'auto', 'min' or 'max', got {mode!r}")
        if int(patience) < 0:
            raise ValueError(f"patience must be >= 0, got {patience!r}")
        self.monitor = monitor
        self.min_delta = abs(float(min_delta))
        self.patience = int(patience)
        self.verbose = verbose
        self.mode = mode
        self.baseline = baseline
        self.restore_best_weights = bool(restore_best_weights)
        self.start_from_epoch = int(start_from_epoch)
        self.wait = 0
        self.stopped_epoch = 0
        self.best_epoch = 0
        self.best_weights = None
        self.best = self._initial_best()

    def _maximise(self) -> bool:
        if self.mode != "auto":
            return self.mode == "max"
        direction = metric_direction(self.monitor)
        if direction is None:
            raise ValueError(
                f"EarlyStopping cannot tell whether {self.monitor!r} should go up or down; "
                "pass mode='max' or mode='min'"
            )
        return direction == "up"

    def _initial_best(self) -> float:
        return -np.inf if self._maximise() else np.inf

    def _is_improvement(self, value: float, reference: float) -> bool:
        # Keras: monitor_op(current - min_delta, best) with min_delta negated in min mode,
        # i.e. an improvement must beat the reference by more than min_delta.
        if self._maximise():
            return value - self.min_delta > reference
        return value + self.min_delta < reference

    def on_train_begin(self, logs=None):
        self.wait = 0
        self.stopped_epoch = 0
        self.best_weights = None
        self.best_epoch = 0
        self.best = self._initial_best()

    def on_epoch_end(self, epoch, logs=None):
        current = (logs or {}).get(self.monitor)
        if current is None:
            warnings.warn(
                f"Early stopping conditioned on metric {self.monitor!r} which is not "
                f"available. Available metrics are: {','.join(logs or {})}",
                stacklevel=2,
            )
            return
        if epoch < self.start_from_epoch:
            return
        if self.restore_best_weights and self.best_weights is None:
            # before any improvement, the current weights are the best seen
            self.best_weights = self.model.get_weights()
            self.best_epoch = epoch
        self.wait += 1
        if self._is_improvement(current, self.best):
            self.best = current
            self.best_epoch = epoch
            if self.restore_best_weights:
                self.best_weights = self.model.get_weights()
            # restart the count only when both the previous best and the baseline are beaten
            if self.baseline is None or self._is_improvement(current, self.baseline):
                self.wait = 0
            return
        if self.wait >= self.patience and epoch > 0:
            self.stopped_epoch = epoch
            self.model.stop_training = True

    def on_train_end(self, logs=None):
        if self.stopped_epoch > 0 and self.verbose > 0:
            print(f"Epoch {self.stopped_epoch + 1}: early stopping")
        if self.restore_best_weights and self.best_weights is not None:
            if self.verbose > 0:
                best = self.best_epoch + 1
                print(f"Restoring model weights from the end of the best epoch: {best}.")
            self.model.set_weights(self.best_weights)


class EpochSnapshots(Callback):
    """Per-epoch snapshots for animations, starting with the state before training.

    ``snapshots`` is a list of dicts ``{"epoch": k, "weights": [...], "value": fn(model),
    "logs": {...}}`` where ``k`` counts completed epochs (0 = before the first update, then
    1, 2, ...); ``weights`` only with ``keep_weights=True``, ``value`` only with ``fn``
    (e.g. ``fn=lambda m: m.predict(grid)`` for a decision boundary). ``every`` thins the
    record (every k-th epoch; the last epoch is always kept).
    """

    def __init__(self, fn=None, every: int = 1, keep_weights: bool = True) -> None:
        super().__init__()
        if int(every) < 1:
            raise ValueError(f"every must be >= 1, got {every!r}")
        self.fn = fn
        self.every = int(every)
        self.keep_weights = keep_weights
        self.snapshots: list[dict] = []

    def _record(self, completed: int, logs) -> None:
        if self.snapshots and self.snapshots[-1]["epoch"] == completed:
            return
        snap = {"epoch": completed, "logs": dict(logs or {})}
        if self.keep_weights:
            snap["weights"] = self.model.get_weights()
        if self.fn is not None:
            snap["value"] = self.fn(self.model)
        self.snapshots.append(snap)

    def on_train_begin(self, logs=None):
        self.snapshots = []
        self._last_logs = {}
        self._completed = self.params.get("initial_epoch", 0)
        self._record(self._completed, {})

    def on_epoch_end(self, epoch, logs=None):
        self._completed = epoch + 1
        self._last_logs = logs
        if self._completed % self.every == 0:
            self._record(self._completed, logs)

    def on_train_end(self, logs=None):
        self._record(self._completed, self._last_logs)

    @property
    def epochs(self) -> list[int]:
        return [s["epoch"] for s in self.snapshots]

    @property
    def values(self) -> list:
        return [s.get("value") for s in self.snapshots]


class BatchLogger(Callback):
    """The loss of every weight update (for loss-vs-update curves).

    Lists of equal length, one entry per update: ``losses`` (the batch's own loss, before
    its update), ``epochs``, ``batches`` (index within the epoch), ``sizes``. Updates are
    counted across epochs by ``updates``; ``to_frame()`` gives a pandas DataFrame.
    """

    def __init__(self) -> None:
        super().__init__()
        self.losses: list[float] = []
        self.epochs: list[int] = []
        self.batches: list[int] = []
        self.sizes: list[int] = []
        self._epoch = 0

    def on_train_begin(self, logs=None):
        self.losses, self.epochs, self.batches, self.sizes = [], [], [], []

    def on_epoch_begin(self, epoch, logs=None):
        self._epoch = epoch

    def on_train_batch_end(self, batch, logs=None):
        self.losses.append(logs["batch_loss"])
        self.epochs.append(self._epoch)
        self.batches.append(batch)
        self.sizes.append(logs["size"])

    @property
    def updates(self) -> list[int]:
        return list(range(1, len(self.losses) + 1))

    def to_frame(self):
        import pandas as pd

        return pd.DataFrame(
            {
                "update": self.updates,
                "epoch": self.epochs,
                "batch": self.batches,
                "size": self.sizes,
                "loss": self.losses,
            }
        )


class ProgressCallback(Callback):
    """Calls ``fn(fraction_done, logs)`` after every epoch (``every="epoch"``) or every
    update (``every="batch"``); ``fraction_done`` goes from >0 to 1.0 over this fit's epochs.
    A page hooks ``st.progress`` to it."""

    def __init__(self, fn, every: str = "epoch") -> None:
        super().__init__()
        if every not in ("epoch", "batch"):
            raise ValueError(f"every must be 'epoch' or 'batch', got {every!r}")
        self.fn = fn
        self.every = every
        self.batch_hooks = every == "batch"  # fit builds batch logs only when someone reads them
        self._epoch = 0

    def _fraction(self, epochs_done: float) -> float:
        start = self.params.get("initial_epoch", 0)
        total = max(self.params.get("epochs", 1) - start, 1)
        return min(max((epochs_done - start) / total, 0.0), 1.0)

    def on_epoch_begin(self, epoch, logs=None):
        self._epoch = epoch

    def on_epoch_end(self, epoch, logs=None):
        if self.every == "epoch":
            self.fn(self._fraction(epoch + 1), logs)

    def on_train_batch_end(self, batch, logs=None):
        if self.every == "batch":
            steps = max(self.params.get("steps", 1), 1)
            self.fn(self._fraction(self._epoch + (batch + 1) / steps), logs)
