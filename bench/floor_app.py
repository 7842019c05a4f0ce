"""The smallest Streamlit page with one Altair chart: ``bench.browser`` times it beside the
lessons, so a lesson's time to first chart reads against what Streamlit itself needs on
the same machine."""

import altair as alt
import pandas as pd
import streamlit as st

st.title("Floor")
frame = pd.DataFrame({"step": [0, 1, 2], "loss": [1.0, 0.5, 0.25]})
st.altair_chart(alt.Chart(frame).mark_line().encode(x="step", y="loss"))
