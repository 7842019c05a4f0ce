"""lessons.adaptive_rates (what the adaptive-rate and race lessons read off a run) against the
update formulas, and charts.optimizer_paths (fixed looks per optimizer, finite specs)."""

import json

import numpy as np
import pandas as pd
import pytest

from charts import optimizer_paths
from lessons import adaptive_rates
from sim import descent
from sim.optimizers import make_optimizer
from sim.surfaces import get_surface

RAVINE = get_surface("ravine")


def run(name, steps=40, surface=RAVINE, start=None, **hyper):
    opt = make_optimizer(name, **hyper)
    return descent.run(surface, opt, start or surface.default_start, steps)


@pytest.mark.parametrize("name", ["sgd", "adagrad", "rmsprop"])
def test_applied_rate_is_step_over_gradient(name):
    traj = run(name, learning_rate=0.1)
    rates = adaptive_rates.applied_step_sizes(traj)
    moved = (traj.xy[:-1] - traj.xy[1:]) / traj.grad[:-1]
    assert rates.shape == (40, 2)
    assert rates == pytest.approx(moved, rel=1e-9)


def test_adam_rate_multiplies_its_first_moment():
    traj = run("adam", learning_rate=0.1)
    rates = adaptive_rates.applied_step_sizes(traj)
    moved = (traj.xy[:-1] - traj.xy[1:]) / traj.internals["m"]
    assert rates == pytest.approx(moved, rel=1e-9)
    # first step: bias-corrected m / sqrt(v) is sign(g), so each axis moves by lr
    assert np.abs(traj.xy[1] - traj.xy[0]) == pytest.approx([0.1, 0.1], rel=1e-5)


def test_adagrad_rate_formula_and_it_only_shrinks():
    lr, acc0 = 0.2, 0.3
    traj = run("adagrad", learning_rate=lr, initial_accumulator_value=acc0)
    g2 = np.cumsum(traj.grad[:-1] ** 2, axis=0)
    expected = lr / np.sqrt(acc0 + g2 + 1e-7)
    rates = adaptive_rates.applied_step_sizes(traj)
    assert rates == pytest.approx(expected, rel=1e-12)
    assert (np.diff(rates, axis=0) <= 0).all()


def test_rmsprop_rate_formula_and_it_grows_again():
    lr, rho = 0.1, 0.9
    traj = run("rmsprop", steps=200, learning_rate=lr, rho=rho)
    s = np.zeros(2)
    expected = []
    for g in traj.grad[:-1]:
        s = rho * s + (1 - rho) * g * g
        expected.append(lr / np.sqrt(s + 1e-7))
    rates = adaptive_rates.applied_step_sizes(traj)
    assert rates == pytest.approx(np.array(expected), rel=1e-10)
    assert rates[-1, 0] > 10 * rates[:, 0].min()  # forgets: the rate rises near the minimum


def test_momentum_rate_is_the_learning_rate():
    traj = run("momentum", learning_rate=0.05)
    assert adaptive_rates.applied_step_sizes(traj) == pytest.approx(np.full((40, 2), 0.05))


def test_zero_steps_and_divergence_stay_finite():
    assert adaptive_rates.applied_step_sizes(run("adagrad", steps=0)).shape == (0, 2)
    traj = run("sgd", steps=40, learning_rate=2.0)
    k = traj.diverged_at
    assert k is not None
    rates = adaptive_rates.applied_step_sizes(traj)
    assert np.isfinite(rates).all()
    assert (rates[k - 1 :] == rates[k - 2]).all()


def test_summarize_reads_the_run():
    traj = run("rmsprop", steps=200, learning_rate=0.1)
    s = adaptive_rates.summarize("r", traj, RAVINE)
    assert s.reached == descent.steps_to_reach(traj, RAVINE) >= 0
    assert s.final_loss == traj.loss[-1]
    assert s.distance == pytest.approx(float(np.hypot(*traj.xy[-1])))  # minimum at (0, 0)
    rates = adaptive_rates.applied_step_sizes(traj)
    assert s.rate_first == tuple(rates[0])
    assert s.rate_last == tuple(rates[-1])
    assert s.rate_min == tuple(rates.min(axis=0))


def test_hops_after_arriving_are_loss_spikes_of_a_decade():
    """RMSprop at lr 0.1 on the ravine arrives, then hops around the minimum: its loss,
    measured above the minimum, climbs more than ten times above its low after the low."""
    traj = run("rmsprop", steps=200, learning_rate=0.1)
    s = adaptive_rates.summarize("r", traj, RAVINE)
    above = traj.loss[s.reached :] - RAVINE.min_value
    low_at = int(np.argmin(above))
    peak = above[low_at:].max()
    assert s.hops == (peak > adaptive_rates.HOP_VISIBLE and peak > 10 * above[low_at])
    assert s.hop_peak == pytest.approx(peak + RAVINE.min_value)
    assert s.hops  # the case the lesson explains
    # plain GD with a small rate slides into the bowl without coming back up
    bowl = get_surface("bowl")
    calm = adaptive_rates.summarize(
        "g", run("sgd", steps=200, surface=bowl, learning_rate=0.1), bowl
    )
    assert calm.reached >= 0 and not calm.hops


def test_summarize_a_diverged_run():
    traj = run("sgd", steps=40, learning_rate=2.0)
    s = adaptive_rates.summarize("g", traj, RAVINE)
    assert s.diverged_at == traj.diverged_at and s.reached == -1
    assert s.final_loss == traj.loss[traj.diverged_at - 1]
    assert np.isfinite([s.final_loss, s.distance, *s.rate_last]).all()


