"""A4 -- Saddle points: plain GD crawls past a saddle; noise or momentum leave it quickly."""

import numpy as np
import streamlit as st

from charts import descent_frames
from lessons import descent_facts
from sim.surfaces import get_surface
from ui import controls, descent_view, multi_view
from ui.chart_view import plot
from ui.page import notice_box, setup
from ui.player import player
from ui.text import power_of_ten

page = setup("saddle")
t = page.t
st.markdown(t("saddle.summary"))

surface = get_surface("saddle")
OFFSETS = (-0.5, -0.1, -0.01, -1e-4, -1e-6, 0.0, 1e-6, 1e-4, 0.01, 0.1, 0.5)
NOISES = (0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0)
MOMENTA = (0.5, 0.8, 0.9, 0.95, 0.99)
WEIGHTS = (2, 10, 100, 1000, 1_000_000)
BRIEF = 3  # a stall of at most this many slow steps only brushed the saddle

# The chart and its player come first on screen; the settings below it are read first.
chart_column, side_column = st.columns([1.25, 1], vertical_alignment="top")
with st.container(border=True):
    c1, c2, c3 = st.columns([1.1, 1, 1])
    with c1:
        st.caption(t("surfaces.saddle_help"))
        (x_lo, x_hi), _ = surface.bounds
        x0 = controls.slider(
            page, "x0", t("common.start_x"), float(x_lo), float(x_hi), -2.8, step=0.01
        )
        y0 = controls.value_slider(
            page,
            "y0",
            t("saddle.offset"),
            OFFSETS,
            1e-6,
            help=t("saddle.offset_help"),
        )
        st.caption(t("common.click_to_place"))
    with c2:
        lr = descent_view.learning_rate_control(page, default=0.1)
        steps = descent_view.steps_control(page, default=200)
    with c3:
        noise = controls.value_slider(
            page,
            "noise",
            t("saddle.noise"),
            NOISES,
            0.1,
            help=t("saddle.noise_help"),
        )
        seed = controls.number(page, "seed", t("saddle.seed"), 0, 9999, 0)
        mu = controls.value_slider(
            page,
            "mu",
            t("saddle.momentum"),
            MOMENTA,
            0.9,
            help=t("saddle.momentum_help"),
        )

start = (float(x0), float(y0))
names = {
    "gd": t("saddle.series_gd"),
    "noise": t("saddle.series_noise", noise=descent_view.fmt(noise)),
    "momentum": t("saddle.series_momentum", mu=descent_view.fmt(mu)),
}
hyper = (("learning_rate", lr),)
runs = {
    names["gd"]: descent_view.cached_run(surface.name, "sgd", hyper, start, steps),
    names["noise"]: descent_view.cached_run(
        surface.name, "sgd", hyper, start, steps, noise, int(seed)
    ),
    names["momentum"]: descent_view.cached_run(
        surface.name, "sgd", (*hyper, ("momentum", mu)), start, steps
    ),
}
labels = list(runs)
tracks = [descent_frames.track(traj, label) for label, traj in runs.items()]
balls = descent_frames.mark_gone(descent_frames.ball_rows(tracks), tracks)
balls["g"] = np.hypot(balls["gx"], balls["gy"])

with side_column:
    frames = player(
        page,
        "sad",
        steps + 1,
        run_id=(start, lr, steps, noise, seed, mu),
        unit=t("common.unit_step"),
        fps=20,
    )
    item = descent_frames.text_expr(
        t("saddle.frame_item"), {"name": "datum.series", "g": descent_frames.number("g", 3)}
    )
    gone = descent_frames.text_expr(t("saddle.frame_item_diverged"), {"name": "datum.series"})
    plot(
        st,
        descent_frames.series_readout(
            balls,
            frames,
            descent_frames.text_expr(t("saddle.frame_caption"), {"step": "datum.step"}),
            f"datum.gone ? ({gone}) : ({item})",
            labels,
        ),
        width="stretch",
    )
    plot(
        st,
        descent_frames.metric_layers(
            balls.assign(g=np.maximum(balls["g"], 1e-12)),
            frames,
            labels,
            "g",
            t("common.step_axis"),
            t("saddle.grad_axis"),
            log_y=True,
            extra_layers=[multi_view.threshold_rule(descent_facts.SLOW_GRADIENT)],
            height=200,
        ),
        width="stretch",
    )
    st.caption(t("saddle.grad_caption", thr=descent_view.fmt(descent_facts.SLOW_GRADIENT)))

with chart_column:
    size = descent_view.chart_size(surface)
    layers = [
        multi_view.saddles_layer(surface, t("saddle.saddle_label")),
        descent_frames.path_layers(
            descent_frames.path_rows(tracks, surface, size),
            balls,
            frames,
            surface.bounds,
            labels,
            t("common.legend_run"),
        ),
    ]
    chart = frames.bind(descent_view.surface_view(page, surface, layers))
    plot(
        st,
        chart,
        key="saddle_chart",
        on_select=multi_view.on_click_snap("saddle_chart", surface, OFFSETS),
        selection_mode="place",
        width="content",
    )

st.markdown(t("saddle.intro"))
st.markdown(t("saddle.why_rare"))
dims = controls.select(
    page,
    "dims",
    t("saddle.dims"),
    WEIGHTS,
    1000,
    format_func=lambda v: f"{v:,}",
    kind="select_slider",
)
log_odds = descent_facts.minimum_odds_log10(dims)
if log_odds > -4:
    st.markdown(t("saddle.dims_plain", n=f"{dims:,}", chance=f"{10**log_odds:.3g}"))
else:
    st.markdown(t("saddle.dims_tiny", n=f"{dims:,}", power=power_of_ten(round(-log_odds))))

# What to notice: the stall of each run, read off the runs.
lines = []
settled = {}  # steps to settle per run, for the comparison below
for label, traj in runs.items():
    out = descent_facts.outcome(traj, surface)
    if out.kind == "reached":
        settled[label] = out.step
    stall = descent_facts.saddle_stall(traj, surface)
    common = dict(
        name=label,
        slow=stall.slow_steps,
        thr=descent_view.fmt(stall.threshold),
        ming=descent_view.fmt(stall.min_gradient, 2),
        reach=out.step,
        steps=traj.steps,
    )
    if out.kind == "diverged":
        lines.append(t("saddle.run_diverged", name=label, step=out.step))
    elif 0 < stall.slow_steps <= BRIEF and out.kind == "reached":
        lines.append(t("saddle.run_brief", **common))
    elif stall.slow_steps and out.kind == "reached":
        lines.append(t("saddle.run_stalled_left", left=stall.last + 1, **common))
    elif stall.slow_steps:
        lines.append(t("saddle.run_stalled_stuck", **common))
    elif out.kind == "reached":
        lines.append(t("saddle.run_fast", **common))
    else:
        lines.append(t("saddle.run_moving", **common))
lines = ["\n".join(f"- {line}" for line in lines)]
gd_steps = settled.get(names["gd"])
if y0 == 0:
    lines.append(t("saddle.on_ridge"))
elif gd_steps is not None and len(settled) == len(runs):
    faster = settled[names["noise"]] < gd_steps and settled[names["momentum"]] < gd_steps
    lines.append(
        t(
            "saddle.compare_faster" if faster else "saddle.compare_mixed",
            gd=gd_steps,
            noise=settled[names["noise"]],
            momentum=settled[names["momentum"]],
        )
    )
notice_box(page, lines)

descent_view.download_runs(page, runs, "saddle_points.csv")
page.finish()
