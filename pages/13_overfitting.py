"""B4, B8, B9 -- Underfitting and overfitting: learning curves with the regions marked, the
decision boundary over epochs, and a capacity control."""

import altair as alt
import numpy as np
import pandas as pd
import streamlit as st

from charts import fit_regions as fit_region_charts
from charts import layout, training_frames
from lessons import fit_regions
from sim import caps
from sim.datasets import train_val_test_split
from sim.training import NetSpec, default_loss
from ui import controls, pictures, train_view
from ui.chart_view import plot
from ui.page import setup
from ui.player import player

LEARNING_RATE = 0.005
BATCH = 16
VAL = 0.3
SNAP = 5  # a boundary picture every SNAP epochs or more: at most caps.MAX_FRAME_PICTURES

page = setup("curves")
t = page.t
st.markdown(t("curves.summary"))

# The boundary and its player come first on screen; the settings below them are read first.
chart_col, side_col = st.columns([1.25, 1], vertical_alignment="top")
settings = st.container(border=True)
with settings:
    left, right = st.columns([1, 1])
    with left:
        st.markdown(f"**{t('curves.data_title')}**")
        name, x, y, task, n_classes, seed = train_view.dataset_controls(
            page, default="moons", n_default=100, n_max=600, noise_default=0.3
        )
    with right:
        st.markdown(f"**{t('curves.capacity_title')}**")
        units = controls.select(
            page,
            "units",
            t("curves.units"),
            [1, 2, 4, 8, 16, 32, 64, caps.MAX_HIDDEN_UNITS],
            64,
            help=t("curves.units_help"),
            kind="select_slider",
        )
        layers = controls.slider(
            page,
            "layers",
            t("curves.layers"),
            1,
            caps.MAX_HIDDEN_LAYERS,
            2,
            help=t("curves.layers_help"),
        )
        epochs = controls.slider(
            page,
            "epochs",
            t("curves.epochs"),
            20,
            caps.MAX_EPOCHS,
            150,
            step=10,
            help=t("curves.epochs_help"),
        )

spec = NetSpec(hidden=(int(units),) * int(layers))
parts = train_val_test_split(x, y, VAL, 0.0, seed=seed)
xt, yt, xv, yv = parts["x_train"], parts["y_train"], parts["x_val"], parts["y_val"]
result = train_view.cached_train(
    xt,
    yt,
    spec,
    task,
    n_classes,
    t("train.progress"),
    learning_rate=LEARNING_RATE,
    batch_size=BATCH,
    epochs=int(epochs),
    validation_data=(xv, yv),
    seed=seed,
    snapshot_every=max(SNAP, training_frames.picture_every(int(epochs))),
)
train_view.explain_stop(page, result)
if len(result.epochs) < int(epochs) and result.stopped_reason is None:
    page.notice(
        t("train.epochs_capped", requested=int(epochs), samples=len(xt), epochs=len(result.epochs))
    )

hist = result.history
chance = fit_regions.chance_loss(yt, task)
regions = fit_regions.regions(hist["loss"], hist["val_loss"], hist.get("accuracy"), chance=chance)
labels = {r: t(f"curves.region_{r}") for r in fit_regions.REGION_COLOURS}


def f3(v: float) -> str:
    return f"{v:.3f}"


# --- the animation: one frame per epoch, 0 = before training ---------------------------------
n_frames = len(result.epochs) + 1
split = ["train"] * len(xt) + ["val"] * len(xv)
split_names = {"train": t("train.series_train"), "val": t("train.series_val")}
x_all = np.concatenate([xt, xv])
y_all = np.concatenate([yt, yv])
lines = [t("curves.frame_start")]
for epoch in result.epochs:
    region = regions.region_of(epoch)
    caption = t(
        "curves.frame_caption",
        epoch=epoch,
        loss=f3(hist["loss"][epoch - 1]),
        val_loss=f3(hist["val_loss"][epoch - 1]),
        region=labels[region],
    )
    lines.append(f"{caption}\n{t(f'curves.frame_{region}')}")

with side_col:
    frames = player(
        page,
        "curves",
        n_frames,
        run_id=(
            name,
            len(x),
            seed,
            st.session_state.get("noise"),
            int(units),
            int(layers),
            int(epochs),
        ),
        unit=t("common.unit_epoch"),
        fps=10,
    )
    plot(st, training_frames.readout(lines, frames), width="stretch")
    marks = pd.DataFrame(
        [{"epoch": regions.best, "label": t("curves.marker_best", epoch=regions.best)}]
    )
    axis = fit_regions.loss_axis(hist["loss"], hist["val_loss"])
    # the regions' legend above the plot: two legends side by side below it overflow the column
    bands = fit_region_charts.band_chart(regions, labels).encode(
        color=alt.Color(
            "label:N",
            scale=alt.Scale(
                domain=[labels[r] for r in fit_regions.REGION_COLOURS],
                range=list(fit_regions.REGION_COLOURS.values()),
            ),
            legend=alt.Legend(orient="top", title=None),
        )
    )
    curves = train_view.history_chart(
        page, result, "loss", markers=marks, y_domain=axis, height=220, frames=frames
    )
    plot(
        st,
        layout.fit_width(alt.layer(bands, curves).resolve_scale(color="independent")),
        width="stretch",
    )

with chart_col:
    st.markdown(f"**{t('curves.boundary_title')}**")
    plot(
        st,
        training_frames.boundary_chart(
            t,
            result,
            frames,
            x_all,
            y_all,
            n_classes,
            split,
            split_names,
            pictures=pictures.boundary_urls,
        ),
        width="content",
    )

st.markdown(t("curves.intro"))
st.caption(t("curves.curve_caption"))
st.markdown(t("curves.analogy"))
m1, m2, m3, m4 = st.columns(4)
m1.metric(t("curves.metric_train"), f3(regions.train_end))
m2.metric(t("curves.metric_val"), f3(regions.val_end))
m3.metric(t("curves.metric_best", epoch=regions.best), f3(regions.val_best))
m4.metric(t("curves.metric_gap"), f3(regions.gap_end))

with st.container(border=True):
    st.markdown(f"**{t('common.notice_title')}**")
    acc = hist.get("accuracy", [0.0])[-1]
    val_acc = hist.get("val_accuracy", [0.0])[-1]
    numbers = dict(
        units=int(units),
        layers=int(layers),
        n=len(xt),
        best=regions.best,
        last=regions.last,
        val_best=f3(regions.val_best),
        val_end=f3(regions.val_end),
        train_end=f3(regions.train_end),
        acc=f"{acc:.0%}",
        val_acc=f"{val_acc:.0%}",
        over=regions.overfit_start or 0,
        chance=f3(regions.chance or 0.0),
    )
    st.markdown(t(f"curves.notice_{regions.outcome}", **numbers))

code = train_view.keras_code(
    spec,
    x.shape[1],
    task,
    n_classes,
    "adam",
    LEARNING_RATE,
    default_loss(task),
    f"x_train, y_train, batch_size={BATCH}, epochs={len(result.epochs)}, "
    "validation_data=(x_val, y_val)",
)
train_view.show_keras_code(page, code)
train_view.download_history(page, result, "overfitting_history.csv")
page.finish()
