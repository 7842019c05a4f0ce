"""The adaptive-rates lesson (A6, A7): renders, its statements match runs computed with sim
directly in every reachable branch, bad URL values fall back; the player gets the whole run
and every chart following it holds the engine's numbers at each frame."""

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

from lessons import adaptive_rates
from sim import descent
from sim.optimizers import make_optimizer
from sim.surfaces import get_surface
from ui.descent_view import fmt

FILE = "pages/06_adaptive_rates.py"


def summaries(surface="ravine", lr=0.05, rho=0.9, acc0=0.1, steps=200, start=None):
    s = get_surface(surface)
    start = start or s.default_start
    ada = descent.run(
        s, make_optimizer("adagrad", learning_rate=lr, initial_accumulator_value=acc0), start, steps
    )
    rms = descent.run(s, make_optimizer("rmsprop", learning_rate=lr, rho=rho), start, steps)
    gd = descent.run(s, make_optimizer("sgd", learning_rate=lr), start, steps)
    adam = descent.run(s, make_optimizer("adam", learning_rate=lr), start, steps)
    return (
        adaptive_rates.summarize("a", ada, s),
        adaptive_rates.summarize("r", rms, s),
        adaptive_rates.summarize("g", gd, s),
        adaptive_rates.summarize("d", adam, s),
    )


def test_default_run_statement_and_player():
    """The default view (the ravine): charts, every sentence read off the runs, the
    player."""
    a, r, g, d = summaries()
    assert a.reached < 0 and r.reached >= 0
    at = open_page(FILE)
    assert_clean(at)
    assert len(charts(at)) >= 5  # surface, two step-size charts, memory, loss
    text = notice_text(at)
    ax0, ay0 = a.rate_first
    assert f"step size of **{fmt(ax0, 3)}** for x and **{fmt(ay0, 3)}** for y" in text
    assert "Parameter **y** had the larger gradients" in text
    assert f"fell to **{fmt(a.rate_last[0], 2)}** (from {fmt(ax0, 2)})" in text
    assert f"still **{fmt(a.distance, 2)}** from the minimum" in text
    assert f"never fell below **{fmt(r.rate_min[0], 2)}**" in text
    assert f"**arrived at step {r.reached}**" in text
    assert f"is still {fmt(g.distance, 2)} from the minimum after 200 steps" in text
    # RMSprop arrives and stays: no hops at the default rate
    assert not r.hops and "hops around the minimum" not in text
    assert d.reached < 0
    assert f"Adam, with the same learning rate 0.05, is still {fmt(d.distance, 2)}" in text

    data = player_data(at, "adaptive")
    assert data["frames"] == 201 and data["start"] == 200 and data["live"] is None
    assert data["labels"]["unit"] == "Step"
    # surface, readout, loss, the two step-size charts: all follow the same frame
    assert len(frame_charts(at, "adaptive")) == 5


def dataset_with(chart, columns: set):
    return next(f for f in chart_datasets(chart).values() if columns <= set(f))


def test_frames_hold_the_engines_numbers():
    """What each frame shows is the engine's: the balls' points and losses, the step sizes
    of the update leaving each point in the readout, each racer's next step, and the
    step-size charts' frame markers at the update leaving the frame's point."""
    s = get_surface("ravine")
    at = open_page(FILE, params={"steps": "60"})
    assert_clean(at)
    surface_chart, readout, loss_chart, rate_x = charts(at)[:4]
    balls = dataset_with(surface_chart, {"series", "step", "x", "y", "loss"})
    steps_drawn = dataset_with(surface_chart, {"series", "step", "x2", "y2"})
    numbers = dataset_with(readout, {"ax", "ay", "rx", "ry", "stopped"})
    ada = descent.run(
        s, make_optimizer("adagrad", learning_rate=0.05, initial_accumulator_value=0.1),
        s.default_start, 60,
    )  # fmt: skip
    rms = descent.run(
        s, make_optimizer("rmsprop", learning_rate=0.05, rho=0.9), s.default_start, 60
    )
    for label, traj in (("Adagrad", ada), ("RMSprop", rms)):
        mine = balls[balls["series"] == label].sort_values("step")
        np.testing.assert_array_equal(mine["x"].to_numpy(), traj.xy[:, 0])
        np.testing.assert_array_equal(mine["loss"].to_numpy(), traj.loss)
        curve = dataset_with(loss_chart, {"series", "step", "loss"})
        curve = curve[curve["series"] == label].sort_values("step")
        np.testing.assert_array_equal(curve["loss"].to_numpy(), traj.loss)
        nxt = steps_drawn[(steps_drawn["series"] == label) & (steps_drawn["step"] == 10)]
        np.testing.assert_allclose(nxt[["x", "y"]].to_numpy()[0], traj.xy[10])
        # drawn to scale unless longer than a quarter of the window: the direction is exact
        move = traj.xy[11] - traj.xy[10]
        drawn = nxt[["x2", "y2"]].to_numpy()[0] - traj.xy[10]
        np.testing.assert_allclose(drawn / np.linalg.norm(drawn), move / np.linalg.norm(move))
    a_rates, r_rates = (
        adaptive_rates.applied_step_sizes(ada),
        adaptive_rates.applied_step_sizes(rms),
    )
    for frame in (0, 10, 60):
        row = numbers[numbers["step"] == frame].iloc[0]
        k = min(frame, 59)  # the last update's at the end
        assert (row["ax"], row["ay"]) == tuple(a_rates[k])
        assert (row["rx"], row["ry"]) == tuple(r_rates[k])
        assert row["stopped"] == ""
    rates = dataset_with(rate_x, {"series", "step", "rate", "frame"})
    ada_x = rates[rates["series"] == "Adagrad"]
    for frame in (0, 10, 60):
        at_frame = ada_x[ada_x["frame"] == frame]
        assert len(at_frame) == 1
        assert at_frame["rate"].iloc[0] == a_rates[min(frame, 59), 0]
    spec = json.dumps(frame_charts(at, "adaptive"))
    assert "NaN" not in spec and "Infinity" not in spec


