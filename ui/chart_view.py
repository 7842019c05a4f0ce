"""Every chart of the app is drawn here: ``plot(where, chart, ...)`` is
``where.altair_chart(chart, ...)`` with the spec made by ``ui.vega.to_vega_lite``.

Streamlit's own Altair conversion names each dataset by a hash of its content (the browser
then compiles a new chart for every animation frame), validates the spec on every run and
converts under a process-wide lock (visitors' charts wait for each other). ``where`` is
``st`` or any container; the keyword arguments are those of ``st.vega_lite_chart``
(``key``, ``width``, ``on_select``, ``selection_mode``, ...)."""

from __future__ import annotations

from charts import layout
from ui.vega import to_vega_lite


def plot(where, chart, **kwargs):
    """Draw the Altair ``chart`` in ``where``; returns what ``st.vega_lite_chart`` returns
    (the selection state when ``on_select`` is set).

    A chart that takes its size from its container (``charts.layout.fitted_size``) is drawn
    stretched whatever ``width`` says: drawn at its content's width, its container would be
    as wide as the chart's first guess and the chart could not grow or shrink to the
    column."""
    spec = to_vega_lite(chart)
    if layout.fits_container(spec):
        kwargs["width"] = "stretch"
    return where.vega_lite_chart(spec=spec, **kwargs)
