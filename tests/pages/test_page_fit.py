"""The fit() lesson (B1-B5): its statements match the engine's run in each branch, the
calculator matches the run, bad URL values fall back, and the player's frames (one per
epoch) hold the engine's mock exam, wrong-answer counts and numbers."""

import math

import numpy as np
import pytest
from apptest_utils import (
    assert_clean,
    charts,
    frame_charts,
    frame_tables,
    notice_text,
    open_code,
    open_page,
    player_data,
    table_with,
)

from lessons import batches
from sim.datasets import make_dataset
from sim.training import NetSpec

FILE = "pages/09_fit_batches_epochs.py"
SPEC = NetSpec(hidden=(16, 16))


def expected(n=100, noise=0.2, batch=10, epochs=30, lr=0.01, seed=0):
    x, y = make_dataset("moons", n, noise=noise, seed=seed)
    epochs = batches.epochs_for_updates(epochs, n, batch)
    return batches.train_with_answers(
        x,
        y,
        SPEC,
        "binary",
        2,
        learning_rate=lr,
        batch_size=batch,
        epochs=epochs,
        seed=seed,
        grid_cells=None,
    )


def metric_values(at) -> dict:
    return {m.label: m.value for m in at.metric}


def test_default_run_fast_then_slow():
    run = expected()
    fall = batches.describe_fall(run.counts)
    assert fall.kind == "fast_then_slow"
    at = open_page(FILE)
    assert_clean(at)
    assert len(charts(at)) >= 2
    text = notice_text(at)
    assert "**10** weight updates per epoch" in text and "**300** updates in 30 epochs" in text
    assert (
        f"from **{fall.start}** before training to **{fall.at_split}** after epoch "
        f"{fall.split_epoch} ({fall.early_drop} fewer" in text
    )
    assert f"only **{fall.late_drop}** fewer in the remaining {30 - fall.split_epoch}" in text
    assert f"ending at **{fall.end}** of 100" in text
    loss = run.result.history["loss"]
    assert f"fell from {loss[0]:.3f} in epoch 1 to {loss[-1]:.3f} in epoch 30" in text
    metrics = metric_values(at)
    assert metrics["weight updates per epoch"] == "10"
    assert metrics["weight updates in this run"] == "300"
    assert metrics["wrong after the last epoch"] == f"{run.counts[-1]} / 100"
    # the calculator: the seed's 2000 / 200 example and the run's own count
    assert "ceil(2000 ÷ 200) = **10** iterations per epoch" in text
    assert "exactly **10** updates per epoch and **300** updates in its 30 epochs" in text


@pytest.mark.parametrize(
    ("params", "kwargs", "kind", "phrase"),
    [
        ({"lr": "3.0"}, {"lr": 3.0}, "bumpy", "did not settle"),
        ({"lr": "0.0003"}, {"lr": 0.0003}, "steady", "still falling as fast"),
        ({"noise": "0.0"}, {"noise": 0.0}, "perfect_early", "answered all 100 questions"),
    ],
)
def test_other_outcomes(params, kwargs, kind, phrase):
    run = expected(**kwargs)
    fall = batches.describe_fall(run.counts)
    assert fall.kind == kind
    at = open_page(FILE, params=params)
    assert_clean(at)
    text = notice_text(at)
    assert phrase in text
    if kind == "bumpy":
        assert f"the best was **{fall.best}** after epoch {fall.best_epoch}" in text
        assert f"ended at **{fall.end}** of 100" in text
    if kind == "perfect_early":
        assert f"correctly after epoch {fall.best_epoch}" in text


def test_one_batch_and_korean():
    at = open_page(FILE, lang="ko", params={"batch": "200"})
    assert_clean(at)
    text = notice_text(at)
    assert "에포크 전체가 배치 하나입니다" in text and "**30**번" in text


def test_epoch_cap_notice():
    at = open_page(FILE, params={"n": "1000", "batch": "1", "epochs": "30"})
    assert_clean(at)
    capped = batches.MAX_UPDATES // 1000
    assert f"training {capped} epochs" in " ".join(i.value for i in at.info)
    assert f"batch_size=1, epochs={capped})" in open_code(at)


