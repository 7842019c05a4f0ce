"""The early-stopping lesson (B12): renders, its statement matches the engine's run in every
branch, bad URL values fall back, Play advances the boundary animation."""

import pytest
from apptest_utils import assert_clean, charts, notice_text, open_page, reset_and_play

from sim import stopping
from sim.datasets import make_dataset
from sim.training import NetSpec, train

FILE = "pages/15_early_stopping.py"
SPEC = NetSpec(hidden=(64, 64))


def expected(patience=5, restore=True, epochs=60, monitor="val_loss", min_delta=0.0, start=0):
    """The page's two runs, computed with sim directly."""
    x, y = make_dataset("moons", 200, noise=0.25, seed=0)
    _, _, xv, yv = stopping.validation_tail(x, y, 0.3)
    fit = dict(
        learning_rate=0.01,
        batch_size=32,
        epochs=epochs,
        validation_split=0.3,
        seed=0,
        grid_cells=None,
        evaluate={"val": (xv, yv)},
    )
    full = train(x, y, SPEC, "binary", 2, **fit)
    run = train(
        x,
        y,
        SPEC,
        "binary",
        2,
        early_stopping={
            "monitor": monitor,
            "patience": patience,
            "min_delta": min_delta,
            "restore_best_weights": restore,
            "start_from_epoch": start,
        },
        **fit,
    )
    return full, run


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_renders(lang):
    at = open_page(FILE, lang=lang)
    assert_clean(at)
    assert len(charts(at)) >= 2


def test_default_statement_stopped_and_restored():
    full, run = expected()
    at = open_page(FILE)
    text = notice_text(at)
    best, stop = run.best_epoch, run.stopped_epoch
    assert stop is not None and stop == best + 5  # Keras: best + patience when nothing improves
    # the replayed rule agrees with the engine
    replay = stopping.replay(full.history["val_loss"], "val_loss", patience=5)
    assert (replay.best_epoch, replay.stopped_epoch) == (best, stop)
    final = run.final["val"]["loss"]
    assert final == pytest.approx(run.history["val_loss"][best - 1], abs=1e-9)  # best weights
    assert f"lowest at epoch {best} ({run.history['val_loss'][best - 1]:.3f})" in text
    assert f"stops at epoch {stop} and restores epoch {best}'s weights" in text
    assert (
        f"a validation loss of {final:.3f} instead of the "
        f"{run.history['val_loss'][stop - 1]:.3f} of epoch {stop}" in text
    )
    assert f"would have ended at {full.history['val_loss'][-1]:.3f}" in text
    assert "overfitting" in text


def test_statement_keeps_stop_weights_when_restore_is_off():
    _, run = expected(restore=False)
    at = open_page(FILE, params={"restore": "false"})
    assert_clean(at)
    text = notice_text(at)
    stop = run.stopped_epoch
    final = run.final["val"]["loss"]
    assert final == pytest.approx(run.history["val_loss"][stop - 1], abs=1e-9)
    assert f"you keep epoch {stop}'s weights: validation loss {final:.3f}" in text


def test_statement_when_it_never_stops():
    _, run = expected(patience=20, epochs=25)
    assert run.stopped_epoch is None and len(run.epochs) == 25
    at = open_page(FILE, params={"patience": "20", "epochs": "25"})
    text = notice_text(at)
    best = run.best_epoch
    assert "ran all 25 epochs" in text
    assert f"the best epoch, {best}" in text
    assert (
        f"{run.final['val']['loss']:.3f} instead of the last epoch's "
        f"{run.history['val_loss'][-1]:.3f}" in text
    )


def test_statement_when_patience_is_too_short():
    full, run = expected(patience=0)
    true_best, true_value = stopping.best_of(full.history["val_loss"], "val_loss")
    assert true_best > run.stopped_epoch
    at = open_page(FILE, params={"patience": "0"})
    text = notice_text(at)
    assert f"{true_value:.3f} at epoch {true_best}" in text
    assert "too short" in text


def test_accuracy_monitor_and_korean():
    _, run = expected(monitor="val_accuracy")
    at = open_page(FILE, lang="ko", params={"monitor": "val_accuracy"})
    assert_clean(at)
    text = notice_text(at)
    assert f"{run.best_epoch}번째 에포크에서 가장 높았고" in text


def test_bad_url_values_fall_back():
    at = open_page(FILE, params={"patience": "abc", "monitor": "x" * 300, "delta": "-5"})
    assert_clean(at)
    assert at.slider(key="patience").value == 5
    assert at.session_state["monitor"] == "val_loss"
    assert at.slider(key="delta").value == 0.0
    assert "abc" in " ".join(i.value for i in at.info)


def test_play_advances():
    at = open_page(FILE)
    reset_and_play(at, "early")
