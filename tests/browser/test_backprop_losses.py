"""Browser: the forward/backward lesson (B6) and the loss-function lesson (B7) open by deep
link on a fresh server, draw their charts, the players advance, nothing raises; screenshots
in English and Korean and in a narrow window."""

from helpers import (
    CHART,
    EXCEPTION,
    full_screenshot,
    open_lesson,
    wait_for_app,
    wait_for_slider,
    watch_console,
)

FRAME_EN, FRAME_KO = "Step shown", "보고 있는 스텝"


def test_backprop_steps_and_plays(page, app_url, artifacts):
    errors = watch_console(page)
    open_lesson(page, app_url, "backprop", "en")
    assert page.locator(EXCEPTION).count() == 0
    assert page.locator(CHART).count() >= 2
    assert page.locator(".katex").count() >= 1  # the formulas
    wait_for_slider(page, FRAME_EN, 0, 0)
    page.get_by_role("button", name="Step", exact=True).click()
    wait_for_slider(page, FRAME_EN, 1, 1)
    page.get_by_role("button", name="Play", exact=True).click()
    wait_for_slider(page, FRAME_EN, 6, 6)  # plays to the update stage and stops
    page.get_by_role("button", name="Play", exact=True).wait_for(timeout=20_000)
    wait_for_app(page)
    full_screenshot(page, artifacts / "backprop.png")
    assert page.locator(EXCEPTION).count() == 0

    open_lesson(page, app_url, "backprop", "ko", "&act=sigmoid&loss=mse")
    page.get_by_role("button", name="처음으로", exact=True).click()
    wait_for_slider(page, FRAME_KO, 0, 0)
    for k in range(1, 6):
        page.get_by_role("button", name="한 걸음", exact=True).click()
        wait_for_slider(page, FRAME_KO, k, k)
    wait_for_app(page)
    full_screenshot(page, artifacts / "backprop_ko.png")
    assert page.locator(EXCEPTION).count() == 0
    assert not errors, errors
