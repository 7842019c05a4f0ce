"""The batch / mini-batch / SGD lesson (A9) as a page: its box shows exactly the words of
``lessons.minibatch``'s notices (every branch: tests/lessons/test_minibatch_notices.py) in
both languages, the updates-per-epoch numbers follow ceil(N / batch), the epoch budget is
announced, the player and every chart that follows it hold the engine's values at each frame
(one mini-batch), a diverged run is held and said from its frame on, the whole run is sent
once within a bound, a batch size off the slider falls back. (Every widget at its extremes and
hostile URL values: tests/pages/test_all_pages.py.)"""

import json

import numpy as np
import pytest
from apptest_utils import (
    assert_clean,
    chart_datasets,
    charts,
    frame_charts,
    notice_text,
    open_code,
    open_page,
    player_data,
)

from lessons import minibatch as minibatch_lesson
from sim import line_fit
from sim.datasets import make_dataset
from ui import minibatch_view
from ui.page import words
from ui.text import Translator

FILE = "pages/08_minibatch.py"


def comparison(n=100, noise=0.5, seed=0, mini=10, epochs=10, lr=0.1, start=None):
    """The three runs as the page makes them."""
    x, y = make_dataset("line", n, noise=noise, seed=seed)
    problem = line_fit.LineFitLoss(x, y)
    start = problem.default_start if start is None else start
    comp = line_fit.compare_batches(x, y, mini, epochs, lr, start, seed=seed)
    return comp, {name: line_fit.run_facts(comp, name) for name in minibatch_lesson.RUNS}


def infos(at) -> str:
    return " ".join(i.value for i in at.info)


def chart_with(at, *columns):
    """The chart element holding a dataset with ``columns`` and that dataset."""
    for chart in charts(at):
        for frame in chart_datasets(chart).values():
            if set(columns) <= set(frame.columns):
                return chart, frame
    raise AssertionError(f"no chart with a dataset holding {columns}")


def readout_expression(at) -> str:
    """The Vega expression of the per-frame text (the readout chart's calculate)."""
    chart, _ = chart_with(at, "seen", "question")
    spec = json.loads(chart.proto.spec)
    return next(step["calculate"] for step in spec["transform"] if "calculate" in step)


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_default_box_shows_the_lessons_notices(lang):
    """The default comparison's box holds exactly the words of ``minibatch_notices`` for the
    runs computed here; in Korean the player and the frame readout speak Korean too."""
    at = open_page(FILE, lang=lang)
    assert_clean(at)
    assert len(charts(at)) == 4  # surface, readout, data, loss
    comp, _ = comparison()
    t = Translator(lang)
    labels = {
        "full": t("minibatch.series_full", n=100),
        "mini": t("minibatch.series_mini", b=10),
        "sgd": t("minibatch.series_sgd"),
    }
    notices = minibatch_lesson.minibatch_notices(comp, labels, 0.5)
    texts = [m.value for m in at.markdown]
    shown = texts[texts.index(f"**{t('common.notice_title')}**") + 1 :]
    assert shown[: len(notices)] == [words(t, n) for n in notices]
    if lang == "ko":
        data = player_data(at, "mb")
        assert data["labels"]["play"] == "재생" and data["labels"]["unit"] == "배치"
        # the catalog's text, as a string literal of the Vega expression
        assert json.dumps("푼 문항: ") in readout_expression(at)


