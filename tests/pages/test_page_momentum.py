"""The momentum lesson (A5): renders in both languages; the "what to notice" statements match
runs computed with sim directly, one test per outcome (escapes / too little / too much in its
three forms / GD already global; in the ravine damped / too much / diverged with the computed
stability limit); the two demos are tabs, only the open one built, chosen by ``?demo=``; bad URL
values (a momentum off the slider's grid too) fall back with a notice; each demo's player
gets the whole run and every chart following it holds the engine's numbers for every μ of
the live grid.
(Widgets at their extremes and hostile URL values: tests/pages/test_all_pages.py.)"""

import json
import re

import numpy as np
import pytest
from apptest_utils import (
    assert_clean,
    chart_datasets,
    charts,
    frame_charts,
    notice_text,
    open_page,
    player_data,
)

from charts import numbers
from lessons import descent_facts
from lessons import momentum as momentum_lesson
from sim import descent
from sim.optimizers import make_optimizer
from sim.surfaces import LOCAL_MINIMA_LR, get_surface

FILE = "pages/05_momentum.py"
V = get_surface("local_minima")
R = get_surface("ravine")
HANGUL = re.compile(r"[\uac00-\ud7a3]")


def run(surface, mu=0.0, nesterov=False, lr=LOCAL_MINIMA_LR, start=None, steps=150):
    opt = make_optimizer("sgd", learning_rate=lr, momentum=mu, nesterov=nesterov)
    return descent.run(surface, opt, start or surface.default_start, steps)


def g(x: float) -> str:
    return numbers.plain(x, 4)


RAVINE = {"demo": "ravine"}
ESCAPE_KEYS, RAVINE_KEYS = {"mu", "x0"}, {"rmu", "rx0"}  # sliders of each demo


@pytest.fixture(scope="module")
def default_page():
    at = open_page(FILE)
    assert_clean(at)
    return at


@pytest.fixture(scope="module")
def ravine_page():
    at = open_page(FILE, params=RAVINE)
    assert_clean(at)
    return at


def built(at, keys) -> bool:
    """The demo whose sliders are ``keys`` is on the page, and the other one is not."""
    sliders = {s.key for s in at.slider} | {s.key for s in at.select_slider}
    return keys <= sliders and not (ESCAPE_KEYS | RAVINE_KEYS) - keys & sliders


def test_one_demo_at_a_time(default_page, ravine_page):
    """The escape demo opens by default; ``?demo=ravine`` opens the ravine. Only the open
    tab's demo is built (its controls, player and three charts)."""
    assert [tab.label for tab in default_page.tabs] == [
        "1. Rolling out of a local minimum",
        "2. Damping the zig-zag in a ravine",
    ]
    assert built(default_page, ESCAPE_KEYS)
    assert built(ravine_page, RAVINE_KEYS)
    # surface, frame readout, loss (ravine: distance off the floor), sweep over μ
    assert len(charts(default_page)) == len(charts(ravine_page)) == 4
    # a click on the other tab (its label is the tab state) builds that demo
    at = open_page(FILE)
    at.session_state["demo"] = "2. Damping the zig-zag in a ravine"
    at.run()
    assert_clean(at)
    assert built(at, RAVINE_KEYS)


def test_the_open_demo_survives_a_language_switch():
    at = open_page(FILE, lang="ko", params=RAVINE)
    assert_clean(at)
    assert at.session_state["demo"] == "2. 좁은 골짜기에서 지그재그 줄이기"
    assert built(at, RAVINE_KEYS)


def test_an_unknown_demo_opens_the_first_with_a_notice():
    at = open_page(FILE, params={"demo": "<script>"})
    assert_clean(at)
    assert built(at, ESCAPE_KEYS)
    assert "`demo=<script>`" in " ".join(i.value for i in at.info)


def test_renders_in_korean():
    at = open_page(FILE, lang="ko")
    assert_clean(at)
    assert len(charts(at)) == 4
    assert player_data(at, "mom")["labels"]["play"] == "재생"
    text = notice_text(at)
    assert HANGUL.search(text)
    assert "네스테로프가 여기서 뒤처지는 이유" in text


