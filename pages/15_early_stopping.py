"""B12 -- Early stopping: stop where validation stops improving, keep the best weights."""

import streamlit as st

from charts import training_frames
from charts import validation as validation_charts
from charts.numbers import plain
from lessons import early_stopping, remedies
from sim.training import NetSpec, default_loss
from ui import early_view, train_view, validation_view
from ui.chart_view import plot
from ui.page import notice_box, setup
from ui.player import player

SPEC = NetSpec(hidden=(64, 64))  # big enough to memorise a noisy moon
LEARNING_RATE = 0.01
BATCH = 32
SPLIT = 0.3

page = setup("early")
t = page.t
st.markdown(t("early.summary"))

# The boundary and its player come first on screen; the settings below them are read first.
chart_col, side_col = st.columns([1.25, 1], vertical_alignment="top")
with st.container(border=True):
    chosen = early_view.early_settings(page)
x, y, task, n_classes, seed = chosen.x, chosen.y, chosen.task, chosen.n_classes, chosen.seed
epochs, monitor, restore = chosen.epochs, chosen.monitor, chosen.restore
x_train, y_train, x_val, y_val = early_stopping.validation_tail(x, y, SPLIT)
fit = dict(learning_rate=LEARNING_RATE, batch_size=BATCH, epochs=int(epochs), seed=seed)
fit |= dict(validation_split=SPLIT, evaluate={"val": (x_val, y_val)})
progress = t("train.progress")
full = train_view.cached_train(x, y, SPEC, task, n_classes, progress, **fit)
run = train_view.cached_train(
    x, y, SPEC, task, n_classes, progress, early_stopping=chosen.stopper, grid_cells=None, **fit
)
train_view.explain_stop(page, full)

metric = monitor.removeprefix("val_")  # the curve family shown: loss or accuracy
values = run.history.get(monitor, [])
best = run.best_epoch if values else None
stop = run.stopped_epoch
trained = len(run.epochs)
frame_notices = early_stopping.frame_notices(full.history, monitor, best, stop)

with side_col:
    run_id = (chosen.name, len(x), seed, st.session_state.get("noise"), int(epochs))
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
    monitor, chosen.patience, chosen.min_delta, restore, best, stop, values, final, full.history
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
loss, callback = default_loss(task), early_stopping.callback_code(chosen.stopper)
code = train_view.keras_code(
    SPEC, x.shape[1], task, n_classes, "adam", LEARNING_RATE, loss, fit_args, extra_lines=callback
)
train_view.show_keras_code(page, code)
train_view.download_history(page, run, "early_stopping_history.csv")
page.finish()
