"""Record the golden values that tests/sim/test_reference.py checks sim against.

Run by hand where the reference frameworks are installed (not in CI, not in the app's
requirements), from the repository root::

    python -m venv /tmp/ref && /tmp/ref/bin/pip install -r requirements.txt \\
        torch==2.13.0 keras jax jaxlib
    /tmp/ref/bin/python tests/sim/reference/record.py  # rewrites tests/sim/reference/golden.json

Each reference runs in its own child process (a Keras backend is fixed per process):

* ``keras-jax``: Keras 3 on the JAX backend with ``jax_enable_x64`` and
  ``keras.config.set_floatx("float64")``. That alone is not float64 throughout: Keras' type
  promotion (``keras.src.backend.common.dtypes.result_type``) maps float64 to float32 on
  every backend but TensorFlow, so ``tanh``, ``var`` (BatchNormalization) and others came
  out in float32 (values ~1e-8 off). The recorder switches that mapping off
  (``KERAS_FLOAT64_PATCH``, stored in the file), a change of precision only; then sim
  agrees to ~1e-14. (Keras on the torch backend multiplies float64 inputs in float32 too,
  keras-team/keras#23704, so it is not used for the values sim must match to 1e-10.)
* ``torch``: plain PyTorch in float64: ``torch.optim`` on the same gradients, whole training
  runs of a torch twin of the model, and a momentum descent on Rosenbrock with autograd.
* ``keras-torch``: Keras 3 on the torch backend, only for the one documented difference
  (a saturated sigmoid output: Keras clips p inside the loss and drops that sample's
  gradient, sim computes value and gradient from the logits); tolerance ~1e-6 there.

Inputs are stored beside the outputs (data, initial weights, hyperparameters), so the check
does not depend on how sim draws data or weights. The model specs and data come from sim
(``sim.datasets.make_dataset`` and the initial weights of ``sim.nn.Sequential(seed)``), and
every reference runs without shuffling (``shuffle=False``), so all see the same batches.

The parts of this module above ``# --- references`` import only numpy and sim: the test
imports them (``gradient``, ``build_sim_model``) to replay the same runs in sim.
"""

from __future__ import annotations

import json
import math
import os
import platform
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[3]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

GOLDEN = Path(__file__).with_name("golden.json")

# ---------------------------------------------------------------------------------------
# the optimizer problem: 200 steps of a gradient that depends on the parameters


OPT_STEPS = 200
OPT_CHECKPOINTS = (1, 2, 3, 10, 50, 100, 200)
GRADIENT_FORMULA = "g(p, t) = h * (p - c) + a * sin(omega * t + phase), t = 0 .. steps - 1"


def optimizer_problem() -> dict:
    """An ill-conditioned quadratic (curvatures 0.05 .. 8) plus a deterministic wobble, on a
    (4, 3) parameter array; the wobble keeps adaptive rules busy and no gradient is 0."""
    shape = (4, 3)
    idx = np.arange(12, dtype=np.float64).reshape(shape)
    return {
        "p0": (1.5 * np.cos(1.3 * idx + 0.4)).tolist(),
        "h": np.geomspace(0.05, 8.0, 12).reshape(shape).tolist(),
        "c": (0.5 * np.sin(0.7 * idx + 1.1)).tolist(),
        "a": (0.2 + 0.05 * idx).tolist(),
        "omega": 0.37,
        "phase": (0.3 + 0.61 * idx).tolist(),
    }


def gradient(problem: dict, p: np.ndarray, t: int) -> np.ndarray:
    """``GRADIENT_FORMULA`` in float64 numpy (every reference is fed exactly this)."""
    h, c, a = (np.asarray(problem[k], dtype=np.float64) for k in ("h", "c", "a"))
    phase = np.asarray(problem["phase"], dtype=np.float64)
    return h * (p - c) + a * np.sin(problem["omega"] * t + phase)


