"""The loss surface built from data (lesson A9): the mean squared error of fitting a line
``y = w x + b`` to points, over the two "weights" ``(w, b)``, and gradient descent on it with
batches of the data, as ``model.fit(x, y, batch_size=..., epochs=...)`` does.

The loss of a batch ``B`` is ``L_B(w, b) = mean_{i in B} (w x_i + b - y_i)^2``. It is a
quadratic in ``(w, b)`` with the batch's moments as coefficients::

    L_B = w² E[x²] + 2 w b E[x] + b² - 2 w E[xy] - 2 b E[y] + E[y²]
    dL/dw = 2 (w E[x²] + b E[x] - E[xy])
    dL/db = 2 (w E[x] + b - E[y])
    Hessian = 2 [[E[x²], E[x]], [E[x], 1]]   (the same at every (w, b))

so a grid of a few hundred points costs no more than one point. The full-data loss (the
surface drawn) is ``L`` with ``B`` = all samples; a mini-batch's gradient is a noisy sample of
the full gradient (its mean over the batches of an epoch is the full gradient).

Batches follow Keras ``fit`` and ``sim.nn``: ``ceil(n / batch_size)`` updates per epoch, the
last batch partial, a fresh shuffle each epoch from ``sim.nn.batching.epoch_order(n, seed,
epoch)``, so the same seed gives the same batches here and in the training lessons, and runs
with different batch sizes but one seed answer the same questions in the same order.

``compare_batches`` runs batch GD (batch = n), a mini-batch and SGD (batch = 1) for the same
epochs and puts them on one clock, "questions answered so far", so one animation frame shows
where each run is after the same amount of data; ``run_facts`` reads off what to say.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from sim import caps
from sim.datasets import dataset_info
from sim.nn.batching import batch_bounds, epoch_order, updates_per_epoch
from sim.optimizers import Optimizer, get_optimizer, make_optimizer
from sim.surfaces import Minimum

# Caps of this lesson (in addition to ``sim.caps``): every sample visit of one run
# (epochs x n) is bounded, which is SGD's update count, so it also bounds the page's
# per-frame path size.
MAX_SAMPLE_UPDATES = 1000
ESCAPE_WINDOWS = 5.0  # farther than this many window sizes from the minimum: diverged
REACH_FRACTION = 0.02  # within this share of the window's diagonal: arrived
HALF_WIDTH = 4.0  # the drawn window: the data set's true (w, b) +- this


def default_window(half_width: float = HALF_WIDTH) -> tuple[tuple[float, float], ...]:
    """The (w, b) window drawn for the ``line`` data set: its true line ``(w, b)`` +- 4,
    the same for every sample size, noise and seed (so a start point in a link stays put)."""
    true = dataset_info("line").defaults
    w, b = float(true["w"]), float(true["b"])
    return ((w - half_width, w + half_width), (b - half_width, b + half_width))


def _moments(x: np.ndarray, y: np.ndarray) -> tuple[float, float, float, float, float]:
    return (
        float(np.mean(x * x)),
        float(np.mean(x)),
        float(np.mean(x * y)),
        float(np.mean(y)),
        float(np.mean(y * y)),
    )


@dataclass(frozen=True)
class LineFitLoss:
    """The MSE of the line ``w x + b`` on the points ``(x, y)`` (``x`` shaped ``(n,)`` or
    ``(n, 1)``). ``window`` is the (w, b) region drawn (default: ``default_window()``)."""

    x: np.ndarray
    y: np.ndarray
    window: tuple | None = None

    def __post_init__(self) -> None:
        x = np.asarray(self.x, dtype=np.float64).reshape(-1)
        y = np.asarray(self.y, dtype=np.float64).reshape(-1)
        if x.shape != y.shape or x.size == 0:
            raise ValueError(f"x and y need the same length >= 1, got {x.shape} and {y.shape}")
        if not (np.isfinite(x).all() and np.isfinite(y).all()):
            raise ValueError("x and y must be finite")
        object.__setattr__(self, "x", x)
        object.__setattr__(self, "y", y)
        window = default_window() if self.window is None else self.window
        (w0, w1), (b0, b1) = window
        object.__setattr__(self, "window", ((float(w0), float(w1)), (float(b0), float(b1))))

    @property
    def n(self) -> int:
        return self.x.size

    def _stats(self, idx=None):
        if idx is None:
            return _moments(self.x, self.y)
        idx = np.asarray(idx)
        return _moments(self.x[idx], self.y[idx])

    def f(self, w, b, idx=None):
        """The loss at ``(w, b)`` (broadcasting) on all samples or on the batch ``idx``."""
        xx, x1, xy, y1, yy = self._stats(idx)
        w, b = np.asarray(w, float), np.asarray(b, float)
        return w * w * xx + 2 * w * b * x1 + b * b - 2 * w * xy - 2 * b * y1 + yy

    def grad(self, w, b, idx=None):
        """``(dL/dw, dL/db)`` at ``(w, b)`` on all samples or on the batch ``idx``."""
        xx, x1, xy, y1, _ = self._stats(idx)
        w, b = np.asarray(w, float), np.asarray(b, float)
        return 2 * (w * xx + b * x1 - xy), 2 * (w * x1 + b - y1)

    def hessian(self, idx=None) -> np.ndarray:
        """``2 [[E[x²], E[x]], [E[x], 1]]`` of all samples or of the batch ``idx``."""
        xx, x1, _, _, _ = self._stats(idx)
        return 2 * np.array([[xx, x1], [x1, 1.0]])

    def curvature(self, idx=None) -> float:
        """The largest curvature (Hessian eigenvalue) of the loss of all samples or of the
        batch ``idx``; plain GD on that loss is stable only for ``lr < 2 / curvature``."""
        return float(np.linalg.eigvalsh(self.hessian(idx))[-1])

    def critical_rate(self, idx=None) -> float:
        """``2 / curvature``: the learning rate above which a step on this loss overshoots
        farther than it started (one sample ``i``: ``1 / (1 + x_i²)``)."""
        return 2.0 / self.curvature(idx)

    @property
    def minimum(self) -> tuple[float, float]:
        """The least-squares line ``(w*, b*)`` (closed form; ``b* = mean(y)`` if all x are
        equal)."""
        xx, x1, xy, y1, _ = self._stats()
        var = xx - x1 * x1
        if var <= 1e-12 * max(xx, 1.0):
            return 0.0, y1
        w = (xy - x1 * y1) / var
        return float(w), float(y1 - w * x1)

    @property
    def min_value(self) -> float:
        return float(self.f(*self.minimum))

    @property
    def minima(self) -> list[Minimum]:
        """The one (global) minimum, as ``charts.surface_charts.minima_layer`` reads surfaces."""
        w, b = self.minimum
        return [Minimum(w, b, self.min_value, "global")]

    @property
    def bounds(self) -> tuple[tuple[float, float], tuple[float, float]]:
        """The (w, b) window drawn."""
        return self.window

    @property
    def tolerance(self) -> float:
        """ "Arrived": within ``REACH_FRACTION`` of the window's diagonal of the minimum."""
        (w0, w1), (b0, b1) = self.bounds
        return REACH_FRACTION * math.hypot(w1 - w0, b1 - b0)

    @property
    def default_start(self) -> tuple[float, float]:
        (w0, w1), (b0, b1) = self.bounds
        return round(w0 + 0.125 * (w1 - w0), 2), round(b0 + 0.875 * (b1 - b0), 2)

    def grid(self, size: tuple[int, int] = (480, 400)) -> np.ndarray:
        """The full-data loss on a grid over ``bounds``: rows = b from low to high, columns =
        w (what ``charts.surface_url(Z=...)`` draws)."""
        (w0, w1), (b0, b1) = self.bounds
        nx = min(int(size[0]), 4 * caps.MAX_GRID)
        ny = min(int(size[1]), 4 * caps.MAX_GRID)
        W, B = np.meshgrid(np.linspace(w0, w1, nx), np.linspace(b0, b1, ny))
        return self.f(W, B)


