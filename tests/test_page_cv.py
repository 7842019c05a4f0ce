"""The cross-validation lesson (B13, B14): renders, the statement matches the folds computed
with sim directly (honest and not reset), bad URL values fall back, Play rotates the fold."""

import numpy as np
import pytest
from apptest_utils import assert_clean, charts, notice_text, open_page

from sim import crossval
from sim.datasets import make_dataset
from sim.training import NetSpec

FILE = "pages/16_cross_validation.py"


def expected(k=5, reset=True, n=60, seed=1, epochs=60):
    x, y = make_dataset("moons", n, noise=0.3, seed=seed)
    return crossval.run(
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
    low, high, f_low, f_high = crossval.spread_words(cv.scores)
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


def test_play_rotates_the_fold():
    at = open_page(FILE)
    assert at.session_state["cv_frame"] == 0
    at.button(key="cv_play_btn").click().run()
    assert at.session_state["cv_frame"] > 0
    assert_clean(at)


def test_round_slider_counts_from_one_like_the_caption():
    at = open_page(FILE)
    scrub = at.slider(key="cv_shown")
    assert scrub.label == "Round shown" and (scrub.min, scrub.max, scrub.value) == (1, 5, 1)
    assert "Round 1 of 5" in notice_text(at)
    at.slider(key="cv_shown").set_value(3).run()
    assert_clean(at)
    assert at.session_state["cv_frame"] == 2
    assert "Round 3 of 5" in notice_text(at)
