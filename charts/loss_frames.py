"""The loss-function lesson's training runs as tables the browser plays, epoch by epoch.

Frame ``f`` of the player is the state after snapshot ``f`` of a run (``snapshot_epochs``:
0 = before training, then one per epoch). A run that stopped early (diverged, time budget)
holds its last snapshot on the later frames. The decision-boundary pictures of all frames
are sent once, at most ``caps.MAX_FRAME_PICTURES`` of them per run: frame ``f`` shows the
latest picture drawn at or before ``f`` (a picture covers ``shown_from <= f < shown_until``)
and says which epoch it is.
"""

from __future__ import annotations

from collections.abc import Sequence

import altair as alt
import numpy as np
import pandas as pd

from charts import boundary, curves, layering, palette, training_frames
from charts.frames import Frames
from lessons.loss_functions import accuracy_at, first_epoch_at
from sim import caps
from sim.training import TrainResult

# The losses' series (cross-entropy, MSE) in colours no class of the data points uses
# (``palette.class_colours``: blue, vermillion, green): reddish purple and black.
LOSS_COLOURS = (palette.OKABE_ITO[3], palette.OKABE_ITO[6])


def probability_chart(
    curve: pd.DataFrame,
    series: Sequence[str],
    y_field: str,
    values: Sequence[float],
    texts: Sequence[str],
    p: float,
    titles: tuple[str, str, str],
) -> alt.LayerChart:
    """``curves.probability_chart`` of both losses (``y_field``: ``loss`` or ``grad``
    against the predicted probability) in ``LOSS_COLOURS``, a labelled dot per series at
    ``p`` (``values``, written as ``texts``). ``titles``: x axis, y axis, legend."""
    current = pd.DataFrame(
        {"p": [p] * len(series), "series": series, "value": values, "text": texts}
    )
    x_title, y_title, legend_title = titles
    return curves.probability_chart(
        curve, series, y_field, x_title, y_title, legend_title, p, current, colours=LOSS_COLOURS
    )


def accuracy_chart(
    runs: dict[str, TrainResult],
    goal: float,
    epochs: int,
    frame_epochs: np.ndarray,
    frames: Frames,
    titles: tuple[str, str, str],
    marker_label,
) -> alt.LayerChart:
    """Each run's training accuracy per epoch (``runs``: series name to run) in
    ``LOSS_COLOURS``, a dashed rule at ``goal``, a labelled rule where each run first reached
    it (``marker_label(epoch=...)``), and the frame's epoch (``frame_epochs[f]``) marked on
    every curve; bound to the player."""
    rows = [
        {"series": name, "epoch": e, "value": v}
        for name, run in runs.items()
        for e, v in zip(run.epochs, run.history["accuracy"], strict=False)
    ]
    series = list(runs)
    lowest = min((row["value"] for row in rows), default=0.0)
    low = min(0.5, float(np.floor(lowest * 10) / 10))  # room for every point, to 0.1
    x_title, y_title, legend_title = titles
    lines = curves.curves(
        pd.DataFrame(rows, columns=["series", "epoch", "value"]),
        series,
        x_title,
        y_title,
        legend_title,
        y_domain=(low, 1.0),
        x_domain=(1, int(epochs)),
        height=340,
        colours=LOSS_COLOURS,
    )
    layers = [lines, curves.target_rule(goal)]
    firsts = [
        (row, first_epoch_at(run.history["accuracy"], goal))
        for row, run in enumerate(runs.values())
    ]
    marks = [
        {
            "epoch": epoch,
            "label": marker_label(epoch=epoch),
            "row": row,
            "colour": LOSS_COLOURS[row],
        }
        for row, epoch in firsts
        if epoch is not None
    ]
    if marks:
        layers.append(curves.markers(pd.DataFrame(marks)))
    frame_markers = epoch_marker_rows(runs, frame_epochs)
    layers.append(epoch_marker_layers(frame_markers, frames, series))
    # each layer keeps its colour and shape: the curves' two then merge into one legend,
    # beside the markers' and dots' own colours (scale=None)
    chart = layering.layer(*layers).resolve_scale(color="independent", shape="independent")
    return frames.bind(chart)


def snapshot_index(result: TrainResult, frame: np.ndarray | int) -> np.ndarray:
    """The snapshot of ``result`` shown on ``frame``: ``min(frame, snapshots - 1)``."""
    return np.minimum(np.asarray(frame), len(result.snapshot_epochs) - 1)


