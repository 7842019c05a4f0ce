"""A9 -- Batch, mini-batch and stochastic GD: the loss is built from data, a batch is a sample
of it, so its gradient is noisy. Three runs on the MSE of a line fit over (w, b)."""

import altair as alt
import streamlit as st

from sim import charts, line_fit
from ui import controls
from ui import descent_view as dv
from ui import minibatch_view as mv
from ui.chart_view import plot
from ui.page import setup
from ui.player import player

page = setup("minibatch")
t = page.t
st.markdown(t("minibatch.intro"))

SIZES = (50, 100, 200)
MINI_BATCHES = (2, 4, 5, 8, 10, 16, 20, 25, 32)
MAX_EPOCHS = 20

with st.container(border=True):
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
        lr = dv.learning_rate_control(page, default=0.1)
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
    x, y = mv.cached_data(n, noise, seed)
    problem = line_fit.LineFitLoss(x, y)
    with c3:
        w0, b0 = mv.start_controls(page, problem)

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
comp = mv.cached_comparison(*inputs)
table = mv.path_table(*inputs)
picture = mv.surface_picture(n, noise, seed)
labels = {
    "full": t("minibatch.series_full", n=n),
    "mini": t("minibatch.series_mini", b=mini),
    "sgd": t("minibatch.series_sgd"),
}
runs = comp.runs

# updates per epoch: the 100-question story with the learner's numbers
with st.container(border=True):
    st.markdown(t("minibatch.updates_title", n=n))
    cols = st.columns(3)
    for col, name in zip(cols, mv.RUNS, strict=True):
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
                "\n".join(mv.fit_call(runs[name].batch_size, epochs) for name in mv.RUNS),
                language="python",
            )


def draw(frame: int) -> None:
    seen = int(comp.clock[frame])
    left, right = st.columns([1, 1])
    with left:
        st.caption(t("minibatch.surface_title"))
        chart = mv.surface_chart(page, comp, picture, table, labels, frame, "mb")
        mv.show_surface_chart(chart, "mb_chart", "mb", problem.bounds)
    with right:
        st.caption(t("minibatch.data_title"))
        plot(st, mv.data_chart(page, comp, labels, frame), width="content")
    epoch_now = max(1, -(-seen // n))  # the epoch under way (the one just finished at its end)
    within = seen - (epoch_now - 1) * n
    gone = [
        t("minibatch.frame_diverged", name=labels[name], step=runs[name].diverged_at)
        for name in mv.RUNS
        if runs[name].diverged_at is not None
        and comp.updates[name][frame] >= runs[name].diverged_at
    ]
    st.caption(
        " ".join(
            [
                t(
                    "minibatch.frame_caption",
                    seen=seen,
                    total=epochs * n,
                    epoch=epoch_now,
                    q=within,
                    n=n,
                    full=int(comp.updates["full"][frame]),
                    mini=int(comp.updates["mini"][frame]),
                    sgd=int(comp.updates["sgd"][frame]),
                ),
                *gone,
            ]
        )
    )


player(page, "mb", comp.frames, draw, run_id=inputs)
st.caption(t("minibatch.frame_help", b=mini))

left, right = st.columns([1.2, 1])
with left:
    plot(
        st,
        charts.loss_chart(
            mv.loss_frame(comp, labels),
            list(labels.values()),
            t("minibatch.epoch_axis"),
            t("minibatch.loss_axis"),
            t("minibatch.legend_runs"),
            log_y=True,
            x_field="epoch",
            height=320,
        ).properties(autosize=alt.AutoSizeParams(type="fit-x")),
        width="stretch",
    )
    st.caption(t("minibatch.loss_caption", fmin=dv.fmt(problem.min_value)))
with right:
    st.markdown(t("minibatch.analogy"))

# What to notice: read off the three runs.
facts = {name: line_fit.run_facts(comp, name) for name in mv.RUNS}
lines = []
for name in mv.RUNS:
    f = facts[name]
    common = dict(
        name=labels[name],
        updates=f.updates,
        up=f.uphill,
        loss=dv.fmt(f.final_loss),
        dist=dv.fmt(f.final_distance, 2),
        spread=dv.fmt(f.spread, 2),
        tol=dv.fmt(problem.tolerance, 2),
        epoch=dv.fmt(f.first_near_epoch, 3),
        k=f.first_near,
    )
    if f.kind == "diverged":
        lines.append(
            t(
                "minibatch.run_diverged",
                step=f.diverged_at,
                epoch=dv.fmt(f.diverged_epoch, 3),
                curv=dv.fmt(f.steepest, 3),
                prod=dv.fmt(lr * f.steepest, 3),
                lr=dv.fmt(lr),
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
        lr=dv.fmt(lr),
        curv=dv.fmt(problem.curvature(), 3),
        critical=dv.fmt(critical, 3),
    )
elif sgd.kind == "diverged" or small.kind == "diverged":
    summary = t(
        "minibatch.summary_small_diverged",
        lr=dv.fmt(lr),
        critical=dv.fmt(critical, 3),
        sample=dv.fmt(sample_critical, 3),
        curv=dv.fmt(problem.curvature(), 3),
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
        e_full=dv.fmt(full.first_near_epoch, 3),
        e_mini=dv.fmt(small.first_near_epoch, 3) if small.first_near >= 0 else "-",
        e_sgd=dv.fmt(sgd.first_near_epoch, 3) if sgd.first_near >= 0 else "-",
        s_full=dv.fmt(full.spread, 2),
        s_mini=dv.fmt(small.spread, 2),
        s_sgd=dv.fmt(sgd.spread, 2),
    )
else:
    summary = t("minibatch.summary_none", epochs=epochs, lr=dv.fmt(lr))
if noise == 0 and sgd.kind != "diverged":
    summary += " " + t("minibatch.summary_no_noise")

with st.container(border=True):
    st.markdown(f"**{t('common.notice_title')}**")
    st.markdown("\n".join(f"- {line}" for line in lines))
    st.markdown(summary)

mv.download(page, comp, f"minibatch_n{n}_batch{mini}_lr{lr:g}.csv")
page.finish()
