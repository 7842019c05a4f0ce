"""The tables the learning-rate lesson (A2) draws: a fan of learning rates, one series per
rate slider, all read off one ``descent.sweep`` over the slider's options (so the browser
can redraw slider 1's series for any option without the server)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from charts import descent_frames, numbers
from sim.descent import Trajectory
from sim.surfaces import Surface

GAP_FLOOR = 1e-12  # the log chart's floor: a run at the bottom exactly would be log(0)
# pixels of plot width per legend column: a rate's label ("lr 0.0015") is short, so four
# fit side by side on a wide screen and two on a phone, not one under another
LEGEND_COLUMN = 100


@dataclass(frozen=True)
class Fan:
    """``series``: one label per distinct chosen rate, slider 1's (the live one) first, and
    ``rates`` their rates; ``balls``: ``ball_rows`` with ``gone``, ``off`` (the ball is off
    the map), ``lr``, ``live`` and ``gap = f - min f`` (at least ``GAP_FLOOR``); ``paths``:
    ``map_path_rows`` (cut at the map's edge) with ``live``; ``exits``: ``exit_rows`` with
    ``live``; ``leaving``: the series of the chosen rates that leave the map."""

    series: list[str]
    rates: list[float]
    balls: pd.DataFrame
    paths: pd.DataFrame
    exits: pd.DataFrame
    leaving: list[str]


def fan(
    sweep: Trajectory,
    rates: Sequence[float],
    chosen: Sequence[float],
    labels: Sequence[str],
    surface: Surface,
    size: tuple[int, int],
) -> Fan:
    """The fan of the rates ``chosen`` (``labels[i]`` names ``chosen[i]``; a rate chosen
    twice is drawn once, under its first label), read off ``sweep`` (one run per value of
    ``rates``): slider 1's series holds every option's run, the others one run each."""
    rates = list(rates)
    slots = {}
    for label, lr in zip(labels, chosen, strict=True):
        if lr not in slots.values():
            slots[label] = lr
    series = list(slots)
    live = series[0]
    tracks = descent_frames.sweep_tracks(sweep, live)
    for label in series[1:]:
        index = rates.index(slots[label])
        tracks.append(descent_frames.track(sweep, label, run=index, row=index))
    balls = descent_frames.mark_gone(descent_frames.ball_rows(tracks), tracks)
    balls["off"] = ~descent_frames.on_map(balls[["x", "y"]].to_numpy(), surface.bounds)
    balls["lr"] = np.asarray(rates)[balls["run"]]
    balls["live"] = balls["series"] == live
    balls["gap"] = np.maximum(balls["loss"] - surface.min_value, GAP_FLOOR)
    paths = descent_frames.map_path_rows(tracks, surface, size)
    paths["live"] = paths["series"] == live
    exits = descent_frames.exit_rows(tracks, surface, size)
    exits["live"] = exits["series"] == live
    # slider 1's series holds a run per option: only the one chosen now counts here
    chosen_run = rates.index(slots[live])
    shown = [tr for tr in tracks if tr.series != live or tr.run == chosen_run]
    bounds = surface.bounds
    leaving = [tr.series for tr in shown if descent_frames.first_exit(tr, bounds) is not None]
    return Fan(series, [slots[label] for label in series], balls, paths, exits, leaving)


def legend_labels(fan: Fan, rates: Sequence[float], frames, template: str) -> str:
    """A Vega label expression naming each series by its rate (``template``: ``{lr}``), in
    the learners' number style; the live series' rate is read from the player's run param,
    so the legend follows slider 1 while it is dragged."""
    live_rate = numbers.vega(f"{json.dumps([float(r) for r in rates])}[{frames.run_signal}]", 4)
    parts = []
    for index, (label, rate) in enumerate(zip(fan.series, fan.rates, strict=True)):
        shown = (
            descent_frames.text_expr(template, {"lr": live_rate})
            if index == 0 and frames.live_index is not None
            else json.dumps(template.format(lr=numbers.plain(rate, 4)))
        )
        parts.append(f"datum.label == {json.dumps(label)} ? {shown}")
    return " : ".join([*parts, "datum.label"])


# each chart is sent only the columns it draws (up to 34 runs of up to 501 steps each)
KEY_COLUMNS = ["series", "run", "live", "step"]


def surface_rows(fan: Fan) -> pd.DataFrame:
    """The balls' columns the surface chart draws."""
    return fan.balls[[*KEY_COLUMNS, "x", "y", "loss"]]


def readout(fan: Fan, frames, caption: str, item: str, item_off: str, item_diverged: str):
    """The text beside the surface: ``caption`` (``{step}``), then one line per series from
    the templates ``item`` / ``item_off`` (the ball is off the map) / ``item_diverged``
    (``{lr}``, ``{f}``) of the frame shown."""
    fields = {"lr": numbers.vega("datum.lr", 4), "f": descent_frames.number("loss")}
    line = descent_frames.text_expr(item, fields)
    off = descent_frames.text_expr(item_off, fields)
    gone = descent_frames.text_expr(item_diverged, fields)
    return descent_frames.series_readout(
        fan.balls[[*KEY_COLUMNS, "lr", "loss", "gone", "off"]],
        frames,
        descent_frames.text_expr(caption, {"step": "datum.step"}),
        f"datum.gone ? ({gone}) : datum.off ? ({off}) : ({line})",
        fan.series,
    )


def loss_chart(fan: Fan, frames, log_y: bool, x_title: str, y_title: str):
    """f, or on a log scale f - min f (``gap``), against the step, up to the frame shown."""
    metric = "gap" if log_y else "loss"
    return descent_frames.metric_layers(
        fan.balls[[*KEY_COLUMNS, metric, "gone"]],
        frames,
        fan.series,
        metric,
        x_title,
        y_title,
        log_y=log_y,
        height=200,
    )
