"""Chart sizing shared by every chart builder: every chart takes its width from the column
it is drawn in (a phone's 390 px or a wide screen's column), never a fixed pixel width."""

from __future__ import annotations

import altair as alt

from charts import numbers

FIT_WIDTH = alt.AutoSizeParams(type="fit-x", contains="padding")
# Pixels beside a fitted plot for its y axis (labels such as "−2.5" and a title) and the
# half label the x axis puts past the plot's right edge.
AXIS_ROOM = 80
# Legends below a plot stack one under another instead of side by side: side by side, a
# surface's run legend and arrow legend were wider than a phone's column. A top-level
# chart's ``config`` (Altair refuses a config inside a layer).
STACKED_LEGENDS = alt.Config(
    legend=alt.LegendConfig(
        layout=alt.ExprRef("{bottom: {anchor: 'start', direction: 'vertical', margin: 6}}")
    )
)
SMALLEST_PLOT = 160  # a fitted plot never gets narrower than this (a very narrow column)
# the name of the param a fitted chart carries, so ``ui.chart_view`` draws it stretched
WIDTH_PARAM = "width"
# Vega's renderer for a chart that follows the player (``on_canvas``)
CANVAS = {"embedOptions": {"renderer": "canvas"}}


def fit_width(chart):
    """Stretch ``chart`` to its column's width but keep ``height`` for the plot itself.

    Streamlit sizes a stretched chart with ``autosize: fit``, which fits the legend and the
    axis titles into ``height`` too: a chart with a legend below it came out squashed.
    A spec with its own ``autosize`` is left alone."""
    return chart.properties(autosize=FIT_WIDTH)


def plot_width_expr(largest: int, room: int = AXIS_ROOM) -> str:
    """The Vega expression of a fitted plot's width: the container's width less ``room``,
    clamped to ``[SMALLEST_PLOT, largest]`` (``largest`` before the page has a width)."""
    known = "isFinite(containerSize()[0]) && containerSize()[0] > 0"
    container = f"({known} ? containerSize()[0] : {largest + room})"
    return f"max({min(SMALLEST_PLOT, largest)}, min({largest}, {container} - {room}))"


def fitted_size(size: tuple[int, int], room: int = AXIS_ROOM) -> dict:
    """Properties of a layered chart whose plot keeps the shape of ``size`` (a surface keeps
    equal units on both axes) at most ``size``, as wide as its column allows:

        width  = clamp(column - room, SMALLEST_PLOT, size[0])
        height = width * size[1] / size[0]

    The ``width`` and ``height`` params replace Vega's own size signals (Vega lets a spec
    define them); ``autosize: pad`` adds axes and legends around the plot (``room`` must
    hold what lies beside it: a legend on the right needs more). Vega-Lite's
    ``width: "container"`` with ``fit-x`` cannot do this: it fits the width but keeps a fixed
    height, and a height computed from the fitted width makes Vega's autosize and the param
    write the same signal ("Dataflow already running"). Pass these to ``alt.LayerChart``
    (``**fitted_size(size)``); ``ui.chart_view.plot`` draws such a chart stretched, so its
    container is its column."""
    width, height = int(size[0]), int(size[1])
    return dict(
        width=width,
        height=height,
        autosize=alt.AutoSizeParams(type="pad"),
        params=[
            alt.param(name=WIDTH_PARAM, expr=plot_width_expr(width, room)).param,
            alt.param(name="height", expr=f"round({WIDTH_PARAM} * {height / width:.6g})").param,
        ],
    )


def fits_container(spec: dict) -> bool:
    """Whether a Vega-Lite ``spec`` sizes itself from its container (``fitted_size``)."""
    return any(param.get("name") == WIDTH_PARAM for param in spec.get("params", []))


def log_axis(title: str = "", digits: int = 2) -> alt.Axis:
    """The axis of a log scale, its labels in the learners' number style
    (``numbers.vega``: ``0.01``, ``100``, ``1 × 10⁻⁶``), the same on every log axis.

    Without it a log axis read ``0.000001`` while the readout above it said ``4.7 × 10⁻⁶``
    (saddle points)."""
    # an empty label stays empty: Vega leaves most ticks between powers of ten unlabelled
    plain = numbers.vega("datum.value", digits)
    return alt.Axis(title=title, labelExpr=f"datum.label === '' ? '' : {plain}")


def on_canvas(chart):
    """``chart`` drawn on a canvas instead of SVG (Vega's renderer, chosen through the spec's
    ``usermeta.embedOptions``, which Streamlit passes on), for a chart that follows the
    player: each frame Vega redraws the canvas, where with SVG the browser restyled and
    repainted the whole SVG (hundreds of path dots, the click grid) after every changed
    element: far more CPU per frame than the few marks that move."""
    chart.usermeta = CANVAS  # in place: the chart was just made for this
    return chart
