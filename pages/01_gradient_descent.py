"""Gradient descent: walk downhill along the negative gradient until the slope is ~0."""

import numpy as np
import streamlit as st

from charts import descent_frames, numbers
from lessons import gradient_descent
from ui import descent_view
from ui.chart_view import plot
from ui.page import notice_box, setup
from ui.player import live_options, player

page = setup("gd")
t = page.t
st.markdown(t("gd.summary"))

# The chart and its player come first on screen; the settings below it are read first.
# The player heads the side column, above the live slider: on a phone the columns stack
# and Play stays in the first screen.
chart_column, side_column = st.columns([1.25, 1], vertical_alignment="top")
with side_column:
    player_box = st.container()
settings = st.container(border=True)
with settings:
    c1, c2 = st.columns([1.2, 1])
    surface = descent_view.surface_select(page, default="bowl", container=c1)
    with c2:
        steps = descent_view.steps_control(page, default=60)
    x0, y0 = descent_view.start_controls(page, surface)
with side_column:
    lr = descent_view.learning_rate_control(page, default=surface.default_learning_rate)

run = descent_view.cached_run(surface.name, "sgd", (("learning_rate", lr),), (x0, y0), steps)
rates = descent_view.LEARNING_RATES
sweep = descent_view.cached_sweep(surface.name, "sgd", "learning_rate", rates, (x0, y0), steps)
label = t("gd.series")
tracks = descent_frames.sweep_tracks(sweep, label)
size = descent_view.chart_size(surface)
balls = descent_frames.mark_gone(descent_frames.ball_rows(tracks), tracks)
balls["off"] = ~descent_frames.on_map(balls[["x", "y"]].to_numpy(), surface.bounds)
balls["lr"] = np.asarray(rates)[balls["run"]]

with player_box:
    frames = player(
        page,
        "gd",
        steps + 1,
        run_id=(surface.name, lr, steps, x0, y0),
        unit=t("common.unit_step"),
        fps=20,
        live=live_options(rates, lr, "lr"),
    )
with side_column:
    fields = {
        "step": "datum.step",
        "f": descent_frames.number("loss"),
        "gx": descent_frames.number("gx", 3),
        "gy": descent_frames.number("gy", 3),
        "norm": numbers.vega("sqrt(datum.gx * datum.gx + datum.gy * datum.gy)"),
        "lr": numbers.vega("datum.lr", 4),
        "sx": numbers.vega("-datum.lr * datum.gx"),
        "sy": numbers.vega("-datum.lr * datum.gy"),
    }
    on, off, gone = (
        descent_frames.text_expr(t(f"gd.{key}"), fields)
        for key in ("frame_caption", "frame_caption_off", "frame_diverged")
    )
    readout = f"datum.gone ? ({gone}) : datum.off ? ({off}) : ({on})"
    # three lines: f, the gradient and the step side by side ran past a phone's column
    plot(st, descent_frames.readout(balls, frames, readout, lines=3), width="stretch")
    plot(
        st,
        descent_frames.loss_layers(
            balls, frames, [label], t("common.step_axis"), t("common.loss_axis"), height=200
        ),
        width="stretch",
    )

with chart_column:
    layers = [
        descent_frames.path_layers(
            descent_frames.map_path_rows(tracks, surface, size),
            balls[["series", "run", "step", "x", "y", "loss"]],
            frames,
            surface.bounds,
            [label],
            t("common.legend_run"),
            exits=descent_frames.exit_rows(tracks, surface, size),
        ),
        descent_frames.arrow_layers(
            descent_frames.descent_arrows(tracks, surface, size),
            frames,
            surface.bounds,
            {"gradient": t("gd.arrow_gradient"), "step": t("gd.arrow_step")},
        ),
    ]
    chart = frames.bind(descent_view.surface_view(page, surface, layers))
    descent_view.show_surface_chart(chart, "gd_chart", surface.bounds)
    left = descent_frames.first_exit(tracks[rates.index(lr)], surface.bounds)
    if left is not None:
        st.caption(t("gd.map_caption_left", step=left))

st.markdown(t("gd.intro"))
st.markdown(t("gd.analogy"))

notice_box(page, gradient_descent.notices(run, surface, lr))

descent_view.download_runs(page, {label: run}, f"gradient_descent_{surface.name}.csv")
page.finish()
