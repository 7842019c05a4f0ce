"""B12 -- Early stopping: stop where validation stops improving, keep the best weights."""

import streamlit as st

from charts import training_frames
from charts import validation as validation_charts
from charts.numbers import plain
from lessons import early_stopping, remedies
from sim.training import NetSpec, default_loss
from ui import controls, train_view, validation_view
from ui.chart_view import plot
from ui.page import notice_box, setup
from ui.player import player

SPEC = NetSpec(hidden=(64, 64))  # big enough to memorise a noisy moon
LEARNING_RATE = 0.01
BATCH = 32
SPLIT = 0.3
MONITORS = ("val_loss", "val_accuracy")

page = setup("early")
t = page.t
st.markdown(t("early.summary"))

# The boundary and its player come first on screen; the settings below them are read first.
chart_col, side_col = st.columns([1.25, 1], vertical_alignment="top")
left, right = st.container(border=True).columns([1, 1.3])
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

    def setting(key: str, name: str, low, high, default, box, **kwargs):
        label, hint = t(f"early.{name}"), t(f"early.{name}_help")
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

stopper = dict(monitor=monitor, min_delta=float(min_delta), patience=int(patience))
stopper |= dict(restore_best_weights=bool(restore), start_from_epoch=int(start_from))
x_train, y_train, x_val, y_val = early_stopping.validation_tail(x, y, SPLIT)
fit = dict(learning_rate=LEARNING_RATE, batch_size=BATCH, epochs=int(epochs), seed=seed)
fit |= dict(validation_split=SPLIT, evaluate={"val": (x_val, y_val)})
progress = t("train.progress")
full = train_view.cached_train(x, y, SPEC, task, n_classes, progress, **fit)
run = train_view.cached_train(
    x, y, SPEC, task, n_classes, progress, early_stopping=stopper, grid_cells=None, **fit
)
train_view.explain_stop(page, full)

metric = monitor.removeprefix("val_")  # the curve family shown: loss or accuracy
values = run.history.get(monitor, [])
best = run.best_epoch if values else None
stop = run.stopped_epoch
trained = len(run.epochs)
frame_notices = early_stopping.frame_notices(full.history, monitor, best, stop)

with side_col:
    run_id = (name, len(x), seed, st.session_state.get("noise"), int(epochs))
    unit, n_frames = t("common.unit_epoch"), len(full.epochs) + 1
    frames = player(page, "early", n_frames, run_id=run_id, unit=unit, fps=10)
    lines = validation_view.frame_lines(page, frame_notices)
    plot(st, training_frames.readout(lines, frames), width="stretch")
    st.markdown(f"**{t('early.chart_title')}**")
    series = (t("train.series_train"), t("train.series_val"))
    titles = (t("train.epoch_axis"), t(f"train.metric_{metric}"), t("train.legend_curve"))
    labels = {
        mark: t(f"early.marker_{mark}", epoch=e) for mark, e in (("best", best), ("stop", stop))
    }
    labels["window"] = t("early.window_label", n=(stop or 0) - (best or 0))
    run_rows, full_rows = (remedies.curve_rows(r, series, metric) for r in (run, full))
    curves = validation_charts.stopping_chart(
        run_rows, full_rows, frames, series, titles, best, stop, labels
    )
    plot(st, curves, width="stretch")

with chart_col:
    st.markdown(f"**{t('early.boundary_title')}**")
    keep = [e for e in (best, stop) if e is not None]
    boundary = validation_view.boundary(
        page, full, frames, (x_train, y_train), (x_val, y_val), n_classes, keep=keep
    )
    plot(st, boundary, width="content")

st.markdown(t("early.intro"))
st.caption(t("early.curve_caption"))
st.markdown(t("early.analogy"))

# --- which weights you end with, and what to notice ---------------------------------------
final = run.final.get("val", {}).get(metric)
said = early_stopping.notices(
    monitor, patience, min_delta, restore, best, stop, values, final, full.history
)
if said:
    end_epoch, total = (best if restore else trained), full.epochs[-1]
    st.markdown(f"**{t('early.ended_title', metric=t(f'early.metric_name_{monitor}'))}**")
    validation_view.metrics(
        [
            (t("early.metric_end", epoch=end_epoch), plain(final, 3)),
            (t("early.metric_best", epoch=best), plain(values[best - 1], 3)),
            (t("early.metric_full", epoch=total), plain(full.history[monitor][-1], 3)),
            (t("early.metric_epochs"), t("early.metric_epochs_value", n=trained, total=total)),
        ]
    )
    notice_box(page, said)

fit_args = f"x, y, batch_size={BATCH}, epochs={int(epochs)}, validation_split={SPLIT}"
fit_args += ", callbacks=[early]"
loss, callback = default_loss(task), early_stopping.callback_code(stopper)
code = train_view.keras_code(
    SPEC, x.shape[1], task, n_classes, "adam", LEARNING_RATE, loss, fit_args, extra_lines=callback
)
train_view.show_keras_code(page, code)
train_view.download_history(page, run, "early_stopping_history.csv")
page.finish()
