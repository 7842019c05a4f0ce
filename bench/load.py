"""Load test: N concurrent browser sessions on one server (loopback only, bounded).

Sessions arrive RAMP seconds apart (then all stay open together); each opens a lesson by
deep link, then repeatedly changes a control (the Step button of an animated lesson, else
the first slider) and times how long until the server has finished the rerun the change
caused (its ``script_finished`` message) and the page has drawn it. Reports errors
(exceptions shown, timeouts), p50/p95 of both times, and the server's CPU time and peak
memory (from /proc), with the memory per session. The browsers run on the same machine as
the server, so on a small machine the drawing, not the server, dominates.

Usage: ``python -m bench.load [--sessions 20] [--actions 5]``.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "tests"), str(ROOT / "tests" / "browser")]

from helpers import CHART, EXCEPTION  # noqa: E402
from serve import streamlit_process  # noqa: E402

from bench.browser import CHROMIUM, CHROMIUM_ARGS  # noqa: E402
from ui.lessons import available  # noqa: E402

TICK = 0.25
RAMP = 0.5  # seconds between two visitors' arrivals
# Twenty pages share one browser here; each stands for a visitor's own foreground tab, so
# Chromium must not slow the timers of the pages it considers in the background.
UNTHROTTLED = [
    "--disable-background-timer-throttling",
    "--disable-backgrounding-occluded-windows",
    "--disable-renderer-backgrounding",
]


def _proc_stats(pid: int) -> tuple[float, int]:
    """(CPU seconds used so far, resident memory in bytes) of a process and its children."""
    ticks = 100.0
    with open(f"/proc/{pid}/stat") as fh:
        fields = fh.read().rsplit(")", 1)[1].split()
    cpu = (int(fields[11]) + int(fields[12])) / ticks
    with open(f"/proc/{pid}/status") as fh:
        rss = next(int(line.split()[1]) * 1024 for line in fh if line.startswith("VmRSS"))
    return cpu, rss


class Sampler(threading.Thread):
    def __init__(self, pid: int):
        super().__init__(daemon=True)
        self.pid, self.peak_rss, self.stop_flag = pid, 0, False
        self.start_rss = _proc_stats(pid)[1]

    def run(self):
        while not self.stop_flag:
            self.peak_rss = max(self.peak_rss, _proc_stats(self.pid)[1])
            time.sleep(TICK)


WAIT_IDLE = """() => { const a = document.querySelector('[data-testid="stApp"]');
                       return a && a.getAttribute('data-test-script-state') === 'notRunning'; }"""


class RunCounter:
    """Counts the script runs the server finished for one page (``script_finished``
    messages on its websocket) and the messages the page sent (a click or a slider move
    reaches the server as one ``BackMsg``)."""

    def __init__(self, page):
        self.finished = self.sent = 0
        self.last_finished_at = 0.0
        page.on("websocket", self._watch)

    def _watch(self, ws) -> None:
        ws.on("framereceived", self._received)
        ws.on("framesent", self._sent)

    def _received(self, payload) -> None:
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        data = payload if isinstance(payload, bytes) else payload.encode()
        if ForwardMsg.FromString(data).WhichOneof("type") == "script_finished":
            self.finished += 1
            self.last_finished_at = time.perf_counter()

    def _sent(self, payload) -> None:
        self.sent += 1

    async def wait_past(self, finished: int, timeout: float) -> None:
        end = time.perf_counter() + timeout
        while self.finished <= finished:
            if time.perf_counter() > end:
                raise TimeoutError(f"no run finished (page sent {self.sent} messages)")
            await asyncio.sleep(0.05)


async def _session(
    context,
    base: str,
    url_path: str,
    actions: int,
    times: list,
    server_times: list,
    errors: list,
    delay: float,
):
    # visitors arrive over a few seconds, not in the same millisecond; all are then open
    # together for the rest of the test
    await asyncio.sleep(delay)
    page = await context.new_page()
    runs = RunCounter(page)
    stage = "open"
    try:
        await page.goto(f"{base}/{url_path}?lang=en", timeout=180_000)
        stage = "first chart"
        await page.wait_for_selector(CHART, timeout=180_000)
        stage = "script end"
        await page.wait_for_function(WAIT_IDLE, timeout=180_000)
    except Exception as exc:  # a session that never loads is an error, not a crash
        errors.append(f"{url_path}: load ({stage}) {type(exc).__name__}")
        return
    step = page.get_by_role("button", name="Step", exact=True)
    for i in range(actions):
        try:
            finished, sent = runs.finished, runs.sent
            t0 = time.perf_counter()
            if await step.count():
                await step.first.click()
            else:  # the first slider one notch right, then back
                # Streamlit 1.67 sliders are native range inputs: arrow keys move them
                await page.locator('[data-testid="stSlider"] input[type=range]').first.press(
                    "ArrowRight" if i % 2 == 0 else "ArrowLeft"
                )
            # the server finished the rerun the change caused, and the page has drawn it
            await runs.wait_past(finished, 120)
            server_times.append(runs.last_finished_at - t0)
            await page.wait_for_function(WAIT_IDLE, timeout=120_000)
            await page.wait_for_selector(CHART, timeout=120_000)
            times.append(time.perf_counter() - t0)
        except Exception as exc:
            errors.append(
                f"{url_path}: action {i + 1} {type(exc).__name__}: {exc}"[:200]
                + f" (page sent {runs.sent - sent} messages since)"
            )
        if await page.locator(EXCEPTION).count():
            errors.append(f"{url_path}: exception shown")
            return


async def _drive(
    base: str, sessions: int, actions: int, times: list, server_times: list, errors: list
) -> None:
    from playwright.async_api import async_playwright

    lessons = [lesson.url_path for lesson in available()]
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(
            executable_path=CHROMIUM, args=[*CHROMIUM_ARGS, *UNTHROTTLED]
        )
        contexts = [
            await browser.new_context(viewport={"width": 1200, "height": 900})
            for _ in range(sessions)
        ]
        await asyncio.gather(
            *(
                _session(
                    ctx,
                    base,
                    lessons[i % len(lessons)],
                    actions,
                    times,
                    server_times,
                    errors,
                    i * RAMP,
                )
                for i, ctx in enumerate(contexts)
            )
        )
        await browser.close()


def run_load(sessions: int = 20, actions: int = 5) -> dict:
    times: list[float] = []
    server_times: list[float] = []
    errors: list[str] = []
    with streamlit_process() as (base, proc):
        sampler = Sampler(proc.pid)
        cpu0 = _proc_stats(proc.pid)[0]
        sampler.start()
        t0 = time.perf_counter()
        asyncio.run(_drive(base, sessions, actions, times, server_times, errors))
        wall = time.perf_counter() - t0
        sampler.stop_flag = True
        sampler.join()
        cpu = _proc_stats(proc.pid)[0] - cpu0

    def p50_p95(values: list[float]) -> tuple[float, float]:
        if len(values) < 2:
            return float("nan"), float("nan")
        return statistics.median(values), statistics.quantiles(values, n=20)[18]

    (p50, p95), (server_p50, server_p95) = p50_p95(times), p50_p95(server_times)
    return {
        "sessions": sessions,
        "actions": len(times),
        "errors": errors,
        "p50_s": p50,
        "p95_s": p95,
        "server_p50_s": server_p50,
        "server_p95_s": server_p95,
        "server_cpu_s": cpu,
        "wall_s": wall,
        "server_cpu_share": cpu / wall,
        "server_peak_mb": sampler.peak_rss / 2**20,
        "server_start_mb": sampler.start_rss / 2**20,
        "mb_per_session": (sampler.peak_rss - sampler.start_rss) / 2**20 / sessions,
    }


def report(r: dict) -> str:
    return (
        f"load: {r['sessions']} sessions, {r['actions']} timed actions, "
        f"{len(r['errors'])} errors; control change to updated chart p50 {r['p50_s']:.2f} s, "
        f"p95 {r['p95_s']:.2f} s (server finished its rerun: p50 {r['server_p50_s']:.2f} s, "
        f"p95 {r['server_p95_s']:.2f} s; the rest is the browsers drawing); "
        f"server CPU {r['server_cpu_s']:.1f} s over "
        f"{r['wall_s']:.1f} s ({100 * r['server_cpu_share']:.0f}% of one core), memory "
        f"{r['server_start_mb']:.0f} -> {r['server_peak_mb']:.0f} MB "
        f"(~{r['mb_per_session']:.1f} MB per session)"
        + (f"\nerrors: {r['errors'][:10]}" if r["errors"] else "")
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--actions", type=int, default=5)
    args = parser.parse_args()
    print(report(run_load(min(args.sessions, 50), min(args.actions, 20))))
