"""A5 -- Momentum: a share of the previous step carries the ball through a small dip."""

import json

import numpy as np
import pandas as pd
import streamlit as st

from charts import descent_frames
from charts import momentum as momentum_charts
from lessons import descent_facts
from lessons import momentum as momentum_lesson
from sim import caps
from sim.surfaces import LOCAL_MINIMA_LR, get_surface
from ui import controls, descent_view
from ui.chart_view import plot
from ui.page import notice_box, setup
from ui.player import live_options, player

page = setup("momentum")
t = page.t
st.markdown(t("momentum.summary"))


@st.cache_data(max_entries=caps.CACHE_ENTRIES, show_spinner=False)
def cached_regimes(name: str, lr: float, start: tuple, steps: int, nesterov) -> pd.DataFrame:
    return momentum_lesson.sweep(get_surface(name), lr, start, steps, nesterov=nesterov)


def momentum_control(key: str, default: float, container=None) -> float:
    """μ from the grid the browser holds runs for (``momentum_lesson.LIVE_MOMENTA``), bound to
    ``?key=``; a link with another value falls back to ``default`` with a notice."""
    return float(
        controls.value_slider(
            page,
            key,
            t("momentum.momentum"),
            momentum_lesson.LIVE_MOMENTA,
            default,
            help=t("momentum.momentum_help"),
            container=container,
        )
    )


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
        names[key]: descent_view.cached_run(surface.name, "sgd", hyper(lr, m, nag), start, steps)
        for key, (m, nag) in settings.items()
        if nesterov or key != "nag"
    }
    return names, runs


