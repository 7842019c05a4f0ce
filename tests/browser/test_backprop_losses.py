"""Browser: the forward/backward lesson (B6) and the loss-function lesson (B7) open by deep
link on a fresh server and play in the browser: a stage's panel shows only on its frame,
every chart bound to a player follows its frame, Play, the step buttons, the keys and the
scrub slider work, a changed input stops the player on its first frame; nothing raises.
Screenshots in English and Korean, at 1400 px and in a narrow window, mid-play."""

import re

from helpers import CHART, EXCEPTION, full_screenshot, open_lesson, wait_for_app, watch_console

STAGES = 7


def player(page, key: str):
    return page.locator(f".st-key-{key}_player .dl-player")


def wait_ready(page, key: str) -> None:
    page.wait_for_selector(f".st-key-{key}_player .dl-player[data-ready='true']", timeout=60_000)


def wait_frame(page, key: str, low: int, high: int | None = None, timeout=20_000) -> int:
    """Wait until player ``key`` shows a frame in ``[low, high]``; return it."""
    high = low if high is None else high
    page.wait_for_function(
        """([key, low, high]) => {
             const p = document.querySelector(`.st-key-${key}_player .dl-player`);
             const f = p ? Number(p.dataset.frame) : NaN;
             return f >= low && f <= high; }""",
        arg=[key, low, high],
        timeout=timeout,
    )
    return int(player(page, key).get_attribute("data-frame"))


def bound_frames(page, key: str) -> list[int]:
    """The frame every chart bound to player ``key`` is drawing (its hidden param input)."""
    return page.evaluate(
        """(key) => [...document.querySelectorAll(`input[name="${key}_frame"]`)]
                      .map((i) => Number(i.value))""",
        key,
    )


def shown_panels(page, key: str) -> list[int]:
    """The indices of the visible ``<key>_panel_<i>`` containers."""
    return page.evaluate(
        """(key) => [...document.querySelectorAll(`[class*="st-key-${key}_panel_"]`)]
             .filter((el) => el.offsetParent !== null)
             .map((el) => Number([...el.classList].find((c) => c.startsWith(`st-key-${key}_panel_`))
                                   .split("_panel_")[1]))""",
        key,
    )


def assert_follows(page, key: str, frame: int, panels: bool = False) -> None:
    page.wait_for_function(
        """([key, frame]) => {
             const inputs = [...document.querySelectorAll(`input[name="${key}_frame"]`)];
             return inputs.length > 0 && inputs.every((i) => Number(i.value) === frame); }""",
        arg=[key, frame],
        timeout=10_000,
    )
    if panels:
        page.wait_for_function(
            """([key, frame]) => {
                 const all = [...document.querySelectorAll(`[class*="st-key-${key}_panel_"]`)];
                 const shown = all.filter((el) => el.offsetParent !== null);
                 return shown.length === 1 &&
                        shown[0].classList.contains(`st-key-${key}_panel_${frame}`); }""",
            arg=[key, frame],
            timeout=10_000,
        )


def test_backprop_stages_follow_the_player(browser, app_url, artifacts):
    context = browser.new_context(viewport={"width": 1400, "height": 900}, reduced_motion="reduce")
    page = context.new_page()
    errors = watch_console(page)
    open_lesson(page, app_url, "backprop", "en")
    wait_ready(page, "backprop")
    assert page.locator(EXCEPTION).count() == 0
    assert page.locator(CHART).count() >= 2
    box = player(page, "backprop")
    # reduced motion: paused on the question (stage 0); one stage a second
    assert box.get_attribute("data-playing") == "false"
    assert wait_frame(page, "backprop", 0) == 0
    assert page.locator(".st-key-backprop_player .dl-speed").input_value() == "1"
    assert_follows(page, "backprop", 0, panels=True)
    assert "Stage 0 / 6" in page.locator(".st-key-backprop_panel_0").inner_text()
    # the diagram and the player are above the fold at 1400 x 900
    for selector in (CHART, ".st-key-backprop_player .dl-play"):
        top = page.locator(selector).first.bounding_box()
        assert top is not None and top["y"] + 0.5 * top["height"] < 900, selector

    page.locator(".st-key-backprop_player .dl-forward").click()
    wait_frame(page, "backprop", 1)
    assert_follows(page, "backprop", 1, panels=True)
    assert "Stage 1 / 6" in page.locator(".st-key-backprop_panel_1").inner_text()
    box.focus()
    page.keyboard.press("ArrowRight")
    wait_frame(page, "backprop", 2)
    assert_follows(page, "backprop", 2, panels=True)
    page.keyboard.press("ArrowLeft")
    wait_frame(page, "backprop", 1)

    play = page.get_by_role("button", name=re.compile(r"^Play"))
    play.click()
    page.wait_for_selector(".st-key-backprop_player .dl-player[data-playing='true']")
    page.wait_for_timeout(1500)  # mid-play: a stage or two on
    full_screenshot(page, artifacts / "backprop_playing.png")
    wait_frame(page, "backprop", STAGES - 1, timeout=30_000)  # plays to the update and stops
    page.wait_for_selector(".st-key-backprop_player .dl-player[data-playing='false']")
    assert_follows(page, "backprop", STAGES - 1, panels=True)
    assert page.locator(".st-key-backprop_panel_6 .katex").count() >= 1
    assert shown_panels(page, "backprop") == [STAGES - 1]

    # a changed input is a new step: the player stops on its first stage
    page.locator(".st-key-y").get_by_role("radio", name="y = 0", exact=True).click()
    wait_for_app(page)
    wait_frame(page, "backprop", 0)
    assert box.get_attribute("data-playing") == "false"
    assert_follows(page, "backprop", 0, panels=True)
    assert page.locator(EXCEPTION).count() == 0
    assert not errors, errors
    context.close()


