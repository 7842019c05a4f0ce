"""Descent runs as tables the browser plays: every step of every run, sent once.

A descent lesson's animated chart holds, per run (``series``, and ``run``: the option of a
live slider it belongs to), the thinned path and one row per step for the ball, its
arrows and its numbers. The player's param picks the step (``Frames.upto``/``at``) and the
live slider's param the run (``Frames.live_run``), so the browser redraws without the
server.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass

import altair as alt
import numpy as np
import pandas as pd

from sim import charts, descent
from sim.surfaces import Surface
from ui.player import Frames

MAX_ARROW_FRACTION = 0.25  # arrows longer than this share of the window are shortened


@dataclass(frozen=True)
class Track:
    """One run's arrays: ``xy`` ``(steps + 1, 2)``, ``loss``, ``grad``; ``last`` is its last
    finite step (the ball stays there after a divergence)."""

    series: str
    run: int
    xy: np.ndarray
    loss: np.ndarray
    grad: np.ndarray
    last: int

    @property
    def steps(self) -> int:
        return len(self.loss) - 1


def track(traj: descent.Trajectory, series: str, run: int = 0, row: int | None = None) -> Track:
    """The ``Track`` of a single run, or of row ``row`` of a many-start run or a sweep."""
    if row is None:
        last = traj.steps if traj.diverged_at is None else int(traj.diverged_at) - 1
        return Track(series, run, traj.xy, traj.loss, traj.grad, last)
    div = int(np.asarray(traj.diverged_at)[row])
    last = traj.steps if div < 0 else div - 1
    return Track(series, run, traj.xy[row], traj.loss[row], traj.grad[row], last)


def sweep_tracks(traj: descent.Trajectory, series: str) -> list[Track]:
    """One track per row of ``descent.sweep``, ``run`` numbering the swept values."""
    return [track(traj, series, run=i, row=i) for i in range(traj.n_starts)]


def path_rows(tracks: Sequence[Track], surface: Surface, size: tuple[int, int]) -> pd.DataFrame:
    """Rows ``series, run, step, x, y`` of each finite path, thinned to one per pixel."""
    parts = []
    for tr in tracks:
        xy = tr.xy[: tr.last + 1]
        keep = charts.thin_path(xy, surface.bounds, size)
        parts.append(
            pd.DataFrame(
                {
                    "series": tr.series,
                    "run": np.int16(tr.run),
                    "step": keep.astype(np.int32),
                    "x": xy[keep, 0],
                    "y": xy[keep, 1],
                }
            )
        )
    return pd.concat(parts, ignore_index=True)


def ball_rows(tracks: Sequence[Track]) -> pd.DataFrame:
    """One row per step and run, ``series, run, step, x, y, loss, gx, gy``: the ball (held at
    the last finite point once a run diverged) and the gradient there."""
    parts = []
    for tr in tracks:
        k = np.minimum(np.arange(tr.steps + 1), tr.last)
        parts.append(
            pd.DataFrame(
                {
                    "series": tr.series,
                    "run": np.int16(tr.run),
                    "step": np.arange(tr.steps + 1, dtype=np.int32),
                    "x": tr.xy[k, 0],
                    "y": tr.xy[k, 1],
                    "loss": tr.loss[k],
                    "gx": tr.grad[k, 0],
                    "gy": tr.grad[k, 1],
                }
            )
        )
    return pd.concat(parts, ignore_index=True)


def arrow_rows(
    x: np.ndarray, y: np.ndarray, dx: np.ndarray, dy: np.ndarray, kind: str, bounds, size
) -> pd.DataFrame:
    """``charts.arrow_frame`` for many arrows at once: tips and screen angles, shortened to
    ``MAX_ARROW_FRACTION`` of the window; zero or non-finite arrows are left out (the
    returned ``keep`` column says which inputs survived)."""
    (x0, x1), (y0, y1) = bounds
    px, py = size[0] / (x1 - x0), size[1] / (y1 - y0)
    with np.errstate(all="ignore"):
        length = np.hypot(dx * px, dy * py)
        scale = np.minimum(1.0, MAX_ARROW_FRACTION * min(size) / length)
        dx, dy = dx * scale, dy * scale
        angle = np.degrees(np.arctan2(dx * px, dy * py))
    keep = np.isfinite(length) & (length > 0) & np.isfinite(angle)
    return pd.DataFrame(
        {
            "kind": kind,
            "x": x,
            "y": y,
            "x2": x + dx,
            "y2": y + dy,
            "angle": angle,
            "keep": keep,
        }
    )


def descent_arrows(
    tracks: Sequence[Track], surface: Surface, size, kinds: Sequence[str] = ("gradient", "step")
) -> pd.DataFrame:
    """Rows ``series, run, step, kind, x, y, x2, y2, angle`` at every step: ``gradient`` is
    −∇f, ``step`` the move to the next point (none at the last finite step)."""
    parts = []
    for tr in tracks:
        steps = np.arange(tr.last + 1)
        x, y = tr.xy[steps, 0], tr.xy[steps, 1]
        found = {}
        if "gradient" in kinds:
            found["gradient"] = (-tr.grad[steps, 0], -tr.grad[steps, 1])
        if "step" in kinds:
            nxt = np.minimum(steps + 1, tr.last)
            found["step"] = (tr.xy[nxt, 0] - x, tr.xy[nxt, 1] - y)
        for kind, (dx, dy) in found.items():
            rows = arrow_rows(x, y, dx, dy, kind, surface.bounds, size)
            rows.insert(0, "step", steps.astype(np.int32))
            rows.insert(0, "run", np.int16(tr.run))
            rows.insert(0, "series", tr.series)
            parts.append(rows[rows.pop("keep")])
    if not parts:
        return pd.DataFrame(columns=["series", "run", "step", "kind", "x", "y", "x2", "y2"])
    return pd.concat(parts, ignore_index=True)


def path_layers(
    paths: pd.DataFrame,
    balls: pd.DataFrame,
    frames: Frames,
    bounds,
    series: Sequence[str],
    legend_title: str = "",
    line_width: float = 2.0,
) -> alt.LayerChart:
    """Each path up to the frame shown (line and small markers) and its ball at the frame,
    with the ball's numbers in its tooltip."""
    xs, ys = charts._scales(bounds)
    colour, shape = charts.series_encodings(series, legend_title)
    live = frames.live_run()

    def base(frame: pd.DataFrame) -> alt.Chart:
        return alt.Chart(frame).encode(
            x=alt.X("x:Q", scale=xs), y=alt.Y("y:Q", scale=ys), color=colour
        )

    shown = base(paths).transform_filter(f"{frames.upto()} && {live}")
    line = shown.mark_line(strokeWidth=line_width, clip=True).encode(
        order="step:Q", detail="series:N"
    )
    dots = shown.mark_point(size=14, filled=True, opacity=0.8, clip=True, aria=False).encode(
        shape=shape
    )
    ball = (
        base(balls)
        .transform_filter(f"{frames.at()} && {live}")
        .mark_point(size=180, filled=True, stroke="white", strokeWidth=1.5, opacity=1, clip=True)
        .encode(
            shape=shape,
            tooltip=[
                "series:N",
                "step:Q",
                alt.Tooltip("x:Q", format=".4g"),
                alt.Tooltip("y:Q", format=".4g"),
                alt.Tooltip("loss:Q", format=".4g"),
            ],
        )
    )
    return alt.layer(line, dots, ball)


