"""The local-minima lesson (A3): renders in both languages, the shares in the statement match
a vectorized run computed with sim directly, bad URL values fall back; every ball is sent once
(held until it moves a pixel) and shown where the engine put it at every frame, the arrival
counts add up to the shares, and the data of 400 balls over 500 steps stays bounded."""

import json

import numpy as np
from apptest_utils import (
    assert_clean,
    chart_datasets,
    charts,
    frame_charts,
    notice_text,
    open_page,
    player_data,
)

from charts import descent_frames
from lessons import descent_facts
from sim import caps, descent
from sim.optimizers import make_optimizer
from sim.surfaces import get_surface
from ui import descent_view

FILE = "pages/03_local_minima.py"


def shares(surface="local_minima", optimizer="sgd", lr=0.1, side=16, steps=150, layout="grid"):
    s = get_surface(surface)
    if layout == "grid":
        starts = descent_facts.start_grid(s.bounds, side)
    else:
        starts = descent_facts.start_cloud(s.bounds, side * side, 0)
    traj = descent.run(s, make_optimizer(optimizer, learning_rate=lr), starts, steps)
    return descent_facts.shares(descent_facts.destinations(traj, s), s)


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
    mine = descent_facts.outcome(
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
    mine = descent_facts.outcome(
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
    assert sh["counts"][descent_facts.NONE] == 9
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
    assert sh["counts"][descent_facts.DIVERGED] > 0
    assert f"{sh['counts'][descent_facts.DIVERGED]} balls diverged" in notice_text(at)
    # a diverged ball leaves the map after its last finite step: no NaN/inf reaches a chart
    for chart in charts(at):
        for frame in chart_datasets(chart).values():
            assert np.isfinite(frame.select_dtypes("number").to_numpy(dtype=float)).all()


def test_cloud_layout_is_seeded():
    a = descent_facts.start_cloud(((0, 1), (0, 1)), 50, 3)
    assert np.array_equal(a, descent_facts.start_cloud(((0, 1), (0, 1)), 50, 3))
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


def rows_of(chart, columns: set):
    return next(f for f in chart_datasets(chart).values() if set(columns) <= set(f))


def shown_at(held, frame: int):
    """The ``held_balls`` rows the chart's filter keeps at ``frame``."""
    return held[(held["shown_from"] <= frame) & (frame < held["shown_until"])]


def test_player_and_balls_follow_the_run():
    """At every frame each ball is drawn once, within a pixel of the engine's position (at
    the engine's own position where a row starts) and coloured by its destination."""
    at = open_page(FILE, params={"side": "10", "steps": "80"})
    assert_clean(at)
    data = player_data(at, "balls")
    assert data["frames"] == 81 and data["start"] == 80 and data["labels"]["unit"] == "Step"
    assert len(frame_charts(at, "balls")) == 3  # map, readout, arrivals
    s = get_surface("local_minima")
    starts = descent_facts.start_grid(s.bounds, 10)
    traj = descent.run(s, make_optimizer("sgd", learning_rate=0.1), starts, 80)
    dest = descent_facts.destinations(traj, s)
    held = rows_of(charts(at)[0], {"ball", "shown_from", "shown_until", "x", "y", "d"})
    assert len(held) < 100 * 81  # settled balls cost nothing per frame
    (x0, x1), (y0, y1) = s.bounds
    width, height = descent_view.chart_size(s)
    for frame in (0, 1, 5, 40, 80):
        shown = shown_at(held, frame).sort_values("ball")
        assert list(shown["ball"]) == list(range(100))
        engine = traj.xy[:, frame]
        pixels = np.hypot(
            (shown["x"].to_numpy() - engine[:, 0]) * width / (x1 - x0),
            (shown["y"].to_numpy() - engine[:, 1]) * height / (y1 - y0),
        )
        assert pixels.max() < 1.0
        assert (shown["d"].astype(int).to_numpy() == dest).all()
    starting = held[held["shown_from"] > 0]
    np.testing.assert_array_equal(
        starting[["x", "y"]].to_numpy(), traj.xy[starting["ball"], starting["shown_from"]]
    )
    # the arrival counts of each step add up to the balls, and end at the shares
    counts = rows_of(charts(at)[2], {"step", "d", "count"})
    counts = counts.assign(d=counts["d"].astype(int))
    assert (counts.groupby("step")["count"].sum() == 100).all()
    final = counts[counts["step"] == 80].set_index("d")["count"]
    for code, count in descent_facts.shares(dest, s)["counts"].items():
        assert final[code] == count
    spec = json.dumps(frame_charts(at, "balls"))
    assert "datum.shown_from <= balls_frame && balls_frame < datum.shown_until" in spec


def test_own_ball_readout_rows_are_the_engine_run():
    at = open_page(FILE, params={"steps": "60"})
    assert_clean(at)
    s = get_surface("local_minima")
    own = descent.run(s, make_optimizer("sgd", learning_rate=0.1), s.default_start, 60)
    rows = rows_of(charts(at)[1], {"step", "x", "y", "loss", "settled", "gone"})
    rows = rows.sort_values("step")
    np.testing.assert_allclose(rows[["x", "y"]].to_numpy(), own.xy)
    np.testing.assert_allclose(rows["loss"], own.loss)
    assert not rows["gone"].any()
    starts = descent_facts.start_grid(s.bounds, 16)
    traj = descent.run(s, make_optimizer("sgd", learning_rate=0.1), starts, 60)
    reach = descent.steps_to_reach(traj, s)
    dest = descent_facts.destinations(traj, s)
    settled = [int(np.sum((dest >= 0) & (reach >= 0) & (reach <= k))) for k in range(61)]
    assert list(rows["settled"]) == settled


def test_most_balls_longest_run_stay_bounded():
    """400 balls with momentum over 500 steps: the data sent with the charts."""
    s = get_surface("himmelblau")
    starts = descent_facts.start_grid(s.bounds, 20)
    traj = descent.run(s, make_optimizer("momentum", learning_rate=0.01), starts, 500)
    div = np.asarray(traj.diverged_at)
    last = np.where(div < 0, traj.steps, div - 1)
    held = descent_frames.held_balls(traj.xy, last, s.bounds, descent_view.chart_size(s))
    assert len(held) < 0.2 * 400 * 501  # measured 29.8k rows: 15% of every ball x step
