"""The smallest Streamlit page with one Altair chart: ``bench.browser`` times it beside the
lessons, so a lesson's time to first chart reads against what Streamlit itself needs on
the same machine. The same page is served at ``/`` and, like a lesson's deep link, at
``/deep``: Streamlit's front end opened at ``/deep`` first looks for its server at
``/deep/_stcore/health``, and after the 404 waits 100 ms before trying ``/``."""

import altair as alt
import pandas as pd
import streamlit as st


def floor() -> None:
    st.title("Floor")
    frame = pd.DataFrame({"step": [0, 1, 2], "loss": [1.0, 0.5, 0.25]})
    st.altair_chart(alt.Chart(frame).mark_line().encode(x="step", y="loss"))


st.navigation(
    [st.Page(floor, title="Floor", default=True), st.Page(floor, title="Deep", url_path="deep")],
    position="hidden",
).run()
