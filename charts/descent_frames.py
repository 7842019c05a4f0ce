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

from charts import layering, layout, numbers, palette, surface_charts
from charts.frames import Frames
from sim import descent
from sim.surfaces import Surface

LINE_HEIGHT = 18  # pixels per line of chart text (readout)
MAX_ARROW_FRACTION = 0.25  # arrows longer than this share of the window are shortened
MARKER_ROOM = 8  # pixels a step chart's scales reach past its data: the frame's marker's radius


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
        keep = surface_charts.thin_path(xy, surface.bounds, size)
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


def on_map(xy: np.ndarray, bounds) -> np.ndarray:
    """Whether each point ``(x, y)`` of ``xy`` (``(n, 2)``) lies in the window ``bounds``,
    its edges included: ``x0 <= x <= x1 and y0 <= y <= y1``."""
    (x0, x1), (y0, y1) = bounds
    xy = np.asarray(xy, float).reshape(-1, 2)
    with np.errstate(invalid="ignore"):
        return (xy[:, 0] >= x0) & (xy[:, 0] <= x1) & (xy[:, 1] >= y0) & (xy[:, 1] <= y1)


# The window's edges, named by where the outward arrow points, and that arrow's angle for a
# "triangle-up" point (Vega turns shapes clockwise from pointing up).
EDGE_ANGLES = {"top": 0.0, "right": 90.0, "bottom": 180.0, "left": 270.0}


def edge_crossing(inside: np.ndarray, outside: np.ndarray, bounds) -> tuple[float, float, str]:
    """Where the segment from a point ``inside`` the window to one ``outside`` it leaves
    the window, and through which edge: ``p + s (q - p)`` with the least ``s`` in
    ``(0, 1]`` at which it meets ``x = x0``, ``x = x1``, ``y = y0`` or ``y = y1``."""
    (x0, x1), (y0, y1) = bounds
    p, q = np.asarray(inside, float), np.asarray(outside, float)
    d = q - p
    best, edge = 1.0, "right"
    for axis, low, high, names in ((0, x0, x1, ("left", "right")), (1, y0, y1, ("bottom", "top"))):
        if d[axis] == 0:
            continue
        for limit, name in ((low, names[0]), (high, names[1])):
            s = (limit - p[axis]) / d[axis]
            if 0 < s <= best:
                best, edge = s, name
    x, y = p + best * d
    return float(np.clip(x, x0, x1)), float(np.clip(y, y0, y1)), edge


def map_pieces(xy: np.ndarray, bounds) -> list[tuple[int, int]]:
    """The runs of consecutive points of a path inside the window, as ``(first, last)``
    indices: a path that leaves the window and comes back has two."""
    inside = on_map(xy, bounds)
    change = np.diff(np.concatenate([[False], inside, [False]]).astype(np.int8))
    starts, ends = np.flatnonzero(change == 1), np.flatnonzero(change == -1) - 1
    return list(zip(starts.tolist(), ends.tolist(), strict=True))


def map_path_rows(tracks: Sequence[Track], surface: Surface, size: tuple[int, int]) -> pd.DataFrame:
    """``path_rows`` cut at the window's edges: rows ``series, run, step, x, y, piece,
    order`` of the parts of each finite path inside the window (thinned to one point per
    pixel), each part ending (and, when the path comes back, starting) where its segment
    crosses the edge. A crossing point takes the step of the point beyond it, so it shows
    from that frame on; ``order`` (the crossing between two steps at ``k + 0.5``) draws
    the line in order; ``piece`` numbers the parts, which are drawn apart.

    A diverging run overshoots farther with every step: uncut, its segments from one side
    of the map to the other covered the whole map."""
    bounds = surface.bounds
    parts = []
    for tr in tracks:
        xy = tr.xy[: tr.last + 1]
        steps, points, orders, pieces = [], [], [], []
        for piece, (first, last) in enumerate(map_pieces(xy, bounds)):
            kept = first + surface_charts.thin_path(xy[first : last + 1], bounds, size)
            if first > 0:  # came back onto the map between first - 1 and first
                x, y, _ = edge_crossing(xy[first], xy[first - 1], bounds)
                steps.append(first), points.append((x, y)), orders.append(first - 0.5)
                pieces.append(piece)
            steps += kept.tolist()
            points += [tuple(p) for p in xy[kept]]
            orders += kept.astype(float).tolist()
            pieces += [piece] * len(kept)
            if last < tr.last:  # left the map between last and last + 1
                x, y, _ = edge_crossing(xy[last], xy[last + 1], bounds)
                steps.append(last + 1), points.append((x, y)), orders.append(last + 0.5)
                pieces.append(piece)
        xy_kept = np.asarray(points, float).reshape(-1, 2)
        parts.append(
            pd.DataFrame(
                {
                    "series": tr.series,
                    "run": np.int16(tr.run),
                    "step": np.asarray(steps, np.int32),
                    "x": xy_kept[:, 0],
                    "y": xy_kept[:, 1],
                    "piece": np.asarray(pieces, np.int16),
                    "order": np.asarray(orders, np.float32),
                }
            )
        )
    return pd.concat(parts, ignore_index=True)


