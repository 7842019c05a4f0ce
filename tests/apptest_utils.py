"""Helpers for ``streamlit.testing.v1.AppTest`` page tests.

A lesson is opened the way a visitor's deep link opens it: the app entry point with the
page switched to the lesson file (``st.page_link`` needs the entry point to resolve).
"""

from __future__ import annotations

import contextlib
from pathlib import Path

from streamlit.testing.v1 import AppTest

from ui.controls import CODE_KEY, OPTIONS_PREFIX
from ui.lessons import available

ROOT = Path(__file__).resolve().parent.parent
TIMEOUT = 60


def open_page(
    file: str | None = None, lang: str = "en", params: dict | None = None, timeout: float = TIMEOUT
) -> AppTest:
    """Run ``file`` (e.g. ``"pages/01_gradient_descent.py"``; None = home) once and return
    the AppTest. ``params`` are URL query parameters."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=timeout)
    at.query_params["lang"] = lang
    for key, value in (params or {}).items():
        at.query_params[key] = value
    if file is not None:
        at.switch_page(file)
    return at.run()


def assert_clean(at: AppTest) -> None:
    """No exception element and no error box on the page, and the run got to its end: the
    sidebar, which a page draws last (``page.finish()``), lists home and every lesson."""
    assert not at.exception, [e.message for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    links = at.sidebar.get("page_link")
    assert len(links) == len(available()) + 1, "the page ended without its sidebar"


def open_code(at: AppTest) -> str:
    """Open the page's code expander and return its code blocks joined. The code is built
    only while the expander is open, so a page that is still closed has none."""
    assert not at.code, "code sent while its expander is closed"
    at.session_state[CODE_KEY] = True
    at.run()
    assert_clean(at)
    assert at.code, "the open code expander shows no code"
    return "\n".join(c.value for c in at.code)


def reset_and_play(at: AppTest, player: str, ticks: int = 0) -> None:
    """Reset the page's player ``player`` (its frame goes to 0), press Play, let ``ticks``
    more runs of the animation's fragment happen: the frame has moved on and nothing
    raised."""
    at.button(key=f"{player}_reset_btn").click().run()
    assert at.session_state[f"{player}_frame"] == 0
    at.button(key=f"{player}_play_btn").click().run()
    for _ in range(ticks):
        at.run()
    assert at.session_state[f"{player}_frame"] > 0
    assert_clean(at)


def charts(at: AppTest) -> list:
    return list(at.get("vega_lite_chart"))


def notice_text(at: AppTest) -> str:
    """All markdown and info text on the page, joined (for checking computed statements)."""
    parts = [m.value for m in at.markdown] + [i.value for i in at.info]
    return "\n".join(parts)


def option_value(widget, formatted: str):
    """The option behind a formatted label of a select_slider (AppTest's ``set_value``
    wants the option itself): tries the label as text, int and float."""
    digits = "".join(ch for ch in formatted if ch in "0123456789.-eE+")
    candidates = [formatted]
    for cast in (int, float):
        with contextlib.suppress(ValueError):
            candidates.append(cast(digits))
    for candidate in candidates:
        try:
            if widget.format_func(candidate) == formatted:
                return candidate
        except Exception:
            continue
    raise ValueError(f"cannot find the option behind {formatted!r}")


def real_options(at: AppTest, widget) -> list:
    """The options behind a choice widget: ``ui.controls.select`` keeps them in session
    state; otherwise the labels are inverted through the widget's format function."""
    key = OPTIONS_PREFIX + str(widget.key)
    if widget.key is not None and key in at.session_state:
        return list(at.session_state[key])
    return [option_value(widget, label) for label in widget.options]


def widget_extremes(at: AppTest):
    """Yield (widget, value) pairs: every slider and number input at its min and max,
    every choice widget at its first and last option, every toggle and checkbox both ways.
    The widgets are looked up again by key before each value, since runs rebuild them."""
    plan = []
    for s in at.slider:
        plan += [("slider", s.key, s.min), ("slider", s.key, s.max)]
    for s in at.number_input:
        plan += [("number_input", s.key, s.min), ("number_input", s.key, s.max)]
    for kind in ("select_slider", "selectbox", "radio"):
        for s in getattr(at, kind):
            options = real_options(at, s)
            plan += [(kind, s.key, options[0]), (kind, s.key, options[-1])]
    for kind in ("toggle", "checkbox"):
        for s in getattr(at, kind):
            plan += [(kind, s.key, True), (kind, s.key, False)]
    for kind, key, value in plan:
        if key is None:
            continue
        try:
            widget = getattr(at, kind)(key=key)
        except KeyError:
            continue  # the widget left the page after an earlier change
        yield widget, value
