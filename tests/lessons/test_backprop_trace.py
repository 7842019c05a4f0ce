"""The traced training step (B6): the engine's gradients equal finite differences and the
update equals what ``Sequential.fit`` does in one step; formulas and diagram frames."""

import numpy as np
import pytest
from page_runs import diverged_regression

from charts import numbers
from lessons import backprop
from lessons.notices import Number, keys, notice
from sim.training import train
from ui.page import words
from ui.text import Translator

X1, X2 = 1.0, -0.5


def fit_one(activation, loss, lr, y, seed, epochs=1):
    return train(
        np.array([[X1, X2]]),
        np.array([y]),
        backprop.spec(activation),
        "binary",
        2,
        optimizer="sgd",
        learning_rate=lr,
        loss=loss,
        batch_size=1,
        epochs=epochs,
        seed=seed,
        grid_cells=None,
    )


@pytest.mark.parametrize("activation", backprop.ACTIVATIONS)
@pytest.mark.parametrize("loss", backprop.LOSSES)
def test_gradients_match_finite_differences(activation, loss):
    trace = backprop.trace_step(X1, X2, 1, activation, loss, 0.5, seed=3)
    numeric = backprop.finite_difference_gradients(trace)
    for chain, fd in zip(backprop.chain_rule_gradients(trace), numeric, strict=True):
        np.testing.assert_allclose(chain, fd, atol=1e-7)


@pytest.mark.parametrize(
    ("activation", "loss", "y"), [("tanh", "binary_crossentropy", 1), ("sigmoid", "mse", 0)]
)
def test_update_is_what_fit_does(activation, loss, y):
    lr = 0.5
    trace = backprop.trace_step(X1, X2, y, activation, loss, lr, seed=0)
    result = fit_one(activation, loss, lr, y, seed=0)
    for mine, fitted in zip(trace.weights_after(), result.weights, strict=True):
        np.testing.assert_allclose(mine, fitted, rtol=0, atol=1e-14)
    # plain SGD: new = old - lr * gradient
    for old, grad, new in zip(
        trace.weights_before(),
        backprop.chain_rule_gradients(trace),
        trace.weights_after(),
        strict=True,
    ):
        np.testing.assert_allclose(new, old - lr * grad, atol=1e-14)
    two = fit_one(activation, loss, lr, y, seed=0, epochs=2)
    assert two.history["loss"][0] == pytest.approx(trace.loss, abs=1e-14)
    assert two.history["loss"][1] == pytest.approx(trace.loss_after, abs=1e-12)


def test_forward_arrays_are_consistent():
    trace = backprop.trace_step(X1, X2, 1, "tanh", "binary_crossentropy", 0.5, seed=0)
    h, o = trace.hidden, trace.output
    np.testing.assert_allclose(h.z[0], trace.x @ h.W + h.b)
    np.testing.assert_allclose(h.a[0], np.tanh(h.z[0]))
    np.testing.assert_allclose(o.z[0], h.a[0] @ o.W + o.b)
    assert trace.p == pytest.approx(1 / (1 + np.exp(-o.z[0, 0])))
    assert trace.loss == pytest.approx(-np.log(trace.p))
    # the chain rule the lesson writes out
    assert o.dz[0, 0] == pytest.approx(trace.p - 1)
    assert trace.dL_dp * trace.p * (1 - trace.p) == pytest.approx(o.dz[0, 0])
    np.testing.assert_allclose(o.dinputs[0], o.dz[0, 0] * o.W[:, 0])
    np.testing.assert_allclose(h.dz[0], o.dinputs[0] * (1 - h.a[0] ** 2))
    np.testing.assert_allclose(h.dW, np.outer(trace.x, h.dz[0]))
    assert h.dinputs is None


def test_mse_chain_rule():
    trace = backprop.trace_step(X1, X2, 0, "sigmoid", "mse", 0.5, seed=1)
    p = trace.p
    assert trace.loss == pytest.approx(p**2)
    assert trace.dL_dp == pytest.approx(2 * p)
    assert trace.output.dz[0, 0] == pytest.approx(2 * p * p * (1 - p))


def test_relu_dead_unit_gets_no_gradient():
    trace = backprop.trace_step(X1, X2, 1, "relu", "binary_crossentropy", 0.5, seed=0)
    dead = trace.hidden.z[0] <= 0
    assert dead.any()
    assert np.all(trace.hidden.dW[:, dead] == 0)


