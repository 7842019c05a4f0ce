"""The batch / mini-batch / SGD lesson (A9): the statements of every outcome branch match runs
computed with sim directly, the updates-per-epoch numbers follow ceil(N / batch), the epoch
budget is announced, Play advances the clock, a frame stays under 30 KB, bad URL values fall
back. (Every widget at its extremes and hostile URL values: tests/test_all_pages.py.)"""

import pytest
from apptest_utils import assert_clean, charts, notice_text, open_code, open_page

from sim import line_fit
from sim.datasets import make_dataset
from ui import minibatch_view as mv

FILE = "pages/08_minibatch.py"


def comparison(n=100, noise=0.5, seed=0, mini=10, epochs=10, lr=0.1, start=None):
    """The three runs as the page makes them."""
    x, y = make_dataset("line", n, noise=noise, seed=seed)
    problem = line_fit.LineFitLoss(x, y)
    start = problem.default_start if start is None else start
    comp = line_fit.compare_batches(x, y, mini, epochs, lr, start, seed=seed)
    return comp, {name: line_fit.run_facts(comp, name) for name in mv.RUNS}


def g(value, digits=4):
    return f"{value:.{digits}g}"


def infos(at) -> str:
    return " ".join(i.value for i in at.info)


def test_default_statement_batch_gd_slow_sgd_jitters():
    at = open_page(FILE, lang="en")
    assert_clean(at)
    assert len(charts(at)) == 3  # surface, data, loss
    comp, f = comparison()
    text = notice_text(at)
    assert f["full"].kind == "moving" and f["mini"].kind == "settled" and f["sgd"].kind == "jitter"
    assert (
        f"**Batch GD (batch 100)** made 10 updates and is still on its way: distance "
        f"{g(f['full'].final_distance, 2)} from the best line" in text
    )
    tol = g(comp.problem.tolerance, 2)
    assert (
        f"**Mini-batch (batch 10)** made 100 updates and came within {tol} of the best line "
        f"after **{g(f['mini'].first_near_epoch, 3)} epochs** (update {f['mini'].first_near})"
        in text
    )
    assert (
        f"**SGD (batch 1)** made 1000 updates and first came within {tol} of the best line "
        f"after **{g(f['sgd'].first_near_epoch, 3)} epochs**" in text
    )
    assert f"jittering at a mean distance of {g(f['sgd'].spread, 2)}, and {f['sgd'].uphill}" in text
    assert (
        "In the same 10 epochs batch GD made only 10 exact steps, while SGD made 1000 rough "
        "ones" in text
    )
    assert f"{f['mini'].uphill} of the mini-batch's and {f['sgd'].uphill} of SGD's" in text


def test_sgd_diverges_where_batch_gd_does_not():
    at = open_page(FILE, lang="en", params={"lr": "0.5"})
    assert_clean(at)
    comp, f = comparison(lr=0.5)
    sgd = f["sgd"]
    assert sgd.kind == "diverged" and f["full"].kind == "settled"
    text = notice_text(at)
    assert (
        f"**SGD (batch 1)** diverged at update {sgd.diverged_at} (after "
        f"{g(sgd.diverged_epoch, 3)} epochs of data): the steepest batch it met had curvature "
        f"{g(sgd.steepest, 3)}, and learning rate 0.5 × {g(sgd.steepest, 3)} = "
        f"{g(0.5 * sgd.steepest, 3)} > 2" in text
    )
    p = comp.problem
    sample = 2 / max(p.curvature([i]) for i in range(p.n))
    assert (
        f"fine for batch GD (stable below 2 / {g(p.curvature(), 3)} = "
        f"{g(p.critical_rate(), 3)})" in text
    )
    assert f"SGD is only safe below **{g(sample, 3)}**" in text
    # the per-frame caption says so once the divergence has happened
    assert f"SGD (batch 1) diverged at update {sgd.diverged_at}**" in " ".join(
        c.value for c in at.caption
    )
    for chart in charts(at):
        assert "NaN" not in chart.proto.spec and "Infinity" not in chart.proto.spec


