"""The momentum lesson (A5): numbers and charts read off momentum runs.

- ``MomentumFan``: SGD with a *different* momentum (and Nesterov flag) per start, so a whole
  sweep of momenta runs as one vectorized ``descent.run`` (same update rule as
  ``sim.optimizers.SGD``; ``tests/lessons/test_momentum_lesson.py`` checks they agree);
- ``sweep``: the outcome of every momentum 0.00 .. 0.99 from one start (trapped in the local
  minimum / enough to escape / too much / diverged), for momentum and Nesterov;
- ``forces``: what moves the ball at a step: the carried velocity ``mu * v`` and the slope's
  push ``-lr * grad f`` (their sum is the next step of classical momentum);
- ``cross_turns``: how often a path turned back across a ravine (the zig-zag);
- ``stability_limit``: the largest stable learning rate on a quadratic for GD, momentum and
  Nesterov (``2/c``, ``2(1+mu)/c``, ``2(1+mu)/((1+2 mu) c)``);
- chart builders for the sweep (pure Altair, titles passed in).

No streamlit here; no random state.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from lessons import descent_facts
from sim import caps, descent
from sim.descent import Trajectory
from sim.optimizers import Optimizer
from sim.surfaces import Surface

MAX_SWEEP_MOMENTA = 100  # momenta in one sweep (each for momentum and for Nesterov)
SWEEP_MOMENTA = tuple(round(0.01 * i, 2) for i in range(100))  # 0.00 .. 0.99, the strip's grid
# The momenta the slider offers: the browser holds a run for each (``descent.sweep``), so
# dragging the slider redraws the paths without the server. Every 0.05 up to 0.8, then every
# 0.01, where escaping, overshooting and swinging back change from one value to the next.
LIVE_MOMENTA = tuple(round(0.05 * i, 2) for i in range(17)) + tuple(
    round(0.81 + 0.01 * i, 2) for i in range(19)
)
REGIMES = ("trapped", "enough", "too_much", "moving", "diverged")
REGIME_COLOURS = {
    "trapped": "#0072B2",
    "enough": "#009E73",
    "too_much": "#E69F00",
    "moving": "#999999",
    "diverged": "#D55E00",
}
REGIME_SHAPES = {
    "trapped": "circle",
    "enough": "square",
    "too_much": "triangle-up",
    "moving": "diamond",
    "diverged": "cross",
}


@dataclass(frozen=True)
class MomentumFan(Optimizer):
    """SGD with momentum where start ``i`` uses ``momenta[i]`` and ``nesterov[i]`` (Keras 3
    rule, as ``sim.optimizers.SGD``)::

        v <- mu * v - lr * g
        p <- p + v                       (classical momentum)
        p <- p + mu * v - lr * g         (Nesterov)
    """

    learning_rate: float = 0.01
    momenta: tuple = (0.0,)
    nesterov: tuple = (False,)

    name = "momentum_fan"

    def __post_init__(self) -> None:
        mu = np.asarray(self.momenta, float)
        if not (np.isfinite(self.learning_rate) and self.learning_rate >= 0):
            raise ValueError(
                f"learning_rate must be a finite number >= 0, got {self.learning_rate}"
            )
        if mu.ndim != 1 or not np.all((mu >= 0) & (mu < 1)):
            raise ValueError("every momentum must be in [0, 1)")
        if len(self.nesterov) != len(self.momenta):
            raise ValueError("one Nesterov flag per momentum")

    def init(self, params: np.ndarray):
        return {"iterations": 0, "velocity": np.zeros_like(params, dtype=np.float64)}

    def update(self, params, grads, state):
        mu = np.asarray(self.momenta, float)[:, None]
        nag = np.asarray(self.nesterov, bool)[:, None]
        velocity = mu * state["velocity"] - self.learning_rate * grads
        classic = params + velocity
        ahead = params + mu * velocity - self.learning_rate * grads
        return np.where(nag, ahead, classic), {
            "iterations": state["iterations"] + 1,
            "velocity": velocity,
        }


def row(traj: Trajectory, i: int) -> Trajectory:
    """Start ``i`` of a many-start run as a single-start ``Trajectory``."""
    div = int(traj.diverged_at[i])
    return Trajectory(
        traj.xy[i],
        traj.loss[i],
        traj.grad[i],
        None if div < 0 else div,
        traj.optimizer,
        traj.surface_name,
        {k: v[i] for k, v in traj.internals.items()},
    )


def regime(traj: Trajectory, surface: Surface) -> str:
    """One of ``REGIMES``: ``descent_facts.momentum_regime`` with two cases told apart that it
    counts as "too much": ``"diverged"``, and ``"moving"`` (not settled yet and never
    passed the global minimum: the run is just too short, e.g. 5 steps)."""
    if traj.diverged_at is not None:
        return "diverged"
    facts = descent_facts.momentum_regime(traj, surface)
    if facts.outcome.kind == "moving" and facts.passes == 0:
        return "moving"
    return facts.regime


def sweep(
    surface: Surface,
    learning_rate: float,
    start,
    steps: int,
    momenta=SWEEP_MOMENTA,
    nesterov: bool | None = None,
) -> pd.DataFrame:
    """Every momentum in ``momenta`` (at most ``MAX_SWEEP_MOMENTA``) from one start, for
    momentum and Nesterov (or only one of them when ``nesterov`` is given), as one
    vectorized run. Rows ``nesterov, momentum, regime, reached, settle, passes,
    final_loss, diverged_at`` (``reached``: index of the minimum settled in, -1 none;
    ``settle``: first step from which it stayed there, -1 if never)."""
    momenta = [float(m) for m in momenta][:MAX_SWEEP_MOMENTA]
    flags = [False, True] if nesterov is None else [bool(nesterov)]
    mus = tuple(m for _ in flags for m in momenta)
    nags = tuple(f for f in flags for _ in momenta)
    steps = int(caps.clamp(steps, 0, caps.MAX_STEPS))
    opt = MomentumFan(learning_rate=float(learning_rate), momenta=mus, nesterov=nags)
    starts = np.tile(np.asarray(start, float), (len(mus), 1))
    traj = descent.run(surface, opt, starts, steps)
    rows = []
    for i, (mu, nag) in enumerate(zip(mus, nags, strict=True)):
        single = row(traj, i)
        out = descent_facts.outcome(single, surface)
        facts = descent_facts.momentum_regime(single, surface)
        rows.append(
            {
                "nesterov": nag,
                "momentum": mu,
                "regime": regime(single, surface),
                "reached": out.minimum if out.kind == "reached" else -1,
                "settle": out.step if out.kind == "reached" else -1,
                "passes": facts.passes,
                "final_loss": out.final_loss,
                "diverged_at": -1 if single.diverged_at is None else single.diverged_at,
            }
        )
    return pd.DataFrame(rows)


def regime_ranges(frame: pd.DataFrame, nesterov: bool, regime_name: str) -> list[tuple]:
    """The momenta of one optimizer in a ``sweep`` with the given regime, merged into
    ``(low, high)`` runs of neighbouring grid values."""
    sub = frame[(frame["nesterov"] == nesterov)].sort_values("momentum")
    ranges: list[list[float]] = []
    prev_in = False
    for mu, reg in zip(sub["momentum"], sub["regime"], strict=True):
        inside = reg == regime_name
        if inside and prev_in:
            ranges[-1][1] = mu
        elif inside:
            ranges.append([mu, mu])
        prev_in = inside
    return [tuple(r) for r in ranges]


def forces(traj: Trajectory, frame: int, momentum: float, learning_rate: float):
    """At point ``frame`` of a single momentum run: the carried velocity ``mu * v`` (``v``
    the velocity of the step that arrived there, 0 at the start) and the slope's push
    ``-lr * grad f``. For classical momentum their sum is the next step."""
    frame = int(frame)
    v = np.zeros(2) if frame == 0 else np.asarray(traj.internals["velocity"][frame - 1], float)
    g = np.asarray(traj.grad[frame], float)
    return momentum * v, -learning_rate * g


def arrow_scale(traj: Trajectory, bounds, fraction: float = 0.08) -> float:
    """One magnification for all force arrows of a run: a 1-2-5 number chosen so a typical
    (median) step of ``traj`` is drawn about ``fraction`` of the window's smaller side long
    (never below 1; the chart shortens the few arrows that would then be too long). Steps
    shorter than 5% of the longest (the crawl at the bottom) do not count."""
    (x0, x1), (y0, y1) = bounds
    n = descent_facts.finite_length(traj)
    d = np.diff(traj.xy[:n], axis=0)
    lengths = np.hypot(d[:, 0], d[:, 1]) if len(d) else np.zeros(0)
    # the moving part only: the crawl at the bottom would make the arrows huge
    lengths = lengths[lengths > 0.05 * lengths.max()] if len(lengths) else lengths
    lengths = lengths[lengths > 1e-9 * max(x1 - x0, y1 - y0)]
    if not len(lengths):
        return 1.0
    target = fraction * min(x1 - x0, y1 - y0) / float(np.median(lengths))
    if not math.isfinite(target) or target <= 1:
        return 1.0
    exp = 10 ** math.floor(math.log10(target))
    return float(max(m * exp for m in (1, 2, 5) if m * exp <= target))


def cross_turns(traj: Trajectory, axis: int = 1, tolerance: float | None = None) -> int:
    """How often a single path turned back along ``axis`` (1 = across the ravine): sign
    changes of the step's component, ignoring components shorter than ``tolerance``
    (default 1% of the window along that axis) so the jitter at the bottom does not count."""
    n = descent_facts.finite_length(traj)
    d = np.diff(traj.xy[:n, axis])
    if tolerance is None:
        from sim.surfaces import get_surface

        lo, hi = get_surface(traj.surface_name).bounds[axis]
        tolerance = 0.01 * (hi - lo)
    sign = np.sign(d[np.abs(d) > tolerance])
    return int(np.sum(sign[1:] != sign[:-1]))


def stability_limit(kind: str, momentum: float, curvature: float) -> float | None:
    """The learning rate above which a run diverges along a direction of curvature ``c``
    of a quadratic: ``2/c`` (GD), ``2(1+mu)/c`` (momentum), ``2(1+mu)/((1+2mu) c)``
    (Nesterov: its look-ahead step applies the gradient ``1+mu`` times). None if c <= 0."""
    if curvature <= 0:
        return None
    mu = float(momentum)
    if kind == "gd":
        return 2.0 / curvature
    if kind == "momentum":
        return 2.0 * (1 + mu) / curvature
    if kind == "nesterov":
        return 2.0 * (1 + mu) / ((1 + 2 * mu) * curvature)
    raise ValueError(f"unknown kind {kind!r}")


# --- charts -------------------------------------------------------------------------------
