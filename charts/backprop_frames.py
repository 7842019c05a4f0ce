"""The forward/backward lesson's diagram as one table the browser plays, stage by stage.

Every stage's nodes and edges (``lessons.backprop.diagram_frames``) are sent once, each
row tagged with its stage's index ``stage`` (0 .. len(STAGES) - 1, the player's frame); the
diagram's layers keep the rows of the frame shown (``Frames.at("stage")``), so stepping
through the pass never reaches the server.
"""

from __future__ import annotations

from collections.abc import Sequence

import altair as alt
import pandas as pd

from charts import curves
from charts.frames import Frames
from lessons import backprop


def diagram_rows(trace: backprop.StepTrace) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``(nodes, edges)`` of every stage of ``trace``, stacked, with a column ``stage``:
    the rows of stage ``k`` are ``diagram_frames(trace, STAGES[k])``."""
    nodes, edges = [], []
    for index, stage in enumerate(backprop.STAGES):
        stage_nodes, stage_edges = backprop.diagram_frames(trace, stage)
        nodes.append(stage_nodes.assign(stage=index))
        edges.append(stage_edges.assign(stage=index))
    return pd.concat(nodes, ignore_index=True), pd.concat(edges, ignore_index=True)


def network_layers(
    nodes: pd.DataFrame, edges: pd.DataFrame, frames: Frames, height: int = 360
) -> alt.LayerChart:
    """``curves.network_chart`` of all stages, each layer showing the rows of the
    stage the player is on; its scales have fixed domains, so only the marks change."""
    drawn = curves.network_chart(nodes, edges, height=height)
    shown = [layer.transform_filter(frames.at("stage")) for layer in drawn.layer]
    return frames.bind(alt.layer(*shown).properties(height=height))


def repeat_chart(
    epochs: Sequence[int],
    losses: Sequence[float],
    series: str,
    x_title: str,
    y_title: str,
    legend_title: str,
    steps: int,
    marker: str,
    height: int = 300,
) -> alt.LayerChart:
    """The loss of each repetition of the traced step (``epochs``: one update each; update 1
    is the step traced above, marked ``marker``), on an axis of ``steps`` updates."""
    frame = pd.DataFrame(
        {"series": series, "epoch": list(epochs), "value": list(losses)},
        columns=["series", "epoch", "value"],
    )
    traced = pd.DataFrame([{"epoch": 1, "label": marker, "row": 0, "colour": curves.MARK_COLOUR}])
    return alt.layer(
        curves.curves(
            frame,
            [series],
            x_title,
            y_title,
            legend_title,
            x_domain=(1, max(int(steps), 2)),
            height=height,
        ),
        curves.markers(traced),
    )
