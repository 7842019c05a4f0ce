"""What the browser tests do on a page: wait for the script, collect console errors."""

from __future__ import annotations

import shutil

# Debian's Chromium (Playwright cannot download its own browser here) and its flags
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

APP_STATUS_RUNNING = '[data-testid="stStatusWidget"]'
CHART = '[data-testid="stVegaLiteChart"]'
CODE = '[data-testid="stCode"]'
EXCEPTION = '[data-testid="stException"]'


def wait_for_app(page, timeout: float = 30_000) -> None:
    """Wait until the script has finished: the app view exists and no run is in progress."""
    page.wait_for_selector('[data-testid="stApp"]', timeout=timeout)
    page.wait_for_function(
        """() => { const a = document.querySelector('[data-testid="stApp"]');
                    return a && a.getAttribute('data-test-script-state') === 'notRunning'; }""",
        timeout=timeout,
    )


# Streamlit's front end probes for a base path on a deep link (``/<page>/_stcore/health``,
# ``/<page>/_stcore/host-config``) before it finds the server's root; the 404s are expected.
EXPECTED_404 = ("/_stcore/health", "/_stcore/host-config")


def watch_console(page) -> list[str]:
    """Collect console errors and uncaught page errors, less Streamlit's base-path probes."""
    errors: list[str] = []

    def on_console(msg) -> None:
        if msg.type != "error":
            return
        url = (msg.location or {}).get("url", "")
        if "404" in msg.text and url.endswith(EXPECTED_404):
            return
        errors.append(f"{msg.text} ({url})")

    page.on("console", on_console)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    return errors


STABLE_MS, STABLE_TRIES = 400, 50


def page_text(page) -> str:
    """The text of the page's main area, each chart's labels sorted. Vega keeps the label
    marks it already drew when a resize adds ticks and appends the new ones, so the same
    axis reads 0 10 20 5 15 or 0 5 10 15 20 depending on how wide the chart was first
    drawn: the order of the marks in the document is the render history, not the view."""
    text = page.locator('[data-testid="stMain"]').inner_text()
    for chart in page.locator(CHART).all_inner_texts():
        labels = chart.strip()
        if labels:
            text = text.replace(labels, "\n".join(sorted(labels.splitlines())), 1)
    return text


def main_text(page) -> str:
    """The page's text (``page_text``) once it has stopped changing: after the script
    finishes, an element whose code the browser is still loading (the download button's)
    draws a moment later, and on a busy machine that moment was long enough to be read
    without it."""
    text = page_text(page)
    for _ in range(STABLE_TRIES):
        page.wait_for_timeout(STABLE_MS)
        again = page_text(page)
        if again == text:
            return text
        text = again
    raise AssertionError("the page kept changing")


def slider_value(page, label: str) -> float:
    """The value of the slider whose label is ``label``."""
    return page.evaluate(
        """(label) => { const s = [...document.querySelectorAll('[data-testid="stSlider"]')]
                          .find(e => e.innerText.startsWith(label));
                        return s ? Number(s.querySelector('input[type=range]').value) : NaN; }""",
        label,
    )


def wait_for_slider(
    page, label: str, low: float, high: float = float("inf"), timeout: float = 20_000
) -> None:
    """Wait until the slider labelled ``label`` shows a value in ``[low, high]``."""
    page.wait_for_function(
        """([label, low, high]) => {
             const s = [...document.querySelectorAll('[data-testid="stSlider"]')]
                         .find(e => e.innerText.startsWith(label));
             if (!s) return false;
             const v = Number(s.querySelector('input[type=range]').value);
             return v >= low && v <= high; }""",
        arg=[label, low, high if high != float("inf") else 1e300],
        timeout=timeout,
    )


# The player (ui/player.*) is a custom component in the container ".st-key-<key>_player";
# its root ".dl-player" carries data-frame (0-based), data-playing and data-ready.
PLAYER = ".dl-player[data-ready='true']"
PLAYER_ROOT = ".st-key-{key}_player .dl-player"  # .format(key=...)
PLAYER_KEY_JS = """() => {
  for (const el of document.querySelectorAll('[class*="st-key-"]')) {
    if (!el.querySelector('.dl-player')) continue;
    for (const c of el.classList) {
      if (c.startsWith('st-key-') && c.endsWith('_player')) return c.slice(7, -7);
    }
  }
  return null; }"""
