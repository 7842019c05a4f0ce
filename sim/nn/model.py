"""``Sequential``: a Keras-shaped model with compile / fit / evaluate / predict.

::

    model = Sequential([Dense(16, activation="relu", input_dim=2),
                        Dense(1, activation="sigmoid")], seed=0)
    model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
    history = model.fit(x, y, batch_size=32, epochs=10, validation_split=0.2)

One training step on a batch ``(xb, yb)`` (``fit`` repeats it ``ceil(n / batch_size)`` times
per epoch)::

    forward:   a = xb; for each layer: a = layer.forward(a, training=True)
    loss:      L = loss(yb, a) + weight penalties (from the output layer's logits z when its
               activation is the loss's own: sigmoid + BCE, softmax + CE; sim.nn.losses)
    backward:  g = dL/da (or dL/dz, fused); for each layer, last first: g = layer.backward(g)
    update:    for each trainable array w: w, state_w = optimizer.update(w, dw, state_w)

Everything is float64 and seeded: weights from ``np.random.default_rng(seed)``; each fit's
shuffles and dropout from the fit's seed (see ``sim.nn.batching``). No global random state.
"""

from __future__ import annotations

import math
import time

import numpy as np

from sim.nn.batching import check_seed, epoch_order, noise_generator, updates_per_epoch
from sim.nn.callbacks import Callback, EarlyStopping, History, overrides
from sim.nn.layers import Dense, Layer
from sim.nn.losses import Loss, get_loss
from sim.nn.metrics import Metric, get_metric
from sim.optimizers import Optimizer, get_optimizer

DEFAULT_BATCH_SIZE = 32  # Keras' default for fit and evaluate
PREDICT_CHUNK = 8192  # rows per forward pass in predict/evaluate when batch_size is None


def _quiet():
    """Overflow to inf is an expected event while a run diverges: no warnings for it."""
    return np.errstate(over="ignore", invalid="ignore", divide="ignore", under="ignore")


