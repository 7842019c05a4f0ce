"""Altair builders of the remedies lesson (B15): small multiples, one panel per network.

Pure functions, data in, chart out; every title comes from the caller. Each panel is a chart
of its own, so the page can lay the panels out in its columns (they wrap or stack on a
phone; one Vega-Lite concat of three columns cannot). The panels carry no legend of their
own (five repeated legends would squeeze the plots): the series keep the colours and marker
shapes of ``palette.series_encodings``, which the page names once in words."""

from __future__ import annotations

import math
from collections.abc import Sequence

import altair as alt
import numpy as np
import pandas as pd
from PIL import ImageDraw

from charts import boundary, layering, layout, palette, surface_charts

MARKER_COLOUR = "#888888"  # the rule at an animation's frame


def curve_marks(
    series: Sequence[str],
    x_title: str,
    y_title: str,
    y_domain: tuple[float, float],
    frame_at: str | None = None,
    x_domain: tuple[float, float] | None = None,
) -> list[alt.Chart]:
    """The line and dot layers of a network's training and validation curves ``series,
    epoch, value``, without data: every panel shares them (and the y scale ``y_domain``, so
    the gaps compare at a glance, and the epochs ``x_domain``). ``frame_at`` (a Vega
    predicate such as ``datum.epoch == remedies_frame``) adds a marker on the rows of an
    animation's frame: a dashed rule and a larger dot on each curve; give it an
    ``x_domain``: on a frame without rows (0, before training) the marker's layers are
    empty, and an x scale taken from the data warned "Infinite extent for field epoch".
    Neither the colour nor the shape has a legend (the page names the series in words): a
    legend on one of them only made Vega-Lite merge the two and warn "Conflicting legend
    property disable"."""
    colour, shape = (channel.legend(None) for channel in palette.series_encodings(series, ""))
    x_scale = alt.Undefined if x_domain is None else alt.Scale(domain=list(x_domain), nice=False)
    x = alt.X("epoch:Q", title=x_title, scale=x_scale)
    y = alt.Y(
        "value:Q",
        title=y_title,
        scale=alt.Scale(domain=list(y_domain), nice=False),
        axis=alt.Axis(tickCount=4),
    )
    base = alt.Chart().encode(x=x, y=y, color=colour)
    tooltip = ["series:N", "epoch:Q", alt.Tooltip("value:Q", format=".3f")]
    layers = [
        base.mark_line(strokeWidth=2, clip=True),
        base.mark_point(size=14, filled=True, clip=True).encode(shape=shape, tooltip=tooltip),
    ]
    if frame_at is not None:
        # a rule with only x spans the plot's height; one per panel (the last series' row)
        rule = (
            alt.Chart()
            .transform_filter(frame_at)
            .transform_filter(alt.datum.series == series[-1])
            .mark_rule(color=MARKER_COLOUR, strokeDash=[4, 3])
            .encode(x=x)
        )
        layers += [
            rule,
            base.transform_filter(frame_at)
            .mark_point(size=90, filled=True, stroke="white", strokeWidth=1.2, opacity=1, clip=True)
            .encode(shape=shape, tooltip=tooltip),
        ]
    return layers


def curve_panel(
    title: str, subtitle: str, frame: pd.DataFrame, marks: Sequence[alt.Chart], height: int = 150
) -> alt.LayerChart:
    """One network's curves ``frame`` (``series, epoch, value``) drawn with ``marks``
    (``curve_marks``, made once and shared by every panel: Altair re-validates every
    ``.encode()``), its name ``title`` and ``subtitle`` above, as wide as its column
    (``layout.fit_width``) and ``height`` pixels of plot."""
    return layout.fit_width(
        layering.LayerChart(
            data=frame,
            layer=list(marks),
            height=height,
            title=alt.Title(title, subtitle=subtitle, anchor="start"),
        )
    )


