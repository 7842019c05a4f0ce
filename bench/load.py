"""Load test: 20 browser sessions on one server, or through nginx on 1 and on N replicas.

Before the visitors arrive, every lesson is opened once and the ones whose page shows an
animation player (``.dl-player``, found in the DOM: ``lessons_with_player``) are the
visitors' lessons, in order, round robin. Visitors arrive ``RAMP`` s apart, each at its
lesson by deep link, with reduced motion (no player starts by itself), and wait for its
first chart. Then:

1. *play*: every visitor presses Play (``play_button``: the player's ``.dl-play``, whose
   accessible name starts with "Play"), and the animations run in the browsers for
   ``PLAY_SECONDS``: server CPU per second of playing. A page keeps playing: when its
   player stops at its last frame (or after a rerun gave it a new run), ``KEEP_PLAYING``
   presses Play again;
2. *slider*: while the 20 animations run, the visitors move their first slider (a
   Streamlit slider: the lesson's first control, not the player's scrub) one notch, one
   visitor every ``STAGGER`` s; each change is timed from the key press to the updated
   chart (the server has finished the whole-page rerun the change caused, its
   ``script_finished``, and the page, idle again, has painted its chart);
3. *quiet*: every visitor presses Pause (the same button) and stops the keep-playing;
   the visitors move the slider back, one every ``STAGGER`` s: server CPU per control
   change;
4. *fault* (through nginx, 2 or more replicas): every visitor presses Play again, and
   replica 1 is killed (SIGKILL) by its PID. Its visitors' pages reconnect (to the other
   replica, where their cookie moves); each is checked for the same view (URL, title, the
   first slider's value; no exception) and moves its slider one notch: it has recovered
   when that change has drawn, timed from the kill. Meanwhile the other replicas'
   visitors move their sliders as in *slider*, and must see no websocket close and no
   exception. deploy/serve.sh restarts the killed replica.

The browsers run at the lowest CPU priority (``nice 19``, ``--browser-nice``): on this
machine they share the servers' cores, and twenty animating pages would otherwise take the
CPU a rerun needs, so the figure would time the browsers, not the server; at nice 19 the
server gets a core whenever it has work, as it would with the visitors on their own
machines. ``--browser-nice 0`` measures the shared machine as it is.

Server CPU and memory come from /proc: per replica (and nginx) through nginx, or of the
one server. Memory per session is the growth of a replica's resident memory from before
the first visitor to its peak, over the visitors it served. The browsers run on the same
machine as the servers, so on a small machine they compete for the same cores.

Visitors (``--client``): ``browser``, the default, is the Chromium pages above.
``protocol`` visitors speak Streamlit's websocket protocol from this process
(``bench/protocol.py``) and draw nothing: on a 2-core machine twenty Chromium pages take
the cores themselves, even at nice 19, so the browser figure times the browsers; the
protocol figure is the server's share of it. The phases are the same (``scenario``):
the lessons with a player are those whose first run sends the player component; Play and
Pause send nothing to the server (the animation runs in the browser), so the protocol
visitors' play phase only waits; a slider move is timed from its rerun's BackMsg to that
run's ``script_finished``, and must have changed a chart. This process's own CPU is
reported beside the server's (``VISITORS``). Through nginx, the replica a protocol
visitor reached is the cookie nginx set on its websocket handshake; the fault phase needs
browsers (their pages reconnect), so protocol visitors skip it.

Usage: ``python -m bench.load [--sessions 20] [--client protocol]`` (one server, no nginx), or
``python -m bench.load --replicas N [--sessions 20] [--client protocol]``: the same sessions
through nginx to 1 replica, then to N (with the fault, for browser visitors), in one run;
needs nginx (``apt-get install nginx``).

``play_button``, ``pause_button`` and ``first_slider`` are the only places that know what
the controls look like in the page (``bench.protocol.ProtocolVisitor.first_slider`` on the
wire).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import os
import signal
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "tests"), str(ROOT / "tests" / "browser")]

from helpers import CHART, EXCEPTION  # noqa: E402
from serve import nginx_replicas, streamlit_process  # noqa: E402

from bench.browser import CHROMIUM, CHROMIUM_ARGS, PLAYER_KEYS_JS  # noqa: E402
from bench.protocol import PageRun, ProtocolVisitor, handshake_cookie  # noqa: E402
from deploy.nginx_conf import COOKIE  # noqa: E402
from ui.lessons import available  # noqa: E402

TICK = 0.25  # memory sampling interval
RAMP = 0.5  # seconds between two visitors' arrivals
STAGGER = 0.5  # seconds between two visitors' slider moves
PLAY_SECONDS = 4.0
RECOVERY_TARGET = 10.0  # seconds from a replica's death to its visitors' next drawn change
ACTION_TIMEOUT = 60.0
# Twenty pages share one browser here; each stands for a visitor's own foreground tab, so
# Chromium must not slow the timers of the pages it considers in the background.
BROWSER_NICE = 19  # the browsers' CPU priority: see the module docstring
UNTHROTTLED = [
    "--disable-background-timer-throttling",
    "--disable-backgrounding-occluded-windows",
    "--disable-renderer-backgrounding",
]


# The first player of the page (the one the visitor plays) and its Play/Pause button.
PLAYER = ".dl-player[data-ready=true]"
PLAY = f"{PLAYER} .dl-play"

# While ``window.__dlKeepPlaying`` is set, the page's first player is played again whenever
# it stops: at its last frame, or after a rerun (a changed input gives a new run, and the
# player stops on it). The visitor's animation runs on through the slider phase.
KEEP_PLAYING = """
setInterval(() => {
  if (!window.__dlKeepPlaying) return;
  const root = document.querySelector('.dl-player[data-ready=true]');
  if (root && root.dataset.playing === 'false') root.querySelector('.dl-play').click();
}, 100);
"""

PAUSE_JS = f"""() => {{
  window.__dlKeepPlaying = false;
  const pause = document.querySelector('{PLAYER}[data-playing=true] .dl-play');
  if (pause) pause.click();
}}"""


def play_button(page):
    """The Play control: the first player's ``.dl-play``, a button whose accessible name
    starts with "Play" / "재생" while it is paused."""
    return page.locator(PLAY).first


def pause_button(page):
    """The same button while the player plays."""
    return page.locator(f"{PLAYER}[data-playing=true] .dl-play").first


def first_slider(page):
    """The slider each visitor moves one notch: the lesson's first Streamlit slider (a
    native range input). The player's scrub slider is no Streamlit slider, and the charts'
    hidden inputs that the player drives are not either."""
    return page.locator('[data-testid="stSlider"] input[type=range]').first


def lessons_for(found: dict[str, bool], sessions: int) -> list[str]:
    """The visitors' lessons: the lessons (URL paths, in lesson order) whose page showed a
    player (``found``), round robin over ``sessions`` visitors."""
    animated = [url_path for url_path, has_player in found.items() if has_player]
    if not animated:
        raise RuntimeError("no lesson shows an animation player: nothing to play")
    return [animated[i % len(animated)] for i in range(sessions)]


async def lessons_with_player(browser, base: str) -> dict[str, bool]:
    """Every lesson's URL path -> whether its page shows an animation player (and no
    exception), each opened once in one browser page. This also runs each page once on the
    server, so its cached run is warm before the visitors come."""
    context = await browser.new_context(reduced_motion="reduce")
    page = await context.new_page()
    found = {}
    for lesson in available():
        try:
            await page.goto(f"{base}/{lesson.url_path}?lang=en", timeout=120_000)
            await page.wait_for_selector(f"{CHART}, {EXCEPTION}", timeout=120_000)
            await page.wait_for_function(IDLE, timeout=120_000)
            await page.wait_for_timeout(500)  # the component mounts after the script
            keys = await page.evaluate(PLAYER_KEYS_JS)
            found[lesson.url_path] = bool(keys) and not await page.locator(EXCEPTION).count()
        except Exception:  # a page that never shows a chart has no player to play
            found[lesson.url_path] = False
    await context.close()
    return found


def _proc_stats(pid: int) -> tuple[float, int]:
    """(CPU seconds used so far, resident memory in bytes) of a process; (0, 0) if gone."""
    ticks = os.sysconf("SC_CLK_TCK")
    try:
        with open(f"/proc/{pid}/stat") as fh:
            fields = fh.read().rsplit(")", 1)[1].split()
        with open(f"/proc/{pid}/status") as fh:
            rss = next(int(line.split()[1]) * 1024 for line in fh if line.startswith("VmRSS"))
    except (OSError, StopIteration):
        return 0.0, 0
    return (int(fields[11]) + int(fields[12])) / ticks, rss


MACHINE = "(machine)"  # every process on the machine, in CPU seconds over all its cores
VISITORS = "(protocol visitors)"  # this process, when it runs the protocol visitors


def machine_busy_seconds() -> float:
    """CPU seconds every core of the machine has spent busy so far (``/proc/stat``: all
    time but idle and iowait): the browsers, the servers and everyone else's work."""
    with open("/proc/stat") as fh:
        fields = [int(v) for v in fh.readline().split()[1:]]
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)
    return (sum(fields[:8]) - idle) / os.sysconf("SC_CLK_TCK")


