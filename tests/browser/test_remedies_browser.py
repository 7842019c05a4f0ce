"""Browser: the remedies-for-overfitting lesson (B15) opens by deep link on a fresh server,
draws its curves and boundary panels, Play advances the frame, nothing raises; screenshots
in English, in Korean (another state) and in a narrow window."""

from helpers import CHART, EXCEPTION, slider_value, wait_for_app, wait_for_slider, watch_console

from ui.lessons import by_key

KEY = "remedies"
FRAME_EN, FRAME_KO = "Step shown", "보고 있는 스텝"


def _open(page, app_url, lang: str, extra: str = "") -> None:
    page.goto(f"{app_url}/{by_key(KEY).url_path}?lang={lang}{extra}")
    wait_for_app(page, timeout=60_000)
    page.wait_for_selector(CHART, timeout=60_000)


def _screenshot(page, path, width: int = 1400) -> None:
    """The whole page (Streamlit scrolls inside its own container, so the window is made as
    tall as the content for the picture, then put back)."""
    height = page.evaluate(
        """() => { const m = document.querySelector('[data-testid="stMain"]');
                    return m ? m.scrollHeight : 1000; }"""
    )
    page.set_viewport_size({"width": width, "height": min(int(height) + 40, 7000)})
    page.wait_for_timeout(500)
    page.screenshot(path=str(path))
    page.set_viewport_size({"width": width, "height": 1000 if width > 600 else 900})


def test_plays_in_both_languages(page, app_url, artifacts):
    errors = watch_console(page)
    _open(page, app_url, "en")
    assert page.locator(EXCEPTION).count() == 0
    # the five networks' curves (one chart) and their five boundary panels (one chart)
    assert page.locator(CHART).count() == 2
    page.get_by_role("button", name="Reset", exact=True).click()
    wait_for_slider(page, FRAME_EN, 0, 0)
    page.get_by_role("button", name="Play", exact=True).click()
    wait_for_slider(page, FRAME_EN, 3)
    page.get_by_role("button", name="Pause", exact=True).click()
    page.get_by_role("button", name="Play", exact=True).wait_for(timeout=20_000)
    wait_for_app(page)
    assert slider_value(page, FRAME_EN) >= 3
    assert page.get_by_text("narrowed the gap most").count() >= 1
    _screenshot(page, artifacts / f"{KEY}.png")
    assert page.locator(EXCEPTION).count() == 0

    # Korean, with two remedies off and a stronger dropout: another state of the page
    _open(page, app_url, "ko", "&batchnorm=false&l2=false&rate=0.5")
    assert page.locator(EXCEPTION).count() == 0
    assert page.locator(CHART).count() == 2  # three networks: curves and boundaries
    page.get_by_role("button", name="처음으로", exact=True).click()
    wait_for_slider(page, FRAME_KO, 0, 0)
    page.get_by_role("button", name="재생", exact=True).click()
    wait_for_slider(page, FRAME_KO, 2)
    page.get_by_role("button", name="일시정지", exact=True).click()
    page.get_by_role("button", name="재생", exact=True).wait_for(timeout=20_000)
    wait_for_app(page)
    _screenshot(page, artifacts / f"{KEY}_ko.png")
    assert page.locator(EXCEPTION).count() == 0
    assert not errors, errors
