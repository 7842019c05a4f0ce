"""The forward/backward lesson's diagram as one table the browser plays, stage by stage.

Every stage's nodes and edges (``lessons.backprop.diagram_frames``) are sent once, each
row tagged with its stage's index ``stage`` (0 .. len(STAGES) - 1, the player's frame); the
diagram's layers keep the rows of the frame shown (``Frames.at("stage")``), so stepping
through the pass never reaches the server.

Where each edge's number sits (``label_fractions``): the six input edges cross in the
middle, so a label at a fixed point of its edge lands on another edge's line. Each label
slides along its own edge to the point farthest from every other edge, clear of the other
labels and the nodes, at every width the diagram is drawn at.
"""

from __future__ import annotations

from collections.abc import Sequence

import altair as alt
import numpy as np
import pandas as pd

from charts import curves, layering
from charts.frames import Frames
from lessons import backprop

# the diagram's plot (``curves.network_chart``): its data domains and height in pixels, and
# the widths it is drawn at (a phone's column to a wide window's)
X_DOMAIN, Y_DOMAIN = (-0.4, 4.2), (-0.9, 4.9)
HEIGHT = 360
WIDTHS = (330, 470, 640)
# a 12 px bold label (the app's Source Sans, as the browser measures it) with its 4 px
# white halo; a node's disc and the texts above and below it
CHAR_PX = {".": 4.3, "−": 6.4, "-": 4.2, "e": 6.0}  # any other character: a digit's 6.1
DIGIT_PX, LABEL_HEIGHT_PX, HALO_PX = 6.1, 15.0, 2.0
NODE_RADIUS_PX = 23.0  # mark_circle(size=1500): r = sqrt(1500 / pi) = 21.9, and its ring
NODE_TEXT_PX = ((-32.0, 44.0), (33.0, 64.0))  # (offset below the centre, width): value, grad
NODE_TEXT_HEIGHT_PX = 16.0
EDGE_HALF_WIDTH_PX = 4.5  # the thickest edge is 9 px wide (``size`` 1)
FRACTIONS = np.round(np.arange(0.18, 0.83, 0.02), 2)  # where along its edge a label may sit


def pixels(x, y, width: float, height: float = HEIGHT) -> np.ndarray:
    """Data coordinates to the plot's pixels (y grows downwards, as the diagram draws it)."""
    (x0, x1), (y0, y1) = X_DOMAIN, Y_DOMAIN
    return np.stack(
        [(np.asarray(x) - x0) / (x1 - x0) * width, (np.asarray(y) - y0) / (y1 - y0) * height],
        axis=-1,
    )


def segment_distances(point: np.ndarray, segments: np.ndarray) -> np.ndarray:
    """The distance from ``point`` to each segment ``segments[i] = (start, end)`` (pixels)."""
    start, along = segments[:, 0], segments[:, 1] - segments[:, 0]
    length = np.maximum(np.einsum("ij,ij->i", along, along), 1e-12)
    t = np.clip(np.einsum("ij,ij->i", point - start, along) / length, 0.0, 1.0)
    return np.linalg.norm(point - (start + t[:, None] * along), axis=1)


def box_segment_gap(box: np.ndarray, segments: np.ndarray, samples: int = 64) -> float:
    """How far the box ``centre_x, centre_y, width, height`` is from the nearest of
    ``segments`` (pixels, measured at ``samples`` points along each): negative when a
    segment runs through it (by how deep)."""
    t = np.linspace(0.0, 1.0, samples)[None, :, None]
    points = segments[:, :1] + t * (segments[:, 1:] - segments[:, :1])
    apart = np.abs(points.reshape(-1, 2) - box[:2]) - box[2:] / 2
    outside = np.linalg.norm(np.maximum(apart, 0.0), axis=1)
    inside = np.minimum(apart.max(axis=1), 0.0)
    return float((outside + inside).min())


def box_gaps(box: np.ndarray, boxes: np.ndarray) -> np.ndarray:
    """How far ``box`` is from each of ``boxes`` (rows ``centre_x, centre_y, width,
    height``): the larger of the gaps along x and y, negative where they overlap."""
    if not len(boxes):
        return np.empty(0)
    apart = np.abs(boxes[:, :2] - box[:2]) - (boxes[:, 2:] + box[2:]) / 2
    return apart.max(axis=1)


