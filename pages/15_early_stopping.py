"""B12 -- Early stopping: stop where validation stops improving, keep the best weights."""

import altair as alt
import pandas as pd
import streamlit as st

from charts import layout, training_frames
from charts import validation as validation_charts
from lessons import early_stopping
from sim.training import NetSpec, default_loss
from ui import controls, pictures, train_view
from ui.chart_view import plot
from ui.page import setup
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
with st.container(border=True):
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
        patience = controls.slider(
            page,
            "patience",
            t("early.patience"),
            0,
            20,
            5,
            help=t("early.patience_help"),
            container=c1,
        )
        min_delta = controls.slider(
            page,
            "delta",
            t("early.min_delta"),
            0.0,
            0.05,
            0.0,
            step=0.005,
            fmt="%.3f",
            help=t("early.min_delta_help"),
            container=c2,
        )
        start_from = controls.slider(
            page,
            "start",
            t("early.start_from"),
            0,
            20,
            0,
            help=t("early.start_from_help"),
            container=c1,
        )
        with c2:
            st.write("")
            restore = controls.toggle(
                page, "restore", t("early.restore"), True, help=t("early.restore_help")
            )

stopper = {
    "monitor": monitor,
    "min_delta": float(min_delta),
    "patience": int(patience),
    "restore_best_weights": bool(restore),
    "start_from_epoch": int(start_from),
}
_, _, x_val, y_val = early_stopping.validation_tail(x, y, SPLIT)
fit = dict(
    learning_rate=LEARNING_RATE,
    batch_size=BATCH,
    epochs=int(epochs),
    validation_split=SPLIT,
    seed=seed,
    evaluate={"val": (x_val, y_val)},
)
full = train_view.cached_train(x, y, SPEC, task, n_classes, t("train.progress"), **fit)
run = train_view.cached_train(
    x,
    y,
    SPEC,
    task,
    n_classes,
    t("train.progress"),
    early_stopping=stopper,
    grid_cells=None,
    **fit,
)
train_view.explain_stop(page, full)

metric = monitor.removeprefix("val_")  # the curve family shown: loss or accuracy
metric_name = t(f"early.metric_name_{monitor}")
values = run.history.get(monitor, [])
best = run.best_epoch if values else None
stop = run.stopped_epoch
trained = len(run.epochs)
end_epoch = best if (restore and best) else trained


def f3(v: float) -> str:
    return f"{v:.3f}"


# --- the curves: the early-stopped run over the faint full run -----------------------------
def long(result, after: int = 0) -> pd.DataFrame:
    rows = []
    for key, label in ((metric, t("train.series_train")), (monitor, t("train.series_val"))):
        for e, v in zip(result.epochs, result.history.get(key, []), strict=False):
            if e >= after:
                rows.append({"series": label, "epoch": e, "value": v})
    return pd.DataFrame(rows, columns=["series", "epoch", "value"])


series = [t("train.series_train"), t("train.series_val")]


def curves_chart(frames) -> alt.LayerChart:
    """The early-stopped run's curves over the faint rest of the full run, its patience
    window and best/stop markers, and a rule and dots at the player's epoch (the dots ride
    on the full run, the same numbers as the early-stopped run up to its stop)."""
    layers = []
    if best is not None and stop is not None:
        window = {"start": best, "end": stop, "label": t("early.window_label", n=stop - best)}
        layers.append(validation_charts.window(pd.DataFrame([window])))
    curves = validation_charts.curves(
        long(run),
        series,
        t("train.epoch_axis"),
        t(f"train.metric_{metric}"),
        t("train.legend_curve"),
        faint=long(full, after=trained),
        height=240,
    )
    marker = training_frames.frame_marker(long(full), frames, series, t("train.legend_curve"))
    layers.append(alt.layer(curves, *marker).properties(height=240))
    marks = []
    if best is not None:
        marks.append({"epoch": best, "label": t("early.marker_best", epoch=best), "row": 0})
    if stop is not None:
        marks.append({"epoch": stop, "label": t("early.marker_stop", epoch=stop), "row": 1})
    if marks:
        layers.append(validation_charts.markers(pd.DataFrame(marks)))
    return frames.bind(layout.fit_width(alt.layer(*layers)))


split = ["train"] * (len(x) - len(x_val)) + ["val"] * len(x_val)
split_names = {"train": t("train.series_train"), "val": t("train.series_val")}


def status_at(epoch: int) -> str:
    """What early stopping is doing at ``epoch`` of the full run."""
    if epoch == 0:
        return t("early.status_start")
    if stop is not None and epoch > stop:
        return t("early.status_after", stop=stop)
    if stop is not None and epoch == stop:
        return t("early.status_stop")
    if epoch == best:
        return t("early.status_best")
    return t("early.status_before")


