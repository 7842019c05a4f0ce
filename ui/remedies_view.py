"""The Streamlit side of the remedies lesson (B15): the remedies' switches and strengths,
the boundary pictures (cached per server process), the panels of every network and where
they go on the page, the score table and the Keras program of each network."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pandas as pd
import streamlit as st

from charts import remedies as remedy_charts
from charts import remedy_frames
from lessons import remedies
from sim import caps
from sim.training import TrainResult, default_loss
from ui import controls, train_view
from ui.chart_view import plot
from ui.page import Page, words
from ui.validation_view import frame_lines, written

LAYERS = 2
WIDTHS = (16, 32, 64, 128)
L2_FACTORS = (0.0001, 0.0003, 0.001, 0.003, 0.01, 0.03, 0.1)
GRID_CELLS = 30
PANEL = (150, 125)  # pixels of one boundary picture: two rows of three fit above the fold


@dataclass(frozen=True)
class Settings(train_view.DataChoice):
    """The lesson's inputs: the data set (``name``, ``x``, ``y``, ``task``, ``n_classes``,
    ``seed``), the width of each of the ``LAYERS`` hidden layers, the epochs asked and the
    remedies' strengths (``remedy_controls``)."""

    width: int
    epochs: int
    strengths: dict


def settings_controls(page: Page) -> Settings:
    """The data, width and epochs beside the remedies' switches and strengths, each bound to
    the URL (``?data=&n=&noise=&seed=&width=&epochs=`` and ``remedy_controls``' keys)."""
    t = page.t
    left, right = st.columns([1, 1.25])
    with left:
        st.markdown(f"**{t('remedies.data_title')}**")
        name, x, y, task, n_classes, seed = train_view.dataset_controls(
            page, default="moons", n_default=100, n_max=300, noise_default=0.3, seed_default=2
        )
        c1, c2 = st.columns(2)
        width = controls.select(
            page,
            "width",
            t("remedies.width"),
            WIDTHS,
            64,
            format_func=lambda w: t("remedies.width_value", n=w),
            help=t("remedies.width_help", layers=LAYERS),
            kind="select_slider",
            container=c1,
        )
        hint = t("remedies.epochs_help")
        epochs = controls.slider(
            page, "epochs", t("remedies.epochs"), 20, 150, 100, step=10, help=hint, container=c2
        )
    with right:
        st.markdown(f"**{t('remedies.remedies_title')}**")
        strengths = remedy_controls(page)
    return Settings(name, x, y, task, n_classes, seed, int(width), int(epochs), strengths)


def remedy_controls(page: Page) -> dict:
    """A switch per remedy, with its strength beside it (dropout rate, noise std, L2
    factor): the ``remedies.variants`` keywords, a strength of 0 for a remedy off."""
    t = page.t

    def switch(key: str, default: bool):
        left, right = st.columns([1, 1.3], vertical_alignment="center")
        label, hint = t(f"remedies.name_{key}"), t(f"remedies.{key}_help")
        return controls.toggle(page, key, label, default, help=hint, container=left), right

    def strength(key: str, low: float, high: float, default: float, box) -> float:
        """A remedy's strength in steps of 0.05, beside its switch."""
        label, hint = t(f"remedies.{key}"), t(f"remedies.{key}_help")
        return controls.slider(
            page, key, label, low, high, default, step=0.05, fmt="%.2f", help=hint, container=box
        )

    on, box = switch("dropout", True)
    rate = strength("rate", 0.1, 0.7, 0.3, box)
    batchnorm, box = switch("batchnorm", True)
    box.caption(t("remedies.batchnorm_note"))
    augment, box = switch("augment", True)
    std = strength("std", 0.05, 0.5, 0.2, box)
    l2, box = switch("l2", True)
    factor = controls.value_slider(
        page,
        "factor",
        t("remedies.factor"),
        L2_FACTORS,
        0.01,
        help=t("remedies.factor_help"),
        container=box,
    )
    return {
        "dropout": float(rate) if on else 0.0,
        "batchnorm": bool(batchnorm),
        "input_noise": float(std) if augment else 0.0,
        "l2": float(factor) if l2 else 0.0,
    }


def trained(page: Page, runs, chosen: Settings, **fit) -> dict[str, TrainResult]:
    """Every network of ``runs`` trained on the chosen data with the same ``fit`` settings
    (cached runs, keyed by variant); a network that diverged or ran out of time says so."""
    t = page.t
    results = {}
    for v in runs:
        network = words(t, remedies.name(v.key))
        label = t("remedies.progress", name=network)
        results[v.key] = train_view.cached_train(
            chosen.x, chosen.y, v.spec, chosen.task, chosen.n_classes, label, **fit
        )
        train_view.explain_stop(
            page, results[v.key], "remedies.diverged", "remedies.time_budget", name=network
        )
    return results


