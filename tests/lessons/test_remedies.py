"""lessons.remedies (lesson B15): the variants trained, the final scores without the L2 penalty
(checked against the engine), the verdict in every branch, the boundary picture, the
frames and the Keras fix-up."""

import base64
import io
import math
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
from PIL import Image

from charts import palette, remedy_frames
from charts import remedies as remedy_charts
from lessons import early_stopping, remedies
from sim import caps
from sim.datasets import make_dataset
from sim.training import NetSpec, TrainResult, build_model, train

HIDDEN = (16, 16)


def test_variants_one_per_remedy_switched_on():
    vs = remedies.variants(HIDDEN, dropout=0.3, batchnorm=True, input_noise=0.2, l2=0.01)
    assert [v.key for v in vs] == ["baseline", "dropout", "batchnorm", "augment", "l2"]
    assert len(vs) <= caps.MAX_SWEEP
    base, drop, bn, aug, l2 = (v.spec for v in vs)
    assert base == NetSpec(hidden=HIDDEN)
    assert (drop.dropout, drop.batchnorm, drop.input_noise, drop.l2) == (0.3, False, 0.0, 0.0)
    assert bn.batchnorm and bn.dropout == 0.0
    assert aug.input_noise == 0.2 and aug.l2 == 0.0
    assert l2.l2 == 0.01 and l2.dropout == 0.0
    assert [v.strength for v in vs] == [None, 0.3, None, 0.2, 0.01]
    assert [v.key for v in remedies.variants(HIDDEN)] == ["baseline"]
    assert [v.key for v in remedies.variants(HIDDEN, l2=0.001)] == ["baseline", "l2"]


def test_epochs_within_the_lessons_budget():
    assert remedies.epochs_for(100, 50) == 100
    assert remedies.epochs_for(150, 50) == 150  # 7 500 sample-epochs: the budget exactly
    assert remedies.epochs_for(150, 150) == remedies.MAX_NETWORK_SAMPLE_EPOCHS // 150 == 50
    assert 5 * remedies.MAX_NETWORK_SAMPLE_EPOCHS <= caps.MAX_SAMPLE_EPOCHS


def _small_run(spec, seed=0, epochs=15):
    x, y = make_dataset("moons", 60, noise=0.3, seed=seed)
    xt, yt, xv, yv = early_stopping.validation_tail(x, y, 0.5)
    result = train(
        x,
        y,
        spec,
        "binary",
        2,
        epochs=epochs,
        batch_size=16,
        validation_split=0.5,
        seed=seed,
        grid_cells=None,
        evaluate={"train": (xt, yt), "val": (xv, yv)},
        track={"train": (xt, yt), "val": (xv, yv)},
    )
    return result, (xt, yt, xv, yv)


def test_penalty_is_the_engines_l2_term():
    spec = NetSpec(hidden=HIDDEN, l2=0.01)
    result, (xt, yt, xv, yv) = _small_run(spec)
    # the same weights in a model without the penalty give the data loss
    plain = build_model(NetSpec(hidden=HIDDEN), 2, "binary", 2)
    plain.set_weights(result.weights)
    data_train = plain.evaluate(xt, yt, return_dict=True)["loss"]
    data_val = plain.evaluate(xv, yv, return_dict=True)["loss"]
    extra = remedies.penalty(result.weights, 0.01)
    kernels = [w for w in result.weights if w.ndim == 2]
    assert len(kernels) == 3  # two hidden layers and the output layer
    assert extra == pytest.approx(0.01 * sum(float((k**2).sum()) for k in kernels))
    assert result.final["train"]["loss"] == pytest.approx(data_train + extra, rel=1e-9)
    # each epoch's tracked loss is the data loss alone: the last one is the final weights'
    assert result.tracked["train"]["loss"][-1] == pytest.approx(data_train, rel=1e-9)
    assert result.tracked["val"]["loss"][-1] == pytest.approx(data_val, rel=1e-9)
    assert result.tracked["val"]["accuracy"][-1] == result.final["val"]["accuracy"]
    # the score averages the last quarter of the epochs (15 epochs: the last 4)
    s = remedies.score(result, spec)
    assert s.window == remedies.score_window(15) == 4
    tail = {k: result.tracked[k] for k in ("train", "val")}
    assert s.train_loss == pytest.approx(np.mean(tail["train"]["loss"][-4:]))
    assert s.val_loss == pytest.approx(np.mean(tail["val"]["loss"][-4:]))
    assert s.val_accuracy == pytest.approx(np.mean(tail["val"]["accuracy"][-4:]))
    assert s.gap == pytest.approx(s.val_loss - s.train_loss)
    assert s.accuracy_gap == pytest.approx(s.train_accuracy - s.val_accuracy)
    assert remedies.penalty(result.weights, 0.0) == 0.0


