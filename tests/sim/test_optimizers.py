"""Each optimizer against its update formula, written out independently of sim.optimizers."""

import numpy as np
import pytest

from sim.optimizers import SGD, Adagrad, Adam, RMSprop, make_optimizer

RNG_SEED = 7


def gradient_sequence(steps=50, shape=(3, 2), seed=RNG_SEED):
    rng = np.random.default_rng(seed)
    return [rng.normal(size=shape) for _ in range(steps)]


def run(opt, grads, p0):
    p, state = p0.copy(), opt.init(p0)
    for g in grads:
        p, state = opt.update(p, g, state)
    return p, state


@pytest.fixture
def p0():
    return np.random.default_rng(1).normal(size=(3, 2))


def test_keras_defaults():
    assert make_optimizer("sgd").hyperparameters == {
        "learning_rate": 0.01,
        "momentum": 0.0,
        "nesterov": False,
    }
    assert make_optimizer("momentum").momentum == 0.9
    assert make_optimizer("nesterov").nesterov is True
    assert make_optimizer("nesterov").momentum == 0.9
    assert make_optimizer("adagrad").hyperparameters == {
        "learning_rate": 0.001,
        "initial_accumulator_value": 0.1,
        "epsilon": 1e-7,
    }
    assert make_optimizer("rmsprop").hyperparameters == {
        "learning_rate": 0.001,
        "rho": 0.9,
        "epsilon": 1e-7,
    }
    assert make_optimizer("adam").hyperparameters == {
        "learning_rate": 0.001,
        "beta_1": 0.9,
        "beta_2": 0.999,
        "epsilon": 1e-7,
    }


def test_plain_gd(p0):
    grads = gradient_sequence()
    p, _ = run(make_optimizer("sgd", learning_rate=0.1), grads, p0)
    np.testing.assert_allclose(p, p0 - 0.1 * np.sum(grads, axis=0), rtol=1e-12)


@pytest.mark.parametrize("nesterov", [False, True])
def test_momentum(p0, nesterov):
    grads, lr, mu = gradient_sequence(), 0.05, 0.9
    # PyTorch's form: b <- mu b + g; p <- p - lr (g + mu b) for Nesterov, p - lr b otherwise
    p, b = p0.copy(), np.zeros_like(p0)
    for g in grads:
        b = mu * b + g
        p = p - lr * (g + mu * b if nesterov else b)
    ours, state = run(SGD(learning_rate=lr, momentum=mu, nesterov=nesterov), grads, p0)
    np.testing.assert_allclose(ours, p, rtol=1e-12)
    np.testing.assert_allclose(state["velocity"], -lr * b, rtol=1e-12)


def test_adagrad(p0):
    grads, lr, a0, eps = gradient_sequence(), 0.3, 0.1, 1e-7
    p, acc = p0.copy(), np.full_like(p0, a0)
    for g in grads:
        acc = acc + g**2
        p = p - lr * g / np.sqrt(acc + eps)
    ours, state = run(Adagrad(learning_rate=lr), grads, p0)
    np.testing.assert_allclose(ours, p, rtol=1e-12)
    np.testing.assert_allclose(state["accumulator"], acc, rtol=1e-12)
    np.testing.assert_allclose(Adagrad(learning_rate=lr).step_size(state), lr / np.sqrt(acc + eps))


def test_rmsprop(p0):
    grads, lr, rho, eps = gradient_sequence(), 0.01, 0.9, 1e-7
    p, s = p0.copy(), np.zeros_like(p0)
    for g in grads:
        s = rho * s + (1 - rho) * g**2
        p = p - lr * g / np.sqrt(s + eps)
    ours, state = run(RMSprop(learning_rate=lr, rho=rho), grads, p0)
    np.testing.assert_allclose(ours, p, rtol=1e-12)
    np.testing.assert_allclose(state["mean_square"], s, rtol=1e-12)


def test_adam(p0):
    grads, lr, b1, b2, eps = gradient_sequence(), 0.01, 0.9, 0.999, 1e-7
    p, m, v = p0.copy(), np.zeros_like(p0), np.zeros_like(p0)
    for t, g in enumerate(grads, start=1):
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g**2
        alpha = lr * np.sqrt(1 - b2**t) / (1 - b1**t)
        p = p - alpha * m / (np.sqrt(v) + eps)
    ours, state = run(Adam(learning_rate=lr), grads, p0)
    np.testing.assert_allclose(ours, p, rtol=1e-12)
    assert state["iterations"] == len(grads)


def test_update_is_functional(p0):
    opt = make_optimizer("adam", learning_rate=0.1)
    state = opt.init(p0)
    before = {k: np.copy(v) for k, v in state.items()}
    p_copy = p0.copy()
    opt.update(p0, np.ones_like(p0), state)
    np.testing.assert_array_equal(p0, p_copy)
    for k, v in before.items():
        np.testing.assert_array_equal(state[k], v)


def test_any_shape():
    opt = make_optimizer("rmsprop", learning_rate=0.1)
    for shape in [(2,), (5, 2), (4, 3, 2)]:
        p = np.ones(shape)
        new, state = opt.update(p, np.ones(shape), opt.init(p))
        assert new.shape == shape and state["mean_square"].shape == shape


@pytest.mark.parametrize(
    "name, kwargs",
    [
        ("nope", {}),
        ("sgd", {"rho": 0.9}),
        ("sgd", {"learning_rate": -1}),
        ("sgd", {"learning_rate": float("nan")}),
        ("momentum", {"momentum": 1.0}),
        ("adam", {"beta_1": 1.0}),
    ],
)
def test_bad_arguments(name, kwargs):
    with pytest.raises(ValueError):
        make_optimizer(name, **kwargs)
