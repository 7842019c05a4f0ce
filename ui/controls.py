"""Widgets bound to the URL, so a shared link reproduces the view.

Every control here uses ``bind="query-params"`` with its ``key`` as the parameter name.
Streamlit quietly drops a URL value it cannot use (``lr=abc``) or clamps one out of range
(``lr=1e308``); these helpers look at the raw value first and, when it is not a valid
choice, fall back to the default *and say so* in the page's notice area.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager

import streamlit as st

from charts import numbers
from ui.page import Page

MAX_SHOWN = 40  # characters of a rejected URL value echoed back in a notice
OPTIONS_PREFIX = "_options_"
VIEWS_PREFIX = "_views_"


def url_value(key: str) -> str | None:
    try:
        values = st.query_params.get_all(key)
    except Exception:
        return None
    return values[-1] if values else None


def reject_url_value(page: Page, key: str, raw: str, default_text: str) -> None:
    page.notice(
        page.t("common.bad_param", name=key, value=raw[:MAX_SHOWN], default=default_text),
        icon=":material/link_off:",
    )


def _parse_number(raw: str, integer: bool) -> float | None:
    try:
        value = float(raw)
    except (TypeError, ValueError):
        return None
    if not math.isfinite(value) or (integer and value != int(value)):
        return None
    return value


def _on_grid(value: float, low: float, step: float | None) -> bool:
    if not step:
        return True
    ratio = (value - low) / step
    return abs(ratio - round(ratio)) < 1e-6


def _check_number(page, key, low, high, default, step, integer) -> None:
    raw = url_value(key)
    if raw is None or key in st.session_state:
        return
    value = _parse_number(raw, integer)
    if value is None or not (low <= value <= high) or not _on_grid(value, low, step):
        st.session_state[key] = default
        reject_url_value(page, key, raw, str(default))


def _bound_number(
    widget, page, key, label, min_value, max_value, default, step, fmt, help, container, check_step
):
    integer = all(isinstance(v, int) for v in (min_value, max_value, default))
    _check_number(page, key, min_value, max_value, default, step if check_step else None, integer)
    make = getattr(container or st, widget)
    return make(
        label,
        min_value,
        max_value,
        value=default,
        step=step,
        format=fmt,
        key=key,
        help=help,
        bind="query-params",
    )


def slider(
    page: Page,
    key: str,
    label: str,
    min_value: float,
    max_value: float,
    default: float,
    step: float | None = None,
    fmt: str | None = None,
    help: str | None = None,
    container=None,
):
    """A number slider bound to ``?key=``; ints when the bounds and default are ints. A URL
    value off the slider's step grid is rejected too (the slider could not show it)."""
    return _bound_number(
        "slider",
        page,
        key,
        label,
        min_value,
        max_value,
        default,
        step,
        fmt,
        help,
        container,
        check_step=True,
    )


def number(
    page: Page,
    key: str,
    label: str,
    min_value: float,
    max_value: float,
    default: float,
    step: float | None = None,
    fmt: str | None = None,
    help: str | None = None,
    container=None,
):
    """A number box bound to ``?key=`` (any value in range is accepted)."""
    return _bound_number(
        "number_input",
        page,
        key,
        label,
        min_value,
        max_value,
        default,
        step,
        fmt,
        help,
        container,
        check_step=False,
    )


def _sync_choice(key: str, default) -> Callable[[], None]:
    def sync() -> None:
        value = st.session_state.get(key)
        if value == default or value is None:
            if key in st.query_params:
                del st.query_params[key]
        else:
            st.query_params[key] = str(value)

    return sync


