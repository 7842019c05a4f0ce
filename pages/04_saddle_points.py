"""A4 -- Saddle points: plain GD crawls past a saddle; noise or momentum leave it quickly."""

import streamlit as st

from charts import descent_frames
from charts import saddle as saddle_charts
from lessons import descent_facts, saddle
from lessons.notices import listing
from sim.surfaces import get_surface
from ui import controls, descent_view, multi_view
from ui.chart_view import plot
from ui.page import notice_box, setup, words
from ui.player import player

page = setup("saddle")
t = page.t
st.markdown(t("saddle.summary"))

surface = get_surface("saddle")
OFFSETS = (-0.5, -0.1, -0.01, -1e-4, -1e-6, 0.0, 1e-6, 1e-4, 0.01, 0.1, 0.5)
NOISES = (0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0)
MOMENTA = (0.5, 0.8, 0.9, 0.95, 0.99)
WEIGHTS = (2, 10, 100, 1000, 1_000_000)

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
        offset_help = t("saddle.offset_help")
        y0 = controls.value_slider(page, "y0", t("saddle.offset"), OFFSETS, 1e-6, help=offset_help)
        st.caption(t("common.click_to_place"))
    with c2:
        lr = descent_view.learning_rate_control(page, default=0.1)
        steps = descent_view.steps_control(page, default=200)
    with c3:
        noise_help = t("saddle.noise_help")
        noise = controls.value_slider(
            page, "noise", t("saddle.noise"), NOISES, 0.1, help=noise_help
        )
        seed = controls.number(page, "seed", t("saddle.seed"), 0, 9999, 0)
        mu_help = t("saddle.momentum_help")
        mu = controls.value_slider(page, "mu", t("saddle.momentum"), MOMENTA, 0.9, help=mu_help)

start = (float(x0), float(y0))
named = saddle.series_names(noise, mu)
hyper = (("learning_rate", lr),)
by_kind = {
    "gd": descent_view.cached_run(surface.name, "sgd", hyper, start, steps),
    "noise": descent_view.cached_run(surface.name, "sgd", hyper, start, steps, noise, int(seed)),
    "momentum": descent_view.cached_run(
        surface.name, "sgd", (*hyper, ("momentum", mu)), start, steps
    ),
}
runs = {words(t, named[kind]): run for kind, run in by_kind.items()}
labels = list(runs)
tracks = [descent_frames.track(traj, label) for label, traj in runs.items()]
balls = saddle_charts.ball_rows(tracks)

with side_column:
    run_id = (start, lr, steps, noise, seed, mu)
    frames = player(page, "sad", steps + 1, run_id=run_id, unit=t("common.unit_step"), fps=20)
    texts = (t(f"saddle.frame_{k}") for k in ("caption", "item", "item_diverged"))
    plot(st, saddle_charts.readout(balls, frames, *texts, labels), width="stretch")
    axes = t("common.step_axis"), t("saddle.grad_axis")
    chart = saddle_charts.slope_chart(balls, frames, labels, *axes, descent_facts.SLOW_GRADIENT)
    plot(st, chart, width="stretch")
    st.caption(t("saddle.grad_caption", thr=descent_view.fmt(descent_facts.SLOW_GRADIENT)))

with chart_column:
    size = descent_view.chart_size(surface)
    layers = [
        saddle_charts.saddles_layer(surface, t("saddle.saddle_label")),
        descent_frames.path_layers(
            descent_frames.map_path_rows(tracks, surface, size),
            balls,
            frames,
            surface.bounds,
            labels,
            t("common.legend_run"),
            exits=descent_frames.exit_rows(tracks, surface, size),
            legend_column=saddle_charts.LEGEND_COLUMN,
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
    page, "dims", t("saddle.dims"), WEIGHTS, 1000, format_func="{:,}".format, kind="select_slider"
)
st.markdown(words(t, saddle.weights_notice(dims)))

# What to notice: the stall of each run, then how soon each settled.
per_run = listing(saddle.run_notices(by_kind, surface, named), "bullets")
notice_box(page, [per_run, *saddle.compare_notices(by_kind, surface)])

descent_view.download_runs(page, runs, "saddle_points.csv")
page.finish()
