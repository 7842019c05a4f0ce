"""The optimizer race (A8) as a page: the finishing table and the "what to notice" box show
exactly ``lessons.race``'s rows and notices for runs computed here (every branch:
tests/lessons/test_race.py); the player gets the whole race and the charts following it hold
every racer's engine numbers at each frame, diverged racers named and ringed from their step;
the choice of runners, each optimizer's own settings and the surface's own rates. (Both
languages, hostile URL values and widgets at their extremes: tests/pages/test_all_pages.py.)"""

import json

import numpy as np
from apptest_utils import (
    assert_clean,
    chart_datasets,
    charts,
    frame_charts,
    notice_text,
    open_code,
    open_page,
    player_data,
)

from lessons import adaptive_rates
from lessons import race as race_lesson
from lessons.adaptive_rates import OPTIMIZER_NAMES
from sim import descent
from sim.optimizers import make_optimizer
from sim.surfaces import get_surface
from ui.descent_view import fmt
from ui.page import words
from ui.text import Translator

FILE = "pages/07_optimizer_race.py"
RATES = {
    "ravine": (0.5, 0.05, 0.05, 0.5, 0.05, 0.2),
    "rosenbrock": (0.001, 0.001, 0.001, 0.1, 0.05, 0.1),
    "local_minima": (0.1, 0.1, 0.1, 0.3, 0.1, 0.3),
    "beale": (0.0001, 0.0001, 0.0001, 0.5, 0.01, 0.3),
}
NAMES = {
    "sgd": "GD",
    "momentum": "Momentum",
    "nesterov": "Nesterov",
    "adagrad": "Adagrad",
    "rmsprop": "RMSprop",
    "adam": "Adam",
}


def race(surface="ravine", steps=300, **hyper):
    """Summaries of the default race on ``surface``; ``hyper`` maps an optimizer name to
    extra Keras arguments."""
    s = get_surface(surface)
    out = {}
    for name, lr in zip(OPTIMIZER_NAMES, RATES[surface], strict=True):
        opt = make_optimizer(name, learning_rate=lr, **hyper.get(name, {}))
        traj = descent.run(s, opt, s.default_start, steps)
        out[name] = adaptive_rates.summarize(NAMES[name], traj, s)
    return out


def test_default_race_table_notices_and_player():
    """The default race (the ravine): every racer arrives; the table holds the words of
    ``race_lesson.standings`` and the box those of ``race_notices``, for the runs computed
    here; the player and the charts following it."""
    summaries = race()
    order = adaptive_rates.race_table(list(summaries.values()))
    assert all(s.reached >= 0 for s in order), "on the default surface every racer arrives"
    s = get_surface("ravine")
    runs = {
        NAMES[name]: descent.run(s, make_optimizer(name, learning_rate=lr), s.default_start, 300)
        for name, lr in zip(OPTIMIZER_NAMES, RATES["ravine"], strict=True)
    }
    rates = {NAMES[name]: lr for name, lr in zip(OPTIMIZER_NAMES, RATES["ravine"], strict=True)}
    notices = race_lesson.race_notices(s, runs, order, 300, summaries["adam"], 0.2)
    at = open_page(FILE)
    assert_clean(at)
    assert at.selectbox(key="surface").value == "ravine"
    t = Translator("en")
    texts = [m.value for m in at.markdown]
    shown = texts[texts.index(f"**{t('common.notice_title')}**") + 1 :]
    assert shown[: len(notices)] == [words(t, n) for n in notices]
    table = at.table[0].value
    rows = race_lesson.standings(order, rates)
    assert list(table["Optimizer"]) == [row["optimizer"] for row in rows]
    assert list(table["Final loss"]) == [fmt(s.final_loss, 3) for s in order]
    assert list(table["Steps to arrive"]) == [row["steps"] for row in rows]
    assert list(table["Result"]) == [words(t, row["status"]) for row in rows]
    tolerance = race_lesson.reach_tolerance(s)
    assert f"within {fmt(tolerance, 2)} of a minimum" in " ".join(c.value for c in at.caption)

    data = player_data(at, "race")
    assert data["frames"] == 301 and data["start"] == 300 and data["live"] is None
    assert len(frame_charts(at, "race")) == 3  # surface, readout, loss


def dataset_with(chart, columns: set):
    return next(f for f in chart_datasets(chart).values() if columns <= set(f))


