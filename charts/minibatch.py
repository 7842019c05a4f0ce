"""Charts of the batch / mini-batch / SGD lesson (A9): every frame of the three runs as
tables the browser plays (sent once), the (w, b) surface with the three paths, the data with
the batch in use and the fitted lines, the loss with a marker at the frame, and the frame's
numbers as chart text. No Streamlit here; titles come from the page's translator ``t``.

The player's unit is the mini-batch: frame ``f`` is the moment ``f`` mini-batches have been
answered (``Comparison.clock[f]`` questions), and every chart filters its rows on that frame
(``charts.frames.Frames``), so the path on the surface, the batch highlighted in the data
and the marker on the loss curve always show the same moment.

The surface here is built from data (``sim.line_fit.LineFitLoss``), not a named
``sim.surfaces`` surface, so its picture and chart are made here.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass

import altair as alt
import numpy as np
import pandas as pd

from charts import descent_frames, layering, layout, optimizer_paths, palette, surface_charts
from charts.frames import Frames
from lessons.minibatch import RUNS
from sim import line_fit

CHART_SIZE = (320, 320)  # the (w, b) window is square: equal units on both axes
DATA_SIZE = (320, 260)
LOSS_HEIGHT = 200
PIXEL = 1.0  # a path point closer than this many pixels to the last one kept is dropped
LEVELS = 8  # contour bands of the picture (fewer: a lighter picture under the paths)
GREY = "#A9B1BA"
CLICK_CELLS = 16  # click targets per side (0.5 apart in w and b)
RUN_DASHES = ([1, 0], [6, 3], [2, 2])  # batch GD solid, mini-batch dashed, SGD dotted


def surface_picture(problem: line_fit.LineFitLoss) -> str:
    """The full-data loss over (w, b) as an image data URL. Heights are drawn as
    ``sqrt(L - L_min)``: for this quadratic bowl the bands are then evenly spaced ellipses
    and the picture stays light enough for the paths to stand out."""
    Z = problem.grid(CHART_SIZE)
    heights = np.sqrt(np.maximum(Z - Z.min(), 0.0))
    return surface_charts.surface_url(Z=heights, size=CHART_SIZE, levels=LEVELS)


# --- the tables the browser plays -----------------------------------------------------------


@dataclass(frozen=True)
class FrameTables:
    """Every frame of a comparison as tables (``run`` is ``"full"``, ``"mini"`` or ``"sgd"``;
    ``frame`` is the player's frame, 0 .. ``Comparison.frames - 1``):

    - ``paths``: ``run, step, frame, x, y``, each finite path thinned to one point per pixel;
      ``frame`` is the first frame at which the run has made ``step`` updates;
    - ``balls``: ``run, frame, update, x, y, loss, epoch`` per frame and run: the updates
      made by then (``updates_made``), the point ``(w, b) = (x, y)`` (held at the last
      finite point after a divergence), its full-data loss, and where the loss marker sits
      (the data answered, held at the run's last finite update);
    - ``losses``: ``run, step, epoch, loss``: each finite run's full-data loss after each
      update, against the epochs of data answered before it (``offsets[step] / n``);
    - ``batches``: ``frame, sample, x, y, role``: the questions of the mini-batch that made
      update ``frame`` (``role`` ``"batch"``) and the question SGD answered last
      (``"sgd"``), while each run is still making updates;
    - ``clock``: ``frame, seen, epoch, question, answered, full, mini, sgd``: questions
      answered, the epoch under way (from 1) and the question within it, the epochs of data
      answered, and each run's updates made (``updates_made``);
    - ``diverged_from``: run -> the first frame at which it has diverged.
    """

    paths: pd.DataFrame
    balls: pd.DataFrame
    losses: pd.DataFrame
    batches: pd.DataFrame
    clock: pd.DataFrame
    diverged_from: dict[str, int]


def updates_made(comp: line_fit.Comparison, name: str) -> np.ndarray:
    """Updates run ``name`` has made at each frame: the clock's count, but a run that
    diverged stops counting at the update that diverged (it makes no more)."""
    updates = comp.updates[name].astype(np.int32)
    diverged = comp.runs[name].diverged_at
    return updates if diverged is None else np.minimum(updates, diverged)


def first_frames(comp: line_fit.Comparison, name: str) -> np.ndarray:
    """``out[k]``: the first frame at which run ``name`` has made ``k`` updates (``updates``
    never decreases along the clock)."""
    steps = np.arange(comp.runs[name].steps + 1)
    return np.searchsorted(comp.updates[name], steps, side="left").astype(np.int32)


def clock_rows(comp: line_fit.Comparison) -> pd.DataFrame:
    """``frame, seen, epoch, question, answered, full, mini, sgd``. The epoch is the one
    under way, counted from 1 (at the end of an epoch, the one just finished): ``epoch =
    max(1, ceil(seen / n))``, ``question = seen - (epoch - 1) n``; ``answered = seen / n``
    is the epochs of data answered (the loss chart's x)."""
    n = comp.problem.n
    seen = comp.clock.astype(np.int32)
    epoch = np.maximum(1, -(-seen // n))
    out = pd.DataFrame(
        {
            "frame": np.arange(comp.frames, dtype=np.int32),
            "seen": seen,
            "epoch": epoch,
            "question": seen - (epoch - 1) * n,
            "answered": (seen / n).astype(np.float32),
        }
    )
    for name in RUNS:
        out[name] = updates_made(comp, name)
    return out


def path_rows(comp: line_fit.Comparison) -> pd.DataFrame:
    parts = []
    for name, run in comp.runs.items():
        xy = run.xy[: run.last_finite + 1]
        keep = surface_charts.thin_path(xy, comp.problem.bounds, CHART_SIZE, PIXEL)
        parts.append(
            pd.DataFrame(
                {
                    "run": name,
                    "step": keep.astype(np.int32),
                    "frame": first_frames(comp, name)[keep],
                    # drawn only: single precision is far finer than a pixel
                    "x": xy[keep, 0].astype(np.float32),
                    "y": xy[keep, 1].astype(np.float32),
                }
            )
        )
    return pd.concat(parts, ignore_index=True)


def ball_rows(comp: line_fit.Comparison) -> pd.DataFrame:
    n = comp.problem.n
    parts = []
    for name, run in comp.runs.items():
        updates = comp.updates[name].astype(np.int64)
        held = np.minimum(updates, run.last_finite)
        # the marker follows the data answered while the run moves, then stays at its end
        answered = np.where(updates > run.last_finite, run.offsets[run.last_finite], comp.clock)
        parts.append(
            pd.DataFrame(
                {
                    "run": name,
                    "frame": np.arange(comp.frames, dtype=np.int32),
                    "update": updates_made(comp, name),
                    "x": run.xy[held, 0],
                    "y": run.xy[held, 1],
                    "loss": run.loss[held],
                    "epoch": (answered / n).astype(np.float32),
                }
            )
        )
    return pd.concat(parts, ignore_index=True)


def loss_rows(comp: line_fit.Comparison) -> pd.DataFrame:
    n = comp.problem.n
    parts = []
    for name, run in comp.runs.items():
        end = run.last_finite + 1
        parts.append(
            pd.DataFrame(
                {
                    "run": name,
                    "step": np.arange(end, dtype=np.int32),
                    # drawn only (the marker's tooltip holds the exact loss)
                    "epoch": (run.offsets[:end] / n).astype(np.float32),
                    "loss": run.loss[:end].astype(np.float32),
                }
            )
        )
    return pd.concat(parts, ignore_index=True)


def batch_rows(comp: line_fit.Comparison) -> pd.DataFrame:
    """The mini-batch of update ``f`` at frame ``f`` (frame 0 has none), and SGD's latest
    question; a run that diverged shows up to the frame at which it diverged, with the
    batch (question) of the update that diverged last."""
    problem = comp.problem
    mini, sgd = comp.runs["mini"], comp.runs["sgd"]
    parts = []
    made = mini.steps if mini.diverged_at is None else mini.diverged_at
    for frame in range(1, made + 1):
        samples = mini.batch(frame - 1)
        parts.append((np.full(len(samples), frame), samples, "batch"))
    sgd_made = sgd.steps if sgd.diverged_at is None else sgd.diverged_at
    sgd_end = np.searchsorted(comp.updates["sgd"], sgd_made)  # the frame it stops making updates
    latest = comp.updates["sgd"].astype(np.int64) - 1  # SGD's latest update (0-based)
    frames = np.flatnonzero((latest >= 0) & (np.arange(comp.frames) <= sgd_end))
    if frames.size:
        questions = sgd.batch_index[sgd.offsets[np.minimum(latest[frames], sgd_made - 1)]]
        parts.append((frames, questions, "sgd"))
    if not parts:
        return pd.DataFrame(
            {
                "frame": np.zeros(0, np.int32),
                "sample": np.zeros(0, np.int16),
                "x": np.zeros(0, np.float32),
                "y": np.zeros(0, np.float32),
                "role": pd.Series([], dtype=str),
            }
        )
    frame = np.concatenate([p[0] for p in parts]).astype(np.int32)
    sample = np.concatenate([p[1] for p in parts]).astype(np.int16)
    role = np.concatenate([np.full(len(p[0]), p[2]) for p in parts])
    # x and y are drawn only: single precision
    return pd.DataFrame(
        {
            "frame": frame,
            "sample": sample,
            "x": problem.x[sample].astype(np.float32),
            "y": problem.y[sample].astype(np.float32),
        }
    ).assign(role=role)


def frame_tables(comp: line_fit.Comparison) -> FrameTables:
    """Every frame of ``comp`` as ``FrameTables``."""
    diverged = {
        name: int(np.searchsorted(comp.updates[name], run.diverged_at, side="left"))
        for name, run in comp.runs.items()
        if run.diverged_at is not None
    }
    return FrameTables(
        paths=path_rows(comp),
        balls=ball_rows(comp),
        losses=loss_rows(comp),
        batches=batch_rows(comp),
        clock=clock_rows(comp),
        diverged_from=diverged,
    )


def with_series(frame: pd.DataFrame, labels: dict, columns) -> pd.DataFrame:
    """The ``columns`` of ``frame`` a chart needs, with ``series``: each run's label in the
    page's language, as a dictionary column (each label is sent once, not once a row)."""
    out = frame[list(columns)].copy()
    series = pd.Categorical(frame["run"].map(labels), categories=list(labels.values()))
    out.insert(0, "series", series)
    return out


# --- charts -----------------------------------------------------------------------------------


def surface_chart(
    t: Callable[..., str],
    comp: line_fit.Comparison,
    picture: str,
    tables: FrameTables,
    labels: dict,
    frames: Frames,
) -> alt.LayerChart:
    """The full-data loss over (w, b), the least-squares minimum, the three paths up to the
    frame and each run's ball at the frame; an invisible click grid (placing the start) on
    top."""
    problem = comp.problem
    xs, ys = surface_charts.scales(problem.bounds)
    colour, shape = palette.series_encodings(list(labels.values()), t("minibatch.legend_runs"))

    def base(frame: pd.DataFrame) -> alt.Chart:
        return alt.Chart(frame).encode(
            x=alt.X("x:Q", scale=xs), y=alt.Y("y:Q", scale=ys), color=colour
        )

    paths = with_series(tables.paths, labels, ("step", "frame", "x", "y"))
    shown = base(paths).transform_filter(frames.upto("frame"))
    line = shown.mark_line(strokeWidth=2, clip=True).encode(order="step:Q", detail="series:N")
    dots = shown.mark_point(size=14, filled=True, opacity=0.8, clip=True, aria=False).encode(
        shape=shape
    )
    ball = (
        base(with_series(tables.balls, labels, ("frame", "update", "x", "y", "loss")))
        .transform_filter(frames.at("frame"))
        .mark_point(size=180, filled=True, stroke="white", strokeWidth=1.5, opacity=1, clip=True)
        .encode(
            shape=shape,
            tooltip=[
                alt.Tooltip("series:N", title=t("minibatch.legend_runs")),
                alt.Tooltip("update:Q", title=t("minibatch.tip_updates")),
                alt.Tooltip("x:Q", format=".4g", title="w"),
                alt.Tooltip("y:Q", format=".4g", title="b"),
                alt.Tooltip("loss:Q", format=".4g", title=t("minibatch.loss_axis")),
            ],
        )
    )
    grid, _ = surface_charts.click_grid(problem.bounds, cells=CLICK_CELLS, size=CHART_SIZE)
    layers = [
        surface_charts.minima_layer(problem, {"global": t("minibatch.best_line")}),
        layering.layer(line, dots, ball),
        grid,
    ]
    chart = surface_charts.surface_view(
        picture, problem.bounds, layers, CHART_SIZE, t("minibatch.w_axis"), t("minibatch.b_axis")
    )
    return frames.bind(layout.on_canvas(chart))


def data_domain(comp: line_fit.Comparison) -> tuple[tuple[float, float], tuple[float, float]]:
    """Fixed axes of the data chart: x of the data set, y of the answers with a margin."""
    x, y = comp.problem.x, comp.problem.y
    lo, hi = float(min(x.min(), -2.0)), float(max(x.max(), 2.0))
    y_lo, y_hi = float(y.min()), float(y.max())
    pad = 0.05 * (y_hi - y_lo) + 0.3
    return (round(lo - 0.1, 2), round(hi + 0.1, 2)), (
        float(np.floor(y_lo - pad)),
        float(np.ceil(y_hi + pad)),
    )


def data_chart(
    t: Callable[..., str],
    comp: line_fit.Comparison,
    tables: FrameTables,
    labels: dict,
    frames: Frames,
) -> alt.LayerChart:
    """The questions (x) and answers (y): at each frame the mini-batch that made the
    frame's update highlighted, the question SGD answered last ringed, and each run's line
    ``w x + b`` where that run is at the frame (the dashed line: the least-squares best)."""
    problem = comp.problem
    (x_lo, x_hi), (y_lo, y_hi) = data_domain(comp)
    xs = alt.Scale(domain=[x_lo, x_hi], nice=False, zero=False)
    ys = alt.Scale(domain=[y_lo, y_hi], nice=False, zero=False)
    roles = {
        "other": t("minibatch.role_other"),
        "batch": t("minibatch.role_batch"),
        "sgd": t("minibatch.role_sgd"),
    }
    role_scale = alt.Scale(
        domain=list(roles.values()), range=[GREY, palette.OKABE_ITO[1], palette.OKABE_ITO[2]]
    )
    x_enc = alt.X("x:Q", scale=xs, title=t("minibatch.x_axis"))
    y_enc = alt.Y("y:Q", scale=ys, title=t("minibatch.y_axis"))
    points = pd.DataFrame(
        {
            "x": problem.x.astype(np.float32),
            "y": problem.y.astype(np.float32),
            "role": pd.Categorical([roles["other"]] * problem.n, categories=list(roles.values())),
        }
    )
    dots = (
        alt.Chart(points)
        .mark_circle(size=22, opacity=0.9)
        .encode(
            x=x_enc,
            y=y_enc,
            # the legend names all three roles; the layers below use its colours
            color=alt.Color(
                "role:N",
                scale=role_scale,
                legend=alt.Legend(orient="bottom", title=None, columns=1),
            ),
        )
    )
    used = tables.batches[["frame", "x", "y"]].assign(
        role=pd.Categorical(tables.batches["role"], categories=["batch", "sgd"])
    )
    in_use = alt.Chart(used).transform_filter(frames.at("frame")).encode(x=x_enc, y=y_enc)
    batch = in_use.transform_filter(alt.datum.role == "batch").mark_circle(
        size=80, opacity=1, color=palette.OKABE_ITO[1]
    )
    ring = in_use.transform_filter(alt.datum.role == "sgd").mark_point(
        size=200, strokeWidth=2.5, filled=False, opacity=1, color=palette.OKABE_ITO[2]
    )
    w_star, b_star = problem.minimum
    ends = pd.DataFrame({"x": [x_lo, x_hi], "y": [w_star * x_lo + b_star, w_star * x_hi + b_star]})
    best = (
        alt.Chart(ends)
        .mark_line(strokeWidth=1.5, strokeDash=[5, 4], color="#333333", clip=True)
        .encode(x=x_enc, y=y_enc)
    )
    # each run's line from where it is at the frame: one rule per run, from x_lo to x_hi
    fitted = (
        alt.Chart(with_series(tables.balls, labels, ("frame", "x", "y")))
        .transform_filter(frames.at("frame"))
        .transform_calculate(
            x_lo=f"{x_lo}",
            x_hi=f"{x_hi}",
            y_lo=f"datum.x * {x_lo} + datum.y",
            y_hi=f"datum.x * {x_hi} + datum.y",
        )
        .mark_rule(strokeWidth=2.5, clip=True)
        .encode(
            x=alt.X("x_lo:Q", scale=xs),
            x2="x_hi:Q",
            y=alt.Y("y_lo:Q", scale=ys),
            y2="y_hi:Q",
            color=palette.series_encodings(list(labels.values()), "", legend=False)[0],
            # each run's dash, as on the loss chart (its legend names them)
            strokeDash=alt.StrokeDash(
                "series:N",
                scale=alt.Scale(domain=list(labels.values()), range=list(RUN_DASHES)),
                legend=None,
            ),
        )
    )
    chart = (
        layering.layer(dots, batch, best, fitted, ring)
        # "pad": the plot itself is DATA_SIZE and the legend adds below it
        .properties(
            width=DATA_SIZE[0], height=DATA_SIZE[1], autosize=alt.AutoSizeParams(type="pad")
        )
        .resolve_scale(color="independent")
    )
    return frames.bind(layout.on_canvas(chart))


def run_looks(labels: dict) -> tuple[alt.Color, alt.StrokeDash, dict[str, str]]:
    """Each run's colour (``palette.series_encodings``, as on the surface) and dash with a
    legend of line samples (``optimizer_paths.series_legend``), and its marker shape by
    label (the surface's)."""
    series = list(labels.values())
    legend = optimizer_paths.series_legend(len(series), lines=True)
    colour, _ = palette.series_encodings(series, None, legend=False)
    dash = alt.StrokeDash(
        "series:N",
        scale=alt.Scale(domain=series, range=list(RUN_DASHES[: len(series)])),
        title=None,
        legend=legend,
    )
    return colour.legend(legend), dash, dict(zip(series, palette.SHAPES, strict=False))


def loss_chart(
    t: Callable[..., str], tables: FrameTables, labels: dict, frames: Frames, epochs: int
) -> alt.LayerChart:
    """Each run's full-data loss (log scale) against the epochs of data answered, as steps
    (a run's loss changes only when it updates), with a rule at the data answered by the
    frame and each run's marker where it is then; a legend of the runs' lines below.

    The scales are fixed (the epochs, the losses' range), so a new frame moves the rule and
    the markers only; ``optimizer_paths.EDGE`` pixels inside the plot, so a marker at the
    end or the lowest loss is whole."""
    colour, dash, shapes = run_looks(labels)
    edge = optimizer_paths.EDGE
    x_scale = alt.Scale(domain=[0, max(int(epochs), 1)], nice=False, padding=edge)
    x_enc = alt.X(
        "epoch:Q",
        scale=x_scale,
        axis=optimizer_paths.step_axis(t("minibatch.epoch_axis")),
    )
    losses = with_series(tables.losses, labels, ("epoch", "loss"))
    positive = losses.loc[losses["loss"] > 0, "loss"]
    domain = [float(positive.min()), float(positive.max())] if len(positive) else [0.1, 1.0]
    y_enc = alt.Y(
        "loss:Q",
        scale=alt.Scale(type="log", domain=domain, padding=edge),
        axis=optimizer_paths.value_axis(t("minibatch.loss_axis"), log_y=True),
    )
    lines = (
        alt.Chart(losses[losses["loss"] > 0])
        .mark_line(strokeWidth=2, interpolate="step-after", clip=True)
        .encode(x=x_enc, y=y_enc, color=colour, strokeDash=dash, detail="series:N")
    )
    rule = (
        alt.Chart(tables.clock[["frame", "answered"]])
        .transform_filter(frames.at("frame"))
        .mark_rule(color="#888888", strokeDash=[4, 3])
        .encode(x=alt.X("answered:Q", scale=x_scale))
    )
    balls = with_series(tables.balls, labels, ("frame", "update", "epoch", "loss"))
    balls = balls[balls["loss"] > 0]
    marker = (
        # the marker's shape is its ball's, named in the rows (no scale): a shape scale of
        # the series went into the legend, over its line samples
        alt.Chart(balls.assign(marker=balls["series"].map(shapes).astype("category")))
        .transform_filter(frames.at("frame"))
        .mark_point(size=120, filled=True, stroke="white", strokeWidth=1.5, opacity=1, clip=True)
        .encode(
            x=x_enc,
            y=y_enc,
            color=colour,
            shape=alt.Shape("marker:N", scale=None),
            tooltip=[
                alt.Tooltip("series:N", title=t("minibatch.legend_runs")),
                alt.Tooltip("update:Q", title=t("minibatch.tip_updates")),
                alt.Tooltip("loss:Q", format=".4g", title=t("minibatch.loss_axis")),
            ],
        )
    )
    chart = layering.layer(lines, rule, marker).properties(height=LOSS_HEIGHT)
    return frames.bind(layout.on_canvas(layout.fit_width(chart)))


def readout(
    t: Callable[..., str],
    comp: line_fit.Comparison,
    tables: FrameTables,
    labels: dict,
    frames: Frames,
) -> alt.Chart:
    """The frame's numbers as chart text: questions answered, the epoch and question under
    way, each run's updates; a line for each run once it has diverged."""
    n = comp.problem.n
    expression = descent_frames.text_expr(
        t("minibatch.frame_readout"),
        {
            "seen": "datum.seen",
            "total": str(int(comp.clock[-1])),
            "epoch": "datum.epoch",
            "epochs": str(int(comp.epochs)),
            "q": "datum.question",
            "n": str(int(n)),
            "full": "datum.full",
            "mini": "datum.mini",
            "sgd": "datum.sgd",
        },
    )
    lines = t("minibatch.frame_readout").count("\n") + 1
    for name, frame in tables.diverged_from.items():
        gone = t("minibatch.frame_diverged", name=labels[name], step=comp.runs[name].diverged_at)
        expression += f" + (datum.frame >= {frame} ? {json.dumps(chr(10) + gone)} : '')"
        lines += 1
    rows = tables.clock.drop(columns="answered")
    return descent_frames.readout(rows, frames, expression, lines, field="frame")
