"""A Keras-shaped neural network in numpy: layers, losses, ``Sequential``, callbacks.

::

    from sim.nn import Sequential, Dense, EarlyStopping
    model = Sequential([Dense(16, activation="relu", input_dim=2),
                        Dense(1, activation="sigmoid")], seed=0)
    model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
    history = model.fit(x, y, batch_size=32, epochs=10, validation_split=0.2,
                        callbacks=[EarlyStopping(patience=3)])

Modules: ``activations``, ``layers``, ``losses``, ``metrics``, ``regularizers``,
``initializers``, ``batching`` (epoch order, updates per epoch), ``model``, ``callbacks``,
``costs`` (memory and time estimates).
"""

from sim.nn.activations import ACTIVATIONS, Activation, get_activation
from sim.nn.batching import epoch_order, updates_per_epoch
from sim.nn.callbacks import (
    BatchLogger,
    Callback,
    EarlyStopping,
    EpochSnapshots,
    History,
    ProgressCallback,
)
from sim.nn.costs import cost_table, memory_estimate, seconds_per_epoch
from sim.nn.layers import BatchNormalization, Dense, Dropout, GaussianNoise, Layer
from sim.nn.losses import (
    LOSSES,
    Loss,
    binary_crossentropy,
    categorical_crossentropy,
    get_loss,
    mse,
    sparse_categorical_crossentropy,
)
from sim.nn.metrics import accuracy, get_metric
from sim.nn.model import Sequential
from sim.nn.regularizers import L2

__all__ = [
    "ACTIVATIONS",
    "L2",
    "LOSSES",
    "Activation",
    "BatchLogger",
    "BatchNormalization",
    "Callback",
    "Dense",
    "Dropout",
    "EarlyStopping",
    "EpochSnapshots",
    "GaussianNoise",
    "History",
    "Layer",
    "Loss",
    "ProgressCallback",
    "Sequential",
    "accuracy",
    "binary_crossentropy",
    "categorical_crossentropy",
    "cost_table",
    "epoch_order",
    "get_activation",
    "get_loss",
    "get_metric",
    "memory_estimate",
    "mse",
    "seconds_per_epoch",
    "sparse_categorical_crossentropy",
    "updates_per_epoch",
]
