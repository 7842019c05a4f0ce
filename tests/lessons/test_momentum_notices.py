"""What the momentum lesson's two "what to notice" boxes say (``lessons.momentum``'s
``escape_notices`` and ``ravine_notices``), one test per branch, each against runs made with
``sim`` here: keys first, then every value against the run it cites."""

import pytest

from lessons import descent_facts
from lessons import momentum as momentum_lesson
from lessons.notices import Listing, Notice, Number, keys
from sim import descent
from sim.optimizers import make_optimizer
from sim.surfaces import LOCAL_MINIMA_LR, get_surface
from ui.page import words
from ui.text import Translator

V = get_surface("local_minima")
R = get_surface("ravine")
LABELS = {"gd": "GD", "mom": "momentum μ", "nag": "Nesterov μ"}


def run(surface, mu=0.0, nesterov=False, lr=LOCAL_MINIMA_LR, start=None, steps=150):
    opt = make_optimizer("sgd", learning_rate=lr, momentum=mu, nesterov=nesterov)
    return descent.run(surface, opt, start or surface.default_start, steps)


def demo(surface, mu, lr=LOCAL_MINIMA_LR, start=None, steps=150, nesterov=True):
    """The demo's runs keyed as the page keys them."""
    runs = {"gd": run(surface, 0.0, lr=lr, start=start, steps=steps)}
    runs["mom"] = run(surface, mu, lr=lr, start=start, steps=steps)
    if nesterov:
        runs["nag"] = run(surface, mu, True, lr=lr, start=start, steps=steps)
    return runs


def items(listed: Listing) -> list[Notice]:
    """The sentences of the runs' bulleted list, in order."""
    assert listed.style == "bullets"
    return list(listed.items)


def escape(mu, lr=LOCAL_MINIMA_LR, start=None, steps=150, sweep_momenta=None):
    runs = demo(V, mu, lr, start, steps)
    sweep = momentum_lesson.sweep(V, lr, start or V.default_start, steps)
    if sweep_momenta is not None:
        sweep = momentum_lesson.sweep(V, lr, start or V.default_start, steps, sweep_momenta)
    return runs, sweep, momentum_lesson.escape_notices(V, runs, LABELS, sweep, lr)


def outcome_values(traj, surface, name=None):
    out = descent_facts.outcome(traj, surface)
    values = {"steps": out.step, "f": Number(out.step_loss)}
    if name is not None:
        values |= {"name": name, "passes": descent_facts.momentum_regime(traj, surface).passes}
    return values


def test_default_escape_gd_trapped_momentum_escapes_nesterov_brakes():
    runs, sweep, notices = escape(0.9)
    assert keys(notices) == [
        "listing",
        "momentum.nesterov_brakes",
        "momentum.sweep_summary",
    ]
    gd, mom, nag = items(notices[0])
    assert (gd.key, mom.key, nag.key) == (
        "momentum.gd_local",
        "momentum.run_escaped",
        "momentum.run_trapped",
    )
    assert dict(gd.values) == outcome_values(runs["gd"], V)
    assert dict(mom.values) == outcome_values(runs["mom"], V, LABELS["mom"])
    assert dict(nag.values) == outcome_values(runs["nag"], V, LABELS["nag"])
    # the smallest Nesterov momentum that escapes, read off the sweep's own single runs
    need = min(m for m in momentum_lesson.SWEEP_MOMENTA if momentum_lesson.regime(
        run(V, m, True), V) == "enough")  # fmt: skip
    assert notices[1]["need"] == f"{need:.2f}"
    classic = sweep[~sweep["nesterov"]]
    enough = classic[classic["regime"] == "enough"]["momentum"]
    assert notices[2]["mom_enough"] == f"{enough.min():.2f}–{enough.max():.2f}"
    assert notices[2]["nag_enough"].startswith(f"{need:.2f}")


def test_a_sweep_where_nesterov_never_escapes_says_so():
    """Only momenta up to 0.9 swept: none of them gets Nesterov out of the dip."""
    _, sweep, notices = escape(0.9, sweep_momenta=[0.01 * i for i in range(91)])
    assert not (sweep["nesterov"] & (sweep["regime"] == "enough")).any()
    assert "momentum.nesterov_brakes_never" in keys(notices)
    assert notices[-1]["nag_enough"] == Notice("momentum.no_momenta")


def test_nesterov_escapes_where_momentum_is_too_much():
    runs, _, notices = escape(0.99, lr=0.5)
    assert momentum_lesson.regime(runs["nag"], V) == "enough"
    assert momentum_lesson.regime(runs["mom"], V) == "too_much"
    assert keys(notices)[1] == "momentum.nesterov_better"


@pytest.mark.parametrize(
    ("mu", "key"),
    [
        (0.5, "momentum.run_trapped"),
        (0.97, "momentum.run_too_much_late"),
        (0.98, "momentum.run_too_much_back"),
        (0.99, "momentum.run_too_much_swinging"),
    ],
)
def test_each_momentum_regime_has_its_sentence(mu, key):
    runs, _, notices = escape(mu)
    sentence = items(notices[0])[1]
    assert sentence.key == key
    assert dict(sentence.values) == outcome_values(runs["mom"], V, LABELS["mom"])
    out = descent_facts.outcome(runs["mom"], V)
    if key == "momentum.run_too_much_late":
        assert out.kind == "reached" and V.minima[out.minimum].kind == "global"
    if key == "momentum.run_too_much_back":
        assert out.kind == "reached" and V.minima[out.minimum].kind == "local"
    if key == "momentum.run_too_much_swinging":
        assert out.kind == "moving" and sentence["passes"] > 0


