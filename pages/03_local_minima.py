"""A3 -- Local minima: many balls at once; the start decides where each one lands."""

import numpy as np
import pandas as pd
import streamlit as st

from charts import basins as basin_charts
from charts import descent_frames
from lessons import basins, descent_facts
from sim import caps, descent
from sim.optimizers import make_optimizer
from sim.surfaces import get_surface
from ui import controls, descent_view
from ui.chart_view import plot
from ui.download import csv_button, csv_bytes
from ui.page import notice_box, setup
from ui.player import player

page = setup("basins")
t = page.t
st.markdown(t("basins.summary"))

SURFACES = ("local_minima", "himmelblau", "saddle")
OPTIMIZERS = ("sgd", "momentum", "adam")
MAX_SIDE = int(np.sqrt(caps.MAX_STARTS))


@st.cache_data(max_entries=caps.CACHE_ENTRIES, show_spinner=False)
def many_starts(surface, optimizer, lr, layout, side, seed, steps):
    """All starts as one vectorized run: starts, trajectory and destination codes."""
    s = get_surface(surface)
    if layout == "grid":
        starts = descent_facts.start_grid(s.bounds, side)
    else:
        starts = descent_facts.start_cloud(s.bounds, side * side, seed)
    opt = make_optimizer(optimizer, learning_rate=lr)
    traj = descent.run(s, opt, starts, int(caps.clamp(steps, 0, caps.MAX_STEPS)))
    return starts, traj, descent_facts.destinations(traj, s)


@st.cache_data(max_entries=caps.CACHE_ENTRIES, show_spinner=False)
def map_picture(surface, optimizer, lr, layout, side, seed, steps):
    starts, _, dest = many_starts(surface, optimizer, lr, layout, side, seed, steps)
    s = get_surface(surface)
    return basin_charts.basin_url(starts, dest, s, size=descent_view.chart_size(s))


# The chart and its player come first on screen; the settings below it are read first.
chart_column, side_column = st.columns([1.25, 1], vertical_alignment="top")
with st.container(border=True):
    c1, c2, c3 = st.columns([1.1, 1.1, 1])
    surface = descent_view.surface_select(
        page, options=SURFACES, default="local_minima", container=c1
    )
    with c1:
        st.markdown(f"**{t('basins.probe_title')}**")
        x0, y0 = descent_view.start_controls(page, surface)
    with c2:
        optimizer = controls.select(
            page,
            "opt",
            t("basins.optimizer"),
            OPTIMIZERS,
            "sgd",
            format_func=lambda o: t(f"basins.opt_{o}"),
            kind="segmented",
            help=t("basins.optimizer_help"),
        )
        lr = descent_view.learning_rate_control(page, default=0.1)
        steps = descent_view.steps_control(page, default=150)
    with c3:
        layout = controls.select(
            page,
            "layout",
            t("basins.layout"),
            ("grid", "cloud"),
            "grid",
            format_func=lambda o: t(f"basins.layout_{o}"),
            kind="segmented",
        )
        side = controls.slider(
            page,
            "side",
            t("basins.side"),
            4,
            MAX_SIDE,
            16,
            help=t("basins.side_help", cap=caps.MAX_STARTS),
        )
        seed = 0
        if layout == "cloud":
            seed = controls.number(page, "seed", t("basins.seed"), 0, 9999, 0)

key = (surface.name, optimizer, lr, layout, side, seed, steps)
starts, traj, dest = many_starts(*key)
picture = map_picture(*key)
# the learner's own ball (placed by clicking the map): one run with the same optimizer
probe_label = t("basins.probe_series")
probe = descent_view.cached_run(surface.name, optimizer, (("learning_rate", lr),), (x0, y0), steps)
labels = {}
for i, m in enumerate(surface.minima):
    labels[i] = t(
        f"basins.dest_{m.kind}", x=f"{round(m.x, 2) + 0.0:g}", y=f"{round(m.y, 2) + 0.0:g}"
    )
labels[descent_facts.NONE] = t("basins.dest_none")
labels[descent_facts.DIVERGED] = t("basins.dest_diverged")


@st.cache_data(max_entries=caps.CACHE_ENTRIES, show_spinner=False)
def frame_tables(surface, optimizer, lr, layout, side, seed, steps):
    """Every ball at every step it moved (``held_balls``) and the settled counts per step:
    made once per run, then played by the browser."""
    _, traj, dest = many_starts(surface, optimizer, lr, layout, side, seed, steps)
    s = get_surface(surface)
    diverged = np.asarray(traj.diverged_at)
    last = np.where(diverged < 0, traj.steps, diverged - 1)
    held = descent_frames.held_balls(traj.xy, last, s.bounds, descent_view.chart_size(s))
    held["d"] = dest[held["ball"]]
    return held, descent_frames.settled_counts(traj, s, dest)


held, counts = frame_tables(*key)
probe_track = descent_frames.track(probe, probe_label)
probe_balls = descent_frames.mark_gone(descent_frames.ball_rows([probe_track]), [probe_track])
arrived = counts[counts["d"] >= 0].groupby("step")["count"].sum()
probe_balls["settled"] = arrived.reindex(probe_balls["step"]).to_numpy()

