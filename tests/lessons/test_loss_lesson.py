"""The loss-function lesson's numbers (B7) against the formulas, finite differences and the
engine."""

import numpy as np
import pandas as pd
import pytest
from page_runs import diverged_regression, loss_runs, regression_fit

from lessons import loss_functions
from lessons.notices import Number, notice
from sim.datasets import make_dataset
from sim.training import NetSpec, build_model, train
from ui.page import words
from ui.text import Translator

P = np.array([0.01, 0.2, 0.5, 0.8, 0.99])


@pytest.mark.parametrize("label", [0, 1])
def test_loss_values_are_the_formulas(label):
    values = loss_functions.loss_values(label, P)
    q = P if label == 1 else 1 - P
    np.testing.assert_allclose(values["binary_crossentropy"], -np.log(q))
    np.testing.assert_allclose(values["mse"], (P - label) ** 2)


@pytest.mark.parametrize("label", [0, 1])
def test_output_gradients_are_the_chain_rule(label):
    grads = loss_functions.output_gradients(label, P)
    np.testing.assert_allclose(grads["binary_crossentropy"], P - label)
    np.testing.assert_allclose(grads["mse"], 2 * (P - label) * P * (1 - P))
    # and a finite difference through the sigmoid
    z = np.log(P) - np.log1p(-P)
    eps = 1e-6

    def loss_at(zz, name):
        return loss_functions.loss_values(label, 1 / (1 + np.exp(-zz)))[name]

    for name in loss_functions.LOSS_NAMES:
        fd = (loss_at(z + eps, name) - loss_at(z - eps, name)) / (2 * eps)
        np.testing.assert_allclose(grads[name], fd, rtol=1e-5, atol=1e-9)


def test_confident_wrong_costs_most_and_mse_gradient_vanishes():
    r = loss_functions.readout(1, 0.01)
    assert r["wrong"] and r["bce"] == pytest.approx(-np.log(0.01))
    assert r["bce"] > 4 * r["mse"]
    assert loss_functions.gradient_ratio(1, 0.01) == pytest.approx(1 / (2 * 0.01 * 0.99))
    assert (
        not loss_functions.readout(1, 0.5)["wrong"] and not loss_functions.readout(0, 0.5)["wrong"]
    )
    assert loss_functions.readout(0, 0.7)["wrong"] and not loss_functions.readout(0, 0.3)["wrong"]


@pytest.mark.parametrize("label", [0, 1])
def test_confident_wrong_costs_more_without_a_cap(label):
    """Far past the old clip at p = 1e-7 (cost 16.12) the cost keeps growing as -log of the
    probability given to the true label, and the cross-entropy gradient stays p - y."""
    right = np.array([1e-3, 1e-7, 1e-9, 1e-12, 1e-15])  # probability given to the label
    p = right if label == 1 else 1 - right
    values = loss_functions.loss_values(label, p)
    expected = -np.log(p) if label == 1 else -np.log1p(-p)
    np.testing.assert_allclose(values["binary_crossentropy"], expected, rtol=1e-12)
    assert np.all(np.diff(values["binary_crossentropy"]) > 0)
    assert values["binary_crossentropy"][-1] > 34 > -np.log(1e-7)
    np.testing.assert_allclose(
        loss_functions.output_gradients(label, p)["binary_crossentropy"], p - label
    )
    with pytest.raises(ValueError, match="between 0 and 1"):
        loss_functions.readout(label, 0.0)


def test_curve_frame():
    frame = loss_functions.curve_frame(1, {"binary_crossentropy": "ce", "mse": "m"}, points=11)
    assert list(frame.columns) == ["p", "series", "loss", "grad"]
    assert len(frame) == 22 and np.isfinite(frame[["loss", "grad"]].to_numpy()).all()
    assert (frame["grad"] >= 0).all()


def test_small_helpers():
    np.testing.assert_array_equal(
        loss_functions.one_hot(np.array([0, 2]), 3), [[1, 0, 0], [0, 0, 1]]
    )
    assert loss_functions.first_epoch_at([0.5, 0.8, 0.95, 0.9], 0.9) == 3
    assert loss_functions.first_epoch_at([0.5], 0.9) is None
    table = loss_functions.combined_history({"a": {"loss": [1, 2]}, "b": {"loss": [3]}}, [1, 2])
    assert list(table.columns) == ["epoch", "a_loss", "b_loss"]
    assert pd.isna(table["b_loss"][1])