def test_default_escape_statement(default_page):
    text = notice_text(default_page)
    gd, mom, nag = run(V), run(V, 0.9), run(V, 0.9, True)
    o_gd, o_mom, o_nag = (descent_facts.outcome(x, V) for x in (gd, mom, nag))
    # GD in the local minimum, momentum 0.9 in the global one, Nesterov 0.9 in the local one
    assert V.minima[o_gd.minimum].kind == "local"
    assert V.minima[o_mom.minimum].kind == "global"
    assert V.minima[o_nag.minimum].kind == "local"
    assert (
        f"**GD** stopped in the **local** minimum at f = {g(o_gd.step_loss)} "
        f"after {o_gd.step} steps" in text
    )
    passes = descent_facts.momentum_regime(mom, V).passes
    assert (
        f"**momentum 0.9** rolled through the shallow dip and reached the **global** minimum: "
        f"settled after **{o_mom.step} steps** at f = {g(o_mom.step_loss)}, after swinging "
        f"through its bottom {passes} times" in text
    )
    assert "**Nesterov 0.9** is **too little**: like GD it stopped in the **local**" in text
    # the look-ahead explanation, with the smallest momentum that gets Nesterov out
    sweep = momentum_lesson.sweep(V, LOCAL_MINIMA_LR, V.default_start, 150)
    need = momentum_lesson.regime_ranges(sweep, True, "enough")[0][0]
    assert "Why Nesterov stays behind here: it looks ahead." in text
    assert f"it needs momentum **{need:.2f}** or more" in text
    spans = {
        r: momentum_lesson.regime_ranges(sweep, False, r) for r in ("trapped", "enough", "too_much")
    }
    lo, hi = spans["enough"][0]
    assert f"escapes for **{lo:.2f}–{hi:.2f}**" in text
    assert lo <= 0.9 <= hi


def test_default_ravine_statement(ravine_page):
    text = notice_text(ravine_page)
    gd, mom = run(R, lr=0.9, steps=100), run(R, 0.5, lr=0.9, steps=100)
    o_gd, o_mom = descent_facts.outcome(gd, R), descent_facts.outcome(mom, R)
    assert o_mom.step < o_gd.step and momentum_lesson.cross_turns(
        mom
    ) < momentum_lesson.cross_turns(gd)
    assert (
        "**GD** zig-zagged: it turned back across the valley "
        f"**{momentum_lesson.cross_turns(gd)} times** "
        f"and reached the bottom after **{o_gd.step} steps**" in text
    )
    assert (
        f"**momentum 0.5** damped it: {momentum_lesson.cross_turns(mom)} turns across the valley "
        "and at "
        f"the bottom after **{o_mom.step} steps**" in text
    )


def test_too_little_momentum_is_trapped():
    at = open_page(FILE, params={"mu": "0.5"})
    assert_clean(at)
    out = descent_facts.outcome(run(V, 0.5), V)
    assert V.minima[out.minimum].kind == "local"
    assert (
        f"**momentum 0.5** is **too little**: like GD it stopped in the **local** minimum "
        f"(f = {g(out.step_loss)}, settled after {out.step} steps)" in notice_text(at)
    )


TOO_MUCH = {
    "0.97": "is **more than needed**: it reached the **global** minimum, but overshot",
    "0.98": "swung back over the rim and ended in the **local** minimum after all",
    "0.99": "is still swinging back and forth (it passed the global minimum {passes} times",
}


def check_too_much(at, mu: str) -> None:
    traj = run(V, float(mu))
    facts = descent_facts.momentum_regime(traj, V)
    assert facts.regime == "too_much"
    text = notice_text(at)
    assert f"**momentum {float(mu):g}** is **" in text
    assert TOO_MUCH[mu].format(passes=facts.passes) in text
    if mu == "0.97":
        assert f"only settled after **{facts.outcome.step} steps**" in text


def test_too_much_momentum_swings_back():
    at = open_page(FILE, params={"mu": "0.98"})
    assert_clean(at)
    check_too_much(at, "0.98")


def test_gd_already_global_from_the_right():
    at = open_page(FILE, params={"x0": "4.0", "y0": "-3.0"})
    assert_clean(at)
    out = descent_facts.outcome(run(V, start=(4.0, -3.0)), V)
    assert f"even **GD** reaches the **global** minimum ({out.step} steps" in notice_text(at)


