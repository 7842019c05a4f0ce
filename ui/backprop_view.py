"""The forward/backward lesson's Streamlit pieces: the cached traced step, the stage panels
the player shows one at a time, and the repeated step's run."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import streamlit as st

from charts import backprop_frames
from lessons import backprop
from sim import caps
from sim.training import TrainResult
from ui import controls, train_view
from ui.page import Page

RATES = (0.01, 0.03, 0.1, 0.3, 0.5, 1.0, 3.0, 10.0, 30.0)
LOSS_SHORT = {"binary_crossentropy": "bce", "mse": "mse"}


@dataclass(frozen=True)
class Settings:
    """The traced step's inputs: the example ``(x1, x2)`` with its ``target``, the network's
    ``activation``, the ``loss``, the learning rate and the seed of the first weights."""

    x1: float
    x2: float
    target: int
    activation: str
    loss: str
    lr: float
    seed: int

    @property
    def inputs(self) -> tuple:
        """``cached_trace``'s and ``cached_diagram``'s arguments (the player's run id)."""
        return (self.x1, self.x2, self.target, self.activation, self.loss, self.lr, self.seed)


def settings_controls(page: Page) -> Settings:
    """The example (inputs, target, seed) beside the network (activation, loss, rate), each
    bound to the URL (``?x1=&x2=&y=&seed=&act=&loss=&lr=``)."""
    t = page.t
    left, right = st.columns(2)
    with left:
        st.markdown(f"**{t('backprop.example_title')}**")
        c1, c2 = st.columns(2)
        inputs = dict(step=0.1, fmt="%.1f", help=t("backprop.x_help"))
        x1 = controls.slider(page, "x1", "x₁", -2.0, 2.0, 1.0, container=c1, **inputs)
        x2 = controls.slider(page, "x2", "x₂", -2.0, 2.0, -0.5, container=c2, **inputs)
        target = controls.select(
            page,
            "y",
            t("backprop.target"),
            (1, 0),
            1,
            format_func=lambda k: t("backprop.target_option", k=k),
            help=t("backprop.target_help"),
            kind="segmented",
        )
        seed = controls.number(
            page, "seed", t("backprop.seed"), 0, 9999, 0, step=1, help=t("backprop.seed_help")
        )
    with right:
        st.markdown(f"**{t('backprop.network_title')}**")
        activation = controls.select(
            page,
            "act",
            t("backprop.activation"),
            backprop.ACTIVATIONS,
            "tanh",
            format_func=lambda a: t(f"backprop.act_{a}"),
            help=t("backprop.activation_help"),
            kind="segmented",
        )
        loss = controls.select(
            page,
            "loss",
            t("backprop.loss"),
            backprop.LOSSES,
            "binary_crossentropy",
            format_func=lambda name: t(f"backprop.loss_{LOSS_SHORT[name]}"),
            help=t("backprop.loss_help"),
            kind="segmented",
        )
        lr = controls.value_slider(
            page, "lr", t("common.learning_rate"), RATES, 0.5, help=t("backprop.lr_help")
        )
    return Settings(float(x1), float(x2), int(target), activation, loss, float(lr), int(seed))


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
