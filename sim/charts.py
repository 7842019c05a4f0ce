"""Altair chart builders: pure functions, data in, chart out (no Streamlit here).

The surface is drawn once as a small picture (shaded heights with contour lines from contourpy,
about 5-10 KB) and placed under the paths with ``mark_image``; a 100 x 100 ``mark_rect``
heatmap would cost ~200 KB every time the chart is redrawn. Axis and legend titles are
arguments, so the pages pass them in the learner's language.

Colours are the Okabe-Ito palette (safe for the common colour-vision deficiencies), and
every series also gets its own marker shape, so colour is never the only cue.
"""

from __future__ import annotations

import base64
import io
from collections.abc import Sequence

import altair as alt
import contourpy
import numpy as np
import pandas as pd
from PIL import Image, ImageDraw, features

from sim import caps
from sim.surfaces import Surface

OKABE_ITO = ["#D55E00", "#0072B2", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442"]
SHAPES = ["circle", "square", "triangle-up", "diamond", "cross", "triangle-down", "wedge", "stroke"]
ARROW_COLOURS = {"gradient": "#000000", "step": "#D55E00", "velocity": "#009E73"}

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


def _scales(bounds) -> tuple[alt.Scale, alt.Scale]:
    (x0, x1), (y0, y1) = bounds
    return (
        alt.Scale(domain=[x0, x1], nice=False, zero=False),
        alt.Scale(domain=[y0, y1], nice=False, zero=False),
    )


def image_layer(image_url: str, bounds, x_title: str = "x", y_title: str = "y") -> alt.Chart:
    """The surface picture stretched over ``bounds`` (the bottom layer)."""
    (x0, x1), (y0, y1) = bounds
    xs, ys = _scales(bounds)
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


def series_encodings(series: Sequence[str], title: str):
    """Colour and shape scales fixed to ``series``, so a series keeps its look in every chart."""
    domain = list(series)
    colour = alt.Color(
        "series:N",
        scale=alt.Scale(domain=domain, range=OKABE_ITO[: len(domain)]),
        title=title,
        legend=alt.Legend(orient="bottom", columns=min(len(domain), 4)) if domain else None,
    )
    shape = alt.Shape(
        "series:N", scale=alt.Scale(domain=domain, range=SHAPES[: len(domain)]), legend=None
    )
    return colour, shape


def arrow_layers(
    arrows: pd.DataFrame, bounds, kinds: dict[str, str], legend_orient: str = "bottom"
) -> alt.LayerChart:
    """Arrows (``kind, x, y, x2, y2, angle``) as a shaft and a triangle head.
    ``kinds`` maps each kind to its legend label."""
    xs, ys = _scales(bounds)
    domain = list(kinds)
    colour = alt.Color(
        "kind:N",
        scale=alt.Scale(domain=domain, range=[ARROW_COLOURS.get(k, "#000000") for k in domain]),
        legend=alt.Legend(orient=legend_orient, title=None, labelExpr=_label_expr(kinds)),
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
            color=alt.Color(
                "kind:N",
                scale=alt.Scale(
                    domain=domain, range=[ARROW_COLOURS.get(k, "#000000") for k in domain]
                ),
                legend=None,
            ),
        )
    )
    return alt.layer(shaft, head)


def _label_expr(labels: dict[str, str]) -> str:
    parts = [f"datum.label == {_js(k)} ? {_js(v)}" for k, v in labels.items()]
    return " : ".join([*parts, "datum.label"])


def _js(text: str) -> str:
    return "'" + str(text).replace("\\", "\\\\").replace("'", "\\'") + "'"


def minima_layer(surface: Surface, labels: dict[str, str]) -> alt.Chart:
    """The listed minima as stars (global) and open stars (local), with tooltips."""
    xs, ys = _scales(surface.bounds)
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
    scaled = xy * np.array([size[0] / (x1 - x0), size[1] / (y1 - y0)])
    keep = [0]
    last = scaled[0]
    for i in range(1, len(scaled)):
        if np.hypot(*(scaled[i] - last)) >= pixel:
            keep.append(i)
            last = scaled[i]
    if keep[-1] != len(xy) - 1:
        keep.append(len(xy) - 1)
    return np.asarray(keep)


