"""Browser: the remedies-for-overfitting lesson (B15) opens by deep link on a fresh server,
draws its boundaries (a chart per network) with the player beside them above the fold, and
the browser player plays, pauses, steps and resets the epochs in every chart (no rerun); in
Korean, in another state, and in a narrow window; screenshots mid-play."""

import re

from helpers import CHART, EXCEPTION, wait_for_app, watch_console

from ui.lessons import by_key

KEY = "remedies"
PLAYER = f".st-key-{KEY}_player .dl-player"
SIGNAL = f"{KEY}_frame"
LAST = 100  # the default run's epochs: frames 0 (before training) .. 100
NETWORKS = 5  # the baseline and a network per remedy, all switched on by default
# a chart per network's boundaries, the frame's line, a chart per network's curves
CHARTS = 2 * NETWORKS + 1


def _open(page, app_url, lang: str, extra: str = "") -> None:
    page.goto(f"{app_url}/{by_key(KEY).url_path}?lang={lang}{extra}")
    wait_for_app(page, timeout=90_000)
    page.wait_for_selector(CHART, timeout=60_000)
    page.wait_for_selector(f"{PLAYER}[data-ready='true']", timeout=30_000)


def _frame(page) -> int:
    return int(page.locator(PLAYER).get_attribute("data-frame"))


def _wait_frame(page, low: int, high: int = 10**9) -> None:
    page.wait_for_function(
        """([sel, low, high]) => { const p = document.querySelector(sel);
             const f = p ? Number(p.dataset.frame) : NaN; return f >= low && f <= high; }""",
        arg=[PLAYER, low, high],
        timeout=20_000,
    )


def _charts_at(page) -> list[int]:
    """The frame each chart holding the player's param shows (its hidden bound input)."""
    return page.evaluate(
        "(name) => [...document.querySelectorAll(`input[name='${name}']`)]"
        ".map((i) => Number(i.value))",
        SIGNAL,
    )


def _wait_charts_follow(page, charts: int = CHARTS) -> None:
    """Wait until each of the page's ``charts`` charts shows the player's frame."""
    page.wait_for_function(
        """([sel, name, n]) => { const f = Number(document.querySelector(sel).dataset.frame);
             const ins = [...document.querySelectorAll(`input[name='${name}']`)];
             return ins.length === n && ins.every((i) => Number(i.value) === f); }""",
        arg=[PLAYER, SIGNAL, charts],
        timeout=10_000,
    )


# While playing, count on every animation frame the boundary pictures that are visible and
# loaded (an SVG <image> with its data URL, not made transparent), in all the charts: a
# picture brought back by a filter used to be reloaded and stayed blank for a frame or two.
SHOWN_PICTURES_JS = """async (samples) => {
  const out = [];
  for (let i = 0; i < samples; i++) {
    await new Promise((r) => requestAnimationFrame(r));
    const charts = document.querySelectorAll('[data-testid="stVegaLiteChart"]');
    const shown = [...charts].flatMap((chart) => [...chart.querySelectorAll("image")]).filter(
      (im) => (im.getAttribute("href") || "").startsWith("data:image/")
        && im.getAttribute("opacity") !== "0");
    out.push(shown.length);
  }
  return out; }"""


def _screenshot(page, path) -> None:
    page.screenshot(path=str(path))


