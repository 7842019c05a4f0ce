"""Chart sizing shared by every chart builder."""

from __future__ import annotations

import altair as alt

FIT_WIDTH = alt.AutoSizeParams(type="fit-x", contains="padding")


def fit_width(chart):
    """Stretch ``chart`` to its column's width but keep ``height`` for the plot itself.

    Streamlit sizes a stretched chart with ``autosize: fit``, which fits the legend and the
    axis titles into ``height`` too: a chart with a legend below it came out squashed.
    A spec with its own ``autosize`` is left alone."""
    return chart.properties(autosize=FIT_WIDTH)
