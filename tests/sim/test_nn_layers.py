"""Every layer's backward pass against central finite differences, and Keras layer semantics."""

import numpy as np
import pytest

from sim.nn import L2, BatchNormalization, Dense, Dropout, GaussianNoise, Sequential

H = 1e-6


def numeric_grad(f, arr):
    """Central differences of the scalar f() with respect to every entry of arr (in place)."""
    grad = np.zeros_like(arr)
    it = np.nditer(arr, flags=["multi_index"])
    for _ in it:
        i = it.multi_index
        old = arr[i]
        arr[i] = old + H
        up = f()
        arr[i] = old - H
        down = f()
        arr[i] = old
        grad[i] = (up - down) / (2 * H)
    return grad


def check_layer(layer, x, training, extra_loss=lambda: 0.0, reseed=None, weights=()):
    """Loss = sum(G * layer(x)) + extra; compare backward's gradients with numeric ones."""
    rng = np.random.default_rng(1)
    out = layer.forward(x, training)
    g = rng.normal(size=out.shape)

    def loss():
        if reseed is not None:
            reseed()
        return float(np.sum(g * layer.forward(x, training))) + extra_loss()

    if reseed is not None:
        reseed()
    layer.forward(x, training)
    dx = layer.backward(g)
    grads = {name: getattr(layer, gname).copy() for name, gname in weights}
    np.testing.assert_allclose(dx, numeric_grad(loss, x), rtol=1e-6, atol=1e-8)
    for name, _ in weights:
        np.testing.assert_allclose(
            grads[name], numeric_grad(loss, getattr(layer, name)), rtol=1e-6, atol=1e-8
        )


@pytest.mark.parametrize("activation", ["linear", "relu", "tanh", "sigmoid", "softmax"])
def test_dense_gradients(activation):
    rng = np.random.default_rng(0)
    layer = Dense(4, activation=activation, input_dim=3)
    layer.build(3, rng)
    layer.bias = rng.normal(size=4)
    x = rng.normal(size=(5, 3))
    check_layer(layer, x, True, weights=[("kernel", "dW"), ("bias", "db")])


def test_dense_l2_gradient_includes_penalty():
    rng = np.random.default_rng(2)
    layer = Dense(3, activation="tanh", kernel_regularizer=L2(0.05))
    layer.build(2, rng)
    x = rng.normal(size=(4, 2))
    check_layer(
        layer,
        x,
        True,
        extra_loss=layer.regularization_loss,
        weights=[("kernel", "dW"), ("bias", "db")],
    )
    assert layer.regularization_loss() == pytest.approx(0.05 * np.sum(layer.kernel**2))
    assert Dense(1, kernel_regularizer=0.3).kernel_regularizer == L2(0.3)


def test_dense_cache_names():
    layer = Dense(2, activation="relu")
    x = np.array([[1.0, -2.0, 0.5]])
    a = layer.forward(x)
    assert layer.inputs is x
    np.testing.assert_allclose(layer.z, x @ layer.kernel + layer.bias)
    np.testing.assert_allclose(layer.a, np.maximum(layer.z, 0))
    assert a is layer.a and layer.W is layer.kernel and layer.b is layer.bias
    layer.backward(np.ones((1, 2)))
    assert layer.dW.shape == (3, 2) and layer.db.shape == (2,) and layer.dinputs.shape == (1, 3)


def test_dropout_gradient_with_fixed_mask():
    layer = Dropout(0.4)
    x = np.random.default_rng(3).normal(size=(6, 5))

    def reseed():
        layer.rng = np.random.default_rng(7)

    check_layer(layer, x, True, reseed=reseed)
    assert set(np.unique(layer.mask)) <= {0.0, 1 / 0.6}