@dataclass(frozen=True)
class MinibatchRun:
    """One run of mini-batch gradient descent on a ``LineFitLoss``.

    ``xy`` ``(updates+1, 2)`` holds ``(w, b)`` before and after every update, ``loss`` the
    full-data loss there, ``batch_loss[k]`` the loss of the batch used by update ``k`` (at
    the point before it). ``batch_index[offsets[k]:offsets[k+1]]`` are the samples of
    update ``k``, so ``offsets[k]`` is also the number of samples answered before update
    ``k``; ``epoch[k]`` is its epoch (0-based). After a divergence (``diverged_at`` = the
    first update that left the window far behind or overflowed) the path repeats its last
    finite point.
    """

    xy: np.ndarray
    loss: np.ndarray
    batch_loss: np.ndarray
    batch_index: np.ndarray
    offsets: np.ndarray
    epoch: np.ndarray
    batch_size: int
    epochs: int
    updates_per_epoch: int
    diverged_at: int | None

    @property
    def steps(self) -> int:
        return self.xy.shape[0] - 1

    @property
    def last_finite(self) -> int:
        """Index of the last point before divergence (the last point otherwise)."""
        return self.steps if self.diverged_at is None else self.diverged_at - 1

    def batch(self, k: int) -> np.ndarray:
        """The sample indices of update ``k`` (0-based)."""
        return self.batch_index[self.offsets[k] : self.offsets[k + 1]]

    def updates_after(self, samples) -> np.ndarray | int:
        """Updates made once ``samples`` samples (questions) have been answered: only
        complete batches count (broadcasts over an array of sample counts)."""
        done = np.searchsorted(self.offsets, samples, side="right") - 1
        return int(done) if np.ndim(done) == 0 else done

    def to_frame(self) -> pd.DataFrame:
        """Rows ``start, step, x, y, loss`` (x = w, y = b), the diverged tail left out, so the
        descent lessons' path helpers draw it."""
        end = self.last_finite + 1
        return pd.DataFrame(
            {
                "start": 0,
                "step": np.arange(end),
                "x": self.xy[:end, 0],
                "y": self.xy[:end, 1],
                "loss": self.loss[:end],
            }
        )

    def steps_to_reach(self, problem: LineFitLoss, tolerance: float | None = None) -> int:
        """First update after which the run stayed within ``tolerance`` (default
        ``problem.tolerance``) of the minimum, or -1."""
        if self.diverged_at is not None:
            return -1
        tolerance = problem.tolerance if tolerance is None else tolerance
        near = np.linalg.norm(self.xy - np.array(problem.minimum), axis=1) <= tolerance
        settled = np.logical_and.accumulate(near[::-1])[::-1]
        return int(np.argmax(settled)) if settled.any() else -1


