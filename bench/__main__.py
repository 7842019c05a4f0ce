"""All benchmarks in one run: ``python -m bench`` (needs torch and Debian's chromium).

Prints the descent and training ratios against PyTorch (left out, saying so, where torch is
not installed), the time to first chart of every page in Chromium, and for every animation
player the frames painted per second while playing, the server's CPU and the bytes it
sends meanwhile. ``--load`` adds the load test (20 concurrent browser sessions, a few
minutes; ``--client protocol``: websocket visitors without a browser, which time the
server's share, see bench/load.py). ``--lessons`` limits the browser benchmark to some
lessons (URL paths).
"""

from __future__ import annotations

import argparse
import os

os.environ.setdefault("OMP_NUM_THREADS", "1")  # numpy and torch on one thread each

from bench import browser, descent, load, training


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--load", action="store_true", help="also run the load test")
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument(
        "--client",
        choices=("browser", "protocol"),
        default="browser",
        help="the load test's visitors (its report names them)",
    )
    parser.add_argument("--lessons", nargs="*", default=(), help="URL paths (default: all)")
    args = parser.parse_args()

    try:
        import torch  # noqa: F401 -- the reference the ratios are taken against
    except ImportError:
        print("descent, training: torch is not installed here, no ratios against PyTorch")
    else:
        torch_ratios()
    print(browser.report(browser.bench_browser(tuple(args.lessons))))
    if args.load:
        print(load.report(load.run_load(sessions=args.sessions, client=args.client)))


def torch_ratios() -> None:
    d = descent.bench_descent()
    print(
        f"descent  (6 optimizers x 1000 steps x 64 starts): ours {d['ours_s']:.3f} s, "
        f"torch.optim+autograd {d['torch_s']:.3f} s -> ratio {d['ratio']:.3f} (target <= 0.2); "
        f"vs torch.optim fed analytic gradients {d['ratio_analytic']:.3f}"
    )
    t = training.bench_training()
    print(
        f"training (2-16-16-1, 1000 moons, batch 32, 20 epochs): ours {t['ours_seconds']:.3f} s, "
        f"torch {t['torch_seconds']:.3f} s -> ratio {t['ratio']:.3f} (target <= 0.35)"
    )


if __name__ == "__main__":
    main()
