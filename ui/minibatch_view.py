"""The Streamlit side of the batch / mini-batch / SGD lesson (A9): the cached data, picture,
runs and frame tables (``charts.minibatch`` draws them), the settings, the updates-per-epoch
box with its Keras calls, the start sliders and the click that places the start (``ui.
descent_view``'s, under the keys ``w0``/``b0``), the player's starting speed and the CSV."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import streamlit as st

from charts import minibatch as minibatch_charts
from lessons.minibatch import RUNS, fit_call
from sim import caps, line_fit
from sim.datasets import make_dataset
from ui import controls, descent_view
from ui.download import csv_button
from ui.page import Page
from ui.player import FPS_OPTIONS

SIZES = (50, 100, 200)
MINI_BATCHES = (2, 4, 5, 8, 10, 16, 20, 25, 32)
MAX_EPOCHS = 20
START_KEYS = ("w0", "b0")
PLAY_SECONDS = 20  # the starting speed plays the whole run in about this long


@st.cache_data(max_entries=caps.CACHE_ENTRIES, show_spinner=False)
def cached_data(n: int, noise: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """The ``line`` data set: ``n`` questions (x) with their answers (y)."""
    return make_dataset("line", int(n), noise=float(noise), seed=int(seed))


@st.cache_data(max_entries=caps.CACHE_ENTRIES, show_spinner=False)
def surface_picture(n: int, noise: float, seed: int) -> str:
    """``minibatch_charts.surface_picture`` of the data set, made once per data set."""
    return minibatch_charts.surface_picture(line_fit.LineFitLoss(*cached_data(n, noise, seed)))


@st.cache_data(max_entries=caps.CACHE_ENTRIES, show_spinner=False)
def cached_comparison(
    n: int, noise: float, seed: int, mini: int, epochs: int, lr: float, start: tuple
) -> line_fit.Comparison:
    x, y = cached_data(n, noise, seed)
    return line_fit.compare_batches(x, y, mini, epochs, lr, start, seed=seed)


@dataclass(frozen=True)
class Settings:
    """The lesson's inputs: data (``n`` questions, ``noise``, ``seed``), the mini-batch size,
    the learning rate, the epochs (cut to the budget; ``epochs_asked`` as chosen) and the
    start ``(w0, b0)``."""

    n: int
    noise: float
    seed: int
    mini: int
    lr: float
    epochs_asked: int
    epochs: int
    start: tuple[float, float]

    @property
    def inputs(self) -> tuple:
        """``cached_comparison``'s and ``frame_tables``' arguments (the player's run id)."""
        return (self.n, self.noise, self.seed, self.mini, self.epochs, self.lr, self.start)


def settings_controls(page: Page) -> Settings:
    """The data, batch, rate, epochs and start controls in three columns, each bound to
    the URL (``?n=&noise=&seed=&batch=&lr=&epochs=&w0=&b0=``)."""
    t = page.t
    data_column, run_column, start_column = st.columns([1, 1.1, 1.1])
    with data_column:
        n = controls.select(
            page,
            "n",
            t("minibatch.n_label"),
            SIZES,
            100,
            format_func=lambda v: t("minibatch.n_value", n=v),
            kind="segmented",
            help=t("minibatch.n_help"),
        )
        noise = controls.slider(
            page,
            "noise",
            t("minibatch.noise_label"),
            0.0,
            2.0,
            0.5,
            step=0.1,
            help=t("minibatch.noise_help"),
        )
        seed = controls.number(page, "seed", t("minibatch.seed_label"), 0, 9999, 0, step=1)
    with run_column:
        mini = controls.select(
            page,
            "batch",
            t("minibatch.batch_label"),
            MINI_BATCHES,
            10,
            kind="select_slider",
            help=t("minibatch.batch_help"),
        )
        lr = descent_view.learning_rate_control(page, default=0.1)
        epochs_asked = controls.slider(
            page,
            "epochs",
            t("minibatch.epochs_label"),
            1,
            MAX_EPOCHS,
            10,
            help=t("minibatch.epochs_help", cap=line_fit.MAX_SAMPLE_UPDATES),
        )
    problem = line_fit.LineFitLoss(*cached_data(int(n), float(noise), int(seed)))
    with start_column:
        start = start_controls(page, problem)
    epochs = line_fit.budget_epochs(int(n), int(epochs_asked))
    return Settings(
        int(n), float(noise), int(seed), int(mini), lr, int(epochs_asked), epochs, tuple(start)
    )


def updates_box(page: Page, comp: line_fit.Comparison, labels: dict) -> None:
    """Updates per epoch of each run (the 100-question story with the learner's numbers)
    and the Keras ``model.fit`` calls behind a code expander."""
    t = page.t
    n, epochs = comp.problem.n, comp.epochs
    with st.container(border=True):
        st.markdown(t("minibatch.updates_title", n=n))
        for column, name in zip(st.columns(3), RUNS, strict=True):
            run = comp.runs[name]
            k, b = run.updates_per_epoch, run.batch_size
            column.metric(
                labels[name],
                t("minibatch.per_epoch_value", k=k),
                help=t("minibatch.per_epoch_help", n=n, b=b, k=k),
            )
            column.caption(
                t("minibatch.per_epoch_caption", n=n, b=b, k=k, epochs=epochs, total=run.steps)
            )
        with controls.code_expander(t("minibatch.code_title")) as code_open:
            if code_open:
                st.caption(t("minibatch.code_caption"))
                calls = [fit_call(comp.runs[name].batch_size, epochs) for name in RUNS]
                st.code("\n".join(calls), language="python")


def series_labels(page: Page, n: int, mini: int) -> dict[str, str]:
    t = page.t
    return {
        "full": t("minibatch.series_full", n=n),
        "mini": t("minibatch.series_mini", b=mini),
        "sgd": t("minibatch.series_sgd"),
    }


def start_controls(page: Page, problem: line_fit.LineFitLoss, container=None):
    """The start (w0, b0), bound to ``?w0=&b0=``; clicking the surface also sets it."""
    t = page.t
    labels = (t("minibatch.start_w"), t("minibatch.start_b"))
    return descent_view.start_sliders(
        page, problem.bounds, problem.default_start, START_KEYS, labels, container
    )


def starting_fps(frames: int) -> int:
    """The slowest speed (frames per second) that plays ``frames`` frames within
    ``PLAY_SECONDS``: a short run stays readable, a long one does not drag."""
    for fps in FPS_OPTIONS:
        if frames / fps <= PLAY_SECONDS:
            return fps
    return FPS_OPTIONS[-1]


@st.cache_data(max_entries=caps.CACHE_ENTRIES, show_spinner=False)
def frame_tables(
    n: int, noise: float, seed: int, mini: int, epochs: int, lr: float, start: tuple
) -> minibatch_charts.FrameTables:
    """``minibatch_charts.frame_tables`` of the comparison these inputs make
    (``cached_comparison``)."""
    return minibatch_charts.frame_tables(cached_comparison(n, noise, seed, mini, epochs, lr, start))


def show_surface_chart(chart, chart_key: str, bounds) -> None:
    """Draw the (w, b) chart; a click puts the start there."""
    descent_view.show_surface_chart(chart, chart_key, bounds, keys=START_KEYS)


def download(page: Page, comp: line_fit.Comparison, file_name: str) -> None:
    csv_button(page.t("common.download_csv"), lambda: line_fit.trajectories_frame(comp), file_name)
