"""lessons.descent_facts: the numbers the descent lessons state, checked against formulas, finite
differences and runs (seeded, no Streamlit)."""

import math

import numpy as np
import pytest

from lessons import descent_facts
from sim import descent
from sim.optimizers import make_optimizer
from sim.surfaces import get_surface


def gd(surface, lr, start, steps, **kw):
    s = get_surface(surface)
    return s, descent.run(s, make_optimizer("sgd", learning_rate=lr, **kw), start, steps)


def test_reversals_count_turn_backs():
    # bowl f = x^2 + y^2: x <- (1 - 2 lr) x; lr 0.9 flips the sign every step
    _, zig = gd("bowl", 0.9, (1.0, 0.5), 20)
    assert descent_facts.reversals(zig) == 19
    _, straight = gd("bowl", 0.2, (1.0, 0.5), 20)
    assert descent_facts.reversals(straight) == 0


def test_progress_and_outcome_kinds():
    s, slow = gd("bowl", 0.001, (2.0, 0.0), 10)
    # x_k = 2 (1 - 0.002)^k, f = x^2, min 0: progress = 1 - (1 - 0.002)^20
    assert descent_facts.progress(slow, s) == pytest.approx(1 - 0.998**20)
    assert descent_facts.outcome(slow, s).kind == "moving"
    _, good = gd("bowl", 0.3, (2.0, 0.0), 60)
    out = descent_facts.outcome(good, s)
    assert out.kind == "reached" and out.minimum == 0
    assert out.step == descent.steps_to_reach(good, s)
    _, bad = gd("bowl", 1.5, (2.0, 0.0), 60)
    out = descent_facts.outcome(bad, s)
    assert out.kind == "diverged" and out.step == bad.diverged_at
    assert math.isfinite(out.final_loss)
    assert descent_facts.finite_length(bad) == bad.diverged_at


def test_critical_rate_is_two_over_the_largest_hessian_eigenvalue():
    s = get_surface("rosenbrock")
    x, y, h = 0.3, 0.8, 1e-4
    fd = np.empty((2, 2))
    for i, (dx, dy) in enumerate(((h, 0), (0, h))):
        gp = np.array(s.grad(x + dx, y + dy), float)
        gm = np.array(s.grad(x - dx, y - dy), float)
        fd[:, i] = (gp - gm) / (2 * h)
    top = np.linalg.eigvalsh((fd + fd.T) / 2)[-1]
    assert descent_facts.critical_rate(s, x, y) == pytest.approx(2 / top, rel=1e-5)
    # downward curvature everywhere at Himmelblau's central peak: no limit
    assert descent_facts.critical_rate(get_surface("himmelblau"), -0.27, -0.92) is None


def test_rate_regime_matches_the_quadratic_factor():
    """On the bowl (curvature 2) each step multiplies the offset by 1 - 2 lr."""
    s = get_surface("bowl")
    crit = descent_facts.critical_rate(s, 1.0, 1.0)
    assert crit == pytest.approx(1.0)
    assert descent_facts.is_quadratic(s) and descent_facts.is_quadratic(get_surface("ravine"))
    assert not descent_facts.is_quadratic(get_surface("rosenbrock"))
    for lr, regime in ((0.3, "smooth"), (0.5, "smooth"), (0.7, "zigzag"), (1.0, "diverge")):
        assert descent_facts.rate_regime(lr, crit) == regime
        factor = 1 - 2 * lr
        assert (factor >= 0) == (regime == "smooth")
        assert (abs(factor) >= 1) == (regime == "diverge")
    assert descent_facts.rate_regime(0.1, None) == "unknown"
    # and the runs agree: just below the limit it settles, just above it diverges
    assert descent_facts.outcome(gd("bowl", 0.95, (2.0, 1.0), 300)[1], s).kind == "reached"
    assert descent_facts.outcome(gd("bowl", 1.05, (2.0, 1.0), 300)[1], s).kind == "diverged"


def test_minimum_odds():
    assert descent_facts.minimum_odds_log10(1) == pytest.approx(math.log10(0.5))
    assert 10 ** descent_facts.minimum_odds_log10(2) == pytest.approx(0.25)


def test_momentum_regimes_on_the_two_valleys():
    """GD at lr 0.1 stops in the local well; momentum 0.9 rolls through into the global one."""
    s = get_surface("local_minima")
    start = s.default_start
    _, plain = gd("local_minima", 0.1, start, 300)
    facts = descent_facts.momentum_regime(plain, s)
    assert facts.regime == "trapped" and facts.passes == 0
    _, rolled = gd("local_minima", 0.1, start, 300, momentum=0.9)
    facts = descent_facts.momentum_regime(rolled, s)
    assert facts.regime in ("enough", "too_much")
    assert s.minima[facts.outcome.minimum].kind == "global"
    assert facts.passes == descent_facts.crossings(rolled, s, facts.outcome.minimum)


def test_global_names_a_unique_deepest_minimum_only():
    himmelblau = get_surface("himmelblau")
    assert [descent_facts.minimum_kind(himmelblau, i) for i in range(4)] == [("shared", 4)] * 4
    saddle = get_surface("saddle")
    assert descent_facts.minimum_kind(saddle, 0) == ("shared", 2)
    wells = get_surface("local_minima")
    kinds = [descent_facts.minimum_kind(wells, i)[0] for i in range(len(wells.minima))]
    assert kinds == [m.kind for m in wells.minima] and kinds.count("global") == 1
    assert descent_facts.minimum_kind(get_surface("bowl"), 0) == ("global", 1)


def test_a_settled_run_cites_the_value_at_its_settling_step():
    s, good = gd("bowl", 0.1, (-2.4, 2.0), 60)
    out = descent_facts.outcome(good, s)
    assert out.kind == "reached" and out.step < 60
    assert out.step_loss == good.loss[out.step] and out.step_loss > 100 * out.final_loss
    _, slow = gd("bowl", 0.001, (2.0, 0.0), 10)
    assert descent_facts.outcome(slow, s).step_loss == slow.loss[-1]
