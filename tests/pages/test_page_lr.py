"""The learning-rate lesson (A2) as rendered: its notice box is the lesson's notices (every
branch unit-tested in tests/lessons/test_learning_rate.py), a rate chosen twice is drawn
once; the player gets the run's frames and every chart that follows it holds the engine's
numbers at each step, rate 1's series for every option of its slider (live scrubbing).
Renders, hostile URL values and widget extremes: test_all_pages."""

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

from lessons import learning_rate
from sim import descent
from sim.optimizers import make_optimizer
from sim.surfaces import get_surface
from ui import descent_view
from ui.page import words
from ui.text import Translator

FILE = "pages/02_learning_rate.py"


def run(surface, lr, start=None, steps=50):
    """One plain-GD run as the page makes it."""
    s = get_surface(surface)
    start = s.default_start if start is None else start
    return descent.run(s, make_optimizer("sgd", learning_rate=lr), start, steps)


FIVE_ON_THE_BOWL = {"surface": "bowl", "n": "5", "lr5": "2.0", "steps": "50"}


@pytest.mark.parametrize(
    ("lang", "params", "rates", "steps"),
    [
        ("en", {}, (0.02, 0.5, 0.9, 1.1), 100),
        ("ko", FIVE_ON_THE_BOWL, (0.02, 0.5, 0.9, 1.1, 2.0), 50),
    ],
)
def test_shows_the_lessons_notices(lang, params, rates, steps):
    """The notice box is exactly the lesson's notices (``lessons.learning_rate``, whose every
    branch is unit-tested) for the runs the page drew: one list item per rate, then the
    verdicts, in the visitor's language."""
    at = open_page(FILE, lang=lang, params=params)
    assert_clean(at)
    s = get_surface(params.get("surface", "ravine"))
    runs = {lr: run(s.name, lr, steps=steps) for lr in rates}
    t = Translator(lang)
    shown = [m.value for m in at.markdown]
    per_rate = "\n".join(f"- {words(t, n)}" for n in learning_rate.rate_notices(runs, s))
    assert per_rate in shown
    verdicts = learning_rate.verdict_notices(runs, s)
    assert len(verdicts) == 2 and all(words(t, n) in shown for n in verdicts)


def test_duplicate_rates_are_drawn_once_with_a_notice():
    at = open_page(FILE, params={"lr1": "0.1", "lr2": "0.1"})
    assert_clean(at)
    assert "chosen twice" in " ".join(i.value for i in at.info)
    assert notice_text(at).count("**lr 0.1**") == 1


def sent_rows(at, columns: set, index: int = 0):
    """The per-step rows chart ``index`` (0: surface, 1: readout, 2: loss) was sent: the
    dataset holding ``columns``."""
    return next(
        frame
        for frame in chart_datasets(charts(at)[index]).values()
        if {"series", "run", "step", *columns} <= set(frame)
    )


def calculations(node) -> list[str]:
    """Every ``calculate`` expression in a spec (or list of specs)."""
    if isinstance(node, dict):
        found = [node["calculate"]] if isinstance(node.get("calculate"), str) else []
        return found + [e for value in node.values() for e in calculations(value)]
    if isinstance(node, list):
        return [e for value in node for e in calculations(value)]
    return []


def test_diverged_paths_stop_at_last_finite_point():
    at = open_page(FILE, params={"surface": "bowl", "lr4": "2.0", "steps": "50"})
    assert_clean(at)
    spec = json.loads(charts(at)[0].proto.spec)
    text = json.dumps(spec)
    assert "NaN" not in text and "Infinity" not in text
    r = run("bowl", 2.0)
    assert r.diverged_at is not None and r.xy.shape == (51, 2)
    for chart in charts(at):
        for frame in chart_datasets(chart).values():
            numbers = frame.select_dtypes("number").to_numpy(dtype=float)
            assert np.isfinite(numbers).all()
    balls = sent_rows(at, {"x", "loss"}).merge(sent_rows(at, {"gone"}, 1))
    rate4 = balls[balls["series"] == "Rate 4"].sort_values("step")
    # the ball stays at its last finite point; the readout says "diverged" from then on
    assert (rate4["gone"].to_numpy() == (rate4["step"].to_numpy() >= r.diverged_at)).all()
    held = rate4[rate4["gone"]]
    np.testing.assert_allclose(held["x"], r.xy[r.diverged_at - 1, 0])


