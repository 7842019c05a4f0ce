"""What the gradient-descent lesson (A1) notices about its one run: diverged, settled, or
still on its way. Pure: the page puts the notices into words (``ui.page.notice_box``)."""

from __future__ import annotations

import numpy as np

from lessons import descent_facts
from lessons.notices import Notice, Number, notice
from sim import descent
from sim.descent import Trajectory
from sim.surfaces import Surface


def notices(run: Trajectory, surface: Surface, learning_rate: float) -> list[Notice]:
    """One notice about a single plain-GD run from ``run.xy[0]``:

    - diverged: the step, and the stability limit ``2 / curvature`` at the start (where the
      surface curves upward there; where it curves downward no such limit exists);
    - settled (``descent.steps_to_reach``): the minimum, the step and ``f`` at that step;
    - otherwise: ``f`` and ``|grad f|`` at the last step."""
    x0, y0 = (float(v) for v in run.xy[0])
    lr = Number(learning_rate)
    if run.diverged_at is not None:
        critical = descent_facts.critical_rate(surface, x0, y0)
        if critical is None:
            curvature = Number(surface.curvature(x0, y0), 3)
            return [
                notice("gd.notice_diverged_downward", lr=lr, step=run.diverged_at, curv=curvature)
            ]
        return [
            notice("gd.notice_diverged", lr=lr, step=run.diverged_at, critical=Number(critical, 3))
        ]
    reached = int(descent.steps_to_reach(run, surface))
    if reached >= 0:
        where = int(descent.basins(run, surface))
        minimum = surface.minima[where]
        return [
            notice(
                "gd.notice_reached",
                steps=reached,
                minimum=descent_facts.minimum_name(surface, where),
                x=Number(minimum.x, 3),
                y=Number(minimum.y, 3),
                f=Number(run.loss[reached]),  # the value at the step it cites
            )
        ]
    slope = float(np.hypot(*run.grad[-1]))
    return [
        notice("gd.notice_moving", steps=run.steps, f=Number(run.loss[-1]), norm=Number(slope, 3))
    ]
