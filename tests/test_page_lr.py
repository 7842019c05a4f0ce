"""The learning-rate lesson (A2): renders in both languages, every statement branch matches
runs computed with sim directly, bad URL values fall back, Play advances the frame."""

import json

import pytest
from apptest_utils import assert_clean, charts, notice_text, open_page

from sim import descent, run_facts
from sim.optimizers import make_optimizer
from sim.surfaces import get_surface

FILE = "pages/02_learning_rate.py"


def run(surface, lr, start=None, steps=50):
    """One plain-GD run as the page makes it."""
    s = get_surface(surface)
    start = s.default_start if start is None else start
    return descent.run(s, make_optimizer("sgd", learning_rate=lr), start, steps)


def test_default_statement_matches_runs():
    """Ravine, rates 0.02 / 0.5 / 0.9 / 1.1, 100 steps: crawls, straight, zig-zag, diverges."""
    at = open_page(FILE)
    text = notice_text(at)
    s = get_surface("ravine")
    slow = run_facts.outcome(run("ravine", 0.02, steps=100), s)
    good = run_facts.outcome(run("ravine", 0.5, steps=100), s)
    zig = run_facts.outcome(run("ravine", 0.9, steps=100), s)
    bad = run("ravine", 1.1, steps=100)
    assert slow.kind == "moving" and good.kind == "reached" and zig.kind == "reached"
    assert f"**lr 0.02** is still crawling after 100 steps: only {100 * slow.progress:.3g}%" in text
    assert good.reversals == 0
    assert f"**lr 0.5** reached the global minimum after **{good.step} steps**, sliding" in text
    assert f"after **{zig.step} steps**, but zig-zagging: {zig.reversals} of its steps" in text
    assert bad.diverged_at is not None
    assert f"**lr 1.1** diverged at step {bad.diverged_at}: each step overshot farther" in text
    # the ravine's steep direction has curvature 2 everywhere: critical rate 1
    assert (
        "curvature 2, so plain gradient descent is stable only below **2 / curvature = 1**" in text
    )
    assert "Below 1: 0.02, 0.5, 0.9. At or above (diverge): 1.1." in text
    # in the long valley the largest stable rate arrives first, zig-zag and all
    assert zig.step < good.step
    assert f"Fastest to the bottom: **lr 0.9**, in {zig.step} steps, the largest rate" in text


def test_bowl_and_five_rates_from_url():
    params = {"surface": "bowl", "n": "5", "lr1": "0.01", "lr5": "2.0", "steps": "50"}
    at = open_page(FILE, params=params)
    assert_clean(at)
    text = notice_text(at)
    s = get_surface("bowl")
    assert run_facts.critical_rate(s, *s.default_start) == pytest.approx(1.0)
    assert "At or above (diverge): 1.1, 2." in text
    r2 = run("bowl", 2.0)
    assert f"**lr 2** diverged at step {r2.diverged_at}" in text
    crawl = run_facts.outcome(run("bowl", 0.01), s)
    assert f"only {100 * crawl.progress:.3g}% of the way down" in text
    assert "Below 1: 0.01, 0.5, 0.9." in text
    # on the round bowl 0.5 = 1 / curvature lands on the bottom at once; 0.9 zig-zags
    arrived = {lr: run_facts.outcome(run("bowl", lr), s) for lr in (0.01, 0.5, 0.9)}
    assert arrived[0.5].step < arrived[0.9].step
    assert f"Fastest to the bottom: **lr 0.5**, in {arrived[0.5].step} steps. A larger" in text


def test_no_rate_arrives_in_few_steps():
    at = open_page(FILE, params={"steps": "5"})
    assert_clean(at)
    assert "None of these rates reached a minimum within 5 steps" in notice_text(at)


def test_non_quadratic_critical_rate_is_local():
    at = open_page(FILE, params={"surface": "local_minima"})
    assert_clean(at)
    s = get_surface("local_minima")
    crit = run_facts.critical_rate(s, *s.default_start)
    glob = s.minima[0]
    at_min = run_facts.critical_rate(s, glob.x, glob.y)
    text = notice_text(at)
    assert f"**2 / curvature = {crit:.3g}** there" in text
    assert f"global minimum it is {at_min:.3g}" in text


def test_downward_curvature_has_no_critical_rate():
    s = get_surface("himmelblau")
    assert s.curvature(*s.default_start) < 0  # the start sits by Himmelblau's central peak
    assert run_facts.critical_rate(s, *s.default_start) is None
    at = open_page(FILE, params={"surface": "himmelblau"})
    assert_clean(at)
    assert f"curves downward (curvature {s.curvature(*s.default_start):.3g})" in notice_text(at)


def test_rosenbrock_critical_rate_at_a_clicked_start():
    at = open_page(FILE, params={"surface": "rosenbrock", "x0": "0.0", "y0": "2.0"})
    assert_clean(at)
    c = get_surface("rosenbrock").curvature(0.0, 2.0)
    assert f"**2 / curvature = {2 / c:.3g}** there" in notice_text(at)


def test_duplicate_rates_are_drawn_once_with_a_notice():
    at = open_page(FILE, params={"lr1": "0.1", "lr2": "0.1"})
    assert_clean(at)
    assert "chosen twice" in " ".join(i.value for i in at.info)
    assert notice_text(at).count("**lr 0.1**") == 1


def test_diverged_paths_stop_at_last_finite_point():
    at = open_page(FILE, params={"lr4": "2.0"})
    spec = json.loads(charts(at)[0].proto.spec)
    text = json.dumps(spec)
    assert "NaN" not in text and "Infinity" not in text
    r = run("bowl", 2.0)
    assert r.diverged_at is not None and r.xy.shape == (51, 2)


def test_bad_url_values_fall_back_with_notice():
    """(All pages' hostile values are swept by test_all_pages; here: several at once.)"""
    params, defaults = (
        {"lr1": "abc", "steps": "-5", "n": "x" * 300, "surface": "nope", "log": "maybe"},
        {"lr1": 0.02, "steps": 100, "n": 4, "surface": "ravine", "log": True},
    )
    at = open_page(FILE, params=params)
    assert_clean(at)
    assert charts(at)
    for key, default in defaults.items():
        assert at.session_state[key] == default, key
    notices = " ".join(i.value for i in at.info)
    assert "cannot use" in notices and ("abc" in notices or "1e308" in notices)


def test_play_advances_the_frame():
    at = open_page(FILE)
    at.button(key="fan_reset_btn").click().run()
    assert at.session_state["fan_frame"] == 0
    at.button(key="fan_play_btn").click().run()
    assert at.session_state["fan_playing"]
    at.run()
    assert at.session_state["fan_frame"] > 0
    assert_clean(at)


def test_frame_payload_is_small():
    at = open_page(FILE, params={"steps": "500", "n": "5"})
    spec = charts(at)[0].proto.spec
    assert len(spec) < 60_000
