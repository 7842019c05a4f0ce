"""Helpers for ``streamlit.testing.v1.AppTest`` page tests.

A lesson is opened the way a visitor's deep link opens it: the app entry point with the
page switched to the lesson file (``st.page_link`` needs the entry point to resolve).
"""

from __future__ import annotations

import contextlib
import json
from pathlib import Path

import pyarrow as pa
from streamlit.testing.v1 import AppTest

from ui.controls import CODE_KEY, OPTIONS_PREFIX
from ui.lessons import available

ROOT = Path(__file__).resolve().parents[2]
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


def elements(at: AppTest, kind: str) -> list:
    """Every element of type ``kind`` on the page (``bidi_component``, ...), in order."""
    found = []

    def walk(node) -> None:
        for child in getattr(node, "children", {}).values():
            if getattr(child, "type", None) == kind:
                found.append(child)
            walk(child)

    walk(at._tree)
    return found


def player_data(at: AppTest, key: str) -> dict:
    """The data the page sent to its player ``key`` (frames, start, run_id, labels, ...).
    AppTest runs no JavaScript: the player's behaviour is tested in the browser."""
    for element in elements(at, "bidi_component"):
        if element.proto.id.endswith(f"-{key}_player"):
            return json.loads(element.proto.json)
    raise AssertionError(f"no player {key!r} on the page")


def frame_charts(at: AppTest, key: str) -> list[dict]:
    """The specs of the charts that follow player ``key`` (they hold its param)."""
    specs = [json.loads(c.proto.spec) for c in charts(at)]
    return [s for s in specs if any(p.get("name") == f"{key}_frame" for p in s.get("params", []))]


def frame_tables(at, key: str) -> list:
    """The data frames of the charts that follow player ``key``."""
    tables = []
    for chart in charts(at):
        params = json.loads(chart.proto.spec).get("params", [])
        if any(p.get("name") == f"{key}_frame" for p in params):
            tables += list(chart_datasets(chart).values())
    return tables


def table_with(at, key: str, columns: set):
    """The first frame-following table holding ``columns``."""
    found = [t for t in frame_tables(at, key) if columns <= set(t.columns)]
    assert found, f"no frame-following table with {columns}"
    return found[0]


def chart_datasets(chart) -> dict:
    """The data frames a chart element was sent with, by dataset name (``data-0``, ...)."""
    out = {}
    for named in chart.proto.datasets:
        out[named.name] = pa.ipc.open_stream(named.data.data).read_all().to_pandas()
    return out


def charts(at: AppTest) -> list:
    return list(at.get("vega_lite_chart"))


def notice_text(at: AppTest) -> str:
    """All markdown and info text on the page, joined (for checking computed statements)."""
    parts = [m.value for m in at.markdown] + [i.value for i in at.info]
    return "\n".join(parts)


def learner_text(at: AppTest) -> str:
    """Every text a learner reads on the page outside the charts: markdown, captions,
    titles, notices, metrics, expander and tab labels, widget labels and the options of
    choice widgets as they are shown (their ``format_func``)."""
    parts = []
    for kind in ("markdown", "caption", "title", "header", "subheader", "info", "warning"):
        parts += [str(element.value) for element in getattr(at, kind)]
    parts += [f"{m.label} {m.value}" for m in at.metric]
    parts += [e.label for e in at.expander] + [tab.label for tab in at.tabs]
    for kind in ("slider", "number_input", "toggle", "select_slider", "selectbox", "radio"):
        for widget in getattr(at, kind):
            parts.append(widget.label)
            parts += [str(o) for o in getattr(widget, "options", [])]
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
