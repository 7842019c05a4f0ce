"""Browser: the overfitting lesson (B4, B8, B9) and the train/validation/test lesson (B10,
B11) open by deep link, draw their charts, Play advances the boundary animation, nothing
raises; screenshots in English, Korean and a narrow window."""

from helpers import (
    CHART,
    EXCEPTION,
    full_screenshot,
    open_lesson,
    slider_value,
    wait_for_app,
    wait_for_slider,
    watch_console,
)

FRAME_EN, FRAME_KO = "Step shown", "보고 있는 스텝"


def test_curves_plays(page, app_url, artifacts):
    errors = watch_console(page)
    open_lesson(page, app_url, "curves", "en")
    assert page.locator(EXCEPTION).count() == 0
    assert page.locator(CHART).count() >= 2
    page.get_by_role("button", name="Reset", exact=True).click()
    wait_for_slider(page, FRAME_EN, 0, 0)
    page.get_by_role("button", name="Play", exact=True).click()
    wait_for_slider(page, FRAME_EN, 3)
    page.get_by_role("button", name="Pause", exact=True).click()
    page.get_by_role("button", name="Play", exact=True).wait_for(timeout=20_000)
    wait_for_app(page)
    assert slider_value(page, FRAME_EN) >= 3
    full_screenshot(page, artifacts / "curves.png")
    open_lesson(page, app_url, "curves", "ko", "&units=2&layers=1")
    assert page.locator(EXCEPTION).count() == 0
    full_screenshot(page, artifacts / "curves_ko.png")
    assert not errors, errors


def test_splits(page, app_url, artifacts):
    open_lesson(page, app_url, "splits", "en")
    assert page.locator(EXCEPTION).count() == 0
    assert page.locator(CHART).count() >= 2
    assert page.get_by_text("every weight is identical").count() >= 1
    full_screenshot(page, artifacts / "splits.png")
    open_lesson(page, app_url, "splits", "ko")
    assert page.locator(EXCEPTION).count() == 0
    full_screenshot(page, artifacts / "splits_ko.png")
