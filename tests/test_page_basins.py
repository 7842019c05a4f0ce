"""The local-minima lesson (A3): renders in both languages, the shares in the statement match
a vectorized run computed with sim directly, bad URL values fall back, Play advances, and a
frame of 400 balls stays under 30 KB."""

import numpy as np
import pytest
from apptest_utils import assert_clean, charts, notice_text, open_page, reset_and_play

from sim import basins_map, caps, descent, run_facts
from sim import charts as sim_charts
from sim.optimizers import make_optimizer
from sim.surfaces import get_surface

FILE = "pages/03_local_minima.py"


def shares(surface="local_minima", optimizer="sgd", lr=0.1, side=16, steps=150, layout="grid"):
    s = get_surface(surface)
    if layout == "grid":
        starts = run_facts.start_grid(s.bounds, side)
    else:
        starts = run_facts.start_cloud(s.bounds, side * side, 0)
    traj = descent.run(s, make_optimizer(optimizer, learning_rate=lr), starts, steps)
    return run_facts.shares(run_facts.destinations(traj, s), s)


def pct(x):
    return f"{100 * x:.3g}"


def test_default_statement_matches_runs():
    at = open_page(FILE)
    text = notice_text(at)
    gd, mom, adam = shares(), shares(optimizer="momentum"), shares(optimizer="adam")
    assert gd["n"] == 256
    assert (
        f"**{pct(gd['global'])}%** of the 256 starts reached the global minimum, "
        f"{pct(gd['local'])}% stopped in a local minimum" in text
    )
    assert (
        f"**{pct(gd['global'])}%** with GD, **{pct(mom['global'])}%** with momentum "
        f"and **{pct(adam['global'])}%** with Adam" in text
    )
    # momentum rolls more balls into the deep well than plain GD on this surface
    assert mom["global"] > gd["global"]
    assert f"local minimum (-1.44, 0.48): {gd['counts'][1]} balls" in text
    # the learner's own ball from the default start stops in the local well with GD
    s = get_surface("local_minima")
    mine = run_facts.outcome(
        descent.run(s, make_optimizer("sgd", learning_rate=0.1), s.default_start, 150), s
    )
    assert mine.kind == "reached" and s.minima[mine.minimum].kind == "local"
    assert (
        f"**Your ball** (orange-red path), started at (-4.5, 1.5) with GD, ended in the **local "
        f"minimum (-1.44, 0.48)** after {mine.step} steps" in text
    )


def test_own_ball_with_momentum_reaches_the_global_well():
    at = open_page(FILE, params={"opt": "momentum"})
    assert_clean(at)
    s = get_surface("local_minima")
    mine = run_facts.outcome(
        descent.run(s, make_optimizer("momentum", learning_rate=0.1), s.default_start, 150), s
    )
    assert s.minima[mine.minimum].kind == "global"
    assert f"with Momentum, ended in the **global minimum (1.9, 0)** after {mine.step}" in (
        notice_text(at)
    )


def test_own_ball_diverges_and_wanders():
    at = open_page(FILE, params={"surface": "himmelblau", "lr": "0.05", "x0": "4.8", "y0": "4.8"})
    assert_clean(at)
    s = get_surface("himmelblau")
    mine = descent.run(s, make_optimizer("sgd", learning_rate=0.05), (4.8, 4.8), 150)
    assert mine.diverged_at is not None
    assert f"started at (4.8, 4.8) with GD, diverged at step {mine.diverged_at}" in notice_text(at)


def test_himmelblau_all_global_branch():
    at = open_page(FILE, params={"surface": "himmelblau", "opt": "momentum"})
    assert_clean(at)
    sh = shares("himmelblau", "momentum")
    assert f"**{pct(sh['global'])}%** of the 256 starts reached one of the 4 minima" in notice_text(
        at
    )


def test_saddle_row_stays_on_the_ridge():
    """An odd grid puts a row of starts exactly on y = 0: GD takes them to the saddle."""
    at = open_page(FILE, params={"surface": "saddle", "side": "9", "x0": "-2.8", "y0": "0"})
    assert_clean(at)
    sh = shares("saddle", side=9)
    assert sh["counts"][run_facts.NONE] == 9
    assert "9 balls reached no minimum within 150 steps" in notice_text(at)
    # the learner's own ball, placed on the ridge, rolls into the saddle and stays
    assert (
        "**Your ball** (orange-red path), started at (-2.8, 0) with GD, had not settled in any "
        "minimum after 150 steps" in notice_text(at)
    )


def test_divergence_branch():
    at = open_page(FILE, params={"surface": "himmelblau", "lr": "0.05"})
    assert_clean(at)
    sh = shares("himmelblau", lr=0.05)
    assert sh["counts"][run_facts.DIVERGED] > 0
    assert f"{sh['counts'][run_facts.DIVERGED]} balls diverged" in notice_text(at)


def test_cloud_layout_is_seeded():
    a = run_facts.start_cloud(((0, 1), (0, 1)), 50, 3)
    assert np.array_equal(a, run_facts.start_cloud(((0, 1), (0, 1)), 50, 3))
    at = open_page(FILE, params={"layout": "cloud", "side": "20"})
    assert_clean(at)
    sh = shares(side=20, layout="cloud")
    assert f"of the {caps.MAX_STARTS} starts" in notice_text(at)
    assert f"**{pct(sh['global'])}%**" in notice_text(at)


def test_bad_url_values_fall_back_with_notice():
    """(All pages' hostile values are swept by test_all_pages; here: several at once.)"""
    params, defaults = (
        {"side": "1e308", "steps": "-5", "opt": "x" * 300, "lr": "abc"},
        {"side": 16, "steps": 150, "opt": "sgd", "lr": 0.1},
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
    reset_and_play(at, "balls", ticks=1)


@pytest.mark.parametrize("surface", ["local_minima", "himmelblau", "saddle"])
def test_frame_payload_under_30_kb(surface):
    """The animated chart with the most balls allowed: map picture + 400 points."""
    s = get_surface(surface)
    starts = run_facts.start_grid(s.bounds, 20)
    assert len(starts) == caps.MAX_STARTS
    traj = descent.run(s, make_optimizer("momentum", learning_rate=0.1), starts, 150)
    dest = run_facts.destinations(traj, s)
    png = basins_map.basin_url(starts, dest, s)
    labels = {c: "label of some length (1.23, 4.56)" for c in basins_map.destination_codes(s)}
    chart = sim_charts.surface_view(
        png,
        s.bounds,
        [
            sim_charts.minima_layer(s, {"global": "global minimum", "local": "local minimum"}),
            basins_map.balls_layer(basins_map.balls_frame(traj.xy[:, -1], dest), s, labels),
        ],
    )
    assert len(chart.to_json(indent=None)) < 30_000
