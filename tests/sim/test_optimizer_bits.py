"""The updates of sim.optimizers, written with in-place steps for speed, give bit for bit the
numbers of their docstring formulas written plainly (one new array per operation), over many
steps and shapes, and never change their inputs."""

import numpy as np
import pytest

from sim.optimizers import make_optimizer

STEPS = 200
# a layer's kernel and bias, the 2D surfaces' batch of points, one point, a 3-D array
SHAPES = [(128, 128), (128,), (16, 1), (400, 2), (2,), (3, 4, 2)]


def plain_sgd(opt, p, g, state):
    lr, mu = opt.learning_rate, opt.momentum
    v = mu * state["velocity"] - lr * g
    p = p + mu * v - lr * g if opt.nesterov else p + v
    return p, {"velocity": v}


def plain_adagrad(opt, p, g, state):
    lr, eps = opt.learning_rate, opt.epsilon
    a = state["accumulator"] + g**2
    return p - lr * g / np.sqrt(a + eps), {"accumulator": a}


def plain_rmsprop(opt, p, g, state):
    lr, rho, eps = opt.learning_rate, opt.rho, opt.epsilon
    s = rho * state["mean_square"] + (1 - rho) * g * g
    return p - lr * g / np.sqrt(s + eps), {"mean_square": s}


def plain_adam(opt, p, g, state):
    lr, beta_1, beta_2, eps = opt.learning_rate, opt.beta_1, opt.beta_2, opt.epsilon
    t = state["iterations"] + 1
    m = state["m"] + (g - state["m"]) * (1 - beta_1)
    v = state["v"] + (g * g - state["v"]) * (1 - beta_2)
    alpha = lr * np.sqrt(1 - beta_2**t) / (1 - beta_1**t)
    return p - alpha * m / (np.sqrt(v) + eps), {"m": m, "v": v}


PLAIN = {"sgd": plain_sgd, "adagrad": plain_adagrad, "rmsprop": plain_rmsprop, "adam": plain_adam}
CASES = [
    ("sgd", {"learning_rate": 0.1}, "sgd"),
    ("momentum", {}, "sgd"),
    ("nesterov", {"learning_rate": 0.05}, "sgd"),
    ("adagrad", {"learning_rate": 0.1}, "adagrad"),
    ("rmsprop", {"learning_rate": 0.01, "rho": 0.8}, "rmsprop"),
    ("adam", {"learning_rate": 0.005}, "adam"),
    ("adam", {"learning_rate": 0.1, "beta_1": 0.5, "epsilon": 1e-3}, "adam"),
]


def gradients(shape, seed):
    """Gradients of every size, with exact zeros now and then (a dead relu unit)."""
    rng = np.random.default_rng(seed)
    for step in range(STEPS):
        g = rng.normal(size=shape) * rng.choice([1e-8, 1.0, 1e4])
        if step % 37 == 5:
            g[..., 0] = 0.0
        yield g


def assert_same(ours, plain):
    assert np.shape(ours) == np.shape(plain)
    assert np.array_equal(ours, plain), np.max(np.abs(np.asarray(ours) - plain))


@pytest.mark.parametrize("shape", SHAPES, ids=str)
@pytest.mark.parametrize("name, kwargs, rule", CASES, ids=lambda c: str(c))
def test_update_equals_plain_formula_bitwise(name, kwargs, rule, shape):
    opt = make_optimizer(name, **kwargs)
    p0 = np.random.default_rng(0).normal(size=shape)
    p, state = p0.copy(), opt.init(p0)
    q, plain_state = p0.copy(), {**opt.init(p0)}
    for g in gradients(shape, seed=len(shape) + 10 * len(name)):
        inputs = (p.copy(), g.copy(), {k: np.copy(v) for k, v in state.items()})
        new, new_state = opt.update(p, g, state)
        # update never changes its inputs
        np.testing.assert_array_equal(p, inputs[0])
        np.testing.assert_array_equal(g, inputs[1])
        for key, value in inputs[2].items():
            np.testing.assert_array_equal(state[key], value)
        q, changed = PLAIN[rule](opt, q, g, plain_state)
        plain_state = {**plain_state, **changed, "iterations": plain_state["iterations"] + 1}
        assert_same(new, q)
        for key in changed:
            assert_same(new_state[key], plain_state[key])
        assert new_state["iterations"] == plain_state["iterations"]
        p, state = new, new_state


SWEPT = [
    (name, kwargs, rule, swept)
    for name, kwargs, rule in CASES
    for swept in make_optimizer(name).hyperparameters
    if swept != "nesterov"
]


@pytest.mark.parametrize("name, kwargs, rule, swept", SWEPT, ids=lambda c: str(c))
def test_swept_hyperparameter_column_equals_plain_formula(name, kwargs, rule, swept):
    """``descent.sweep``: a column of values (n, 1) against a batch of n points (n, 2)."""
    column = np.linspace(0.01, 0.9, 30).reshape(-1, 1)
    opt = make_optimizer(name, **{**kwargs, swept: column})
    p0 = np.repeat(np.array([[0.7, -1.3]]), 30, axis=0)
    p, state = p0, opt.init(p0)
    q, plain_state = p0, opt.init(p0)
    for g in gradients((30, 2), seed=3):
        p, state = opt.update(p, g, state)
        q, changed = PLAIN[rule](opt, q, g, plain_state)
        plain_state = {**plain_state, **changed, "iterations": plain_state["iterations"] + 1}
        assert_same(p, q)


@pytest.mark.parametrize("name", ["sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adam"])
def test_non_finite_gradients_as_the_plain_formula(name):
    """A diverging run: inf and NaN gradients give the plain formula's numbers, signs of
    zeros and infinities included (NaN where it has NaN)."""
    rule = {"momentum": "sgd", "nesterov": "sgd"}.get(name, name)
    opt = make_optimizer(name)
    p = q = np.array([1.0, -2.0, 0.0, -0.0, 3.0])
    state = plain_state = opt.init(p)
    steps = [[np.inf, -np.inf, np.nan, 0.0, -0.0], [1e300, -1e300, 0.0, -0.0, 5e-324]] * 3
    with np.errstate(all="ignore"):
        for g in map(np.array, steps):
            p, state = opt.update(p, g, state)
            q, changed = PLAIN[rule](opt, q, g, plain_state)
            plain_state = {**plain_state, **changed, "iterations": plain_state["iterations"] + 1}
            assert np.array_equal(p, q, equal_nan=True)
            numbers = ~np.isnan(q)
            assert np.array_equal(np.signbit(p[numbers]), np.signbit(q[numbers]))
