"""The cross-validation lesson (B13, B14): renders, the statement matches the folds computed
with sim directly (honest and not reset), bad URL values fall back, the player rotates the
graded fold in every chart."""

import json

import numpy as np
import pytest
from apptest_utils import (
    assert_clean,
    chart_datasets,
    charts,
    frame_charts,
    notice_text,
    open_page,
    player_data,
)

from lessons import cross_validation
from sim.datasets import make_dataset
from sim.training import NetSpec

FILE = "pages/16_cross_validation.py"


def expected(k=5, reset=True, n=60, seed=1, epochs=60):
    x, y = make_dataset("moons", n, noise=0.3, seed=seed)
    return cross_validation.run(
        x,
        y,
        NetSpec((64, 64)),
        "binary",
        2,
        k,
        epochs=epochs,
        batch_size=8,
        learning_rate=0.01,
        seed=seed,
        reset=reset,
    )


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_renders(lang):
    at = open_page(FILE, lang=lang)
    assert_clean(at)
    assert len(charts(at)) >= 3


def test_statement_matches_the_folds():
    cv = expected()
    at = open_page(FILE)
    text = notice_text(at)
    assert f"5 folds: accuracy {cv.mean:.3f} ± {cv.std:.3f}" in text
    low, high, f_low, f_high = cross_validation.spread_words(cv.scores)
    assert f"folds from {low:.3f}, fold {f_low}, to {high:.3f}, fold {f_high}" in text
    assert "× the time of one training" in text
    branch = "spread is small" if cv.std < 0.05 else "spread is large"
    assert branch in text


def test_not_resetting_inflates_the_score():
    honest, dirty = expected(), expected(reset=False)
    assert dirty.scores[0] == pytest.approx(honest.scores[0])  # round 1 is the same
    assert dirty.mean > honest.mean
    at = open_page(FILE, params={"noreset": "true"})
    assert_clean(at)
    text = notice_text(at)
    assert f"the mean rose to {dirty.mean:.3f}" in text
    assert "folds 2–5 were graded on questions the model had already studied" in text


def test_other_k_and_korean():
    cv = expected(k=3)
    at = open_page(FILE, lang="ko", params={"k": "3"})
    assert_clean(at)
    assert f"폴드 3개: 정확도 {cv.mean:.3f} ± {cv.std:.3f}" in notice_text(at)


def test_folds_cover_every_sample_once():
    cv = expected(k=4, n=50)
    assert sorted(np.bincount(cv.folds).tolist()) == [12, 12, 13, 13]
    assert len(cv.curves) == 4 and len(cv.curves[0]["val_loss"]) == cv.epochs
    frame = cv.frame()
    assert set(frame["fold"]) == {1, 2, 3, 4} and "val_accuracy" in frame


def test_bad_url_values_fall_back():
    at = open_page(FILE, params={"k": "abc", "noreset": "maybe", "epochs": "1e308"})
    assert_clean(at)
    assert at.slider(key="k").value == 5
    assert at.toggle(key="noreset").value is False
    notices = " ".join(i.value for i in at.info)
    assert "abc" in notices and "1e308" in notices


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
    cv = expected()
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
            f"Round {i + 1} of 5: accuracy {cv.scores[i]:.3f}\n"
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
    honest, dirty = expected(), expected(reset=False)
    at = open_page(FILE, params={"noreset": "true"})
    text = list(_data_with(at, ["frame", "text"]).sort_values("frame")["text"])
    assert text[0].endswith(
        f"Not reset: the same {dirty.scores[0]:.3f}\n(nothing had been studied yet)"
    )
    assert text[2].endswith(
        f"Not reset: {dirty.scores[2]:.3f}, but fold 3 had been\nstudied already, in rounds 1, 2"
    )
    assert json.loads(player_data(at, "cv")["run_id"]) != json.loads(
        player_data(open_page(FILE), "cv")["run_id"]
    )  # a changed input is a new run: the player starts over
    at = open_page(FILE, lang="ko", params={"noreset": "true"})
    assert_clean(at)
    assert player_data(at, "cv")["labels"]["unit"] == "회차"  # as the text counts them
    text = list(_data_with(at, ["frame", "text"]).sort_values("frame")["text"])
    assert text[0].startswith(f"5회차 중 1회차: 정확도 {honest.scores[0]:.3f}\n폴드 2, 3, 4, 5(")
    assert "문항)으로 학습" in text[0]
    assert f"초기화하지 않으면 {dirty.scores[1]:.3f}: 폴드 2는\n이미 1회차에서" in text[1]
    assert "폴드 3은\n이미 1, 2회차에서" in text[2]
