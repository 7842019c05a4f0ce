"""A click on a surface chart places the start under the page's own keys, clipped to the
window; a malformed selection changes nothing (``ui.descent_view.on_click_place``)."""

from __future__ import annotations

import math

import pytest
from streamlit.testing.v1 import AppTest


def _click(point, keys):
    import streamlit as st

    from ui import descent_view

    st.session_state["chart"] = {"selection": {"place": [] if point is None else [point]}}
    descent_view.on_click_place("chart", ((-2.0, 2.0), (-1.0, 1.0)), tuple(keys))()


def _run(point, keys=("x0", "y0")) -> AppTest:
    at = AppTest.from_function(_click, kwargs={"point": point, "keys": keys})
    at.run()
    assert not at.exception
    return at


@pytest.mark.parametrize("keys", [("x0", "y0"), ("rx0", "ry0"), ("w0", "b0")])
def test_click_sets_the_pages_start_keys(keys):
    at = _run({"cx": 1.234, "cy": -0.5}, keys)
    assert at.session_state[keys[0]] == 1.23
    assert at.session_state[keys[1]] == -0.5


def test_click_outside_the_window_is_clipped_to_it():
    at = _run({"cx": 9.0, "cy": -7.0})
    assert (at.session_state["x0"], at.session_state["y0"]) == (2.0, -1.0)


@pytest.mark.parametrize(
    "point",
    [
        None,
        {"cx": 1.0},
        {"cx": None, "cy": 0.0},
        {"cx": "abc", "cy": 0.0},
        {"cx": math.nan, "cy": 0.0},
    ],
)
def test_a_malformed_selection_changes_nothing(point):
    at = _run(point)
    assert "x0" not in at.session_state
    assert "y0" not in at.session_state
