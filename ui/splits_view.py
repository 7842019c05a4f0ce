"""The Streamlit side of the train/validation/test lesson (B10, B11): its settings and the
small search, every setting trained on the training set and scored on validation."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd
import streamlit as st

from lessons import splits
from sim.training import NetSpec
from ui import controls, train_view
from ui.page import Page


@dataclass(frozen=True)
class SplitSettings(train_view.DataChoice):
    """The train/validation/test lesson's inputs: the data set (``name``, ``x``, ``y``,
    ``task``, ``n_classes``, ``seed``), the epochs of every search run and the validation
    score (``metric``, one of ``lessons.splits.SCORES``) that picks the winner."""

    epochs: int
    metric: str


def split_settings(page: Page, units: Sequence[int], rates: Sequence[float]) -> SplitSettings:
    """The data controls beside the search: its grid of ``units`` x ``rates`` in words, the
    epochs and the score, each bound to the URL (``?data=&n=&noise=&seed=&epochs=&score=``)."""
    t = page.t
    left, right = st.columns([1, 1])
    with left:
        st.markdown(f"**{t('splits.data_title')}**")
        name, x, y, task, n_classes, seed = train_view.dataset_controls(
            page, default="moons", n_default=200, n_max=600, noise_default=0.3
        )
    with right:
        st.markdown(f"**{t('splits.search_title')}**")
        rates_text = ", ".join(f"{r:g}" for r in rates)
        units_text = ", ".join(map(str, units))
        n = len(units) * len(rates)
        st.markdown(t("splits.search_grid", units=units_text, rates=rates_text, n=n))
        epochs = controls.slider(
            page, "epochs", t("splits.epochs"), 10, 150, 60, step=10, help=t("splits.epochs_help")
        )
        metric = controls.select(
            page,
            "score",
            t("splits.score"),
            list(splits.SCORES),
            "accuracy",
            format_func=lambda m: t(f"train.metric_{m}"),
            kind="segmented",
        )
    return SplitSettings(name, x, y, task, n_classes, seed, int(epochs), metric)


def search(page: Page, train_set, val_set, task, n_classes, settings, **fit) -> pd.DataFrame:
    """Train every ``(units, learning rate)`` of ``settings`` on ``train_set``, scored on
    ``val_set`` after each epoch (cached runs, a caption counting them), as the search
    table of ``lessons.splits.search_row``."""
    t = page.t
    rows = []
    progress = st.empty()
    for i, (units, rate) in enumerate(settings):
        progress.caption(t("splits.search_progress", i=i + 1, n=len(settings)))
        run = train_view.cached_train(
            *train_set,
            NetSpec(hidden=(units,)),
            task,
            n_classes,
            t("train.progress"),
            learning_rate=rate,
            validation_data=val_set,
            grid_cells=None,
            **fit,
        )
        rows.append(splits.search_row(units, rate, run.history, bool(run.diverged)))
    progress.empty()
    return pd.DataFrame(rows)