def test_both_arrive_branch():
    a, r, _, _ = summaries("local_minima", lr=0.1)
    assert a.reached >= 0 and r.reached >= 0
    at = open_page(FILE, params={"surface": "local_minima", "lr": "0.1"})
    assert_clean(at)
    text = notice_text(at)
    assert f"**RMSprop at step {r.reached}**, **Adagrad at step {a.reached}**" in text


def test_adagrad_only_branch_in_korean():
    a, r, _, _ = summaries(lr=0.5)
    assert a.reached >= 0 and r.reached < 0
    at = open_page(FILE, lang="ko", params={"lr": "0.5"})
    assert_clean(at)
    assert len(charts(at)) >= 5
    text = notice_text(at)
    assert f"아다그라드는 **스텝 {a.reached}에서 도착했고**" in text
    assert f"**{fmt(r.distance, 2)}** 떨어져 있습니다" in text


def test_adagrad_only_while_rmsprop_is_still_far():
    a, r, _, _ = summaries("rosenbrock", lr=0.1, start=(1.8, 0.0))
    assert a.reached >= 0 and r.reached < 0 and r.distance > 1.5 * 0.1
    params = {"surface": "rosenbrock", "x0": "1.8", "y0": "0.0", "lr": "0.1"}
    at = open_page(FILE, params=params)
    assert_clean(at)
    text = notice_text(at)
    assert (
        f"Adagrad **arrived at step {a.reached}**; RMSprop is still **{fmt(r.distance, 2)}**"
        in text
    )
    assert "hopping" not in text


def test_neither_branch_and_hyperparameters():
    a, r, _, d = summaries(lr=0.01, rho=0.5, acc0=1.0, steps=100)
    assert a.reached < 0 and r.reached < 0
    at = open_page(FILE, params={"lr": "0.01", "rho": "0.5", "acc0": "1.0", "steps": "100"})
    assert_clean(at)
    text = notice_text(at)
    assert f"Adagrad is **{fmt(a.distance, 2)}** from the minimum" in text
    assert f"RMSprop **{fmt(r.distance, 2)}**" in text
    assert d.reached < 0
    assert f"Adam, with the same learning rate 0.01, is still {fmt(d.distance, 2)}" in text


def test_gd_diverges_and_adam_can_be_hidden():
    _, _, g, _ = summaries(lr=1.5)
    assert g.diverged_at is not None
    at = open_page(FILE, params={"lr": "1.5", "adam": "false"})
    assert_clean(at)
    text = notice_text(at)
    assert f"Plain GD with learning rate 1.5 diverged at step {g.diverged_at}" in text
    assert "Adam" not in text
    assert len(charts(at)) >= 5
    # the readout names the stopped run from the step it diverged at on, not before
    readout = charts(at)[1]
    numbers = next(f for f in chart_datasets(readout).values() if "stopped" in f)
    said = f"Diverged (ringed on the map): Plain GD (step {g.diverged_at})"
    stopped = numbers.set_index("step")["stopped"]
    assert stopped[g.diverged_at] == said and stopped[200] == said
    assert stopped[g.diverged_at - 1] == ""
    rings = next(
        f
        for f in chart_datasets(charts(at)[0]).values()
        if set(f.columns) == {"series", "step", "x", "y"}
    )
    assert list(rings["step"]) == [g.diverged_at]


def test_bad_url_values_fall_back():
    at = open_page(
        FILE, params={"lr": "abc", "steps": "-5", "rho": "x" * 300, "acc0": "7", "adam": "maybe"}
    )
    assert_clean(at)
    assert at.select_slider(key="lr").value == 0.05
    assert at.slider(key="steps").value == 200
    assert at.slider(key="rho").value == 0.9
    assert at.select_slider(key="acc0").value == 0.1
    assert at.toggle(key="adam").value is True
    notices = " ".join(i.value for i in at.info)
    assert "abc" in notices and "-5" in notices and "acc0=7" in notices
    assert "x" * 41 not in notices  # long values are cut


def test_rmsprop_hopping_is_said():
    """At 0.1 on the ravine RMSprop arrives, then its loss jumps back up by decades: the
    page says it hops around the minimum, with the peak it reached."""
    _, r, _, _ = summaries(lr=0.1)
    assert r.reached >= 0 and r.hops and r.hop_peak > 1e-3
    at = open_page(FILE, params={"lr": "0.1"})
    text = notice_text(at)
    assert f"from step {r.reached} on RMSprop stays near the minimum" in text
    assert f"(to {fmt(r.hop_peak, 2)})" in text and "hops around the minimum" in text