def test_backprop_korean_narrow_steps(browser, app_url, artifacts):
    context = browser.new_context(viewport={"width": 420, "height": 900}, reduced_motion="reduce")
    page = context.new_page()
    errors = watch_console(page)
    open_lesson(page, app_url, "backprop", "ko", "&act=sigmoid&loss=mse")
    wait_ready(page, "backprop")
    assert page.get_by_role("button", name=re.compile(r"^재생")).count() == 1
    for k in range(1, STAGES - 1):
        page.locator(".st-key-backprop_player .dl-forward").click()
        wait_frame(page, "backprop", k)
        assert_follows(page, "backprop", k, panels=True)
        assert f"단계 {k} / 6" in page.locator(f".st-key-backprop_panel_{k}").inner_text()
    page.get_by_role("button", name=re.compile(r"^재생")).click()
    page.wait_for_timeout(400)  # mid-play, on the last stage's way
    full_screenshot(page, artifacts / "backprop_ko_narrow.png", width=420)
    wait_frame(page, "backprop", STAGES - 1)
    page.locator(".st-key-backprop_player .dl-reset").click()
    wait_frame(page, "backprop", 0)
    assert_follows(page, "backprop", 0, panels=True)
    assert page.locator(EXCEPTION).count() == 0
    assert not errors, errors
    context.close()


def test_losses_boundaries_follow_the_player(browser, app_url, artifacts):
    context = browser.new_context(viewport={"width": 1400, "height": 900}, reduced_motion="reduce")
    page = context.new_page()
    errors = watch_console(page)
    open_lesson(page, app_url, "losses", "en", "&epochs=40")
    wait_ready(page, "losses")
    assert page.locator(EXCEPTION).count() == 0
    # a new run is shown complete: epoch 40, on every chart bound to the player
    assert wait_frame(page, "losses", 40) == 40
    assert_follows(page, "losses", 40)
    assert len(bound_frames(page, "losses")) == 4  # two boundaries, the readout, accuracy
    assert "Epoch" in player(page, "losses").inner_text()
    top = page.locator(CHART).first.bounding_box()
    assert top is not None and top["y"] + 0.5 * top["height"] < 900  # above the fold

    scrub = page.locator(".st-key-losses_player .dl-scrub")
    scrub.fill("12")
    wait_frame(page, "losses", 12)
    assert_follows(page, "losses", 12)
    page.get_by_role("button", name=re.compile(r"^Play")).click()
    wait_frame(page, "losses", 16, 40)
    full_screenshot(page, artifacts / "losses_playing.png")
    page.get_by_role("button", name=re.compile(r"^Pause")).click()
    page.wait_for_selector(".st-key-losses_player .dl-player[data-playing='false']")
    frame = int(player(page, "losses").get_attribute("data-frame"))
    assert_follows(page, "losses", frame)
    page.locator(".st-key-losses_player .dl-back").click()
    wait_frame(page, "losses", frame - 1)
    assert_follows(page, "losses", frame - 1)
    assert page.locator(EXCEPTION).count() == 0
    assert not errors, errors
    context.close()


def test_losses_korean_narrow_plays(browser, app_url, artifacts):
    context = browser.new_context(viewport={"width": 420, "height": 900}, reduced_motion="reduce")
    page = context.new_page()
    errors = watch_console(page)
    open_lesson(page, app_url, "losses", "ko")
    wait_ready(page, "losses")
    assert "에포크" in player(page, "losses").inner_text()
    page.locator(".st-key-losses_player .dl-reset").click()
    wait_frame(page, "losses", 0)
    assert_follows(page, "losses", 0)
    page.get_by_role("button", name=re.compile(r"^재생")).click()
    wait_frame(page, "losses", 8, 60)
    full_screenshot(page, artifacts / "losses_ko_narrow.png", width=420)
    wait_frame(page, "losses", 60, timeout=30_000)
    page.wait_for_selector(".st-key-losses_player .dl-player[data-playing='false']")
    assert_follows(page, "losses", 60)
    assert page.locator(EXCEPTION).count() == 0
    assert not errors, errors
    context.close()
