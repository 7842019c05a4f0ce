"""Training runs as tables the browser plays: one frame per epoch, sent once.

A training lesson's player counts epochs, frame ``e`` being the state after epoch ``e``
(frame 0: before training), so a chart's ``epoch`` column is its frame column and
``Frames.at("epoch")`` picks the frame's rows. The pieces here follow that frame:

- ``boundary_chart``: the decision boundary of the frame's epoch under the data points.
  At most ``caps.MAX_FRAME_PICTURES`` pictures travel with the chart; a frame between two
  pictures shows the latest one before it, and the picture says which epoch it shows.
- ``frame_marker``: a dashed rule at the frame's epoch and a dot on each curve there.
- ``readout``: the frame's numbers as chart text, one catalog sentence per frame,
  formatted in Python (so Korean particles after numbers come out right).
- ``exam_grid_chart`` and ``count_chart``: the fit() lesson's mock exam and its
  wrong-answer count, epoch by epoch.
"""

from __future__ import annotations

import json
import math
import unicodedata
from collections.abc import Callable, Sequence

import altair as alt
import numpy as np
import pandas as pd

from charts import boundary, curves, descent_frames, layering, layout, palette, surface_charts
from charts.frames import Frames
from sim import caps
from sim.training import TrainResult

BOUNDARY_SIZE = (420, 360)
READOUT_COLUMNS = 52  # text columns a readout line may fill (a Hangul syllable counts 2)
MARKER_COLOUR = "#555555"


# --- which boundary picture each frame shows ---------------------------------------------------


def picture_every(epochs: int, cap: int = caps.MAX_FRAME_PICTURES) -> int:
    """``snapshot_every`` for an ``epochs``-epoch run that records at most ``cap`` pictures:
    epoch 0, every k-th epoch and the last, so 2 + ⌊epochs / k⌋ <= cap with
    k = ⌈epochs / (cap - 2)⌉."""
    return max(1, math.ceil(int(epochs) / max(int(cap) - 2, 1)))


def picture_plan(
    snapshot_epochs: Sequence[int],
    n_frames: int,
    cap: int = caps.MAX_FRAME_PICTURES,
    keep: Sequence[int] = (),
) -> pd.DataFrame:
    """Rows ``picture`` (index into the snapshots), ``epoch``, ``shown_from``,
    ``shown_until``: at most ``cap`` snapshots, evenly spaced, first and last kept, and the
    snapshots of the epochs in ``keep`` (e.g. the best epoch) always among them; frame ``f``
    shows the picture with ``shown_from <= f < shown_until`` (the latest at or before it)."""
    count = len(snapshot_epochs)
    if count <= cap:
        index = np.arange(count)
    else:
        wanted = set(int(e) for e in keep)
        forced = [i for i, e in enumerate(snapshot_epochs) if int(e) in wanted][: cap - 2]
        even = np.linspace(0, count - 1, cap - len(forced)).round().astype(int)
        index = np.unique(np.concatenate([even, np.asarray(forced, dtype=int)]))
    epochs = np.asarray(snapshot_epochs, dtype=np.int32)[index]
    until = np.append(epochs[1:], max(int(n_frames), int(epochs[-1]) + 1) if count else [])
    return pd.DataFrame(
        {
            "picture": index.astype(np.int32),
            "epoch": epochs,
            "shown_from": epochs,
            "shown_until": until.astype(np.int32),
        }
    )


def picture_epochs(plan: pd.DataFrame, n_frames: int) -> np.ndarray:
    """The epoch of the picture shown at each frame ``0 .. n_frames - 1``."""
    starts = plan["shown_from"].to_numpy()
    where = np.searchsorted(starts, np.arange(int(n_frames)), side="right") - 1
    return plan["epoch"].to_numpy()[np.clip(where, 0, len(starts) - 1)]


def points_layer(
    t,
    result: TrainResult,
    x: np.ndarray,
    y: np.ndarray,
    n_classes: int,
    split: Sequence[str] | None = None,
    split_names: dict | None = None,
) -> alt.Chart:
    """The data points over a boundary: colour by class, shape by split (``split[i]`` is
    point ``i``'s set, ``split_names`` its name on screen)."""
    class_labels = [t("train.class_name", k=k) for k in range(n_classes)]
    points = pd.DataFrame(
        {"x1": x[:, 0], "x2": x[:, 1], "label": [class_labels[int(k)] for k in y]}
    )
    split_labels: list[str] = []
    if split is not None and split_names:
        points["split"] = [split_names[s] for s in split]
        split_labels = list(dict.fromkeys(split_names.values()))
    return boundary.points_layer(
        points,
        result.grid_bounds,
        class_labels,
        split_labels,
        (t("train.legend_class"), t("train.legend_split")),
    )


