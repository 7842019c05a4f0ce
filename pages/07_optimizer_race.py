"""A8 -- The optimizer race: GD, momentum, Nesterov, Adagrad, RMSprop and Adam from one start
on one surface; Adam = momentum (direction) + RMSprop (step size)."""

import json

import numpy as np
import pandas as pd
import streamlit as st

from charts import descent_frames
from lessons import adaptive_rates, descent_facts
from lessons.adaptive_rates import OPTIMIZER_NAMES
from sim import descent
from ui import controls, descent_view, race_view
from ui.chart_view import plot
from ui.page import setup
from ui.player import player

# the ravine by default: every racer arrives within the default steps, in an order that
# tells the lesson (momentum-type first, Adagrad's shrinking steps last); on Rosenbrock's
# long curved valley most racers are still under way when 300 steps run out
DEFAULT_SURFACE = "ravine"
SURFACE_OPTIONS = ("rosenbrock", "himmelblau", "beale", "ravine", "local_minima", "saddle", "bowl")
RATES = (0.0001, 0.0002, 0.0005, *descent_view.LEARNING_RATES)
# per surface: a learning rate per optimizer that makes the race worth watching
DEFAULT_RATES = {
    "rosenbrock": (0.001, 0.001, 0.001, 0.1, 0.05, 0.1),
    "himmelblau": (0.01, 0.005, 0.005, 0.3, 0.1, 0.1),
    "beale": (0.0001, 0.0001, 0.0001, 0.5, 0.01, 0.3),
    "ravine": (0.5, 0.05, 0.05, 0.5, 0.05, 0.2),  # RMSprop at 0.1 hopped after arriving
    "local_minima": (0.1, 0.1, 0.1, 0.3, 0.1, 0.3),
    "saddle": (0.1, 0.05, 0.05, 0.5, 0.05, 0.1),
    "bowl": (0.1, 0.05, 0.05, 0.5, 0.05, 0.1),
}
# each optimizer's own hyperparameters besides the learning rate, Keras defaults:
# (URL key, Keras argument, min, max, default, step, display format)
EXTRA = {
    "sgd": (),
    "momentum": (("mu", "momentum", 0.0, 0.99, 0.9, 0.01, "%.2f"),),
    "nesterov": (("mu_n", "momentum", 0.0, 0.99, 0.9, 0.01, "%.2f"),),
    "adagrad": (("acc0", "initial_accumulator_value", 0.0, 1.0, 0.1, 0.05, "%.2f"),),
    "rmsprop": (("rho", "rho", 0.5, 0.99, 0.9, 0.01, "%.2f"),),
    "adam": (
        ("b1", "beta_1", 0.0, 0.99, 0.9, 0.01, "%.2f"),
        ("b2", "beta_2", 0.9, 0.999, 0.999, 0.001, "%.3f"),
    ),
}

page = setup("race")
t = page.t
st.markdown(t("race.summary"))

ss = st.session_state
# The chart and its player come first on screen; the settings below them are read first.
chart_column, side_column = st.columns([1.25, 1], vertical_alignment="top")
with st.container(border=True):
    c1, c2, c3 = st.columns([1.2, 1, 1])
    surface = descent_view.surface_select(
        page, options=SURFACE_OPTIONS, default=DEFAULT_SURFACE, container=c1
    )
    with c2:
        steps = descent_view.steps_control(page, default=300)
    with c3:
        x0, y0 = descent_view.start_controls(page, surface)
    shown = race_view.multi_select(
        page,
        "show",
        t("race.show"),
        OPTIMIZER_NAMES,
        OPTIMIZER_NAMES,
        format_func=lambda n: t(f"race.name_{n}"),
        help=t("race.show_help"),
        empty_notice=t("race.show_empty"),
    )
    defaults = dict(zip(OPTIMIZER_NAMES, DEFAULT_RATES[surface.name], strict=True))
    if ss.get("_race_surface") not in (None, surface.name):
        # a new surface: its own learning rates (and the URL forgets the old ones)
        for name in OPTIMIZER_NAMES:
            ss[f"lr_{name}"] = defaults[name]
            if f"lr_{name}" in st.query_params:
                del st.query_params[f"lr_{name}"]
    ss["_race_surface"] = surface.name
    with controls.settings_popover(t("race.hyper_title")):
        st.caption(t("race.hyper_caption"))
        rates, hyper = {}, {}
        cells = [c for _ in range(2) for c in st.columns(3)]
        for cell, name in zip(cells, OPTIMIZER_NAMES, strict=True):
            box = cell.container(border=True)
            box.markdown(f"**{t(f'race.name_{name}')}**")
            rates[name] = float(
                controls.value_slider(
                    page,
                    f"lr_{name}",
                    t("common.learning_rate"),
                    RATES,
                    defaults[name],
                    help=t("common.learning_rate_help"),
                    container=box,
                )
            )
            extra = {}
            for key, arg, low, high, default, step, fmt in EXTRA[name]:
                extra[arg] = float(
                    controls.slider(
                        page,
                        key,
                        t(f"race.{key}"),
                        low,
                        high,
                        default,
                        step=step,
                        fmt=fmt,
                        help=t(f"race.{key}_help"),
                        container=box,
                    )
                )
            hyper[name] = tuple(sorted({"learning_rate": rates[name], **extra}.items()))
    # the same six optimizers as Keras would build them, with the values chosen above
    with controls.code_expander(t("race.keras_title")) as code_open:
        if code_open:
            st.code(
                "\n".join(
                    f"{adaptive_rates.keras_call(name, hyper[name])}  # {t(f'race.name_{name}')}"
                    for name in OPTIMIZER_NAMES
                ),
                language="python",
            )

