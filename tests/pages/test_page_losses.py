"""The loss-function lesson (B7): renders, the probability statement and the trained-classifier
statement match sim in each branch, the regression statement matches its fit, categorical
cross-entropy on a 3-class set, bad URL values fall back; the player's frames (epochs) hold
the engine's boundaries and accuracies. (Widget extremes and hostile URLs are swept by
test_all_pages.)"""

import json

import numpy as np
import pytest
from apptest_utils import (
    assert_clean,
    chart_datasets,
    charts,
    frame_charts,
    notice_text,
    open_code,
    open_page,
    player_data,
)

from charts import boundary
from lessons import loss_functions
from sim import caps
from sim.datasets import make_dataset
from sim.training import NetSpec, train

FILE = "pages/12_loss_functions.py"
SPEC = NetSpec(hidden=(16, 16))


def engine_runs(opt="sgd", lr=0.5, epochs=60, data="moons"):
    """The page's two runs as the engine trains them, with its 40x40 boundary grid."""
    x, y = make_dataset(data, 200, noise=0.2, seed=0)
    return {
        loss: train(
            x,
            y,
            SPEC,
            "binary",
            2,
            optimizer=opt,
            learning_rate=lr,
            loss=loss,
            batch_size=32,
            epochs=epochs,
            seed=0,
            grid_cells=40,
        )
        for loss in ("binary_crossentropy", "mse")
    }


def followers(at, key="losses") -> list:
    """The chart elements that follow the player ``key``, in page order."""
    return [
        c
        for c in charts(at)
        if any(p.get("name") == f"{key}_frame" for p in json.loads(c.proto.spec).get("params", []))
    ]


def first_epochs(opt="sgd", lr=0.5, goal=0.9, data="moons"):
    x, y = make_dataset(data, 200, noise=0.2, seed=0)
    out = {}
    for loss in ("binary_crossentropy", "mse"):
        r = train(
            x,
            y,
            SPEC,
            "binary",
            2,
            optimizer=opt,
            learning_rate=lr,
            loss=loss,
            batch_size=32,
            epochs=60,
            seed=0,
            grid_cells=None,
        )
        out[loss] = (
            loss_functions.first_epoch_at(r.history["accuracy"], goal),
            max(r.history["accuracy"]),
        )
    return out


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_renders(lang):
    at = open_page(FILE, lang=lang)
    assert_clean(at)
    assert len(charts(at)) >= 5


def test_default_statements():
    at = open_page(FILE)
    text = notice_text(at)
    r = loss_functions.readout(1, 0.01)
    assert f"Cross-entropy charges {r['bce']:.2f}, MSE only {r['mse']:.2f}" in text
    assert f"{loss_functions.gradient_ratio(1, 0.01):.0f} times weaker" in text
    fe = first_epochs()
    (a, _), (b, _) = fe["binary_crossentropy"], fe["mse"]
    assert a < b
    assert f"at epoch {a}, the MSE run only at epoch {b}: {b - a} epochs later" in text
    # the regression fit
    x, y = make_dataset("sine", 60, noise=0.15, seed=0)
    spec = NetSpec(hidden=(16, 16), activation="tanh")
    reg = train(
        x,
        y,
        spec,
        "regression",
        None,
        optimizer="adam",
        learning_rate=0.01,
        batch_size=16,
        epochs=150,
        seed=0,
        grid_cells=None,
    )
    facts = loss_functions.regression_misses(
        y, loss_functions.predictions_from_weights(spec, reg.weights, x, "regression")
    )
    assert f"the MSE is {facts['mse']:.4f}" in text
    assert f"The largest miss, {facts['worst']:.2f} away" in text


def test_probability_branches():
    at = open_page(FILE, params={"p": "0.99"})
    r = loss_functions.readout(1, 0.99)
    assert f"the answer is right. Both losses are small (cross-entropy {r['bce']:.2f}" in (
        notice_text(at)
    )
    at = open_page(FILE, params={"p": "0.5", "label": "0"})
    assert "the model is guessing" in notice_text(at)