with side_column:
    frames = player(
        page, "balls", traj.steps + 1, run_id=(*key, x0, y0), unit=t("common.unit_step"), fps=20
    )
    where = {
        "x": descent_frames.number("x", 3),
        "y": descent_frames.number("y", 3),
        "f": descent_frames.number("loss"),
    }
    head = descent_frames.text_expr(
        t("basins.frame_caption"),
        {"step": "datum.step", "settled": "datum.settled", "n": str(len(dest))},
    )
    mine = descent_frames.text_expr(t("basins.frame_probe"), where)
    mine_gone = descent_frames.text_expr(t("basins.frame_probe_diverged"), where)
    text = f"{head} + '\\n' + (datum.gone ? ({mine_gone}) : ({mine}))"
    plot(st, descent_frames.readout(probe_balls, frames, text), width="stretch")
    codes = basins.destination_codes(surface)
    plot(
        st,
        descent_frames.settled_chart(
            counts,
            frames,
            codes,
            [basins.colour_of(c) for c in codes],
            t("common.step_axis"),
            t("basins.settled_axis"),
        ),
        width="stretch",
    )
    st.caption(t("basins.settled_caption"))

with chart_column:
    size = descent_view.chart_size(surface)
    swarm = basin_charts.balls_layer(held, surface, labels, t("basins.legend"))
    layers = [
        swarm.transform_filter(descent_frames.held_filter(frames)),
        descent_frames.path_layers(
            descent_frames.path_rows([probe_track], surface, size),
            probe_balls,
            frames,
            surface.bounds,
            [probe_label],
        ),
    ]
    chart = frames.bind(descent_view.surface_view(page, surface, layers, image=picture))
    descent_view.show_surface_chart(chart, "basins_chart", surface.bounds)
    st.caption(t("basins.map_caption"))

st.markdown(t("basins.intro"))
rows, compare = [], {}
names = {o: t(f"basins.opt_{o}") for o in OPTIMIZERS}
for o in OPTIMIZERS:
    _, _, d = many_starts(surface.name, o, lr, layout, side, seed, steps)
    compare[o] = descent_facts.shares(d, surface)
    for code, count in compare[o]["counts"].items():
        rows.append({"optimizer": names[o], "d": code, "share": count / len(d)})
st.markdown(f"**{t('basins.compare_title', lr=descent_view.fmt(lr))}**")
plot(
    st,
    basin_charts.share_chart(
        pd.DataFrame(rows),
        surface,
        labels,
        t("basins.share_axis"),
        t("basins.optimizer"),
        t("basins.legend"),
        order=[names[o] for o in OPTIMIZERS],
    ),
    width="stretch",
)
st.caption(t("basins.compare_caption"))
st.markdown(t("basins.analogy"))

# What to notice, read off the runs.
mine = compare[optimizer]
pct = {k: descent_view.fmt(100 * mine[k], 3) for k in ("global", "local", "none", "diverged")}
has_local = any(m.kind == "local" for m in surface.minima)
lines = [
    t(
        "basins.notice_shares" if has_local else "basins.notice_shares_all_global",
        n=mine["n"],
        opt=names[optimizer],
        lr=descent_view.fmt(lr),
        minima=len(surface.minima),
        **pct,
    )
]
per_min = [
    t("basins.notice_per_minimum", label=labels[i], count=mine["counts"][i])
    for i in range(len(surface.minima))
]
lines.append("\n".join(f"- {item}" for item in per_min))
lines.append(
    t(
        "basins.notice_compare",
        gd=descent_view.fmt(100 * compare["sgd"]["global"], 3),
        momentum=descent_view.fmt(100 * compare["momentum"]["global"], 3),
        adam=descent_view.fmt(100 * compare["adam"]["global"], 3),
        lr=descent_view.fmt(lr),
    )
)
pout = descent_facts.outcome(probe, surface)
where = dict(x=descent_view.fmt(x0, 3), y=descent_view.fmt(y0, 3), opt=names[optimizer])
if pout.kind == "diverged":
    lines.append(t("basins.probe_diverged", step=pout.step, **where))
elif pout.kind == "reached":
    dest_label = labels[pout.minimum]
    lines.append(t("basins.probe_reached", dest=dest_label, steps=pout.step, **where))
else:
    lines.append(t("basins.probe_moving", steps=probe.steps, **where))
if mine["none"] > 0:
    lines.append(t("basins.notice_none", count=mine["counts"][descent_facts.NONE], steps=steps))
if mine["diverged"] > 0:
    lines.append(t("basins.notice_diverged", count=mine["counts"][descent_facts.DIVERGED]))
notice_box(page, lines)


# CSV: every start's path (diverged tails left out) with its destination; the learner's
# own ball last, as start -1. Made lazily (only on a click) and cached: up to 200k rows.
@st.cache_data(max_entries=caps.CACHE_ENTRIES, show_spinner=False)
def paths_csv(key, probe_start, dest_labels: tuple) -> bytes:
    _, traj, dest = many_starts(*key)
    surface_name, optimizer, lr, *_, steps = key
    s = get_surface(surface_name)
    own_run = descent_view.cached_run(
        surface_name, optimizer, (("learning_rate", lr),), probe_start, steps
    )
    out = descent_facts.outcome(own_run, s)
    code = {"reached": out.minimum, "moving": descent_facts.NONE}.get(
        out.kind, descent_facts.DIVERGED
    )
    table = basins.paths_table(traj, dest, dict(dest_labels), own_run, code)
    return csv_bytes(table)


csv_button(
    t("common.download_csv"),
    lambda: paths_csv(key, (x0, y0), tuple(labels.items())),
    f"basins_{surface.name}_{optimizer}.csv",
)
page.finish()
