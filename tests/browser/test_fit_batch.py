"""Browser: the fit() and batch-size lessons open by deep link, draw their charts, the mock
exam plays epoch by epoch in the browser (every chart follows the player), nothing raises;
screenshots in English, Korean and a narrow window."""

from helpers import (
    CHART,
    CODE,
    EXCEPTION,
    PLAYER_ROOT,
    full_screenshot,
    open_lesson,
    play_some,
    player_frame,
    wait_for_app,
    watch_console,
)


def test_fit_plays_the_mock_exam(browser, app_url, artifacts):
    # reduced motion: the page opens paused on the last epoch instead of playing by itself
    context = browser.new_context(viewport={"width": 1400, "height": 900}, reduced_motion="reduce")
    page = context.new_page()
    errors = watch_console(page)
    open_lesson(page, app_url, "fit", "en")
    assert page.locator(EXCEPTION).count() == 0
    assert page.locator(CHART).count() >= 3
    root = page.locator(PLAYER_ROOT.format(key="fit"))
    root.wait_for(timeout=60_000)
    assert root.get_attribute("data-playing") == "false" and player_frame(page, "fit") == 30
    assert root.locator(".dl-play").inner_text().strip().endswith("Play")
    # the exam and its player are above the fold at 1400 x 900
    for selector in (PLAYER_ROOT.format(key="fit"), CHART):
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
    assert (
        page.locator(f"{PLAYER_ROOT.format(key='fit')} .dl-play")
        .inner_text()
        .strip()
        .endswith("재생")
    )
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
