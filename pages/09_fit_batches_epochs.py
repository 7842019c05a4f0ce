"""B1-B5 -- model.fit(x, y, batch_size, epochs): the mock exam of 100 questions, batches,
epochs, iterations, and the wrong-answer count falling over the epochs."""

import numpy as np
import pandas as pd
import streamlit as st

from charts import training_frames
from lessons import batches
from sim import caps
from sim.nn.batching import updates_per_epoch
from sim.training import NetSpec, default_loss
from ui import controls, train_view
from ui.chart_view import plot
from ui.download import csv_button
from ui.page import setup
from ui.player import player

SPEC = NetSpec(hidden=(16, 16))
BATCH_SIZES = (1, 2, 4, 5, 8, 10, 16, 20, 25, 32, 50, 64, 100, 128, 200, 256, 500, 1000, 2000)
GRID_LEGEND_HEIGHT = 70  # pixels under the mock-exam grid for its legends
RATES = (0.0003, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0)


@st.cache_data(max_entries=caps.TRAIN_CACHE_ENTRIES, show_spinner=False)
def answered_run(x, y, spec, task, n_classes, _progress_label, **kwargs) -> batches.AnsweredRun:
    """``lessons.batches.train_with_answers`` cached on its inputs, with a progress bar
    (``ui.train_view.cached_train`` cannot carry the answer sheet: a callback's record is
    not part of its cached result)."""
    kwargs.setdefault("time_budget", caps.MAX_WALL_SECONDS)
    return train_view.run_with_progress(
        _progress_label, batches.train_with_answers, x, y, spec, task, n_classes, **kwargs
    )


page = setup("fit")
t = page.t
st.markdown(t("fit.summary"))

# The mock exam and its player come first on screen; the settings below them are read first.
chart_col, side_col = st.columns([1.25, 1], vertical_alignment="top")
with st.container(border=True):
    left, right = st.columns([1, 1])
    with left:
        st.markdown(f"**{t('fit.data_title')}**")
        name, x, y, task, n_classes, seed = train_view.dataset_controls(
            page, default="moons", n_default=100, n_max=1000, noise_default=0.2
        )
    with right:
        st.markdown(f"**{t('fit.run_title')}**")
        batch = controls.select(
            page,
            "batch",
            t("fit.batch"),
            BATCH_SIZES,
            10,
            help=t("fit.batch_help"),
            kind="select_slider",
        )
        epochs = controls.slider(
            page, "epochs", t("fit.epochs"), 1, 100, 30, help=t("fit.epochs_help")
        )
        lr = controls.value_slider(
            page,
            "lr",
            t("fit.lr"),
            RATES,
            0.01,
            help=t("fit.lr_help"),
        )

n = len(x)
batch, epochs, lr = int(batch), int(epochs), float(lr)
per_epoch = updates_per_epoch(n, batch)
run_epochs = batches.epochs_for_updates(epochs, n, batch)
if run_epochs < epochs:
    page.notice(
        t(
            "fit.epochs_capped",
            requested=epochs,
            per_epoch=per_epoch,
            cap=batches.MAX_UPDATES,
            epochs=run_epochs,
        )
    )
run = answered_run(
    x,
    y,
    SPEC,
    task,
    n_classes,
    t("train.progress"),
    learning_rate=lr,
    batch_size=batch,
    epochs=run_epochs,
    seed=seed,
    grid_cells=None,
)
result = run.result
train_view.explain_stop(page, result)
counts = run.counts
done = len(counts) - 1  # completed epochs
fall = batches.describe_fall(counts)
shown = min(n, batches.GRID_MAX)


# --- the animation: one frame per round (epoch), 0 = before training -----------------------
grids = pd.concat(
    [
        # the colours of frame 0 show how round 1 will split the questions
        batches.exam_grid(n, batch, max(epoch, 1) - 1, seed, run.wrong[epoch])
        .assign(epoch=epoch)[["epoch", "question", "batch", "wrong"]]
        .astype({"epoch": "int16", "question": "int16", "batch": "int16", "wrong": "int8"})
        for epoch in range(done + 1)
    ],
    ignore_index=True,
)  # up to 400 questions x 101 rounds: small integers keep the chart light
grid_first = batches.exam_grid(n, batch, 0, seed, run.wrong[0])  # the layout every frame shares
lines = [t("fit.frame_start", wrong=counts[0], n=n, batches=per_epoch)]
last_batch = n - (per_epoch - 1) * min(batch, n)  # the remainder when batch does not divide n
for epoch in range(1, done + 1):
    lines.append(
        t(
            "fit.frame_epoch" if last_batch == min(batch, n) else "fit.frame_epoch_partial",
            epoch=epoch,
            epochs=done,
            batches=per_epoch,
            batch=min(batch, n),
            last=last_batch,
            wrong=counts[epoch],
            n=n,
        )
    )

with side_col:
    frames = player(
        page,
        "fit",
        done + 1,
        run_id=(name, n, seed, st.session_state.get("noise"), batch, run_epochs, lr),
        unit=t("common.unit_epoch"),
        fps=5,
    )
    plot(st, training_frames.readout(lines, frames), width="stretch")
    st.markdown(f"**{t('fit.wrong_title')}**")
    plot(
        st,
        training_frames.count_chart(
            counts, frames, t("fit.wrong_round_axis"), t("fit.wrong_axis"), n, batches.WRONG_COLOUR
        ),
        width="stretch",
    )

