"""The forward/backward lesson (B6) rendered: the player steps through the stages, each
stage's panel and the diagram hold the engine's numbers, and the page says the words of
``lessons.backprop``'s notices. (Each notice branch is a unit test in
tests/lessons/test_backprop_trace.py; rendering in both languages, hostile URL values and
widget extremes are swept by test_all_pages.)"""

import json

import numpy as np
import pandas as pd
import pytest
from apptest_utils import (
    assert_clean,
    chart_datasets,
    charts,
    frame_charts,
    open_page,
    player_data,
)

from charts import backprop_frames
from lessons import backprop
from sim.training import train
from ui.page import words
from ui.text import Translator, translate

FILE = "pages/11_forward_backward.py"


def trace(y=1, act="tanh", loss="binary_crossentropy", lr=0.5, seed=0, x1=1.0, x2=-0.5):
    return backprop.trace_step(x1, x2, y, act, loss, lr, seed)


def repeated(tr, steps=30):
    """The page's repeated run: the traced step ``steps`` times (plain SGD, batch 1)."""
    return train(
        np.array([tr.x]),
        np.array([int(tr.y)]),
        backprop.spec(tr.activation),
        "binary",
        2,
        optimizer="sgd",
        learning_rate=tr.learning_rate,
        loss=tr.loss_name,
        batch_size=1,
        epochs=steps,
        seed=tr.seed,
        grid_cells=None,
    )


def t_en(key: str) -> str:
    return translate("en", key)


def latex(at) -> str:
    return "\n".join(e.value for e in at.get("latex"))


def panels(at, key: str = "backprop") -> dict[int, list]:
    """The elements inside each container ``<key>_panel_<i>`` (the player shows one a
    frame), by frame."""
    found: dict[int, list] = {}

    def inside(node) -> list:
        out = []
        for child in getattr(node, "children", {}).values():
            out.append(child)
            out += inside(child)
        return out

    def walk(node) -> None:
        for child in getattr(node, "children", {}).values():
            block_id = getattr(getattr(child, "proto", None), "id", "") or ""
            marker = f"-{key}_panel_"
            if marker in block_id:
                found[int(block_id.rsplit(marker, 1)[1])] = inside(child)
            walk(child)

    walk(at._tree)
    return found


def panel_latex(elements) -> str:
    """The formulas of a panel, without the ``$$`` Streamlit wraps them in."""
    blocks = [e.value for e in elements if getattr(e, "type", None) == "latex"]
    return "\n".join(
        block.strip().removeprefix("$$").removesuffix("$$").strip() for block in blocks
    )


def panel_markdown(elements) -> str:
    return "\n".join(e.value for e in elements if getattr(e, "type", None) == "markdown")


def test_korean_player_and_notices():
    tr = trace()
    # values the page cannot use fall back to the defaults, and a notice names them
    params = {"lr": "abc", "act": "x" * 300, "x1": "5", "steps": "-5"}
    at = open_page(FILE, lang="ko", params=params)
    assert_clean(at)
    assert at.session_state["lr"] == 0.5 and at.session_state["act"] == "tanh"
    assert at.slider(key="x1").value == 1.0 and at.slider(key="steps").value == 30
    assert "abc" in " ".join(i.value for i in at.info)
    assert player_data(at, "backprop")["labels"]["unit"] == "단계"
    markdown = [m.value for m in at.markdown]
    for said in backprop.step_notices(tr) + backprop.repeat_notices(repeated(tr)):
        assert words(Translator("ko"), said) in markdown, said.key


