"""lessons.early_stopping: the Keras 3 early-stopping rule replayed on a history agrees with the
engine's callback, and the stop epoch is best + max(patience, 1) when nothing improves."""

import numpy as np
import pytest

from lessons import early_stopping
from sim.datasets import make_dataset
from sim.training import NetSpec, train


def test_rule_on_a_made_up_curve():
    values = [1.0, 0.8, 0.7, 0.72, 0.71, 0.75, 0.69, 0.9, 0.95, 0.99]
    r = early_stopping.replay(values, "val_loss", patience=2)
    assert (r.best_epoch, r.stopped_epoch, r.best_value) == (3, 5, 0.7)
    assert r.waits[:5] == (0, 0, 0, 1, 2)
    r = early_stopping.replay(values, "val_loss", patience=3)
    assert (r.best_epoch, r.stopped_epoch) == (3, 6)
    r = early_stopping.replay(values, "val_loss", patience=4)  # 0.69 at epoch 7 resets the count
    assert (r.best_epoch, r.stopped_epoch) == (7, None)
    r = early_stopping.replay(values, "val_loss", patience=0)  # patience 0 still waits one epoch
    assert (r.best_epoch, r.stopped_epoch) == (3, 4)
    # min_delta: 0.69 is not 0.05 better than 0.7, so the best stays at epoch 3
    r = early_stopping.replay(values, "val_loss", patience=4, min_delta=0.05)
    assert (r.best_epoch, r.stopped_epoch) == (3, 7)
    r = early_stopping.replay(values, "val_loss", patience=50)
    assert r.stopped_epoch is None and r.last_epoch == len(values)


def test_accuracy_goes_up_and_start_from_epoch():
    acc = [0.5, 0.9, 0.6, 0.7, 0.8, 0.85, 0.84, 0.83]
    assert early_stopping.replay(acc, "val_accuracy", patience=2).stopped_epoch == 4
    r = early_stopping.replay(acc, "val_accuracy", patience=2, start_from_epoch=2)
    assert (r.best_epoch, r.stopped_epoch) == (6, 8)
    assert early_stopping.best_of(acc, "val_accuracy") == (2, 0.9)
    assert early_stopping.best_of([3.0, 1.0, 1.0], "val_loss") == (2, 1.0)


@pytest.mark.parametrize(
    ("monitor", "patience", "min_delta", "start"),
    [
        ("val_loss", 0, 0.0, 0),
        ("val_loss", 3, 0.0, 0),
        ("val_loss", 4, 0.01, 2),
        ("val_accuracy", 2, 0.0, 0),
        ("val_accuracy", 5, 0.02, 3),
    ],
)
def test_replay_matches_the_engine(monitor, patience, min_delta, start):
    x, y = make_dataset("moons", 160, noise=0.3, seed=2)
    fit = dict(
        learning_rate=0.01, batch_size=16, epochs=40, validation_split=0.3, seed=1, grid_cells=None
    )
    full = train(x, y, NetSpec((32, 32)), "binary", 2, **fit)
    es = train(
        x,
        y,
        NetSpec((32, 32)),
        "binary",
        2,
        early_stopping={
            "monitor": monitor,
            "patience": patience,
            "min_delta": min_delta,
            "start_from_epoch": start,
            "restore_best_weights": True,
        },
        **fit,
    )
    r = early_stopping.replay(full.history[monitor], monitor, patience, min_delta, start)
    assert es.best_epoch == r.best_epoch
    assert es.stopped_epoch == r.stopped_epoch
    assert len(es.epochs) == r.last_epoch
    # the early-stopped run is the full run cut short (same seed, same updates)
    np.testing.assert_allclose(es.history[monitor], full.history[monitor][: r.last_epoch])
    if r.stopped_epoch is not None:
        assert r.stopped_epoch == r.best_epoch + max(patience, 1)


def test_validation_tail_is_keras_split():
    x = np.arange(20.0).reshape(10, 2)
    y = np.arange(10)
    _, yt, xv, yv = early_stopping.validation_tail(x, y, 0.3)
    assert len(xv) == 3 and yv.tolist() == [7, 8, 9] and yt.tolist() == list(range(7))


def test_crossval_budget_and_timing():
    from lessons import cross_validation
    from sim import caps

    assert (
        cross_validation.fold_epochs(300, 2000, 10) * 1800 * 10
        <= cross_validation.MAX_CV_SAMPLE_EPOCHS
    )
    assert cross_validation.fold_epochs(60, 60, 5) == 60
    x, y = make_dataset("moons", 40, noise=0.2, seed=0)
    seen = []
    cv = cross_validation.run(x, y, NetSpec((8,)), "binary", 2, 4, epochs=3, progress=seen.append)
    assert seen[-1] == pytest.approx(1.0) and all(0 < f <= 1 for f in seen)
    assert cv.k == 4 and len(cv.times) == 4 and cv.total_time > 0
    assert cv.std == pytest.approx(np.std(cv.scores))
    assert cross_validation.one_training(x, y, NetSpec((8,)), "binary", 2, 4, epochs=3) > 0
    assert caps.MAX_FOLDS >= 10


def test_crossval_run_timed_pairs_the_record_with_a_warm_single_training(monkeypatch):
    """The k trainings' record and the one training it is compared with come from one call;
    a throw-away epoch runs first, so neither timing pays for the first call."""
    from lessons import cross_validation

    x, y = make_dataset("moons", 40, noise=0.2, seed=0)
    calls = []
    real_train = cross_validation.train

    def spy(*args, **kwargs):
        calls.append(kwargs["epochs"])
        return real_train(*args, **kwargs)

    monkeypatch.setattr(cross_validation, "train", spy)
    record, one = cross_validation.run_timed(x, y, NetSpec((8,)), "binary", 2, 4, epochs=3, seed=1)
    assert calls == [1, 3]  # the untimed warm-up epoch, then the timed single training
    plain = cross_validation.run(x, y, NetSpec((8,)), "binary", 2, 4, epochs=3, seed=1)
    assert record.scores == plain.scores and record.reset
    assert one > 0 and len(record.times) == 4 and record.total_time > 0
