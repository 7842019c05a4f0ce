"""lessons.basins' notices: every branch checked against many-start runs made with sim (the
shares of each destination, per optimizer) and the learner's own run, with the words of the
default page's notices in English."""

import numpy as np
import pytest

from charts import basins as basin_charts
from lessons import basins, descent_facts
from lessons.descent_facts import DIVERGED, NONE
from lessons.notices import Number, keys, notice
from sim import descent
from sim.optimizers import make_optimizer
from sim.surfaces import get_surface
from ui.page import words
from ui.text import Translator

EN = Translator("en")


def crowd(surface="local_minima", optimizer="sgd", lr=0.1, side=16, steps=150):
    s = get_surface(surface)
    starts = descent_facts.start_grid(s.bounds, side)
    traj = descent.run(s, make_optimizer(optimizer, learning_rate=lr), starts, steps)
    return descent_facts.shares(descent_facts.destinations(traj, s), s)


def own(surface="local_minima", optimizer="sgd", lr=0.1, start=None, steps=150):
    s = get_surface(surface)
    start = s.default_start if start is None else start
    return descent.run(s, make_optimizer(optimizer, learning_rate=lr), start, steps)


def test_shares_compare_and_minima_of_the_default_crowd():
    s = get_surface("local_minima")
    compare = {o: crowd(optimizer=o) for o in basins.OPTIMIZERS}
    mine = compare["sgd"]
    said = basins.shares_notice(mine, "sgd", 0.1, s)
    assert said.key == "basins.notice_shares" and said["n"] == 256
    for kind in ("global", "local", "none", "diverged"):
        assert said[kind] == Number(100 * mine[kind], 3)
    assert said["opt"] == notice("basins.opt_sgd") and said["lr"] == Number(0.1)
    text = words(EN, said)
    assert (
        f"**{100 * mine['global']:.3g}%** of the 256 starts reached the global minimum, "
        f"{100 * mine['local']:.3g}% stopped in a local minimum" in text
    )
    per_minimum = basins.minimum_notices(mine, s)
    assert [n["count"] for n in per_minimum] == [mine["counts"][0], mine["counts"][1]]
    assert words(EN, per_minimum[1]) == f"local minimum (-1.44, 0.48): {mine['counts'][1]} balls"
    compared = basins.compare_notice(compare, 0.1)
    for name, optimizer in (("gd", "sgd"), ("momentum", "momentum"), ("adam", "adam")):
        assert compared[name] == Number(100 * compare[optimizer]["global"], 3)
    # momentum rolls more balls into the deep well than plain GD on this surface
    assert compare["momentum"]["global"] > mine["global"]


def test_all_equally_deep_minima_are_all_global():
    s = get_surface("himmelblau")
    mine = crowd("himmelblau", "momentum")
    said = basins.shares_notice(mine, "momentum", 0.1, s)
    assert said.key == "basins.notice_shares_all_global" and said["minima"] == 4
    assert f"**{100 * mine['global']:.3g}%** of the 256 starts reached one of the 4 minima" in (
        words(EN, said)
    )


@pytest.mark.parametrize(
    ("optimizer", "kind", "label"),
    [
        ("sgd", "local", "local minimum (-1.44, 0.48)"),
        ("momentum", "global", "global minimum (1.9, 0)"),
    ],
)
def test_own_ball_ends_in_the_minimum_of_its_run(optimizer, kind, label):
    s = get_surface("local_minima")
    run = own(optimizer=optimizer)
    out = descent_facts.outcome(run, s)
    assert out.kind == "reached" and s.minima[out.minimum].kind == kind
    said = basins.probe_notice(run, s, optimizer)
    assert said.key == "basins.probe_reached" and said["steps"] == out.step
    assert (said["x"], said["y"]) == (Number(-4.5, 3), Number(1.5, 3))
    assert f"ended in the **{label}** after {out.step} steps" in words(EN, said)
    assert basins.destination_of(run, s) == out.minimum


def test_own_ball_diverges_or_rests_on_the_ridge():
    s = get_surface("himmelblau")
    run = own("himmelblau", lr=0.05, start=(4.8, 4.8))
    said = basins.probe_notice(run, s, "sgd")
    assert said.key == "basins.probe_diverged" and said["step"] == run.diverged_at is not None
    assert basins.destination_of(run, s) == DIVERGED
    saddle = get_surface("saddle")
    ridge = own("saddle", start=(-2.8, 0.0))
    said = basins.probe_notice(ridge, saddle, "sgd")
    assert said.key == "basins.probe_moving" and said["steps"] == 150
    assert basins.destination_of(ridge, saddle) == NONE


def test_strays_are_named_only_when_there_are_any():
    """An odd grid puts a row of starts exactly on the saddle's ridge: they stay there."""
    ridge = crowd("saddle", side=9)
    assert ridge["counts"][NONE] == 9 and ridge["counts"][DIVERGED] == 0
    said = basins.stray_notices(ridge, 150)
    assert keys(said) == ["basins.notice_none"] and said[0]["count"] == 9
    assert "9 balls reached no minimum within 150 steps" in words(EN, said[0])
    wild = crowd("himmelblau", lr=0.05)
    said = basins.stray_notices(wild, 150)
    assert "basins.notice_diverged" in keys(said)
    assert said[-1]["count"] == wild["counts"][DIVERGED] > 0
    calm = {"counts": {0: 3, NONE: 0, DIVERGED: 0}}
    assert basins.stray_notices(calm, 150) == []


def test_destination_labels_name_every_code_in_both_languages():
    s = get_surface("local_minima")
    labels = basins.destination_labels(s)
    assert list(labels) == basins.destination_codes(s)
    assert words(EN, labels[0]) == "global minimum (1.9, 0)"
    assert words(EN, labels[NONE]) == "no minimum yet"
    ko = Translator("ko")
    assert all(words(ko, label) != words(EN, label) for label in labels.values())


def test_share_rows_are_the_shares_per_optimizer():
    compare = {"sgd": crowd(side=6, steps=40), "adam": crowd(optimizer="adam", side=6, steps=40)}
    rows = basin_charts.share_rows(compare, {"sgd": "GD", "adam": "Adam"})
    assert set(rows["optimizer"]) == {"GD", "Adam"}
    np.testing.assert_allclose(rows.groupby("optimizer")["share"].sum(), 1.0)
    gd = rows[rows["optimizer"] == "GD"].set_index("d")["share"]
    assert gd[0] == pytest.approx(compare["sgd"]["global"])
