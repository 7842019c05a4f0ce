"""lessons.learning_rate: every branch of the lesson's notices, checked against fans of runs
made with sim (outcomes, turn-backs, the critical rate 2 / curvature), and the words of the
default fan in English."""

import numpy as np
import pytest

from lessons import descent_facts, learning_rate
from lessons.notices import Number, keys, notice
from sim import descent
from sim.optimizers import make_optimizer
from sim.surfaces import get_surface
from ui.page import words
from ui.text import Translator

EN = Translator("en")


def fan(surface: str, rates, steps: int, start=None):
    s = get_surface(surface)
    start = s.default_start if start is None else start
    runs = {
        lr: descent.run(s, make_optimizer("sgd", learning_rate=lr), start, steps) for lr in rates
    }
    return s, runs


def test_default_fan_crawls_slides_zigzags_and_diverges():
    """The ravine, rates 0.02 / 0.5 / 0.9 / 1.1, 100 steps (the page's default)."""
    s, runs = fan("ravine", (1.1, 0.02, 0.9, 0.5), 100)  # any order: the notices sort them
    said = learning_rate.rate_notices(runs, s)
    assert keys(said) == [
        "lr.rate_moving",
        "lr.rate_reached",
        "lr.rate_reached_zigzag",
        "lr.rate_diverged",
    ]
    assert [n["lr"] for n in said] == [Number(0.02), Number(0.5), Number(0.9), Number(1.1)]
    slow, good, zig = (descent_facts.outcome(runs[lr], s) for lr in (0.02, 0.5, 0.9))
    assert said[0]["pct"] == Number(100 * slow.progress, 3) and said[0]["steps"] == 100
    assert good.reversals == 0 and said[1]["steps"] == good.step
    assert said[2]["steps"] == zig.step and said[2]["rev"] == zig.reversals
    assert zig.reversals >= max(3, zig.step // 4)
    assert said[3]["step"] == runs[1.1].diverged_at is not None
    assert said[1]["minimum"] == notice("common.minimum_global", n=1)
    text = [words(EN, n) for n in said]
    assert text[0].startswith(
        f"**lr 0.02** is still crawling after 100 steps: only {100 * slow.progress:.3g}%"
    )
    assert text[1].startswith(
        f"**lr 0.5** reached the global minimum after **{good.step} steps**, sliding"
    )
    assert f"after **{zig.step} steps**, but zig-zagging: {zig.reversals} of its steps" in text[2]
    assert text[3].startswith(f"**lr 1.1** diverged at step {runs[1.1].diverged_at}: each step")


def test_default_fan_verdicts_largest_stable_rate_arrives_first():
    s, runs = fan("ravine", (0.02, 0.5, 0.9, 1.1), 100)
    said = learning_rate.verdict_notices(runs, s)
    assert keys(said) == ["lr.fastest_largest", "lr.critical_quadratic"]
    zig, good = descent_facts.outcome(runs[0.9], s), descent_facts.outcome(runs[0.5], s)
    assert zig.step < good.step  # in the long valley the zig-zag arrives first
    assert said[0]["lr"] == Number(0.9) and said[0]["steps"] == zig.step
    # the ravine's steep direction has curvature 2 everywhere: critical rate 2 / 2 = 1
    assert said[1]["critical"].value == pytest.approx(2 / s.curvature(*s.default_start)) == 1
    assert said[1]["half"].value == pytest.approx(0.5)
    text = words(EN, said[1])
    # the number keeps to its label at a line break (no-break spaces around "=")
    assert "stable only below **2 / curvature\u00a0=\u00a01**" in text
    assert "Below 1: 0.02, 0.5, 0.9. At or above (diverge): 1.1." in text
    assert words(EN, said[0]).startswith(
        f"Fastest to the bottom: **lr 0.9**, in {zig.step} steps, the largest"
    )


def test_a_smaller_rate_first_on_the_round_bowl():
    """On the bowl 0.5 = 1 / curvature lands on the bottom at once; 0.9 zig-zags longer."""
    s, runs = fan("bowl", (0.01, 0.5, 0.9, 1.1, 2.0), 50)
    said = learning_rate.verdict_notices(runs, s)
    assert keys(said) == ["lr.fastest", "lr.critical_quadratic"]
    steps = {lr: descent_facts.outcome(runs[lr], s).step for lr in (0.5, 0.9)}
    assert (
        steps[0.5] < steps[0.9] and said[0]["lr"] == Number(0.5) and said[0]["steps"] == steps[0.5]
    )
    assert "At or above (diverge): 1.1, 2." in words(EN, said[1])
    assert keys(learning_rate.rate_notices(runs, s))[-2:] == ["lr.rate_diverged"] * 2


def test_a_tie_goes_to_the_larger_rate():
    s, runs = fan("bowl", (0.5, 0.5000001), 50)
    steps = [descent_facts.outcome(r, s).step for r in runs.values()]
    assert steps[0] == steps[1]
    assert learning_rate.verdict_notices(runs, s)[0]["lr"] == Number(0.5000001)


def test_none_arrives_in_few_steps_and_short_zigzags_are_still_moving():
    s, runs = fan("ravine", (0.02, 0.5, 0.9, 1.1), 5)
    said = learning_rate.rate_notices(runs, s)
    assert keys(said) == [
        "lr.rate_moving",
        "lr.rate_moving",
        "lr.rate_moving_zigzag",
        "lr.rate_climbing",
    ]
    zig = descent_facts.outcome(runs[0.9], s)
    assert said[2]["rev"] == zig.reversals >= 3 and said[2]["steps"] == 5
    assert said[2]["pct"] == Number(100 * zig.progress, 3) and zig.progress > 0
    # 1.1 ended above its start: it climbs, and the notice cites its values then and now
    climb = runs[1.1]
    assert climb.diverged_at is None and climb.loss[5] > climb.loss[0]
    assert said[3]["steps"] == 5
    assert said[3]["f0"] == Number(float(climb.loss[0]), 4)
    assert said[3]["f1"] == Number(float(climb.loss[5]), 4)
    assert "higher than where it started" in words(EN, said[3])
    verdicts = learning_rate.verdict_notices(runs, s)
    assert keys(verdicts)[0] == "lr.none_reached" and verdicts[0]["steps"] == 5


def test_a_curved_surface_has_a_local_critical_rate():
    s, runs = fan("local_minima", (0.02, 0.5, 0.9, 1.1), 100)
    said = learning_rate.verdict_notices(runs, s)
    assert keys(said)[1] == "lr.critical_local"
    x0, y0 = s.default_start
    assert said[1]["critical"].value == pytest.approx(2 / s.curvature(x0, y0))
    glob = next(m for m in s.minima if m.kind == "global")
    assert said[1]["at_min"].value == pytest.approx(2 / s.curvature(glob.x, glob.y))
    rates = [lr for lr in sorted(runs) if lr < 2 / s.curvature(x0, y0)]
    assert said[1]["below"] == learning_rate.number_list(rates)


def test_a_rosenbrock_start_gets_its_own_curvature():
    s, runs = fan("rosenbrock", (0.0001, 0.001), 20, start=(0.0, 2.0))
    said = learning_rate.verdict_notices(runs, s)
    assert said[1]["curv"].value == s.curvature(0.0, 2.0)
    assert said[1]["critical"].value == pytest.approx(2 / s.curvature(0.0, 2.0))


def test_downward_curvature_has_no_critical_rate():
    s, runs = fan("himmelblau", (0.02, 0.5), 30)
    assert s.curvature(*s.default_start) < 0  # the start sits by Himmelblau's central peak
    said = learning_rate.verdict_notices(runs, s)
    assert keys(said)[1] == "lr.critical_none"
    assert said[1]["curv"] == Number(s.curvature(*s.default_start), 3)


def test_number_list_is_the_numbers_joined_or_the_word_for_none():
    for lang, none in (("en", "none"), ("ko", "없음")):
        t = Translator(lang)
        assert t(learning_rate.number_list([]).key) == none
    said = notice("lr.critical_none", curv=learning_rate.number_list([0.01, 0.5, 1.05]))
    assert "(curvature 0.01, 0.5, 1.05)" in words(EN, said)
    assert words(EN, learning_rate.number_list([2.0])) == "2"


def test_zigzag_needs_a_quarter_of_the_steps_to_turn_back():
    out = descent_facts.Outcome("reached", 40, 0, 0.0, 10, 1.0)
    assert learning_rate.zigzagged(out)
    assert not learning_rate.zigzagged(descent_facts.Outcome("reached", 44, 0, 0.0, 10, 1.0))
    assert not learning_rate.zigzagged(descent_facts.Outcome("moving", 4, -1, 0.0, 2, 0.1))
    # a diverged run cites no settling step: three turn-backs make a zig-zag
    assert learning_rate.zigzagged(descent_facts.Outcome("diverged", 99, -1, np.inf, 3, 0.0))
