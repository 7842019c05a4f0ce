"""A2 -- Learning rate: the same start with a fan of rates, side by side on one surface."""

import numpy as np
import streamlit as st

from charts import descent_frames
from lessons import descent_facts
from ui import controls, descent_view, multi_view
from ui.chart_view import plot
from ui.page import notice_box, setup
from ui.player import live_options, player

page = setup("lr")
t = page.t
st.markdown(t("lr.summary"))

SURFACES = ("bowl", "ravine", "local_minima", "himmelblau", "rosenbrock")
DEFAULT_RATES = (0.02, 0.5, 0.9, 1.1, 0.7)  # lr1 .. lr5

# The chart and its player come first on screen; the settings below it are read first.
chart_column, side_column = st.columns([1.25, 1], vertical_alignment="top")
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
with side_column:
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
    t("lr.series", lr=descent_view.fmt(lr)): descent_view.cached_run(
        surface.name, "sgd", (("learning_rate", lr),), (x0, y0), steps
    )
    for lr in rates
}

# The charts: one series per rate slider (a rate chosen twice is drawn once), all read
# off one sweep over the slider's options; slider 1's series holds every option's run.
grid = descent_view.LEARNING_RATES
sweep = descent_view.cached_sweep(surface.name, "sgd", "learning_rate", grid, (x0, y0), steps)
slots = {}
for i, lr in enumerate(chosen):
    if lr not in slots.values():
        slots[t("lr.slot", i=i + 1)] = lr
series = list(slots)
live_label = series[0]
tracks = descent_frames.sweep_tracks(sweep, live_label)
for label in series[1:]:
    tracks.append(
        descent_frames.track(
            sweep, label, run=grid.index(slots[label]), row=grid.index(slots[label])
        )
    )
size = descent_view.chart_size(surface)
balls = descent_frames.mark_gone(descent_frames.ball_rows(tracks), tracks)
balls["lr"] = np.asarray(grid)[balls["run"]]
balls["live"] = balls["series"] == live_label
balls["gap"] = np.maximum(balls["loss"] - surface.min_value, 1e-12)
metric = "gap" if log_y else "loss"
# each chart is sent only the columns it draws (34 runs of up to 501 steps each)
key_columns = ["series", "run", "live", "step"]
paths = descent_frames.path_rows(tracks, surface, size)
paths["live"] = paths["series"] == live_label

with side_column:
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
    fields = {"lr": "format(datum.lr, '~g')", "f": descent_frames.number("loss")}
    item = descent_frames.text_expr(t("lr.frame_item"), fields)
    gone = descent_frames.text_expr(t("lr.frame_item_diverged"), fields)
    plot(
        st,
        descent_frames.series_readout(
            balls[[*key_columns, "lr", "loss", "gone"]],
            frames,
            descent_frames.text_expr(t("lr.frame_caption"), {"step": "datum.step"}),
            f"datum.gone ? ({gone}) : ({item})",
            series,
        ),
        width="stretch",
    )
    plot(
        st,
        descent_frames.metric_layers(
            balls[[*key_columns, metric, "gone"]],
            frames,
            series,
            metric,
            t("common.step_axis"),
            t("lr.gap_axis") if log_y else t("common.loss_axis"),
            log_y=log_y,
            height=200,
        ),
        width="stretch",
    )
    st.caption(t("lr.loss_caption"))

with chart_column:
    layers = [
        descent_frames.path_layers(
            paths,
            balls[[*key_columns, "x", "y", "loss"]],
            frames,
            surface.bounds,
            series,
            t("common.legend_run"),
        )
    ]
    chart = frames.bind(descent_view.surface_view(page, surface, layers))
    descent_view.show_surface_chart(chart, "lr_chart", surface.bounds)

st.markdown(t("lr.intro"))
st.markdown(t("lr.analogy"))

# What to notice: one line per rate, then the critical rate, all read off the runs.
lines = []
outcomes = {
    lr: descent_facts.outcome(traj, surface) for lr, traj in zip(rates, runs.values(), strict=True)
}
for lr, out in outcomes.items():
    zigzag = out.reversals >= max(3, (out.step if out.kind != "diverged" else 0) // 4)
    if out.kind == "diverged":
        lines.append(t("lr.rate_diverged", lr=descent_view.fmt(lr), step=out.step))
    elif out.kind == "reached":
        kind, deepest = descent_facts.minimum_kind(surface, out.minimum)
        minimum = t(f"common.minimum_{kind}", n=deepest)
        key = "lr.rate_reached_zigzag" if zigzag else "lr.rate_reached"
        lines.append(
            t(key, lr=descent_view.fmt(lr), steps=out.step, minimum=minimum, rev=out.reversals)
        )
    else:
        key = "lr.rate_moving_zigzag" if zigzag else "lr.rate_moving"
        pct = descent_view.fmt(100 * max(out.progress, 0.0), 3)
        lines.append(t(key, lr=descent_view.fmt(lr), steps=out.step, pct=pct, rev=out.reversals))
lines = ["\n".join(f"- {line}" for line in lines)]
arrived = {lr: out.step for lr, out in outcomes.items() if out.kind == "reached"}
if arrived:
    best = min(arrived, key=lambda lr: (arrived[lr], -lr))
    largest_safe = max(lr for lr, out in outcomes.items() if out.kind != "diverged")
    key = "lr.fastest_largest" if best == largest_safe else "lr.fastest"
    lines.append(t(key, lr=descent_view.fmt(best), steps=arrived[best]))
else:
    lines.append(t("lr.none_reached", steps=steps))

critical = descent_facts.critical_rate(surface, x0, y0)
curvature = surface.curvature(x0, y0)
if critical is None:
    lines.append(t("lr.critical_none", curv=descent_view.fmt(curvature, 3)))
else:
    below = [lr for lr in rates if descent_facts.rate_regime(lr, critical) != "diverge"]
    above = [lr for lr in rates if descent_facts.rate_regime(lr, critical) == "diverge"]
    common = dict(
        curv=descent_view.fmt(curvature, 3),
        critical=descent_view.fmt(critical, 3),
        half=descent_view.fmt(critical / 2, 3),
        below=multi_view.join_numbers(page, below, "lr.no_rates"),
        above=multi_view.join_numbers(page, above, "lr.no_rates"),
    )
    if descent_facts.is_quadratic(surface):
        lines.append(t("lr.critical_quadratic", **common))
    else:
        glob = next(m for m in surface.minima if m.kind == "global")
        at_min = descent_facts.critical_rate(surface, glob.x, glob.y)
        lines.append(t("lr.critical_local", at_min=descent_view.fmt(at_min, 3), **common))
notice_box(page, lines)

descent_view.download_runs(page, runs, f"learning_rates_{surface.name}.csv")
page.finish()
