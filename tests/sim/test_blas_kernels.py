"""The lessons' network verdicts do not depend on the CPU's BLAS kernel: a few lesson
scenarios run in subprocesses under two OpenBLAS kernels (Sandybridge has no FMA, so its
rounding differs most from Haswell's) and must reach the same verdicts with the same
numbers. ``python -m bench.verdicts`` checks every lesson under every kernel and thread
count; this keeps the ones that were chaotic so (seconds, not minutes)."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = r"""
import json
from lessons import fit_regions
from lessons import remedies
from lessons import early_stopping
from sim.datasets import make_dataset, train_val_test_split
from sim.training import NetSpec, train

out = {}
# the remedies lesson with batch normalization: seed 1 flipped with the kernel (70% / 86%)
for seed in (1, 11):
    x, y = make_dataset("moons", 100, noise=0.3, seed=seed)
    xt, yt, xv, yv = early_stopping.validation_tail(x, y, 0.5)
    scores = {}
    for v in remedies.variants((64, 64), batchnorm=True):
        r = train(x, y, v.spec, "binary", 2, learning_rate=0.01,
                  batch_size=remedies.even_batch(len(xt)), epochs=100, validation_split=0.5,
                  seed=seed, grid_cells=None, track={"train": (xt, yt), "val": (xv, yv)})
        scores[v.key] = remedies.score(r, v.spec)
    v = remedies.verdict(scores)
    out[f"remedies seed {seed}"] = {
        "verdict": [v.kind, v.narrowest, v.best_val, v.better_val, list(v.too_strong)],
        "numbers": [s.val_accuracy for s in scores.values()] + [s.gap for s in scores.values()],
    }
# the overfitting lesson's default (64 x 2 units, 150 epochs)
x, y = make_dataset("moons", 100, noise=0.3, seed=0)
p = train_val_test_split(x, y, 0.3, 0.0, seed=0)
r = train(p["x_train"], p["y_train"], NetSpec(hidden=(64, 64)), "binary", 2,
          learning_rate=0.005, batch_size=16, epochs=150,
          validation_data=(p["x_val"], p["y_val"]), seed=0, grid_cells=None)
h = r.history
fr = fit_regions.regions(h["loss"], h["val_loss"], h["accuracy"],
                         fit_regions.chance_loss(p["y_train"], "binary"))
out["curves default"] = {
    "verdict": [fr.outcome, fr.best, fr.overfit_start],
    "numbers": [fr.val_end, fr.train_end, fr.val_best],
}
print(json.dumps(out))
"""


def run_under(kernel: str) -> dict:
    env = {**os.environ, "OPENBLAS_CORETYPE": kernel, "OPENBLAS_NUM_THREADS": "1"}
    env["PYTHONPATH"] = str(ROOT)
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.splitlines()[-1])


def test_same_verdicts_under_two_blas_kernels():
    haswell, sandybridge = run_under("Haswell"), run_under("Sandybridge")
    assert haswell.keys() == sandybridge.keys()
    for name in haswell:
        assert haswell[name]["verdict"] == sandybridge[name]["verdict"], name
        assert haswell[name]["numbers"] == pytest.approx(sandybridge[name]["numbers"], abs=1e-6)
    # the scenarios the lessons' tests rely on, with their verdicts
    assert haswell["remedies seed 11"]["verdict"][4] == ["batchnorm"]
    assert haswell["curves default"]["verdict"][0] == "overfit"