# sim names and hyperparameters; "keras" cases use Keras' own rule and epsilon, "torch"
# cases set epsilon to 0 for the adaptive rules, where torch adds it elsewhere (outside the
# square root, or before Adam's bias correction): with epsilon 0 the formulas coincide.
OPTIMIZER_CASES = (
    ("sgd", {}, "keras"),
    ("sgd", {"learning_rate": 0.05}, "keras"),
    ("momentum", {}, "keras"),
    ("momentum", {"learning_rate": 0.02, "momentum": 0.5}, "keras"),
    ("nesterov", {}, "keras"),
    ("nesterov", {"learning_rate": 0.03, "momentum": 0.7}, "keras"),
    ("adagrad", {}, "keras"),
    ("adagrad", {"learning_rate": 0.2, "initial_accumulator_value": 0.5, "epsilon": 1e-3}, "keras"),
    ("rmsprop", {}, "keras"),
    ("rmsprop", {"learning_rate": 0.01, "rho": 0.5, "epsilon": 1e-3}, "keras"),
    ("adam", {}, "keras"),
    ("adam", {"learning_rate": 0.05, "beta_1": 0.5, "beta_2": 0.9, "epsilon": 1e-3}, "keras"),
    ("sgd", {"learning_rate": 0.05}, "torch"),
    ("momentum", {"learning_rate": 0.02}, "torch"),
    ("nesterov", {"learning_rate": 0.03, "momentum": 0.7}, "torch"),
    ("adagrad", {"learning_rate": 0.2, "initial_accumulator_value": 0.5, "epsilon": 0.0}, "torch"),
    ("rmsprop", {"learning_rate": 0.01, "rho": 0.5, "epsilon": 0.0}, "torch"),
    ("adam", {"learning_rate": 0.05, "beta_1": 0.5, "beta_2": 0.9, "epsilon": 0.0}, "torch"),
)

ROSENBROCK = {"start": [-1.5, 2.5], "steps": 400, "optimizer": "momentum", "learning_rate": 1e-3}

# ---------------------------------------------------------------------------------------
# the training runs


def _dense(units, activation=None, l2=None):
    return {"type": "dense", "units": units, "activation": activation or "linear", "l2": l2}


def _bn(momentum=0.99, epsilon=1e-3):
    return {"type": "batch_normalization", "momentum": momentum, "epsilon": epsilon}


def _data(name, n, noise=None, seed=0):
    return {"dataset": name, "n": n, "noise": noise, "seed": seed}


TINY = 1e-14  # Adam's epsilon in the torch twin runs (torch adds it before bias correction)