class Sequential:
    """A stack of layers trained with Keras semantics (see the module docstring).

    ``seed`` seeds the weight initialisation (``np.random.default_rng(seed)``, drawn layer
    by layer as the model is built) and, through ``fit(seed=None)``, the training runs.
    The model is built when the first layer has ``input_dim``, else at its first call.
    """

    def __init__(self, layers=None, seed: int = 0, name: str = "sequential") -> None:
        self.seed = check_seed(seed)
        self.name = name
        self.layers: list[Layer] = []
        self.built = False
        self.input_dim: int | None = None
        self.optimizer: Optimizer | None = None
        self.loss: Loss | None = None
        self.metrics: list[Metric] = []
        self.compiled = False
        self.stop_training = False
        self.history: History | None = None
        self.optimizer_states: list[dict] | None = None
        self._init_rng = np.random.default_rng(self.seed)
        self._fits = 0
        for layer in layers or []:
            self.add(layer)

    # -- structure ------------------------------------------------------------------------
    def add(self, layer: Layer) -> None:
        if not isinstance(layer, Layer):
            raise ValueError(f"Sequential takes layers (Dense, Dropout, ...), got {layer!r}")
        if layer.name is None:
            same = sum(1 for other in self.layers if other.prefix == layer.prefix)
            layer.name = layer.prefix if same == 0 else f"{layer.prefix}_{same}"
        self.layers.append(layer)
        if self.built:
            layer.build(
                self.layers[-2].output_dim if len(self.layers) > 1 else self.input_dim,
                self._init_rng,
            )
            self.optimizer_states = None
        elif len(self.layers) == 1 and layer.input_dim is not None:
            self.build(layer.input_dim)

    def build(self, input_dim: int) -> None:
        """Create every layer's weights for inputs of ``input_dim`` features."""
        if not self.layers:
            raise ValueError("the model has no layers")
        if self.built:
            if input_dim != self.input_dim:
                raise ValueError(
                    f"the model expects {self.input_dim} input features, got {input_dim}"
                )
            return
        dim = int(input_dim)
        self.input_dim = dim
        for layer in self.layers:
            if not layer.built:
                layer.build(dim, self._init_rng)
            elif layer.input_dim != dim:
                raise ValueError(
                    f"layer {layer.name} was built for {layer.input_dim} inputs, not {dim}"
                )
            dim = layer.output_dim
        self.built = True

    @property
    def output_dim(self) -> int:
        self.require_built()
        return self.layers[-1].output_dim

    def require_built(self) -> None:
        if not self.built:
            raise ValueError(
                "this model has not been built yet: give the first layer input_dim=..., "
                "or call fit/predict once"
            )

    # -- compile --------------------------------------------------------------------------
    def compile(self, optimizer="rmsprop", loss=None, metrics=None) -> None:
        """``optimizer``: a name (Keras defaults, e.g. ``"adam"`` = Adam(lr=0.001)) or an
        object from ``sim.optimizers.make_optimizer``; ``loss``: ``"mse"``,
        ``"binary_crossentropy"``, ``"categorical_crossentropy"``,
        ``"sparse_categorical_crossentropy"``; ``metrics``: e.g. ``["accuracy"]``.
        Compiling again starts a fresh optimizer state."""
        if loss is None:
            raise ValueError("compile() needs a loss, e.g. loss='binary_crossentropy'")
        self.optimizer = get_optimizer(optimizer)
        self.loss = get_loss(loss)
        if isinstance(metrics, str):
            metrics = [metrics]
        self.metrics = [get_metric(m) for m in metrics or []]
        self.optimizer_states = None
        self.compiled = True

    @property
    def metrics_names(self) -> list[str]:
        return ["loss", *(m.name for m in self.metrics)]

    # -- weights --------------------------------------------------------------------------
    def get_weights(self) -> list[np.ndarray]:
        """Copies of every weight array in Keras order (layer by layer; Dense: kernel
        ``(in, out)``, bias; BatchNormalization: gamma, beta, moving_mean, moving_variance)."""
        self.require_built()
        return [w for layer in self.layers for w in layer.get_weights()]

    def set_weights(self, weights) -> None:
        self.require_built()
        weights = list(weights)
        expected = sum(len(layer.weight_names) for layer in self.layers)
        if len(weights) != expected:
            raise ValueError(f"the model has {expected} weight arrays, got {len(weights)}")
        i = 0
        for layer in self.layers:
            k = len(layer.weight_names)
            layer.set_weights(weights[i : i + k])
            i += k

    def count_params(self) -> int:
        self.require_built()
        return sum(layer.count_params() for layer in self.layers)

    def _weight_slots(self) -> list[tuple[Layer, str]]:
        return [(layer, w) for layer in self.layers for w in layer.weight_names]

    def trainable_slots(self) -> list[tuple[Layer, str, str]]:
        return [
            (layer, p, g)
            for layer in self.layers
            for p, g in zip(layer.trainable_names, layer.gradient_names, strict=True)
        ]

    def summary(self, print_fn=None) -> str:
        """A Keras-like table (layer, output shape, parameter count) as text."""
        self.require_built()
        rows = [
            (
                f"{layer.name} ({type(layer).__name__})",
                f"(None, {layer.output_dim})",
                str(layer.count_params()),
            )
            for layer in self.layers
        ]
        head = ("Layer (type)", "Output Shape", "Param #")
        widths = [max(len(r[i]) for r in [head, *rows]) + 2 for i in range(3)]
        line = "".join(h.ljust(w) for h, w in zip(head, widths, strict=True)).rstrip()
        rule = "-" * max(len(line), sum(widths))
        body = ["".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows]
        total = self.count_params()
        trainable = sum(getattr(layer, n).size for layer, n, _ in self.trainable_slots())
        text = "\n".join(
            [
                f'Model: "{self.name}"',
                rule,
                line,
                rule,
                *body,
                rule,
                f"Total params: {total}",
                f"Trainable params: {trainable}",
                f"Non-trainable params: {total - trainable}",
            ]
        )
        if print_fn is not None:
            print_fn(text)
        return text

    # -- input checks ---------------------------------------------------------------------
    def _check_x(self, x, what: str = "x") -> np.ndarray:
        x = np.asarray(x, dtype=np.float64)
        if x.ndim != 2:
            raise ValueError(
                f"{what} must be 2-D (samples, features), got shape {x.shape}"
                + ("; reshape with x.reshape(-1, 1)" if x.ndim == 1 else "")
            )
        if x.shape[0] < 1:
            raise ValueError(f"{what} has no samples")
        if not np.isfinite(x).all():
            raise ValueError(f"{what} contains NaN or inf")
        if self.built:
            if x.shape[1] != self.input_dim:
                raise ValueError(
                    f"{what} has {x.shape[1]} feature(s) but the model expects {self.input_dim}"
                )
        else:
            self.build(x.shape[1])
        return x

    def _check_y(self, y, n: int, what: str = "y") -> np.ndarray:
        if y is None:
            raise ValueError(f"{what} is required")
        y_arr = np.asarray(y)
        if y_arr.shape[:1] != (n,):
            raise ValueError(f"x has {n} samples but {what} has shape {y_arr.shape}")
        y = self.loss.prepare(y_arr, self.output_dim)
        if not np.isfinite(y).all():
            raise ValueError(f"{what} contains NaN or inf")
        return y

    def _require_compiled(self, action: str) -> None:
        if not self.compiled:
            raise ValueError(f"call compile(optimizer=..., loss=...) before {action}()")

    # -- inference ------------------------------------------------------------------------
    def __call__(self, x, training: bool = False) -> np.ndarray:
        """One forward pass (filling every layer's cache), like calling a Keras model."""
        x = self._check_x(x)
        with _quiet():
            return self._forward(x, training)

    def _forward(self, x: np.ndarray, training: bool) -> np.ndarray:
        for layer in self.layers:
            x = layer.forward(x, training)
        return x

    def _forward_with_logits(self, x: np.ndarray, training: bool):
        """``(z, a)``: the last layer's pre-activation (None unless it is a ``Dense``) and
        the model's output, in one forward pass."""
        *body, last = self.layers
        for layer in body:
            x = layer.forward(x, training)
        if isinstance(last, Dense):
            return last.forward_logits(x, training)
        return None, last.forward(x, training)

    def _loss_value(self, y: np.ndarray, z, a: np.ndarray, fused: bool) -> float:
        """The batch loss (no penalty): from the logits ``z`` when the output activation is
        the loss's own (sigmoid + BCE, softmax + CE; see ``sim.nn.losses``), else from ``a``."""
        return self.loss.value_logits(y, z) if fused else self.loss.value(y, a)

    def _chunks(self, n: int, batch_size):
        size = PREDICT_CHUNK if batch_size is None else _check_batch_size(batch_size)
        return [(lo, min(lo + size, n)) for lo in range(0, n, size)]

    def predict(self, x, batch_size: int | None = None, verbose: int = 0) -> np.ndarray:
        """Outputs ``(n, units)`` in inference mode (no dropout, BN moving statistics).
        ``batch_size`` only bounds memory; the numbers do not depend on it."""
        x = self._check_x(x)
        with _quiet():
            parts = [self._forward(x[lo:hi], False) for lo, hi in self._chunks(len(x), batch_size)]
        return parts[0].copy() if len(parts) == 1 else np.concatenate(parts)

    def _evaluate_prepared(self, x: np.ndarray, y: np.ndarray, batch_size=None) -> dict:
        """Inference-mode loss and metrics on prepared arrays; changes no weight."""
        loss_sum, totals = 0.0, [0.0] * len(self.metrics)
        fused = self._output_fused()
        for lo, hi in self._chunks(len(x), batch_size):
            z, p = self._forward_with_logits(x[lo:hi], False)
            loss_sum += self._loss_value(y[lo:hi], z, p, fused) * (hi - lo)
            for i, m in enumerate(self.metrics):
                totals[i] += m.total(y[lo:hi], p)
        n = len(x)
        logs = {"loss": loss_sum / n + self._penalty()}
        for m, t in zip(self.metrics, totals, strict=True):
            logs[m.name] = t / n
        return logs

    def _penalty(self) -> float:
        return sum(layer.regularization_loss() for layer in self.layers)

    def evaluate(
        self, x, y, batch_size: int | None = None, verbose: int = 0, return_dict: bool = False
    ):
        """The loss (a float) when no metrics were compiled, else ``[loss, *metrics]``, in
        inference mode, weight penalties included (as Keras)."""
        self._require_compiled("evaluate")
        x = self._check_x(x)
        y = self._check_y(y, len(x))
        with _quiet():
            logs = self._evaluate_prepared(x, y, batch_size)
        if return_dict:
            return logs
        return logs["loss"] if not self.metrics else [logs[k] for k in self.metrics_names]

    # -- training -------------------------------------------------------------------------
    def _ensure_optimizer_states(self) -> None:
        if self.optimizer_states is None:
            self.optimizer_states = [
                self.optimizer.init(getattr(layer, p)) for layer, p, _ in self.trainable_slots()
            ]

    def _output_fused(self) -> bool:
        """Whether the output layer is a ``Dense`` with the loss's own activation (sigmoid +
        BCE, softmax + CE): then value and gradient come from its logits."""
        last = self.layers[-1]
        return (
            self.loss.fused_activation is not None
            and isinstance(last, Dense)
            and last.activation.name == self.loss.fused_activation
        )

    def _backward_plan(self):
        """(fused?, [(layer, need_input_grad), ...] last layer first)."""
        order = self.layers[::-1]
        plan = [(layer, i < len(order) - 1) for i, layer in enumerate(order)]
        return self._output_fused(), plan

    def train_on_batch(self, x, y):
        """One update on one batch (Keras ``train_on_batch``); returns the batch loss (before
        the update), or ``[loss, *metrics]`` with metrics. The layers keep this step's arrays."""
        self._require_compiled("train_on_batch")
        x = self._check_x(x)
        y = self._check_y(y, len(x))
        self._ensure_optimizer_states()
        fused, plan = self._backward_plan()
        slots = self.trainable_slots()
        with _quiet():
            z, a = self._forward_with_logits(x, True)
            loss = self._loss_value(y, z, a, fused) + self._penalty()
            values = [m.total(y, a) / len(x) for m in self.metrics]
            self._backward(y, a, fused, plan)
            self._update(slots)
        return loss if not self.metrics else [loss, *values]

    def _backward(self, y, a, fused, plan) -> None:
        if fused:
            (last, need), *rest = plan
            grad = last.backward_z(self.loss.gradient_logits(y, a), need)
        else:
            grad, rest = self.loss.gradient(y, a), plan
        for layer, need in rest:
            grad = layer.backward(grad, need)

    def _update(self, slots) -> None:
        opt, states = self.optimizer, self.optimizer_states
        for k, (layer, p, g) in enumerate(slots):
            new, states[k] = opt.update(getattr(layer, p), getattr(layer, g), states[k])
            setattr(layer, p, new)

    def fit(
        self,
        x=None,
        y=None,
        batch_size: int | None = None,
        epochs: int = 1,
        verbose: int = 0,
        callbacks: list[Callback] | None = None,
        validation_split: float = 0.0,
        validation_data=None,
        shuffle: bool = True,
        initial_epoch: int = 0,
        *,
        seed: int | None = None,
        time_budget: float | None = None,
    ) -> History:
        """Train with Keras semantics; returns a ``History``.

        * ``ceil(n / batch_size)`` updates per epoch, the last batch partial; a fresh seeded
          shuffle each epoch (``shuffle=True``), epochs ``initial_epoch .. epochs - 1``.
        * ``validation_split``: the **last** fraction of x, y (before shuffling),
          ``split_at = int(n * (1 - validation_split))``; ``validation_data=(x_val, y_val)``
          overrides it. Validation runs in inference mode at each epoch end and never changes
          a weight (BatchNormalization's moving statistics included).
        * Epoch ``loss`` and metrics: the batch-size-weighted mean over the epoch's batches,
          each computed on the training-mode outputs before that batch's update.
        * ``seed``: the run's shuffles and dropout/noise draws; None derives one from the
          model seed (the model seed itself for the model's first fit), so runs repeat.
        * ``time_budget`` (seconds): when exceeded, training stops after the current epoch
          (``history.stopped_reason == "time_budget"``). Arguments are never clamped.
        * Divergence: a non-finite batch loss stops training at that batch; the weights go
          back to the last state with a finite loss, that epoch is not recorded, and
          ``history.diverged = {"epoch": e, "batch": b}``, ``stopped_reason = "diverged"``.
        """
        self._require_compiled("fit")
        batch_size = DEFAULT_BATCH_SIZE if batch_size is None else _check_batch_size(batch_size)
        epochs = _check_count(epochs, "epochs")
        initial_epoch = _check_count(initial_epoch, "initial_epoch")
        if time_budget is not None and not (time_budget > 0):
            raise ValueError(f"time_budget must be None or > 0 seconds, got {time_budget!r}")
        x = self._check_x(x)
        y = self._check_y(y, len(x))
        x_val = y_val = None
        if validation_data is not None:
            if not isinstance(validation_data, tuple | list) or len(validation_data) != 2:
                raise ValueError("validation_data must be a pair (x_val, y_val)")
            x_val = self._check_x(validation_data[0], "x_val")
            y_val = self._check_y(validation_data[1], len(x_val), "y_val")
        elif validation_split:
            if not 0.0 <= validation_split < 1.0:
                raise ValueError(f"validation_split must be in [0, 1), got {validation_split!r}")
            split_at = int(len(x) * (1.0 - validation_split))
            if split_at in (0, len(x)):
                raise ValueError(
                    f"{len(x)} samples are not enough to split with "
                    f"validation_split={validation_split}"
                )
            x, x_val = x[:split_at], x[split_at:]
            y, y_val = y[:split_at], y[split_at:]

        if seed is None:
            seed = self.seed if self._fits == 0 else _derived_seed(self.seed, self._fits)
        seed = check_seed(seed)
        self._fits += 1
        n = len(x)
        steps = updates_per_epoch(n, batch_size)

        history = History()
        history.seed = seed
        history.params = {
            "verbose": verbose,
            "epochs": epochs,
            "steps": steps,
            "batch_size": batch_size,
        }
        cb_params = {**history.params, "initial_epoch": initial_epoch, "samples": n}
        cbs = [*(callbacks or []), history]
        for cb in cbs:
            if not isinstance(cb, Callback):
                raise ValueError(f"callbacks must be Callback objects, got {cb!r}")
            cb.set_model(self)
            cb.set_params(history.params if cb is history else cb_params)
        begin_cbs = [cb for cb in cbs if overrides(cb, "on_train_batch_begin")]
        end_cbs = [cb for cb in cbs if overrides(cb, "on_train_batch_end")]

        self._ensure_optimizer_states()
        rng = noise_generator(seed)
        for layer in self.layers:
            if layer.uses_rng:
                layer.rng = rng
        self.stop_training = False
        self.history = history
        run = _Run(self, x, y, batch_size, begin_cbs, end_cbs)
        logs: dict = {}
        with _quiet():
            t_start = time.perf_counter()
            for cb in cbs:
                cb.on_train_begin({})
            for epoch in range(initial_epoch, epochs):
                t_epoch = time.perf_counter()
                for cb in cbs:
                    cb.on_epoch_begin(epoch, {})
                epoch_logs = run.epoch(epoch_order(n, seed, epoch, shuffle), shuffle)
                if run.diverged_at is not None or not self._weights_finite():
                    run.restore_last_good()
                    batch = run.diverged_at if run.diverged_at is not None else steps - 1
                    history.diverged = {"epoch": epoch, "batch": batch}
                    history.stopped_reason = "diverged"
                    break
                logs = epoch_logs
                if x_val is not None:
                    val = self._evaluate_prepared(x_val, y_val)
                    logs.update({f"val_{k}": v for k, v in val.items()})
                history.epoch_times.append(time.perf_counter() - t_epoch)
                for cb in cbs:
                    cb.on_epoch_end(epoch, logs)
                if verbose:
                    shown = " - ".join(f"{k}: {v:.4f}" for k, v in logs.items())
                    print(f"Epoch {epoch + 1}/{epochs} - {shown}")
                if self.stop_training:
                    stoppers = [c for c in cbs if isinstance(c, EarlyStopping) and c.stopped_epoch]
                    history.stopped_reason = "early_stopping" if stoppers else "stop_training"
                    break
                if time_budget is not None and time.perf_counter() - t_start > time_budget:
                    history.stopped_reason = "time_budget"
                    break
            for cb in cbs:
                cb.on_train_end(logs)
        return history

    def _weights_finite(self) -> bool:
        return all(np.isfinite(getattr(layer, w)).all() for layer, w in self._weight_slots())


