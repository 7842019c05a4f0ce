"""Streamlit pieces of the batch / mini-batch / SGD lesson (A9): the cached data, picture and
runs, the (w, b) surface chart with the three paths, the data chart with the current batch
and the fitted lines, and the CSV download.

The surface here is built from data (``sim.line_fit.LineFitLoss``), not a named
``sim.surfaces`` surface, so its picture and chart are made here; the start sliders and the
click that places the start are ``ui.descent_view``'s, under the keys ``w0``/``b0``.
"""

from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd
import streamlit as st

from sim import caps, charts, line_fit
from sim.datasets import make_dataset
from ui import descent_view as dv
from ui.download import csv_button
from ui.page import Page
from ui.player import is_playing

CHART_SIZE = (320, 320)  # the (w, b) window is square: equal units on both axes
DATA_SIZE = (320, 260)
PIXEL = 1.0  # a path point closer than this many pixels to the last one kept is dropped
# per-frame size: a path keeps its last RECENT points in full and, before them, every k-th
# point so that at most about SERIES_POINTS are sent per run (SGD makes up to 1000 updates)
SERIES_POINTS = 280
RECENT = 100
LEVELS = 8  # contour bands of the picture (fewer: a smaller PNG in every frame)
RUNS = ("full", "mini", "sgd")
GREY = "#A9B1BA"
CLICK_CELLS = 16  # click targets per side (0.5 apart in w and b)
START_KEYS = ("w0", "b0")


