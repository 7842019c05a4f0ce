"""Browser benchmarks in Debian's Chromium: time to first chart per page, and, per animation
player, the frames painted while playing, the server's CPU and the bytes it sends.

Time to first chart is read in the page, from navigation start to the first frame that
paints a chart (``FIRST_CHART_PROBE``, SVG or canvas). Playwright's own wait for the chart
is reported beside it: it polls on the page's main thread, so it sees the chart only after
whatever long task follows the paint (typically the page's other charts being compiled),
which added 0.3-0.5 s on the heaviest lessons to a chart already on screen.

Playing (``PAINT_PROBE``): the player runs in the browser, so its smoothness is counted in
the page. Every animation frame (a ``requestAnimationFrame`` callback) in which a chart's
SVG changed (``MutationObserver``) or a chart's canvas was redrawn (``clearRect`` /
``fillRect`` patched) counts as one painted frame. Every player found in the page's DOM
(``.st-key-<key>_player .dl-player``) is played for ``PLAY_SECONDS`` at the lesson's own
speed and at the fastest (``FASTEST_FPS``), restarted by the probe whenever it reaches its
last frame. Over the same window: the player's own count of frames shown
(``window.__dlFrames[key]``), the server's CPU seconds (``/proc/<pid>/stat``) and the
websocket bytes the page received and sent.

Usage: ``python -m bench.browser [url_path ...]`` (needs ``chromium`` on PATH); with URL
paths (``gradient_descent``), only those lessons.
"""

from __future__ import annotations

import statistics
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "tests"), str(ROOT / "tests" / "browser")]

from helpers import (  # noqa: E402
    CHART,
    CHROMIUM,
    CHROMIUM_ARGS,
    EXCEPTION,
    wait_for_app,
)
from serve import streamlit_process, streamlit_server  # noqa: E402

from ui.lessons import available  # noqa: E402

PLAY_SECONDS = 4.0
FASTEST_FPS = 60  # the player's fastest speed (ui/player.py FPS_OPTIONS)
FPS_WINDOW_MS = 1000  # the lowest frame rate is taken over windows this long
# bench/floor_app.py at its root and at a deep link like a lesson's (name -> URL path)
DEEP_FLOOR = "(floor, deep link)"  # the row each lesson is compared with
FLOORS = {"(streamlit floor)": "", DEEP_FLOOR: "deep"}
WARM_VISITS = 5  # a single page load varies by +-0.3 s on a small machine
SETTLE_MS = 1000  # after the script finishes, the browser still draws the rest of the page

# Records (in ms from navigation start) the first animation frame after a chart shows
# marks: its SVG holds a mark element, or something was drawn on a canvas inside it (Vega's
# canvas renderer). A rAF callback runs in the frame's rendering step, just before its
# paint; if a long task is queued first, the callback (and the paint) wait.
FIRST_CHART_PROBE = """
(() => {
  const CHART = '[data-testid="stVegaLiteChart"]';
  let seen = false;
  const painted = () => {
    if (seen) return;
    seen = true;
    observer.disconnect();
    requestAnimationFrame(() => { window.__firstChartMs = performance.now(); });
  };
  const observer = new MutationObserver(() => {
    for (const svg of document.querySelectorAll(`${CHART} svg`)) {
      if (svg.querySelector('path, rect, text, line, image')) { painted(); return; }
    }
  });
  observer.observe(document, { subtree: true, childList: true });
  const context = window.CanvasRenderingContext2D && CanvasRenderingContext2D.prototype;
  for (const name of ['fill', 'stroke', 'fillRect', 'strokeRect', 'fillText', 'drawImage']) {
    if (!context || !context[name]) continue;
    const draw = context[name];
    context[name] = function (...args) {
      if (!seen && this.canvas && this.canvas.isConnected && this.canvas.closest(CHART)) painted();
      return draw.apply(this, args);
    };
  }
})();
"""

