"""What the learning-rate lesson (A2) notices about a fan of plain-GD runs from one start,
one run per learning rate: how each run ended, which arrived first, and where the limit
``2 / curvature`` lies. Pure: the page puts the notices into words."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from lessons import descent_facts
from lessons.notices import Listing, Notice, Number, listing, notice
from sim.descent import Trajectory
from sim.surfaces import Surface

ZIGZAG_MIN_REVERSALS = 3  # fewer turn-backs than this are wobbles, not a zig-zag


def zigzagged(out: descent_facts.Outcome) -> bool:
    """A run zig-zagged when at least a quarter of its steps up to the one cited (and at
    least ``ZIGZAG_MIN_REVERSALS``) turned back: ``reversals >= max(3, step // 4)``."""
    cited = out.step if out.kind != "diverged" else 0
    return out.reversals >= max(ZIGZAG_MIN_REVERSALS, cited // 4)


def number_list(values: Sequence[float], empty_key: str = "lr.no_rates") -> Notice | Listing:
    """``0.01, 0.5, 0.9``: the values as ``Number``s in one list, or the catalog's word for
    none."""
    if not values:
        return notice(empty_key)
    return listing([Number(value) for value in values])


def rate_notices(runs: Mapping[float, Trajectory], surface: Surface) -> list[Notice]:
    """One notice per learning rate, smallest first (``runs`` maps a rate to its run):
    diverged at a step; reached a minimum after ``step`` steps, straight or zig-zagging
    (``zigzagged``); climbing, when it ended above its start (its values then and now); or
    still moving, with the share of the way down (``descent_facts.progress``) in percent."""
    said = []
    for lr in sorted(runs):
        out = descent_facts.outcome(runs[lr], surface)
        zigzag = zigzagged(out)
        if out.kind == "diverged":
            said.append(notice("lr.rate_diverged", lr=Number(lr), step=out.step))
        elif out.kind == "reached":
            key = "lr.rate_reached_zigzag" if zigzag else "lr.rate_reached"
            minimum = descent_facts.minimum_name(surface, out.minimum)
            said.append(
                notice(key, lr=Number(lr), steps=out.step, minimum=minimum, rev=out.reversals)
            )
        elif out.progress < 0:  # above its start: not "crawling" nor "0% of the way down"
            f0 = float(runs[lr].loss[0])
            said.append(
                notice(
                    "lr.rate_climbing",
                    lr=Number(lr),
                    steps=out.step,
                    f0=Number(f0, 4),
                    f1=Number(out.final_loss, 4),
                )
            )
        else:
            key = "lr.rate_moving_zigzag" if zigzag else "lr.rate_moving"
            pct = Number(100 * max(out.progress, 0.0), 3)
            said.append(notice(key, lr=Number(lr), steps=out.step, pct=pct, rev=out.reversals))
    return said


def verdict_notices(runs: Mapping[float, Trajectory], surface: Surface) -> list[Notice]:
    """What the fan shows as a whole: the rate that settled first (ties to the larger rate),
    and whether it is the largest rate that did not diverge, or that none arrived; then the
    critical rate ``2 / curvature`` at the start (``descent_facts.critical_rate``) with the
    rates below and at or above it: for the whole surface on a quadratic, at the start and
    at the global minimum otherwise, or that the surface curves down at the start."""
    outcomes = {lr: descent_facts.outcome(run, surface) for lr, run in runs.items()}
    first = next(iter(runs.values()))
    said = []
    arrived = {lr: out.step for lr, out in outcomes.items() if out.kind == "reached"}
    if arrived:
        best = min(arrived, key=lambda lr: (arrived[lr], -lr))
        largest_safe = max(lr for lr, out in outcomes.items() if out.kind != "diverged")
        key = "lr.fastest_largest" if best == largest_safe else "lr.fastest"
        said.append(notice(key, lr=Number(best), steps=arrived[best]))
    else:
        said.append(notice("lr.none_reached", steps=first.steps))
    x0, y0 = (float(v) for v in first.xy[0])
    critical = descent_facts.critical_rate(surface, x0, y0)
    curvature = Number(surface.curvature(x0, y0), 3)
    if critical is None:
        return [*said, notice("lr.critical_none", curv=curvature)]
    rates = sorted(runs)
    diverging = [descent_facts.rate_regime(lr, critical) == "diverge" for lr in rates]
    common = dict(
        curv=curvature,
        critical=Number(critical, 3),
        half=Number(critical / 2, 3),
        below=number_list([lr for lr, bad in zip(rates, diverging, strict=True) if not bad]),
        above=number_list([lr for lr, bad in zip(rates, diverging, strict=True) if bad]),
    )
    if descent_facts.is_quadratic(surface):
        return [*said, notice("lr.critical_quadratic", **common)]
    glob = next(m for m in surface.minima if m.kind == "global")
    at_min = Number(descent_facts.critical_rate(surface, glob.x, glob.y), 3)
    return [*said, notice("lr.critical_local", at_min=at_min, **common)]
