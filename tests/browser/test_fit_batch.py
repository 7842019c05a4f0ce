"""Browser: the fit() and batch-size lessons open by deep link, draw their charts, the mock
exam plays epoch by epoch, nothing raises; screenshots in English, Korean and a narrow
window."""

from helpers import CHART, EXCEPTION, slider_value, wait_for_app, wait_for_slider, watch_console

from ui.lessons import by_key


def _open(page, app_url, key: str, lang: str, extra: str = "") -> None:
    page.goto(f"{app_url}/{by_key(key).url_path}?lang={lang}{extra}")
    wait_for_app(page, timeout=60_000)
    page.wait_for_selector(CHART, timeout=60_000)


def _screenshot(page, path, width: int = 1400) -> None:
    """The whole page (Streamlit scrolls inside its own container)."""
    height = page.evaluate(
        """() => { const m = document.querySelector('[data-testid="stMain"]');
                    return m ? m.scrollHeight : 1000; }"""
    )
    page.set_viewport_size({"width": width, "height": min(int(height) + 40, 6000)})
    page.wait_for_timeout(400)
    page.screenshot(path=str(path))
    page.set_viewport_size({"width": width, "height": 1000 if width > 600 else 900})


def test_fit_plays_the_mock_exam(page, app_url, artifacts):
    errors = watch_console(page)
    _open(page, app_url, "fit", "en")
    assert page.locator(EXCEPTION).count() == 0
    assert page.locator(CHART).count() >= 2
    page.get_by_role("button", name="Reset", exact=True).click()
    wait_for_slider(page, "Step shown", 0, 0)
    page.get_by_role("button", name="Play", exact=True).click()
    wait_for_slider(page, "Step shown", 3)
    page.get_by_role("button", name="Pause", exact=True).click()
    wait_for_app(page)
    assert slider_value(page, "Step shown") >= 3
    _screenshot(page, artifacts / "fit.png")
    assert page.locator(EXCEPTION).count() == 0

    _open(page, app_url, "fit", "ko", "&batch=1&epochs=12")
    assert page.locator(EXCEPTION).count() == 0
    page.get_by_role("button", name="처음으로", exact=True).click()
    wait_for_slider(page, "보고 있는 스텝", 0, 0)
    page.get_by_role("button", name="재생", exact=True).click()
    wait_for_slider(page, "보고 있는 스텝", 2)
    page.get_by_role("button", name="일시정지", exact=True).click()
    wait_for_app(page)
    _screenshot(page, artifacts / "fit_ko.png")
    assert page.locator(EXCEPTION).count() == 0
    assert not errors, errors


def test_batch_sweep(page, app_url, artifacts):
    errors = watch_console(page)
    _open(page, app_url, "batch", "en")
    assert page.locator(EXCEPTION).count() == 0
    assert page.locator(CHART).count() >= 5
    _screenshot(page, artifacts / "batch.png")
    _open(page, app_url, "batch", "ko", "&lr=0.3")
    assert page.locator(EXCEPTION).count() == 0
    _screenshot(page, artifacts / "batch_ko.png")
    assert not errors, errors
