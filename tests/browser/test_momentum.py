"""Browser: the momentum lesson (A5) opens by deep link on a fresh server, draws its charts,
each demo's browser-side player plays, μ redraws the run while its slider is dragged (no
rerun until it is let go), a click on the other tab builds that demo and keeps it in the URL
while the first demo's settings survive the round trip, nothing raises; screenshots in
English (both demos, mid-play), Korean and a narrow window (``test-artifacts/momentum*``)."""

import re

from helpers import (
    CHART,
    EXCEPTION,
    full_screenshot,
    slider_value,
    wait_for_app,
    wait_for_slider,
    watch_console,
)

from lessons.momentum import LIVE_MOMENTA
from ui.lessons import by_key

URL_PATH = by_key("momentum").url_path
RAVINE_TAB = "2. Damping the zig-zag in a ravine"
CHARTS_PER_DEMO = 4  # surface, frame readout, loss (ravine: |y|), sweep over μ


def _open(page, app_url, lang: str, extra: str = "") -> None:
    page.goto(f"{app_url}/{URL_PATH}?lang={lang}{extra}")
    wait_for_app(page, timeout=60_000)
    page.wait_for_selector(CHART, timeout=60_000)


def _open_tab(page, name: str) -> None:
    page.get_by_role("tab", name=name).click()
    page.wait_for_timeout(300)  # the click's rerun starts
    wait_for_app(page)
    page.wait_for_selector(CHART, timeout=30_000)


def _player(page, key: str):
    box = page.locator(f".st-key-{key}_player .dl-player")
    box.and_(page.locator('[data-ready="true"]')).wait_for(timeout=30_000)
    return box


def _frame(page, key: str) -> int:
    return int(_player(page, key).get_attribute("data-frame"))


def _play(page, key: str, at_least: int) -> None:
    """Reset the player, play until its frame reaches ``at_least``, pause: all in the
    browser, the script does not run."""
    box = _player(page, key)
    box.locator(".dl-reset").click()
    assert _frame(page, key) == 0
    play = box.locator(".dl-play")
    assert play.inner_text().strip().endswith("Play") or "재생" in play.inner_text()
    play.click()
    page.wait_for_function(
        """([key, n]) => Number(document.querySelector(`.st-key-${key}_player .dl-player`)
                                  .dataset.frame) >= n""",
        arg=[key, at_least],
        timeout=20_000,
    )
    play.click()  # pause
    assert box.get_attribute("data-playing") == "false"
    assert _frame(page, key) >= at_least


def _signals(page, name: str) -> list[float]:
    """The values of every chart's hidden input for the Vega param ``name``."""
    return page.evaluate(
        '(n) => [...document.querySelectorAll(`input[name="${n}"]`)].map(i => Number(i.value))',
        name,
    )


def test_momentum_page(page, app_url, artifacts):
    errors = watch_console(page)
    _open(page, app_url, "en")
    assert page.locator(EXCEPTION).count() == 0
    assert page.locator(CHART).count() == CHARTS_PER_DEMO  # the first demo's
    _play(page, "mom", at_least=16)  # mid-run: the ball is climbing out of the dip
    assert set(_signals(page, "mom_frame")) == {_frame(page, "mom")}  # every chart follows
    assert page.locator(EXCEPTION).count() == 0
    full_screenshot(page, artifacts / "momentum.png", 1400)

    _open_tab(page, RAVINE_TAB)
    assert "demo=ravine" in page.url  # a link from here opens the ravine
    assert page.locator(".st-key-mom_player").count() == 0  # the first demo is not built
    assert page.locator(CHART).count() == CHARTS_PER_DEMO
    _play(page, "rav", at_least=8)
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
    _play(page, "rav", at_least=8)
    full_screenshot(page, artifacts / "momentum_ravine_ko.png", 1400)
    _open_tab(page, "1. 지역 최솟값에서 굴러 나오기")
    assert page.get_by_text("네스테로프가 여기서 뒤처지는 이유").count() >= 1
    assert "demo=" not in page.url
    _play(page, "mom", at_least=16)
    full_screenshot(page, artifacts / "momentum_ko.png", 1400)

    page.set_viewport_size({"width": 420, "height": 900})
    _open(page, app_url, "en")
    assert page.locator(EXCEPTION).count() == 0
    _play(page, "mom", at_least=16)
    full_screenshot(page, artifacts / "momentum_narrow.png", 420)
    assert not errors, errors


def test_dragging_mu_redraws_the_run_without_the_server(page, app_url):
    """While μ's thumb is held, every chart switches to the run of the μ under it (the
    script does not run); letting go commits it to the URL with one rerun."""
    errors = watch_console(page)
    _open(page, app_url, "en")
    _play(page, "mom", at_least=30)
    frame = _frame(page, "mom")
    start = LIVE_MOMENTA.index(0.9)
    assert set(_signals(page, "mom_run")) == {start}
    # Streamlit's slider: a hidden range input inside the thumb, inside the track
    thumb = page.locator('.st-key-mu input[type="range"]').locator("xpath=../..")
    box = thumb.bounding_box()
    track = thumb.locator("xpath=..").bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.down()
    # about a third of the way along: μ 0.35 or so, well below 0.9
    page.mouse.move(track["x"] + 0.3 * track["width"], box["y"] + box["height"] / 2, steps=8)
    page.wait_for_function(
        "(i) => [...document.querySelectorAll('input[name=\"mom_run\"]')].every("
        "e => Number(e.value) < i)",
        arg=start - 10,
        timeout=10_000,
    )
    held = _signals(page, "mom_run")
    assert len(set(held)) == 1 and len(held) >= 3  # every chart shows the same run
    state = page.get_attribute('[data-testid="stApp"]', "data-test-script-state")
    assert state == "notRunning"  # dragging reran nothing
    assert "mu=" not in page.url
    assert _frame(page, "mom") == frame  # the step shown stays
    page.mouse.up()
    page.wait_for_url(re.compile(r"mu=0\.\d+"), timeout=20_000)
    wait_for_app(page)
    mu = float(re.search(r"mu=(0\.\d+)", page.url).group(1))
    page.wait_for_function(
        "(i) => [...document.querySelectorAll('input[name=\"mom_run\"]')].every("
        "e => Number(e.value) === i)",
        arg=LIVE_MOMENTA.index(mu),
        timeout=20_000,
    )
    assert f"**Momentum {mu:g}**".strip("*") in page.inner_text("body")
    assert page.locator(EXCEPTION).count() == 0
    assert not errors, errors


def test_a_demo_keeps_its_settings_while_the_other_is_open(page, app_url):
    _open(page, app_url, "en", "&mu=0.5&rmu=0.8")
    assert slider_value(page, "Momentum μ") == LIVE_MOMENTA.index(0.5)
    _open_tab(page, RAVINE_TAB)
    assert slider_value(page, "Momentum μ") == LIVE_MOMENTA.index(0.8)  # the ravine's own
    _open_tab(page, "1. Rolling out of a local minimum")
    assert slider_value(page, "Momentum μ") == LIVE_MOMENTA.index(0.5)
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
