"""B3, B16 -- batch size trade-offs: one network trained with batch sizes 1, 8, 32, 128 and N
on the same data for the same epochs; loss per epoch and per update, curve noise, time per
epoch, updates per epoch and memory per batch."""

import pandas as pd
import streamlit as st

from charts import batches as batch_charts
from charts import curves
from lessons import batches
from sim.training import NetSpec, default_loss
from ui import controls, train_view
from ui.chart_view import plot
from ui.download import csv_button
from ui.page import setup

SPEC = NetSpec(hidden=(16, 16))
RATES = (0.0003, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0)
GAP = 0.05  # a middle batch size this close to the best loss counts as "as good"

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
        lr = controls.value_slider(
            page,
            "lr",
            t("batch.lr"),
            RATES,
            0.01,
            help=t("batch.lr_help"),
        )

n = len(x)
epochs, lr = int(epochs), float(lr)
sizes = batches.sweep_sizes(n)
run_epochs = batches.sweep_epochs(epochs, n, sizes)
if run_epochs < epochs:
    page.notice(
        t("batch.epochs_capped", n=n, requested=epochs, cap=batches.MAX_UPDATES, epochs=run_epochs)
    )


def label(bs: int) -> str:
    return t("batch.series_full", batch=bs) if bs == n else t("batch.series_name", batch=bs)


results = {}
for bs in sizes:  # each run cached on its own inputs
    results[bs] = train_view.cached_train(
        x,
        y,
        SPEC,
        task,
        n_classes,
        f"{t('train.progress')} {label(bs)}",
        learning_rate=lr,
        batch_size=bs,
        epochs=run_epochs,
        seed=seed,
        grid_cells=None,
    )
for result in results.values():
    if result.stopped_reason == "time_budget":
        train_view.explain_stop(page, result)
series = [label(bs) for bs in sizes]
by_label = {label(bs): results[bs] for bs in sizes}
table = batches.cost_rows(results, SPEC, x.shape[1], task, n_classes, n)
table["series"] = series

# --- curves -----------------------------------------------------------------------------------
rows = [
    {"series": label(bs), "epoch": e, "loss": v}
    for bs, result in results.items()
    for e, v in zip(result.epochs, result.history.get("loss", []), strict=False)
]
epoch_frame = pd.DataFrame(rows, columns=["series", "epoch", "loss"])
c1, c2 = st.columns(2)
with c1:
    st.markdown(f"**{t('batch.epoch_chart_title')}**")
    plot(
        st,
        curves.loss_chart(
            epoch_frame,
            series,
            t("train.epoch_axis"),
            t("train.metric_loss"),
            t("batch.legend"),
            x_field="epoch",
            y_field="loss",
        ),
        width="stretch",
    )
    st.caption(t("batch.epoch_chart_caption"))
with c2:
    st.markdown(f"**{t('batch.update_chart_title')}**")
    plot(
        st,
        batch_charts.update_chart(
            batches.update_frame(by_label),
            series,
            t("batch.update_axis"),
            t("train.metric_loss"),
            t("batch.legend"),
            height=260,
        ),
        width="stretch",
    )
    st.caption(t("batch.update_chart_caption"))

# --- costs ------------------------------------------------------------------------------------
st.markdown(f"**{t('batch.costs_title')}**")
bars = table.assign(
    ms=table["seconds_per_epoch"] * 1000,
    kb=table["memory_bytes"] / 1024,
    short=[str(bs) for bs in sizes],
)
shorts = list(bars["short"])
axis = dict(x_field="short", x_order=shorts, x_title=t("batch.legend"))
bar_col, side = st.columns([2, 1])
side.markdown(t("batch.analogy"))
b1, b2, b3 = bar_col.columns(3)
b1.caption(t("batch.time_title"))
b2.caption(t("batch.updates_title"))
b3.caption(t("batch.memory_title"))
plot(
    b1,
    batch_charts.cost_bar(
        bars, "ms", series, t("batch.time_title"), t("batch.legend"), fmt=".2f", **axis
    ),
    width="stretch",
)
plot(
    b2,
    batch_charts.cost_bar(
        bars,
        "updates_per_epoch",
        series,
        t("batch.updates_title"),
        t("batch.legend"),
        fmt="d",
        log=True,
        **axis,
    ),
    width="stretch",
)
plot(
    b3,
    batch_charts.cost_bar(
        bars, "kb", series, t("batch.memory_title"), t("batch.legend"), fmt=".1f", **axis
    ),
    width="stretch",
)
shown = pd.DataFrame(
    {
        t("batch.col_batch"): series,
        t("batch.col_updates_epoch"): table["updates_per_epoch"],
        t("batch.col_updates"): table["updates"],
        t("batch.col_time_epoch"): (table["seconds_per_epoch"] * 1000).round(2),
        t("batch.col_time"): table["seconds"].round(3),
        t("batch.col_loss"): table["final_loss"].round(4),
        t("batch.col_noise"): table["noise"].round(4),
        t("batch.col_memory"): (table["memory_bytes"] / 1024).round(1),
        t("batch.col_activations"): (table["activation_bytes"] / 1024).round(1),
    }
)
st.table(shown, hide_index=True)
st.caption(t("batch.costs_caption", window=batches.NOISE_WINDOW))

