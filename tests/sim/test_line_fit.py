"""The data-built surface of lesson A9: loss and gradient against direct sums and finite
differences, the least-squares minimum, Keras batch counts, batch size n = full GD, the
Hessian and critical rates, the three-run comparison on one clock and its facts."""

import math

import numpy as np
import pytest

from sim.datasets import make_dataset
from sim.line_fit import (
    MAX_SAMPLE_UPDATES,
    LineFitLoss,
    budget_epochs,
    compare_batches,
    default_window,
    run_facts,
    run_minibatch,
    trajectories_frame,
)
from sim.nn.batching import epoch_order
from sim.optimizers import make_optimizer


@pytest.fixture
def data():
    return make_dataset("line", 50, noise=0.5, seed=3)


def test_loss_is_the_mse(data):
    x, y = data
    p = LineFitLoss(x, y)
    for w, b in [(0.0, 0.0), (1.5, -2.0), (-3.0, 4.0)]:
        assert p.f(w, b) == pytest.approx(np.mean((w * x[:, 0] + b - y) ** 2), rel=1e-12)
        idx = np.array([3, 7, 7, 20])
        assert p.f(w, b, idx) == pytest.approx(np.mean((w * x[idx, 0] + b - y[idx]) ** 2))


def test_gradient_matches_finite_differences(data):
    x, y = data
    p = LineFitLoss(x, y)
    rng = np.random.default_rng(0)
    h = 1e-6
    for idx in (None, np.array([1, 2, 30]), np.array([5])):
        for w, b in rng.uniform(-4, 4, size=(5, 2)):
            gw, gb = p.grad(w, b, idx)
            fw = (p.f(w + h, b, idx) - p.f(w - h, b, idx)) / (2 * h)
            fb = (p.f(w, b + h, idx) - p.f(w, b - h, idx)) / (2 * h)
            assert gw == pytest.approx(fw, rel=1e-6, abs=1e-8)
            assert gb == pytest.approx(fb, rel=1e-6, abs=1e-8)


def test_broadcasts_over_a_grid(data):
    p = LineFitLoss(*data)
    Z = p.grid((30, 20))
    assert Z.shape == (20, 30) and np.isfinite(Z).all()
    (w0, _), (b0, _) = p.bounds
    assert Z[0, 0] == pytest.approx(p.f(w0, b0))


def test_minimum_is_least_squares(data):
    x, y = data
    p = LineFitLoss(x, y)
    w, b = p.minimum
    ref = np.polyfit(x[:, 0], y, 1)
    assert (w, b) == pytest.approx(tuple(ref), rel=1e-9)
    assert np.allclose(p.grad(w, b), 0, atol=1e-10)
    assert abs(w - 2.0) < 0.3 and abs(b + 1.0) < 0.3  # the data set's true line


@pytest.mark.parametrize(
    ("n", "batch", "per_epoch"),
    [(100, 100, 1), (100, 10, 10), (100, 1, 100), (50, 32, 2), (7, 3, 3)],
)
def test_updates_per_epoch_like_keras(n, batch, per_epoch):
    x, y = make_dataset("line", n, seed=1)
    run = run_minibatch(x, y, batch, 2, make_optimizer("sgd", learning_rate=0.01), (0, 0), seed=4)
    assert run.updates_per_epoch == per_epoch == math.ceil(n / batch)
    assert run.steps == 2 * per_epoch
    sizes = np.diff(run.offsets)
    assert sizes[:per_epoch].sum() == n and sizes[per_epoch - 1] == n - (per_epoch - 1) * batch
    for e in range(2):  # each epoch visits every sample once, in epoch_order's shuffle
        seen = run.batch_index[e * n : (e + 1) * n]
        assert (seen == epoch_order(n, 4, e)).all()
    assert (run.epoch == np.repeat([0, 1], per_epoch)).all()


def test_full_batch_equals_gradient_descent(data):
    x, y = data
    p = LineFitLoss(x, y)
    opt = make_optimizer("sgd", learning_rate=0.1)
    run = run_minibatch(x, y, len(x), 20, opt, (-1.0, 3.0), seed=0)
    # the same rule stepped by hand on the full gradient
    params, state = np.array([-1.0, 3.0]), opt.init(np.zeros(2))
    for k in range(20):
        params, state = opt.update(params, np.array(p.grad(*params)), state)
        assert run.xy[k + 1] == pytest.approx(params, rel=1e-12)
    assert run.batch_loss == pytest.approx(run.loss[:-1])