def test_race_table_order():
    def summary(label, reached=-1, diverged=None, loss=1.0):
        return adaptive_rates.RunSummary(
            label, reached, diverged, loss, 0.0, (1, 1), (1, 1), (1, 1)
        )

    runs = [
        summary("late_div", diverged=30),
        summary("slow", reached=50),
        summary("moving_low", loss=0.1),
        summary("early_div", diverged=3),
        summary("fast", reached=10),
        summary("moving_high", loss=5.0),
    ]
    order = [s.label for s in adaptive_rates.race_table(runs)]
    assert order == ["fast", "slow", "moving_low", "moving_high", "late_div", "early_div"]


def test_frames_leave_out_diverged_tails():
    good = run("adagrad", steps=30, learning_rate=0.1)
    bad = run("sgd", steps=30, learning_rate=2.0)
    rates = adaptive_rates.rates_frame({"a": good, "g": bad})
    assert len(rates[rates.series == "a"]) == 2 * 30
    assert rates[rates.series == "g"].step.max() == bad.diverged_at - 1
    assert np.isfinite(rates.rate).all()
    memory = adaptive_rates.memory_frame({"a": (good, "accumulator"), "none": (good, "m")})
    assert set(memory.series) == {"a"}
    x = memory[memory.axis == "x"].value.to_numpy()
    assert x == pytest.approx(good.internals["accumulator"][:, 0])
    assert list(adaptive_rates.rates_frame({}).columns) == ["series", "axis", "step", "rate"]


def test_stopped_points_appear_from_the_diverging_step():
    bad = run("sgd", steps=30, learning_rate=2.0)
    runs = {"GD": bad, "ok": run("adam", steps=30, learning_rate=0.1)}
    k = bad.diverged_at
    assert adaptive_rates.stopped_points(runs, k - 1).empty
    rows = adaptive_rates.stopped_points(runs, k)
    assert list(rows.series) == ["GD"] and list(rows.step) == [k]
    assert rows[["x", "y"]].to_numpy()[0] == pytest.approx(bad.xy[k - 1])


def test_keras_call():
    assert adaptive_rates.keras_call("nesterov", (("learning_rate", 0.001), ("momentum", 0.9))) == (
        "keras.optimizers.SGD(learning_rate=0.001, momentum=0.9, nesterov=True)"
    )
    assert adaptive_rates.keras_call(
        "adam", {"beta_2": 0.999, "beta_1": 0.9, "learning_rate": 0.1}
    ) == ("keras.optimizers.Adam(learning_rate=0.1, beta_1=0.9, beta_2=0.999)")
    assert adaptive_rates.keras_call("adagrad", {"learning_rate": 0.5}) == (
        "keras.optimizers.Adagrad(learning_rate=0.5)"
    )


def _scale(spec, channel):
    return next(
        layer["encoding"][channel]["scale"]
        for layer in spec.get("layer", [spec])
        if channel in layer.get("encoding", {})
    )


def test_each_optimizer_keeps_its_look_whatever_is_shown():
    frame = pd.DataFrame({"series": ["B", "A"], "step": [0, 0], "value": [1.0, 2.0]})
    both = optimizer_paths.styled_lines(frame, {"A": "adam", "B": "sgd"}, "step", "v").to_dict()
    alone = optimizer_paths.styled_lines(frame[:1], {"B": "sgd"}, "step", "v").to_dict()
    scale = _scale(both, "color")
    colours = dict(zip(scale["domain"], scale["range"], strict=True))
    assert colours == {
        "A": optimizer_paths.OPTIMIZER_STYLE["adam"][0],
        "B": optimizer_paths.OPTIMIZER_STYLE["sgd"][0],
    }
    assert _scale(alone, "color")["range"] == [optimizer_paths.OPTIMIZER_STYLE["sgd"][0]]


def test_log_lines_drop_values_that_are_not_positive():
    frame = pd.DataFrame({"series": "A", "step": [0, 1, 2], "value": [1.0, 0.0, -1.0]})
    chart = optimizer_paths.styled_lines(frame, {"A": "rmsprop"}, "step", "v", log_y=True)
    assert len(chart.data) == 1
    assert chart.to_dict()["encoding"]["y"]["scale"]["type"] == "log"


def test_stopped_layer_and_paths_serialise_finite():
    bounds = RAVINE.bounds
    empty = adaptive_rates.stopped_points({}, 0)
    spec = json.dumps(optimizer_paths.stopped_layer(empty, bounds, {"GD": "sgd"}).to_dict())
    assert "NaN" not in spec
    far = pd.DataFrame({"series": ["GD"], "step": [3], "x": [1e6], "y": [-50.0]})
    ring = optimizer_paths.stopped_layer(far, bounds, {"GD": "sgd"})
    # just inside the window's bottom-right corner, where it flew off
    assert ring.data[["x", "y"]].to_numpy()[0] == pytest.approx([8 - 0.64, -3 + 0.24])
    traj = run("adagrad", steps=5, learning_rate=0.1)
    paths = traj.to_frame().drop(columns="start").assign(series="A")
    spec = json.dumps(optimizer_paths.styled_paths(paths, bounds, {"A": "adagrad"}).to_dict())
    assert "NaN" not in spec and "triangle-down" in spec


def test_styled_paths_announce_the_ball_not_every_dot():
    """Screen readers get each optimizer's ball (with its tooltip) and line, not a dot per
    step."""
    traj = run("adam", steps=5, learning_rate=0.1)
    paths = traj.to_frame().drop(columns="start").assign(series="A")
    line, dots, ball = optimizer_paths.styled_paths(
        paths, ((-8, 8), (-3, 3)), {"A": "adam"}
    ).to_dict()["layer"]
    assert dots["mark"]["aria"] is False and dots["mark"]["size"] == 12
    assert "aria" not in ball["mark"] and "tooltip" in ball["encoding"]
    assert "aria" not in line["mark"]