def exit_rows(tracks: Sequence[Track], surface: Surface, size: tuple[int, int]) -> pd.DataFrame:
    """Rows ``series, run, shown_from, shown_until, x, y, angle``: one per time a run left
    the window, at the point where it crossed the edge (moved ``MARKER_ROOM`` pixels
    inside, so the marker is whole), shown for the frames ``shown_from <= frame <
    shown_until`` while the ball is off the map (to the end, if it never came back or
    diverged); ``angle`` turns a "triangle-up" marker to point out through that edge."""
    bounds = surface.bounds
    (x0, x1), (y0, y1) = bounds
    inset = (MARKER_ROOM * (x1 - x0) / size[0], MARKER_ROOM * (y1 - y0) / size[1])
    rows = []
    for tr in tracks:
        xy = tr.xy[: tr.last + 1]
        pieces = map_pieces(xy, bounds)
        for index, (_, last) in enumerate(pieces):
            if last >= tr.last:
                continue  # on the map to its last finite step
            x, y, edge = edge_crossing(xy[last], xy[last + 1], bounds)
            back = pieces[index + 1][0] if index + 1 < len(pieces) else tr.steps + 1
            rows.append(
                {
                    "series": tr.series,
                    "run": tr.run,
                    "shown_from": last + 1,
                    "shown_until": back,
                    "x": float(np.clip(x, x0 + inset[0], x1 - inset[0])),
                    "y": float(np.clip(y, y0 + inset[1], y1 - inset[1])),
                    "angle": EDGE_ANGLES[edge],
                }
            )
    columns = ["series", "run", "shown_from", "shown_until", "x", "y", "angle"]
    return pd.DataFrame(rows, columns=columns).astype(
        {"run": np.int16, "shown_from": np.int32, "shown_until": np.int32}
    )


def first_exit(tr: Track, bounds) -> int | None:
    """The first step at which a run is off the map (or None: it stays on it)."""
    off = ~on_map(tr.xy[: tr.last + 1], bounds)
    if off.any():
        return int(np.argmax(off))
    return None if tr.last >= tr.steps else tr.last + 1


