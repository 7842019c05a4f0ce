"""One training step of a tiny network, traced number by number (lesson B6).

The network is the one ``sim.training`` builds for a binary task with one hidden layer of
three units: ``Dense(3, activation)`` then ``Dense(1, "sigmoid")`` (2-3-1), compiled with plain
SGD. ``trace_step`` runs **one** ``Sequential.train_on_batch`` on one example and copies the
arrays the engine's ``Dense`` layers keep from that step (``inputs``, ``z``, ``a``, ``dz``,
``dW``, ``db``, ``dinputs``) together with the weights before and after the update. Nothing
here recomputes the forward or backward pass: the numbers shown are the engine's own.

``dL/dp`` (the loss's slope at the output probability) comes from the loss object's
``gradient``; with binary cross-entropy the engine skips it (the fused sigmoid + cross-entropy
gradient ``dz = p - y``), the lesson shows it to spell out the chain rule.

``latex(trace, stage)`` writes the formulas of one stage with the numbers filled in;
``finite_difference_gradients`` nudges each weight to check the chain rule numerically.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from lessons.notices import Notice, Number, notice
from sim.training import NetSpec, TrainResult, build_model

HIDDEN_UNITS = 3
ACTIVATIONS = ("tanh", "sigmoid", "relu")
LOSSES = ("binary_crossentropy", "mse")
STAGES = ("input", "hidden", "output", "loss", "back_output", "back_hidden", "update")


def spec(activation: str = "tanh") -> NetSpec:
    """The 2-3-1 network (hidden activation ``activation``, sigmoid output)."""
    return NetSpec(hidden=(HIDDEN_UNITS,), activation=activation)


def build(activation: str, loss: str, learning_rate: float, seed: int):
    """The compiled model ``Sequential.fit`` would train (``sim.training.build_model``)."""
    return build_model(spec(activation), 2, "binary", 2, "sgd", learning_rate, loss, seed)


@dataclass(frozen=True)
class LayerStep:
    """The arrays one ``Dense`` layer kept from the step (copies), for one example:
    ``W`` (in, out) and ``b`` before the update, ``inputs``, ``z``, ``a``, ``dz``, ``dW``,
    ``db``, ``dinputs`` (None for the first layer), ``W_new`` and ``b_new`` after it."""

    activation: str
    W: np.ndarray
    b: np.ndarray
    inputs: np.ndarray
    z: np.ndarray
    a: np.ndarray
    dz: np.ndarray
    dW: np.ndarray
    db: np.ndarray
    dinputs: np.ndarray | None
    W_new: np.ndarray
    b_new: np.ndarray


@dataclass(frozen=True)
class StepTrace:
    """One SGD step on one example ``x`` (2,) with label ``y``: the two layers, the loss
    before (``loss``) and after (``loss_after``) the update on this example, the output
    probability ``p`` and the loss's slope ``dL_dp`` there."""

    x: np.ndarray
    y: float
    activation: str
    loss_name: str
    learning_rate: float
    seed: int
    hidden: LayerStep
    output: LayerStep
    loss: float
    loss_after: float
    p: float
    p_after: float
    dL_dp: float

    @property
    def layers(self) -> tuple[LayerStep, LayerStep]:
        return self.hidden, self.output

    def weights_before(self) -> list[np.ndarray]:
        return [self.hidden.W, self.hidden.b, self.output.W, self.output.b]

    def weights_after(self) -> list[np.ndarray]:
        return [self.hidden.W_new, self.hidden.b_new, self.output.W_new, self.output.b_new]

    def frame(self):
        """Every number of the step as a table ``stage, quantity, index, value`` (CSV)."""
        import pandas as pd

        rows = []

        def add(stage, name, arr):
            arr = np.atleast_1d(np.asarray(arr, dtype=float))
            for idx, v in np.ndenumerate(arr):
                rows.append((stage, name, ",".join(str(i + 1) for i in idx), float(v)))

        add("input", "x", self.x)
        add("input", "y", self.y)
        h, o = self.hidden, self.output
        add("hidden", "W1", h.W)
        add("hidden", "b1", h.b)
        add("hidden", "z1", h.z[0])
        add("hidden", "h", h.a[0])
        add("output", "W2", o.W)
        add("output", "b2", o.b)
        add("output", "z2", o.z[0])
        add("output", "p", self.p)
        add("loss", "L", self.loss)
        add("back_output", "dL/dp", self.dL_dp)
        add("back_output", "dL/dz2", o.dz[0])
        add("back_output", "dL/dW2", o.dW)
        add("back_output", "dL/db2", o.db)
        add("back_hidden", "dL/dh", o.dinputs[0])
        add("back_hidden", "dL/dz1", h.dz[0])
        add("back_hidden", "dL/dW1", h.dW)
        add("back_hidden", "dL/db1", h.db)
        add("update", "W1_new", h.W_new)
        add("update", "b1_new", h.b_new)
        add("update", "W2_new", o.W_new)
        add("update", "b2_new", o.b_new)
        add("update", "L_after", self.loss_after)
        add("update", "p_after", self.p_after)
        return pd.DataFrame(rows, columns=["stage", "quantity", "index", "value"])


