"""Browser: a surface drawn at a phone's width (420 px) is smaller than at 1400 px
(``charts.layout.fitted_size``), and a click on it still places the ball at the cell under
the pointer: the click grid's cells are in data units (``surface_charts.click_grid``), so
they tile the plot at any size."""

from __future__ import annotations

import re

import pytest
from helpers import CHART, EXCEPTION, open_lesson, slider_value, wait_for_app, wait_for_slider

# the first chart's plot frame: its size (the path of the plot's background) and where the
# plot starts inside the chart's svg (the transform of the chart's top group)
PLOT_JS = """() => {
  const svg = document.querySelector('[data-testid="stVegaLiteChart"] svg');
  const frame = svg.querySelector('g.mark-group.role-scope path.background');
  const move = svg.querySelector('g[transform]').getAttribute('transform');
  return {d: frame.getAttribute('d'), move}; }"""


def plot_box(page) -> tuple[float, float, float, float]:
    """``(left, top, width, height)`` of the first chart's plot on the page, in pixels."""
    found = page.evaluate(PLOT_JS)
    box = page.locator(CHART).first.locator("svg").first.bounding_box()
    tx, ty = (float(v) for v in re.findall(r"[-\d.]+", found["move"]))
    width, height = (float(v) for v in re.findall(r"[hv](-?[\d.]+)", found["d"])[:2])
    return box["x"] + tx, box["y"] + ty, width, height


@pytest.mark.parametrize("viewport_width", [420, 1400])
def test_click_places_the_ball_at_any_width(page, app_url, viewport_width):
    """Local minima, window [-5, 5] x [-4, 4] under a 20 x 20 grid (cells 0.5 by 0.4): a
    click at (2.4, 1.5) in data units sets the start to its cell's centre (2.25, 1.4)."""
    page.set_viewport_size({"width": viewport_width, "height": 900})
    open_lesson(page, app_url, "basins", "en")
    page.wait_for_timeout(800)  # let vega size the chart and attach its event handlers
    left, top, width, height = plot_box(page)
    if viewport_width == 420:
        assert width + left <= viewport_width, "the plot fits the phone's window"
        assert width < 400
    else:
        assert width == 400, "at 1400 px the surface keeps its full size"
    assert abs(height / width - 0.8) < 0.01, "the window keeps equal units (10 by 8)"
    (x0, x1), (y0, y1) = (-5.0, 5.0), (-4.0, 4.0)
    x, y = 2.4, 1.5
    page.locator(CHART).first.scroll_into_view_if_needed()
    left, top, width, height = plot_box(page)
    page.mouse.click(left + (x - x0) / (x1 - x0) * width, top + (y1 - y) / (y1 - y0) * height)
    wait_for_slider(page, "Start x", 2.24, 2.26)
    wait_for_app(page)
    assert abs(slider_value(page, "Start y") - 1.4) < 0.01
    assert page.locator(EXCEPTION).count() == 0
