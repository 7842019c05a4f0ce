"""descent.run: vectorized over starts, finite on divergence, seeded noise, frames."""

import numpy as np
import pytest

from sim import descent
from sim.optimizers import make_optimizer
from sim.surfaces import get_surface

OPTIMIZERS = [
    ("sgd", {"learning_rate": 0.01}),
    ("momentum", {"learning_rate": 0.005}),
    ("nesterov", {"learning_rate": 0.005}),
    ("adagrad", {"learning_rate": 0.5}),
    ("rmsprop", {"learning_rate": 0.05}),
    ("adam", {"learning_rate": 0.1}),
]


@pytest.mark.parametrize("name, kw", OPTIMIZERS)
def test_vectorized_equals_per_start(name, kw):
    s = get_surface("himmelblau")
    starts = np.random.default_rng(0).uniform(-4, 4, size=(12, 2))
    many = descent.run(s, make_optimizer(name, **kw), starts, 80)
    assert many.xy.shape == (12, 81, 2) and many.loss.shape == (12, 81)
    for i, start in enumerate(starts):
        one = descent.run(s, make_optimizer(name, **kw), tuple(start), 80)
        assert one.xy.shape == (81, 2)
        np.testing.assert_allclose(many.xy[i], one.xy, rtol=1e-12)
        np.testing.assert_allclose(many.loss[i], one.loss, rtol=1e-12)
        assert (one.diverged_at is None) == (many.diverged_at[i] == -1)


def test_plain_gd_formula_on_bowl():
    s = get_surface("bowl")
    traj = descent.run(s, make_optimizer("sgd", learning_rate=0.1), (2.0, -1.0), 10)
    # x_{k+1} = x_k - 0.1 * 2 x_k = 0.8 x_k
    np.testing.assert_allclose(traj.xy[:, 0], 2.0 * 0.8 ** np.arange(11))
    np.testing.assert_allclose(traj.loss, s.f(traj.xy[:, 0], traj.xy[:, 1]))
    assert traj.diverged_at is None


def test_divergence_is_detected_and_finite():
    s = get_surface("bowl")
    traj = descent.run(s, make_optimizer("sgd", learning_rate=1.5), (-2.4, 2.0), 200)
    # x_{k+1} = -2 x_k: the distance doubles every step until it leaves the escape box
    assert traj.diverged_at is not None and 3 < traj.diverged_at < 20
    assert np.all(np.isfinite(traj.xy)) and np.all(np.isfinite(traj.loss))
    assert np.all(np.isfinite(traj.grad))
    k = traj.diverged_at
    np.testing.assert_array_equal(traj.xy[k:], np.broadcast_to(traj.xy[k - 1], traj.xy[k:].shape))
    frame = traj.to_frame()
    assert frame["step"].max() == k - 1
    assert np.all(np.isfinite(frame[["x", "y", "loss"]].to_numpy()))
    for values in traj.internals.values():
        assert np.all(np.isfinite(values))


def test_divergence_to_overflow_many_starts():
    s = get_surface("rosenbrock")
    starts = np.array([[-1.5, 2.5], [0.5, 0.5], [1.2, 1.2]])
    traj = descent.run(s, make_optimizer("sgd", learning_rate=0.05), starts, 300)
    assert traj.diverged_at.shape == (3,) and np.all(traj.diverged_at > 0)
    assert np.all(np.isfinite(traj.xy)) and np.all(np.isfinite(traj.loss))
    assert np.all(descent.basins(traj, s) == -1)


def test_noise_is_seeded():
    s = get_surface("saddle")
    a = descent.run(s, "sgd", (-2.8, 0.01), 50, noise=0.5, seed=3)
    b = descent.run(s, "sgd", (-2.8, 0.01), 50, noise=0.5, seed=3)
    c = descent.run(s, "sgd", (-2.8, 0.01), 50, noise=0.5, seed=4)
    np.testing.assert_array_equal(a.xy, b.xy)
    assert not np.array_equal(a.xy, c.xy)


def test_internals_record_the_optimizer_state():
    s = get_surface("ravine")
    opt = make_optimizer("adagrad", learning_rate=0.5)
    traj = descent.run(s, opt, (-7.0, 2.0), 30)
    assert traj.internals["accumulator"].shape == (30, 2)
    # step k applies lr / sqrt(accumulator after adding step k's squared gradient + eps)
    acc_after = traj.internals["accumulator"]
    np.testing.assert_allclose(traj.internals["step_size"], 0.5 / np.sqrt(acc_after + 1e-7))
    moved = (traj.xy[:-1] - traj.xy[1:]) / traj.grad[:-1]
    np.testing.assert_allclose(traj.internals["step_size"], moved, rtol=1e-9)
    # and the accumulator is the sum of squared gradients seen so far
    np.testing.assert_allclose(
        traj.internals["accumulator"], 0.1 + np.cumsum(traj.grad[:-1] ** 2, axis=0)
    )


def test_basins_and_steps_to_reach():
    s = get_surface("himmelblau")
    starts = np.array([[1.0, 1.0], [-1.5, 1.5], [-1.5, -1.5], [1.5, -1.0]])
    traj = descent.run(s, make_optimizer("sgd", learning_rate=0.01), starts, 300)
    reached = descent.basins(traj, s)
    assert sorted(reached.tolist()) == [0, 1, 2, 3]
    steps = descent.steps_to_reach(traj, s)
    assert np.all(steps > 0)
    # after steps_to_reach every point is near its minimum
    for i, k in enumerate(steps):
        m = s.minima[reached[i]]
        d = np.hypot(traj.xy[i, k:, 0] - m.x, traj.xy[i, k:, 1] - m.y)
        assert d.max() <= descent.REACH_FRACTION * np.hypot(10, 10)


def test_bad_inputs():
    s = get_surface("bowl")
    with pytest.raises(ValueError):
        descent.run(s, "sgd", (0, 0), -1)
    with pytest.raises(ValueError):
        descent.run(s, "sgd", (np.nan, 0), 5)
    with pytest.raises(ValueError):
        descent.run(s, "sgd", np.zeros((3, 3)), 5)
    with pytest.raises(ValueError):
        descent.run(s, "sgd", (0, 0), 5, noise=-1)