def budget_epochs(n: int, epochs: int) -> int:
    """The largest epoch count <= ``epochs`` with ``epochs * n <= MAX_SAMPLE_UPDATES``."""
    return caps.epochs_within_budget(epochs, n, MAX_SAMPLE_UPDATES)


def run_minibatch(
    x,
    y,
    batch_size: int,
    epochs: int,
    optimizer: Optimizer | str,
    start,
    seed: int = 0,
    shuffle: bool = True,
    window=None,
) -> MinibatchRun:
    """Gradient descent on the line-fit MSE with batches of ``batch_size`` samples:
    ``ceil(n / batch_size)`` updates per epoch (the last batch partial), the samples
    reshuffled every epoch from ``seed``. ``batch_size >= n`` is batch GD (one update per
    epoch on the full gradient), ``batch_size = 1`` is SGD. The update rule is
    ``optimizer``'s (``sim.optimizers``) applied to the batch's exact gradient. ``epochs`` is
    cut to ``budget_epochs``."""
    problem = LineFitLoss(x, y, window)
    n = problem.n
    batch_size = int(min(max(int(batch_size), 1), n))
    epochs = budget_epochs(n, epochs)
    opt = get_optimizer(optimizer)
    per_epoch = updates_per_epoch(n, batch_size)
    total = per_epoch * epochs
    cuts = batch_bounds(n, batch_size)

    params = np.asarray(start, dtype=np.float64).reshape(2).copy()
    if not np.isfinite(params).all():
        raise ValueError("start must be finite")
    (w0, w1), (b0, b1) = problem.bounds
    radius = ESCAPE_WINDOWS * max(w1 - w0, b1 - b0) + float(
        np.linalg.norm(params - np.array(problem.minimum))
    )
    centre = np.array(problem.minimum)

    xy = np.empty((total + 1, 2))
    loss = np.empty(total + 1)
    batch_loss = np.empty(total)
    index = np.empty(epochs * n, dtype=np.int64)
    offsets = np.zeros(total + 1, dtype=np.int64)
    epoch_of = np.empty(total, dtype=np.int64)
    xy[0], loss[0] = params, problem.f(*params)
    state = opt.init(params)
    diverged = None
    k = 0
    with np.errstate(all="ignore"):
        for e in range(epochs):
            order = epoch_order(n, seed, e, shuffle)
            for lo, hi in cuts:
                idx = order[lo:hi]
                index[offsets[k] : offsets[k] + len(idx)] = idx
                offsets[k + 1] = offsets[k] + len(idx)
                epoch_of[k] = e
                batch_loss[k] = (
                    problem.f(*xy[k], idx=idx) if diverged is None else batch_loss[k - 1]
                )
                if diverged is None:
                    g = np.array(problem.grad(*params, idx=idx))
                    new, state = opt.update(params, g, state)
                    value = problem.f(*new)
                    if (
                        not (np.isfinite(new).all() and np.isfinite(value))
                        or np.linalg.norm(new - centre) > radius
                    ):
                        diverged = k + 1
                    else:
                        params = new
                xy[k + 1], loss[k + 1] = params, problem.f(*params)
                k += 1
    return MinibatchRun(
        xy=xy,
        loss=loss,
        batch_loss=np.nan_to_num(batch_loss, nan=0.0, posinf=0.0, neginf=0.0),
        batch_index=index,
        offsets=offsets,
        epoch=epoch_of,
        batch_size=batch_size,
        epochs=epochs,
        updates_per_epoch=per_epoch,
        diverged_at=diverged,
    )


