"""Presentation rules every chart builder keeps (charts.layout): a plot fitted to its
column keeps the shape of its size and never exceeds it; the surface's click grid tiles the
window in data units; every log axis writes its labels in the learners' number style."""

from __future__ import annotations

import numpy as np

from charts import descent_frames, layout, numbers, optimizer_paths, surface_charts
from charts.curves import loss_chart
from charts.frames import Frames
from sim import descent
from sim.optimizers import make_optimizer
from ui.vega import to_vega_lite

BOUNDS = ((-5.0, 5.0), (-4.0, 4.0))


def params(spec: dict) -> dict[str, dict]:
    return {param["name"]: param for param in spec.get("params", [])}


def test_a_fitted_plot_keeps_its_shape_and_never_exceeds_its_size():
    props = layout.fitted_size((400, 320))
    assert (props["width"], props["height"]) == (400, 320)  # before the page has a width
    assert props["autosize"].type == "pad"
    found = {param.name: param.expr for param in props["params"]}
    # width = clamp(column - room, SMALLEST_PLOT, 400); height = width * 320 / 400
    assert found["width"] == layout.plot_width_expr(400)
    assert found["height"] == "round(width * 0.8)"
    expr = layout.plot_width_expr(400, room=80)
    assert "min(400, " in expr and f"max({layout.SMALLEST_PLOT}, " in expr and "- 80" in expr


def test_a_surface_fits_its_column_and_is_drawn_stretched():
    image = surface_charts.image_layer("data:,", BOUNDS)
    grid, _ = surface_charts.click_grid(BOUNDS)
    spec = to_vega_lite(surface_charts.surface_view("data:,", BOUNDS, [image, grid], (400, 320)))
    assert set(params(spec)) >= {"width", "height", "place"}
    assert layout.fits_container(spec)
    assert spec["autosize"] == {"type": "pad"}
    assert spec["config"]["legend"]["layout"]["expr"].startswith("{bottom:")


def test_the_click_grid_tiles_the_window_in_data_units():
    """Cells are rectangles ``[cx - w/2, cx + w/2] x [cy - h/2, cy + h/2]`` through the
    chart's scales, so they cover the window without gaps or overlap at any size."""
    (x0, x1), (y0, y1) = BOUNDS
    layer, _ = surface_charts.click_grid(BOUNDS, cells=20)
    spec = layer.to_dict()
    assert spec["mark"]["type"] == "rect"
    frame = layer.data
    half_x, half_y = (x1 - x0) / 40, (y1 - y0) / 40
    left, right = frame["cx"] - half_x, frame["cx"] + half_x
    bottom, top = frame["cy"] - half_y, frame["cy"] + half_y
    assert np.isclose(left.min(), x0, atol=1e-3) and np.isclose(right.max(), x1, atol=1e-3)
    assert np.isclose(bottom.min(), y0, atol=1e-3) and np.isclose(top.max(), y1, atol=1e-3)
    area = float(((right - left) * (top - bottom)).sum())
    assert np.isclose(area, (x1 - x0) * (y1 - y0), rtol=1e-4)  # no overlap, no gap
    calc = {c["as"]: c["calculate"] for c in spec["transform"]}
    assert calc["left"] == f"datum.cx - {half_x:.9g}" and calc["top"] == f"datum.cy + {half_y:.9g}"


def log_axes(spec, found=None) -> list[dict]:
    """The axis of every y encoding on a log scale in ``spec`` (any depth)."""
    found = [] if found is None else found
    if isinstance(spec, dict):
        y = (spec.get("encoding") or {}).get("y")
        if isinstance(y, dict) and (y.get("scale") or {}).get("type") == "log":
            found.append(y.get("axis") or {})
        for value in spec.values():
            log_axes(value, found)
    elif isinstance(spec, list):
        for value in spec:
            log_axes(value, found)
    return found


def log_charts():
    traj = descent.run("bowl", make_optimizer("sgd", learning_rate=0.1), np.array([2.0, 1.5]), 20)
    tracks = descent_frames.sweep_tracks(
        descent.sweep("bowl", "sgd", "learning_rate", (0.1,), (2.0, 1.5), 20), "GD"
    )
    balls = descent_frames.ball_rows(tracks)
    frames = Frames("k", 21, 0)
    rows = traj.to_frame()[["step", "loss"]].assign(series="GD")
    yield descent_frames.loss_layers(balls, frames, ["GD"], "step", "loss", log_y=True)
    yield optimizer_paths.styled_lines(rows, {"GD": "sgd"}, "step", "loss", "", "loss", True)
    axis_rows = rows.assign(value=rows["loss"])
    yield optimizer_paths.axis_lines(axis_rows, {"GD": ("sgd", "x")}, "step", "rate")
    yield loss_chart(rows, ["GD"], "step", "loss", log_y=True)


def test_every_log_axis_writes_the_learners_numbers():
    style = numbers.vega("datum.value", 2)
    for chart in log_charts():
        axes = log_axes(to_vega_lite(chart))
        assert axes, "the chart has a log axis"
        for axis in axes:
            assert axis["labelExpr"] == f"datum.label === '' ? '' : {style}"
            assert axis["title"]
