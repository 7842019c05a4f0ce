"""The regime rules of lessons.fit_regions, one test per rule: not learning (stuck at chance),
overfit (validation rising from its best while training keeps falling below it), underfit
(both still falling at the end, or low training accuracy), good fit; smoothing keeps one
noisy epoch from deciding; the bands agree with the verdict."""

import math

import numpy as np
import pytest

from lessons import fit_regions
from lessons.fit_regions import chance_loss, regions

EPOCHS = np.arange(1, 61)


def tiles(fr):
    edges = [(a, b) for _, a, b in fr.bands()]
    assert edges[0][0] == 0.5 and edges[-1][1] == fr.last + 0.5
    assert all(edges[i][1] == edges[i + 1][0] for i in range(len(edges) - 1))
    return [name for name, _, _ in fr.bands()]


def test_overfit_needs_validation_rising_while_training_falls_below_it():
    train = 1.0 / EPOCHS
    val = 0.3 + 0.002 * (EPOCHS - 20) ** 2 / 4
    fr = regions(train, val, chance=math.log(2))
    assert fr.outcome == "overfit" and fr.best == 20
    assert fr.overfit_start > fr.best
    assert fit_regions.smooth(val)[fr.overfit_start - 1] > fr.val_best * 1.15 + 0.02
    assert tiles(fr) == ["underfit", "good", "overfit"]
    assert fr.region_of(fr.overfit_start) == "overfit" and fr.region_of(fr.best) == "good"
    # the same rise with training loss flat is not overfitting (training stopped improving)
    flat_train = np.full(60, 0.25)
    assert regions(flat_train, val).outcome != "overfit"
    # ... nor with validation loss still below training loss (the gap is not open)
    above = val + 1.0
    assert regions(above, val).outcome != "overfit"
    # a rise that came back down by the last epoch is not overfitting at the end
    dip = val.copy()
    dip[40:] = 0.31
    assert regions(train, dip).outcome != "overfit"


def test_noise_around_a_plateau_is_not_a_rise():
    rng = np.random.default_rng(0)
    train = 0.2 + 0.5 * np.exp(-EPOCHS / 5)
    val = 0.7 + 0.003 * rng.standard_normal(60)  # wobbles of a few thousandths
    val[:10] = np.linspace(0.9, 0.7, 10)
    fr = regions(train, val, accuracy=np.full(60, 0.9))
    assert fr.outcome == "good" and fr.overfit_start is None


def test_not_learning_is_stuck_at_chance():
    chance = math.log(2)
    stuck = np.full(60, 0.692)
    fr = regions(stuck, stuck + 0.01, accuracy=np.full(60, 0.53), chance=chance)
    assert fr.outcome == "not_learning"
    assert tiles(fr) == ["not_learning"] and fr.region_of(30) == "not_learning"
    # 6% below chance is learning something
    assert regions(stuck * 0.94, stuck, chance=chance).outcome != "not_learning"
    assert chance_loss(np.array([0, 1, 0, 1]), "binary") == pytest.approx(chance)
    assert chance_loss(np.array([0, 0, 0, 1]), "binary") == pytest.approx(
        -(0.75 * math.log(0.75) + 0.25 * math.log(0.25))
    )
    assert chance_loss(np.eye(3)[[0, 1, 2]], "multiclass") == pytest.approx(math.log(3))
    assert chance_loss(np.array([1.0, 3.0]), "regression") == pytest.approx(1.0)
    assert chance_loss(np.array([]), "binary") is None


def test_underfit_while_both_curves_still_fall():
    train = 0.7 - 0.004 * EPOCHS
    val = 0.65 - 0.004 * EPOCHS
    fr = regions(train, val, accuracy=np.full(60, 0.8), chance=math.log(2))
    assert fr.outcome == "underfit" and fr.best == 60
    assert tiles(fr) == ["underfit"]  # not yet there: no good band
    # low training accuracy is underfitting too, even on flat curves
    flat = 0.3 + 0.4 * np.exp(-EPOCHS / 5)
    assert regions(flat, flat, accuracy=np.full(60, 0.6)).outcome == "underfit"


def test_good_fit():
    flat = np.exp(-EPOCHS / 5) + 0.2
    val = flat + 0.0005 * np.maximum(EPOCHS - 25, 0)  # a slight rise, below the line
    fr = regions(flat, val, accuracy=np.full(60, 0.95), chance=math.log(2))
    assert fr.outcome == "good" and fr.overfit_start is None
    assert tiles(fr) == ["underfit", "good"]


def test_loss_axis_starts_at_zero():
    assert fit_regions.loss_axis([0.7, 0.69], [0.70, 0.705]) == (0.0, pytest.approx(0.705 * 1.05))
    assert fit_regions.loss_axis([math.inf], [math.nan]) == (0.0, 1.0)


def test_smooth_is_a_centred_mean():
    assert list(fit_regions.smooth([0, 0, 5, 0, 0], 5)) == [
        pytest.approx(v) for v in (5 / 3, 5 / 4, 1, 5 / 4, 5 / 3)
    ]


def test_bad_input():
    with pytest.raises(ValueError):
        regions([], [])
