"""The batch-size lesson's Streamlit pieces: the sweep's runs (each cached on its inputs),
their curves, the cost bars and table, the Keras loop and the CSV."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from lessons import batches
from sim.training import NetSpec, TrainResult, default_loss
from ui import train_view
from ui.download import csv_button
from ui.page import Page


def series_label(page: Page, batch_size: int, n: int) -> str:
    """ "batch 8", and "batch 200 (N)" for the whole set."""
    key = "batch.series_full" if batch_size == n else "batch.series_name"
    return page.t(key, batch=batch_size)


def sweep_runs(page: Page, x, y, spec, task, n_classes, sizes, **fit) -> dict[int, TrainResult]:
    """One run per batch size, each cached on its own inputs; a run cut by the time budget
    says so."""
    results = {}
    for size in sizes:
        progress = f"{page.t('train.progress')} {series_label(page, size, len(x))}"
        results[size] = train_view.cached_train(
            x, y, spec, task, n_classes, progress, batch_size=size, **fit
        )
        if results[size].stopped_reason == "time_budget":
            train_view.explain_stop(page, results[size])
    return results


def cost_table(page: Page, table: pd.DataFrame, series: list[str]) -> None:
    """The sweep's costs (``lessons.batches.cost_rows``) as a table with the catalog's
    column names, times in ms and memory in KB."""
    t = page.t
    shown = pd.DataFrame(
        {
            t("batch.col_batch"): series,
            t("batch.col_updates_epoch"): table["updates_per_epoch"],
            t("batch.col_updates"): table["updates"],
            t("batch.col_time_epoch"): (table["seconds_per_epoch"] * 1000).round(2),
            t("batch.col_time"): table["seconds"].round(3),
            t("batch.col_loss"): table["final_loss"].round(4),
            t("batch.col_noise"): table["noise"].round(4),
            t("batch.col_memory"): (table["memory_bytes"] / 1024).round(1),
            t("batch.col_activations"): (table["activation_bytes"] / 1024).round(1),
        }
    )
    st.table(shown, hide_index=True)
    st.caption(t("batch.costs_caption", window=batches.NOISE_WINDOW))


def keras_loop(spec: NetSpec, input_dim, task, n_classes, lr: float, sizes, epochs: int) -> str:
    """The Keras program of the sweep: one ``fit`` per batch size, histories kept."""
    fit_args = f"x, y, batch_size=batch_size, epochs={epochs}"
    base = train_view.keras_code(
        spec, input_dim, task, n_classes, "adam", lr, default_loss(task), fit_args
    )
    lines = [
        "histories = {}",
        f"for batch_size in [{', '.join(str(size) for size in sizes)}]:",
        *("    " + line for line in base.splitlines()),
    ]
    return "\n".join(lines).replace(
        "    history = model.fit", "    histories[batch_size] = model.fit"
    )


def download(page: Page, results: dict[int, TrainResult]) -> None:
    """Every run's history with its batch size and seconds per epoch, as one CSV."""

    def with_times(size: int, result: TrainResult) -> pd.DataFrame:
        frame = result.wide_frame()
        times = list(result.epoch_times[: len(frame)])
        frame.insert(0, "batch_size", size)
        frame["seconds"] = times + [float("nan")] * (len(frame) - len(times))
        return frame

    csv_button(
        page.t("batch.download"),
        lambda: pd.concat([with_times(size, r) for size, r in results.items()], ignore_index=True),
        "batch_size_history.csv",
    )