class Sampler(threading.Thread):
    """Peak resident memory of some processes (name -> PID), sampled every ``TICK``, and
    their CPU seconds (a process that has gone keeps its last reading)."""

    def __init__(self, pids: dict[str, int]):
        super().__init__(daemon=True)
        self.pids, self.stop_flag = dict(pids), False
        self.lock = threading.Lock()
        self.cpu = dict.fromkeys(self.pids, 0.0)
        self.start_rss = {name: _proc_stats(pid)[1] for name, pid in self.pids.items()}
        self.peak_rss = dict(self.start_rss)

    def cpu_now(self) -> dict[str, float]:
        with self.lock:
            for name, pid in self.pids.items():
                cpu, rss = _proc_stats(pid)
                if rss:  # still running
                    self.cpu[name] = cpu
                    self.peak_rss[name] = max(self.peak_rss[name], rss)
            return {**self.cpu, MACHINE: machine_busy_seconds()}

    def run(self):
        while not self.stop_flag:
            self.cpu_now()
            time.sleep(TICK)


# The page is idle (no script run in progress) and shows a chart; polled in animation
# frames, so it returns in the frame that paints it.
IDLE = """() => { const a = document.querySelector('[data-testid="stApp"]');
  return a && a.getAttribute('data-test-script-state') === 'notRunning'; }"""
