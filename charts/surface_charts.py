"""Loss-surface charts: the surface as one small picture (shaded heights with contour lines
from contourpy, a few KB, placed with ``mark_image``), its minima, paths, arrows and a click
grid. Pure functions, data in, chart out; titles come from the caller."""

from __future__ import annotations

import base64
import io
import math
from collections.abc import Sequence

import altair as alt
import contourpy
import numpy as np
import pandas as pd
from PIL import Image, ImageDraw, features

from charts import layering, layout
from charts.palette import ARROW_COLOURS
from sim import caps
from sim.surfaces import Surface

# light slate ramp: low = pale, high = dark, so coloured paths stand out everywhere
_RAMP = np.array([[252, 251, 247], [222, 228, 232], [176, 190, 202], [120, 138, 156], [62, 78, 96]])
_LINE_COLOUR = (70, 80, 92)


def _shade(t: np.ndarray) -> np.ndarray:
    """Map heights scaled to [0, 1] onto the ramp -> uint8 RGB."""
    pos = np.clip(t, 0, 1) * (len(_RAMP) - 1)
    i = np.minimum(pos.astype(int), len(_RAMP) - 2)
    frac = (pos - i)[..., None]
    return (_RAMP[i] * (1 - frac) + _RAMP[i + 1] * frac).astype(np.uint8)


def display_heights(surface: Surface, Z: np.ndarray) -> np.ndarray:
    """Heights as drawn: ``log(1 + f - f_min)`` for steep surfaces, so the valley floor shows."""
    Z = np.nan_to_num(Z, nan=np.nanmax(Z[np.isfinite(Z)]), posinf=np.finfo(float).max / 1e10)
    return np.log1p(np.maximum(Z - surface.min_value, 0)) if surface.log_scale else Z


def surface_url(
    surface: Surface | None = None,
    grid: int | None = None,
    levels: int = 12,
    size: tuple[int, int] = (480, 400),
    Z: np.ndarray | None = None,
) -> str:
    """The surface as an image data URL (``image_url``): ``levels`` flat colour bands
    between contour lines.

    Flat bands and 1-pixel contour lines (from contourpy) compress to ~5-8 KB, a sixth of a
    smoothly shaded picture, which matters because the picture travels with every frame.
    Heights are evaluated on a grid of the output size (or ``grid`` points per side, capped
    at ``4 * caps.MAX_GRID``). Pass ``Z`` (rows = y from low to high, columns = x) to
    draw any height field, e.g. a data-built loss; ``surface`` then only supplies
    ``log_scale``.
    """
    if Z is None:
        (x0, x1), (y0, y1) = surface.bounds
        nx, ny = size if grid is None else (grid, grid)
        nx, ny = min(nx, 4 * caps.MAX_GRID), min(ny, 4 * caps.MAX_GRID)
        X, Y = np.meshgrid(np.linspace(x0, x1, nx), np.linspace(y0, y1, ny))
        Z = surface.f(X, Y)
    H = display_heights(surface, Z) if surface is not None else np.asarray(Z, float)
    H = np.nan_to_num(H, nan=np.nanmax(H[np.isfinite(H)]) if np.isfinite(H).any() else 0.0)
    lo, hi = float(np.min(H)), float(np.percentile(H, 98))
    if hi <= lo:
        hi = lo + 1.0
    edges = np.linspace(lo, hi, levels + 1)[1:-1]
    band = np.digitize(H, edges).astype(np.uint8)  # 0 .. levels-1
    palette = _shade(np.linspace(0, 1, levels))
    img = Image.fromarray(band[::-1], "P")  # image rows run top (high y) to bottom
    line_index = levels
    img.putpalette([*palette.ravel().tolist(), *_LINE_COLOUR])
    ny, nx = H.shape
    if (nx, ny) != tuple(size):
        img = img.resize(size, Image.Resampling.NEAREST)
    sx, sy = (size[0] - 1) / max(nx - 1, 1), (size[1] - 1) / max(ny - 1, 1)
    draw = ImageDraw.Draw(img)
    gen = contourpy.contour_generator(z=H, line_type=contourpy.LineType.Separate)
    for level in edges:
        for line in gen.lines(level):
            if len(line) > 1:
                draw.line([(c * sx, (ny - 1 - r) * sy) for c, r in line], fill=line_index)
    return image_url(img)


