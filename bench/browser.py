"""Browser benchmarks in Debian's Chromium: time to first chart per page, and the data the
server sends per animation frame (bytes of websocket frames received while playing).

Time to first chart is read in the page, from navigation start to the first frame that
paints a chart (``FIRST_CHART_PROBE``). Playwright's own wait for the chart is reported
beside it: it polls on the page's main thread, so it sees the chart only after whatever
long task follows the paint (typically the page's other charts being compiled), which
added 0.3-0.5 s on the heaviest lessons to a chart already on screen.

Usage: ``python -m bench.browser [url_path ...]`` (needs ``chromium`` on PATH); with URL
paths (``momentum``), only those lessons.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "tests"), str(ROOT / "tests" / "browser")]

from helpers import (  # noqa: E402
    CHART,
    CHROMIUM,
    CHROMIUM_ARGS,
    player_key,
    reset_player,
    wait_for_app,
)
from serve import streamlit_server  # noqa: E402

from ui.lessons import available  # noqa: E402

PLAY_SECONDS = 4.0
# bench/floor_app.py at its root and at a deep link like a lesson's (name -> URL path)
DEEP_FLOOR = "(floor, deep link)"  # the row each lesson is compared with
FLOORS = {"(streamlit floor)": "", DEEP_FLOOR: "deep"}
WARM_VISITS = 5  # a single page load varies by +-0.3 s on a small machine
SETTLE_MS = 1000  # after the script finishes, the browser still draws the rest of the page

# Records (in ms from navigation start) the first animation frame after a chart's SVG holds
# marks: the frame whose paint shows it. A rAF callback runs in the frame's rendering step,
# just before its paint; if a long task is queued first, the callback (and the paint) wait.
FIRST_CHART_PROBE = """
new MutationObserver((_, observer) => {
  const svg = document.querySelector('[data-testid="stVegaLiteChart"] svg');
  if (svg && svg.querySelector('path, rect, text, line, image')) {
    observer.disconnect();
    requestAnimationFrame(() => { window.__firstChartMs = performance.now(); });
  }
}).observe(document, { subtree: true, childList: true });
"""


def _launch(playwright):
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)


def _context(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.add_init_script(FIRST_CHART_PROBE)
    return context


def first_chart_seconds(browser, base: str, url_path: str) -> dict[str, float]:
    """Seconds from navigation to the first painted chart, on a server that has already run
    the page once (its cached results are warm): ``first_visit_s`` for a visitor's first
    visit (a fresh browser context: no cached JavaScript, the whole front end is fetched and
    parsed), ``first_chart_s`` the median of ``WARM_VISITS`` later visits (the front end from
    the browser cache), and ``seen_s`` the median time Playwright's wait for the chart took
    on those visits (see the module docstring).

    Each visit is left to finish (the script done, the page drawn) before the next one
    starts: otherwise a visit is timed while the server still runs the previous one's
    script and the previous tab still draws, which measured 0.3-0.7 s slower."""
    warmup = _context(browser)
    _visit(warmup, base, url_path)
    warmup.close()
    context = _context(browser)
    visits = [_visit(context, base, url_path) for _ in range(1 + WARM_VISITS)]
    context.close()
    return {
        "first_visit_s": visits[0][0],
        "first_chart_s": statistics.median(painted for painted, _ in visits[1:]),
        "seen_s": statistics.median(seen for _, seen in visits[1:]),
    }


def _visit(context, base: str, url_path: str) -> tuple[float, float]:
    """One visit: (seconds to the first painted chart, seconds until Playwright saw it)."""
    page = context.new_page()
    t0 = time.perf_counter()
    page.goto(f"{base}/{url_path}?lang=en")
    page.wait_for_selector(CHART, timeout=60_000)
    seen = time.perf_counter() - t0
    page.wait_for_function("() => window.__firstChartMs !== undefined", timeout=60_000)
    painted = page.evaluate("window.__firstChartMs") / 1000
    wait_for_app(page)
    page.wait_for_timeout(SETTLE_MS)
    page.close()
    return painted, seen


def frame_runs(payloads: list[bytes]) -> list[tuple[bool, bool, int]]:
    """Split the server's websocket messages into script runs: ``(full, drew, bytes)`` per
    run. ``full``: the run sent the page's ``navigation`` (a whole-page rerun, not one tick
    of the animation's fragment; both begin with ``new_session``); ``drew``: it sent a chart
    (a tick that a newer tick interrupted sends only the frame slider). Messages are
    Streamlit ``ForwardMsg`` protobufs; every run ends with ``script_finished``."""
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    runs, size, full, drew = [], 0, False, False
    for payload in payloads:
        msg = ForwardMsg.FromString(payload)
        kind = msg.WhichOneof("type")
        size += len(payload)
        full = full or kind == "navigation"
        if kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
            drew = drew or msg.delta.new_element.WhichOneof("type") == "vega_lite_chart"
        if kind == "script_finished":
            runs.append((full, drew, size))
            size, full, drew = 0, False, False
    return runs


def bytes_per_frame(browser, base: str, url_path: str) -> tuple[float, int] | None:
    """Median websocket bytes the server sends per animation frame drawn while playing (one
    fragment run that sends its charts, captions and the frame slider), and the frames."""
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    received: list[bytes] = []
    recording = {"on": False}

    def on_ws(ws) -> None:
        def on_frame(payload) -> None:
            if recording["on"]:
                received.append(payload if isinstance(payload, bytes) else payload.encode())

        ws.on("framereceived", on_frame)

    page.on("websocket", on_ws)
    page.goto(f"{base}/{url_path}?lang=en")
    wait_for_app(page)
    page.wait_for_selector(CHART, timeout=60_000)
    key = player_key(page)
    if key is None:  # no animation on this page
        page.close()
        return None
    reset_player(page, key)
    recording["on"] = True
    page.locator(f".st-key-{key}_play_btn button").click()
    page.wait_for_timeout(PLAY_SECONDS * 1000)
    recording["on"] = False
    page.close()
    ticks = [size for full, drew, size in frame_runs(received) if drew and not full]
    if not ticks:
        return None
    return statistics.median(ticks), len(ticks)


def bench_browser(only: tuple[str, ...] = ()) -> dict:
    """Every lesson, or the lessons whose URL paths are in ``only``."""
    from playwright.sync_api import sync_playwright

    results = {}
    with sync_playwright() as pw:
        browser = _launch(pw)
        with streamlit_server(script="bench/floor_app.py") as base:
            for name, url_path in FLOORS.items():
                results[name] = first_chart_seconds(browser, base, url_path)
                results[name]["kb_per_frame"] = None
        with streamlit_server() as base:
            for lesson in available():
                if only and lesson.url_path not in only:
                    continue
                row = first_chart_seconds(browser, base, lesson.url_path)
                frame = bytes_per_frame(browser, base, lesson.url_path)
                row["kb_per_frame"] = None if frame is None else frame[0] / 1024
                results[lesson.url_path] = row
        browser.close()
    return results


def report(results: dict) -> str:
    lines = [
        "page                      first visit  first chart  over floor  (seen by test)  "
        "KB per frame"
    ]
    # what a lesson adds to what Streamlit itself needs: its first chart less the deep-link
    # floor's, timed at the start of the same run (this takes out the machine's speed of the
    # run, not its drift during the run)
    floor = results.get(DEEP_FLOOR, {}).get("first_chart_s")
    for name, r in results.items():
        kb = "-" if r["kb_per_frame"] is None else f"{r['kb_per_frame']:.1f}"
        over = (
            "-" if floor is None or name.startswith("(") else f"{r['first_chart_s'] - floor:+.2f} s"
        )
        lines.append(
            f"{name:<26}{r['first_visit_s']:>9.2f} s {r['first_chart_s']:>9.2f} s "
            f"{over:>11} {r['seen_s']:>11.2f} s {kb:>14}"
        )
    lessons = {k: r for k, r in results.items() if not k.startswith("(")}
    firsts = [r["first_chart_s"] for r in lessons.values()]
    kbs = [r["kb_per_frame"] for r in lessons.values() if r["kb_per_frame"] is not None]
    lines.append(
        "first visit: a new browser (front end fetched and parsed); first chart: a visitor "
        "whose browser has the front end cached. Both on a server that has run the page, "
        "from navigation start to the frame that paints the first chart; (seen by test): "
        "when Playwright's wait for that chart returned, after the page's next long task. "
        "(streamlit floor): a page with nothing but one small chart; (floor, deep link): "
        "the same page opened like a lesson, by its own URL path; over floor: a lesson's "
        "first chart less that of the floor at a deep link. KB per frame: median "
        "bytes the server sends per animation tick while playing."
    )
    overs = (
        ""
        if floor is None
        else (
            f"; over the deep-link floor: median {statistics.median(firsts) - floor:+.2f} s, "
            f"max {max(firsts) - floor:+.2f} s"
        )
    )
    lines.append(
        f"median first chart {statistics.median(firsts):.2f} s, max {max(firsts):.2f} s "
        f"(target <= 1.5 s){overs}; "
        f"max KB per frame {max(kbs, default=0):.1f} (target <= 30)"
    )
    return "\n".join(lines)


if __name__ == "__main__":
    print(report(bench_browser(tuple(sys.argv[1:]))))
