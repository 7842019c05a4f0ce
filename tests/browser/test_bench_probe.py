"""Browser: the benchmark's probes. ``bench.browser.FIRST_CHART_PROBE`` records the frame
that paints the first chart (SVG marks or a drawn canvas): not before, and no later than
the moment Playwright's own wait for the chart returns. ``bench.browser.PAINT_PROBE``
counts the animation frames that show a changed chart: on page 01 it counts the player's
frames while playing, and nothing while paused."""

import time

from helpers import CHART, wait_for_app

from bench.browser import (
    FIRST_CHART_PROBE,
    PAINT_PROBE,
    START_JS,
    STOP_JS,
    player_keys,
    player_selector,
)

PROBED = "() => window.__firstChartMs !== undefined"
EMPTY_CHART = "data:text/html,<div data-testid='stVegaLiteChart'></div><div id='outside'></div>"
ADD_SVG = """() => document.querySelector('[data-testid="stVegaLiteChart"]')
                .appendChild(document.createElementNS('http://www.w3.org/2000/svg', 'svg'))"""


def painted(page) -> int:
    page.wait_for_timeout(100)  # several animation frames
    return page.evaluate("window.__dlPaint.painted")


def test_probe_waits_for_marks(browser):
    context = browser.new_context()
    context.add_init_script(FIRST_CHART_PROBE)
    page = context.new_page()
    page.goto(EMPTY_CHART)
    page.evaluate(ADD_SVG)
    page.wait_for_timeout(200)  # several frames with an empty chart
    assert page.evaluate("window.__firstChartMs") is None
    page.evaluate(
        """() => document.querySelector('[data-testid="stVegaLiteChart"] svg')
              .appendChild(document.createElementNS('http://www.w3.org/2000/svg', 'path'))"""
    )
    page.wait_for_function(PROBED, timeout=5_000)
    assert page.evaluate("window.__firstChartMs") > 0
    context.close()