def test_score_is_none_for_a_diverged_or_unscored_run():
    result, _ = _small_run(NetSpec(hidden=HIDDEN), epochs=2)
    result.diverged = {"epoch": 2, "batch": 1}
    assert remedies.score(result, NetSpec(hidden=HIDDEN)) is None
    result.diverged = None
    result.tracked = {"val": result.tracked["val"]}
    assert remedies.score(result, NetSpec(hidden=HIDDEN)) is None


def S(train_loss, val_loss, train_acc, val_acc):
    return remedies.Score(train_loss, val_loss, train_acc, val_acc)


OVERFIT = S(0.01, 1.2, 1.00, 0.76)


def test_verdict_no_overfit_and_no_remedy_and_failed_baseline():
    calm = S(0.10, 0.15, 0.97, 0.95)
    assert not remedies.overfits(calm)
    assert remedies.verdict({"baseline": calm, "dropout": S(0.1, 0.1, 0.9, 0.9)}).kind == (
        "no_overfit"
    )
    # a small loss gap but a large accuracy gap still counts as overfitting
    assert remedies.overfits(S(0.10, 0.20, 1.00, 0.86))
    assert remedies.verdict({"baseline": OVERFIT}).kind == "no_remedy"
    v = remedies.verdict({"baseline": None, "dropout": OVERFIT, "l2": None})
    assert v.kind == "baseline_failed" and v.failed == ("l2",)


def test_verdict_narrowed_picks_the_smallest_gap_and_the_best_score():
    scores = {
        "baseline": OVERFIT,
        "dropout": S(0.05, 0.90, 1.00, 0.80),  # gap 0.85
        "augment": S(0.20, 0.60, 0.96, 0.84),  # gap 0.40, best accuracy
        "l2": S(0.30, 0.55, 0.94, 0.78),  # gap 0.25, the narrowest
        "batchnorm": None,  # diverged
    }
    v = remedies.verdict(scores)
    assert v.kind == "narrowed"
    assert v.narrowest == "l2" and v.best_val == "augment" and v.better_val
    assert v.too_strong == () and v.worse == () and v.failed == ("batchnorm",)


def test_verdict_too_strong_worse_and_none_narrowed():
    scores = {
        "baseline": OVERFIT,
        # held back: training accuracy fell too and the gap narrowed -> too strong
        "l2": S(0.60, 0.70, 0.80, 0.70),
        # lower validation accuracy, training accuracy unchanged -> worse (luck)
        "dropout": S(0.02, 1.10, 1.00, 0.72),
    }
    v = remedies.verdict(scores)
    assert v.kind == "narrowed" and v.narrowest == "l2"
    assert v.too_strong == ("l2",) and v.worse == ("dropout",)
    assert not v.better_val  # nothing beat 76%
    # every gap as wide or wider: none narrowed; a wider gap with a lower score is "worse"
    v = remedies.verdict({"baseline": OVERFIT, "augment": S(0.05, 1.30, 0.96, 0.70)})
    assert v.kind == "none_narrowed" and v.narrowest == "augment"
    assert v.worse == ("augment",) and v.too_strong == ()
    # within NARROW_MIN of the baseline still counts as not narrowed
    v = remedies.verdict({"baseline": OVERFIT, "augment": S(0.02, 1.2, 1.0, 0.80)})
    assert v.kind == "none_narrowed" and v.better_val
    # better only by at least ACC_CHANGE: two points more is "about the same"
    v = remedies.verdict({"baseline": OVERFIT, "augment": S(0.02, 1.2, 1.0, 0.78)})
    assert not v.better_val