def test_ravine_too_much_and_nesterov_diverges():
    at = open_page(FILE, params=RAVINE | {"rmu": "0.9", "rnag": "true"})
    assert_clean(at)
    text = notice_text(at)
    gd, mom = run(R, lr=0.9, steps=100), run(R, 0.9, lr=0.9, steps=100)
    nag = run(R, 0.9, True, lr=0.9, steps=100)
    o_gd, o_mom = descent_facts.outcome(gd, R), descent_facts.outcome(mom, R)
    assert o_mom.step > o_gd.step
    assert (
        f"**momentum 0.9** is **too much** here: it swings back and forth "
        f"({momentum_lesson.cross_turns(mom)} turns across) "
        f"and needed **{o_mom.step} steps**, more than "
        f"GD's {o_gd.step}" in text
    )
    limit = 2 * 1.9 / (2.8 * R.curvature(-7, 2))  # 2(1+mu)/((1+2mu) c), c = 2
    assert momentum_lesson.stability_limit("nesterov", 0.9, 2.0) == pytest.approx(limit)
    assert f"**Nesterov 0.9** **diverged at step {nag.diverged_at}**: Nesterov applies" in text
    assert f"stable only below learning rate **{limit:.3g}**" in text


def test_momentum_more_than_needed():
    at = open_page(FILE, params={"mu": "0.97"})
    assert_clean(at)
    check_too_much(at, "0.97")


def test_ravine_divergence_explained():
    at = open_page(FILE, params=RAVINE | {"rlr": "2.0"})
    assert_clean(at)
    text = notice_text(at)
    gd, mom = run(R, lr=2.0, steps=100), run(R, 0.5, lr=2.0, steps=100)
    assert f"**GD** **diverged at step {gd.diverged_at}**" in text
    assert "only stable below learning rate **1**" in text  # 2 / curvature 2
    assert f"**momentum 0.5** **diverged at step {mom.diverged_at}**" in text
    assert "die out below learning rate **1.5**" in text  # 2 (1 + 0.5) / 2
    for chart in charts(at):
        assert "NaN" not in chart.proto.spec and "Infinity" not in chart.proto.spec


def test_bad_url_values_fall_back_with_notices_and_still_swinging():
    params = {"mu": "0.99", "steps": "-5", "rmu": "x" * 300, "rlr": "1e308", "x0": "abc"}
    at = open_page(FILE, params=params)
    assert_clean(at)
    assert at.session_state["steps"] == 150
    assert at.session_state["x0"] == -4.5
    notices = " ".join(i.value for i in at.info)
    assert "`steps=-5`" in notices and "`x0=abc`" in notices
    assert "rlr" not in notices  # the ravine's values are checked when its tab opens
    check_too_much(at, "0.99")
    at = open_page(FILE, params=params | RAVINE)
    assert_clean(at)
    assert at.session_state["rmu"] == 0.5
    assert at.session_state["rlr"] == 0.9
    notices = " ".join(i.value for i in at.info)
    assert "`rlr=1e308`" in notices and "`rmu=xxx" in notices
    assert "x" * 41 not in notices  # long values are cut short


def dataset_with(chart, columns: set):
    return next(f for f in chart_datasets(chart).values() if columns <= set(f))


