"""lessons.gradient_descent: each branch of the lesson's notice, checked against a run made
with sim (and, for the words, in both languages)."""

import numpy as np
import pytest

from lessons import descent_facts, gradient_descent
from lessons.notices import Number, keys
from sim import descent
from sim.optimizers import make_optimizer
from sim.surfaces import get_surface
from ui.page import words
from ui.text import Translator


def gd(surface: str, lr: float, steps: int, start=None):
    s = get_surface(surface)
    start = s.default_start if start is None else start
    return s, descent.run(s, make_optimizer("sgd", learning_rate=lr), start, steps)


def test_settled_cites_the_step_and_its_value():
    s, run = gd("bowl", 0.1, 60)
    said = gradient_descent.notices(run, s, 0.1)
    assert keys(said) == ["gd.notice_reached"]
    steps = int(descent.steps_to_reach(run, s))
    assert 0 < steps < 60 and said[0]["steps"] == steps
    # the value at the step it cites, not the last step's
    assert said[0]["f"] == Number(run.loss[steps]) and run.loss[steps] != run.loss[-1]
    assert said[0]["x"] == Number(0.0, 3) and said[0]["y"] == Number(0.0, 3)
    assert said[0]["minimum"] == descent_facts.minimum_name(s, 0)
    text = words(Translator("en"), said[0])
    assert "**the global minimum** at (0, 0)" in text and f"after **{steps} steps**" in text


def test_a_shared_minimum_is_named_one_of_several():
    s, run = gd("himmelblau", 0.01, 200)
    said = gradient_descent.notices(run, s, 0.01)
    assert keys(said) == ["gd.notice_reached"]
    where = int(descent.basins(run, s))
    assert said[0]["minimum"]["n"] == 4 and said[0]["minimum"].key == "common.minimum_shared"
    assert said[0]["x"] == Number(s.minima[where].x, 3)


def test_diverged_cites_the_step_and_the_critical_rate():
    s, run = gd("bowl", 1.5, 100)
    said = gradient_descent.notices(run, s, 1.5)
    assert keys(said) == ["gd.notice_diverged"]
    assert run.diverged_at is not None and said[0]["step"] == run.diverged_at
    assert said[0]["critical"].value == pytest.approx(2 / s.curvature(*s.default_start))
    assert said[0]["critical"].value == pytest.approx(1.0)  # the bowl's curvature is 2
    assert "2 / curvature ≈ 1**" in words(Translator("en"), said[0])


def test_diverged_where_the_surface_curves_down_names_no_limit():
    """By Himmelblau's central peak the curvature is negative: 2 / curvature is no limit."""
    s, run = gd("himmelblau", 1.0, 60)
    curvature = s.curvature(*s.default_start)
    assert curvature < 0 and run.diverged_at is not None
    said = gradient_descent.notices(run, s, 1.0)
    assert keys(said) == ["gd.notice_diverged_downward"]
    assert said[0]["step"] == run.diverged_at and said[0]["curv"].value == curvature
    for lang in ("en", "ko"):
        assert f"{run.diverged_at}" in words(Translator(lang), said[0])


def test_still_moving_gives_the_last_value_and_slope():
    s, run = gd("rosenbrock", 0.001, 20)
    said = gradient_descent.notices(run, s, 0.001)
    assert keys(said) == ["gd.notice_moving"]
    assert said[0]["steps"] == 20 and said[0]["f"] == Number(run.loss[-1])
    assert said[0]["norm"].value == pytest.approx(np.hypot(*run.grad[-1]))
    assert "still on its way" in words(Translator("en"), said[0])
