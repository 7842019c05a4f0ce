"""lessons.cross_validation's statements (B13, B14): the mean ± spread, the worst and best
fold and the cost are the folds' own numbers; the steady/erratic and leak branches follow
the record; each round's text names the folds it studied and graded."""

import math

import numpy as np
import pytest
from page_runs import cv_record

from charts.numbers import plain
from lessons import cross_validation
from lessons.notices import Number, keys, notice
from ui.page import words
from ui.text import Translator


def record(scores, times=None, diverged=()):
    """A made-up record with these fold scores (each fold 10 samples)."""
    k = len(scores)
    return cross_validation.CVRecord(
        scores=list(scores),
        times=list(times or [0.5] * k),
        folds=np.repeat(np.arange(k), 10),
        curves=[{"val_loss": [0.5]} for _ in range(k)],
        score_name="accuracy",
        epochs=1,
        reset=True,
        diverged=list(diverged),
    )


@pytest.mark.parametrize("k", [5, 3])
def test_the_statement_is_the_folds_mean_spread_and_cost(k):
    cv = cv_record(k=k)
    said = cross_validation.notices(cv, one_seconds=0.25)
    first = said[0]
    assert first.key == "cv.notice_honest" and first["k"] == k
    assert first["mean"] == Number(pytest.approx(np.mean(cv.scores)), 3)
    assert first["std"] == Number(pytest.approx(np.std(cv.scores)), 3)
    assert (first["low"], first["high"]) == (Number(min(cv.scores), 3), Number(max(cv.scores), 3))
    assert cv.scores[first["fold_low"] - 1] == min(cv.scores)
    assert cv.scores[first["fold_high"] - 1] == max(cv.scores)
    assert first["ratio"] == Number(cv.total_time / 0.25, 2)
    assert first["total"] == Number(cv.total_time, 3) and first["one"] == Number(0.25, 3)
    branch = "cv.notice_steady" if np.std(cv.scores) < 0.05 else "cv.notice_erratic"
    assert keys(said) == ["cv.notice_honest", branch]
    text = words(Translator("ko"), first)
    mean, std = plain(first["mean"].value, 3), plain(first["std"].value, 3)
    assert text.startswith(f"폴드 {k}개: 정확도 {mean} ± {std}")


def test_steady_and_erratic_spreads():
    steady = cross_validation.notices(record([0.80, 0.82, 0.81]), 0.5)
    assert keys(steady) == ["cv.notice_honest", "cv.notice_steady"]
    erratic = cross_validation.notices(record([0.6, 0.9, 0.75]), 0.5)
    assert erratic[1] == notice("cv.notice_erratic", low=Number(0.6, 3), high=Number(0.9, 3), k=3)
    assert erratic[0]["ratio"] == Number(3.0, 2)  # three trainings of 0.5 s against one


def test_not_resetting_inflates_the_score():
    honest, dirty = cv_record(), cv_record(reset=False)
    assert dirty.scores[0] == pytest.approx(honest.scores[0])  # round 1 is the same
    assert dirty.mean > honest.mean
    said = cross_validation.notices(honest, 0.25, dirty)
    assert said[-1] == notice(
        "cv.notice_leak_up",
        leak=Number(pytest.approx(dirty.mean), 3),
        leak_std=Number(pytest.approx(dirty.std), 3),
        k=5,
    )
    text = words(Translator("en"), said[-1])
    assert "folds 2–5 were graded on questions the model had already studied" in text
    same = cross_validation.notices(record([0.8, 0.7]), 0.5, record([0.8, 0.6]))
    assert same[-1].key == "cv.notice_leak_same"
    assert same[-1]["mean"] == Number(0.75, 3) and same[-1]["leak"] == Number(0.7, 3)


def test_diverged_folds_are_left_out():
    cv = record([0.8, math.nan, 0.6], diverged=[1])
    assert cross_validation.diverged_notices(cv) == [notice("cv.notice_diverged", n=1)]
    assert cross_validation.diverged_notices(record([0.8, 0.6])) == []
    said = cross_validation.notices(cv, 0.5)
    assert said[0]["mean"] == Number(0.7, 3) and said[0]["fold_low"] == 3
    assert (said[0]["fold_high"], said[0]["low"]) == (1, Number(0.6, 3))
    assert cross_validation.notices(record([math.nan, math.nan]), 0.5) == []


def test_each_round_names_the_folds_it_studied_and_graded():
    honest, dirty = cv_record(), cv_record(reset=False)
    rounds = cross_validation.round_notices(honest)
    assert len(rounds) == 5 and all(len(r) == 1 for r in rounds)
    for i, (caption,) in enumerate(rounds):
        n_val = int(np.sum(honest.folds == i))
        assert (caption["i"], caption["k"], caption["n_val"]) == (i + 1, 5, n_val)
        assert caption["n_train"] == 60 - n_val
        assert caption["others"] == ", ".join(str(f + 1) for f in range(5) if f != i)
        assert caption["score"] == Number(honest.scores[i], 3)
    leaked = cross_validation.round_notices(honest, dirty)
    assert leaked[0][1] == notice("cv.frame_leak_first", leak=Number(dirty.scores[0], 3))
    assert leaked[2][1] == notice(
        "cv.frame_leak", i=3, leak=Number(dirty.scores[2], 3), seen="1, 2"
    )


def test_folds_cover_every_sample_once():
    cv = cv_record(k=4, n=50)
    assert sorted(np.bincount(cv.folds).tolist()) == [12, 12, 13, 13]
    assert len(cv.curves) == 4 and len(cv.curves[0]["val_loss"]) == cv.epochs
    frame = cv.frame()
    assert set(frame["fold"]) == {1, 2, 3, 4} and "val_accuracy" in frame


def test_the_program_resets_the_model_in_every_fold_or_forgets_to():
    model = ["model = keras.Sequential([...])", "model.compile(...)"]
    honest = cross_validation.keras_program(model, 5, 60, 8, True, "# a fresh model")
    assert "    model = build_model()  # a fresh model" in honest
    assert "KFold(n_splits=5, shuffle=True)" in honest and "epochs=60" in honest
    leaky = cross_validation.keras_program(model, 5, 60, 8, False, "# forgot")
    assert "    # model = build_model()  # forgot" in leaky
    assert "\nmodel = build_model()\nfor train_idx" in leaky