@st.cache_data(max_entries=caps.TRAIN_CACHE_ENTRIES, show_spinner=False)
def cached_pictures(predictions, n_classes, bounds, x, y, is_val) -> list[str]:
    """``remedy_charts.boundary_picture`` of each snapshot of one run (data URLs), cached: a
    rerun that reuses a training (a remedy switched on or off) redraws nothing."""
    return [
        remedy_charts.boundary_picture(p, GRID_CELLS, n_classes, bounds, x, y, is_val, PANEL)
        for p in predictions
    ]


def boundary_panels(
    page: Page, runs, results: Mapping[str, TrainResult], frames, n_frames: int, data
) -> list:
    """One ``remedy_charts.boundary_frame_panel`` per network (``show_boundaries`` draws
    them): its pictures (each shown from the epoch it was taken until the next), its
    per-frame numbers and its name and setting above, as many lines for every network so
    the panels of a row line up. ``data``: ``(x, y, n_classes, is_val)``."""
    x, y, n_classes, is_val = data
    texts = {
        v.key: frame_lines(
            page, [(n,) for n in remedies.panel_notices(v, results[v.key], n_frames)]
        )
        for v in runs
    }
    lines = remedy_frames.line_count([s for panel in texts.values() for s in panel])
    shown = "datum.shown_from <= remedies_frame && remedies_frame < datum.shown_until"
    panels = []
    for v in runs:
        r = results[v.key]
        urls = cached_pictures(tuple(r.grid_predictions), n_classes, r.grid_bounds, x, y, is_val)
        spans = remedy_frames.picture_spans(r.snapshot_epochs[: len(urls)], n_frames)
        pictures = pd.DataFrame(
            {"url": urls, "shown_from": [a for a, _ in spans], "shown_until": [b for _, b in spans]}
        )
        panels.append(
            remedy_charts.boundary_frame_panel(
                words(page.t, remedies.name(v.key)),
                pictures,
                remedy_frames.text_rows(texts[v.key]),
                PANEL,
                shown,
                frames.at("frame"),
                lines,
                subtitle=words(page.t, remedies.setting(v)),
            )
        )
    return panels


def show_boundaries(panels: Sequence, frames) -> None:
    """The ``boundary_panels`` side by side, each following the player (``frames``),
    wrapping onto another row where the column holds no more: three to a row beside the
    player on a wide screen, two on a phone. A panel keeps its picture's pixel size (the
    payload's, ``PANEL``): in columns, a phone would stack them one under another."""
    with st.container(horizontal=True, gap="small"):
        for panel in panels:
            plot(st, frames.bind(panel), width="content")


def show_in_rows(charts: Sequence, frames, per_row: int) -> None:
    """``charts`` (each as wide as its column) in rows of ``per_row`` columns, each following
    the player (``frames``); the last row keeps the same column width. Streamlit stacks the
    columns on a phone, so each chart gets the phone's width."""
    for start in range(0, len(charts), per_row):
        row = charts[start : start + per_row]
        for column, chart in zip(st.columns(per_row)[: len(row)], row, strict=True):
            plot(column, frames.bind(chart), width="stretch")


def score_table(page: Page, runs, scores: Mapping[str, remedies.Score | None]) -> pd.DataFrame:
    """Every network's final scores (the mean over the last epochs), and how much its gap
    changed from the baseline's; a diverged network's cells are dashes."""
    t = page.t
    base = scores[remedies.BASELINE]
    missing = written(page, remedies.percent(None))
    rows = []
    for v in runs:
        s = scores[v.key]
        change = (
            None if (s is None or base is None or v.key == remedies.BASELINE) else s.gap - base.gap
        )
        cells = [missing] * 5
        if s is not None:
            cells = [
                written(page, remedies.percent(s.train_accuracy)),
                written(page, remedies.percent(s.val_accuracy)),
                f"{s.train_loss:.3f}",
                f"{s.val_loss:.3f}",
                f"{s.gap:.3f}",
            ]
        columns = ("train_acc", "val_acc", "train_loss", "val_loss", "gap")
        row = {
            t("remedies.col_network"): words(t, remedies.name(v.key)),
            t("remedies.col_setting"): words(t, remedies.setting(v)),
        }
        row |= {t(f"remedies.col_{c}"): cell for c, cell in zip(columns, cells, strict=True)}
        row[t("remedies.col_change")] = "" if change is None else f"{change:+.3f}"
        rows.append(row)
    return pd.DataFrame(rows)


def keras_tabs(page: Page, runs, data_shape: tuple, learning_rate: float, fit_args: str) -> None:
    """Behind the code expander, one tab per network with its Keras program."""
    t = page.t
    dims, task, n_classes = data_shape
    with controls.code_expander(t("train.keras_title")) as code_open:
        if not code_open:
            return
        st.caption(t("train.keras_caption"))
        names: Sequence[str] = [words(t, remedies.name(v.key)) for v in runs]
        loss = default_loss(task)
        for v, tab in zip(runs, st.tabs(names), strict=True):
            code = train_view.keras_code(
                v.spec, dims, task, n_classes, "adam", learning_rate, loss, fit_args
            )
            tab.code(code, language="python")
