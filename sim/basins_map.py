"""The basins-of-attraction map of the local-minima lesson (A3): pure builders, no Streamlit.

Many starts run at once (``descent.run`` with an ``(n, 2)`` start array); each start gets a
destination code (``run_facts.destinations``: a minimum's index, -1 none, -2 diverged). The
map colours every pixel by the destination of its nearest start (for a grid of starts: its
cell) in a pale tint, with the surface's contour lines on top, as one small picture. The balls
are one ``mark_point`` layer of rows ``x, y, d`` (the page sends every frame's rows once).
"""

from __future__ import annotations

from collections.abc import Sequence

import altair as alt
import contourpy
import numpy as np
import pandas as pd
from PIL import Image, ImageDraw

from sim import charts
from sim.run_facts import DIVERGED, NONE
from sim.surfaces import Surface

NONE_COLOUR = "#999999"
DIVERGED_COLOUR = "#000000"
# minima colours: Okabe-Ito from blue on (vermillion is kept for "momentum"-like accents)
MINIMA_COLOURS = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00")
TINT = 0.3  # share of the destination colour in a map pixel (the rest is white): pale, so the
# balls (full colour, dark outline) stand out on their own basin


def destination_codes(surface: Surface) -> list[int]:
    """Every destination code a run on ``surface`` can have, in legend order."""
    return [*range(len(surface.minima)), NONE, DIVERGED]


def colour_of(code: int) -> str:
    if code == NONE:
        return NONE_COLOUR
    if code == DIVERGED:
        return DIVERGED_COLOUR
    return MINIMA_COLOURS[code % len(MINIMA_COLOURS)]


def _rgb(colour: str) -> np.ndarray:
    return np.array([int(colour[i : i + 2], 16) for i in (1, 3, 5)], dtype=float)


def nearest_start(starts: np.ndarray, bounds, cells: tuple[int, int]) -> np.ndarray:
    """For a ``cells = (nx, ny)`` raster over ``bounds`` (rows from low y): the index of the
    nearest start of every pixel, ``(ny, nx)``. Chunked over rows to bound memory."""
    (x0, x1), (y0, y1) = bounds
    nx, ny = cells
    xs = x0 + (np.arange(nx) + 0.5) * (x1 - x0) / nx
    ys = y0 + (np.arange(ny) + 0.5) * (y1 - y0) / ny
    # distances in screen-like units so a cell is square whatever the window's aspect
    sx, sy = 1 / (x1 - x0), 1 / (y1 - y0)
    out = np.empty((ny, nx), dtype=np.int64)
    px = (starts[:, 0] * sx)[None, :]
    for r, y in enumerate(ys):
        d = (xs[:, None] * sx - px) ** 2 + ((y - starts[:, 1]) * sy)[None, :] ** 2
        out[r] = np.argmin(d, axis=1)
    return out


def basin_url(
    starts: np.ndarray,
    dest: np.ndarray,
    surface: Surface,
    size: tuple[int, int] = (480, 400),
    cells: tuple[int, int] = (120, 100),
    levels: int = 10,
) -> str:
    """The map as an image data URL (``charts.image_url``): each pixel tinted by the
    destination of its nearest start, the surface's contour lines drawn over it."""
    starts = np.asarray(starts, float).reshape(-1, 2)
    dest = np.asarray(dest).reshape(-1)
    idx = nearest_start(starts, surface.bounds, cells)
    codes = destination_codes(surface)
    lookup = {c: i for i, c in enumerate(codes)}
    band = np.vectorize(lookup.get)(dest[idx]).astype(np.uint8)
    palette = [255 * (1 - TINT) + _rgb(colour_of(c)) * TINT for c in codes]
    line_index = len(codes)
    img = Image.fromarray(band[::-1], "P")
    flat = [int(v) for colour in palette for v in colour] + [70, 80, 92]
    img.putpalette(flat)
    img = img.resize(size, Image.Resampling.NEAREST)
    # contour lines of the surface (display heights as in the surface picture)
    (x0, x1), (y0, y1) = surface.bounds
    gx, gy = size[0] // 2, size[1] // 2
    X, Y = np.meshgrid(np.linspace(x0, x1, gx), np.linspace(y0, y1, gy))
    H = charts.display_heights(surface, surface.f(X, Y))
    lo, hi = float(np.min(H)), float(np.percentile(H, 98))
    edges = np.linspace(lo, hi if hi > lo else lo + 1, levels + 1)[1:-1]
    draw = ImageDraw.Draw(img)
    sx, sy = (size[0] - 1) / (gx - 1), (size[1] - 1) / (gy - 1)
    gen = contourpy.contour_generator(z=H, line_type=contourpy.LineType.Separate)
    for level in edges:
        for line in gen.lines(level):
            if len(line) > 1:
                draw.line([(c * sx, (gy - 1 - r) * sy) for c, r in line], fill=line_index)
    return charts.image_url(img)


