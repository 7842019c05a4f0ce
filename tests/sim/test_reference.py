"""sim against golden values recorded from the reference frameworks (tests/reference).

``tests/sim/reference/golden.json`` holds, with their inputs, what Keras 3 (JAX backend, truly
float64) and PyTorch (float64) computed for: the six optimizers over 200 steps (defaults and
other hyperparameters), a momentum descent on Rosenbrock (torch autograd), fits with a
partial last batch, validation_split, EarlyStopping with restore_best_weights (a run that
stops and one that never does), BatchNormalization's moving statistics, L2, and saturated
sigmoid and softmax outputs. ``tests/sim/reference/record.py`` rewrites it (run by hand where
torch and Keras are installed); this test needs neither.

Tolerances (relative, with a tiny absolute floor for values near 0): ``TOL`` for every
comparison with a float64 reference, ``TOL_ADAM_TORCH`` for the torch twin fits with Adam,
where torch adds epsilon (1e-14) before the bias correction and Keras/sim after it, and
``TOL_KERAS_TORCH`` for Keras on the torch backend, which multiplies in float32
(keras-team/keras#23704).
"""

import importlib.util
import json
from pathlib import Path

import numpy as np
import pytest

from sim import descent
from sim.nn import EarlyStopping, binary_crossentropy
from sim.optimizers import make_optimizer
from sim.surfaces import get_surface

HERE = Path(__file__).with_name("reference")
_spec = importlib.util.spec_from_file_location("reference_record", HERE / "record.py")
record = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(record)
GOLDEN = json.loads((HERE / "golden.json").read_text())

TOL = 1e-10
TOL_ADAM_TORCH = 1e-8
TOL_KERAS_TORCH = 1e-6
ATOL = 1e-13


def close(actual, expected, rtol=TOL, what=""):
    np.testing.assert_allclose(
        np.asarray(actual, dtype=np.float64),
        np.asarray(expected),
        rtol=rtol,
        atol=ATOL,
        err_msg=what,
    )


def _run_id(run):
    hp = ",".join(f"{k}={v}" for k, v in run["hyperparameters"].items()) or "defaults"
    return f"{run['reference']}-{run['optimizer']}-{hp}"


@pytest.mark.parametrize("run", GOLDEN["optimizers"]["runs"], ids=_run_id)
def test_optimizer_matches_reference(run):
    problem = GOLDEN["optimizers"]["problem"]
    opt = make_optimizer(run["optimizer"], **run["hyperparameters"])
    p = np.asarray(problem["p0"], dtype=np.float64)
    state = opt.init(p)
    for t in range(GOLDEN["optimizers"]["steps"]):
        p, state = opt.update(p, record.gradient(problem, p, t), state)
        if str(t + 1) in run["params"]:
            close(p, run["params"][str(t + 1)], what=f"after step {t + 1}")
    assert sorted(map(int, run["params"])) == GOLDEN["optimizers"]["checkpoints"]


def test_optimizer_golden_covers_every_rule_with_other_hyperparameters():
    runs = GOLDEN["optimizers"]["runs"]
    names = ("sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adam")
    for ref in ("keras-jax", "torch"):
        assert {r["optimizer"] for r in runs if r["reference"] == ref} == set(names)
    for name in names:
        kinds = {bool(r["hyperparameters"]) for r in runs if r["optimizer"] == name}
        assert kinds == {True} or kinds == {True, False}
    assert GOLDEN["optimizers"]["steps"] == 200


def test_rosenbrock_momentum_descent_matches_torch_autograd():
    r = GOLDEN["rosenbrock"]
    opt = make_optimizer(r["optimizer"], learning_rate=r["learning_rate"])
    traj = descent.run(get_surface(r["surface"]), opt, tuple(r["start"]), r["steps"])
    for step, xy in r["xy"].items():
        close(traj.xy[int(step)], xy, what=f"step {step}")


def _sim_fit(case, x, y, weights):
    model = record.build_sim_model(case["layers"], x.shape[1], 0)
    model.set_weights([np.asarray(w, dtype=np.float64) for w in weights])
    opt = case["optimizer"]
    model.compile(
        make_optimizer(opt["name"], **opt["hyperparameters"]), case["loss"], case["metrics"]
    )
    return model


def _targets(case):
    y = np.asarray(case["y"])
    return y.astype(np.int64) if case["loss"] == "sparse_categorical_crossentropy" else y


