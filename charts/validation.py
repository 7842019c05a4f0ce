"""Altair builders of the validation lessons (early stopping, cross-validation, remedies
for overfitting): pure functions, data in, chart out; every title comes from the caller."""

from __future__ import annotations

from collections.abc import Sequence

import altair as alt
import numpy as np
import pandas as pd

from charts import layering, layout, training_frames
from charts.frames import Frames
from charts.palette import OKABE_ITO, SHAPES, series_encodings

CLASS_LEGEND_ROOM = 100  # pixels the class legend takes beside the fold scatter

MARK_COLOUR = "#444444"
# The palette's colours, ordered so the look-alikes are far apart: vermillion (fold 2) and
# orange (fold 7), blue (fold 1) and sky blue (fold 6); yellow, pale on white, comes last.
FOLD_COLOURS = tuple(OKABE_ITO[i] for i in (1, 0, 2, 3, 6, 5, 4, 7))
# folds 1-5 solid, 6-10 dashed: a fold whose colour resembles an earlier one's (or repeats
# it, past eight folds) differs in its line
FOLD_DASHES = ((1, 0), (6, 3))
FOLDS_PER_DASH = 5


def fold_colours(n: int) -> list[str]:
    """The colour of each of ``n`` folds (``FOLD_COLOURS``, repeated past eight)."""
    return [FOLD_COLOURS[i % len(FOLD_COLOURS)] for i in range(n)]