def test_minibatch_is_noisy_but_arrives(data):
    x, y = data
    p = LineFitLoss(x, y)
    sgd = run_minibatch(x, y, 1, 10, make_optimizer("sgd", learning_rate=0.05), (-1, 3), seed=2)
    assert sgd.steps_to_reach(p, tolerance=0.5) >= 0
    # a batch gradient is a noisy estimate of the full one: it differs, the mean agrees
    full = np.array(p.grad(0.0, 0.0))
    each = np.array([p.grad(0.0, 0.0, [i]) for i in range(p.n)])
    assert each.mean(axis=0) == pytest.approx(full)
    assert each.std(axis=0).min() > 0.1


def test_divergence_is_frozen(data):
    x, y = data
    run = run_minibatch(x, y, 1, 5, make_optimizer("sgd", learning_rate=2.0), (-1, 3), seed=0)
    assert run.diverged_at is not None
    assert np.isfinite(run.xy).all() and np.isfinite(run.loss).all()
    assert len(run.to_frame()) == run.diverged_at
    assert run.steps_to_reach(LineFitLoss(x, y)) == -1


def test_budget_and_seed(data):
    x, y = data
    assert budget_epochs(200, 50) == MAX_SAMPLE_UPDATES // 200
    a = run_minibatch(x, y, 5, 3, "sgd", (0, 0), seed=7)
    b = run_minibatch(x, y, 5, 3, "sgd", (0, 0), seed=7)
    c = run_minibatch(x, y, 5, 3, "sgd", (0, 0), seed=8)
    assert (a.xy == b.xy).all() and not (a.xy == c.xy).all()
    # reuses the shared update rules: Adam's path differs from plain GD's
    d = run_minibatch(x, y, 5, 3, make_optimizer("adam", learning_rate=0.1), (0, 0), seed=7)
    assert not np.allclose(d.xy, a.xy)


def test_window_is_fixed_around_the_true_line(data):
    p = LineFitLoss(*data)
    assert p.bounds == default_window() == ((-2.0, 6.0), (-5.0, 3.0))
    (w0, w1), (b0, b1) = p.bounds
    assert w0 < p.minimum[0] < w1 and b0 < p.minimum[1] < b1
    assert w0 <= p.default_start[0] <= w1 and b0 <= p.default_start[1] <= b1
    assert p.minima[0].kind == "global" and p.minima[0].value == pytest.approx(p.min_value)


def test_hessian_and_critical_rates(data):
    x, y = data
    p = LineFitLoss(x, y)
    h = 1e-4
    for idx in (None, np.array([0, 4, 9]), np.array([7])):
        # the Hessian by finite differences of the analytic gradient
        gw1, gb1 = p.grad(0.3 + h, -0.2, idx)
        gw0, gb0 = p.grad(0.3 - h, -0.2, idx)
        fd_col = np.array([gw1 - gw0, gb1 - gb0]) / (2 * h)
        assert p.hessian(idx)[:, 0] == pytest.approx(fd_col, rel=1e-6)
        assert p.curvature(idx) == pytest.approx(np.linalg.eigvalsh(p.hessian(idx))[-1])
    # one sample's loss curves only along (x_i, 1): 2 (1 + x_i²), critical rate 1 / (1 + x_i²)
    xi = x[7, 0]
    assert p.curvature([7]) == pytest.approx(2 * (1 + xi * xi))
    assert p.critical_rate([7]) == pytest.approx(1 / (1 + xi * xi))
    # full-batch GD: below 2 / curvature it converges, above it the loss grows
    lr = p.critical_rate()
    below = run_minibatch(x, y, len(x), 40, make_optimizer("sgd", learning_rate=0.95 * lr), (0, 0))
    above = run_minibatch(x, y, len(x), 40, make_optimizer("sgd", learning_rate=1.05 * lr), (0, 0))
    assert below.loss[-1] < below.loss[0] and below.diverged_at is None
    assert above.loss[above.last_finite] > above.loss[0]


