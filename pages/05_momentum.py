"""A5 -- Momentum: a share of the previous step carries the ball through a small dip."""

import numpy as np
import pandas as pd
import streamlit as st

from sim import caps, charts, run_facts
from sim import momentum_lesson as ml
from sim.surfaces import LOCAL_MINIMA_LR, get_surface
from ui import controls
from ui import descent_view as dv
from ui import multi_view as mv
from ui.chart_view import plot
from ui.page import setup
from ui.player import player

page = setup("momentum")
t = page.t


@st.cache_data(max_entries=caps.CACHE_ENTRIES, show_spinner=False)
def cached_sweep(name: str, lr: float, start: tuple, steps: int, nesterov) -> pd.DataFrame:
    return ml.sweep(get_surface(name), lr, start, steps, nesterov=nesterov)


def momentum_control(key: str, default: float, container=None) -> float:
    value = controls.slider(
        page,
        key,
        t("momentum.momentum"),
        0.0,
        0.99,
        default,
        step=0.01,
        help=t("momentum.momentum_help"),
        container=container,
    )
    return round(float(value), 2)


def hyper(lr: float, mu: float, nesterov: bool) -> tuple:
    return (("learning_rate", lr), ("momentum", mu), ("nesterov", nesterov))


def demo_runs(surface, lr, mu, start, steps, nesterov: bool = True) -> tuple[dict, dict]:
    """A demo's series names (``gd``, ``mom``, ``nag``) and its runs from one start, by
    name: plain GD, momentum ``mu`` and, with ``nesterov``, Nesterov momentum ``mu``."""
    names = {
        "gd": t("momentum.series_gd"),
        "mom": t("momentum.series_momentum", mu=f"{mu:g}"),
        "nag": t("momentum.series_nesterov", mu=f"{mu:g}"),
    }
    settings = {"gd": (0.0, False), "mom": (mu, False), "nag": (mu, True)}
    runs = {
        names[key]: dv.cached_run(surface.name, "sgd", hyper(lr, m, nag), start, steps)
        for key, (m, nag) in settings.items()
        if nesterov or key != "nag"
    }
    return names, runs


def force_arrows(surface, traj, frame, mu, lr, scale):
    """The carried velocity and the slope's push at the momentum ball, drawn ``scale``x."""
    k = min(frame, run_facts.finite_length(traj) - 1)
    inertia, push = ml.forces(traj, k, mu, lr)
    x, y = traj.xy[k]
    size = dv.chart_size(surface)
    parts = [
        charts.arrow_frame(x, y, *(scale * inertia), "velocity", surface.bounds, size, 0.3),
        charts.arrow_frame(x, y, *(scale * push), "gradient", surface.bounds, size, 0.3),
    ]
    parts = [p for p in parts if len(p)]
    arrows = pd.concat(parts, ignore_index=True) if parts else None
    return arrows, inertia, push


def frame_drawer(surface, runs: dict, mom, mu, lr, player_key, chart_key, start_keys):
    """One demo's animation frame: every run's path so far on the surface, the carried
    velocity and the slope's push at the momentum ball ``mom``, and the step's caption."""
    labels = list(runs)
    table = mv.path_table(runs, surface)
    scale = ml.arrow_scale(mom, surface.bounds)
    kinds = {"velocity": t("momentum.arrow_velocity"), "gradient": t("momentum.arrow_push")}

    def draw(frame: int) -> None:
        arrows, inertia, push = force_arrows(surface, mom, frame, mu, lr, scale)
        paths = mv.paths_until(table, frame, runs)
        # the arrows' legend above the plot: beside the runs' legend it is wider than the column
        chart = dv.surface_chart(
            page, surface, paths, labels, arrows, kinds, player_key, arrow_legend="top"
        )
        dv.show_surface_chart(chart, chart_key, player_key, surface.bounds, keys=start_keys)
        st.caption(
            t(
                "momentum.frame_caption",
                step=frame,
                items=frame_items(runs, frame),
                v=dv.fmt(float(np.hypot(*inertia)), 3),
                g=dv.fmt(float(np.hypot(*push)), 3),
                scale=f"{scale:g}",
            )
        )

    return draw


def frame_items(runs: dict, frame: int) -> str:
    items = []
    for label, traj in runs.items():
        if traj.diverged_at is not None and frame >= traj.diverged_at:
            items.append(t("momentum.frame_item_diverged", name=label))
        else:
            items.append(t("momentum.frame_item", name=label, f=dv.fmt(traj.loss[frame])))
    return "; ".join(items)


def ranges_text(frame: pd.DataFrame, nesterov: bool, regime: str) -> str:
    spans = ml.regime_ranges(frame, nesterov, regime)
    if not spans:
        return t("momentum.no_momenta")
    return ", ".join(f"{lo:.2f}" if lo == hi else f"{lo:.2f}–{hi:.2f}" for lo, hi in spans)


