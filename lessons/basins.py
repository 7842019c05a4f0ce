"""The basins-of-attraction map of the local-minima lesson (A3): pure builders, no Streamlit.

Many starts run at once (``descent.run`` with an ``(n, 2)`` start array); each start gets a
destination code (``descent_facts.destinations``: a minimum's index, -1 none, -2 diverged). The
map colours every pixel by the destination of its nearest start (for a grid of starts: its
cell) in a pale tint, with the surface's contour lines on top, as one small picture. The balls
are one ``mark_point`` layer of rows ``x, y, d`` (the page sends every frame's rows once).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from lessons.descent_facts import DIVERGED, NONE
from sim.surfaces import Surface

NONE_COLOUR = "#999999"
DIVERGED_COLOUR = "#000000"
# minima colours: Okabe-Ito from blue on (vermillion is kept for "momentum"-like accents)
MINIMA_COLOURS = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00")
TINT = 0.3  # share of the destination colour in a map pixel (the rest is white): pale, so the
# balls (full colour, dark outline) stand out on their own basin


def destination_codes(surface: Surface) -> list[int]:
    """Every destination code a run on ``surface`` can have, in legend order."""
    return [*range(len(surface.minima)), NONE, DIVERGED]


def colour_of(code: int) -> str:
    if code == NONE:
        return NONE_COLOUR
    if code == DIVERGED:
        return DIVERGED_COLOUR
    return MINIMA_COLOURS[code % len(MINIMA_COLOURS)]


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
