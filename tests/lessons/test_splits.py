"""lessons.splits (B10, B11): the search's winner is the best on validation only, the test
comparison states the branch the run lands in, validation leaves the weights unchanged."""

import functools
import math

import numpy as np
import pandas as pd
import pytest
from page_runs import splits_run, splits_search

from lessons import splits
from lessons.notices import Number, keys, notice
from ui.page import words
from ui.text import Translator


@functools.cache
def search(epochs=60, seed=0):
    """The page's search with sim: the table, every run, and the data parts."""
    found, parts = splits_search(epochs, seed)
    rows = [splits.search_row(u, r, run.history, bool(run.diverged)) for u, r, run in found]
    return pd.DataFrame(rows), [run for _, _, run in found], parts


def test_the_winner_is_the_best_on_validation():
    table, runs, _ = search()
    pick = splits.pick(table, "accuracy")
    accuracies = [run.history["val_accuracy"][-1] for run in runs]
    assert pick == int(np.argmax(accuracies))
    assert splits.pick(table, "loss") == int(np.argmin([r.history["val_loss"][-1] for r in runs]))
    assert not table["diverged"].any() and splits.diverged_notices(table) == []


def test_the_statement_compares_the_winners_test_score_with_its_validation_score():
    table, runs, p = search()
    pick = splits.pick(table, "accuracy")
    run = runs[pick]
    val, test = run.final["val"]["accuracy"], run.final["test"]["accuracy"]
    units, rate = int(table.loc[pick, "units"]), float(table.loc[pick, "lr"])
    said = splits.notices(units, rate, len(table), "accuracy", val, test, len(p["x_test"]))
    branch = "worse" if test < val else ("better" if test > val else "equal")
    assert keys(said) == [f"splits.notice_{branch}", "splits.notice_unseen"]
    first = said[0]
    assert (first["units"], first["lr"], first["n"], first["n_test"]) == (
        units,
        Number(rate, 3),
        8,
        len(p["x_test"]),
    )
    assert first["val"] == notice("splits.percent", v=Number(100 * val, 3))
    assert first["test"] == notice("splits.percent", v=Number(100 * test, 3))
    assert first["diff"] == notice("splits.percent", v=Number(100 * abs(test - val), 3))
    text = words(Translator("en"), first)
    assert f"{units} units, learning rate {rate:g}" in text
    assert f"{Number(100 * test, 3).value:.3g}%" in text


@pytest.mark.parametrize(
    ("metric", "val", "test", "branch"),
    [
        ("accuracy", 0.9, 0.85, "worse"),
        ("accuracy", 0.85, 0.9, "better"),
        ("accuracy", 0.875, 0.875, "equal"),
        ("loss", 0.30, 0.35, "worse"),  # a higher loss is worse
        ("loss", 0.35, 0.30, "better"),
        ("loss", 0.3, 0.3 + 1e-12, "equal"),
    ],
)
def test_every_branch_of_the_comparison(metric, val, test, branch):
    said = splits.notices(32, 0.03, 8, metric, val, test, 40)
    assert said[0].key == f"splits.notice_{branch}"
    if metric == "loss":
        assert said[0]["val"] == Number(val, 3) and said[0]["diff"] == Number(abs(test - val), 3)
    for lang in ("en", "ko"):
        text = words(Translator(lang), said[0])
        assert "{" not in text
    assert "검증셋에서" in words(Translator("ko"), said[0]) or branch == "equal"


def test_validation_never_updates_the_weights():
    table, runs, p = search()
    pick = splits.pick(table, "accuracy")
    units, rate = int(table.loc[pick, "units"]), float(table.loc[pick, "lr"])
    blind = splits_run(p, units, rate, validated=False)
    assert splits.same_weights(runs[pick].weights, blind.weights)
    assert splits.checksum(blind.weights) == pytest.approx(
        sum(float(np.abs(w).sum()) for w in blind.weights)
    )
    assert keys(splits.weights_notices(True)) == ["splits.weights_same"]
    assert keys(splits.weights_notices(False)) == ["splits.weights_differ"]
    assert not splits.same_weights(runs[0].weights, runs[1].weights)


def test_diverged_settings_are_left_out_and_counted():
    rows = [
        splits.search_row(2, 0.03, {"val_loss": [math.inf]}, True),
        splits.search_row(8, 0.03, {"val_loss": [0.4], "val_accuracy": [0.8]}, False),
        splits.search_row(32, 0.03, {"val_loss": [0.3], "val_accuracy": [0.85]}, False),
    ]
    table = pd.DataFrame(rows)
    assert table["diverged"].tolist() == [True, False, False]
    assert math.isnan(table.loc[0, "val_loss"])
    assert splits.pick(table, "accuracy") == 2 and splits.pick(table, "loss") == 2
    assert splits.diverged_notices(table) == [notice("splits.some_diverged", n=1)]
    assert splits.pick(table.iloc[:1], "accuracy") is None
