"""A test app with two players on one page, each driving its own chart (run from the
repository root by tests/browser/test_player.py)."""

import altair as alt
import pandas as pd
import streamlit as st

from ui.chart_view import plot
from ui.page import setup
from ui.player import player

page = setup("gd")
for key, n in (("first", 30), ("second", 50)):
    frames = player(page, key, n, run_id=(key, n), fps=20, autoplay=False)
    data = pd.DataFrame({"step": range(n), "y": [i * i for i in range(n)]})
    base = alt.Chart(data).encode(x="step:Q", y="y:Q")
    chart = alt.layer(
        base.mark_line(), base.transform_filter(frames.at()).mark_point(size=100, filled=True)
    )
    plot(st, frames.bind(chart), key=f"{key}_chart")
