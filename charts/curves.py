"""Altair builders of the loss, learning-curve and data-split lessons (B4, B7-B11): pure
functions, data in, chart out; every title and label comes from the caller (the page's text
catalog)."""

from __future__ import annotations

from collections.abc import Sequence

import altair as alt
import numpy as np
import pandas as pd

from charts import layering, layout, palette
from charts.palette import OKABE_ITO, SHAPES, series_encodings

MARK_COLOUR = "#444444"
REGION_COLOURS = tuple(palette.REGION_COLOURS[r] for r in ("underfit", "good", "overfit"))


def probability_chart(
    frame: pd.DataFrame,
    series: Sequence[str],
    y_field: str,
    x_title: str,
    y_title: str,
    legend_title: str,
    current_p: float,
    current: pd.DataFrame,
    height: int = 360,
    colours: Sequence[str] = OKABE_ITO,
) -> alt.LayerChart:
    """Curves ``p, series, <y_field>`` (loss or gradient size against the predicted
    probability) in ``colours``, a rule at ``current_p`` and a labelled dot per series at
    the current prediction (``current``: ``p, series, value, text``)."""
    colour = alt.Color(
        "series:N",
        scale=alt.Scale(domain=list(series), range=list(colours[: len(series)])),
        title=legend_title,
        legend=alt.Legend(orient="bottom", symbolType="stroke", symbolStrokeWidth=3),
    )
    x = alt.X("p:Q", title=x_title, scale=alt.Scale(domain=[0, 1]))
    y = alt.Y(f"{y_field}:Q", title=y_title, scale=alt.Scale(zero=True))
    lines = (
        alt.Chart(frame)
        .mark_line(strokeWidth=2.4)
        .encode(
            x=x,
            y=y,
            color=colour,
            # no legend of its own: it merges into the colour's, which then draws each
            # series' dash (legend=None here made Vega-Lite warn "Conflicting legend
            # property disable")
            strokeDash=alt.StrokeDash(
                "series:N", scale=alt.Scale(domain=list(series), range=[[1, 0], [6, 3]])
            ),
            tooltip=[
                alt.Tooltip("series:N"),
                alt.Tooltip("p:Q", format=".3f"),
                alt.Tooltip(f"{y_field}:Q", format=".4g"),
            ],
        )
    )
    rule = (
        alt.Chart(pd.DataFrame({"p": [float(current_p)]}))
        .mark_rule(color=MARK_COLOUR, strokeDash=[4, 3])
        .encode(x="p:Q")
    )
    # the lines' colour, legend and all (a layer with legend=None beside the lines' legend
    # made Vega-Lite warn "Conflicting legend property disable")
    cur = alt.Chart(current).encode(x="p:Q", y=alt.Y("value:Q"), color=colour)
    # no shape encoding: the legend then draws each series as its line (solid / dashed)
    dots = cur.mark_point(size=110, filled=True, stroke="white", strokeWidth=1)
    right = current_p < 0.6
    text = cur.mark_text(
        align="left" if right else "right",
        dx=9 if right else -9,
        dy=-9,
        fontSize=13,
        fontWeight="bold",
    ).encode(text="text:N")
    return layering.layer(lines, rule, dots, text).properties(height=height)


def target_rule(value: float, y_field: str = "value") -> alt.Chart:
    """A horizontal dashed line at ``value`` (e.g. the target accuracy)."""
    return (
        alt.Chart(pd.DataFrame({y_field: [float(value)]}))
        .mark_rule(color=MARK_COLOUR, strokeDash=[2, 3], strokeWidth=1.2)
        .encode(y=f"{y_field}:Q")
    )


def markers(frame: pd.DataFrame, x_field: str = "epoch") -> alt.LayerChart:
    """Dashed vertical rules ``x_field, label, row, colour``: labels stacked by ``row`` (0 at
    the top) so close markers do not write over each other."""
    data = frame.assign(pixel=4 + 15 * frame["row"])
    base = alt.Chart(data).encode(x=f"{x_field}:Q")
    rule = base.mark_rule(strokeDash=[5, 4], strokeWidth=1.5).encode(
        color=alt.Color("colour:N", scale=None)
    )
    text = base.mark_text(
        align="left", dx=4, baseline="top", fontSize=11, fontWeight="bold"
    ).encode(
        y=alt.Y("pixel:Q", scale=None, axis=None),
        text="label:N",
        color=alt.Color("colour:N", scale=None),
    )
    return layering.layer(rule, text)


