"""lessons.batches: the answer sheet agrees with the trained weights, the mock-exam grid
is fit's own batching, the sweep is bounded, the curve noise and memory follow their
formulas."""

import math

import numpy as np
import pytest
from page_runs import batch_sweep, fit_run

from lessons import batches
from lessons.notices import Number, keys, notice
from sim import caps
from sim.datasets import make_dataset
from sim.nn.batching import epoch_order
from sim.training import NetSpec, build_model, train
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
    # a diverging run's losses square past a float: no noise figure, never inf in the table
    assert math.isnan(batches.curve_noise(np.geomspace(1.0, 1e300, 40)))


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


# --- the batch-size lesson's notices --------------------------------------------------------


def sweep(n=200, epochs=20, lr=0.01):
    """The batch-size page's sweep: the epochs every run trains, one run per
    ``sweep_sizes(n)`` and their cost table."""
    _, run_epochs, runs = batch_sweep(n, epochs, lr)
    return run_epochs, runs, batches.cost_rows(runs, FIT_SPEC, 2, "binary", 2, n)


@pytest.fixture(scope="module")
def default_sweep():
    return sweep()


def test_sweep_notices_small_batch_wins(default_sweep):
    epochs, runs, table = default_sweep
    said = batches.sweep_notices(table, epochs, 0.01)
    assert keys(said) == [
        "batch.notice_speed",
        "batch.notice_small_wins",
        "batch.notice_noise",
        "batch.notice_memory",
    ]
    speed, wins, noise, memory = said
    assert speed["small"] == 1 and speed["big"] == 200
    assert speed["small_updates"] == 200 and speed["big_updates"] == 1
    assert speed["small_ms"] == Number(1000 * np.median(runs[1].epoch_times), 3)
    losses = {size: run.history["loss"][-1] for size, run in runs.items()}
    best = min(losses, key=losses.get)
    assert wins["best"] == best != 200 and wins["epochs"] == epochs == 20
    assert wins["best_loss"] == Number(losses[best], 3)
    assert wins["full_loss"] == Number(losses[200], 3)
    assert noise["small_noise"] == Number(batches.curve_noise(runs[1].batch_losses), 3)
    assert noise["big_noise"] == Number(batches.curve_noise(runs[200].batch_losses), 3)
    assert noise["small_noise"].value > 10 * noise["big_noise"].value
    mem = {size: batches.memory_bytes(FIT_SPEC, 2, "binary", 2, size) for size in (1, 200)}
    assert memory["small_kb"] == Number(mem[1]["total"] / 1024, 3)
    assert memory["big_kb"] == Number(mem[200]["total"] / 1024, 3)
    assert memory["act_kb"] == Number(mem[200]["activations"] / 1024, 3)
    text = words(Translator("en"), wins)
    assert f"batch size **{best}** reached the lowest training loss" in text


def test_sweep_notices_big_batch_wins_and_a_middle_one_is_as_good():
    epochs, runs, table = sweep(epochs=60, lr=0.1)
    said = batches.sweep_notices(table, epochs, 0.1)
    assert keys(said)[1:3] == ["batch.notice_big_wins", "batch.notice_middle"]
    losses = {size: run.history["loss"][-1] for size, run in runs.items()}
    assert min(losses, key=losses.get) == 200 == said[1]["best"]
    assert said[1]["small_loss"] == Number(losses[1], 3) and said[1]["lr"] == Number(0.1)
    middle = said[2]
    mid = middle["mid"]
    assert 8 < mid < 200 and losses[mid] - losses[200] <= batches.MIDDLE_GAP
    assert middle["mid_loss"] == Number(losses[mid], 3)
    assert middle["mid_ms"].value < middle["small_ms"].value
    # the same losses, but the middle batch size no faster than batch 1: no middle notice
    slow = table.copy()
    slow.loc[slow["batch_size"] == mid, "seconds_per_epoch"] = 2 * slow["seconds_per_epoch"].max()
    assert "batch.notice_middle" not in keys(batches.sweep_notices(slow, epochs, 0.1))


def test_sweep_notices_name_the_diverged_batch_sizes():
    x, y = make_dataset("sine", 100, noise=0.1, seed=0)
    runs = {
        size: train(
            x,
            y,
            FIT_SPEC,
            "regression",
            None,
            optimizer="sgd",
            learning_rate=1000.0,
            batch_size=size,
            epochs=8,
            seed=0,
            grid_cells=None,
        )
        for size in (10, 100)
    }
    table = batches.cost_rows(runs, FIT_SPEC, 1, "regression", None, 100)
    diverged = [str(size) for size, run in runs.items() if run.diverged]
    assert diverged
    expected = notice("batch.notice_diverged", batches=", ".join(diverged))
    assert batches.diverged_sizes(table) == [expected]
    assert batches.sweep_notices(table, 8, 1000.0)[-1] == expected


def test_sweep_capped_only_when_cut():
    sizes = batches.sweep_sizes(600)
    capped = batches.sweep_epochs(60, 600, sizes)
    assert capped == batches.MAX_UPDATES // 600
    assert batches.sweep_capped(60, 600, capped) == [
        notice("batch.epochs_capped", n=600, requested=60, cap=batches.MAX_UPDATES, epochs=capped)
    ]
    assert batches.sweep_capped(20, 200, 20) == []


def test_sweep_frames_hold_the_runs(default_sweep):
    _, runs, table = default_sweep
    named = {f"batch {size}": run for size, run in runs.items()}
    by_epoch = batches.epoch_frame(named)
    assert len(by_epoch) == sum(len(run.epochs) for run in runs.values())
    mine = by_epoch[by_epoch["series"] == "batch 8"]["loss"].tolist()
    assert mine == runs[8].history["loss"]
    bars = batches.bar_frame(table, list(named))
    assert bars["short"].tolist() == ["1", "8", "32", "128", "200"]
    assert bars["ms"].tolist() == (table["seconds_per_epoch"] * 1000).tolist()
    assert bars["kb"].tolist() == (table["memory_bytes"] / 1024).tolist()