FIT_CASES = (
    {
        "name": "partial_batch_momentum_bce",
        "reference": "keras-jax",
        "about": "100 samples, batch 16: 7 updates per epoch, the last of 4",
        "data": _data("moons", 100, 0.2, seed=4),
        "layers": [_dense(8, "relu"), _dense(8, "relu"), _dense(1, "sigmoid")],
        "seed": 1,
        "optimizer": ("sgd", {"learning_rate": 0.1, "momentum": 0.9}),
        "loss": "binary_crossentropy",
        "metrics": ["accuracy"],
        "fit": {"batch_size": 16, "epochs": 4},
    },
    {
        "name": "partial_batch_nesterov_mse",
        "reference": "keras-jax",
        "about": "regression, 50 samples, batch 16: the last batch has 2",
        "data": _data("sine", 50, 0.1, seed=3),
        "layers": [_dense(8, "tanh"), _dense(1)],
        "seed": 2,
        "optimizer": ("nesterov", {"learning_rate": 0.05, "momentum": 0.8}),
        "loss": "mse",
        "metrics": ["mae"],
        "fit": {"batch_size": 16, "epochs": 5},
    },
    {
        "name": "validation_split_adam_sparse_softmax",
        "reference": "keras-jax",
        "about": "validation_split 0.2 of 90: the last 18 validate, 72 train in 32, 32, 8",
        "data": _data("blobs", 90, seed=2),
        "layers": [_dense(8, "tanh"), _dense(3, "softmax")],
        "seed": 3,
        "optimizer": (
            "adam",
            {"learning_rate": 0.02, "beta_1": 0.8, "beta_2": 0.99, "epsilon": 1e-6},
        ),
        "loss": "sparse_categorical_crossentropy",
        "metrics": ["accuracy"],
        "fit": {"batch_size": 32, "epochs": 5, "validation_split": 0.2},
    },
    {
        "name": "validation_split_rmsprop_onehot",
        "reference": "keras-jax",
        "about": "validation_split 0.3 of 75 (52 train, batch 10: the last of 2), one-hot y",
        "data": _data("circles", 75, seed=5),
        "one_hot": 2,
        "layers": [_dense(6, "relu"), _dense(2, "softmax")],
        "seed": 4,
        "optimizer": ("rmsprop", {"learning_rate": 0.01, "rho": 0.8}),
        "loss": "categorical_crossentropy",
        "metrics": ["accuracy"],
        "fit": {"batch_size": 10, "epochs": 4, "validation_split": 0.3},
    },
    {
        "name": "early_stopping_restores_best",
        "reference": "keras-jax",
        "about": "an overfitting net; stops when val_loss has not improved for 3 epochs",
        "data": _data("moons", 60, 0.35, seed=6),
        "layers": [_dense(32, "relu"), _dense(32, "relu"), _dense(1, "sigmoid")],
        "seed": 5,
        "optimizer": ("adam", {"learning_rate": 0.005}),
        "loss": "binary_crossentropy",
        "metrics": ["accuracy"],
        "fit": {"batch_size": 10, "epochs": 80, "validation_split": 0.5},
        "early_stopping": {"patience": 3, "min_delta": 1e-3, "restore_best_weights": True},
    },
    {
        "name": "early_stopping_never_stops_restores_best",
        "reference": "keras-jax",
        "about": "the same net, patience longer than the run: best epoch restored at the end",
        "data": _data("moons", 60, 0.35, seed=6),
        "layers": [_dense(32, "relu"), _dense(32, "relu"), _dense(1, "sigmoid")],
        "seed": 5,
        "optimizer": ("adam", {"learning_rate": 0.005}),
        "loss": "binary_crossentropy",
        "metrics": ["accuracy"],
        "fit": {"batch_size": 10, "epochs": 20, "validation_split": 0.5},
        "early_stopping": {"patience": 100, "restore_best_weights": True},
    },
    {
        "name": "batchnorm_moving_statistics",
        "reference": "keras-jax",
        "about": "two BN layers (default, and momentum 0.8 / epsilon 0.01); validation never "
        "moves the moving statistics; predict and evaluate use them",
        "data": _data("blobs", 80, seed=7),
        "layers": [
            _dense(8, "tanh"),
            _bn(),
            _dense(6, "relu"),
            _bn(momentum=0.8, epsilon=1e-2),
            _dense(3, "softmax"),
        ],
        "seed": 6,
        "optimizer": ("momentum", {"learning_rate": 0.05}),
        "loss": "sparse_categorical_crossentropy",
        "metrics": ["accuracy"],
        "fit": {"batch_size": 16, "epochs": 3, "validation_split": 0.25},
    },
    {
        "name": "l2_adagrad",
        "reference": "keras-jax",
        "about": "L2 on both kernels; the reported losses include the penalty",
        "data": _data("moons", 64, 0.25, seed=8),
        "layers": [_dense(16, "relu", l2=0.01), _dense(1, "sigmoid", l2=0.001)],
        "seed": 7,
        "optimizer": ("adagrad", {"learning_rate": 0.1, "initial_accumulator_value": 0.2}),
        "loss": "binary_crossentropy",
        "metrics": ["accuracy"],
        "fit": {"batch_size": 12, "epochs": 4, "validation_split": 0.25},
    },
    {
        "name": "saturated_sigmoid_from_logits",
        "reference": "keras-jax",
        "keras_output": "logits",
        "about": "confidently wrong and right answers (|z| up to ~40): Keras gets a linear "
        "output and BinaryCrossentropy(from_logits=True), what its TensorFlow backend "
        "computes for a sigmoid output; sim keeps Dense(sigmoid)",
        "data": "saturated_binary",
        "layers": [_dense(1, "sigmoid")],
        "seed": 0,
        "optimizer": ("sgd", {"learning_rate": 0.1}),
        "loss": "binary_crossentropy",
        "metrics": ["accuracy"],
        "fit": {"batch_size": 4, "epochs": 3},
    },
    {
        "name": "saturated_softmax_from_logits",
        "reference": "keras-jax",
        "keras_output": "logits",
        "about": "softmax rows with a true class at probability ~1e-13 and ~1e-20: Keras "
        "gets a linear output and SparseCategoricalCrossentropy(from_logits=True)",
        "data": "saturated_multiclass",
        "layers": [_dense(3, "softmax")],
        "seed": 0,
        "optimizer": ("sgd", {"learning_rate": 0.1}),
        "loss": "sparse_categorical_crossentropy",
        "metrics": ["accuracy"],
        "fit": {"batch_size": 4, "epochs": 3},
    },
    {
        "name": "torch_binary_momentum",
        "reference": "torch",
        "about": "the former tests/test_nn_torch.py: 100 samples, batch 16, 3 epochs",
        "data": _data("moons", 100, 0.2, seed=4),
        "layers": [_dense(8, "relu"), _dense(8, "relu"), _dense(1, "sigmoid")],
        "seed": 1,
        "optimizer": ("sgd", {"learning_rate": 0.1, "momentum": 0.9}),
        "loss": "binary_crossentropy",
        "metrics": [],
        "fit": {"batch_size": 16, "epochs": 3},
    },
    {
        "name": "torch_binary_adam",
        "reference": "torch",
        "about": "as above with Adam, epsilon 1e-14 on both sides",
        "data": _data("moons", 100, 0.2, seed=4),
        "layers": [_dense(8, "relu"), _dense(8, "relu"), _dense(1, "sigmoid")],
        "seed": 1,
        "optimizer": ("adam", {"learning_rate": 0.01, "epsilon": TINY}),
        "loss": "binary_crossentropy",
        "metrics": [],
        "fit": {"batch_size": 16, "epochs": 3},
    },
    {
        "name": "torch_softmax_batchnorm",
        "reference": "torch",
        "about": "tanh, BatchNorm1d (momentum 0.01 = Keras 0.99), CrossEntropyLoss on the "
        "logits; torch's running_var is unbiased, so moving_variance is not compared",
        "data": _data("blobs", 100, seed=2),
        "layers": [_dense(8, "tanh"), _bn(), _dense(3, "softmax")],
        "seed": 3,
        "optimizer": ("sgd", {"learning_rate": 0.1, "momentum": 0.9}),
        "loss": "sparse_categorical_crossentropy",
        "metrics": [],
        "fit": {"batch_size": 16, "epochs": 3},
    },
)

