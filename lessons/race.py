"""The optimizer race (A8): the learning rates that make each surface's race worth watching,
the finishing order as table rows, and what the race's "what to notice" says
(``lessons.notices``), all read off the runs (``lessons.adaptive_rates.summarize``).

No streamlit here; no random state.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from lessons import descent_facts
from lessons.adaptive_rates import OPTIMIZER_NAMES, RunSummary
from lessons.notices import Notice, Number, listing, notice
from sim import descent
from sim.surfaces import Surface

# per surface: a learning rate per optimizer (``OPTIMIZER_NAMES`` order) that makes the race
# worth watching
DEFAULT_RATES = {
    "rosenbrock": (0.001, 0.001, 0.001, 0.1, 0.05, 0.1),
    "himmelblau": (0.01, 0.005, 0.005, 0.3, 0.1, 0.1),
    "beale": (0.0001, 0.0001, 0.0001, 0.5, 0.01, 0.3),
    "ravine": (0.5, 0.05, 0.05, 0.5, 0.05, 0.2),  # RMSprop at 0.1 hopped after arriving
    "local_minima": (0.1, 0.1, 0.1, 0.3, 0.1, 0.3),
    "saddle": (0.1, 0.05, 0.05, 0.5, 0.05, 0.1),
    "bowl": (0.1, 0.05, 0.05, 0.5, 0.05, 0.1),
}


def default_rates(surface_name: str) -> dict[str, float]:
    """``DEFAULT_RATES`` of a surface by optimizer name."""
    return dict(zip(OPTIMIZER_NAMES, DEFAULT_RATES[surface_name], strict=True))


def reach_tolerance(surface: Surface) -> float:
    """How close to a minimum counts as arrived: ``REACH_FRACTION`` of the window's
    diagonal (``descent.steps_to_reach``)."""
    return descent.REACH_FRACTION * descent.window_size(surface)


def status(summary: RunSummary) -> Notice:
    """A racer's result: diverged at a step, arrived at a step, or not arrived."""
    if summary.diverged_at is not None:
        return notice("race.status_diverged", step=summary.diverged_at)
    if summary.reached >= 0:
        return notice("race.status_reached", step=summary.reached)
    return notice("race.status_moving")


def standings(order: Sequence[RunSummary], rates: Mapping[str, float]) -> list[dict]:
    """The finishing order (``adaptive_rates.race_table``) as table rows by column key
    (``race.col_<key>``): place, optimizer, learning rate (``rates`` by label), steps to
    arrive (``-`` if never), final loss, distance to a minimum, result."""
    return [
        {
            "place": place,
            "optimizer": s.label,
            "lr": f"{rates[s.label]:g}",
            "steps": str(s.reached) if s.reached >= 0 else "-",
            "loss": Number(s.final_loss, 3),
            "dist": Number(s.distance, 2),
            "status": status(s),
        }
        for place, s in enumerate(order, start=1)
    ]


def race_notices(
    surface: Surface,
    runs: Mapping[str, descent.Trajectory],
    order: Sequence[RunSummary],
    steps: int,
    adam: RunSummary | None = None,
    adam_rate: float | None = None,
) -> list[Notice]:
    """What to notice in a race (``runs`` by label, ``order`` their summaries in finishing
    order): the winner, at which minimum (``descent.basins``) and step, the followers, who
    settled in a local minimum; if nobody arrived, the lowest loss; who has not arrived
    (with distances), who diverged (with steps); and Adam's run if it raced (``adam``, at
    ``adam_rate``)."""
    reached = [s for s in order if s.reached >= 0]
    moving = [s for s in order if s.reached < 0 and s.diverged_at is None]
    diverged = [s for s in order if s.diverged_at is not None]
    notices = []
    if reached:
        first = reached[0]
        where = int(descent.basins(runs[first.label], surface))
        minimum = surface.minima[where]
        kind, deepest = descent_facts.minimum_kind(surface, where)
        notices.append(
            notice(
                "race.notice_winner",
                name=first.label,
                step=first.reached,
                minimum=notice(f"common.minimum_{kind}", n=deepest),
                x=Number(minimum.x, 3),
                y=Number(minimum.y, 3),
            )
        )
        if len(reached) > 1:
            items = [notice("race.item_step", name=s.label, step=s.reached) for s in reached[1:]]
            notices.append(notice("race.notice_followers", items=listing(items)))
        local = [
            s.label
            for s in reached
            if surface.minima[int(descent.basins(runs[s.label], surface))].kind == "local"
        ]
        if local:
            notices.append(notice("race.notice_local", names=listing(local)))
    elif moving:
        best = min(moving, key=lambda s: s.final_loss)
        notices.append(
            notice(
                "race.notice_none", steps=steps, name=best.label, loss=Number(best.final_loss, 3)
            )
        )
    if moving:
        items = [notice("race.item_dist", name=s.label, dist=Number(s.distance, 2)) for s in moving]
        notices.append(notice("race.notice_moving", steps=steps, items=listing(items)))
    if diverged:
        items = [notice("race.item_step", name=s.label, step=s.diverged_at) for s in diverged]
        notices.append(notice("race.notice_diverged", items=listing(items)))
    if adam is not None:
        rate = f"{adam_rate:g}"
        if adam.diverged_at is not None:
            notices.append(notice("race.notice_adam_diverged", lr=rate, step=adam.diverged_at))
        elif adam.reached >= 0:
            notices.append(notice("race.notice_adam_reached", lr=rate, step=adam.reached))
        else:
            notices.append(
                notice("race.notice_adam_moving", lr=rate, dist=Number(adam.distance, 2))
            )
    return notices
