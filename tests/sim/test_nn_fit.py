"""Sequential.compile/fit/evaluate/predict: Keras semantics, determinism, divergence, learning."""

import math

import numpy as np
import pytest

from sim.datasets import make_dataset, mock_exam_batches
from sim.nn import (
    L2,
    BatchLogger,
    BatchNormalization,
    Callback,
    Dense,
    Dropout,
    EpochSnapshots,
    GaussianNoise,
    Sequential,
    memory_estimate,
    updates_per_epoch,
)
from sim.optimizers import make_optimizer


def sigmoid(v):
    return 1 / (1 + math.exp(-v))


def small_model(seed=0, extra=()):
    model = Sequential(
        [Dense(8, activation="relu", input_dim=2), *extra, Dense(1, activation="sigmoid")],
        seed=seed,
    )
    model.compile(
        optimizer=make_optimizer("sgd", learning_rate=0.1, momentum=0.9),
        loss="binary_crossentropy",
        metrics=["accuracy"],
    )
    return model


@pytest.fixture(scope="module")
def moons():
    return make_dataset("moons", 100, noise=0.2, seed=3)


def test_one_step_by_hand():
    """2-2-1 net (sigmoid hidden, linear output), mse, sgd lr 0.1, one sample."""
    w1 = [[0.1, 0.2], [0.3, -0.4]]
    b1 = [0.0, 0.1]
    w2 = [[0.5], [-0.6]]
    b2 = [0.2]
    x, y, lr = [1.0, 2.0], 1.0, 0.1
    # forward
    z = [x[0] * w1[0][j] + x[1] * w1[1][j] + b1[j] for j in range(2)]  # 0.7, -0.5
    h = [sigmoid(v) for v in z]
    out = h[0] * w2[0][0] + h[1] * w2[1][0] + b2[0]
    loss = (out - y) ** 2
    # backward
    d_out = 2 * (out - y)
    d_w2 = [h[0] * d_out, h[1] * d_out]
    d_h = [d_out * w2[0][0], d_out * w2[1][0]]
    d_z = [d_h[j] * h[j] * (1 - h[j]) for j in range(2)]
    d_w1 = [[x[i] * d_z[j] for j in range(2)] for i in range(2)]
    expected = [
        [[w1[i][j] - lr * d_w1[i][j] for j in range(2)] for i in range(2)],
        [b1[j] - lr * d_z[j] for j in range(2)],
        [[w2[0][0] - lr * d_w2[0]], [w2[1][0] - lr * d_w2[1]]],
        [b2[0] - lr * d_out],
    ]
    model = Sequential([Dense(2, activation="sigmoid", input_dim=2), Dense(1)])
    model.set_weights([np.array(w1), np.array(b1), np.array(w2), np.array(b2)])
    model.compile(optimizer=make_optimizer("sgd", learning_rate=lr), loss="mse")
    history = model.fit(np.array([x]), np.array([y]), batch_size=1, epochs=1, shuffle=False)
    assert history.history["loss"] == [pytest.approx(loss, rel=1e-12)]
    for got, want in zip(model.get_weights(), expected, strict=True):
        np.testing.assert_allclose(got, np.array(want), rtol=1e-12)
    np.testing.assert_allclose(model.layers[0].z[0], z)
    np.testing.assert_allclose(model.layers[1].dW[:, 0], d_w2)
    # train_on_batch is the same step
    twin = Sequential([Dense(2, activation="sigmoid", input_dim=2), Dense(1)])
    twin.set_weights([np.array(w1), np.array(b1), np.array(w2), np.array(b2)])
    twin.compile(optimizer=make_optimizer("sgd", learning_rate=lr), loss="mse")
    assert twin.train_on_batch(np.array([x]), np.array([y])) == pytest.approx(loss, rel=1e-12)
    for got, want in zip(twin.get_weights(), model.get_weights(), strict=True):
        np.testing.assert_array_equal(got, want)


