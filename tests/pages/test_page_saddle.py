"""The saddle-point lesson (A4): renders in both languages, the stall statements match runs
computed with sim directly (stalled and left, stuck on the ridge, fast, brushed, diverged),
bad URL values fall back; the player's frames and every chart that follows it hold the
engine's numbers at each step; unit tests of the stall measure."""

import json
import math

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

FILE = "pages/04_saddle_points.py"
S = get_surface("saddle")


def runs(y0=1e-6, lr=0.1, steps=200, noise=0.1, seed=0, mu=0.9, x0=-2.8):
    gd = descent.run(S, make_optimizer("sgd", learning_rate=lr), (x0, y0), steps)
    noisy = descent.run(
        S, make_optimizer("sgd", learning_rate=lr), (x0, y0), steps, noise=noise, seed=seed
    )
    mom = descent.run(S, make_optimizer("sgd", learning_rate=lr, momentum=mu), (x0, y0), steps)
    return gd, noisy, mom


def test_default_statement_matches_runs():
    gd, noisy, mom = runs()
    text = notice_text(at := open_page(FILE))
    assert_clean(at)
    st = descent_facts.saddle_stall(gd, S)
    reach = descent_facts.outcome(gd, S).step
    assert st.slow_steps > 30  # GD crawls past the saddle
    assert (
        f"**GD** spent **{st.slow_steps} steps** crawling past the saddle with |∇f| < 0.05 "
        f"(slowest {st.min_gradient:.2g}); it left after step {st.last + 1} and settled in a "
        f"minimum after {reach} steps" in text
    )
    sn = descent_facts.saddle_stall(noisy, S)
    assert sn.slow_steps == 0
    assert (
        f"**GD + noise 0.1** never slowed below |∇f| = 0.05 near the saddle and settled in a "
        f"minimum after **{descent_facts.outcome(noisy, S).step} steps**" in text
    )
    sm = descent_facts.saddle_stall(mom, S)
    assert 0 < sm.slow_steps <= 3
    assert f"**momentum 0.9** only brushed the saddle (|∇f| < 0.05 for just {sm.slow_steps}" in text
    n_reach, m_reach = descent_facts.outcome(noisy, S).step, descent_facts.outcome(mom, S).step
    assert n_reach < reach and m_reach < reach
    assert (
        f"Plain GD needed **{reach} steps** to settle; with gradient noise it took "
        f"**{n_reach}**, with momentum **{m_reach}**." in text
    )


def test_exactly_on_the_ridge_gd_stays():
    gd, _, mom = runs(y0=0.0)
    at = open_page(FILE, params={"y0": "0.0"})
    assert_clean(at)
    text = notice_text(at)
    st = descent_facts.saddle_stall(gd, S)
    assert descent_facts.outcome(gd, S).kind == "moving"
    assert f"**GD** spent **{st.slow_steps} steps** crawling at the saddle" in text
    assert "had still not reached a minimum after 200 steps" in text
    assert "exactly on the ridge" in text
    sm = descent_facts.saddle_stall(mom, S)
    assert descent_facts.outcome(mom, S).kind == "moving"
    assert f"**momentum 0.9** spent **{sm.slow_steps} steps** crawling at the saddle" in text


def test_divergence_branch():
    _, noisy, mom = runs(lr=2.0)
    at = open_page(FILE, params={"lr": "2.0"})
    assert_clean(at)
    assert f"**momentum 0.9** diverged at step {mom.diverged_at}" in notice_text(at)
    assert f"**GD + noise 0.1** diverged at step {noisy.diverged_at}" in notice_text(at)


def test_far_from_ridge_no_stall():
    gd = runs(y0=0.5)[0]
    at = open_page(FILE, params={"y0": "0.5"})
    text = notice_text(at)
    reach = descent_facts.outcome(gd, S).step
    steps = [descent_facts.outcome(r, S).step for r in runs(y0=0.5)]
    assert steps[1] >= steps[0]  # far from the ridge the extra push does not pay off
    assert (
        f"Steps to settle: plain GD **{steps[0]}**, with gradient noise **{steps[1]}**, "
        f"with momentum **{steps[2]}**." in text
    )
    assert (
        f"**GD** never slowed below |∇f| = 0.05 near the saddle and settled in a minimum "
        f"after **{reach} steps**" in text
    )


def test_weights_statement():
    at = open_page(FILE, params={"dims": "2"})
    assert "with chance **0.25**" in notice_text(at)
    at = open_page(FILE, params={"dims": "1000000"})
    exp = round(1_000_000 * math.log10(2))  # 301030
    assert exp == 301030 and "about **1 in 10³⁰¹⁰³⁰**" in notice_text(at)