def select(
    page: Page,
    key: str,
    label: str,
    options: Sequence,
    default,
    format_func: Callable = str,
    help: str | None = None,
    kind: str = "selectbox",
    container=None,
):
    """A choice kept in ``?key=`` as the option's id (``str(option)``), whatever the
    language of its label: ``kind`` is ``selectbox``, ``radio``, ``pills``, ``segmented``
    or ``select_slider``.

    Streamlit's own binding would store the *formatted* label in the URL, so a link made in
    Korean would not open in English; these widgets sync the URL themselves instead.
    """
    options = list(options)
    ids = [str(o) for o in options]
    ss = st.session_state
    # the real options, so tests and the hostile-input sweep can try every one
    ss[OPTIONS_PREFIX + key] = tuple(options)
    if key not in ss or ss[key] not in options:
        raw = url_value(key)
        if raw is not None and raw in ids:
            ss[key] = options[ids.index(raw)]
        else:
            ss[key] = default
            if raw is not None:
                reject_url_value(page, key, raw, format_func(default))
                del st.query_params[key]
    where = container or st
    common = dict(key=key, help=help, format_func=format_func, on_change=_sync_choice(key, default))
    if kind == "selectbox":
        return where.selectbox(label, options, **common)
    if kind == "radio":
        return where.radio(label, options, horizontal=True, **common)
    if kind == "select_slider":
        return where.select_slider(label, options, **common)
    if kind in ("pills", "segmented"):
        widget = where.pills if kind == "pills" else where.segmented_control
        value = widget(label, options, required=True, **common)
        return default if value is None else value
    raise ValueError(f"unknown kind {kind!r}")


def value_slider(
    page: Page,
    key: str,
    label: str,
    options: Sequence[float],
    default: float,
    help: str | None = None,
    container=None,
) -> float:
    """A slider over a few chosen numbers (learning rates, factors), shown short
    (``0.001``, ``1 × 10⁻⁶``) and bound to ``?key=`` like ``select``."""
    return float(
        select(
            page,
            key,
            label,
            options,
            default,
            format_func=numbers.plain,
            help=help,
            kind="select_slider",
            container=container,
        )
    )


def toggle(
    page: Page, key: str, label: str, default: bool, help: str | None = None, container=None
) -> bool:
    """An on/off switch bound to ``?key=`` (``true``/``false``)."""
    raw = url_value(key)
    if raw is not None and key not in st.session_state and raw.lower() not in ("true", "false"):
        st.session_state[key] = default
        reject_url_value(page, key, raw, str(default).lower())
    where = container or st
    return where.toggle(label, value=default, key=key, help=help, bind="query-params")


def lazy_tabs(
    page: Page, key: str, views: Sequence[str], labels: Sequence[str], default: str
) -> dict[str, st.delta_generator.DeltaGenerator]:
    """Tabs of which only the open one is built: ``tabs = lazy_tabs(...)`` then ``if
    tabs["ravine"].open: ...`` inside ``with tabs["ravine"]:``. The open view's id (not its
    translated label) is kept in ``?key=``, so a link opens the same tab in either language.

    Streamlit sends and draws every tab's contents, hidden ones too; with ``on_change`` the
    open tab is tracked and a click reruns the page with that tab's contents. A hidden tab's
    controls keep their values: Streamlit's front end restores them when the tab reopens.
    """
    views, labels = list(views), list(labels)
    ss = st.session_state
    ss[VIEWS_PREFIX + key] = dict(zip(views, labels, strict=True))  # for the tests' sweep
    if ss.get(key) not in labels:  # first run, or the language changed
        raw = url_value(key)
        chosen = raw if raw in views else default
        if raw is not None and raw not in views:
            reject_url_value(page, key, raw, default)
            del st.query_params[key]
        ss[key] = labels[views.index(chosen)]

    def sync() -> None:
        view = views[labels.index(ss[key])]
        if view == default:
            st.query_params.pop(key, None)
        else:
            st.query_params[key] = view

    tabs = st.tabs(labels, key=key, on_change=sync)
    return dict(zip(views, tabs, strict=True))


CODE_KEY = "keras_code"  # one code expander per page; tests open it through this key


@contextmanager
def code_expander(label: str, key: str = CODE_KEY) -> Iterator[bool]:
    """A closed expander for a page's Keras code whose body the page builds only while it
    is open: ``with code_expander(label) as code_open: if code_open: st.code(...)``.

    Streamlit sends and draws an expander's contents even when it is closed, and the code
    block's syntax highlighter would hold up every page load in the visitor's browser; with
    ``on_change="rerun"`` the expander's state is tracked and opening it reruns the page
    with the code.
    """
    box = st.expander(label, key=key, on_change="rerun", icon=":material/code:")
    with box:
        yield bool(box.open)


def settings_popover(label: str):
    """A button that opens a lesson's secondary settings (``with settings_popover(label):``).

    The widgets inside run on every rerun like any other (their values and URL parameters
    hold while it is closed), but the browser draws them only when it opens, where a
    closed expander would still draw them (the optimizer race has twelve) before the first
    chart. A change inside keeps it open, over the page and above the charts it changes."""
    return st.popover(label, icon=":material/tune:")
