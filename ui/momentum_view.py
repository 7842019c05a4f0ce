"""The momentum lesson's Streamlit pieces: the μ slider, the cached runs and sweeps, and
``LiveDemo``, the tables the browser player needs to play a demo for every μ of the slider
(``lessons.momentum.LIVE_MOMENTA``) and the charts that follow it."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import streamlit as st

from charts import descent_frames
from charts import momentum as momentum_charts
from charts.frames import Frames
from lessons import momentum as momentum_lesson
from sim import caps, descent
from sim.surfaces import Surface, get_surface
from ui import controls, descent_view
from ui.chart_view import plot
from ui.page import Page
from ui.player import live_options, player

DEMO_KEYS = ("gd", "mom", "nag")  # plain GD, momentum, Nesterov momentum


@st.cache_data(max_entries=caps.CACHE_ENTRIES, show_spinner=False)
def cached_regimes(name: str, lr: float, start: tuple, steps: int, nesterov) -> pd.DataFrame:
    """``lessons.momentum.sweep`` (every momentum 0.00 .. 0.99) cached on its inputs."""
    return momentum_lesson.sweep(get_surface(name), lr, start, steps, nesterov=nesterov)


def momentum_control(page: Page, key: str, default: float, container=None) -> float:
    """μ from the grid the browser holds runs for (``momentum_lesson.LIVE_MOMENTA``), bound to
    ``?key=``; a link with another value falls back to ``default`` with a notice."""
    t = page.t
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


def sgd_settings(lr: float, mu: float, nesterov: bool) -> tuple:
    """SGD's hyperparameters as ``descent_view.cached_run`` takes them."""
    return (("learning_rate", lr), ("momentum", mu), ("nesterov", nesterov))


def demo_runs(
    page: Page, surface: Surface, lr: float, mu: float, start, steps: int, nesterov: bool = True
) -> tuple[dict[str, str], dict[str, descent.Trajectory]]:
    """A demo's series names and runs from one start, keyed ``gd`` (plain GD), ``mom``
    (momentum ``mu``) and, with ``nesterov``, ``nag`` (Nesterov momentum ``mu``)."""
    t = page.t
    labels = {
        "gd": t("momentum.series_gd"),
        "mom": t("momentum.series_momentum", mu=f"{mu:g}"),
        "nag": t("momentum.series_nesterov", mu=f"{mu:g}"),
    }
    settings = {"gd": (0.0, False), "mom": (mu, False), "nag": (mu, True)}
    runs = {
        key: descent_view.cached_run(surface.name, "sgd", sgd_settings(lr, m, nag), start, steps)
        for key, (m, nag) in settings.items()
        if nesterov or key != "nag"
    }
    return labels, runs


def download(page: Page, labels: dict, runs: dict, file_name: str) -> None:
    """The demo's runs as CSV, each under its series name."""
    descent_view.download_runs(page, {labels[key]: runs[key] for key in runs}, file_name)


