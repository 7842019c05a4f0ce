"""The saddle-point lesson (A4) as rendered: its notice box is the lesson's notices for the
runs it drew (every branch unit-tested in tests/lessons/test_saddle.py); the player's frames
and every chart that follows it hold the engine's numbers at each step; a click snaps the
start to an offset. Renders, hostile URL values and widget extremes: test_all_pages."""

import json

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

from lessons import saddle
from sim import descent
from sim.optimizers import make_optimizer
from sim.surfaces import get_surface
from ui.page import words
from ui.text import Translator

FILE = "pages/04_saddle_points.py"
S = get_surface("saddle")


def runs(y0=1e-6, lr=0.1, steps=200, noise=0.1, seed=0, mu=0.9, x0=-2.8):
    gd = descent.run(S, make_optimizer("sgd", learning_rate=lr), (x0, y0), steps)
    noisy = descent.run(
        S, make_optimizer("sgd", learning_rate=lr), (x0, y0), steps, noise=noise, seed=seed
    )
    mom = descent.run(S, make_optimizer("sgd", learning_rate=lr, momentum=mu), (x0, y0), steps)
    return gd, noisy, mom


@pytest.mark.parametrize(
    ("lang", "params", "y0", "dims"),
    [("en", {}, 1e-6, 1000), ("ko", {"y0": "0.0", "dims": "1000000"}, 0.0, 1_000_000)],
)
def test_shows_the_lessons_notices(lang, params, y0, dims):
    """The notice box is exactly the lesson's notices (``lessons.saddle``, every branch
    unit-tested in tests/lessons/test_saddle.py) for the three runs the page drew, and the
    odds of a minimum among ``dims`` weights, in the visitor's language."""
    at = open_page(FILE, lang=lang, params=params)
    assert_clean(at)
    made = dict(zip(saddle.RUNS, runs(y0=y0), strict=True))
    names = saddle.series_names(0.1, 0.9)
    t = Translator(lang)
    shown = [m.value for m in at.markdown]
    per_run = "\n".join(f"- {words(t, n)}" for n in saddle.run_notices(made, S, names))
    compared = [words(t, n) for n in saddle.compare_notices(made, S)]
    assert compared and shown[shown.index(per_run) :][: 1 + len(compared)] == [per_run, *compared]
    assert words(t, saddle.weights_notice(dims)) in shown


def rows_of(chart, columns: set):
    return next(f for f in chart_datasets(chart).values() if {"series", "step", *columns} <= set(f))


def test_player_and_frames_follow_the_runs():
    """Surface, readout and slope chart all follow the player; step k's row of each run
    is the engine's step k (ball, |∇f|), and a diverged run's rows say so."""
    at = open_page(FILE, params={"steps": "60"})
    assert_clean(at)
    data = player_data(at, "sad")
    assert data["frames"] == 61 and data["start"] == 60 and data["live"] is None
    assert data["labels"]["unit"] == "Step"
    assert len(frame_charts(at, "sad")) == 3
    surface, readout, slope = charts(at)[:3]
    balls, numbers = rows_of(surface, {"x", "y", "loss"}), rows_of(readout, {"g", "gone"})
    for name, traj in zip(("GD", "GD + noise 0.1", "Momentum 0.9"), runs(steps=60), strict=True):
        mine = balls[balls["series"] == name].sort_values("step")
        np.testing.assert_allclose(mine[["x", "y"]].to_numpy(), traj.xy)
        np.testing.assert_allclose(mine["loss"], traj.loss)
        g = numbers[numbers["series"] == name].sort_values("step")["g"]
        np.testing.assert_allclose(g, np.hypot(*traj.grad.T))
    line = rows_of(slope, {"g"})
    assert len(line) == 3 * 61 and (line["g"] > 0).all()
    spec = json.dumps(frame_charts(at, "sad"))
    assert "datum.step <= sad_frame" in spec and "datum.step == sad_frame" in spec


def test_diverged_run_rows_stay_finite():
    mom = runs(lr=2.0, steps=60)[2]
    assert mom.diverged_at is not None
    at = open_page(FILE, params={"lr": "2.0", "steps": "60"})
    assert_clean(at)
    numbers = rows_of(charts(at)[1], {"g", "gone"})
    mine = numbers[numbers["series"] == "Momentum 0.9"].sort_values("step")
    assert (mine["gone"].to_numpy() == (mine["step"].to_numpy() >= mom.diverged_at)).all()
    for chart in charts(at):
        for frame in chart_datasets(chart).values():
            assert np.isfinite(frame.select_dtypes("number").to_numpy(dtype=float)).all()
    # the slope chart's line stops at the last finite step
    line = rows_of(charts(at)[2], {"g"})
    assert line[line["series"] == "Momentum 0.9"]["step"].max() == mom.diverged_at - 1


def _snap(point):
    import streamlit as st

    from sim.surfaces import get_surface
    from ui import multi_view

    st.session_state["chart"] = {"selection": {"place": [] if point is None else [point]}}
    offsets = (-0.5, -0.01, 0.0, 1e-6, 0.01, 0.5)
    multi_view.on_click_snap("chart", get_surface("saddle"), offsets)()


@pytest.mark.parametrize(
    ("point", "expected"),
    [({"cx": 1.234, "cy": 0.004}, (1.23, 1e-6)), ({"cx": -9.0, "cy": 0.3}, (-3.0, 0.5))],
)
def test_click_snaps_the_start_to_an_offset(point, expected):
    """A click on the saddle chart sets x0 (clipped to the window) and the nearest offset."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_function(_snap, kwargs={"point": point})
    at.run()
    assert not at.exception
    assert (at.session_state["x0"], at.session_state["y0"]) == expected


def test_a_malformed_click_changes_nothing():
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_function(_snap, kwargs={"point": {"cx": "nan", "cy": None}})
    at.run()
    assert not at.exception
    assert "x0" not in at.session_state