def fold_dashes(n: int) -> list[list[int]]:
    """The line dash of each of ``n`` folds (``FOLD_DASHES``, five folds each)."""
    return [list(FOLD_DASHES[(i // FOLDS_PER_DASH) % len(FOLD_DASHES)]) for i in range(n)]


def fold_point_rows(
    x, folds, fold_names: Sequence[str], class_names: Sequence[str]
) -> pd.DataFrame:
    """``x1, x2, fold, fold_index, label``: each sample with its validation fold (``folds``,
    0-based) and its class name (``class_names[i]``)."""
    return pd.DataFrame(
        {
            "x1": x[:, 0],
            "x2": x[:, 1],
            "fold": [fold_names[f] for f in folds],
            "fold_index": np.asarray(folds, dtype=int),
            "label": list(class_names),
        }
    )


def fold_curve_rows(curves: Sequence[dict], fold_names: Sequence[str], key: str = "val_loss"):
    """``fold, fold_index, epoch, value``: each fold's ``key`` per epoch (finite values)."""
    rows = [
        {"fold": fold_names[f], "fold_index": f, "epoch": e + 1, "value": v}
        for f, curve in enumerate(curves)
        for e, v in enumerate(curve.get(key, []))
        if np.isfinite(v)
    ]
    return pd.DataFrame(rows, columns=["fold", "fold_index", "epoch", "value"])


def spread_rows(groups: Sequence[tuple[str, Sequence[float]]], fold_names: Sequence[str]):
    """The data of ``score_spread``: per group (name, fold scores) its finite scores
    ``group, fold, fold_index, score, jitter`` (spread sideways by fold) and its ``group,
    mean, low, high`` (mean ± population std)."""
    k = len(fold_names)
    scores, summary = [], []
    for group, values in groups:
        arr = np.asarray(values, dtype=float)
        for f, score in enumerate(arr):
            if np.isfinite(score):
                jitter = (f - (k - 1) / 2) / max(k, 2)
                scores.append((group, fold_names[f], f, float(score), jitter))
        ok = arr[np.isfinite(arr)]
        if len(ok):
            mean, std = float(ok.mean()), float(ok.std())
            summary.append((group, mean, mean - std, mean + std))
    return (
        pd.DataFrame(scores, columns=["group", "fold", "fold_index", "score", "jitter"]),
        pd.DataFrame(summary, columns=["group", "mean", "low", "high"]),
    )


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
    pale underneath (e.g. the same run without early stopping). The axes' domains are the
    data's, fixed here: a layer drawn over these (the player's frame marker) is empty on
    some frames, and a domain Vega takes from an empty layer is infinite (it warns)."""
    colour, shape = series_encodings(series, legend_title)
    shown = pd.concat([frame, faint]) if faint is not None else frame
    if y_domain is None and len(shown):
        y_domain = (float(shown["value"].min()), float(shown["value"].max()))
    scale = alt.Scale(zero=False) if y_domain is None else alt.Scale(domain=list(y_domain))
    epochs = alt.Scale(domain=[int(shown["epoch"].min()), int(shown["epoch"].max())], nice=False)
    x = alt.X("epoch:Q", title=x_title, scale=epochs if len(shown) else alt.Undefined)
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
    return layering.layer(*layers).properties(height=height)


def markers(frame: pd.DataFrame, x_field: str = "epoch") -> alt.LayerChart:
    """Dashed vertical rules ``x_field, label, row``: labels are stacked by ``row`` (0 at
    the top) so two close markers do not write over each other."""
    base = alt.Chart(frame).encode(x=f"{x_field}:Q")
    rule = base.mark_rule(strokeDash=[5, 4], color=MARK_COLOUR, strokeWidth=1.5)
    text = base.mark_text(
        align="left", dx=4, baseline="top", fontSize=11, color=MARK_COLOUR, fontWeight="bold"
    ).encode(y=alt.Y("pixel:Q", scale=None, axis=None), text="label:N")
    data = frame.assign(pixel=4 + 15 * frame["row"])
    return layering.layer(rule, text.properties(data=data))


def window(frame: pd.DataFrame, colour: str = "#E69F00") -> alt.Chart:
    """Shaded epoch ranges ``start, end, label`` (the patience window), labelled in the
    tooltip; the caller names the window in text too (colour is never the only cue)."""
    return (
        alt.Chart(frame)
        .mark_rect(opacity=0.18, color=colour)
        .encode(x="start:Q", x2="end:Q", tooltip=["label:N"])
    )


def stopping_chart(
    run_rows: pd.DataFrame,
    full_rows: pd.DataFrame,
    frames: Frames,
    series: Sequence[str],
    titles: tuple[str, str, str],
    best: int | None,
    stop: int | None,
    labels: dict[str, str],
    height: int = 240,
) -> alt.LayerChart:
    """The early-stopped run's curves (``run_rows``: ``series, epoch, value``) over the
    faint rest of the full run (``full_rows`` after the early-stopped run's last epoch), the
    patience window from ``best`` to ``stop``, their markers, and a rule and dots at the
    player's epoch riding on the full run (the same numbers as the early-stopped run up to
    its stop). ``titles``: (x axis, y axis, legend); ``labels``: the texts of the
    ``window``, the ``best`` and the ``stop`` marker."""
    x_title, y_title, legend_title = titles
    layers = []
    if best is not None and stop is not None:
        layers.append(
            window(pd.DataFrame([{"start": best, "end": stop, "label": labels["window"]}]))
        )
    trained = int(run_rows["epoch"].max()) if len(run_rows) else 0  # the last epoch it ran
    faint = full_rows[full_rows["epoch"] >= trained]
    lines = curves(run_rows, series, x_title, y_title, legend_title, faint=faint, height=height)
    marker = training_frames.frame_marker(full_rows, frames, series, legend_title)
    layers.append(layering.layer(lines, *marker).properties(height=height))
    marks = [
        {"epoch": epoch, "label": labels[name], "row": row}
        for row, (name, epoch) in enumerate((("best", best), ("stop", stop)))
        if epoch is not None
    ]
    if marks:
        layers.append(markers(pd.DataFrame(marks)))
    return frames.bind(layout.fit_width(layering.layer(*layers)))


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
        scale=alt.Scale(domain=list(folds), range=fold_colours(len(folds))),
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
        scale=alt.Scale(domain=list(folds), range=fold_colours(len(folds))),
        title=legend_title,
        legend=alt.Legend(orient="bottom", columns=min(len(folds), 5)),
    )
    dash = alt.StrokeDash(
        "fold:N",
        scale=alt.Scale(domain=list(folds), range=fold_dashes(len(folds))),
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
            strokeDash=dash,
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
            color=colour,  # the points' legend: one legend, no "legend=None" beside it
        )
    )
    mean = (
        alt.Chart(summary)
        .mark_tick(thickness=3, size=52)
        .encode(
            x=x,
            y="mean:Q",
            color=colour,  # the points' legend: one legend, no "legend=None" beside it
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
    return layering.layer(*layers).properties(height=height)


__all__ = ["SHAPES", "curves", "fold_curves", "fold_points", "markers", "score_spread", "window"]