with chart_col:
    st.markdown(f"**{t('fit.grid_title')}**")
    plot(
        st,
        training_frames.exam_grid_chart(
            grids,
            frames,
            per_epoch,
            t("fit.batch_legend"),
            t("fit.wrong_mark"),
            t("fit.question"),
            label_cells=shown <= 100,
            wrong_colour=batches.WRONG_COLOUR,
        ),
        width="content",
        # the plot is square cells; the room below is for the legends
        height=int(grid_first["row"].max() + 1) * batches.grid_cell(grid_first)
        + GRID_LEGEND_HEIGHT,
    )
    if shown < n:
        st.caption(t("fit.grid_more", shown=shown, n=n))

st.markdown(t("fit.intro"))
st.markdown(t("fit.analogy"))
m1, m2, m3, m4 = st.columns(4)
m1.metric(t("fit.metric_updates"), result.updates_per_epoch)
m2.metric(t("fit.metric_total"), len(result.batch_losses))
m3.metric(t("fit.metric_wrong_start"), f"{counts[0]} / {n}")
m4.metric(t("fit.metric_wrong_end"), f"{counts[-1]} / {n}")

# --- the calculator ---------------------------------------------------------------------------
with st.container(border=True):
    st.markdown(f"**{t('fit.calc_title')}**")
    st.markdown(t("fit.calc_intro"))
    c1, c2, c3 = st.columns(3)
    cn = controls.number(page, "cn", t("fit.calc_samples"), 1, 1_000_000, 2000, container=c1)
    cb = controls.number(page, "cb", t("fit.calc_batch"), 1, 1_000_000, 200, container=c2)
    ce = controls.number(page, "ce", t("fit.calc_epochs"), 1, 10_000, 10, container=c3)
    cn, cb, ce = int(cn), int(cb), int(ce)
    iterations = updates_per_epoch(cn, cb)
    last = cn - (iterations - 1) * cb
    o1, o2, o3 = st.columns(3)
    o1.metric(t("fit.calc_iterations"), f"{iterations:,}")
    o2.metric(t("fit.calc_total"), f"{iterations * ce:,}")
    o3.metric(t("fit.calc_last"), f"{last:,}")
    st.markdown(
        t(
            "fit.calc_formula",
            n=cn,
            batch=cb,
            iterations=iterations,
            epochs=ce,
            total=iterations * ce,
        )
    )
    if last != cb:
        st.caption(t("fit.calc_partial", last=last, n=cn, batch=cb))
    if result.updates_per_epoch == per_epoch:
        st.markdown(
            t(
                "fit.calc_run",
                n=n,
                batch=batch,
                iterations=per_epoch,
                engine=result.updates_per_epoch,
                recorded=len(result.batch_losses),
                epochs=len(result.epochs),
            )
        )
    else:  # never expected: the engine and the formula disagree
        st.markdown(
            t("fit.calc_run_mismatch", iterations=per_epoch, engine=result.updates_per_epoch)
        )
    st.markdown(f"**{t('fit.seed_table_title')}**")
    meanings = {
        100: t("fit.meaning_all"),
        10: t("fit.meaning_some", batch=10),
        1: t("fit.meaning_one"),
    }
    st.table(
        pd.DataFrame(
            {
                t("fit.col_batch"): list(meanings),
                t("fit.col_updates"): [updates_per_epoch(100, b) for b in meanings],
                t("fit.col_meaning"): list(meanings.values()),
            }
        ),
        hide_index=True,
        width="content",
    )

# --- what to notice ---------------------------------------------------------------------------
with st.container(border=True):
    st.markdown(f"**{t('common.notice_title')}**")
    total = len(result.batch_losses)
    if batch >= n:
        st.markdown(t("fit.notice_one_batch", batch=batch, n=n, total=total, epochs=done))
    else:
        st.markdown(
            t("fit.notice_updates", batch=batch, n=n, per_epoch=per_epoch, total=total, epochs=done)
        )
    loss = result.history.get("loss", [])
    words = dict(
        start=fall.start,
        end=fall.end,
        n=n,
        split=fall.split_epoch,
        at_split=fall.at_split,
        early=fall.early_drop,
        late=fall.late_drop,
        rest=done - fall.split_epoch,
        best=fall.best,
        best_epoch=fall.best_epoch,
        lr=f"{lr:g}",
        total=total,
        loss=f"{loss[fall.best_epoch - 1]:.3f} → {loss[-1]:.3f}" if loss else "",
    )
    st.markdown(t(f"fit.notice_{fall.kind}", **words))
    if len(loss) >= 2:
        st.markdown(
            t("fit.notice_loss", first=f"{loss[0]:.3f}", last=f"{loss[-1]:.3f}", epochs=done)
        )
    if result.diverged:
        st.markdown(t("fit.notice_diverged", epoch=result.diverged["epoch"]))

code = train_view.keras_code(
    SPEC,
    x.shape[1],
    task,
    n_classes,
    "adam",
    lr,
    default_loss(task),
    f"x, y, batch_size={batch}, epochs={run_epochs}",
)
train_view.show_keras_code(page, code)


def history_table() -> pd.DataFrame:
    history = result.wide_frame()
    history["wrong_answers"] = np.asarray(counts[1 : len(history) + 1])
    return history


csv_button(t("fit.download"), history_table, "fit_history.csv")
page.finish()
