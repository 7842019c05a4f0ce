"""Shared pieces of the training lessons: data-set controls, the cached training run with a
progress bar, the Keras call the page is running, learning curves, the decision boundary,
and the history download."""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

import numpy as np
import streamlit as st

from charts import boundary, surface_charts, training_frames
from sim import caps
from sim.datasets import DATASETS, make_dataset
from sim.training import NetSpec, TrainResult, build_model, class_count, train
from ui import controls
from ui.download import csv_button
from ui.page import Page

BOUNDARY_SIZE = training_frames.BOUNDARY_SIZE
CLASSIFICATION_SETS = ("moons", "circles", "xor", "spiral", "blobs")


@st.cache_data(max_entries=caps.CACHE_ENTRIES, show_spinner=False)
def cached_dataset(name: str, n: int, noise: float, seed: int):
    """``make_dataset`` cached on its inputs; ``n`` is capped by ``caps.MAX_SAMPLES``."""
    n = int(caps.clamp(n, 4, caps.MAX_SAMPLES))
    return make_dataset(name, n, noise=noise, seed=seed)


class LazyProgress:
    """A progress bar for a run inside a cached function: it appears only once the run has
    taken ``show_after`` seconds and is redrawn at most every ``redraw_every`` seconds.

    Why: ``st.cache_data`` records every element a cached function writes and replays them
    all on each cache hit. A bar redrawn after every epoch made a warm visit to a training
    page send hundreds of progress messages (train/val/test: 610) that the browser drew
    before the page's first chart. Now a quick run records nothing and a long one a few.
    ``clock`` and ``make_bar`` are seams for tests."""

    show_after = 0.3  # seconds: a quicker run ends before a bar would be worth showing
    redraw_every = 0.1  # seconds: ten redraws a second is smooth enough for a bar

    def __init__(self, label: str, clock=time.monotonic, make_bar=None) -> None:
        self.text = label or None
        self.clock = clock
        self.make_bar = make_bar or st.progress
        self.started = clock()
        self.bar = None
        self.drawn_at = -math.inf

    def __call__(self, fraction: float) -> None:
        now = self.clock()
        if now - self.started < self.show_after or now - self.drawn_at < self.redraw_every:
            return
        value = min(max(float(fraction), 0.0), 1.0)
        if self.bar is None:
            self.bar = self.make_bar(value, text=self.text)
        else:
            self.bar.progress(value, text=self.text)
        self.drawn_at = now

    def close(self) -> None:
        if self.bar is not None:
            self.bar.empty()


def run_with_progress(label: str, work, *args, **kwargs):
    """``work(*args, progress=..., **kwargs)`` with a ``LazyProgress`` bar labelled
    ``label``, removed afterwards. Call it inside a cached function: the bar is created
    there, so a cache hit replays it (already finished) instead of referring to a block that
    no longer exists. Give the cached function the label as an ``_``-prefixed parameter, so
    the language of the label is not part of the cache key."""
    bar = LazyProgress(label)
    try:
        return work(*args, progress=bar, **kwargs)
    finally:
        bar.close()


@st.cache_data(max_entries=caps.TRAIN_CACHE_ENTRIES, show_spinner=False)
def _train(x, y, spec, task, n_classes, _progress_label: str, **kwargs) -> TrainResult:
    return run_with_progress(_progress_label, train, x, y, spec, task, n_classes, **kwargs)


def cached_train(
    x: np.ndarray,
    y: np.ndarray,
    spec: NetSpec,
    task: str,
    n_classes: int | None,
    progress_label: str = "",
    **kwargs,
) -> TrainResult:
    """``sim.training.train`` cached on all its inputs (not on the label's language), with
    a progress bar while it runs. The training budget is enforced here: epochs x samples by
    ``caps.MAX_SAMPLE_EPOCHS``, weights x samples x epochs by ``caps.MAX_TRAIN_WORK`` and the
    wall time by ``caps.MAX_WALL_SECONDS``."""
    weights = build_model(spec, x.shape[1], task, n_classes).count_params()
    kwargs["epochs"] = caps.epochs_within_budget(kwargs.get("epochs", 1), len(x), weights=weights)
    kwargs.setdefault("time_budget", caps.MAX_WALL_SECONDS)
    return _train(x, y, spec, task, n_classes, progress_label, **kwargs)


@dataclass(frozen=True)
class DataChoice:
    """A training lesson's data set as chosen (``dataset_controls``): its ``name``, the
    samples ``x`` and labels ``y``, the ``task`` and ``n_classes`` they make, and the
    ``seed`` that drew them. A lesson's settings extend it with their own fields, and it
    unpacks like the tuple it replaces: ``name, x, y, task, n_classes, seed = data``."""

    name: str
    x: np.ndarray
    y: np.ndarray
    task: str
    n_classes: int | None
    seed: int

    def __iter__(self):
        return iter((self.name, self.x, self.y, self.task, self.n_classes, self.seed))


