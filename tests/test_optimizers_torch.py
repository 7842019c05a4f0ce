"""The update rules against PyTorch's torch.optim over hundreds of steps.

PyTorch adds epsilon at a slightly different place for the adaptive rules, so those are
compared with a tiny epsilon on both sides; momentum and Nesterov agree exactly.
Skipped when torch is not installed (it is not an app dependency).
"""

import numpy as np
import pytest

from sim.optimizers import make_optimizer

torch = pytest.importorskip("torch")
STEPS = 300


def _pair(name):
    tiny = 1e-12
    if name == "sgd":
        return make_optimizer("sgd", learning_rate=0.02), lambda p: torch.optim.SGD(p, lr=0.02)
    if name == "momentum":
        return (
            make_optimizer("momentum", learning_rate=0.02),
            lambda p: torch.optim.SGD(p, lr=0.02, momentum=0.9),
        )
    if name == "nesterov":
        return (
            make_optimizer("nesterov", learning_rate=0.02),
            lambda p: torch.optim.SGD(p, lr=0.02, momentum=0.9, nesterov=True),
        )
    if name == "adagrad":
        return (
            make_optimizer(
                "adagrad", learning_rate=0.05, initial_accumulator_value=0.1, epsilon=tiny
            ),
            lambda p: torch.optim.Adagrad(p, lr=0.05, initial_accumulator_value=0.1, eps=tiny),
        )
    if name == "rmsprop":
        return (
            make_optimizer("rmsprop", learning_rate=0.01, rho=0.9, epsilon=tiny),
            lambda p: torch.optim.RMSprop(p, lr=0.01, alpha=0.9, eps=tiny),
        )
    return (
        make_optimizer("adam", learning_rate=0.01, epsilon=tiny),
        lambda p: torch.optim.Adam(p, lr=0.01, eps=tiny),
    )


@pytest.mark.parametrize("name", ["sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adam"])
def test_same_steps_as_torch(name):
    rng = np.random.default_rng(3)
    grads = rng.normal(size=(STEPS, 8, 2))
    p0 = rng.normal(size=(8, 2))
    ours, make_torch = _pair(name)
    weight = torch.tensor(p0, dtype=torch.float64, requires_grad=True)
    opt = make_torch([weight])
    p, state = p0.copy(), ours.init(p0)
    for g in grads:
        p, state = ours.update(p, g, state)
        weight.grad = torch.tensor(g, dtype=torch.float64)
        opt.step()
    np.testing.assert_allclose(p, weight.detach().numpy(), rtol=1e-6, atol=1e-9)


def test_rosenbrock_descent_matches_torch_autograd():
    """A whole descent run on Rosenbrock, gradients from torch autograd on the torch side."""
    from sim import descent
    from sim.surfaces import get_surface

    surface = get_surface("rosenbrock")
    traj = descent.run(surface, make_optimizer("momentum", learning_rate=1e-3), (-1.5, 2.5), 400)
    w = torch.tensor([-1.5, 2.5], dtype=torch.float64, requires_grad=True)
    opt = torch.optim.SGD([w], lr=1e-3, momentum=0.9)
    for _ in range(400):
        opt.zero_grad()
        loss = (1 - w[0]) ** 2 + 100 * (w[1] - w[0] ** 2) ** 2
        loss.backward()
        opt.step()
    np.testing.assert_allclose(traj.xy[-1], w.detach().numpy(), rtol=1e-9)