# The documented difference: Keras with a sigmoid output (probabilities, clipped in the
# loss), one SGD step on one batch of all samples.
CLIPPED_CASE = {
    "name": "saturated_sigmoid_clipped_in_keras",
    "data": "saturated_binary",
    "layers": [_dense(1, "sigmoid")],
    "seed": 0,
    "optimizer": ("sgd", {"learning_rate": 0.1}),
    "loss": "binary_crossentropy",
    "metrics": [],
    "fit": {"batch_size": 6, "epochs": 1},
}


def saturated_data(name: str):
    """Hand-made inputs, labels and weights whose logits reach |z| ~ 40."""
    if name == "saturated_binary":
        x = np.array([[4.0, -1.0], [-3.5, 2.0], [0.3, 0.2], [-0.4, 0.1], [3.8, 0.5], [-0.2, -4.0]])
        y = np.array([0, 1, 1, 0, 1, 0])
        # z = 39 (label 0), -36 (label 1): confidently wrong; 33.45 (label 1): confidently
        # right; 2.7, -3.35: right; 8.7 (label 0): wrong, p = 0.9998, not clipped
        weights = [np.array([[9.0], [-2.5]]), np.array([0.5])]
        return x, y, weights
    x = np.array([[3.0, -2.0], [-2.5, 3.5], [0.4, 0.1], [1.0, -1.0], [-3.0, -3.0]])
    y = np.array([1, 0, 2, 0, 1])
    kernel = np.array([[6.0, -4.0, 0.5], [-3.0, 5.0, 0.2]])
    return x, y, [kernel, np.array([0.2, -0.1, 0.0])]


def case_inputs(case: dict):
    """``(x, y, initial_weights)`` of a case from sim (the recorder stores them)."""
    from sim.datasets import make_dataset

    if isinstance(case["data"], str):
        x, y, weights = saturated_data(case["data"])
        return x, y, weights
    data = case["data"]
    x, y = make_dataset(data["dataset"], data["n"], noise=data["noise"], seed=data["seed"])
    if case.get("one_hot"):
        y = np.eye(case["one_hot"])[y]
    model = build_sim_model(case["layers"], x.shape[1], case["seed"])
    return x, y, model.get_weights()


def build_sim_model(layers: list[dict], input_dim: int, seed: int):
    """A ``sim.nn.Sequential`` from the stored layer specs."""
    from sim.nn import BatchNormalization, Dense, Sequential

    built = []
    for i, spec in enumerate(layers):
        if spec["type"] == "dense":
            built.append(
                Dense(
                    spec["units"],
                    activation=spec["activation"],
                    input_dim=input_dim if i == 0 else None,
                    kernel_regularizer=spec["l2"],
                )
            )
        else:
            built.append(BatchNormalization(momentum=spec["momentum"], epsilon=spec["epsilon"]))
    return Sequential(built, seed=seed)


# --- references (each imports its framework inside the child process) ------------------