def test_sgd_diverges_where_batch_gd_does_not():
    at = open_page(FILE, lang="en", params={"lr": "0.5"})
    assert_clean(at)
    comp, f = comparison(lr=0.5)
    sgd = f["sgd"]
    assert sgd.kind == "diverged" and f["full"].kind == "settled"
    assert f"**SGD (batch 1)** diverged at update {sgd.diverged_at}" in notice_text(at)
    p = comp.problem
    # the per-frame text says so from the frame at which SGD has made that update on
    first = int(np.searchsorted(comp.updates["sgd"], sgd.diverged_at))
    assert comp.updates["sgd"][first] >= sgd.diverged_at > comp.updates["sgd"][first - 1]
    expression = readout_expression(at)
    assert (
        f'(datum.frame >= {first} ? "\\nSGD (batch 1): diverged at update {sgd.diverged_at}" : '
        in expression
    )
    # SGD's count of updates stops at the one that diverged (the clock goes on)
    _, clock = chart_with(at, "seen", "question")
    assert clock["sgd"].max() == sgd.diverged_at < comp.updates["sgd"][-1]
    assert (clock[clock["frame"] >= first]["sgd"] == sgd.diverged_at).all()
    # after its divergence SGD's ball stays at its last finite point and its batch is gone
    _, balls = chart_with(at, "frame", "update", "loss", "x")
    held = balls[(balls["series"] == "SGD (batch 1)") & (balls["frame"] >= first)]
    last = comp.runs["sgd"].last_finite
    np.testing.assert_array_equal(held["x"], comp.runs["sgd"].xy[last, 0])
    _, used = chart_with(at, "frame", "role", "x")
    ring = used[used["role"] == "sgd"]
    assert ring["frame"].max() == first  # the question that made it diverge, then none
    question = comp.runs["sgd"].batch(sgd.diverged_at - 1)[0]
    shown = ring[ring["frame"] == first]
    assert shown["x"].tolist() == [np.float32(p.x[question])]
    assert shown["y"].tolist() == [np.float32(p.y[question])]
    for chart in charts(at):
        assert "NaN" not in chart.proto.spec and "Infinity" not in chart.proto.spec


@pytest.mark.parametrize(
    ("n", "batch", "per_epoch"), [(100, 10, (1, 10, 100)), (50, 32, (1, 2, 50))]
)
def test_updates_per_epoch(n, batch, per_epoch):
    """The 100-question story: ceil(N / batch) updates per epoch (a partial last batch too)."""
    at = open_page(FILE, params={"n": str(n), "batch": str(batch)})
    assert_clean(at)
    values = [m.value for m in at.metric]
    assert values == [f"{k} per epoch" for k in per_epoch]
    labels = [m.label for m in at.metric]
    assert labels == [f"Batch GD (batch {n})", f"Mini-batch (batch {batch})", "SGD (batch 1)"]
    captions = " ".join(c.value for c in at.caption)
    assert f"⌈{n} / {batch}⌉ = {per_epoch[1]}; {10 * per_epoch[1]} updates in 10 epochs" in captions
    code = open_code(at)
    assert f"model.fit(x, y, batch_size={batch}, epochs=10)" in code
    assert f"model.fit(x, y, batch_size={n}, epochs=10)" in code


def test_epoch_budget_is_announced():
    at = open_page(FILE, params={"n": "200", "epochs": "20"})
    assert_clean(at)
    cut = minibatch_lesson.epochs_cut_notice(200, 20, line_fit.budget_epochs(200, 20))
    assert words(Translator("en"), cut) in infos(at)
    assert "shows **5 epochs**" in infos(at)
    assert at.metric[2].value == "200 per epoch"
    # the run is shown complete: its last frame has answered 5 epochs of 200 questions
    data = player_data(at, "mb")
    _, clock = chart_with(at, "seen", "question")
    end = clock[clock["frame"] == data["start"]].iloc[0]
    assert (end["seen"], end["epoch"], end["question"]) == (1000, 5, 200)
    expression = readout_expression(at)
    assert '"Questions answered: " + (datum.seen) + " of " + (1000)' in expression


