"""The momentum lesson (A5): numbers and charts read off momentum runs.

- ``sweep``: the outcome of every momentum 0.00 .. 0.99 from one start (trapped in the local
  minimum / enough to escape / too much / diverged), for momentum and Nesterov, run as the
  engine's own vectorized sweep of SGD (``descent.sweep``);
- ``forces``: what moves the ball at a step: the carried velocity ``mu * v`` and the slope's
  push ``-lr * grad f`` (their sum is the next step of classical momentum);
- ``cross_turns``: how often a path turned back across a ravine (the zig-zag);
- ``stability_limit``: the largest stable learning rate on a quadratic for GD, momentum and
  Nesterov (``2/c``, ``2(1+mu)/c``, ``2(1+mu)/((1+2 mu) c)``);
- ``escape_notices`` and ``ravine_notices``: what the two demos' "what to notice" boxes say
  (``lessons.notices``), read off the runs and the sweep.

No streamlit here; no random state.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np
import pandas as pd

from lessons import descent_facts
from lessons.notices import Notice, Number, listing, notice
from sim import caps, descent
from sim.descent import Trajectory
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
    momentum and Nesterov (or only one of them when ``nesterov`` is given): one
    ``descent.sweep`` of SGD's ``momentum`` per Nesterov flag, each row the run
    ``descent.run`` gives with that momentum. Rows ``nesterov, momentum, regime, reached,
    settle, passes, final_loss, diverged_at`` (``reached``: index of the minimum settled in,
    -1 none; ``settle``: first step from which it stayed there, -1 if never)."""
    momenta = [float(m) for m in momenta][:MAX_SWEEP_MOMENTA]
    flags = [False, True] if nesterov is None else [bool(nesterov)]
    mus = tuple(m for _ in flags for m in momenta)
    nags = tuple(f for f in flags for _ in momenta)
    steps = int(caps.clamp(steps, 0, caps.MAX_STEPS))
    runs = {
        flag: descent.sweep(
            surface,
            "sgd",
            "momentum",
            momenta,
            start,
            steps,
            learning_rate=float(learning_rate),
            nesterov=flag,
        )
        for flag in flags
    }
    rows = []
    for i, (mu, nag) in enumerate(zip(mus, nags, strict=True)):
        single = row(runs[nag], i % len(momenta))
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


def ranges_words(frame: pd.DataFrame, nesterov: bool, regime_name: str) -> Notice | str:
    """``regime_ranges`` as text: ``0.00–0.13, 0.20`` (two decimals), or "none"."""
    spans = regime_ranges(frame, nesterov, regime_name)
    if not spans:
        return notice("momentum.no_momenta")
    return ", ".join(f"{lo:.2f}" if lo == hi else f"{lo:.2f}–{hi:.2f}" for lo, hi in spans)


def gd_notice(traj: Trajectory, surface: Surface, label: str) -> Notice:
    """Where plain GD went on the two valleys: the local minimum (the trap), the global one
    (a start past the dip), still moving, or diverged; at the step it settled."""
    out = descent_facts.outcome(traj, surface)
    if out.kind == "diverged":
        return notice("momentum.run_diverged", name=label, step=out.step)
    common = dict(steps=out.step, f=Number(out.step_loss))
    if out.kind == "reached" and surface.minima[out.minimum].kind == "local":
        return notice("momentum.gd_local", **common)
    if out.kind == "reached":
        return notice("momentum.gd_global", **common)
    return notice("momentum.gd_moving", **common)


def escape_notice(traj: Trajectory, surface: Surface, label: str) -> Notice:
    """One sentence for a momentum or Nesterov run on the two valleys, by its regime
    (``descent_facts.momentum_regime``): too little, escaped, more than needed (late in the
    global minimum), too much (back in the local one, or still swinging), still moving."""
    out = descent_facts.outcome(traj, surface)
    if out.kind == "diverged":
        return notice("momentum.run_diverged", name=label, step=out.step)
    facts = descent_facts.momentum_regime(traj, surface)
    common = dict(name=label, steps=out.step, f=Number(out.step_loss), passes=facts.passes)
    if facts.regime == "trapped":
        return notice("momentum.run_trapped", **common)
    if facts.regime == "enough":
        return notice("momentum.run_escaped", **common)
    if out.kind == "reached" and surface.minima[out.minimum].kind == "global":
        return notice("momentum.run_too_much_late", **common)
    if out.kind == "reached":
        return notice("momentum.run_too_much_back", **common)
    if facts.passes == 0:
        return notice("momentum.run_moving", **common)
    return notice("momentum.run_too_much_swinging", **common)


