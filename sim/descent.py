"""Run an optimizer on a surface from one start or many at once -> a ``Trajectory``.

All starts move together as one ``(n, 2)`` array, so a few hundred balls cost about as much
as one. A run that diverges (a value that is not finite, or a point that leaves a large
box around the surface) is frozen at its last finite point, so every array stays finite
and keeps its shape; ``diverged_at`` says where it happened.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from sim.optimizers import Optimizer, get_optimizer
from sim.surfaces import Surface, get_surface

# A point farther than this many window sizes from the window's centre has diverged.
ESCAPE_WINDOWS = 25.0


@dataclass(frozen=True)
class Trajectory:
    """The path of one start (``xy`` of shape ``(steps+1, 2)``) or of ``n`` starts
    (``(n, steps+1, 2)``), with the loss and gradient at every point.

    ``diverged_at`` is the first step whose point was not finite or left the escape box:
    an int or None for one start, an int array with -1 for "did not diverge" for many.
    From that step on the path repeats its last finite point.

    ``internals`` holds the optimizer's state after each step, per name (``velocity``,
    ``accumulator``, ``mean_square``, ``m``, ``v``) plus ``step_size`` (the effective
    per-axis learning rate of each update): arrays shaped like ``xy`` minus the first point,
    i.e. ``(steps, 2)`` or ``(n, steps, 2)``. Entry ``k`` belongs to the step that moved
    point ``k`` to point ``k + 1``.
    """

    xy: np.ndarray
    loss: np.ndarray
    grad: np.ndarray
    diverged_at: int | None | np.ndarray
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
    recorded: dict[str, np.ndarray] = {}

    with np.errstate(all="ignore"):
        value, grad = surface.value_and_grad(points)
        xy[:, 0], loss[:, 0], grads[:, 0] = points, value, grad
        for k in range(1, steps + 1):
            noisy = grad if rng is None else grad + noise * rng.standard_normal(grad.shape)
            step_size = np.broadcast_to(optimizer.step_size(state), points.shape)
            new_points, state = optimizer.update(points, noisy, state)
            new_value, new_grad = surface.value_and_grad(new_points)
            bad = ~(
                np.isfinite(new_value)
                & np.all(np.isfinite(new_grad), axis=1)
                & (np.linalg.norm(new_points - centre, axis=1) <= radius)
            )
            fresh = bad & (diverged < 0)
            diverged[fresh] = k
            frozen = diverged >= 0
            # a frozen path repeats its last finite point; its optimizer state is ignored
            points = np.where(frozen[:, None], points, new_points)
            value = np.where(frozen, value, new_value)
            grad = np.where(frozen[:, None], grad, new_grad)
            xy[:, k], loss[:, k], grads[:, k] = points, value, grad
            _record(recorded, k - 1, steps, state, step_size, frozen)

    if single:
        xy, loss, grads = xy[0], loss[0], grads[0]
        recorded = {key: arr[0] for key, arr in recorded.items()}
        div = None if diverged[0] < 0 else int(diverged[0])
    else:
        div = diverged
    return Trajectory(xy, loss, grads, div, optimizer, surface.name, recorded)


def _record(recorded, k, steps, state, step_size, frozen) -> None:
    items = {key: val for key, val in state.items() if isinstance(val, np.ndarray)}
    items["step_size"] = step_size
    for key, val in items.items():
        if key not in recorded:
            recorded[key] = np.zeros((val.shape[0], steps, 2))
        previous = recorded[key][:, k - 1] if k > 0 else 0.0
        recorded[key][:, k] = np.where(frozen[:, None], previous, np.nan_to_num(val))


def nearest_minimum(surface: Surface, xy: np.ndarray, tolerance: float | None = None) -> np.ndarray:
    """Index into ``surface.minima`` of the minimum each point of ``xy`` (``(..., 2)``) is
    closest to, or -1 where none lies within ``tolerance`` (default: 5% of the window)."""
    if tolerance is None:
        tolerance = 0.05 * _window_size(surface)
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


def _window_size(surface: Surface) -> float:
    (x0, x1), (y0, y1) = surface.bounds
    return float(np.hypot(x1 - x0, y1 - y0))
