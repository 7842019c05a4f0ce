"""Browser: the descent lessons A2-A4 (learning rate, local minima, saddle points) open by
deep link on a fresh server, draw their charts, the browser player plays them (the frame
advances and the chart text follows it, with no rerun), rate 1 of the learning-rate lesson
redraws while it is dragged, a click on the map places the learner's ball, nothing raises;
screenshots mid-play in English and Korean at 1400 and 420 px."""

import re

import pytest
from helpers import (
    CHART,
    EXCEPTION,
    open_lesson,
    slider_value,
    wait_for_app,
    wait_for_slider,
    watch_console,
)

KEYS = {"lr": "fan", "basins": "balls", "saddle": "sad"}  # lesson -> its player's key
PLAYER = ".st-key-{}_player .dl-player"


def _player_frame(page, player: str) -> int:
    return int(page.locator(PLAYER.format(player)).get_attribute("data-frame"))


def _chart_text(page) -> str:
    """The text the charts draw (the per-frame readouts are chart text)."""
    return page.evaluate(
        """() => [...document.querySelectorAll('[data-testid="stVegaLiteChart"] svg text')]
                   .map(t => t.textContent).join(' | ')"""
    )


def _wait_for_chart_text(page, pattern: str) -> None:
    """Wait until some chart text matches the regular expression ``pattern``."""
    page.wait_for_function(
        """(p) => [...document.querySelectorAll('[data-testid="stVegaLiteChart"] svg text')]
                    .some(t => new RegExp(p).test(t.textContent))""",
        arg=pattern,
        timeout=20_000,
    )


def _script_runs(page) -> bool:
    return page.evaluate(
        """() => document.querySelector('[data-testid="stApp"]')
                   .getAttribute('data-test-script-state') === 'running'"""
    )


@pytest.fixture
def calm_page(browser, browser_context_args):
    """A page whose browser asks for reduced motion: the player starts paused."""
    context = browser.new_context(**{**browser_context_args, "reduced_motion": "reduce"})
    yield context.new_page()
    context.close()


@pytest.mark.parametrize("lesson", list(KEYS))
@pytest.mark.parametrize(("lang", "play", "step"), [("en", "Play", "Step"), ("ko", "재생", "스텝")])
def test_player_plays_in_the_browser(calm_page, app_url, artifacts, lesson, lang, play, step):
    """Reset, Play: the frame advances with no rerun and the readout shows the frame's step;
    pause, step forward and back; screenshots mid-play at 1400 and 420 px."""
    page, player = calm_page, KEYS[lesson]
    errors = watch_console(page)
    open_lesson(page, app_url, lesson, lang)
    root = page.locator(PLAYER.format(player))
    root.wait_for(state="attached")
    page.wait_for_function(
        "(sel) => document.querySelector(sel)?.dataset.ready === 'true'", arg=PLAYER.format(player)
    )
    assert root.get_attribute("data-playing") != "true"  # reduced motion: no autoplay
    root.locator(".dl-reset").click()
    assert _player_frame(page, player) == 0
    _wait_for_chart_text(page, f"^{step} 0(\\D|$)")
    button = page.get_by_role("button", name=re.compile(f"^{play}"))
    assert button.count() >= 1
    root.locator(".dl-play").click()
    page.wait_for_function(
        "(sel) => Number(document.querySelector(sel).dataset.frame) >= 5",
        arg=PLAYER.format(player),
        timeout=20_000,
    )
    assert not _script_runs(page)  # playing is the browser's work alone
    page.screenshot(path=str(artifacts / f"{lesson}_{lang}_1400_playing.png"))
    root.locator(".dl-play").click()  # pause
    frame = _player_frame(page, player)
    page.wait_for_timeout(300)
    assert _player_frame(page, player) == frame
    assert root.get_attribute("data-playing") == "false"
    _wait_for_chart_text(page, f"^{step} {frame}(\\D|$)")
    root.locator(".dl-forward").click()
    assert _player_frame(page, player) == frame + 1
    root.locator(".dl-back").click()
    assert _player_frame(page, player) == frame
    page.set_viewport_size({"width": 420, "height": 900})
    root.locator(".dl-play").click()
    page.wait_for_timeout(800)
    page.screenshot(path=str(artifacts / f"{lesson}_{lang}_420_playing.png"))
    root.locator(".dl-play").click()
    assert page.locator(EXCEPTION).count() == 0
    assert not errors, errors


def test_rate_one_redraws_while_dragged(calm_page, app_url, artifacts):
    """Dragging "Learning rate 1" switches the charts to the sweep's run under the thumb
    before any rerun; releasing commits the value to the URL."""
    page = calm_page
    errors = watch_console(page)
    open_lesson(page, app_url, "lr", "en")
    page.wait_for_selector(PLAYER.format("fan") + "[data-ready=true]")
    assert "lr 0.02: f = " in _chart_text(page)
    thumb = page.locator(".st-key-lr1 input[type=range]").locator("xpath=../..")
    box = thumb.bounding_box()
    y = box["y"] + box["height"] / 2
    page.mouse.move(box["x"] + box["width"] / 2, y)
    page.mouse.down()
    page.mouse.move(box["x"] + 120, y, steps=8)
    page.wait_for_function(
        """() => [...document.querySelectorAll('input[name="fan_run"]')]
                   .every(i => Number(i.value) > 8)"""
    )
    rate = page.locator(".st-key-lr1 input[type=range]").get_attribute("aria-valuetext")
    _wait_for_chart_text(page, f"^lr {re.escape(rate)}: ")
    page.screenshot(path=str(artifacts / "lr_dragging.png"))
    page.mouse.up()
    page.wait_for_url(re.compile(rf"lr1={re.escape(rate)}"))
    wait_for_app(page)
    assert page.locator(EXCEPTION).count() == 0
    assert not errors, errors


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
