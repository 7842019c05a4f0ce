"""The layers of a ``Sequential`` model, each with a readable forward and backward pass.

Every layer keeps the arrays of its last forward pass and of its last backward pass as plain
attributes, so a lesson can show the very numbers of one step:

==============  ===========================================================================
``inputs``      what came in, ``x`` of shape ``(batch, input_dim)``
``z``           the pre-activation (``Dense`` only): ``x @ kernel + bias``
``a``           what went out (the activation)
``dz``          ``dL/dz`` (``Dense``), the error signal of the layer's units
``dW``, ``db``  ``dL/dkernel``, ``dL/dbias`` (``Dense``): the gradients the optimizer uses
``dinputs``     ``dL/dx``, the gradient handed to the layer below (None for the first layer)
==============  ===========================================================================

``L`` is the loss of the batch as the model reports it (a mean over the batch, plus any
weight penalty), so these gradients are exactly what the optimizer receives.

Shapes follow Keras: a ``Dense`` kernel is ``(input_dim, units)``, rows are inputs.
Random layers (``Dropout``, ``GaussianNoise``) draw from ``self.rng``, a
``np.random.Generator``; a model's ``fit`` hands every such layer the generator of that run.
"""

from __future__ import annotations

import numpy as np

from sim.nn.activations import Activation, get_activation
from sim.nn.initializers import glorot_uniform
from sim.nn.regularizers import L2, get_regularizer


class Layer:
    """Base class. Subclasses set the tuples below and write ``forward`` / ``backward``.

    ``weight_names``: attributes returned by ``get_weights`` in Keras order.
    ``trainable_names`` / ``gradient_names``: the weights the optimizer updates and the
    attributes holding their gradients after ``backward``.
    """

    prefix = "layer"  # default name, numbered by the model: dense, dense_1, ...
    weight_names: tuple[str, ...] = ()
    trainable_names: tuple[str, ...] = ()
    gradient_names: tuple[str, ...] = ()
    uses_rng = False

    def __init__(self, name: str | None = None, input_dim: int | None = None) -> None:
        self.name = name
        self.input_dim = None if input_dim is None else _positive_int(input_dim, "input_dim")
        self.built = False
        self.inputs: np.ndarray | None = None
        self.a: np.ndarray | None = None
        self.dinputs: np.ndarray | None = None

    # -- building -------------------------------------------------------------------------
    def build(self, input_dim: int, rng: np.random.Generator | None = None) -> None:
        """Create the weights for inputs of ``input_dim`` features (drawing from ``rng``)."""
        if self.input_dim is not None and self.input_dim != input_dim:
            raise ValueError(
                f"layer {self.name or self.prefix} expects input_dim={self.input_dim}, "
                f"got inputs with {input_dim} features"
            )
        self.input_dim = int(input_dim)
        self.built = True

    @property
    def output_dim(self) -> int:
        return self.input_dim

    def _ensure_built(self, x: np.ndarray) -> None:
        # A layer used on its own (outside a model) builds itself on first use, seed 0.
        if not self.built:
            self.build(x.shape[-1], np.random.default_rng(0))
        elif x.shape[-1] != self.input_dim:
            raise ValueError(
                f"layer {self.name or self.prefix} expects {self.input_dim} input features, "
                f"got {x.shape[-1]}"
            )

    # -- passes ---------------------------------------------------------------------------
    def forward(self, x: np.ndarray, training: bool = False) -> np.ndarray:
        raise NotImplementedError

    def backward(self, grad_out: np.ndarray, need_input_grad: bool = True) -> np.ndarray | None:
        """Given ``dL/da`` of this layer's output, store the weight gradients and return
        ``dL/dx`` (skipped, returning None, when ``need_input_grad`` is False)."""
        raise NotImplementedError

    def regularization_loss(self) -> float:
        return 0.0

    # -- weights --------------------------------------------------------------------------
    def get_weights(self) -> list[np.ndarray]:
        return [np.array(getattr(self, n), dtype=np.float64) for n in self.weight_names]

    def set_weights(self, weights) -> None:
        weights = list(weights)
        if len(weights) != len(self.weight_names):
            raise ValueError(
                f"layer {self.name} takes {len(self.weight_names)} weight arrays "
                f"({', '.join(self.weight_names) or 'none'}), got {len(weights)}"
            )
        for attr, w in zip(self.weight_names, weights, strict=True):
            current = getattr(self, attr)
            w = np.array(w, dtype=np.float64)
            if w.shape != current.shape:
                raise ValueError(
                    f"layer {self.name}: {attr} must have shape {current.shape}, got {w.shape}"
                )
            setattr(self, attr, w)

    def count_params(self) -> int:
        return int(sum(getattr(self, n).size for n in self.weight_names))

    def cached_floats(self, batch_size: int) -> int:
        """Numbers this layer keeps from the forward pass for backprop (memory estimate)."""
        return batch_size * self.output_dim

    def __repr__(self) -> str:
        return f"{type(self).__name__}(name={self.name!r})"


