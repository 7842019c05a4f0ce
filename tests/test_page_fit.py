"""The fit() lesson (B1-B5): its statements match the engine's run in each branch, the
calculator matches the run, bad URL values fall back, Play steps through the mock exam."""

import math

import pytest
from apptest_utils import assert_clean, charts, notice_text, open_code, open_page

from sim import batch_lessons as bl
from sim.datasets import make_dataset
from sim.training import NetSpec

FILE = "pages/09_fit_batches_epochs.py"
SPEC = NetSpec(hidden=(16, 16))


def expected(n=100, noise=0.2, batch=10, epochs=30, lr=0.01, seed=0):
    x, y = make_dataset("moons", n, noise=noise, seed=seed)
    epochs = bl.epochs_for_updates(epochs, n, batch)
    return bl.train_with_answers(
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
    fall = bl.describe_fall(run.counts)
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
    fall = bl.describe_fall(run.counts)
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
    capped = bl.MAX_UPDATES // 1000
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


def test_play_steps_through_the_epochs():
    at = open_page(FILE)
    assert at.session_state["fit_frame"] == 30  # starts at the end
    at.button(key="fit_reset_btn").click().run()
    assert at.session_state["fit_frame"] == 0
    assert "Before training" in notice_text(at)
    at.button(key="fit_play_btn").click().run()
    frame = at.session_state["fit_frame"]
    assert frame > 0
    assert f"Round (epoch) **{frame} of 30**" in notice_text(at)
    assert_clean(at)