KERAS_FLOAT64_PATCH = (
    'keras.src.backend.common.dtypes.BIT64_TO_BIT32_DTYPE["float64"] = "float64": without it '
    "Keras' result_type demotes float64 to float32 outside TensorFlow"
)


def _tolist(a):
    return np.asarray(a, dtype=np.float64).tolist()


def _keras_optimizer(keras, name: str, hp: dict):
    hp = dict(hp)
    if name in ("sgd", "momentum", "nesterov"):
        defaults = {"sgd": {}, "momentum": {"momentum": 0.9}, "nesterov": {"momentum": 0.9}}
        hp = {**defaults[name], **hp}
        return keras.optimizers.SGD(nesterov=name == "nesterov", **hp)
    cls = {"adagrad": "Adagrad", "rmsprop": "RMSprop", "adam": "Adam"}[name]
    return getattr(keras.optimizers, cls)(**hp)


def _keras_optimizer_runs(keras) -> list[dict]:
    problem = optimizer_problem()
    out = []
    for name, hp, ref in OPTIMIZER_CASES:
        if ref != "keras":
            continue
        p = np.asarray(problem["p0"], dtype=np.float64)
        var = keras.Variable(p.copy(), dtype="float64")
        opt = _keras_optimizer(keras, name, hp)
        params = {}
        for t in range(OPT_STEPS):
            g = gradient(problem, np.asarray(var.numpy(), dtype=np.float64), t)
            opt.apply([keras.ops.convert_to_tensor(g, dtype="float64")], [var])
            if t + 1 in OPT_CHECKPOINTS:
                params[str(t + 1)] = _tolist(var.numpy())
        out.append(
            {"optimizer": name, "hyperparameters": hp, "reference": "keras-jax", "params": params}
        )
    return out


def _keras_model(keras, case: dict, input_dim: int, logits_output: bool):
    layers = [keras.Input((input_dim,), dtype="float64")]
    for i, spec in enumerate(case["layers"]):
        if spec["type"] == "dense":
            last = i == len(case["layers"]) - 1
            act = "linear" if (last and logits_output) else spec["activation"]
            reg = keras.regularizers.L2(spec["l2"]) if spec["l2"] else None
            layers.append(keras.layers.Dense(spec["units"], activation=act, kernel_regularizer=reg))
        else:
            layers.append(
                keras.layers.BatchNormalization(momentum=spec["momentum"], epsilon=spec["epsilon"])
            )
    return keras.Sequential(layers)


def _keras_loss(keras, name: str, from_logits: bool):
    cls = {
        "binary_crossentropy": keras.losses.BinaryCrossentropy,
        "categorical_crossentropy": keras.losses.CategoricalCrossentropy,
        "sparse_categorical_crossentropy": keras.losses.SparseCategoricalCrossentropy,
    }
    if name == "mse":
        return keras.losses.MeanSquaredError()
    return cls[name](from_logits=from_logits)


def _keras_targets(case: dict, y: np.ndarray) -> np.ndarray:
    if case["loss"] == "sparse_categorical_crossentropy":
        return y.astype(np.int64)
    y = y.astype(np.float64)
    return y[:, None] if y.ndim == 1 else y


def _keras_fit(keras, case: dict) -> dict:
    x, y, weights = case_inputs(case)
    logits = case.get("keras_output") == "logits"
    model = _keras_model(keras, case, x.shape[1], logits)
    model.set_weights(weights)
    model.compile(
        optimizer=_keras_optimizer(keras, *case["optimizer"]),
        loss=_keras_loss(keras, case["loss"], logits),
        metrics=list(case["metrics"]),
    )
    callbacks, stopper = [], None
    if case.get("early_stopping"):
        stopper = keras.callbacks.EarlyStopping(monitor="val_loss", **case["early_stopping"])
        callbacks.append(stopper)
    yk = _keras_targets(case, y)
    initial_eval = model.evaluate(x, yk, verbose=0, return_dict=True)
    history = model.fit(x, yk, shuffle=False, verbose=0, callbacks=callbacks, **case["fit"])
    expect = {
        "initial_evaluate": {k: float(v) for k, v in initial_eval.items()},
        "history": {k: [float(v) for v in vs] for k, vs in history.history.items()},
        "epochs_run": len(history.epoch),
        "steps": history.params["steps"],
        "weights": [_tolist(w) for w in model.get_weights()],
        "evaluate": {
            k: float(v) for k, v in model.evaluate(x, yk, verbose=0, return_dict=True).items()
        },
    }
    if not logits:
        expect["predict"] = _tolist(model.predict(x[:8], verbose=0))
    if stopper is not None:
        expect["stopped_epoch"] = int(stopper.stopped_epoch)
        expect["best_epoch"] = int(stopper.best_epoch)
    return {
        "x": _tolist(x),
        "y": y.tolist(),
        "initial_weights": [_tolist(w) for w in weights],
        "expect": expect,
    }


