"""The momentum lesson (A5) as a page: the two demos are tabs, only the open one built, chosen
by ``?demo=`` and kept across a language switch, and a hidden demo's URL values wait for its
tab; each "what to notice" box shows exactly the words of ``lessons.momentum``'s notices (every
branch: tests/lessons/test_momentum_notices.py); each demo's player gets the whole run and
every chart following it holds the engine's numbers for every μ of the live grid; the force
arrows have colours no run has; a diverged run sends no NaN; a momentum off the slider's grid
falls back with a notice. (Both languages, hostile URL values and widgets at their extremes:
tests/pages/test_all_pages.py.)"""

import json

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

from charts import palette
from lessons import momentum as momentum_lesson
from lessons.notices import keys
from sim import descent
from sim.optimizers import make_optimizer
from sim.surfaces import LOCAL_MINIMA_LR, get_surface
from ui.page import words
from ui.text import Translator

FILE = "pages/05_momentum.py"
V = get_surface("local_minima")
R = get_surface("ravine")


def run(surface, mu=0.0, nesterov=False, lr=LOCAL_MINIMA_LR, start=None, steps=150):
    opt = make_optimizer("sgd", learning_rate=lr, momentum=mu, nesterov=nesterov)
    return descent.run(surface, opt, start or surface.default_start, steps)


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


def shown_notices(at, lang: str = "en") -> list[str]:
    """The paragraphs after the title of the page's "what to notice" box
    (``ui.page.notice_box``)."""
    texts = [m.value for m in at.markdown]
    first = texts.index(f"**{Translator(lang)('common.notice_title')}**")
    return texts[first + 1 :]


def lesson_words(lang: str, notices) -> list[str]:
    t = Translator(lang)
    return [words(t, n) for n in notices]


def demo_runs(surface, mu, lr, steps, nesterov=True) -> dict:
    runs = {"gd": run(surface, lr=lr, steps=steps), "mom": run(surface, mu, lr=lr, steps=steps)}
    if nesterov:
        runs["nag"] = run(surface, mu, True, lr=lr, steps=steps)
    return runs


def labels(lang: str, mu: float) -> dict:
    t = Translator(lang)
    return {
        "gd": t("momentum.series_gd"),
        "mom": t("momentum.series_momentum", mu=f"{mu:g}"),
        "nag": t("momentum.series_nesterov", mu=f"{mu:g}"),
    }


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_escape_box_shows_the_lessons_notices(lang, default_page):
    """The default escape demo's box holds exactly the words of ``escape_notices`` for the
    runs and the sweep computed here, in English and in Korean."""
    at = default_page if lang == "en" else open_page(FILE, lang="ko")
    assert_clean(at)
    sweep = momentum_lesson.sweep(V, LOCAL_MINIMA_LR, V.default_start, 150)
    runs = demo_runs(V, 0.9, LOCAL_MINIMA_LR, 150)
    notices = momentum_lesson.escape_notices(V, runs, labels(lang, 0.9), sweep, LOCAL_MINIMA_LR)
    assert keys(notices)[1] == "momentum.nesterov_brakes"
    assert shown_notices(at, lang)[: len(notices)] == lesson_words(lang, notices)
    if lang == "ko":
        assert player_data(at, "mom")["labels"]["play"] == "재생"


def test_ravine_box_shows_the_lessons_notices(ravine_page):
    sweep = momentum_lesson.sweep(R, 0.9, R.default_start, 100, nesterov=False)
    runs = demo_runs(R, 0.5, 0.9, 100, nesterov=False)
    notices = momentum_lesson.ravine_notices(
        R, runs, labels("en", 0.5), 0.9, 0.5, R.default_start, sweep
    )
    assert keys(notices) == ["listing", "momentum.ravine_why", "momentum.ravine_best"]
    assert shown_notices(ravine_page)[: len(notices)] == lesson_words("en", notices)


def colour_ranges(spec) -> dict[str, set]:
    """The colours of every colour scale in a chart spec, by the field they encode."""
    found: dict[str, set] = {}

    def walk(node):
        if isinstance(node, dict):
            colour = node.get("encoding", {}).get("color", {})
            if "range" in colour.get("scale", {}):
                found.setdefault(colour["field"], set()).update(colour["scale"]["range"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(spec)
    return found


@pytest.mark.parametrize("page", ["default_page", "ravine_page"])
def test_the_force_arrows_have_colours_no_run_has(page, request):
    """The carried speed and the slope's push are drawn in palette colours that none of the
    surface chart's runs (GD, momentum, Nesterov) is drawn in."""
    at = request.getfixturevalue(page)
    ranges = colour_ranges(json.loads(charts(at)[0].proto.spec))
    assert len(ranges["series"]) >= 2 and len(ranges["kind"]) == 2
    assert not ranges["series"] & ranges["kind"]
    assert ranges["kind"] <= set(palette.OKABE_ITO)


def test_ravine_divergence_sends_no_nan():
    at = open_page(FILE, params=RAVINE | {"rlr": "2.0", "rnag": "true"})
    assert_clean(at)
    gd = run(R, lr=2.0, steps=100)
    assert f"**GD** **diverged at step {gd.diverged_at}**" in notice_text(at)
    for chart in charts(at):
        assert "NaN" not in chart.proto.spec and "Infinity" not in chart.proto.spec


def test_a_hidden_demos_url_values_wait_for_its_tab():
    """The ravine's values are checked when its tab opens, not while the escape demo shows."""
    params = {"steps": "-5", "rmu": "x" * 300, "rlr": "1e308"}
    at = open_page(FILE, params=params)
    assert_clean(at)
    assert at.session_state["steps"] == 150
    notices = " ".join(i.value for i in at.info)
    assert "`steps=-5`" in notices and "rlr" not in notices
    at = open_page(FILE, params=params | RAVINE)
    assert_clean(at)
    assert at.session_state["rmu"] == 0.5 and at.session_state["rlr"] == 0.9
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
    assert set(balls["series"]) == {"GD", "Momentum"} | ({"Nesterov"} if nesterov else set())
    gd = run(surface, lr=lr, steps=steps)
    mine = balls[balls["run"] == -1].sort_values("step")
    assert (mine["series"] == "GD").all()
    np.testing.assert_array_equal(mine["x"].to_numpy(), gd.xy[:, 0])
    for m in (0.0, 0.5, mu, 0.95):
        i = momentum_lesson.LIVE_MOMENTA.index(m)
        for series, nag in (("Momentum", False), ("Nesterov", True)):
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