def label_box(centre: np.ndarray, text: str) -> np.ndarray:
    """The box ``centre_x, centre_y, width, height`` a label ``text`` fills, halo included."""
    width = sum(CHAR_PX.get(char, DIGIT_PX) for char in text) + 2 * HALO_PX
    return np.array([centre[0], centre[1], width, LABEL_HEIGHT_PX])


def node_boxes(width: float) -> np.ndarray:
    """What the nodes cover: each disc (as its bounding square) and its value and gradient
    texts above and below it."""
    boxes = []
    for x, y in backprop.NODE_POS.values():
        cx, cy = pixels(x, y, width)
        boxes.append((cx, cy, 2 * NODE_RADIUS_PX, 2 * NODE_RADIUS_PX))
        for offset, text_width in NODE_TEXT_PX:
            boxes.append((cx, cy + offset, text_width, NODE_TEXT_HEIGHT_PX))
    return np.array(boxes)


def edge_pixels(edges: pd.DataFrame, width: float) -> np.ndarray:
    """Each edge as ``(start, end)`` in pixels at ``width``: shape ``(edges, 2, 2)``."""
    starts = pixels(edges["x"].to_numpy(float), edges["y"].to_numpy(float), width)
    ends = pixels(edges["x2"].to_numpy(float), edges["y2"].to_numpy(float), width)
    return np.stack([starts, ends], axis=1)


def label_fractions(edges: pd.DataFrame, texts: Sequence[str]) -> np.ndarray:
    """Where along its edge (0 at the source, 1 at the target) each label sits, edge by
    edge: the fraction in ``FRACTIONS`` whose clearance is the largest over every width
    in ``WIDTHS`` (ties go to the one nearer the source). A label's clearance is the
    smallest gap between its box and every other edge's line (at its thickest), the
    nodes, and the labels placed before it (pixels). The longest text an edge shows at
    any stage (``texts[i]``) sizes its box, so a label never moves between stages."""
    drawn = {width: edge_pixels(edges, width) for width in WIDTHS}
    taken = {width: node_boxes(width) for width in WIDTHS}
    chosen = np.full(len(edges), 0.5)
    for index, text in enumerate(texts):
        if not text:
            continue
        others = np.arange(len(edges)) != index
        scores = np.full(len(FRACTIONS), np.inf)
        for width in WIDTHS:
            start, end = drawn[width][index]
            for k, fraction in enumerate(FRACTIONS):
                centre = start + fraction * (end - start)
                box = label_box(centre, text)
                lines = box_segment_gap(box, drawn[width][others]) - EDGE_HALF_WIDTH_PX
                boxes = box_gaps(box, taken[width]).min()
                scores[k] = min(scores[k], lines, boxes)
        chosen[index] = best = float(FRACTIONS[int(np.argmax(scores))])
        for width in WIDTHS:
            start, end = drawn[width][index]
            box = label_box(start + best * (end - start), text)
            taken[width] = np.vstack([taken[width], box])
    return chosen


def diagram_rows(trace: backprop.StepTrace) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``(nodes, edges)`` of every stage of ``trace``, stacked, with a column ``stage``:
    the rows of stage ``k`` are ``diagram_frames(trace, STAGES[k])``, each edge's label at
    ``tx, ty``, the same point of its edge at every stage (``label_fractions``)."""
    nodes, edges = [], []
    for index, stage in enumerate(backprop.STAGES):
        stage_nodes, stage_edges = backprop.diagram_frames(trace, stage)
        nodes.append(stage_nodes.assign(stage=index))
        edges.append(stage_edges.assign(stage=index))
    first = edges[0]
    longest = [max((frame["text"].iloc[i] for frame in edges), key=len) for i in range(len(first))]
    fractions = label_fractions(first, longest)
    placed = [
        frame.assign(
            tx=frame["x"] + fractions * (frame["x2"] - frame["x"]),
            ty=frame["y"] + fractions * (frame["y2"] - frame["y"]),
        )
        for frame in edges
    ]
    return pd.concat(nodes, ignore_index=True), pd.concat(placed, ignore_index=True)


def network_layers(
    nodes: pd.DataFrame, edges: pd.DataFrame, frames: Frames, height: int = 360
) -> alt.LayerChart:
    """``curves.network_chart`` of all stages, each layer showing the rows of the
    stage the player is on; its scales have fixed domains, so only the marks change."""
    drawn = curves.network_chart(nodes, edges, height=height)
    shown = [layer.transform_filter(frames.at("stage")) for layer in drawn.layer]
    return frames.bind(layering.layer(*shown).properties(height=height))


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
    return layering.layer(
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