IDLE_WITH_CHART = """() => { const a = document.querySelector('[data-testid="stApp"]');
  return a && a.getAttribute('data-test-script-state') === 'notRunning'
           && document.querySelector(
                '[data-testid="stVegaLiteChart"] :is(svg, canvas)') !== null; }"""
CONNECTING = '[data-testid="stConnectionStatus"]'


class RunCounter:
    """What one page's websockets carried: the whole-page script runs the server finished
    (``script_finished`` with FINISHED_SUCCESSFULLY: not a fragment's run, not one cut
    short by a newer rerun), each with the time its ``new_session`` arrived, and the
    websockets opened and closed (a reconnection is one of each)."""

    def __init__(self, page):
        self.opened = self.closed = self.sent = 0
        self.full_runs: list[tuple[float, float]] = []  # (started, finished)
        self._started = 0.0
        page.on("websocket", self._watch)

    def _watch(self, ws) -> None:
        self.opened += 1
        ws.on("framereceived", self._received)
        ws.on("framesent", self._sent)
        ws.on("close", self._closed)

    def _received(self, payload) -> None:
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        msg = ForwardMsg.FromString(payload if isinstance(payload, bytes) else payload.encode())
        kind = msg.WhichOneof("type")
        if kind == "new_session":
            self._started = time.perf_counter()
        elif kind == "script_finished" and msg.script_finished in (
            ForwardMsg.FINISHED_SUCCESSFULLY,
            ForwardMsg.FINISHED_WITH_COMPILE_ERROR,
        ):
            self.full_runs.append((self._started, time.perf_counter()))

    def _sent(self, _payload) -> None:
        self.sent += 1

    def _closed(self, _ws) -> None:
        self.closed += 1

    async def wait_full_run_after(self, t0: float, timeout: float) -> None:
        """Until a whole-page run that started after ``t0`` has finished (a run the
        player started on its own before, e.g. at the end of an animation, is not it)."""
        end = time.perf_counter() + timeout
        while not any(started >= t0 for started, _ in self.full_runs):
            if time.perf_counter() > end:
                raise TimeoutError(f"no page run finished (page sent {self.sent} messages)")
            await asyncio.sleep(0.02)


@dataclass
class Visitor:
    """A browser visitor: a Chromium context of its own (cookies) and its page. The phases
    call ``open``, ``play``, ``playing``, ``move_slider``, ``exception_shown``, ``pause``
    and ``replica``; a protocol visitor (``ProtocolLoadVisitor``) answers the same."""

    context: object
    page: object
    url_path: str
    runs: RunCounter
    base: str = ""
    loaded: bool = False
    moves: int = 0  # net notches moved to the right
    stage: str = "open"  # how far ``open`` got

    async def open(self) -> None:
        self.stage = "open"
        await self.page.goto(f"{self.base}/{self.url_path}?lang=en", timeout=180_000)
        self.stage = "first chart"
        await self.page.wait_for_selector(CHART, timeout=180_000)
        self.stage = "script end"
        await self.page.wait_for_function(IDLE_WITH_CHART, timeout=180_000)

    async def play(self) -> bool:
        """Press Play and keep the animation running (``KEEP_PLAYING``); True: pressed."""
        if not await pause_button(self.page).count():
            await play_button(self.page).click(timeout=30_000)
        await self.page.evaluate("window.__dlKeepPlaying = true")
        return True

    async def pause(self) -> None:
        """Stop keeping the animation running, and press Pause if it plays. Both in one
        task of the page: checked first and clicked later, the player could stop in between
        (at its last frame) and the click would wait for a Pause that never comes."""
        await self.page.evaluate(PAUSE_JS)

    async def playing(self) -> bool:
        return await pause_button(self.page).count() > 0

    async def replica(self) -> str | None:
        cookies = await self.context.cookies()
        return next((c["value"] for c in cookies if c["name"] == COOKIE), None)

    async def view(self) -> tuple[str, str, str]:
        """What identifies the lesson view: URL, title, the first slider's value."""
        title = await self.page.locator("h1").first.inner_text(timeout=10_000)
        value = await first_slider(self.page).input_value(timeout=10_000)
        return self.page.url, title, value

    async def move_slider(self) -> float:
        """Move the first slider one notch (right, or back left after a move right); the
        seconds until the page has drawn the rerun the change caused."""
        slider = first_slider(self.page)
        at_max = await slider.evaluate("s => Number(s.value) >= Number(s.max)")
        key = "ArrowLeft" if self.moves > 0 or at_max else "ArrowRight"
        t0 = time.perf_counter()
        await slider.press(key)
        await self.runs.wait_full_run_after(t0, ACTION_TIMEOUT)
        await self.page.wait_for_function(
            IDLE_WITH_CHART, polling="raf", timeout=ACTION_TIMEOUT * 1000
        )
        self.moves += -1 if key == "ArrowLeft" else 1
        return time.perf_counter() - t0

    async def exception_shown(self) -> bool:
        return await self.page.locator(EXCEPTION).count() > 0


