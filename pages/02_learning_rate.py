"""A2 -- Learning rate: the same start with a fan of rates, side by side on one surface."""

import numpy as np
import streamlit as st

from sim import run_facts
from ui import controls
from ui import descent_view as dv
from ui import multi_view as mv
from ui.chart_view import plot
from ui.page import setup
from ui.player import player

page = setup("lr")
t = page.t
st.markdown(t("lr.intro"))

SURFACES = ("bowl", "ravine", "local_minima", "himmelblau", "rosenbrock")
DEFAULT_RATES = (0.02, 0.5, 0.9, 1.1, 0.7)  # lr1 .. lr5

with st.container(border=True):
    c1, c2, c3 = st.columns([1.1, 1.2, 1])
    surface = dv.surface_select(page, options=SURFACES, default="ravine", container=c1)
    with c1:
        x0, y0 = dv.start_controls(page, surface)
    with c2:
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
        chosen = [
            dv.learning_rate_control(
                page, key=f"lr{i + 1}", default=DEFAULT_RATES[i], label=t("lr.rate_n", i=i + 1)
            )
            for i in range(count)
        ]
    with c3:
        steps = dv.steps_control(page, default=100)
        log_y = controls.toggle(page, "log", t("lr.log_scale"), True, help=t("lr.log_help"))

rates = sorted(set(chosen))
if len(rates) < len(chosen):
    page.notice(t("lr.duplicate_rates"))

runs = {
    t("lr.series", lr=dv.fmt(lr)): dv.cached_run(
        surface.name, "sgd", (("learning_rate", lr),), (x0, y0), steps
    )
    for lr in rates
}
labels = list(runs)
table = mv.path_table(runs, surface)
n_frames = max(traj.steps for traj in runs.values()) + 1


def draw(frame: int) -> None:
    chart = dv.surface_chart(
        page, surface, mv.paths_until(table, frame, runs), labels, None, None, "fan"
    )
    dv.show_surface_chart(chart, "lr_chart", "fan", surface.bounds)
    items = []
    for lr, traj in zip(rates, runs.values(), strict=True):
        if traj.diverged_at is not None and frame >= traj.diverged_at:
            items.append(t("lr.frame_item_diverged", lr=dv.fmt(lr)))
        else:
            items.append(t("lr.frame_item", lr=dv.fmt(lr), f=dv.fmt(traj.loss[frame])))
    st.caption(t("lr.frame_caption", step=frame, items="; ".join(items)))


left, right = st.columns([1.15, 1])
with left:
    player(page, "fan", n_frames, draw, run_id=(surface.name, tuple(rates), steps, x0, y0))
with right:
    # the whole curves once, outside the animated fragment
    gaps = {
        label: np.maximum(traj.loss - surface.min_value, 1e-12) if log_y else traj.loss
        for label, traj in runs.items()
    }
    plot(
        st,
        mv.metric_chart(
            mv.metric_frame(runs, gaps),
            labels,
            t("common.step_axis"),
            t("lr.gap_axis") if log_y else t("common.loss_axis"),
            log_y=log_y,
        ),
        width="stretch",
    )
    st.caption(t("lr.loss_caption"))
    st.markdown(t("lr.analogy"))

# What to notice: one line per rate, then the critical rate, all read off the runs.
lines = []
outcomes = {
    lr: run_facts.outcome(traj, surface) for lr, traj in zip(rates, runs.values(), strict=True)
}
for lr, out in outcomes.items():
    zigzag = out.reversals >= max(3, (out.step if out.kind != "diverged" else 0) // 4)
    if out.kind == "diverged":
        lines.append(t("lr.rate_diverged", lr=dv.fmt(lr), step=out.step))
    elif out.kind == "reached":
        kind, deepest = run_facts.minimum_kind(surface, out.minimum)
        minimum = t(f"common.minimum_{kind}", n=deepest)
        key = "lr.rate_reached_zigzag" if zigzag else "lr.rate_reached"
        lines.append(t(key, lr=dv.fmt(lr), steps=out.step, minimum=minimum, rev=out.reversals))
    else:
        key = "lr.rate_moving_zigzag" if zigzag else "lr.rate_moving"
        pct = dv.fmt(100 * max(out.progress, 0.0), 3)
        lines.append(t(key, lr=dv.fmt(lr), steps=out.step, pct=pct, rev=out.reversals))
lines = ["\n".join(f"- {line}" for line in lines)]
arrived = {lr: out.step for lr, out in outcomes.items() if out.kind == "reached"}
if arrived:
    best = min(arrived, key=lambda lr: (arrived[lr], -lr))
    largest_safe = max(lr for lr, out in outcomes.items() if out.kind != "diverged")
    key = "lr.fastest_largest" if best == largest_safe else "lr.fastest"
    lines.append(t(key, lr=dv.fmt(best), steps=arrived[best]))
else:
    lines.append(t("lr.none_reached", steps=steps))

critical = run_facts.critical_rate(surface, x0, y0)
curvature = surface.curvature(x0, y0)
if critical is None:
    lines.append(t("lr.critical_none", curv=dv.fmt(curvature, 3)))
else:
    below = [lr for lr in rates if run_facts.rate_regime(lr, critical) != "diverge"]
    above = [lr for lr in rates if run_facts.rate_regime(lr, critical) == "diverge"]
    common = dict(
        curv=dv.fmt(curvature, 3),
        critical=dv.fmt(critical, 3),
        half=dv.fmt(critical / 2, 3),
        below=mv.join_numbers(page, below, "lr.no_rates"),
        above=mv.join_numbers(page, above, "lr.no_rates"),
    )
    if run_facts.is_quadratic(surface):
        lines.append(t("lr.critical_quadratic", **common))
    else:
        glob = next(m for m in surface.minima if m.kind == "global")
        at_min = run_facts.critical_rate(surface, glob.x, glob.y)
        lines.append(t("lr.critical_local", at_min=dv.fmt(at_min, 3), **common))
mv.notice_box(page, lines)

dv.download_runs(page, runs, f"learning_rates_{surface.name}.csv")
page.finish()
