"""The Streamlit side of the early-stopping lesson: its settings, the data beside the
``EarlyStopping`` callback's monitor, patience, min_delta, start epoch and restore switch."""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from ui import controls, train_view
from ui.page import Page

MONITORS = ("val_loss", "val_accuracy")


@dataclass(frozen=True)
class EarlySettings(train_view.DataChoice):
    """The early-stopping lesson's inputs: the data set (``name``, ``x``, ``y``, ``task``,
    ``n_classes``, ``seed``), the epochs of the full run and the callback's settings."""

    epochs: int
    monitor: str
    patience: int
    min_delta: float
    start_from: int
    restore: bool

    @property
    def stopper(self) -> dict:
        """The ``EarlyStopping`` keywords (``cached_train``'s ``early_stopping``)."""
        return dict(
            monitor=self.monitor,
            min_delta=self.min_delta,
            patience=self.patience,
            restore_best_weights=self.restore,
            start_from_epoch=self.start_from,
        )


def early_settings(page: Page) -> EarlySettings:
    """The data controls and epochs beside the callback's monitor, patience, min_delta,
    start epoch and restore switch, each bound to the URL (``?data=&n=&noise=&seed=&epochs=
    &monitor=&patience=&delta=&start=&restore=``)."""
    t = page.t
    left, right = st.columns([1, 1.3])
    with left:
        st.markdown(f"**{t('early.data_title')}**")
        name, x, y, task, n_classes, seed = train_view.dataset_controls(
            page, default="moons", n_default=200, n_max=600, noise_default=0.25
        )
        epochs = controls.slider(
            page, "epochs", t("early.epochs"), 25, 150, 60, step=5, help=t("early.epochs_help")
        )
    with right:
        st.markdown(f"**{t('early.controls')}**")
        monitor = controls.select(
            page,
            "monitor",
            t("early.monitor"),
            MONITORS,
            "val_loss",
            format_func=lambda m: t(f"early.monitor_{m}"),
            help=t("early.monitor_help"),
            kind="segmented",
        )
        c1, c2 = st.columns(2)

        def setting(key: str, field: str, low, high, default, box, **kwargs):
            label, hint = t(f"early.{field}"), t(f"early.{field}_help")
            return controls.slider(
                page, key, label, low, high, default, help=hint, container=box, **kwargs
            )

        patience = setting("patience", "patience", 0, 20, 5, c1)
        min_delta = setting("delta", "min_delta", 0.0, 0.05, 0.0, c2, step=0.005, fmt="%.3f")
        start_from = setting("start", "start_from", 0, 20, 0, c1)
        c2.write("")
        restore = controls.toggle(
            page, "restore", t("early.restore"), True, help=t("early.restore_help"), container=c2
        )
    return EarlySettings(
        name,
        x,
        y,
        task,
        n_classes,
        seed,
        int(epochs),
        monitor,
        int(patience),
        float(min_delta),
        int(start_from),
        bool(restore),
    )
