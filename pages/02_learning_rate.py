"""A2 -- Learning rate: the same start with a fan of rates, side by side on one surface."""

import streamlit as st

from charts import descent_frames, rate_fan
from lessons import learning_rate
from lessons.notices import listing
from ui import controls, descent_view
from ui.chart_view import plot
from ui.page import notice_box, setup
from ui.player import live_options, player

page = setup("lr")
t = page.t
st.markdown(t("lr.summary"))

SURFACES = ("bowl", "ravine", "local_minima", "himmelblau", "rosenbrock")
DEFAULT_RATES = (0.02, 0.5, 0.9, 1.1, 0.7)  # lr1 .. lr5

# The chart and its player come first on screen; the settings below it are read first.
# In the side column the player comes before the rate sliders: on a phone the columns
# stack, and four sliders above it put Play below the fold.
chart_column, side_column = st.columns([1.25, 1], vertical_alignment="top")
with side_column:
    player_box, rates_box, charts_box = st.container(), st.container(), st.container()
with st.container(border=True):
    c1, c2, c3 = st.columns([1.1, 1.2, 1])
    surface = descent_view.surface_select(page, options=SURFACES, default="ravine", container=c1)
    with c2:
        x0, y0 = descent_view.start_controls(page, surface)
    with c3:
        count = int(
            controls.select(
                page,
                "n",
                t("lr.count"),
                (3, 4, 5),
                4,
                format_func=lambda n: t("lr.count_value", n=n),
                kind="segmented",
            )
        )
        steps = descent_view.steps_control(page, default=100)
        log_y = controls.toggle(page, "log", t("lr.log_scale"), True, help=t("lr.log_help"))
with rates_box:
    # rate 1 is the live one: dragging it redraws its path from the precomputed sweep
    chosen = [
        descent_view.learning_rate_control(
            page, key=f"lr{i + 1}", default=DEFAULT_RATES[i], label=t("lr.rate_n", i=i + 1)
        )
        for i in range(count)
    ]

rates = sorted(set(chosen))
if len(rates) < len(chosen):
    page.notice(t("lr.duplicate_rates"))
runs = {
    lr: descent_view.cached_run(surface.name, "sgd", (("learning_rate", lr),), (x0, y0), steps)
    for lr in rates
}

# The charts: one series per rate slider, all read off one sweep over the slider's options.
grid = descent_view.LEARNING_RATES
sweep = descent_view.cached_sweep(surface.name, "sgd", "learning_rate", grid, (x0, y0), steps)
slot_labels = [t("lr.slot", i=i + 1) for i in range(count)]
fan = rate_fan.fan(sweep, grid, chosen, slot_labels, surface, descent_view.chart_size(surface))

with player_box:
    frames = descent_frames.partly_live(
        player(
            page,
            "fan",
            steps + 1,
            run_id=(surface.name, tuple(chosen), steps, x0, y0),
            unit=t("common.unit_step"),
            fps=20,
            live=live_options(grid, chosen[0], "lr1"),
        )
    )
with charts_box:
    texts = (t(f"lr.frame_{k}") for k in ("caption", "item", "item_off", "item_diverged"))
    plot(st, rate_fan.readout(fan, frames, *texts), width="stretch")
    y_title = t("lr.gap_axis") if log_y else t("common.loss_axis")
    chart = rate_fan.loss_chart(fan, frames, log_y, t("common.step_axis"), y_title)
    plot(st, chart, width="stretch")
    st.caption(t("lr.loss_caption"))

with chart_column:
    layers = [
        descent_frames.path_layers(
            fan.paths,
            rate_fan.surface_rows(fan),
            frames,
            surface.bounds,
            fan.series,
            t("common.legend_run"),
            exits=fan.exits,
            legend_labels=rate_fan.legend_labels(fan, grid, frames, t("lr.legend_item")),
            legend_column=rate_fan.LEGEND_COLUMN,
        )
    ]
    chart = frames.bind(descent_view.surface_view(page, surface, layers))
    descent_view.show_surface_chart(chart, "lr_chart", surface.bounds)
    if fan.leaving:
        leaving = [fan.rates[fan.series.index(name)] for name in fan.leaving]
        named = ", ".join(t("lr.legend_item", lr=descent_view.fmt(lr)) for lr in leaving)
        st.caption(t("lr.map_caption_left", rates=named))

st.markdown(t("lr.intro"))
st.markdown(t("lr.analogy"))

# What to notice: one line per rate, then the fastest and the critical rate.
per_rate = listing(learning_rate.rate_notices(runs, surface), "bullets")
notice_box(page, [per_rate, *learning_rate.verdict_notices(runs, surface)])

labelled = {t("lr.series", lr=descent_view.fmt(lr)): run for lr, run in runs.items()}
descent_view.download_runs(page, labelled, f"learning_rates_{surface.name}.csv")
page.finish()
