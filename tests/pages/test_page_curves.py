"""The overfitting lesson (B4, B8, B9): the page says what ``fit_regions.notices`` noticed,
and the player's frames (one per epoch) hold the engine's boundary pictures, losses and
regions. Each verdict is unit-tested in tests/lessons/test_fit_regions.py; rendering and
hostile URL values are the sweep's (tests/pages/test_all_pages.py)."""

import numpy as np
from apptest_utils import (
    assert_clean,
    charts,
    frame_charts,
    notice_text,
    open_page,
    player_data,
    table_with,
)
from page_runs import overfitting_run

from charts import boundary
from charts.numbers import plain
from lessons import fit_regions
from sim import caps
from ui.page import words
from ui.text import Translator

FILE = "pages/13_overfitting.py"


def expected(units=64, layers=2, epochs=150, n=100, noise=0.3):
    """The page's regions, history and training-set size, computed with sim directly."""
    fr, run, y_train = overfitting_run(units, layers, epochs, n, noise)
    return fr, run.history, len(y_train)


def test_the_page_says_what_the_lesson_noticed():
    """The notice box holds the words of ``fit_regions.notices`` for the page's run (each
    verdict is checked against the engine in tests/lessons/test_fit_regions.py)."""
    fr, h, n_train = expected()
    at = open_page(FILE)
    assert_clean(at)
    text = notice_text(at)
    for said in fit_regions.notices(fr, h, 64, 2, n_train):
        assert words(Translator("en"), said) in text
    # the loss axis starts at 0, so noise does not fill the chart
    curves = [c for c in charts(at) if '"domain": [0.0' in c.proto.spec]
    assert curves, "the learning curves' y axis is fixed from 0"


def test_player_and_frames_follow_the_run():
    """Frame e is the state after epoch e: the boundary picture sent for it is the engine's
    snapshot of an epoch at or before e (named on the picture), the text and the curve
    marker hold that epoch's losses and region."""
    fr, run, _ = overfitting_run(snapshot_every=5)
    h = run.history
    at = open_page(FILE)
    assert_clean(at)
    data = player_data(at, "curves")
    assert data["frames"] == 151 and data["start"] == 150 and data["first_number"] == 0
    assert data["labels"]["unit"] == "Epoch"
    assert len(frame_charts(at, "curves")) == 3  # boundary, its text, the learning curves
    # the pictures: at most the cap, every frame covered by exactly one
    pictures = table_with(at, "curves", {"url", "shown_from", "shown_until"})
    pictures = pictures.sort_values("shown_from").reset_index(drop=True)
    assert len(pictures) <= caps.MAX_FRAME_PICTURES
    assert pictures["shown_from"].iloc[0] == 0 and pictures["shown_until"].iloc[-1] == 151
    assert (pictures["shown_from"].iloc[1:].to_numpy() == pictures["shown_until"].iloc[:-1]).all()
    assert (pictures["epoch"] == pictures["shown_from"]).all()
    assert pictures["label"].iloc[0] == "before training"
    for row in pictures.iloc[[0, 1, 17, -1]].itertuples():
        snapshot = run.snapshot_epochs.index(row.epoch)
        assert row.url == boundary.boundary_url(run.grid_predictions[snapshot], 60, 2)
        if row.epoch:
            assert row.label == f"after epoch {row.epoch}"
    # the text of each frame
    table = table_with(at, "curves", {"epoch", "line"}).sort_values("epoch")
    lines = [line.replace("\n", " ") for line in table["line"]]
    assert len(lines) == 151 and lines[0].startswith("Epoch 0: the weights are random")
    names = {"underfit": "underfit", "good": "good fit", "overfit": "overfit"}
    for epoch in (1, fr.best, 120, 150):
        region = names[fr.region_of(epoch)]
        assert lines[epoch].startswith(
            f"Epoch {epoch}: training loss {plain(h['loss'][epoch - 1], 3)}, "
            f"validation loss {plain(h['val_loss'][epoch - 1], 3)}, region: {region}."
        )
    # the curve marker's dots sit on the engine's history
    dots = table_with(at, "curves", {"series", "epoch", "value"})
    val = dots[dots["series"] == "validation"].sort_values("epoch")
    np.testing.assert_allclose(val["value"], h["val_loss"])
    assert val["epoch"].tolist() == list(range(1, 151))


def test_many_epochs_send_at_most_the_cap_of_pictures():
    at = open_page(FILE, params={"epochs": "300", "units": "8", "layers": "1"})
    assert_clean(at)
    assert player_data(at, "curves")["frames"] == 301
    pictures = table_with(at, "curves", {"url", "shown_from", "shown_until"})
    assert 30 <= len(pictures) <= caps.MAX_FRAME_PICTURES
    assert sorted(pictures["shown_until"])[-1] == 301


def test_korean_frame_text():
    at = open_page(FILE, lang="ko")
    assert_clean(at)
    fr, h, n_train = expected()
    for said in fit_regions.notices(fr, h, 64, 2, n_train):
        assert words(Translator("ko"), said) in notice_text(at)
    assert player_data(at, "curves")["labels"]["unit"] == "에포크"
    table = table_with(at, "curves", {"epoch", "line"}).sort_values("epoch")
    lines = [line.replace("\n", " ") for line in table["line"]]
    assert lines[0].startswith("0 에포크: 가중치가 무작위라")
    assert lines[150].startswith("150 에포크: 훈련 손실 ") and "구간: 과적합" in lines[150]
    pictures = table_with(at, "curves", {"url", "label"})
    assert "150번째 에포크 후" in set(pictures["label"])
