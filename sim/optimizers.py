"""Update rules, one implementation each, shared by the 2D surfaces and the networks.

Every optimizer is functional, so one object serves any array shape (a batch of 2D points
or a layer's kernel)::

    opt = make_optimizer("adam", learning_rate=0.1)
    state = opt.init(params)
    params, state = opt.update(params, grads, state)

The rules and the defaults are those of Keras 3 (``keras.optimizers``); PyTorch's
``torch.optim`` computes the same steps (momentum and Nesterov exactly, the adaptive ones up
to where epsilon is added), which ``tests/sim/test_reference.py`` checks against values recorded
from both.

``update`` never changes its inputs: it returns new arrays and a new state dict. The state
holds what a lesson shows a learner: ``velocity`` (momentum), ``accumulator`` (Adagrad's
sum of squared gradients), ``mean_square`` (RMSprop's decaying average), ``m`` and ``v``
(Adam's moments). ``step_size(state)`` is the effective per-parameter learning rate of the
*next* update, the multiplier of the gradient (or of Adam's first moment).
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np

State = dict[str, np.ndarray | int]


@dataclass(frozen=True)
class Optimizer:
    """Base class: plain gradient descent, ``p <- p - learning_rate * g``."""

    learning_rate: float = 0.01

    name = "sgd"

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, bool):
                continue
            # a column of values (one per start) sweeps a hyperparameter: see descent.sweep
            if not np.all(np.isfinite(value)) or np.any(np.asarray(value) < 0):
                raise ValueError(f"{f.name} must be a finite number >= 0, got {value!r}")

    @property
    def hyperparameters(self) -> dict[str, float | bool]:
        return {f.name: getattr(self, f.name) for f in fields(self)}

    def init(self, params: np.ndarray) -> State:
        return {"iterations": 0}

    def update(
        self, params: np.ndarray, grads: np.ndarray, state: State
    ) -> tuple[np.ndarray, State]:
        return params - self.learning_rate * grads, {"iterations": state["iterations"] + 1}

    def step_size(self, state: State) -> np.ndarray | float:
        """Effective per-parameter learning rate of the next update."""
        return self.learning_rate


@dataclass(frozen=True)
class SGD(Optimizer):
    """Stochastic gradient descent with optional (Nesterov) momentum, Keras 3 ``SGD``.

    Defaults: ``learning_rate=0.01, momentum=0.0, nesterov=False``.

    With velocity ``v`` (starting at 0), gradient ``g``, learning rate ``lr``, momentum ``mu``::

        v <- mu * v - lr * g
        p <- p + v                       (classical momentum)
        p <- p + mu * v - lr * g         (Nesterov)

    With ``mu = 0`` this is plain gradient descent ``p <- p - lr * g``. PyTorch writes the same
    rule with ``b = -v / lr`` (``b <- mu * b + g``, ``p <- p - lr * b``).
    """

    learning_rate: float = 0.01
    momentum: float = 0.0
    nesterov: bool = False

    name = "sgd"

    def __post_init__(self) -> None:
        super().__post_init__()
        if np.any(np.asarray(self.momentum) >= 1):
            raise ValueError(f"momentum must be in [0, 1), got {self.momentum!r}")

    def init(self, params: np.ndarray) -> State:
        return {"iterations": 0, "velocity": np.zeros_like(params, dtype=np.float64)}

    def update(self, params, grads, state):
        velocity = self.momentum * state["velocity"] - self.learning_rate * grads
        if self.nesterov:
            params = params + self.momentum * velocity - self.learning_rate * grads
        else:
            params = params + velocity
        return params, {"iterations": state["iterations"] + 1, "velocity": velocity}


@dataclass(frozen=True)
class Adagrad(Optimizer):
    """Adagrad (Duchi, Hazan & Singer, 2011), Keras 3 ``Adagrad``.

    Defaults: ``learning_rate=0.001, initial_accumulator_value=0.1, epsilon=1e-7``.

    Each parameter keeps the running *sum* of its squared gradients, so a parameter that has
    moved a lot gets a smaller learning rate, and the steps only ever shrink::

        a <- a + g**2
        p <- p - lr * g / sqrt(a + epsilon)
    """

    learning_rate: float = 0.001
    initial_accumulator_value: float = 0.1
    epsilon: float = 1e-7

    name = "adagrad"

    def init(self, params):
        accumulator = np.full_like(params, self.initial_accumulator_value, dtype=np.float64)
        return {"iterations": 0, "accumulator": accumulator}

    def update(self, params, grads, state):
        accumulator = state["accumulator"] + grads * grads
        params = params - self.learning_rate * grads / np.sqrt(accumulator + self.epsilon)
        return params, {"iterations": state["iterations"] + 1, "accumulator": accumulator}

    def step_size(self, state):
        return self.learning_rate / np.sqrt(state["accumulator"] + self.epsilon)


@dataclass(frozen=True)
class RMSprop(Optimizer):
    """RMSprop (Hinton, 2012, lecture 6e), Keras 3 ``RMSprop`` (not centered, no momentum).

    Defaults: ``learning_rate=0.001, rho=0.9, epsilon=1e-7``.

    Adagrad's sum becomes a decaying average, so old gradients are forgotten and the steps
    do not shrink to nothing::

        s <- rho * s + (1 - rho) * g * g
        p <- p - lr * g / sqrt(s + epsilon)

    (PyTorch calls ``rho`` *alpha* and defaults it to 0.99.)
    """

    learning_rate: float = 0.001
    rho: float = 0.9
    epsilon: float = 1e-7

    name = "rmsprop"

    def __post_init__(self) -> None:
        super().__post_init__()
        if np.any(np.asarray(self.rho) >= 1):
            raise ValueError(f"rho must be in [0, 1), got {self.rho!r}")

    def init(self, params):
        return {"iterations": 0, "mean_square": np.zeros_like(params, dtype=np.float64)}

    def update(self, params, grads, state):
        mean_square = self.rho * state["mean_square"] + (1 - self.rho) * grads * grads
        params = params - self.learning_rate * grads / np.sqrt(mean_square + self.epsilon)
        return params, {"iterations": state["iterations"] + 1, "mean_square": mean_square}

    def step_size(self, state):
        return self.learning_rate / np.sqrt(state["mean_square"] + self.epsilon)


@dataclass(frozen=True)
class Adam(Optimizer):
    """Adam (Kingma & Ba, 2015, arXiv:1412.6980), Keras 3 ``Adam``: momentum + RMSprop.

    Defaults: ``learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7``.

    At step ``t = 1, 2, ...``::

        m <- m + (g - m) * (1 - beta_1)             (direction: momentum)
        v <- v + (g * g - v) * (1 - beta_2)         (step size: RMSprop)
        alpha = lr * sqrt(1 - beta_2**t) / (1 - beta_1**t)   (bias correction)
        p <- p - alpha * m / (sqrt(v) + epsilon)
    """

    learning_rate: float = 0.001
    beta_1: float = 0.9
    beta_2: float = 0.999
    epsilon: float = 1e-7

    name = "adam"

    def __post_init__(self) -> None:
        super().__post_init__()
        if np.any(np.asarray(self.beta_1) >= 1) or np.any(np.asarray(self.beta_2) >= 1):
            raise ValueError("beta_1 and beta_2 must be in [0, 1)")

    def init(self, params):
        zeros = np.zeros_like(params, dtype=np.float64)
        return {"iterations": 0, "m": zeros, "v": zeros.copy()}

    def _alpha(self, t: int) -> float:
        return self.learning_rate * np.sqrt(1 - self.beta_2**t) / (1 - self.beta_1**t)

    def update(self, params, grads, state):
        t = state["iterations"] + 1
        m = state["m"] + (grads - state["m"]) * (1 - self.beta_1)
        v = state["v"] + (grads * grads - state["v"]) * (1 - self.beta_2)
        params = params - self._alpha(t) * m / (np.sqrt(v) + self.epsilon)
        return params, {"iterations": t, "m": m, "v": v}

    def step_size(self, state):
        # Multiplier of the first moment m in the next update (bias correction included);
        # before the first step v is 0, so report the size the first step will take per unit m.
        t = state["iterations"] + 1
        v_next = np.where(state["v"] > 0, state["v"], np.nan)
        size = self._alpha(t) / (np.sqrt(v_next) + self.epsilon)
        return np.where(np.isnan(size), self.learning_rate, size)


# name -> (class, defaults that differ from the class defaults)
OPTIMIZERS: dict[str, tuple[type[Optimizer], dict]] = {
    "sgd": (SGD, {}),
    "momentum": (SGD, {"momentum": 0.9}),
    "nesterov": (SGD, {"momentum": 0.9, "nesterov": True}),
    "adagrad": (Adagrad, {}),
    "rmsprop": (RMSprop, {}),
    "adam": (Adam, {}),
}


def make_optimizer(name: str, **hyperparameters) -> Optimizer:
    """Build an optimizer by name with Keras argument names, e.g.
    ``make_optimizer("rmsprop", learning_rate=0.01, rho=0.9)``.

    Names: ``sgd`` (plain GD unless ``momentum`` is given), ``momentum`` and ``nesterov``
    (SGD with ``momentum=0.9``; ``nesterov=True`` for the latter), ``adagrad``, ``rmsprop``,
    ``adam``. Unknown names or arguments raise ``ValueError``.
    """
    key = str(name).lower()
    if key not in OPTIMIZERS:
        raise ValueError(f"unknown optimizer {name!r}; choose one of {sorted(OPTIMIZERS)}")
    cls, defaults = OPTIMIZERS[key]
    allowed = {f.name for f in fields(cls)}
    unknown = set(hyperparameters) - allowed
    if unknown:
        raise ValueError(f"{key} takes {sorted(allowed)}, not {sorted(unknown)}")
    return cls(**{**defaults, **hyperparameters})


def get_optimizer(optimizer: str | Optimizer) -> Optimizer:
    """An optimizer object as given, or one built by name with its defaults."""
    return optimizer if isinstance(optimizer, Optimizer) else make_optimizer(optimizer)
