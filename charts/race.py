"""The optimizer lessons' charts that follow the player (adaptive rates, the race): each
racer's path up to the frame on the surface, its ball and its next step at the frame, a
dashed ring where a diverged run stopped, lines (loss, step size) with each racer's marker
at the frame, and the race's readout of every racer's loss.

Series keep their optimizer's colour, marker and dash (``optimizer_paths.OPTIMIZER_STYLE``)
whichever others are switched off; every title and label comes from the caller.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence

import altair as alt
import numpy as np
import pandas as pd

from charts import descent_frames, layering, layout, optimizer_paths, surface_charts
from charts.frames import Frames
from lessons import adaptive_rates
from sim import descent
from sim.surfaces import Surface

# racers a line of the race's readout: three Korean names with their losses were as wide
# as a phone's column
READOUT_PER_LINE = 2


def racer_tracks(runs: Mapping[str, descent.Trajectory]) -> list[descent_frames.Track]:
    """One ``Track`` per racer (label -> single-start run)."""
    return [descent_frames.track(traj, label) for label, traj in runs.items()]


def stopped_rows(runs: Mapping[str, descent.Trajectory]) -> pd.DataFrame:
    """``adaptive_rates.stopped_points`` of the whole run: each diverged racer's last finite
    point, ``step`` = the step it diverged at (a ring from that frame on)."""
    steps = max((traj.steps for traj in runs.values()), default=0)
    return adaptive_rates.stopped_points(dict(runs), steps)


def surface_layers(
    runs: Mapping[str, descent.Trajectory],
    styles: Mapping[str, str],
    surface: Surface,
    size: tuple[int, int],
    frames: Frames,
    legend_title: str,
    balls: pd.DataFrame | None = None,
) -> list:
    """The layers over a surface drawn at ``size``: every racer's path up to the frame in
    its optimizer's look (``styles``: label -> optimizer name), its ball and its next step
    at the frame, and a dashed ring where a diverged run stopped (from the step it diverged
    at). ``balls``: ``descent_frames.ball_rows`` of the racers, if already made."""
    tracks = racer_tracks(runs)
    if not tracks:
        return []
    paths = descent_frames.path_rows(tracks, surface, size)
    if balls is None:
        balls = descent_frames.ball_rows(tracks)
    # each racer's next step, drawn to scale (kind ``step``)
    arrows = descent_frames.descent_arrows(tracks, surface, size, kinds=("step",))
    layers = [
        path_layers(
            paths,
            balls[["series", "step", "x", "y", "loss"]],
            arrows[["series", "step", "x", "y", "x2", "y2"]],
            frames,
            surface.bounds,
            styles,
            legend_title,
        )
    ]
    stopped = stopped_rows(runs)
    if len(stopped):
        ring = optimizer_paths.stopped_layer(stopped, surface.bounds, styles, legend_title)
        layers.append(ring.transform_filter(frames.upto()))
    return layers


def path_layers(
    paths: pd.DataFrame,
    balls: pd.DataFrame,
    arrows: pd.DataFrame,
    frames: Frames,
    bounds,
    styles: Mapping[str, str],
    legend_title: str,
) -> alt.LayerChart:
    """``optimizer_paths.styled_paths`` following the player: paths up to the frame, the
    balls and each racer's next step (a thin arrow in its colour) at the frame."""
    xs, ys = surface_charts.scales(bounds)
    colour, shape, _ = optimizer_paths.style_encodings(styles, legend_title)
    plain, _, _ = optimizer_paths.style_encodings(styles, legend=False)  # one legend: the lines'

    def base(frame: pd.DataFrame) -> alt.Chart:
        return alt.Chart(frame).encode(x=alt.X("x:Q", scale=xs), y=alt.Y("y:Q", scale=ys))

    shown = base(paths).transform_filter(frames.upto())
    line = shown.mark_line(strokeWidth=2, clip=True).encode(
        color=colour, order="step:Q", detail="series:N"
    )
    dots = shown.mark_point(size=12, filled=True, opacity=0.7, clip=True, aria=False).encode(
        color=plain, shape=shape
    )
    step = (
        base(arrows)
        .transform_filter(frames.at())
        .mark_rule(strokeWidth=1.8, opacity=0.9, clip=True)
        .encode(x2="x2:Q", y2="y2:Q", color=plain)
    )
    ball = (
        base(balls)
        .transform_filter(frames.at())
        .mark_point(size=170, filled=True, stroke="white", strokeWidth=1.5, opacity=1, clip=True)
        .encode(
            color=plain,
            shape=shape,
            tooltip=descent_frames.ball_tooltip(),
        )
    )
    return layering.layer(line, dots, step, ball)


