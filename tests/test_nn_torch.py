"""Whole fit() runs against the same training written in PyTorch (float64, same batches).

Keras (and we) add Adam's epsilon after the bias correction, PyTorch before it, so Adam is
compared with a tiny epsilon on both sides; SGD with momentum agrees exactly. Skipped when
torch is not installed (it is not an app dependency).
"""

import numpy as np
import pytest

from sim.datasets import make_dataset
from sim.nn import BatchNormalization, Dense, Sequential
from sim.optimizers import make_optimizer

torch = pytest.importorskip("torch")

N, BATCH, EPOCHS = 100, 16, 3  # 7 updates per epoch, the last one of 4 samples
TINY = 1e-14


def _optimizers(name):
    if name == "momentum":
        return (
            make_optimizer("sgd", learning_rate=0.1, momentum=0.9),
            lambda p: torch.optim.SGD(p, lr=0.1, momentum=0.9),
        )
    return (
        make_optimizer("adam", learning_rate=0.01, epsilon=TINY),
        lambda p: torch.optim.Adam(p, lr=0.01, eps=TINY),
    )


def _torch_twin(model):
    """torch layers holding the same float64 weights (torch Linear stores kernel.T)."""
    modules = []
    for layer in model.layers:
        if isinstance(layer, Dense):
            lin = torch.nn.Linear(layer.input_dim, layer.units, dtype=torch.float64)
            with torch.no_grad():
                lin.weight.copy_(torch.from_numpy(layer.kernel.T.copy()))
                lin.bias.copy_(torch.from_numpy(layer.bias))
            modules.append(lin)
            act = layer.activation.name
            if act == "relu":
                modules.append(torch.nn.ReLU())
            elif act == "sigmoid":
                modules.append(torch.nn.Sigmoid())
            elif act == "tanh":
                modules.append(torch.nn.Tanh())
        else:  # BatchNormalization: Keras momentum 0.99 is torch momentum 0.01
            modules.append(
                torch.nn.BatchNorm1d(
                    layer.input_dim,
                    eps=layer.epsilon,
                    momentum=1 - layer.momentum,
                    dtype=torch.float64,
                )
            )
    return torch.nn.Sequential(*modules)


def _train_torch(net, make_opt, x, target, loss_fn):
    opt = make_opt(net.parameters())
    xt = torch.from_numpy(x)
    losses = []
    net.train()
    for _ in range(EPOCHS):
        total = 0.0
        for lo in range(0, len(x), BATCH):
            opt.zero_grad()
            loss = loss_fn(net(xt[lo : lo + BATCH]), target[lo : lo + BATCH])
            loss.backward()
            opt.step()
            total += loss.item() * len(xt[lo : lo + BATCH])
        losses.append(total / len(x))
    return losses


def _torch_weights(net):
    out = []
    for m in net:
        if isinstance(m, torch.nn.Linear):
            out += [m.weight.detach().numpy().T, m.bias.detach().numpy()]
        elif isinstance(m, torch.nn.BatchNorm1d):
            out += [m.weight.detach().numpy(), m.bias.detach().numpy(), m.running_mean.numpy()]
    return out


@pytest.mark.parametrize("opt_name", ["momentum", "adam"])
def test_binary_fit_matches_torch(opt_name):
    x, y = make_dataset("moons", N, noise=0.2, seed=4)
    ours_opt, torch_opt = _optimizers(opt_name)
    model = Sequential(
        [
            Dense(8, activation="relu", input_dim=2),
            Dense(8, activation="relu"),
            Dense(1, activation="sigmoid"),
        ],
        seed=1,
    )
    net = _torch_twin(model)
    model.compile(ours_opt, "binary_crossentropy")
    history = model.fit(x, y, batch_size=BATCH, epochs=EPOCHS, shuffle=False)
    losses = _train_torch(
        net, torch_opt, x, torch.from_numpy(y.astype(float)[:, None]), torch.nn.BCELoss()
    )
    np.testing.assert_allclose(history.history["loss"], losses, rtol=1e-8)
    for ours, theirs in zip(model.get_weights(), _torch_weights(net), strict=True):
        np.testing.assert_allclose(ours, theirs, rtol=1e-8, atol=1e-12)


def test_softmax_crossentropy_with_batchnorm_matches_torch():
    x, y = make_dataset("blobs", N, seed=2)
    ours_opt, torch_opt = _optimizers("momentum")
    model = Sequential(
        [
            Dense(8, activation="tanh", input_dim=2),
            BatchNormalization(),
            Dense(3, activation="softmax"),
        ],
        seed=3,
    )
    net = _torch_twin(model)  # ends with the last Linear: no softmax module is added
    model.compile(ours_opt, "sparse_categorical_crossentropy")
    history = model.fit(x, y, batch_size=BATCH, epochs=EPOCHS, shuffle=False)
    # torch's CrossEntropyLoss takes the logits: the last Linear without softmax
    losses = _train_torch(net, torch_opt, x, torch.from_numpy(y), torch.nn.CrossEntropyLoss())
    np.testing.assert_allclose(history.history["loss"], losses, rtol=1e-8)
    ours = [w for i, w in enumerate(model.get_weights()) if i != 5]  # torch's running_var
    for a, b in zip(ours, _torch_weights(net), strict=True):  # is unbiased: left out
        np.testing.assert_allclose(a, b, rtol=1e-8, atol=1e-12)