class LiveDemo:
    """A demo's runs as the browser plays them: plain GD once (``run = -1``) and momentum
    (and Nesterov) for every μ of ``momentum_lesson.LIVE_MOMENTA`` (``run`` = its index), each
    row of a vectorized sweep equal to the single run with that μ. Holds the tables the charts
    draw: ``balls`` (every step), ``arrows`` (carried speed and slope's push at the momentum
    ball, ``scale`` times longer) and ``readout`` (the frame's numbers)."""

    def __init__(self, page: Page, surface: Surface, lr: float, start, steps: int, nesterov):
        t = page.t
        self.page, self.surface, self.lr, self.nesterov = page, surface, lr, nesterov
        self.labels = {
            "gd": t("momentum.series_gd"),
            "mom": t("momentum.row_momentum"),
            "nag": t("momentum.row_nesterov"),
        }
        self.series = [self.labels[k] for k in DEMO_KEYS if nesterov or k != "nag"]
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
                surface.name, "sgd", "momentum", grid, start, steps,
                hyper=(*rate, ("nesterov", True)),
            )  # fmt: skip
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
                    track, velocity[i], grid[i], lr, self.scales[i], surface, self.size
                )
                for i, track in enumerate(self.mom)
            ],
            ignore_index=True,
        ).drop(columns="series")  # the arrows are told apart by kind
        self.readout = self._readout(gd, velocity)

    def _readout(self, gd, velocity) -> pd.DataFrame:
        """One row per μ and step: each series' loss (``*_out``: diverged before it), and
        at the momentum ball |μ·v| and |lr·∇f|, held at the last finite step."""
        parts = []
        steps = np.arange(gd.steps + 1)

        def loss(track):
            return track.loss[np.minimum(steps, track.last)], steps > track.last

        f_gd, out_gd = loss(gd)
        for i, track in enumerate(self.mom):
            held = np.minimum(steps, track.last)
            carried = np.zeros((len(steps), 2))
            carried[1:] = momentum_lesson.LIVE_MOMENTA[i] * velocity[i]
            f_mom, out_mom = loss(track)
            row = {
                "run": np.int16(i),
                "step": steps.astype(np.int32),
                "mu": momentum_lesson.LIVE_MOMENTA[i],
                "scale": self.scales[i],
                "f_gd": f_gd,
                "out_gd": out_gd,
                "f_mom": f_mom,
                "out_mom": out_mom,
                "v": np.hypot(*carried[held].T),
                "g": self.lr * np.hypot(*track.grad[held].T),
            }
            if self.nag:
                row["f_nag"], row["out_nag"] = loss(self.nag[i])
            parts.append(pd.DataFrame(row))
        return pd.concat(parts, ignore_index=True)

    def readout_text(self) -> str:
        """The frame's numbers as a Vega expression over a ``readout`` row."""
        t = self.page.t

        def item(key: str) -> str:
            name = json.dumps(self.labels[key])
            gone = descent_frames.text_expr(t("momentum.frame_item_diverged"), {"name": name})
            shown = descent_frames.text_expr(
                t("momentum.frame_item"), {"name": name, "f": descent_frames.number(f"f_{key}")}
            )
            return f"(datum.out_{key} ? {gone} : {shown})"

        keys = DEMO_KEYS if self.nag else DEMO_KEYS[:2]
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

    def across_rows(self) -> pd.DataFrame:
        """Rows ``series, run, step, across`` (``|y|``, the distance off the ravine's floor)
        of every ball; a diverged run's rows end where it left the map."""
        balls = self.balls
        across = balls[["series", "run", "step"]].assign(across=balls["y"].abs())
        last = {(track.series, track.run): track.last for track in self.tracks}
        finite = [last[key] for key in zip(across["series"], across["run"], strict=True)]
        return across[across["step"].to_numpy() <= np.asarray(finite)]

    def loss_chart(self, frames: Frames) -> None:
        """Each series' loss against the step (the live μ's run), a marker at the frame."""
        t = self.page.t
        chart = descent_frames.loss_layers(
            self.balls[["series", "run", "step", "loss"]],
            frames,
            self.series,
            t("common.step_axis"),
            t("common.loss_axis"),
            height=200,
        )
        plot(st, chart, width="stretch")

    def across_chart(self, frames: Frames) -> None:
        """Each series' distance off the ravine's floor (``across_rows``) against the step,
        on a fixed scale from the floor to the window's edge, a marker at the frame."""
        t = self.page.t
        chart = descent_frames.metric_layers(
            self.across_rows(),
            frames,
            self.series,
            "across",
            t("common.step_axis"),
            t("momentum.across_axis"),
            height=200,
            legend=True,
            y_domain=(0.0, float(self.surface.bounds[1][1])),
        )
        plot(st, chart, width="stretch")

    def play(self, key: str, mu_key: str, mu: float, steps: int, run_id) -> Frames:
        """The demo's player with μ live; returns its frames (GD always shown)."""
        t = self.page.t
        frames = player(
            self.page,
            key,
            steps + 1,
            run_id=run_id,
            unit=t("common.unit_step"),
            fps=20,
            live=live_options(momentum_lesson.LIVE_MOMENTA, mu, mu_key),
        )
        return descent_frames.with_fixed_runs(frames)

    def show_readout(self, frames: Frames) -> None:
        """The frame's numbers (``readout_text``), following the player."""
        lines = 3 + len(self.series)
        plot(
            st,
            descent_frames.readout(self.readout, frames, self.readout_text(), lines=lines),
            width="stretch",
        )

    def surface_chart(self, frames: Frames, chart_key: str, start_keys) -> None:
        """The surface with every run's path and ball at the frame, and the force arrows at
        the momentum ball; a click places the start (``start_keys``)."""
        t = self.page.t
        kinds = {"velocity": t("momentum.arrow_velocity"), "gradient": t("momentum.arrow_push")}
        layers = [
            descent_frames.path_layers(
                descent_frames.map_path_rows(self.tracks, self.surface, self.size),
                self.balls,
                frames,
                self.surface.bounds,
                self.series,
                t("common.legend_run"),
                exits=descent_frames.exit_rows(self.tracks, self.surface, self.size),
                legend_column=momentum_charts.LEGEND_COLUMN,
            ),
            # the arrows' legend above the plot: beside the runs' it is wider than the column
            descent_frames.arrow_layers(self.arrows, frames, self.surface.bounds, kinds, "top"),
        ]
        chart = frames.bind(descent_view.surface_view(self.page, self.surface, layers))
        descent_view.show_surface_chart(chart, chart_key, self.surface.bounds, keys=start_keys)


def row_labels(page: Page, nesterov: bool = True) -> dict[bool, str]:
    """The sweep charts' rows: ``False`` momentum, ``True`` Nesterov (if shown)."""
    t = page.t
    labels = {False: t("momentum.row_momentum"), True: t("momentum.row_nesterov")}
    return labels if nesterov else {False: labels[False]}


def regime_strip(page: Page, sweep_frame: pd.DataFrame, mu: float, frames: Frames) -> None:
    """Every momentum's outcome from this start (``momentum_charts.regime_strip``), its rule
    on the μ the slider is on."""
    t = page.t
    strip = momentum_charts.regime_strip(
        sweep_frame,
        row_labels(page),
        {regime: t(f"momentum.regime_{regime}") for regime in momentum_lesson.REGIMES},
        mu,
        t("momentum.momentum"),
        t("momentum.outcome_legend"),
        live_values=momentum_lesson.LIVE_MOMENTA,
        live_filter=frames.live_run(),
    )
    plot(st, frames.bind(strip), width="stretch")


def settle_chart(
    page: Page, sweep_frame: pd.DataFrame, mu: float, frames: Frames, nesterov: bool
) -> None:
    """Steps to settle against μ (``momentum_charts.settle_chart``), its rule on the μ the
    slider is on."""
    t = page.t
    settle = momentum_charts.settle_chart(
        sweep_frame,
        row_labels(page, nesterov),
        mu,
        t("momentum.momentum"),
        t("momentum.settle_axis"),
        t("common.legend_run"),
        live_values=momentum_lesson.LIVE_MOMENTA,
        live_filter=frames.live_run(),
    )
    plot(st, frames.bind(settle), width="stretch")
