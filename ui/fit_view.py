"""The fit() lesson's Streamlit pieces: its cached run with the answer sheet, the frames of
the mock exam, and the epoch / batch / iteration calculator."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import streamlit as st

from lessons import batches
from sim import caps
from sim.nn.batching import updates_per_epoch
from ui import controls, train_view
from ui.page import Page, words

BATCH_SIZES = (1, 2, 4, 5, 8, 10, 16, 20, 25, 32, 50, 64, 100, 128, 200, 256, 500, 1000, 2000)
RATES = (0.0003, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0)

# the seed tutorial's table: 100 questions with batch sizes 100, 10 and 1
SEED_SAMPLES = 100
SEED_TABLE = {
    100: ("fit.meaning_all", {}),
    10: ("fit.meaning_some", {"batch": 10}),
    1: ("fit.meaning_one", {}),
}


@dataclass(frozen=True)
class Settings(train_view.DataChoice):
    """The lesson's inputs: the data set (``name``, ``x``, ``y``, ``task``, ``n_classes``,
    ``seed``) and ``fit``'s batch size, epochs (as chosen) and learning rate."""

    batch: int
    epochs: int
    lr: float


def settings_controls(page: Page) -> Settings:
    """The data controls beside the batch size, epochs and rate, each bound to the URL
    (``?data=&n=&noise=&seed=&batch=&epochs=&lr=``)."""
    t = page.t
    left, right = st.columns([1, 1])
    with left:
        st.markdown(f"**{t('fit.data_title')}**")
        name, x, y, task, n_classes, seed = train_view.dataset_controls(
            page, default="moons", n_default=100, n_max=1000, noise_default=0.2
        )
    with right:
        st.markdown(f"**{t('fit.run_title')}**")
        batch = controls.select(
            page,
            "batch",
            t("fit.batch"),
            BATCH_SIZES,
            10,
            help=t("fit.batch_help"),
            kind="select_slider",
        )
        epochs = controls.slider(
            page, "epochs", t("fit.epochs"), 1, 100, 30, help=t("fit.epochs_help")
        )
        lr = controls.value_slider(page, "lr", t("fit.lr"), RATES, 0.01, help=t("fit.lr_help"))
    return Settings(name, x, y, task, n_classes, seed, int(batch), int(epochs), float(lr))


@st.cache_data(max_entries=caps.TRAIN_CACHE_ENTRIES, show_spinner=False)
def answered_run(x, y, spec, task, n_classes, _progress_label, **kwargs) -> batches.AnsweredRun:
    """``lessons.batches.train_with_answers`` cached on its inputs, with a progress bar
    (``ui.train_view.cached_train`` cannot carry the answer sheet: a callback's record is
    not part of its cached result)."""
    kwargs.setdefault("time_budget", caps.MAX_WALL_SECONDS)
    return train_view.run_with_progress(
        _progress_label, batches.train_with_answers, x, y, spec, task, n_classes, **kwargs
    )


def exam_grids(run: batches.AnsweredRun, n: int, batch_size: int, seed: int) -> pd.DataFrame:
    """``epoch, question, batch, wrong`` of every frame: frame ``e`` holds the answers after
    epoch ``e``, coloured by the batches of epoch ``e`` (frame 0: the batches round 1 will
    use), the very order ``fit`` shuffles in."""
    return pd.concat(
        [
            batches.exam_grid(n, batch_size, max(epoch, 1) - 1, seed, run.wrong[epoch])
            .assign(epoch=epoch)[["epoch", "question", "batch", "wrong"]]
            # up to 400 questions x 101 rounds: small integers keep the chart light
            .astype({"epoch": "int16", "question": "int16", "batch": "int16", "wrong": "int8"})
            for epoch in range(len(run.counts))
        ],
        ignore_index=True,
    )


def calculator(page: Page, run: batches.AnsweredRun, n: int, batch_size: int) -> None:
    """The calculator box: samples, batch size and epochs in, iterations and updates out,
    then the run above checked against the same formula and the tutorial's table."""
    t = page.t
    with st.container(border=True):
        st.markdown(f"**{t('fit.calc_title')}**")
        st.markdown(t("fit.calc_intro"))
        c1, c2, c3 = st.columns(3)
        samples = controls.number(
            page, "cn", t("fit.calc_samples"), 1, 1_000_000, 2000, container=c1
        )
        size = controls.number(page, "cb", t("fit.calc_batch"), 1, 1_000_000, 200, container=c2)
        epochs = controls.number(page, "ce", t("fit.calc_epochs"), 1, 10_000, 10, container=c3)
        calc = batches.Calculation(int(samples), int(size), int(epochs))
        o1, o2, o3 = st.columns(3)
        o1.metric(t("fit.calc_iterations"), f"{calc.iterations:,}")
        o2.metric(t("fit.calc_total"), f"{calc.total:,}")
        o3.metric(t("fit.calc_last"), f"{calc.last:,}")
        st.markdown(words(t, calc.formula()))
        for line in calc.partial():
            st.caption(words(t, line))
        st.markdown(words(t, batches.run_count(n, batch_size, run.result)))
        st.markdown(f"**{t('fit.seed_table_title')}**")
        st.table(
            pd.DataFrame(
                {
                    t("fit.col_batch"): list(SEED_TABLE),
                    t("fit.col_updates"): [updates_per_epoch(SEED_SAMPLES, b) for b in SEED_TABLE],
                    t("fit.col_meaning"): [t(key, **values) for key, values in SEED_TABLE.values()],
                }
            ),
            hide_index=True,
            width="content",
        )


def history_table(run: batches.AnsweredRun) -> pd.DataFrame:
    """The run's history with the wrong answers after each epoch (the CSV download)."""
    history = run.result.wide_frame()
    history["wrong_answers"] = np.asarray(run.counts[1 : len(history) + 1])
    return history
