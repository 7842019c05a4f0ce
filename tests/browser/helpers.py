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


def main_text(page) -> str:
    """The page's text once it has stopped changing: after the script finishes, an element
    whose code the browser is still loading (the download button's) draws a moment later,
    and on a busy machine that moment was long enough to be read without it."""
    text = page.locator('[data-testid="stMain"]').inner_text()
    for _ in range(STABLE_TRIES):
        page.wait_for_timeout(STABLE_MS)
        again = page.locator('[data-testid="stMain"]').inner_text()
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


# The shared player's widgets carry keys "<player>_shown" (the scrub slider, numbered from
# its minimum), "<player>_play_btn", ...; Streamlit exposes a widget key as the class
# "st-key-<key>" on its container.
PLAYER_KEY_JS = """() => {
  for (const el of document.querySelectorAll('[class*="st-key-"]')) {
    for (const c of el.classList) {
      if (c.startsWith('st-key-') && c.endsWith('_shown')) return c.slice(7, -6);
    }
  }
  return null; }"""
FRAME_JS = """(key) => {
  const s = document.querySelector(`.st-key-${key}_shown input[type=range]`);
  return s ? Number(s.value) - Number(s.min) : null; }"""


def player_key(page) -> str | None:
    """The key of the first animation player on the page (None: the page has none)."""
    return page.evaluate(PLAYER_KEY_JS)


def player_frame(page, key: str) -> float:
    """The frame (0-based) the player ``key`` shows."""
    return page.evaluate(FRAME_JS, key)


def reset_player(page, key: str) -> None:
    page.locator(f".st-key-{key}_reset_btn button").click()
    page.wait_for_function(f"() => ({FRAME_JS})('{key}') === 0", timeout=20_000)


def play_player(page, key: str, at_least: int = 1) -> None:
    """Reset the player ``key``, play until its frame reaches ``at_least``, pause."""
    reset_player(page, key)
    page.locator(f".st-key-{key}_play_btn button").click()
    page.wait_for_function(f"() => ({FRAME_JS})('{key}') >= {at_least}", timeout=20_000)
    page.locator(f".st-key-{key}_play_btn button").click()  # pause
    page.wait_for_selector(f".st-key-{key}_play_btn button:has-text('Play')", timeout=20_000)
    wait_for_app(page)
    assert player_frame(page, key) >= at_least


def open_lesson(page, app_url, key: str, lang: str, extra: str = "") -> None:
    """Open lesson ``key`` by deep link (``extra``: more query text, ``&a=1``) and wait
    for its script to finish and its first chart."""
    from ui.lessons import by_key

    page.goto(f"{app_url}/{by_key(key).url_path}?lang={lang}{extra}")
    wait_for_app(page, timeout=60_000)
    page.wait_for_selector(CHART, timeout=60_000)


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
