"""Decision-boundary pictures of a classifier (each pixel in its predicted class colour,
paler where the model is less sure) and the data points over them."""

from __future__ import annotations

from collections.abc import Sequence

import altair as alt
import contourpy
import numpy as np
import pandas as pd
from PIL import Image, ImageDraw

from charts.palette import SHAPES, class_colours, hex_rgb
from charts.surface_charts import image_url, scales

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
    planes = [
        np.asarray(
            Image.fromarray(probs[::-1, :, c].astype(np.float32), "F").resize(
                size, Image.Resampling.BILINEAR
            )
        )
        for c in range(k)
    ]  # rows top (high y) to bottom
    # argmax and max over the classes, plane by plane: numpy reduces a last axis of two or
    # three classes one pixel at a time, several times slower. Ties keep the first class.
    label, best = np.zeros(planes[0].shape, dtype=int), planes[0].copy()
    for c, plane in enumerate(planes[1:], start=1):
        label[plane > best] = c
        np.maximum(best, plane, out=best)
    confidence = np.clip((best - 1 / k) / (1 - 1 / k), 0, 1)
    band = np.minimum((confidence * CONFIDENCE_BANDS).astype(int), CONFIDENCE_BANDS - 1)
    colours = np.array([hex_rgb(c) for c in class_colours(max(n_classes, k))])[:k]
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


def boundary_url(
    predictions: np.ndarray, cells: int, n_classes: int, size: tuple[int, int] = (420, 360)
) -> str:
    """``boundary_image`` as an image data URL: flat shades keep it ~1-4 KB, and it is sent
    with every animation frame."""
    return image_url(boundary_image(predictions, cells, n_classes, size))


def boundary_urls(
    predictions: tuple[np.ndarray, ...], cells: int, n_classes: int, size: tuple[int, int]
) -> list[str]:
    """``boundary_url`` of each snapshot's grid predictions."""
    return [boundary_url(p, cells, n_classes, size) for p in predictions]


def points_layer(
    points: pd.DataFrame,
    bounds,
    class_labels: Sequence[str],
    split_labels: Sequence[str] = (),
    legend_titles=("", ""),
) -> alt.Chart:
    """Data points ``x1, x2, label (class name), split (name)``: colour by class, shape by
    split (train / validation / test ...), so colour is never the only cue."""
    xs, ys = scales(bounds)
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
