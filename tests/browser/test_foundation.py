"""Browser: the gradient-descent lesson opened by deep link as the first request of a fresh
server draws its chart, Play advances the frame, and nothing raises; the home page links
every lesson in the sidebar and keeps the language; a click on the surface places the ball."""

import re

from helpers import (
    CHART,
    EXCEPTION,
    PLAYER,
    wait_for_app,
    wait_for_frame,
    wait_for_slider,
    watch_console,
)

from ui.lessons import available


def test_deep_link_first_on_fresh_server(page, app_url, artifacts):
    errors = watch_console(page)
    page.goto(f"{app_url}/gradient_descent?lang=en")  # the server's first page request
    wait_for_app(page)
    page.wait_for_selector(CHART, timeout=30_000)
    assert page.locator(EXCEPTION).count() == 0
    # pages-directory mode ran this page's own sidebar: the translated lesson links (drawn
    # at the end of the page's script, so they may arrive after the chart)
    nav = page.locator('[data-testid="stSidebar"] [data-testid="stPageLink"]')
    nav.nth(len(available())).wait_for(timeout=30_000)
    assert nav.count() == len(available()) + 1
    page.wait_for_selector(PLAYER, timeout=30_000)
    page.get_by_role("button", name="Reset", exact=True).click()
    wait_for_frame(page, "gd", 0, 0)
    page.get_by_role("button", name="Play", exact=True).click()
    wait_for_frame(page, "gd", 6)
    page.get_by_role("button", name="Pause").click()
    page.screenshot(path=str(artifacts / "gd_playing.png"))
    assert page.locator(EXCEPTION).count() == 0
    assert not errors, errors


def test_language_survives_navigation(page, app_url, artifacts):
    page.goto(f"{app_url}/?lang=ko")
    wait_for_app(page)
    assert "강의 목록" in page.inner_text("body")
    page.locator('[data-testid="stSidebar"] [data-testid="stPageLink"]').nth(1).click()
    wait_for_app(page)
    page.wait_for_selector(CHART, timeout=30_000)
    assert "lang=ko" in page.url
    assert "경사 하강법" in page.inner_text("body")
    page.screenshot(path=str(artifacts / "gd_ko.png"))


def test_click_on_the_surface_places_the_ball(page, app_url):
    page.goto(f"{app_url}/gradient_descent?lang=en&surface=bowl")
    wait_for_app(page)
    chart = page.locator(CHART).first
    chart.wait_for(timeout=30_000)
    page.wait_for_timeout(500)  # let vega attach its event handlers
    # the plot area starts at the root group's offset inside the svg (right of the y axis)
    offset = page.evaluate(
        """() => document.querySelector('[data-testid="stVegaLiteChart"] svg g[transform]')
                         .getAttribute('transform')"""
    )
    tx, ty = (float(v) for v in re.findall(r"[-\d.]+", offset))
    box = chart.locator("svg").first.bounding_box()
    # 110 px right and down from the plot's top-left corner of the 400 x 400 plot over
    # [-3, 3] x [-3, 3]: x = -1.35, y = 1.35, the centre of a cell of the 20 x 20 grid
    page.mouse.click(box["x"] + tx + 110, box["y"] + ty + 110)
    wait_for_slider(page, "Start x", -1.36, -1.34)
    wait_for_slider(page, "Start y", 1.34, 1.36)
    assert page.locator(EXCEPTION).count() == 0