class LiveDemo:
    """A demo's runs as the browser plays them: plain GD once (``run = -1``) and momentum
    (and Nesterov) for every μ of ``momentum_lesson.LIVE_MOMENTA`` (``run`` = its index), each
    row of a vectorized sweep equal to the single run with that μ. Holds the tables the charts draw:
    ``balls`` (every step), ``arrows`` (carried speed and slope's push at the momentum
    ball, ``scale`` times longer) and ``readout`` (the frame's numbers)."""

    def __init__(self, surface, lr: float, start: tuple, steps: int, nesterov: bool):
        self.surface, self.lr, self.nesterov = surface, lr, nesterov
        self.labels = {
            "gd": t("momentum.series_gd"),
            "mom": t("momentum.row_momentum"),
            "nag": t("momentum.row_nesterov"),
        }
        self.series = [self.labels[k] for k in ("gd", "mom", "nag") if nesterov or k != "nag"]
        rate = (("learning_rate", lr),)
        grid = momentum_lesson.LIVE_MOMENTA
        mom = descent_view.cached_sweep(
            surface.name, "sgd", "momentum", grid, start, steps, hyper=rate
        )
        # momentum 0 is plain gradient descent: the sweep's first row is the GD run
        gd = descent_frames.track(mom, self.labels["gd"], run=-1, row=0)
        self.mom = descent_frames.sweep_tracks(mom, self.labels["mom"])
        self.nag = []
        if nesterov:
            nag = descent_view.cached_sweep(
                surface.name,
                "sgd",
                "momentum",
                grid,
                start,
                steps,
                hyper=(*rate, ("nesterov", True)),
            )
            self.nag = descent_frames.sweep_tracks(nag, self.labels["nag"])
        self.tracks = [gd, *self.mom, *self.nag]
        self.size = descent_view.chart_size(surface)
        # what the surface's balls and their tooltips need (the arrows carry the gradient)
        balls = descent_frames.ball_rows(self.tracks)
        self.balls = balls[["series", "run", "step", "x", "y", "loss"]]
        self.scales = [
            momentum_lesson.arrow_scale(momentum_lesson.row(mom, i), surface.bounds)
            for i in range(len(grid))
        ]
        velocity = mom.internals["velocity"]
        self.arrows = pd.concat(
            [
                descent_frames.force_arrows(
                    tr, velocity[i], grid[i], lr, self.scales[i], surface, self.size
                )
                for i, tr in enumerate(self.mom)
            ],
            ignore_index=True,
        ).drop(columns="series")  # the arrows are told apart by kind
        self.readout = self._readout(gd, velocity)

    def _readout(self, gd, velocity) -> pd.DataFrame:
        """One row per μ and step: each series' loss (``*_out``: diverged before it), and
        at the momentum ball |μ·v| and |lr·∇f|, held at the last finite step."""
        parts = []
        steps = np.arange(gd.steps + 1)

        def loss(tr):
            return tr.loss[np.minimum(steps, tr.last)], steps > tr.last

        f_gd, out_gd = loss(gd)
        for i, tr in enumerate(self.mom):
            k = np.minimum(steps, tr.last)
            carried = np.zeros((len(steps), 2))
            carried[1:] = momentum_lesson.LIVE_MOMENTA[i] * velocity[i]
            f_mom, out_mom = loss(tr)
            row = {
                "run": np.int16(i),
                "step": steps.astype(np.int32),
                "mu": momentum_lesson.LIVE_MOMENTA[i],
                "scale": self.scales[i],
                "f_gd": f_gd,
                "out_gd": out_gd,
                "f_mom": f_mom,
                "out_mom": out_mom,
                "v": np.hypot(*carried[k].T),
                "g": self.lr * np.hypot(*tr.grad[k].T),
            }
            if self.nag:
                row["f_nag"], row["out_nag"] = loss(self.nag[i])
            parts.append(pd.DataFrame(row))
        return pd.concat(parts, ignore_index=True)

    def readout_text(self) -> str:
        """The frame's numbers as a Vega expression over a ``readout`` row."""

        def item(key: str) -> str:
            name = json.dumps(self.labels[key])
            gone = descent_frames.text_expr(t("momentum.frame_item_diverged"), {"name": name})
            shown = descent_frames.text_expr(
                t("momentum.frame_item"), {"name": name, "f": descent_frames.number(f"f_{key}")}
            )
            return f"(datum.out_{key} ? {gone} : {shown})"

        keys = ["gd", "mom", "nag"] if self.nag else ["gd", "mom"]
        return descent_frames.text_expr(
            t("momentum.frame_caption"),
            {
                "step": "datum.step",
                "mu": "format(datum.mu, '.2f')",
                # one line per series: side by side they are wider than a phone
                "items": " + '\\n' + ".join(item(k) for k in keys),
                "v": descent_frames.number("v", 3),
                "g": descent_frames.number("g", 3),
                "scale": "format(datum.scale, '~g')",
            },
        )

    @property
    def readout_lines(self) -> int:
        return 3 + len(self.series)

    def surface_chart(self, frames, chart_key: str, start_keys) -> None:
        kinds = {"velocity": t("momentum.arrow_velocity"), "gradient": t("momentum.arrow_push")}
        layers = [
            descent_frames.path_layers(
                descent_frames.path_rows(self.tracks, self.surface, self.size),
                self.balls,
                frames,
                self.surface.bounds,
                self.series,
                t("common.legend_run"),
            ),
            # the arrows' legend above the plot: beside the runs' it is wider than the column
            descent_frames.arrow_layers(self.arrows, frames, self.surface.bounds, kinds, "top"),
        ]
        chart = frames.bind(descent_view.surface_view(page, self.surface, layers))
        descent_view.show_surface_chart(chart, chart_key, self.surface.bounds, keys=start_keys)


def play(demo: LiveDemo, key: str, mu_key: str, mu: float, steps: int, run_id) -> object:
    """The demo's player with μ live; returns its frames (``FixedRuns``: GD always shown)
    and draws the frame's numbers under it."""
    frames = player(
        page,
        key,
        steps + 1,
        run_id=run_id,
        unit=t("common.unit_step"),
        fps=20,
        live=live_options(momentum_lesson.LIVE_MOMENTA, mu, mu_key),
    )
    frames = descent_frames.with_fixed_runs(frames)
    plot(
        st,
        descent_frames.readout(demo.readout, frames, demo.readout_text(), lines=demo.readout_lines),
        width="stretch",
    )
    return frames