def test_steps_per_epoch_and_partial_last_batch(moons):
    x, y = moons
    log = BatchLogger()
    history = small_model().fit(x, y, batch_size=32, epochs=2, callbacks=[log])
    assert history.params == {"verbose": 0, "epochs": 2, "steps": 4, "batch_size": 32}
    assert updates_per_epoch(100, 32) == 4 and updates_per_epoch(2000, 200) == 10
    assert log.sizes == [32, 32, 32, 4] * 2
    assert log.batches == [0, 1, 2, 3] * 2 and log.epochs == [0] * 4 + [1] * 4
    assert history.epoch == [0, 1] and len(history.epoch_times) == 2
    # epoch loss = batch-size-weighted mean of the batch losses (Keras' running mean)
    for e in range(2):
        losses = np.array(log.losses[4 * e : 4 * e + 4])
        sizes = np.array(log.sizes[4 * e : 4 * e + 4])
        assert history.history["loss"][e] == pytest.approx((losses * sizes).sum() / 100)
    assert log.to_frame().shape == (8, 5)


def test_validation_split_takes_the_last_rows(moons):
    x, y = moons
    seen = []

    class Rows(Callback):
        def on_train_batch_begin(self, batch, logs=None):
            pass

        def on_train_batch_end(self, batch, logs=None):
            seen.append(self.model.layers[0].inputs.copy())

    history = small_model().fit(
        x, y, batch_size=10, epochs=2, validation_split=0.25, callbacks=[Rows()]
    )
    trained = np.concatenate(seen[:8])
    assert len(trained) == 75  # int(100 * 0.75)
    assert {tuple(r) for r in trained} == {tuple(r) for r in x[:75]}
    # the same as handing the tail over as validation_data, and val = evaluate on the tail
    other = small_model()
    h2 = other.fit(x[:75], y[:75], batch_size=10, epochs=2, validation_data=(x[75:], y[75:]))
    assert history.history == h2.history
    loss, acc = other.evaluate(x[75:], y[75:])
    assert h2.history["val_loss"][-1] == pytest.approx(loss, rel=1e-12)
    assert h2.history["val_accuracy"][-1] == pytest.approx(acc)


def test_validation_never_changes_weights(moons):
    x, y = moons
    a, b = (
        small_model(extra=(Dropout(0.2), BatchNormalization(), GaussianNoise(0.1)))
        for _ in range(2)
    )
    ha = a.fit(x, y, batch_size=16, epochs=3)
    hb = b.fit(x, y, batch_size=16, epochs=3, validation_data=(x[:30], y[:30]))
    assert ha.history["loss"] == hb.history["loss"]
    for wa, wb in zip(a.get_weights(), b.get_weights(), strict=True):
        np.testing.assert_array_equal(wa, wb)  # moving statistics included
    before = b.get_weights()
    b.evaluate(x, y)
    b.predict(x)
    for w0, w1 in zip(before, b.get_weights(), strict=True):
        np.testing.assert_array_equal(w0, w1)


def test_determinism_by_seed(moons):
    x, y = moons
    runs = [small_model(extra=(Dropout(0.3),)).fit(x, y, epochs=3, seed=5) for _ in range(2)]
    assert runs[0].history == runs[1].history
    other = small_model(extra=(Dropout(0.3),)).fit(x, y, epochs=3, seed=6)
    assert other.history != runs[0].history
    # seed=None derives from the model seed, deterministically
    m1, m2 = small_model(seed=2), small_model(seed=2)
    assert m1.fit(x, y, epochs=2).history == m2.fit(x, y, epochs=2).history
    assert m1.fit(x, y, epochs=1).seed == m2.fit(x, y, epochs=1).seed != 2


def test_shuffle_order_matches_mock_exam_batches():
    n, bs, seed = 100, 10, 9
    x = np.arange(n, dtype=float)[:, None]
    y = np.zeros(n)
    rows = []

    class Rows(Callback):
        def on_train_batch_end(self, batch, logs=None):
            rows.append(self.model.layers[0].inputs[:, 0].astype(int))

    model = Sequential([Dense(1, activation="sigmoid", input_dim=1)])
    model.compile(make_optimizer("sgd", learning_rate=0.0), "binary_crossentropy")
    model.fit(x, y, batch_size=bs, epochs=3, seed=seed, callbacks=[Rows()])
    for epoch in range(3):
        batch_of, updates = mock_exam_batches(n, bs, epoch, seed)
        assert updates == 10
        for b in range(updates):
            assert sorted(rows[epoch * 10 + b]) == sorted(np.flatnonzero(batch_of == b))
    assert not np.array_equal(
        mock_exam_batches(n, bs, 0, seed)[0], mock_exam_batches(n, bs, 1, seed)[0]
    )