def _copy(a):
    return None if a is None else np.array(a, dtype=np.float64, copy=True)


def trace_step(
    x1: float,
    x2: float,
    y: int,
    activation: str = "tanh",
    loss: str = "binary_crossentropy",
    learning_rate: float = 0.5,
    seed: int = 0,
) -> StepTrace:
    """Run one ``train_on_batch`` on the example ``((x1, x2), y)`` and record it."""
    model = build(activation, loss, learning_rate, seed)
    xb = np.array([[float(x1), float(x2)]])
    yb = np.array([[float(y)]])
    hidden_layer, output_layer = model.layers
    before = [(_copy(layer.kernel), _copy(layer.bias)) for layer in (hidden_layer, output_layer)]
    value = model.train_on_batch(xb, yb)
    loss_value = float(value[0] if isinstance(value, list) else value)
    with np.errstate(all="ignore"):
        dL_dp = float(model.loss.gradient(yb, output_layer.a)[0, 0])
    steps = []
    for layer, (W, b) in zip((hidden_layer, output_layer), before, strict=True):
        steps.append(
            LayerStep(
                activation=layer.activation.name,
                W=W,
                b=b,
                inputs=_copy(layer.inputs),
                z=_copy(layer.z),
                a=_copy(layer.a),
                dz=_copy(layer.dz),
                dW=_copy(layer.dW),
                db=_copy(layer.db),
                dinputs=_copy(layer.dinputs),
                W_new=_copy(layer.kernel),
                b_new=_copy(layer.bias),
            )
        )
    p = float(steps[1].a[0, 0])
    after = model.evaluate(xb, yb, return_dict=True)
    p_after = float(model.predict(xb)[0, 0])
    return StepTrace(
        x=xb[0].copy(),
        y=float(y),
        activation=activation,
        loss_name=loss,
        learning_rate=float(learning_rate),
        seed=int(seed),
        hidden=steps[0],
        output=steps[1],
        loss=loss_value,
        loss_after=float(after["loss"]),
        p=p,
        p_after=p_after,
        dL_dp=dL_dp,
    )


def loss_of_weights(weights, x, y, activation: str, loss: str) -> float:
    """The model's loss on ``(x, y)`` with ``weights`` (Keras order), forward pass only."""
    model = build(activation, loss, 0.1, 0)
    model.set_weights(weights)
    return float(model.evaluate(np.atleast_2d(x), np.atleast_2d(y), return_dict=True)["loss"])


