"""Browser: the benchmark's first-chart probe (``bench.browser.FIRST_CHART_PROBE``) records
the frame that paints the first chart: not before a chart's SVG holds marks, and no later
than the moment Playwright's own wait for the chart returns."""

import time

from helpers import CHART, wait_for_app

from bench.browser import FIRST_CHART_PROBE

PROBED = "() => window.__firstChartMs !== undefined"


def test_probe_waits_for_marks(browser):
    context = browser.new_context()
    context.add_init_script(FIRST_CHART_PROBE)
    page = context.new_page()
    page.goto("data:text/html,<div data-testid='stVegaLiteChart'></div>")
    page.evaluate(
        """() => document.querySelector('[data-testid="stVegaLiteChart"]')
              .appendChild(document.createElementNS('http://www.w3.org/2000/svg', 'svg'))"""
    )
    page.wait_for_timeout(200)  # several frames with an empty chart
    assert page.evaluate("window.__firstChartMs") is None
    page.evaluate(
        """() => document.querySelector('[data-testid="stVegaLiteChart"] svg')
              .appendChild(document.createElementNS('http://www.w3.org/2000/svg', 'path'))"""
    )
    page.wait_for_function(PROBED, timeout=5_000)
    assert page.evaluate("window.__firstChartMs") > 0
    context.close()


def test_probe_on_a_lesson_is_no_later_than_playwright(browser, app_url):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.add_init_script(FIRST_CHART_PROBE)
    page = context.new_page()
    t0 = time.perf_counter()
    page.goto(f"{app_url}/gradient_descent?lang=en")
    page.wait_for_selector(CHART, timeout=60_000)
    seen_ms = (time.perf_counter() - t0) * 1000
    page.wait_for_function(PROBED, timeout=10_000)
    painted_ms = page.evaluate("window.__firstChartMs")
    # navigation starts after t0, so the in-page time cannot exceed Playwright's
    assert 0 < painted_ms <= seen_ms
    wait_for_app(page)
    marks = page.locator(f"{CHART} svg").first.locator("path, rect, text, image")
    assert marks.count() > 0
    context.close()