def test_player_stage_panels_and_notices_hold_the_engines_numbers():
    tr = trace()
    at = open_page(FILE)
    assert_clean(at)
    assert len(charts(at)) >= 2
    data = player_data(at, "backprop")
    # the stages, numbered 0 (the question) to 6 (the update) as the page numbers them; a
    # new input starts at the question, one stage a second
    assert data["frames"] == len(backprop.STAGES) and data["first_number"] == 0
    assert data["start"] == 0 and data["fps"] == 1 and data["panels"] is True
    assert data["labels"]["unit"] == "Stage"
    assert "1.000" in latex(at) and "-0.500" in latex(at)
    # what to notice: the lesson's notices about this step and its repetition, in words
    run = repeated(tr)
    assert run.history["loss"][0] == pytest.approx(tr.loss)
    markdown = [m.value for m in at.markdown]
    for said in backprop.step_notices(tr) + backprop.repeat_notices(run):
        assert words(Translator("en"), said) in markdown, said.key
    shown = panels(at)
    assert sorted(shown) == list(range(len(backprop.STAGES)))
    expected = {
        0: f"{tr.x[0]:.3f}",
        1: f"{tr.hidden.z[0, 0]:.3f}",
        2: f"{tr.p:.3f}",
        3: f"{tr.loss:.3f}",
        4: f"{tr.output.dz[0, 0]:.3f}",
        5: f"{tr.hidden.dz[0, 1]:.3f}",
        6: f"{tr.hidden.W_new[0, 0]:.3f}",
    }
    for k, stage in enumerate(backprop.STAGES):
        formulas = panel_latex(shown[k])
        # the panel of stage k holds exactly that stage's formulas, with the engine's numbers
        assert formulas == "\n".join(backprop.latex(tr, stage)), stage
        assert expected[k] in formulas, (k, expected[k])
        text = panel_markdown(shown[k])
        assert f"Stage {k} / {len(backprop.STAGES) - 1}" in text
        assert t_en(f"backprop.stage_{stage}_title") in text
        assert t_en(f"backprop.stage_{stage}_text") in text
    assert f"{tr.loss:.3f} \\to {tr.loss_after:.3f}" in panel_latex(shown[6])


def test_diagram_follows_the_stage():
    """One diagram holds every stage's nodes and edges; each layer keeps the rows of the
    stage the player shows, and those rows are the engine's diagram frames."""
    tr = trace(act="relu", loss="mse", lr=3.0)
    at = open_page(FILE, params={"act": "relu", "loss": "mse", "lr": "3.0"})
    assert_clean(at)
    specs = frame_charts(at, "backprop")
    assert len(specs) == 1
    for layer in specs[0]["layer"]:
        assert {"filter": "datum.stage == backprop_frame"} in layer["transform"]
    diagram = next(
        c
        for c in charts(at)
        if any(p.get("name") == "backprop_frame" for p in json.loads(c.proto.spec)["params"])
    )
    data = list(chart_datasets(diagram).values())
    nodes = next(d for d in data if "node" in d)
    edges = next(d for d in data if "kind" in d)
    assert sorted(nodes["stage"].unique()) == list(range(len(backprop.STAGES)))
    _, placed_edges = backprop_frames.diagram_rows(tr)
    for k, stage in enumerate(backprop.STAGES):
        want_nodes, want_edges = backprop.diagram_frames(tr, stage)
        mine = nodes[nodes["stage"] == k].drop(columns="stage").reset_index(drop=True)
        pd.testing.assert_frame_equal(mine, want_nodes, check_dtype=False)
        mine = edges[edges["stage"] == k].drop(columns="stage").reset_index(drop=True)
        pd.testing.assert_frame_equal(mine[want_edges.columns], want_edges, check_dtype=False)
        # each label where charts.backprop_frames places it, on its own edge
        placed = placed_edges[placed_edges["stage"] == k].reset_index(drop=True)
        np.testing.assert_allclose(mine[["tx", "ty"]], placed[["tx", "ty"]])
    # the output's error appears in the backward stages only
    out = nodes[nodes["node"] == "out"].set_index("stage")["grad"]
    assert out[3] == "" and out[4] == "δ " + backprop.short(tr.output.dz[0, 0], 3)