def _keras_clipped(keras) -> dict:
    """One step of Keras with a sigmoid output on the saturated batch: its (capped) loss
    before the step and the weights after it."""
    case = CLIPPED_CASE
    x, y, weights = case_inputs(case)
    model = _keras_model(keras, case, x.shape[1], logits_output=False)
    model.set_weights(weights)
    model.compile(optimizer=_keras_optimizer(keras, *case["optimizer"]), loss=case["loss"])
    yk = _keras_targets(case, y)
    before = float(model.evaluate(x, yk, verbose=0))
    history = model.fit(x, yk, shuffle=False, verbose=0, **case["fit"])
    return {
        "x": _tolist(x),
        "y": y.tolist(),
        "initial_weights": [_tolist(w) for w in weights],
        "expect": {
            "evaluate_before": before,
            "loss": float(history.history["loss"][0]),
            "weights": [_tolist(w) for w in model.get_weights()],
        },
    }


def record_keras(backend: str) -> dict:
    os.environ["KERAS_BACKEND"] = backend
    versions = {}
    if backend == "jax":
        import jax

        jax.config.update("jax_enable_x64", True)
        versions["jax"] = jax.__version__
        versions["jax_enable_x64"] = True
    else:
        import torch

        versions["torch"] = torch.__version__
    import keras

    keras.config.set_floatx("float64")
    assert keras.backend.backend() == backend
    versions.update({"keras": keras.__version__, "keras_backend": backend, "floatx": "float64"})
    if backend == "jax":
        # Keras' type promotion (result_type) turns float64 into float32 on every backend
        # but TensorFlow, even with jax_enable_x64, so tanh, var (BatchNormalization),
        # sin ... computed in float32 (~1e-8 off). Keeping float64 changes precision only.
        from keras.src.backend.common import dtypes

        dtypes.BIT64_TO_BIT32_DTYPE["float64"] = "float64"
        versions["patched"] = KERAS_FLOAT64_PATCH
    out = {"versions": versions, "clipped": _keras_clipped(keras)}
    if backend == "jax":
        out["optimizers"] = _keras_optimizer_runs(keras)
        out["fits"] = {
            c["name"]: _keras_fit(keras, c) for c in FIT_CASES if c["reference"] == "keras-jax"
        }
    return out


# torch ---------------------------------------------------------------------------------


def _torch_optimizer(torch, name: str, hp: dict, params):
    lr = hp.get("learning_rate", 0.01 if name in ("sgd", "momentum", "nesterov") else 0.001)
    if name in ("sgd", "momentum", "nesterov"):
        mu = hp.get("momentum", 0.0 if name == "sgd" else 0.9)
        return torch.optim.SGD(params, lr=lr, momentum=mu, nesterov=name == "nesterov")
    eps = hp.get("epsilon", 1e-7)
    if name == "adagrad":
        return torch.optim.Adagrad(
            params,
            lr=lr,
            initial_accumulator_value=hp.get("initial_accumulator_value", 0.1),
            eps=eps,
        )
    if name == "rmsprop":
        return torch.optim.RMSprop(params, lr=lr, alpha=hp.get("rho", 0.9), eps=eps)
    betas = (hp.get("beta_1", 0.9), hp.get("beta_2", 0.999))
    return torch.optim.Adam(params, lr=lr, betas=betas, eps=eps)


def _torch_optimizer_runs(torch) -> list[dict]:
    problem = optimizer_problem()
    out = []
    for name, hp, ref in OPTIMIZER_CASES:
        if ref != "torch":
            continue
        w = torch.tensor(problem["p0"], dtype=torch.float64, requires_grad=True)
        opt = _torch_optimizer(torch, name, hp, [w])
        params = {}
        for t in range(OPT_STEPS):
            w.grad = torch.from_numpy(gradient(problem, w.detach().numpy().copy(), t))
            opt.step()
            if t + 1 in OPT_CHECKPOINTS:
                params[str(t + 1)] = _tolist(w.detach().numpy())
        out.append(
            {"optimizer": name, "hyperparameters": hp, "reference": "torch", "params": params}
        )
    return out


