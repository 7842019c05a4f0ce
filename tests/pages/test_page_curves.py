"""The overfitting lesson (B4, B8, B9): its statement matches the run in each outcome,
bad URL values fall back, and the player's frames (one per epoch) hold the engine's
boundary pictures, losses and regions."""

import numpy as np
import pytest
from apptest_utils import (
    assert_clean,
    charts,
    frame_charts,
    notice_text,
    open_page,
    player_data,
    table_with,
)

from charts import boundary
from lessons.fit_regions import chance_loss, regions
from sim import caps
from sim.datasets import make_dataset, train_val_test_split
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


def test_player_and_frames_follow_the_run():
    """Frame e is the state after epoch e: the boundary picture sent for it is the engine's
    snapshot of an epoch at or before e (named on the picture), the text and the curve
    marker hold that epoch's losses and region."""
    x, y = make_dataset("moons", 100, noise=0.3, seed=0)
    p = train_val_test_split(x, y, 0.3, 0.0, seed=0)
    run = train(
        p["x_train"],
        p["y_train"],
        NetSpec(hidden=(64, 64)),
        "binary",
        2,
        learning_rate=0.005,
        batch_size=16,
        epochs=150,
        validation_data=(p["x_val"], p["y_val"]),
        seed=0,
        snapshot_every=5,
    )
    h = run.history
    fr = regions(h["loss"], h["val_loss"], h["accuracy"], chance_loss(p["y_train"], "binary"))
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
            f"Epoch {epoch}: training loss {h['loss'][epoch - 1]:.3f}, "
            f"validation loss {h['val_loss'][epoch - 1]:.3f}, region: {region}."
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
    assert player_data(at, "curves")["labels"]["unit"] == "에포크"
    table = table_with(at, "curves", {"epoch", "line"}).sort_values("epoch")
    lines = [line.replace("\n", " ") for line in table["line"]]
    assert lines[0].startswith("0 에포크: 가중치가 무작위라")
    assert lines[150].startswith("150 에포크: 훈련 손실 ") and "구간: 과적합" in lines[150]
    pictures = table_with(at, "curves", {"url", "label"})
    assert "150번째 에포크 후" in set(pictures["label"])
