"""AppTest: the home page and the gradient-descent lesson (the foundation's pages)."""

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

from sim import descent
from sim.optimizers import make_optimizer
from sim.surfaces import get_surface
from ui import descent_view
from ui.lessons import available
from ui.text import translate

GD = "pages/01_gradient_descent.py"


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_home_renders_with_every_lesson_linked(lang):
    at = open_page(None, lang=lang)
    assert_clean(at)
    links = [el for el in at.get("page_link")]
    titles = {translate(lang, f"{lesson.key}.title") for lesson in available()}
    labels = {link.proto.label for link in links}
    assert titles <= labels


def test_home_locale_and_bad_language():
    at = open_page(None, lang="xx")
    assert_clean(at)
    assert any("xx" in i.value for i in at.info)
    assert at.query_params["lang"] == ["en"] or at.query_params["lang"] == "en"


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_gd_renders(lang):
    at = open_page(GD, lang=lang)
    assert_clean(at)
    assert len(charts(at)) >= 2
    assert at.title[0].value == translate(lang, "gd.title")


def test_gd_statement_converged():
    at = open_page(GD, params={"surface": "bowl", "lr": "0.1", "steps": "60"})
    s = get_surface("bowl")
    run = descent.run(s, make_optimizer("sgd", learning_rate=0.1), s.default_start, 60)
    steps = int(descent.steps_to_reach(run, s))
    text = notice_text(at)
    # the value it cites is the one at the step it cites (step 14), not the last step's
    assert f"after **{steps} steps**, where f = {descent_view.fmt(run.loss[steps])}" in text
    assert "**the global minimum** at (0, 0)" in text


def test_gd_statement_diverged():
    at = open_page(GD, params={"surface": "bowl", "lr": "1.5", "steps": "100"})
    s = get_surface("bowl")
    run = descent.run(s, make_optimizer("sgd", learning_rate=1.5), s.default_start, 100)
    text = notice_text(at)
    assert f"diverged at step {run.diverged_at}" in text
    assert "2 / curvature ≈ 1" in text  # bowl: curvature 2 everywhere
    for chart in charts(at):  # no NaN reaches a chart
        assert "NaN" not in chart.proto.spec and "Infinity" not in chart.proto.spec


def test_gd_statement_still_moving():
    at = open_page(GD, params={"surface": "rosenbrock", "lr": "0.001", "steps": "20"})
    assert "still on its way" in notice_text(at)


def test_gd_bad_url_values_fall_back_with_notice():
    at = open_page(
        GD, params={"lr": "abc", "steps": "-5", "surface": "x" * 500, "x0": "1e308", "unknown": "1"}
    )
    assert_clean(at)
    infos = " ".join(i.value for i in at.info)
    assert "lr=abc" in infos and "steps=-5" in infos and "x0=1e308" in infos
    assert at.select_slider(key="lr").value == 0.1
    assert at.slider(key="steps").value == 60
    assert at.selectbox(key="surface").value == "bowl"


def test_gd_player_and_frames_follow_the_run():
    """The page sends its player the run's frames once; every chart that follows the player
    holds each step's engine values, and the live learning-rate runs match the engine."""
    at = open_page(GD, params={"surface": "ravine", "lr": "0.5", "steps": "40"})
    assert_clean(at)
    data = player_data(at, "gd")
    assert data["frames"] == 41 and data["start"] == 40  # a new run is shown complete
    assert data["labels"]["play"] == "Play" and data["labels"]["unit"] == "Step"
    assert data["live"] == {"widget": "lr", "signal": "gd_run", "index": 18}
    specs = frame_charts(at, "gd")
    assert len(specs) == 3  # surface, readout, loss: all follow the same frame
    s = get_surface("ravine")
    for rate in (0.5, 0.05, 1.2):
        run = descent.run(s, make_optimizer("sgd", learning_rate=rate), s.default_start, 40)
        index = descent_view.LEARNING_RATES.index(rate)
        balls = next(
            frame
            for frame in chart_datasets(charts(at)[0]).values()
            if {"run", "step", "x", "gx"} <= set(frame)
        )
        mine = balls[balls["run"] == index].sort_values("step")
        last = run.steps if run.diverged_at is None else run.diverged_at - 1
        np.testing.assert_allclose(mine["x"].to_numpy()[: last + 1], run.xy[: last + 1, 0])
        np.testing.assert_allclose(mine["loss"].to_numpy()[: last + 1], run.loss[: last + 1])
        assert np.isfinite(mine[["x", "y", "loss", "gx", "gy"]].to_numpy()).all()


def test_gd_korean_player_labels():
    at = open_page(GD, lang="ko")
    data = player_data(at, "gd")
    assert data["labels"]["play"] == "재생" and data["labels"]["unit"] == "스텝"


def test_gd_surface_switch_moves_start():
    at = open_page(GD)
    at.selectbox(key="surface").select("himmelblau").run()
    s = get_surface("himmelblau")
    assert np.isclose(at.slider(key="x0").value, s.default_start[0])
    assert_clean(at)
