"""The adaptive-rates lesson (A6, A7) as a page: its box shows exactly the words of
``adaptive_notices`` (every branch: tests/lessons/test_adaptive_notices.py) in both languages;
the player gets the whole run and every chart following it holds the engine's numbers at each
frame; a diverged run is named in the readout from its step on and ringed; an accumulator off
its slider's grid falls back. (Hostile URL values and widgets at their extremes:
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

from lessons import adaptive_rates
from sim import descent
from sim.optimizers import make_optimizer
from sim.surfaces import get_surface
from ui.page import words
from ui.text import Translator

FILE = "pages/06_adaptive_rates.py"


def run(name: str, surface, lr=0.05, steps=200, **settings):
    return descent.run(
        surface, make_optimizer(name, learning_rate=lr, **settings), surface.default_start, steps
    )


def page_labels(lang: str) -> dict:
    t = Translator(lang)
    return {
        "adagrad": t("adaptive.series_adagrad"),
        "rmsprop": t("adaptive.series_rmsprop"),
        "sgd": t("adaptive.series_gd"),
        "adam": t("adaptive.series_adam"),
    }


def shown_notices(at, lang: str) -> list[str]:
    """The paragraphs after the title of the page's "what to notice" box."""
    texts = [m.value for m in at.markdown]
    return texts[texts.index(f"**{Translator(lang)('common.notice_title')}**") + 1 :]


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_default_page_shows_the_lessons_notices_and_plays(lang):
    """The default view (the ravine): the box holds exactly the words of
    ``adaptive_notices`` for the runs computed here; the player gets the whole run and
    five charts follow it."""
    s = get_surface("ravine")
    runs = {
        "adagrad": run("adagrad", s, initial_accumulator_value=0.1),
        "rmsprop": run("rmsprop", s, rho=0.9),
        "sgd": run("sgd", s),
        "adam": run("adam", s),
    }
    notices = adaptive_rates.adaptive_notices(s, runs, page_labels(lang), 0.05, 0.9, 200)
    at = open_page(FILE, lang=lang)
    assert_clean(at)
    t = Translator(lang)
    assert shown_notices(at, lang)[: len(notices)] == [words(t, n) for n in notices]
    assert len(charts(at)) >= 5  # surface, two step-size charts, memory, loss
    data = player_data(at, "adaptive")
    assert data["frames"] == 201 and data["start"] == 200 and data["live"] is None
    assert data["labels"]["unit"] == t("common.unit_step")
    # surface, readout, loss, the two step-size charts: all follow the same frame
    assert len(frame_charts(at, "adaptive")) == 5


def dataset_with(chart, columns: set):
    return next(f for f in chart_datasets(chart).values() if columns <= set(f))


def test_frames_hold_the_engines_numbers():
    """What each frame shows is the engine's: the balls' points and losses, the step sizes
    of the update leaving each point in the readout, each racer's next step, and the
    step-size charts' frame markers at the update leaving the frame's point."""
    s = get_surface("ravine")
    at = open_page(FILE, params={"steps": "60"})
    assert_clean(at)
    surface_chart, readout, loss_chart, rate_x = charts(at)[:4]
    balls = dataset_with(surface_chart, {"series", "step", "x", "y", "loss"})
    steps_drawn = dataset_with(surface_chart, {"series", "step", "x2", "y2"})
    numbers = dataset_with(readout, {"ax", "ay", "rx", "ry", "stopped"})
    ada = descent.run(
        s, make_optimizer("adagrad", learning_rate=0.05, initial_accumulator_value=0.1),
        s.default_start, 60,
    )  # fmt: skip
    rms = descent.run(
        s, make_optimizer("rmsprop", learning_rate=0.05, rho=0.9), s.default_start, 60
    )
    for label, traj in (("Adagrad", ada), ("RMSprop", rms)):
        mine = balls[balls["series"] == label].sort_values("step")
        np.testing.assert_array_equal(mine["x"].to_numpy(), traj.xy[:, 0])
        np.testing.assert_array_equal(mine["loss"].to_numpy(), traj.loss)
        curve = dataset_with(loss_chart, {"series", "step", "loss"})
        curve = curve[curve["series"] == label].sort_values("step")
        np.testing.assert_array_equal(curve["loss"].to_numpy(), traj.loss)
        nxt = steps_drawn[(steps_drawn["series"] == label) & (steps_drawn["step"] == 10)]
        np.testing.assert_allclose(nxt[["x", "y"]].to_numpy()[0], traj.xy[10])
        # drawn to scale unless longer than a quarter of the window: the direction is exact
        move = traj.xy[11] - traj.xy[10]
        drawn = nxt[["x2", "y2"]].to_numpy()[0] - traj.xy[10]
        np.testing.assert_allclose(drawn / np.linalg.norm(drawn), move / np.linalg.norm(move))
    a_rates, r_rates = (
        adaptive_rates.applied_step_sizes(ada),
        adaptive_rates.applied_step_sizes(rms),
    )
    for frame in (0, 10, 60):
        row = numbers[numbers["step"] == frame].iloc[0]
        k = min(frame, 59)  # the last update's at the end
        assert (row["ax"], row["ay"]) == tuple(a_rates[k])
        assert (row["rx"], row["ry"]) == tuple(r_rates[k])
        assert row["stopped"] == ""
    rates = dataset_with(rate_x, {"series", "step", "rate", "frame"})
    ada_x = rates[rates["series"] == "Adagrad"]
    for frame in (0, 10, 60):
        at_frame = ada_x[ada_x["frame"] == frame]
        assert len(at_frame) == 1
        assert at_frame["rate"].iloc[0] == a_rates[min(frame, 59), 0]
    spec = json.dumps(frame_charts(at, "adaptive"))
    assert "NaN" not in spec and "Infinity" not in spec


def test_gd_diverges_and_adam_can_be_hidden():
    g = run("sgd", get_surface("ravine"), lr=1.5)
    assert g.diverged_at is not None
    at = open_page(FILE, params={"lr": "1.5", "adam": "false"})
    assert_clean(at)
    text = notice_text(at)
    assert f"Plain GD with learning rate 1.5 diverged at step {g.diverged_at}" in text
    assert "Adam" not in text  # neither its run, its caption nor its sentence
    assert len(charts(at)) >= 5
    # the readout names the stopped run from the step it diverged at on, not before
    readout = charts(at)[1]
    numbers = next(f for f in chart_datasets(readout).values() if "stopped" in f)
    said = f"Diverged (ringed on the map): Plain GD (step {g.diverged_at})"
    stopped = numbers.set_index("step")["stopped"]
    assert stopped[g.diverged_at] == said and stopped[200] == said
    assert stopped[g.diverged_at - 1] == ""
    rings = next(
        f
        for f in chart_datasets(charts(at)[0]).values()
        if set(f.columns) == {"series", "step", "x", "y"}
    )
    assert list(rings["step"]) == [g.diverged_at]


def test_an_accumulator_off_the_sliders_grid_falls_back():
    """``acc0`` takes the four values of its slider only; another number in a link falls
    back to 0.1 with a notice (garbage in every parameter: tests/pages/test_all_pages.py)."""
    at = open_page(FILE, params={"acc0": "7"})
    assert_clean(at)
    assert at.select_slider(key="acc0").value == 0.1
    assert "acc0=7" in " ".join(i.value for i in at.info)