def frame_lines(
    rows: pd.DataFrame,
    frames: Frames,
    styles: Mapping[str, str],
    x_title: str,
    y_title: str,
    y_field: str = "loss",
    log_y: bool = False,
    height: int = 220,
    y_domain=None,
    legend_title: str = "",
    frame_field: str = "step",
) -> alt.LayerChart:
    """``optimizer_paths.styled_lines`` (``series, step, <y_field>``, a legend of lines
    below) with a dashed rule and each racer's marker at the frame shown (rows whose
    ``frame_field`` equals it), stretched to its column.

    Only the markers and the rule follow the frame: the scales are fixed
    (``optimizer_paths.step_scale``, ``value_scale``), so a new frame moves a few marks and
    leaves the axes, the lines and the legend as they are."""
    lines = optimizer_paths.styled_lines(
        rows,
        styles,
        x_title,
        y_title,
        legend_title=legend_title,
        y_field=y_field,
        log_y=log_y,
        height=height,
        y_domain=y_domain,
    )
    colour, _, _ = optimizer_paths.style_encodings(styles, legend=False)
    last = int(rows["step"].max()) if len(rows) else 1
    x = alt.X("step:Q", scale=optimizer_paths.step_scale(last))
    data = rows[rows[y_field] > 0] if log_y else rows
    columns = list(dict.fromkeys(["series", "step", y_field, frame_field]))
    markers = data["series"].map(optimizer_paths.marker_names(styles))
    # one rule per frame (not one per racer), where the frame's markers are
    rule = (
        alt.Chart(rows[list(dict.fromkeys([frame_field, "step"]))].drop_duplicates())
        .transform_filter(frames.at(frame_field))
        .mark_rule(color="#888888", strokeDash=[4, 3])
        .encode(x=x, y=alt.value(0), y2=alt.value(height))
    )
    marker = (
        alt.Chart(data[columns].assign(marker=markers.astype("category")))
        .transform_filter(frames.at(frame_field))
        .mark_point(size=110, filled=True, stroke="white", strokeWidth=1.2, opacity=1, clip=True)
        .encode(
            x=x,
            y=alt.Y(f"{y_field}:Q", scale=optimizer_paths.value_scale(log_y, y_domain)),
            color=colour,
            # the marker's shape is its ball's on the surface, named in the rows (no scale):
            # a shape scale of any field goes into the legend, even with legend=None, and
            # would draw markers over its line samples
            shape=alt.Shape("marker:N", scale=None),
            tooltip=["series:N", "step:Q", alt.Tooltip(f"{y_field}:Q", format=".4g")],
        )
    )
    chart = layering.layer(lines, rule, marker).properties(height=height)
    return frames.bind(layout.on_canvas(layout.fit_width(chart)))


def loss_scale(losses: pd.DataFrame, starts: Sequence[float]) -> tuple[bool, tuple]:
    """Whether the race's loss chart is logarithmic (every loss positive) and its y domain:
    from ``10⁻¹²`` of the highest start up to ten times it on a log scale, else the losses'
    range with a margin (5% below, 25% above)."""
    log_y = bool(len(losses)) and bool((losses["loss"] > 0).all())
    low = float(losses["loss"].min()) if len(losses) else 0.0
    high = max(starts) if len(starts) else 1.0
    if log_y:
        return True, (max(low, high * 1e-12), high * 10)
    pad = high - low + 1e-9
    return False, (low - 0.05 * pad, high + 0.25 * pad)


def readout_rows(
    runs: Mapping[str, descent.Trajectory], n_frames: int, stopped: Sequence[str]
) -> pd.DataFrame:
    """One row per frame: ``step``, each racer's loss at its ball (``f<i>``, held at its last
    finite point) and whether it diverged by then (``out<i>``), and ``stopped``: the text
    naming the racers stopped by then."""
    frames_at = np.arange(n_frames)
    row = {"step": frames_at}
    for i, traj in enumerate(runs.values()):
        last = traj.steps if traj.diverged_at is None else traj.diverged_at - 1
        row[f"f{i}"] = traj.loss[np.minimum(frames_at, last)]
        row[f"out{i}"] = frames_at > last
    row["stopped"] = list(stopped)
    return pd.DataFrame(row)


def loss_readout(
    runs: Mapping[str, descent.Trajectory],
    frames: Frames,
    stopped: Sequence[str],
    caption: str,
    item_loss: str,
    item_gone: str,
    separator: str,
) -> alt.Chart:
    """The frame's numbers: ``caption`` (fields ``step``, ``items``, ``stopped``) with each
    racer's ``item_loss`` (``name``, ``f``) or, once it diverged, ``item_gone`` (``name``),
    ``READOUT_PER_LINE`` racers a line joined by ``separator``; ``stopped``: the text of
    each frame naming the racers stopped by then."""
    items = []
    for i, label in enumerate(runs):
        name = json.dumps(label)
        gone = descent_frames.text_expr(item_gone, {"name": name})
        shown = descent_frames.text_expr(
            item_loss, {"name": name, "f": descent_frames.number(f"f{i}")}
        )
        items.append(f"(datum.out{i} ? {gone} : {shown})")
    sep = json.dumps(separator)
    lines = [
        f" + {sep} + ".join(items[k : k + READOUT_PER_LINE])
        for k in range(0, len(items), READOUT_PER_LINE)
    ]
    text = descent_frames.text_expr(
        caption,
        {
            "step": "datum.step",
            "items": " + '\\n' + ".join(lines) or "''",
            "stopped": "datum.stopped",
        },
    )
    rows = readout_rows(runs, len(stopped), stopped)
    return descent_frames.readout(rows, frames, text, lines=2 + len(lines))