def ranges_text(frame: pd.DataFrame, nesterov: bool, regime: str) -> str:
    spans = momentum_lesson.regime_ranges(frame, nesterov, regime)
    if not spans:
        return t("momentum.no_momenta")
    return ", ".join(f"{lo:.2f}" if lo == hi else f"{lo:.2f}–{hi:.2f}" for lo, hi in spans)


def escape_line(label: str, traj, surface) -> str:
    """One "what to notice" sentence for a momentum or Nesterov run on the two valleys."""
    out = descent_facts.outcome(traj, surface)
    if out.kind == "diverged":
        return t("momentum.run_diverged", name=label, step=out.step)
    facts = descent_facts.momentum_regime(traj, surface)
    common = dict(
        name=label, steps=out.step, f=descent_view.fmt(out.step_loss), passes=facts.passes
    )
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
    out = descent_facts.outcome(traj, surface)
    if out.kind == "diverged":
        return t("momentum.run_diverged", name=t("momentum.series_gd"), step=out.step)
    common = dict(steps=out.step, f=descent_view.fmt(out.step_loss))
    if out.kind == "reached" and surface.minima[out.minimum].kind == "local":
        return t("momentum.gd_local", **common)
    if out.kind == "reached":
        return t("momentum.gd_global", **common)
    return t("momentum.gd_moving", **common)


row_labels = {False: t("momentum.row_momentum"), True: t("momentum.row_nesterov")}


def escape_demo() -> None:
    """View 1: momentum carries the ball through a small dip that stops plain GD."""
    valleys = get_surface("local_minima")
    # the chart and its player first on screen; the settings below them are read first
    chart_column, side_column = st.columns([1.25, 1], vertical_alignment="top")
    with st.container(border=True):
        c1, c2 = st.columns([1, 1.1])
        with c1:
            lr = descent_view.learning_rate_control(page, default=LOCAL_MINIMA_LR)
            steps = descent_view.steps_control(page, default=150)
        with c2:
            x0, y0 = descent_view.start_sliders(page, valleys.bounds, valleys.default_start)
    with side_column:
        mu = momentum_control("mu", 0.9)
        st.caption(t("momentum.momentum_caption"))

    start = (x0, y0)
    names, runs = demo_runs(valleys, lr, mu, start, steps)
    gd, mom, nag = runs.values()
    demo = LiveDemo(valleys, lr, start, steps, nesterov=True)
    with side_column:
        frames = play(demo, "mom", "mu", mu, steps, run_id=(start, lr, steps))
        plot(
            st,
            descent_frames.loss_layers(
                demo.balls[["series", "run", "step", "loss"]],
                frames,
                demo.series,
                t("common.step_axis"),
                t("common.loss_axis"),
                height=200,
            ),
            width="stretch",
        )
    with chart_column:
        demo.surface_chart(frames, "momentum_chart", descent_view.START_KEYS)

    st.markdown(t("momentum.escape_intro"))
    sweep = cached_regimes(valleys.name, lr, start, steps, None)
    regime_labels = {r: t(f"momentum.regime_{r}") for r in momentum_lesson.REGIMES}
    st.markdown(f"**{t('momentum.sweep_title')}**")
    strip = momentum_charts.regime_strip(
        sweep,
        row_labels,
        regime_labels,
        mu,
        t("momentum.momentum"),
        t("momentum.outcome_legend"),
        live_values=momentum_lesson.LIVE_MOMENTA,
        live_filter=frames.live_run(),
    )
    plot(st, frames.bind(strip), width="stretch")
    st.caption(t("momentum.sweep_caption", steps=steps, lr=descent_view.fmt(lr)))
    st.markdown(t("momentum.intro"))
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
    reg_mom, reg_nag = momentum_lesson.regime(mom, valleys), momentum_lesson.regime(nag, valleys)
    if reg_mom == "enough" and reg_nag == "trapped":
        need = momentum_lesson.regime_ranges(sweep, True, "enough")
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
        lines.append(t("momentum.sweep_diverged", lr=descent_view.fmt(lr)))
    notice_box(page, lines)
    descent_view.download_runs(page, runs, "momentum_two_valleys.csv")