def test_saddle_stall_units():
    traj = descent.run(S, make_optimizer("sgd", learning_rate=0.1), (-2.8, 0.0), 100)
    st = descent_facts.saddle_stall(traj, S, threshold=0.05)
    g = np.hypot(*traj.grad.T)
    near = np.hypot(*traj.xy.T) < np.min(
        [np.hypot(traj.xy[:, 0] - m.x, traj.xy[:, 1] - m.y) for m in S.minima], axis=0
    )
    assert st.slow_steps == int(np.sum(near & (g < 0.05)))
    assert st.last == 100  # on the ridge: it never leaves
    bowl = get_surface("bowl")  # no saddles: no stall
    assert descent_facts.saddle_stall(descent.run(bowl, "sgd", (1, 1), 10), bowl).slow_steps == 0
    assert descent_facts.minimum_odds_log10(10) == pytest.approx(math.log10(2**-10))


def test_bad_url_values_fall_back_with_notice():
    """(All pages' hostile values are swept by test_all_pages; here: several at once.)"""
    params, defaults = (
        {"y0": "abc", "steps": "-5", "noise": "x" * 300, "x0": "1e308"},
        {"y0": 1e-6, "steps": 200, "noise": 0.1, "x0": -2.8},
    )
    at = open_page(FILE, params=params)
    assert_clean(at)
    assert charts(at)
    for key, default in defaults.items():
        assert at.session_state[key] == default, key
    notices = " ".join(i.value for i in at.info)
    assert "cannot use" in notices and ("abc" in notices or "1e308" in notices)


def rows_of(chart, columns: set):
    return next(f for f in chart_datasets(chart).values() if {"series", "step", *columns} <= set(f))


def test_player_and_frames_follow_the_runs():
    """Surface, readout and slope chart all follow the player; step k's row of each run
    is the engine's step k (ball, |∇f|), and a diverged run's rows say so."""
    at = open_page(FILE, params={"steps": "60"})
    assert_clean(at)
    data = player_data(at, "sad")
    assert data["frames"] == 61 and data["start"] == 60 and data["live"] is None
    assert data["labels"]["unit"] == "Step"
    assert len(frame_charts(at, "sad")) == 3
    surface, readout, slope = charts(at)[:3]
    balls, numbers = rows_of(surface, {"x", "y", "loss"}), rows_of(readout, {"g", "gone"})
    for name, traj in zip(("GD", "GD + noise 0.1", "momentum 0.9"), runs(steps=60), strict=True):
        mine = balls[balls["series"] == name].sort_values("step")
        np.testing.assert_allclose(mine[["x", "y"]].to_numpy(), traj.xy)
        np.testing.assert_allclose(mine["loss"], traj.loss)
        g = numbers[numbers["series"] == name].sort_values("step")["g"]
        np.testing.assert_allclose(g, np.hypot(*traj.grad.T))
    line = rows_of(slope, {"g"})
    assert len(line) == 3 * 61 and (line["g"] > 0).all()
    spec = json.dumps(frame_charts(at, "sad"))
    assert "datum.step <= sad_frame" in spec and "datum.step == sad_frame" in spec


def test_diverged_run_rows_stay_finite():
    mom = runs(lr=2.0, steps=60)[2]
    assert mom.diverged_at is not None
    at = open_page(FILE, params={"lr": "2.0", "steps": "60"})
    assert_clean(at)
    numbers = rows_of(charts(at)[1], {"g", "gone"})
    mine = numbers[numbers["series"] == "momentum 0.9"].sort_values("step")
    assert (mine["gone"].to_numpy() == (mine["step"].to_numpy() >= mom.diverged_at)).all()
    for chart in charts(at):
        for frame in chart_datasets(chart).values():
            assert np.isfinite(frame.select_dtypes("number").to_numpy(dtype=float)).all()
    # the slope chart's line stops at the last finite step
    line = rows_of(charts(at)[2], {"g"})
    assert line[line["series"] == "momentum 0.9"]["step"].max() == mom.diverged_at - 1


def _snap(point):
    import streamlit as st

    from sim.surfaces import get_surface
    from ui import multi_view

    st.session_state["chart"] = {"selection": {"place": [] if point is None else [point]}}
    offsets = (-0.5, -0.01, 0.0, 1e-6, 0.01, 0.5)
    multi_view.on_click_snap("chart", get_surface("saddle"), offsets)()


@pytest.mark.parametrize(
    ("point", "expected"),
    [({"cx": 1.234, "cy": 0.004}, (1.23, 1e-6)), ({"cx": -9.0, "cy": 0.3}, (-3.0, 0.5))],
)
def test_click_snaps_the_start_to_an_offset(point, expected):
    """A click on the saddle chart sets x0 (clipped to the window) and the nearest offset."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_function(_snap, kwargs={"point": point})
    at.run()
    assert not at.exception
    assert (at.session_state["x0"], at.session_state["y0"]) == expected


def test_a_malformed_click_changes_nothing():
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_function(_snap, kwargs={"point": {"cx": "nan", "cy": None}})
    at.run()
    assert not at.exception
    assert "x0" not in at.session_state