# Counts, in ``window.__dlPaint``, the animation frames (rAF callbacks: ``frames``) and among
# them those whose paint shows a changed chart (``painted``): since the previous callback, a
# chart's SVG changed or a chart's canvas was cleared or filled. While ``recording``, the
# painted frames' timestamps go to ``times``. While ``keep`` names a player, the probe
# presses its Play again when it has stopped (at its last frame), so a short run keeps
# playing for the whole measured window.
PAINT_PROBE = """
(() => {
  const CHART = '[data-testid="stVegaLiteChart"]';
  const probe = (window.__dlPaint = {
    frames: 0, painted: 0, restarts: 0, recording: false, times: [], keep: null,
  });
  let dirty = false;
  const inChart = (node) => {
    const element = node.nodeType === 1 ? node : node.parentElement;
    return !!(element && element.closest(`${CHART} svg`));
  };
  new MutationObserver((records) => {
    if (dirty) return;
    for (const record of records) {
      if (inChart(record.target)) { dirty = true; return; }
    }
  }).observe(document, { subtree: true, childList: true, attributes: true, characterData: true });
  const context = window.CanvasRenderingContext2D && CanvasRenderingContext2D.prototype;
  for (const name of ['clearRect', 'fillRect']) {
    if (!context || !context[name]) continue;
    const draw = context[name];
    context[name] = function (...args) {
      if (!dirty && this.canvas && this.canvas.isConnected && this.canvas.closest(CHART)) {
        dirty = true;
      }
      return draw.apply(this, args);
    };
  }
  const loop = (now) => {
    probe.frames += 1;
    if (dirty) {
      dirty = false;
      probe.painted += 1;
      if (probe.recording) probe.times.push(now);
    }
    if (probe.keep) {
      const root = document.querySelector(`.st-key-${probe.keep}_player .dl-player`);
      if (root && root.dataset.playing === 'false') {
        root.querySelector('.dl-play').click();
        probe.restarts += 1;
      }
    }
    requestAnimationFrame(loop);
  };
  requestAnimationFrame(loop);
})();
"""

# The keys of the page's animation players, in page order: the player's root element
# ``.dl-player`` sits in the component's container, classed ``st-key-<key>_player``.
PLAYER_KEYS_JS = """() => [...document.querySelectorAll('.dl-player')].map((root) => {
  const box = root.closest('[class*="_player"]');
  const name = box && [...box.classList]
    .find((c) => c.startsWith('st-key-') && c.endsWith('_player'));
  return name ? name.slice('st-key-'.length, -'_player'.length) : null;
}).filter(Boolean)"""

# Starts the window and presses Play in the same task, so the probe's restarts (``keep``)
# never race the bench's own press.
START_JS = """(key) => {
  const probe = window.__dlPaint;
  probe.times = []; probe.recording = true; probe.keep = key;
  document.querySelector(`.st-key-${key}_player .dl-player .dl-play`).click();
  return { at: performance.now(), frames: probe.frames, shown: (window.__dlFrames || {})[key] || 0,
           restarts: probe.restarts };
}"""
STOP_JS = """(key) => {
  const probe = window.__dlPaint;
  probe.recording = false; probe.keep = null;
  return { at: performance.now(), frames: probe.frames, shown: (window.__dlFrames || {})[key] || 0,
           restarts: probe.restarts, times: probe.times };
}"""


def player_selector(key: str) -> str:
    """The root element of player ``key``."""
    return f".st-key-{key}_player .dl-player"


def player_keys(page) -> list[str]:
    """The keys of the animation players on the page, in page order (none: an empty list)."""
    return page.evaluate(PLAYER_KEYS_JS)


