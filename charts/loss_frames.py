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

from charts import boundary, layout, palette, surface_charts
from charts.frames import Frames
from sim import caps
from sim.training import TrainResult


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


def picture_filter(frames: Frames) -> str:
    """Filter: the picture covering the frame shown."""
    return f"datum.shown_from <= {frames.signal} && {frames.signal} < datum.shown_until"


def boundary_layers(
    pictures: pd.DataFrame,
    points: pd.DataFrame,
    bounds,
    class_labels: Sequence[str],
    legend_title: str,
    frames: Frames,
    size: tuple[int, int],
) -> alt.LayerChart:
    """The picture of the frame shown under the data points ``x1, x2, label``, with the
    picture's own ``label`` (which epoch it shows) in its top-left corner; fixed pixel
    size and domains, so a frame changes only which rows are drawn."""
    (x0, x1), (y0, y1) = bounds
    xs, ys = surface_charts.scales(bounds)
    placed = pictures.assign(x=x0, x2=x1, y=y1, y2=y0)
    shown = alt.Chart(placed).transform_filter(picture_filter(frames))
    image = shown.mark_image(aspect=False, align="left", baseline="top").encode(
        x=alt.X("x:Q", scale=xs, title="x₁"),
        x2="x2:Q",
        y=alt.Y("y:Q", scale=ys, title="x₂"),
        y2="y2:Q",
        url="url:N",
    )
    label = shown.mark_text(
        align="left",
        baseline="top",
        fontSize=12,
        fontWeight="bold",
        color="#222222",
        stroke="white",
        strokeWidth=3,
        strokeOpacity=0.85,
    ).encode(text="label:N", x=alt.value(6), y=alt.value(6))
    label_text = label.mark_text(
        align="left", baseline="top", fontSize=12, fontWeight="bold", color="#222222"
    )
    dots = boundary.points_layer(points, bounds, class_labels, (), (legend_title, ""))
    chart = alt.LayerChart(
        layer=[image, dots, label, label_text],
        # the plot keeps the shape of ``size``, at most ``size``; axes and legend add to it
        **layout.fitted_size(size),
        resolve=alt.Resolve(scale=alt.ScaleResolveMap(color="independent")),
    )
    return frames.bind(chart)


def frame_epochs(results: Sequence[TrainResult], n_frames: int) -> np.ndarray:
    """The epoch each frame shows: the latest snapshot epoch among ``results`` there."""
    frames = np.arange(max(int(n_frames), 1))
    per_run = [np.asarray(r.snapshot_epochs)[snapshot_index(r, frames)] for r in results]
    return np.max(per_run, axis=0).astype(np.int32)


def accuracy_at(result: TrainResult, epoch: int) -> float | None:
    """Training accuracy after ``epoch`` (1-based), or after the run's last epoch when it
    stopped before ``epoch``; None when the run recorded no epoch at all."""
    accuracy = result.history.get("accuracy") or []
    if not accuracy:
        return None
    return float(accuracy[min(int(epoch), len(accuracy)) - 1])


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
    curve there, in the colour and shape of its series (``palette.series_encodings``) but
    outside the colour scale: the dots must not change the curves' legend."""
    order = {name: i for i, name in enumerate(series)}
    index = markers["series"].map(order).fillna(0).astype(int)
    looks = markers.assign(
        colour=[palette.OKABE_ITO[i % len(palette.OKABE_ITO)] for i in index],
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
    return alt.layer(rule, dots)