def arrow_layers(
    arrows: pd.DataFrame, frames: Frames, bounds, kinds: dict[str, str], legend="bottom"
):
    """``charts.arrow_layers`` showing the frame's arrows only."""
    layer = charts.arrow_layers(arrows, bounds, kinds, legend)
    where = f"{frames.at()} && {frames.live_run()}"
    return alt.layer(*[sub.transform_filter(where) for sub in layer.layer])


_FIELD = re.compile(r"\{(\w+)\}")


def text_expr(template: str, fields: dict[str, str]) -> str:
    """A catalog template as a Vega expression: each ``{name}`` becomes the expression
    ``fields[name]`` (e.g. ``format(datum.loss, '.4~g')``), the rest string literals."""
    parts, pos = [], 0
    for match in _FIELD.finditer(template):
        if match.start() > pos:
            parts.append(json.dumps(template[pos : match.start()]))
        parts.append(f"({fields[match.group(1)]})")
        pos = match.end()
    if pos < len(template):
        parts.append(json.dumps(template[pos:]))
    return " + ".join(parts) or "''"


def number(field: str, digits: int = 4) -> str:
    """A Vega expression printing ``datum.<field>`` to ``digits`` significant digits."""
    return f"format(datum.{field}, '.{digits}~g')"


def readout(
    rows: pd.DataFrame, frames: Frames, expression: str, lines: int = 2, width=None
) -> alt.Chart:
    """A line or two of text that follows the frame: ``expression`` (``text_expr``) over the
    frame's row of ``rows``; a newline in it breaks the line."""
    height = 18 * lines
    chart = (
        alt.Chart(rows)
        .transform_filter(f"{frames.at()} && {frames.live_run()}")
        .transform_calculate(line=expression)
        .mark_text(align="left", baseline="top", fontSize=13, lineBreak="\n", lineHeight=18)
        .encode(text="line:N", x=alt.value(0), y=alt.value(0))
        .properties(height=height, view=alt.ViewConfig(strokeWidth=0))
    )
    if width is not None:
        chart = chart.properties(width=width)
    return frames.bind(chart)


