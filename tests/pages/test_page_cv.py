"""The cross-validation lesson (B13, B14): the page says what ``cross_validation.notices``
noticed about its folds, and the player rotates the graded fold in every chart. The
statement's branches are unit-tested in tests/lessons/test_cross_validation.py; rendering
and hostile URL values are the sweep's (tests/pages/test_all_pages.py)."""

import json

import numpy as np
from apptest_utils import (
    assert_clean,
    chart_datasets,
    charts,
    frame_charts,
    notice_text,
    open_page,
    player_data,
)
from page_runs import cv_record

from charts.numbers import plain
from lessons import cross_validation
from ui.page import words
from ui.text import Translator

FILE = "pages/16_cross_validation.py"


def test_the_page_says_what_the_lesson_noticed():
    """The notice box holds the words of ``cross_validation.notices`` for the page's folds
    (each branch is unit-tested in tests/lessons/test_cross_validation.py). The timings are
    measured by the page's own run, so the first notice is compared up to them."""
    honest, dirty = cv_record(), cv_record(reset=False)
    at = open_page(FILE, params={"noreset": "true"})
    assert_clean(at)
    text = notice_text(at)
    t = Translator("en")
    first, *rest = cross_validation.notices(honest, 1.0, dirty)
    assert words(t, first).split(" It took ")[0] in text
    assert len(rest) == 2
    for said in rest:
        assert words(t, said) in text


def _data_with(at, columns):
    """The data frame sent with a chart that has all ``columns`` (the first such chart)."""
    for chart in charts(at):
        for frame in chart_datasets(chart).values():
            if set(columns) <= set(frame):
                return frame
    raise AssertionError(f"no chart with columns {columns}")


def test_player_rotates_the_fold_in_every_chart():
    """One frame per round, numbered from 1 like the text; the fold the round grades is
    highlighted in the points, the curves and the scores, all following the same player."""
    cv = cv_record()
    at = open_page(FILE)
    assert_clean(at)
    data = player_data(at, "cv")
    assert (data["frames"], data["start"], data["first_number"]) == (5, 0, 1)
    assert data["labels"]["unit"] == "Round" and data["labels"]["play"] == "Play"
    specs = frame_charts(at, "cv")
    assert len(specs) == 4  # the round's text, the fold curves, the points, the scores
    assert sum("datum.fold_index == cv_frame" in json.dumps(s) for s in specs) == 3
    # every sample's fold is the engine's, so the highlighted points are the graded fold
    points = _data_with(at, ["x1", "x2", "fold_index"])
    np.testing.assert_array_equal(points["fold_index"].to_numpy(), cv.folds)
    # one sentence per round with the engine's numbers
    text = _data_with(at, ["frame", "text"]).sort_values("frame")
    assert list(text["frame"]) == [0, 1, 2, 3, 4]
    for i, line in enumerate(text["text"]):
        n_val = int(np.sum(cv.folds == i))
        others = ", ".join(str(f + 1) for f in range(5) if f != i)
        assert line == (
            f"Round {i + 1} of 5: accuracy {plain(cv.scores[i], 3)}\n"
            f"studied folds {others} ({60 - n_val} questions)\n"
            f"graded on fold {i + 1} ({n_val} questions)"
        )
    # each fold's validation curve, epoch by epoch
    curves = _data_with(at, ["fold_index", "epoch", "value"])
    for f in range(5):
        mine = curves[curves["fold_index"] == f].sort_values("epoch")
        np.testing.assert_allclose(mine["value"], cv.curves[f]["val_loss"])
    scores = _data_with(at, ["fold_index", "score", "jitter"]).sort_values("fold_index")
    np.testing.assert_allclose(scores["score"], cv.scores)


def test_round_text_without_reset_and_in_korean():
    honest, dirty = cv_record(), cv_record(reset=False)
    at = open_page(FILE, params={"noreset": "true"})
    text = list(_data_with(at, ["frame", "text"]).sort_values("frame")["text"])
    assert text[0].endswith(
        f"Not reset: the same {plain(dirty.scores[0], 3)}\n(nothing had been studied yet)"
    )
    assert text[2].endswith(
        f"Not reset: {plain(dirty.scores[2], 3)}, but fold 3 had been\n"
        "studied already, in rounds 1, 2"
    )
    assert json.loads(player_data(at, "cv")["run_id"]) != json.loads(
        player_data(open_page(FILE), "cv")["run_id"]
    )  # a changed input is a new run: the player starts over
    at = open_page(FILE, lang="ko", params={"noreset": "true"})
    assert_clean(at)
    assert player_data(at, "cv")["labels"]["unit"] == "회차"  # as the text counts them
    text = list(_data_with(at, ["frame", "text"]).sort_values("frame")["text"])
    assert text[0].startswith(
        f"5회차 중 1회차: 정확도 {plain(honest.scores[0], 3)}\n폴드 2, 3, 4, 5("
    )
    assert "문항)으로 학습" in text[0]
    assert f"초기화하지 않으면 {plain(dirty.scores[1], 3)}: 폴드 2는\n이미 1회차에서" in text[1]
    assert "폴드 3은\n이미 1, 2회차에서" in text[2]