def _legend_labels(codes, labels: dict[int, str]) -> str:
    """A Vega ``labelExpr`` naming each destination code in the learner's language."""
    return " : ".join(
        [f"datum.label == '{c}' ? {charts._js(labels.get(c, str(c)))}" for c in codes]
        + ["datum.label"]
    )


def balls_layer(
    balls: pd.DataFrame, surface: Surface, labels: dict[int, str], title: str = ""
) -> alt.Chart:
    """The balls, coloured (and shaped) by destination code, with a legend of ``labels``."""
    codes = destination_codes(surface)
    xs, ys = charts._scales(surface.bounds)
    expr = _legend_labels(codes, labels)
    colour = alt.Color(
        "d:N",
        scale=alt.Scale(domain=[str(c) for c in codes], range=[colour_of(c) for c in codes]),
        title=title,
        legend=alt.Legend(orient="bottom", columns=1, labelExpr=expr, labelLimit=260),
    )
    shape = alt.Shape(
        "d:N",
        scale=alt.Scale(
            domain=[str(c) for c in codes],
            range=[charts.SHAPES[i % len(charts.SHAPES)] for i in range(len(codes))],
        ),
        legend=None,
    )
    data = balls.assign(d=balls["d"].astype(str))
    return (
        alt.Chart(data)
        .mark_point(filled=True, size=40, opacity=1, stroke="#333333", strokeWidth=0.6, clip=True)
        .encode(x=alt.X("x:Q", scale=xs), y=alt.Y("y:Q", scale=ys), color=colour, shape=shape)
    )


def share_chart(
    rows: pd.DataFrame,
    surface: Surface,
    labels: dict[int, str],
    x_title: str,
    y_title: str,
    legend_title: str = "",
    order: Sequence[str] = (),
) -> alt.Chart:
    """Stacked horizontal bars, one per optimizer: rows ``optimizer, d, share`` (0..1)."""
    codes = destination_codes(surface)
    data = rows.assign(
        d=rows["d"].astype(str), label=rows["d"].map(lambda c: labels.get(int(c), str(c)))
    )
    return (
        alt.Chart(data)
        .mark_bar()
        .encode(
            x=alt.X(
                "share:Q",
                stack="zero",
                title=x_title,
                axis=alt.Axis(format="%"),
                scale=alt.Scale(domain=[0, 1]),
            ),
            y=alt.Y("optimizer:N", title=y_title, sort=list(order) or None),
            color=alt.Color(
                "d:N",
                scale=alt.Scale(
                    domain=[str(c) for c in codes], range=[colour_of(c) for c in codes]
                ),
                # the map beside it has the legend of these colours: a legend here would
                # be fitted into the stretched chart's height and squash the bars
                legend=None,
            ),
            order=alt.Order("d_order:Q"),
            tooltip=[
                "optimizer:N",
                alt.Tooltip("label:N", title=legend_title),
                alt.Tooltip("share:Q", format=".0%"),
            ],
        )
        .transform_calculate(d_order="indexof(" + str([str(c) for c in codes]) + ", datum.d)")
        .properties(height=36 * max(len(order), 1) + 40)
    )


def paths_table(
    traj, dest: np.ndarray, labels: dict[int, str], own=None, own_code: int | None = None
) -> pd.DataFrame:
    """The download: rows ``start, destination, step, x, y, loss`` of every start of a
    many-start run (diverged tails left out), each with its destination's label; a single
    extra run ``own`` (the learner's ball, destination ``own_code``) is appended as start -1."""
    frame = traj.to_frame()
    codes = np.asarray(dest)[frame["start"].to_numpy()]
    frame.insert(1, "destination", [labels[int(c)] for c in codes])
    if own is None:
        return frame
    extra = own.to_frame().assign(start=-1)
    extra.insert(1, "destination", labels[int(own_code)])
    return pd.concat([frame, extra[frame.columns]], ignore_index=True)