def escape_line(label: str, traj, surface) -> str:
    """One "what to notice" sentence for a momentum or Nesterov run on the two valleys."""
    out = run_facts.outcome(traj, surface)
    if out.kind == "diverged":
        return t("momentum.run_diverged", name=label, step=out.step)
    facts = run_facts.momentum_regime(traj, surface)
    common = dict(name=label, steps=out.step, f=dv.fmt(out.step_loss), passes=facts.passes)
    if facts.regime == "trapped":
        return t("momentum.run_trapped", **common)
    if facts.regime == "enough":
        return t("momentum.run_escaped", **common)
    if out.kind == "reached" and surface.minima[out.minimum].kind == "global":
        return t("momentum.run_too_much_late", **common)
    if out.kind == "reached":
        return t("momentum.run_too_much_back", **common)
    if facts.passes == 0:
        return t("momentum.run_moving", **common)
    return t("momentum.run_too_much_swinging", **common)


def gd_line(traj, surface) -> str:
    out = run_facts.outcome(traj, surface)
    if out.kind == "diverged":
        return t("momentum.run_diverged", name=t("momentum.series_gd"), step=out.step)
    common = dict(steps=out.step, f=dv.fmt(out.step_loss))
    if out.kind == "reached" and surface.minima[out.minimum].kind == "local":
        return t("momentum.gd_local", **common)
    if out.kind == "reached":
        return t("momentum.gd_global", **common)
    return t("momentum.gd_moving", **common)


row_labels = {False: t("momentum.row_momentum"), True: t("momentum.row_nesterov")}


def escape_demo() -> None:
    """View 1: momentum carries the ball through a small dip that stops plain GD."""
    valleys = get_surface("local_minima")
    st.markdown(t("momentum.escape_intro"))
    with st.container(border=True):
        c1, c2, c3 = st.columns([1.1, 1, 1.1])
        with c1:
            mu = momentum_control("mu", 0.9)
            st.caption(t("momentum.momentum_caption"))
        with c2:
            lr = dv.learning_rate_control(page, default=LOCAL_MINIMA_LR)
            steps = dv.steps_control(page, default=150)
        with c3:
            x0, y0 = dv.start_sliders(page, valleys.bounds, valleys.default_start)

    start = (x0, y0)
    names, runs = demo_runs(valleys, lr, mu, start, steps)
    gd, mom, nag = runs.values()
    labels = list(runs)
    draw_valleys = frame_drawer(valleys, runs, mom, mu, lr, "mom", "momentum_chart", dv.START_KEYS)

    left, right = st.columns([1.45, 1])
    with left:
        player(page, "mom", steps + 1, draw_valleys, run_id=(start, lr, mu, steps))
    with right:
        plot(
            st,
            charts.loss_chart(
                dv.loss_frame(runs),
                labels,
                t("common.step_axis"),
                t("common.loss_axis"),
                height=300,
            ),
            width="stretch",
        )
        sweep = cached_sweep(valleys.name, lr, start, steps, None)
        regime_labels = {r: t(f"momentum.regime_{r}") for r in ml.REGIMES}
        st.markdown(f"**{t('momentum.sweep_title')}**")
        plot(
            st,
            ml.regime_strip(
                sweep,
                row_labels,
                regime_labels,
                mu,
                t("momentum.momentum"),
                t("momentum.outcome_legend"),
            ),
            width="stretch",
        )
        st.caption(t("momentum.sweep_caption", steps=steps, lr=dv.fmt(lr)))
        st.markdown(t("momentum.analogy"))

    lines = [
        "\n".join(
            f"- {line}"
            for line in (
                gd_line(gd, valleys),
                escape_line(names["mom"], mom, valleys),
                escape_line(names["nag"], nag, valleys),
            )
        )
    ]
    reg_mom, reg_nag = ml.regime(mom, valleys), ml.regime(nag, valleys)
    if reg_mom == "enough" and reg_nag == "trapped":
        need = ml.regime_ranges(sweep, True, "enough")
        if need:
            lines.append(t("momentum.nesterov_brakes", need=f"{need[0][0]:.2f}"))
        else:
            lines.append(t("momentum.nesterov_brakes_never"))
    elif reg_nag == "enough" and reg_mom != "enough":
        lines.append(t("momentum.nesterov_better"))
    lines.append(
        t(
            "momentum.sweep_summary",
            mom_trapped=ranges_text(sweep, False, "trapped"),
            mom_enough=ranges_text(sweep, False, "enough"),
            mom_much=ranges_text(sweep, False, "too_much"),
            nag_enough=ranges_text(sweep, True, "enough"),
        )
    )
    if (sweep["regime"] == "diverged").any():
        lines.append(t("momentum.sweep_diverged", lr=dv.fmt(lr)))
    mv.notice_box(page, lines)
    dv.download_runs(page, runs, "momentum_two_valleys.csv")


