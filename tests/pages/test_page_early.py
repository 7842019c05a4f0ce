"""The early-stopping lesson (B12): the page says what ``early_stopping.notices`` noticed, and
the player's frames (one per epoch of the run without early stopping) hold the engine's
boundary pictures, numbers and early stopping's status. Each branch of the statement is
unit-tested in tests/lessons/test_stopping.py; rendering and hostile URL values are the
sweep's (tests/pages/test_all_pages.py)."""

import numpy as np
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
from page_runs import early_stopping_runs

from charts import boundary
from charts.numbers import plain
from lessons import early_stopping
from sim import caps
from ui.page import words
from ui.text import Translator

FILE = "pages/15_early_stopping.py"


def test_the_page_says_what_the_lesson_noticed():
    """The notice box holds the words of ``early_stopping.notices`` for the page's runs
    (each branch is checked against the engine in tests/lessons/test_stopping.py)."""
    full, run = early_stopping_runs()
    at = open_page(FILE)
    assert_clean(at)
    assert len(charts(at)) >= 2
    text = notice_text(at)
    said = early_stopping.notices(
        "val_loss",
        5,
        0.0,
        True,
        run.best_epoch,
        run.stopped_epoch,
        run.history["val_loss"],
        run.final["val"]["loss"],
        full.history,
    )
    assert len(said) >= 2
    for line in said:
        assert words(Translator("en"), line) in text


def frame_lines(at) -> list[str]:
    table = table_with(at, "early", {"epoch", "line"}).sort_values("epoch")
    assert table["epoch"].tolist() == list(range(len(table)))
    return [line.replace("\n", " ") for line in table["line"]]


def test_player_and_frames_follow_the_run():
    """Frame e is epoch e of the run without early stopping: its boundary picture (the best
    and the stop epoch's own among those sent), its losses, and what early stopping does
    there; the curve marker rides on the same numbers."""
    full, run = early_stopping_runs(grid=60)
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
            f"After epoch {epoch}: training loss {plain(h['loss'][epoch - 1], 3)}, "
            f"validation loss {plain(h['val_loss'][epoch - 1], 3)}."
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
    full, run = early_stopping_runs(monitor="val_accuracy")
    at = open_page(FILE, lang="ko", params={"monitor": "val_accuracy"})
    assert_clean(at)
    assert player_data(at, "early")["labels"]["unit"] == "에포크"
    lines = frame_lines(at)
    acc, val_acc = full.history["accuracy"], full.history["val_accuracy"]
    assert lines[5].startswith(
        f"5번째 에포크 후: 훈련 정확도 {plain(acc[4], 3)}, 검증 정확도 {plain(val_acc[4], 3)}."
    )
    assert lines[run.best_epoch].endswith("restore_best_weights를 켜면 이 가중치가 남습니다.")
