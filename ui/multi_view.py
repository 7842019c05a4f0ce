"""Pieces shared by the lessons that draw runs on one surface (learning rate, local minima,
saddle points): one notice per run as a list in the "what to notice" box, and clicking to
place the start on an offset.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import streamlit as st

from sim.surfaces import Surface
from ui import descent_view


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