def finite_difference_gradients(trace: StepTrace, eps: float = 1e-6) -> list[np.ndarray]:
    """Central differences ``(L(w + eps) - L(w - eps)) / (2 eps)`` of every weight, from the
    weights before the step; the chain rule's ``dW``, ``db`` should match them."""
    base = [w.copy() for w in trace.weights_before()]
    grads = []
    for k, w in enumerate(base):
        g = np.zeros_like(w)
        for idx in np.ndindex(w.shape):
            plus = [v.copy() for v in base]
            minus = [v.copy() for v in base]
            plus[k][idx] += eps
            minus[k][idx] -= eps
            lp = loss_of_weights(plus, trace.x, [trace.y], trace.activation, trace.loss_name)
            lm = loss_of_weights(minus, trace.x, [trace.y], trace.activation, trace.loss_name)
            g[idx] = (lp - lm) / (2 * eps)
        grads.append(g)
    return grads


def chain_rule_gradients(trace: StepTrace) -> list[np.ndarray]:
    """The engine's gradients in Keras order: dW1, db1, dW2, db2."""
    h, o = trace.hidden, trace.output
    return [h.dW, h.db, o.dW, o.db]


# --- numbers in words and formulas ------------------------------------------------------


def num(v: float, digits: int = 3) -> str:
    """A number for a formula: fixed decimals, or scientific (LaTeX) when tiny."""
    v = float(v)
    if not np.isfinite(v):
        return r"\infty" if v > 0 else r"-\infty"
    if v == 0 or abs(v) >= 10 ** (-digits):
        text = f"{v:.{digits}f}"
        return "0" if float(text) == 0 else text
    mantissa, exponent = f"{v:.2e}".split("e")
    return rf"{mantissa}\times 10^{{{int(exponent)}}}"


def short(v: float, digits: int = 2) -> str:
    """A number for a chart label (plain text): fixed decimals, or ``1.2e-05`` when tiny."""
    v = float(v)
    if v != 0 and abs(v) < 1e-4:
        return f"{v:.1e}".replace("-", "−")
    if v != 0 and abs(v) < 0.5 * 10 ** (-digits):
        return f"{v:.2g}".replace("-", "−")
    text = f"{v:.{digits}f}"
    return text.replace("-", "−") if float(text) != 0 else "0"


def _p(v: float) -> str:
    s = num(v)
    return f"({s})" if s.startswith("-") or "times" in s else s


def _vec(values) -> str:
    return r"\begin{bmatrix}" + " & ".join(num(v) for v in np.ravel(values)) + r"\end{bmatrix}"


def _mat(m) -> str:
    rows = [" & ".join(num(v) for v in row) for row in np.atleast_2d(m)]
    return r"\begin{bmatrix}" + r" \\ ".join(rows) + r"\end{bmatrix}"


def _act(name: str, arg: str) -> str:
    return {
        "tanh": rf"\tanh({arg})",
        "sigmoid": rf"\sigma({arg})",
        "relu": rf"\max(0,\,{arg})",
        "linear": arg,
    }[name]


def _act_slope(name: str, h: float, z: float) -> tuple[str, float]:
    """The activation's slope at one unit: formula and value."""
    if name == "tanh":
        return rf"(1 - {_p(h)}^2)", 1.0 - h * h
    if name == "sigmoid":
        return rf"{_p(h)}(1 - {_p(h)})", h * (1.0 - h)
    if name == "relu":
        return (r"1" if z > 0 else r"0"), float(z > 0)
    return "1", 1.0


SLOPE_SYMBOL = {"tanh": r"(1 - h_j^2)", "sigmoid": r"h_j(1 - h_j)", "relu": r"[z_j > 0]"}


def _aligned(*rows: str) -> str:
    """Rows of one derivation, aligned on their ``&`` (each row short enough for a phone)."""
    return r"\begin{aligned}" + r" \\ ".join(rows) + r"\end{aligned}"


