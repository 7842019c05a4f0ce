"""A1 -- Gradient descent: walk downhill along the negative gradient until the slope is ~0."""

import numpy as np
import pandas as pd
import streamlit as st

from sim import charts, descent, run_facts
from ui import descent_view as dv
from ui import multi_view as mv
from ui.chart_view import plot
from ui.page import setup
from ui.player import player

page = setup("gd")
t = page.t
st.markdown(t("gd.intro"))

with st.container(border=True):
    c1, c2, c3 = st.columns([1.2, 1, 1])
    surface = dv.surface_select(page, default="bowl", container=c1)
    with c2:
        lr = dv.learning_rate_control(page, default=surface.default_learning_rate)
        steps = dv.steps_control(page, default=60)
    with c3:
        x0, y0 = dv.start_controls(page, surface)

run = dv.cached_run(surface.name, "sgd", (("learning_rate", lr),), (x0, y0), steps)
label = t("gd.series")
runs = {label: run}
last = run.steps if run.diverged_at is None else run.diverged_at - 1
table = mv.path_table(runs, surface)  # thinned once, sliced per frame


def draw(frame: int) -> None:
    x, y = run.xy[frame]
    gx, gy = run.grad[frame]
    parts = [dv.arrow(x, y, -gx, -gy, "gradient", surface)]
    if frame < last:
        nx, ny = run.xy[frame + 1]
        parts.append(dv.arrow(x, y, nx - x, ny - y, "step", surface))
    arrows = pd.concat(parts, ignore_index=True)
    chart = dv.surface_chart(
        page,
        surface,
        mv.paths_until(table, frame, runs),
        list(runs),
        arrows,
        {"gradient": t("gd.arrow_gradient"), "step": t("gd.arrow_step")},
        player_key="gd",
    )
    dv.show_surface_chart(chart, "gd_chart", "gd", surface.bounds)
    st.caption(
        t(
            "gd.frame_caption",
            step=frame,
            f=dv.fmt(run.loss[frame]),
            gx=dv.fmt(gx, 3),
            gy=dv.fmt(gy, 3),
            norm=dv.fmt(float(np.hypot(gx, gy)), 3),
            lr=dv.fmt(lr),
            sx=dv.fmt(-lr * gx, 3),
            sy=dv.fmt(-lr * gy, 3),
        )
    )


left, right = st.columns([1.3, 1])
with left:
    player(page, "gd", last + 1, draw, run_id=(surface.name, lr, steps, x0, y0))
with right:
    # outside the animated fragment: the whole curve is sent once, not with every frame
    plot(
        st,
        charts.loss_chart(
            dv.loss_frame(runs), [label], t("common.step_axis"), t("common.loss_axis")
        ),
        width="stretch",
    )
    st.markdown(t("gd.analogy"))

# What to notice: read off the run.
reached = descent.steps_to_reach(run, surface)
with st.container(border=True):
    st.markdown(f"**{t('common.notice_title')}**")
    if run.diverged_at is not None:
        st.markdown(
            t(
                "gd.notice_diverged",
                lr=dv.fmt(lr),
                step=run.diverged_at,
                critical=dv.fmt(2 / surface.curvature(x0, y0), 3),
            )
        )
    elif reached >= 0:
        where = int(descent.basins(run, surface))
        m = surface.minima[where]
        kind, deepest = run_facts.minimum_kind(surface, where)
        st.markdown(
            t(
                "gd.notice_reached",
                steps=int(reached),
                minimum=t(f"common.minimum_{kind}", n=deepest),
                x=dv.fmt(m.x, 3),
                y=dv.fmt(m.y, 3),
                f=dv.fmt(run.loss[int(reached)]),  # the value at the step it cites
            )
        )
    else:
        g = float(np.hypot(*run.grad[-1]))
        st.markdown(
            t("gd.notice_moving", steps=run.steps, f=dv.fmt(run.loss[-1]), norm=dv.fmt(g, 3))
        )

dv.download_runs(page, runs, f"gradient_descent_{surface.name}.csv")
page.finish()
