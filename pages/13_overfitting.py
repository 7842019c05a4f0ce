"""B4, B8, B9 -- Underfitting and overfitting: learning curves with the regions marked, the
decision boundary over epochs, and a capacity control."""

import streamlit as st

from charts import fit_regions as fit_region_charts
from charts import training_frames
from charts.numbers import plain
from lessons import epoch_budget, fit_regions
from sim import caps
from sim.datasets import train_val_test_split
from sim.training import NetSpec, default_loss
from ui import controls, train_view, validation_view
from ui.chart_view import plot
from ui.page import notice_box, setup
from ui.player import player

LEARNING_RATE = 0.005
BATCH = 16
VAL = 0.3
UNITS = (1, 2, 4, 8, 16, 32, 64, caps.MAX_HIDDEN_UNITS)
MAX_LAYERS, MAX_EPOCHS = caps.MAX_HIDDEN_LAYERS, caps.MAX_EPOCHS
SNAP = 5  # a boundary picture every SNAP epochs or more: at most caps.MAX_FRAME_PICTURES

page = setup("curves")
t = page.t
st.markdown(t("curves.summary"))

# The boundary and its player come first on screen; the settings below them are read first.
chart_col, side_col = st.columns([1.25, 1], vertical_alignment="top")
settings = st.container(border=True)
left, right = settings.columns([1, 1])
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
        UNITS,
        64,
        help=t("curves.units_help"),
        kind="select_slider",
    )
    layers = controls.slider(
        page, "layers", t("curves.layers"), 1, MAX_LAYERS, 2, help=t("curves.layers_help")
    )
    epochs = controls.slider(
        page,
        "epochs",
        t("curves.epochs"),
        20,
        MAX_EPOCHS,
        150,
        step=10,
        help=t("curves.epochs_help"),
    )

spec = NetSpec(hidden=(int(units),) * int(layers))
parts = train_val_test_split(x, y, VAL, 0.0, seed=seed)
xt, yt, xv, yv = parts["x_train"], parts["y_train"], parts["x_val"], parts["y_val"]
every = max(SNAP, training_frames.picture_every(int(epochs)))
fit = dict(learning_rate=LEARNING_RATE, batch_size=BATCH, epochs=int(epochs), seed=seed)
result = train_view.cached_train(
    xt,
    yt,
    spec,
    task,
    n_classes,
    t("train.progress"),
    validation_data=(xv, yv),
    snapshot_every=every,
    **fit,
)
train_view.explain_stop(page, result)
trained = len(result.epochs)
stopped = result.stopped_reason is not None
validation_view.say(page, epoch_budget.capped(int(epochs), len(xt), trained, stopped))

hist = result.history
chance = fit_regions.chance_loss(yt, task)
regions = fit_regions.regions(hist["loss"], hist["val_loss"], hist.get("accuracy"), chance=chance)
labels = {r: t(f"curves.region_{r}") for r in fit_region_charts.REGION_COLOURS}
lines = validation_view.frame_lines(page, fit_regions.frame_notices(regions, hist))

with side_col:
    run_id = (name, len(x), seed, st.session_state.get("noise"), spec, int(epochs))
    frames = player(page, "curves", trained + 1, run_id=run_id, unit=t("common.unit_epoch"), fps=10)
    plot(st, training_frames.readout(lines, frames), width="stretch")
    best = fit_region_charts.best_marker(regions.best, t("curves.marker_best", epoch=regions.best))
    axis = fit_regions.loss_axis(hist["loss"], hist["val_loss"])
    curves = training_frames.history_chart(
        t, result, "loss", markers=best, y_domain=axis, height=220, frames=frames
    )
    bands = fit_region_charts.band_chart(regions, labels)
    plot(st, fit_region_charts.learning_curves(bands, curves), width="stretch")

with chart_col:
    st.markdown(f"**{t('curves.boundary_title')}**")
    boundary = validation_view.boundary(page, result, frames, (xt, yt), (xv, yv), n_classes)
    plot(st, boundary, width="content")

st.markdown(t("curves.intro"))
st.caption(t("curves.curve_caption"))
st.markdown(t("curves.analogy"))
validation_view.metrics(
    [
        (t("curves.metric_train"), plain(regions.train_end, 3)),
        (t("curves.metric_val"), plain(regions.val_end, 3)),
        (t("curves.metric_best", epoch=regions.best), plain(regions.val_best, 3)),
        (t("curves.metric_gap"), plain(regions.gap_end, 3)),
    ]
)
notice_box(page, fit_regions.notices(regions, hist, int(units), int(layers), len(xt)))

fit_args = f"x_train, y_train, batch_size={BATCH}, epochs={trained}, validation_data=(x_val, y_val)"
code = train_view.keras_code(
    spec, x.shape[1], task, n_classes, "adam", LEARNING_RATE, default_loss(task), fit_args
)
train_view.show_keras_code(page, code)
train_view.download_history(page, result, "overfitting_history.csv")
page.finish()