def ravine_demo() -> None:
    """View 2: in a narrow ravine momentum damps GD's zig-zag across it."""
    ravine = get_surface("ravine")
    st.markdown(t("momentum.ravine_intro"))
    with st.container(border=True):
        c1, c2, c3 = st.columns([1.1, 1, 1.1])
        with c1:
            rmu = momentum_control("rmu", 0.5)
            rnag = controls.toggle(page, "rnag", t("momentum.add_nesterov"), False)
        with c2:
            rlr = dv.learning_rate_control(page, key="rlr", default=0.9)
            rsteps = dv.steps_control(page, default=100, key="rsteps")
        with c3:
            rx0, ry0 = dv.start_sliders(page, ravine.bounds, ravine.default_start, ("rx0", "ry0"))

    rstart = (rx0, ry0)
    rnames, rruns = demo_runs(ravine, rlr, rmu, rstart, rsteps, nesterov=bool(rnag))
    rlabels = list(rruns)
    rmom = rruns[rnames["mom"]]
    draw_ravine = frame_drawer(ravine, rruns, rmom, rmu, rlr, "rav", "ravine_chart", ("rx0", "ry0"))

    left, right = st.columns([1.45, 1])
    with left:
        player(page, "rav", rsteps + 1, draw_ravine, run_id=(rstart, rlr, rmu, rnag, rsteps))
    with right:
        plot(
            st,
            mv.metric_chart(
                mv.metric_frame(rruns, {k: np.abs(v.xy[:, 1]) for k, v in rruns.items()}),
                rlabels,
                t("common.step_axis"),
                t("momentum.across_axis"),
                height=280,
            ),
            width="stretch",
        )
        st.caption(t("momentum.across_caption"))
        rsweep = cached_sweep(ravine.name, rlr, rstart, rsteps, None if rnag else False)
        st.markdown(f"**{t('momentum.settle_title')}**")
        plot(
            st,
            ml.settle_chart(
                rsweep,
                {k: v for k, v in row_labels.items() if rnag or not k},
                rmu,
                t("momentum.momentum"),
                t("momentum.settle_axis"),
                t("common.legend_run"),
            ),
            width="stretch",
        )
        st.caption(t("momentum.settle_caption", steps=rsteps))

    def ravine_line(key: str, traj, gd_out=None) -> str:
        out = run_facts.outcome(traj, ravine)
        turns = ml.cross_turns(traj)
        name = rnames[key]
        if out.kind == "diverged":
            mu_here = 0.0 if key == "gd" else rmu
            kind = {"gd": "gd", "mom": "momentum", "nag": "nesterov"}[key]
            limit = ml.stability_limit(kind, mu_here, ravine.curvature(rx0, ry0))
            return t(
                f"momentum.ravine_diverged_{key}",
                name=name,
                step=out.step,
                lr=dv.fmt(rlr),
                limit=dv.fmt(limit, 3),
            )
        if out.kind != "reached":
            return t("momentum.ravine_moving", name=name, steps=out.step, turns=turns)
        if key == "gd":
            return t("momentum.ravine_gd", steps=out.step, turns=turns)
        if gd_out is None or gd_out.kind != "reached" or out.step < gd_out.step:
            return t("momentum.ravine_faster", name=name, steps=out.step, turns=turns)
        return t("momentum.ravine_slower", name=name, steps=out.step, turns=turns, gd=gd_out.step)

    rgd_out = run_facts.outcome(rruns[rnames["gd"]], ravine)
    rlines = [ravine_line("gd", rruns[rnames["gd"]]), ravine_line("mom", rmom, rgd_out)]
    if rnag:
        rlines.append(ravine_line("nag", rruns[rnames["nag"]], rgd_out))
    rlines = ["\n".join(f"- {line}" for line in rlines)]
    if rmom.diverged_at is None and rgd_out.kind == "reached":
        rlines.append(t("momentum.ravine_why"))
    best = rsweep[(~rsweep["nesterov"]) & (rsweep["settle"] >= 0)]
    if len(best):
        top = best.sort_values(["settle", "momentum"]).iloc[0]
        rlines.append(
            t("momentum.ravine_best", mu=f"{top['momentum']:.2f}", steps=int(top["settle"]))
        )
    mv.notice_box(page, rlines)
    dv.download_runs(page, rruns, "momentum_ravine.csv")


st.markdown(t("momentum.intro"))
# one demo at a time: each is a player, three charts and its own controls
demos = controls.lazy_tabs(
    page,
    "demo",
    ("escape", "ravine"),
    (t("momentum.escape_heading"), t("momentum.ravine_heading")),
    "escape",
)
with demos["escape"]:
    if demos["escape"].open:
        escape_demo()
with demos["ravine"]:
    if demos["ravine"].open:
        ravine_demo()
page.finish()