def dataset_controls(
    page: Page,
    names=CLASSIFICATION_SETS,
    default: str = "moons",
    n_default: int = 200,
    n_max: int = 1000,
    noise_default: float = 0.2,
    seed_default: int = 0,
    container=None,
    show_seed: bool = True,
):
    """Data set, size, noise and seed, bound to ``?data=&n=&noise=&seed=``. Returns
    the ``DataChoice`` with the data made (cached)."""
    t = page.t
    where = container or st
    name = controls.select(
        page,
        "data",
        t("train.dataset"),
        list(names),
        default,
        format_func=lambda n: t(f"train.data_{n}"),
        container=where,
    )
    n = controls.slider(
        page,
        "n",
        t("train.samples"),
        20,
        min(n_max, caps.MAX_SAMPLES),
        n_default,
        step=10,
        help=t("train.samples_help"),
        container=where,
    )
    noise = controls.slider(
        page,
        "noise",
        t("train.noise"),
        0.0,
        1.0,
        noise_default,
        step=0.05,
        help=t("train.noise_help"),
        container=where,
    )
    seed = seed_default
    if show_seed:
        seed = controls.number(
            page,
            "seed",
            t("train.seed"),
            0,
            9999,
            seed_default,
            step=1,
            help=t("train.seed_help"),
            container=where,
        )
    x, y = cached_dataset(name, int(n), float(noise), int(seed))
    task, n_classes = class_count(name, y)
    return DataChoice(name, x, y, task, n_classes, int(seed))


def keras_code(
    spec: NetSpec,
    input_dim: int,
    task: str,
    n_classes: int | None,
    optimizer: str,
    learning_rate: float,
    loss: str,
    fit_args: str,
    extra_lines: tuple[str, ...] = (),
) -> str:
    """The Keras program a page is running, with the learner's values filled in."""
    layers = "\n".join(f"    {line}" for line in spec.keras_lines(input_dim, task, n_classes))
    metrics = "" if task == "regression" else ', metrics=["accuracy"]'
    opt_class = {
        "sgd": "SGD",
        "momentum": "SGD",
        "nesterov": "SGD",
        "adagrad": "Adagrad",
        "rmsprop": "RMSprop",
        "adam": "Adam",
    }[optimizer]
    opt_extra = {"momentum": ", momentum=0.9", "nesterov": ", momentum=0.9, nesterov=True"}
    lines = [
        "model = Sequential([",
        layers,
        "])",
        f"model.compile(optimizer={opt_class}(learning_rate={learning_rate:g}"
        f"{opt_extra.get(optimizer, '')}),",
        f'              loss="{loss}"{metrics})',
        *extra_lines,
        f"history = model.fit({fit_args})",
    ]
    return "\n".join(lines)


def show_keras_code(page: Page, code: str) -> None:
    """The page's Keras program, behind a click (see ``controls.code_expander``)."""
    with controls.code_expander(page.t("train.keras_title")) as code_open:
        if code_open:
            st.caption(page.t("train.keras_caption"))
            st.code(code, language="python")


def boundary_chart(
    page: Page,
    result: TrainResult,
    snapshot: int,
    x: np.ndarray,
    y: np.ndarray,
    n_classes: int,
    split: np.ndarray | None = None,
    split_names: dict | None = None,
    size: tuple[int, int] = BOUNDARY_SIZE,
):
    """The decision boundary after snapshot ``snapshot`` (index into
    ``result.snapshot_epochs``) under the data points, coloured by class and shaped by split,
    in a ``size`` plot (smaller where two sit side by side). A picture that follows a
    player: ``training_frames.boundary_chart``."""
    cells = round(np.sqrt(len(result.grid)))
    url = boundary.boundary_url(result.grid_predictions[snapshot], cells, n_classes, size)
    layer = training_frames.points_layer(page.t, result, x, y, n_classes, split, split_names)
    return surface_charts.surface_view(url, result.grid_bounds, [layer], size, "x₁", "x₂")


def download_history(page: Page, result: TrainResult, file_name: str, key: str | None = None):
    csv_button(page.t("train.download_history"), result.wide_frame, file_name, key=key)


def explain_stop(
    page: Page,
    result: TrainResult,
    diverged_key: str = "train.diverged",
    time_key: str = "train.time_budget",
    **names,
) -> None:
    """Say why training ended early, if it did: divergence (a warning with its ``epoch``
    and ``batch``) or the wall-time budget (a notice). A page comparing several runs passes
    its own messages and the run's name (``names``, e.g. ``loss=...``)."""
    t = page.t
    if result.diverged:
        page.warn(t(diverged_key, **{**result.diverged, **names}))
    elif result.stopped_reason == "time_budget":
        seconds = int(caps.MAX_WALL_SECONDS)
        page.notice(t(time_key, seconds=seconds, epochs=len(result.epochs), **names))


def available_sets() -> list[str]:
    return [name for name in DATASETS if name in CLASSIFICATION_SETS]