def test_frames_hold_every_racers_engine_numbers():
    """Each racer's ball, loss curve and the readout's loss at a frame are the engine's
    numbers of its run (diverged racers are held at their last point and said to be)."""
    s = get_surface("beale")
    at = open_page(FILE, params={"surface": "beale", "steps": "80"})
    assert_clean(at)
    surface_chart, readout, loss_chart = charts(at)[:3]
    balls = dataset_with(surface_chart, {"series", "step", "x", "y", "loss"})
    curves = dataset_with(loss_chart, {"series", "step", "loss"})
    numbers = dataset_with(readout, {"step", "f0", "out0", "stopped"})
    said = 0
    for i, (name, lr) in enumerate(zip(OPTIMIZER_NAMES, RATES["beale"], strict=True)):
        traj = descent.run(s, make_optimizer(name, learning_rate=lr), s.default_start, 80)
        last = traj.steps if traj.diverged_at is None else traj.diverged_at - 1
        mine = balls[balls["series"] == NAMES[name]].sort_values("step")
        assert len(mine) == 81
        np.testing.assert_array_equal(mine["x"].to_numpy()[: last + 1], traj.xy[: last + 1, 0])
        np.testing.assert_array_equal(mine["x"].to_numpy()[last:], traj.xy[last, 0])  # held
        curve = curves[curves["series"] == NAMES[name]].sort_values("step")
        np.testing.assert_array_equal(curve["loss"].to_numpy(), traj.loss[: last + 1])
        for frame in (0, 40, 80):
            row = numbers[numbers["step"] == frame].iloc[0]
            assert row[f"f{i}"] == traj.loss[min(frame, last)]
            assert row[f"out{i}"] == (frame > last)
        said += traj.diverged_at is not None
    assert said, "on Beale at these rates some racer diverges"
    spec = json.dumps(frame_charts(at, "race"))
    assert "NaN" not in spec and "Infinity" not in spec


def test_diverged_racers_on_beale_are_named_and_ringed_from_their_step():
    runs = race("beale")
    diverged = [s for s in runs.values() if s.diverged_at is not None]
    assert diverged
    at = open_page(FILE, params={"surface": "beale"})
    assert_clean(at)
    # the readout names the stopped runs from the step each diverged at; rings likewise
    numbers = next(f for f in chart_datasets(charts(at)[1]).values() if "stopped" in f)
    at_end = numbers.set_index("step")["stopped"][300]
    assert at_end.startswith("Diverged (ringed on the map): ")
    for s in diverged:
        assert f"{s.label} (step {s.diverged_at})" in at_end
        before = numbers.set_index("step")["stopped"][s.diverged_at - 1]
        assert f"{s.label} (step" not in before
    rings = [
        layer
        for layer in json.loads(charts(at)[0].proto.spec)["layer"]
        if layer.get("mark", {}).get("strokeDash") == [4, 3]
    ]
    assert len(rings) == 1
    table = at.table[0].value
    assert list(table["Result"])[-len(diverged) :] == [
        f"diverged at step {s.diverged_at}" for s in adaptive_rates.race_table(diverged)
    ]


def test_choose_runners_and_korean():
    at = open_page(FILE, lang="ko", params={"show": "adam,sgd"})
    assert_clean(at)
    assert len(charts(at)) >= 2
    assert len(at.table[0].value) == 2
    assert "Adam" in notice_text(at)


def test_each_optimizer_has_its_own_hyperparameters():
    runs = race(
        "rosenbrock", nesterov={"momentum": 0.5}, adagrad={"initial_accumulator_value": 1.0}
    )
    at = open_page(FILE, params={"surface": "rosenbrock", "mu_n": "0.5", "acc0": "1.0"})
    assert_clean(at)
    assert at.slider(key="mu").value == 0.9  # momentum keeps its own
    code = open_code(at).splitlines()
    assert (
        "keras.optimizers.SGD(learning_rate=0.001, momentum=0.5, nesterov=True)  # Nesterov" in code
    )
    assert "keras.optimizers.SGD(learning_rate=0.001, momentum=0.9)  # Momentum" in code
    assert (
        "keras.optimizers.Adagrad(learning_rate=0.1, initial_accumulator_value=1)  # Adagrad"
        in code
    )
    table = at.table[0].value.set_index("Optimizer")
    for s in runs.values():
        assert table.loc[s.label, "Final loss"] == fmt(s.final_loss, 3)


def test_choosing_no_optimizer_shows_all_and_says_so():
    at = open_page(FILE)
    at.pills(key="show").set_value([]).run()
    assert_clean(at)
    assert len(at.table[0].value) == 6
    assert "No optimizer chosen" in " ".join(i.value for i in at.info)


def test_a_runner_list_with_an_unknown_name_falls_back_to_all():
    """``?show=`` naming one known and one unknown optimizer: all six race, with a notice
    (garbage in every parameter: tests/pages/test_all_pages.py)."""
    at = open_page(FILE, params={"show": "adam,bogus"})
    assert_clean(at)
    assert len(at.table[0].value) == 6
    assert "bogus" in " ".join(i.value for i in at.info)


def test_new_surface_brings_its_learning_rates():
    at = open_page(FILE)
    at.selectbox(key="surface").set_value("ravine").run()
    assert_clean(at)
    assert at.select_slider(key="lr_sgd").value == 0.5
