"""The train/validation/test lesson (B10, B11): the search winner is the best on validation,
the test comparison in the statement matches the run, validation leaves weights unchanged."""

import numpy as np
import pytest
from apptest_utils import assert_clean, charts, notice_text, open_page

from sim.datasets import make_dataset, train_val_test_split
from sim.training import NetSpec, train
from ui import train_view

FILE = "pages/14_train_val_test.py"
UNITS = (2, 8, 32, 128)
RATES = (0.003, 0.03)


def expected(epochs=60, seed=0):
    x, y = make_dataset("moons", 200, noise=0.3, seed=seed)
    p = train_val_test_split(x, y, 0.2, 0.2, seed=seed)
    best = None
    for u in UNITS:
        for r in RATES:
            run = train(
                p["x_train"],
                p["y_train"],
                NetSpec(hidden=(u,)),
                "binary",
                2,
                learning_rate=r,
                batch_size=16,
                epochs=epochs,
                validation_data=(p["x_val"], p["y_val"]),
                seed=seed,
                grid_cells=None,
                evaluate={"val": (p["x_val"], p["y_val"]), "test": (p["x_test"], p["y_test"])},
            )
            acc = run.history["val_accuracy"][-1]
            if best is None or acc > best[0]:
                best = (acc, u, r, run)
    return best, p


def test_statement_matches_search():
    (_acc, units, lr, run), p = expected()
    # validation never updates weights: the same fit without validation_data
    blind = train(
        p["x_train"],
        p["y_train"],
        NetSpec(hidden=(units,)),
        "binary",
        2,
        learning_rate=lr,
        batch_size=16,
        epochs=60,
        seed=0,
        grid_cells=None,
    )
    assert all(np.array_equal(a, b) for a, b in zip(run.weights, blind.weights, strict=True))
    at = open_page(FILE)
    assert_clean(at)
    assert len(charts(at)) >= 2
    text = notice_text(at)
    val, test = run.final["val"]["accuracy"], run.final["test"]["accuracy"]
    assert f"{units} units, learning rate {lr:g}" in text
    assert f"{val:.1%}" in text and f"{test:.1%}" in text
    branch = "worse by" if test < val else ("better by" if test > val else "exactly the same")
    assert branch in text
    assert "every weight is identical" in text


@pytest.mark.parametrize("lang", ["ko"])
def test_loss_scoring_korean(lang):
    at = open_page(FILE, lang=lang, params={"score": "loss", "epochs": "20"})
    assert_clean(at)
    assert "검증셋에서" in notice_text(at)


def test_bad_url_falls_back():
    at = open_page(FILE, params={"score": "abc", "epochs": "-5"})
    assert_clean(at)
    assert at.session_state["score"] == "accuracy" and at.session_state["epochs"] == 60


def test_every_setting_diverged_ends_the_page_with_a_warning(monkeypatch):
    """If no setting of the search trains to a finite loss, there is no winner to test: the
    page says so and ends there, still with its sidebar."""
    real = train_view.cached_train

    def diverged(*args, **kwargs):
        result = real(*args, **kwargs)
        return type(result)(**{**result.__dict__, "diverged": {"epoch": 1, "batch": 1}})

    monkeypatch.setattr(train_view, "cached_train", diverged)
    at = open_page(FILE, params={"epochs": "20"})
    assert_clean(at)
    assert any("diverged" in w.value for w in at.warning)
    assert not at.table and not charts(at)  # no search results to show
