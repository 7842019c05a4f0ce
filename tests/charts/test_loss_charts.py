"""charts.loss_frames: the losses' series never wear a class's colour, and every chart of
the lesson gives cross-entropy and MSE the same two distinct palette colours."""

import numpy as np

from charts import loss_frames
from charts.frames import Frames
from charts.palette import OKABE_ITO, class_colours
from lessons import loss_functions
from sim.datasets import make_dataset
from sim.training import NetSpec, train

SERIES = ["cross-entropy", "MSE"]


def series_scales(spec) -> list[dict]:
    """The colour scales of the ``series`` field in a chart spec, all layers deep."""
    found = []
    for layer in [spec, *spec.get("layer", [])]:
        found += series_scales(layer) if "layer" in layer and layer is not spec else []
        colour = layer.get("encoding", {}).get("color", {})
        if colour.get("field") == "series" and colour.get("scale"):
            found.append(colour["scale"])
    return found


def test_loss_colours_are_distinct_palette_colours_unlike_any_class():
    colours = loss_frames.LOSS_COLOURS
    assert len(set(colours)) == len(colours) == 2 and set(colours) <= set(OKABE_ITO)
    # the spiral's three classes are the most the lesson draws
    assert not set(colours) & set(class_colours(3))


def test_every_loss_chart_uses_the_loss_colours():
    curve = loss_functions.curve_frame(1, dict(zip(loss_functions.LOSS_NAMES, SERIES, strict=True)))
    probability = loss_frames.probability_chart(
        curve, SERIES, "loss", [4.6, 0.98], ["4.6", "0.98"], 0.01, ("p", "loss", "legend")
    ).to_dict()
    x, y = make_dataset("moons", 40, noise=0.2, seed=0)
    runs = {
        name: train(
            x,
            y,
            NetSpec(hidden=(4,)),
            "binary",
            2,
            loss=loss,
            learning_rate=0.5,
            optimizer="sgd",
            batch_size=20,
            epochs=4,
            seed=0,
            grid_cells=None,
        )
        for name, loss in zip(SERIES, ("binary_crossentropy", "mse"), strict=True)
    }
    frames = Frames("losses", 5, 4)
    epochs = loss_frames.frame_epochs(list(runs.values()), 5)
    accuracy = loss_frames.accuracy_chart(
        runs, 0.6, 4, epochs, frames, ("epoch", "accuracy", "legend"), "epoch {epoch}".format
    ).to_dict()
    for spec in (probability, accuracy):
        scales = series_scales(spec)
        assert scales
        for scale in scales:
            assert scale["domain"] == SERIES and scale["range"] == list(loss_frames.LOSS_COLOURS)
    # the frame's dots and the goal markers carry the same colours, outside the scale
    datasets = accuracy["datasets"].values()
    dots = [row for rows in datasets for row in rows if "shape" in row and "colour" in row]
    assert dots and {row["colour"] for row in dots} <= set(loss_frames.LOSS_COLOURS)
    assert {row["colour"] for row in dots if row["series"] == "MSE"} == {
        loss_frames.LOSS_COLOURS[1]
    }
    np.testing.assert_array_equal(epochs, [0, 1, 2, 3, 4])