def latex_rows(trace: StepTrace, stage: str) -> list[list[str]]:
    """The formulas of ``stage`` (one of ``STAGES``) with the trace's numbers filled in, as
    rows of blocks: the blocks of a row can sit side by side (one per unit), each block is
    short (a multi-line ``aligned`` derivation) so it fits a narrow window."""
    h, o = trace.hidden, trace.output
    x, y, p = trace.x, trace.y, trace.p
    act = trace.activation
    n_hidden = h.W.shape[1]
    rows: list[list[str]] = []
    if stage == "input":
        rows.append([rf"\mathbf{{x}} = (x_1,\ x_2) = ({num(x[0])},\ {num(x[1])})", rf"y = {y:g}"])
    elif stage == "hidden":
        blocks = []
        for j in range(n_hidden):
            w1, w2, b = h.W[0, j], h.W[1, j], h.b[j]
            u = j + 1
            blocks.append(
                _aligned(
                    rf"z_{u} &= w_{{1{u}}}x_1 + w_{{2{u}}}x_2 + b_{u}",
                    rf"&= {_p(w1)}\cdot{_p(x[0])} + {_p(w2)}\cdot{_p(x[1])}",
                    rf"&\quad + {_p(b)} = {num(h.z[0, j])}",
                    rf"h_{u} &= {_act(act, f'z_{u}')} = {num(h.a[0, j])}",
                )
            )
        rows.append(blocks)
    elif stage == "output":
        terms = " + ".join(rf"v_{j + 1}h_{j + 1}" for j in range(n_hidden))
        products = [rf"{_p(o.W[j, 0])}\cdot{_p(h.a[0, j])}" for j in range(n_hidden)]
        rows.append(
            [
                _aligned(
                    rf"z &= {terms} + c",
                    rf"&= {products[0]} + {products[1]}",
                    rf"&\quad + {' + '.join(products[2:])} + {_p(o.b[0])}",
                    rf"&= {num(o.z[0, 0])}",
                ),
                _aligned(
                    r"\hat y &= \sigma(z) = \frac{1}{1 + e^{-z}}",
                    rf"&= {num(p)}",
                ),
            ]
        )
    elif stage == "loss":
        if trace.loss_name == "mse":
            rows.append(
                [
                    _aligned(
                        r"L &= (\hat y - y)^2",
                        rf"&= ({num(p)} - {y:g})^2",
                        rf"&= {num(trace.loss)}",
                    )
                ]
            )
        else:
            term = r"-\log \hat y" if y == 1 else r"-\log(1 - \hat y)"
            q = p if y == 1 else 1 - p
            rows.append(
                [
                    _aligned(
                        r"L &= -\left[y\log\hat y + (1-y)\log(1-\hat y)\right]",
                        rf"&= {term} = -\log {num(q)}",
                        rf"&= {num(trace.loss)}",
                    )
                ]
            )
    elif stage == "back_output":
        dz = o.dz[0, 0]
        slope = p * (1 - p)
        if trace.loss_name == "mse":
            first = _aligned(
                r"\frac{\partial L}{\partial \hat y} &= 2(\hat y - y)",
                rf"&= 2({num(p)} - {y:g}) = {num(trace.dL_dp)}",
            )
        else:
            first = _aligned(
                r"\frac{\partial L}{\partial \hat y} &= \frac{\hat y - y}{\hat y(1-\hat y)}",
                rf"&= \frac{{{num(p)} - {y:g}}}{{{num(p)}\cdot{num(1 - p)}}}"
                rf" = {num(trace.dL_dp)}",
            )
        second = _aligned(
            r"\delta = \frac{\partial L}{\partial z}"
            r" &= \frac{\partial L}{\partial \hat y}\cdot\hat y(1-\hat y)",
            rf"&= {_p(trace.dL_dp)}\cdot{num(slope)} = {num(dz)}",
            *([r"&= \hat y - y"] if trace.loss_name != "mse" else []),
        )
        rows.append([first, second])
        grads = [
            _aligned(
                rf"\frac{{\partial L}}{{\partial v_{j + 1}}} &= \delta h_{j + 1}",
                rf"&= {_p(dz)}\cdot{_p(h.a[0, j])}",
                rf"&= {num(o.dW[j, 0])}",
            )
            for j in range(n_hidden)
        ]
        grads.append(_aligned(r"\frac{\partial L}{\partial c} &= \delta", rf"&= {num(o.db[0])}"))
        rows.append(grads)
    elif stage == "back_hidden":
        blocks = []
        for j in range(n_hidden):
            u = j + 1
            slope_text, _ = _act_slope(act, h.a[0, j], h.z[0, j])
            blocks.append(
                _aligned(
                    rf"\frac{{\partial L}}{{\partial h_{u}}} &= \delta\, v_{u}"
                    rf" = {_p(o.dz[0, 0])}\cdot{_p(o.W[j, 0])}",
                    rf"&= {num(o.dinputs[0, j])}",
                    rf"\delta_{u} &= \frac{{\partial L}}{{\partial h_{u}}}\cdot{slope_text}",
                    rf"&= {num(h.dz[0, j])}",
                )
            )
        rows.append(blocks)
        rows.append(
            [
                _aligned(
                    r"\frac{\partial L}{\partial w_{ij}} &= x_i\,\delta_j",
                    rf"\nabla W &= {_mat(h.dW)}",
                ),
                _aligned(
                    r"\frac{\partial L}{\partial b_j} &= \delta_j", rf"\nabla b &= {_vec(h.db)}"
                ),
            ]
        )
    elif stage == "update":
        eta = num(trace.learning_rate)
        rows.append(
            [
                _aligned(
                    r"W &\leftarrow W - \eta\nabla W",
                    rf"&= {_mat(h.W)}",
                    rf"&\quad - {eta}{_mat(h.dW)}",
                    rf"&= {_mat(h.W_new)}",
                ),
                _aligned(
                    r"\mathbf{v} &\leftarrow \mathbf{v} - \eta\nabla\mathbf{v}",
                    rf"&= {_vec(o.W[:, 0])}",
                    rf"&\quad - {eta}{_vec(o.dW[:, 0])}",
                    rf"&= {_vec(o.W_new[:, 0])}",
                ),
            ]
        )
        rows.append(
            [
                _aligned(r"b &\leftarrow b - \eta\nabla b", rf"&= {_vec(h.b_new)}"),
                _aligned(r"c &\leftarrow c - \eta\delta", rf"&= {num(o.b_new[0])}"),
            ]
        )
        rows.append(
            [
                rf"\hat y: {num(p)} \to {num(trace.p_after)}",
                rf"L: {num(trace.loss)} \to {num(trace.loss_after)}",
            ]
        )
    else:
        raise ValueError(f"unknown stage {stage!r}")
    return rows