def picture_frames(n_frames: int, cap: int = caps.MAX_FRAME_PICTURES) -> np.ndarray:
    """The frames that get a picture of their own: all of them up to ``cap``, otherwise
    ``cap`` evenly spaced ones, always the first and the last."""
    n_frames = max(int(n_frames), 1)
    if n_frames <= cap:
        return np.arange(n_frames)
    return np.unique(np.linspace(0, n_frames - 1, max(int(cap), 2)).round().astype(int))


def boundary_pictures(
    result: TrainResult,
    n_frames: int,
    n_classes: int,
    size: tuple[int, int],
    cap: int = caps.MAX_FRAME_PICTURES,
) -> pd.DataFrame:
    """One row per picture of ``result``'s decision boundary: ``picture`` (its frame),
    ``shown_from``, ``shown_until`` (the frames it covers), ``epoch`` (the snapshot's epoch)
    and ``url`` (``boundary.boundary_url`` of the snapshot shown on that frame)."""
    cells = round(np.sqrt(len(result.grid)))
    shown = picture_frames(n_frames, cap)
    until = np.append(shown[1:], max(int(n_frames), 1))
    snaps = snapshot_index(result, shown)
    return pd.DataFrame(
        {
            "picture": shown.astype(np.int32),
            "shown_from": shown.astype(np.int32),
            "shown_until": until.astype(np.int32),
            "epoch": [int(result.snapshot_epochs[s]) for s in snaps],
            "url": [
                boundary.boundary_url(result.grid_predictions[s], cells, n_classes, size)
                for s in snaps
            ],
        }
    )


def boundary_layers(
    pictures: pd.DataFrame,
    points: pd.DataFrame,
    bounds,
    class_labels: Sequence[str],
    legend_title: str,
    frames: Frames,
    size: tuple[int, int],
) -> alt.LayerChart:
    """``training_frames.framed_boundary``: the picture of the frame shown (``pictures``
    with their ``label``) under the data points ``x1, x2, label``."""
    dots = boundary.points_layer(points, bounds, class_labels, (), (legend_title, ""))
    return training_frames.framed_boundary(pictures, dots, bounds, frames, size)


def frame_epochs(results: Sequence[TrainResult], n_frames: int) -> np.ndarray:
    """The epoch each frame shows: the latest snapshot epoch among ``results`` there."""
    frames = np.arange(max(int(n_frames), 1))
    per_run = [np.asarray(r.snapshot_epochs)[snapshot_index(r, frames)] for r in results]
    return np.max(per_run, axis=0).astype(np.int32)


def epoch_marker_rows(
    results: dict[str, TrainResult], epochs: np.ndarray, value_field: str = "value"
) -> pd.DataFrame:
    """Rows ``step, series, epoch, value``: each run's accuracy at the epoch of frame
    ``step`` (none on frame 0, before training)."""
    rows = [
        {"step": frame, "series": name, "epoch": int(epoch), value_field: accuracy_at(res, epoch)}
        for frame, epoch in enumerate(epochs)
        if epoch >= 1
        for name, res in results.items()
        if accuracy_at(res, epoch) is not None
    ]
    return pd.DataFrame(rows, columns=["step", "series", "epoch", value_field])


def epoch_marker_layers(markers: pd.DataFrame, frames: Frames, series: Sequence[str]):
    """A rule at the epoch of the frame shown (across the plot) and a dot on each run's
    curve there, in the colour (``LOSS_COLOURS``) and shape of its series but outside the
    colour scale: the dots must not change the curves' legend."""
    order = {name: i for i, name in enumerate(series)}
    index = markers["series"].map(order).fillna(0).astype(int)
    looks = markers.assign(
        colour=[LOSS_COLOURS[i % len(LOSS_COLOURS)] for i in index],
        shape=[palette.SHAPES[i % len(palette.SHAPES)] for i in index],
    )
    shown = alt.Chart(looks).transform_filter(frames.at("step"))
    rule = shown.mark_rule(color="#888888", strokeDash=[4, 3]).encode(x="epoch:Q")
    dots = shown.mark_point(size=140, filled=True, stroke="white", strokeWidth=1.5, opacity=1)
    dots = dots.encode(
        x="epoch:Q",
        y="value:Q",
        color=alt.Color("colour:N", scale=None),
        shape=alt.Shape("shape:N", scale=None),
        tooltip=["series:N", "epoch:Q", alt.Tooltip("value:Q", format=".1%")],
    )
    return layering.layer(rule, dots)