def test_calculator_partial_batch_and_bad_values():
    at = open_page(FILE, params={"cn": "2001", "cb": "200", "ce": "3"})
    text = notice_text(at) + " ".join(c.value for c in at.caption)
    assert f"= **{math.ceil(2001 / 200)}** iterations" in text
    assert "**33** weight updates" in text and "only 1 samples" in text
    at = open_page(FILE, params={"cb": "abc", "batch": "7"})
    assert_clean(at)
    notices = " ".join(i.value for i in at.info)
    assert "cb=abc" in notices and "batch=7" in notices
    assert at.number_input(key="cb").value == 200


def readout_lines(at, key: str) -> list[str]:
    """The per-frame chart text, one entry per frame (wrapping undone)."""
    table = table_with(at, key, {"epoch", "line"}).sort_values("epoch")
    assert table["epoch"].tolist() == list(range(len(table)))
    return [line.replace("\n", " ") for line in table["line"]]


def test_player_and_frames_follow_the_run():
    run = expected()
    counts = run.counts
    at = open_page(FILE)
    assert_clean(at)
    data = player_data(at, "fit")
    assert data["frames"] == 31 and data["start"] == 30  # a new run is shown complete
    assert data["first_number"] == 0  # frame k is the state after epoch k, 0 = before training
    assert data["labels"]["unit"] == "Epoch" and data["labels"]["play"] == "Play"
    assert len(frame_charts(at, "fit")) == 3  # the mock exam, its text, the wrong-answer count
    # the mock exam of every epoch: the engine's wrong answers, fit's batch order
    # two tables: every question's batch, and the wrong answers only (the framed cells)
    cells = [t for t in frame_tables(at, "fit") if set(t.columns) == {"epoch", "question", "batch"}]
    assert len(cells) == 2
    grids, marks = sorted(cells, key=len, reverse=True)
    assert len(grids) == 31 * 100 and len(marks) == sum(counts)
    for epoch in (0, 1, 17, 30):
        grid = batches.exam_grid(100, 10, max(epoch, 1) - 1, 0, run.wrong[epoch])
        mine = grids[grids["epoch"] == epoch].sort_values("question")
        np.testing.assert_array_equal(mine["question"], grid["question"])
        np.testing.assert_array_equal(mine["batch"], grid["batch"])
        framed = marks[marks["epoch"] == epoch].sort_values("question")
        np.testing.assert_array_equal(framed["question"], grid["question"][grid["wrong"] > 0])
        assert len(framed) == counts[epoch]
    # the count chart and the text of each frame
    line = table_with(at, "fit", {"epoch", "wrong"}).sort_values("epoch")
    assert line["wrong"].tolist() == list(counts)
    lines = readout_lines(at, "fit")
    assert len(lines) == 31
    assert lines[0].startswith(f"Before training: the model gets {counts[0]} of 100 questions")
    for epoch in (1, 12, 30):
        assert lines[epoch].startswith(f"Round (epoch) {epoch} of 30: ")
        assert "in 10 batches of 10" in lines[epoch]
        assert f"{counts[epoch]} of 100 answers are still wrong" in lines[epoch]
    assert all(
        np.isfinite(t.select_dtypes("number").to_numpy()).all() for t in frame_tables(at, "fit")
    )


def test_korean_player_and_frame_text():
    run = expected(batch=25)
    at = open_page(FILE, lang="ko", params={"batch": "25"})
    assert_clean(at)
    data = player_data(at, "fit")
    assert data["labels"]["unit"] == "에포크" and data["labels"]["play"] == "재생"
    lines = readout_lines(at, "fit")
    assert lines[0].startswith(f"학습 전: 모델이 100문항 중 {run.counts[0]}문항을 틀립니다.")
    assert lines[3].startswith(
        "30회 중 3회차(에포크): 문항을 섞은 뒤 25문항씩 4개 배치로 풀었습니다(색"
    )
    assert f"100문항 중 {run.counts[3]}문항을 틀립니다" in lines[3]


def test_frame_text_names_a_partial_last_batch():
    run = expected(batch=32)
    at = open_page(FILE, params={"batch": "32"})
    assert_clean(at)
    lines = readout_lines(at, "fit")
    assert "answered in 4 batches of 32, the last one of 4 (colour" in lines[1]
    assert f"{run.counts[1]} of 100 answers are still wrong" in lines[1]
    assert run.result.updates_per_epoch == 4
