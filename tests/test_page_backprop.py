"""The forward/backward lesson (B6): renders, shows the engine's numbers, steps through the
stages, its statements match the traced step in every reachable branch, bad URL values fall
back. (Widget extremes and hostile URLs are swept by test_all_pages.)"""

import numpy as np
import pytest
from apptest_utils import assert_clean, charts, notice_text, open_page

from sim import backprop_trace as bt
from sim.training import train

FILE = "pages/11_forward_backward.py"


def trace(y=1, act="tanh", loss="binary_crossentropy", lr=0.5, seed=0, x1=1.0, x2=-0.5):
    return bt.trace_step(x1, x2, y, act, loss, lr, seed)


def latex(at) -> str:
    return "\n".join(e.value for e in at.get("latex"))


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_renders_with_formulas(lang):
    at = open_page(FILE, lang=lang)
    assert_clean(at)
    assert len(charts(at)) >= 2
    assert at.session_state["backprop_frame"] == 0  # starts at the question
    assert "1.000" in latex(at) and "-0.500" in latex(at)


def test_stepping_shows_the_engines_numbers():
    tr = trace()
    at = open_page(FILE)
    expected = {
        1: f"{tr.hidden.z[0, 0]:.3f}",
        2: f"{tr.p:.3f}",
        3: f"{tr.loss:.3f}",
        4: f"{tr.output.dz[0, 0]:.3f}",
        5: f"{tr.hidden.dz[0, 1]:.3f}",
        6: f"{tr.hidden.W_new[0, 0]:.3f}",
    }
    for k in range(1, len(bt.STAGES)):
        at.button(key="backprop_step_btn").click().run()
        assert_clean(at)
        assert at.session_state["backprop_frame"] == k
        assert expected[k] in latex(at), (k, expected[k])
    assert f"{tr.loss:.3f} \\to {tr.loss_after:.3f}" in latex(at)
    at.button(key="backprop_reset_btn").click().run()
    at.button(key="backprop_play_btn").click().run()
    assert at.session_state["backprop_frame"] > 0


def test_default_statement_matches_the_step():
    tr = trace()
    at = open_page(FILE)
    text = notice_text(at)
    assert f"from {tr.p:.3f} to {tr.p_after:.3f}" in text
    assert f"fell from {tr.loss:.3f} to {tr.loss_after:.3f}" in text
    big = bt.biggest_change(tr)
    assert f"from {big['before']:.3f} to {big['after']:.3f}" in text
    assert f"δ = {tr.output.dz[0, 0]:.3f} is negative" in text
    h, o = bt.gradient_sizes(tr)
    assert f"{o / h:.1f} times smaller" in text
    run = train(
        np.array([[1.0, -0.5]]),
        np.array([1]),
        bt.spec("tanh"),
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
    assert dead and f"h{bt.SUB[dead[0] + 1]}" in notice_text(at)
    assert "dead unit" in notice_text(at)
    tr = trace(seed=2)
    h, o = bt.gradient_sizes(tr)
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
