"""Browser: the batch / mini-batch / SGD lesson (A9) opens by deep link on a fresh server,
draws the surface, data and loss charts, Play advances the frame, nothing raises;
screenshots in English and Korean, one in a narrow window and one of a diverging SGD run."""

from helpers import CHART, EXCEPTION, slider_value, wait_for_app, wait_for_slider, watch_console

from ui.lessons import by_key

URL_PATH = by_key("minibatch").url_path


def _open(page, app_url, lang: str, extra: str = "") -> None:
    page.goto(f"{app_url}/{URL_PATH}?lang={lang}{extra}")
    wait_for_app(page, timeout=60_000)
    page.wait_for_selector(CHART, timeout=60_000)


def _screenshot(page, path, width: int = 1400) -> None:
    """The whole page: the window is made as tall as the content for the picture."""
    height = page.evaluate(
        """() => { const m = document.querySelector('[data-testid="stMain"]');
                    return m ? m.scrollHeight : 1000; }"""
    )
    page.set_viewport_size({"width": width, "height": min(int(height) + 40, 6000)})
    page.wait_for_timeout(800)
    page.screenshot(path=str(path))
    page.set_viewport_size({"width": width, "height": 1000 if width > 600 else 900})


def _play(page, frame_label, play, pause, reset, at_least=3):
    page.get_by_role("button", name=reset, exact=True).first.click()
    wait_for_slider(page, frame_label, 0, 0)
    page.get_by_role("button", name=play, exact=True).first.click()
    wait_for_slider(page, frame_label, at_least)
    page.get_by_role("button", name=pause, exact=True).first.click()
    wait_for_app(page)
    assert slider_value(page, frame_label) >= at_least


def test_plays_in_both_languages(page, app_url, artifacts):
    errors = watch_console(page)
    _open(page, app_url, "en")
    assert page.locator(EXCEPTION).count() == 0
    assert page.locator(CHART).count() >= 3  # surface, data, loss
    _play(page, "Step shown", "Play", "Pause", "Reset")
    _screenshot(page, artifacts / "minibatch.png")
    assert page.locator(EXCEPTION).count() == 0

    _open(page, app_url, "ko")
    assert page.locator(EXCEPTION).count() == 0
    _play(page, "보고 있는 스텝", "재생", "일시정지", "처음으로", at_least=2)
    _screenshot(page, artifacts / "minibatch_ko.png")
    assert page.locator(EXCEPTION).count() == 0
    assert not errors, errors


def test_sgd_divergence_and_narrow_window(page, app_url, artifacts):
    _open(page, app_url, "en", "&lr=0.5")
    assert page.locator(EXCEPTION).count() == 0
    assert page.get_by_text("diverged at update").count() >= 1
    _screenshot(page, artifacts / "minibatch_diverged.png")
    page.set_viewport_size({"width": 420, "height": 900})
    _open(page, app_url, "en")
    assert page.locator(EXCEPTION).count() == 0
    _screenshot(page, artifacts / "minibatch_narrow.png", width=420)


def test_click_places_the_start(page, app_url):
    _open(page, app_url, "en")
    assert slider_value(page, "Start w") == -1.0
    chart = page.locator(CHART).first
    chart.scroll_into_view_if_needed()
    box = chart.bounding_box()
    page.mouse.click(box["x"] + box["width"] * 0.5, box["y"] + box["height"] * 0.4)
    page.wait_for_function(
        """() => { const s = [...document.querySelectorAll('[data-testid="stSlider"]')]
                     .find(e => e.innerText.startsWith('Start w'));
                   return s && Number(s.querySelector('input[type=range]').value) > 0; }""",
        timeout=20_000,
    )
    wait_for_app(page)
    assert page.locator(EXCEPTION).count() == 0
