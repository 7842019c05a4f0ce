"""The Streamlit side of the cross-validation lesson (B13, B14): its runs, cached, each with a
progress bar over all k fits."""

from __future__ import annotations

import streamlit as st

from lessons import cross_validation
from sim import caps
from ui import train_view


@st.cache_data(max_entries=caps.CACHE_ENTRIES, show_spinner=False)
def cached_cv(x, y, spec, task, n_classes, k, epochs, seed, reset, _label, **fit):
    """``cross_validation.run`` cached on its inputs, with a progress bar over all k fits."""
    return train_view.run_with_progress(
        _label,
        cross_validation.run,
        x,
        y,
        spec,
        task,
        n_classes,
        k,
        epochs=epochs,
        seed=seed,
        reset=reset,
        **fit,
    )


@st.cache_data(max_entries=caps.CACHE_ENTRIES, show_spinner=False)
def cached_timed(x, y, spec, task, n_classes, k, epochs, seed, _label, **fit):
    """``cross_validation.run_timed`` cached on its inputs: the honest record together with
    the warm time of one training measured next to it (never a figure from another run)."""
    return train_view.run_with_progress(
        _label,
        cross_validation.run_timed,
        x,
        y,
        spec,
        task,
        n_classes,
        k,
        epochs=epochs,
        seed=seed,
        **fit,
    )
