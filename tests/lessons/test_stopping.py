"""lessons.early_stopping: the Keras 3 early-stopping rule replayed on a history agrees with the
engine's callback, and the stop epoch is best + max(patience, 1) when nothing improves."""

import numpy as np
import pytest
from page_runs import early_stopping_runs

from lessons import early_stopping
from lessons.notices import Number, keys, notice
from sim.datasets import make_dataset
from sim.training import NetSpec, train
from ui.page import words
from ui.text import Translator


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


def page_notices(patience=5, restore=True, epochs=60, monitor="val_loss", min_delta=0.0):
    full, run = early_stopping_runs(patience, restore, epochs, monitor, min_delta)
    metric = monitor.removeprefix("val_")
    said = early_stopping.notices(
        monitor,
        patience,
        min_delta,
        restore,
        run.best_epoch,
        run.stopped_epoch,
        run.history[monitor],
        run.final["val"][metric],
        full.history,
    )
    return said, full, run


def test_stopped_and_restored_then_the_later_epochs_only_got_worse():
    said, full, run = page_notices()
    best, stop = run.best_epoch, run.stopped_epoch
    assert stop == best + 5  # Keras: best + patience when nothing improves
    replay = early_stopping.replay(full.history["val_loss"], "val_loss", patience=5)
    assert (replay.best_epoch, replay.stopped_epoch) == (best, stop)
    assert keys(said)[:2] == ["early.notice_stopped_restore", "early.notice_later_best"]
    first, later = said[0], said[1]
    values = run.history["val_loss"]
    final = run.final["val"]["loss"]
    assert final == pytest.approx(values[best - 1], abs=1e-9)  # the best epoch's weights
    assert (first["best"], first["stop"], first["patience"], first["epochs"]) == (best, stop, 5, 60)
    assert first["best_value"] == Number(values[best - 1], 3)
    assert first["stop_value"] == Number(values[stop - 1], 3)
    assert first["final"] == Number(final, 3)
    assert first["full_end"] == Number(full.history["val_loss"][-1], 3)
    assert first["extreme"] == notice("early.extreme_low")
    assert first["no_gain"] == notice("early.no_gain")
    assert first["m_topic"] == notice("early.topic_val_loss")
    assert (later["best"], later["extra"]) == (best, 60 - stop)
    text = words(Translator("en"), first)
    assert f"stops at epoch {stop} and restores epoch {best}'s weights" in text


def test_stopped_without_restoring_keeps_the_stop_weights():
    said, _, run = page_notices(restore=False)
    stop = run.stopped_epoch
    final = run.final["val"]["loss"]
    assert final == pytest.approx(run.history["val_loss"][stop - 1], abs=1e-9)
    assert said[0].key == "early.notice_stopped_keep" and said[0]["final"] == Number(final, 3)


@pytest.mark.parametrize("restore", [True, False])
def test_never_stopped_ran_every_epoch(restore):
    said, _, run = page_notices(patience=20, epochs=25, restore=restore)
    assert run.stopped_epoch is None and len(run.epochs) == 25
    key = "early.notice_full_restore" if restore else "early.notice_full_keep"
    assert keys(said)[:1] == [key]
    values = run.history["val_loss"]
    assert said[0]["last_value"] == Number(values[-1], 3)
    assert said[0]["best"] == run.best_epoch and said[0]["epochs"] == 25
    end = values[run.best_epoch - 1] if restore else values[-1]
    assert said[0]["final"] == Number(pytest.approx(end, abs=1e-9), 3)


def test_patience_too_short_for_a_noisy_curve():
    said, full, run = page_notices(patience=0)
    true_best, true_value = early_stopping.best_of(full.history["val_loss"], "val_loss")
    assert (
        true_best > run.stopped_epoch and true_value < run.history["val_loss"][run.best_epoch - 1]
    )
    assert said[1].key == "early.notice_too_soon"
    assert (said[1]["true_best"], said[1]["true_value"]) == (true_best, Number(true_value, 3))


def test_accuracy_monitor_is_highest_not_lowest():
    said, _, run = page_notices(monitor="val_accuracy")
    assert said[0]["extreme"] == notice("early.extreme_high")
    assert said[0]["best_value"] == Number(run.history["val_accuracy"][run.best_epoch - 1], 3)
    text = words(Translator("ko"), said[0])
    assert f"{run.best_epoch}번째 에포크에서 가장 높았고" in text


def test_min_delta_is_named_and_the_monitors_disagreement_noted():
    said, _, _ = page_notices(min_delta=0.01)
    assert said[0]["no_gain"] == notice("early.no_gain_delta", d=Number(0.01, 3))
    loss = [1.0, 0.5, 0.7]
    assert early_stopping.monitors_disagree({"val_loss": loss, "val_accuracy": [0.5, 0.8, 0.8]})
    assert not early_stopping.monitors_disagree({"val_loss": loss, "val_accuracy": [0.5, 0.8, 0.7]})
    assert not early_stopping.monitors_disagree({"val_loss": [1.0, 0.5, 0.55]})
    full, _ = early_stopping_runs()
    disagree = early_stopping.monitors_disagree(full.history)
    said, _, _ = page_notices()
    assert ("early.notice_accuracy_loss" in keys(said)) == disagree
    assert early_stopping.notices("val_loss", 5, 0.0, True, None, None, [], None, {}) == []


def test_frames_say_what_early_stopping_does_at_each_epoch():
    full, run = early_stopping_runs()
    best, stop = run.best_epoch, run.stopped_epoch
    frames = early_stopping.frame_notices(full.history, "val_loss", best, stop)
    assert len(frames) == 61 and keys(frames[0]) == ["early.status_start"]
    h = full.history
    for epoch in (1, best, stop, 60):
        caption = frames[epoch][0]
        assert caption.key == "early.frame_caption_loss" and caption["epoch"] == epoch
        assert caption["train"] == Number(h["loss"][epoch - 1], 3)
        assert caption["val"] == Number(h["val_loss"][epoch - 1], 3)
    assert frames[1][1].key == "early.status_before"
    assert frames[best][1].key == "early.status_best"
    assert frames[stop][1].key == "early.status_stop"
    assert frames[stop + 1][1] == notice("early.status_after", stop=stop)
    accuracy = early_stopping.frame_notices(h, "val_accuracy", best, stop)
    assert accuracy[5][0]["train"] == Number(h["accuracy"][4], 3)


def test_the_callback_line_of_the_program():
    settings = {
        "monitor": "val_loss",
        "min_delta": 0.005,
        "patience": 5,
        "restore_best_weights": True,
        "start_from_epoch": 0,
    }
    first, second = early_stopping.callback_code(settings)
    assert first == 'early = EarlyStopping(monitor="val_loss", min_delta=0.005, patience=5,'
    assert second.strip() == "restore_best_weights=True, start_from_epoch=0)"