def escape_notices(
    surface: Surface,
    runs: Mapping[str, Trajectory],
    labels: Mapping[str, str],
    sweep_frame: pd.DataFrame,
    learning_rate: float,
) -> list[Notice]:
    """The escape demo's notices: a list with GD's, momentum's and Nesterov's outcome
    (``runs``/``labels`` keyed ``gd``, ``mom``, ``nag``); why Nesterov stays behind (with
    the smallest momentum of ``sweep_frame`` that gets it out) or gets out alone; the
    momenta of each regime; and, if any momentum of the sweep diverged, that."""
    gd, mom, nag = runs["gd"], runs["mom"], runs["nag"]
    notices = [
        listing(
            [
                gd_notice(gd, surface, labels["gd"]),
                escape_notice(mom, surface, labels["mom"]),
                escape_notice(nag, surface, labels["nag"]),
            ],
            "bullets",
        )
    ]
    regime_mom, regime_nag = regime(mom, surface), regime(nag, surface)
    if regime_mom == "enough" and regime_nag == "trapped":
        need = regime_ranges(sweep_frame, True, "enough")
        if need:
            notices.append(notice("momentum.nesterov_brakes", need=f"{need[0][0]:.2f}"))
        else:
            notices.append(notice("momentum.nesterov_brakes_never"))
    elif regime_nag == "enough" and regime_mom != "enough":
        notices.append(notice("momentum.nesterov_better"))
    notices.append(
        notice(
            "momentum.sweep_summary",
            mom_trapped=ranges_words(sweep_frame, False, "trapped"),
            mom_enough=ranges_words(sweep_frame, False, "enough"),
            mom_much=ranges_words(sweep_frame, False, "too_much"),
            nag_enough=ranges_words(sweep_frame, True, "enough"),
        )
    )
    if (sweep_frame["regime"] == "diverged").any():
        notices.append(notice("momentum.sweep_diverged", lr=Number(learning_rate)))
    return notices


def ravine_notice(
    key: str,
    traj: Trajectory,
    surface: Surface,
    label: str,
    learning_rate: float,
    momentum: float,
    curvature: float,
    gd_outcome: descent_facts.Outcome | None = None,
) -> Notice:
    """One sentence for run ``key`` (``gd``, ``mom``, ``nag``) in the ravine: diverged (with
    the ``stability_limit`` for the ``curvature`` across the valley), not settled, GD's
    zig-zag, or faster / slower than GD (``gd_outcome``), with its turns across."""
    out = descent_facts.outcome(traj, surface)
    turns = cross_turns(traj)
    if out.kind == "diverged":
        kind = {"gd": "gd", "mom": "momentum", "nag": "nesterov"}[key]
        limit = stability_limit(kind, 0.0 if key == "gd" else momentum, curvature)
        return notice(
            f"momentum.ravine_diverged_{key}",
            name=label,
            step=out.step,
            lr=Number(learning_rate),
            limit=Number(limit, 3),
        )
    if out.kind != "reached":
        return notice("momentum.ravine_moving", name=label, steps=out.step, turns=turns)
    if key == "gd":
        return notice("momentum.ravine_gd", steps=out.step, turns=turns)
    if gd_outcome is None or gd_outcome.kind != "reached" or out.step < gd_outcome.step:
        return notice("momentum.ravine_faster", name=label, steps=out.step, turns=turns)
    return notice(
        "momentum.ravine_slower", name=label, steps=out.step, turns=turns, gd=gd_outcome.step
    )


def ravine_notices(
    surface: Surface,
    runs: Mapping[str, Trajectory],
    labels: Mapping[str, str],
    learning_rate: float,
    momentum: float,
    start,
    sweep_frame: pd.DataFrame,
) -> list[Notice]:
    """The ravine demo's notices: a list with each run's sentence (``ravine_notice``; ``nag``
    only if ``runs`` has it); why momentum damps the zig-zag (when momentum did not diverge
    and GD arrived); the fastest momentum of ``sweep_frame`` (its smallest ``settle``)."""
    curvature = surface.curvature(*start)
    gd_outcome = descent_facts.outcome(runs["gd"], surface)
    lines = [
        ravine_notice(
            key,
            runs[key],
            surface,
            labels[key],
            learning_rate,
            momentum,
            curvature,
            None if key == "gd" else gd_outcome,
        )
        for key in ("gd", "mom", "nag")
        if key in runs
    ]
    notices = [listing(lines, "bullets")]
    if runs["mom"].diverged_at is None and gd_outcome.kind == "reached":
        notices.append(notice("momentum.ravine_why"))
    settled = sweep_frame[(~sweep_frame["nesterov"]) & (sweep_frame["settle"] >= 0)]
    if len(settled):
        best = settled.sort_values(["settle", "momentum"]).iloc[0]
        notices.append(
            notice("momentum.ravine_best", mu=f"{best['momentum']:.2f}", steps=int(best["settle"]))
        )
    return notices