def fps_windows(times_ms: list[float], start_ms: float, end_ms: float) -> list[int]:
    """Painted frames in each whole ``FPS_WINDOW_MS`` window from ``start_ms`` (a window
    cut short by ``end_ms`` is left out): the frame rate per second of playing."""
    whole = int((end_ms - start_ms) // FPS_WINDOW_MS)
    counts = [0] * whole
    for t in times_ms:
        index = int((t - start_ms) // FPS_WINDOW_MS)
        if 0 <= index < whole:
            counts[index] += 1
    return [round(count * 1000 / FPS_WINDOW_MS) for count in counts]


@dataclass
class Playing:
    """One player played for a window: what the page painted, what the server spent."""

    lesson: str
    key: str
    speed: int  # frames per second set in the player
    seconds: float  # the window, measured in the page
    painted: int  # animation frames that showed a changed chart
    frames: int  # animation frames (rAF callbacks) in the window
    shown: int  # frames the player itself showed (window.__dlFrames)
    windows: list[int] = field(default_factory=list)  # painted per whole second
    restarts: int = 0  # times the probe pressed Play again at the run's end
    cpu_s: float = 0.0  # server CPU seconds over the window
    wall_s: float = 0.0  # the same window measured outside the page
    received: int = 0  # websocket bytes from the server
    sent: int = 0  # websocket bytes to the server
    page_busy_s: float = 0.0  # the page's main thread busy over the window (Chrome)

    @property
    def fps(self) -> float:
        """Painted frames per second: ``painted / seconds``."""
        return self.painted / self.seconds if self.seconds > 0 else 0.0

    @property
    def lowest_fps(self) -> float:
        """The lowest painted frames in one second of the window (``fps`` if no whole one)."""
        return min(self.windows) if self.windows else self.fps

    @property
    def shown_fps(self) -> float:
        return self.shown / self.seconds if self.seconds > 0 else 0.0

    @property
    def raf_fps(self) -> float:
        """Animation frames the browser ran per second (its refresh rate, if never late)."""
        return self.frames / self.seconds if self.seconds > 0 else 0.0

    @property
    def cpu_per_s(self) -> float:
        """Server CPU seconds per second of playing (one visitor plays)."""
        return self.cpu_s / self.wall_s if self.wall_s > 0 else 0.0

    @property
    def page_busy_per_s(self) -> float:
        """Seconds the page's main thread was busy per second of playing: what one playing
        visitor costs the machine the browser runs on (1.0 is a whole core)."""
        return self.page_busy_s / self.wall_s if self.wall_s > 0 else 0.0

    @property
    def bytes_per_s(self) -> float:
        return self.received / self.wall_s if self.wall_s > 0 else 0.0

    @property
    def bytes_per_frame(self) -> float:
        return self.received / self.shown if self.shown else float(self.received)


def process_cpu_seconds(pid: int) -> float:
    """CPU seconds (user + system) a process has used so far, from ``/proc/<pid>/stat``."""
    import os

    with open(f"/proc/{pid}/stat") as fh:
        fields = fh.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class SocketBytes:
    """Websocket payload bytes a page received and sent (counted from ``reset()``)."""

    def __init__(self, page):
        self.received = self.sent = 0
        page.on("websocket", self._watch)

    def _watch(self, ws) -> None:
        ws.on("framereceived", lambda payload: self._add("received", payload))
        ws.on("framesent", lambda payload: self._add("sent", payload))

    def _add(self, direction: str, payload) -> None:
        size = len(payload) if isinstance(payload, bytes) else len(payload.encode())
        setattr(self, direction, getattr(self, direction) + size)

    def reset(self) -> None:
        self.received = self.sent = 0


def main_thread_seconds(cdp) -> float:
    """Seconds the page's renderer main thread has spent running tasks so far (Chrome's
    ``TaskDuration``: scripts, style, layout, paint), through a CDP session."""
    metrics = cdp.send("Performance.getMetrics")["metrics"]
    return next(m["value"] for m in metrics if m["name"] == "TaskDuration")


def play_window(page, key: str, seconds: float, pid: int, sockets: SocketBytes, cdp) -> dict:
    """Play player ``key`` from its first frame for ``seconds`` (the probe restarts it at
    its end), then pause it; the raw counts of the window."""
    root = player_selector(key)
    page.locator(f"{root} .dl-reset").click()
    page.wait_for_function(
        "(sel) => document.querySelector(sel)?.dataset.frame === '0'", arg=root, timeout=10_000
    )
    page.wait_for_timeout(300)  # the reset's redraw is not part of the window
    sockets.reset()
    cpu0, wall0, busy0 = process_cpu_seconds(pid), time.perf_counter(), main_thread_seconds(cdp)
    start = page.evaluate(START_JS, key)
    page.wait_for_timeout(seconds * 1000)
    stop = page.evaluate(STOP_JS, key)
    cpu1, wall1, busy1 = process_cpu_seconds(pid), time.perf_counter(), main_thread_seconds(cdp)
    received, sent = sockets.received, sockets.sent
    if page.locator(f"{root}[data-playing=true]").count():
        page.locator(f"{root} .dl-play").click()  # the same button pauses
    return {
        "seconds": (stop["at"] - start["at"]) / 1000,
        "painted": len(stop["times"]),
        "frames": stop["frames"] - start["frames"],
        "shown": stop["shown"] - start["shown"],
        "windows": fps_windows(stop["times"], start["at"], stop["at"]),
        "restarts": stop["restarts"] - start["restarts"],
        "cpu_s": cpu1 - cpu0,
        "wall_s": wall1 - wall0,
        "page_busy_s": busy1 - busy0,
        "received": received,
        "sent": sent,
    }


def playing_figures(browser, base: str, url_path: str, pid: int) -> list[Playing]:
    """Every player on the lesson, at the lesson's own speed and at ``FASTEST_FPS``.

    The page is opened with reduced motion, so no player starts by itself on the visit."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, reduced_motion="reduce")
    context.add_init_script(PAINT_PROBE)
    page = context.new_page()
    sockets = SocketBytes(page)
    cdp = context.new_cdp_session(page)
    cdp.send("Performance.enable")
    page.goto(f"{base}/{url_path}?lang=en")
    wait_for_app(page, timeout=60_000)
    out: list[Playing] = []
    if page.locator(EXCEPTION).count():
        context.close()
        return out
    for key in player_keys(page):
        root = player_selector(key)
        page.wait_for_selector(f"{root}[data-ready=true]", timeout=30_000)
        page.locator(root).scroll_into_view_if_needed()
        page.wait_for_timeout(SETTLE_MS)
        for speed in (None, FASTEST_FPS):
            if speed is not None:
                page.locator(f"{root} .dl-speed").select_option(str(speed))
            chosen = int(page.locator(f"{root} .dl-speed").input_value())
            window = play_window(page, key, PLAY_SECONDS, pid, sockets, cdp)
            out.append(Playing(url_path, key, chosen, **window))
    context.close()
    return out


def _launch(playwright):
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)


def _context(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.add_init_script(FIRST_CHART_PROBE)
    return context


class ExceptionShown(RuntimeError):
    """The page showed an exception: nothing of it is timed."""


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
    try:
        _visit(warmup, base, url_path)
    finally:
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
    page.wait_for_selector(f"{CHART}, {EXCEPTION}", timeout=60_000)
    seen = time.perf_counter() - t0
    if page.locator(EXCEPTION).count():
        page.close()
        raise ExceptionShown(url_path)
    page.wait_for_function("() => window.__firstChartMs !== undefined", timeout=60_000)
    painted = page.evaluate("window.__firstChartMs") / 1000
    wait_for_app(page)
    page.wait_for_timeout(SETTLE_MS)
    failed = page.locator(EXCEPTION).count() > 0
    page.close()
    if failed:
        raise ExceptionShown(url_path)
    return painted, seen


def bench_browser(only: tuple[str, ...] = ()) -> dict:
    """Every lesson, or the lessons whose URL paths are in ``only``: ``{"first": {page:
    row}, "playing": [Playing, ...], "errors": [url_path, ...]}``."""
    from playwright.sync_api import sync_playwright

    first: dict[str, dict] = {}
    playing: list[Playing] = []
    errors: list[str] = []
    with sync_playwright() as pw:
        browser = _launch(pw)
        with streamlit_server(script="bench/floor_app.py") as base:
            for name, url_path in FLOORS.items():
                first[name] = first_chart_seconds(browser, base, url_path)
        with streamlit_process() as (base, proc):
            for lesson in available():
                if only and lesson.url_path not in only:
                    continue
                try:
                    first[lesson.url_path] = first_chart_seconds(browser, base, lesson.url_path)
                except ExceptionShown:
                    errors.append(lesson.url_path)
                    continue
                playing += playing_figures(browser, base, lesson.url_path, proc.pid)
        browser.close()
    return {"first": first, "playing": playing, "errors": errors}


def _first_chart_lines(first: dict) -> list[str]:
    lines = ["page                      first visit  first chart  over floor  (seen by test)"]
    # what a lesson adds to what Streamlit itself needs: its first chart less the deep-link
    # floor's, timed at the start of the same run (this takes out the machine's speed of the
    # run, not its drift during the run)
    floor = first.get(DEEP_FLOOR, {}).get("first_chart_s")
    for name, r in first.items():
        over = (
            "-" if floor is None or name.startswith("(") else f"{r['first_chart_s'] - floor:+.2f} s"
        )
        lines.append(
            f"{name:<26}{r['first_visit_s']:>9.2f} s {r['first_chart_s']:>9.2f} s "
            f"{over:>11} {r['seen_s']:>11.2f} s"
        )
    lines.append(
        "first visit: a new browser (front end fetched and parsed); first chart: a visitor "
        "whose browser has the front end cached. Both on a server that has run the page, "
        "from navigation start to the frame that paints the first chart (SVG marks or a "
        "canvas drawn); (seen by test): when Playwright's wait for that chart returned, "
        "after the page's next long task. (streamlit floor): a page with nothing but one "
        "small chart; (floor, deep link): the same page opened like a lesson, by its own "
        "URL path; over floor: a lesson's first chart less that of the floor at a deep link."
    )
    firsts = [r["first_chart_s"] for name, r in first.items() if not name.startswith("(")]
    if firsts:
        overs = (
            ""
            if floor is None
            else (
                f"; over the deep-link floor: median {statistics.median(firsts) - floor:+.2f} s, "
                f"max {max(firsts) - floor:+.2f} s (target <= +0.3 s)"
            )
        )
        lines.append(
            f"median first chart {statistics.median(firsts):.2f} s, max {max(firsts):.2f} s{overs}"
        )
    return lines


def lesson_fps(playing: list[Playing], speed: int) -> dict[str, float]:
    """Per lesson, the painted frames per second of its slowest player at ``speed``."""
    out: dict[str, float] = {}
    for p in playing:
        if p.speed == speed:
            out[p.lesson] = min(out.get(p.lesson, float("inf")), p.fps)
    return out


def _playing_lines(playing: list[Playing]) -> list[str]:
    lines = [
        "playing: lesson (player)            speed  painted/s  lowest 1 s  player/s  rAF/s  "
        "server CPU s/s  bytes/s in  bytes/frame  bytes out  page busy s/s"
    ]
    for p in playing:
        name = f"{p.lesson} ({p.key})"
        lines.append(
            f"  {name:<34}{p.speed:>5}{p.fps:>11.1f}{p.lowest_fps:>12.0f}{p.shown_fps:>10.1f}"
            f"{p.raf_fps:>7.1f}{p.cpu_per_s:>16.4f}{p.bytes_per_s:>12.0f}"
            f"{p.bytes_per_frame:>13.1f}{p.sent:>11}{p.page_busy_per_s:>15.2f}"
        )
    lines.append(
        f"painted/s: animation frames per second whose paint showed a changed chart, over "
        f"{PLAY_SECONDS:.0f} s of playing from the first frame (restarted at the run's end); "
        "lowest 1 s: the fewest in one whole second of it; player/s: frames the player "
        "showed per second (window.__dlFrames); rAF/s: animation frames the browser ran; "
        "server CPU s/s: CPU seconds of the server per second of playing (one visitor); "
        "bytes/s in: websocket bytes from the server per second; bytes out: to the server; "
        "page busy s/s: seconds the page's main thread ran tasks per second (Chrome's "
        "TaskDuration; 1.0 is a whole core)."
    )
    fastest = lesson_fps(playing, FASTEST_FPS)
    if fastest:
        slowest = min(fastest, key=fastest.get)
        lines.append(
            f"at {FASTEST_FPS} frames/s: median over {len(fastest)} animated lesson(s) "
            f"{statistics.median(fastest.values()):.1f} painted frames/s (target >= 50), "
            f"lowest {fastest[slowest]:.1f} ({slowest}; target >= 30 on each)"
        )
    if playing:
        lines.append(
            f"server while playing: max CPU {max(p.cpu_per_s for p in playing):.4f} s per "
            "second per visitor (target <= 0.01), max "
            f"{max(p.bytes_per_frame for p in playing):.1f} bytes per frame (target 0)"
        )
    return lines


def report(results: dict) -> str:
    lines = _first_chart_lines(results["first"])
    lines += _playing_lines(results["playing"])
    if results.get("errors"):
        lines.append(f"not measured (the page showed an exception): {', '.join(results['errors'])}")
    return "\n".join(lines)


if __name__ == "__main__":
    print(report(bench_browser(tuple(sys.argv[1:]))))