def latex(trace: StepTrace, stage: str) -> list[str]:
    """The blocks of ``latex_rows`` in reading order."""
    return [block for row in latex_rows(trace, stage) for block in row]


# --- the network diagram's data -----------------------------------------------------------

SUB = "₀₁₂₃₄₅₆₇₈₉"
NODE_POS = {
    "x1": (0.0, 1.0),
    "x2": (0.0, 3.0),
    "h1": (1.7, 0.0),
    "h2": (1.7, 2.0),
    "h3": (1.7, 4.0),
    "out": (3.0, 2.0),
    "loss": (3.9, 2.0),
}


def diagram_frames(trace: StepTrace, stage: str):
    """``(nodes, edges)`` frames of the 2-3-1 diagram at ``stage``.

    nodes: ``node, x, y, name, value, grad, state, active`` (``value``/``grad`` are text,
    empty until that stage has computed them; ``state`` is ``todo``, ``done`` or ``back``).
    edges: ``source, target, x, y, x2, y2, sign, size, text, kind`` with ``size`` in ``[0, 1]``
    (|value| over the largest of its kind in this step) and ``sign`` in ``positive``,
    ``negative``, ``idle``; ``kind`` is ``weight``, ``gradient`` or ``new`` (a fixed set of
    columns and value domains, so the chart spec is the same at every stage). Where an
    edge's ``text`` goes is the chart's business (``charts.backprop_frames``).
    """
    import pandas as pd

    k = STAGES.index(stage)
    h, o = trace.hidden, trace.output
    n_hidden = h.W.shape[1]
    w_max = max(
        np.abs(h.W).max(), np.abs(o.W).max(), np.abs(h.W_new).max(), np.abs(o.W_new).max(), 1e-12
    )
    g_max = max(np.abs(h.dW).max(), np.abs(o.dW).max(), 1e-12)

    def node(name, label, value="", grad="", state="todo", active=False):
        x, y = NODE_POS[name]
        return {
            "node": name,
            "x": x,
            "y": y,
            "name": label,
            "value": value,
            "grad": grad,
            "state": state,
            "active": bool(active),
        }

    nodes = []
    for i in range(2):
        nodes.append(node(f"x{i + 1}", f"x{SUB[i + 1]}", short(trace.x[i], 2), "", "done", k == 0))
    for j in range(n_hidden):
        value = short(h.a[0, j], 2) if k >= 1 else ""
        grad = "δ " + short(h.dz[0, j], 3) if k >= 5 else ""
        state = "back" if k >= 5 else ("done" if k >= 1 else "todo")
        nodes.append(node(f"h{j + 1}", f"h{SUB[j + 1]}", value, grad, state, k in (1, 5)))
    nodes.append(
        node(
            "out",
            "ŷ",
            short(o.a[0, 0], 2) if k >= 2 else "",
            "δ " + short(o.dz[0, 0], 3) if k >= 4 else "",
            "back" if k >= 4 else ("done" if k >= 2 else "todo"),
            k in (2, 4),
        )
    )
    nodes.append(
        node(
            "loss",
            "L",
            short(trace.loss, 3) if k >= 3 else "",
            "",
            "done" if k >= 3 else "todo",
            k == 3,
        )
    )

    def edge(a, b, value, kind, maximum):
        (x0, y0), (x1, y1) = NODE_POS[a], NODE_POS[b]
        if kind == "idle":
            sign, size, text = "idle", 0.15, ""
        else:
            sign = "positive" if value >= 0 else "negative"
            size, text = min(abs(value) / maximum, 1.0), short(value, 2)
        return {
            "source": a,
            "target": b,
            "x": x0,
            "y": y0,
            "x2": x1,
            "y2": y1,
            "sign": sign,
            "size": float(size),
            "text": text,
            "kind": kind,
        }

    edges = []
    for i in range(2):
        for j in range(n_hidden):
            if k <= 4:
                kind, v, m = ("weight", h.W[i, j], w_max) if k <= 3 else ("idle", 0.0, 1.0)
            elif k == 5:
                kind, v, m = "gradient", h.dW[i, j], g_max
            else:
                kind, v, m = "new", h.W_new[i, j], w_max
            edges.append(edge(f"x{i + 1}", f"h{j + 1}", v, kind, m))
    for j in range(n_hidden):
        if k <= 3:
            kind, v, m = "weight", o.W[j, 0], w_max
        elif k in (4, 5):
            kind, v, m = "gradient", o.dW[j, 0], g_max
        else:
            kind, v, m = "new", o.W_new[j, 0], w_max
        edges.append(edge(f"h{j + 1}", "out", v, kind, m))
    edges.append(edge("out", "loss", 0.0, "idle", 1.0))
    return pd.DataFrame(nodes), pd.DataFrame(edges)


