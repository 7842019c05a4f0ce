"""Browser: the lesson player plays in the browser, keeps every chart of the lesson on one
frame, talks to the server only when an input changes, and survives reruns, a language
switch, moving to another lesson and back, two players on one page and a phone's width.
Keyboard: Space plays and pauses, the arrow keys step. With prefers-reduced-motion a
lesson does not play by itself (the other browser tests run that way)."""

from __future__ import annotations

from helpers import (
    EXCEPTION,
    PLAYER,
    chart_frames,
    open_lesson,
    player,
    player_frame,
    wait_for_app,
    wait_for_frame,
    watch_console,
)
from serve import streamlit_server

GD = "gd"


def _playing(page, key: str) -> bool:
    return player(page, key).get_attribute("data-playing") == "true"


def test_play_pause_step_scrub_and_keyboard(page, app_url):
    errors = watch_console(page)
    open_lesson(page, app_url, "gd", "en", "&steps=60&surface=bowl")
    # reduced motion: it starts paused on the complete run
    wait_for_frame(page, GD, 60, 60)
    assert not _playing(page, GD)
    play = page.get_by_role("button", name="Play")
    assert play.count() == 1 and play.evaluate("b => b.tagName") == "BUTTON"
    play.click()  # at the end: Play starts again from the first step
    wait_for_frame(page, GD, 5)
    page.get_by_role("button", name="Pause").click()
    frame = player_frame(page, GD)
    page.wait_for_timeout(500)
    assert player_frame(page, GD) == frame and not _playing(page, GD)
    assert set(chart_frames(page, GD)) == {frame}
    assert len(chart_frames(page, GD)) == 3  # surface, readout and loss chart
    # the position reads the lesson's unit with the same number the charts draw
    assert f"Step {frame} / 60" in player(page, GD).inner_text()

    root = player(page, GD)
    root.locator(".dl-forward").click()
    wait_for_frame(page, GD, frame + 1, frame + 1)
    root.locator(".dl-back").click()
    wait_for_frame(page, GD, frame, frame)
    root.locator(".dl-reset").click()
    wait_for_frame(page, GD, 0, 0)
    root.locator(".dl-scrub").fill("42")
    wait_for_frame(page, GD, 42, 42)

    # keyboard: arrows step, Home/End jump, Space plays and pauses
    root.locator(".dl-scrub").focus()
    page.keyboard.press("ArrowRight")
    wait_for_frame(page, GD, 43, 43)
    page.keyboard.press("ArrowLeft")
    page.keyboard.press("ArrowLeft")
    wait_for_frame(page, GD, 41, 41)
    page.keyboard.press("Home")
    wait_for_frame(page, GD, 0, 0)
    page.keyboard.press(" ")
    wait_for_frame(page, GD, 3)
    assert _playing(page, GD)
    page.keyboard.press(" ")
    page.wait_for_function("() => document.querySelector('.dl-player').dataset.playing === 'false'")
    assert page.locator(EXCEPTION).count() == 0
    assert not errors, errors


def test_playing_sends_nothing_to_the_server(page, app_url):
    sent: list[int] = []
    page.on("websocket", lambda ws: ws.on("framesent", lambda payload: sent.append(len(payload))))
    open_lesson(page, app_url, "gd", "en", "&steps=200&surface=ravine")
    wait_for_app(page)
    page.wait_for_timeout(500)
    sent.clear()
    player(page, GD).locator(".dl-speed").select_option("60")
    player(page, GD).locator(".dl-reset").click()
    page.get_by_role("button", name="Play").click()
    wait_for_frame(page, GD, 100)
    assert sent == [], f"playing sent {len(sent)} messages to the server"
    # it animated: the charts drew frames on the way, not one jump to the end (how many
    # depends on how fast this machine paints: the bench measures that, as frames/s)
    assert page.evaluate("() => window.__dlFrames.gd") >= 2