def test_even_batches_and_the_score_window():
    assert remedies.even_batch(50) == 13  # 13, 13, 13, 11 instead of 16, 16, 16, 2
    assert remedies.even_batch(48) == 16 and remedies.even_batch(10) == 10
    assert remedies.even_batch(0) == 1
    for n in range(1, 400):
        b = remedies.even_batch(n)
        assert b <= remedies.BATCH_TARGET and n - b * (math.ceil(n / b) - 1) >= b - math.ceil(n / b)
    assert remedies.score_window(100) == 25 and remedies.score_window(1) == 1


def test_training_is_unchanged_by_tracking():
    spec = NetSpec(hidden=HIDDEN, batchnorm=True)
    tracked, _ = _small_run(spec, epochs=4)
    x, y = make_dataset("moons", 60, noise=0.3, seed=0)
    plain = train(x, y, spec, "binary", 2, epochs=4, batch_size=16, validation_split=0.5)
    assert tracked.history == plain.history and plain.tracked == {}


def test_lowest_validation():
    r = TrainResult(
        history={"loss": [1, 0.5, 0.2], "val_loss": [0.9, 0.4, 0.6]},
        epochs=[1, 2, 3],
        batch_losses=[],
        updates_per_epoch=1,
        epoch_times=[0, 0, 0],
        seconds=0.0,
        stopped_reason=None,
        diverged=None,
    )
    assert remedies.lowest_validation(r) == (2, 0.4)
    frame = remedies.curve_rows(r, ("training", "validation"))
    assert list(frame["series"]) == ["training"] * 3 + ["validation"] * 3
    assert list(frame["value"]) == [1, 0.5, 0.2, 0.9, 0.4, 0.6]
    assert remedies.shared_domain([r]) == (0.0, pytest.approx(1.05))
    r.history["val_loss"][0] = math.inf
    assert remedies.shared_domain([r]) == (0.0, pytest.approx(1.05))
    wide = remedies.history_frame({"baseline": r, "l2": r})
    assert list(wide.columns) == ["variant", "epoch", "loss", "val_loss"]
    assert list(wide["variant"]) == ["baseline"] * 3 + ["l2"] * 3


def _decode(url):
    return Image.open(io.BytesIO(base64.b64decode(url.split(",", 1)[1]))).convert("RGB")


def test_boundary_picture_burns_the_points_in():
    cells = 20
    # class 1 everywhere: the picture is pale vermillion, the points stand out
    preds = np.full((cells * cells, 1), 0.99)
    bounds = ((0.0, 1.0), (0.0, 1.0))
    x = np.array([[0.25, 0.75], [0.75, 0.25]])
    y = np.array([0, 1])
    url = remedy_charts.boundary_picture(preds, cells, 2, bounds, x, y, np.array([False, True]))
    img = _decode(url)
    assert img.size == (200, 170)
    blue, vermillion = (palette.hex_rgb(c) for c in palette.class_colours(2))
    # the training point of class 0 at (0.25, 0.75): upper left, in blue
    px = np.asarray(img.getpixel((50, 42)), dtype=float)
    assert np.abs(px - blue).max() < 40
    # the validation point of class 1 at (0.75, 0.25): lower right, in vermillion
    px = np.asarray(img.getpixel((150, 128)), dtype=float)
    assert np.abs(px - vermillion).max() < 40
    # a place without points keeps the pale background
    corner = np.asarray(img.getpixel((100, 5)), dtype=float)
    assert corner.mean() > px.mean()
    assert len(url) < 8000  # a small-multiple frame stays small


