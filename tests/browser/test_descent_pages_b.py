"""Browser: the optimizer race plays with all six racers and a click on its surface moves
the start (the generic deep-link, Korean and narrow-window checks of every page are in
test_every_page.py)."""

import re

import pytest
from helpers import CHART, EXCEPTION, wait_for_app, wait_for_slider, watch_console

from ui.descent_view import LEARNING_RATES
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
    # the browser-side player: Reset, Play, Pause never rerun the script
    player = page.locator(f".st-key-{key}_player .dl-player")
    player.and_(page.locator('[data-ready="true"]')).wait_for(timeout=30_000)
    player.get_by_role("button", name="Reset", exact=True).click()
    assert player.get_attribute("data-frame") == "0"
    player.get_by_role("button", name="Play").click()
    page.wait_for_function(
        "(k) => Number(document.querySelector(`.st-key-${k}_player .dl-player`)"
        ".dataset.frame) >= 4",
        arg=key,
        timeout=20_000,
    )
    player.get_by_role("button", name="Pause").click()
    assert player.get_attribute("data-playing") == "false"
    assert int(player.get_attribute("data-frame")) >= 4
    frame = player.get_attribute("data-frame")
    # every chart following the player shows that frame
    shown = page.evaluate(
        '(k) => [...document.querySelectorAll(`input[name="${k}_frame"]`)].map(i => i.value)',
        key,
    )
    assert len(shown) >= 3 and set(shown) == {frame}
    assert page.locator(EXCEPTION).count() == 0
    page.set_viewport_size({"width": 1400, "height": 2600})
    page.wait_for_timeout(800)
    page.screenshot(path=str(artifacts / f"{key}.png"))
    if key == "race":
        _click_places_the_ball(page)
    assert not errors, errors


# Where the surface's plot lies on the canvas it is drawn on (charts.optimizer_paths.on_canvas:
# no SVG group tells it): on Rosenbrock the picture's darkest shade (the end of
# surface_charts' ramp, 62 78 96) fills both bottom corners, so those pixels span the plot's
# width along its bottom edge; the plot is square. In page pixels: (left, top, size).
PLOT_ON_CANVAS_JS = """() => {
  const canvas = document.querySelector('[data-testid="stVegaLiteChart"] canvas');
  const {width, height} = canvas;
  const data = canvas.getContext('2d').getImageData(0, 0, width, height).data;
  let left = width, right = -1, bottom = -1;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = 4 * (y * width + x);
      const off = Math.abs(data[i] - 62) + Math.abs(data[i + 1] - 78) + Math.abs(data[i + 2] - 96);
      if (data[i + 3] === 255 && off < 30) {
        left = Math.min(left, x); right = Math.max(right, x); bottom = Math.max(bottom, y);
      }
    }
  }
  const box = canvas.getBoundingClientRect(), scale = box.width / width;
  const size = (right - left + 1) * scale;
  return [box.x + left * scale, box.y + (bottom + 1) * scale - size, size];
}"""


def _click_places_the_ball(page):
    """A click on the race's surface (Rosenbrock, [-2, 2] x [-1, 3] in a 400 x 400 plot
    with a 20 x 20 click grid) moves the start to the clicked cell's centre."""
    page.locator(CHART).first.scroll_into_view_if_needed()
    left, top, size = page.evaluate(PLOT_ON_CANVAS_JS)
    assert abs(size - 400) <= 2, "the plot found on the canvas is the 400 px square window"
    # 110 px right and down from the plot's corner: cell (5, 5), x = -0.9, y = 1.9
    page.mouse.click(left + 110, top + 110)
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
    # one notch down from GD's default 0.5 on the ravine: the next smaller rate offered
    lower = LEARNING_RATES[LEARNING_RATES.index(0.5) - 1]
    page.wait_for_url(re.compile(rf"lr_sgd={lower:g}(&|$)"))
    wait_for_app(page)
    assert gd_rate.first.is_visible()  # still open after the rerun
    assert page.locator(EXCEPTION).count() == 0
    page.screenshot(path=str(artifacts / "race_settings.png"))
    assert not errors, errors