FRAME_JS = """(key) => {
  const p = document.querySelector(`.st-key-${key}_player .dl-player`);
  return p ? Number(p.dataset.frame) : null; }"""
SIGNAL_JS = """(name) => [...document.querySelectorAll(`input[name="${name}"]`)]
                          .map((i) => Number(i.value))"""


def player_key(page) -> str | None:
    """The key of the first animation player on the page (None: the page has none)."""
    return page.evaluate(PLAYER_KEY_JS)


def player(page, key: str):
    """The locator of player ``key``'s root element."""
    return page.locator(f".st-key-{key}_player .dl-player")


def player_frame(page, key: str) -> float:
    """The frame (0-based) the player ``key`` shows."""
    return page.evaluate(FRAME_JS, key)


def chart_frames(page, key: str) -> list[float]:
    """The frame each chart following player ``key`` draws (its hidden param input)."""
    return page.evaluate(SIGNAL_JS, f"{key}_frame")


def wait_for_frame(page, key: str, low: float, high: float = float("inf"), timeout=20_000):
    """Wait until player ``key`` and every chart following it show a frame in [low, high]."""
    page.wait_for_function(
        """([key, low, high]) => {
             const p = document.querySelector(`.st-key-${key}_player .dl-player`);
             if (!p) return false;
             const f = Number(p.dataset.frame);
             const charts = [...document.querySelectorAll(`input[name="${key}_frame"]`)];
             return f >= low && f <= high && charts.length > 0
                    && charts.every((i) => Number(i.value) === f); }""",
        arg=[key, low, high if high != float("inf") else 1e300],
        timeout=timeout,
    )


def reset_player(page, key: str) -> None:
    player(page, key).locator(".dl-reset").click()
    wait_for_frame(page, key, 0, 0)


def play_player(page, key: str, at_least: int = 1) -> None:
    """Reset the player ``key``, play until its frame reaches ``at_least``, pause; every
    chart following it shows the same frame."""
    reset_player(page, key)
    play = player(page, key).locator(".dl-play")
    play.click()
    wait_for_frame(page, key, at_least)
    if player(page, key).get_attribute("data-playing") == "true":
        play.click()  # pause (a short run may have ended by itself)
    page.wait_for_function(
        f"() => document.querySelector('.st-key-{key}_player .dl-player')"
        ".dataset.playing === 'false'",
        timeout=20_000,
    )
    frame = player_frame(page, key)
    assert frame >= at_least
    wait_for_frame(page, key, frame, frame)


def play_some(page, key: str, at_least: int, min_charts: int = 3) -> None:
    """``play_player``, and at least ``min_charts`` charts follow the player's frame."""
    play_player(page, key, at_least)
    shown = player_frame(page, key)
    charts = chart_frames(page, key)
    assert len(charts) >= min_charts and set(charts) == {shown}, (charts, shown)


def open_lesson(page, app_url, key: str, lang: str, extra: str = "") -> None:
    """Open lesson ``key`` by deep link (``extra``: more query text, ``&a=1``) and wait
    for its script to finish and its first chart."""
    from ui.lessons import by_key

    page.goto(f"{app_url}/{by_key(key).url_path}?lang={lang}{extra}")
    wait_for_app(page, timeout=60_000)
    page.wait_for_selector(CHART, timeout=60_000)
    if player_key(page) is not None:
        page.wait_for_selector(PLAYER, timeout=60_000)


def full_screenshot(page, path, width: int = 1400) -> None:
    """The whole page (Streamlit scrolls inside its own container), then the usual size."""
    height = page.evaluate(
        """() => { const m = document.querySelector('[data-testid="stMain"]');
                    return m ? m.scrollHeight : 1000; }"""
    )
    page.set_viewport_size({"width": width, "height": min(int(height) + 40, 7000)})
    page.wait_for_timeout(500)
    page.screenshot(path=str(path))
    page.set_viewport_size({"width": width, "height": 1000 if width > 600 else 900})
