"""A9 -- Batch, mini-batch and stochastic GD: the loss is built from data, a batch is a sample
of it, so its gradient is noisy. Three runs on the MSE of a line fit over (w, b)."""

import streamlit as st

from sim import line_fit
from ui import controls, descent_view, minibatch_view
from ui.chart_view import plot
from ui.page import setup
from ui.player import player

page = setup("minibatch")
t = page.t
st.markdown(t("minibatch.summary"))

SIZES = (50, 100, 200)
MINI_BATCHES = (2, 4, 5, 8, 10, 16, 20, 25, 32)
MAX_EPOCHS = 20

# The charts and their player come first on screen, the loss over time under them; the
# settings below those are read first. On a phone the columns stack: surface, player, data.
chart_column, side_column = st.columns([1.25, 1], vertical_alignment="top")
loss_column, analogy_column = st.columns([1.25, 1], vertical_alignment="top")
settings = st.container(border=True)
with settings:
    c1, c2, c3 = st.columns([1, 1.1, 1.1])
    with c1:
        n = int(
            controls.select(
                page,
                "n",
                t("minibatch.n_label"),
                SIZES,
                100,
                format_func=lambda v: t("minibatch.n_value", n=v),
                kind="segmented",
                help=t("minibatch.n_help"),
            )
        )
        noise = float(
            controls.slider(
                page,
                "noise",
                t("minibatch.noise_label"),
                0.0,
                2.0,
                0.5,
                step=0.1,
                help=t("minibatch.noise_help"),
            )
        )
        seed = int(controls.number(page, "seed", t("minibatch.seed_label"), 0, 9999, 0, step=1))
    with c2:
        mini = int(
            controls.select(
                page,
                "batch",
                t("minibatch.batch_label"),
                MINI_BATCHES,
                10,
                kind="select_slider",
                help=t("minibatch.batch_help"),
            )
        )
        lr = descent_view.learning_rate_control(page, default=0.1)
        epochs_asked = int(
            controls.slider(
                page,
                "epochs",
                t("minibatch.epochs_label"),
                1,
                MAX_EPOCHS,
                10,
                help=t("minibatch.epochs_help", cap=line_fit.MAX_SAMPLE_UPDATES),
            )
        )
    x, y = minibatch_view.cached_data(n, noise, seed)
    problem = line_fit.LineFitLoss(x, y)
    with c3:
        w0, b0 = minibatch_view.start_controls(page, problem)

epochs = line_fit.budget_epochs(n, epochs_asked)
if epochs < epochs_asked:
    page.notice(
        t(
            "minibatch.epochs_cut",
            asked=epochs_asked,
            n=n,
            updates=epochs_asked * n,
            cap=line_fit.MAX_SAMPLE_UPDATES,
            epochs=epochs,
        )
    )

inputs = (n, noise, seed, mini, epochs, lr, (w0, b0))
comp = minibatch_view.cached_comparison(*inputs)
tables = minibatch_view.frame_tables(*inputs)
picture = minibatch_view.surface_picture(n, noise, seed)
labels = {
    "full": t("minibatch.series_full", n=n),
    "mini": t("minibatch.series_mini", b=mini),
    "sgd": t("minibatch.series_sgd"),
}
runs = comp.runs

# One frame = one mini-batch answered: the player counts batches, from 0 (nothing answered).
with side_column:
    frames = player(
        page,
        "mb",
        comp.frames,
        run_id=inputs,
        unit=t("common.unit_batch"),
        fps=minibatch_view.starting_fps(comp.frames),
    )
    plot(st, minibatch_view.readout(page, comp, tables, labels, frames), width="stretch")
    st.caption(t("minibatch.data_title"))
    plot(st, minibatch_view.data_chart(page, comp, tables, labels, frames), width="content")
    st.caption(t("minibatch.frame_help", b=mini))

with chart_column:
    st.caption(t("minibatch.surface_title"))
    chart = minibatch_view.surface_chart(page, comp, picture, tables, labels, frames)
    minibatch_view.show_surface_chart(chart, "mb_chart", problem.bounds)
with loss_column:
    plot(st, minibatch_view.loss_chart(page, tables, labels, frames, epochs), width="stretch")
    st.caption(t("minibatch.loss_caption", fmin=descent_view.fmt(problem.min_value)))
with analogy_column:
    st.markdown(t("minibatch.analogy"))

st.markdown(t("minibatch.intro"))