def _positive_int(value, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < 1:
        raise ValueError(f"{what} must be a positive integer, got {value!r}")
    return int(value)


def _rate(value, what: str) -> float:
    value = float(value)
    if not 0.0 <= value < 1.0:
        raise ValueError(f"{what} must be in [0, 1), got {value!r}")
    return value


class Dense(Layer):
    """Fully connected layer, Keras ``Dense``.

    Forward, for a batch ``x`` of shape ``(n, input_dim)``::

        z = x @ kernel + bias          (n, units)
        a = activation(z)

    Backward, given ``g = dL/da``::

        dz      = g * activation'(z)                 (the activation's backward)
        dW      = x.T @ dz  (+ 2 * l2 * kernel with an L2 penalty)
        db      = sum over the batch of dz
        dinputs = dz @ kernel.T

    ``kernel`` starts Glorot-uniform, ``bias`` at zero (Keras defaults).
    ``kernel_regularizer``: ``None``, ``L2(0.01)`` or a float ``l2``; it adds
    ``l2 * sum(kernel**2)`` to the loss.
    """

    prefix = "dense"
    weight_names = ("kernel", "bias")
    trainable_names = ("kernel", "bias")
    gradient_names = ("dW", "db")

    def __init__(
        self,
        units: int,
        activation: str | Activation | None = None,
        input_dim: int | None = None,
        kernel_regularizer: L2 | float | None = None,
        name: str | None = None,
    ) -> None:
        super().__init__(name=name, input_dim=input_dim)
        self.units = _positive_int(units, "units")
        self.activation = get_activation(activation)
        self.kernel_regularizer = get_regularizer(kernel_regularizer)
        self.kernel: np.ndarray | None = None
        self.bias: np.ndarray | None = None
        self.z: np.ndarray | None = None
        self.dz: np.ndarray | None = None
        self.dW: np.ndarray | None = None
        self.db: np.ndarray | None = None

    # Short names for lessons: layer.W is the kernel, layer.b the bias.
    @property
    def W(self) -> np.ndarray | None:
        return self.kernel

    @property
    def b(self) -> np.ndarray | None:
        return self.bias

    @property
    def output_dim(self) -> int:
        return self.units

    def build(self, input_dim, rng=None):
        super().build(input_dim, rng)
        rng = np.random.default_rng(0) if rng is None else rng
        self.kernel = glorot_uniform(rng, self.input_dim, self.units)
        self.bias = np.zeros(self.units)

    def forward(self, x, training=False):
        return self.forward_logits(x, training)[1]

    def forward_logits(self, x, training=False) -> tuple[np.ndarray, np.ndarray]:
        """``(z, a)``: the pre-activation (an output layer's logits) and the activation."""
        self._ensure_built(x)
        self.inputs = x
        z = x @ self.kernel
        z += self.bias
        self.z = z
        a = self.a = self.activation.forward(z)
        return z, a  # the locals, not self.z/a: a shared model may be called from two threads

    def backward(self, grad_out, need_input_grad=True):
        return self.backward_z(self.activation.backward(grad_out, self.z, self.a), need_input_grad)

    def backward_z(self, dz: np.ndarray, need_input_grad: bool = True) -> np.ndarray | None:
        """Backward from ``dz = dL/dz`` directly: the model uses this for the fused
        sigmoid + binary cross-entropy and softmax + cross-entropy gradients."""
        self.dz = dz
        dW = self.inputs.T @ dz
        if self.kernel_regularizer is not None:
            dW += self.kernel_regularizer.gradient(self.kernel)
        self.dW = dW
        self.db = dz.sum(axis=0)
        self.dinputs = dz @ self.kernel.T if need_input_grad else None
        return self.dinputs

    def regularization_loss(self) -> float:
        if self.kernel_regularizer is None:
            return 0.0
        return self.kernel_regularizer(self.kernel)

    def cached_floats(self, batch_size):
        # z and a (one array when the activation is the identity)
        per_row = self.units if self.activation.name == "linear" else 2 * self.units
        return batch_size * per_row

    def __repr__(self) -> str:
        return f"Dense({self.units}, activation={self.activation.name!r}, name={self.name!r})"


class Dropout(Layer):
    """Inverted dropout, Keras ``Dropout(rate)``: active only in training.

    Training: each input is kept with probability ``1 - rate`` and scaled up so the
    expected value is unchanged::

        mask = (u >= rate) / (1 - rate),   u ~ Uniform(0, 1)
        a    = x * mask
        dinputs = g * mask

    Inference: ``a = x`` (nothing to undo, thanks to the scaling during training).
    ``mask`` holds the scaled mask of the last training pass (None after an inference pass).
    """

    prefix = "dropout"
    uses_rng = True

    def __init__(self, rate: float, seed: int | None = None, name: str | None = None) -> None:
        super().__init__(name=name)
        self.rate = _rate(rate, "rate")
        self.rng = np.random.default_rng(0 if seed is None else seed)
        self.mask: np.ndarray | None = None

    def forward(self, x, training=False):
        self._ensure_built(x)
        self.inputs = x
        if training and self.rate > 0.0:
            keep = self.rng.random(x.shape) >= self.rate
            mask = self.mask = keep * (1.0 / (1.0 - self.rate))
            a = self.a = x * mask
        else:
            self.mask = None
            a = self.a = x
        return a

    def backward(self, grad_out, need_input_grad=True):
        if not need_input_grad:
            self.dinputs = None
        else:
            self.dinputs = grad_out if self.mask is None else grad_out * self.mask
        return self.dinputs

    def cached_floats(self, batch_size):
        return 2 * batch_size * self.output_dim  # mask and output

    def __repr__(self) -> str:
        return f"Dropout({self.rate}, name={self.name!r})"


class GaussianNoise(Layer):
    """Additive Gaussian noise on the inputs, Keras ``GaussianNoise(stddev)``: training only.

    A cheap data augmentation: every epoch sees slightly different points, so the model
    cannot memorise the exact training inputs::

        training:  a = x + noise,  noise ~ Normal(0, stddev**2)
        inference: a = x
        dinputs = g
    """

    prefix = "gaussian_noise"
    uses_rng = True

    def __init__(self, stddev: float, seed: int | None = None, name: str | None = None) -> None:
        super().__init__(name=name)
        stddev = float(stddev)
        if not np.isfinite(stddev) or stddev < 0:
            raise ValueError(f"stddev must be a finite number >= 0, got {stddev!r}")
        self.stddev = stddev
        self.rng = np.random.default_rng(0 if seed is None else seed)
        self.noise: np.ndarray | None = None

    def forward(self, x, training=False):
        self._ensure_built(x)
        self.inputs = x
        if training and self.stddev > 0.0:
            noise = self.noise = self.rng.normal(0.0, self.stddev, size=x.shape)
            a = self.a = x + noise
        else:
            self.noise = None
            a = self.a = x
        return a

    def backward(self, grad_out, need_input_grad=True):
        self.dinputs = grad_out if need_input_grad else None
        return self.dinputs

    def __repr__(self) -> str:
        return f"GaussianNoise({self.stddev}, name={self.name!r})"


class BatchNormalization(Layer):
    """Batch normalisation over the batch axis, Keras ``BatchNormalization`` semantics.

    Training (batch statistics, biased variance)::

        mean = x.mean(0),  var = x.var(0)
        xhat = (x - mean) / sqrt(var + epsilon)
        a    = gamma * xhat + beta
        moving_mean     <- moving_mean * momentum + mean * (1 - momentum)
        moving_variance <- moving_variance * momentum + var * (1 - momentum)

    Inference uses ``moving_mean`` / ``moving_variance`` instead and updates nothing.

    Backward in training mode (``mean`` and ``var`` depend on every row of the batch)::

        dgamma  = sum(g * xhat),  dbeta = sum(g)
        dxhat   = g * gamma
        dinputs = (n * dxhat - sum(dxhat) - xhat * sum(dxhat * xhat)) / (n * sqrt(var + eps))

    (after an inference-mode forward: ``dinputs = g * gamma / sqrt(moving_variance + eps)``).
    Weights in Keras order: ``gamma, beta, moving_mean, moving_variance``; only gamma and beta
    are trained. The moving statistics are replaced by new arrays, never changed in place.
    """

    prefix = "batch_normalization"
    weight_names = ("gamma", "beta", "moving_mean", "moving_variance")
    trainable_names = ("gamma", "beta")
    gradient_names = ("dgamma", "dbeta")

    def __init__(
        self, momentum: float = 0.99, epsilon: float = 1e-3, name: str | None = None
    ) -> None:
        super().__init__(name=name)
        self.momentum = float(momentum)
        if not 0.0 <= self.momentum <= 1.0:
            raise ValueError(f"momentum must be in [0, 1], got {momentum!r}")
        self.epsilon = float(epsilon)
        if not self.epsilon > 0:
            raise ValueError(f"epsilon must be > 0, got {epsilon!r}")
        self.gamma = self.beta = self.moving_mean = self.moving_variance = None
        self.mean = self.var = self.inv_std = self.xhat = None
        self.dgamma = self.dbeta = None
        self._trained_pass = False

    def build(self, input_dim, rng=None):
        super().build(input_dim, rng)
        d = self.input_dim
        self.gamma, self.beta = np.ones(d), np.zeros(d)
        self.moving_mean, self.moving_variance = np.zeros(d), np.ones(d)

    def forward(self, x, training=False):
        self._ensure_built(x)
        self.inputs = x
        self._trained_pass = bool(training)
        if training:
            mean = x.mean(axis=0)
            centered = x - mean
            var = (centered * centered).mean(axis=0)
            m = self.momentum
            self.moving_mean = self.moving_mean * m + mean * (1.0 - m)
            self.moving_variance = self.moving_variance * m + var * (1.0 - m)
        else:
            mean, var = self.moving_mean, self.moving_variance
            centered = x - mean
        self.mean, self.var = mean, var
        inv_std = self.inv_std = 1.0 / np.sqrt(var + self.epsilon)
        xhat = self.xhat = centered * inv_std
        a = self.a = self.gamma * xhat + self.beta
        return a

    def backward(self, grad_out, need_input_grad=True):
        xhat = self.xhat
        self.dgamma = (grad_out * xhat).sum(axis=0)
        self.dbeta = grad_out.sum(axis=0)
        if not need_input_grad:
            self.dinputs = None
            return None
        dxhat = grad_out * self.gamma
        if self._trained_pass:
            n = grad_out.shape[0]
            self.dinputs = (n * dxhat - dxhat.sum(axis=0) - xhat * (dxhat * xhat).sum(axis=0)) * (
                self.inv_std / n
            )
        else:
            self.dinputs = dxhat * self.inv_std
        return self.dinputs

    def cached_floats(self, batch_size):
        return 2 * batch_size * self.output_dim  # xhat and output

    def __repr__(self) -> str:
        return f"BatchNormalization(momentum={self.momentum}, name={self.name!r})"
