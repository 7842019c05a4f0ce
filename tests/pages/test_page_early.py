"""The early-stopping lesson (B12): renders, its statement matches the engine's run in every
branch, bad URL values fall back, and the player's frames (one per epoch of the run without
early stopping) hold the engine's boundary pictures, numbers and early stopping's status."""

import numpy as np
import pytest
from apptest_utils import (
    assert_clean,
    charts,
    frame_charts,
    frame_tables,
    notice_text,
    open_page,
    player_data,
    table_with,
)

from charts import boundary
from lessons import early_stopping
from sim import caps
from sim.datasets import make_dataset
from sim.training import NetSpec, train

FILE = "pages/15_early_stopping.py"
SPEC = NetSpec(hidden=(64, 64))


def expected(
    patience=5, restore=True, epochs=60, monitor="val_loss", min_delta=0.0, start=0, grid=None
):
    """The page's two runs, computed with sim directly (``grid``: cells of the full run's
    boundary grid, None for none)."""
    x, y = make_dataset("moons", 200, noise=0.25, seed=0)
    _, _, xv, yv = early_stopping.validation_tail(x, y, 0.3)
    fit = dict(
        learning_rate=0.01,
        batch_size=32,
        epochs=epochs,
        validation_split=0.3,
        seed=0,
        grid_cells=None,
        evaluate={"val": (xv, yv)},
    )
    full = train(x, y, SPEC, "binary", 2, **{**fit, "grid_cells": grid})
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
    replay = early_stopping.replay(full.history["val_loss"], "val_loss", patience=5)
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
    true_best, true_value = early_stopping.best_of(full.history["val_loss"], "val_loss")
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


def frame_lines(at) -> list[str]:
    table = table_with(at, "early", {"epoch", "line"}).sort_values("epoch")
    assert table["epoch"].tolist() == list(range(len(table)))
    return [line.replace("\n", " ") for line in table["line"]]


def test_player_and_frames_follow_the_run():
    """Frame e is epoch e of the run without early stopping: its boundary picture (the best
    and the stop epoch's own among those sent), its losses, and what early stopping does
    there; the curve marker rides on the same numbers."""
    full, run = expected(grid=60)
    best, stop = run.best_epoch, run.stopped_epoch
    at = open_page(FILE)
    assert_clean(at)
    data = player_data(at, "early")
    assert data["frames"] == 61 and data["start"] == 60 and data["first_number"] == 0
    assert data["labels"]["unit"] == "Epoch"
    assert len(frame_charts(at, "early")) == 3  # boundary, its text, the learning curves
    pictures = table_with(at, "early", {"url", "shown_from", "shown_until"})
    assert len(pictures) <= caps.MAX_FRAME_PICTURES
    assert {0, best, stop, 60} <= set(pictures["epoch"])
    for row in pictures[pictures["epoch"].isin([best, stop])].itertuples():
        snapshot = full.snapshot_epochs.index(row.epoch)
        assert row.url == boundary.boundary_url(full.grid_predictions[snapshot], 60, 2)
        assert row.label == f"after epoch {row.epoch}"
    lines = frame_lines(at)
    h = full.history
    assert len(lines) == 61 and lines[0] == "Before training: random weights."
    for epoch in (1, best, stop, 60):
        assert lines[epoch].startswith(
            f"After epoch {epoch}: training loss {h['loss'][epoch - 1]:.3f}, "
            f"validation loss {h['val_loss'][epoch - 1]:.3f}."
        )
    assert lines[best].endswith("the weights early stopping keeps with restore_best_weights.")
    assert lines[stop].endswith("Early stopping stops here.")
    assert lines[stop + 1].endswith(
        f"Early stopping stopped at epoch {stop}: everything from here on is practice it skipped."
    )
    assert lines[1].endswith("Early stopping is still training.")
    # the two runs agree up to the stop, so the marker's dots sit on the solid curves too
    trained = len(run.epochs)
    assert run.history["val_loss"] == h["val_loss"][:trained]
    dots = [t for t in frame_tables(at, "early") if set(t.columns) == {"series", "epoch", "value"}]
    dots = max(dots, key=len)  # the full run's rows (the faint tail and solid run are shorter)
    val = dots[dots["series"] == "validation"].sort_values("epoch")
    np.testing.assert_allclose(val["value"], h["val_loss"])


def test_accuracy_monitor_frame_text_in_korean():
    full, run = expected(monitor="val_accuracy")
    at = open_page(FILE, lang="ko", params={"monitor": "val_accuracy"})
    assert_clean(at)
    assert player_data(at, "early")["labels"]["unit"] == "에포크"
    lines = frame_lines(at)
    acc, val_acc = full.history["accuracy"], full.history["val_accuracy"]
    assert lines[5].startswith(
        f"5번째 에포크 후: 훈련 정확도 {acc[4]:.3f}, 검증 정확도 {val_acc[4]:.3f}."
    )
    assert lines[run.best_epoch].endswith("restore_best_weights를 켜면 이 가중치가 남습니다.")