def test_boundary_frame_panel_shows_one_picture_and_the_text_of_the_frame():
    pictures = pd.DataFrame(
        {"url": ["data:image/webp;base64,A", "data:image/webp;base64,B"], "shown_from": [0, 6]}
    )
    pictures["shown_until"] = [6, 11]
    texts = remedy_frames.text_rows([f"epoch {e}" for e in range(11)])
    shown = "datum.shown_from <= r_frame && r_frame < datum.shown_until"
    panel = remedy_charts.boundary_frame_panel(
        "Baseline", pictures, texts, (150, 125), shown, "datum.frame == r_frame", 3, "no remedy"
    )
    spec = panel.to_dict()
    assert spec["autosize"] == {"type": "pad"}  # the title and text add to the picture
    assert spec["title"]["text"] == "Baseline" and spec["title"]["subtitle"] == "no remedy"
    assert (spec["width"], spec["height"]) == (150, 125)
    image, words = spec["layer"]
    assert image["mark"]["type"] == "image" and image["encoding"]["url"]["field"] == "url"
    assert image["encoding"]["opacity"] == {"condition": {"test": shown, "value": 1}, "value": 0}
    assert "transform" not in image  # all pictures stay loaded: no blank frame on a change
    assert words["transform"] == [{"filter": "datum.frame == r_frame"}]
    assert words["encoding"]["y"] == {"value": -3 * 13 - 3}  # three lines above the picture


def test_picture_spans_cover_every_frame_once():
    spans = remedy_frames.picture_spans([0, 6, 12, 15], 16)
    assert spans == [(0, 6), (6, 12), (12, 15), (15, 16)]
    covered = [f for a, b in spans for f in range(a, b)]
    assert covered == list(range(16))


def test_curve_marks_mark_the_frame():
    plain = remedy_charts.curve_marks(["training", "validation"], "Epoch", "Loss", (0.0, 1.0))
    marked = remedy_charts.curve_marks(
        ["training", "validation"], "Epoch", "Loss", (0.0, 1.0), "datum.epoch == r_frame"
    )
    assert len(plain) == 2 and len(marked) == 4
    rule, dots = (layer.to_dict() for layer in marked[2:])
    assert rule["mark"]["type"] == "rule" and "y" not in rule["encoding"]  # full height
    assert {"filter": "datum.epoch == r_frame"} in rule["transform"]
    assert dots["transform"] == [{"filter": "datum.epoch == r_frame"}]


def test_curve_marks_keep_the_epochs_scale_on_a_frame_without_rows():
    """Frame 0 (before training) has no curve rows: the marker's layers are empty, so the x
    scale is fixed (Vega warned "Infinite extent for field epoch" taking it from them)."""
    marks = remedy_charts.curve_marks(
        ["training", "validation"], "Epoch", "Loss", (0.0, 1.0), "datum.epoch == r_frame", (0, 40)
    )
    for layer in marks:
        assert layer.to_dict()["encoding"]["x"]["scale"] == {"domain": [0, 40], "nice": False}


def test_epoch_domain_reaches_the_longest_run():
    def run(epochs):
        return SimpleNamespace(epochs=list(epochs))

    assert remedies.epoch_domain([run(range(1, 101)), run(range(1, 8))]) == (0, 100)
    assert remedies.epoch_domain([run([])]) == (0, 1)  # nothing trained: still a range


def test_curve_marks_have_no_legend_on_either_channel():
    """The page names the series in words; a legend on the shape beside none on the colour
    made Vega-Lite warn "Conflicting legend property disable" (it merges the two)."""
    marks = remedy_charts.curve_marks(
        ["training", "validation"], "Epoch", "Loss", (0.0, 1.0), "datum.epoch == r_frame"
    )
    legends = [
        (name, channel.get("legend", "missing"))
        for layer in marks
        for name, channel in layer.to_dict().get("encoding", {}).items()
        if name in ("color", "shape")
    ]
    assert {name for name, _ in legends} == {"color", "shape"}
    assert all(legend is None for _, legend in legends), legends


def test_curve_panel_is_as_wide_as_its_column():
    marks = remedy_charts.curve_marks(["training", "validation"], "Epoch", "Loss", (0.0, 1.0))
    rows = pd.DataFrame({"series": ["training"], "epoch": [1], "value": [0.5]})
    spec = remedy_charts.curve_panel("Baseline", "gap 0.2", rows, marks, height=140).to_dict()
    assert spec["autosize"] == {"type": "fit-x", "contains": "padding"}  # layout.fit_width
    assert "width" not in spec and spec["height"] == 140
    assert spec["title"]["text"] == "Baseline" and spec["title"]["subtitle"] == "gap 0.2"
    assert len(spec["layer"]) == len(marks)
