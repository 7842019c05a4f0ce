"""The overfitting lesson (B4, B8, B9): its statement matches the run in each outcome,
bad URL values fall back, Play advances the boundary animation."""

import pytest
from apptest_utils import assert_clean, charts, notice_text, open_page, reset_and_play

from sim.datasets import make_dataset, train_val_test_split
from sim.fit_regions import chance_loss, regions
from sim.training import NetSpec, train

FILE = "pages/13_overfitting.py"


def expected(units, layers, epochs=150, n=100, noise=0.3):
    """The page's run and its regions, computed with sim directly."""
    x, y = make_dataset("moons", n, noise=noise, seed=0)
    p = train_val_test_split(x, y, 0.3, 0.0, seed=0)
    r = train(
        p["x_train"],
        p["y_train"],
        NetSpec(hidden=(units,) * layers),
        "binary",
        2,
        learning_rate=0.005,
        batch_size=16,
        epochs=epochs,
        validation_data=(p["x_val"], p["y_val"]),
        seed=0,
        grid_cells=None,
    )
    h = r.history
    return regions(h["loss"], h["val_loss"], h["accuracy"], chance_loss(p["y_train"], "binary"))


@pytest.mark.parametrize(
    ("units", "layers", "epochs", "outcome"),
    [
        (64, 2, 150, "overfit"),
        (1, 2, 150, "not_learning"),  # the dead single unit: loss 0.692, stuck at chance
        (2, 2, 20, "underfit"),  # both curves still falling
        (64, 2, 20, "good"),  # validation below training: not overfitting yet
    ],
)
def test_statement_matches_run(units, layers, epochs, outcome):
    fr = expected(units, layers, epochs)
    assert fr.outcome == outcome
    params = {"units": str(units), "layers": str(layers), "epochs": str(epochs)}
    at = open_page(FILE, params=params)
    assert_clean(at)
    assert len(charts(at)) >= 2
    text = notice_text(at)
    assert f"{fr.train_end:.3f}" in text
    key = {
        "overfit": "memorised the noise",
        "underfit": "underfitting",
        "not_learning": "did not learn",
        "good": "Capacity fits",
    }[outcome]
    assert key in text
    if outcome == "overfit":
        assert f"epoch **{fr.best}**" in text and f"from epoch {fr.overfit_start}" in text
    # the loss axis starts at 0, so noise does not fill the chart
    curves = [c for c in charts(at) if '"domain": [0.0' in c.proto.spec]
    assert curves, "the learning curves' y axis is fixed from 0"


def test_good_outcome_reachable():
    # a medium network on more, cleaner data fits without overfitting
    fr = expected(4, 1, epochs=150, n=300, noise=0.2)
    assert fr.outcome == "good"
    at = open_page(FILE, params={"units": "4", "layers": "1", "n": "300", "noise": "0.2"})
    assert_clean(at)
    text = notice_text(at)
    assert "Capacity fits" in text and f"{fr.val_best:.3f}" in text


def test_bad_url_falls_back():
    at = open_page(FILE, params={"units": "7", "layers": "abc"})
    assert_clean(at)
    assert at.session_state["units"] == 64 and at.session_state["layers"] == 2


def test_play_advances():
    at = open_page(FILE)
    reset_and_play(at, "curves")
