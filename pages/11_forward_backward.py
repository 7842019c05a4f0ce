"""B6 -- Forward and backward pass: one training step of a 2-3-1 network, number by number,
with the engine's own arrays (``lessons.backprop`` reads the ``Dense`` layers' caches)."""

import altair as alt
import numpy as np
import pandas as pd
import streamlit as st

from charts import backprop_frames, curves
from lessons import backprop
from sim import caps
from ui import controls, train_view
from ui.chart_view import plot
from ui.download import csv_button
from ui.page import setup
from ui.player import player

RATES = (0.01, 0.03, 0.1, 0.3, 0.5, 1.0, 3.0, 10.0, 30.0)
LOSS_SHORT = {"binary_crossentropy": "bce", "mse": "mse"}


@st.cache_data(max_entries=caps.CACHE_ENTRIES, show_spinner=False)
def cached_trace(x1, x2, y, activation, loss, lr, seed) -> backprop.StepTrace:
    return backprop.trace_step(x1, x2, y, activation, loss, lr, seed)


def f3(v: float) -> str:
    return f"{v:.3f}"


page = setup("backprop")
t = page.t
st.markdown(t("backprop.summary"))

# The diagram and its player come first on screen; the settings below them are read first.
chart_column, side_column = st.columns([1.25, 1], vertical_alignment="top")
settings = st.container(border=True)
with settings:
    left, right = st.columns(2)
    with left:
        st.markdown(f"**{t('backprop.example_title')}**")
        c1, c2 = st.columns(2)
        x1 = controls.slider(
            page,
            "x1",
            "x₁",
            -2.0,
            2.0,
            1.0,
            step=0.1,
            fmt="%.1f",
            help=t("backprop.x_help"),
            container=c1,
        )
        x2 = controls.slider(
            page,
            "x2",
            "x₂",
            -2.0,
            2.0,
            -0.5,
            step=0.1,
            fmt="%.1f",
            help=t("backprop.x_help"),
            container=c2,
        )
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
            page,
            "lr",
            t("common.learning_rate"),
            RATES,
            0.5,
            help=t("backprop.lr_help"),
        )

x1, x2, target, seed, lr = float(x1), float(x2), int(target), int(seed), float(lr)
trace = cached_trace(x1, x2, target, activation, loss, lr, seed)
last_stage = len(backprop.STAGES) - 1

# --- the traced step, stage by stage: one frame per stage ------------------------------------
with side_column:
    # one stage a second: slow enough to see which part of the diagram each stage lights up;
    # stepping (arrows, keys) gives a learner all the time the formulas need
    frames = player(
        page,
        "backprop",
        len(backprop.STAGES),
        run_id=(x1, x2, target, activation, loss, lr, seed),
        start_at_end=False,
        unit=t("common.unit_stage"),
        fps=1,
        panels=True,
    )
    st.caption(t("backprop.player_hint"))
    # every stage's words and formulas are sent once; the player shows the current stage's.
    # No gap between the panels: a hidden panel would still leave its gap behind.
    stage_panels = st.container(gap=None)
    for index, stage in enumerate(backprop.STAGES):
        with stage_panels.container(key=f"backprop_panel_{index}"):
            st.markdown(
                f"**{t('backprop.stage_counter', k=index, n=last_stage)} · "
                f"{t(f'backprop.stage_{stage}_title')}**"
            )
            st.markdown(t(f"backprop.stage_{stage}_text"))
            # the blocks one under another: each is a short derivation that fits this column
            for row in backprop.latex_rows(trace, stage):
                for block in row:
                    st.latex(block)
            st.markdown(t(f"backprop.stage_{stage}_analogy"))
            kind = "forward" if index <= 3 else ("backward" if index <= 5 else "update")
            st.caption(t(f"backprop.legend_{kind}"))

with chart_column:
    nodes, edges = backprop_frames.diagram_rows(trace)
    plot(st, backprop_frames.network_layers(nodes, edges, frames), width="stretch")

st.markdown(t("backprop.intro"))