@dataclass
class Run:
    """The figures of one run of the scenario."""

    label: str
    sessions: int
    browser_nice: int = BROWSER_NICE
    client: str = "browser"  # whose visitors: Chromium pages, or protocol visitors
    servers: dict[str, int] = field(default_factory=dict)  # name -> PID at the start
    errors: list[str] = field(default_factory=list)
    loaded: int = 0  # visitors whose page loaded (the phases' visitors)
    plays: int = 0
    playing: int = 0  # pages showing Pause when the slider phase starts
    slider_s: list[float] = field(default_factory=list)
    quiet_s: list[float] = field(default_factory=list)
    timed: dict[str, list[tuple[float, str]]] = field(default_factory=dict)  # phase -> moves
    cpu: dict[str, dict[str, float]] = field(default_factory=dict)  # phase -> name -> s
    wall: dict[str, float] = field(default_factory=dict)  # phase -> s
    start_mb: dict[str, float] = field(default_factory=dict)
    peak_mb: dict[str, float] = field(default_factory=dict)
    per_replica: dict[str, int] = field(default_factory=dict)  # visitors per replica
    lessons: list[str] = field(default_factory=list)  # the lessons with a player, visited
    fault: dict | None = None
    events: list[str] = field(default_factory=list)  # deploy/serve.sh's after "ready"


def _spread(values: list[float]) -> tuple[float, float]:
    if len(values) < 2:
        return (values[0], values[0]) if values else (float("nan"), float("nan"))
    return statistics.median(values), statistics.quantiles(values, n=20)[18]


async def _gather_staggered(coros, stagger: float):
    async def later(i, coro):
        await asyncio.sleep(i * stagger)
        return await coro

    return await asyncio.gather(
        *(later(i, coro) for i, coro in enumerate(coros)), return_exceptions=True
    )


async def _arrive(clients, base: str, url_path: str, delay: float, run: Run):
    await asyncio.sleep(delay)
    visitor = await clients.new_visitor(base, url_path)
    try:
        await visitor.open()
        visitor.loaded = True
    except Exception as exc:  # a session that never loads is an error, not a crash
        run.errors.append(f"{url_path}: load ({visitor.stage}) {type(exc).__name__}")
    return visitor


async def _press_play(visitor, run: Run) -> None:
    try:
        if await visitor.play():
            run.plays += 1
    except Exception as exc:
        run.errors.append(f"{visitor.url_path}: Play {type(exc).__name__}")


async def _press_pause(visitor, run: Run) -> None:
    try:
        await visitor.pause()
    except Exception as exc:
        run.errors.append(f"{visitor.url_path}: Pause {type(exc).__name__}")


async def _timed_move(visitor, run: Run, phase: str, into: list[float]) -> None:
    try:
        seconds = await visitor.move_slider()
        into.append(seconds)
        run.timed.setdefault(phase, []).append((seconds, visitor.url_path))
    except Exception as exc:
        run.errors.append(f"{visitor.url_path}: {phase} {type(exc).__name__}: {exc}"[:200])
    if await visitor.exception_shown():
        run.errors.append(f"{visitor.url_path}: exception shown ({phase})")


@dataclass
class Recovery:
    """One visitor of the killed replica, in seconds from the kill: its page reconnected;
    it showed the same view again (reconnected, idle, a chart, the same URL, title and
    first slider, no exception); its next change (one notch) had drawn. ``failure``: the
    stage it did not get past."""

    reconnected_s: float | None = None
    view_s: float | None = None
    change_s: float | None = None
    failure: str = ""