def curves(
    frame: pd.DataFrame,
    series: Sequence[str],
    x_title: str,
    y_title: str,
    legend_title: str = "",
    height: int = 280,
    y_domain: tuple[float, float] | None = None,
    x_domain: tuple[float, float] | None = None,
    colours: Sequence[str] = OKABE_ITO,
) -> alt.LayerChart:
    """Lines ``series, epoch, value`` with a marker per point (colour from ``colours`` and
    shape per series)."""
    colour, shape = series_encodings(series, legend_title, colours)
    y_scale = alt.Scale(zero=False) if y_domain is None else alt.Scale(domain=list(y_domain))
    x_scale = alt.Scale() if x_domain is None else alt.Scale(domain=list(x_domain), nice=False)
    base = alt.Chart(frame).encode(
        x=alt.X("epoch:Q", title=x_title, scale=x_scale),
        y=alt.Y("value:Q", title=y_title, scale=y_scale),
        color=colour,
    )
    tooltip = ["series:N", "epoch:Q", alt.Tooltip("value:Q", format=".4g")]
    return layering.layer(
        base.mark_line(strokeWidth=2.2),
        base.mark_point(size=16, filled=True).encode(shape=shape, tooltip=tooltip),
    ).properties(height=height)


def regions(frame: pd.DataFrame, names: Sequence[str], legend_title: str = "") -> alt.Chart:
    """Shaded epoch ranges ``start, end, label`` (underfit / good fit / overfit), one colour
    per region name in ``names`` (the order of ``REGION_COLOURS``), labelled in a legend."""
    return (
        alt.Chart(frame)
        .mark_rect(opacity=palette.BAND_OPACITY)
        .encode(
            x="start:Q",
            x2="end:Q",
            color=alt.Color(
                "label:N",
                scale=alt.Scale(domain=list(names), range=list(REGION_COLOURS[: len(names)])),
                title=legend_title,
                legend=alt.Legend(orient="bottom"),
            ),
            tooltip=["label:N", "start:Q", "end:Q"],
        )
    )


def score_bars(
    frame: pd.DataFrame,
    x_title: str,
    y_title: str,
    colour_title: str,
    domain: tuple[float, float],
    height: int = 260,
) -> alt.LayerChart:
    """Horizontal bars ``setting, score, group, text``: one bar per setting, coloured by
    ``group`` (e.g. winner / others), the score written at the end of the bar."""
    groups = list(dict.fromkeys(frame["group"]))
    y = alt.Y("setting:N", title=y_title, sort=None)
    x = alt.X("score:Q", title=x_title, scale=alt.Scale(domain=list(domain), nice=False))
    base = alt.Chart(frame).encode(y=y, x=x)
    bars = base.mark_bar(height=alt.RelativeBandSize(0.7)).encode(
        color=alt.Color(
            "group:N",
            scale=alt.Scale(domain=groups, range=[OKABE_ITO[2], "#9AA5B1", OKABE_ITO[1]]),
            title=colour_title,
            legend=alt.Legend(orient="bottom"),
        ),
        tooltip=["setting:N", alt.Tooltip("score:Q", format=".3f")],
    )
    text = base.mark_text(align="left", dx=4, fontSize=12).encode(text="text:N")
    return layering.layer(bars, text).properties(height=height)


def split_strip(frame: pd.DataFrame, names: Sequence[str], legend_title: str) -> alt.Chart:
    """One stacked bar of the data split: ``part, count, order`` with the part names in
    ``names`` (train, validation, test), colour and a text label per part."""
    colours = [OKABE_ITO[1], OKABE_ITO[4], OKABE_ITO[0]][: len(names)]
    base = alt.Chart(frame).encode(
        x=alt.X("count:Q", stack="zero", axis=None),
        order=alt.Order("order:Q"),
    )
    bar = base.mark_bar(height=34).encode(
        color=alt.Color(
            "part:N",
            scale=alt.Scale(domain=list(names), range=colours),
            title=legend_title,
            legend=None,
        ),
        tooltip=["part:N", "count:Q"],
    )
    return bar.properties(height=40)


