"""The optimizer race's lesson (``lessons.race``): the finishing table's rows and the "what to
notice" branches, each against races run with ``sim`` here."""

import numpy as np
import pytest

from lessons import adaptive_rates, descent_facts
from lessons import race as race_lesson
from lessons.adaptive_rates import OPTIMIZER_NAMES
from lessons.notices import Listing, Number, keys, notice
from sim import descent
from sim.optimizers import make_optimizer
from sim.surfaces import get_surface
from ui.page import words
from ui.text import Translator

LABELS = {name: name.title() for name in OPTIMIZER_NAMES}


def race(surface_name, steps=300, rates=None, shown=OPTIMIZER_NAMES):
    """The race at the surface's default rates (or ``rates``): runs and summaries by label,
    the finishing order, the rates by label and the notices."""
    surface = get_surface(surface_name)
    rates = rates or race_lesson.default_rates(surface_name)
    runs = {
        LABELS[name]: descent.run(
            surface, make_optimizer(name, learning_rate=rates[name]), surface.default_start, steps
        )
        for name in shown
    }
    summaries = {
        label: adaptive_rates.summarize(label, traj, surface) for label, traj in runs.items()
    }
    order = adaptive_rates.race_table(list(summaries.values()))
    adam = summaries.get(LABELS["adam"])
    notices = race_lesson.race_notices(surface, runs, order, steps, adam, rates["adam"])
    return surface, runs, order, notices


def listed(names: Listing) -> list:
    """The items of a list of names (``A, B, C``), in order."""
    assert names.style == "comma"
    return list(names.items)


def basin_kind(surface, traj) -> str:
    return surface.minima[int(descent.basins(traj, surface))].kind


def test_default_race_everyone_arrives_the_winner_first():
    surface, runs, order, notices = race("ravine")
    assert all(s.reached >= 0 for s in order)
    assert keys(notices) == [
        "race.notice_winner",
        "race.notice_followers",
        "race.notice_adam_reached",
    ]
    first = order[0]
    assert first.reached == min(s.reached for s in order)
    where = int(descent.basins(runs[first.label], surface))
    kind, deepest = descent_facts.minimum_kind(surface, where)
    assert kind == "global"
    assert notices[0] == notice(
        "race.notice_winner",
        name=first.label,
        step=first.reached,
        minimum=notice("common.minimum_global", n=deepest),
        x=Number(surface.minima[where].x, 3),
        y=Number(surface.minima[where].y, 3),
    )
    assert listed(notices[1]["items"]) == [
        notice("race.item_step", name=s.label, step=s.reached) for s in order[1:]
    ]
    adam = next(s for s in order if s.label == LABELS["adam"])
    assert notices[2] == notice("race.notice_adam_reached", lr="0.2", step=adam.reached)


def test_a_winner_among_equally_deep_minima_says_which():
    surface, runs, order, notices = race("himmelblau")
    where = int(descent.basins(runs[order[0].label], surface))
    assert notices[0]["minimum"] == notice("common.minimum_shared", n=4)
    assert sum(m.kind == "global" for m in surface.minima) == 4
    assert (notices[0]["x"], notices[0]["y"]) == (
        Number(surface.minima[where].x, 3),
        Number(surface.minima[where].y, 3),
    )


def test_racers_in_a_local_minimum_are_named():
    surface, runs, order, notices = race("local_minima")
    local = [
        s.label for s in order if s.reached >= 0 and basin_kind(surface, runs[s.label]) == "local"
    ]
    assert local
    said = next(n for n in notices if n.key == "race.notice_local")
    assert listed(said["names"]) == local


def test_racers_still_under_way_on_rosenbrock():
    _, _, order, notices = race("rosenbrock")
    moving = [s for s in order if s.reached < 0 and s.diverged_at is None]
    assert len(moving) >= 3
    said = next(n for n in notices if n.key == "race.notice_moving")
    assert said["steps"] == 300
    assert listed(said["items"]) == [
        notice("race.item_dist", name=s.label, dist=Number(s.distance, 2)) for s in moving
    ]
    adam = next(s for s in order if s.label == LABELS["adam"])
    assert notices[-1] == notice("race.notice_adam_moving", lr="0.1", dist=Number(adam.distance, 2))


def test_nobody_arrived_names_the_lowest_loss_and_the_diverged():
    _, _, order, notices = race("beale")
    assert not any(s.reached >= 0 for s in order)
    diverged = [s for s in order if s.diverged_at is not None]
    moving = [s for s in order if s.reached < 0 and s.diverged_at is None]
    assert diverged and moving
    best = min(moving, key=lambda s: s.final_loss)
    assert notices[0] == notice(
        "race.notice_none", steps=300, name=best.label, loss=Number(best.final_loss, 3)
    )
    said = next(n for n in notices if n.key == "race.notice_diverged")
    assert listed(said["items"]) == [
        notice("race.item_step", name=s.label, step=s.diverged_at) for s in diverged
    ]


def test_when_everyone_diverges_only_that_is_said():
    """Far beyond the page's rates every racer (Adam too) leaves the map at once."""
    rates = dict.fromkeys(OPTIMIZER_NAMES, 1e4)
    _, _, order, notices = race("ravine", steps=20, rates=rates)
    assert all(s.diverged_at is not None for s in order)
    assert keys(notices) == ["race.notice_diverged", "race.notice_adam_diverged"]
    adam = next(s for s in order if s.label == LABELS["adam"])
    assert notices[1] == notice("race.notice_adam_diverged", lr="10000", step=adam.diverged_at)


def test_without_adam_nothing_is_said_about_it():
    _, _, _, notices = race("ravine", shown=("sgd", "momentum"))
    assert not [k for k in keys(notices) if "adam" in k]


@pytest.mark.parametrize("surface_name", ["ravine", "beale", "rosenbrock"])
def test_standings_are_the_finishing_order(surface_name):
    _, _, order, _ = race(surface_name)
    rates = race_lesson.default_rates(surface_name)
    by_label = {LABELS[name]: rates[name] for name in OPTIMIZER_NAMES}
    rows = race_lesson.standings(order, by_label)
    assert [row["place"] for row in rows] == list(range(1, len(order) + 1))
    for row, s in zip(rows, order, strict=True):
        assert row["optimizer"] == s.label and row["lr"] == f"{by_label[s.label]:g}"
        assert row["steps"] == (str(s.reached) if s.reached >= 0 else "-")
        assert row["loss"] == Number(s.final_loss, 3) and row["dist"] == Number(s.distance, 2)
        if s.diverged_at is not None:
            assert row["status"] == notice("race.status_diverged", step=s.diverged_at)
        elif s.reached >= 0:
            assert row["status"] == notice("race.status_reached", step=s.reached)
        else:
            assert row["status"] == notice("race.status_moving")


def test_reach_tolerance_is_two_percent_of_the_diagonal():
    surface = get_surface("ravine")
    (x0, x1), (y0, y1) = surface.bounds
    assert race_lesson.reach_tolerance(surface) == pytest.approx(0.02 * np.hypot(x1 - x0, y1 - y0))


def test_a_list_reads_as_the_old_separator_joined_it():
    _, _, _, notices = race("ravine")
    for lang in ("en", "ko"):
        t = Translator(lang)
        items = [words(t, item) for item in listed(notices[1]["items"])]
        assert words(t, notices[1]["items"]) == t("race.list_sep").join(items)