def loss_layers(
    balls: pd.DataFrame,
    frames: Frames,
    series: Sequence[str],
    x_title: str,
    y_title: str,
    log_y: bool = False,
    height: int = 240,
) -> alt.LayerChart:
    """Loss against step per series (the live run's, with ``live=``) and a marker at the
    frame shown: the chart beside the surface says where the ball is."""
    colour, shape = charts.series_encodings(series, "")
    data = balls[balls["loss"] > 0] if log_y else balls
    live = frames.live_run()
    y_scale = alt.Scale(type="log") if log_y else alt.Scale(zero=False)
    base = (
        alt.Chart(data)
        .transform_filter(live)
        .encode(
            x=alt.X("step:Q", title=x_title),
            y=alt.Y("loss:Q", title=y_title, scale=y_scale),
            color=colour,
        )
    )
    marker = base.transform_filter(frames.at())
    layers = [
        base.mark_line(strokeWidth=2),
        marker.mark_rule(color="#888888", strokeDash=[4, 3]).encode(
            y=alt.value(0), y2=alt.value(height)
        ),
        marker.mark_point(size=120, filled=True, stroke="white", strokeWidth=1.5, opacity=1).encode(
            shape=shape,
            tooltip=["series:N", "step:Q", alt.Tooltip("loss:Q", format=".4g")],
        ),
    ]
    return frames.bind(charts.fit_width(alt.layer(*layers).properties(height=height)))


def frame_readout(
    rows: pd.DataFrame, frames: Frames, expression: str, field: str, lines: int = 2, width=None
) -> alt.Chart:
    """``readout`` over rows whose frame is the column ``field`` (a lesson whose frames are
    not descent steps: mini-batches, epochs, rounds): ``expression`` over the frame's row,
    a newline in it breaks the line."""
    height = 18 * lines
    chart = (
        alt.Chart(rows)
        .transform_filter(frames.at(field))
        .transform_calculate(line=expression)
        .mark_text(align="left", baseline="top", fontSize=13, lineBreak="\n", lineHeight=18)
        .encode(text="line:N", x=alt.value(0), y=alt.value(0))
        .properties(height=height, view=alt.ViewConfig(strokeWidth=0))
    )
    if width is not None:
        chart = chart.properties(width=width)
    return frames.bind(chart)