def click_grid(
    bounds, cells: int = 20, size: tuple[int, int] = (400, 330)
) -> tuple[alt.Chart, alt.Parameter]:
    """An invisible grid of cells over the window with a point selection, so clicking the
    surface returns the clicked cell's centre (``st.altair_chart(on_select="rerun")``)."""
    (x0, x1), (y0, y1) = bounds
    xs, ys = _scales(bounds)
    cx = x0 + (np.arange(cells) + 0.5) * (x1 - x0) / cells
    cy = y0 + (np.arange(cells) + 0.5) * (y1 - y0) / cells
    X, Y = np.meshgrid(cx.round(3), cy.round(3))
    frame = pd.DataFrame({"cx": X.ravel().astype(np.float32), "cy": Y.ravel().astype(np.float32)})
    pick = alt.selection_point(name="place", fields=["cx", "cy"], on="click", clear=False)
    layer = (
        alt.Chart(frame)
        .mark_square(size=(max(size) / cells) ** 2 * 1.6, opacity=0.001, clip=True, aria=False)
        .encode(x=alt.X("cx:Q", scale=xs), y=alt.Y("cy:Q", scale=ys))
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
    """The surface picture with ``layers`` on top, at a fixed pixel size and fixed domains
    (a stable spec: the front end then swaps data in place between frames)."""
    # One constructor, not .properties().resolve_scale(): each of those deep-copies the whole
    # layered chart, a third of the time this takes on every animation frame.
    return alt.LayerChart(
        layer=[image_layer(image_url, bounds, x_title, y_title), *layers],
        width=size[0],
        height=size[1],
        # "pad": the plot area itself is size[0] x size[1] and axes/legends add to it; a
        # "fit" autosize would squeeze the plot and stretch the picture out of proportion
        autosize=alt.AutoSizeParams(type="pad"),
        resolve=alt.Resolve(scale=alt.ScaleResolveMap(color="independent", shape="independent")),
    )


FIT_WIDTH = alt.AutoSizeParams(type="fit-x", contains="padding")


def fit_width(chart):
    """Stretch ``chart`` to its column's width but keep ``height`` for the plot itself.

    Streamlit sizes a stretched chart with ``autosize: fit``, which fits the legend and the
    axis titles into ``height`` too: a chart with a legend below it came out squashed.
    A spec with its own ``autosize`` is left alone."""
    return chart.properties(autosize=FIT_WIDTH)


def loss_chart(
    frame: pd.DataFrame,
    series: Sequence[str],
    x_title: str,
    y_title: str,
    legend_title: str = "",
    log_y: bool = False,
    x_field: str = "step",
    y_field: str = "loss",
    current: float | None = None,
    height: int = 260,
    y_domain: tuple[float, float] | None = None,
) -> alt.LayerChart:
    """Lines of ``y_field`` against ``x_field`` per series, with a rule at ``current``;
    ``y_domain`` fixes the y axis (else it fits the data)."""
    colour, shape = series_encodings(series, legend_title)
    data = frame
    if log_y:
        data = frame[frame[y_field] > 0]
    if log_y:
        y_scale = alt.Scale(type="log")
    elif y_domain is not None:
        y_scale = alt.Scale(domain=list(y_domain))
    else:
        y_scale = alt.Scale(zero=False)
    base = alt.Chart(data).encode(
        x=alt.X(f"{x_field}:Q", title=x_title),
        y=alt.Y(f"{y_field}:Q", title=y_title, scale=y_scale),
        color=colour,
    )
    layers = [
        base.mark_line(strokeWidth=2),
        base.mark_point(size=18, filled=True).encode(
            shape=shape,
            tooltip=[
                alt.Tooltip("series:N"),
                alt.Tooltip(f"{x_field}:Q"),
                alt.Tooltip(f"{y_field}:Q", format=".4g"),
            ],
        ),
    ]
    if current is not None:
        layers.append(
            alt.Chart(pd.DataFrame({x_field: [current]}))
            .mark_rule(color="#888888", strokeDash=[4, 3])
            .encode(x=f"{x_field}:Q")
        )
    return alt.layer(*layers).properties(height=height)


# --- training lessons ---------------------------------------------------------------------


def class_colours(n_classes: int) -> list[str]:
    """One Okabe-Ito colour per class (blue, vermillion, green, ...)."""
    order = [1, 0, 2, 3, 4, 5, 6]
    return [OKABE_ITO[order[i % len(order)]] for i in range(n_classes)]


def _hex_rgb(colour: str) -> np.ndarray:
    return np.array([int(colour[i : i + 2], 16) for i in (1, 3, 5)], dtype=float)


CONFIDENCE_BANDS = 5  # shades per class: flat bands compress ~3x better than a gradient
BOUNDARY_LINE = (40, 40, 40)


def class_probabilities(predictions: np.ndarray, cells: int) -> np.ndarray:
    """Class probabilities ``(cells, cells, classes)`` (rows from low y) from a network's
    sigmoid (one column: p of class 1) or softmax outputs on a ``cells x cells`` grid."""
    pred = np.asarray(predictions, dtype=float).reshape(cells, cells, -1)
    if pred.shape[-1] == 1:
        p1 = np.clip(pred[..., 0], 0, 1)
        return np.stack([1 - p1, p1], axis=-1)
    return np.clip(pred, 0, 1)


def boundary_image(
    predictions: np.ndarray, cells: int, n_classes: int, size: tuple[int, int]
) -> Image.Image:
    """A classifier's predictions on a ``cells x cells`` grid as a palette image of ``size``:
    each pixel in the colour of its predicted class, in one of ``CONFIDENCE_BANDS`` shades
    (paler where the model is unsure), and a dark line on the decision boundary (where a
    class's probability equals the largest of the others: p = 0.5 for two classes).

    Palette entries ``0 .. classes * CONFIDENCE_BANDS - 1`` are the shades (class-major) and
    the next one the line; callers may add colours after it. The probabilities are
    interpolated to pixels before the argmax, so edges are smooth."""
    probs = class_probabilities(predictions, cells)
    k = probs.shape[-1]
    pixels = np.stack(
        [
            np.asarray(
                Image.fromarray(probs[::-1, :, c].astype(np.float32), "F").resize(
                    size, Image.Resampling.BILINEAR
                )
            )
            for c in range(k)
        ],
        axis=-1,
    )  # rows top (high y) to bottom
    label = pixels.argmax(-1)
    confidence = np.clip((pixels.max(-1) - 1 / k) / (1 - 1 / k), 0, 1)
    band = np.minimum((confidence * CONFIDENCE_BANDS).astype(int), CONFIDENCE_BANDS - 1)
    colours = np.array([_hex_rgb(c) for c in class_colours(max(n_classes, k))])[:k]
    strength = 0.15 + 0.45 * (np.arange(CONFIDENCE_BANDS) + 0.5) / CONFIDENCE_BANDS
    shades = 255 * (1 - strength[None, :, None]) + colours[:, None, :] * strength[None, :, None]
    img = Image.fromarray((label * CONFIDENCE_BANDS + band).astype(np.uint8), "P")
    img.putpalette(
        [*shades.reshape(-1, 3).round().astype(np.uint8).ravel().tolist(), *BOUNDARY_LINE]
    )
    draw = ImageDraw.Draw(img)
    sx, sy = (size[0] - 1) / (cells - 1), (size[1] - 1) / (cells - 1)
    for c in range(k if k > 2 else 1):  # two classes share one line
        field = probs[..., c] - np.delete(probs, c, axis=-1).max(-1)
        gen = contourpy.contour_generator(z=field, line_type=contourpy.LineType.Separate)
        for line in gen.lines(0.0):
            if len(line) > 1:
                points = [(c_ * sx, (cells - 1 - r) * sy) for c_, r in line]
                draw.line(points, fill=k * CONFIDENCE_BANDS, width=2)
    return img


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


def boundary_url(
    predictions: np.ndarray, cells: int, n_classes: int, size: tuple[int, int] = (420, 360)
) -> str:
    """``boundary_image`` as an image data URL: flat shades keep it ~1-4 KB, and it is sent
    with every animation frame."""
    return image_url(boundary_image(predictions, cells, n_classes, size))


def points_layer(
    points: pd.DataFrame,
    bounds,
    class_labels: Sequence[str],
    split_labels: Sequence[str] = (),
    legend_titles=("", ""),
) -> alt.Chart:
    """Data points ``x1, x2, label (class name), split (name)``: colour by class, shape by
    split (train / validation / test ...), so colour is never the only cue."""
    xs, ys = _scales(bounds)
    encodings = {
        "x": alt.X("x1:Q", scale=xs, title="x₁"),
        "y": alt.Y("x2:Q", scale=ys, title="x₂"),
        "color": alt.Color(
            "label:N",
            scale=alt.Scale(domain=list(class_labels), range=class_colours(len(class_labels))),
            title=legend_titles[0],
            legend=alt.Legend(orient="bottom"),
        ),
    }
    if split_labels:
        encodings["shape"] = alt.Shape(
            "split:N",
            scale=alt.Scale(domain=list(split_labels), range=SHAPES[: len(split_labels)]),
            title=legend_titles[1],
            # one entry a line: three long set names side by side are cut off at the
            # chart's edge
            legend=alt.Legend(orient="bottom", columns=1),
        )
    return (
        alt.Chart(points)
        .mark_point(filled=True, size=38, opacity=0.9, stroke="white", strokeWidth=0.6, clip=True)
        .encode(**encodings)
    )


def epoch_markers(markers: pd.DataFrame, x_field: str = "epoch") -> alt.LayerChart:
    """Vertical dashed rules with a label at the top: ``markers`` has ``x_field`` and
    ``label`` (e.g. "best epoch 11", "stopped 14")."""
    base = alt.Chart(markers).encode(x=f"{x_field}:Q")
    rule = base.mark_rule(strokeDash=[5, 4], color="#444444", strokeWidth=1.5)
    text = base.mark_text(
        align="left", dx=4, dy=-4, baseline="bottom", fontSize=11, color="#444444"
    ).encode(y=alt.value(12), text="label:N")
    return alt.layer(rule, text)


def band_layer(bands: pd.DataFrame, domain: Sequence[str], colours: Sequence[str]) -> alt.Chart:
    """Shaded x ranges ``start, end, label`` (underfit / good / overfit epochs), each label
    in its own colour (``domain[i]`` in ``colours[i]``), whichever labels are present."""
    return (
        alt.Chart(bands)
        .mark_rect(opacity=0.13)
        .encode(
            x=alt.X("start:Q"),
            x2="end:Q",
            color=alt.Color(
                "label:N",
                scale=alt.Scale(domain=list(domain), range=list(colours)),
                legend=alt.Legend(orient="bottom", title=None),
            ),
        )
    )
