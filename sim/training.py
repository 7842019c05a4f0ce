"""One training run of a small classifier or regressor, recorded for the training lessons.

``NetSpec`` describes the network in a few hashable numbers (so a page can cache on it);
``build_model`` turns it into a compiled ``sim.nn.Sequential`` with the output layer and
loss the task needs; ``train`` fits it with Keras semantics and returns a ``TrainResult``:
the history, the loss of every update, predictions on a grid after every epoch (for the
decision-boundary animation), timing, and why training stopped. Everything is finite: a
diverged run keeps only its finite epochs and says where it diverged.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from sim.datasets import dataset_info
from sim.nn import (
    BatchLogger,
    BatchNormalization,
    Callback,
    Dense,
    Dropout,
    EarlyStopping,
    EpochSnapshots,
    GaussianNoise,
    ProgressCallback,
    Sequential,
)
from sim.optimizers import make_optimizer

GRID_CELLS = 60  # cells per side of the decision-boundary grid


@dataclass(frozen=True)
class NetSpec:
    """A small fully connected network: ``hidden`` layer widths with ``activation``, and the
    overfitting remedies of lesson B15 (dropout rate after each hidden layer, batch
    normalization before each activation's output, Gaussian input noise, L2 on kernels)."""

    hidden: tuple[int, ...] = (16, 16)
    activation: str = "relu"
    dropout: float = 0.0
    batchnorm: bool = False
    input_noise: float = 0.0
    l2: float = 0.0

    def layers(self, input_dim: int, task: str, n_classes: int | None) -> list:
        layers: list = []
        if self.input_noise > 0:
            layers.append(GaussianNoise(self.input_noise))
        for units in self.hidden:
            layers.append(
                Dense(units, activation=self.activation, kernel_regularizer=self.l2 or None)
            )
            if self.batchnorm:
                layers.append(BatchNormalization())
            if self.dropout > 0:
                layers.append(Dropout(self.dropout))
        out_units, out_act = output_layer(task, n_classes)
        layers.append(Dense(out_units, activation=out_act, kernel_regularizer=self.l2 or None))
        return layers

    def keras_lines(self, input_dim: int, task: str, n_classes: int | None) -> list[str]:
        """The same network as Keras code, one layer a line (shown next to the run)."""
        lines = []
        if self.input_noise > 0:
            lines.append(f"GaussianNoise({self.input_noise:g}, input_shape=({input_dim},)),")
        for i, units in enumerate(self.hidden):
            shape = f", input_shape=({input_dim},)" if i == 0 and not lines else ""
            reg = f", kernel_regularizer=l2({self.l2:g})" if self.l2 else ""
            lines.append(f'Dense({units}, activation="{self.activation}"{shape}{reg}),')
            if self.batchnorm:
                lines.append("BatchNormalization(),")
            if self.dropout > 0:
                lines.append(f"Dropout({self.dropout:g}),")
        units, act = output_layer(task, n_classes)
        # the output layer carries the L2 penalty too, as ``layers()`` builds it
        reg = f", kernel_regularizer=l2({self.l2:g})" if self.l2 else ""
        lines.append(f'Dense({units}, activation="{act}"{reg}),')
        return lines


def output_layer(task: str, n_classes: int | None) -> tuple[int, str]:
    if task == "binary":
        return 1, "sigmoid"
    if task == "multiclass":
        return int(n_classes), "softmax"
    return 1, "linear"


def default_loss(task: str) -> str:
    return {
        "binary": "binary_crossentropy",
        "multiclass": "sparse_categorical_crossentropy",
        "regression": "mse",
    }[task]


def build_model(
    spec: NetSpec,
    input_dim: int,
    task: str,
    n_classes: int | None = None,
    optimizer: str = "adam",
    learning_rate: float = 0.01,
    loss: str | None = None,
    seed: int = 0,
) -> Sequential:
    """A compiled model for ``task`` ("binary", "multiclass", "regression")."""
    model = Sequential(spec.layers(input_dim, task, n_classes), seed=seed)
    model.build(input_dim)
    metrics = [] if task == "regression" else ["accuracy"]
    model.compile(
        optimizer=make_optimizer(optimizer, learning_rate=learning_rate),
        loss=loss or default_loss(task),
        metrics=metrics,
    )
    return model


def grid_points(x: np.ndarray, cells: int = GRID_CELLS, margin: float = 0.15):
    """A ``cells x cells`` grid over the data's box (plus a margin): ``(points, bounds)``;
    points run row by row from low y to high y, x fastest."""
    lo, hi = x.min(axis=0), x.max(axis=0)
    pad = (hi - lo) * margin + 1e-9
    lo, hi = lo - pad, hi + pad
    gx, gy = np.meshgrid(np.linspace(lo[0], hi[0], cells), np.linspace(lo[1], hi[1], cells))
    bounds = ((float(lo[0]), float(hi[0])), (float(lo[1]), float(hi[1])))
    return np.column_stack([gx.ravel(), gy.ravel()]), bounds


@dataclass
class TrainResult:
    """What a lesson shows of one ``fit``.

    ``history``: per-epoch lists (``loss``, ``accuracy``, ``val_loss``, ...), all finite;
    ``epochs``: 1-based epoch numbers of those entries; ``batch_losses``: the loss of every
    update, in order; ``updates_per_epoch``; ``grid_predictions``: predictions on
    ``grid`` (``(cells*cells, outputs)``) before training and after each snapshot epoch
    (``snapshot_epochs``, 0 = before training); ``epoch_times`` in seconds;
    ``stopped_reason`` (None, "early_stopping", "diverged", "time_budget"); ``diverged``
    ({"epoch", "batch"} 1-based, or None); early stopping's ``best_epoch`` and
    ``stopped_epoch`` (1-based, or None); the final weights.
    """

    history: dict[str, list[float]]
    epochs: list[int]
    batch_losses: list[float]
    updates_per_epoch: int
    epoch_times: list[float]
    seconds: float
    stopped_reason: str | None
    diverged: dict | None
    best_epoch: int | None = None
    stopped_epoch: int | None = None
    grid: np.ndarray | None = None
    grid_bounds: tuple | None = None
    snapshot_epochs: list[int] = field(default_factory=list)
    grid_predictions: list[np.ndarray] = field(default_factory=list)
    weights: list[np.ndarray] = field(default_factory=list)
    final: dict[str, float] = field(default_factory=dict)
    # per tracked set: {"loss": [...], "accuracy": [...]}, one entry per epoch (see ``train``)
    tracked: dict[str, dict[str, list[float]]] = field(default_factory=dict)

    def frame(self):
        """The history as a tidy frame: ``epoch, metric, value`` (for charts and CSV)."""
        import pandas as pd

        rows = [
            (e, name, v)
            for name, values in self.history.items()
            for e, v in zip(self.epochs, values, strict=False)
        ]
        return pd.DataFrame(rows, columns=["epoch", "metric", "value"])

    def wide_frame(self):
        """The history with one column per metric (for CSV download)."""
        import pandas as pd

        return pd.DataFrame({"epoch": self.epochs, **self.history})


class EpochScores(Callback):
    """After every epoch, each named ``(x, y)`` set scored in inference mode with the data
    loss alone (``evaluate``'s loss minus the weight penalty) and the compiled metrics."""

    def __init__(self, sets: dict[str, tuple]) -> None:
        super().__init__()
        self.sets = sets
        self.values: dict[str, dict[str, list[float]]] = {name: {} for name in sets}

    def on_epoch_end(self, epoch, logs=None):
        for name, (x_set, y_set) in self.sets.items():
            scores = self.model.evaluate(x_set, y_set, return_dict=True)
            scores["loss"] = scores["loss"] - self.model._penalty()
            for key, value in scores.items():
                self.values[name].setdefault(key, []).append(float(value))


def train(
    x: np.ndarray,
    y: np.ndarray,
    spec: NetSpec,
    task: str,
    n_classes: int | None = None,
    *,
    optimizer: str = "adam",
    learning_rate: float = 0.01,
    loss: str | None = None,
    batch_size: int = 32,
    epochs: int = 50,
    validation_data: tuple | None = None,
    validation_split: float = 0.0,
    seed: int = 0,
    early_stopping: dict | None = None,
    grid_cells: int | None = GRID_CELLS,
    snapshot_every: int = 1,
    progress: Callable[[float], None] | None = None,
    time_budget: float | None = None,
    callbacks: list[Callback] | None = None,
    evaluate: dict[str, tuple] | None = None,
    track: dict[str, tuple] | None = None,
) -> TrainResult:
    """Build, fit and record one model. ``early_stopping`` holds ``EarlyStopping`` keyword
    arguments (or None); ``grid_cells=None`` skips the decision-boundary grid (regression
    sets with one input get predictions on a line instead). ``evaluate`` maps names to
    ``(x, y)`` sets scored with the final weights into ``result.final[name]`` (a dict of
    ``loss`` and the metrics), e.g. the test set, looked at once after training. ``track``
    maps names to ``(x, y)`` sets scored after every epoch with that epoch's weights into
    ``result.tracked[name]``: inference mode (no dropout, no noise, batch normalization's
    moving statistics) and the data loss alone, without the L2 penalty, so networks with and
    without a remedy are scored on the same loss, epoch by epoch."""
    model = build_model(spec, x.shape[1], task, n_classes, optimizer, learning_rate, loss, seed)
    grid = bounds = None
    if grid_cells and x.shape[1] == 2:
        grid, bounds = grid_points(x, grid_cells)
    elif grid_cells and x.shape[1] == 1:
        lo, hi = float(x.min()), float(x.max())
        pad = 0.1 * (hi - lo)
        grid = np.linspace(lo - pad, hi + pad, 200)[:, None]
        bounds = ((lo - pad, hi + pad),)
    snaps = EpochSnapshots(
        fn=(lambda m: m.predict(grid)) if grid is not None else None,
        every=snapshot_every,
        keep_weights=False,
    )
    batches = BatchLogger()
    scores = EpochScores(track or {})
    cbs: list[Callback] = [snaps, batches, scores, *(callbacks or [])]
    stopper = None
    if early_stopping:
        stopper = EarlyStopping(**early_stopping)
        cbs.append(stopper)
    if progress is not None:
        cbs.append(ProgressCallback(lambda fraction, logs: progress(fraction)))
    t0 = time.perf_counter()
    hist = model.fit(
        x,
        y,
        batch_size=batch_size,
        epochs=epochs,
        validation_data=validation_data,
        validation_split=validation_split,
        callbacks=cbs,
        seed=seed,
        time_budget=time_budget,
    )
    seconds = time.perf_counter() - t0
    history = {k: [float(v) for v in vals] for k, vals in hist.history.items()}
    diverged = None
    if getattr(hist, "diverged", None):
        diverged = {"epoch": hist.diverged["epoch"] + 1, "batch": hist.diverged["batch"] + 1}
    finite_losses = [float(v) for v in batches.losses if np.isfinite(v)]
    best = stopped = None
    if stopper is not None:
        best = None if stopper.best_epoch is None else int(stopper.best_epoch) + 1
        stopped = int(stopper.stopped_epoch) + 1 if stopper.stopped_epoch else None
    result = TrainResult(
        history=history,
        epochs=[e + 1 for e in hist.epoch],
        batch_losses=finite_losses,
        updates_per_epoch=int(hist.params["steps"]),
        epoch_times=list(hist.epoch_times),
        seconds=seconds,
        stopped_reason=getattr(hist, "stopped_reason", None),
        diverged=diverged,
        best_epoch=best,
        stopped_epoch=stopped,
        grid=grid,
        grid_bounds=bounds,
        snapshot_epochs=snaps.epochs,
        # float32 halves the cached record; the pictures need no more precision
        grid_predictions=[
            np.nan_to_num(v).astype(np.float32) for v in snaps.values if v is not None
        ],
        weights=model.get_weights(),
        tracked=scores.values,
    )
    for name, (x_eval, y_eval) in (evaluate or {}).items():
        scores = model.evaluate(x_eval, y_eval, return_dict=True)
        result.final[name] = {k: float(v) for k, v in scores.items()}
    return result


def class_count(dataset: str, y: np.ndarray) -> tuple[str, int | None]:
    """The task of a data set and its class count as built."""
    info = dataset_info(dataset)
    if info.task == "regression":
        return info.task, None
    return info.task, int(np.max(y)) + 1 if info.task == "multiclass" else 2
