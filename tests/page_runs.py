"""The pages' runs, trained again with sim from each page's settings, for the lesson tests
(tests/lessons: the notices' numbers against the engine) and the page tests (tests/pages:
what the page shows against the engine). One rebuild per page, so both check the same
run; each is made here from ``sim`` (and the lesson helpers the page trains through), never
from the page's or ``ui``'s own code. Cached: the runs are deterministic, and the tests
only read them."""

from __future__ import annotations

import functools

import numpy as np

from lessons import batches, cross_validation, early_stopping, loss_functions, remedies
from lessons.fit_regions import FitRegions, chance_loss, regions
from sim.datasets import make_dataset, train_val_test_split
from sim.training import NetSpec, TrainResult, train

SIXTEEN_BY_TWO = NetSpec(hidden=(16, 16))  # the fit(), batch-size and loss-function pages


@functools.cache
def overfitting_run(
    units=64, layers=2, epochs=150, n=100, noise=0.3, snapshot_every=None
) -> tuple[FitRegions, TrainResult, np.ndarray]:
    """The overfitting page's run (pages/13_overfitting.py): its regions, the run and the
    training labels. ``snapshot_every``: the boundary grid's snapshots (None: no grid)."""
    x, y = make_dataset("moons", n, noise=noise, seed=0)
    p = train_val_test_split(x, y, 0.3, 0.0, seed=0)
    grid = {"grid_cells": None} if snapshot_every is None else {"snapshot_every": snapshot_every}
    run = train(
        p["x_train"],
        p["y_train"],
        NetSpec(hidden=(units,) * layers),
        "binary",
        2,
        learning_rate=0.005,
        batch_size=16,
        epochs=epochs,
        validation_data=(p["x_val"], p["y_val"]),
        seed=0,
        **grid,
    )
    h = run.history
    fr = regions(h["loss"], h["val_loss"], h["accuracy"], chance_loss(p["y_train"], "binary"))
    return fr, run, p["y_train"]


@functools.cache
def loss_runs(opt="sgd", lr=0.5, epochs=60, data="moons", grid_cells=None) -> dict:
    """The loss-function page's two runs (pages/12_loss_functions.py), cross-entropy first:
    ``{loss: TrainResult}``, with a ``grid_cells`` boundary grid (None: none)."""
    x, y = make_dataset(data, 200, noise=0.2, seed=0)
    task = "binary" if data != "spiral" else "multiclass"
    n_classes = int(y.max()) + 1
    targets = y if task == "binary" else loss_functions.one_hot(y, n_classes)
    return {
        loss: train(
            x,
            targets,
            SIXTEEN_BY_TWO,
            task,
            n_classes,
            optimizer=opt,
            learning_rate=lr,
            loss=loss,
            batch_size=32,
            epochs=epochs,
            seed=0,
            grid_cells=grid_cells,
        )
        for loss in (loss_functions.CROSSENTROPY[task], "mse")
    }


@functools.cache
def regression_fit() -> tuple[np.ndarray, np.ndarray]:
    """The loss-function page's sine example fitted with MSE: the targets and the fit's
    predictions."""
    x, y = make_dataset("sine", 60, noise=0.15, seed=0)
    spec = NetSpec(hidden=(16, 16), activation="tanh")
    reg = train(
        x,
        y,
        spec,
        "regression",
        None,
        optimizer="adam",
        learning_rate=0.01,
        batch_size=16,
        epochs=150,
        seed=0,
        grid_cells=None,
    )
    return y, loss_functions.predictions_from_weights(spec, reg.weights, x, "regression")[:, 0]


def diverged_regression(spec: NetSpec) -> TrainResult:
    """``spec`` fitting y = 3x on 20 points with plain SGD at rate 1000: a run the engine
    stops as diverged (no page's controls reach one, so the lessons' diverged branches are
    tested on this)."""
    x = np.linspace(-1, 1, 20)[:, None]
    return train(
        x,
        3 * x[:, 0],
        spec,
        "regression",
        None,
        optimizer="sgd",
        learning_rate=1000.0,
        batch_size=4,
        epochs=30,
        seed=0,
        grid_cells=None,
    )


SEARCH_UNITS = (2, 8, 32, 128)
SEARCH_RATES = (0.003, 0.03)


def splits_parts(seed=0) -> dict:
    """The train/validation/test page's data (pages/14_train_val_test.py): 200 moons split
    60/20/20."""
    x, y = make_dataset("moons", 200, noise=0.3, seed=seed)
    return train_val_test_split(x, y, 0.2, 0.2, seed=seed)


def splits_run(parts, units, rate, epochs=60, seed=0, validated=True) -> TrainResult:
    """One setting of the page's search on ``parts``; ``validated``: with the page's
    validation data and its final validation and test scores (False: training alone)."""
    scored = (
        {
            "validation_data": (parts["x_val"], parts["y_val"]),
            "evaluate": {
                "val": (parts["x_val"], parts["y_val"]),
                "test": (parts["x_test"], parts["y_test"]),
            },
        }
        if validated
        else {}
    )
    return train(
        parts["x_train"],
        parts["y_train"],
        NetSpec(hidden=(units,)),
        "binary",
        2,
        learning_rate=rate,
        batch_size=16,
        epochs=epochs,
        seed=seed,
        grid_cells=None,
        **scored,
    )


