"""charts.minibatch's loss chart: each run's line in its colour and dash, told apart by a
legend of line samples below the plot; the scales are fixed (the epochs and the losses'
range), so only the rule and the markers follow the player; each marker keeps its ball's
shape without putting shapes into the legend."""

from __future__ import annotations

from charts import minibatch as minibatch_charts
from charts import palette
from charts.frames import Frames
from sim import line_fit
from sim.datasets import make_dataset
from ui.text import Translator
from ui.vega import to_vega_lite

LABELS = {"full": "Batch GD", "mini": "Mini-batch", "sgd": "SGD"}


def loss_spec(epochs: int = 3) -> dict:
    x, y = make_dataset("line", 40, noise=0.5, seed=0)
    start = line_fit.LineFitLoss(x, y).default_start
    comp = line_fit.compare_batches(x, y, 8, epochs, 0.1, start, seed=0)
    tables = minibatch_charts.frame_tables(comp)
    frames = Frames("mb", comp.frames, comp.frames - 1)
    chart = minibatch_charts.loss_chart(Translator("en"), tables, LABELS, frames, epochs)
    return to_vega_lite(chart)


def test_the_runs_lines_are_told_apart_by_colour_and_dash_with_a_legend():
    spec = loss_spec()
    lines, _, marker = spec["layer"]
    legend = lines["encoding"]["color"]["legend"]
    assert legend["orient"] == "bottom" and legend["symbolType"] == "stroke"
    assert lines["encoding"]["color"]["scale"]["range"] == palette.OKABE_ITO[:3]
    dashes = lines["encoding"]["strokeDash"]["scale"]["range"]
    assert len({tuple(d) for d in dashes}) == 3  # three different dashes
    assert marker["encoding"]["shape"] == {"field": "marker", "type": "nominal", "scale": None}
    markers = spec["datasets"][marker["data"]["name"]]
    wanted = dict(zip(LABELS.values(), palette.SHAPES, strict=False))
    assert {s: markers.loc[markers["series"] == s, "marker"].iloc[0] for s in wanted} == wanted


def test_the_scales_are_fixed_and_the_ends_are_inside_the_plot():
    spec = loss_spec(epochs=3)
    lines, rule, marker = spec["layer"]
    x, y = lines["encoding"]["x"]["scale"], lines["encoding"]["y"]["scale"]
    assert x["domain"] == [0, 3] and x["padding"] > 0
    losses = spec["datasets"][lines["data"]["name"]]["loss"]
    assert y["domain"] == [float(losses.min()), float(losses.max())] and y["padding"] > 0
    assert "transform" not in lines
    assert rule["transform"] == [{"filter": "datum.frame == mb_frame"}]
    assert marker["transform"] == [{"filter": "datum.frame == mb_frame"}]
