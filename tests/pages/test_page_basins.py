"""The local-minima lesson (A3) as rendered: its notice box is the lesson's notices for the
crowds it ran (every branch unit-tested in tests/lessons/test_basins_notices.py); every ball
is sent once (held until it moves a pixel) and shown where the engine put it at every frame,
and the arrival counts add up to the shares. Renders, hostile URL values and widget
extremes: test_all_pages."""

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

from lessons import basins, descent_facts
from sim import descent
from sim.optimizers import make_optimizer
from sim.surfaces import get_surface
from ui import descent_view
from ui.basins_view import RunKey
from ui.page import words
from ui.text import Translator

FILE = "pages/03_local_minima.py"


def crowd(key: RunKey):
    """The shares of each optimizer's run from the page's starts, made with sim directly."""
    s = get_surface(key.surface)
    starts = descent_facts.starts(s.bounds, key.layout, key.side, key.seed)
    compare = {}
    for optimizer in basins.OPTIMIZERS:
        made = make_optimizer(optimizer, learning_rate=key.lr)
        traj = descent.run(s, made, starts, key.steps)
        compare[optimizer] = descent_facts.shares(descent_facts.destinations(traj, s), s)
    return compare


@pytest.mark.parametrize(
    ("lang", "params", "key", "start"),
    [
        ("en", {}, RunKey("local_minima", "sgd", 0.1, "grid", 16, 0, 150), (-4.5, 1.5)),
        (
            "ko",
            {"layout": "cloud", "side": "20", "seed": "7", "opt": "momentum"},
            RunKey("local_minima", "momentum", 0.1, "cloud", 20, 7, 150),
            (-4.5, 1.5),
        ),
        (
            "en",
            {"surface": "himmelblau", "lr": "0.05", "x0": "4.8", "y0": "4.8"},
            RunKey("himmelblau", "sgd", 0.05, "grid", 16, 0, 150),
            (4.8, 4.8),
        ),
    ],
)
def test_shows_the_lessons_notices(lang, params, key, start):
    """The notice box is exactly the lesson's notices (``lessons.basins``, every branch
    unit-tested in tests/lessons/test_basins_notices.py) for the crowds the page ran, in the
    visitor's language; balls that diverged leave the map: no NaN/inf reaches a chart."""
    at = open_page(FILE, lang=lang, params=params)
    assert_clean(at)
    s = get_surface(key.surface)
    compare = crowd(key)
    mine = compare[key.optimizer]
    probe = descent.run(s, make_optimizer(key.optimizer, learning_rate=key.lr), start, key.steps)
    t = Translator(lang)
    per_minimum = "\n".join(f"- {words(t, n)}" for n in basins.minimum_notices(mine, s))
    expected = [
        words(t, basins.shares_notice(mine, key.optimizer, key.lr, s)),
        per_minimum,
        words(t, basins.compare_notice(compare, key.lr)),
        words(t, basins.probe_notice(probe, s, key.optimizer)),
        *(words(t, n) for n in basins.stray_notices(mine, key.steps)),
    ]
    shown = [m.value for m in at.markdown]
    start_at = shown.index(expected[0])
    assert shown[start_at : start_at + len(expected)] == expected
    for chart in charts(at):
        for frame in chart_datasets(chart).values():
            assert np.isfinite(frame.select_dtypes("number").to_numpy(dtype=float)).all()


def rows_of(chart, columns: set):
    return next(f for f in chart_datasets(chart).values() if set(columns) <= set(f))


def shown_at(held, frame: int):
    """The ``held_balls`` rows the chart's filter keeps at ``frame``."""
    return held[(held["shown_from"] <= frame) & (frame < held["shown_until"])]


def test_player_and_balls_follow_the_run():
    """At every frame each ball is drawn once, within a pixel of the engine's position (at
    the engine's own position where a row starts) and coloured by its destination."""
    at = open_page(FILE, params={"side": "10", "steps": "80"})
    assert_clean(at)
    data = player_data(at, "balls")
    assert data["frames"] == 81 and data["start"] == 80 and data["labels"]["unit"] == "Step"
    assert len(frame_charts(at, "balls")) == 3  # map, readout, arrivals
    s = get_surface("local_minima")
    starts = descent_facts.start_grid(s.bounds, 10)
    traj = descent.run(s, make_optimizer("sgd", learning_rate=0.1), starts, 80)
    dest = descent_facts.destinations(traj, s)
    held = rows_of(charts(at)[0], {"ball", "shown_from", "shown_until", "x", "y", "d"})
    assert len(held) < 100 * 81  # settled balls cost nothing per frame
    (x0, x1), (y0, y1) = s.bounds
    width, height = descent_view.chart_size(s)
    for frame in (0, 1, 5, 40, 80):
        shown = shown_at(held, frame).sort_values("ball")
        assert list(shown["ball"]) == list(range(100))
        engine = traj.xy[:, frame]
        pixels = np.hypot(
            (shown["x"].to_numpy() - engine[:, 0]) * width / (x1 - x0),
            (shown["y"].to_numpy() - engine[:, 1]) * height / (y1 - y0),
        )
        assert pixels.max() < 1.0
        assert (shown["d"].astype(int).to_numpy() == dest).all()
    starting = held[held["shown_from"] > 0]
    np.testing.assert_array_equal(
        starting[["x", "y"]].to_numpy(), traj.xy[starting["ball"], starting["shown_from"]]
    )
    # the arrival counts of each step add up to the balls, and end at the shares
    counts = rows_of(charts(at)[2], {"step", "d", "count"})
    counts = counts.assign(d=counts["d"].astype(int))
    assert (counts.groupby("step")["count"].sum() == 100).all()
    final = counts[counts["step"] == 80].set_index("d")["count"]
    for code, count in descent_facts.shares(dest, s)["counts"].items():
        assert final[code] == count
    spec = json.dumps(frame_charts(at, "balls"))
    assert "datum.shown_from <= balls_frame && balls_frame < datum.shown_until" in spec


def test_own_ball_readout_rows_are_the_engine_run():
    at = open_page(FILE, params={"steps": "60"})
    assert_clean(at)
    s = get_surface("local_minima")
    own = descent.run(s, make_optimizer("sgd", learning_rate=0.1), s.default_start, 60)
    rows = rows_of(charts(at)[1], {"step", "x", "y", "loss", "settled", "gone"})
    rows = rows.sort_values("step")
    np.testing.assert_allclose(rows[["x", "y"]].to_numpy(), own.xy)
    np.testing.assert_allclose(rows["loss"], own.loss)
    assert not rows["gone"].any()
    starts = descent_facts.start_grid(s.bounds, 16)
    traj = descent.run(s, make_optimizer("sgd", learning_rate=0.1), starts, 60)
    reach = descent.steps_to_reach(traj, s)
    dest = descent_facts.destinations(traj, s)
    settled = [int(np.sum((dest >= 0) & (reach >= 0) & (reach <= k))) for k in range(61)]
    assert list(rows["settled"]) == settled
