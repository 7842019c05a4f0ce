"""Browser: the cross-validation lesson (B13, B14) opens by deep link on a fresh server with
its folds and the player beside them above the fold; the player counts rounds from 1 as the
round text does, every chart follows the round, a changed input starts the new run at
round 1; in Korean at 420 px; screenshots mid-play."""

import re

from helpers import CHART, EXCEPTION, wait_for_app, watch_console

from ui.lessons import by_key

KEY = "cv"
PLAYER = f".st-key-{KEY}_player .dl-player"
SIGNAL = f"{KEY}_frame"
CHARTS = 4  # the round's text, the fold curves, the points, the scores


def _open(page, app_url, lang: str, extra: str = "") -> None:
    page.goto(f"{app_url}/{by_key(KEY).url_path}?lang={lang}{extra}")
    wait_for_app(page, timeout=90_000)
    page.wait_for_selector(CHART, timeout=60_000)
    page.wait_for_selector(f"{PLAYER}[data-ready='true']", timeout=30_000)


def _frame(page) -> int:
    return int(page.locator(PLAYER).get_attribute("data-frame"))


def _wait_frame(page, low: int, high: int = 10**9, timeout: float = 20_000) -> None:
    page.wait_for_function(
        """([sel, low, high]) => { const p = document.querySelector(sel);
             const f = p ? Number(p.dataset.frame) : NaN; return f >= low && f <= high; }""",
        arg=[PLAYER, low, high],
        timeout=timeout,
    )


def _wait_charts_follow(page) -> None:
    """Every chart holding the player's param shows the player's frame."""
    page.wait_for_function(
        """([sel, name, n]) => { const f = Number(document.querySelector(sel).dataset.frame);
             const ins = [...document.querySelectorAll(`input[name='${name}']`)];
             return ins.length === n && ins.every((i) => Number(i.value) === f); }""",
        arg=[PLAYER, SIGNAL, CHARTS],
        timeout=10_000,
    )


def test_rounds_follow_the_player(browser, app_url, artifacts):
    context = browser.new_context(viewport={"width": 1400, "height": 900}, reduced_motion="reduce")
    page = context.new_page()
    errors = watch_console(page)
    _open(page, app_url, "en")
    assert page.locator(EXCEPTION).count() == 0
    assert page.locator(CHART).count() == CHARTS
    # round 1 of 5, numbered as the text numbers it
    assert _frame(page) == 0 and page.locator(PLAYER).get_attribute("data-playing") != "true"
    assert page.locator(f"{PLAYER} .dl-unit").inner_text() == "Round"
    assert page.locator(f"{PLAYER} .dl-number").inner_text() == "1"
    assert page.locator(f"{PLAYER} .dl-total").inner_text() == "5"
    _wait_charts_follow(page)
    # the folds and the player are above the fold at 1400 x 900
    folds = page.locator(CHART).first.bounding_box()  # the points (the left column)
    player = page.locator(PLAYER).bounding_box()
    assert folds["y"] + folds["height"] <= 900 and player["y"] + player["height"] <= 900
    assert player["x"] > folds["x"]

    page.locator(f"{PLAYER} .dl-forward").click()
    _wait_frame(page, 1, 1)
    assert page.locator(f"{PLAYER} .dl-number").inner_text() == "2"
    _wait_charts_follow(page)
    page.locator(f"{PLAYER} .dl-speed").select_option("2")
    page.get_by_role("button", name=re.compile("^Play")).click()
    _wait_frame(page, 2)
    assert page.locator(PLAYER).get_attribute("data-playing") == "true"
    page.screenshot(path=str(artifacts / f"{KEY}_playing.png"))
    _wait_frame(page, 4, 4)  # plays to the last round and stops there
    page.wait_for_selector(f"{PLAYER}[data-playing='false']", timeout=10_000)
    _wait_charts_follow(page)
    # keyboard: the arrow keys step once the player has focus
    page.locator(PLAYER).focus()
    page.keyboard.press("ArrowLeft")
    _wait_frame(page, 3, 3)

    # a changed input is a new run: the player starts over at round 1, the charts follow
    page.get_by_text("Forget to reset the model between folds").click()
    wait_for_app(page, timeout=90_000)
    _wait_frame(page, 0, 0, timeout=60_000)
    _wait_charts_follow(page)
    assert page.locator(EXCEPTION).count() == 0
    page.screenshot(path=str(artifacts / f"{KEY}.png"))
    assert not errors, errors
    context.close()


def test_korean_narrow_plays(browser, app_url, artifacts):
    context = browser.new_context(viewport={"width": 420, "height": 900}, reduced_motion="reduce")
    page = context.new_page()
    errors = watch_console(page)
    _open(page, app_url, "ko", "&noreset=true&k=4")
    assert page.locator(EXCEPTION).count() == 0
    assert page.locator(f"{PLAYER} .dl-unit").inner_text() == "회차"
    assert page.locator(f"{PLAYER} .dl-total").inner_text() == "4"
    page.locator(f"{PLAYER} .dl-speed").select_option("2")
    page.get_by_role("button", name=re.compile("^재생")).click()
    _wait_frame(page, 1)
    page.locator(PLAYER).scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts / f"{KEY}_ko_narrow_playing.png"))
    _wait_frame(page, 3, 3)
    page.wait_for_selector(f"{PLAYER}[data-playing='false']", timeout=10_000)
    _wait_charts_follow(page)
    assert page.locator(EXCEPTION).count() == 0
    assert not errors, errors
    context.close()
