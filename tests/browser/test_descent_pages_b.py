"""Browser: the optimizer race plays with all six racers and a click on its surface moves
the start (the generic deep-link, Korean and narrow-window checks of every page are in
test_every_page.py)."""

import re

import pytest
from helpers import CHART, EXCEPTION, slider_value, wait_for_app, wait_for_slider, watch_console

from ui.lessons import by_key

PAGES = ["race"]  # every page also plays in tests/browser/test_every_page.py


def _open(page, app_url, key, lang, extra=""):
    page.goto(f"{app_url}/{by_key(key).url_path}?lang={lang}{extra}")
    wait_for_app(page, timeout=60_000)
    page.wait_for_selector(CHART, timeout=30_000)


@pytest.mark.parametrize("key", PAGES)
def test_deep_link_plays(page, app_url, artifacts, key):
    if not by_key(key).exists:
        pytest.skip(f"{key} page not written")
    errors = watch_console(page)
    # on Rosenbrock, whose square window _click_places_the_ball measures
    _open(page, app_url, key, "en", "&surface=rosenbrock")
    assert page.locator(EXCEPTION).count() == 0
    page.get_by_role("button", name="Reset", exact=True).click()
    wait_for_slider(page, "Step shown", 0, 0)
    page.get_by_role("button", name="Play", exact=True).click()
    wait_for_slider(page, "Step shown", 4)
    page.get_by_role("button", name="Pause").click()
    wait_for_app(page)
    assert slider_value(page, "Step shown") >= 4
    assert page.locator(EXCEPTION).count() == 0
    page.set_viewport_size({"width": 1400, "height": 2600})
    page.wait_for_timeout(800)
    page.screenshot(path=str(artifacts / f"{key}.png"))
    if key == "race":
        _click_places_the_ball(page)
    assert not errors, errors


def _click_places_the_ball(page):
    """A click on the race's surface (Rosenbrock, [-2, 2] x [-1, 3] in a 400 x 400 plot
    with a 20 x 20 click grid) moves the start to the clicked cell's centre."""
    chart = page.locator(CHART).first
    offset = page.evaluate(
        """() => document.querySelector('[data-testid="stVegaLiteChart"] svg g[transform]')
                         .getAttribute('transform')"""
    )
    tx, ty = (float(v) for v in re.findall(r"[-\d.]+", offset))
    box = chart.locator("svg").first.bounding_box()
    # 110 px right and down from the plot's corner: cell (5, 5), x = -0.9, y = 1.9
    page.mouse.click(box["x"] + tx + 110, box["y"] + ty + 110)
    wait_for_slider(page, "Start x", -0.91, -0.89)
    wait_for_slider(page, "Start y", 1.89, 1.91)
    assert page.locator(EXCEPTION).count() == 0


def test_race_settings_popover(page, app_url, artifacts):
    """The race's per-optimizer settings sit in a popover: drawn only when it opens, and a
    change inside reruns the race, lands in the URL and leaves the popover open."""
    errors = watch_console(page)
    _open(page, app_url, "race", "en")
    gd_rate = page.locator('[data-testid="stSlider"]', has_text="Learning rate")
    assert gd_rate.count() == 0  # closed: not drawn
    page.locator('[data-testid="stPopover"] button', has_text="Hyperparameters").click()
    gd_rate.first.wait_for(state="visible")
    assert gd_rate.count() == 6  # one learning rate per optimizer
    gd_rate.first.locator("input[type=range]").focus()
    page.keyboard.press("ArrowLeft")
    page.wait_for_url(re.compile(r"lr_sgd=0\.3"))
    wait_for_app(page)
    assert gd_rate.first.is_visible()  # still open after the rerun
    assert page.locator(EXCEPTION).count() == 0
    page.screenshot(path=str(artifacts / "race_settings.png"))
    assert not errors, errors