# --- the same step repeated -----------------------------------------------------------------
st.subheader(t("backprop.section_repeat"))
steps = controls.slider(
    page, "steps", t("backprop.steps"), 1, 100, 30, help=t("backprop.steps_help")
)
xb, yb = np.array([[x1, x2]]), np.array([target])
spec = backprop.spec(activation)
run = train_view.cached_train(
    xb,
    yb,
    spec,
    "binary",
    2,
    t("train.progress"),
    optimizer="sgd",
    learning_rate=lr,
    loss=loss,
    batch_size=1,
    epochs=int(steps),
    seed=seed,
    grid_cells=None,
)
train_view.explain_stop(page, run)
losses = run.history.get("loss", [])
series = [t("backprop.series_loss")]
frame = pd.DataFrame(
    {"series": series[0], "epoch": run.epochs, "value": losses},
    columns=["series", "epoch", "value"],
)
layers = [
    curves.curves(
        frame,
        series,
        t("train.update_axis"),
        t("backprop.loss_axis"),
        t("train.legend_curve"),
        x_domain=(1, max(int(steps), 2)),
        height=300,
    ),
    curves.markers(
        pd.DataFrame(
            [{"epoch": 1, "label": t("backprop.marker_traced"), "row": 0, "colour": "#444444"}]
        )
    ),
]
chart_col, side_col = st.columns([1.5, 1])
with chart_col:
    plot(st, alt.layer(*layers), width="stretch")
    st.caption(t("backprop.repeat_caption"))
with side_col:
    st.markdown(t("backprop.repeat_analogy"))

# --- what to notice ---------------------------------------------------------------------------
h_mean, o_mean = backprop.gradient_sizes(trace)
big = backprop.biggest_change(trace)
name = (
    f"v{backprop.SUB[big['i']]}"
    if big["layer"] == 2
    else f"w{backprop.SUB[big['i']]}{backprop.SUB[big['j']]}"
)
dz = float(trace.output.dz[0, 0])
change = trace.loss_after - trace.loss
with st.container(border=True):
    st.markdown(f"**{t('common.notice_title')}**")
    common = dict(
        p=f3(trace.p),
        p_after=f3(trace.p_after),
        y=target,
        l0=f3(trace.loss),
        l1=f3(trace.loss_after),
        lr=f"{lr:g}",
    )
    if abs(change) < 5e-4:
        st.markdown(t("backprop.notice_flat", **common))
    elif change < 0:
        st.markdown(t("backprop.notice_down", **common))
    else:
        st.markdown(t("backprop.notice_up", **common))
    direction = "low" if dz < 0 else "high"
    st.markdown(
        t(
            f"backprop.notice_sign_{direction}",
            dz=f3(dz),
            weight=name,
            before=f3(big["before"]),
            after=f3(big["after"]),
            grad=f3(big["grad"]),
            lr=f"{lr:g}",
        )
    )
    if activation == "relu" and (trace.hidden.z[0] <= 0).any():
        dead = ", ".join(f"h{backprop.SUB[j + 1]}" for j in np.flatnonzero(trace.hidden.z[0] <= 0))
        st.markdown(t("backprop.notice_dead", units=dead))
    elif o_mean > 0 and h_mean < 0.5 * o_mean:
        st.markdown(
            t(
                "backprop.notice_hidden_small",
                ratio=f"{o_mean / h_mean:.1f}" if h_mean > 0 else "∞",
                act=t(f"backprop.act_{activation}"),
            )
        )
    else:
        st.markdown(t("backprop.notice_hidden_large", h=f3(h_mean), o=f3(o_mean)))
    if len(losses) >= 2:
        first, last = losses[0], losses[-1]
        few = dict(n=len(losses), l0=f3(first), ln=f3(last), peak=f3(max(losses)))
        if last < 0.5 * first:
            st.markdown(t("backprop.notice_repeat_learned", **few))
        elif last < first:
            st.markdown(t("backprop.notice_repeat_slow", **few))
        else:
            st.markdown(t("backprop.notice_repeat_worse", **few))
    if run.diverged:
        st.markdown(t("backprop.notice_diverged", epoch=run.diverged["epoch"]))

# --- the Keras program and the numbers ---------------------------------------------------------
code = train_view.keras_code(
    spec,
    2,
    "binary",
    2,
    "sgd",
    lr,
    loss,
    f"x, y, batch_size=1, epochs={int(steps)}",
)
code = f"x = np.array([[{x1:g}, {x2:g}]])\ny = np.array([{target}])\n" + code
train_view.show_keras_code(page, code)
st.caption(t("backprop.keras_note"))
d1, d2 = st.columns(2)
with d1:
    csv_button(t("backprop.download_trace"), trace.frame, "backprop_step.csv")
with d2:
    train_view.download_history(page, run, "backprop_repeated_history.csv")
page.finish()
