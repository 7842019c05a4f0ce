"""B1-B5 -- model.fit(x, y, batch_size, epochs): the mock exam of 100 questions, batches,
epochs, iterations, and the wrong-answer count falling over the epochs."""

import streamlit as st

from charts import training_frames
from lessons import batches
from sim.nn.batching import updates_per_epoch
from sim.training import NetSpec, default_loss
from ui import fit_view, train_view
from ui.chart_view import plot
from ui.download import csv_button
from ui.page import notice_box, setup, words
from ui.player import player

SPEC = NetSpec(hidden=(16, 16))
GRID_LEGEND_HEIGHT = 70  # pixels under the mock-exam grid for its legends

page = setup("fit")
t = page.t
st.markdown(t("fit.summary"))

# The mock exam and its player come first on screen; the settings below them are read first.
chart_col, side_col = st.columns([1.25, 1], vertical_alignment="top")
with st.container(border=True):
    chosen = fit_view.settings_controls(page)
x, seed, batch, lr = chosen.x, chosen.seed, chosen.batch, chosen.lr
n = len(x)
per_epoch = updates_per_epoch(n, batch)
run_epochs = batches.epochs_for_updates(chosen.epochs, n, batch)
for capped in batches.epochs_capped(chosen.epochs, n, batch, run_epochs):
    page.notice(words(t, capped))
run = fit_view.answered_run(
    x,
    chosen.y,
    SPEC,
    chosen.task,
    chosen.n_classes,
    t("train.progress"),
    learning_rate=lr,
    batch_size=batch,
    epochs=run_epochs,
    seed=seed,
    grid_cells=None,
)
train_view.explain_stop(page, run.result)
counts = run.counts
done = len(counts) - 1  # completed epochs
shown = min(n, batches.GRID_MAX)

# --- the animation: one frame per round (epoch), 0 = before training -----------------------
with side_col:
    frames = player(
        page,
        "fit",
        done + 1,
        run_id=(chosen.name, n, seed, st.session_state.get("noise"), batch, run_epochs, lr),
        unit=t("common.unit_epoch"),
        fps=5,
    )
    lines = [words(t, line) for line in batches.frame_lines(n, batch, counts)]
    plot(st, training_frames.readout(lines, frames), width="stretch")
    st.markdown(f"**{t('fit.wrong_title')}**")
    count_chart = training_frames.count_chart(
        counts, frames, t("fit.wrong_round_axis"), t("fit.wrong_axis"), n, batches.WRONG_COLOUR
    )
    plot(st, count_chart, width="stretch")

with chart_col:
    st.markdown(f"**{t('fit.grid_title')}**")
    grid_first = batches.exam_grid(n, batch, 0, seed, run.wrong[0])  # the layout of every frame
    grid_chart = training_frames.exam_grid_chart(
        fit_view.exam_grids(run, n, batch, seed),
        frames,
        per_epoch,
        t("fit.batch_legend"),
        t("fit.wrong_mark"),
        t("fit.question"),
        label_cells=shown <= 100,
        wrong_colour=batches.WRONG_COLOUR,
    )
    # the plot is square cells; the room below is for the legends
    rows = int(grid_first["row"].max() + 1)
    height = rows * batches.grid_cell(grid_first) + GRID_LEGEND_HEIGHT
    plot(st, grid_chart, width="content", height=height)
    if shown < n:
        st.caption(t("fit.grid_more", shown=shown, n=n))

st.markdown(t("fit.intro"))
st.markdown(t("fit.analogy"))
m1, m2, m3, m4 = st.columns(4)
m1.metric(t("fit.metric_updates"), run.result.updates_per_epoch)
m2.metric(t("fit.metric_total"), len(run.result.batch_losses))
m3.metric(t("fit.metric_wrong_start"), f"{counts[0]} / {n}")
m4.metric(t("fit.metric_wrong_end"), f"{counts[-1]} / {n}")

fit_view.calculator(page, run, n, batch)
notice_box(page, batches.fit_notices(n, batch, lr, run))

fit_args = f"x, y, batch_size={batch}, epochs={run_epochs}"
code = train_view.keras_code(
    SPEC, x.shape[1], chosen.task, chosen.n_classes, "adam", lr, default_loss(chosen.task), fit_args
)
train_view.show_keras_code(page, code)
csv_button(t("fit.download"), lambda: fit_view.history_table(run), "fit_history.csv")
page.finish()
