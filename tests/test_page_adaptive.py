"""The adaptive-rates lesson (A6, A7): renders, its statements match runs computed with sim
directly in every reachable branch, bad URL values fall back, Play advances the frame."""

from apptest_utils import assert_clean, charts, notice_text, open_page, reset_and_play

from sim import adaptive, descent
from sim.optimizers import make_optimizer
from sim.surfaces import get_surface
from ui.descent_view import fmt

FILE = "pages/06_adaptive_rates.py"


def summaries(surface="ravine", lr=0.05, rho=0.9, acc0=0.1, steps=200, start=None):
    s = get_surface(surface)
    start = start or s.default_start
    ada = descent.run(
        s, make_optimizer("adagrad", learning_rate=lr, initial_accumulator_value=acc0), start, steps
    )
    rms = descent.run(s, make_optimizer("rmsprop", learning_rate=lr, rho=rho), start, steps)
    gd = descent.run(s, make_optimizer("sgd", learning_rate=lr), start, steps)
    adam = descent.run(s, make_optimizer("adam", learning_rate=lr), start, steps)
    return (
        adaptive.summarize("a", ada, s),
        adaptive.summarize("r", rms, s),
        adaptive.summarize("g", gd, s),
        adaptive.summarize("d", adam, s),
    )


def test_default_run_statement_and_play():
    """The default view (the ravine): charts, every sentence read off the runs, Play."""
    a, r, g, d = summaries()
    assert a.reached < 0 and r.reached >= 0
    at = open_page(FILE)
    assert_clean(at)
    assert len(charts(at)) >= 5  # surface, two step-size charts, memory, loss
    text = notice_text(at)
    ax0, ay0 = a.rate_first
    assert f"step size of **{fmt(ax0, 3)}** for x and **{fmt(ay0, 3)}** for y" in text
    assert "Parameter **y** had the larger gradients" in text
    assert f"fell to **{fmt(a.rate_last[0], 2)}** (from {fmt(ax0, 2)})" in text
    assert f"still **{fmt(a.distance, 2)}** from the minimum" in text
    assert f"never fell below **{fmt(r.rate_min[0], 2)}**" in text
    assert f"**arrived at step {r.reached}**" in text
    assert f"is still {fmt(g.distance, 2)} from the minimum after 200 steps" in text
    # RMSprop arrives and stays: no hops at the default rate
    assert not r.hops and "hops around the minimum" not in text
    assert d.reached < 0
    assert f"Adam, with the same learning rate 0.05, is still {fmt(d.distance, 2)}" in text

    reset_and_play(at, "adaptive")


def test_both_arrive_branch():
    a, r, _, _ = summaries("local_minima", lr=0.1)
    assert a.reached >= 0 and r.reached >= 0
    at = open_page(FILE, params={"surface": "local_minima", "lr": "0.1"})
    assert_clean(at)
    text = notice_text(at)
    assert f"**RMSprop at step {r.reached}**, **Adagrad at step {a.reached}**" in text


def test_adagrad_only_branch_in_korean():
    a, r, _, _ = summaries(lr=0.5)
    assert a.reached >= 0 and r.reached < 0
    at = open_page(FILE, lang="ko", params={"lr": "0.5"})
    assert_clean(at)
    assert len(charts(at)) >= 5
    text = notice_text(at)
    assert f"아다그라드는 **스텝 {a.reached}에서 도착했고**" in text
    assert f"**{fmt(r.distance, 2)}** 떨어져 있습니다" in text


def test_adagrad_only_while_rmsprop_is_still_far():
    a, r, _, _ = summaries("rosenbrock", lr=0.1, start=(1.8, 0.0))
    assert a.reached >= 0 and r.reached < 0 and r.distance > 1.5 * 0.1
    params = {"surface": "rosenbrock", "x0": "1.8", "y0": "0.0", "lr": "0.1"}
    at = open_page(FILE, params=params)
    assert_clean(at)
    text = notice_text(at)
    assert (
        f"Adagrad **arrived at step {a.reached}**; RMSprop is still **{fmt(r.distance, 2)}**"
        in text
    )
    assert "hopping" not in text


def test_neither_branch_and_hyperparameters():
    a, r, _, d = summaries(lr=0.01, rho=0.5, acc0=1.0, steps=100)
    assert a.reached < 0 and r.reached < 0
    at = open_page(FILE, params={"lr": "0.01", "rho": "0.5", "acc0": "1.0", "steps": "100"})
    assert_clean(at)
    text = notice_text(at)
    assert f"Adagrad is **{fmt(a.distance, 2)}** from the minimum" in text
    assert f"RMSprop **{fmt(r.distance, 2)}**" in text
    assert d.reached < 0
    assert f"Adam, with the same learning rate 0.01, is still {fmt(d.distance, 2)}" in text


def test_gd_diverges_and_adam_can_be_hidden():
    _, _, g, _ = summaries(lr=1.5)
    assert g.diverged_at is not None
    at = open_page(FILE, params={"lr": "1.5", "adam": "false"})
    assert_clean(at)
    text = notice_text(at)
    assert f"Plain GD with learning rate 1.5 diverged at step {g.diverged_at}" in text
    assert "Adam" not in text
    captions = " ".join(c.value for c in at.caption)
    assert "Stopped, ringed on the map" in captions
    assert f"left it): Plain GD (step {g.diverged_at})" in captions
    assert len(charts(at)) >= 5


def test_bad_url_values_fall_back():
    at = open_page(
        FILE, params={"lr": "abc", "steps": "-5", "rho": "x" * 300, "acc0": "7", "adam": "maybe"}
    )
    assert_clean(at)
    assert at.select_slider(key="lr").value == 0.05
    assert at.slider(key="steps").value == 200
    assert at.slider(key="rho").value == 0.9
    assert at.select_slider(key="acc0").value == 0.1
    assert at.toggle(key="adam").value is True
    notices = " ".join(i.value for i in at.info)
    assert "abc" in notices and "-5" in notices and "acc0=7" in notices
    assert "x" * 41 not in notices  # long values are cut


def test_rmsprop_hopping_is_said():
    """At 0.1 on the ravine RMSprop arrives, then its loss jumps back up by decades: the
    page says it hops around the minimum, with the peak it reached."""
    _, r, _, _ = summaries(lr=0.1)
    assert r.reached >= 0 and r.hops and r.hop_peak > 1e-3
    at = open_page(FILE, params={"lr": "0.1"})
    text = notice_text(at)
    assert f"from step {r.reached} on RMSprop stays near the minimum" in text
    assert f"(to {fmt(r.hop_peak, 2)})" in text and "hops around the minimum" in text
