"""Altair builders of the validation lessons (early stopping, cross-validation, remedies
for overfitting): pure functions, data in, chart out; every title comes from the caller."""

from __future__ import annotations

from collections.abc import Sequence

import altair as alt
import pandas as pd

from charts import layout
from charts.palette import OKABE_ITO, SHAPES, series_encodings

CLASS_LEGEND_ROOM = 100  # pixels the class legend takes beside the fold scatter

MARK_COLOUR = "#444444"
# Okabe-Ito without black and yellow (too close to the marks / the white page), then more
FOLD_COLOURS = [
    "#0072B2",
    "#D55E00",
    "#009E73",
    "#CC79A7",
    "#E69F00",
    "#56B4E9",
    "#7F3C8D",
    "#8C6D31",
    "#5D6D7E",
    "#E7298A",
]


def curves(
    frame: pd.DataFrame,
    series: Sequence[str],
    x_title: str,
    y_title: str,
    legend_title: str = "",
    faint: pd.DataFrame | None = None,
    height: int = 300,
    y_domain: tuple[float, float] | None = None,
) -> alt.LayerChart:
    """Lines ``series, epoch, value`` per series; ``faint`` (same columns) is drawn thin and
    pale underneath (e.g. the same run without early stopping)."""
    colour, shape = series_encodings(series, legend_title)
    scale = alt.Scale(zero=False) if y_domain is None else alt.Scale(domain=list(y_domain))
    x = alt.X("epoch:Q", title=x_title)
    y = alt.Y("value:Q", title=y_title, scale=scale)
    tooltip = ["series:N", "epoch:Q", alt.Tooltip("value:Q", format=".4g")]
    base = alt.Chart(frame).encode(x=x, y=y, color=colour)
    layers = [
        base.mark_line(strokeWidth=2.2),
        base.mark_point(size=18, filled=True).encode(shape=shape, tooltip=tooltip),
    ]
    if faint is not None and len(faint):
        layers.append(
            alt.Chart(faint)
            .mark_line(strokeWidth=1.5, opacity=0.4, strokeDash=[4, 3])
            .encode(x=x, y=y, color=colour, detail="series:N", tooltip=tooltip)
        )
    return alt.layer(*layers).properties(height=height)


def markers(frame: pd.DataFrame, x_field: str = "epoch") -> alt.LayerChart:
    """Dashed vertical rules ``x_field, label, row``: labels are stacked by ``row`` (0 at
    the top) so two close markers do not write over each other."""
    base = alt.Chart(frame).encode(x=f"{x_field}:Q")
    rule = base.mark_rule(strokeDash=[5, 4], color=MARK_COLOUR, strokeWidth=1.5)
    text = base.mark_text(
        align="left", dx=4, baseline="top", fontSize=11, color=MARK_COLOUR, fontWeight="bold"
    ).encode(y=alt.Y("pixel:Q", scale=None, axis=None), text="label:N")
    data = frame.assign(pixel=4 + 15 * frame["row"])
    return alt.layer(rule, text.properties(data=data))


def window(frame: pd.DataFrame, colour: str = "#E69F00") -> alt.Chart:
    """Shaded epoch ranges ``start, end, label`` (the patience window), labelled in the
    tooltip; the caller names the window in text too (colour is never the only cue)."""
    return (
        alt.Chart(frame)
        .mark_rect(opacity=0.18, color=colour)
        .encode(x="start:Q", x2="end:Q", tooltip=["label:N"])
    )


def fold_points(
    frame: pd.DataFrame,
    folds: Sequence[str],
    legend_title: str,
    class_title: str,
    highlight: str | None = None,
    size: tuple[int, int] = (300, 290),
) -> alt.Chart:
    """Data points ``x1, x2, fold, label``: colour by fold, shape by class; with
    ``highlight``, a Vega predicate (``"datum.fold_index == cv_frame"``: the fold an
    animation's frame grades), the points it rejects are drawn pale."""
    colour = alt.Color(
        "fold:N",
        scale=alt.Scale(domain=list(folds), range=_palette(len(folds))),
        title=legend_title,
        legend=alt.Legend(orient="bottom", columns=min(len(folds), 4)),
    )
    classes = sorted(frame["label"].unique()) if len(frame) else []
    shape = alt.Shape(
        "label:N",
        scale=alt.Scale(domain=classes, range=["circle", "triangle-up", "square"]),
        title=class_title,
        # beside the plot: a second legend below it was laid out to the right of the fold
        # legend, past the chart's edge, and cut off
        legend=alt.Legend(
            orient="right", symbolFillColor="#444444", symbolStrokeWidth=0, symbolSize=70
        ),
    )
    opacity = (
        alt.condition(highlight, alt.value(1.0), alt.value(0.18))
        if highlight is not None
        else alt.value(0.9)
    )
    return (
        alt.Chart(frame)
        .mark_point(filled=True, size=40, stroke="white", strokeWidth=0.5)
        .encode(
            x=alt.X("x1:Q", title="x₁", scale=alt.Scale(zero=False)),
            y=alt.Y("x2:Q", title="x₂", scale=alt.Scale(zero=False)),
            color=colour,
            shape=shape,
            opacity=opacity,
            tooltip=["fold:N", "label:N"],
        )
        # the plot keeps the shape of ``size``, at most ``size``; the legends add to it (the
        # class legend beside it: room for the axis and that legend)
        .properties(**layout.fitted_size(size, room=layout.AXIS_ROOM + CLASS_LEGEND_ROOM))
    )