class _Run:
    """The batch loop of one fit, kept apart so ``fit`` reads as the epoch loop.

    Divergence bookkeeping costs no copies: the optimizer returns new arrays and BN replaces
    its moving statistics, so keeping *references* to the arrays of the last batch whose loss
    was finite is enough to go back to it.
    """

    def __init__(self, model: Sequential, x, y, batch_size, begin_cbs, end_cbs) -> None:
        self.model = model
        self.x, self.y, self.batch_size = x, y, batch_size
        self.begin_cbs, self.end_cbs = begin_cbs, end_cbs
        self.weight_slots = model._weight_slots()
        self.trainable_slots = model.trainable_slots()
        self.fused, self.plan = model._backward_plan()
        self.penalized = [
            layer
            for layer in model.layers
            if isinstance(layer, Dense) and layer.kernel_regularizer is not None
        ]
        self.diverged_at: int | None = None
        self.last_good = self._snapshot()

    def _snapshot(self):
        return (
            [getattr(layer, w) for layer, w in self.weight_slots],
            list(self.model.optimizer_states),
        )

    def restore_last_good(self) -> None:
        weights, states = self.last_good
        for (layer, w), value in zip(self.weight_slots, weights, strict=True):
            setattr(layer, w, value)
        self.model.optimizer_states = list(states)

    def epoch(self, order: np.ndarray, shuffle: bool) -> dict:
        """Run the batches of one epoch; returns the epoch logs (loss, metrics)."""
        model, metrics = self.model, self.model.metrics
        xs = self.x.take(order, axis=0) if shuffle else self.x
        ys = self.y.take(order, axis=0) if shuffle else self.y
        n, bs = len(xs), self.batch_size
        loss_sum, seen = 0.0, 0
        totals = [0.0] * len(metrics)
        fused, plan, penalized = self.fused, self.plan, self.penalized
        self.diverged_at = None
        for b, lo in enumerate(range(0, n, bs)):
            xb, yb = xs[lo : lo + bs], ys[lo : lo + bs]
            nb = len(xb)
            for cb in self.begin_cbs:
                cb.on_train_batch_begin(b, {"size": nb})
            snapshot = self._snapshot()
            z, a = model._forward_with_logits(xb, True)
            batch_loss = model._loss_value(yb, z, a, fused)
            for layer in penalized:
                batch_loss += layer.regularization_loss()
            if not math.isfinite(batch_loss):
                self.diverged_at = b
                break
            self.last_good = snapshot
            loss_sum += batch_loss * nb
            seen += nb
            for i, m in enumerate(metrics):
                totals[i] += m.total(yb, a)
            model._backward(yb, a, fused, plan)
            model._update(self.trainable_slots)
            if self.end_cbs:
                logs = {"loss": loss_sum / seen}
                logs.update({m.name: t / seen for m, t in zip(metrics, totals, strict=True)})
                logs["batch_loss"] = batch_loss
                logs["size"] = nb
                for cb in self.end_cbs:
                    cb.on_train_batch_end(b, logs)
            if model.stop_training:
                break
        logs = {"loss": loss_sum / seen if seen else math.nan}
        for m, t in zip(metrics, totals, strict=True):
            logs[m.name] = t / seen if seen else math.nan
        return logs


def _check_batch_size(batch_size) -> int:
    if isinstance(batch_size, bool) or not isinstance(batch_size, int | np.integer):
        raise ValueError(f"batch_size must be an integer >= 1, got {batch_size!r}")
    if batch_size < 1:
        raise ValueError(f"batch_size must be >= 1, got {batch_size}")
    return int(batch_size)


def _check_count(value, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < 0:
        raise ValueError(f"{what} must be an integer >= 0, got {value!r}")
    return int(value)


def _derived_seed(seed: int, index: int) -> int:
    """A seed for the model's ``index``-th fit, a pure function of (model seed, index)."""
    return int(np.random.SeedSequence([seed, index]).generate_state(1, np.uint32)[0])