def test_player_and_frames_follow_the_runs():
    """One player for the page; the surface, the readout and the loss chart all follow its
    frame, and the row of step k of each rate is the engine's step k."""
    params = {"surface": "ravine", "lr1": "0.05", "lr2": "0.5", "lr3": "0.9", "steps": "40"}
    at = open_page(FILE, params=params)
    assert_clean(at)
    data = player_data(at, "fan")
    assert data["frames"] == 41 and data["start"] == 40
    assert data["labels"]["unit"] == "Step"
    rates = descent_view.LEARNING_RATES
    assert data["live"] == {"widget": "lr1", "signal": "fan_run", "index": rates.index(0.05)}
    assert len(frame_charts(at, "fan")) == 3  # surface, readout, loss
    balls = (
        sent_rows(at, {"x", "loss", "live"})
        .merge(sent_rows(at, {"lr", "gone"}, 1))
        .merge(sent_rows(at, {"gap"}, 2), how="left")  # the loss chart leaves out "gone"
    )
    assert len(balls) == (len(rates) + 3) * 41
    s = get_surface("ravine")
    # rate 1 (live) holds a run for every option of its slider; the others one run each
    live = balls[balls["live"]]
    assert sorted(set(live["run"])) == list(range(len(rates)))
    assert set(balls[~balls["live"]]["series"]) == {"Rate 2", "Rate 3", "Rate 4"}
    for series, rate in (("Rate 1", 0.05), ("Rate 2", 0.5), ("Rate 3", 0.9), ("Rate 4", 1.1)):
        mine = balls[(balls["series"] == series) & (balls["run"] == rates.index(rate))]
        mine = mine.sort_values("step")
        r = run("ravine", rate, steps=40)
        last = r.steps if r.diverged_at is None else r.diverged_at - 1
        assert list(mine["step"]) == list(range(41))
        np.testing.assert_allclose(mine["x"].to_numpy()[: last + 1], r.xy[: last + 1, 0])
        np.testing.assert_allclose(mine["loss"].to_numpy()[: last + 1], r.loss[: last + 1])
        np.testing.assert_allclose(mine["lr"], rate)
        gap = np.maximum(r.loss[: last + 1] - s.min_value, 1e-12)
        np.testing.assert_allclose(mine["gap"].to_numpy()[: last + 1], gap)
    # the charts filter on the player's params: the frame, and the live run for rate 1
    spec = json.dumps(frame_charts(at, "fan"))
    assert "datum.step <= fan_frame" in spec and "datum.step == fan_frame" in spec
    assert "(!datum.live || datum.run == fan_run)" in spec


def test_korean_readout_and_player():
    at = open_page(FILE, lang="ko")
    assert_clean(at)
    data = player_data(at, "fan")
    assert data["labels"]["play"] == "재생" and data["labels"]["unit"] == "스텝"
    # the readout's Vega expressions hold the Korean templates as JSON string literals
    expressions = " ".join(calculations(frame_charts(at, "fan")))
    assert json.dumps("학습률 ")[1:-1] in expressions and json.dumps("발산")[1:-1] in expressions


def test_data_sent_once_stays_bounded():
    """The longest run with five rates: 30 live runs plus four, thinned paths."""
    at = open_page(FILE, params={"steps": "500", "n": "5"})
    assert_clean(at)
    sent = sum(len(c.proto.spec) for c in charts(at))
    sent += sum(len(d.data.data) for c in charts(at) for d in c.proto.datasets)
    assert sent < 2_500_000  # measured 2.06 MB: each chart gets only its columns
