"""B10, B11 -- Train / validation / test: the split drawn on the data, validation never
updates the weights, a small search scored on validation, the winner checked once on test."""

import altair as alt
import numpy as np
import pandas as pd
import streamlit as st

from sim import caps
from sim.datasets import train_val_test_split
from sim.training import NetSpec, default_loss
from ui import controls, train_view
from ui.chart_view import plot
from ui.download import csv_button
from ui.page import setup

UNITS = (2, 8, 32, 128)
RATES = (0.003, 0.03)
assert len(UNITS) * len(RATES) <= caps.MAX_SWEEP
BATCH = 16
VAL, TEST = 0.2, 0.2

page = setup("splits")
t = page.t
st.markdown(t("splits.intro"))

with st.container(border=True):
    left, right = st.columns([1, 1])
    with left:
        st.markdown(f"**{t('splits.data_title')}**")
        name, x, y, task, n_classes, seed = train_view.dataset_controls(
            page, default="moons", n_default=200, n_max=600, noise_default=0.3
        )
    with right:
        st.markdown(f"**{t('splits.search_title')}**")
        st.markdown(
            t(
                "splits.search_grid",
                units=", ".join(map(str, UNITS)),
                rates=", ".join(f"{r:g}" for r in RATES),
                n=len(UNITS) * len(RATES),
            )
        )
        epochs = controls.slider(
            page, "epochs", t("splits.epochs"), 10, 150, 60, step=10, help=t("splits.epochs_help")
        )
        metric = controls.select(
            page,
            "score",
            t("splits.score"),
            ["accuracy", "loss"],
            "accuracy",
            format_func=lambda m: t(f"train.metric_{m}"),
            kind="segmented",
        )

parts = train_val_test_split(x, y, VAL, TEST, seed=seed)
xt, yt = parts["x_train"], parts["y_train"]
xv, yv = parts["x_val"], parts["y_val"]
xs, ys = parts["x_test"], parts["y_test"]
names = {
    "train": t("splits.set_train"),
    "val": t("splits.set_val"),
    "test": t("splits.set_test"),
}

# --- the search: every setting trained on mock exams 1-4, scored on mock exam 5 ----------
rows = []
progress = st.empty()
for i, (units, lr) in enumerate((u, r) for u in UNITS for r in RATES):
    progress.caption(t("splits.search_progress", i=i + 1, n=len(UNITS) * len(RATES)))
    run = train_view.cached_train(
        xt,
        yt,
        NetSpec(hidden=(units,)),
        task,
        n_classes,
        t("train.progress"),
        learning_rate=lr,
        batch_size=BATCH,
        epochs=int(epochs),
        validation_data=(xv, yv),
        seed=seed,
        grid_cells=None,
    )
    ok = not run.diverged and "val_loss" in run.history
    rows.append(
        {
            "units": units,
            "lr": lr,
            "val_loss": run.history["val_loss"][-1] if ok else np.nan,
            "val_accuracy": run.history.get("val_accuracy", [np.nan])[-1] if ok else np.nan,
            "diverged": not ok,
        }
    )
progress.empty()
table = pd.DataFrame(rows)
usable = table[~table["diverged"]]
if usable.empty:
    page.warn(t("splits.all_diverged"))
    page.stop()
key = f"val_{metric}"
pick = usable[key].idxmax() if metric == "accuracy" else usable[key].idxmin()
win_units, win_lr = int(table.loc[pick, "units"]), float(table.loc[pick, "lr"])
win_spec = NetSpec(hidden=(win_units,))
fit = dict(learning_rate=win_lr, batch_size=BATCH, epochs=int(epochs), seed=seed)
winner = train_view.cached_train(
    xt,
    yt,
    win_spec,
    task,
    n_classes,
    t("train.progress"),
    validation_data=(xv, yv),
    snapshot_every=int(epochs),
    evaluate={"val": (xv, yv), "test": (xs, ys)},
    **fit,
)
blind = train_view.cached_train(
    xt, yt, win_spec, task, n_classes, t("train.progress"), grid_cells=None, **fit
)
train_view.explain_stop(page, winner)
if table["diverged"].any():
    page.notice(t("splits.some_diverged", n=int(table["diverged"].sum())))

# --- the split on the data, with the winner's boundary -----------------------------------
x_all = np.concatenate([xt, xv, xs])
y_all = np.concatenate([yt, yv, ys])
split = ["train"] * len(xt) + ["val"] * len(xv) + ["test"] * len(xs)
pic_col, side_col = st.columns([1.2, 1])
with pic_col:
    st.markdown(f"**{t('splits.split_title')}**")
    plot(
        st,
        train_view.boundary_chart(
            page, winner, len(winner.snapshot_epochs) - 1, x_all, y_all, n_classes, split, names
        ),
        width="content",
    )
    st.caption(t("splits.split_caption", train=len(xt), val=len(xv), test=len(xs)))
