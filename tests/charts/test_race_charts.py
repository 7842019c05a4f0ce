"""charts.race and the line charts of charts.optimizer_paths: the lines are told apart by a
legend of line samples (colour and dash) below the plot, each marker keeps its ball's shape
without putting shapes into that legend, and only the frame's marks follow the player (the
scales are fixed, a marker at the first or last step is drawn whole)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from charts import optimizer_paths
from charts import race as race_charts
from charts.frames import Frames
from sim import descent
from sim.optimizers import make_optimizer
from sim.surfaces import get_surface
from ui.vega import to_vega_lite

STYLES = {"GD": "sgd", "Adam": "adam", "RMSprop": "rmsprop"}


def loss_rows(steps: int = 40) -> pd.DataFrame:
    surface = get_surface("ravine")
    parts = []
    for label, name in STYLES.items():
        opt = make_optimizer(name, learning_rate=0.05)
        traj = descent.run(surface, opt, surface.default_start, steps)
        parts.append(traj.to_frame()[["step", "loss"]].assign(series=label))
    return pd.concat(parts, ignore_index=True)


def layers(spec: dict) -> list[dict]:
    """Every unit layer of ``spec`` (any depth)."""
    if "layer" in spec:
        return [unit for layer in spec["layer"] for unit in layers(layer)]
    return [spec]


def chart(rows: pd.DataFrame, **options) -> dict:
    frames = Frames("race", int(rows["step"].max()) + 1, 0)
    return to_vega_lite(
        race_charts.frame_lines(rows, frames, STYLES, "Step", "Loss", log_y=True, **options)
    )


def test_the_lines_legend_shows_each_racers_colour_and_dash_below_the_plot():
    spec = chart(loss_rows(), legend_title="Run")
    line, _, marker = layers(spec)
    legend = line["encoding"]["color"]["legend"]
    assert legend["orient"] == "bottom" and legend["symbolType"] == "stroke"
    assert "width" in legend["columns"]["expr"]  # as many columns as the plot holds
    assert line["encoding"]["strokeDash"]["scale"]["range"] == [
        optimizer_paths.OPTIMIZER_STYLE[name][2] for name in STYLES.values()
    ]
    # the marker's shape comes from its rows, with no scale: no shape legend over the lines
    assert marker["encoding"]["shape"] == {"field": "marker", "type": "nominal", "scale": None}
    shapes = spec["datasets"][marker["data"]["name"]]
    wanted = {label: optimizer_paths.OPTIMIZER_STYLE[name][1] for label, name in STYLES.items()}
    assert dict(zip(shapes["series"], shapes["marker"], strict=True)) == wanted


def test_only_the_frames_marks_follow_the_player():
    rows = loss_rows(40)
    spec = chart(rows)
    line, rule, marker = layers(spec)
    x = line["encoding"]["x"]["scale"]
    assert x == {"domain": [0, 40], "nice": False, "zero": False, "padding": optimizer_paths.EDGE}
    assert marker["encoding"]["x"]["scale"] == x and rule["encoding"]["x"]["scale"] == x
    assert line["encoding"]["y"]["scale"]["padding"] == optimizer_paths.EDGE
    assert "transform" not in line  # the lines do not depend on the frame
    for layer in (rule, marker):
        assert layer["transform"] == [{"filter": "datum.step == race_frame"}]
    # one rule per frame, where the frame's markers stand
    ruled = spec["datasets"][rule["data"]["name"]]
    assert list(ruled["step"]) == list(range(41))


def test_a_log_axis_labels_a_few_decades_and_the_step_axis_a_few_steps():
    spec = chart(loss_rows())
    line = layers(spec)[0]
    assert line["encoding"]["y"]["axis"]["tickCount"] == {
        "expr": f"ceil(height / {optimizer_paths.VALUE_TICK_SPACING})"
    }
    assert line["encoding"]["x"]["axis"]["tickCount"] == {
        "expr": f"ceil(width / {optimizer_paths.STEP_TICK_SPACING})"
    }


def test_the_race_loss_scale_reaches_twelve_decades_below_the_highest_start():
    rows = loss_rows()
    starts = [float(rows.loc[rows["series"] == s, "loss"].iloc[0]) for s in STYLES]
    log_y, (low, high) = race_charts.loss_scale(rows, starts)
    assert log_y and high == max(starts) * 10
    assert low == max(float(rows["loss"].min()), max(starts) * 1e-12)
    # a surface that goes below zero: linear, 5% of the range below, 25% above
    shift = float(rows["loss"].median())
    negative = rows.assign(loss=rows["loss"] - shift)
    log_y, (low, high) = race_charts.loss_scale(negative, [s - shift for s in starts])
    bottom, top = float(negative["loss"].min()), max(starts) - shift
    assert not log_y
    assert np.isclose(low, bottom - 0.05 * (top - bottom), atol=1e-8)
    assert np.isclose(high, top + 0.25 * (top - bottom), atol=1e-8)
