"""Browser: the batch / mini-batch / SGD lesson (A9) opens by deep link on a fresh server,
draws the surface, readout, data and loss charts, and its player plays in the browser:
every chart follows the player's frame (one mini-batch), Play/Pause, step and Reset work
with no rerun, nothing raises; screenshots mid-play in English and Korean, at 1400 and
420 px, and one of a diverging SGD run."""

import re

from helpers import CHART, EXCEPTION, slider_value, wait_for_app, watch_console

from ui.lessons import by_key

URL_PATH = by_key("minibatch").url_path
PLAYER = ".st-key-mb_player .dl-player"


def _open(page, app_url, lang: str, extra: str = "") -> None:
    page.goto(f"{app_url}/{URL_PATH}?lang={lang}{extra}")
    wait_for_app(page, timeout=60_000)
    page.wait_for_selector(CHART, timeout=60_000)
    page.wait_for_selector(f"{PLAYER}[data-ready=true]", timeout=60_000)


def _frame(page) -> int:
    return int(page.locator(PLAYER).get_attribute("data-frame"))


def _chart_frames(page) -> list[int]:
    """The frame each chart holds (its hidden ``mb_frame`` input, which the player sets)."""
    return page.evaluate(
        """() => [...document.querySelectorAll('input[name="mb_frame"]')]
                   .map(input => Number(input.value))"""
    )


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


def _play_mid(page, play_name: str, at_least: int = 5) -> int:
    """Reset, play until the frame reaches ``at_least``, pause; every chart then shows the
    player's frame. Returns that frame."""
    player = page.locator(PLAYER)
    player.locator(".dl-reset").click()
    page.wait_for_function(f"() => document.querySelector('{PLAYER}').dataset.frame === '0'")
    play = player.locator(".dl-play")
    # Play is a button whose accessible name starts with "Play" / "재생"
    assert player.get_by_role("button", name=re.compile(f"^{play_name}")).count() == 1
    play.click()
    page.wait_for_function(
        f"() => Number(document.querySelector('{PLAYER}').dataset.frame) >= {at_least}",
        timeout=20_000,
    )
    play.click()  # pause mid-run
    page.wait_for_function(
        f"() => document.querySelector('{PLAYER}').dataset.playing === 'false'", timeout=5_000
    )
    frame = _frame(page)
    assert at_least <= frame < 100  # the default run has 100 mini-batches
    page.wait_for_timeout(400)
    frames = _chart_frames(page)
    assert len(frames) == 4 and set(frames) == {frame}, (frame, frames)
    return frame


def test_plays_in_both_languages(browser, app_url, artifacts):
    for lang, play_name in (("en", "Play"), ("ko", "재생")):
        for width in (1400, 420):
            context = browser.new_context(
                viewport={"width": width, "height": 900}, reduced_motion="reduce"
            )
            page = context.new_page()
            errors = watch_console(page)
            _open(page, app_url, lang)
            assert page.locator(EXCEPTION).count() == 0
            assert page.locator(CHART).count() == 4  # surface, readout, data, loss
            assert page.locator(PLAYER).get_attribute("data-playing") == "false"
            assert _frame(page) == 100  # reduced motion: the run shown complete, paused
            if width == 1400:  # the surface chart and its player above the fold
                for selector in (CHART, PLAYER):
                    box = page.locator(selector).first.bounding_box()
                    assert box["y"] + box["height"] <= 900, (selector, box)
            frame = _play_mid(page, play_name)
            # step forward and back in the browser: every chart follows
            page.locator(PLAYER).locator(".dl-forward").click()
            page.wait_for_timeout(300)
            assert _frame(page) == frame + 1 and set(_chart_frames(page)) == {frame + 1}
            page.locator(PLAYER).locator(".dl-back").click()
            page.wait_for_timeout(300)
            assert set(_chart_frames(page)) == {frame}
            page.screenshot(path=str(artifacts / f"minibatch_{lang}_{width}_fold.png"))
            _screenshot(page, artifacts / f"minibatch_{lang}_{width}.png", width)
            assert page.locator(EXCEPTION).count() == 0
            assert not errors, errors
            context.close()


def test_sgd_divergence(page, app_url, artifacts):
    _open(page, app_url, "en", "&lr=0.5")
    assert page.locator(EXCEPTION).count() == 0
    assert page.get_by_text("diverged at update").count() >= 1
    _screenshot(page, artifacts / "minibatch_diverged.png")


def test_click_places_the_start(browser, app_url):
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, reduced_motion="reduce")
    page = context.new_page()
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
    # a new run: the player stops on its last frame
    page.wait_for_function(
        f"() => document.querySelector('{PLAYER}').dataset.frame === '100'", timeout=20_000
    )
    context.close()
