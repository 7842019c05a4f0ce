"""The regime rules of lessons.fit_regions, one test per rule: not learning (stuck at chance),
overfit (validation rising from its best while training keeps falling below it), underfit
(both still falling at the end, or low training accuracy), good fit; smoothing keeps one
noisy epoch from deciding; the bands agree with the verdict."""

import math

import numpy as np
import pytest
from page_runs import overfitting_run

from lessons import fit_regions
from lessons.fit_regions import chance_loss, regions
from lessons.notices import Number, keys, notice
from ui.page import words
from ui.text import Translator

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


def page_run(units, layers, epochs=150, n=100, noise=0.3):
    """The overfitting page's run (pages/13_overfitting.py), with sim: its regions, history
    and training labels."""
    fr, run, y_train = overfitting_run(units, layers, epochs, n, noise)
    return fr, run.history, y_train


@pytest.mark.parametrize(
    ("units", "layers", "epochs", "n", "noise", "outcome"),
    [
        (64, 2, 150, 100, 0.3, "overfit"),
        (1, 2, 150, 100, 0.3, "not_learning"),  # the dead single unit: loss 0.692, at chance
        (2, 2, 20, 100, 0.3, "underfit"),  # both curves still falling
        (64, 2, 20, 100, 0.3, "good"),  # validation below training: not overfitting yet
        (4, 1, 150, 300, 0.2, "good"),  # a medium network on more, cleaner data
    ],
)
def test_the_notice_states_the_verdict_with_the_runs_numbers(
    units, layers, epochs, n, noise, outcome
):
    fr, h, y_train = page_run(units, layers, epochs, n, noise)
    n_train = len(y_train)
    share = float(np.mean(y_train))  # the chance-level loss: the entropy of the labels
    assert fr.outcome == outcome
    (said,) = fit_regions.notices(fr, h, units, layers, n_train)
    assert said.key == f"curves.notice_{outcome}"
    assert (said["units"], said["layers"], said["n"]) == (units, layers, n_train)
    assert (said["best"], said["last"], said["over"]) == (fr.best, epochs, fr.overfit_start or 0)
    assert said["best"] == int(np.argmin(fit_regions.smooth(h["val_loss"]))) + 1
    assert said["train_end"] == Number(h["loss"][-1], 3)
    assert said["val_end"] == Number(h["val_loss"][-1], 3)
    assert said["val_best"] == Number(h["val_loss"][fr.best - 1], 3)
    entropy = -(share * math.log(share) + (1 - share) * math.log(1 - share))
    assert said["chance"] == Number(pytest.approx(entropy), 3)
    assert said["acc"] == notice("curves.percent", v=round(100 * h["accuracy"][-1]))
    assert said["val_acc"] == notice("curves.percent", v=round(100 * h["val_accuracy"][-1]))
    text = words(Translator("en"), said)
    assert "{" not in text and f"{said['val_acc']['v']}%" in text
    if outcome == "overfit":
        assert fr.best < fr.overfit_start <= fr.last
        assert f"epoch **{fr.best}**" in text and f"from epoch {fr.overfit_start}" in text


def test_every_frame_names_its_epochs_losses_and_region():
    fr, h, _ = page_run(64, 2)
    frames = fit_regions.frame_notices(fr, h)
    assert len(frames) == 151 and keys(frames[0]) == ["curves.frame_start"]
    for epoch in (1, fr.best, fr.overfit_start, 150):
        caption, meaning = frames[epoch]
        region = fr.region_of(epoch)
        assert caption["epoch"] == epoch and caption["region"].key == f"curves.region_{region}"
        assert caption["loss"] == Number(h["loss"][epoch - 1], 3)
        assert caption["val_loss"] == Number(h["val_loss"][epoch - 1], 3)
        assert meaning.key == f"curves.frame_{region}"
    assert frames[150][1].key == "curves.frame_overfit"
    assert frames[1][1].key == "curves.frame_underfit"


def test_each_region_has_its_own_colour():
    from charts import curves
    from charts import fit_regions as fit_region_charts

    colours = fit_region_charts.REGION_COLOURS
    assert list(colours) == ["not_learning", *fit_regions.REGIONS]
    assert [colours[r] for r in fit_regions.REGIONS] == list(curves.REGION_COLOURS)
    assert set(colours) == set(fit_regions.OUTCOMES)
