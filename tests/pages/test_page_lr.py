"""The learning-rate lesson (A2): renders in both languages, every statement branch matches
runs computed with sim directly, bad URL values fall back; the player gets the run's frames
and every chart that follows it holds the engine's numbers at each step, rate 1's series
for every option of its slider (live scrubbing)."""

import json

import numpy as np
import pytest
from apptest_utils import (
    assert_clean,
    chart_datasets,
    charts,
    frame_charts,
    notice_text,
    open_page,
    player_data,
)

from lessons import descent_facts
from sim import descent
from sim.optimizers import make_optimizer
from sim.surfaces import get_surface
from ui import descent_view

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
    slow = descent_facts.outcome(run("ravine", 0.02, steps=100), s)
    good = descent_facts.outcome(run("ravine", 0.5, steps=100), s)
    zig = descent_facts.outcome(run("ravine", 0.9, steps=100), s)
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
    assert descent_facts.critical_rate(s, *s.default_start) == pytest.approx(1.0)
    assert "At or above (diverge): 1.1, 2." in text
    r2 = run("bowl", 2.0)
    assert f"**lr 2** diverged at step {r2.diverged_at}" in text
    crawl = descent_facts.outcome(run("bowl", 0.01), s)
    assert f"only {100 * crawl.progress:.3g}% of the way down" in text
    assert "Below 1: 0.01, 0.5, 0.9." in text
    # on the round bowl 0.5 = 1 / curvature lands on the bottom at once; 0.9 zig-zags
    arrived = {lr: descent_facts.outcome(run("bowl", lr), s) for lr in (0.01, 0.5, 0.9)}
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
    crit = descent_facts.critical_rate(s, *s.default_start)
    glob = s.minima[0]
    at_min = descent_facts.critical_rate(s, glob.x, glob.y)
    text = notice_text(at)
    assert f"**2 / curvature = {crit:.3g}** there" in text
    assert f"global minimum it is {at_min:.3g}" in text


def test_downward_curvature_has_no_critical_rate():
    s = get_surface("himmelblau")
    assert s.curvature(*s.default_start) < 0  # the start sits by Himmelblau's central peak
    assert descent_facts.critical_rate(s, *s.default_start) is None
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


def sent_rows(at, columns: set, index: int = 0):
    """The per-step rows chart ``index`` (0: surface, 1: readout, 2: loss) was sent: the
    dataset holding ``columns``."""
    return next(
        frame
        for frame in chart_datasets(charts(at)[index]).values()
        if {"series", "run", "step", *columns} <= set(frame)
    )


def calculations(node) -> list[str]:
    """Every ``calculate`` expression in a spec (or list of specs)."""
    if isinstance(node, dict):
        found = [node["calculate"]] if isinstance(node.get("calculate"), str) else []
        return found + [e for value in node.values() for e in calculations(value)]
    if isinstance(node, list):
        return [e for value in node for e in calculations(value)]
    return []


def test_diverged_paths_stop_at_last_finite_point():
    at = open_page(FILE, params={"surface": "bowl", "lr4": "2.0", "steps": "50"})
    assert_clean(at)
    spec = json.loads(charts(at)[0].proto.spec)
    text = json.dumps(spec)
    assert "NaN" not in text and "Infinity" not in text
    r = run("bowl", 2.0)
    assert r.diverged_at is not None and r.xy.shape == (51, 2)
    for chart in charts(at):
        for frame in chart_datasets(chart).values():
            numbers = frame.select_dtypes("number").to_numpy(dtype=float)
            assert np.isfinite(numbers).all()
    balls = sent_rows(at, {"x", "loss"}).merge(sent_rows(at, {"gone"}, 1))
    rate4 = balls[balls["series"] == "Rate 4"].sort_values("step")
    # the ball stays at its last finite point; the readout says "diverged" from then on
    assert (rate4["gone"].to_numpy() == (rate4["step"].to_numpy() >= r.diverged_at)).all()
    held = rate4[rate4["gone"]]
    np.testing.assert_allclose(held["x"], r.xy[r.diverged_at - 1, 0])


def test_player_and_frames_follow_the_runs():
    """One player for the page; the surface, the readout and the loss chart all follow its
    frame, and the row of step k of each rate is the engine's step k."""
    params = {"surface": "ravine", "lr1": "0.05", "lr2": "0.5", "lr3": "0.9", "steps": "40"}
    at = open_page(FILE, params=params)
    assert_clean(at)
    data = player_data(at, "fan")
    assert data["frames"] == 41 and data["start"] == 40
    assert data["labels"]["unit"] == "Step"
    rates = descent_view.LEARNING_RATES
    assert data["live"] == {"widget": "lr1", "signal": "fan_run", "index": rates.index(0.05)}
    assert len(frame_charts(at, "fan")) == 3  # surface, readout, loss
    balls = (
        sent_rows(at, {"x", "loss", "live"})
        .merge(sent_rows(at, {"lr", "gone"}, 1))
        .merge(sent_rows(at, {"gap"}, 2), how="left")  # the loss chart leaves out "gone"
    )
    assert len(balls) == (len(rates) + 3) * 41
    s = get_surface("ravine")
    # rate 1 (live) holds a run for every option of its slider; the others one run each
    live = balls[balls["live"]]
    assert sorted(set(live["run"])) == list(range(len(rates)))
    assert set(balls[~balls["live"]]["series"]) == {"Rate 2", "Rate 3", "Rate 4"}
    for series, rate in (("Rate 1", 0.05), ("Rate 2", 0.5), ("Rate 3", 0.9), ("Rate 4", 1.1)):
        mine = balls[(balls["series"] == series) & (balls["run"] == rates.index(rate))]
        mine = mine.sort_values("step")
        r = run("ravine", rate, steps=40)
        last = r.steps if r.diverged_at is None else r.diverged_at - 1
        assert list(mine["step"]) == list(range(41))
        np.testing.assert_allclose(mine["x"].to_numpy()[: last + 1], r.xy[: last + 1, 0])
        np.testing.assert_allclose(mine["loss"].to_numpy()[: last + 1], r.loss[: last + 1])
        np.testing.assert_allclose(mine["lr"], rate)
        gap = np.maximum(r.loss[: last + 1] - s.min_value, 1e-12)
        np.testing.assert_allclose(mine["gap"].to_numpy()[: last + 1], gap)
    # the charts filter on the player's params: the frame, and the live run for rate 1
    spec = json.dumps(frame_charts(at, "fan"))
    assert "datum.step <= fan_frame" in spec and "datum.step == fan_frame" in spec
    assert "(!datum.live || datum.run == fan_run)" in spec


def test_korean_readout_and_player():
    at = open_page(FILE, lang="ko")
    assert_clean(at)
    data = player_data(at, "fan")
    assert data["labels"]["play"] == "재생" and data["labels"]["unit"] == "스텝"
    # the readout's Vega expressions hold the Korean templates as JSON string literals
    expressions = " ".join(calculations(frame_charts(at, "fan")))
    assert json.dumps("학습률 ")[1:-1] in expressions and json.dumps("발산")[1:-1] in expressions


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


def test_data_sent_once_stays_bounded():
    """The longest run with five rates: 30 live runs plus four, thinned paths."""
    at = open_page(FILE, params={"steps": "500", "n": "5"})
    assert_clean(at)
    sent = sum(len(c.proto.spec) for c in charts(at))
    sent += sum(len(d.data.data) for c in charts(at) for d in c.proto.datasets)
    assert sent < 2_500_000  # measured 2.06 MB: each chart gets only its columns