start = (x0, y0)
labels = {name: t(f"race.name_{name}") for name in OPTIMIZER_NAMES}
# one cached run per racer: changing one optimizer's settings reruns only that one
runs = {
    labels[name]: descent_view.cached_run(surface.name, name, hyper[name], start, steps)
    for name in OPTIMIZER_NAMES
    if name in shown
}
styles = {labels[name]: name for name in OPTIMIZER_NAMES if name in shown}
summaries = {label: adaptive_rates.summarize(label, traj, surface) for label, traj in runs.items()}
order = adaptive_rates.race_table(list(summaries.values()))
sep = t("race.list_sep")
n_frames = steps + 1


def readout_rows() -> pd.DataFrame:
    """One row per frame: each racer's loss at its ball (``f<i>``; ``out<i>``: diverged by
    then) and the racers stopped by then."""
    frames_at = np.arange(n_frames)
    row = {"step": frames_at}
    for i, traj in enumerate(runs.values()):
        last = traj.steps if traj.diverged_at is None else traj.diverged_at - 1
        row[f"f{i}"] = traj.loss[np.minimum(frames_at, last)]
        row[f"out{i}"] = frames_at > last
    row["stopped"] = race_view.stopped_text(page, runs, n_frames, "race")
    return pd.DataFrame(row)


def readout_text() -> str:
    """The frame's numbers as a Vega expression: three racers a line."""
    items = []
    for i, label in enumerate(runs):
        name = json.dumps(label)
        gone = descent_frames.text_expr(t("race.item_gone"), {"name": name})
        shown = descent_frames.text_expr(
            t("race.item_loss"), {"name": name, "f": descent_frames.number(f"f{i}")}
        )
        items.append(f"(datum.out{i} ? {gone} : {shown})")
    sep_expr = json.dumps(t("race.item_sep"))
    lines = [f" + {sep_expr} + ".join(items[k : k + 3]) for k in range(0, len(items), 3)]
    return descent_frames.text_expr(
        t("race.frame_caption"),
        {
            "step": "datum.step",
            "items": " + '\\n' + ".join(lines) or "''",
            "stopped": "datum.stopped",
        },
    )


