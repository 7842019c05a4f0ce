"""Browser: the fit() and batch-size lessons open by deep link, draw their charts, the mock
exam plays epoch by epoch in the browser (every chart follows the player), nothing raises;
screenshots in English, Korean and a narrow window."""

from helpers import (
    CHART,
    CODE,
    EXCEPTION,
    full_screenshot,
    open_lesson,
    wait_for_app,
    watch_console,
)

# The player (ui/player.html): its root carries data-frame / data-playing / data-ready.
ROOT = ".st-key-{key}_player .dl-player"
CHART_FRAMES_JS = """(key) => [...document.querySelectorAll(`input[name="${key}_frame"]`)]
  .map((input) => Number(input.value))"""


def frame(page, key: str) -> int:
    return int(page.locator(ROOT.format(key=key)).get_attribute("data-frame"))


def play_some(page, key: str, at_least: int) -> None:
    """Reset, play until frame ``at_least``, pause; every chart then shows the player's frame."""
    root = ROOT.format(key=key)
    page.wait_for_selector(f"{root}[data-ready]", timeout=60_000)
    page.locator(f"{root} .dl-reset").click()
    page.wait_for_function(
        f"() => document.querySelector('{root}').dataset.frame === '0'", timeout=20_000
    )
    page.locator(f"{root} .dl-play").click()
    page.wait_for_function(
        f"() => Number(document.querySelector('{root}').dataset.frame) >= {at_least}",
        timeout=20_000,
    )
    page.locator(f"{root} .dl-play").click()  # pause
    page.wait_for_function(
        f"() => document.querySelector('{root}').dataset.playing === 'false'", timeout=20_000
    )
    shown = frame(page, key)
    assert shown >= at_least
    charts = page.evaluate(CHART_FRAMES_JS, key)
    assert len(charts) >= 3 and set(charts) == {shown}, (charts, shown)


def test_fit_plays_the_mock_exam(browser, app_url, artifacts):
    # reduced motion: the page opens paused on the last epoch instead of playing by itself
    context = browser.new_context(viewport={"width": 1400, "height": 900}, reduced_motion="reduce")
    page = context.new_page()
    errors = watch_console(page)
    open_lesson(page, app_url, "fit", "en")
    assert page.locator(EXCEPTION).count() == 0
    assert page.locator(CHART).count() >= 3
    root = page.locator(ROOT.format(key="fit"))
    root.wait_for(timeout=60_000)
    assert root.get_attribute("data-playing") == "false" and frame(page, "fit") == 30
    assert root.locator(".dl-play").inner_text().strip().endswith("Play")
    # the exam and its player are above the fold at 1400 x 900
    for selector in (ROOT.format(key="fit"), CHART):
        box = page.locator(selector).first.bounding_box()
        assert box is not None and box["y"] + box["height"] <= 900, (selector, box)
    play_some(page, "fit", 3)
    full_screenshot(page, artifacts / "fit.png")
    assert page.locator(EXCEPTION).count() == 0

    open_lesson(page, app_url, "fit", "ko", "&batch=1&epochs=12")
    assert page.locator(EXCEPTION).count() == 0
    page.wait_for_function(
        "() => document.querySelector('.st-key-fit_player .dl-player').dataset.frame === '12'",
        timeout=30_000,
    )  # a new run: the player stops on its last epoch
    assert page.locator(f"{ROOT.format(key='fit')} .dl-play").inner_text().strip().endswith("재생")
    play_some(page, "fit", 2)
    wait_for_app(page)
    full_screenshot(page, artifacts / "fit_ko.png")
    full_screenshot(page, artifacts / "fit_ko_narrow.png", width=420)
    assert page.locator(EXCEPTION).count() == 0
    assert not errors, errors
    context.close()


def test_batch_sweep(page, app_url, artifacts):
    errors = watch_console(page)
    open_lesson(page, app_url, "batch", "en")
    assert page.locator(EXCEPTION).count() == 0
    assert page.locator(CHART).count() >= 5
    full_screenshot(page, artifacts / "batch.png")
    # the Keras code is built only when its expander opens: a click reruns the page with it
    assert page.locator(CODE).count() == 0
    page.get_by_text("Keras code for this run", exact=True).click()
    code = page.locator(CODE).first
    code.wait_for(timeout=30_000)
    assert "histories[batch_size] = model.fit(x, y, batch_size=batch_size" in code.inner_text()
    open_lesson(page, app_url, "batch", "ko", "&lr=0.3")
    assert page.locator(EXCEPTION).count() == 0
    full_screenshot(page, artifacts / "batch_ko.png")
    assert not errors, errors
