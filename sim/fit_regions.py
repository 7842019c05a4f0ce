"""Underfit / good / overfit regions of a training run, read off its learning curves (B4, B8).

Pure numpy; no streamlit. The rule (stated so a learner can check it on the chart):

* ``best``: the epoch with the lowest validation loss;
* *underfit* runs from epoch 1 until validation loss first comes within ``close`` (a fraction
  of the total drop) of that lowest value;
* *overfit* starts at the first epoch after ``best`` where validation loss has climbed more
  than ``rise`` (relative) above the lowest value while training loss keeps falling;
* *good* is what lies between.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class FitRegions:
    best: int  # 1-based epoch of the lowest validation loss
    good_start: int  # 1-based first epoch of the good region
    overfit_start: int | None  # 1-based first epoch of the overfit region, or None
    last: int  # last epoch
    outcome: str  # "underfit", "good" or "overfit" at the last epoch
    train_end: float
    val_end: float
    val_best: float
    gap_end: float  # val_loss - loss at the last epoch

    def bands(self) -> list[tuple[str, float, float]]:
        """``(region, start, end)`` in epoch coordinates for shading (edges at half epochs)."""
        out = []
        if self.good_start > 1:
            out.append(("underfit", 0.5, self.good_start - 0.5))
        end_good = (self.overfit_start - 0.5) if self.overfit_start else self.last + 0.5
        out.append(("good", self.good_start - 0.5, end_good))
        if self.overfit_start:
            out.append(("overfit", self.overfit_start - 0.5, self.last + 0.5))
        return out


def regions(
    loss,
    val_loss,
    accuracy=None,
    close: float = 0.1,
    rise: float = 0.15,
    underfit_accuracy: float = 0.75,
) -> FitRegions:
    """Regions of one run (see the module docstring). ``accuracy`` (training, per epoch) lets
    a run that never fits the training data well be called underfit at its end."""
    tr = np.asarray(loss, dtype=float)
    va = np.asarray(val_loss, dtype=float)
    if len(tr) == 0 or len(va) != len(tr):
        raise ValueError("loss and val_loss need the same, non-zero length")
    n = len(va)
    b = int(np.argmin(va))
    vmin = float(va[b])
    drop = float(va[0] - vmin)
    good = int(np.argmax(va <= vmin + close * drop)) if drop > 0 else 0
    good = min(good, b)
    over = None
    limit = vmin * (1 + rise) + 1e-3
    for i in range(b + 1, n):
        if va[i] > limit and tr[i] < tr[b]:
            over = i
            break
    acc_end = None if accuracy is None or len(accuracy) == 0 else float(accuracy[-1])
    if over is not None:
        outcome = "overfit"
    elif acc_end is not None and acc_end < underfit_accuracy:
        outcome = "underfit"
    elif n >= 10 and b + 1 > 0.9 * n and drop > 0:
        outcome = "underfit"  # validation still improving at the very end
    else:
        outcome = "good"
    return FitRegions(
        best=b + 1,
        good_start=good + 1,
        overfit_start=None if over is None else over + 1,
        last=n,
        outcome=outcome,
        train_end=float(tr[-1]),
        val_end=float(va[-1]),
        val_best=vmin,
        gap_end=float(va[-1] - tr[-1]),
    )


REGION_COLOURS = {"underfit": "#E69F00", "good": "#009E73", "overfit": "#D55E00"}


def band_chart(fr: FitRegions, labels: dict[str, str]):
    """Shaded underfit / good / overfit epoch ranges, coloured by region (fixed colours per
    region, labels translated by the caller)."""
    import pandas as pd

    from sim import charts

    rows = [{"start": a, "end": b, "label": labels[r]} for r, a, b in fr.bands()]
    frame = pd.DataFrame(rows, columns=["start", "end", "label"])
    domain = [labels[r] for r in REGION_COLOURS]
    return charts.band_layer(frame, domain, list(REGION_COLOURS.values()))