def scales(bounds) -> tuple[alt.Scale, alt.Scale]:
    (x0, x1), (y0, y1) = bounds
    return (
        alt.Scale(domain=[x0, x1], nice=False, zero=False),
        alt.Scale(domain=[y0, y1], nice=False, zero=False),
    )


def image_layer(image_url: str, bounds, x_title: str = "x", y_title: str = "y") -> alt.Chart:
    """The surface picture stretched over ``bounds`` (the bottom layer)."""
    (x0, x1), (y0, y1) = bounds
    xs, ys = scales(bounds)
    frame = pd.DataFrame({"x": [x0], "x2": [x1], "y": [y1], "y2": [y0], "url": [image_url]})
    return (
        alt.Chart(frame)
        .mark_image(aspect=False, align="left", baseline="top")
        .encode(
            x=alt.X("x:Q", scale=xs, title=x_title),
            x2="x2:Q",
            y=alt.Y("y:Q", scale=ys, title=y_title),
            y2="y2:Q",
            url="url:N",
        )
    )


def arrow_layers(
    arrows: pd.DataFrame, bounds, kinds: dict[str, str], legend_orient: str = "bottom"
) -> alt.LayerChart:
    """Arrows (``kind, x, y, x2, y2, angle``) as a shaft and a triangle head.
    ``kinds`` maps each kind to its legend label."""
    xs, ys = scales(bounds)
    domain = list(kinds)
    colour = alt.Color(
        "kind:N",
        scale=alt.Scale(domain=domain, range=[ARROW_COLOURS.get(k, "#000000") for k in domain]),
        legend=alt.Legend(orient=legend_orient, title=None, labelExpr=label_expr(kinds)),
    )
    shaft = (
        alt.Chart(arrows)
        .mark_rule(strokeWidth=2.5, clip=True)
        .encode(
            x=alt.X("x:Q", scale=xs), y=alt.Y("y:Q", scale=ys), x2="x2:Q", y2="y2:Q", color=colour
        )
    )
    head = (
        alt.Chart(arrows)
        .mark_point(shape="triangle-up", filled=True, size=110, opacity=1, clip=True)
        .encode(
            x=alt.X("x2:Q", scale=xs),
            y=alt.Y("y2:Q", scale=ys),
            angle="angle:Q",
            # the shaft's colour, legend and all: a head with legend=None beside the shaft's
            # legend made Vega-Lite warn "Conflicting legend property disable"
            color=colour,
        )
    )
    return layering.layer(shaft, head)


def label_expr(labels: dict[str, str]) -> str:
    parts = [f"datum.label == {js_string(k)} ? {js_string(v)}" for k, v in labels.items()]
    return " : ".join([*parts, "datum.label"])


def js_string(text: str) -> str:
    return "'" + str(text).replace("\\", "\\\\").replace("'", "\\'") + "'"


def minima_layer(surface: Surface, labels: dict[str, str]) -> alt.Chart:
    """The listed minima as stars (global) and open stars (local), with tooltips."""
    xs, ys = scales(surface.bounds)
    frame = pd.DataFrame(
        [
            {"x": m.x, "y": m.y, "value": m.value, "kind": labels.get(m.kind, m.kind)}
            for m in surface.minima
        ]
    )
    return (
        alt.Chart(frame)
        .mark_point(shape="cross", size=120, strokeWidth=2.5, color="#222222", clip=True)
        .encode(
            x=alt.X("x:Q", scale=xs),
            y=alt.Y("y:Q", scale=ys),
            tooltip=[
                "kind:N",
                alt.Tooltip("x:Q", format=".3f"),
                alt.Tooltip("y:Q", format=".3f"),
                alt.Tooltip("value:Q", format=".4g"),
            ],
        )
    )