with side_col:
    st.markdown(t("splits.analogy"))


# --- validation never updates the weights ------------------------------------------------
def checksum(weights) -> float:
    return float(sum(np.abs(w).sum() for w in weights))


same = all(np.array_equal(a, b) for a, b in zip(winner.weights, blind.weights, strict=True))
with st.container(border=True):
    st.markdown(f"**{t('splits.weights_title')}**")
    c1, c2 = st.columns(2)
    c1.metric(t("splits.checksum_with"), f"{checksum(winner.weights):.6f}")
    c2.metric(t("splits.checksum_without"), f"{checksum(blind.weights):.6f}")
    st.markdown(t("splits.weights_same" if same else "splits.weights_differ"))

# --- the search table, scored on validation ----------------------------------------------
st.markdown(f"**{t(f'splits.table_title_{metric}')}**")
heat = table.assign(
    units_label=table["units"].astype(str),
    lr_label=table["lr"].map(lambda r: f"{r:g}"),
    score=table[key].fillna(0.0),
    text=[
        t("splits.cell_diverged") if d else f"{v:.3f}"
        for d, v in zip(table["diverged"], table[key], strict=True)
    ],
    winner=[i == pick for i in table.index],
)[["units_label", "lr_label", "score", "text", "winner"]]
base = alt.Chart(heat).encode(
    x=alt.X(
        "lr_label:N",
        title=t("common.learning_rate"),
        sort=[f"{r:g}" for r in RATES],
        axis=alt.Axis(labelAngle=0),
    ),
    y=alt.Y("units_label:N", title=t("splits.units_axis"), sort=[str(u) for u in UNITS]),
)
rect = base.mark_rect().encode(
    color=alt.Color(
        "score:Q",
        title=t("splits.score_legend"),
        scale=alt.Scale(scheme="viridis", reverse=metric == "loss"),
    ),
    stroke=alt.condition("datum.winner", alt.value("#D55E00"), alt.value(None)),
    strokeWidth=alt.condition("datum.winner", alt.value(3), alt.value(0)),
)
mid = float(heat["score"].median())
bright = f"datum.score {'>' if metric == 'accuracy' else '<'} {mid}"
text = base.mark_text(fontSize=13, fontWeight="bold").encode(
    text="text:N", color=alt.condition(bright, alt.value("black"), alt.value("white"))
)
plot(st, (rect + text).properties(height=220), width="stretch")
st.caption(t("splits.table_caption", units=win_units, lr=f"{win_lr:g}"))

# --- the winner, checked once on the test set --------------------------------------------
val_score = winner.final["val"].get(metric, np.nan)
test_score = winner.final["test"].get(metric, np.nan)
with st.container(border=True):
    st.markdown(f"**{t('common.notice_title')}**")
    m1, m2 = st.columns(2)
    fmtv = (lambda v: f"{v:.1%}") if metric == "accuracy" else (lambda v: f"{v:.3f}")
    m1.metric(t("splits.metric_val"), fmtv(val_score))
    gap = test_score - val_score
    m2.metric(
        t("splits.metric_test"),
        fmtv(test_score),
        delta=None if np.isclose(gap, 0.0, atol=1e-9) else fmtv(gap),
        delta_color="normal" if metric == "accuracy" else "inverse",
    )
    worse = test_score < val_score if metric == "accuracy" else test_score > val_score
    if np.isclose(test_score, val_score, atol=1e-9):
        template = "splits.notice_equal"
    elif worse:
        template = "splits.notice_worse"
    else:
        template = "splits.notice_better"
    st.markdown(
        t(
            template,
            units=win_units,
            lr=f"{win_lr:g}",
            n=len(table),
            metric=t(f"train.metric_{metric}"),
            val=fmtv(val_score),
            test=fmtv(test_score),
            diff=fmtv(abs(test_score - val_score)),
            n_test=len(xs),
        )
    )
    st.markdown(t("splits.notice_unseen"))

code = train_view.keras_code(
    win_spec,
    x.shape[1],
    task,
    n_classes,
    "adam",
    win_lr,
    default_loss(task),
    f"x_train, y_train, batch_size={BATCH}, epochs={int(epochs)}, validation_data=(x_val, y_val)",
    extra_lines=(t("splits.code_comment"),),
)
train_view.show_keras_code(page, code + "\nmodel.evaluate(x_test, y_test)")
c1, c2 = st.columns(2)
with c1:
    train_view.download_history(page, winner, "train_val_test_winner.csv")
with c2:
    csv_button(t("splits.download_search"), lambda: table, "hyperparameter_search.csv")
page.finish()
