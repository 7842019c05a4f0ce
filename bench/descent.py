"""Benchmark: 6 optimizers x 1000 steps x 64 starts on Rosenbrock, ours against torch.optim.

Both sides produce the same 64 paths: each step computes the gradient at every point,
applies one optimizer update and keeps the path. Torch runs in float64 on one thread, like
numpy here. Best of ``repeats`` rounds, the two sides taking turns. Two torch references are timed:

- ``autograd``: the loss written in torch and ``loss.backward()`` before ``opt.step()``, the
  way torch code computes gradients; the target ratio (<= 0.2) is against this one.
- ``analytic``: our closed-form gradient written in torch ops and assigned to ``.grad``, so
  only ``torch.optim`` and tensor overhead remain (printed for transparency).
Usage: ``python -m bench.descent``.
"""

from __future__ import annotations

import time

import numpy as np

from sim import descent
from sim.optimizers import make_optimizer
from sim.surfaces import get_surface

STEPS, STARTS = 1000, 64
SETTINGS = {
    "sgd": {"learning_rate": 1e-4},
    "momentum": {"learning_rate": 1e-4, "momentum": 0.9},
    "nesterov": {"learning_rate": 1e-4, "momentum": 0.9, "nesterov": True},
    "adagrad": {"learning_rate": 0.05},
    "rmsprop": {"learning_rate": 0.005},
    "adam": {"learning_rate": 0.01},
}


def _starts():
    return np.random.default_rng(0).uniform([-2, -1], [2, 3], size=(STARTS, 2))


def _best_interleaved(fns: dict, repeats: int) -> dict:
    """Best time of each function over ``repeats`` rounds, the functions taking turns within
    a round, so a slow spell of a shared machine hits both sides alike."""
    best = {name: float("inf") for name in fns}
    for _ in range(repeats):
        for name, fn in fns.items():
            t0 = time.perf_counter()
            fn()
            best[name] = min(best[name], time.perf_counter() - t0)
    return best


def ours() -> None:
    surface = get_surface("rosenbrock")
    starts = _starts()
    for name, kw in SETTINGS.items():
        base = "sgd" if name in ("momentum", "nesterov") else name
        descent.run(surface, make_optimizer(base, **kw), starts, STEPS)


def torch_reference(autograd: bool = True) -> None:
    import torch

    starts = torch.tensor(_starts(), dtype=torch.float64)
    for name, kw in SETTINGS.items():
        w = starts.clone().requires_grad_(False)
        w = torch.nn.Parameter(w)
        lr = kw["learning_rate"]
        if name in ("sgd", "momentum", "nesterov"):
            opt = torch.optim.SGD(
                [w], lr=lr, momentum=kw.get("momentum", 0.0), nesterov=kw.get("nesterov", False)
            )
        elif name == "adagrad":
            opt = torch.optim.Adagrad([w], lr=lr, initial_accumulator_value=0.1, eps=1e-7)
        elif name == "rmsprop":
            opt = torch.optim.RMSprop([w], lr=lr, alpha=0.9, eps=1e-7)
        else:
            opt = torch.optim.Adam([w], lr=lr, eps=1e-7)
        path = torch.empty((STEPS + 1, STARTS, 2), dtype=torch.float64)
        path[0] = w.detach()
        for k in range(STEPS):
            if autograd:
                opt.zero_grad()
                x, y = w[:, 0], w[:, 1]
                ((1 - x) ** 2 + 100 * (y - x * x) ** 2).sum().backward()
            else:
                with torch.no_grad():
                    x, y = w[:, 0], w[:, 1]
                    r = y - x * x
                    w.grad = torch.stack((-2 * (1 - x) - 400 * x * r, 200 * r), dim=1)
            opt.step()
            with torch.no_grad():
                path[k + 1] = w


def bench_descent(repeats: int = 5) -> dict:
    import torch

    torch.set_num_threads(1)
    best = _best_interleaved(
        {
            "ours": ours,
            "torch": torch_reference,
            "analytic": lambda: torch_reference(autograd=False),
        },
        repeats,
    )
    return {
        "ours_s": best["ours"],
        "torch_s": best["torch"],
        "ratio": best["ours"] / best["torch"],
        "torch_analytic_s": best["analytic"],
        "ratio_analytic": best["ours"] / best["analytic"],
    }


if __name__ == "__main__":
    result = bench_descent()
    print(
        f"descent 6 optimizers x {STEPS} steps x {STARTS} starts: ours {result['ours_s']:.3f} s, "
        f"torch.optim+autograd {result['torch_s']:.3f} s, ratio {result['ratio']:.3f} "
        f"(target <= 0.2); torch.optim+analytic gradients {result['torch_analytic_s']:.3f} s, "
        f"ratio {result['ratio_analytic']:.3f}"
    )
