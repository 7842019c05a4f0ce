"""Run an optimizer on a surface from one start or many at once -> a ``Trajectory``.

All starts move together as one ``(n, 2)`` array, so a few hundred balls cost about as much
as one. A run that diverges (a value that is not finite, or a point that leaves a large
box around the surface) is frozen at its last finite point, so every array stays finite
and keeps its shape; ``diverged_at`` says where it happened.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from sim.optimizers import Optimizer, get_optimizer, make_optimizer
from sim.surfaces import Surface, get_surface

# A point farther than this many window sizes from the window's centre has diverged.
ESCAPE_WINDOWS = 25.0
# A point within this share of the window's diagonal of a listed minimum has reached it.
REACH_FRACTION = 0.02


@dataclass(frozen=True)
class Trajectory:
    """The path of one start (``xy`` of shape ``(steps+1, 2)``) or of ``n`` starts
    (``(n, steps+1, 2)``), with the loss and gradient at every point.

    ``diverged_at`` is the first step whose point was not finite or left the escape box:
    an int or None for one start, an int array with -1 for "did not diverge" for many.
    From that step on the path repeats its last finite point.

    ``internals`` holds the optimizer's state after each step, per name (``velocity``,
    ``accumulator``, ``mean_square``, ``m``, ``v``) plus ``step_size`` (the per-axis
    rate each update applied: ``p <- p - step_size * g``; Adam: ``* m``): arrays shaped
    like ``xy`` minus the first point, i.e. ``(steps, 2)`` or ``(n, steps, 2)``. Entry
    ``k`` belongs to the step that moved point ``k`` to point ``k + 1``.
    """

    xy: np.ndarray
    loss: np.ndarray
    grad: np.ndarray
    diverged_at: int | np.ndarray | None
    optimizer: Optimizer
    surface_name: str
    internals: dict[str, np.ndarray] = field(default_factory=dict)

    @property
    def single(self) -> bool:
        return self.xy.ndim == 2

    @property
    def steps(self) -> int:
        return self.xy.shape[-2] - 1

    @property
    def n_starts(self) -> int:
        return 1 if self.single else self.xy.shape[0]

    def _diverged_array(self) -> np.ndarray:
        if self.single:
            return np.array([-1 if self.diverged_at is None else self.diverged_at])
        return np.asarray(self.diverged_at)

    def to_frame(self) -> pd.DataFrame:
        """Tidy rows ``start, step, x, y, loss`` (diverged tails left out)."""
        xy = self.xy[None] if self.single else self.xy
        loss = self.loss[None] if self.single else self.loss
        n, length = loss.shape
        step = np.broadcast_to(np.arange(length), (n, length))
        start = np.broadcast_to(np.arange(n)[:, None], (n, length))
        div = self._diverged_array()
        keep = (div[:, None] < 0) | (step < div[:, None])
        return pd.DataFrame(
            {
                "start": start[keep],
                "step": step[keep],
                "x": xy[..., 0][keep],
                "y": xy[..., 1][keep],
                "loss": loss[keep],
            }
        )

    @property
    def final_xy(self) -> np.ndarray:
        return self.xy[..., -1, :]

    @property
    def final_loss(self) -> np.ndarray | float:
        return self.loss[..., -1]


def _escape_box(surface: Surface) -> tuple[np.ndarray, float]:
    (x0, x1), (y0, y1) = surface.bounds
    centre = np.array([(x0 + x1) / 2, (y0 + y1) / 2])
    return centre, ESCAPE_WINDOWS * max(x1 - x0, y1 - y0)


def run(
    surface: Surface | str,
    optimizer: Optimizer | str,
    start,
    steps: int,
    *,
    noise: float = 0.0,
    seed: int | None = None,
) -> Trajectory:
    """Descend ``surface`` with ``optimizer`` for ``steps`` updates from ``start``.

    ``start`` is ``(x, y)`` or an ``(n, 2)`` array of starts. ``noise`` adds Gaussian noise
    of that standard deviation to every gradient (what a mini-batch does to the true
    gradient), drawn from ``np.random.default_rng(seed)``.
    """
    surface = get_surface(surface) if isinstance(surface, str) else surface
    optimizer = get_optimizer(optimizer)
    steps = int(steps)
    if steps < 0:
        raise ValueError(f"steps must be >= 0, got {steps}")
    if noise < 0 or not np.isfinite(noise):
        raise ValueError(f"noise must be a finite number >= 0, got {noise}")
    start_arr = np.asarray(start, dtype=np.float64)
    single = start_arr.ndim == 1
    points = np.atleast_2d(start_arr).copy()
    if points.shape[-1] != 2 or points.ndim != 2:
        raise ValueError(f"start must be (x, y) or an (n, 2) array, got shape {start_arr.shape}")
    if not np.all(np.isfinite(points)):
        raise ValueError("start must be finite")
    n = points.shape[0]
    rng = np.random.default_rng(seed) if noise > 0 else None
    centre, radius = _escape_box(surface)

    xy = np.empty((n, steps + 1, 2))
    loss = np.empty((n, steps + 1))
    grads = np.empty((n, steps + 1, 2))
    diverged = np.full(n, -1)
    state = optimizer.init(points)
    recorded = {key: np.zeros((n, steps, 2)) for key in _state_arrays(state)}
    radius2 = radius * radius

    with np.errstate(all="ignore"):
        value, grad = surface.value_and_grad(points)
        xy[:, 0], loss[:, 0], grads[:, 0] = points, value, grad
        any_frozen = False
        for k in range(1, steps + 1):
            noisy = grad if rng is None else grad + noise * rng.standard_normal(grad.shape)
            new_points, state = optimizer.update(points, noisy, state)
            new_value, new_grad = surface.value_and_grad(new_points)
            offset = new_points - centre
            # a finite value inside the box: the analytic gradient there is finite too
            ok = np.isfinite(new_value) & (np.einsum("ij,ij->i", offset, offset) <= radius2)
            if any_frozen or not ok.all():
                # slow path: freeze diverged runs at their last finite point
                diverged[~ok & (diverged < 0)] = k
                frozen = diverged >= 0
                any_frozen = True
                new_points = np.where(frozen[:, None], points, new_points)
                new_value = np.where(frozen, value, new_value)
                new_grad = np.where(frozen[:, None], grad, new_grad)
            points, value, grad = new_points, new_value, new_grad
            xy[:, k], loss[:, k], grads[:, k] = points, value, grad
            for key, arr in recorded.items():
                arr[:, k - 1] = state[key]
        recorded["step_size"] = _step_sizes(optimizer, recorded, n, steps)
    _freeze_internals(recorded, diverged)

    if single:
        xy, loss, grads = xy[0], loss[0], grads[0]
        recorded = {key: arr[0] for key, arr in recorded.items()}
        div = None if diverged[0] < 0 else int(diverged[0])
    else:
        div = diverged
    return Trajectory(xy, loss, grads, div, optimizer, surface.name, recorded)


def sweep(
    surface: Surface | str,
    optimizer: str,
    name: str,
    values,
    start,
    steps: int,
    **hyperparameters,
) -> Trajectory:
    """One run per value of the hyperparameter ``name`` (e.g. 30 learning rates), all from
    ``start`` and computed together: the optimizer holds the values as a column, so each
    row of the result is the run ``run(surface, make_optimizer(optimizer, name=value, ...),
    start, steps)`` would give. The browser switches between the rows while a slider is
    dragged."""
    values = np.asarray(values, dtype=np.float64).reshape(-1, 1)
    opt = make_optimizer(optimizer, **hyperparameters, **{name: values})
    starts = np.repeat(np.asarray(start, dtype=np.float64).reshape(1, 2), len(values), axis=0)
    return run(surface, opt, starts, steps)


def _state_arrays(state) -> list[str]:
    return [key for key, val in state.items() if isinstance(val, np.ndarray)]


def _step_sizes(optimizer, recorded, n, steps) -> np.ndarray:
    """The per-axis rate every step applied (the multiplier of the gradient; Adam: of its
    first moment). Adagrad, RMSprop and Adam add the step's squared gradient to their memory
    before dividing, so step k's rate comes from the memory recorded *after* it, with step
    k's iteration count (Adam's bias correction). Computed for all steps at once after the
    run (cheaper than once per step inside the loop)."""
    memory = dict(recorded)
    memory["iterations"] = np.arange(steps).reshape(1, steps, 1)  # step_size() adds one
    # a swept hyperparameter is a column (n, 1) against (n, 2) points; here it meets
    # (n, steps, 2) arrays
    swept = {
        name: value[..., None]
        for name, value in optimizer.hyperparameters.items()
        if isinstance(value, np.ndarray)
    }
    optimizer = replace(optimizer, **swept) if swept else optimizer
    return np.broadcast_to(optimizer.step_size(memory), (n, steps, 2)).copy()


def _freeze_internals(recorded: dict[str, np.ndarray], diverged: np.ndarray) -> None:
    """After divergence a run's optimizer state is meaningless: repeat its last recorded
    entry from the diverging step on, and never hand back a non-finite number."""
    for i in np.flatnonzero(diverged >= 0):
        k = diverged[i]  # entry k-1 produced the bad point
        for arr in recorded.values():
            arr[i, k - 1 :] = arr[i, k - 2] if k >= 2 else 0.0
    for arr in recorded.values():
        np.nan_to_num(arr, copy=False, nan=0.0, posinf=0.0, neginf=0.0)


def nearest_minimum(surface: Surface, xy: np.ndarray, tolerance: float | None = None) -> np.ndarray:
    """Index into ``surface.minima`` of the minimum each point of ``xy`` (``(..., 2)``) is
    closest to, or -1 where none lies within ``tolerance`` (default: ``REACH_FRACTION`` of
    the window's diagonal)."""
    if tolerance is None:
        tolerance = REACH_FRACTION * window_size(surface)
    centres = np.array([[m.x, m.y] for m in surface.minima])
    dist = np.linalg.norm(np.asarray(xy)[..., None, :] - centres, axis=-1)
    index = np.argmin(dist, axis=-1)
    return np.where(np.min(dist, axis=-1) <= tolerance, index, -1)


def basins(trajectory: Trajectory, surface: Surface, tolerance: float | None = None) -> np.ndarray:
    """Which listed minimum each run ended in (index into ``surface.minima``), -1 for none
    (still travelling, stalled on a saddle or plateau, or diverged)."""
    reached = nearest_minimum(surface, trajectory.final_xy, tolerance)
    div = trajectory._diverged_array()
    if trajectory.single:
        return np.int64(-1) if div[0] >= 0 else np.int64(reached)
    return np.where(div >= 0, -1, reached)


def steps_to_reach(
    trajectory: Trajectory, surface: Surface, tolerance: float | None = None
) -> np.ndarray:
    """First step at which each run came within ``tolerance`` of a listed minimum and
    stayed there to the end, or -1 if it never settled."""
    near = nearest_minimum(surface, trajectory.xy, tolerance) >= 0  # (..., steps+1)
    # settled from step k on: every later point is near
    settled = np.flip(np.logical_and.accumulate(np.flip(near, -1), axis=-1), -1)
    first = np.where(settled.any(-1), np.argmax(settled, axis=-1), -1)
    return first


def window_size(surface: Surface) -> float:
    (x0, x1), (y0, y1) = surface.bounds
    return float(np.hypot(x1 - x0, y1 - y0))
