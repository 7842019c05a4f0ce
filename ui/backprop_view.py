"""The forward/backward lesson's Streamlit pieces: the cached traced step, the stage panels
the player shows one at a time, and the repeated step's run."""

from __future__ import annotations

import numpy as np
import streamlit as st

from charts import backprop_frames
from lessons import backprop
from sim import caps
from sim.training import TrainResult
from ui import train_view
from ui.page import Page


@st.cache_data(max_entries=caps.CACHE_ENTRIES, show_spinner=False)
def cached_trace(x1, x2, y, activation, loss, lr, seed) -> backprop.StepTrace:
    """``lessons.backprop.trace_step`` cached on its inputs."""
    return backprop.trace_step(x1, x2, y, activation, loss, lr, seed)


@st.cache_data(max_entries=caps.CACHE_ENTRIES, show_spinner=False)
def cached_diagram(x1, x2, y, activation, loss, lr, seed):
    """``charts.backprop_frames.diagram_rows`` of the traced step, cached on its inputs:
    placing the labels clear of the crossing edges is a search worth keeping."""
    return backprop_frames.diagram_rows(cached_trace(x1, x2, y, activation, loss, lr, seed))


def stage_kind(index: int) -> str:
    """Which pass stage ``index`` belongs to: ``forward`` (input to loss), ``backward``
    (the two gradient stages) or ``update``."""
    return "forward" if index <= 3 else ("backward" if index <= 5 else "update")


def stage_panels(page: Page, trace: backprop.StepTrace) -> None:
    """Every stage's words and formulas, each in its own container
    (``backprop_panel_<index>``): all are sent once, the player shows the current one.
    No gap between the panels: a hidden panel would still leave its gap behind."""
    t = page.t
    last = len(backprop.STAGES) - 1
    panels = st.container(gap=None)
    for index, stage in enumerate(backprop.STAGES):
        with panels.container(key=f"backprop_panel_{index}"):
            counter = t("backprop.stage_counter", k=index, n=last)
            st.markdown(f"**{counter} · {t(f'backprop.stage_{stage}_title')}**")
            st.markdown(t(f"backprop.stage_{stage}_text"))
            # the blocks one under another: each is a short derivation that fits this column
            for row in backprop.latex_rows(trace, stage):
                for block in row:
                    st.latex(block)
            st.markdown(t(f"backprop.stage_{stage}_analogy"))
            st.caption(t(f"backprop.legend_{stage_kind(index)}"))


def repeated_run(page: Page, trace: backprop.StepTrace, steps: int) -> TrainResult:
    """The traced step repeated ``steps`` times on the same example (plain SGD, batch 1,
    one update per epoch), cached; a cut run says why."""
    x = np.array([trace.x])
    run = train_view.cached_train(
        x,
        np.array([int(trace.y)]),
        backprop.spec(trace.activation),
        "binary",
        2,
        page.t("train.progress"),
        optimizer="sgd",
        learning_rate=trace.learning_rate,
        loss=trace.loss_name,
        batch_size=1,
        epochs=int(steps),
        seed=trace.seed,
        grid_cells=None,
    )
    train_view.explain_stop(page, run)
    return run


def keras_code(trace: backprop.StepTrace, steps: int) -> str:
    """The Keras program of the repeated step, with the example itself."""
    code = train_view.keras_code(
        backprop.spec(trace.activation),
        2,
        "binary",
        2,
        "sgd",
        trace.learning_rate,
        trace.loss_name,
        f"x, y, batch_size=1, epochs={int(steps)}",
    )
    x1, x2 = (float(v) for v in trace.x)
    return f"x = np.array([[{x1:g}, {x2:g}]])\ny = np.array([{int(trace.y)}])\n" + code