def history_chart(
    t: Callable[..., str],
    result: TrainResult,
    metric: str = "loss",
    markers: pd.DataFrame | None = None,
    height: int = 280,
    log_y: bool = False,
    y_domain: tuple[float, float] | None = None,
    frames: Frames | None = None,
) -> alt.LayerChart:
    """Training and validation curves of ``metric`` per epoch (labels in the words of
    ``t``), with optional epoch markers (best / stop) and an optional fixed y range. With
    ``frames`` (a player counting epochs, 0 = before training) a rule and a dot on each
    curve mark the frame's epoch."""
    series, rows = [], []
    for name, label in (
        (metric, t("train.series_train")),
        (f"val_{metric}", t("train.series_val")),
    ):
        if name in result.history:
            series.append(label)
            rows += [
                {"series": label, "epoch": e, "value": v}
                for e, v in zip(result.epochs, result.history[name], strict=False)
            ]
    frame = pd.DataFrame(rows, columns=["series", "epoch", "value"])
    y_title = t(f"train.metric_{metric}")
    chart = curves.loss_chart(
        frame,
        series,
        t("train.epoch_axis"),
        y_title,
        t("train.legend_curve"),
        log_y=log_y,
        x_field="epoch",
        y_field="value",
        height=height,
        y_domain=y_domain,
    )
    if frames is not None:
        shown = frame[frame["value"] > 0] if log_y else frame
        marker = frame_marker(shown, frames, series, t("train.legend_curve"))
        # nested, not spread: the curves' layers may keep their data on the layer above them
        chart = layering.layer(chart, *marker).properties(height=height)
    layers = [chart]
    if markers is not None and len(markers):
        layers.append(curves.epoch_markers(markers))
    out = layering.layer(*layers).resolve_scale(color="independent", shape="independent")
    out = out.properties(height=height)
    return out if frames is None else frames.bind(out)


def boundary_chart(
    t,
    result: TrainResult,
    frames: Frames,
    x: np.ndarray,
    y: np.ndarray,
    n_classes: int,
    split: Sequence[str] | None = None,
    split_names: dict | None = None,
    size: tuple[int, int] = BOUNDARY_SIZE,
    keep: Sequence[int] = (),
    pictures: Callable[..., list[str]] = boundary.boundary_urls,
) -> alt.LayerChart:
    """The decision boundary of the frame's epoch (``picture_plan``, ``keep``: epochs whose
    own picture must be among those sent) under the data points, labelled with the epoch it
    shows, bound to the player. ``pictures`` draws the pictures (``boundary.boundary_urls``;
    a page passes the cached ``ui.pictures.boundary_urls``)."""
    plan = picture_plan(result.snapshot_epochs, frames.count, keep=keep)
    cells = round(np.sqrt(len(result.grid)))
    urls = pictures(
        tuple(result.grid_predictions[int(i)] for i in plan["picture"]), cells, n_classes, size
    )
    rows = plan.assign(
        url=urls,
        label=[
            t("train.picture_start") if e == 0 else t("train.picture_epoch", epoch=int(e))
            for e in plan["epoch"]
        ],
    )
    dots = points_layer(t, result, x, y, n_classes, split, split_names)
    return framed_boundary(rows, dots, result.grid_bounds, frames, size)


def picture_filter(frames: Frames) -> str:
    """Vega filter: the picture covering the frame shown (``shown_from <= f < shown_until``)."""
    return f"datum.shown_from <= {frames.signal} && {frames.signal} < datum.shown_until"


