"""What a batch size costs: updates per epoch, memory per batch, time per epoch.

Memory (``memory_estimate``) counts float64 numbers (8 bytes each):

* activations: what the forward pass keeps for backprop, per layer
  (``Layer.cached_floats``: Dense keeps z and a, Dropout its mask and output, BN xhat and
  output, ...) plus the input batch itself; this part grows with the batch size, which is
  why a big batch "has to remember all 100 answers";
* parameters, their gradients, and the optimizer's state (velocity, Adam's m and v, ...):
  fixed, whatever the batch size.

Time: ``fit`` measures it, ``history.epoch_times`` (seconds per epoch).
"""

from __future__ import annotations

import numpy as np

from sim.nn.batching import updates_per_epoch
from sim.optimizers import get_optimizer

BYTES_PER_FLOAT = 8  # float64

__all__ = ["cost_table", "memory_estimate", "seconds_per_epoch", "updates_per_epoch"]


def _state_arrays_per_param(optimizer) -> int:
    """How many arrays of the parameter's shape the optimizer keeps (Adam: m and v = 2)."""
    state = get_optimizer(optimizer).init(np.zeros(1))
    return sum(isinstance(v, np.ndarray) for v in state.values())


def memory_estimate(model, batch_size: int, optimizer=None) -> dict[str, int]:
    """Bytes for one training step of ``model`` at ``batch_size``:
    ``{"activations", "parameters", "gradients", "optimizer_state", "total"}``.

    ``optimizer`` defaults to the compiled one (else Adam)."""
    if batch_size < 1:
        raise ValueError(f"batch_size must be >= 1, got {batch_size}")
    model.require_built()
    if optimizer is None:
        optimizer = model.optimizer if model.optimizer is not None else "adam"
    activations = batch_size * model.input_dim
    activations += sum(layer.cached_floats(batch_size) for layer in model.layers)
    params = model.count_params()
    trainable = sum(getattr(layer, p).size for layer, p, _ in model.trainable_slots())
    state = trainable * _state_arrays_per_param(optimizer)
    out = {
        "activations": activations * BYTES_PER_FLOAT,
        "parameters": params * BYTES_PER_FLOAT,
        "gradients": trainable * BYTES_PER_FLOAT,
        "optimizer_state": state * BYTES_PER_FLOAT,
    }
    out["total"] = sum(out.values())
    return out


def seconds_per_epoch(history) -> float:
    """Median wall time of the epochs of a run (``history.epoch_times``); NaN if none."""
    times = getattr(history, "epoch_times", [])
    return float(np.median(times)) if times else float("nan")


def cost_table(model, n: int, batch_sizes, optimizer=None) -> list[dict]:
    """One row per batch size: ``batch_size``, ``updates_per_epoch``, ``memory_bytes``
    (total) and ``activation_bytes``; a page adds measured times next to them."""
    rows = []
    for bs in batch_sizes:
        mem = memory_estimate(model, int(bs), optimizer)
        rows.append(
            {
                "batch_size": int(bs),
                "updates_per_epoch": updates_per_epoch(n, int(bs)),
                "memory_bytes": mem["total"],
                "activation_bytes": mem["activations"],
            }
        )
    return rows
