"""charts.descent_frames on the map's edge: a path is cut where it leaves the window (a
diverging run no longer covers the map with segments from one side to the other), a marker
says where and which way it left, the step charts leave room for their frame marker, and
the learning-rate legend names each series by its rate."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from charts import basins, descent_frames, numbers, rate_fan
from charts.frames import Frames
from sim import descent
from sim.optimizers import make_optimizer
from sim.surfaces import get_surface
from ui.vega import to_vega_lite

SIZE = (400, 240)


def ravine_track(lr: float, steps: int = 40) -> descent_frames.Track:
    surface = get_surface("ravine")
    run = descent.run(
        surface, make_optimizer("sgd", learning_rate=lr), surface.default_start, steps
    )
    return descent_frames.track(run, f"lr {lr}")


def inside(frame, bounds) -> bool:
    (x0, x1), (y0, y1) = bounds
    return bool(frame["x"].between(x0, x1).all() and frame["y"].between(y0, y1).all())


def test_a_diverging_path_stops_where_it_crosses_the_edge():
    """lr 1.1 on the ravine: y is multiplied by 1 - 1.1 * 2 = -1.2 each step, so from
    y = 2 the ball is off the map (|y| > 3) at step 3 and never comes back."""
    surface = get_surface("ravine")
    tr = ravine_track(1.1)
    paths = descent_frames.map_path_rows([tr], surface, SIZE)
    assert inside(paths, surface.bounds)
    off = ~descent_frames.on_map(tr.xy, surface.bounds)
    first = int(np.argmax(off))
    assert first == 3 == descent_frames.first_exit(tr, surface.bounds)
    assert set(paths["piece"]) == {0}
    assert paths["step"].max() == first  # nothing drawn after it left
    edge = paths.sort_values("order").iloc[-1]
    assert edge["step"] == first and edge["order"] == first - 0.5
    assert abs(edge["y"]) == pytest.approx(3.0)  # on the top or bottom edge
    # the crossing lies on the segment from the last point on the map to the first off it
    p, q = tr.xy[first - 1], tr.xy[first]
    s = (edge["y"] - p[1]) / (q[1] - p[1])
    assert 0 < s <= 1 and edge["x"] == pytest.approx(p[0] + s * (q[0] - p[0]))
    # the steps before are the engine's points
    kept = paths[paths["order"] == paths["step"]]
    np.testing.assert_allclose(kept[["x", "y"]], tr.xy[kept["step"]])


def test_the_exit_marker_points_out_through_the_edge_until_the_end():
    surface = get_surface("ravine")
    tr = ravine_track(1.1)
    exits = descent_frames.exit_rows([tr], surface, SIZE)
    assert len(exits) == 1
    row = exits.iloc[0]
    assert row["shown_from"] == 3 and row["shown_until"] == tr.steps + 1
    # y flips sign every step: from y = 2 at step 0 it leaves through the bottom at step 3
    assert tr.xy[3, 1] < -3 and row["angle"] == descent_frames.EDGE_ANGLES["bottom"]
    assert inside(exits, surface.bounds)  # drawn whole, just inside the edge
    (_, _), (y0, y1) = surface.bounds
    inset = descent_frames.MARKER_ROOM * (y1 - y0) / SIZE[1]
    assert row["y"] == pytest.approx(y0 + inset)


def test_a_path_that_stays_on_the_map_is_drawn_as_before():
    surface = get_surface("ravine")
    tr = ravine_track(0.5)
    assert descent_frames.first_exit(tr, surface.bounds) is None
    cut = descent_frames.map_path_rows([tr], surface, SIZE)
    whole = descent_frames.path_rows([tr], surface, SIZE)
    assert set(cut["piece"]) == {0}
    np.testing.assert_array_equal(cut["step"], whole["step"])
    np.testing.assert_allclose(cut[["x", "y"]], whole[["x", "y"]])
    assert descent_frames.exit_rows([tr], surface, SIZE).empty


def test_a_path_that_comes_back_is_drawn_in_two_pieces():
    """Off the map through the right edge at step 2, back on it at step 4."""
    surface = get_surface("bowl")  # the window [-3, 3] x [-3, 3]
    xy = np.array([[0.0, 0.0], [2.0, 0.0], [4.0, 1.0], [5.0, 1.0], [2.0, 2.0], [1.0, 1.0]])
    tr = descent_frames.Track("s", 0, xy, np.zeros(6), np.zeros((6, 2)), last=5)
    paths = descent_frames.map_path_rows([tr], surface, (400, 400))
    assert inside(paths, surface.bounds)
    first, second = (paths[paths["piece"] == k].sort_values("order") for k in (0, 1))
    # out between steps 1 and 2 at x = 3, y = 0.5; back between 3 and 4 at x = 3, y = 5/3
    assert first.iloc[-1][["x", "y", "step"]].tolist() == pytest.approx([3.0, 0.5, 2])
    assert second.iloc[0][["x", "y", "step"]].tolist() == pytest.approx([3.0, 5 / 3, 4])
    assert list(second["step"]) == [4, 4, 5]
    exits = descent_frames.exit_rows([tr], surface, (400, 400))
    assert exits[["shown_from", "shown_until"]].values.tolist() == [[2, 4]]
    assert exits["angle"].tolist() == [descent_frames.EDGE_ANGLES["right"]]
    assert descent_frames.first_exit(tr, surface.bounds) == 2


def test_the_path_layers_draw_pieces_apart_and_the_exit_marker_while_off():
    surface = get_surface("ravine")
    tr = ravine_track(1.1)
    balls = descent_frames.ball_rows([tr])
    frames = Frames("k", tr.steps + 1, tr.steps)
    chart = descent_frames.path_layers(
        descent_frames.map_path_rows([tr], surface, SIZE),
        balls,
        frames,
        surface.bounds,
        [tr.series],
        exits=descent_frames.exit_rows([tr], surface, SIZE),
    )
    spec = chart.to_dict()
    line, exit_marker = spec["layer"][0], spec["layer"][-1]
    assert line["encoding"]["detail"] == [
        {"field": "series", "type": "nominal"},
        {"field": "piece", "type": "nominal"},
    ]
    assert line["encoding"]["order"]["field"] == "order"
    assert exit_marker["mark"]["shape"] == "triangle-up"
    angle = exit_marker["encoding"]["angle"]
    assert angle == {"field": "angle", "type": "quantitative", "scale": None}
    where = json.dumps(exit_marker["transform"])
    assert "datum.shown_from <= k_frame && k_frame < datum.shown_until" in where


def test_the_step_charts_leave_room_for_the_frame_marker():
    """The marker at the last step (or at a loss of about 0) was cut in half by the plot's
    edge: both scales reach MARKER_ROOM pixels past the data, not rounded out."""
    tr = ravine_track(0.5)
    balls = descent_frames.ball_rows([tr])
    frames = Frames("k", tr.steps + 1, tr.steps)
    for log_y in (False, True):
        spec = to_vega_lite(descent_frames.loss_layers(balls, frames, ["s"], "step", "f", log_y))
        encodings = [layer["encoding"] for layer in spec["layer"] if "encoding" in layer]
        for channel in ("x", "y"):
            scales = [enc[channel]["scale"] for enc in encodings if "scale" in enc.get(channel, {})]
            assert scales
            for scale in scales:
                assert scale["padding"] == descent_frames.MARKER_ROOM
                assert scale["nice"] is False


def test_the_rate_legend_names_each_series_by_its_rate():
    surface = get_surface("ravine")
    rates = (0.02, 0.5, 0.9, 1.1)
    sweep = descent.sweep(surface, "sgd", "learning_rate", rates, surface.default_start, 20)
    labels = ["Rate 1", "Rate 2", "Rate 3"]
    fan = rate_fan.fan(sweep, rates, (0.02, 1.1, 0.5), labels, surface, SIZE)
    assert fan.rates == [0.02, 1.1, 0.5] and fan.leaving == ["Rate 2"]
    assert inside(fan.paths, surface.bounds)
    # slider 1's series holds every option's run: its lr 1.1 run leaves the map too
    exits = fan.exits[["series", "run", "live"]].values.tolist()
    assert exits == [["Rate 1", 3, True], ["Rate 2", 3, False]]
    frames = Frames("fan", 21, 20, live_index=0, live_count=len(rates))
    expr = rate_fan.legend_labels(fan, rates, frames, "lr {lr}")
    # the fixed rates in the learners' number style; the live one read off the run param
    assert 'datum.label == "Rate 2" ? "lr 1.1"' in expr
    assert 'datum.label == "Rate 3" ? "lr 0.5"' in expr
    live = numbers.vega("[0.02, 0.5, 0.9, 1.1][fan_run]", 4)
    assert f'datum.label == "Rate 1" ? "lr " + ({live})' in expr
    # the readout: off the map while finite, diverged once gone
    assert "off" in fan.balls and fan.balls.loc[fan.balls["series"] == "Rate 2", "off"].any()


def test_the_share_chart_fits_its_column_with_quarter_ticks():
    surface = get_surface("local_minima")
    rows = pd.DataFrame({"optimizer": ["GD", "GD"], "d": [0, 1], "share": [0.6, 0.4]})
    spec = basins.share_chart(rows, surface, {0: "global", 1: "local"}, "share", "opt").to_dict()
    assert spec["autosize"] == {"type": "fit-x", "contains": "padding"}
    assert spec["encoding"]["x"]["axis"]["values"] == [0, 0.25, 0.5, 0.75, 1]
