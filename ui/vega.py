"""An Altair chart as a Vega-Lite dict whose data frames travel as named datasets.

``to_vega_lite(chart)`` gives the spec ``st.vega_lite_chart`` draws. Streamlit's own
conversion of an Altair chart (``st.altair_chart``) does three things a lesson pays for on
every animation frame:

- it validates the whole spec against the Vega-Lite JSON schema (here: in the tests);
- it names each dataset by a hash of its content, so the spec changes whenever the data
  does and the browser compiles a new chart for every frame; with names that follow the
  chart's structure (``data-0``, ``data-1``, ...) the spec stays the same from frame to
  frame and the browser only swaps the data;
- it holds a process-wide lock while converting (Altair's data transformer and theme are
  global settings), so visitors' charts wait for each other.

Nothing global is touched here: the frames are swapped for ``alt.NamedData`` on the chart
itself for the conversion and put back afterwards.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

_NESTED = ("layer", "hconcat", "vconcat", "concat")  # lists of sub-charts
DATA_PREFIX = "data-"


def _frames(chart, found: list) -> None:
    """Every ``(chart, frame)`` pair in ``chart`` and its sub-charts, depth first."""
    data = getattr(chart, "data", alt.Undefined)
    if isinstance(data, pd.DataFrame):
        found.append((chart, data))
    for attr in _NESTED:
        subs = getattr(chart, attr, alt.Undefined)
        if isinstance(subs, list):
            for sub in subs:
                _frames(sub, found)
    spec = getattr(chart, "spec", alt.Undefined)  # facet and repeat charts
    if isinstance(spec, alt.SchemaBase):
        _frames(spec, found)


def to_vega_lite(chart) -> dict:
    """The Vega-Lite spec of ``chart`` with its data frames under ``datasets`` (as frames;
    Streamlit sends them as Arrow tables), each used frame once.

    Like Streamlit's conversion, no theme defaults are added (Streamlit's own theme styles
    the chart in the browser)."""
    found: list = []
    _frames(chart, found)
    names: dict[int, str] = {}
    datasets: dict[str, pd.DataFrame] = {}
    for _, frame in found:
        if id(frame) not in names:
            names[id(frame)] = f"{DATA_PREFIX}{len(names)}"
            datasets[names[id(frame)]] = frame
    try:
        for owner, frame in found:
            owner.data = alt.NamedData(name=names[id(frame)])
        # top_level=False: no theme config and no inline datasets; the schema is added below
        spec = chart.to_dict(validate=False, context={"top_level": False})
    finally:
        for owner, frame in found:
            owner.data = frame
    spec["$schema"] = alt.SCHEMA_URL
    if datasets:
        spec["datasets"] = datasets
    return spec