def thin_path(xy: np.ndarray, bounds, size: tuple[int, int], pixel: float = 1.0) -> np.ndarray:
    """Indices of the points of one path worth drawing in a ``size`` plot over ``bounds``:
    the first, every point at least ``pixel`` screen pixels from the previously kept one,
    and the last. A settled ball then costs nothing per frame however long the run."""
    xy = np.asarray(xy, float)
    if len(xy) == 0:
        return np.zeros(0, int)
    (x0, x1), (y0, y1) = bounds
    scaled = (xy * np.array([size[0] / (x1 - x0), size[1] / (y1 - y0)])).tolist()
    keep = [0]
    last_x, last_y = scaled[0]
    # Python floats: a numpy call per point cost more than the thinning saved
    for i, (x, y) in enumerate(scaled[1:], start=1):
        if math.hypot(x - last_x, y - last_y) >= pixel:
            keep.append(i)
            last_x, last_y = x, y
    if keep[-1] != len(xy) - 1:
        keep.append(len(xy) - 1)
    return np.asarray(keep)


def click_grid(
    bounds, cells: int = 20, size: tuple[int, int] = (400, 330)
) -> tuple[alt.Chart, alt.Parameter]:
    """An invisible grid of ``cells`` x ``cells`` rectangles tiling the window, with a point
    selection, so clicking the surface returns the clicked cell's centre
    (``st.vega_lite_chart(on_select=..., selection_mode="place")``).

    Each cell spans ``[cx - w/2, cx + w/2]`` in data units through the chart's own scales,
    so the cells tile the plot at whatever size the chart is drawn (``layout.fitted_size``)
    and a click lands in the cell under the pointer. ``size`` is kept for callers; the
    cells no longer depend on it."""
    (x0, x1), (y0, y1) = bounds
    xs, ys = scales(bounds)
    half_x, half_y = (x1 - x0) / cells / 2, (y1 - y0) / cells / 2
    cx = x0 + (np.arange(cells) + 0.5) * (x1 - x0) / cells
    cy = y0 + (np.arange(cells) + 0.5) * (y1 - y0) / cells
    X, Y = np.meshgrid(cx.round(3), cy.round(3))
    frame = pd.DataFrame({"cx": X.ravel().astype(np.float32), "cy": Y.ravel().astype(np.float32)})
    pick = alt.selection_point(name="place", fields=["cx", "cy"], on="click", clear=False)
    layer = (
        alt.Chart(frame)
        .transform_calculate(
            left=f"datum.cx - {half_x:.9g}",
            right=f"datum.cx + {half_x:.9g}",
            bottom=f"datum.cy - {half_y:.9g}",
            top=f"datum.cy + {half_y:.9g}",
        )
        .mark_rect(opacity=0.001, clip=True, aria=False)
        .encode(
            x=alt.X("left:Q", scale=xs),
            x2="right:Q",
            y=alt.Y("bottom:Q", scale=ys),
            y2="top:Q",
        )
        .add_params(pick)
    )
    return layer, pick


def surface_view(
    image_url: str,
    bounds,
    layers: Sequence[alt.Chart] = (),
    size: tuple[int, int] = (480, 400),
    x_title: str = "x",
    y_title: str = "y",
) -> alt.LayerChart:
    """The surface picture with ``layers`` on top, with fixed domains (a stable spec: the
    front end then swaps data in place between frames), as wide as its column allows up to
    ``size`` and as tall as keeps the shape of ``size`` (``layout.fitted_size``)."""
    # One constructor, not .properties().resolve_scale(): each of those deep-copies the whole
    # layered chart, a third of the time this takes on every animation frame.
    return layering.LayerChart(
        layer=[image_layer(image_url, bounds, x_title, y_title), *layers],
        # the plot keeps the shape of ``size`` and axes and legends add to it; a "fit"
        # autosize would squeeze the plot and stretch the picture out of proportion
        **layout.fitted_size(size),
        config=layout.STACKED_LEGENDS,
        resolve=alt.Resolve(scale=alt.ScaleResolveMap(color="independent", shape="independent")),
    )


def image_url(img: Image.Image) -> str:
    """A PIL image as a data URL: lossless WebP (a half to two thirds of the PNG's size for
    these flat-coloured pictures, which travel with every animation frame), or PNG where
    Pillow was built without WebP."""
    buf = io.BytesIO()
    if features.check("webp"):
        img.save(buf, format="WEBP", lossless=True, quality=100, method=4)
        mime = "image/webp"
    else:
        img.save(buf, format="PNG", optimize=True)
        mime = "image/png"
    return f"data:{mime};base64," + base64.b64encode(buf.getvalue()).decode("ascii")