def boundary_frame_panel(
    title: str,
    pictures: pd.DataFrame,
    texts: pd.DataFrame,
    size: tuple[int, int],
    picture_shown: str,
    text_shown: str,
    text_lines: int,
    subtitle: str = "",
) -> alt.LayerChart:
    """One network's decision boundaries over an animation, in a ``size`` plot without
    axes (the picture is the plot): ``pictures`` has one row per picture, ``url`` (a data
    URL, points burnt in) and the frames it is shown on, ``shown_from <= frame <
    shown_until`` (``picture_shown``, a Vega predicate: the picture it accepts is opaque);
    ``texts`` one row per frame, ``frame, text`` (``text_shown`` picks the frame's row),
    written between the title and
    the picture in ``text_lines`` lines (the most any frame needs, so the panel keeps its
    place while playing). ``subtitle``: the remedy's setting, under the title."""
    width, height = size
    line = 13
    lines = line * max(int(text_lines), 1)  # pixels the text takes above the picture
    # every picture is drawn all the time and only the frame's is opaque: a picture the
    # filter brought back would be loaded again, blank for a frame or two while playing
    picture = (
        alt.Chart(pictures)
        .mark_image(aspect=False, align="left", baseline="top", width=width, height=height)
        .encode(
            x=alt.value(0),
            y=alt.value(0),
            url="url:N",
            opacity=alt.condition(picture_shown, alt.value(1), alt.value(0)),
        )
    )
    words = (
        alt.Chart(texts)
        .transform_filter(text_shown)
        .mark_text(align="left", baseline="top", fontSize=11, lineBreak="\n", lineHeight=line)
        .encode(x=alt.value(0), y=alt.value(-lines - 3), text="text:N")
    )
    return layering.LayerChart(
        layer=[picture, words],
        width=width,
        height=height,
        title=alt.Title(
            title,
            subtitle=subtitle,
            anchor="start",
            fontSize=12,
            subtitleFontSize=11,
            offset=4,  # above the text: the group's bounds include it
        ),
        view=alt.ViewConfig(strokeWidth=0),
        # "pad": the picture keeps its size and the title and text add to it
        autosize=alt.AutoSizeParams(type="pad"),
    )


def boundary_picture(
    predictions: np.ndarray,
    cells: int,
    n_classes: int,
    bounds,
    x: np.ndarray,
    y: np.ndarray,
    validation: np.ndarray,
    size: tuple[int, int] = (200, 170),
) -> str:
    """``boundary.boundary_image`` (each pixel in its predicted class colour, paler where the
    model is unsure, a dark line on the boundary) with the data points drawn in (image data
    URL): training points as dots with a white rim, validation points as triangles with a
    darker rim, both in their class colour. The points never change between frames, so
    burning them in keeps a frame of several panels to one small picture each."""
    img = boundary.boundary_image(predictions, cells, n_classes, size)
    k = boundary.class_probabilities(predictions, cells).shape[-1]
    used = 3 * (k * boundary.CONFIDENCE_BANDS + 1)  # the shades and the line come first
    colours = [tuple(int(c) for c in palette.hex_rgb(h)) for h in palette.class_colours(k)]
    rims = [tuple(int(c * 0.55) for c in rgb) for rgb in colours]
    extra = [*colours, *rims, (255, 255, 255)]
    first = used // 3
    img.putpalette([*img.getpalette()[:used], *(c for rgb in extra for c in rgb)])
    fill = {i: first + i for i in range(k)}
    rim = {i: first + k + i for i in range(k)}
    white = first + 2 * k
    w, h = size
    (x0, x1), (y0, y1) = bounds
    px = (np.asarray(x[:, 0], dtype=float) - x0) / (x1 - x0) * w
    py = (y1 - np.asarray(x[:, 1], dtype=float)) / (y1 - y0) * h
    draw = ImageDraw.Draw(img)
    order = np.argsort(np.asarray(validation, dtype=bool), kind="stable")  # training first
    for i in order:
        cx, cy = float(px[i]), float(py[i])
        if not (math.isfinite(cx) and math.isfinite(cy)):
            continue
        c = int(y[i]) % k
        if validation[i]:
            triangle = [(cx, cy - 5), (cx - 4.6, cy + 3.4), (cx + 4.6, cy + 3.4)]
            draw.polygon(triangle, fill=fill[c], outline=rim[c])
        else:
            box = [cx - 3.5, cy - 3.5, cx + 3.5, cy + 3.5]
            draw.ellipse(box, fill=fill[c], outline=white)
    return surface_charts.image_url(img)
