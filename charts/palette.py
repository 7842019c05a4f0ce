"""The one palette: Okabe-Ito colours (safe for the common colour-vision deficiencies)
and a marker shape per series, so colour is never the only cue."""

from __future__ import annotations

from collections.abc import Sequence

import altair as alt
import numpy as np

OKABE_ITO = ["#D55E00", "#0072B2", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442"]
SHAPES = ["circle", "square", "triangle-up", "diamond", "cross", "triangle-down", "wedge", "stroke"]
LEGEND_COLUMN = 160  # pixels of plot width per column of a series legend
# arrows: the step in its run's colour (the first series'); the slope and the carried
# speed in colours no series of a three-run chart has (momentum's GD, momentum, Nesterov)
ARROW_COLOURS = {"gradient": "#000000", "step": "#D55E00", "velocity": "#CC79A7"}
# Epoch ranges of a learning curve, shaded at BAND_OPACITY. Underfit and overfit were orange
# and vermillion, which at a band's opacity are the same pale peach (CIE76 distance 6, 4
# for a deuteranope); blue and vermillion lie on the blue-yellow axis every common colour
# vision keeps (tests/charts/test_palette.py).
REGION_COLOURS = {
    "not_learning": "#000000",
    "underfit": "#0072B2",
    "good": "#009E73",
    "overfit": "#D55E00",
}
BAND_OPACITY = 0.2


def series_encodings(
    series: Sequence[str], title: str, colours: Sequence[str] = OKABE_ITO, legend: bool = True
):
    """Colour and shape scales fixed to ``series``, so a series keeps its look in every chart
    (``colours``: the palette's, or a lesson's own where they would clash with its classes;
    ``legend=False`` where another chart of the lesson shows it)."""
    domain = list(series)
    # one legend for both: colour and shape of a field merge when their legends agree (a shape
    # legend=None beside a colour legend makes Vega-Lite warn "Conflicting legend property")
    # as many columns as the plot's width holds (a label is at most ~160 px), up to four:
    # three series side by side ran past a phone's window
    columns = alt.ExprRef(f"max(1, min({min(len(domain), 4)}, floor(width / {LEGEND_COLUMN})))")
    legend = alt.Legend(orient="bottom", columns=columns) if domain and legend else None
    colour = alt.Color(
        "series:N",
        scale=alt.Scale(domain=domain, range=list(colours[: len(domain)])),
        title=title,
        legend=legend,
    )
    shape = alt.Shape(
        "series:N",
        scale=alt.Scale(domain=domain, range=SHAPES[: len(domain)]),
        title=title,
        legend=legend,
    )
    return colour, shape


# --- training lessons ---------------------------------------------------------------------


def class_colours(n_classes: int) -> list[str]:
    """One Okabe-Ito colour per class (blue, vermillion, green, ...)."""
    order = [1, 0, 2, 3, 4, 5, 6]
    return [OKABE_ITO[order[i % len(order)]] for i in range(n_classes)]


def hex_rgb(colour: str) -> np.ndarray:
    return np.array([int(colour[i : i + 2], 16) for i in (1, 3, 5)], dtype=float)