def regression_chart(
    points: pd.DataFrame,
    curve: pd.DataFrame,
    names: Sequence[str],
    x_title: str,
    y_title: str,
    legend_title: str,
    height: int = 340,
) -> alt.LayerChart:
    """A regression fit: ``points`` (``x, y, pred``) as dots, each one's miss as a vertical
    segment from ``y`` to ``pred`` (darker = larger squared miss), and the model's ``curve``
    (``x, pred``). ``names`` = (data, model, miss) series names for the legend."""
    data_name, model_name, miss_name = names
    scale = alt.Scale(
        domain=[data_name, model_name, miss_name],
        range=[OKABE_ITO[1], OKABE_ITO[0], MARK_COLOUR],
    )
    legend = alt.Legend(orient="bottom")
    colour = alt.Color(
        "series:N",
        scale=scale,
        title=legend_title,
        legend=legend,
    )
    x = alt.X("x:Q", title=x_title)
    pts = points.assign(
        series=data_name, miss_series=miss_name, sq=(points["pred"] - points["y"]) ** 2
    )
    misses = (
        alt.Chart(pts)
        .mark_rule(strokeWidth=2)
        .encode(
            x=x,
            y=alt.Y("y:Q", title=y_title),
            y2="pred:Q",
            # the points' legend (it lists the miss too): legend=None here made Vega-Lite
            # warn "Conflicting legend property disable"
            color=alt.Color("miss_series:N", scale=scale, title=legend_title, legend=legend),
            opacity=alt.Opacity("sq:Q", scale=alt.Scale(range=[0.25, 1.0]), legend=None),
        )
    )
    dots = (
        alt.Chart(pts)
        .mark_point(size=36, filled=True)
        .encode(
            x=x,
            y="y:Q",
            color=colour,
            tooltip=[
                alt.Tooltip("x:Q", format=".2f"),
                alt.Tooltip("y:Q", format=".3f"),
                alt.Tooltip("pred:Q", format=".3f"),
                alt.Tooltip("sq:Q", format=".4f"),
            ],
        )
    )
    line = (
        alt.Chart(curve.assign(series=model_name))
        .mark_line(strokeWidth=2.4)
        .encode(x=x, y="pred:Q", color=colour)
    )
    return layering.layer(misses, dots, line).properties(height=height)


EDGE_SIGNS = ("positive", "negative", "idle")
EDGE_KINDS = ("weight", "gradient", "new", "idle")
NODE_STATES = ("todo", "done", "back")


def network_chart(nodes: pd.DataFrame, edges: pd.DataFrame, height: int = 360) -> alt.LayerChart:
    """A small network diagram (``lessons.backprop.diagram_frames``): edges coloured by
    sign (orange positive, blue negative, grey not in play) and thick by ``size``; dashed
    while they carry gradients; nodes filled by state (grey to do, blue computed forward,
    orange with a gradient), the active layer ringed; each node's value above it and its
    gradient below. Every scale has a fixed domain, so frames differ only in data."""
    x_scale = alt.Scale(domain=[-0.4, 4.2], nice=False)
    y_scale = alt.Scale(domain=[-0.9, 4.9], nice=False, reverse=True)
    no_axis = dict(axis=None)
    x = alt.X("x:Q", scale=x_scale, **no_axis)
    y = alt.Y("y:Q", scale=y_scale, **no_axis)
    sign_colour = alt.Color(
        "sign:N",
        scale=alt.Scale(domain=list(EDGE_SIGNS), range=[OKABE_ITO[0], OKABE_ITO[1], "#BBBBBB"]),
        legend=None,
    )
    lines = (
        alt.Chart(edges)
        .mark_rule()
        .encode(
            x=x,
            y=y,
            x2="x2:Q",
            y2="y2:Q",
            color=sign_colour,
            strokeWidth=alt.StrokeWidth(
                "size:Q", scale=alt.Scale(domain=[0, 1], range=[0.8, 9]), legend=None
            ),
            strokeDash=alt.StrokeDash(
                "kind:N",
                scale=alt.Scale(domain=list(EDGE_KINDS), range=[[1, 0], [6, 3], [1, 0], [2, 3]]),
                legend=None,
            ),
            tooltip=[alt.Tooltip("kind:N"), alt.Tooltip("text:N")],
        )
    )
    label_base = alt.Chart(edges).encode(
        x=alt.X("tx:Q", scale=x_scale, **no_axis),
        y=alt.Y("ty:Q", scale=y_scale, **no_axis),
        text="text:N",
    )
    halo = label_base.mark_text(
        fontSize=12, fontWeight="bold", stroke="white", strokeWidth=4, strokeOpacity=0.9
    )
    labels = label_base.mark_text(fontSize=12, fontWeight="bold").encode(color=sign_colour)
    circles = (
        alt.Chart(nodes)
        .mark_circle(size=1500, opacity=1)
        .encode(
            x=x,
            y=y,
            fill=alt.Fill(
                "state:N",
                scale=alt.Scale(
                    domain=list(NODE_STATES), range=["#E4E4E4", OKABE_ITO[5], OKABE_ITO[4]]
                ),
                legend=None,
            ),
            stroke=alt.Stroke(
                "active:N",
                scale=alt.Scale(domain=[True, False], range=["#222222", "#FFFFFF"]),
                legend=None,
            ),
            # ordinal: a width by an unsorted nominal field makes Vega-Lite warn
            strokeWidth=alt.StrokeWidth(
                "active:O", scale=alt.Scale(domain=[True, False], range=[3.5, 1]), legend=None
            ),
            tooltip=["name:N", "value:N", "grad:N"],
        )
    )
    node_base = alt.Chart(nodes).encode(x=x, y=y)
    names = node_base.mark_text(fontSize=15, fontWeight="bold", color="#111111").encode(
        text="name:N"
    )
    # no fixed colour for the values: the app theme's text colour (light and dark)
    values = node_base.mark_text(fontSize=13, fontWeight="bold", dy=-32).encode(text="value:N")
    grads = node_base.mark_text(fontSize=13, fontWeight="bold", dy=33, color=OKABE_ITO[0]).encode(
        text="grad:N"
    )
    return layering.layer(lines, halo, labels, circles, names, values, grads).properties(
        height=height
    )


