"""Facts read off descent runs, for the lessons' "what to notice" statements.

Every function here takes a ``Trajectory`` (and its surface) and returns plain numbers, so
a page can fill them into a catalog template and a test can recompute them from ``sim``
alone. Nothing here imports streamlit; no random state.

- naming a minimum: ``minimum_kind``, ``minimum_name`` (a ``Notice``);
- learning rate (A2): ``outcome`` (diverged / reached / still moving), ``reversals`` (how
  often a step turned back: the zig-zag), ``progress``, ``critical_rate`` and
  ``rate_regime`` (below ``1/curvature`` smooth, below ``2/curvature`` zig-zag, above: diverges);
- local minima (A3): ``start_grid``, ``start_cloud``, ``destinations``, ``shares``;
- saddle points (A4): ``saddle_stall`` (slow steps near a saddle), ``minimum_odds_log10``;
- momentum (A5): ``crossings`` (passes through a minimum) and ``momentum_regime``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from lessons.notices import Notice, notice
from sim import caps, descent
from sim.descent import Trajectory
from sim.surfaces import Surface

# --- one run ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    """How a single-start run ended.

    ``kind``: ``"diverged"`` (``step`` = the diverging step), ``"reached"`` (settled within
    reach of ``surface.minima[minimum]`` from ``step`` on) or ``"moving"`` (neither, ``step``
    = the last step). ``reversals`` counts steps that turned back against the step before;
    ``progress`` is the share of the drop from the start's value to the lowest listed minimum
    achieved by the end (1 = at the bottom). ``step_loss`` is the value at ``step`` (for a
    settled run the value where it settled, not the end's: a sentence that cites a step
    cites that step's value)."""

    kind: str
    step: int
    minimum: int
    final_loss: float
    reversals: int
    progress: float
    step_loss: float = math.nan


def finite_length(traj: Trajectory) -> int:
    """Number of points of a single-start path before divergence (all of them otherwise)."""
    return traj.steps + 1 if traj.diverged_at is None else int(traj.diverged_at)


def reversals(traj: Trajectory) -> int:
    """Steps (of the finite part of a single path) whose direction turned back by more than
    90 degrees against the previous step: zero for a straight slide, about one per step for
    a zig-zag."""
    xy = traj.xy[: finite_length(traj)]
    d = np.diff(xy, axis=0)
    if len(d) < 2:
        return 0
    return int(np.sum(np.einsum("ij,ij->i", d[1:], d[:-1]) < 0))


def progress(traj: Trajectory, surface: Surface) -> float:
    """Share of the way down: ``(f0 - f_end) / (f0 - f_min)``, in [.., 1]; 1 if f0 is the min."""
    f0 = float(traj.loss[0])
    drop = f0 - surface.min_value
    end = float(traj.loss[finite_length(traj) - 1])
    return 1.0 if drop <= 0 else (f0 - end) / drop


def outcome(traj: Trajectory, surface: Surface) -> Outcome:
    """The outcome of a single-start run (see ``Outcome``)."""
    rev = reversals(traj)
    prog = progress(traj, surface)
    last = finite_length(traj) - 1
    final = float(traj.loss[last])
    if traj.diverged_at is not None:
        return Outcome("diverged", int(traj.diverged_at), -1, final, rev, prog, final)
    settle = int(descent.steps_to_reach(traj, surface))
    if settle >= 0:
        m = int(descent.basins(traj, surface))
        return Outcome("reached", settle, m, final, rev, prog, float(traj.loss[settle]))
    return Outcome("moving", traj.steps, -1, final, rev, prog, final)


DEEPEST_TOLERANCE = 1e-9  # minima within this of the lowest value are equally deep


def minimum_kind(surface: Surface, index: int) -> tuple[str, int]:
    """``(kind, n)`` for how a sentence may name ``surface.minima[index]``: ``"global"``
    only when it is the one deepest minimum; ``"shared"`` when it is one of ``n`` equally
    deep minima (Himmelblau's four, the saddle's two: none of them is *the* global one);
    ``"local"`` when a deeper one exists. ``n`` counts the equally deepest minima."""
    values = np.array([m.value for m in surface.minima], float)
    deepest = np.abs(values - values.min()) <= DEEPEST_TOLERANCE * max(1.0, abs(values.min()))
    n = int(deepest.sum())
    if not deepest[index]:
        return "local", n
    return ("global" if n == 1 else "shared"), n


def minimum_name(surface: Surface, index: int) -> Notice:
    """How a sentence names ``surface.minima[index]``: the global minimum, a local one, or
    one of ``n`` equally deep ones (``minimum_kind``)."""
    kind, deepest = minimum_kind(surface, index)
    return notice(f"common.minimum_{kind}", n=deepest)


# --- learning rate ----------------------------------------------------------------------


def is_quadratic(surface: Surface) -> bool:
    """Whether the Hessian is the same everywhere in the window (bowl, ravine): then one
    critical learning rate holds for the whole surface."""
    (x0, x1), (y0, y1) = surface.bounds
    xs = np.array([x0, x1, (x0 + x1) / 2, x0, x1])
    ys = np.array([y0, y1, (y0 + y1) / 2, y1, y0])
    h = np.array([np.broadcast_to(np.asarray(v, float), xs.shape) for v in surface.hessian(xs, ys)])
    return bool(np.allclose(h, h[:, :1], rtol=1e-9, atol=1e-12))


def critical_rate(surface: Surface, x: float, y: float) -> float | None:
    """``2 / curvature`` at (x, y), the learning rate above which plain GD overshoots farther
    each step (exact for a quadratic, local otherwise); None where the surface does not
    curve upwards (no such limit there)."""
    c = surface.curvature(x, y)
    return 2.0 / c if c > 1e-12 else None


def rate_regime(learning_rate: float, critical: float | None) -> str:
    """For a quadratic: ``"smooth"`` below half the critical rate (no overshoot), ``"zigzag"``
    up to the critical rate (overshoots but shrinks), ``"diverge"`` at or above it (each step
    lands farther away: |1 - lr * curvature| >= 1). ``"unknown"`` without a critical rate."""
    if critical is None:
        return "unknown"
    if learning_rate >= critical * (1 - 1e-12):
        return "diverge"
    if learning_rate > critical / 2:
        return "zigzag"
    return "smooth"


# --- many starts: basins of attraction --------------------------------------------------


def start_grid(bounds, per_side: int) -> np.ndarray:
    """``per_side**2`` starts at the centres of a regular grid of cells over ``bounds``,
    row by row from low y (x fastest). ``per_side`` is capped so the count stays within
    ``caps.MAX_STARTS``."""
    per_side = int(caps.clamp(per_side, 1, math.isqrt(caps.MAX_STARTS)))
    (x0, x1), (y0, y1) = bounds
    cx = x0 + (np.arange(per_side) + 0.5) * (x1 - x0) / per_side
    cy = y0 + (np.arange(per_side) + 0.5) * (y1 - y0) / per_side
    X, Y = np.meshgrid(cx, cy)
    return np.column_stack([X.ravel(), Y.ravel()])


def start_cloud(bounds, n: int, seed: int) -> np.ndarray:
    """``n`` starts drawn uniformly over ``bounds`` (capped at ``caps.MAX_STARTS``), seeded."""
    n = int(caps.clamp(n, 1, caps.MAX_STARTS))
    rng = np.random.default_rng(seed)
    (x0, x1), (y0, y1) = bounds
    return np.column_stack([rng.uniform(x0, x1, n), rng.uniform(y0, y1, n)])


def starts(bounds, layout: str, per_side: int, seed: int) -> np.ndarray:
    """The starts of a many-start run laid out as ``layout``: ``"grid"``,
    ``start_grid(bounds, per_side)``; otherwise a cloud of as many, ``start_cloud(bounds,
    per_side**2, seed)``."""
    if layout == "grid":
        return start_grid(bounds, per_side)
    return start_cloud(bounds, per_side * per_side, seed)


NONE = -1  # no minimum reached (still moving, or stuck on a saddle or plateau)
DIVERGED = -2


def destinations(traj: Trajectory, surface: Surface) -> np.ndarray:
    """Per start of a many-start run: the index of the minimum it ended in, ``NONE`` (-1)
    or ``DIVERGED`` (-2)."""
    dest = np.asarray(descent.basins(traj, surface)).copy()
    div = np.asarray(traj.diverged_at)
    dest[div >= 0] = DIVERGED
    return dest


def shares(dest: np.ndarray, surface: Surface) -> dict:
    """Counts and shares of the destinations: ``counts[i]`` per minimum index plus ``NONE``
    and ``DIVERGED``; ``global`` and ``local`` shares (0..1) by the minima's kinds."""
    dest = np.asarray(dest)
    n = max(len(dest), 1)
    counts = {i: int(np.sum(dest == i)) for i in range(len(surface.minima))}
    counts[NONE] = int(np.sum(dest == NONE))
    counts[DIVERGED] = int(np.sum(dest == DIVERGED))
    kinds = np.array([m.kind for m in surface.minima])
    glob = sum(counts[i] for i in range(len(kinds)) if kinds[i] == "global")
    loc = sum(counts[i] for i in range(len(kinds)) if kinds[i] == "local")
    return {
        "counts": counts,
        "n": len(dest),
        "global": glob / n,
        "local": loc / n,
        "none": counts[NONE] / n,
        "diverged": counts[DIVERGED] / n,
    }


# --- saddle points ----------------------------------------------------------------------

SLOW_GRADIENT = 0.05  # |grad f| below this, away from any minimum, counts as stalling


@dataclass(frozen=True)
class Stall:
    """Time a single run spent crawling near a saddle: ``slow_steps`` points with
    |grad f| < ``threshold`` that were closer to a saddle than to any listed minimum (and
    not diverged); ``first``/``last`` the first and last such step (-1 if none);
    ``min_gradient`` the smallest |grad f| met on the way there."""

    slow_steps: int
    first: int
    last: int
    min_gradient: float
    threshold: float


def saddle_stall(traj: Trajectory, surface: Surface, threshold: float = SLOW_GRADIENT) -> Stall:
    xy = traj.xy[: finite_length(traj)]
    g = np.hypot(*traj.grad[: len(xy)].T)
    if not surface.saddles:
        return Stall(0, -1, -1, float(g.min()), threshold)
    sad = np.array(surface.saddles, float)
    mins = np.array([[m.x, m.y] for m in surface.minima], float)
    d_sad = np.min(np.linalg.norm(xy[:, None] - sad, axis=-1), axis=1)
    d_min = np.min(np.linalg.norm(xy[:, None] - mins, axis=-1), axis=1)
    near = d_sad < d_min
    slow = near & (g < threshold)
    idx = np.flatnonzero(slow)
    min_g = float(g[near].min()) if near.any() else float(g.min())
    if not len(idx):
        return Stall(0, -1, -1, min_g, threshold)
    return Stall(len(idx), int(idx[0]), int(idx[-1]), min_g, threshold)


def minimum_odds_log10(n_weights: int) -> float:
    """log10 of the chance that a point where the slope is zero is a minimum in all
    ``n_weights`` directions, in the coin-flip picture (each direction curves up or down
    with even odds, independently): ``n * log10(1/2)``."""
    return -int(n_weights) * math.log10(2.0)


# --- momentum ---------------------------------------------------------------------------

SWING_LIMIT = 8  # passes through the bottom beyond which momentum counts as "too much"


def crossings(traj: Trajectory, surface: Surface, minimum: int) -> int:
    """How many times a single path passed through ``surface.minima[minimum]``: sign changes
    of the offset along the x-axis, counted only outside the reach tolerance (so jitter at
    the bottom does not count)."""
    m = surface.minima[minimum]
    xy = traj.xy[: finite_length(traj)]
    tol = descent.REACH_FRACTION * descent.window_size(surface)
    dx = xy[:, 0] - m.x
    sign = np.sign(dx[np.abs(dx) > tol])
    return int(np.sum(sign[1:] != sign[:-1]))


@dataclass(frozen=True)
class MomentumFacts:
    """``regime``: ``"trapped"`` (settled in a local minimum without passing the global one),
    ``"enough"`` (settled in a global minimum after at most ``SWING_LIMIT`` passes),
    ``"too_much"`` (passed the global minimum more often, swung back into a local one, is
    still swinging at the end, or diverged); ``passes`` through the global minimum and the
    single-run ``Outcome``."""

    regime: str
    passes: int
    outcome: Outcome


def momentum_regime(traj: Trajectory, surface: Surface) -> MomentumFacts:
    out = outcome(traj, surface)
    glob = [i for i, m in enumerate(surface.minima) if m.kind == "global"]
    target = glob[0] if out.kind != "reached" or out.minimum not in glob else out.minimum
    passes = crossings(traj, surface, target)
    if out.kind == "reached" and surface.minima[out.minimum].kind == "global":
        regime = "enough" if passes <= SWING_LIMIT else "too_much"
    elif out.kind == "reached":
        regime = "trapped" if passes == 0 else "too_much"
    else:
        regime = "too_much"
    return MomentumFacts(regime, passes, out)
