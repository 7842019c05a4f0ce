"""The traced training step (B6): the engine's gradients equal finite differences and the
update equals what ``Sequential.fit`` does in one step; formulas and diagram frames."""

import numpy as np
import pytest

from lessons import backprop
from sim.training import train

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
        assert np.isfinite(edges[["x", "y", "x2", "y2", "tx", "ty", "size"]].to_numpy()).all()
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
        assert got.equals(want_edges)
    assert edges["size"].between(0, 1).all()
    chart = backprop_frames.network_layers(nodes, edges, Frames("bp", len(backprop.STAGES), 0))
    spec = chart.to_dict()
    assert [p["name"] for p in spec["params"]] == ["bp_frame"]
    assert all(
        {"filter": "datum.stage == bp_frame"} in layer["transform"] for layer in spec["layer"]
    )