def test_latex_and_diagram_for_every_stage():
    trace = backprop.trace_step(X1, X2, 1, "tanh", "binary_crossentropy", 0.5, seed=0)
    shapes = set()
    for stage in backprop.STAGES:
        lines = backprop.latex(trace, stage)
        assert lines and all(line.count("{") == line.count("}") for line in lines)
        nodes, edges = backprop.diagram_frames(trace, stage)
        shapes.add((tuple(nodes.columns), len(nodes), tuple(edges.columns), len(edges)))
        assert edges["size"].between(0, 1).all()
        assert np.isfinite(edges[["x", "y", "x2", "y2", "size"]].to_numpy()).all()
    assert len(shapes) == 1  # the same structure at every stage (a stable chart spec)
    assert f"{trace.loss:.3f}" in backprop.latex(trace, "loss")[0]
    assert f"{trace.loss_after:.3f}" in backprop.latex(trace, "update")[-1]
    with pytest.raises(ValueError):
        backprop.latex(trace, "nope")


def test_number_formats():
    assert backprop.num(0.12345) == "0.123"
    assert backprop.num(-0.0) == "0"
    assert "times 10^{-5}" in backprop.num(1.5e-5)
    assert backprop.short(-0.5) == "−0.50"
    assert backprop.short(0.0016) == "0.0016"
    assert backprop.short(2e-6) == "2.0e−06"


def test_biggest_change_and_csv():
    trace = backprop.trace_step(X1, X2, 1, "tanh", "binary_crossentropy", 0.5, seed=0)
    big = backprop.biggest_change(trace)
    changes = [np.abs(s.W_new - s.W).max() for s in trace.layers]
    assert abs(big["after"] - big["before"]) == pytest.approx(max(changes))
    assert big["after"] == pytest.approx(big["before"] - 0.5 * big["grad"])
    table = trace.frame()
    assert set(table["stage"]) == set(backprop.STAGES)
    assert len(table) == 61  # every number of the step, once


def test_diagram_rows_hold_every_stage_for_the_player():
    """The diagram the browser plays: stage k's rows are ``diagram_frames`` at stage k, and
    every layer of the chart keeps the rows of the player's frame only."""
    from charts import backprop_frames
    from charts.frames import Frames

    trace = backprop.trace_step(X1, X2, 0, "sigmoid", "mse", 3.0, seed=4)
    nodes, edges = backprop_frames.diagram_rows(trace)
    for k, stage in enumerate(backprop.STAGES):
        want_nodes, want_edges = backprop.diagram_frames(trace, stage)
        got = nodes[nodes["stage"] == k].drop(columns="stage").reset_index(drop=True)
        assert got.equals(want_nodes)
        got = edges[edges["stage"] == k].drop(columns="stage").reset_index(drop=True)
        assert got[want_edges.columns].equals(want_edges)
        assert list(got.columns) == [*want_edges.columns, "tx", "ty"]  # where labels sit
    assert edges["size"].between(0, 1).all()
    chart = backprop_frames.network_layers(nodes, edges, Frames("bp", len(backprop.STAGES), 0))
    spec = chart.to_dict()
    assert [p["name"] for p in spec["params"]] == ["bp_frame"]
    assert all(
        {"filter": "datum.stage == bp_frame"} in layer["transform"] for layer in spec["layer"]
    )


# --- what the lesson says about the step ------------------------------------------------------


def traced(y=1, act="tanh", loss="binary_crossentropy", lr=0.5, seed=0):
    return backprop.trace_step(X1, X2, y, act, loss, lr, seed)


def test_step_notices_default_step_lowers_the_loss():
    trace = traced()
    said = backprop.step_notices(trace)
    assert keys(said) == [
        "backprop.notice_down",
        "backprop.notice_sign_low",
        "backprop.notice_hidden_small",
    ]
    down, sign, hidden = said
    assert trace.loss_after < trace.loss - backprop.FLAT_CHANGE
    assert down["l0"] == Number(trace.loss, 3) and down["l1"] == Number(trace.loss_after, 3)
    assert down["p"] == Number(trace.p, 3) and down["p_after"] == Number(trace.p_after, 3)
    assert down["y"] == 1 and down["lr"] == Number(0.5)
    # the weight that moved most, and its update w_new = w - lr * grad
    changes = [
        np.abs(trace.hidden.W_new - trace.hidden.W),
        np.abs(trace.output.W_new - trace.output.W),
    ]
    layer = int(np.argmax([c.max() for c in changes]))
    step = (trace.hidden, trace.output)[layer]
    i, j = np.unravel_index(int(np.argmax(changes[layer])), changes[layer].shape)
    assert sign["before"] == Number(step.W[i, j], 3) and sign["after"] == Number(
        step.W_new[i, j], 3
    )
    assert step.W_new[i, j] == pytest.approx(step.W[i, j] - 0.5 * step.dW[i, j])
    assert sign["grad"] == Number(step.dW[i, j], 3)
    assert sign["weight"] == (
        f"v{backprop.SUB[i + 1]}" if layer else f"w{backprop.SUB[i + 1]}{backprop.SUB[j + 1]}"
    )
    assert sign["dz"] == Number(trace.output.dz[0, 0], 3) and trace.output.dz[0, 0] < 0
    h_mean = np.abs(trace.hidden.dW).mean()
    o_mean = np.abs(trace.output.dW).mean()
    assert h_mean < 0.5 * o_mean and hidden["ratio"] == Number(o_mean / h_mean, 2)
    assert hidden["act"] == notice("backprop.act_tanh")
    ko = words(Translator("ko"), down)
    after = numbers.plain(trace.loss_after, 3)
    particle = "로" if after[-1] in "1245789" else "으로"  # 일 이 사 오 칠 팔 구 take 로
    assert f"{numbers.plain(trace.loss, 3)}에서 {after}{particle} 줄었습니다" in ko