def framed_boundary(
    pictures: pd.DataFrame,
    dots: alt.Chart,
    bounds,
    frames: Frames,
    size: tuple[int, int],
) -> alt.LayerChart:
    """The boundary picture of the frame shown, stretched over ``bounds``, under the data
    points ``dots``, with the picture's ``label`` (which epoch it shows) in the plot's
    top-left corner, 6 px in, on a white halo. ``pictures`` holds ``url, label,
    shown_from, shown_until`` (``picture_filter``). Fixed pixel size and domains, so a
    frame changes only which rows are drawn; the points keep their own colour and shape
    scales."""
    (x0, x1), (y0, y1) = bounds
    xs, ys = surface_charts.scales(bounds)
    placed = pictures.assign(x=x0, x2=x1, y=y1, y2=y0)
    shown = alt.Chart(placed).transform_filter(picture_filter(frames))
    image = shown.mark_image(aspect=False, align="left", baseline="top").encode(
        x=alt.X("x:Q", scale=xs, title="x₁"),
        x2="x2:Q",
        y=alt.Y("y:Q", scale=ys, title="x₂"),
        y2="y2:Q",
        url="url:N",
    )
    # the label in pixels from the plot's corner, whatever the data's range
    text = dict(align="left", baseline="top", fontSize=12, fontWeight="bold", color="#222222")
    corner = dict(text="label:N", x=alt.value(6), y=alt.value(6))
    halo = shown.mark_text(stroke="white", strokeWidth=3, strokeOpacity=0.85, **text)
    label = shown.mark_text(**text)
    chart = layering.LayerChart(
        layer=[image, dots, halo.encode(**corner), label.encode(**corner)],
        # the plot keeps the shape of ``size``, at most ``size``; axes and legend add to it
        **layout.fitted_size(size),
        resolve=alt.Resolve(scale=alt.ScaleResolveMap(color="independent", shape="independent")),
    )
    return frames.bind(chart)


# --- curves and numbers that follow the frame --------------------------------------------------


def frame_marker(
    values: pd.DataFrame,
    frames: Frames,
    series: Sequence[str],
    legend_title: str = "",
    x_field: str = "epoch",
    y_field: str = "value",
) -> list[alt.Chart]:
    """Layers for a curve chart: a dashed rule at the frame's epoch and a dot on each curve
    there (``values``: ``series``, ``x_field``, ``y_field``, the curves' own rows). Put them
    in the curves' layer (they share its scales) and bind the chart to the player."""
    colour, shape = palette.series_encodings(series, legend_title)
    epochs = pd.DataFrame({x_field: np.arange(frames.count, dtype=np.int32)})
    rule = (
        alt.Chart(epochs)
        .transform_filter(frames.at(x_field))
        .mark_rule(color=MARKER_COLOUR, strokeDash=[4, 3], strokeWidth=1.5)
        .encode(x=f"{x_field}:Q")
    )
    dots = (
        alt.Chart(values)
        .transform_filter(frames.at(x_field))
        .mark_point(size=110, filled=True, stroke="white", strokeWidth=1.5, opacity=1)
        .encode(
            x=f"{x_field}:Q",
            y=f"{y_field}:Q",
            color=colour,
            shape=shape,
            tooltip=["series:N", f"{x_field}:Q", alt.Tooltip(f"{y_field}:Q", format=".4g")],
        )
    )
    return [rule, dots]


def text_width(text: str) -> int:
    """Columns ``text`` fills: 2 for a wide (Hangul, CJK) character, 1 for the rest."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def wrap(text: str, columns: int = READOUT_COLUMNS) -> str:
    """``text`` with its words broken into lines of at most ``columns`` (``text_width``);
    its own line breaks are kept. Chart text does not wrap by itself."""
    out = []
    for paragraph in text.split("\n"):
        line = ""
        for word in paragraph.split(" "):
            candidate = f"{line} {word}" if line else word
            if line and text_width(candidate) > columns:
                out.append(line)
                line = word
            else:
                line = candidate
        out.append(line)
    return "\n".join(out)


def readout(lines: Sequence[str], frames: Frames, columns: int = READOUT_COLUMNS) -> alt.Chart:
    """The frame's text (``lines[f]`` at frame ``f``, wrapped to ``columns``) as chart text,
    one sentence set per frame; the chart is as tall as the longest."""
    texts = [wrap(line, columns) for line in lines]
    rows = pd.DataFrame({"epoch": np.arange(len(texts), dtype=np.int32), "line": texts})
    lines_shown = max((text.count("\n") + 1 for text in texts), default=1)
    return descent_frames.readout(rows, frames, "datum.line", lines_shown, field="epoch")


def number(value: float, digits: int = 3) -> str:
    """A loss or accuracy as the readouts print it (fixed decimals)."""
    return f"{value:.{digits}f}"


# --- fit(): the mock exam, epoch by epoch ------------------------------------------------------


def count_chart(
    counts: Sequence[int],
    frames: Frames,
    x_title: str,
    y_title: str,
    n: int,
    colour: str,
    height: int = 200,
) -> alt.LayerChart:
    """A count after each epoch (0 = before training) as a line, with a rule and a dot at
    the frame's epoch."""
    frame = pd.DataFrame(
        {"epoch": np.arange(len(counts), dtype=np.int32), "wrong": np.asarray(counts, int)}
    )
    x = alt.X("epoch:Q", title=x_title, scale=alt.Scale(domain=[0, max(len(counts) - 1, 1)]))
    y = alt.Y("wrong:Q", title=y_title, scale=alt.Scale(domain=[0, max(n, 1)], nice=False))
    base = alt.Chart(frame).encode(x=x, y=y)
    at = base.transform_filter(frames.at("epoch"))
    layers = [
        base.mark_line(color=colour, strokeWidth=2).encode(tooltip=["epoch:Q", "wrong:Q"]),
        at.mark_rule(color=MARKER_COLOUR, strokeDash=[4, 3]).encode(
            y=alt.value(0), y2=alt.value(height)
        ),
        at.mark_point(filled=True, size=110, color="#000000", opacity=1).encode(
            tooltip=["epoch:Q", "wrong:Q"]
        ),
    ]
    return frames.bind(layout.fit_width(layering.layer(*layers).properties(height=height)))