def test_divergence_keeps_history_finite():
    x, y = make_dataset("line", 64, seed=1)
    model = Sequential([Dense(8, activation="relu", input_dim=1), Dense(1)], seed=0)
    model.compile(make_optimizer("sgd", learning_rate=5.0), "mse")
    history = model.fit(x, y * 100, batch_size=8, epochs=20)
    assert history.stopped_reason == "diverged"
    assert set(history.diverged) == {"epoch", "batch"}
    assert all(np.isfinite(v) for v in history.history.get("loss", []))
    assert len(history.history.get("loss", [])) == history.diverged["epoch"]
    assert np.isfinite(model.predict(x)).all()
    assert all(np.isfinite(w).all() for w in model.get_weights())
    # a finite loss whose update overflows the weights: caught at the epoch's end
    model = Sequential([Dense(1, input_dim=1)], seed=0)
    start = model.get_weights()
    model.compile(make_optimizer("sgd", learning_rate=1e308), "mse")
    history = model.fit(x, y * 1e3, batch_size=64, epochs=3)
    assert history.diverged == {"epoch": 0, "batch": 0} and history.history == {}
    for w, w0 in zip(model.get_weights(), start, strict=True):
        np.testing.assert_array_equal(w, w0)
    calm = small_model().fit(*make_dataset("moons", 50, seed=0), epochs=2)
    assert calm.diverged is None and calm.stopped_reason is None


def test_time_budget_stops_after_an_epoch(moons):
    x, y = moons
    history = small_model().fit(x, y, epochs=50, time_budget=1e-9)
    assert history.stopped_reason == "time_budget" and history.epoch == [0]


def test_initial_epoch_and_stop_training(moons):
    x, y = moons
    history = small_model().fit(x, y, epochs=5, initial_epoch=2)
    assert history.epoch == [2, 3, 4]

    class StopAt(Callback):
        def on_train_batch_end(self, batch, logs=None):
            if batch == 1:
                self.model.stop_training = True

    log = BatchLogger()
    history = small_model().fit(x, y, batch_size=10, epochs=5, callbacks=[StopAt(), log])
    assert history.epoch == [0] and len(log.losses) == 2
    assert history.stopped_reason == "stop_training"
    assert history.history["loss"][0] == pytest.approx(np.mean(log.losses))


def test_evaluate_predict_weights_summary(moons):
    x, y = moons
    model = small_model(extra=(BatchNormalization(),))
    loss, acc = model.evaluate(x, y)
    assert 0 <= acc <= 1 and loss > 0
    plain = Sequential([Dense(1, input_dim=2)])
    plain.compile("sgd", "mse")
    assert isinstance(plain.evaluate(x, y), float)
    assert model.predict(x).shape == (100, 1)
    np.testing.assert_allclose(model.predict(x, batch_size=7), model.predict(x))
    assert [w.shape for w in model.get_weights()] == [
        (2, 8),
        (8,),
        (8,),
        (8,),
        (8,),
        (8,),
        (8, 1),
        (1,),
    ]
    assert model.count_params() == 24 + 32 + 9
    text = model.summary()
    assert "dense (Dense)" in text and "(None, 8)" in text and "Total params: 65" in text
    assert "Non-trainable params: 16" in text
    ws = [w + 1 for w in model.get_weights()]
    model.set_weights(ws)
    np.testing.assert_array_equal(model.get_weights()[0], ws[0])
    with pytest.raises(ValueError, match="shape"):
        model.set_weights([np.zeros((3, 8)), *ws[1:]])


def test_l2_penalty_is_in_the_reported_loss(moons):
    x, y = moons
    model = Sequential(
        [
            Dense(4, activation="tanh", input_dim=2, kernel_regularizer=L2(0.01)),
            Dense(1, activation="sigmoid", kernel_regularizer=0.02),
        ]
    )
    model.compile("adam", "binary_crossentropy")
    k1, k2 = model.layers[0].kernel, model.layers[1].kernel
    p = model.predict(x)
    bce = np.mean(-(y * np.log(p[:, 0]) + (1 - y) * np.log(1 - p[:, 0])))
    expected = bce + 0.01 * np.sum(k1**2) + 0.02 * np.sum(k2**2)
    assert model.evaluate(x, y) == pytest.approx(expected, rel=1e-12)


