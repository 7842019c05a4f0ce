"""The tables the learning-rate lesson (A2) draws: a fan of learning rates, one series per
rate slider, all read off one ``descent.sweep`` over the slider's options (so the browser
can redraw slider 1's series for any option without the server)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from charts import descent_frames
from sim.descent import Trajectory
from sim.surfaces import Surface

GAP_FLOOR = 1e-12  # the log chart's floor: a run at the bottom exactly would be log(0)


@dataclass(frozen=True)
class Fan:
    """``series``: one label per distinct chosen rate, slider 1's (the live one) first;
    ``balls``: ``ball_rows`` with ``gone``, ``lr``, ``live`` and ``gap = f - min f`` (at
    least ``GAP_FLOOR``); ``paths``: ``path_rows`` with ``live``."""

    series: list[str]
    balls: pd.DataFrame
    paths: pd.DataFrame


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
    balls["lr"] = np.asarray(rates)[balls["run"]]
    balls["live"] = balls["series"] == live
    balls["gap"] = np.maximum(balls["loss"] - surface.min_value, GAP_FLOOR)
    paths = descent_frames.path_rows(tracks, surface, size)
    paths["live"] = paths["series"] == live
    return Fan(series, balls, paths)


# each chart is sent only the columns it draws (up to 34 runs of up to 501 steps each)
KEY_COLUMNS = ["series", "run", "live", "step"]


def surface_rows(fan: Fan) -> pd.DataFrame:
    """The balls' columns the surface chart draws."""
    return fan.balls[[*KEY_COLUMNS, "x", "y", "loss"]]


def readout(fan: Fan, frames, caption: str, item: str, item_diverged: str):
    """The text beside the surface: ``caption`` (``{step}``), then one line per series from
    the templates ``item`` / ``item_diverged`` (``{lr}``, ``{f}``) of the frame shown."""
    fields = {"lr": "format(datum.lr, '~g')", "f": descent_frames.number("loss")}
    line = descent_frames.text_expr(item, fields)
    gone = descent_frames.text_expr(item_diverged, fields)
    return descent_frames.series_readout(
        fan.balls[[*KEY_COLUMNS, "lr", "loss", "gone"]],
        frames,
        descent_frames.text_expr(caption, {"step": "datum.step"}),
        f"datum.gone ? ({gone}) : ({line})",
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
