"""Browser: the overfitting lesson (B4, B8, B9) and the train/validation/test lesson (B10,
B11) open by deep link, draw their charts, Play advances the boundary animation, nothing
raises; screenshots in English, Korean and a narrow window."""

from helpers import CHART, EXCEPTION, slider_value, wait_for_app, wait_for_slider, watch_console

from ui.lessons import by_key

FRAME_EN, FRAME_KO = "Step shown", "보고 있는 스텝"


def _open(page, app_url, key: str, lang: str, extra: str = "") -> None:
    page.goto(f"{app_url}/{by_key(key).url_path}?lang={lang}{extra}")
    wait_for_app(page, timeout=60_000)
    page.wait_for_selector(CHART, timeout=60_000)


def _screenshot(page, path, width: int = 1400) -> None:
    height = page.evaluate(
        """() => { const m = document.querySelector('[data-testid="stMain"]');
                    return m ? m.scrollHeight : 1000; }"""
    )
    page.set_viewport_size({"width": width, "height": min(int(height) + 40, 7000)})
    page.wait_for_timeout(500)
    page.screenshot(path=str(path))
    page.set_viewport_size({"width": width, "height": 1000 if width > 600 else 900})


def test_curves_plays(page, app_url, artifacts):
    errors = watch_console(page)
    _open(page, app_url, "curves", "en")
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
    _screenshot(page, artifacts / "curves.png")
    _open(page, app_url, "curves", "ko", "&units=2&layers=1")
    assert page.locator(EXCEPTION).count() == 0
    _screenshot(page, artifacts / "curves_ko.png")
    assert not errors, errors


def test_splits(page, app_url, artifacts):
    _open(page, app_url, "splits", "en")
    assert page.locator(EXCEPTION).count() == 0
    assert page.locator(CHART).count() >= 2
    assert page.get_by_text("every weight is identical").count() >= 1
    _screenshot(page, artifacts / "splits.png")
    _open(page, app_url, "splits", "ko")
    assert page.locator(EXCEPTION).count() == 0
    _screenshot(page, artifacts / "splits_ko.png")