def test_comparison_shares_one_clock(data):
    x, y = data
    n = len(x)
    comp = compare_batches(x, y, 8, 4, 0.1, (-1.0, 2.0), seed=5)
    full, mini, sgd = (comp.runs[k] for k in ("full", "mini", "sgd"))
    assert (full.batch_size, mini.batch_size, sgd.batch_size) == (n, 8, 1)
    assert full.steps == 4 and mini.steps == 4 * math.ceil(n / 8) and sgd.steps == 4 * n
    assert comp.frames == mini.steps + 1
    # frame f: f mini-batches answered; SGD made one update per sample, batch GD one per epoch
    assert (comp.updates["mini"] == np.arange(comp.frames)).all()
    assert (comp.updates["sgd"] == comp.clock).all()
    assert (comp.updates["full"] == comp.clock // n).all()
    assert comp.clock[-1] == 4 * n
    # one seed: every run answers the same questions in the same order
    assert (sgd.batch_index == mini.batch_index).all()
    assert (full.batch_index == sgd.batch_index).all()
    f = 7
    assert comp.point("sgd", f) == tuple(sgd.xy[comp.clock[f]])
    assert comp.point("full", f) == tuple(full.xy[comp.clock[f] // n])


def test_facts_of_the_default_story():
    """100 questions, batches 100 / 10 / 1, lr 0.1, 10 epochs: batch GD still on its way,
    the mini-batch settles, SGD arrives first but keeps jittering."""
    x, y = make_dataset("line", 100, noise=0.5, seed=0)
    p = LineFitLoss(x, y)
    comp = compare_batches(x, y, 10, 10, 0.1, p.default_start, seed=0)
    full, mini, sgd = (run_facts(comp, k) for k in ("full", "mini", "sgd"))
    assert (full.per_epoch, mini.per_epoch, sgd.per_epoch) == (1, 10, 100)
    assert (full.updates, mini.updates, sgd.updates) == (10, 100, 1000)
    assert full.kind == "moving" and full.uphill == 0
    assert mini.kind == "settled" and sgd.kind == "jitter"
    assert 0 <= sgd.first_near_epoch < mini.first_near_epoch
    assert sgd.spread > mini.spread and sgd.uphill > mini.uphill > 0


def test_facts_when_sgd_diverges():
    x, y = make_dataset("line", 100, noise=0.5, seed=0)
    p = LineFitLoss(x, y)
    lr = 0.5
    assert lr < p.critical_rate()  # fine for the full batch
    comp = compare_batches(x, y, 10, 10, lr, p.default_start, seed=0)
    full, sgd = run_facts(comp, "full"), run_facts(comp, "sgd")
    assert full.kind == "settled"
    assert sgd.kind == "diverged" and sgd.diverged_at is not None
    assert lr * sgd.steepest > 2  # a batch too steep for this rate was met
    run = comp.runs["sgd"]
    assert sgd.steepest == pytest.approx(
        max(p.curvature(run.batch(k)) for k in range(run.diverged_at))
    )
    assert sgd.diverged_epoch == pytest.approx(run.offsets[run.diverged_at] / 100)


def test_facts_growing_and_no_noise():
    x, y = make_dataset("line", 100, noise=0.5, seed=0)
    p = LineFitLoss(x, y)
    comp = compare_batches(x, y, 10, 10, 1.1 * p.critical_rate(), p.default_start, seed=0)
    assert run_facts(comp, "full").kind in ("growing", "diverged")
    # no noise: every question agrees on the line, so SGD settles exactly there
    x, y = make_dataset("line", 100, noise=0.0, seed=0)
    comp = compare_batches(x, y, 10, 10, 0.1, LineFitLoss(x, y).default_start, seed=0)
    sgd = run_facts(comp, "sgd")
    assert sgd.kind == "settled" and sgd.final_distance < 1e-6
    assert comp.problem.minimum == pytest.approx((2.0, -1.0))


def test_trajectories_frame(data):
    x, y = data
    comp = compare_batches(x, y, 10, 3, 0.05, (0.0, 0.0), seed=1)
    df = trajectories_frame(comp)
    assert list(df.columns) == [
        "run",
        "batch_size",
        "update",
        "epoch",
        "samples_seen",
        "w",
        "b",
        "loss",
    ]
    assert df.groupby("run").size().to_dict() == {"full": 4, "mini": 16, "sgd": 151}
    assert np.isfinite(df[["w", "b", "loss"]].to_numpy()).all()
    sgd = df[df.run == "sgd"]
    assert sgd["epoch"].iloc[-1] == 3 and sgd["samples_seen"].iloc[-1] == 150