@pytest.mark.parametrize("case", GOLDEN["fits"], ids=lambda c: c["name"])
def test_fit_matches_reference(case):
    x, y = np.asarray(case["x"], dtype=np.float64), _targets(case)
    model = _sim_fit(case, x, y, case["initial_weights"])
    expect = case["expect"]
    rtol = TOL
    if case["reference"] == "torch" and case["optimizer"]["name"] == "adam":
        rtol = TOL_ADAM_TORCH
    if "initial_evaluate" in expect:
        close_logs(model.evaluate(x, y, return_dict=True), expect["initial_evaluate"], rtol)
    callbacks, stopper = [], None
    if "early_stopping" in case:
        stopper = EarlyStopping(monitor="val_loss", **case["early_stopping"])
        callbacks.append(stopper)
    history = model.fit(x, y, shuffle=False, callbacks=callbacks, **case["fit"])
    assert history.params["steps"] == expect["steps"]
    assert len(history.epoch) == expect["epochs_run"]
    assert sorted(history.history) == sorted(expect["history"])
    for key, values in expect["history"].items():
        close(history.history[key], values, rtol, what=key)
    if stopper is not None:
        assert (stopper.stopped_epoch, stopper.best_epoch) == (
            expect["stopped_epoch"],
            expect["best_epoch"],
        )
    ours = model.get_weights()
    assert len(ours) == len(expect["weights"])
    for i, (w, ref) in enumerate(zip(ours, expect["weights"], strict=True)):
        if ref is not None:  # torch's BatchNorm1d running_var is unbiased: not compared
            close(w, ref, rtol, what=f"weight {i}")
    if "evaluate" in expect:
        close_logs(model.evaluate(x, y, return_dict=True), expect["evaluate"], rtol)
    if "predict" in expect:
        close(model.predict(x[:8]), expect["predict"], rtol, what="predict")


def close_logs(ours: dict, theirs: dict, rtol):
    assert sorted(ours) == sorted(theirs)
    for key, value in theirs.items():
        close(ours[key], value, rtol, what=key)


def test_early_stopping_cases_restore_an_earlier_epoch():
    """The golden runs are not trivial: one stops after its best epoch, one never stops,
    and both end on a best epoch that is neither the first nor the last."""
    cases = {c["name"]: c["expect"] for c in GOLDEN["fits"] if "early_stopping" in c}
    stops = cases["early_stopping_restores_best"]
    never = cases["early_stopping_never_stops_restores_best"]
    assert stops["stopped_epoch"] > stops["best_epoch"] > 0
    assert never["stopped_epoch"] == 0 and 0 < never["best_epoch"] < never["epochs_run"] - 1


def test_saturated_sigmoid_differs_from_keras_on_torch_as_documented():
    """Keras with a sigmoid output (torch and JAX backends) clips p to [1e-7, 1 - 1e-7] in
    the loss: its value is sim's per-sample binary_crossentropy on probabilities (capped) and
    its step drops the gradient of the saturated samples. sim's value and step come from
    the logits: uncapped, every sample pushes."""
    case = GOLDEN["saturated_clipped_in_keras"]
    x, y = np.asarray(case["x"], dtype=np.float64), np.asarray(case["y"], dtype=np.float64)
    w0 = [np.asarray(w, dtype=np.float64) for w in case["initial_weights"]]
    model = _sim_fit(case, x, y, w0)
    z = x @ w0[0] + w0[1]
    p = model.predict(x)
    saturated = (p < 1e-7) | (p > 1 - 1e-7)
    assert saturated.sum() == 3  # two confidently wrong answers, one confidently right
    lr, n = case["optimizer"]["hyperparameters"]["learning_rate"], len(x)

    def step(mask):
        dz = (p - y[:, None]) * mask / n
        return [w0[0] - lr * x.T @ dz, w0[1] - lr * dz.sum(axis=0)]

    capped = float(np.mean(binary_crossentropy(y, p)))
    for ref, rtol in (("keras_jax", TOL), ("keras_torch", TOL_KERAS_TORCH)):
        close(case[ref]["evaluate_before"], capped, rtol, what=ref)
        for ours, theirs in zip(step(~saturated), case[ref]["weights"], strict=True):
            close(theirs, ours, rtol, what=ref)
    ours_value = model.evaluate(x, y)
    close(ours_value, np.mean(binary_crossentropy(y, z, from_logits=True)))
    assert ours_value > 2 * capped
    model.fit(x, y, shuffle=False, **case["fit"])
    for ours, expected in zip(model.get_weights(), step(np.ones_like(p)), strict=True):
        close(ours, expected)
    assert not np.allclose(model.get_weights()[0], case["keras_jax"]["weights"][0])