def test_gd_from_the_right_reaches_the_global_minimum():
    runs, _, notices = escape(0.9, start=(4.0, -3.0))
    gd = items(notices[0])[0]
    assert gd.key == "momentum.gd_global"
    assert dict(gd.values) == outcome_values(runs["gd"], V)


def test_too_few_steps_is_still_moving_not_too_much():
    runs, sweep, notices = escape(0.9, steps=5)
    gd, mom, _ = items(notices[0])
    assert gd.key == "momentum.gd_moving" and mom.key == "momentum.run_moving"
    assert dict(gd.values) == {"steps": 5, "f": Number(runs["gd"].loss[-1])}
    assert mom["f"] == Number(runs["mom"].loss[-1]) and mom["passes"] == 0
    assert set(sweep["regime"]) == {"moving"}
    assert notices[-1]["mom_enough"] == Notice("momentum.no_momenta")


def test_diverged_runs_and_sweep_are_named():
    """On the ravine at learning rate 2 every run diverges (the two valleys never do): each
    sentence names the step, and the sweep's divergence is said with the rate."""
    runs = demo(R, 0.5, lr=2.0, steps=100)
    sweep = momentum_lesson.sweep(R, 2.0, R.default_start, 100)
    notices = momentum_lesson.escape_notices(R, runs, LABELS, sweep, 2.0)
    for key, sentence in zip(("gd", "mom", "nag"), items(notices[0]), strict=True):
        assert sentence == Notice(
            "momentum.run_diverged",
            {"name": LABELS[key], "step": runs[key].diverged_at},
        )
    assert notices[-1] == Notice("momentum.sweep_diverged", {"lr": Number(2.0)})


def ravine(mu, lr=0.9, steps=100, nesterov=False):
    runs = demo(R, mu, lr, steps=steps, nesterov=nesterov)
    sweep = momentum_lesson.sweep(
        R, lr, R.default_start, steps, nesterov=None if nesterov else False
    )
    notices = momentum_lesson.ravine_notices(R, runs, LABELS, lr, mu, R.default_start, sweep)
    return runs, sweep, notices


def test_default_ravine_momentum_damps_the_zigzag():
    runs, _, notices = ravine(0.5)
    assert keys(notices) == ["listing", "momentum.ravine_why", "momentum.ravine_best"]
    gd, mom = items(notices[0])
    o_gd, o_mom = (descent_facts.outcome(runs[k], R) for k in ("gd", "mom"))
    assert gd == Notice(
        "momentum.ravine_gd",
        {"steps": o_gd.step, "turns": momentum_lesson.cross_turns(runs["gd"])},
    )
    assert o_mom.step < o_gd.step
    assert mom == Notice(
        "momentum.ravine_faster",
        {
            "name": LABELS["mom"],
            "steps": o_mom.step,
            "turns": momentum_lesson.cross_turns(runs["mom"]),
        },
    )
    # the fastest momentum: fewest steps to settle among the single runs of the grid
    settle = {
        m: descent_facts.outcome(run(R, m, lr=0.9, steps=100), R)
        for m in momentum_lesson.SWEEP_MOMENTA
    }
    reached = {m: o.step for m, o in settle.items() if o.kind == "reached"}
    best = min(reached, key=lambda m: (reached[m], m))
    assert notices[2] == Notice(
        "momentum.ravine_best", {"mu": f"{best:.2f}", "steps": reached[best]}
    )


def test_too_much_momentum_in_the_ravine_is_slower_and_nesterov_diverges():
    runs, _, notices = ravine(0.9, nesterov=True)
    _, mom, nag = items(notices[0])
    o_gd, o_mom = (descent_facts.outcome(runs[k], R) for k in ("gd", "mom"))
    assert o_mom.step >= o_gd.step
    assert mom == Notice(
        "momentum.ravine_slower",
        {
            "name": LABELS["mom"],
            "steps": o_mom.step,
            "turns": momentum_lesson.cross_turns(runs["mom"]),
            "gd": o_gd.step,
        },
    )
    limit = 2 * 1.9 / (2.8 * R.curvature(*R.default_start))  # 2(1+μ)/((1+2μ) c)
    assert nag.key == "momentum.ravine_diverged_nag"
    assert nag["step"] == runs["nag"].diverged_at
    assert nag["limit"].value == pytest.approx(limit) and nag["limit"].digits == 3
    assert nag["lr"] == Number(0.9)


def test_ravine_divergence_cites_the_stability_limits():
    runs, _, notices = ravine(0.5, lr=2.0)
    gd, mom = items(notices[0])
    c = R.curvature(*R.default_start)
    assert gd == Notice(
        "momentum.ravine_diverged_gd",
        {
            "name": "GD",
            "step": runs["gd"].diverged_at,
            "lr": Number(2.0),
            "limit": Number(2 / c, 3),
        },
    )
    assert mom["step"] == runs["mom"].diverged_at
    assert mom["limit"] == Number(2 * 1.5 / c, 3)
    assert "momentum.ravine_why" not in keys(notices)


def test_a_short_ravine_run_has_not_settled():
    runs, _, notices = ravine(0.5, steps=5)
    gd, _ = items(notices[0])
    assert gd == Notice(
        "momentum.ravine_moving",
        {"name": "GD", "steps": 5, "turns": momentum_lesson.cross_turns(runs["gd"])},
    )
    assert "momentum.ravine_why" not in keys(notices)
    assert "momentum.ravine_best" not in keys(notices)


def test_a_list_is_written_as_one_markdown_list_in_both_languages():
    _, _, notices = escape(0.9)
    for lang in ("en", "ko"):
        t = Translator(lang)
        lines = [words(t, sentence) for sentence in items(notices[0])]
        assert words(t, notices[0]) == "\n".join(f"- {line}" for line in lines)