@pytest.mark.parametrize(
    ("params", "branch"),
    [
        ({"lr": "2.0"}, "Here MSE was not slower"),
        ({"lr": "5.0"}, "only the MSE run reached"),
        ({"opt": "adam", "lr": "0.5"}, "got no further than"),
        ({"lr": "0.01"}, "neither run reached"),
    ],
)
def test_training_branches(params, branch):
    at = open_page(FILE, params=params)
    assert_clean(at)
    text = notice_text(at)
    assert branch in text
    if params.get("opt") == "adam":
        fe = first_epochs("adam", 0.5)
        assert f"at epoch {fe['binary_crossentropy'][0]}" in text
        assert "Adam divides every gradient" in text


def test_categorical_crossentropy_on_three_classes():
    at = open_page(FILE, params={"data": "spiral"})
    assert_clean(at)
    assert "categorical_crossentropy" in open_code(at)
    assert "categorical cross-entropy" in notice_text(at)


def test_bad_url_values_fall_back():
    at = open_page(FILE, params={"p": "abc", "label": "7", "lr": "1e308"})
    assert_clean(at)
    assert at.slider(key="p").value == 0.01
    assert at.session_state["label"] == 1
    assert at.session_state["lr"] == 0.5
    assert "abc" in " ".join(i.value for i in at.info)
    assert player_data(at, "losses")["frames"] == 61


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_player_frames_are_the_engines_epochs(lang):
    """Frame k is the state after epoch k (0: before training): the player counts epochs
    from 0 like the charts, the pictures are the engine's boundaries (at most
    MAX_FRAME_PICTURES per run, each frame showing the latest one at or before it, labelled
    with its epoch), the readout and the accuracy markers hold the engine's accuracies."""
    at = open_page(FILE, lang=lang, params={"epochs": "50"})
    assert_clean(at)
    data = player_data(at, "losses")
    assert data["frames"] == 51 and data["start"] == 50 and data["first_number"] == 0
    assert data["labels"]["unit"] == ("Epoch" if lang == "en" else "에포크")
    assert len(frame_charts(at, "losses")) == 4  # two boundaries, the readout, the accuracy
    runs = engine_runs(epochs=50)
    boundaries, readout, accuracy = followers(at)[0], followers(at)[2], followers(at)[3]
    names = [p["name"] for p in json.loads(boundaries.proto.spec)["params"]]
    assert names == ["width", "height", "losses_frame"]  # its size (charts.layout), the player
    for chart, loss in zip(followers(at)[:2], ("binary_crossentropy", "mse"), strict=True):
        run = runs[loss]
        pictures = next(d for d in chart_datasets(chart).values() if "url" in d)
        assert len(pictures) == caps.MAX_FRAME_PICTURES  # 51 frames, 40 pictures
        # every frame is covered by exactly one picture, in order
        assert pictures["shown_from"].iloc[0] == 0 and pictures["shown_until"].iloc[-1] == 51
        assert (
            pictures["shown_from"].iloc[1:].to_numpy() == pictures["shown_until"].iloc[:-1]
        ).all()
        for row in pictures.iloc[[0, 7, -1]].itertuples():
            assert row.epoch == row.picture == run.snapshot_epochs[row.picture]
            assert row.url == boundary.boundary_url(
                run.grid_predictions[row.picture], 40, 2, (250, 215)
            )
        assert pictures["label"].iloc[-1] == (
            "after epoch 50" if lang == "en" else "50번째 에포크 후"
        )
        spec = json.loads(chart.proto.spec)
        image = next(layer for layer in spec["layer"] if layer["mark"]["type"] == "image")
        assert {
            "filter": "datum.shown_from <= losses_frame && losses_frame < datum.shown_until"
        } in image["transform"]
    lines = next(iter(chart_datasets(readout).values())).set_index("step")["line"]
    ce, mse = (runs[loss].history["accuracy"] for loss in ("binary_crossentropy", "mse"))
    if lang == "en":
        assert lines[0].startswith("Before training")
        assert lines[12] == (
            f"After epoch 12: training accuracy\n{100 * ce[11]:.0f}% with cross-entropy,\n"
            f"{100 * mse[11]:.0f}% with MSE."
        )
    markers = next(d for d in chart_datasets(accuracy).values() if "step" in d)
    at_12 = markers[markers["step"] == 12].set_index("series")["value"]
    np.testing.assert_allclose(sorted(at_12), sorted([ce[11], mse[11]]))
    assert (markers["epoch"] == markers["step"]).all() and 0 not in set(markers["step"])