def test_player_and_frames_follow_the_run():
    """One frame = one mini-batch: the player counts batches, and at every frame each chart
    that follows it shows what the engine computed by then: questions answered and
    updates, each run's point and loss, the mini-batch of that update and SGD's latest
    question, each path up to that point."""
    at = open_page(FILE)
    assert_clean(at)
    comp, _ = comparison()
    data = player_data(at, "mb")
    assert data["frames"] == comp.frames == 101 and data["start"] == 100
    assert data["labels"]["unit"] == "Batch" and data["first_number"] == 0
    assert data["labels"]["play"] == "Play" and data["live"] is None
    assert len(frame_charts(at, "mb")) == 4  # surface, readout, data, loss: one frame

    _, clock = chart_with(at, "seen", "question")
    row = clock[clock["frame"] == 14].iloc[0]
    # 14 mini-batches of 10: 140 questions, epoch 2, question 40; batch GD 1 update, SGD 140
    assert (row["seen"], row["epoch"], row["question"]) == (140, 2, 40)
    assert (row["full"], row["mini"], row["sgd"]) == (1, 14, 140)
    np.testing.assert_array_equal(clock["seen"], comp.clock)
    for name in minibatch_lesson.RUNS:
        np.testing.assert_array_equal(clock[name], comp.updates[name])
    expression = readout_expression(at)
    assert "Epoch " in expression and "(datum.epoch)" in expression
    readout, _ = chart_with(at, "seen", "question")
    assert "datum.frame == mb_frame" in readout.proto.spec  # one row: the frame's

    labels = {
        "full": "Batch GD (batch 100)",
        "mini": "Mini-batch (batch 10)",
        "sgd": "SGD (batch 1)",
    }
    surface, balls = chart_with(at, "frame", "update", "loss", "x")
    _, paths = chart_with(at, "step", "frame", "x", "y")
    for name, label in labels.items():
        run = comp.runs[name]
        mine = balls[balls["series"] == label].sort_values("frame")
        assert len(mine) == comp.frames
        np.testing.assert_array_equal(mine["update"], comp.updates[name])
        points = np.array([comp.point(name, f) for f in range(comp.frames)])
        np.testing.assert_array_equal(mine[["x", "y"]].to_numpy(), points)
        np.testing.assert_array_equal(mine["loss"], run.loss[comp.updates[name]])
        # the path drawn by each frame holds exactly the updates the run has made by then
        kept = paths[paths["series"] == label]
        for frame in (0, 1, 14, 57, comp.frames - 1):
            made = comp.updates[name][frame]
            assert ((kept["frame"] <= frame) == (kept["step"] <= made)).all()
        path = kept[kept["frame"] <= 14]
        on_path = run.xy[path["step"].to_numpy()]
        np.testing.assert_allclose(path[["x", "y"]].to_numpy(), on_path, rtol=1e-6, atol=1e-6)
    # the loss marker at frame 14 sits at 1.4 epochs of data
    loss_chart, markers = chart_with(at, "frame", "update", "epoch", "loss")
    at_14 = markers[markers["frame"] == 14]
    np.testing.assert_allclose(at_14["epoch"], 1.4, rtol=1e-6)

    _, used = chart_with(at, "frame", "role", "x")
    batch = used[(used["frame"] == 14) & (used["role"] == "batch")]
    np.testing.assert_array_equal(
        np.sort(batch["x"].to_numpy()),
        np.sort(comp.problem.x[comp.runs["mini"].batch(13)].astype(np.float32)),
    )
    ring = used[(used["frame"] == 14) & (used["role"] == "sgd")]
    assert ring["x"].tolist() == [np.float32(comp.problem.x[comp.runs["sgd"].batch(139)[0]])]
    assert used["frame"].min() == 1  # nothing answered yet at frame 0

    # what each chart shows is chosen by the frame: rows up to it, or rows of it
    specs = {key: chart.proto.spec for key, chart in (("surface", surface), ("loss", loss_chart))}
    assert "datum.frame <= mb_frame" in specs["surface"]
    assert "datum.frame == mb_frame" in specs["surface"]
    assert "datum.frame == mb_frame" in specs["loss"]


def test_starting_speed_plays_a_run_in_about_20_seconds():
    """The slowest frames/s that plays the run within minibatch_view.PLAY_SECONDS (20 s)."""
    assert [minibatch_view.starting_fps(f) for f in (1, 21, 101, 201, 501)] == [1, 2, 10, 20, 30]


def test_the_heaviest_run_is_sent_once_and_small():
    """The heaviest setting (200 questions, batch 2: 500 frames, SGD's 1000 updates): all
    frames of all charts go in one message, bounded (measured 220 KB), with nothing that
    is not a number."""
    at = open_page(FILE, params={"n": "200", "batch": "2", "noise": "2.0"})
    assert_clean(at)
    comp, _ = comparison(n=200, mini=2, noise=2.0)
    data = player_data(at, "mb")
    assert data["frames"] == comp.frames == 5 * 100 + 1 and data["start"] == 500
    size = sum(chart.proto.ByteSize() for chart in charts(at))
    assert size < 250_000, size
    for chart in charts(at):
        for frame in chart_datasets(chart).values():
            numbers = frame.select_dtypes("number").to_numpy(dtype=float)
            assert np.isfinite(numbers).all()


def test_a_batch_size_off_the_slider_falls_back_with_a_notice():
    """``?batch=`` takes the slider's sizes only (garbage in every parameter:
    tests/pages/test_all_pages.py)."""
    at = open_page(FILE, params={"batch": "7"})
    assert_clean(at)
    assert at.session_state["batch"] == 10
    assert "cannot use" in infos(at)