async def _recover(visitor: Visitor, before: tuple, sockets: tuple[int, int], killed_at):
    page, runs, out = visitor.page, visitor.runs, Recovery()
    stage = "reconnect"
    try:
        end = time.perf_counter() + ACTION_TIMEOUT
        while not (runs.closed > sockets[1] and runs.opened > sockets[0]):
            if time.perf_counter() > end:
                raise TimeoutError
            await asyncio.sleep(0.05)
        out.reconnected_s = time.perf_counter() - killed_at
        stage = "connection status"
        await page.wait_for_selector(CONNECTING, state="detached", timeout=ACTION_TIMEOUT * 1000)
        stage = "idle with a chart"
        await page.wait_for_function(IDLE_WITH_CHART, polling="raf", timeout=ACTION_TIMEOUT * 1000)
        stage = "no exception"
        if await visitor.exception_shown():
            raise AssertionError
        stage = "same view"
        after = await visitor.view()
        if after != before:
            raise AssertionError(f"{before} -> {after}")
        out.view_s = time.perf_counter() - killed_at
        stage = "next change"
        await visitor.move_slider()
        if await visitor.exception_shown():
            stage = "no exception after the next change"
            raise AssertionError
        out.change_s = time.perf_counter() - killed_at
    except Exception as exc:
        out.failure = f"{visitor.url_path}: {stage} ({type(exc).__name__} {exc})"[:200]
    return out


async def _fault(visitors: list[Visitor], served, run: Run) -> dict:
    """Kill replica 1 while everyone plays; see who recovers and who noticed."""
    live = [v for v in visitors if v.loaded]
    replayed = Run("fault", len(live))  # counts of its own, not the timed phases'
    await asyncio.gather(*(_press_play(v, replayed) for v in live))
    await asyncio.sleep(2.0)
    replicas = await asyncio.gather(*(v.replica() for v in live))
    victims = [v for v, r in zip(live, replicas, strict=True) if r == "replica_1"]
    others = [v for v, r in zip(live, replicas, strict=True) if r != "replica_1"]
    views = await asyncio.gather(*(v.view() for v in victims))
    sockets = {id(v): (v.runs.opened, v.runs.closed) for v in live}
    seen = len(served.lines)
    pid = served.pids[1]
    killed_at = time.perf_counter()
    os.kill(pid, signal.SIGKILL)

    others_s: list[float] = []
    outcomes, _ = await asyncio.gather(
        asyncio.gather(
            *(
                _recover(v, view, sockets[id(v)], killed_at)
                for v, view in zip(victims, views, strict=True)
            )
        ),
        _gather_staggered(
            [_timed_move(v, run, "fault (other replica)", others_s) for v in others], STAGGER
        ),
    )
    try:  # deploy/serve.sh restarts it (blocking here is fine: every visitor is done)
        served.wait_for(r"replica 1 \(pid \d+\) answers", 120, start=seen)
        restart_s = served.matched_at - killed_at
    except RuntimeError:
        restart_s = float("nan")
    noticed = [
        v.url_path
        for v in others
        if v.runs.closed > sockets[id(v)][1] or v.runs.opened > sockets[id(v)][0]
    ]
    others_exceptions = sum(await asyncio.gather(*(v.exception_shown() for v in others)))
    return {
        "killed_pid": pid,
        "victims": len(victims),
        "outcomes": outcomes,
        "others": len(others),
        "others_reconnected": noticed,
        "others_exceptions": others_exceptions,
        "others_s": others_s,
        "restart_s": restart_s,
    }


def niced_chromium(nice: int, folder: str) -> str:
    """An executable that starts Chromium at CPU priority ``nice`` (its own processes
    inherit it): a two-line script in ``folder``; ``CHROMIUM`` itself for 0."""
    if nice == 0:
        return CHROMIUM
    wrapper = Path(folder) / "chromium-niced"
    wrapper.write_text(f'#!/bin/sh\nexec nice -n {int(nice)} "{CHROMIUM}" "$@"\n')
    wrapper.chmod(0o755)
    return str(wrapper)


class BrowserClients:
    """The browser mode's visitors: one Chromium (at CPU priority ``nice``) with a context
    and page per visitor. Used as ``async with``."""

    kind = "browser"

    def __init__(self, nice: int = BROWSER_NICE):
        self.nice = nice

    async def __aenter__(self):
        from playwright.async_api import async_playwright

        self._stack = contextlib.AsyncExitStack()
        playwright = await self._stack.enter_async_context(async_playwright())
        folder = self._stack.enter_context(tempfile.TemporaryDirectory())  # the launcher's
        self.browser = await playwright.chromium.launch(
            executable_path=niced_chromium(self.nice, folder),
            args=[*CHROMIUM_ARGS, *UNTHROTTLED],
        )
        self._stack.push_async_callback(self.browser.close)
        return self

    async def __aexit__(self, *exc_info) -> None:
        await self._stack.aclose()

    async def lessons_with_player(self, base: str) -> dict[str, bool]:
        return await lessons_with_player(self.browser, base)

    async def new_visitor(self, base: str, url_path: str) -> Visitor:
        context = await self.browser.new_context(
            viewport={"width": 1200, "height": 900}, reduced_motion="reduce"
        )
        await context.add_init_script(KEEP_PLAYING)
        page = await context.new_page()
        return Visitor(context, page, url_path, RunCounter(page), base=base)