def _torch_rosenbrock(torch) -> dict:
    r = ROSENBROCK
    w = torch.tensor(r["start"], dtype=torch.float64, requires_grad=True)
    opt = torch.optim.SGD([w], lr=r["learning_rate"], momentum=0.9)
    path = {}
    for step in range(1, r["steps"] + 1):
        opt.zero_grad()
        loss = (1 - w[0]) ** 2 + 100 * (w[1] - w[0] ** 2) ** 2
        loss.backward()
        opt.step()
        if step in (1, 10, 100, r["steps"]):
            path[str(step)] = _tolist(w.detach().numpy())
    return {**r, "surface": "rosenbrock", "xy": path}


def _torch_twin(torch, case: dict, weights: list[np.ndarray], input_dim: int):
    """torch modules holding the same float64 weights (torch's Linear stores kernel.T); the
    output activation is left to the loss (BCELoss takes the sigmoid, CrossEntropyLoss the
    logits)."""
    modules, remaining, dim = [], iter(weights), input_dim
    for i, spec in enumerate(case["layers"]):
        last = i == len(case["layers"]) - 1
        if spec["type"] == "dense":
            lin = torch.nn.Linear(dim, spec["units"], dtype=torch.float64)
            with torch.no_grad():
                lin.weight.copy_(torch.from_numpy(next(remaining).T.copy()))
                lin.bias.copy_(torch.from_numpy(next(remaining)))
            modules.append(lin)
            act = spec["activation"]
            if act == "relu":
                modules.append(torch.nn.ReLU())
            elif act == "tanh":
                modules.append(torch.nn.Tanh())
            elif act == "sigmoid":
                modules.append(torch.nn.Sigmoid())
            elif act == "softmax" and not last:
                raise ValueError("softmax only as the output here")
            dim = spec["units"]
        else:  # Keras momentum m is torch momentum 1 - m
            bn = torch.nn.BatchNorm1d(
                dim, eps=spec["epsilon"], momentum=1 - spec["momentum"], dtype=torch.float64
            )
            with torch.no_grad():
                bn.weight.copy_(torch.from_numpy(next(remaining)))
                bn.bias.copy_(torch.from_numpy(next(remaining)))
                bn.running_mean.copy_(torch.from_numpy(next(remaining)))
                bn.running_var.copy_(torch.from_numpy(next(remaining)))
            modules.append(bn)
    return torch.nn.Sequential(*modules)


def _torch_weights(torch, net) -> list:
    out = []
    for m in net:
        if isinstance(m, torch.nn.Linear):
            out += [m.weight.detach().numpy().T, m.bias.detach().numpy()]
        elif isinstance(m, torch.nn.BatchNorm1d):
            out += [
                m.weight.detach().numpy(),
                m.bias.detach().numpy(),
                m.running_mean.numpy(),
                None,
            ]
    return [None if w is None else _tolist(w) for w in out]


def _torch_fit(torch, case: dict) -> dict:
    x, y, weights = case_inputs(case)
    net = _torch_twin(torch, case, weights, x.shape[1])
    opt = _torch_optimizer(torch, *case["optimizer"], net.parameters())
    if case["loss"] == "binary_crossentropy":
        loss_fn, target = torch.nn.BCELoss(), torch.from_numpy(y.astype(np.float64)[:, None])
    else:
        loss_fn, target = torch.nn.CrossEntropyLoss(), torch.from_numpy(y.astype(np.int64))
    xt, batch = torch.from_numpy(x), case["fit"]["batch_size"]
    losses = []
    net.train()
    for _ in range(case["fit"]["epochs"]):
        total = 0.0
        for lo in range(0, len(x), batch):
            opt.zero_grad()
            loss = loss_fn(net(xt[lo : lo + batch]), target[lo : lo + batch])
            loss.backward()
            opt.step()
            total += loss.item() * len(xt[lo : lo + batch])
        losses.append(total / len(x))
    return {
        "x": _tolist(x),
        "y": y.tolist(),
        "initial_weights": [_tolist(w) for w in weights],
        "expect": {
            "history": {"loss": losses},
            "epochs_run": case["fit"]["epochs"],
            "steps": math.ceil(len(x) / batch),
            "weights": _torch_weights(torch, net),
        },
    }


