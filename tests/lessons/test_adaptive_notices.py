"""What the adaptive-rates lesson's "what to notice" says (``lessons.adaptive_rates.
adaptive_notices``), one test per branch, each against runs made with ``sim`` here."""

import pytest

from lessons import adaptive_rates
from lessons.notices import Notice, Number, keys
from sim import descent
from sim.optimizers import make_optimizer
from sim.surfaces import get_surface

NAMES = ("adagrad", "rmsprop", "sgd", "adam")
LABELS = {name: name.upper() for name in NAMES}


def runs_on(surface, lr=0.05, rho=0.9, acc0=0.1, steps=200, start=None, shown=NAMES):
    start = start or surface.default_start
    settings = {
        "adagrad": {"initial_accumulator_value": acc0},
        "rmsprop": {"rho": rho},
        "sgd": {},
        "adam": {},
    }
    return {
        name: descent.run(
            surface, make_optimizer(name, learning_rate=lr, **settings[name]), start, steps
        )
        for name in NAMES
        if name in shown
    }


def said(surface_name, lr=0.05, rho=0.9, acc0=0.1, steps=200, start=None, shown=NAMES):
    surface = get_surface(surface_name)
    runs = runs_on(surface, lr, rho, acc0, steps, start, shown)
    summaries = {
        name: adaptive_rates.summarize(LABELS[name], traj, surface) for name, traj in runs.items()
    }
    notices = adaptive_rates.adaptive_notices(surface, runs, LABELS, lr, rho, steps)
    return summaries, notices


def common(a, r, lr, rho, steps) -> dict:
    """The values every Adagrad-against-RMSprop sentence gets, read off the summaries."""
    return {
        "steps": steps,
        "lr": Number(lr),
        "rho": Number(rho, 3),
        "ax0": Number(a.rate_first[0], 2),
        "ax_end": Number(a.rate_last[0], 2),
        "ay0": Number(a.rate_first[1], 2),
        "ay_end": Number(a.rate_last[1], 2),
        "rx_min": Number(r.rate_min[0], 2),
        "rx_end": Number(r.rate_last[0], 2),
        "adist": Number(a.distance, 2),
        "rdist": Number(r.distance, 2),
        "a_reach": a.reached,
        "r_reach": r.reached,
    }


def test_default_adagrad_crawls_while_rmsprop_arrives():
    s, notices = said("ravine")
    a, r = s["adagrad"], s["rmsprop"]
    assert a.reached < 0 <= r.reached
    assert keys(notices) == [
        "adaptive.notice_axes",
        "adaptive.notice_crawl",
        "adaptive.notice_adam_moving",
        "adaptive.notice_gd_moving",
    ]
    ax, ay = a.rate_first
    assert ay < ax  # y is the steep axis of the ravine: its gradients were larger
    assert notices[0] == Notice(
        "adaptive.notice_axes",
        {
            "ax": Number(ax, 3),
            "ay": Number(ay, 3),
            "small": "y",
            "large": "x",
            "ratio": Number(ax / ay, 2),
            "lr": Number(0.05),
        },
    )
    assert dict(notices[1].values) == common(a, r, 0.05, 0.9, 200)
    assert notices[2] == Notice(
        "adaptive.notice_adam_moving",
        {"steps": 200, "lr": Number(0.05), "dist": Number(s["adam"].distance, 2)},
    )
    assert notices[3]["dist"] == Number(s["sgd"].distance, 2)


def test_equal_first_rates_on_the_bowls_diagonal():
    s, notices = said("bowl", lr=0.1, start=(2.0, 2.0))
    ax, ay = s["adagrad"].rate_first
    assert max(ax, ay) / min(ax, ay) < adaptive_rates.EQUAL_RATIO
    assert notices[0] == Notice(
        "adaptive.notice_axes_equal", {"ax": Number(ax, 3), "ay": Number(ay, 3)}
    )


