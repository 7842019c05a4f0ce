"""Charts of the basins lesson: data in (from ``lessons.basins``), chart out."""

from __future__ import annotations

from collections.abc import Sequence

import altair as alt
import contourpy
import numpy as np
import pandas as pd
from PIL import Image, ImageDraw

from charts import descent_frames, layout, palette, surface_charts
from lessons.basins import destination_codes, nearest_start
from lessons.descent_facts import DIVERGED, NONE
from sim.surfaces import Surface

SHARE_TICKS = [0, 0.25, 0.5, 0.75, 1]
BAR_ROW = 30  # pixels of plot height per optimizer's bar (the axes come on top)
NONE_COLOUR = "#999999"
DIVERGED_COLOUR = "#000000"
# minima colours: Okabe-Ito from blue on (vermillion is kept for "momentum"-like accents)
MINIMA_COLOURS = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00")


def colour_of(code: int) -> str:
    """The colour of a destination code: a minimum's own, grey for none, black for diverged."""
    if code == NONE:
        return NONE_COLOUR
    if code == DIVERGED:
        return DIVERGED_COLOUR
    return MINIMA_COLOURS[code % len(MINIMA_COLOURS)]


TINT = 0.3  # share of the destination colour in a map pixel (the rest is white): pale, so the
# balls (full colour, dark outline) stand out on their own basin


def basin_url(
    starts: np.ndarray,
    dest: np.ndarray,
    surface: Surface,
    size: tuple[int, int] = (480, 400),
    cells: tuple[int, int] = (120, 100),
    levels: int = 10,
) -> str:
    """The map as an image data URL (``surface_charts.image_url``): each pixel tinted by the
    destination of its nearest start, the surface's contour lines drawn over it."""
    starts = np.asarray(starts, float).reshape(-1, 2)
    dest = np.asarray(dest).reshape(-1)
    idx = nearest_start(starts, surface.bounds, cells)
    codes = destination_codes(surface)
    lookup = {c: i for i, c in enumerate(codes)}
    band = np.vectorize(lookup.get)(dest[idx]).astype(np.uint8)
    tints = [255 * (1 - TINT) + palette.hex_rgb(colour_of(c)) * TINT for c in codes]
    line_index = len(codes)
    img = Image.fromarray(band[::-1], "P")
    flat = [int(v) for colour in tints for v in colour] + [70, 80, 92]
    img.putpalette(flat)
    img = img.resize(size, Image.Resampling.NEAREST)
    # contour lines of the surface (display heights as in the surface picture)
    (x0, x1), (y0, y1) = surface.bounds
    gx, gy = size[0] // 2, size[1] // 2
    X, Y = np.meshgrid(np.linspace(x0, x1, gx), np.linspace(y0, y1, gy))
    H = surface_charts.display_heights(surface, surface.f(X, Y))
    lo, hi = float(np.min(H)), float(np.percentile(H, 98))
    edges = np.linspace(lo, hi if hi > lo else lo + 1, levels + 1)[1:-1]
    draw = ImageDraw.Draw(img)
    sx, sy = (size[0] - 1) / (gx - 1), (size[1] - 1) / (gy - 1)
    gen = contourpy.contour_generator(z=H, line_type=contourpy.LineType.Separate)
    for level in edges:
        for line in gen.lines(level):
            if len(line) > 1:
                draw.line([(c * sx, (gy - 1 - r) * sy) for c, r in line], fill=line_index)
    return surface_charts.image_url(img)


def _legend_labels(codes, labels: dict[int, str]) -> str:
    """A Vega ``labelExpr`` naming each destination code in the learner's language."""
    return " : ".join(
        [f"datum.label == '{c}' ? {surface_charts.js_string(labels.get(c, str(c)))}" for c in codes]
        + ["datum.label"]
    )


def balls_layer(
    balls: pd.DataFrame, surface: Surface, labels: dict[int, str], title: str = ""
) -> alt.Chart:
    """The balls, coloured (and shaped) by destination code, with a legend of ``labels``."""
    codes = destination_codes(surface)
    xs, ys = surface_charts.scales(surface.bounds)
    expr = _legend_labels(codes, labels)
    # one legend for colour and shape (the same title and legend: Vega-Lite merges them;
    # a shape legend=None beside it makes it warn "Conflicting legend property disable")
    legend = alt.Legend(orient="bottom", columns=1, labelExpr=expr, labelLimit=260)
    colour = alt.Color(
        "d:N",
        scale=alt.Scale(domain=[str(c) for c in codes], range=[colour_of(c) for c in codes]),
        title=title,
        legend=legend,
    )
    shape = alt.Shape(
        "d:N",
        scale=alt.Scale(
            domain=[str(c) for c in codes],
            range=[palette.SHAPES[i % len(palette.SHAPES)] for i in range(len(codes))],
        ),
        title=title,
        legend=legend,
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
    chart = (
        alt.Chart(data)
        .mark_bar()
        .encode(
            x=alt.X(
                "share:Q",
                stack="zero",
                title=x_title,
                # quarters: Vega's own ticks came every 5% on a wide screen, "95%" and
                # "100%" running into each other
                axis=alt.Axis(format="%", values=SHARE_TICKS, labelOverlap=True),
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
        .properties(height=BAR_ROW * max(len(order), 1))
    )
    # fitted with its axes and their titles inside the column: stretched with Streamlit's
    # own "fit", the y axis's title was cut off at the column's left edge
    return layout.fit_width(chart)


def probe_rows(probe: descent_frames.Track, counts: pd.DataFrame) -> pd.DataFrame:
    """The learner's ball at every step (``ball_rows`` with ``gone``), with ``settled``: how
    many of the crowd had arrived in a minimum for good by then (``settled_counts``)."""
    balls = descent_frames.mark_gone(descent_frames.ball_rows([probe]), [probe])
    arrived = counts[counts["d"] >= 0].groupby("step")["count"].sum()
    return balls.assign(settled=arrived.reindex(balls["step"]).to_numpy())


def readout(rows: pd.DataFrame, frames, caption: str, probe: str, probe_gone: str, n: int):
    """Two lines that follow the frame: ``caption`` (``{step}``, ``{settled}`` of ``{n}``
    balls arrived) and the learner's ball (``probe``: ``{x}, {y}, {f}``; ``probe_gone`` once
    it diverged)."""
    where = {
        "x": descent_frames.number("x", 3),
        "y": descent_frames.number("y", 3),
        "f": descent_frames.number("loss"),
    }
    head = descent_frames.text_expr(
        caption, {"step": "datum.step", "settled": "datum.settled", "n": str(n)}
    )
    mine = descent_frames.text_expr(probe, where)
    gone = descent_frames.text_expr(probe_gone, where)
    text = f"{head} + '\\n' + (datum.gone ? ({gone}) : ({mine}))"
    return descent_frames.readout(rows, frames, text)


def share_rows(compare: dict[str, dict], names: dict[str, str]) -> pd.DataFrame:
    """Rows ``optimizer, d, share`` for ``share_chart``: ``compare`` maps an optimizer to
    the ``descent_facts.shares`` of its run, ``names`` to its name on the chart."""
    rows = [
        {"optimizer": names[optimizer], "d": code, "share": count / max(shares["n"], 1)}
        for optimizer, shares in compare.items()
        for code, count in shares["counts"].items()
    ]
    return pd.DataFrame(rows)
