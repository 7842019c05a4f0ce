"""Browser: the validation lessons (early stopping, cross-validation, remedies for
overfitting) open by deep link, draw their charts, Play advances the frame, nothing raises;
screenshots in English and Korean and one in a narrow window."""

import pytest
from helpers import CHART, EXCEPTION, slider_value, wait_for_app, wait_for_slider, watch_console

from ui.lessons import by_key

# (lesson key, the slider the player scrubs, in English and Korean)
PAGES = [("early", "Step shown", "보고 있는 스텝"), ("cv", "Step shown", "보고 있는 스텝")]


# extra URL values for the Korean visit, so the second screenshot shows another state
KO_PARAMS = {"cv": "&noreset=true"}


def _open(page, app_url, key: str, lang: str, extra: str = "") -> None:
    page.goto(f"{app_url}/{by_key(key).url_path}?lang={lang}{extra}")
    wait_for_app(page, timeout=60_000)
    page.wait_for_selector(CHART, timeout=60_000)


def _screenshot(page, path, width: int = 1400) -> None:
    """The whole page: Streamlit scrolls inside its own container, so the window is made as
    tall as the content for the picture, then put back."""
    height = page.evaluate(
        """() => { const m = document.querySelector('[data-testid="stMain"]');
                    return m ? m.scrollHeight : 1000; }"""
    )
    page.set_viewport_size({"width": width, "height": min(int(height) + 40, 6000)})
    page.wait_for_timeout(400)
    page.screenshot(path=str(path))
    page.set_viewport_size({"width": width, "height": 1000 if width > 600 else 900})


@pytest.mark.parametrize(("key", "frame_en", "frame_ko"), PAGES, ids=[p[0] for p in PAGES])
def test_page_plays_in_both_languages(page, app_url, artifacts, key, frame_en, frame_ko):
    errors = watch_console(page)
    _open(page, app_url, key, "en")
    assert page.locator(EXCEPTION).count() == 0
    assert page.locator(CHART).count() >= 2
    page.get_by_role("button", name="Reset", exact=True).click()
    wait_for_slider(page, frame_en, 0, 0)
    page.get_by_role("button", name="Play", exact=True).click()
    wait_for_slider(page, frame_en, 3)
    page.get_by_role("button", name="Pause", exact=True).click()
    wait_for_app(page)
    assert slider_value(page, frame_en) >= 3
    _screenshot(page, artifacts / f"{key}.png")
    assert page.locator(EXCEPTION).count() == 0

    _open(page, app_url, key, "ko", KO_PARAMS.get(key, ""))
    assert page.locator(EXCEPTION).count() == 0
    page.get_by_role("button", name="처음으로", exact=True).click()
    wait_for_slider(page, frame_ko, 0, 0)
    page.get_by_role("button", name="재생", exact=True).click()
    wait_for_slider(page, frame_ko, 2)
    page.get_by_role("button", name="일시정지", exact=True).click()
    wait_for_app(page)
    _screenshot(page, artifacts / f"{key}_ko.png")
    assert page.locator(EXCEPTION).count() == 0
    assert not errors, errors


@pytest.mark.parametrize("key", [p[0] for p in PAGES])
def test_narrow_window(page, app_url, artifacts, key):
    page.set_viewport_size({"width": 420, "height": 900})
    _open(page, app_url, key, "en")
    assert page.locator(EXCEPTION).count() == 0
    _screenshot(page, artifacts / f"{key}_narrow.png", width=420)