@st.cache_data(max_entries=caps.CACHE_ENTRIES, show_spinner=False)
def cached_data(n: int, noise: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """The ``line`` data set: ``n`` questions (x) with their answers (y)."""
    return make_dataset("line", int(n), noise=float(noise), seed=int(seed))


@st.cache_data(max_entries=caps.CACHE_ENTRIES, show_spinner=False)
def surface_picture(n: int, noise: float, seed: int) -> str:
    """The full-data loss over (w, b) as an image data URL, made once per data set. Heights are
    drawn as ``sqrt(L - L_min)``: for this quadratic bowl the bands are then evenly spaced
    ellipses and the picture stays light enough for the paths to stand out."""
    problem = line_fit.LineFitLoss(*cached_data(n, noise, seed))
    Z = problem.grid(CHART_SIZE)
    heights = np.sqrt(np.maximum(Z - Z.min(), 0.0))
    return charts.surface_url(Z=heights, size=CHART_SIZE, levels=LEVELS)


@st.cache_data(max_entries=caps.CACHE_ENTRIES, show_spinner=False)
def cached_comparison(
    n: int, noise: float, seed: int, mini: int, epochs: int, lr: float, start: tuple
) -> line_fit.Comparison:
    x, y = cached_data(n, noise, seed)
    return line_fit.compare_batches(x, y, mini, epochs, lr, start, seed=seed)


@st.cache_data(max_entries=caps.CACHE_ENTRIES, show_spinner=False)
def path_table(
    n: int, noise: float, seed: int, mini: int, epochs: int, lr: float, start: tuple
) -> pd.DataFrame:
    """Rows ``run, step, x, y, old`` of the three paths, thinned to what shows on screen (a
    point within a pixel of the previous one is dropped) and rounded: sliced per frame.
    ``old`` marks the points still drawn once they are more than ``RECENT`` updates behind
    the ball (every k-th, fixed by the step number, so the picture does not flicker)."""
    comp = cached_comparison(n, noise, seed, mini, epochs, lr, start)
    parts = []
    for name, run in comp.runs.items():
        xy = run.xy[: run.last_finite + 1]
        keep = charts.thin_path(xy, comp.problem.bounds, CHART_SIZE, PIXEL)
        stride = max(1, -(-(len(keep) - RECENT) // max(SERIES_POINTS - RECENT, 1)))
        parts.append(
            pd.DataFrame(
                {
                    "run": name,
                    "step": keep.astype(np.int16),
                    "x": xy[keep, 0].round(4).astype(np.float32),
                    "y": xy[keep, 1].round(4).astype(np.float32),
                    "old": (np.arange(len(keep)) % stride == 0) | (keep == 0),
                }
            )
        )
    return pd.concat(parts, ignore_index=True)


def start_controls(page: Page, problem: line_fit.LineFitLoss, container=None):
    """The start (w0, b0), bound to ``?w0=&b0=``; clicking the surface also sets it."""
    t = page.t
    labels = (t("minibatch.start_w"), t("minibatch.start_b"))
    return dv.start_sliders(
        page, problem.bounds, problem.default_start, START_KEYS, labels, container
    )


def paths_at(table: pd.DataFrame, comp: line_fit.Comparison, labels: dict, frame: int):
    """Rows ``series, step, x, y`` of each run up to where it is at ``frame``, ending with
    its exact current point (the ball)."""
    parts = []
    for name, label in labels.items():
        done = int(comp.updates[name][frame])
        rows = table[
            (table["run"] == name)
            & (table["step"] <= done)
            & (table["old"] | (table["step"] > done - RECENT))
        ]
        w, b = comp.point(name, frame)
        ball = pd.DataFrame(
            {"run": [name], "step": [np.int16(done)], "x": [np.float32(w)], "y": [np.float32(b)]}
        )
        part = pd.concat([rows.drop(columns="old"), ball], ignore_index=True)
        part = part.drop_duplicates("step", keep="last")
        part["series"] = label
        parts.append(part.drop(columns="run"))
    out = pd.concat(parts, ignore_index=True)
    # small per-frame message: series as a dictionary column, steps as int32
    out["series"] = pd.Categorical(out["series"], categories=list(labels.values()))
    out["step"] = out["step"].astype(np.int16)
    return out


def surface_chart(
    page: Page,
    comp: line_fit.Comparison,
    picture: str,
    table: pd.DataFrame,
    labels: dict,
    frame: int,
    player_key: str,
) -> alt.LayerChart:
    """The full-data loss over (w, b), the least-squares minimum and the three paths up to
    ``frame``; the invisible click grid (placing the start) while not playing."""
    t = page.t
    problem = comp.problem
    paths = charts.path_layers(
        paths_at(table, comp, labels, frame),
        problem.bounds,
        list(labels.values()),
        t("minibatch.legend_runs"),
    )
    layers = [
        charts.minima_layer(problem, {"global": t("minibatch.best_line")}),
        _stacked_legend(paths, list(labels.values()), t("minibatch.legend_runs")),
    ]
    if not is_playing(player_key):
        grid, _ = charts.click_grid(problem.bounds, cells=CLICK_CELLS, size=CHART_SIZE)
        layers.append(grid)
    return charts.surface_view(
        picture, problem.bounds, layers, CHART_SIZE, t("minibatch.w_axis"), t("minibatch.b_axis")
    )


def _stacked_legend(paths: alt.LayerChart, series: list[str], title: str) -> alt.LayerChart:
    """``path_layers`` with its legend as one column: three long run names side by side
    are wider than a phone screen."""
    colour = alt.Color(
        "series:N",
        scale=alt.Scale(domain=series, range=charts.OKABE_ITO[: len(series)]),
        title=title,
        legend=alt.Legend(orient="bottom", columns=1),
    )
    out = paths.copy()  # keeps the layer chart's own data (Altair hoists shared data up)
    out.layer = [layer.encode(color=colour) for layer in paths.layer]
    return out


def show_surface_chart(chart, chart_key: str, player_key: str, bounds) -> None:
    """Draw the (w, b) chart; while paused, a click puts the start there."""
    dv.show_surface_chart(chart, chart_key, player_key, bounds, keys=START_KEYS)


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


def data_chart(page: Page, comp: line_fit.Comparison, labels: dict, frame: int) -> alt.LayerChart:
    """The questions (x) and answers (y): the mini-batch that made the latest update
    highlighted, the question SGD checked last ringed, and each run's line ``w x + b`` at
    ``frame``."""
    t = page.t
    problem = comp.problem
    (x_lo, x_hi), (y_lo, y_hi) = data_domain(comp)
    xs = alt.Scale(domain=[x_lo, x_hi], nice=False, zero=False)
    ys = alt.Scale(domain=[y_lo, y_hi], nice=False, zero=False)
    roles = [t("minibatch.role_other"), t("minibatch.role_batch"), t("minibatch.role_sgd")]
    series = list(labels.values())
    role_scale = alt.Scale(domain=roles, range=[GREY, charts.OKABE_ITO[1], charts.OKABE_ITO[2]])
    role_colour = alt.Color(
        "role:N", scale=role_scale, legend=alt.Legend(orient="bottom", title=None, columns=1)
    )
    role = np.zeros(problem.n, dtype=np.int8)
    # the ring, the best line and the fitted lines share one small table (one dataset
    # less per layer keeps the per-frame message small)
    marks = []
    if frame > 0:
        role[comp.runs["mini"].batch(frame - 1)] = 1
        k = int(comp.updates["sgd"][frame]) - 1
        if 0 <= k < comp.runs["sgd"].steps:
            i = comp.runs["sgd"].batch(k)[0]
            marks.append(("ring", None, roles[2], problem.x[i], problem.y[i]))
    w_star, b_star = problem.minimum
    for end in (x_lo, x_hi):
        marks.append(("best", None, None, end, w_star * end + b_star))
    for name, label in labels.items():
        w, b = comp.point(name, frame)
        for end in (x_lo, x_hi):
            marks.append(("fit", label, None, end, w * end + b))
    marks = pd.DataFrame(marks, columns=["kind", "series", "role", "x", "y"])
    marks[["x", "y"]] = marks[["x", "y"]].astype(np.float32)
    points = pd.DataFrame(
        {
            "x": problem.x.round(3).astype(np.float32),
            "y": problem.y.round(3).astype(np.float32),
            "role": pd.Categorical.from_codes(role, categories=roles[:2]),
        }
    ).sort_values("role", ignore_index=True)  # a plain index is not sent as a column
    dots = (
        alt.Chart(points)
        .mark_circle(opacity=0.9)
        .encode(
            x=alt.X("x:Q", scale=xs, title=t("minibatch.x_axis")),
            y=alt.Y("y:Q", scale=ys, title=t("minibatch.y_axis")),
            color=role_colour,
            size=alt.Size("role:N", scale=alt.Scale(domain=roles[:2], range=[22, 80]), legend=None),
            order=alt.Order("role:N"),
        )
    )
    base = alt.Chart(marks).encode(x=alt.X("x:Q", scale=xs), y=alt.Y("y:Q", scale=ys))
    ring = (
        base.transform_filter(alt.datum.kind == "ring")
        .mark_point(size=200, strokeWidth=2.5, filled=False, opacity=1)
        .encode(color=alt.Color("role:N", scale=role_scale, legend=None))
    )
    best = base.transform_filter(alt.datum.kind == "best").mark_line(
        strokeWidth=1.5, strokeDash=[5, 4], color="#333333", clip=True
    )
    # the same colours as the runs' legend under the surface chart, so no second legend
    colour = alt.Color(
        "series:N",
        scale=alt.Scale(domain=series, range=charts.OKABE_ITO[: len(series)]),
        legend=None,
    )
    fitted = (
        base.transform_filter(alt.datum.kind == "fit")
        .mark_line(strokeWidth=2.5, clip=True)
        .encode(color=colour, detail="series:N")
    )
    return (
        alt.layer(dots, ring, best, fitted)
        # "pad": the plot itself is DATA_SIZE and the legend adds below it
        .properties(
            width=DATA_SIZE[0], height=DATA_SIZE[1], autosize=alt.AutoSizeParams(type="pad")
        )
        .resolve_scale(color="independent")
    )


def loss_frame(comp: line_fit.Comparison, labels: dict) -> pd.DataFrame:
    """Rows ``series, epoch, loss``: the full-data loss of each run against epochs of data
    answered (diverged tails left out)."""
    n = comp.problem.n
    parts = []
    for name, label in labels.items():
        run = comp.runs[name]
        end = run.last_finite + 1
        parts.append(
            pd.DataFrame(
                {
                    "series": label,
                    "epoch": (run.offsets[:end] / n).astype(np.float32),
                    "loss": run.loss[:end].astype(np.float32),
                }
            )
        )
    return pd.concat(parts, ignore_index=True)


def fit_call(batch_size: int, epochs: int) -> str:
    """The Keras call this run corresponds to (code, not prose: the same in every language)."""
    return f"model.fit(x, y, batch_size={int(batch_size)}, epochs={int(epochs)})"


def download(page: Page, comp: line_fit.Comparison, file_name: str) -> None:
    csv_button(page.t("common.download_csv"), lambda: line_fit.trajectories_frame(comp), file_name)