# --- the lesson's comparison: batch GD, a mini-batch and SGD on one clock -----------------


@dataclass(frozen=True)
class Comparison:
    """Batch GD, one mini-batch size and SGD from one start, for the same epochs.

    ``runs`` maps ``"full"``, ``"mini"``, ``"sgd"`` to their runs. The animation clock is
    the mini-batch's: frame ``f`` is the moment ``clock[f]`` samples have been answered
    (``f`` mini-batch updates made); ``updates[name][f]`` is how many updates each run has
    made by then (batch GD: one per finished epoch; SGD: one per sample)."""

    problem: LineFitLoss
    runs: dict[str, MinibatchRun]
    clock: np.ndarray
    updates: dict[str, np.ndarray]
    learning_rate: float
    epochs_asked: int

    @property
    def epochs(self) -> int:
        return self.runs["full"].epochs

    @property
    def frames(self) -> int:
        return len(self.clock)

    def point(self, name: str, frame: int) -> tuple[float, float]:
        """``(w, b)`` of run ``name`` at ``frame`` (its last finite point once diverged)."""
        run = self.runs[name]
        k = min(int(self.updates[name][frame]), run.last_finite)
        return float(run.xy[k, 0]), float(run.xy[k, 1])


def compare_batches(
    x,
    y,
    mini_batch: int,
    epochs: int,
    learning_rate: float,
    start,
    seed: int = 0,
    window=None,
) -> Comparison:
    """Plain SGD (``sim.optimizers``, ``learning_rate``) with batch size ``n``,
    ``mini_batch`` and 1, the same epochs (cut to ``budget_epochs``), start and seed."""
    problem = LineFitLoss(x, y, window)
    n = problem.n
    lr = float(caps.clamp(float(learning_rate), caps.MIN_LEARNING_RATE, caps.MAX_LEARNING_RATE))
    opt = make_optimizer("sgd", learning_rate=lr)
    sizes = {"full": n, "mini": int(min(max(int(mini_batch), 1), n)), "sgd": 1}
    runs = {
        name: run_minibatch(x, y, size, epochs, opt, start, seed=seed, window=problem.window)
        for name, size in sizes.items()
    }
    clock = runs["mini"].offsets.copy()
    updates = {name: np.asarray(run.updates_after(clock)) for name, run in runs.items()}
    return Comparison(problem, runs, clock, updates, lr, int(epochs))