@functools.cache
def splits_search(epochs=60, seed=0) -> tuple[list, dict]:
    """The page's search: ``[(units, rate, TrainResult)]`` over ``SEARCH_UNITS`` x
    ``SEARCH_RATES``, in the page's order, and the data parts."""
    parts = splits_parts(seed)
    found = [
        (units, rate, splits_run(parts, units, rate, epochs, seed))
        for units in SEARCH_UNITS
        for rate in SEARCH_RATES
    ]
    return found, parts


@functools.cache
def fit_run(n=100, noise=0.2, batch=10, epochs=30, lr=0.01, seed=0) -> batches.AnsweredRun:
    """The fit() page's run (pages/09_fit_batches_epochs.py): moons, Adam, the epochs cut to
    ``batches.MAX_UPDATES`` updates, with its answer sheet."""
    x, y = make_dataset("moons", n, noise=noise, seed=seed)
    return batches.train_with_answers(
        x,
        y,
        SIXTEEN_BY_TWO,
        "binary",
        2,
        learning_rate=lr,
        batch_size=batch,
        epochs=batches.epochs_for_updates(epochs, n, batch),
        seed=seed,
        grid_cells=None,
    )


@functools.cache
def batch_sweep(n=200, epochs=20, lr=0.01) -> tuple[tuple, int, dict]:
    """The batch-size page's sweep (pages/10_batch_size.py): the sizes, the epochs every run
    trains (the same for all) and ``{size: TrainResult}``."""
    x, y = make_dataset("moons", n, noise=0.2, seed=0)
    sizes = batches.sweep_sizes(n)
    run_epochs = batches.sweep_epochs(epochs, n, sizes)
    runs = {
        size: train(
            x,
            y,
            SIXTEEN_BY_TWO,
            "binary",
            2,
            learning_rate=lr,
            batch_size=size,
            epochs=run_epochs,
            seed=0,
            grid_cells=None,
        )
        for size in sizes
    }
    return sizes, run_epochs, runs


@functools.cache
def cv_record(k=5, reset=True, n=60, seed=1, epochs=60) -> cross_validation.CVRecord:
    """The cross-validation page's folds (pages/16_cross_validation.py, its defaults)."""
    x, y = make_dataset("moons", n, noise=0.3, seed=seed)
    return cross_validation.run(
        x,
        y,
        NetSpec((64, 64)),
        "binary",
        2,
        k,
        epochs=epochs,
        batch_size=8,
        learning_rate=0.01,
        seed=seed,
        reset=reset,
    )


@functools.cache
def early_stopping_runs(
    patience=5, restore=True, epochs=60, monitor="val_loss", min_delta=0.0, start=0, grid=None
) -> tuple[TrainResult, TrainResult]:
    """The early-stopping page's two runs (pages/15_early_stopping.py): the full run (with a
    ``grid``-cell boundary grid, None for none) and the early-stopped one."""
    spec = NetSpec(hidden=(64, 64))
    x, y = make_dataset("moons", 200, noise=0.25, seed=0)
    _, _, xv, yv = early_stopping.validation_tail(x, y, 0.3)
    fit = dict(
        learning_rate=0.01,
        batch_size=32,
        epochs=epochs,
        validation_split=0.3,
        seed=0,
        evaluate={"val": (xv, yv)},
    )
    full = train(x, y, spec, "binary", 2, grid_cells=grid, **fit)
    stopper = {
        "monitor": monitor,
        "patience": patience,
        "min_delta": min_delta,
        "restore_best_weights": restore,
        "start_from_epoch": start,
    }
    run = train(x, y, spec, "binary", 2, grid_cells=None, early_stopping=stopper, **fit)
    return full, run


@functools.cache
def remedy_runs(seed=2, n=100, noise=0.3, rate=0.3, bn=True, std=0.2, l2=0.01, width=64):
    """The remedies page's runs (pages/17_regularization.py): the variants,
    ``{key: TrainResult}`` and ``{key: Score}``."""
    x, y = make_dataset("moons", n, noise=noise, seed=seed)
    xt, yt, xv, yv = early_stopping.validation_tail(x, y, 0.5)
    runs = remedies.variants((width, width), dropout=rate, batchnorm=bn, input_noise=std, l2=l2)
    results = {
        v.key: train(
            x,
            y,
            v.spec,
            "binary",
            2,
            learning_rate=0.01,
            batch_size=remedies.even_batch(len(xt)),
            epochs=100,
            validation_split=0.5,
            seed=seed,
            grid_cells=None,
            track={"train": (xt, yt), "val": (xv, yv)},
        )
        for v in runs
    }
    scores = {v.key: remedies.score(results[v.key], v.spec) for v in runs}
    return runs, results, scores
