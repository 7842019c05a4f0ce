"""Losses and metrics: Keras values, gradients against finite differences, fused gradients."""

import numpy as np
import pytest

from sim.nn import (
    accuracy,
    binary_crossentropy,
    categorical_crossentropy,
    get_loss,
    mse,
    sparse_categorical_crossentropy,
)
from sim.nn.activations import get_activation
from sim.nn.metrics import get_metric

H = 1e-6


def numeric_grad(f, arr):
    grad = np.zeros_like(arr)
    for i in np.ndindex(arr.shape):
        old = arr[i]
        arr[i] = old + H
        up = f()
        arr[i] = old - H
        down = f()
        arr[i] = old
        grad[i] = (up - down) / (2 * H)
    return grad


def softmax(z):
    return get_activation("softmax").forward(z)


def test_keras_values_by_hand():
    y = np.array([1.0, 0.0, 1.0])
    p = np.array([[0.9], [0.2], [0.6]])
    expected = -(np.log(0.9) + np.log(0.8) + np.log(0.6)) / 3
    assert get_loss("binary_crossentropy")(y, p) == pytest.approx(expected)
    np.testing.assert_allclose(binary_crossentropy(y, p), -np.log([0.9, 0.8, 0.6]))
    assert get_loss("mse")(y, p) == pytest.approx(((0.1**2) + 0.2**2 + 0.4**2) / 3)
    assert get_loss("mean_squared_error")([[1.0, 2.0]], [[0.0, 0.0]]) == pytest.approx(2.5)
    probs = np.array([[0.7, 0.2, 0.1], [0.1, 0.1, 0.8]])
    onehot = np.array([[1.0, 0, 0], [0, 1.0, 0]])
    np.testing.assert_allclose(categorical_crossentropy(onehot, probs), -np.log([0.7, 0.1]))
    np.testing.assert_allclose(sparse_categorical_crossentropy([0, 1], probs), -np.log([0.7, 0.1]))
    np.testing.assert_allclose(mse([[1.0, 2.0]], [[0.0, 0.0]]), [2.5])


def test_bce_clipping_like_keras():
    eps = 1e-7
    value = get_loss("binary_crossentropy")([1.0, 0.0], [[0.0], [1.0]])
    assert value == pytest.approx(-np.log(eps), rel=1e-6)
    assert np.isfinite(categorical_crossentropy([[1.0, 0.0]], [[0.0, 1.0]])).all()


def test_y_shape_n_and_n1_agree():
    rng = np.random.default_rng(0)
    p = rng.uniform(0.05, 0.95, size=(6, 1))
    y = (rng.random(6) < 0.5).astype(float)
    for name in ("mse", "binary_crossentropy"):
        loss = get_loss(name)
        assert loss(y, p) == loss(y[:, None], p)


@pytest.mark.parametrize(
    "name",
    ["mse", "binary_crossentropy", "categorical_crossentropy", "sparse_categorical_crossentropy"],
)
def test_loss_gradient_matches_finite_differences(name):
    rng = np.random.default_rng(1)
    loss = get_loss(name)
    if name in ("mse", "binary_crossentropy"):
        p = rng.uniform(0.1, 0.9, size=(5, 2))
        y = loss.prepare((rng.random((5, 2)) < 0.5).astype(float), 2)
    else:
        p = softmax(rng.normal(size=(5, 3)))
        y = loss.prepare(
            np.eye(3)[[0, 2, 1, 1, 0]] if name.startswith("cat") else np.array([0, 2, 1, 1, 0]), 3
        )
    analytic = loss.gradient(y, p)
    np.testing.assert_allclose(
        analytic, numeric_grad(lambda: loss.value(y, p), p), rtol=1e-6, atol=1e-9
    )
    # the scalar used in training equals the Keras-style per-sample mean
    assert loss.value(y, p) == pytest.approx(
        loss(y if "sparse" not in name else np.argmax(y, 1), p)
    )


@pytest.mark.parametrize(
    "name,act",
    [
        ("binary_crossentropy", "sigmoid"),
        ("categorical_crossentropy", "softmax"),
        ("sparse_categorical_crossentropy", "softmax"),
    ],
)
def test_fused_gradient_equals_unfused_chain_rule(name, act):
    rng = np.random.default_rng(2)
    loss, activation = get_loss(name), get_activation(act)
    k = 1 if act == "sigmoid" else 4
    z = rng.normal(size=(6, k))
    a = activation.forward(z)
    if act == "sigmoid":
        y = loss.prepare(rng.integers(0, 2, size=6), 1)
    else:
        y = (
            loss.prepare(rng.integers(0, k, size=6), k)
            if "sparse" in name
            else loss.prepare(np.eye(k)[rng.integers(0, k, size=6)], k)
        )
    unfused = activation.backward(loss.gradient(y, a), z, a)
    np.testing.assert_allclose(loss.gradient_logits(y, a), unfused, rtol=1e-9, atol=1e-14)
    # and both equal the numeric derivative of loss(activation(z))
    numeric = numeric_grad(lambda: loss.value(y, activation.forward(z)), z)
    np.testing.assert_allclose(loss.gradient_logits(y, a), numeric, rtol=1e-6, atol=1e-9)