def test_player_drives_every_chart_without_a_rerun(browser, app_url, artifacts):
    context = browser.new_context(viewport={"width": 1400, "height": 900}, reduced_motion="reduce")
    page = context.new_page()
    errors = watch_console(page)
    _open(page, app_url, "en")
    assert page.locator(EXCEPTION).count() == 0
    # the five boundaries, the frame's line, the five networks' curves
    assert page.locator(CHART).count() == CHARTS
    # reduced motion: no autoplay, a new run is shown complete
    assert page.locator(PLAYER).get_attribute("data-playing") != "true"
    assert _frame(page) == LAST
    _wait_charts_follow(page)
    assert len(_charts_at(page)) == CHARTS
    # the boundaries (the first charts) and the player are above the fold at 1400 x 900
    boundaries = [page.locator(CHART).nth(i).bounding_box() for i in range(NETWORKS)]
    player = page.locator(PLAYER).bounding_box()
    for box in boundaries:
        assert box["y"] + box["height"] <= 900, boundaries
        assert player["x"] > box["x"] + box["width"], (player, box)  # beside, to the right
    assert player["y"] + player["height"] <= 900

    play = page.get_by_role("button", name=re.compile("^Play"))
    page.locator(f"{PLAYER} .dl-reset").click()
    _wait_frame(page, 0, 0)
    _wait_charts_follow(page)
    play.click()
    shown = page.evaluate(SHOWN_PICTURES_JS, 90)  # ~1.5 s: past several picture changes
    assert shown == [NETWORKS] * len(shown), shown
    _wait_frame(page, 5)
    assert page.locator(PLAYER).get_attribute("data-playing") == "true"
    _screenshot(page, artifacts / f"{KEY}_playing.png")
    page.get_by_role("button", name=re.compile("^Pause")).click()
    page.wait_for_selector(f"{PLAYER}[data-playing='false']", timeout=10_000)
    paused = _frame(page)
    assert 5 <= paused < LAST
    _wait_charts_follow(page)
    # no rerun while playing: the script stays idle
    assert (
        page.locator('[data-testid="stApp"]').get_attribute("data-test-script-state")
        == "notRunning"
    )
    # step, keyboard, scrub
    page.locator(f"{PLAYER} .dl-forward").click()
    _wait_frame(page, paused + 1, paused + 1)
    page.locator(f"{PLAYER} .dl-back").click()
    page.locator(f"{PLAYER} .dl-back").click()
    _wait_frame(page, paused - 1, paused - 1)
    page.locator(PLAYER).focus()
    page.keyboard.press("ArrowRight")
    _wait_frame(page, paused, paused)
    page.locator(f"{PLAYER} .dl-scrub").fill("50")
    _wait_frame(page, 50, 50)
    _wait_charts_follow(page)
    assert page.locator(f"{PLAYER} .dl-number").inner_text() == "50"  # epoch 50, from 0
    page.wait_for_timeout(300)
    _screenshot(page, artifacts / f"{KEY}.png")
    assert page.locator(EXCEPTION).count() == 0
    assert not errors, errors
    context.close()


def test_korean_other_state_and_narrow(browser, app_url, artifacts):
    context = browser.new_context(viewport={"width": 420, "height": 900}, reduced_motion="reduce")
    page = context.new_page()
    errors = watch_console(page)
    # Korean, with two remedies off and a stronger dropout: three networks
    _open(page, app_url, "ko", "&batchnorm=false&l2=false&rate=0.5")
    assert page.locator(EXCEPTION).count() == 0
    assert page.locator(CHART).count() == 2 * 3 + 1  # boundaries, the line, curves
    assert page.locator(f"{PLAYER} .dl-unit").inner_text() == "에포크"
    page.locator(f"{PLAYER} .dl-reset").click()
    _wait_frame(page, 0, 0)
    page.get_by_role("button", name=re.compile("^재생")).click()
    _wait_frame(page, 4)
    page.locator(PLAYER).scroll_into_view_if_needed()
    page.locator(CHART).first.scroll_into_view_if_needed()
    _screenshot(page, artifacts / f"{KEY}_ko_narrow_playing.png")
    page.get_by_role("button", name=re.compile("^일시정지")).click()
    page.wait_for_selector(f"{PLAYER}[data-playing='false']", timeout=10_000)
    _wait_charts_follow(page, 2 * 3 + 1)
    # the language switch keeps the player working (a rerun with the same run)
    frame = _frame(page)
    page.set_viewport_size({"width": 1400, "height": 900})
    page.locator('[data-testid="stSidebar"]').get_by_text("English", exact=True).click()
    page.wait_for_function(
        "(sel) => document.querySelector(sel)?.innerText.includes('Epoch')",
        arg=f"{PLAYER} .dl-unit",
        timeout=60_000,
    )
    wait_for_app(page, timeout=60_000)
    assert frame >= 4
    page.get_by_role("button", name=re.compile("^Play")).click()
    _wait_frame(page, 1)
    assert page.locator(EXCEPTION).count() == 0
    assert not errors, errors
    context.close()
