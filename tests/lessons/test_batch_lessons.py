"""lessons.batches: the answer sheet agrees with the trained weights, the mock-exam grid
is fit's own batching, the sweep is bounded, the curve noise and memory follow their
formulas."""

import math

import numpy as np
import pytest

from lessons import batches
from sim import caps
from sim.datasets import make_dataset
from sim.nn.batching import epoch_order
from sim.training import NetSpec, build_model

SPEC = NetSpec(hidden=(8,))


@pytest.fixture(scope="module")
def run():
    x, y = make_dataset("moons", 60, noise=0.2, seed=3)
    return (
        x,
        y,
        batches.train_with_answers(
            x, y, SPEC, "binary", 2, batch_size=8, epochs=6, seed=3, grid_cells=None
        ),
    )


def test_answer_sheet_matches_the_final_weights(run):
    x, y, answered = run
    assert answered.wrong.shape == (7, 60)  # before training + 6 epochs
    model = build_model(SPEC, 2, "binary", 2, seed=3)
    model.set_weights(answered.result.weights)
    assert np.array_equal(answered.wrong[-1], batches.misses(model.predict(x), y, "binary"))
    untrained = build_model(SPEC, 2, "binary", 2, seed=3)
    assert np.array_equal(answered.wrong[0], batches.misses(untrained.predict(x), y, "binary"))
    assert answered.counts == [int(row.sum()) for row in answered.wrong]


def test_misses_per_task():
    y = np.array([0, 1, 1])
    assert batches.misses(np.array([[0.2], [0.7], [0.4]]), y, "binary").tolist() == [0, 0, 1]
    probs = np.array([[0.8, 0.1, 0.1], [0.1, 0.1, 0.8], [0.3, 0.6, 0.1]])
    assert batches.misses(probs, np.array([0, 1, 1]), "multiclass").tolist() == [0, 1, 0]
    assert batches.misses(np.array([1.0, 2.0]), np.array([1.1, 3.0]), "regression").tolist() == [
        0,
        1,
    ]


def test_exam_grid_is_fits_batching():
    n, bs, seed = 100, 10, 5
    for epoch in (0, 3):
        grid = batches.exam_grid(n, bs, epoch, seed, np.zeros(n, bool))
        order = epoch_order(n, seed, epoch)
        # the k-th question answered in the epoch falls in batch k // bs + 1
        assert grid["batch"].to_numpy()[order].tolist() == [k // bs + 1 for k in range(n)]
        assert grid["batch"].value_counts().tolist() == [bs] * 10
    a = batches.exam_grid(n, bs, 0, seed, np.zeros(n, bool))["batch"]
    b = batches.exam_grid(n, bs, 1, seed, np.zeros(n, bool))["batch"]
    assert not a.equals(b)  # reshuffled each epoch
    big = batches.exam_grid(2000, 200, 0, 0, np.zeros(2000, bool))
    assert len(big) == batches.GRID_MAX and big["col"].max() == 19


def test_epochs_for_updates_bounds_the_run():
    assert batches.epochs_for_updates(30, 100, 10) == 30
    assert batches.epochs_for_updates(30, 1000, 1) == batches.MAX_UPDATES // 1000
    assert batches.epochs_for_updates(300, 2000, 2000) == caps.MAX_SAMPLE_EPOCHS // 2000
    assert batches.epochs_for_updates(5, 10**6, 1) == 1


@pytest.mark.parametrize(
    ("counts", "kind"),
    [
        ([70, 15, 12, 11, 10, 9, 9, 8, 8], "fast_then_slow"),
        ([70, 66, 60, 52, 45, 38, 30, 22, 15], "steady"),
        ([70, 20, 15, 40, 45, 50, 48, 50, 45], "bumpy"),
        ([70, 10, 3, 0, 0, 0, 0, 0, 0], "perfect_early"),
        ([50, 52, 51, 50, 55], "no_progress"),
        ([50], "no_progress"),
    ],
)
def test_describe_fall_branches(counts, kind):
    fall = batches.describe_fall(counts)
    assert fall.kind == kind
    assert fall.early_drop + fall.late_drop == counts[0] - counts[-1]
    assert fall.best == min(counts)


def test_sweep_sizes_and_epochs():
    assert batches.sweep_sizes(200) == (1, 8, 32, 128, 200)
    assert batches.sweep_sizes(20) == (1, 8, 20)
    assert batches.sweep_sizes(1) == (1,)
    assert len(batches.sweep_sizes(10**4, range(1, 50))) == caps.MAX_SWEEP
    assert batches.sweep_epochs(20, 200, (1, 8, 200)) == 20
    assert batches.sweep_epochs(60, 600, (1, 8, 600)) == batches.MAX_UPDATES // 600


def test_curve_noise_formula():
    assert batches.curve_noise([1.0] * 30) == 0.0
    assert batches.curve_noise(np.linspace(3, 1, 50)) == pytest.approx(0.0, abs=1e-12)  # a line
    # alternating 1, 2: each value sits 2/3 from the mean of itself and its two neighbours
    assert batches.curve_noise([1.0, 2.0] * 20, window=3) == pytest.approx(2 / 3)
    assert batches.curve_noise([1.0, 2.0]) == 0.0
    rng = np.random.default_rng(0)
    assert batches.curve_noise(rng.normal(0, 1, 5000)) == pytest.approx(math.sqrt(8 / 9), rel=0.05)


def test_memory_grows_with_the_batch_only_in_activations():
    small = batches.memory_bytes(SPEC, 2, "binary", 2, 1)
    large = batches.memory_bytes(SPEC, 2, "binary", 2, 101)
    assert large["parameters"] == small["parameters"]
    assert large["optimizer_state"] == small["optimizer_state"]
    assert large["activations"] == 101 * small["activations"]
    assert large["total"] > small["total"]


def test_cost_rows_count_the_updates(run):
    x, _, answered = run
    table = batches.cost_rows({8: answered.result}, SPEC, 2, "binary", 2, len(x))
    row = table.iloc[0]
    assert row["updates_per_epoch"] == math.ceil(60 / 8)
    assert row["updates"] == 6 * math.ceil(60 / 8) == len(answered.result.batch_losses)
    assert row["final_loss"] == answered.result.history["loss"][-1]


def test_thin_keeps_ends():
    idx, _ = batches.thin(np.arange(10.0), 4)
    assert idx[0] == 1 and idx[-1] == 10 and len(idx) <= 4
    assert batches.thin([1.0, 2.0], 5)[0].tolist() == [1, 2]