def test_autoplay_unless_reduced_motion(browser, app_url):
    moving = browser.new_context(viewport={"width": 1400, "height": 900})
    page = moving.new_page()
    open_lesson(page, app_url, "gd", "en", "&steps=300&surface=rosenbrock")
    page.wait_for_function(
        "() => document.querySelector('.dl-player').dataset.playing === 'true'", timeout=20_000
    )
    wait_for_frame(page, GD, 5, 299)
    moving.close()

    still = browser.new_context(viewport={"width": 1400, "height": 900}, reduced_motion="reduce")
    page = still.new_page()
    open_lesson(page, app_url, "gd", "en", "&steps=300&surface=rosenbrock")
    page.wait_for_timeout(1500)
    assert player_frame(page, GD) == 300 and not _playing(page, GD)
    still.close()


def test_a_new_run_stops_the_player_and_it_plays_again(page, app_url):
    open_lesson(page, app_url, "gd", "en", "&steps=60&surface=bowl")
    root = player(page, GD)
    root.locator(".dl-reset").click()
    root.locator(".dl-play").click()
    wait_for_frame(page, GD, 2)
    # a changed input (the learning rate, by keyboard) reruns with a new run
    page.locator(".st-key-lr input[type=range]").focus()
    page.keyboard.press("ArrowLeft")
    page.wait_for_function("() => location.search.includes('lr=0.07')", timeout=20_000)
    wait_for_app(page)
    wait_for_frame(page, GD, 60, 60)  # stopped on the new run's last step
    assert not _playing(page, GD)
    assert page.evaluate(
        "() => [...document.querySelectorAll('input[name=gd_run]')].every((i) => i.value === '11')"
    )
    root.locator(".dl-play").click()
    wait_for_frame(page, GD, 3, 59)


def test_language_switch_and_lesson_round_trip(page, app_url):
    open_lesson(page, app_url, "gd", "en", "&steps=60")
    page.locator('[data-testid="stSidebar"]').get_by_text("한국어").click()
    page.wait_for_function("() => location.search.includes('lang=ko')", timeout=20_000)
    wait_for_app(page)
    page.wait_for_selector(PLAYER)
    play = page.get_by_role("button", name="재생")
    assert play.count() == 1
    assert "스텝" in player(page, GD).inner_text()
    player(page, GD).locator(".dl-reset").click()
    play.click()
    wait_for_frame(page, GD, 3)

    # to another lesson and back through the sidebar
    sidebar = page.locator('[data-testid="stSidebar"]')
    sidebar.locator('a[href*="train_val_test"]').click()
    page.wait_for_function("() => location.pathname.endsWith('train_val_test')")
    wait_for_app(page)
    sidebar.locator('a[href*="gradient_descent"]').click()
    page.wait_for_function("() => location.pathname.endsWith('gradient_descent')")
    wait_for_app(page)
    page.wait_for_selector(PLAYER)
    player(page, GD).locator(".dl-reset").click()
    wait_for_frame(page, GD, 0, 0)
    page.get_by_role("button", name="재생").click()
    wait_for_frame(page, GD, 3)
    assert page.locator(EXCEPTION).count() == 0


def test_two_players_on_one_page(page):
    with streamlit_server(script="tests/browser/apps/two_players.py") as base:
        page.goto(f"{base}/?lang=en")
        wait_for_app(page, timeout=60_000)
        page.wait_for_selector(PLAYER)
        page.wait_for_function(
            "() => document.querySelectorAll(\".dl-player[data-ready='true']\").length === 2"
        )
        wait_for_frame(page, "first", 29, 29)
        wait_for_frame(page, "second", 49, 49)
        player(page, "second").locator(".dl-reset").click()
        wait_for_frame(page, "second", 0, 0)
        player(page, "second").locator(".dl-play").click()
        wait_for_frame(page, "second", 10)
        # the other player and its chart stay where they were
        assert player_frame(page, "first") == 29
        assert chart_frames(page, "first") == [29]


def test_phone_width(page, app_url):
    page.set_viewport_size({"width": 420, "height": 900})
    open_lesson(page, app_url, "gd", "en")
    play = page.get_by_role("button", name="Play")
    play.scroll_into_view_if_needed()
    box = play.bounding_box()
    assert box and box["x"] >= 0 and box["x"] + box["width"] <= 420
    player(page, GD).locator(".dl-reset").click()
    play.click()
    wait_for_frame(page, GD, 3)
    assert page.locator(EXCEPTION).count() == 0
