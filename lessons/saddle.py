"""What the saddle-point lesson (A4) notices: three runs from one start near the saddle's
ridge (plain GD, GD with gradient noise, GD with momentum), how long each crawled past the
saddle (``descent_facts.saddle_stall``) and how soon each settled; and the coin-flip odds
that a flat point of a network with many weights is a minimum. Pure: the page puts the
notices into words."""

from __future__ import annotations

from collections.abc import Mapping

from lessons import descent_facts
from lessons.notices import Notice, Number, PowerOfTen, notice
from sim.descent import Trajectory
from sim.surfaces import Surface

RUNS = ("gd", "noise", "momentum")  # the three runs, in the order the lesson shows them
BRIEF = 3  # a stall of at most this many slow steps only brushed the saddle
PLAIN_ODDS = -4  # log10 of the smallest chance written as a number; below: "1 in 10ⁿ"
# markdown has no superscript, and 10^301030 reads as code to a learner


def series_names(noise: float, momentum: float) -> dict[str, Notice]:
    """The name of each of ``RUNS``: GD, GD + noise (its standard deviation), momentum."""
    return {
        "gd": notice("saddle.series_gd"),
        "noise": notice("saddle.series_noise", noise=Number(noise)),
        "momentum": notice("saddle.series_momentum", mu=Number(momentum)),
    }


def run_notices(
    runs: Mapping[str, Trajectory], surface: Surface, names: Mapping[str, Notice | str]
) -> list[Notice]:
    """One notice per run (``runs[k]`` named ``names[k]``): diverged; only brushed the
    saddle (at most ``BRIEF`` slow steps) and settled; crawled past it and left after its
    last slow step, settling later; crawled and is still there; never slowed and settled;
    or never slowed but still moving. A slow step has ``|grad f| < SLOW_GRADIENT`` nearer
    a saddle than any minimum (``descent_facts.saddle_stall``)."""
    said = []
    for kind, run in runs.items():
        out = descent_facts.outcome(run, surface)
        stall = descent_facts.saddle_stall(run, surface)
        common = dict(
            name=names[kind],
            slow=stall.slow_steps,
            thr=Number(stall.threshold),
            ming=Number(stall.min_gradient, 2),
            reach=out.step,
            steps=run.steps,
        )
        if out.kind == "diverged":
            said.append(notice("saddle.run_diverged", name=names[kind], step=out.step))
        elif 0 < stall.slow_steps <= BRIEF and out.kind == "reached":
            said.append(notice("saddle.run_brief", **common))
        elif stall.slow_steps and out.kind == "reached":
            said.append(notice("saddle.run_stalled_left", left=stall.last + 1, **common))
        elif stall.slow_steps:
            said.append(notice("saddle.run_stalled_stuck", **common))
        elif out.kind == "reached":
            said.append(notice("saddle.run_fast", **common))
        else:
            said.append(notice("saddle.run_moving", **common))
    return said


def compare_notices(runs: Mapping[str, Trajectory], surface: Surface) -> list[Notice]:
    """Started exactly on the ridge (y = 0), only noise can leave it; otherwise, when all
    three runs settled, their steps to settle: both helpers faster than plain GD, or not."""
    if float(runs["gd"].xy[0, 1]) == 0.0:
        return [notice("saddle.on_ridge")]
    outcomes = {kind: descent_facts.outcome(run, surface) for kind, run in runs.items()}
    if any(out.kind != "reached" for out in outcomes.values()):
        return []
    settled = {kind: out.step for kind, out in outcomes.items()}
    faster = settled["noise"] < settled["gd"] and settled["momentum"] < settled["gd"]
    key = "saddle.compare_faster" if faster else "saddle.compare_mixed"
    return [notice(key, gd=settled["gd"], noise=settled["noise"], momentum=settled["momentum"])]


def weights_notice(n_weights: int) -> Notice:
    """The chance ``2**-n`` that all ``n`` directions at a flat point curve up
    (``descent_facts.minimum_odds_log10``): as a number down to ``10**PLAIN_ODDS``, below
    that as "1 in 10ⁿ" (the number itself would be 0 in floating point)."""
    log_odds = descent_facts.minimum_odds_log10(n_weights)
    count = f"{n_weights:,}"
    if log_odds > PLAIN_ODDS:
        return notice("saddle.dims_plain", n=count, chance=Number(2.0**-n_weights, 3))
    return notice("saddle.dims_tiny", n=count, power=PowerOfTen(round(-log_odds)))