def ravine_demo() -> None:
    """View 2: in a narrow ravine momentum damps GD's zig-zag across it."""
    ravine = get_surface("ravine")
    chart_column, side_column = st.columns([1.25, 1], vertical_alignment="top")
    with st.container(border=True):
        c1, c2 = st.columns([1, 1.1])
        with c1:
            rlr = descent_view.learning_rate_control(page, key="rlr", default=0.9)
            rsteps = descent_view.steps_control(page, default=100, key="rsteps")
        with c2:
            rx0, ry0 = descent_view.start_sliders(
                page, ravine.bounds, ravine.default_start, ("rx0", "ry0")
            )
    with side_column:
        rmu = momentum_control("rmu", 0.5)
        rnag = controls.toggle(page, "rnag", t("momentum.add_nesterov"), False)

    rstart = (rx0, ry0)
    rnames, rruns = demo_runs(ravine, rlr, rmu, rstart, rsteps, nesterov=bool(rnag))
    rmom = rruns[rnames["mom"]]
    demo = LiveDemo(ravine, rlr, rstart, rsteps, nesterov=bool(rnag))
    with side_column:
        frames = play(demo, "rav", "rmu", rmu, rsteps, run_id=(rstart, rlr, rnag, rsteps))
        balls = demo.balls
        across = balls[["series", "run", "step"]].assign(across=balls["y"].abs())
        # a diverged run's rows end where it left the map (not held at its last point)
        last = {(tr.series, tr.run): tr.last for tr in demo.tracks}
        finite = [last[key] for key in zip(across["series"], across["run"], strict=True)]
        across = across[across["step"].to_numpy() <= np.asarray(finite)]
        plot(
            st,
            descent_frames.metric_layers(
                across,
                frames,
                demo.series,
                "across",
                t("common.step_axis"),
                t("momentum.across_axis"),
                height=200,
                legend=True,
                y_domain=(0.0, float(ravine.bounds[1][1])),
            ),
            width="stretch",
        )
        st.caption(t("momentum.across_caption"))
    with chart_column:
        demo.surface_chart(frames, "ravine_chart", ("rx0", "ry0"))

    st.markdown(t("momentum.ravine_intro"))
    rsweep = cached_regimes(ravine.name, rlr, rstart, rsteps, None if rnag else False)
    st.markdown(f"**{t('momentum.settle_title')}**")
    settle = momentum_charts.settle_chart(
        rsweep,
        {k: v for k, v in row_labels.items() if rnag or not k},
        rmu,
        t("momentum.momentum"),
        t("momentum.settle_axis"),
        t("common.legend_run"),
        live_values=momentum_lesson.LIVE_MOMENTA,
        live_filter=frames.live_run(),
    )
    plot(st, frames.bind(settle), width="stretch")
    st.caption(t("momentum.settle_caption", steps=rsteps))

    def ravine_line(key: str, traj, gd_out=None) -> str:
        out = descent_facts.outcome(traj, ravine)
        turns = momentum_lesson.cross_turns(traj)
        name = rnames[key]
        if out.kind == "diverged":
            mu_here = 0.0 if key == "gd" else rmu
            kind = {"gd": "gd", "mom": "momentum", "nag": "nesterov"}[key]
            limit = momentum_lesson.stability_limit(kind, mu_here, ravine.curvature(rx0, ry0))
            return t(
                f"momentum.ravine_diverged_{key}",
                name=name,
                step=out.step,
                lr=descent_view.fmt(rlr),
                limit=descent_view.fmt(limit, 3),
            )
        if out.kind != "reached":
            return t("momentum.ravine_moving", name=name, steps=out.step, turns=turns)
        if key == "gd":
            return t("momentum.ravine_gd", steps=out.step, turns=turns)
        if gd_out is None or gd_out.kind != "reached" or out.step < gd_out.step:
            return t("momentum.ravine_faster", name=name, steps=out.step, turns=turns)
        return t("momentum.ravine_slower", name=name, steps=out.step, turns=turns, gd=gd_out.step)

    rgd_out = descent_facts.outcome(rruns[rnames["gd"]], ravine)
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
    notice_box(page, rlines)
    descent_view.download_runs(page, rruns, "momentum_ravine.csv")


# one demo at a time: each is a player, its charts and its own controls
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
