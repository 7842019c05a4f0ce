"""Browser: the descent lessons A2-A4 (learning rate, local minima, saddle points) open by
deep link on a fresh server, draw their charts, Play advances the frame, a click on the map
places the learner's ball, nothing raises; screenshots in English and Korean, and one in a
narrow window (where the fixed-size surface chart scrolls sideways instead of being cut)."""

import re

from helpers import (
    CHART,
    EXCEPTION,
    open_lesson,
    slider_value,
    wait_for_app,
    wait_for_slider,
)

KEYS = ["lr", "basins", "saddle"]


def test_click_on_the_map_places_your_ball(page, app_url):
    """Local minima: the click grid lies on top of the balls, so a click anywhere lands."""
    open_lesson(page, app_url, "basins", "en")
    page.wait_for_timeout(500)  # let vega attach its event handlers
    chart = page.locator(CHART).first
    offset = page.evaluate(
        """() => document.querySelector('[data-testid="stVegaLiteChart"] svg g[transform]')
                         .getAttribute('transform')"""
    )
    tx, ty = (float(v) for v in re.findall(r"[-\d.]+", offset))
    box = chart.locator("svg").first.bounding_box()
    # the plot is 400 x 320 px over [-5, 5] x [-4, 4] under a 20 x 20 click grid (cells
    # 0.5 wide): 290 px right of the y axis is x = 2.25, a cell centre
    page.mouse.click(box["x"] + tx + 290, box["y"] + ty + 100)
    wait_for_slider(page, "Start x", 2.24, 2.26)
    wait_for_app(page)
    y = slider_value(page, "Start y")
    assert 1.0 < y < 2.0
    assert f"started at (2.25, {y:g}) with GD" in page.inner_text("body")
    assert page.locator(EXCEPTION).count() == 0


def test_download_makes_the_csv_on_a_click(page, app_url, tmp_path):
    """The CSV under a lesson is made when clicked (``ui.download.csv_button``): the file
    arrives whole, and the click leaves the page as it was (no rerun, no error)."""
    open_lesson(page, app_url, "lr", "en")
    with page.expect_download() as download:
        page.get_by_role("button", name="Download the paths (CSV)").click()
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    header, *rows = saved.read_text().splitlines()
    assert saved.name.endswith(".csv")
    assert header.startswith("series,") and "step,x,y,loss" in header and len(rows) > 10
    wait_for_app(page)
    assert page.locator(EXCEPTION).count() == 0
    assert page.locator(CHART).count() >= 2