def ball_tooltip() -> list:
    """The tooltip of a ball on a surface: its run, step, position and value."""
    return [
        "series:N",
        "step:Q",
        alt.Tooltip("x:Q", format=".4g"),
        alt.Tooltip("y:Q", format=".4g"),
        alt.Tooltip("loss:Q", format=".4g"),
    ]


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
    """Arrows from (x, y) along (dx, dy), many at once: tips and screen angles, shortened to
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
    exits: pd.DataFrame | None = None,
    legend_labels: str | None = None,
    legend_column: int | None = None,
) -> alt.LayerChart:
    """Each path up to the frame shown (line and small markers) and its ball at the frame,
    with the ball's numbers in its tooltip. Paths cut at the map's edge (``map_path_rows``)
    are drawn piece by piece, and ``exits`` (``exit_rows``) marks where a ball off the map
    left it. ``legend_labels``: a Vega expression naming the series in the legend (it may
    read the player's params, as a live series' value does); ``legend_column``: pixels of
    plot width per legend column, for labels shorter than the palette's column."""
    xs, ys = surface_charts.scales(bounds)
    colour, shape = palette.series_encodings(series, legend_title)
    if colour["legend"] is not None and (legend_labels or legend_column):
        # colour and shape keep one legend only while their legends agree
        legend = colour["legend"].copy()
        if legend_labels:
            legend.labelExpr = legend_labels
        if legend_column:
            fits = f"floor(width / {int(legend_column)})"
            legend.columns = alt.ExprRef(f"max(1, min({len(series)}, {fits}))")
        colour, shape = colour.copy(), shape.copy()
        colour["legend"] = shape["legend"] = legend
    live = frames.live_run()

    def base(frame: pd.DataFrame) -> alt.Chart:
        return alt.Chart(frame).encode(
            x=alt.X("x:Q", scale=xs), y=alt.Y("y:Q", scale=ys), color=colour
        )

    cut = "piece" in paths.columns
    shown = base(paths).transform_filter(f"{frames.upto()} && {live}")
    line = shown.mark_line(strokeWidth=line_width, clip=True).encode(
        order="order:Q" if cut else "step:Q",
        detail=["series:N", "piece:N"] if cut else "series:N",
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
            tooltip=ball_tooltip(),
        )
    )
    layers = [line, dots, ball]
    if exits is not None and len(exits):
        held = f"datum.shown_from <= {frames.signal} && {frames.signal} < datum.shown_until"
        layers.append(
            base(exits)
            .transform_filter(f"{held} && {live}")
            .mark_point(shape="triangle-up", size=170, filled=True, stroke="white", strokeWidth=1.2)
            .encode(angle=alt.Angle("angle:Q", scale=None), opacity=alt.value(1))
        )
    return layering.layer(*layers)


def arrow_layers(
    arrows: pd.DataFrame, frames: Frames, bounds, kinds: dict[str, str], legend="bottom"
):
    """``surface_charts.arrow_layers`` showing the frame's arrows only."""
    layer = surface_charts.arrow_layers(arrows, bounds, kinds, legend)
    where = f"{frames.at()} && {frames.live_run()}"
    # Altair hoists the data both layers share to their layer: keep it with the filtered ones
    return layering.layer(*[sub.transform_filter(where) for sub in layer.layer], data=layer.data)


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
    return numbers.vega(f"datum.{field}", digits)