# updates per epoch: the 100-question story with the learner's numbers
with st.container(border=True):
    st.markdown(t("minibatch.updates_title", n=n))
    cols = st.columns(3)
    for col, name in zip(cols, minibatch_view.RUNS, strict=True):
        run = runs[name]
        col.metric(
            labels[name],
            t("minibatch.per_epoch_value", k=run.updates_per_epoch),
            help=t("minibatch.per_epoch_help", n=n, b=run.batch_size, k=run.updates_per_epoch),
        )
        col.caption(
            t(
                "minibatch.per_epoch_caption",
                n=n,
                b=run.batch_size,
                k=run.updates_per_epoch,
                epochs=epochs,
                total=run.steps,
            )
        )
    with controls.code_expander(t("minibatch.code_title")) as code_open:
        if code_open:
            st.caption(t("minibatch.code_caption"))
            st.code(
                "\n".join(
                    minibatch_view.fit_call(runs[name].batch_size, epochs)
                    for name in minibatch_view.RUNS
                ),
                language="python",
            )

# What to notice: read off the three runs.
facts = {name: line_fit.run_facts(comp, name) for name in minibatch_view.RUNS}
lines = []
for name in minibatch_view.RUNS:
    f = facts[name]
    common = dict(
        name=labels[name],
        updates=f.updates,
        up=f.uphill,
        loss=descent_view.fmt(f.final_loss),
        dist=descent_view.fmt(f.final_distance, 2),
        spread=descent_view.fmt(f.spread, 2),
        tol=descent_view.fmt(problem.tolerance, 2),
        epoch=descent_view.fmt(f.first_near_epoch, 3),
        k=f.first_near,
    )
    if f.kind == "diverged":
        lines.append(
            t(
                "minibatch.run_diverged",
                step=f.diverged_at,
                epoch=descent_view.fmt(f.diverged_epoch, 3),
                curv=descent_view.fmt(f.steepest, 3),
                prod=descent_view.fmt(lr * f.steepest, 3),
                lr=descent_view.fmt(lr),
                name=labels[name],
            )
        )
    else:
        lines.append(t(f"minibatch.run_{f.kind}", **common))

full, small, sgd = facts["full"], facts["mini"], facts["sgd"]
critical = problem.critical_rate()
sample_critical = 2 / max(problem.curvature([i]) for i in range(problem.n))
if full.kind in ("diverged", "growing"):
    summary = t(
        "minibatch.summary_too_large",
        lr=descent_view.fmt(lr),
        curv=descent_view.fmt(problem.curvature(), 3),
        critical=descent_view.fmt(critical, 3),
    )
elif sgd.kind == "diverged" or small.kind == "diverged":
    summary = t(
        "minibatch.summary_small_diverged",
        lr=descent_view.fmt(lr),
        critical=descent_view.fmt(critical, 3),
        sample=descent_view.fmt(sample_critical, 3),
        curv=descent_view.fmt(problem.curvature(), 3),
    )
elif full.first_near < 0 and (small.first_near >= 0 or sgd.first_near >= 0):
    summary = t(
        "minibatch.summary_full_slow",
        epochs=epochs,
        full=full.updates,
        sgd=sgd.updates,
        up_mini=small.uphill,
        up_sgd=sgd.uphill,
    )
elif full.first_near >= 0:
    summary = t(
        "minibatch.summary_all_arrived",
        e_full=descent_view.fmt(full.first_near_epoch, 3),
        e_mini=descent_view.fmt(small.first_near_epoch, 3) if small.first_near >= 0 else "-",
        e_sgd=descent_view.fmt(sgd.first_near_epoch, 3) if sgd.first_near >= 0 else "-",
        s_full=descent_view.fmt(full.spread, 2),
        s_mini=descent_view.fmt(small.spread, 2),
        s_sgd=descent_view.fmt(sgd.spread, 2),
    )
else:
    summary = t("minibatch.summary_none", epochs=epochs, lr=descent_view.fmt(lr))
if noise == 0 and sgd.kind != "diverged":
    summary += " " + t("minibatch.summary_no_noise")

with st.container(border=True):
    st.markdown(f"**{t('common.notice_title')}**")
    st.markdown("\n".join(f"- {line}" for line in lines))
    st.markdown(summary)

minibatch_view.download(page, comp, f"minibatch_n{n}_batch{mini}_lr{lr:g}.csv")
page.finish()
