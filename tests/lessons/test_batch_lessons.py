"""lessons.batches: the answer sheet agrees with the trained weights, the mock-exam grid
is fit's own batching, the sweep is bounded, the curve noise and memory follow their
formulas."""

import math

import numpy as np
import pytest

from lessons import batches
from lessons.notices import Number, keys, notice
from sim import caps
from sim.datasets import make_dataset
from sim.nn.batching import epoch_order
from sim.training import NetSpec, build_model
from ui.page import words
from ui.text import Translator

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


# --- the fit() lesson's notices -------------------------------------------------------------

FIT_SPEC = NetSpec(hidden=(16, 16))


def fit_run(n=100, noise=0.2, batch=10, epochs=30, lr=0.01, seed=0):
    """The fit() page's run: moons, Adam, the epochs cut to ``MAX_UPDATES`` updates."""
    x, y = make_dataset("moons", n, noise=noise, seed=seed)
    run_epochs = batches.epochs_for_updates(epochs, n, batch)
    return batches.train_with_answers(
        x,
        y,
        FIT_SPEC,
        "binary",
        2,
        learning_rate=lr,
        batch_size=batch,
        epochs=run_epochs,
        seed=seed,
        grid_cells=None,
    )


@pytest.fixture(scope="module")
def default_fit():
    return fit_run()


def test_fit_notices_default_run_falls_fast_then_slow(default_fit):
    said = batches.fit_notices(100, 10, 0.01, default_fit)
    assert keys(said) == ["fit.notice_updates", "fit.notice_fast_then_slow", "fit.notice_loss"]
    updates, fall_said, loss_said = said
    assert updates["per_epoch"] == math.ceil(100 / 10) == default_fit.result.updates_per_epoch
    assert updates["total"] == len(default_fit.result.batch_losses) == 300
    assert updates["epochs"] == 30
    fall = batches.describe_fall(default_fit.counts)
    counts = default_fit.counts
    assert fall_said["start"] == counts[0] and fall_said["end"] == counts[-1]
    assert fall_said["at_split"] == counts[fall.split_epoch]
    assert fall_said["early"] == counts[0] - counts[fall.split_epoch] > fall_said["late"]
    assert fall_said["rest"] == 30 - fall.split_epoch
    loss = default_fit.result.history["loss"]
    assert loss_said["first"] == Number(loss[0], 3) and loss_said["last"] == Number(loss[-1], 3)
    text = words(Translator("en"), fall_said)
    assert f"ending at **{counts[-1]}** of 100" in text


@pytest.mark.parametrize(
    ("kwargs", "kind"),
    [({"lr": 3.0}, "bumpy"), ({"lr": 0.0003}, "steady"), ({"noise": 0.0}, "perfect_early")],
)
def test_fit_notices_other_falls(kwargs, kind):
    run = fit_run(**kwargs)
    lr = kwargs.get("lr", 0.01)
    said = batches.fit_notices(100, 10, lr, run)
    fall = batches.describe_fall(run.counts)
    assert said[1].key == f"fit.notice_{kind}" == f"fit.notice_{fall.kind}"
    assert said[1]["best"] == min(run.counts) and said[1]["best_epoch"] == fall.best_epoch
    assert said[1]["lr"] == Number(lr)
    if kind == "bumpy":
        assert said[1]["end"] - said[1]["best"] > max(2, 0.1 * said[1]["start"])
    if kind == "perfect_early":
        loss = run.result.history["loss"]
        assert run.counts[fall.best_epoch] == 0 == run.counts[-1]
        assert said[1]["loss_best"] == Number(loss[fall.best_epoch - 1], 3)
        assert said[1]["loss_end"] == Number(loss[-1], 3)
        text = words(Translator("en"), said[1])
        assert "answered all 100 questions correctly" in text and " → " in text


def test_fit_notices_no_progress_and_one_batch():
    run = fit_run(batch=100, epochs=1, lr=0.0003)
    said = batches.fit_notices(100, 100, 0.0003, run)
    # one epoch: no loss line (Keras printed one loss only)
    assert keys(said) == ["fit.notice_one_batch", "fit.notice_no_progress"]
    assert said[0]["total"] == len(run.result.batch_losses) == 1
    assert said[1]["start"] == run.counts[0] <= said[1]["end"] == run.counts[-1]
    text = words(Translator("ko"), said[0])
    assert "에포크 전체가 배치 하나입니다" in text and "**1**번" in text


def test_fit_notices_say_where_a_run_diverged():
    x, y = make_dataset("sine", 100, noise=0.1, seed=0)
    run = batches.train_with_answers(
        x,
        y,
        FIT_SPEC,
        "regression",
        None,
        optimizer="sgd",
        learning_rate=1000.0,
        batch_size=10,
        epochs=8,
        seed=0,
        grid_cells=None,
    )
    assert run.result.diverged
    said = batches.fit_notices(100, 10, 1000.0, run)
    assert said[-1] == notice("fit.notice_diverged", epoch=run.result.diverged["epoch"])
    assert said[-2]["epochs"] == len(run.result.epochs) == len(run.counts) - 1


def test_epochs_capped_only_when_cut():
    capped = batches.epochs_for_updates(30, 1000, 1)
    assert capped == batches.MAX_UPDATES // 1000
    (said,) = batches.epochs_capped(30, 1000, 1, capped)
    assert said == notice(
        "fit.epochs_capped", requested=30, per_epoch=1000, cap=batches.MAX_UPDATES, epochs=capped
    )
    assert batches.epochs_capped(30, 100, 10, 30) == []


def test_frame_lines_follow_the_counts(default_fit):
    counts = default_fit.counts
    lines = batches.frame_lines(100, 10, counts)
    assert len(lines) == 31 and lines[0] == notice(
        "fit.frame_start", wrong=counts[0], n=100, batches=10
    )
    assert all(line.key == "fit.frame_epoch" for line in lines[1:])
    assert [line["wrong"] for line in lines[1:]] == counts[1:]
    text = words(Translator("en"), lines[12])
    assert text.startswith("Round (epoch) 12 of 30: ") and "in 10 batches of 10" in text
    # 100 questions in batches of 32: 4 batches, the last one of 100 - 3 * 32 = 4
    partial = batches.frame_lines(100, 32, [5, 4])
    assert partial[1].key == "fit.frame_epoch_partial"
    assert partial[1]["batches"] == 4 and partial[1]["last"] == 4
    ko = words(Translator("ko"), batches.frame_lines(100, 25, [70, 60, 50, 40])[3])
    assert ko.startswith("3회 중 3회차(에포크): 문항을 섞은 뒤 25문항씩 4개 배치로 풀었습니다(색")


def test_calculator_follows_its_formula(default_fit):
    calc = batches.Calculation(2001, 200, 3)
    assert calc.iterations == math.ceil(2001 / 200) == 11
    assert calc.total == 33 and calc.last == 2001 - 10 * 200 == 1
    assert calc.formula() == notice(
        "fit.calc_formula", n=2001, batch=200, iterations=11, epochs=3, total=33
    )
    assert calc.partial() == [notice("fit.calc_partial", last=1, n=2001, batch=200)]
    assert batches.Calculation(2000, 200, 10).partial() == []
    said = batches.run_count(100, 10, default_fit.result)
    assert said == notice(
        "fit.calc_run", n=100, batch=10, iterations=10, engine=10, recorded=300, epochs=30
    )
    mismatch = batches.run_count(100, 7, default_fit.result)
    assert mismatch == notice("fit.calc_run_mismatch", iterations=15, engine=10)
