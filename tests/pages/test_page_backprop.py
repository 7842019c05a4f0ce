"""The forward/backward lesson (B6): renders, shows the engine's numbers, steps through the
stages, its statements match the traced step in every reachable branch, bad URL values fall
back. (Widget extremes and hostile URLs are swept by test_all_pages.)"""

import json

import numpy as np
import pandas as pd
import pytest
from apptest_utils import (
    assert_clean,
    chart_datasets,
    charts,
    frame_charts,
    notice_text,
    open_page,
    player_data,
)

from lessons import backprop
from sim.training import train
from ui.text import translate

FILE = "pages/11_forward_backward.py"


def trace(y=1, act="tanh", loss="binary_crossentropy", lr=0.5, seed=0, x1=1.0, x2=-0.5):
    return backprop.trace_step(x1, x2, y, act, loss, lr, seed)


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


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_renders_with_formulas(lang):
    at = open_page(FILE, lang=lang)
    assert_clean(at)
    assert len(charts(at)) >= 2
    data = player_data(at, "backprop")
    # the stages, numbered 0 (the question) to 6 (the update) as the page numbers them; a
    # new input starts at the question, one stage a second
    assert data["frames"] == len(backprop.STAGES) and data["first_number"] == 0
    assert data["start"] == 0 and data["fps"] == 1 and data["panels"] is True
    assert data["labels"]["unit"] == ("Stage" if lang == "en" else "단계")
    assert "1.000" in latex(at) and "-0.500" in latex(at)


def test_every_stage_panel_holds_the_engines_numbers():
    tr = trace()
    at = open_page(FILE)
    assert_clean(at)
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
        words = panel_markdown(shown[k])
        assert f"Stage {k} / {len(backprop.STAGES) - 1}" in words
        assert t_en(f"backprop.stage_{stage}_title") in words
        assert t_en(f"backprop.stage_{stage}_text") in words
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
    for k, stage in enumerate(backprop.STAGES):
        want_nodes, want_edges = backprop.diagram_frames(tr, stage)
        mine = nodes[nodes["stage"] == k].drop(columns="stage").reset_index(drop=True)
        pd.testing.assert_frame_equal(mine, want_nodes, check_dtype=False)
        mine = edges[edges["stage"] == k].drop(columns="stage").reset_index(drop=True)
        pd.testing.assert_frame_equal(mine, want_edges, check_dtype=False)
    # the output's error appears in the backward stages only
    out = nodes[nodes["node"] == "out"].set_index("stage")["grad"]
    assert out[3] == "" and out[4] == "δ " + backprop.short(tr.output.dz[0, 0], 3)


def test_default_statement_matches_the_step():
    tr = trace()
    at = open_page(FILE)
    text = notice_text(at)
    assert f"from {tr.p:.3f} to {tr.p_after:.3f}" in text
    assert f"fell from {tr.loss:.3f} to {tr.loss_after:.3f}" in text
    big = backprop.biggest_change(tr)
    assert f"from {big['before']:.3f} to {big['after']:.3f}" in text
    assert f"δ = {tr.output.dz[0, 0]:.3f} is negative" in text
    h, o = backprop.gradient_sizes(tr)
    assert f"{o / h:.1f} times smaller" in text
    run = train(
        np.array([[1.0, -0.5]]),
        np.array([1]),
        backprop.spec("tanh"),
        "binary",
        2,
        optimizer="sgd",
        learning_rate=0.5,
        loss="binary_crossentropy",
        batch_size=1,
        epochs=30,
        seed=0,
        grid_cells=None,
    )
    losses = run.history["loss"]
    assert losses[0] == pytest.approx(tr.loss)
    assert f"from {losses[0]:.3f} to {losses[-1]:.3f}: the network has learned" in text


def test_overshoot_and_high_output_branches():
    tr = trace(lr=30.0, seed=1)
    assert tr.loss_after > tr.loss
    at = open_page(FILE, params={"lr": "30.0", "seed": "1"})
    assert_clean(at)
    assert f"rose from {tr.loss:.3f} to {tr.loss_after:.3f}" in notice_text(at)
    tr = trace(y=0, lr=0.01)
    at = open_page(FILE, params={"y": "0", "lr": "0.01"})
    text = notice_text(at)
    assert f"δ = {tr.output.dz[0, 0]:.3f} is positive" in text
    assert "learning is slow" in text


def test_flat_dead_and_large_hidden_branches():
    tr = trace(y=0, act="sigmoid", loss="mse", lr=0.01, seed=2)
    assert abs(tr.loss_after - tr.loss) < 5e-4
    at = open_page(
        FILE, params={"y": "0", "act": "sigmoid", "loss": "mse", "lr": "0.01", "seed": "2"}
    )
    assert "barely changed anything" in notice_text(at)
    at = open_page(FILE, params={"act": "relu"})
    tr = trace(act="relu")
    dead = [j for j in range(3) if tr.hidden.z[0, j] <= 0]
    assert dead and f"h{backprop.SUB[dead[0] + 1]}" in notice_text(at)
    assert "dead unit" in notice_text(at)
    tr = trace(seed=2)
    h, o = backprop.gradient_sizes(tr)
    assert h >= 0.5 * o
    at = open_page(FILE, params={"seed": "2"})
    assert f"mean size {h:.3f}" in notice_text(at)


def test_bad_url_values_fall_back():
    at = open_page(FILE, params={"lr": "abc", "act": "x" * 300, "x1": "5", "steps": "-5"})
    assert_clean(at)
    assert at.session_state["lr"] == 0.5
    assert at.session_state["act"] == "tanh"
    assert at.slider(key="x1").value == 1.0
    assert at.slider(key="steps").value == 30
    assert "abc" in " ".join(i.value for i in at.info)


def test_korean_statement():
    tr = trace()
    at = open_page(FILE, lang="ko")
    after = f"{tr.loss_after:.3f}"
    particle = "로" if after[-1] in "1245789" else "으로"  # 일 이 사 오 칠 팔 구 take 로
    assert f"{tr.loss:.3f}에서 {after}{particle} 줄었습니다" in notice_text(at)
