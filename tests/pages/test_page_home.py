"""AppTest: the home page and the gradient-descent lesson (the foundation's pages). Every
branch of the lesson's notice is unit-tested in tests/lessons/test_gradient_descent.py; the
renders, hostile URL values and widget extremes in test_all_pages."""

import numpy as np
import pytest
from apptest_utils import (
    assert_clean,
    chart_datasets,
    charts,
    frame_charts,
    open_page,
    player_data,
)

from lessons import gradient_descent
from sim import descent
from sim.optimizers import make_optimizer
from sim.surfaces import get_surface
from ui import descent_view
from ui.lessons import available
from ui.page import words
from ui.text import Translator, translate

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


def shown_markdown(at) -> list[str]:
    return [m.value for m in at.markdown]


@pytest.mark.parametrize(
    ("lang", "params"),
    [
        ("en", {"surface": "bowl", "lr": "0.1", "steps": "60"}),  # settles
        ("ko", {"surface": "bowl", "lr": "1.5", "steps": "100"}),  # diverges
    ],
)
def test_gd_shows_the_lessons_notices(lang, params):
    """The page's notice is exactly the lesson's (``lessons.gradient_descent``, whose every
    branch is unit-tested) for the run it drew, in the visitor's language; a diverged run
    sends no NaN to a chart."""
    at = open_page(GD, lang=lang, params=params)
    assert_clean(at)
    s = get_surface(params["surface"])
    lr, steps = float(params["lr"]), int(params["steps"])
    run = descent.run(s, make_optimizer("sgd", learning_rate=lr), s.default_start, steps)
    said = gradient_descent.notices(run, s, lr)
    assert said and all(words(Translator(lang), n) in shown_markdown(at) for n in said)
    for chart in charts(at):  # no NaN reaches a chart
        assert "NaN" not in chart.proto.spec and "Infinity" not in chart.proto.spec


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
        last = run.steps if run.diverged_at is None else run.diverged_at - 1
        # the ball on the surface, and the readout's rows with the gradient there
        for chart, columns in ((charts(at)[0], ["x", "y", "loss"]), (None, ["gx", "gy"])):
            frames = [
                frame
                for shown in ([chart] if chart is not None else charts(at))
                for frame in chart_datasets(shown).values()
                if {"run", "step", "x", "loss", *columns} <= set(frame)
            ]
            assert frames, columns
            mine = frames[0][frames[0]["run"] == index].sort_values("step")
            np.testing.assert_allclose(mine["x"].to_numpy()[: last + 1], run.xy[: last + 1, 0])
            np.testing.assert_allclose(mine["loss"].to_numpy()[: last + 1], run.loss[: last + 1])
            assert np.isfinite(mine[["x", "y", "loss", *columns]].to_numpy()).all()
        np.testing.assert_allclose(mine["gx"].to_numpy()[: last + 1], run.grad[: last + 1, 0])


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
