"""Browser: the sidebar's Home link has the home page's path as its href (``/?lang=ko``),
so opening it in a new tab or copying its address gives the home page, not the current
lesson; a click still navigates inside the app and keeps the language."""

from __future__ import annotations

from urllib.parse import urlsplit

from helpers import CHART, open_lesson, wait_for_app

from ui.lessons import by_key
from ui.text import translate

NAV_LINK = '[data-testid="stSidebar"] a[data-testid="stPageLink-NavLink"]'


def _home_link(page):
    link = page.locator(NAV_LINK).first
    link.wait_for(timeout=30_000)
    return link


def test_home_link_href_is_the_home_path_with_the_language(page, app_url):
    open_lesson(page, app_url, "gd", "ko")
    link = _home_link(page)
    assert link.inner_text().strip().endswith(translate("ko", "home.nav"))  # after its icon
    assert link.get_attribute("href") == "/?lang=ko"
    resolved = urlsplit(link.evaluate("a => a.href"))
    assert (resolved.path, resolved.query) == ("/", "lang=ko")
    # a lesson link keeps the lesson's own path
    lesson = page.locator(f'{NAV_LINK}[href*="{by_key("lr").url_path}"]').first
    assert urlsplit(lesson.evaluate("a => a.href")).path == f"/{by_key('lr').url_path}"


def test_home_link_opened_in_a_new_tab_is_the_home_page(page, app_url):
    open_lesson(page, app_url, "gd", "en")
    href = _home_link(page).evaluate("a => a.href")
    new_tab = page.context.new_page()
    try:
        new_tab.goto(href)
        wait_for_app(new_tab, timeout=60_000)
        assert urlsplit(new_tab.url).path == "/"
        # the home page has no lesson title and no lesson chart
        title = translate("en", "gd.title")
        assert new_tab.get_by_role("heading", name=title, exact=True).count() == 0
        assert new_tab.locator(CHART).count() == 0
    finally:
        new_tab.close()


def test_home_link_click_goes_home_in_the_app(page, app_url):
    open_lesson(page, app_url, "gd", "ko")
    _home_link(page).click()
    page.wait_for_url(lambda url: urlsplit(url).path == "/", timeout=30_000)
    wait_for_app(page, timeout=60_000)
    assert urlsplit(page.url).query == "lang=ko"
    assert page.locator(CHART).count() == 0
