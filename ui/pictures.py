"""Chart pictures cached per server process: a rerun that changes nothing but a label
redraws none."""

from __future__ import annotations

import streamlit as st

from charts import boundary
from sim import caps

boundary_urls = st.cache_data(max_entries=caps.CACHE_ENTRIES, show_spinner=False)(
    boundary.boundary_urls
)
