"""Helpers for ``streamlit.testing.v1.AppTest`` page tests.

A lesson is opened the way a visitor's deep link opens it: the app entry point with the
page switched to the lesson file (``st.page_link`` needs the entry point to resolve).
"""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parent.parent
TIMEOUT = 60


def open_page(file: str | None = None, lang: str = "en", params: dict | None = None,
              timeout: float = TIMEOUT) -> AppTest:
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
    """No exception element and no error box on the page."""
    assert not at.exception, [e.message for e in at.exception]
    assert not at.error, [e.value for e in at.error]


def charts(at: AppTest) -> list:
    return list(at.get("vega_lite_chart"))


def notice_text(at: AppTest) -> str:
    """All markdown and info text on the page, joined (for checking computed statements)."""
    parts = [m.value for m in at.markdown] + [i.value for i in at.info]
    return "\n".join(parts)


def widget_extremes(at: AppTest):
    """Yield (widget, value) pairs: every slider and select_slider at its min and max,
    every selectbox/radio at each end of its options, every toggle both ways."""
    for s in at.slider:
        yield s, s.min
        yield s, s.max
    for s in at.select_slider:
        opts = s.options
        yield s, opts[0]
        yield s, opts[-1]
    for s in list(at.selectbox) + list(at.radio):
        yield s, s.options[0]
        yield s, s.options[-1]
    for s in at.toggle:
        yield s, True
        yield s, False