@pytest.mark.parametrize(
    "params, key, widget, surface, lr, steps, mu, nesterov",
    [
        ({}, "mom", "mu", V, LOCAL_MINIMA_LR, 150, 0.9, True),
        (RAVINE | {"rnag": "true"}, "rav", "rmu", R, 0.9, 100, 0.5, True),
        (RAVINE, "rav", "rmu", R, 0.9, 100, 0.5, False),
    ],
)
def test_players_hold_every_live_momentum(params, key, widget, surface, lr, steps, mu, nesterov):
    """Each demo's player gets the whole run (shown complete) with μ live over the slider's
    grid; the charts following it hold, for every μ of the grid, the engine's run (GD once,
    as run -1), the carried speed and the slope's push at the momentum ball, and the
    numbers of the frame readout."""
    at = open_page(FILE, params=params)
    assert_clean(at)
    data = player_data(at, key)
    assert data["frames"] == steps + 1 and data["start"] == steps
    index = momentum_lesson.LIVE_MOMENTA.index(mu)
    assert data["live"] == {"widget": widget, "signal": f"{key}_run", "index": index}
    assert at.select_slider(key=widget).options == [f"{m:g}" for m in momentum_lesson.LIVE_MOMENTA]
    specs = frame_charts(at, key)
    assert len(specs) == 4  # surface, readout, loss or |y|, the sweep's μ rule
    surface_chart, readout = charts(at)[0], charts(at)[1]
    balls = dataset_with(surface_chart, {"series", "run", "step", "x", "loss"})
    arrows = dataset_with(surface_chart, {"kind", "x2", "angle"})
    numbers = dataset_with(readout, {"f_mom", "v", "g"})
    assert set(balls["series"]) == {"GD", "momentum"} | ({"Nesterov"} if nesterov else set())
    gd = run(surface, lr=lr, steps=steps)
    mine = balls[balls["run"] == -1].sort_values("step")
    assert (mine["series"] == "GD").all()
    np.testing.assert_array_equal(mine["x"].to_numpy(), gd.xy[:, 0])
    for m in (0.0, 0.5, mu, 0.95):
        i = momentum_lesson.LIVE_MOMENTA.index(m)
        for series, nag in (("momentum", False), ("Nesterov", True)):
            if nag and not nesterov:
                assert not ((balls["series"] == series) & (balls["run"] == i)).any()
                continue
            traj = run(surface, m, nag, lr=lr, steps=steps)
            last = traj.steps if traj.diverged_at is None else traj.diverged_at - 1
            rows = balls[(balls["series"] == series) & (balls["run"] == i)].sort_values("step")
            assert len(rows) == steps + 1
            np.testing.assert_array_equal(rows["x"].to_numpy()[: last + 1], traj.xy[: last + 1, 0])
            np.testing.assert_array_equal(
                rows["loss"].to_numpy()[: last + 1], traj.loss[: last + 1]
            )
            assert np.isfinite(rows[["x", "y", "loss"]].to_numpy()).all()
        traj = run(surface, m, lr=lr, steps=steps)
        scale = momentum_lesson.arrow_scale(traj, surface.bounds)
        row = numbers[(numbers["run"] == i) & (numbers["step"] == 7)].iloc[0]
        carried, push = momentum_lesson.forces(traj, 7, m, lr)
        assert row["mu"] == m and row["scale"] == scale
        assert row["f_mom"] == traj.loss[7] and row["f_gd"] == gd.loss[7]
        assert row["v"] == pytest.approx(np.hypot(*carried))
        assert row["g"] == pytest.approx(np.hypot(*push))
        shaft = arrows[(arrows["run"] == i) & (arrows["step"] == 7)].set_index("kind")
        if "gradient" in shaft.index:
            assert shaft.loc["gradient", "x"] == traj.xy[7, 0]
            assert np.sign(shaft.loc["gradient", "x2"] - traj.xy[7, 0]) == np.sign(push[0])
    for spec in specs:
        text = json.dumps(spec)
        assert "NaN" not in text and "Infinity" not in text


def test_a_momentum_off_the_grid_falls_back_with_a_notice():
    """Old links kept any μ in 0.00 .. 0.99; the slider now offers the live grid only."""
    assert 0.42 not in momentum_lesson.LIVE_MOMENTA
    at = open_page(FILE, params={"mu": "0.42"})
    assert_clean(at)
    assert at.session_state["mu"] == 0.9
    assert "`mu=0.42`" in " ".join(i.value for i in at.info)
    assert player_data(at, "mom")["live"]["index"] == momentum_lesson.LIVE_MOMENTA.index(0.9)


def test_too_few_steps_is_not_called_too_much():
    at = open_page(FILE, params={"steps": "5"})
    assert_clean(at)
    text = notice_text(at)
    mom = run(V, 0.9, steps=5)
    assert momentum_lesson.regime(mom, V) == "moving"
    assert f"**GD** was still on its way after 5 steps (f = {g(run(V, steps=5).loss[-1])})" in text
    assert (
        f"**momentum 0.9** was still on its way after 5 steps (f = {g(mom.loss[-1])}): "
        "too few steps to tell" in text
    )
    assert "is **too much**" not in text
