"""Browser: the momentum lesson (A5) opens by deep link on a fresh server, draws its charts,
Play advances each demo's player, a click on the other tab builds that demo and keeps it in
the URL while the first demo's settings survive the round trip, nothing raises; screenshots
in English (both demos), Korean and a narrow window (``test-artifacts/momentum*``)."""

import re

from helpers import (
    CHART,
    EXCEPTION,
    full_screenshot,
    play_player,
    slider_value,
    wait_for_app,
    wait_for_slider,
    watch_console,
)

from ui.lessons import by_key

URL_PATH = by_key("momentum").url_path
RAVINE_TAB = "2. Damping the zig-zag in a ravine"


def _open(page, app_url, lang: str, extra: str = "") -> None:
    page.goto(f"{app_url}/{URL_PATH}?lang={lang}{extra}")
    wait_for_app(page, timeout=60_000)
    page.wait_for_selector(CHART, timeout=60_000)


def _open_tab(page, name: str) -> None:
    page.get_by_role("tab", name=name).click()
    page.wait_for_timeout(300)  # the click's rerun starts
    wait_for_app(page)
    page.wait_for_selector(CHART, timeout=30_000)


def test_momentum_page(page, app_url, artifacts):
    errors = watch_console(page)
    _open(page, app_url, "en")
    assert page.locator(EXCEPTION).count() == 0
    assert page.locator(CHART).count() == 3  # surface, loss, sweep strip: the first demo's
    play_player(page, "mom", at_least=16)  # mid-run: the ball is climbing out of the dip
    assert page.locator(EXCEPTION).count() == 0
    full_screenshot(page, artifacts / "momentum.png", 1400)

    _open_tab(page, RAVINE_TAB)
    assert "demo=ravine" in page.url  # a link from here opens the ravine
    assert page.locator(".st-key-mom_play_btn").count() == 0  # the first demo is not built
    play_player(page, "rav", at_least=8)
    assert page.locator(EXCEPTION).count() == 0
    full_screenshot(page, artifacts / "momentum_ravine.png", 1400)

    _open(page, app_url, "ko", "&demo=ravine")
    assert page.locator(EXCEPTION).count() == 0
    assert (
        page.get_by_role("tab", name="2. 좁은 골짜기에서 지그재그 줄이기").get_attribute(
            "aria-selected"
        )
        == "true"
    )
    full_screenshot(page, artifacts / "momentum_ravine_ko.png", 1400)
    _open_tab(page, "1. 지역 최솟값에서 굴러 나오기")
    assert page.get_by_text("네스테로프가 여기서 뒤처지는 이유").count() >= 1
    assert "demo=" not in page.url
    full_screenshot(page, artifacts / "momentum_ko.png", 1400)

    page.set_viewport_size({"width": 420, "height": 900})
    _open(page, app_url, "en")
    assert page.locator(EXCEPTION).count() == 0
    full_screenshot(page, artifacts / "momentum_narrow.png", 420)
    assert not errors, errors


def test_a_demo_keeps_its_settings_while_the_other_is_open(page, app_url):
    _open(page, app_url, "en", "&mu=0.5&rmu=0.8")
    assert slider_value(page, "Momentum μ") == 0.5
    _open_tab(page, RAVINE_TAB)
    assert slider_value(page, "Momentum μ") == 0.8  # the ravine's own momentum
    _open_tab(page, "1. Rolling out of a local minimum")
    assert slider_value(page, "Momentum μ") == 0.5
    assert "mu=0.5" in page.url
    assert page.locator(EXCEPTION).count() == 0


def test_click_on_the_surface_places_the_start(page, app_url):
    """The two-valleys chart (the page's first): a click moves the start there and the
    statement follows the new run."""
    _open(page, app_url, "en")
    page.wait_for_timeout(500)  # let vega attach its event handlers
    chart = page.locator(CHART).first
    chart.scroll_into_view_if_needed()
    page.wait_for_timeout(300)
    offset = page.evaluate(
        """() => document.querySelector('[data-testid="stVegaLiteChart"] svg g[transform]')
                         .getAttribute('transform')"""
    )
    tx, ty = (float(v) for v in re.findall(r"[-\d.]+", offset))
    box = chart.locator("svg").first.bounding_box()
    # the plot is 400 x 320 px over [-5, 5] x [-4, 4] under a 20 x 20 click grid (cells
    # 0.5 x 0.4): 290 px right of the y axis is x = 2.25, a cell centre, right of both wells
    page.mouse.click(box["x"] + tx + 290, box["y"] + ty + 100)
    wait_for_slider(page, "Start x", 2.24, 2.26)
    wait_for_app(page)
    y = slider_value(page, "Start y")
    assert 1.0 < y < 2.0
    assert "even GD reaches the global minimum" in page.inner_text("body")
    assert page.locator(EXCEPTION).count() == 0
