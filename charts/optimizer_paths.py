"""Altair builders of the optimizer lessons (adaptive rates, the race, mini-batches): pure
functions, data in, chart out; every title and label comes from the caller.

Each optimizer keeps one colour and one marker shape wherever it appears (Okabe-Ito), so
"Adam is the black triangle" holds across pages, whichever runs are switched on.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import altair as alt
import pandas as pd

from charts import layering, layout, palette
from charts.surface_charts import scales

EDGE = 8  # pixels between a line chart's first or last step and the plot's edge
LEGEND_COLUMNS = 3  # a legend of six optimizers: two rows of three
# pixels of plot width per legend column of optimizer names (the longest, "그냥 경사
# 하강법" with its sample, takes ~130): two columns on a phone instead of one of six rows
OPTIMIZER_COLUMN = 130
LINE_SYMBOL = 484  # a line legend's sample: 22 pixels long (a symbol's size is its area)
STEP_TICK_SPACING = 70  # pixels per step tick, at least
VALUE_TICK_SPACING = 40  # pixels per y tick, at least

# optimizer name -> (colour, marker shape, stroke dash)
OPTIMIZER_STYLE: Mapping[str, tuple[str, str, list[int]]] = {
    "sgd": ("#555555", "circle", [1, 0]),
    "momentum": ("#009E73", "square", [6, 3]),
    "nesterov": ("#56B4E9", "diamond", [2, 2]),
    "adagrad": ("#D55E00", "triangle-down", [8, 3, 2, 3]),
    "rmsprop": ("#0072B2", "triangle-right", [1, 0]),  # the cross marks minima
    "adam": ("#CC79A7", "triangle-up", [4, 2]),
}


def series_legend(
    count: int, orient: str = "bottom", lines: bool = False, column: int = palette.LEGEND_COLUMN
) -> alt.Legend:
    """The legend of ``count`` series: as many columns as the plot's width holds (``column``
    pixels each, at most ``LEGEND_COLUMNS``), so it never runs past a phone's column;
    ``lines``: each entry a short line in its series' colour and dash, as the lines of a
    line chart are told apart."""
    most = max(1, min(count, LEGEND_COLUMNS))
    columns = alt.ExprRef(f"max(1, min({most}, floor(width / {column})))")
    if not lines:
        return alt.Legend(orient=orient, columns=columns)
    return alt.Legend(
        orient=orient,
        columns=columns,
        symbolType="stroke",
        symbolSize=LINE_SYMBOL,
        symbolStrokeWidth=2.5,
    )


def style_encodings(
    styles: Mapping[str, str],
    title: str = "",
    legend: bool = True,
    orient: str = "bottom",
    lines: bool = False,
):
    """Colour, shape and dash encodings of field ``series`` for ``styles``: label ->
    optimizer name (so each label gets its optimizer's fixed look).

    Only the colour carries a legend (``legend=True``; ``lines``: ``series_legend`` of
    lines); ``legend=False`` gives a colour that only borrows the look. Vega-Lite merges
    every legend of one field (across layers and across colour, shape and dash) into one,
    and a ``legend=None`` beside a legend made it warn "Conflicting legend property
    disable" (the adaptive-rates and race pages): a layer that says nothing merges into the
    legend, and a chart with no legend at all says ``legend=None`` on its colour and dash
    (``styled_lines``)."""
    labels = list(styles)
    looks = [OPTIMIZER_STYLE.get(styles[k], ("#000000", "circle", [1, 0])) for k in labels]
    colour = alt.Color(
        "series:N",
        scale=alt.Scale(domain=labels, range=[c for c, _, _ in looks]),
        title=title,
    )
    if legend:
        colour = colour.legend(series_legend(len(labels), orient, lines, OPTIMIZER_COLUMN))
    # shape and dash say nothing about a legend: Vega-Lite merges them into the colour's
    # legend (it then shows each series' marker and dash) or hides them with it
    shapes = marker_names(styles)
    shape = alt.Shape("series:N", scale=alt.Scale(domain=labels, range=list(shapes.values())))
    dash = alt.StrokeDash(
        "series:N", scale=alt.Scale(domain=labels, range=[d for _, _, d in looks])
    )
    return colour, shape, dash


def marker_names(styles: Mapping[str, str]) -> dict[str, str]:
    """Each label's optimizer marker shape (``styles``: label -> optimizer name)."""
    return {label: OPTIMIZER_STYLE.get(name, ("", "circle"))[1] for label, name in styles.items()}


def step_scale(last_step: int) -> alt.Scale:
    """The step axis's scale: from 0 to ``last_step``, fixed (a marker that follows the
    player does not move it), ``EDGE`` pixels inside each end of the plot, so a marker at
    the first or last step is drawn whole."""
    return alt.Scale(domain=[0, max(int(last_step), 1)], nice=False, zero=False, padding=EDGE)


def step_axis(title: str) -> alt.Axis:
    """The step axis: a tick every ``STEP_TICK_SPACING`` pixels or more, so the labels never
    crowd on a phone."""
    return alt.Axis(title=title, tickCount=alt.ExprRef(f"ceil(width / {STEP_TICK_SPACING})"))


def value_axis(title: str, log_y: bool) -> alt.Axis:
    """The y axis of a line chart: on a log scale a label every few decades (a tick every
    ``VALUE_TICK_SPACING`` pixels or more: thirteen decades in 230 pixels crowded), written
    in the learners' style (``layout.log_axis``)."""
    ticks = alt.ExprRef(f"ceil(height / {VALUE_TICK_SPACING})")
    if not log_y:
        return alt.Axis(title=title, tickCount=ticks)
    return alt.Axis(**{**layout.log_axis(title).to_dict(), "tickCount": ticks})


def styled_paths(
    paths: pd.DataFrame, bounds, styles: Mapping[str, str], legend_title: str = ""
) -> alt.LayerChart:
    """Paths (``series, step, x, y[, loss]``) with each optimizer's colour and marker; the
    newest point of each series (the ball) is drawn large."""
    xs, ys = scales(bounds)
    colour, shape, _ = style_encodings(styles, legend_title)
    base = alt.Chart(paths).encode(x=alt.X("x:Q", scale=xs), y=alt.Y("y:Q", scale=ys), color=colour)
    line = base.mark_line(strokeWidth=2, clip=True).encode(order="step:Q", detail="series:N")
    dots = base.mark_point(size=12, filled=True, opacity=0.7, clip=True, aria=False).encode(
        shape=shape
    )
    tooltip = [
        "series:N",
        "step:Q",
        alt.Tooltip("x:Q", format=".4g"),
        alt.Tooltip("y:Q", format=".4g"),
    ]
    if "loss" in paths:
        tooltip.append(alt.Tooltip("loss:Q", format=".4g"))
    ball = (
        base.transform_window(
            rank="rank()", sort=[alt.SortField("step", order="descending")], groupby=["series"]
        )
        .transform_filter(alt.datum.rank == 1)
        .mark_point(size=170, filled=True, stroke="white", strokeWidth=1.5, opacity=1, clip=True)
        .encode(shape=shape, tooltip=tooltip)
    )
    return layering.layer(line, dots, ball)


def stopped_layer(
    points: pd.DataFrame, bounds, styles: Mapping[str, str], tooltip_title: str = ""
) -> alt.Chart:
    """A dashed ring in the optimizer's colour around each point where a run stopped
    (``series, step, x, y``: the last finite point of a diverged run), moved just inside
    the window's edge when that point lies outside. Empty rows draw nothing, so the layer can
    stay in the spec from the first frame on."""
    xs, ys = scales(bounds)
    labels = list(styles)
    colours = [OPTIMIZER_STYLE.get(styles[k], ("#000000",))[0] for k in labels]
    (x0, x1), (y0, y1) = bounds
    # a run that flew off the window is ringed where it left it, just inside the edge
    mx, my = 0.04 * (x1 - x0), 0.04 * (y1 - y0)
    points = points.assign(
        x=points["x"].clip(x0 + mx, x1 - mx), y=points["y"].clip(y0 + my, y1 - my)
    )
    return (
        alt.Chart(points)
        .mark_point(
            shape="circle", size=700, filled=False, strokeWidth=2.5, strokeDash=[4, 3], clip=True
        )
        .encode(
            x=alt.X("x:Q", scale=xs),
            y=alt.Y("y:Q", scale=ys),
            color=alt.Color("series:N", scale=alt.Scale(domain=labels, range=colours), legend=None),
            tooltip=[alt.Tooltip("series:N", title=tooltip_title), "step:Q"],
        )
    )


def value_scale(log_y: bool, y_domain: Sequence[float] | None = None) -> alt.Scale:
    """The y scale of a line chart (log or linear, not from zero), ``EDGE`` pixels inside
    the plot's top and bottom, so a marker at the highest or lowest value is drawn whole."""
    options = {"type": "log"} if log_y else {"zero": False}
    if y_domain is not None:
        options["domain"] = list(y_domain)
    return alt.Scale(padding=EDGE, **options)


def styled_lines(
    frame: pd.DataFrame,
    styles: Mapping[str, str],
    x_title: str,
    y_title: str,
    legend_title: str = "",
    y_field: str = "value",
    log_y: bool = False,
    height: int = 220,
    y_domain: Sequence[float] | None = None,
    legend: bool = True,
    title: str | None = None,
    legend_orient: str = "bottom",
) -> alt.Chart:
    """Lines ``series, step, <y_field>`` in each optimizer's colour and dash, told apart by
    a legend of lines (``series_legend``) unless ``legend=False``; the step axis from 0 to
    the last step (``step_scale``); a log scale drops rows that are not positive."""
    colour, _, dash = style_encodings(styles, legend_title, legend, legend_orient, lines=True)
    if not legend:  # no legend at all, whatever the other layers borrow
        colour, dash = colour.legend(None), dash.legend(None)
    data = frame[frame[y_field] > 0] if log_y else frame
    last = int(frame["step"].max()) if len(frame) else 1
    chart = (
        alt.Chart(data)
        .mark_line(strokeWidth=2.2, clip=True)
        .encode(
            x=alt.X("step:Q", scale=step_scale(last), axis=step_axis(x_title)),
            y=alt.Y(
                f"{y_field}:Q",
                scale=value_scale(log_y, y_domain),
                axis=value_axis(y_title, log_y),
            ),
            color=colour,
            strokeDash=dash,
            tooltip=["series:N", "step:Q", alt.Tooltip(f"{y_field}:Q", format=".4g")],
        )
        .properties(height=height)
    )
    if title:
        chart = chart.properties(title=title)
    return chart


def axis_lines(
    frame: pd.DataFrame,
    styles: Mapping[str, tuple[str, str]],
    x_title: str,
    y_title: str,
    legend_title: str = "",
    y_field: str = "value",
    height: int = 220,
) -> alt.Chart:
    """Lines ``series, step, <y_field>`` on a log scale; ``styles`` maps each label to
    ``(optimizer name, axis)``: colour = the optimizer, solid for axis x, dashed for y."""
    labels = list(styles)
    colours = [OPTIMIZER_STYLE.get(styles[k][0], ("#000000",))[0] for k in labels]
    dashes = [[1, 0] if styles[k][1] == "x" else [6, 3] for k in labels]
    legend = alt.Legend(
        orient="bottom",
        columns=2,
        symbolType="stroke",
        symbolSize=LINE_SYMBOL,
        symbolStrokeWidth=2.5,
    )
    data = frame[frame[y_field] > 0]
    last = int(frame["step"].max()) if len(frame) else 1
    return (
        alt.Chart(data)
        .mark_line(strokeWidth=2.2)
        .encode(
            x=alt.X("step:Q", scale=step_scale(last), axis=step_axis(x_title)),
            y=alt.Y(f"{y_field}:Q", scale=value_scale(True), axis=value_axis(y_title, log_y=True)),
            color=alt.Color(
                "series:N",
                scale=alt.Scale(domain=labels, range=colours),
                title=legend_title,
                legend=legend,
            ),
            strokeDash=alt.StrokeDash(
                "series:N",
                scale=alt.Scale(domain=labels, range=dashes),
                title=legend_title,
                legend=legend,
            ),
            tooltip=["series:N", "step:Q", alt.Tooltip(f"{y_field}:Q", format=".4g")],
        )
        .properties(height=height)
    )
