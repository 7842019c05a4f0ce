"""lessons.saddle (and descent_facts.saddle_stall): every branch of the saddle lesson's
notices, checked against the three runs made with sim, and the odds of a minimum among many
weights."""

import math

import numpy as np
import pytest

from lessons import descent_facts, saddle
from lessons.notices import Number, PowerOfTen, keys, notice
from sim import descent
from sim.optimizers import make_optimizer
from sim.surfaces import get_surface
from ui.page import words
from ui.text import Translator

S = get_surface("saddle")
EN = Translator("en")
NAMES = saddle.series_names(0.1, 0.9)


def runs(y0=1e-6, lr=0.1, steps=200, noise=0.1, seed=0, mu=0.9, x0=-2.8):
    """The page's three runs: plain GD, GD with gradient noise, GD with momentum."""
    plain = make_optimizer("sgd", learning_rate=lr)
    return {
        "gd": descent.run(S, plain, (x0, y0), steps),
        "noise": descent.run(S, plain, (x0, y0), steps, noise=noise, seed=seed),
        "momentum": descent.run(
            S, make_optimizer("sgd", learning_rate=lr, momentum=mu), (x0, y0), steps
        ),
    }


def test_default_start_gd_crawls_noise_passes_momentum_brushes():
    made = runs()
    said = saddle.run_notices(made, S, NAMES)
    assert keys(said) == ["saddle.run_stalled_left", "saddle.run_fast", "saddle.run_brief"]
    gd = descent_facts.saddle_stall(made["gd"], S)
    reach = descent_facts.outcome(made["gd"], S).step
    assert gd.slow_steps > 30  # GD crawls past the saddle
    assert said[0]["slow"] == gd.slow_steps and said[0]["left"] == gd.last + 1
    assert said[0]["ming"] == Number(gd.min_gradient, 2) and said[0]["reach"] == reach
    assert said[0]["thr"] == Number(descent_facts.SLOW_GRADIENT)
    assert descent_facts.saddle_stall(made["noise"], S).slow_steps == 0
    assert said[1]["reach"] == descent_facts.outcome(made["noise"], S).step
    brushed = descent_facts.saddle_stall(made["momentum"], S).slow_steps
    assert 0 < brushed <= saddle.BRIEF and said[2]["slow"] == brushed
    assert words(EN, said[0]).startswith(
        f"**GD** spent **{gd.slow_steps} steps** crawling past the saddle with |∇f| < 0.05 "
        f"(slowest {gd.min_gradient:.2g}); it left after step {gd.last + 1} and settled in a "
        f"minimum after {reach} steps"
    )
    assert words(EN, said[2]).startswith(
        f"**Momentum 0.9** only brushed the saddle (|∇f| < 0.05 for just {brushed}"
    )
    compared = saddle.compare_notices(made, S)
    steps = {kind: descent_facts.outcome(run, S).step for kind, run in made.items()}
    assert steps["noise"] < steps["gd"] and steps["momentum"] < steps["gd"]
    assert compared == [notice("saddle.compare_faster", **steps)]


def test_exactly_on_the_ridge_gd_and_momentum_stay():
    made = runs(y0=0.0)
    said = saddle.run_notices(made, S, NAMES)
    assert keys(said) == ["saddle.run_stalled_stuck", "saddle.run_fast", "saddle.run_stalled_stuck"]
    for kind, n in (("gd", said[0]), ("momentum", said[2])):
        assert descent_facts.outcome(made[kind], S).kind == "moving"
        assert (
            n["slow"] == descent_facts.saddle_stall(made[kind], S).slow_steps and n["steps"] == 200
        )
    assert keys(saddle.compare_notices(made, S)) == ["saddle.on_ridge"]
    assert "had still not reached a minimum after 200 steps" in words(EN, said[0])


def test_far_from_the_ridge_the_push_does_not_pay():
    made = runs(y0=0.5)
    assert keys(saddle.run_notices(made, S, NAMES)) == ["saddle.run_fast"] * 3
    steps = {kind: descent_facts.outcome(run, S).step for kind, run in made.items()}
    assert steps["noise"] >= steps["gd"]
    assert saddle.compare_notices(made, S) == [notice("saddle.compare_mixed", **steps)]


def test_diverged_and_still_moving_runs_are_not_compared():
    made = runs(lr=2.0)
    said = saddle.run_notices(made, S, NAMES)
    assert keys(said) == ["saddle.run_moving", "saddle.run_diverged", "saddle.run_diverged"]
    assert (
        said[1]["step"] == made["noise"].diverged_at
        and said[2]["step"] == made["momentum"].diverged_at
    )
    assert said[0]["steps"] == 200 and descent_facts.saddle_stall(made["gd"], S).slow_steps == 0
    assert saddle.compare_notices(made, S) == []
    short = runs(y0=0.5, steps=12)
    assert keys(saddle.run_notices(short, S, NAMES)) == ["saddle.run_moving"] * 3
    assert saddle.compare_notices(short, S) == []


def test_series_names_carry_the_settings():
    assert [words(EN, n) for n in saddle.series_names(0.05, 0.99).values()] == [
        "GD",
        "GD + noise 0.05",
        "Momentum 0.99",
    ]


def test_weights_odds_as_a_number_then_as_a_power_of_ten():
    assert words(EN, saddle.weights_notice(2)).endswith("with chance **0.25**.")
    assert saddle.weights_notice(10)["chance"] == Number(2**-10, 3)
    assert "with chance **9.77 × 10⁻⁴**" in words(EN, saddle.weights_notice(10))
    tiny = saddle.weights_notice(1_000_000)
    exponent = round(1_000_000 * math.log10(2))
    assert exponent == 301030 and tiny["power"] == PowerOfTen(301030) and tiny["n"] == "1,000,000"
    assert "about **1 in 10³⁰¹⁰³⁰**" in words(EN, tiny)
    assert saddle.weights_notice(100)["power"] == PowerOfTen(30)
    for lang in ("en", "ko"):
        assert "10³⁰¹⁰³⁰" in words(Translator(lang), tiny)


def test_saddle_stall_counts_slow_steps_near_the_saddle():
    traj = descent.run(S, make_optimizer("sgd", learning_rate=0.1), (-2.8, 0.0), 100)
    stall = descent_facts.saddle_stall(traj, S, threshold=0.05)
    g = np.hypot(*traj.grad.T)
    near = np.hypot(*traj.xy.T) < np.min(
        [np.hypot(traj.xy[:, 0] - m.x, traj.xy[:, 1] - m.y) for m in S.minima], axis=0
    )
    assert stall.slow_steps == int(np.sum(near & (g < 0.05)))
    assert stall.last == 100  # on the ridge: it never leaves
    bowl = get_surface("bowl")  # no saddles: no stall
    assert descent_facts.saddle_stall(descent.run(bowl, "sgd", (1, 1), 10), bowl).slow_steps == 0
    assert descent_facts.minimum_odds_log10(10) == pytest.approx(math.log10(2**-10))