class ProtocolLoadVisitor(ProtocolVisitor):
    """A protocol visitor in the phases (``bench.protocol``). Play and Pause happen in
    the browser and send nothing to the server (``ui/player.py``), so they send nothing
    here either; a slider move is timed to its run's ``script_finished`` and must have
    changed a chart (a place whose Vega-Lite spec or data differ from before)."""

    def __init__(self, base: str, url_path: str):
        super().__init__(base, url_path)
        self.loaded, self.stage = False, "open"

    async def open(self) -> PageRun:
        self.stage = "first run"
        return await super().open(timeout=180.0)

    async def play(self) -> bool:
        return False  # nothing to send: the animation runs in the visitor's browser

    async def pause(self) -> None:
        return None

    async def playing(self) -> bool:
        return False

    async def replica(self) -> str | None:
        """The replica nginx chose, from the cookie it set on the websocket's handshake
        (none without nginx)."""
        return handshake_cookie(self._socket, COOKIE)

    async def move_slider(self) -> float:
        move = await self.move_first_slider(timeout=ACTION_TIMEOUT)
        if not move.changed_charts:
            raise AssertionError(f"{move.label} {move.before} -> {move.after} changed no chart")
        return move.seconds

    async def exception_shown(self) -> bool:
        return self.page is not None and self.page.exceptions > 0


class ProtocolClients:
    """The protocol mode's visitors: websocket sessions in this process. The lessons with a
    player are those whose first run draws the player component and no exception (each
    opened once, which also warms its cached run, as the browser mode's scan does);
    ``only``: look at these URL paths alone."""

    kind = "protocol"

    def __init__(self, only: Sequence[str] = ()):
        self.only = tuple(only)

    async def __aenter__(self):
        self.visitors: list[ProtocolLoadVisitor] = []
        return self

    async def __aexit__(self, *exc_info) -> None:
        await asyncio.gather(*(v.close() for v in self.visitors), return_exceptions=True)

    async def lessons_with_player(self, base: str) -> dict[str, bool]:
        found = {}
        for lesson in available():
            if self.only and lesson.url_path not in self.only:
                continue
            visitor = ProtocolVisitor(base, lesson.url_path)
            try:
                run = await visitor.open(timeout=120.0)
                found[lesson.url_path] = run.has_player and not run.exceptions
            except Exception:  # a page that never finishes has no player to play
                found[lesson.url_path] = False
            finally:
                await visitor.close()
        return found

    async def new_visitor(self, base: str, url_path: str) -> ProtocolLoadVisitor:
        visitor = ProtocolLoadVisitor(base, url_path)
        self.visitors.append(visitor)
        return visitor


async def scenario(clients, base: str, sessions: int, run: Run, servers: dict[str, int], served):
    """Play, slider, quiet (and fault, with ``served``); CPU per phase per process (with
    protocol visitors, this process's own CPU too: ``VISITORS``)."""
    marks: list[tuple[str, float, dict[str, float]]] = []
    sampled = dict(servers)
    if clients.kind == "protocol":
        sampled[VISITORS] = os.getpid()

    async with clients:
        lessons = lessons_for(await clients.lessons_with_player(base), sessions)
        run.lessons = sorted(set(lessons))
        sampler = Sampler(sampled)
        sampler.start()

        def mark(phase: str) -> None:
            marks.append((phase, time.perf_counter(), sampler.cpu_now()))

        mark("arrive")
        visitors = await asyncio.gather(
            *(_arrive(clients, base, url_path, i * RAMP, run) for i, url_path in enumerate(lessons))
        )
        live = [v for v in visitors if v.loaded]
        run.loaded = len(live)
        if served is not None:
            for name in await asyncio.gather(*(v.replica() for v in live)):
                run.per_replica[name or "?"] = run.per_replica.get(name or "?", 0) + 1
        mark("play")
        await asyncio.gather(*(_press_play(v, run) for v in live))
        await asyncio.sleep(PLAY_SECONDS)
        run.playing = sum(await asyncio.gather(*(v.playing() for v in live)))
        mark("slider")
        moves = [_timed_move(v, run, "slider", run.slider_s) for v in live]
        await _gather_staggered(moves, STAGGER)
        await asyncio.gather(*(_press_pause(v, run) for v in live))
        mark("quiet")
        moves = [_timed_move(v, run, "quiet", run.quiet_s) for v in live]
        await _gather_staggered(moves, STAGGER)
        mark("end")
        sampler.stop_flag = True
        if served is not None and len(served.pids) > 1 and clients.kind == "browser":
            run.fault = await _fault(live, served, run)
    sampler.join()
    for (phase, t0, cpu0), (_, t1, cpu1) in itertools.pairwise(marks):
        run.wall[phase] = t1 - t0
        run.cpu[phase] = {name: cpu1[name] - cpu0[name] for name in [*sampled, MACHINE]}
    run.start_mb = {name: rss / 2**20 for name, rss in sampler.start_rss.items()}
    run.peak_mb = {name: rss / 2**20 for name, rss in sampler.peak_rss.items()}


