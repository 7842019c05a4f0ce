"""The local-minima lesson (A3): many starts run at once, and what it notices about them.

Many starts run at once (``descent.run`` with an ``(n, 2)`` start array); each start gets a
destination code (``descent_facts.destinations``: a minimum's index, -1 none, -2 diverged). The
map (``charts.basins``) colours every pixel by the destination of its nearest start
(``nearest_start``; for a grid of starts: its cell). The notices compare the shares of the
destinations across ``OPTIMIZERS`` and follow the learner's own ball. Pure: no Streamlit.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from lessons import descent_facts
from lessons.descent_facts import DIVERGED, NONE
from lessons.notices import Notice, Number, notice
from sim.descent import Trajectory
from sim.surfaces import Surface

OPTIMIZERS = ("sgd", "momentum", "adam")  # the update rules compared from the same starts
SHARE_KINDS = ("global", "local", "none", "diverged")  # the shares a sentence cites


def destination_codes(surface: Surface) -> list[int]:
    """Every destination code a run on ``surface`` can have, in legend order."""
    return [*range(len(surface.minima)), NONE, DIVERGED]


def nearest_start(starts: np.ndarray, bounds, cells: tuple[int, int]) -> np.ndarray:
    """For a ``cells = (nx, ny)`` raster over ``bounds`` (rows from low y): the index of the
    nearest start of every pixel, ``(ny, nx)``. Chunked over rows to bound memory."""
    (x0, x1), (y0, y1) = bounds
    nx, ny = cells
    xs = x0 + (np.arange(nx) + 0.5) * (x1 - x0) / nx
    ys = y0 + (np.arange(ny) + 0.5) * (y1 - y0) / ny
    # distances in screen-like units so a cell is square whatever the window's aspect
    sx, sy = 1 / (x1 - x0), 1 / (y1 - y0)
    out = np.empty((ny, nx), dtype=np.int64)
    px = (starts[:, 0] * sx)[None, :]
    for r, y in enumerate(ys):
        d = (xs[:, None] * sx - px) ** 2 + ((y - starts[:, 1]) * sy)[None, :] ** 2
        out[r] = np.argmin(d, axis=1)
    return out


def paths_table(
    traj, dest: np.ndarray, labels: dict[int, str], own=None, own_code: int | None = None
) -> pd.DataFrame:
    """The download: rows ``start, destination, step, x, y, loss`` of every start of a
    many-start run (diverged tails left out), each with its destination's label; a single
    extra run ``own`` (the learner's ball, destination ``own_code``) is appended as start -1."""
    frame = traj.to_frame()
    codes = np.asarray(dest)[frame["start"].to_numpy()]
    frame.insert(1, "destination", [labels[int(c)] for c in codes])
    if own is None:
        return frame
    extra = own.to_frame().assign(start=-1)
    extra.insert(1, "destination", labels[int(own_code)])
    return pd.concat([frame, extra[frame.columns]], ignore_index=True)


def destination_labels(surface: Surface) -> dict[int, Notice]:
    """The name of every destination code: each minimum by its kind and place (rounded to
    two decimals), then no minimum (``NONE``) and diverged (``DIVERGED``)."""
    labels = {}
    for i, m in enumerate(surface.minima):
        x, y = (f"{round(v, 2) + 0.0:g}" for v in (m.x, m.y))  # + 0.0: no "-0"
        labels[i] = notice(f"basins.dest_{m.kind}", x=x, y=y)
    labels[NONE] = notice("basins.dest_none")
    labels[DIVERGED] = notice("basins.dest_diverged")
    return labels


def destination_of(run: Trajectory, surface: Surface) -> int:
    """The destination code of a single-start run (as ``descent_facts.destinations`` gives
    for many): the minimum it settled in, ``NONE`` while moving, or ``DIVERGED``."""
    out = descent_facts.outcome(run, surface)
    return {"reached": out.minimum, "moving": NONE}.get(out.kind, DIVERGED)


def optimizer_name(optimizer: str) -> Notice:
    return notice(f"basins.opt_{optimizer}")


def shares_notice(mine: dict, optimizer: str, lr: float, surface: Surface) -> Notice:
    """The shares (``descent_facts.shares``) of one optimizer's starts in percent: global,
    local, none and diverged; where every minimum is equally deep, all are global."""
    has_local = any(m.kind == "local" for m in surface.minima)
    return notice(
        "basins.notice_shares" if has_local else "basins.notice_shares_all_global",
        n=mine["n"],
        opt=optimizer_name(optimizer),
        lr=Number(lr),
        minima=len(surface.minima),
        **{kind: Number(100 * mine[kind], 3) for kind in SHARE_KINDS},
    )


def minimum_notices(mine: dict, surface: Surface) -> list[Notice]:
    """How many balls ended in each minimum, one notice per minimum."""
    labels = destination_labels(surface)
    return [
        notice("basins.notice_per_minimum", label=labels[i], count=mine["counts"][i])
        for i in range(len(surface.minima))
    ]


def compare_notice(compare: dict[str, dict], lr: float) -> Notice:
    """The global share in percent of each of ``OPTIMIZERS`` (``compare`` maps an optimizer
    to the ``descent_facts.shares`` of its run from the same starts)."""
    percent = {o: Number(100 * compare[o]["global"], 3) for o in OPTIMIZERS}
    return notice(
        "basins.notice_compare",
        gd=percent["sgd"],
        momentum=percent["momentum"],
        adam=percent["adam"],
        lr=Number(lr),
    )


def probe_notice(probe: Trajectory, surface: Surface, optimizer: str) -> Notice:
    """Where the learner's own ball (one run from ``probe.xy[0]``) went: the minimum it
    settled in and the step, the step it diverged at, or still moving at the last step."""
    out = descent_facts.outcome(probe, surface)
    x0, y0 = (float(v) for v in probe.xy[0])
    where = dict(x=Number(x0, 3), y=Number(y0, 3), opt=optimizer_name(optimizer))
    if out.kind == "diverged":
        return notice("basins.probe_diverged", step=out.step, **where)
    if out.kind == "reached":
        dest = destination_labels(surface)[out.minimum]
        return notice("basins.probe_reached", dest=dest, steps=out.step, **where)
    return notice("basins.probe_moving", steps=probe.steps, **where)


def stray_notices(mine: dict, steps: int) -> list[Notice]:
    """The balls that reached no minimum within ``steps``, and those that diverged (each
    only when there are any)."""
    said = []
    if mine["counts"][NONE] > 0:
        said.append(notice("basins.notice_none", count=mine["counts"][NONE], steps=steps))
    if mine["counts"][DIVERGED] > 0:
        said.append(notice("basins.notice_diverged", count=mine["counts"][DIVERGED]))
    return said
