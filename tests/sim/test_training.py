"""sim.training: the recorded run a training lesson draws."""

import numpy as np
import pytest

from charts import boundary
from sim.datasets import make_dataset
from sim.training import NetSpec, build_model, class_count, grid_points, train


@pytest.fixture(scope="module")
def moons():
    x, y = make_dataset("moons", 200, noise=0.2, seed=1)
    return x, y


def test_record_of_a_run(moons):
    x, y = moons
    task, k = class_count("moons", y)
    r = train(
        x,
        y,
        NetSpec((16,)),
        task,
        k,
        epochs=12,
        batch_size=32,
        validation_split=0.25,
        seed=3,
        evaluate={"all": (x, y)},
    )
    assert r.epochs == list(range(1, 13))
    assert set(r.history) == {"loss", "accuracy", "val_loss", "val_accuracy"}
    assert r.updates_per_epoch == int(np.ceil(150 / 32))
    assert len(r.batch_losses) == 12 * r.updates_per_epoch
    assert r.snapshot_epochs == list(range(13))  # 0 = before training
    assert len(r.grid_predictions) == 13 and r.grid_predictions[0].shape == (60 * 60, 1)
    assert r.final["all"]["accuracy"] > 0.7
    frame = r.frame()
    assert set(frame["metric"]) == set(r.history)


def test_same_seed_same_run(moons):
    x, y = moons
    a = train(x, y, NetSpec((8,), dropout=0.2), "binary", 2, epochs=5, seed=4)
    b = train(x, y, NetSpec((8,), dropout=0.2), "binary", 2, epochs=5, seed=4)
    assert a.history == b.history


def test_early_stopping_epochs_are_one_based(moons):
    x, y = moons
    r = train(
        x,
        y,
        NetSpec((64, 64)),
        "binary",
        2,
        epochs=200,
        batch_size=8,
        validation_split=0.3,
        learning_rate=0.02,
        early_stopping={"patience": 3, "restore_best_weights": True},
    )
    assert r.stopped_reason == "early_stopping"
    assert r.stopped_epoch == r.epochs[-1]
    best = int(np.argmin(r.history["val_loss"])) + 1
    assert r.best_epoch == best


def test_remedy_layers_and_keras_lines():
    spec = NetSpec((8, 4), dropout=0.3, batchnorm=True, input_noise=0.1, l2=0.01)
    model = build_model(spec, 2, "multiclass", 3)
    names = [type(layer).__name__ for layer in model.layers]
    assert names == [
        "GaussianNoise",
        "Dense",
        "BatchNormalization",
        "Dropout",
        "Dense",
        "BatchNormalization",
        "Dropout",
        "Dense",
    ]
    lines = spec.keras_lines(2, "multiclass", 3)
    assert lines[0].startswith("GaussianNoise(0.1")
    assert lines[-1] == 'Dense(3, activation="softmax", kernel_regularizer=l2(0.01)),'
    assert all("kernel_regularizer=l2(0.01)" in line for line in lines if "Dense(" in line)


def test_grid_and_boundary_png(moons):
    x, _ = moons
    points, ((x0, _x1), (_y0, y1)) = grid_points(x, 20)
    assert points.shape == (400, 2) and x0 < x[:, 0].min() and y1 > x[:, 1].max()
    url = boundary.boundary_url(np.linspace(0, 1, 400), 20, 2)
    assert (
        url.startswith(("data:image/webp;base64,", "data:image/png;base64,")) and len(url) < 60_000
    )
    url3 = boundary.boundary_url(np.random.default_rng(0).dirichlet([1, 1, 1], 400), 20, 3)
    assert url3.startswith(("data:image/webp;base64,", "data:image/png;base64,"))


def test_regression_gets_a_line_grid():
    x, y = make_dataset("sine", 100, seed=0)
    r = train(x, y, NetSpec((16,), activation="tanh"), "regression", None, epochs=3)
    assert "accuracy" not in r.history and r.grid.shape == (200, 1)