def new_clients(client: str, browser_nice: int = BROWSER_NICE):
    """The visitors of a mode: ``browser`` (Chromium pages) or ``protocol``."""
    if client == "protocol":
        return ProtocolClients()
    if client == "browser":
        return BrowserClients(browser_nice)
    raise ValueError(f"unknown client {client!r}: browser or protocol")


def run_load(sessions: int = 20, browser_nice: int = BROWSER_NICE, client: str = "browser") -> Run:
    """The scenario on one Streamlit server, no nginx, with ``client`` visitors."""
    clients = new_clients(client, browser_nice)
    run = Run("1 server, no nginx", sessions, browser_nice=browser_nice, client=clients.kind)
    with streamlit_process() as (base, proc):
        run.servers = {"server": proc.pid}
        asyncio.run(scenario(clients, base, sessions, run, run.servers, None))
    return run


def run_replicas(
    replicas: int, sessions: int = 20, browser_nice: int = BROWSER_NICE, client: str = "browser"
) -> Run:
    """The scenario through nginx (deploy/serve.sh) to ``replicas`` replicas; with two or
    more and browser visitors, replica 1 is killed in a last phase (protocol visitors do not
    reconnect as a page does, so they skip it)."""
    clients = new_clients(client, browser_nice)
    run = Run(
        f"nginx + {replicas} replica{'s' if replicas > 1 else ''}",
        sessions,
        browser_nice=browser_nice,
        client=clients.kind,
    )
    with nginx_replicas(replicas) as served:
        run.servers = {f"replica_{i}": pid for i, pid in sorted(served.pids.items())}
        run.servers["nginx"] = served.nginx_pid
        asyncio.run(scenario(clients, served.base, sessions, run, run.servers, served))
        ready = next(i for i, line in enumerate(served.lines) if "ready" in line)
        run.events = served.lines[ready + 1 :]
    return run


def _phase_cpu(run: Run, phase: str) -> str:
    cpu = run.cpu.get(phase, {})
    return ", ".join(f"{name} {seconds:.1f}" for name, seconds in cpu.items() if name != MACHINE)


def _machine_busy(run: Run) -> str:
    """How busy the whole machine was in each phase, in % of all its cores."""
    cores = os.cpu_count() or 1
    return ", ".join(
        f"{phase} {100 * run.cpu[phase][MACHINE] / run.wall[phase] / cores:.0f}%"
        for phase in ("arrive", "play", "slider", "quiet")
        if MACHINE in run.cpu.get(phase, {}) and run.wall.get(phase)
    )


def _count_within(what: str, seconds: list[float | None]) -> str:
    done = [s for s in seconds if s is not None]
    text = f"{what} {len(done)} ({sum(s <= RECOVERY_TARGET for s in done)} within "
    text += f"{RECOVERY_TARGET:.0f} s"
    if done:
        text += f", median {statistics.median(done):.1f}, max {max(done):.1f}"
    return text + ")"


CLIENT_LABELS = {"browser": "browser visitors", "protocol": "protocol visitors, no browser"}