@dataclass(frozen=True)
class RunFacts:
    """What one run of a comparison did, for the "what to notice" statement.

    ``kind``: ``"diverged"``; ``"settled"`` (came within ``tolerance`` and stayed there for
    the whole last epoch); ``"jitter"`` (came within reach but the last epoch still strayed
    out); ``"moving"`` (never came within reach, the loss went down); ``"growing"`` (the
    loss ended higher than it started, not yet counted as diverged).
    ``first_near`` is the first update within reach (-1 if none) and ``first_near_epoch`` the
    epochs of data answered by then; ``uphill`` counts updates that raised the full-data
    loss; ``spread`` is the mean distance from the minimum over the last epoch's points;
    ``steepest`` the largest curvature among the batches used (up to a divergence)."""

    kind: str
    updates: int
    per_epoch: int
    first_near: int
    first_near_epoch: float
    uphill: int
    final_loss: float
    final_distance: float
    spread: float
    steepest: float
    diverged_at: int | None
    diverged_epoch: float


def run_facts(comparison: Comparison, name: str) -> RunFacts:
    problem = comparison.problem
    run = comparison.runs[name]
    n = problem.n
    end = run.last_finite
    dist = np.linalg.norm(run.xy[: end + 1] - np.array(problem.minimum), axis=1)
    near = np.flatnonzero(dist <= problem.tolerance)
    first = int(near[0]) if near.size else -1
    loss = run.loss[: end + 1]
    uphill = int(np.sum(np.diff(loss) > 1e-12 * max(1.0, float(loss[0]))))
    last_epoch = dist[max(end + 1 - run.updates_per_epoch, 0) :]
    used = run.diverged_at if run.diverged_at is not None else run.steps
    steepest = max(problem.curvature(run.batch(k)) for k in range(used)) if used else 0.0
    if run.diverged_at is not None:
        kind = "diverged"
    elif first >= 0 and last_epoch.max() <= problem.tolerance:
        kind = "settled"
    elif first >= 0:
        kind = "jitter"
    elif loss[-1] > loss[0]:
        kind = "growing"
    else:
        kind = "moving"
    return RunFacts(
        kind=kind,
        updates=run.steps,
        per_epoch=run.updates_per_epoch,
        first_near=first,
        first_near_epoch=float(run.offsets[first] / n) if first >= 0 else -1.0,
        uphill=uphill,
        final_loss=float(loss[-1]),
        final_distance=float(dist[-1]),
        spread=float(last_epoch.mean()),
        steepest=float(steepest),
        diverged_at=run.diverged_at,
        diverged_epoch=(
            float(run.offsets[run.diverged_at] / n) if run.diverged_at is not None else -1.0
        ),
    )


def trajectories_frame(comparison: Comparison) -> pd.DataFrame:
    """Every path as rows ``run, batch_size, update, epoch, samples_seen, w, b, loss`` (the
    full-data loss; the diverged tails left out): the lesson's CSV download."""
    parts = []
    n = comparison.problem.n
    for name, run in comparison.runs.items():
        end = run.last_finite + 1
        parts.append(
            pd.DataFrame(
                {
                    "run": name,
                    "batch_size": run.batch_size,
                    "update": np.arange(end),
                    "epoch": run.offsets[:end] / n,
                    "samples_seen": run.offsets[:end],
                    "w": run.xy[:end, 0],
                    "b": run.xy[:end, 1],
                    "loss": run.loss[:end],
                }
            )
        )
    return pd.concat(parts, ignore_index=True)