def biggest_change(trace: StepTrace) -> dict:
    """The weight the step moved most: ``layer`` (1 or 2), ``i``, ``j`` (1-based), ``before``,
    ``after``, ``grad``."""
    best = None
    for layer, step in ((1, trace.hidden), (2, trace.output)):
        change = np.abs(step.W_new - step.W)
        idx = np.unravel_index(int(np.argmax(change)), change.shape)
        if best is None or change[idx] > best[0]:
            best = (float(change[idx]), layer, idx, step)
    _, layer, (i, j), step = best
    return {
        "layer": layer,
        "i": int(i) + 1,
        "j": int(j) + 1,
        "before": float(step.W[i, j]),
        "after": float(step.W_new[i, j]),
        "grad": float(step.dW[i, j]),
    }


def gradient_sizes(trace: StepTrace) -> tuple[float, float]:
    """Mean |dW| of the hidden layer and of the output layer."""
    return float(np.abs(trace.hidden.dW).mean()), float(np.abs(trace.output.dW).mean())


FLAT_CHANGE = 5e-4  # a step that moves the loss less than this "barely changed anything"


def weight_name(change: dict) -> str:
    """The name of a weight of ``biggest_change``: ``w₁₂`` (hidden layer, input 1 to unit
    2) or ``v₃`` (output layer, from unit 3)."""
    if change["layer"] == 2:
        return f"v{SUB[change['i']]}"
    return f"w{SUB[change['i']]}{SUB[change['j']]}"