def report(run: Run) -> str:
    """The figures of a run; with protocol visitors, the times end at the rerun's
    ``script_finished`` (nothing is drawn) and Play, which sends nothing, is not pressed."""
    protocol = run.client == "protocol"
    replicas = [name for name in run.servers if name != "nginx"]
    slider_p50, slider_p95 = _spread(run.slider_s)
    quiet_p50, quiet_p95 = _spread(run.quiet_s)
    play_cpu = sum(run.cpu["play"][name] for name in replicas)
    quiet_cpu = sum(run.cpu["quiet"][name] for name in replicas)
    changing = run.wall["slider"] + run.wall["quiet"]
    busiest = max(run.cpu["slider"][name] + run.cpu["quiet"][name] for name in replicas) / changing
    lines = [
        f"load [{run.label}; {CLIENT_LABELS[run.client]}]: {run.sessions} sessions"
        + (
            " (visitors per replica: "
            + ", ".join(f"{k} {v}" for k, v in sorted(run.per_replica.items()))
            + ")"
            if run.per_replica
            else ""
        )
        + f", {len(run.errors)} errors; "
        + (
            f"{run.loaded} loaded; Play sends nothing (the player runs in the browser)"
            if protocol
            else f"Play pressed {run.plays}, {run.playing} playing {PLAY_SECONDS:.0f} s later"
        )
        + (f"; lessons with a player: {', '.join(run.lessons)}" if run.lessons else ""),
        (
            "  slider while the animations play in the visitors' browsers (one visitor every "
            f"{STAGGER} s): {len(run.slider_s)} timed, slider to finished rerun "
            f"(script_finished; every one changed a chart) p50 {slider_p50:.2f} s, "
            f"p95 {slider_p95:.2f} s"
            if protocol
            else f"  slider while the animations play in the browsers (one visitor every "
            f"{STAGGER} s, browsers at nice {run.browser_nice}): {len(run.slider_s)} timed, "
            f"slider to updated chart p50 {slider_p50:.2f} s, p95 {slider_p95:.2f} s"
        ),
        f"  slider with nothing playing: {len(run.quiet_s)} timed, p50 {quiet_p50:.2f} s, "
        f"p95 {quiet_p95:.2f} s; server CPU {quiet_cpu / max(len(run.quiet_s), 1):.2f} s "
        f"per control change",
        f"  server CPU while playing: "
        f"{play_cpu / run.wall['play'] / max(run.loaded if protocol else run.plays, 1):.4f} s "
        f"per second per visitor ({play_cpu:.1f} s over {run.wall['play']:.1f} s)",
        "  CPU s by phase: "
        + "; ".join(
            f"{phase} ({run.wall[phase]:.0f} s): {_phase_cpu(run, phase)}"
            for phase in ("arrive", "play", "slider", "quiet")
        )
        + f"; busiest replica during slider+quiet {100 * busiest:.0f}% of a core",
        f"  machine busy ({'protocol visitors' if protocol else 'browsers'}, servers and all "
        f"else, % of {os.cpu_count()} cores): " + _machine_busy(run),
        "  memory: "
        + ", ".join(
            f"{name} {run.start_mb[name]:.0f} -> {run.peak_mb[name]:.0f} MB"
            + (
                f" (~{(run.peak_mb[name] - run.start_mb[name]) / count:.1f} MB per session)"
                if (count := run.per_replica.get(name, run.sessions if name == "server" else 0))
                else ""
            )
            for name in run.servers
        ),
    ]
    if run.timed:
        lines.append(
            "  slowest moves: "
            + "; ".join(
                f"{phase}: "
                + ", ".join(f"{lesson} {seconds:.2f} s" for seconds, lesson in sorted(moves)[-3:])
                for phase, moves in run.timed.items()
            )
        )
    if run.fault:
        f = run.fault
        outcomes: list[Recovery] = f["outcomes"]
        lines += [
            f"  fault: replica_1 (pid {f['killed_pid']}) killed while all played; its "
            f"{f['victims']} visitors, seconds from the kill:",
            "    "
            + _count_within("reconnected", [o.reconnected_s for o in outcomes])
            + "; "
            + _count_within("same view again", [o.view_s for o in outcomes])
            + "; "
            + _count_within("next change drawn", [o.change_s for o in outcomes]),
            f"    killed replica restarted and answering after {f['restart_s']:.1f} s",
            f"  fault: the other {f['others']} visitors: {len(f['others_reconnected'])} "
            f"reconnected, {f['others_exceptions']} exceptions, slider to updated chart "
            "p50 {:.2f} s, p95 {:.2f} s".format(*_spread(f["others_s"])),
        ]
        failures = [o.failure for o in outcomes if o.failure]
        if failures:
            lines.append(f"  fault failures: {failures[:10]}")
    if run.errors:
        lines.append(f"  errors: {run.errors[:10]}")
    lines += [f"  {event}" for event in run.events]
    return "\n".join(lines)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument(
        "--replicas",
        type=int,
        default=0,
        help="through nginx: the same sessions on 1 replica, then on this many",
    )
    parser.add_argument(
        "--browser-nice",
        type=int,
        default=BROWSER_NICE,
        choices=range(20),
        metavar="0-19",
        help="CPU priority of the browsers (19: lowest, the default; 0: as the servers)",
    )
    parser.add_argument(
        "--client",
        choices=("browser", "protocol"),
        default="browser",
        help="the visitors: Chromium pages (default), or websocket clients without a browser "
        "(the server's share of the latency; bench/protocol.py)",
    )
    args = parser.parse_args()
    sessions = min(args.sessions, 50)
    if args.replicas:
        for count in sorted({1, min(args.replicas, 8)}):
            run = run_replicas(count, sessions, args.browser_nice, args.client)
            print(report(run), flush=True)
    else:
        print(report(run_load(sessions, args.browser_nice, args.client)))