def fold_curves(
    frame: pd.DataFrame,
    folds: Sequence[str],
    x_title: str,
    y_title: str,
    legend_title: str,
    highlight: str | None = None,
    height: int = 300,
) -> alt.Chart:
    """One validation curve per fold ``fold, epoch, value``; the curves ``highlight`` (a
    Vega predicate, as in ``fold_points``) accepts are drawn bold, the others thin."""
    colour = alt.Color(
        "fold:N",
        scale=alt.Scale(domain=list(folds), range=_palette(len(folds))),
        title=legend_title,
        legend=alt.Legend(orient="bottom", columns=min(len(folds), 5)),
    )
    width = (
        alt.condition(highlight, alt.value(3.4), alt.value(1.2))
        if highlight is not None
        else alt.value(2.0)
    )
    opacity = (
        alt.condition(highlight, alt.value(1.0), alt.value(0.45))
        if highlight is not None
        else alt.value(1.0)
    )
    return (
        alt.Chart(frame)
        .mark_line()
        .encode(
            x=alt.X("epoch:Q", title=x_title),
            y=alt.Y("value:Q", title=y_title, scale=alt.Scale(zero=False)),
            color=colour,
            strokeWidth=width,
            opacity=opacity,
            tooltip=["fold:N", "epoch:Q", alt.Tooltip("value:Q", format=".4g")],
        )
        .properties(height=height)
    )


def score_spread(
    frame: pd.DataFrame,
    summary: pd.DataFrame,
    groups: Sequence[str],
    x_title: str,
    y_title: str,
    legend_title: str,
    height: int = 300,
    highlight: str | None = None,
) -> alt.LayerChart:
    """Per-fold scores ``group, fold, score`` as points per group (honest / not reset),
    with each group's mean as a tick and the mean ± std as a band (``summary``: ``group,
    mean, low, high``); the points ``highlight`` (a Vega predicate) accepts get a ring."""
    scale = alt.Scale(domain=list(groups), range=OKABE_ITO[: len(groups)])
    colour = alt.Color(
        "group:N", scale=scale, title=legend_title, legend=alt.Legend(orient="bottom")
    )
    x = alt.X("group:N", title=None, sort=list(groups), axis=alt.Axis(labelAngle=0))
    band = (
        alt.Chart(summary)
        .mark_bar(opacity=0.22, size=46)
        .encode(
            x=x,
            y=alt.Y("low:Q", title=y_title, scale=alt.Scale(zero=False)),
            y2="high:Q",
            color=alt.Color("group:N", scale=scale, legend=None),
        )
    )
    mean = (
        alt.Chart(summary)
        .mark_tick(thickness=3, size=52)
        .encode(
            x=x,
            y="mean:Q",
            color=alt.Color("group:N", scale=scale, legend=None),
            tooltip=[
                "group:N",
                alt.Tooltip("mean:Q", format=".3f"),
                alt.Tooltip("low:Q", format=".3f"),
                alt.Tooltip("high:Q", format=".3f"),
            ],
        )
    )
    points = (
        alt.Chart(frame)
        .mark_point(filled=True, size=60, stroke="white", strokeWidth=0.6)
        .encode(
            x=x,
            y="score:Q",
            color=colour,
            xOffset=alt.XOffset("jitter:Q", scale=alt.Scale(domain=[-1, 1])),
            tooltip=["group:N", "fold:N", alt.Tooltip("score:Q", format=".3f")],
        )
    )
    _ = x_title
    layers = [band, mean, points]
    if highlight is not None:
        layers.append(
            points.transform_filter(highlight)
            .mark_point(filled=False, size=260, strokeWidth=2.2)
            .encode(color=alt.value(MARK_COLOUR))
        )
    return alt.layer(*layers).properties(height=height)


def _palette(n: int) -> list[str]:
    """n distinct colours: Okabe-Ito first, then Tableau's for more than eight."""
    return FOLD_COLOURS[:n]


__all__ = ["SHAPES", "curves", "fold_curves", "fold_points", "markers", "score_spread", "window"]