def test_dropout_is_inverted_and_training_only():
    layer = Dropout(0.25, seed=0)
    x = np.ones((20000, 1))
    out = layer.forward(x, training=True)
    assert abs(out.mean() - 1.0) < 0.02  # expected value kept by the 1/(1-rate) scaling
    assert abs((out == 0).mean() - 0.25) < 0.02
    assert layer.forward(x, training=False) is x
    with pytest.raises(ValueError):
        Dropout(1.0)


def test_gaussian_noise_gradient_and_inference():
    layer = GaussianNoise(0.3)
    x = np.random.default_rng(4).normal(size=(5, 2))

    def reseed():
        layer.rng = np.random.default_rng(11)

    check_layer(layer, x, True, reseed=reseed)
    assert layer.forward(x, training=False) is x
    big = GaussianNoise(0.5, seed=1).forward(np.zeros((50000, 1)), training=True)
    assert abs(big.std() - 0.5) < 0.01


def test_batchnorm_training_gradients():
    rng = np.random.default_rng(5)
    layer = BatchNormalization()
    layer.build(3)
    layer.gamma = rng.normal(size=3)
    layer.beta = rng.normal(size=3)
    x = rng.normal(size=(7, 3)) * 2 + 1
    check_layer(layer, x, True, weights=[("gamma", "dgamma"), ("beta", "dbeta")])


def test_batchnorm_inference_gradients():
    rng = np.random.default_rng(6)
    layer = BatchNormalization()
    layer.build(2)
    layer.set_weights(
        [rng.normal(size=2), rng.normal(size=2), rng.normal(size=2), rng.uniform(0.5, 2, size=2)]
    )
    x = rng.normal(size=(4, 2))
    check_layer(layer, x, False, weights=[("gamma", "dgamma"), ("beta", "dbeta")])


def test_batchnorm_keras_semantics():
    rng = np.random.default_rng(7)
    layer = BatchNormalization(momentum=0.9, epsilon=1e-3)
    x = rng.normal(size=(10, 2)) * 3 + 2
    out = layer.forward(x, training=True)
    mean, var = x.mean(0), x.var(0)  # biased variance
    np.testing.assert_allclose(out, (x - mean) / np.sqrt(var + 1e-3))
    np.testing.assert_allclose(layer.moving_mean, 0 * 0.9 + mean * 0.1)
    np.testing.assert_allclose(layer.moving_variance, 1 * 0.9 + var * 0.1)
    before = [w.copy() for w in layer.get_weights()]
    inf = layer.forward(x, training=False)
    np.testing.assert_allclose(inf, (x - layer.moving_mean) / np.sqrt(layer.moving_variance + 1e-3))
    for w, b in zip(layer.get_weights(), before, strict=True):
        np.testing.assert_array_equal(w, b)  # inference updates nothing
    assert [w.shape for w in layer.get_weights()] == [(2,)] * 4
    assert layer.trainable_names == ("gamma", "beta")


def test_glorot_init_seeded_and_built_at_construction():
    model = Sequential([Dense(5, activation="relu", input_dim=3), Dense(2)], seed=4)
    assert model.built
    rng = np.random.default_rng(4)
    limit1, limit2 = np.sqrt(6 / 8), np.sqrt(6 / 7)
    np.testing.assert_array_equal(model.layers[0].kernel, rng.uniform(-limit1, limit1, (3, 5)))
    np.testing.assert_array_equal(model.layers[1].kernel, rng.uniform(-limit2, limit2, (5, 2)))
    assert not model.layers[0].bias.any()
    lazy = Sequential([Dense(5, activation="relu"), Dense(2)], seed=4)
    assert not lazy.built
    lazy.predict(np.zeros((1, 3)))
    for a, b in zip(lazy.get_weights(), model.get_weights(), strict=True):
        np.testing.assert_array_equal(a, b)


def test_unknown_activation_and_bad_units():
    with pytest.raises(ValueError, match="unknown activation"):
        Dense(3, activation="swishy")
    with pytest.raises(ValueError, match="units"):
        Dense(0)