def test_rate_too_large_for_the_whole_data_set_in_korean():
    at = open_page(FILE, lang="ko", params={"lr": "0.7"})
    assert_clean(at)
    comp, f = comparison(lr=0.7)
    assert f["full"].kind == "growing"
    text = notice_text(at)
    p = comp.problem
    assert (
        f"**배치 GD (배치 100)**: 10번 갱신했는데 손실이 오히려 {g(f['full'].final_loss)}" in text
    )
    assert f"**2 / {g(p.curvature(), 3)} = {g(p.critical_rate(), 3)}** 보다" in text


def test_all_arrive_and_none_arrive():
    at = open_page(FILE, params={"lr": "0.2"})
    _, f = comparison(lr=0.2)
    assert all(f[k].first_near >= 0 for k in mv.RUNS)
    assert (
        f"Epochs of data needed: batch GD {g(f['full'].first_near_epoch, 3)}, mini-batch "
        f"{g(f['mini'].first_near_epoch, 3)}, SGD {g(f['sgd'].first_near_epoch, 3)}"
        in notice_text(at)
    )
    at = open_page(FILE, params={"lr": "0.001"})
    _, f = comparison(lr=0.001)
    assert all(f[k].kind == "moving" for k in mv.RUNS)
    assert "In 10 epochs none of the runs came close with learning rate 0.001" in notice_text(at)


def test_no_noise_sgd_settles():
    at = open_page(FILE, params={"noise": "0.0"})
    _, f = comparison(noise=0.0)
    assert f["sgd"].kind == "settled"
    text = notice_text(at)
    assert "With no noise in the answers every question agrees on the same line" in text
    assert "**SGD (batch 1)** made 1000 updates and came within" in text


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
    assert "20 epochs of 200 questions would be 4000 SGD updates" in infos(at)
    assert "shows **5 epochs**" in infos(at)
    assert at.metric[2].value == "200 per epoch"
    assert "Questions answered: **1000** of 1000" in " ".join(c.value for c in at.caption)


def test_frame_caption_and_play():
    at = open_page(FILE)
    at.slider(key="mb_shown").set_value(14).run()
    caption = " ".join(c.value for c in at.caption)
    # 14 mini-batches of 10: 140 questions, batch GD 1 update, SGD 140
    assert "Questions answered: **140** of 1000 (epoch 2, question 40 of 100)" in caption
    assert "batch GD **1**, mini-batch **14**, SGD **140**" in caption
    at.button(key="mb_reset_btn").click().run()
    assert at.session_state["mb_frame"] == 0
    at.button(key="mb_play_btn").click().run()
    assert at.session_state["mb_playing"]
    assert at.session_state["mb_frame"] > 0
    assert_clean(at)


def test_a_playing_frame_stays_small():
    """The heaviest setting (200 questions, batch 2, SGD's 1000 updates) at its last frame,
    playing (no click layer): surface + data chart under 30 KB."""
    at = open_page(FILE, params={"n": "200", "batch": "2", "noise": "2.0"})
    last = at.session_state["mb_frame"]  # a new run opens at its last frame
    comp, _ = comparison(n=200, mini=2, noise=2.0)
    assert last == comp.frames - 1 == 5 * 100
    at.session_state["mb_playing"] = True
    at.session_state["mb_frame"] = last - 2
    at.run()  # one tick: speed 2 reaches the last frame, still playing
    assert_clean(at)
    assert at.session_state["mb_playing"] and at.session_state["mb_frame"] == last
    size = sum(chart.proto.ByteSize() for chart in charts(at)[:2])
    assert size < 30_000, size


@pytest.mark.parametrize(
    ("params", "key", "default"),
    [
        ({"batch": "7"}, "batch", 10),
        ({"n": "abc"}, "n", 100),
        ({"w0": "99"}, "w0", -1.0),
        ({"epochs": "-5"}, "epochs", 10),
        ({"seed": "x" * 300}, "seed", 0),
    ],
)
def test_bad_url_values_fall_back_with_notice(params, key, default):
    at = open_page(FILE, params=params)
    assert_clean(at)
    assert at.session_state[key] == default
    assert "cannot use" in infos(at)