with side_column:
    frames = player(
        page,
        "race",
        n_frames,
        run_id=(surface.name, start, steps, tuple(hyper[n] for n in shown)),
        unit=t("common.unit_step"),
        fps=20,
    )
    lines = 2 + -(-len(runs) // 3)
    plot(
        st,
        descent_frames.readout(readout_rows(), frames, readout_text(), lines=lines),
        width="stretch",
    )
    losses = descent_view.loss_frame(runs)
    log_y = bool(len(losses)) and bool((losses["loss"] > 0).all())
    starts = [float(traj.loss[0]) for traj in runs.values()]
    lo = float(losses["loss"].min()) if len(losses) else 0.0
    hi = max(starts) if starts else 1.0
    if log_y:
        domain = (max(lo, hi * 1e-12), hi * 10)
    else:
        domain = (lo - 0.05 * (hi - lo + 1e-9), hi + 0.25 * (hi - lo + 1e-9))
    plot(
        st,
        race_view.styled_frame_lines(
            losses,
            frames,
            styles,
            t("common.step_axis"),
            t("common.loss_axis"),
            log_y=log_y,
            height=230,
            y_domain=domain,
            legend=False,
        ),
        width="stretch",
    )
    st.caption(t("race.loss_caption_log" if log_y else "race.loss_caption_linear"))
with chart_column:
    chart = race_view.surface_chart(page, surface, runs, styles, frames)
    descent_view.show_surface_chart(chart, "race_chart", surface.bounds)
    st.caption(t("race.markers_caption"))

st.markdown(t("race.intro"))
st.markdown(t("race.adam"))
st.markdown(t("race.analogy"))

# The finishing order: steps to reach the tolerance and the final loss of every racer.
tolerance = descent.REACH_FRACTION * float(np.hypot(*(b - a for a, b in surface.bounds)))
st.markdown(f"**{t('race.table_title')}**")
rows = []
for place, s in enumerate(order, start=1):
    if s.diverged_at is not None:
        status = t("race.status_diverged", step=s.diverged_at)
    elif s.reached >= 0:
        status = t("race.status_reached", step=s.reached)
    else:
        status = t("race.status_moving")
    rows.append(
        {
            t("race.col_place"): place,
            t("race.col_optimizer"): s.label,
            t("race.col_lr"): f"{rates[styles[s.label]]:g}",
            t("race.col_steps"): str(s.reached) if s.reached >= 0 else "-",
            t("race.col_loss"): descent_view.fmt(s.final_loss, 3),
            t("race.col_dist"): descent_view.fmt(s.distance, 2),
            t("race.col_status"): status,
        }
    )
st.table(pd.DataFrame(rows), hide_index=True)
st.caption(t("race.table_caption", tol=descent_view.fmt(tolerance, 2), steps=steps))

# What to notice: read off the race.
with st.container(border=True):
    st.markdown(f"**{t('common.notice_title')}**")
    reached = [s for s in order if s.reached >= 0]
    moving = [s for s in order if s.reached < 0 and s.diverged_at is None]
    diverged = [s for s in order if s.diverged_at is not None]
    if reached:
        first = reached[0]
        where = int(descent.basins(runs[first.label], surface))
        m = surface.minima[where]
        kind, deepest = descent_facts.minimum_kind(surface, where)
        st.markdown(
            t(
                "race.notice_winner",
                name=first.label,
                step=first.reached,
                minimum=t(f"common.minimum_{kind}", n=deepest),
                x=descent_view.fmt(m.x, 3),
                y=descent_view.fmt(m.y, 3),
            )
        )
        if len(reached) > 1:
            items = sep.join(t("race.item_step", name=s.label, step=s.reached) for s in reached[1:])
            st.markdown(t("race.notice_followers", items=items))
        local = [
            s.label
            for s in reached
            if surface.minima[int(descent.basins(runs[s.label], surface))].kind == "local"
        ]
        if local:
            st.markdown(t("race.notice_local", names=sep.join(local)))
    elif moving:
        best = min(moving, key=lambda s: s.final_loss)
        st.markdown(
            t(
                "race.notice_none",
                steps=steps,
                name=best.label,
                loss=descent_view.fmt(best.final_loss, 3),
            )
        )
    if moving:
        items = sep.join(
            t("race.item_dist", name=s.label, dist=descent_view.fmt(s.distance, 2)) for s in moving
        )
        st.markdown(t("race.notice_moving", steps=steps, items=items))
    if diverged:
        items = sep.join(t("race.item_step", name=s.label, step=s.diverged_at) for s in diverged)
        st.markdown(t("race.notice_diverged", items=items))
    if "adam" in shown:
        a = summaries[labels["adam"]]
        lr_adam = f"{rates['adam']:g}"
        if a.diverged_at is not None:
            st.markdown(t("race.notice_adam_diverged", lr=lr_adam, step=a.diverged_at))
        elif a.reached >= 0:
            st.markdown(t("race.notice_adam_reached", lr=lr_adam, step=a.reached))
        else:
            st.markdown(
                t("race.notice_adam_moving", lr=lr_adam, dist=descent_view.fmt(a.distance, 2))
            )
descent_view.download_runs(page, runs, f"optimizer_race_{surface.name}.csv")
page.finish()
