"""B3, B16 -- batch size trade-offs: one network trained with batch sizes 1, 8, 32, 128 and N
on the same data for the same epochs; loss per epoch and per update, curve noise, time per
epoch, updates per epoch and memory per batch."""

import streamlit as st

from charts import batches as batch_charts
from lessons import batches
from sim.training import NetSpec
from ui import batch_view, controls, train_view
from ui.chart_view import plot
from ui.page import notice_box, setup, words

SPEC = NetSpec(hidden=(16, 16))
RATES = (0.0003, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0)
# the cost bars: column of ``batches.bar_frame``, title, number format, symlog axis
COST_BARS = (
    ("ms", "batch.time_title", ".2f", False),
    ("updates_per_epoch", "batch.updates_title", "d", True),
    ("kb", "batch.memory_title", ".1f", False),
)

page = setup("batch")
t = page.t
st.markdown(t("batch.intro"))

with st.container(border=True):
    left, right = st.columns([1, 1])
    with left:
        st.markdown(f"**{t('batch.data_title')}**")
        name, x, y, task, n_classes, seed = train_view.dataset_controls(
            page, default="moons", n_default=200, n_max=600, noise_default=0.2
        )
    with right:
        st.markdown(f"**{t('batch.run_title')}**")
        epochs = controls.slider(
            page, "epochs", t("batch.epochs"), 2, 60, 20, help=t("batch.epochs_help")
        )
        lr = controls.value_slider(page, "lr", t("batch.lr"), RATES, 0.01, help=t("batch.lr_help"))

n = len(x)
epochs, lr = int(epochs), float(lr)
sizes = batches.sweep_sizes(n)
run_epochs = batches.sweep_epochs(epochs, n, sizes)
for capped in batches.sweep_capped(epochs, n, run_epochs):
    page.notice(words(t, capped))
fit = dict(learning_rate=lr, epochs=run_epochs, seed=seed, grid_cells=None)
results = batch_view.sweep_runs(page, x, y, SPEC, task, n_classes, sizes, **fit)
series = [batch_view.series_label(page, size, n) for size in sizes]
by_name = dict(zip(series, results.values(), strict=True))
table = batches.cost_rows(results, SPEC, x.shape[1], task, n_classes, n)

# --- curves -----------------------------------------------------------------------------------
loss_title, legend = t("train.metric_loss"), t("batch.legend")
left, right = st.columns(2)
with left:
    st.markdown(f"**{t('batch.epoch_chart_title')}**")
    by_epoch = batches.epoch_frame(by_name)
    chart = batch_charts.epoch_chart(by_epoch, series, t("train.epoch_axis"), loss_title, legend)
    plot(st, chart, width="stretch")
    st.caption(t("batch.epoch_chart_caption"))
with right:
    st.markdown(f"**{t('batch.update_chart_title')}**")
    by_update = batches.update_frame(by_name)
    axis = t("batch.update_axis")
    chart = batch_charts.update_chart(by_update, series, axis, loss_title, legend, height=260)
    plot(st, chart, width="stretch")
    st.caption(t("batch.update_chart_caption"))

# --- costs ------------------------------------------------------------------------------------
st.markdown(f"**{t('batch.costs_title')}**")
bars = batches.bar_frame(table, series)
bar_column, side = st.columns([2, 1])
side.markdown(t("batch.analogy"))
for column, (field, title, fmt, log) in zip(bar_column.columns(3), COST_BARS, strict=True):
    column.caption(t(title))
    chart = batch_charts.cost_bar(
        bars,
        field,
        series,
        t(title),
        legend,
        fmt=fmt,
        log=log,
        x_field="short",
        x_order=list(bars["short"]),
        x_title=legend,
    )
    plot(column, chart, width="stretch")
batch_view.cost_table(page, table, series)

# --- what to notice ---------------------------------------------------------------------------
for diverged in batches.diverged_sizes(table):
    page.warn(words(t, diverged))
notice_box(page, batches.sweep_notices(table, run_epochs, lr))

code = batch_view.keras_loop(SPEC, x.shape[1], task, n_classes, lr, sizes, run_epochs)
train_view.show_keras_code(page, code)
batch_view.download(page, results)
page.finish()