def test_step_notices_overshoot_and_high_output():
    trace = traced(lr=30.0, seed=1)
    said = backprop.step_notices(trace)
    assert trace.loss_after > trace.loss + backprop.FLAT_CHANGE
    assert said[0] == notice(
        "backprop.notice_up",
        p=Number(trace.p, 3),
        p_after=Number(trace.p_after, 3),
        y=1,
        l0=Number(trace.loss, 3),
        l1=Number(trace.loss_after, 3),
        lr=Number(30.0),
    )
    trace = traced(y=0, lr=0.01)
    said = backprop.step_notices(trace)
    assert trace.output.dz[0, 0] > 0 and said[1].key == "backprop.notice_sign_high"


def test_step_notices_flat_dead_and_large_hidden():
    trace = traced(y=0, act="sigmoid", loss="mse", lr=0.01, seed=2)
    assert abs(trace.loss_after - trace.loss) < backprop.FLAT_CHANGE
    assert backprop.step_notices(trace)[0].key == "backprop.notice_flat"
    trace = traced(act="relu")
    dead = [j for j in range(3) if trace.hidden.z[0, j] <= 0]
    assert dead
    said = backprop.step_notices(trace)[2]
    assert said == notice(
        "backprop.notice_dead", units=", ".join(f"h{backprop.SUB[j + 1]}" for j in dead)
    )
    # a dead unit's input weights got exactly no gradient
    assert (trace.hidden.dW[:, dead] == 0).all()
    trace = traced(seed=2)
    h_mean, o_mean = backprop.gradient_sizes(trace)
    assert h_mean >= 0.5 * o_mean
    assert backprop.step_notices(trace)[2] == notice(
        "backprop.notice_hidden_large", h=Number(h_mean, 3), o=Number(o_mean, 3)
    )


@pytest.mark.parametrize(
    ("kwargs", "steps", "key"),
    [
        ({}, 30, "backprop.notice_repeat_learned"),
        ({"y": 0, "lr": 0.01}, 30, "backprop.notice_repeat_slow"),
        ({"y": 0, "lr": 10.0, "seed": 4}, 2, "backprop.notice_repeat_worse"),
    ],
)
def test_repeat_notices_follow_the_repeated_run(kwargs, steps, key):
    args = {"activation": "tanh", "loss": "binary_crossentropy", "lr": 0.5, "y": 1, "seed": 0}
    args.update(kwargs)
    run = fit_one(**args, epochs=steps)
    losses = run.history["loss"]
    trace = traced(y=args["y"], lr=args["lr"], seed=args["seed"])
    assert losses[0] == pytest.approx(trace.loss)  # the first repetition is the traced step
    (said,) = backprop.repeat_notices(run)
    assert said == notice(
        key,
        n=steps,
        l0=Number(losses[0], 3),
        ln=Number(losses[-1], 3),
        peak=Number(max(losses), 3),
    )
    if key.endswith("learned"):
        assert losses[-1] < 0.5 * losses[0]
    elif key.endswith("slow"):
        assert 0.5 * losses[0] <= losses[-1] < losses[0]
    else:
        assert losses[-1] >= losses[0]


def test_repeat_notices_one_step_and_a_diverged_run():
    assert backprop.repeat_notices(fit_one("tanh", "binary_crossentropy", 0.5, 1, 0)) == []
    # the lesson's binary runs stay finite; a regression run with a huge rate does not
    run = diverged_regression(backprop.spec("tanh"))
    assert run.diverged
    said = backprop.repeat_notices(run)
    assert said[-1] == notice("backprop.notice_diverged", epoch=run.diverged["epoch"])