def test_accuracy_kinds():
    p1 = np.array([[0.9], [0.4], [0.51], [0.2]])
    np.testing.assert_array_equal(accuracy([1, 0, 0, 1], p1), [1, 1, 0, 0])
    np.testing.assert_array_equal(accuracy(np.array([[1], [0], [0], [1]]), p1), [1, 1, 0, 0])
    p3 = np.array([[0.1, 0.7, 0.2], [0.5, 0.3, 0.2]])
    np.testing.assert_array_equal(accuracy([1, 2], p3), [1, 0])
    np.testing.assert_array_equal(accuracy(np.eye(3)[[1, 0]], p3), [1, 1])
    acc = get_metric("accuracy")
    assert acc.total(np.array([[1.0], [0.0]]), np.array([[0.7], [0.7]])) == 1.0
    assert acc.total(np.eye(3)[[1, 0]], p3) == 2.0


def test_unknown_names_raise():
    with pytest.raises(ValueError, match="unknown loss"):
        get_loss("hinge-ish")
    with pytest.raises(ValueError, match="unknown metric"):
        get_metric("f1")
    with pytest.raises(ValueError, match="labels"):
        get_loss("sparse_categorical_crossentropy").prepare(np.array([0, 3]), 3)


def test_from_logits_equals_probabilities_where_nothing_is_clipped():
    rng = np.random.default_rng(5)
    z = rng.normal(scale=3.0, size=(6, 1))
    y = rng.integers(0, 2, size=6).astype(float)
    p = get_activation("sigmoid").forward(z)
    np.testing.assert_allclose(
        binary_crossentropy(y, z, from_logits=True), binary_crossentropy(y, p), rtol=1e-12
    )
    z3 = rng.normal(scale=3.0, size=(6, 3))
    labels = rng.integers(0, 3, size=6)
    p3 = softmax(z3)
    np.testing.assert_allclose(
        categorical_crossentropy(np.eye(3)[labels], z3, from_logits=True),
        categorical_crossentropy(np.eye(3)[labels], p3),
        rtol=1e-12,
    )
    np.testing.assert_allclose(
        sparse_categorical_crossentropy(labels, z3, from_logits=True),
        sparse_categorical_crossentropy(labels, p3),
        rtol=1e-12,
    )


@pytest.mark.parametrize(
    "name,act",
    [
        ("binary_crossentropy", "sigmoid"),
        ("categorical_crossentropy", "softmax"),
        ("sparse_categorical_crossentropy", "softmax"),
    ],
)
def test_value_and_gradient_from_logits_agree_at_saturation(name, act):
    """Logits far past the clip (|z| up to 60): the value is uncapped (a wrong answer at
    z = -60 costs 60, not -log(1e-7) = 16.1) and its derivative is gradient_logits."""
    loss, activation = get_loss(name), get_activation(act)
    if act == "sigmoid":
        z = np.array([[-60.0], [-25.0], [40.0], [0.3]])
        y = loss.prepare(np.array([1, 1, 0, 1]), 1)
        assert loss.value_logits(y[:1], z[:1]) == pytest.approx(60.0, rel=1e-12)
    else:
        z = np.array([[-30.0, 30.0, 0.0], [45.0, -20.0, 1.0], [0.2, 0.1, -0.4]])
        y = loss.prepare(np.array([0, 1, 2]) if "sparse" in name else np.eye(3), 3)
        assert loss.value_logits(y[:1], z[:1]) == pytest.approx(60.0, rel=1e-12)
    assert loss.value_logits(y, z) > loss.value(y, activation.forward(z))  # the capped one
    numeric = numeric_grad(lambda: loss.value_logits(y, z), z)
    np.testing.assert_allclose(
        loss.gradient_logits(y, activation.forward(z)), numeric, rtol=1e-6, atol=1e-9
    )


def test_model_reports_the_logits_value_of_a_confident_wrong_answer():
    """A sigmoid output at z = -30 for label 1: fit, train_on_batch and evaluate all report
    the loss 30 (not the clipped 16.1), and the update uses the gradient p - y = -1."""
    from sim.nn import Dense, Sequential

    model = Sequential([Dense(1, activation="sigmoid", input_dim=1)], seed=0)
    model.compile("sgd", "binary_crossentropy", metrics=["accuracy"])
    model.set_weights([np.array([[-10.0]]), np.array([0.0])])
    x, y = np.array([[3.0]]), np.array([1.0])
    loss, acc = model.evaluate(x, y)
    assert loss == pytest.approx(30.0, rel=1e-12) and acc == 0.0
    history = model.fit(x, y, batch_size=1, epochs=1, shuffle=False)
    assert history.history["loss"] == [pytest.approx(30.0, rel=1e-12)]
    kernel, bias = model.get_weights()
    p = 1 / (1 + np.exp(30.0))
    assert bias[0] == pytest.approx(-0.01 * (p - 1.0), rel=1e-12)  # lr 0.01, dL/dz = p - 1
    assert kernel[0, 0] == pytest.approx(-10.0 - 0.01 * (p - 1.0) * 3.0, rel=1e-12)
    before = model.evaluate(x, y)[0]  # z = -29.9 after the step
    assert before == pytest.approx(29.9, rel=1e-12)
    assert model.train_on_batch(x, y)[0] == pytest.approx(before, rel=1e-12)
