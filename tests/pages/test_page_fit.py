"""The fit() lesson (B1-B5) rendered: it shows the words of ``lessons.batches``' notices for
its run, the calculator's lines, a capped run's notice and code, and the player's frames (one
per epoch) hold the engine's mock exam, wrong-answer counts and the frame lines. (Each
notice branch is a unit test in tests/lessons/test_batch_lessons.py; rendering in both
languages, hostile URL values and widget extremes are swept by test_all_pages.)"""

import numpy as np
from apptest_utils import (
    assert_clean,
    frame_charts,
    frame_tables,
    open_code,
    open_page,
    player_data,
    table_with,
)
from page_runs import fit_run

from lessons import batches
from ui.page import words
from ui.text import Translator

FILE = "pages/09_fit_batches_epochs.py"


def metric_values(at) -> dict:
    return {m.label: m.value for m in at.metric}


def readout_lines(at, key: str) -> list[str]:
    """The per-frame chart text, one entry per frame (wrapping undone)."""
    table = table_with(at, key, {"epoch", "line"}).sort_values("epoch")
    assert table["epoch"].tolist() == list(range(len(table)))
    return [line.replace("\n", " ") for line in table["line"]]


def test_default_page_says_the_lessons_notices():
    run = fit_run()
    t = Translator("en")
    # values the page cannot use fall back to the defaults, and a notice names them
    at = open_page(FILE, params={"cb": "abc", "batch": "7"})
    assert_clean(at)
    notices = " ".join(i.value for i in at.info)
    assert "cb=abc" in notices and "batch=7" in notices
    assert at.number_input(key="cb").value == 200
    markdown = [m.value for m in at.markdown]
    for said in batches.fit_notices(100, 10, 0.01, run):
        assert words(t, said) in markdown, said.key
    calc = batches.Calculation(2000, 200, 10)
    assert words(t, calc.formula()) in markdown
    assert words(t, batches.run_count(100, 10, run.result)) in markdown
    metrics = metric_values(at)
    assert metrics["weight updates per epoch"] == "10"
    assert metrics["weight updates in this run"] == "300"
    assert metrics["wrong after the last epoch"] == f"{run.counts[-1]} / 100"


def test_capped_run_says_so_and_its_code_trains_the_capped_epochs():
    at = open_page(FILE, params={"n": "1000", "batch": "1", "epochs": "30", "cn": "2001"})
    assert_clean(at)
    capped = batches.MAX_UPDATES // 1000
    (said,) = batches.epochs_capped(30, 1000, 1, capped)
    assert words(Translator("en"), said) in [i.value for i in at.info]
    (partial,) = batches.Calculation(2001, 200, 10).partial()
    assert words(Translator("en"), partial) in [c.value for c in at.caption]
    assert f"batch_size=1, epochs={capped})" in open_code(at)


def test_player_and_frames_follow_the_run():
    run = fit_run()
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
    t = Translator("en")
    assert lines == [
        words(t, said).replace("\n", " ") for said in batches.frame_lines(100, 10, counts)
    ]
    assert lines[0].startswith(f"Before training: the model gets {counts[0]} of 100 questions")
    assert all(
        np.isfinite(t.select_dtypes("number").to_numpy()).all() for t in frame_tables(at, "fit")
    )


def test_korean_player_and_frame_text():
    run = fit_run(batch=32)
    at = open_page(FILE, lang="ko", params={"batch": "32"})
    assert_clean(at)
    data = player_data(at, "fit")
    assert data["labels"]["unit"] == "에포크" and data["labels"]["play"] == "재생"
    t = Translator("ko")
    lines = readout_lines(at, "fit")
    assert lines == [
        words(t, said).replace("\n", " ") for said in batches.frame_lines(100, 32, run.counts)
    ]
    assert lines[0].startswith(f"학습 전: 모델이 100문항 중 {run.counts[0]}문항을 틀립니다.")