def readout(
    rows: pd.DataFrame,
    frames: Frames,
    expression: str,
    lines: int = 2,
    width=None,
    field: str = "step",
) -> alt.Chart:
    """A line or two of text that follows the frame: ``expression`` (``text_expr``, or
    ``"datum.line"`` for text made on the server) over the row of ``rows`` whose ``field``
    is the frame shown (and of the live run); a newline in it breaks the line."""
    height = LINE_HEIGHT * lines
    chart = (
        alt.Chart(rows)
        .transform_filter(frames.at_live(field))
        .transform_calculate(line=expression)
        .mark_text(
            align="left", baseline="top", fontSize=13, lineBreak="\n", lineHeight=LINE_HEIGHT
        )
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
    return metric_layers(
        balls, frames, series, "loss", x_title, y_title, log_y, height, legend=True
    )


def metric_layers(
    rows: pd.DataFrame,
    frames: Frames,
    series: Sequence[str],
    field: str,
    x_title: str,
    y_title: str,
    log_y: bool = False,
    height: int = 220,
    extra_layers: Sequence = (),
    legend: bool = False,
    y_domain: tuple[float, float] | None = None,
) -> alt.LayerChart:
    """``field`` against step per series (the live run's, with ``live=``) and a marker at
    the frame shown; ``extra_layers`` (a threshold line) go under the marker. Rows with a
    true ``gone`` column (``mark_gone``: after a run diverged), non-finite values and, on a
    log axis, values <= 0 are left out. ``y_domain`` fixes the axis (lines leaving it are
    clipped: a diverging run does not flatten the others)."""
    values = rows[field].to_numpy(dtype=float)
    keep = np.isfinite(values)
    if "gone" in rows:
        keep &= ~rows["gone"].to_numpy(dtype=bool)
    if log_y:
        keep &= values > 0
    if legend:
        colour, shape = palette.series_encodings(series, "")
    else:
        colour, shape = _series_colour(series), _series_shape(series)
    # Both scales reach MARKER_ROOM pixels past the data (and are not rounded out past it):
    # the marker at the last step, or at a loss of about 0, sat on the plot's edge and was
    # cut in half by it.
    room = {"padding": MARKER_ROOM, "nice": False}
    if log_y:
        y_scale = alt.Scale(type="log", **room)
    elif y_domain is not None:
        y_scale = alt.Scale(domain=list(y_domain), **room)
    else:
        y_scale = alt.Scale(zero=False, **room)
    base = (
        alt.Chart(rows[keep])
        .transform_filter(frames.live_run())
        .encode(
            x=alt.X("step:Q", title=x_title, scale=alt.Scale(**room)),
            y=alt.Y(
                f"{field}:Q",
                scale=y_scale,
                axis=layout.log_axis(y_title) if log_y else alt.Axis(title=y_title),
            ),
            color=colour,
        )
    )
    marker = base.transform_filter(frames.at())
    rule = marker.mark_rule(strokeDash=[4, 3]).encode(
        y=alt.value(0), y2=alt.value(height), color=alt.value("#888888")
    )
    point = marker.mark_point(
        size=120, filled=True, stroke="white", strokeWidth=1.5, opacity=1, clip=True
    )
    tooltip = ["series:N", "step:Q", alt.Tooltip(f"{field}:Q", format=".4g", title=y_title)]
    layers = [
        base.mark_line(strokeWidth=2, clip=True),
        *extra_layers,
        rule,
        point.encode(shape=shape, tooltip=tooltip),
    ]
    return frames.bind(layout.fit_width(layering.layer(*layers).properties(height=height)))


# --- several runs on one surface (learning rate, local minima, saddle points) -------------


def mark_gone(balls: pd.DataFrame, tracks: Sequence[Track]) -> pd.DataFrame:
    """``balls`` (``ball_rows``) with a column ``gone``: the step lies past its run's last
    finite point (the run diverged there; the ball is only held at its last place)."""
    last = {(tr.series, tr.run): tr.last for tr in tracks}
    limit = np.array([last[key] for key in zip(balls["series"], balls["run"], strict=True)])
    return balls.assign(gone=balls["step"].to_numpy() > limit)


def _series_colour(series: Sequence[str]) -> alt.Color:
    """The series' colours as in ``palette.series_encodings``, without a legend."""
    domain = list(series)
    return alt.Color(
        "series:N",
        scale=alt.Scale(domain=domain, range=palette.OKABE_ITO[: len(domain)]),
        legend=None,
    )


def _series_shape(series: Sequence[str]) -> alt.Shape:
    domain = list(series)
    return alt.Shape(
        "series:N", scale=alt.Scale(domain=domain, range=palette.SHAPES[: len(domain)]), legend=None
    )


def series_readout(
    rows: pd.DataFrame,
    frames: Frames,
    header: str,
    line: str,
    series: Sequence[str],
    width=None,
) -> alt.LayerChart:
    """Per-frame numbers of several runs: a ``header`` line (a ``text_expr`` over the first
    series' row of the frame), then one line per series (``line`` over its row), each after
    a marker in the series' colour and shape, so the text doubles as the legend."""
    series = list(series)
    where = f"{frames.at()} && {frames.live_run()}"
    base = alt.Chart(rows).transform_filter(where)
    order = f"indexof({json.dumps(series)}, datum.series)"
    head = (
        base.transform_filter(f"datum.series == {json.dumps(series[0])}")
        .transform_calculate(line=header)
        .mark_text(align="left", baseline="top", fontSize=13)
        .encode(text="line:N", x=alt.value(0), y=alt.value(0))
    )
    each = base.transform_filter(f"{order} >= 0").transform_calculate(
        line=line, ypix=f"27 + 19 * {order}"
    )
    colour, shape = _series_colour(series), _series_shape(series)
    marks = each.mark_point(filled=True, size=70, opacity=1).encode(
        x=alt.value(6), y=alt.Y("ypix:Q", scale=None), color=colour, shape=shape
    )
    texts = each.mark_text(align="left", baseline="middle", fontSize=13, color="#262730").encode(
        text="line:N", x=alt.value(16), y=alt.Y("ypix:Q", scale=None)
    )
    chart = layering.layer(head, marks, texts).properties(
        height=20 + 19 * len(series), view=alt.ViewConfig(strokeWidth=0)
    )
    if width is not None:
        chart = chart.properties(width=width)
    return frames.bind(chart)


@dataclass(frozen=True)
class PartlyLive(Frames):
    """``Frames`` for charts where only some series follow the live slider: rows with a
    true ``live`` column hold a run per option (the one under the thumb is shown); the
    other rows hold one fixed run each and are always shown."""

    def live_run(self, field: str = "run") -> str:
        return f"(!datum.live || {super().live_run(field)})"


def partly_live(frames: Frames) -> PartlyLive:
    """``frames`` whose live filter spares the rows whose ``live`` column is false."""
    return PartlyLive(frames.key, frames.count, frames.start, frames.live_index, frames.live_count)


# --- many balls at once (local minima) ----------------------------------------------------


def held_balls(
    xy: np.ndarray, last: np.ndarray, bounds, size: tuple[int, int], pixel: float = 1.0
) -> pd.DataFrame:
    """Rows ``ball, shown_from, shown_until, x, y`` of many balls (``xy``: ``(n, steps + 1,
    2)``; ``last``: each ball's last finite step): a ball gets a row at step 0 and whenever
    it has moved ``pixel`` screen pixels from its previous row; the row is shown for frames
    ``shown_from <= frame < shown_until`` (``Frames`` filter ``held_filter``). A settled ball
    then costs one row however long the run; a diverged ball leaves after its last finite
    step. Positions are the engine's (not rounded)."""
    xy = np.asarray(xy, float)
    n, count = xy.shape[0], xy.shape[1]
    last = np.asarray(last, int)
    (x0, x1), (y0, y1) = bounds
    scaled = xy * np.array([size[0] / (x1 - x0), size[1] / (y1 - y0)])
    keep = np.zeros((n, count), bool)
    keep[:, 0] = True
    anchor = scaled[:, 0].copy()
    with np.errstate(invalid="ignore"):
        for k in range(1, count):
            moved = (np.hypot(*(scaled[:, k] - anchor).T) >= pixel) & (k <= last)
            keep[moved, k] = True
            anchor[moved] = scaled[moved, k]
    ball, step = np.nonzero(keep)  # row-major: by ball, then step
    until = np.empty_like(step)
    same_next = np.append(ball[1:] == ball[:-1], False)
    until[same_next] = step[1:][same_next[:-1]]
    until[~same_next] = last[ball[~same_next]] + 1
    return pd.DataFrame(
        {
            "ball": ball.astype(np.int32),
            "shown_from": step.astype(np.int32),
            "shown_until": until.astype(np.int32),
            "x": xy[ball, step, 0],
            "y": xy[ball, step, 1],
        }
    )


def held_filter(frames: Frames) -> str:
    """Filter: ``held_balls`` rows shown at the frame."""
    return f"datum.shown_from <= {frames.signal} && {frames.signal} < datum.shown_until"


def settled_counts(traj: descent.Trajectory, surface: Surface, dest: np.ndarray) -> pd.DataFrame:
    """Rows ``step, d, count``: per step and destination code (``descent_facts.destinations``),
    how many balls have arrived for good (within reach of their minimum from that step to
    the end, ``descent.steps_to_reach``), for code -2 have diverged by then, and for code
    -1 neither (still on their way): the counts of a step add up to the number of balls."""
    dest = np.asarray(dest)
    steps = np.arange(traj.steps + 1)
    reach = np.asarray(descent.steps_to_reach(traj, surface))
    diverged = np.asarray(traj.diverged_at)
    parts = []
    for i in range(len(surface.minima)):
        mine = reach[(dest == i) & (reach >= 0)]
        parts.append(pd.DataFrame({"step": steps, "d": i, "count": _arrived(mine, steps)}))
    gone = diverged[diverged >= 0]
    parts.append(pd.DataFrame({"step": steps, "d": -2, "count": _arrived(gone, steps)}))
    done = np.sum([part["count"].to_numpy() for part in parts], axis=0)
    parts.insert(-1, pd.DataFrame({"step": steps, "d": -1, "count": len(dest) - done}))
    return pd.concat(parts, ignore_index=True)


def _arrived(at: np.ndarray, steps: np.ndarray) -> np.ndarray:
    """How many of the events at steps ``at`` happened at or before each of ``steps``."""
    return np.searchsorted(np.sort(at), steps, side="right").astype(np.int32)


def settled_chart(
    counts: pd.DataFrame,
    frames: Frames,
    codes: Sequence[int],
    colours: Sequence[str],
    x_title: str,
    y_title: str,
    height: int = 200,
) -> alt.LayerChart:
    """``settled_counts`` as areas stacked in the order of ``codes`` (coloured like the
    map's balls, whose legend names them) and a rule at the frame shown."""
    domain = [str(c) for c in codes]
    data = counts.assign(d=counts["d"].astype(str))
    order = f"indexof({json.dumps(domain)}, datum.d)"
    # the axis ends at the last step: rounded out to a nice number it left an empty band
    last = int(data["step"].max()) if len(data) else 0
    steps = alt.Scale(domain=[0, max(last, 1)], nice=False)
    base = alt.Chart(data).encode(x=alt.X("step:Q", title=x_title, scale=steps))
    area = (
        base.transform_calculate(d_order=order)
        .mark_area(opacity=0.85)
        .encode(
            y=alt.Y("count:Q", stack="zero", title=y_title),
            color=alt.Color(
                "d:N", scale=alt.Scale(domain=domain, range=list(colours)), legend=None
            ),
            order=alt.Order("d_order:Q"),
        )
    )
    rule = (
        base.transform_filter(f"{frames.at()} && datum.d == {json.dumps(domain[0])}")
        .mark_rule(color="#444444", strokeDash=[4, 3], strokeWidth=1.5)
        .encode(y=alt.value(0), y2=alt.value(height))
    )
    return frames.bind(layout.fit_width(layering.layer(area, rule).properties(height=height)))


# --- several series of which only some follow a live slider (momentum, the race) ----------


@dataclass(frozen=True)
class FixedRuns(Frames):
    """``Frames`` whose live filter also keeps rows with a negative ``run``: a series the
    live slider does not change (plain GD beside the momentum runs) is sent once, with
    ``run = -1``, instead of once per option."""

    def live_run(self, field: str = "run") -> str:
        if self.live_index is None:
            return "true"
        return f"(datum.{field} == {self.run_signal} || datum.{field} < 0)"


def with_fixed_runs(frames: Frames) -> FixedRuns:
    """``frames`` as ``FixedRuns``: the same params, the live filter keeping ``run < 0``."""
    return FixedRuns(frames.key, frames.count, frames.start, frames.live_index, frames.live_count)


def force_arrows(
    tr: Track,
    velocity: np.ndarray,
    momentum: float,
    learning_rate: float,
    scale: float,
    surface: Surface,
    size,
) -> pd.DataFrame:
    """Rows ``series, run, step, kind, x, y, x2, y2, angle`` at every finite step of a
    momentum run: ``velocity`` is the carried speed ``mu * v_(k-1)`` (0 at the start; ``v``
    the optimizer's recorded velocity, ``(steps, 2)``), ``gradient`` the slope's push
    ``-lr * grad f(p_k)``; both drawn ``scale`` times longer. For classical momentum their
    sum is the next step."""
    steps = np.arange(tr.last + 1)
    carried = np.zeros((len(steps), 2))
    carried[1:] = momentum * np.asarray(velocity, float)[: len(steps) - 1]
    push = -learning_rate * tr.grad[steps]
    x, y = tr.xy[steps, 0], tr.xy[steps, 1]
    parts = []
    for kind, (dx, dy) in (("velocity", carried.T), ("gradient", push.T)):
        rows = arrow_rows(x, y, scale * dx, scale * dy, kind, surface.bounds, size)
        rows.insert(0, "step", steps.astype(np.int32))
        rows.insert(0, "run", np.int16(tr.run))
        rows.insert(0, "series", tr.series)
        parts.append(rows[rows.pop("keep")])
    return pd.concat(parts, ignore_index=True)