def test_input_validation(moons):
    x, y = moons
    model = Sequential([Dense(1, activation="sigmoid", input_dim=2)])
    with pytest.raises(ValueError, match="compile"):
        model.fit(x, y)
    model.compile("adam", "binary_crossentropy")
    with pytest.raises(ValueError, match="batch_size"):
        model.fit(x, y, batch_size=0)
    with pytest.raises(ValueError, match="samples"):
        model.fit(x, y[:50])
    with pytest.raises(ValueError, match="feature"):
        model.fit(x[:, :1], y)
    with pytest.raises(ValueError, match="2-D"):
        model.predict(x[:, 0])
    with pytest.raises(ValueError, match="output unit"):
        model.fit(x, np.zeros((100, 2)))
    with pytest.raises(ValueError, match="validation_split"):
        model.fit(x[:1], y[:1], validation_split=0.5)
    with pytest.raises(ValueError, match="unknown loss"):
        model.compile("adam", "hinge")
    three = Sequential([Dense(3, activation="softmax", input_dim=2)])
    three.compile("adam", "categorical_crossentropy")
    with pytest.raises(ValueError, match="sparse_categorical_crossentropy"):
        three.fit(x, y)
    with pytest.raises(ValueError, match="unknown optimizer"):
        model.compile("adamw", "mse")


def test_epoch_snapshots_start_before_training(moons):
    x, y = moons
    grid = np.array([[0.0, 0.0], [1.0, 0.5]])
    snaps = EpochSnapshots(fn=lambda m: m.predict(grid))
    model = small_model()
    before = model.predict(grid)
    model.fit(x, y, epochs=3, callbacks=[snaps])
    assert snaps.epochs == [0, 1, 2, 3]
    np.testing.assert_array_equal(snaps.values[0], before)
    np.testing.assert_array_equal(snaps.values[-1], model.predict(grid))
    np.testing.assert_array_equal(snaps.snapshots[-1]["weights"][0], model.get_weights()[0])


def test_memory_estimate_grows_with_batch():
    model = Sequential([Dense(16, activation="relu", input_dim=2), Dense(1, "sigmoid")])
    model.compile("adam", "binary_crossentropy")
    small, big = memory_estimate(model, 10), memory_estimate(model, 100)
    # input 2 + dense z,a 32 + output z,a 2 = 36 floats per sample
    assert small["activations"] == 10 * 36 * 8 and big["activations"] == 100 * 36 * 8
    assert small["parameters"] == big["parameters"] == 65 * 8
    assert small["optimizer_state"] == 2 * 65 * 8  # Adam keeps m and v
    assert big["total"] > small["total"]


def test_learns_moons():
    x, y = make_dataset("moons", 400, noise=0.1, seed=1)
    model = Sequential(
        [
            Dense(16, activation="relu", input_dim=2),
            Dense(16, activation="relu"),
            Dense(1, activation="sigmoid"),
        ],
        seed=0,
    )
    model.compile(
        make_optimizer("adam", learning_rate=0.01), "binary_crossentropy", metrics=["accuracy"]
    )
    history = model.fit(x, y, batch_size=32, epochs=40, validation_split=0.25)
    assert history.history["val_accuracy"][-1] >= 0.95


def test_learns_spiral():
    x, y = make_dataset("spiral", 600, noise=0.05, seed=0)
    model = Sequential(
        [
            Dense(32, activation="relu", input_dim=2),
            Dense(32, activation="relu"),
            Dense(3, activation="softmax"),
        ],
        seed=0,
    )
    model.compile(
        make_optimizer("adam", learning_rate=0.01),
        "sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )
    history = model.fit(x, y, batch_size=32, epochs=60, validation_split=0.25)
    assert history.history["val_accuracy"][-1] >= 0.90
    onehot = Sequential(
        [
            Dense(32, activation="relu", input_dim=2),
            Dense(32, activation="relu"),
            Dense(3, activation="softmax"),
        ],
        seed=0,
    )
    onehot.compile(
        make_optimizer("adam", learning_rate=0.01), "categorical_crossentropy", metrics=["accuracy"]
    )
    h2 = onehot.fit(x, np.eye(3)[y], batch_size=32, epochs=60, validation_split=0.25)
    np.testing.assert_allclose(h2.history["val_accuracy"], history.history["val_accuracy"])