def test_probe_sees_a_canvas_chart(browser):
    context = browser.new_context()
    context.add_init_script(FIRST_CHART_PROBE)
    page = context.new_page()
    page.goto(EMPTY_CHART)
    page.evaluate(
        """() => {
          for (const id of ['outside', 'inside']) {
            const canvas = document.createElement('canvas');
            canvas.id = id + '-canvas';
            const parent = id === 'outside' ? document.getElementById('outside')
              : document.querySelector('[data-testid="stVegaLiteChart"]');
            parent.appendChild(canvas);
          }
          document.getElementById('outside-canvas').getContext('2d').fillRect(0, 0, 5, 5);
        }"""
    )
    page.wait_for_timeout(200)  # an empty canvas in the chart, a drawing outside it
    assert page.evaluate("window.__firstChartMs") is None
    page.evaluate(
        "() => document.getElementById('inside-canvas').getContext('2d').fillRect(0, 0, 5, 5)"
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


def test_paint_probe_counts_chart_changes_once_per_frame(browser):
    context = browser.new_context()
    context.add_init_script(PAINT_PROBE)
    page = context.new_page()
    page.goto(EMPTY_CHART)
    page.evaluate(ADD_SVG)
    base = painted(page)
    assert base == 0  # an empty svg put in the chart's box: no mark of the chart changed
    page.evaluate("() => document.getElementById('outside').textContent = 'not a chart'")
    assert painted(page) == base
    # three changes in one task reach the screen in one paint
    page.evaluate(
        """() => { const svg = document.querySelector('[data-testid="stVegaLiteChart"] svg');
                   const ns = 'http://www.w3.org/2000/svg';
                   for (const i of [1, 2, 3]) svg.appendChild(document.createElementNS(ns, 'path'));
                   svg.firstChild.setAttribute('d', 'M0,0L1,1'); }"""
    )
    assert painted(page) == base + 1
    page.evaluate(
        """() => { const canvas = document.createElement('canvas');
                   document.querySelector('[data-testid="stVegaLiteChart"]').appendChild(canvas);
                   const outside = document.createElement('canvas');
                   document.getElementById('outside').appendChild(outside);
                   outside.getContext('2d').clearRect(0, 0, 5, 5); }"""
    )
    assert painted(page) == base + 1  # a canvas outside a chart is not a chart
    page.evaluate(
        """() => document.querySelector('[data-testid="stVegaLiteChart"] canvas')
                   .getContext('2d').clearRect(0, 0, 5, 5)"""
    )
    assert painted(page) == base + 2
    assert page.evaluate("window.__dlPaint.frames") > page.evaluate("window.__dlPaint.painted")
    context.close()


def settled_paints(page, quiet_ms: int = 1000, timeout_ms: int = 20_000) -> int:
    """The probe's paint count once no chart has painted for ``quiet_ms``: the charts of a
    freshly opened page draw, size themselves to their columns and draw again, and on a
    busy machine that takes longer than any fixed wait."""
    count = page.evaluate("window.__dlPaint.painted")
    for _ in range(timeout_ms // quiet_ms):
        page.wait_for_timeout(quiet_ms)
        again = page.evaluate("window.__dlPaint.painted")
        if again == count:
            return count
        count = again
    raise AssertionError(f"the charts kept painting for {timeout_ms} ms on a paused page")


def test_paint_probe_counts_the_players_frames_on_page_01(browser, app_url):
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, reduced_motion="reduce")
    context.add_init_script(PAINT_PROBE)
    page = context.new_page()
    page.goto(f"{app_url}/gradient_descent?lang=en")
    wait_for_app(page, timeout=60_000)
    # the player is drawn after the app reports idle on a busy machine: wait for one
    page.wait_for_selector(".dl-player", timeout=30_000)
    assert player_keys(page) == ["gd"]
    root = player_selector("gd")
    page.wait_for_selector(f"{root}[data-ready=true][data-playing=false]", timeout=30_000)
    idle = settled_paints(page)  # the charts have drawn (later on a busy machine)
    page.wait_for_timeout(600)  # paused: the player's polling must not redraw a chart
    assert page.evaluate("window.__dlPaint.painted") == idle
    page.locator(f"{root} .dl-reset").click()
    page.locator(f"{root} .dl-speed").select_option("60")
    page.wait_for_function(f"() => document.querySelector('{root}').dataset.frame === '0'")
    page.wait_for_timeout(300)
    start = page.evaluate(START_JS, "gd")
    page.wait_for_timeout(1500)
    stop = page.evaluate(STOP_JS, "gd")
    shown = stop["shown"] - start["shown"]
    count = len(stop["times"])
    restarts = stop["restarts"] - start["restarts"]
    # still playing, or just stopped on its last frame: the probe presses Play again on its
    # next animation frame, which on a busy machine may come after the window has closed
    assert page.evaluate(
        f"""() => {{ const root = document.querySelector('{root}');
                     const last = root.querySelector('.dl-scrub').max;
                     return root.dataset.playing === 'true' || root.dataset.frame === last; }}"""
    )
    assert shown >= 10, shown  # the player ran (61 frames at up to 60 per second)
    # each frame the player shows changes the charts once; a late paint may take two
    assert shown // 2 <= count <= shown + restarts + 2, (count, shown, restarts)
    assert count <= stop["frames"] - start["frames"]
    assert all(b > a for a, b in zip(stop["times"], stop["times"][1:], strict=False))
    context.close()


def test_the_load_tests_controls_on_page_01(browser, app_url):
    """bench.load plays with the player's Play, keeps it playing past its last frame,
    pauses with the same button, and moves the lesson's first Streamlit slider."""
    from bench.load import KEEP_PLAYING, first_slider, pause_button, play_button

    context = browser.new_context(viewport={"width": 1200, "height": 900}, reduced_motion="reduce")
    context.add_init_script(KEEP_PLAYING)
    page = context.new_page()
    page.goto(f"{app_url}/gradient_descent?lang=en")
    wait_for_app(page, timeout=60_000)
    page.wait_for_selector(f"{player_selector('gd')}[data-ready=true]", timeout=30_000)
    assert play_button(page).inner_text().endswith("Play")
    assert pause_button(page).count() == 0
    page.locator(f"{player_selector('gd')} .dl-speed").select_option("60")
    play_button(page).click()
    page.evaluate("window.__dlKeepPlaying = true")
    assert pause_button(page).count() == 1
    # 61 frames at 60 per second: more than one pass, and playing again (KEEP_PLAYING presses
    # Play within 100 ms of the run stopping at its last frame, so wait out that gap)
    page.wait_for_function("() => (window.__dlFrames || {}).gd > 70", timeout=30_000)
    pause_button(page).wait_for(timeout=5_000)
    # slowed to 1 frame per second while it still loops, and seen playing at that speed
    # before the keep-playing stops: the run then cannot reach its last frame and stop
    # between finding Pause and clicking it
    page.locator(f"{player_selector('gd')} .dl-speed").select_option("1")
    pause_button(page).wait_for(timeout=5_000)
    page.evaluate("window.__dlKeepPlaying = false")
    pause_button(page).click()
    page.wait_for_selector(f"{player_selector('gd')}[data-playing=false]", timeout=5_000)
    page.wait_for_timeout(300)
    assert page.locator(f"{player_selector('gd')}[data-playing=false]").count() == 1
    label = first_slider(page).evaluate(
        "s => s.closest('[data-testid=\"stSlider\"]').innerText.split('\\n')[0]"
    )
    assert label == "Learning rate"
    context.close()
