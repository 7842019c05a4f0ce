"""Browser: the fit() and batch-size lessons open by deep link, draw their charts, the mock
exam plays epoch by epoch, nothing raises; screenshots in English, Korean and a narrow
window."""

from helpers import (
    CHART,
    CODE,
    EXCEPTION,
    full_screenshot,
    open_lesson,
    slider_value,
    wait_for_app,
    wait_for_slider,
    watch_console,
)


def test_fit_plays_the_mock_exam(page, app_url, artifacts):
    errors = watch_console(page)
    open_lesson(page, app_url, "fit", "en")
    assert page.locator(EXCEPTION).count() == 0
    assert page.locator(CHART).count() >= 2
    page.get_by_role("button", name="Reset", exact=True).click()
    wait_for_slider(page, "Step shown", 0, 0)
    page.get_by_role("button", name="Play", exact=True).click()
    wait_for_slider(page, "Step shown", 3)
    page.get_by_role("button", name="Pause", exact=True).click()
    wait_for_app(page)
    assert slider_value(page, "Step shown") >= 3
    full_screenshot(page, artifacts / "fit.png")
    assert page.locator(EXCEPTION).count() == 0

    open_lesson(page, app_url, "fit", "ko", "&batch=1&epochs=12")
    assert page.locator(EXCEPTION).count() == 0
    page.get_by_role("button", name="처음으로", exact=True).click()
    wait_for_slider(page, "보고 있는 스텝", 0, 0)
    page.get_by_role("button", name="재생", exact=True).click()
    wait_for_slider(page, "보고 있는 스텝", 2)
    page.get_by_role("button", name="일시정지", exact=True).click()
    wait_for_app(page)
    full_screenshot(page, artifacts / "fit_ko.png")
    assert page.locator(EXCEPTION).count() == 0
    assert not errors, errors


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