def record_torch() -> dict:
    import torch

    return {
        "versions": {"torch": torch.__version__, "dtype": "float64"},
        "optimizers": _torch_optimizer_runs(torch),
        "rosenbrock": _torch_rosenbrock(torch),
        "fits": {c["name"]: _torch_fit(torch, c) for c in FIT_CASES if c["reference"] == "torch"},
    }


# orchestration -------------------------------------------------------------------------

PARTS = ("keras-jax", "keras-torch", "torch")


def record_part(part: str) -> dict:
    if part == "keras-jax":
        return record_keras("jax")
    if part == "keras-torch":
        return record_keras("torch")
    return record_torch()


def _spec(case: dict) -> dict:
    """The stored description of a case (everything sim needs to replay it)."""
    name, hp = case["optimizer"]
    keep = (
        "name",
        "reference",
        "about",
        "keras_output",
        "layers",
        "loss",
        "metrics",
        "fit",
        "early_stopping",
    )
    out = {k: case[k] for k in keep if k in case}
    out["optimizer"] = {"name": name, "hyperparameters": hp}
    return out


def assemble(parts: dict) -> dict:
    keras_jax, keras_torch, torch_part = parts["keras-jax"], parts["keras-torch"], parts["torch"]
    fits = []
    for case in FIT_CASES:
        source = keras_jax if case["reference"] == "keras-jax" else torch_part
        fits.append({**_spec(case), **source["fits"][case["name"]]})
    clipped = {
        **_spec(CLIPPED_CASE),
        "keras_jax": keras_jax["clipped"]["expect"],
        "keras_torch": keras_torch["clipped"]["expect"],
    }
    clipped.update({k: keras_jax["clipped"][k] for k in ("x", "y", "initial_weights")})
    return {
        "about": (
            "Golden values for tests/sim/test_reference.py, written by "
            "tests/sim/reference/record.py "
            "(see its docstring). keras-jax: Keras 3 on JAX with x64, floatx float64 and "
            "Keras' float64-to-float32 type promotion switched off (recorded_with); torch: "
            "PyTorch float64; keras-torch: Keras 3 on torch as users run it (partly float32, "
            "keras-team/keras#23704), only for the documented saturated-sigmoid difference."
        ),
        "recorded_with": {
            "python": platform.python_version(),
            "numpy": np.__version__,
            "machine": platform.machine(),
            "keras-jax": keras_jax["versions"],
            "keras-torch": keras_torch["versions"],
            "torch": torch_part["versions"],
        },
        "optimizers": {
            "gradient": GRADIENT_FORMULA,
            "steps": OPT_STEPS,
            "checkpoints": list(OPT_CHECKPOINTS),
            "problem": optimizer_problem(),
            "runs": keras_jax["optimizers"] + torch_part["optimizers"],
        },
        "rosenbrock": torch_part["rosenbrock"],
        "fits": fits,
        "saturated_clipped_in_keras": clipped,
    }


def dumps(obj, indent: int = 0) -> str:
    """JSON with objects indented and each array of numbers on one line (small, diffable)."""
    pad, inner = " " * indent, " " * (indent + 1)
    if isinstance(obj, dict):
        if not obj:
            return "{}"
        items = [f"{inner}{json.dumps(k)}: {dumps(v, indent + 1)}" for k, v in obj.items()]
        return "{\n" + ",\n".join(items) + "\n" + pad + "}"
    if isinstance(obj, list) and any(isinstance(v, dict) for v in obj):
        items = [inner + dumps(v, indent + 1) for v in obj]
        return "[\n" + ",\n".join(items) + "\n" + pad + "]"
    return json.dumps(obj, separators=(",", ":"))


def main(argv: list[str]) -> None:
    if len(argv) == 3 and argv[0] == "--part":
        Path(argv[2]).write_text(json.dumps(record_part(argv[1])))
        return
    out = GOLDEN if not argv else Path(argv[0])
    parts = {}
    with tempfile.TemporaryDirectory() as tmp:
        for part in PARTS:
            path = Path(tmp) / f"{part}.json"
            done = subprocess.run(
                [sys.executable, __file__, "--part", part, str(path)],
                capture_output=True,
                text=True,
                check=False,
            )
            if done.returncode:
                sys.exit(f"{part} failed:\n{done.stderr}")
            parts[part] = json.loads(path.read_text())
    out.write_text(dumps(assemble(parts)) + "\n")
    print(f"wrote {out} ({out.stat().st_size / 1024:.0f} KB)")


if __name__ == "__main__":
    main(sys.argv[1:])
