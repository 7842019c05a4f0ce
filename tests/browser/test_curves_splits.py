"""Browser: the overfitting lesson (B4, B8, B9), early stopping (B12) and the
train/validation/test lesson (B10, B11) open by deep link, draw their charts, the boundary
animations play in the browser with every chart on the player's epoch, nothing raises;
screenshots in English, Korean and a narrow window."""

from helpers import (
    CHART,
    EXCEPTION,
    PLAYER_ROOT,
    chart_frames,
    full_screenshot,
    open_lesson,
    play_some,
    player_frame,
    watch_console,
)


def open_paused(browser, width: int = 1400):
    """A page that asks for reduced motion: a lesson opens paused on its last frame."""
    context = browser.new_context(viewport={"width": width, "height": 900}, reduced_motion="reduce")
    return context, context.new_page()


def above_the_fold(page, key: str) -> None:
    """The first chart (the boundary) and the player fit in the first 900 pixels."""
    for selector in (PLAYER_ROOT.format(key=key), CHART):
        box = page.locator(selector).first.bounding_box()
        assert box is not None and box["y"] + box["height"] <= 900, (selector, box)


def test_curves_plays(browser, app_url, artifacts):
    context, page = open_paused(browser)
    errors = watch_console(page)
    open_lesson(page, app_url, "curves", "en")
    assert page.locator(EXCEPTION).count() == 0
    assert page.locator(CHART).count() >= 3
    page.wait_for_selector(f"{PLAYER_ROOT.format(key='curves')}[data-ready]", timeout=60_000)
    assert player_frame(page, "curves") == 150  # paused on the last epoch
    above_the_fold(page, "curves")
    play_some(page, "curves", 3)
    full_screenshot(page, artifacts / "curves.png")
    open_lesson(page, app_url, "curves", "ko", "&units=2&layers=1")
    assert page.locator(EXCEPTION).count() == 0
    page.wait_for_function(
        "() => document.querySelector('.st-key-curves_player .dl-player').dataset.frame === '150'",
        timeout=30_000,
    )  # a new run: the player stops on its last epoch
    play_some(page, "curves", 2)
    full_screenshot(page, artifacts / "curves_ko.png")
    full_screenshot(page, artifacts / "curves_ko_narrow.png", width=420)
    assert not errors, errors
    context.close()


def test_early_stopping_plays(browser, app_url, artifacts):
    context, page = open_paused(browser)
    errors = watch_console(page)
    open_lesson(page, app_url, "early", "en")
    assert page.locator(EXCEPTION).count() == 0
    assert page.locator(CHART).count() >= 3
    page.wait_for_selector(f"{PLAYER_ROOT.format(key='early')}[data-ready]", timeout=60_000)
    assert player_frame(page, "early") == 60
    above_the_fold(page, "early")
    play_some(page, "early", 3)
    # keyboard: the arrow keys step the paused player
    shown = player_frame(page, "early")
    page.locator(f"{PLAYER_ROOT.format(key='early')} .dl-scrub").focus()
    page.keyboard.press("ArrowLeft")
    page.wait_for_function(
        f"() => document.querySelector('.st-key-early_player .dl-player').dataset.frame"
        f" === '{shown - 1}'",
        timeout=10_000,
    )
    assert set(chart_frames(page, "early")) == {shown - 1}
    full_screenshot(page, artifacts / "early.png")
    open_lesson(page, app_url, "early", "ko", "&monitor=val_accuracy")
    assert page.locator(EXCEPTION).count() == 0
    play_some(page, "early", 2)
    full_screenshot(page, artifacts / "early_ko.png")
    full_screenshot(page, artifacts / "early_ko_narrow.png", width=420)
    assert not errors, errors
    context.close()


def test_splits(page, app_url, artifacts):
    open_lesson(page, app_url, "splits", "en")
    assert page.locator(EXCEPTION).count() == 0
    assert page.locator(CHART).count() >= 2
    assert page.get_by_text("every weight is identical").count() >= 1
    full_screenshot(page, artifacts / "splits.png")
    open_lesson(page, app_url, "splits", "ko")
    assert page.locator(EXCEPTION).count() == 0
    full_screenshot(page, artifacts / "splits_ko.png")
