"""Underfit / good / overfit regions read off learning curves (sim.fit_regions)."""

import numpy as np
import pytest

from sim.fit_regions import regions


def test_overfit_curve():
    epochs = np.arange(1, 61)
    train = 1.0 / epochs
    val = 0.3 + 0.002 * (epochs - 20) ** 2 / 4
    fr = regions(train, val)
    assert fr.best == 20
    assert fr.outcome == "overfit"
    assert fr.overfit_start > fr.best
    assert val[fr.overfit_start - 1] > fr.val_best * 1.15
    names = [b[0] for b in fr.bands()]
    assert names == ["underfit", "good", "overfit"]
    # bands tile epochs 0.5 .. last + 0.5 with no gaps
    edges = [(a, b) for _, a, b in fr.bands()]
    assert edges[0][0] == 0.5 and edges[-1][1] == 60.5
    assert all(edges[i][1] == edges[i + 1][0] for i in range(len(edges) - 1))


def test_good_and_underfit():
    e = np.arange(1, 41)
    flat = np.exp(-e / 5) + 0.2
    val = flat + 0.0005 * np.maximum(e - 25, 0)  # lowest at 25, rises 3% by the end
    fr = regions(flat, val, accuracy=np.full(40, 0.95))
    assert fr.outcome == "good" and fr.overfit_start is None
    assert regions(flat, flat, accuracy=np.full(40, 0.6)).outcome == "underfit"
    still = 1.0 - 0.01 * e  # validation still falling at the end
    assert regions(still, still).outcome == "underfit"


def test_bad_input():
    with pytest.raises(ValueError):
        regions([], [])
