"""The CSV download under a lesson: ``csv_button(label, table, file_name)``.

``table`` is a function returning the data frame: Streamlit calls it only when a visitor
clicks (``st.download_button`` with a callable), so no rerun builds a CSV nobody asked for
and the browser does not fetch one with every page load. The click itself does not rerun
the page (``on_click="ignore"``).
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import streamlit as st


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """``frame`` as CSV, without its index (missing values are empty cells)."""
    return frame.to_csv(index=False).encode()


def csv_button(
    label: str,
    table: Callable[[], pd.DataFrame | bytes],
    file_name: str,
    key: str | None = None,
) -> None:
    """A button that downloads ``table()`` as ``file_name``: a data frame, written as CSV
    when clicked, or CSV bytes a page has made (and cached) itself."""

    def data() -> bytes:
        made = table()
        return made if isinstance(made, bytes) else csv_bytes(made)

    st.download_button(
        label,
        data,
        file_name=file_name,
        mime="text/csv",
        icon=":material/download:",
        key=key,
        on_click="ignore",
    )
