"""Training speed: sim.nn against PyTorch on the same small job, in one run.

Job: a 2-16-16-1 network (relu, relu, sigmoid), binary cross-entropy, Adam (lr 0.001),
1000 moons points, batch 32 (32 updates per epoch, the last one of 8), 20 epochs, shuffled
every epoch, epoch loss accumulated as Keras reports it. Best of 3 wall times each.

Fairness: PyTorch runs on one thread (``torch.set_num_threads(1)``; numpy's matmuls on
these sizes are single-threaded too) in its default float32, with a plain index-slicing
loop (no DataLoader, which would only add overhead) and its default Adam. sim.nn runs in
float64. At this size both are dominated by per-operation overhead, not arithmetic.

``bench_training()`` returns a dict; importing this module runs nothing.
"""

from __future__ import annotations

import time

N, BATCH, EPOCHS, REPEATS = 1000, 32, 20, 3


def _data():
    from sim.datasets import make_dataset

    return make_dataset("moons", N, seed=0)


def _time_ours(x, y) -> float:
    from sim.nn import Dense, Sequential

    model = Sequential(
        [
            Dense(16, activation="relu", input_dim=2),
            Dense(16, activation="relu"),
            Dense(1, activation="sigmoid"),
        ],
        seed=0,
    )
    model.compile(optimizer="adam", loss="binary_crossentropy")
    start = time.perf_counter()
    model.fit(x, y, batch_size=BATCH, epochs=EPOCHS, seed=0)
    return time.perf_counter() - start


def _time_torch(torch, x, y) -> float:
    torch.manual_seed(0)
    xt = torch.tensor(x, dtype=torch.float32)
    yt = torch.tensor(y, dtype=torch.float32).reshape(-1, 1)
    net = torch.nn.Sequential(
        torch.nn.Linear(2, 16),
        torch.nn.ReLU(),
        torch.nn.Linear(16, 16),
        torch.nn.ReLU(),
        torch.nn.Linear(16, 1),
        torch.nn.Sigmoid(),
    )
    opt = torch.optim.Adam(net.parameters(), lr=1e-3, eps=1e-7)
    loss_fn = torch.nn.BCELoss()
    start = time.perf_counter()
    for _ in range(EPOCHS):
        perm = torch.randperm(N)
        total = 0.0
        for lo in range(0, N, BATCH):
            idx = perm[lo : lo + BATCH]
            opt.zero_grad()
            loss = loss_fn(net(xt[idx]), yt[idx])
            loss.backward()
            opt.step()
            total += loss.item() * len(idx)
    return time.perf_counter() - start


def bench_training() -> dict:
    """Best-of-3 seconds for sim.nn and PyTorch and their ratio (ours / torch).

    The repeats alternate (ours, torch, ours, torch, ...) so that a slow spell of a shared
    machine hits both sides alike."""
    x, y = _data()
    out = {
        "job": f"2-16-16-1 relu/relu/sigmoid, BCE, adam, n={N}, batch={BATCH}, epochs={EPOCHS}",
        "ours_dtype": "float64",
        "updates": EPOCHS * -(-N // BATCH),
    }
    try:
        import torch
    except ImportError:
        ours = min(_time_ours(x, y) for _ in range(REPEATS))
        out.update(ours_seconds=ours, torch_seconds=None, ratio=None, note="torch not installed")
        return out
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    ours, theirs = [], []
    try:
        for _ in range(REPEATS):
            ours.append(_time_ours(x, y))
            theirs.append(_time_torch(torch, x, y))
    finally:
        torch.set_num_threads(threads)
    out.update(
        ours_seconds=min(ours),
        torch_seconds=min(theirs),
        torch_dtype="float32",
        torch_threads=1,
        ratio=min(ours) / min(theirs),
        us_per_update_ours=1e6 * min(ours) / out["updates"],
        us_per_update_torch=1e6 * min(theirs) / out["updates"],
    )
    return out


def main() -> None:
    r = bench_training()
    print(f"training: {r['job']}")
    print(f"  sim.nn ({r['ours_dtype']}):  {r['ours_seconds']:.4f} s")
    if r.get("ratio") is None:
        print(f"  torch: {r.get('note')}")
        return
    print(f"  torch ({r['torch_dtype']}, 1 thread): {r['torch_seconds']:.4f} s")
    print(
        f"  ratio ours/torch: {r['ratio']:.3f}  "
        f"({r['us_per_update_ours']:.0f} vs {r['us_per_update_torch']:.0f} us per update)"
    )


if __name__ == "__main__":
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    main()
