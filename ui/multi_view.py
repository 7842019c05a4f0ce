"""Pieces shared by the lessons that draw runs on one surface (learning rate, local minima,
saddle points): one notice per run as a list in the "what to notice" box, a threshold line,
the saddles layer and clicking to place the start on an offset.
"""

from __future__ import annotations

from collections.abc import Sequence

import altair as alt
import numpy as np
import pandas as pd
import streamlit as st

from charts import surface_charts
from lessons.notices import Notice
from sim.surfaces import Surface
from ui import descent_view
from ui.page import Page, words


def threshold_rule(value: float, colour: str = "#555555") -> alt.Chart:
    """A dashed horizontal line at ``value`` (for ``metric_chart`` extra layers)."""
    return (
        alt.Chart(pd.DataFrame({"value": [value]}))
        .mark_rule(color=colour, strokeDash=[5, 4])
        .encode(y="value:Q")
    )


def bullets(page: Page, notices: Sequence[Notice | str]) -> str:
    """A lesson's notices as one markdown list, one item each (one paragraph of a notice
    box: ``notice_box(page, [bullets(page, per_run), *verdicts])``)."""
    return "\n".join(f"- {words(page.t, said)}" for said in notices)


def saddles_layer(surface: Surface, label: str) -> alt.Chart:
    """The surface's saddle points as open diamonds, with a tooltip."""
    xs, ys = surface_charts.scales(surface.bounds)
    frame = pd.DataFrame(
        [{"x": x, "y": y, "kind": label} for x, y in surface.saddles], columns=["x", "y", "kind"]
    )
    return (
        alt.Chart(frame)
        .mark_point(shape="diamond", size=160, strokeWidth=2.5, color="#222222", clip=True)
        .encode(x=alt.X("x:Q", scale=xs), y=alt.Y("y:Q", scale=ys), tooltip=["kind:N"])
    )


def on_click_snap(chart_key: str, surface: Surface, y_options: Sequence[float]):
    """A chart ``on_select`` callback placing the start at the clicked x (``x0``) and the
    option of ``y0`` nearest to the clicked y (for pages whose y0 is a choice of offsets)."""

    def place() -> None:
        point = descent_view.clicked_point(chart_key)
        if point is None:
            return
        (x_lo, x_hi), _ = surface.bounds
        x = round(float(np.clip(point[0], x_lo, x_hi)), 2)
        y = min(y_options, key=lambda v: abs(v - point[1]))
        st.session_state["x0"], st.session_state["y0"] = x, y
        st.query_params["y0"] = str(y)

    return place