def exam_grid_chart(
    grids: pd.DataFrame,
    frames: Frames,
    n_batches: int,
    batch_title: str,
    wrong_label: str,
    question_title: str,
    label_cells: bool = True,
    wrong_colour: str = "#D55E00",
) -> alt.LayerChart:
    """The mock exam of the frame's epoch: ``grids`` holds ``epoch, question, batch, wrong``
    (``lessons.batches.exam_grid`` of every epoch); questions coloured by the batch they
    were answered in that round, wrong answers framed. A question's cell (10 columns up to
    100 questions, else 20, as ``exam_grid`` lays them out) is computed in the browser, so
    the table carries only what changes. Scales are fixed by ``n_batches`` and the grid
    size, so every frame keeps one shape."""
    shown = int(grids["question"].max()) if len(grids) else 100
    cols = 10 if shown <= 100 else 20
    rows = max(math.ceil(shown / cols), 1)
    cell = 34 if cols <= 10 else 17
    x = alt.X("col:O", axis=None, scale=alt.Scale(domain=list(range(cols))))
    y = alt.Y("row:O", axis=None, scale=alt.Scale(domain=list(range(rows))))
    top = max(int(n_batches), 2)
    colour = alt.Color(
        "batch:Q",
        title=batch_title,
        scale=alt.Scale(scheme="viridis", domain=[1, top]),
        legend=alt.Legend(
            orient="bottom", gradientLength=160, tickCount=min(int(n_batches), 5), format="d"
        ),
    )
    tooltip = [
        alt.Tooltip("question:Q", title=question_title),
        alt.Tooltip("batch:Q", title=batch_title),
    ]

    def cells(table: pd.DataFrame) -> alt.Chart:
        return (
            alt.Chart(table)
            .transform_filter(frames.at("epoch"))
            .transform_calculate(
                row=f"floor((datum.question - 1) / {cols})", col=f"(datum.question - 1) % {cols}"
            )
            .encode(x=x, y=y)
        )

    base = cells(grids[["epoch", "question", "batch"]])
    layers = [base.mark_rect(stroke="white", strokeWidth=1).encode(color=colour, tooltip=tooltip)]
    if label_cells:
        layers.append(
            base.mark_text(fontSize=9).encode(
                text="batch:Q",
                color=alt.condition(
                    f"datum.batch > {0.6 * top}", alt.value("#222222"), alt.value("white")
                ),
            )
        )
    # the wrong answers only: a second table as small as the marks it draws
    wrong = grids.loc[grids["wrong"] > 0, ["epoch", "question", "batch"]]
    layers.append(
        cells(wrong)
        .transform_calculate(mark=json.dumps(wrong_label))
        .mark_point(
            shape="square",
            filled=False,
            size=(cell - 6) ** 2,
            color=wrong_colour,
            opacity=1,
            strokeWidth=3,
        )
        .encode(
            shape=alt.Shape(
                "mark:N",
                scale=alt.Scale(domain=[wrong_label], range=["square"]),
                legend=alt.Legend(orient="bottom", title=None),
            ),
            tooltip=tooltip,
        )
    )
    chart = layering.layer(*layers).properties(width=cols * cell, height=rows * cell)
    return frames.bind(chart)
