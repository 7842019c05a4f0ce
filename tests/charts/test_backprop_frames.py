"""charts.backprop_frames: every weight's number sits on its own edge where it can be read:
no two labels overlap, none covers a node or sits on another edge's line, at every width
the diagram is drawn at, and a label stays put from stage to stage."""

import json

import numpy as np
import pytest

from charts import backprop_frames
from charts.frames import Frames
from lessons import backprop

TRACES = [
    (1.0, -0.5, 1, "tanh", "binary_crossentropy", 0.5, 0),
    (1.0, -0.5, 1, "relu", "mse", 3.0, 3),
    (0.3, 1.8, 0, "sigmoid", "mse", 0.01, 7),
    (-2.0, 2.0, 1, "tanh", "binary_crossentropy", 30.0, 1),
    (2.0, 0.0, 0, "relu", "binary_crossentropy", 1e-2, 9),  # tiny numbers: long labels
]
CENTRE_CLEARANCE_PX = 8.0  # no label's centre this close to another edge's line


def labelled(edges, stage: int):
    """The stage's edges that carry a number; ``index``: the edge's place in the stage."""
    rows = edges[edges["stage"] == stage].reset_index(drop=True)
    return rows[rows["text"] != ""].reset_index()


@pytest.mark.parametrize("args", TRACES)
def test_labels_are_clear_of_each_other_the_nodes_and_the_other_edges(args):
    trace = backprop.trace_step(*args)
    _, edges = backprop_frames.diagram_rows(trace)
    first = edges[edges["stage"] == 0].reset_index(drop=True)
    for stage in range(len(backprop.STAGES)):
        rows = labelled(edges, stage)
        for width in (*backprop_frames.WIDTHS, 388):  # 388: the column at a 420 px window
            lines = backprop_frames.edge_pixels(first, width)
            centres = backprop_frames.pixels(rows["tx"], rows["ty"], width)
            boxes = [
                backprop_frames.label_box(centre, text)
                for centre, text in zip(centres, rows["text"], strict=True)
            ]
            nodes = backprop_frames.node_boxes(width)
            for i, row in rows.iterrows():  # i: the label's place, row.index: its edge's
                others = np.arange(len(first)) != row["index"]
                # on its own edge
                own = backprop_frames.segment_distances(centres[i], lines[[row["index"]]])
                assert own[0] < 1e-6
                near = backprop_frames.segment_distances(centres[i], lines[others]).min()
                assert near >= CENTRE_CLEARANCE_PX, (stage, width, row["source"], row["target"])
                if width >= 388:  # narrower, a long label may touch a node's text or the
                    # thickest line's edge (its centre stays clear)
                    assert backprop_frames.box_gaps(boxes[i], nodes).min() > 0, row["text"]
                    gap = backprop_frames.box_segment_gap(boxes[i], lines[others])
                    assert gap > 0, (stage, width, row["source"], row["target"])
                others_boxes = np.array([b for k, b in enumerate(boxes) if k != i])
                assert backprop_frames.box_gaps(boxes[i], others_boxes).min() > 0


def test_a_label_keeps_its_place_through_the_stages():
    trace = backprop.trace_step(*TRACES[0])
    _, edges = backprop_frames.diagram_rows(trace)
    places = edges.groupby(["source", "target"])[["tx", "ty"]].nunique()
    assert (places == 1).all().all()


def test_the_geometry_is_the_drawn_charts():
    """The placement's domains and height are the diagram's own (``curves.network_chart``)."""
    trace = backprop.trace_step(*TRACES[0])
    nodes, edges = backprop_frames.diagram_rows(trace)
    spec = backprop_frames.network_layers(nodes, edges, Frames("backprop", 7, 0)).to_dict()
    assert spec["height"] == backprop_frames.HEIGHT
    text = json.dumps(spec)
    assert f"[{backprop_frames.X_DOMAIN[0]}, {backprop_frames.X_DOMAIN[1]}]" in text
    assert f"[{backprop_frames.Y_DOMAIN[0]}, {backprop_frames.Y_DOMAIN[1]}]" in text