__all__ = [
    "SHAPES",
    "curves",
    "markers",
    "network_chart",
    "probability_chart",
    "regions",
    "regression_chart",
    "score_bars",
    "split_strip",
    "target_rule",
]


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
    # Domains fixed to the ones the rows give (x from 0, Vega-Lite's default; y the curves'
    # range): a layer added on top with one frame's rows (the marker at an animation's
    # frame) is empty on some frames, and a domain taken from an empty layer made Vega warn
    # "Infinite extent for field epoch" (underfitting and early stopping pages).
    x_values = data[x_field].to_numpy(dtype=float)
    y_values = data[y_field].to_numpy(dtype=float)
    x_values, y_values = x_values[np.isfinite(x_values)], y_values[np.isfinite(y_values)]
    x_scale = alt.Scale()
    if len(x_values):
        x_high = max(float(x_values.max()), float(current) if current is not None else 0.0)
        x_scale = alt.Scale(domain=[min(0.0, float(x_values.min())), x_high])
    fitted = [float(y_values.min()), float(y_values.max())] if len(y_values) else alt.Undefined
    if log_y:
        y_scale = alt.Scale(type="log", domain=fitted)
    elif y_domain is not None:
        y_scale = alt.Scale(domain=list(y_domain))
    else:
        y_scale = alt.Scale(zero=False, domain=fitted)
    y_axis = layout.log_axis(y_title) if log_y else alt.Axis(title=y_title)
    base = alt.Chart(data).encode(
        x=alt.X(f"{x_field}:Q", title=x_title, scale=x_scale),
        y=alt.Y(f"{y_field}:Q", scale=y_scale, axis=y_axis),
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
    return layering.layer(*layers).properties(height=height)


def epoch_markers(markers: pd.DataFrame, x_field: str = "epoch") -> alt.LayerChart:
    """Vertical dashed rules with a label at the top: ``markers`` has ``x_field`` and
    ``label`` (e.g. "best epoch 11", "stopped 14")."""
    base = alt.Chart(markers).encode(x=f"{x_field}:Q")
    rule = base.mark_rule(strokeDash=[5, 4], color="#444444", strokeWidth=1.5)
    text = base.mark_text(
        align="left", dx=4, dy=-4, baseline="bottom", fontSize=11, color="#444444"
    ).encode(y=alt.value(12), text="label:N")
    return layering.layer(rule, text)


def band_layer(bands: pd.DataFrame, domain: Sequence[str], colours: Sequence[str]) -> alt.Chart:
    """Shaded x ranges ``start, end, label`` (underfit / good / overfit epochs), each label
    in its own colour (``domain[i]`` in ``colours[i]``), whichever labels are present."""
    return (
        alt.Chart(bands)
        .mark_rect(opacity=palette.BAND_OPACITY)
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