def test_both_arrive_and_the_companions_too():
    s, notices = said("local_minima", lr=0.1)
    assert s["adagrad"].reached >= 0 and s["rmsprop"].reached >= 0
    assert keys(notices)[1:] == [
        "adaptive.notice_both",
        "adaptive.notice_adam_reached",
        "adaptive.notice_gd_reached",
    ]
    assert notices[1]["a_reach"] == s["adagrad"].reached
    assert notices[1]["r_reach"] == s["rmsprop"].reached
    assert notices[2] == Notice(
        "adaptive.notice_adam_reached", {"step": s["adam"].reached, "lr": Number(0.1)}
    )
    assert notices[3]["step"] == s["sgd"].reached


def test_adagrad_only_while_rmsprop_hops_near_the_minimum():
    s, notices = said("ravine", lr=0.5)
    r = s["rmsprop"]
    assert s["adagrad"].reached >= 0 > r.reached
    assert r.distance <= adaptive_rates.HOP_FACTOR * 0.5
    assert keys(notices)[1] == "adaptive.notice_adagrad_only"
    assert notices[1]["rdist"] == Number(r.distance, 2)


def test_adagrad_only_while_rmsprop_is_still_far_and_gd_diverges():
    s, notices = said("rosenbrock", lr=0.1, start=(1.8, 0.0))
    r, g = s["rmsprop"], s["sgd"]
    assert s["adagrad"].reached >= 0 > r.reached
    assert r.distance > adaptive_rates.HOP_FACTOR * 0.1
    assert keys(notices)[1] == "adaptive.notice_adagrad_only_far"
    assert g.diverged_at is not None
    assert notices[-1] == Notice(
        "adaptive.notice_gd_diverged", {"step": g.diverged_at, "lr": Number(0.1)}
    )


def test_neither_arrives():
    s, notices = said("ravine", lr=0.01, rho=0.5, acc0=1.0, steps=100)
    a, r = s["adagrad"], s["rmsprop"]
    assert a.reached < 0 and r.reached < 0
    assert notices[1] == Notice("adaptive.notice_neither", common(a, r, 0.01, 0.5, 100))


def test_rmsprop_hopping_is_said_with_its_peak():
    """At 0.1 on the ravine RMSprop arrives, then its loss jumps back up by decades."""
    s, notices = said("ravine", lr=0.1)
    r = s["rmsprop"]
    assert r.reached >= 0 and r.hops and r.hop_peak > 1e-3
    assert keys(notices)[2] == "adaptive.notice_rmsprop_hops"
    assert notices[2] == Notice(
        "adaptive.notice_rmsprop_hops", {"r_reach": r.reached, "peak": Number(r.hop_peak, 2)}
    )


@pytest.mark.parametrize(("lr", "diverged"), [(100.0, ["rmsprop"]), (1e4, ["adagrad", "rmsprop"])])
def test_a_diverged_adaptive_run_gets_a_sentence_each(lr, diverged):
    """Far beyond the page's rates (its largest is 2) the adaptive runs leave the map too:
    one sentence per diverged run, with the step, instead of the comparison."""
    s, notices = said("ravine", lr=lr, steps=50)
    assert [n for n in NAMES[:2] if s[n].diverged_at is not None] == diverged
    sentences = [n for n in notices if n.key == "adaptive.notice_diverged"]
    assert [(n["name"], n["step"]) for n in sentences] == [
        (LABELS[name], s[name].diverged_at) for name in diverged
    ]
    assert dict(sentences[0].values) == common(s["adagrad"], s["rmsprop"], lr, 0.9, 50) | {
        "name": LABELS[diverged[0]],
        "step": s[diverged[0]].diverged_at,
    }
    assert "adaptive.notice_rmsprop_hops" not in keys(notices)
    if lr == 1e4:
        assert s["adam"].diverged_at is not None
        assert (
            Notice(
                "adaptive.notice_adam_diverged", {"step": s["adam"].diverged_at, "lr": Number(lr)}
            )
            in notices
        )


def test_hidden_companions_say_nothing():
    _, notices = said("ravine", shown=("adagrad", "rmsprop"))
    assert keys(notices) == ["adaptive.notice_axes", "adaptive.notice_crawl"]