def step_notices(trace: StepTrace) -> list[Notice]:
    """What to notice about the traced step: whether the loss fell, rose (overshot) or
    barely moved (``|L_after - L| < FLAT_CHANGE``); the sign of the output's ``δ = dL/dz``
    and the weight the step moved most (``w_new = w - lr * grad``); and how the hidden
    layer's gradients compare with the output layer's (``mean |dW|``): a dead ReLU unit
    (``z <= 0``), hidden gradients under half the output's, or not smaller."""
    activation, learning_rate = trace.activation, trace.learning_rate
    values = dict(
        p=Number(trace.p, 3),
        p_after=Number(trace.p_after, 3),
        y=int(trace.y),
        l0=Number(trace.loss, 3),
        l1=Number(trace.loss_after, 3),
        lr=Number(learning_rate),
    )
    change = trace.loss_after - trace.loss
    if abs(change) < FLAT_CHANGE:
        said = [notice("backprop.notice_flat", **values)]
    elif change < 0:
        said = [notice("backprop.notice_down", **values)]
    else:
        said = [notice("backprop.notice_up", **values)]
    dz = float(trace.output.dz[0, 0])
    big = biggest_change(trace)
    said.append(
        notice(
            f"backprop.notice_sign_{'low' if dz < 0 else 'high'}",
            dz=Number(dz, 3),
            weight=weight_name(big),
            before=Number(big["before"], 3),
            after=Number(big["after"], 3),
            grad=Number(big["grad"], 3),
            lr=Number(learning_rate),
        )
    )
    hidden_mean, output_mean = gradient_sizes(trace)
    dead = np.flatnonzero(trace.hidden.z[0] <= 0)
    if activation == "relu" and dead.size:
        units = ", ".join(f"h{SUB[j + 1]}" for j in dead)
        said.append(notice("backprop.notice_dead", units=units))
    elif output_mean > 0 and hidden_mean < 0.5 * output_mean:
        ratio = Number(output_mean / hidden_mean, 2) if hidden_mean > 0 else "∞"
        act = notice(f"backprop.act_{activation}")
        said.append(notice("backprop.notice_hidden_small", ratio=ratio, act=act))
    else:
        said.append(
            notice(
                "backprop.notice_hidden_large",
                h=Number(hidden_mean, 3),
                o=Number(output_mean, 3),
            )
        )
    return said


def repeat_notices(run: TrainResult) -> list[Notice]:
    """What to notice about the same step repeated (one update per epoch): the loss fell
    below half its first value (learned), fell less (slow), or did not fall (too large a
    learning rate, with its worst value); and the update where the loss became infinite."""
    losses = run.history.get("loss", [])
    said = []
    if len(losses) >= 2:
        first, last = losses[0], losses[-1]
        values = dict(
            n=len(losses), l0=Number(first, 3), ln=Number(last, 3), peak=Number(max(losses), 3)
        )
        if last < 0.5 * first:
            said.append(notice("backprop.notice_repeat_learned", **values))
        elif last < first:
            said.append(notice("backprop.notice_repeat_slow", **values))
        else:
            said.append(notice("backprop.notice_repeat_worse", **values))
    if run.diverged:
        said.append(notice("backprop.notice_diverged", epoch=run.diverged["epoch"]))
    return said
