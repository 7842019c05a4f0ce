"""lessons.basins and the many-start facts of lessons.descent_facts: grids, seeded clouds,
nearest-start raster, destination codes, shares; the map picture and the bounded ball table
of charts.basins / descent_frames."""

import base64
import io

import numpy as np
from PIL import Image

from charts import basins as basin_charts
from charts import descent_frames
from charts.palette import hex_rgb
from lessons import basins, descent_facts
from sim import caps, descent
from sim.optimizers import make_optimizer
from sim.surfaces import get_surface
from ui import descent_view


def test_start_grid_is_cell_centres_and_capped():
    g = descent_facts.start_grid(((0, 4), (0, 2)), 2)
    assert np.allclose(g, [[1, 0.5], [3, 0.5], [1, 1.5], [3, 1.5]])
    assert len(descent_facts.start_grid(((0, 1), (0, 1)), 1000)) <= caps.MAX_STARTS
    assert len(descent_facts.start_cloud(((0, 1), (0, 1)), 10**6, 0)) == caps.MAX_STARTS


def test_nearest_start_of_a_grid_is_its_cell():
    bounds = ((0, 4), (0, 2))
    starts = descent_facts.start_grid(bounds, 2)
    idx = basins.nearest_start(starts, bounds, (8, 4))
    # pixel rows from low y; columns from low x: four 4x2 blocks, one per start
    assert np.array_equal(idx[:2, :4], np.zeros((2, 4)))
    assert np.array_equal(idx[:2, 4:], np.ones((2, 4)))
    assert np.array_equal(idx[2:, :4], np.full((2, 4), 2))
    assert np.array_equal(idx[2:, 4:], np.full((2, 4), 3))


def test_destinations_and_shares():
    s = get_surface("local_minima")
    starts = np.array([[2.5, 0.0], [-1.2, 0.5], [0.2, 3.9], [4.0, 3.0]])
    traj = descent.run(s, make_optimizer("sgd", learning_rate=0.1), starts, 300)
    dest = descent_facts.destinations(traj, s)
    assert dest[0] == 0 and dest[1] == 1  # global well, local well
    bad = descent.run(s, make_optimizer("sgd", learning_rate=50.0), starts, 50)
    assert np.all(descent_facts.destinations(bad, s) == descent_facts.DIVERGED)
    sh = descent_facts.shares(np.array([0, 0, 1, -1, -2]), s)
    assert sh["counts"] == {0: 2, 1: 1, -1: 1, -2: 1}
    assert (sh["global"], sh["local"], sh["none"], sh["diverged"]) == (0.4, 0.2, 0.2, 0.2)


def test_basin_png_colours_pixels_by_destination():
    s = get_surface("local_minima")
    starts = np.array([[-3.0, 0.0], [3.0, 0.0]])
    url = basin_charts.basin_url(starts, np.array([1, 0]), s, size=(100, 80), cells=(10, 8))
    img = Image.open(io.BytesIO(base64.b64decode(url.split(",", 1)[1]))).convert("RGB")
    assert img.size == (100, 80)
    left, right = np.array(img.getpixel((2, 2))), np.array(img.getpixel((97, 2)))
    tint = lambda c: 255 * (1 - basin_charts.TINT) + hex_rgb(c) * basin_charts.TINT  # noqa: E731
    assert np.allclose(left, tint(basin_charts.colour_of(1)), atol=1)
    assert np.allclose(right, tint(basin_charts.colour_of(0)), atol=1)


def test_paths_table_labels_every_row_and_appends_the_own_ball():
    s = get_surface("local_minima")
    starts = np.array([[2.5, 0.0], [-1.2, 0.5]])
    opt = make_optimizer("sgd", learning_rate=0.1)
    traj = descent.run(s, opt, starts, 20)
    own = descent.run(s, make_optimizer("sgd", learning_rate=0.1), (2.0, 1.0), 20)
    labels = {0: "deep", 1: "shallow", descent_facts.NONE: "none", descent_facts.DIVERGED: "gone"}
    table = basins.paths_table(traj, np.array([0, 1]), labels, own, 0)
    assert list(table.columns) == ["start", "destination", "step", "x", "y", "loss"]
    assert len(table) == 3 * 21
    assert set(table[table["start"] == 1]["destination"]) == {"shallow"}
    mine = table[table["start"] == -1]
    assert set(mine["destination"]) == {"deep"} and np.allclose(mine[["x", "y"]], own.xy)


def test_cloud_layout_is_seeded():
    a = descent_facts.start_cloud(((0, 1), (0, 1)), 50, 3)
    assert np.array_equal(a, descent_facts.start_cloud(((0, 1), (0, 1)), 50, 3))
    assert not np.array_equal(a, descent_facts.start_cloud(((0, 1), (0, 1)), 50, 4))


def test_starts_by_layout():
    """A grid of ``side**2`` cell centres, or a seeded cloud of as many starts."""
    bounds = ((0, 4), (0, 2))
    grid = descent_facts.starts(bounds, "grid", 3, 7)
    assert np.array_equal(grid, descent_facts.start_grid(bounds, 3))
    cloud = descent_facts.starts(bounds, "cloud", 3, 7)
    assert cloud.shape == (9, 2)
    assert np.array_equal(cloud, descent_facts.start_cloud(bounds, 9, 7))
    assert not np.array_equal(cloud, descent_facts.starts(bounds, "cloud", 3, 8))


def test_most_balls_longest_run_stay_bounded():
    """400 balls with momentum over 500 steps: the data sent with the charts."""
    s = get_surface("himmelblau")
    starts = descent_facts.start_grid(s.bounds, 20)
    traj = descent.run(s, make_optimizer("momentum", learning_rate=0.01), starts, 500)
    div = np.asarray(traj.diverged_at)
    last = np.where(div < 0, traj.steps, div - 1)
    held = descent_frames.held_balls(traj.xy, last, s.bounds, descent_view.chart_size(s))
    assert len(held) < 0.2 * 400 * 501  # measured 29.8k rows: 15% of every ball x step
