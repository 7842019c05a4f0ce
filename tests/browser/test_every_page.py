"""Browser: every page the navigation lists, opened by deep link as the first request of a
freshly started server, draws a chart without an exception or a console error, plays its
animation where it has one, speaks Korean in text and chart titles with ``lang=ko``, and
fits a narrow (phone) window.

The pages come from ``ui.lessons`` and the test checks that the sidebar lists exactly
those, so a new lesson is covered without editing this file. Screenshots land in
``test-artifacts/pages/``.
"""

from __future__ import annotations

import re

import pytest
from helpers import CHART, EXCEPTION, play_player, player_key, wait_for_app, watch_console
from serve import streamlit_server

from ui.lessons import available

HANGUL = re.compile(r"[\uac00-\ud7a3]")
NAV_LINK = '[data-testid="stSidebar"] a[data-testid="stPageLink-NavLink"]'


def test_navigation_lists_every_lesson(page):
    with streamlit_server() as base:
        page.goto(f"{base}/?lang=en")
        wait_for_app(page)
        # the sidebar is drawn last (ui/page.Page.finish): wait for its last link
        page.locator(NAV_LINK).nth(len(available())).wait_for(timeout=30_000)
        hrefs = page.eval_on_selector_all(NAV_LINK, "els => els.map(e => e.href)")
    paths = {href.split("?")[0].rstrip("/").rsplit("/", 1)[-1] for href in hrefs}
    expected = {lesson.url_path for lesson in available()}
    assert expected <= paths, f"lessons missing from the sidebar: {expected - paths}"
    assert len(hrefs) == len(expected) + 1, "the sidebar lists home plus every lesson"


def _play(page) -> None:
    key = player_key(page)
    if key is None:  # a page without an animation (a player always has its scrub slider)
        assert page.get_by_role("button", name="Play", exact=True).count() == 0
        return
    play_player(page, key)


# Streamlit scrolls inside its own container: a tall viewport shows the whole page
WIDE = {"width": 1400, "height": 2600}
NARROW = {"width": 420, "height": 6000}
OVERFLOW_JS = """() => { const m = document.querySelector('[data-testid="stMain"]');
                         return m.scrollWidth - m.clientWidth; }"""


@pytest.mark.parametrize("lesson", available(), ids=lambda lesson: lesson.key)
def test_page_by_deep_link_on_a_fresh_server(page, lesson, artifacts):
    shots = artifacts / "pages"
    shots.mkdir(exist_ok=True)
    errors = watch_console(page)
    with streamlit_server() as base:
        page.goto(f"{base}/{lesson.url_path}?lang=en")  # the server's first page request
        wait_for_app(page, timeout=60_000)
        page.wait_for_selector(CHART, timeout=30_000)
        assert page.locator(EXCEPTION).count() == 0
        _play(page)
        assert page.locator(EXCEPTION).count() == 0
        page.set_viewport_size(WIDE)
        page.wait_for_timeout(500)
        page.screenshot(path=str(shots / f"{lesson.key}_en.png"))

        page.goto(f"{base}/{lesson.url_path}?lang=ko")
        wait_for_app(page, timeout=60_000)
        page.wait_for_selector(CHART, timeout=30_000)
        assert page.locator(EXCEPTION).count() == 0
        assert HANGUL.search(page.inner_text('[data-testid="stMain"]'))
        chart_text = page.eval_on_selector_all(
            f"{CHART} svg text", "els => els.map(e => e.textContent).join(' ')"
        )
        assert HANGUL.search(chart_text), "chart titles and legends are in Korean too"
        page.screenshot(path=str(shots / f"{lesson.key}_ko.png"))

        # a phone: columns stack, and nothing pushes the page wider than the window
        # (a fixed-size chart scrolls sideways inside its own box)
        page.set_viewport_size(NARROW)
        page.wait_for_timeout(1000)
        assert page.locator(EXCEPTION).count() == 0
        assert page.evaluate(OVERFLOW_JS) <= 1, "the page is wider than a narrow window"
        page.screenshot(path=str(shots / f"{lesson.key}_narrow.png"))
    assert not errors, errors
