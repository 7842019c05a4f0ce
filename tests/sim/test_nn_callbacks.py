"""EarlyStopping driven by scripted sequences (Keras 3 rule), and the page callbacks."""

import numpy as np
import pytest

from sim.datasets import make_dataset
from sim.nn import (
    BatchLogger,
    Dense,
    EarlyStopping,
    ProgressCallback,
    Sequential,
)
from sim.optimizers import make_optimizer


class FakeModel:
    """Weights = the index of the epoch that produced them."""

    def __init__(self):
        self.weights = [np.array([-1.0])]
        self.stop_training = False
        self.restored = None

    def get_weights(self):
        return [w.copy() for w in self.weights]

    def set_weights(self, ws):
        self.restored = ws
        self.weights = ws


def drive(callback, values, monitor="val_loss"):
    """Run the callback over a scripted sequence like fit would; returns epochs run."""
    model = FakeModel()
    callback.set_model(model)
    callback.on_train_begin({})
    ran = []
    for epoch, value in enumerate(values):
        model.weights = [np.array([float(epoch)])]
        callback.on_epoch_end(epoch, {monitor: value})
        ran.append(epoch)
        if model.stop_training:
            break
    callback.on_train_end({})
    return ran, model


def test_patience_rule():
    es = EarlyStopping(patience=2)
    ran, _ = drive(es, [1.0, 0.9, 0.95, 0.92, 0.91, 0.5])
    # epoch 2: wait 1; epoch 3: wait 2 >= 2 -> stop
    assert ran == [0, 1, 2, 3]
    assert es.stopped_epoch == 3 and es.best_epoch == 1 and es.best == 0.9


def test_patience_zero_never_stops_at_epoch_zero():
    es = EarlyStopping(patience=0)
    ran, _ = drive(es, [1.0, 1.2, 0.5])
    assert ran == [0, 1] and es.stopped_epoch == 1


def test_min_delta():
    # 0.95 and 0.92 improve on 1.0 by less than 0.1: not improvements
    es = EarlyStopping(patience=2, min_delta=0.1)
    ran, _ = drive(es, [1.0, 0.95, 0.92, 0.5])
    assert ran == [0, 1, 2] and es.best == 1.0 and es.best_epoch == 0
    es = EarlyStopping(patience=2, min_delta=0.1)
    ran, _ = drive(es, [1.0, 0.85, 0.8, 0.7, 0.69, 0.68])
    # 0.85 improves (by 0.15); 0.8 does not beat 0.85 by 0.1; 0.7 does (wait reset); then stop
    assert ran == [0, 1, 2, 3, 4, 5] and es.best_epoch == 3 and es.stopped_epoch == 5


def test_restore_best_weights_with_early_stop():
    es = EarlyStopping(patience=1, restore_best_weights=True)
    ran, model = drive(es, [1.0, 0.7, 0.8, 0.9])
    assert ran == [0, 1, 2] and es.best_epoch == 1
    assert model.restored[0][0] == 1.0


def test_restore_best_weights_without_early_stop():
    es = EarlyStopping(patience=10, restore_best_weights=True)
    ran, model = drive(es, [1.0, 0.4, 0.8, 0.9])
    assert ran == [0, 1, 2, 3] and es.stopped_epoch == 0
    assert model.restored[0][0] == 1.0  # Keras 3: restored at the end even without a stop
    es = EarlyStopping(patience=10)
    _, model = drive(es, [1.0, 0.4, 0.8])
    assert model.restored is None


def test_start_from_epoch():
    es = EarlyStopping(patience=1, start_from_epoch=3)
    ran, _ = drive(es, [0.1, 0.2, 0.3, 1.0, 1.1, 1.2])
    # the good early values are ignored: monitoring starts at epoch 3
    assert ran == [0, 1, 2, 3, 4] and es.best_epoch == 3 and es.best == 1.0


def test_baseline_and_max_mode():
    seq = [0.5, 0.6, 0.55, 0.58]
    es = EarlyStopping(monitor="val_accuracy", patience=2, baseline=0.9)
    ran, _ = drive(es, seq, monitor="val_accuracy")
    # improvements below the baseline do not reset the wait counter
    assert ran == [0, 1, 2] and es.best == 0.6 and es.stopped_epoch == 2
    es = EarlyStopping(monitor="val_accuracy", patience=2)
    ran, _ = drive(es, seq, monitor="val_accuracy")
    assert ran == [0, 1, 2, 3] and es.stopped_epoch == 3
    es = EarlyStopping(monitor="accuracy", patience=1)
    ran, _ = drive(es, [0.5, 0.6, 0.55], monitor="accuracy")
    assert ran == [0, 1, 2] and es.best == 0.6
    es = EarlyStopping(monitor="val_loss", mode="max", patience=0)
    ran, _ = drive(es, [1.0, 2.0, 1.5])
    assert ran == [0, 1, 2]


def test_unknown_monitor():
    with pytest.raises(ValueError, match="mode"):
        EarlyStopping(monitor="val_f1")
    es = EarlyStopping(monitor="val_loss")
    with pytest.warns(UserWarning, match="not available"):
        drive(es, [1.0], monitor="loss")


def test_instance_reused_across_fits():
    es = EarlyStopping(patience=1)
    drive(es, [0.1, 0.2, 0.3])
    ran, _ = drive(es, [1.0, 0.9, 1.0, 1.1])
    assert ran == [0, 1, 2] and es.best == 0.9


def test_in_fit_stops_and_restores():
    x, y = make_dataset("moons", 60, noise=0.35, seed=0)
    model = Sequential(
        [
            Dense(64, activation="relu", input_dim=2),
            Dense(64, activation="relu"),
            Dense(1, activation="sigmoid"),
        ],
        seed=0,
    )
    model.compile(make_optimizer("adam", learning_rate=0.02), "binary_crossentropy")
    es = EarlyStopping(patience=3, restore_best_weights=True)
    history = model.fit(x, y, batch_size=8, epochs=200, validation_split=0.3, callbacks=[es])
    assert history.stopped_reason == "early_stopping"
    assert history.epoch[-1] == es.stopped_epoch == es.best_epoch + 3
    best = min(history.history["val_loss"])
    assert es.best == best == history.history["val_loss"][es.best_epoch]
    assert model.evaluate(x[42:], y[42:]) == pytest.approx(best, rel=1e-12)


def test_progress_and_batch_logger():
    x, y = make_dataset("xor", 50, seed=0)
    model = Sequential([Dense(4, activation="tanh", input_dim=2), Dense(1, "sigmoid")])
    model.compile("adam", "binary_crossentropy", ["accuracy"])
    seen, per_batch = [], []
    log = BatchLogger()
    model.fit(
        x,
        y,
        batch_size=20,
        epochs=4,
        callbacks=[
            ProgressCallback(lambda f, logs: seen.append(f)),
            ProgressCallback(lambda f, logs: per_batch.append((f, logs)), every="batch"),
            log,
        ],
    )
    assert seen == [0.25, 0.5, 0.75, 1.0]
    assert len(per_batch) == 12 and per_batch[-1][0] == 1.0
    assert set(per_batch[0][1]) == {"loss", "accuracy", "batch_loss", "size"}
    assert log.updates == list(range(1, 13)) and log.sizes[:3] == [20, 20, 10]