def test_regression_misses():
    facts = loss_functions.regression_misses([0.0, 0.0, 0.0, 0.0], [0.1, -0.1, 0.0, 0.4])
    assert facts["mse"] == pytest.approx((0.01 + 0.01 + 0.16) / 4)
    assert facts["worst"] == pytest.approx(0.4) and facts["worst_index"] == 3
    assert facts["share"] == pytest.approx(0.16 / 0.18)
    assert loss_functions.regression_misses([1.0], [1.0])["share"] == 0.0


def test_predictions_from_weights_rebuild_the_model():
    x, y = make_dataset("sine", 30, noise=0.1, seed=0)
    spec = NetSpec(hidden=(8,), activation="tanh")
    result = train(x, y, spec, "regression", None, epochs=5, seed=0, grid_cells=None)
    pred = loss_functions.predictions_from_weights(spec, result.weights, x, "regression")
    model = build_model(spec, 1, "regression")
    model.set_weights(result.weights)
    np.testing.assert_allclose(pred, model.predict(x))
    assert loss_functions.regression_misses(y, pred)["mse"] == pytest.approx(
        model.evaluate(x, y), rel=1e-12
    )


def test_picture_frames_are_capped_and_cover_every_frame():
    from charts import loss_frames
    from sim import caps

    np.testing.assert_array_equal(loss_frames.picture_frames(7), np.arange(7))
    shown = loss_frames.picture_frames(151)
    assert len(shown) <= caps.MAX_FRAME_PICTURES
    assert shown[0] == 0 and shown[-1] == 150 and (np.diff(shown) > 0).all()
    assert list(loss_frames.picture_frames(1)) == [0]


def test_boundary_pictures_and_markers_follow_the_engine():
    """A run that stopped early (3 epochs of a 5-frame player) holds its last snapshot; each
    picture is the engine's boundary at the snapshot its frame shows."""
    from charts import boundary, loss_frames

    x, y = make_dataset("moons", 60, noise=0.2, seed=1)
    short = train(
        x,
        y,
        NetSpec(hidden=(4,)),
        "binary",
        2,
        optimizer="sgd",
        learning_rate=0.5,
        loss="mse",
        batch_size=20,
        epochs=3,
        seed=1,
        grid_cells=12,
    )
    assert short.snapshot_epochs == [0, 1, 2, 3]
    pictures = loss_frames.boundary_pictures(short, 6, 2, (40, 30), cap=3)
    assert list(pictures["picture"]) == [0, 2, 5] and list(pictures["shown_until"]) == [2, 5, 6]
    assert list(pictures["epoch"]) == [0, 2, 3]  # frame 5 holds the last snapshot (epoch 3)
    assert pictures["url"].iloc[2] == boundary.boundary_url(
        short.grid_predictions[3], 12, 2, (40, 30)
    )
    epochs = loss_frames.frame_epochs([short], 6)
    np.testing.assert_array_equal(epochs, [0, 1, 2, 3, 3, 3])
    markers = loss_frames.epoch_marker_rows({"mse": short}, epochs)
    assert list(markers["step"]) == [1, 2, 3, 4, 5]
    assert markers["value"].iloc[-1] == short.history["accuracy"][-1]


# --- what the lesson says -----------------------------------------------------------------


def same(number: Number, value: float, digits: int = 3) -> bool:
    """``number`` is ``value`` (to rounding) written with ``digits`` significant digits."""
    return number.digits == digits and number.value == pytest.approx(value, rel=1e-12)


def test_probability_notice_branches():
    r = loss_functions.readout(1, 0.01)
    said = loss_functions.probability_notice(1, 0.01)
    assert said.key == "losses.notice_wrong" and r["wrong"]
    assert same(said["bce"], -np.log(0.01)) and same(said["mse"], 0.99**2)
    assert same(said["times"], -np.log(0.01) / 0.99**2, 2)
    assert same(said["gbce"], 0.01 - 1)  # dL/dz = p - y
    assert same(said["gmse"], 2 * (0.01 - 1) * 0.01 * 0.99)  # 2 (p - y) p (1 - p)
    ratio = loss_functions.gradient_ratio(1, 0.01)
    assert ratio == pytest.approx(1 / (2 * 0.01 * 0.99)) and same(said["ratio"], ratio, 2)
    text = words(Translator("en"), said)
    assert "Cross-entropy charges 4.61, MSE only 0.98" in text and "51 times weaker" in text
    unsure = loss_functions.probability_notice(0, 0.5)
    assert unsure.key == "losses.notice_unsure" and unsure["k"] == 0
    assert same(unsure["bce"], np.log(2)) and same(unsure["mse"], 0.25)
    right = loss_functions.probability_notice(1, 0.99)
    assert right.key == "losses.notice_right" and same(right["bce"], -np.log(0.99))
    assert same(right["gbce"], 0.99 - 1)