# --- what to notice ---------------------------------------------------------------------------
small, big = sizes[0], sizes[-1]
row = {bs: r for bs, r in zip(sizes, table.to_dict("records"), strict=True)}


def ms(bs: int) -> str:
    return f"{row[bs]['seconds_per_epoch'] * 1000:.1f}"


def f3(v: float) -> str:
    return f"{v:.3f}"


with st.container(border=True):
    st.markdown(f"**{t('common.notice_title')}**")
    if len(sizes) > 1:
        st.markdown(
            t(
                "batch.notice_speed",
                small=small,
                small_updates=row[small]["updates_per_epoch"],
                small_ms=ms(small),
                big=big,
                big_updates=row[big]["updates_per_epoch"],
                big_ms=ms(big),
            )
        )
    finite = {bs: row[bs]["final_loss"] for bs in sizes if row[bs]["epochs"] > 0}
    if finite:
        best = min(finite, key=finite.get)
        if best != big:
            st.markdown(
                t(
                    "batch.notice_small_wins",
                    epochs=run_epochs,
                    best=best,
                    best_loss=f3(finite[best]),
                    full_loss=f3(finite.get(big, float("nan"))),
                )
            )
        elif len(sizes) > 1:
            st.markdown(
                t(
                    "batch.notice_big_wins",
                    epochs=run_epochs,
                    best=best,
                    best_loss=f3(finite[best]),
                    small=small,
                    small_loss=f3(finite.get(small, float("nan"))),
                    lr=f"{lr:g}",
                )
            )
        middle = [bs for bs in sizes if 8 < bs < big and bs in finite and bs != best]
        if middle and small in finite:
            mid = min(middle, key=finite.get)
            if finite[mid] - finite[best] <= GAP and float(ms(mid)) < float(ms(small)):
                st.markdown(
                    t(
                        "batch.notice_middle",
                        mid=mid,
                        gap=GAP,
                        mid_loss=f3(finite[mid]),
                        best_loss=f3(finite[best]),
                        mid_ms=ms(mid),
                        small_ms=ms(small),
                    )
                )
    if len(sizes) > 1:
        st.markdown(
            t(
                "batch.notice_noise",
                small=small,
                small_noise=f3(row[small]["noise"]),
                big_noise=f3(row[big]["noise"]),
            )
        )
        st.markdown(
            t(
                "batch.notice_memory",
                small=small,
                small_kb=f"{row[small]['memory_bytes'] / 1024:.1f}",
                big=big,
                big_kb=f"{row[big]['memory_bytes'] / 1024:.1f}",
                act_kb=f"{row[big]['activation_bytes'] / 1024:.1f}",
            )
        )
    diverged = [str(bs) for bs in sizes if row[bs]["diverged"]]
    if diverged:
        text = t("batch.notice_diverged", batches=", ".join(diverged))
        page.warn(text)
        st.markdown(text)

base = train_view.keras_code(
    SPEC,
    x.shape[1],
    task,
    n_classes,
    "adam",
    lr,
    default_loss(task),
    f"x, y, batch_size=batch_size, epochs={run_epochs}",
)
code = "\n".join(
    [
        "histories = {}",
        f"for batch_size in [{', '.join(str(bs) for bs in sizes)}]:",
        *("    " + line for line in base.splitlines()),
    ]
).replace("    history = model.fit", "    histories[batch_size] = model.fit")
train_view.show_keras_code(page, code)


def with_times(bs: int, result) -> pd.DataFrame:
    frame = result.wide_frame()
    times = list(result.epoch_times[: len(frame)])
    frame.insert(0, "batch_size", bs)
    frame["seconds"] = times + [float("nan")] * (len(frame) - len(times))
    return frame


csv_button(
    t("batch.download"),
    lambda: pd.concat([with_times(bs, r) for bs, r in results.items()], ignore_index=True),
    "batch_size_history.csv",
)
page.finish()
