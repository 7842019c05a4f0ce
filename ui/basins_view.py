"""The Streamlit side of the local-minima lesson (A3): the many-start runs cached on their
settings (``RunKey``), the basin map's picture, the per-frame tables the player plays, the
destination labels in the visitor's language and the paths download."""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np
import streamlit as st

from charts import basins as basin_charts
from charts import descent_frames
from lessons import basins, descent_facts
from sim import caps, descent
from sim.optimizers import make_optimizer
from sim.surfaces import Surface, get_surface
from ui import controls, descent_view
from ui.download import csv_bytes
from ui.page import Page, words

MAX_SIDE = math.isqrt(caps.MAX_STARTS)


class RunKey(NamedTuple):
    """The settings of one many-start run (the cache key of every table made from it)."""

    surface: str
    optimizer: str
    lr: float
    layout: str  # "grid" or "cloud"
    side: int  # starts per side: side**2 starts
    seed: int  # of the cloud
    steps: int


@st.cache_data(max_entries=caps.CACHE_ENTRIES, show_spinner=False)
def many_starts(key: RunKey):
    """All starts as one vectorized run: ``(starts, trajectory, destination codes)``."""
    surface = get_surface(key.surface)
    starts = descent_facts.starts(surface.bounds, key.layout, key.side, key.seed)
    optimizer = make_optimizer(key.optimizer, learning_rate=key.lr)
    traj = descent.run(surface, optimizer, starts, int(caps.clamp(key.steps, 0, caps.MAX_STEPS)))
    return starts, traj, descent_facts.destinations(traj, surface)


@st.cache_data(max_entries=caps.CACHE_ENTRIES, show_spinner=False)
def map_picture(key: RunKey) -> str:
    """The basin map (``charts.basins.basin_url``) of the run ``key``."""
    starts, _, dest = many_starts(key)
    surface = get_surface(key.surface)
    return basin_charts.basin_url(starts, dest, surface, size=descent_view.chart_size(surface))


@st.cache_data(max_entries=caps.CACHE_ENTRIES, show_spinner=False)
def frame_tables(key: RunKey):
    """Every ball at every step it moved (``held_balls``, with its destination ``d``) and
    the settled counts per step: made once per run, then played by the browser."""
    _, traj, dest = many_starts(key)
    surface = get_surface(key.surface)
    diverged = np.asarray(traj.diverged_at)
    last = np.where(diverged < 0, traj.steps, diverged - 1)
    size = descent_view.chart_size(surface)
    held = descent_frames.held_balls(traj.xy, last, surface.bounds, size)
    held["d"] = dest[held["ball"]]
    return held, descent_frames.settled_counts(traj, surface, dest)


def starts_controls(page: Page) -> tuple[str, int, int]:
    """How the crowd starts: ``layout`` (a grid or a random cloud), starts per side (at most
    ``caps.MAX_STARTS`` balls in all) and, for a cloud, its seed (0 for a grid)."""
    t = page.t
    layout = controls.select(
        page,
        "layout",
        t("basins.layout"),
        ("grid", "cloud"),
        "grid",
        format_func=lambda o: t(f"basins.layout_{o}"),
        kind="segmented",
    )
    side_help = t("basins.side_help", cap=caps.MAX_STARTS)
    side = controls.slider(page, "side", t("basins.side"), 4, MAX_SIDE, 16, help=side_help)
    seed = 0
    if layout == "cloud":
        seed = controls.number(page, "seed", t("basins.seed"), 0, 9999, 0)
    return layout, side, seed


def shares_by_optimizer(key: RunKey) -> dict[str, dict]:
    """``descent_facts.shares`` of the same starts run with each of ``basins.OPTIMIZERS``."""
    surface = get_surface(key.surface)
    return {
        optimizer: descent_facts.shares(many_starts(key._replace(optimizer=optimizer))[2], surface)
        for optimizer in basins.OPTIMIZERS
    }


def destination_labels(page: Page, surface: Surface) -> dict[int, str]:
    """``basins.destination_labels`` in the visitor's language."""
    return {code: words(page.t, said) for code, said in basins.destination_labels(surface).items()}


def own_run(key: RunKey, start: tuple[float, float]) -> descent.Trajectory:
    """The learner's own ball: one run from ``start`` with the same optimizer and rate."""
    hyper = (("learning_rate", key.lr),)
    return descent_view.cached_run(key.surface, key.optimizer, hyper, start, key.steps)


# every start's path (diverged tails left out) with its destination; the learner's own ball
# last, as start -1. Made lazily (only on a click) and cached: up to 200k rows.
@st.cache_data(max_entries=caps.CACHE_ENTRIES, show_spinner=False)
def paths_csv(key: RunKey, start: tuple[float, float], labels: tuple) -> bytes:
    _, traj, dest = many_starts(key)
    mine = own_run(key, start)
    code = basins.destination_of(mine, get_surface(key.surface))
    return csv_bytes(basins.paths_table(traj, dest, dict(labels), mine, code))