def test_times_keeps_the_whole_part():
    assert [
        words(Translator("en"), notice("losses.marker", epoch=v))
        for v in (
            loss_functions.times(4.66),
            loss_functions.times(98.4),
            loss_functions.times(1234.4),
        )
    ] == ["epoch 4.7", "epoch 98", "epoch 1234"]


@pytest.mark.parametrize(
    ("opt", "lr", "key"),
    [
        ("sgd", 0.5, "losses.notice_ce_faster"),
        ("sgd", 2.0, "losses.notice_mse_not_slower"),
        ("sgd", 5.0, "losses.notice_only_mse"),
        ("adam", 0.5, "losses.notice_only_ce"),
        ("sgd", 0.01, "losses.notice_neither"),
    ],
)
def test_training_notice_branches(opt, lr, key):
    runs = loss_runs(opt, lr)
    said = loss_functions.training_notice(runs, 0.9, 60, "moons")
    ce, mse = (run.history["accuracy"] for run in runs.values())
    a, b = (loss_functions.first_epoch_at(acc, 0.9) for acc in (ce, mse))
    assert said.key == key
    assert said["a"] == a and said["b"] == b
    reached = [i + 1 for i, v in enumerate(ce) if v >= 0.9]
    assert a == (reached[0] if reached else None)
    assert (
        said["best_ce"] == f"{100 * max(ce):.0f}%" and said["best_mse"] == f"{100 * max(mse):.0f}%"
    )
    assert said["data"] == notice("train.data_moons") and said["goal"] == "90%"
    assert said["ce"] == notice("losses.series_binary_crossentropy")
    if key == "losses.notice_ce_faster":
        assert said["diff"] == b - a > 0
        text = words(Translator("en"), said)
        assert f"at epoch {a}, the MSE run only at epoch {b}: {b - a} epochs later" in text
    adam = loss_functions.run_notices(runs, opt)
    assert adam == ([notice("losses.notice_adam")] if opt == "adam" else [])


def test_three_classes_name_categorical_crossentropy():
    runs = loss_runs(data="spiral")
    assert list(runs) == ["categorical_crossentropy", "mse"]
    said = loss_functions.training_notice(runs, 0.7, 60, "spiral")
    assert said["ce"] == notice("losses.series_categorical_crossentropy")
    assert "categorical cross-entropy" in words(Translator("en"), said)


def test_run_notices_name_a_diverged_run():
    run = diverged_regression(NetSpec(hidden=(8,)))
    assert run.diverged
    said = loss_functions.run_notices({"mse": run}, "sgd")
    assert said == [
        notice(
            "losses.notice_diverged",
            loss=notice("losses.series_mse"),
            epoch=run.diverged["epoch"],
        )
    ]


def test_regression_notice_is_the_fits_misses():
    y, pred = regression_fit()
    said = loss_functions.regression_notice(y, pred)
    miss = np.abs(pred - y)
    assert said["n"] == 60 and said["mse"] == Number(np.mean(miss**2), 3)
    assert said["worst"] == Number(miss.max(), 3) and said["sq"] == Number(miss.max() ** 2, 3)
    assert said["share"] == f"{100 * miss.max() ** 2 / np.sum(miss**2):.0f}%"
    assert said["even"] == "2%"


def test_frame_captions_quote_each_runs_accuracy():
    runs = loss_runs(epochs=12)
    ce, mse = (run.history["accuracy"] for run in runs.values())
    captions = loss_functions.frame_captions(*runs.values(), np.arange(13))
    assert captions[0] == notice("losses.frame_start")
    assert captions[12] == notice(
        "losses.frame_caption", epoch=12, ce=f"{100 * ce[11]:.0f}%", mse=f"{100 * mse[11]:.0f}%"
    )
    assert loss_functions.accuracy_at(runs["mse"], 99) == mse[-1]  # a later epoch: the last
