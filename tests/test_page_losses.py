"""The loss-function lesson (B7): renders, the probability statement and the trained-classifier
statement match sim in each branch, the regression statement matches its fit, categorical
cross-entropy on a 3-class set, bad URL values fall back, Play advances. (Widget extremes and
hostile URLs are swept by test_all_pages.)"""

import pytest
from apptest_utils import assert_clean, charts, notice_text, open_code, open_page, reset_and_play

from sim import loss_lesson as ll
from sim.datasets import make_dataset
from sim.training import NetSpec, train

FILE = "pages/12_loss_functions.py"
SPEC = NetSpec(hidden=(16, 16))


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
        out[loss] = (ll.first_epoch_at(r.history["accuracy"], goal), max(r.history["accuracy"]))
    return out


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_renders(lang):
    at = open_page(FILE, lang=lang)
    assert_clean(at)
    assert len(charts(at)) >= 5


def test_default_statements():
    at = open_page(FILE)
    text = notice_text(at)
    r = ll.readout(1, 0.01)
    assert f"Cross-entropy charges {r['bce']:.2f}, MSE only {r['mse']:.2f}" in text
    assert f"{ll.gradient_ratio(1, 0.01):.0f} times weaker" in text
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
    facts = ll.regression_misses(y, ll.predictions_from_weights(spec, reg.weights, x, "regression"))
    assert f"the MSE is {facts['mse']:.4f}" in text
    assert f"The largest miss, {facts['worst']:.2f} away" in text


def test_probability_branches():
    at = open_page(FILE, params={"p": "0.99"})
    r = ll.readout(1, 0.99)
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


def test_bad_url_values_fall_back_and_play():
    at = open_page(FILE, params={"p": "abc", "label": "7", "lr": "1e308"})
    assert_clean(at)
    assert at.slider(key="p").value == 0.01
    assert at.session_state["label"] == 1
    assert at.session_state["lr"] == 0.5
    assert "abc" in " ".join(i.value for i in at.info)
    reset_and_play(at, "losses")