# --- the animation: the full run, one frame per epoch, 0 = before training -------------------
n_frames = len(full.epochs) + 1
full_train = full.history.get(metric, [])
full_val = full.history.get(monitor, [])
lines = [status_at(0)]
for epoch in full.epochs:
    caption = t(
        f"early.frame_caption_{metric}",
        epoch=epoch,
        train=f3(full_train[epoch - 1]),
        val=f3(full_val[epoch - 1]),
    )
    lines.append(f"{caption}\n{status_at(epoch)}")

with side_col:
    frames = player(
        page,
        "early",
        n_frames,
        run_id=(name, len(x), seed, st.session_state.get("noise"), int(epochs)),
        unit=t("common.unit_epoch"),
        fps=10,
    )
    plot(st, training_frames.readout(lines, frames), width="stretch")
    st.markdown(f"**{t('early.chart_title')}**")
    plot(st, curves_chart(frames), width="stretch")

with chart_col:
    st.markdown(f"**{t('early.boundary_title')}**")
    plot(
        st,
        training_frames.boundary_chart(
            t,
            full,
            frames,
            x,
            y,
            n_classes,
            split,
            split_names,
            keep=[e for e in (best, stop) if e is not None],
            pictures=pictures.boundary_urls,
        ),
        width="content",
    )

st.markdown(t("early.intro"))
st.caption(t("early.curve_caption"))
st.markdown(t("early.analogy"))

# --- which weights you end with ----------------------------------------------------------
ended = bool(values) and best is not None and "val" in run.final
if ended:
    final = run.final["val"][metric]
    best_value = values[best - 1]
    full_values = full.history[monitor]
    st.markdown(f"**{t('early.ended_title', metric=metric_name)}**")
    m1, m2, m3, m4 = st.columns(4)
    m1.metric(t("early.metric_end", epoch=end_epoch), f3(final))
    m2.metric(t("early.metric_best", epoch=best), f3(best_value))
    m3.metric(t("early.metric_full", epoch=full.epochs[-1]), f3(full_values[-1]))
    m4.metric(
        t("early.metric_epochs"),
        t("early.metric_epochs_value", n=trained, total=full.epochs[-1]),
    )

if ended:
    # What to notice: read off the two runs.
    with st.container(border=True):
        st.markdown(f"**{t('common.notice_title')}**")
        extreme = t(
            "early.extreme_high" if early_stopping.maximise(monitor) else "early.extreme_low"
        )
        no_gain = (
            t("early.no_gain_delta", d=f"{min_delta:g}") if min_delta > 0 else t("early.no_gain")
        )
        common = dict(
            m_topic=t(f"early.topic_{monitor}"),
            m_subj=t(f"early.subj_{monitor}"),
            m_obj=t(f"early.obj_{monitor}"),
            extreme=extreme,
            no_gain=no_gain,
            best=best,
            best_value=f3(best_value),
            patience=int(patience),
            epochs=full.epochs[-1],
            final=f3(final),
            full_end=f3(full_values[-1]),
        )
        if stop is not None:
            template = "early.notice_stopped_restore" if restore else "early.notice_stopped_keep"
            st.markdown(t(template, stop=stop, stop_value=f3(values[stop - 1]), **common))
            true_best, true_value = early_stopping.best_of(full_values, monitor)
            better = (
                true_value > best_value
                if early_stopping.maximise(monitor)
                else true_value < best_value
            )
            if true_best > stop and better:
                st.markdown(
                    t(
                        "early.notice_too_soon",
                        patience=int(patience),
                        m_topic=common["m_topic"],
                        true_best=true_best,
                        true_value=f3(true_value),
                    )
                )
            elif full.epochs[-1] > stop:
                st.markdown(
                    t(
                        "early.notice_later_best",
                        best=best,
                        extra=full.epochs[-1] - stop,
                        m_obj=common["m_obj"],
                        full_end=f3(full_values[-1]),
                    )
                )
        else:
            template = "early.notice_full_restore" if restore else "early.notice_full_keep"
            st.markdown(t(template, last_value=f3(values[-1]), **common))
        vl, va = full.history.get("val_loss", []), full.history.get("val_accuracy", [])
        if vl and va:
            low = int(min(range(len(vl)), key=vl.__getitem__))
            if vl[-1] > 1.2 * vl[low] and va[-1] >= va[low]:
                st.markdown(t("early.notice_accuracy_loss"))

loss = default_loss(task)
code = train_view.keras_code(
    SPEC,
    x.shape[1],
    task,
    n_classes,
    "adam",
    LEARNING_RATE,
    loss,
    f"x, y, batch_size={BATCH}, epochs={int(epochs)}, validation_split={SPLIT}, callbacks=[early]",
    extra_lines=(
        f'early = EarlyStopping(monitor="{monitor}", min_delta={min_delta:g}, '
        f"patience={int(patience)},",
        f"                      restore_best_weights={restore}, "
        f"start_from_epoch={int(start_from)})",
    ),
)
train_view.show_keras_code(page, code)
train_view.download_history(page, run, "early_stopping_history.csv")
page.finish()
