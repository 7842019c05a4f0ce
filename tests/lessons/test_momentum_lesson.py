"""Unit tests of lessons/momentum.py: the sweep's rows equal SGD run one by one, its
regimes, the force decomposition, the zig-zag count and the stability
limits (checked against runs on the quadratic ravine)."""

import numpy as np
import pytest

from charts import momentum as momentum_charts
from lessons import descent_facts
from lessons import momentum as momentum_lesson
from sim import descent
from sim.optimizers import make_optimizer
from sim.surfaces import LOCAL_MINIMA_LR, get_surface

V = get_surface("local_minima")
R = get_surface("ravine")


def single(surface, mu, nesterov=False, lr=LOCAL_MINIMA_LR, start=None, steps=150):
    """The run ``descent.run`` gives for one momentum, on its own."""
    opt = make_optimizer("sgd", learning_rate=lr, momentum=mu, nesterov=nesterov)
    return descent.run(surface, opt, start or surface.default_start, steps)


@pytest.mark.parametrize(
    ("surface", "lr", "steps"), [(V, LOCAL_MINIMA_LR, 150), (V, 0.5, 150), (R, 2.0, 60)]
)
def test_sweep_rows_are_the_single_runs(surface, lr, steps):
    """Every row of ``sweep`` (the engine's vectorized SGD sweep, one per Nesterov flag) is
    what the single ``descent.run`` with that momentum says: its regime, minimum, settling
    step, passes, final loss and divergence, to the bit."""
    mus = (0.0, 0.3, 0.5, 0.9, 0.95, 0.98, 0.99)
    frame = momentum_lesson.sweep(surface, lr, surface.default_start, steps, momenta=mus)
    assert len(frame) == 2 * len(mus)
    for rec in frame.itertuples():
        traj = single(surface, rec.momentum, rec.nesterov, lr=lr, steps=steps)
        out = descent_facts.outcome(traj, surface)
        assert rec.regime == momentum_lesson.regime(traj, surface)
        assert rec.reached == (out.minimum if out.kind == "reached" else -1)
        assert rec.settle == (out.step if out.kind == "reached" else -1)
        assert rec.passes == descent_facts.momentum_regime(traj, surface).passes
        assert rec.final_loss == out.final_loss or (
            np.isnan(rec.final_loss) and np.isnan(out.final_loss)
        )
        assert rec.diverged_at == (-1 if traj.diverged_at is None else traj.diverged_at)


def test_sweep_rejects_a_momentum_of_one():
    with pytest.raises(ValueError):
        momentum_lesson.sweep(V, 0.1, V.default_start, 10, momenta=(0.5, 1.0))


def test_sweep_matches_single_runs():
    mus = (0.0, 0.5, 0.9, 0.98)
    frame = momentum_lesson.sweep(V, LOCAL_MINIMA_LR, V.default_start, 150, momenta=mus)
    assert len(frame) == 2 * len(mus)
    for rec in frame.itertuples():
        traj = descent.run(
            V,
            make_optimizer(
                "sgd",
                learning_rate=LOCAL_MINIMA_LR,
                momentum=rec.momentum,
                nesterov=rec.nesterov,
            ),
            V.default_start,
            150,
        )
        assert rec.regime == momentum_lesson.regime(traj, V)
        assert rec.settle == descent_facts.outcome(traj, V).step or rec.settle == -1
    classic = frame[~frame["nesterov"]].set_index("momentum")["regime"]
    assert classic[0.0] == "trapped" and classic[0.9] == "enough" and classic[0.98] == "too_much"
    assert frame[frame["nesterov"]].set_index("momentum")["regime"][0.9] == "trapped"


def test_sweep_is_capped_and_one_sided():
    frame = momentum_lesson.sweep(R, 0.9, R.default_start, 20, momenta=[0.5] * 300, nesterov=False)
    assert len(frame) == momentum_lesson.MAX_SWEEP_MOMENTA and not frame["nesterov"].any()


def test_regime_ranges_merge_neighbours():
    import pandas as pd

    frame = pd.DataFrame(
        {
            "nesterov": [False] * 5,
            "momentum": [0.0, 0.01, 0.02, 0.03, 0.04],
            "regime": ["trapped", "trapped", "enough", "trapped", "trapped"],
        }
    )
    assert momentum_lesson.regime_ranges(frame, False, "trapped") == [(0.0, 0.01), (0.03, 0.04)]
    assert momentum_lesson.regime_ranges(frame, False, "enough") == [(0.02, 0.02)]
    assert momentum_lesson.regime_ranges(frame, True, "enough") == []


def test_forces_sum_to_the_next_step():
    mu, lr = 0.9, 0.1
    traj = descent.run(V, make_optimizer("sgd", learning_rate=lr, momentum=mu), (-4.5, 1.5), 30)
    inertia, push = momentum_lesson.forces(traj, 0, mu, lr)
    assert np.all(inertia == 0)
    for k in (0, 5, 17):
        inertia, push = momentum_lesson.forces(traj, k, mu, lr)
        np.testing.assert_allclose(inertia + push, traj.xy[k + 1] - traj.xy[k], atol=1e-12)
        np.testing.assert_allclose(push, -lr * np.array(V.grad(*traj.xy[k])), atol=1e-12)


def test_cross_turns_counts_the_zigzag():
    gd = descent.run(R, make_optimizer("sgd", learning_rate=0.9), R.default_start, 30)
    dy = np.diff(gd.xy[:, 1])
    big = dy[np.abs(dy) > 0.06]
    assert momentum_lesson.cross_turns(gd) == int(np.sum(np.sign(big[1:]) != np.sign(big[:-1])))
    assert momentum_lesson.cross_turns(gd) > 10  # GD at lr 0.9 flips side every step
    slow = descent.run(R, make_optimizer("sgd", learning_rate=0.1), R.default_start, 30)
    assert momentum_lesson.cross_turns(slow) == 0


@pytest.mark.parametrize(("kind", "mu"), [("gd", 0.0), ("momentum", 0.5), ("nesterov", 0.5)])
def test_stability_limits_match_runs(kind, mu):
    """Just below the limit the ravine run stays bounded; just above it diverges."""
    c = R.curvature(0, 0)
    limit = momentum_lesson.stability_limit(kind, mu, c)
    for factor, diverges in ((0.97, False), (1.03, True)):
        opt = make_optimizer(
            "sgd", learning_rate=limit * factor, momentum=mu, nesterov=kind == "nesterov"
        )
        traj = descent.run(R, opt, (0.0, 1.0), 400)
        assert (traj.diverged_at is not None) == diverges, (factor, traj.diverged_at)
    assert momentum_lesson.stability_limit("gd", 0, -1.0) is None


def test_arrow_scale_is_a_nice_number():
    traj = descent.run(V, make_optimizer("sgd", learning_rate=0.1, momentum=0.9), (-4.5, 1.5), 150)
    s = momentum_lesson.arrow_scale(traj, V.bounds)
    assert s >= 1 and s / 10 ** np.floor(np.log10(s)) in (1, 2, 5)
    still = descent.run(V, "sgd", (V.minima[0].x, V.minima[0].y), 5)
    assert momentum_lesson.arrow_scale(still, V.bounds) == 1.0


def test_short_runs_are_moving_not_too_much():
    short = descent.run(V, make_optimizer("sgd", learning_rate=0.1, momentum=0.9), (-4.5, 1.5), 5)
    assert descent_facts.momentum_regime(short, V).regime == "too_much"  # descent_facts lumps it in
    assert momentum_lesson.regime(short, V) == "moving"
    swinging = descent.run(
        V, make_optimizer("sgd", learning_rate=0.1, momentum=0.99), (-4.5, 1.5), 150
    )
    assert momentum_lesson.regime(swinging, V) == "too_much"
    frame = momentum_lesson.sweep(V, 0.1, (-4.5, 1.5), 5, momenta=(0.0, 0.9))
    assert set(frame["regime"]) == {"moving"}


def test_live_grid_is_the_sliders_and_each_row_is_the_single_run():
    """The μ slider offers ``LIVE_MOMENTA``: 30-40 values from 0 to 0.99 holding the
    demos' defaults and the lesson's examples; the browser's runs for them come from one
    vectorized sweep whose every row is bitwise the run ``descent.run`` gives."""
    grid = momentum_lesson.LIVE_MOMENTA
    assert 30 <= len(grid) <= 40 and grid[0] == 0.0 and grid[-1] == 0.99
    assert list(grid) == sorted(set(grid))
    assert {0.5, 0.8, 0.9, 0.97, 0.98, 0.99} <= set(grid) <= set(momentum_lesson.SWEEP_MOMENTA)
    surface = get_surface("local_minima")
    for nesterov in (False, True):
        sweep = descent.sweep(
            surface, "sgd", "momentum", grid, surface.default_start, 60,
            learning_rate=0.1, nesterov=nesterov,
        )  # fmt: skip
        for i in (0, 10, 26, 35):
            opt = make_optimizer("sgd", learning_rate=0.1, momentum=grid[i], nesterov=nesterov)
            single = descent.run(surface, opt, surface.default_start, 60)
            np.testing.assert_array_equal(sweep.xy[i], single.xy)
            np.testing.assert_array_equal(
                sweep.internals["velocity"][i], single.internals["velocity"]
            )


def test_sweep_charts_rule_follows_a_live_slider():
    """With ``live_values`` the dashed rule has one row per option (``run``) and the
    given filter picks the one under the slider's thumb."""
    surface = get_surface("local_minima")
    frame = momentum_lesson.sweep(surface, 0.1, surface.default_start, 20, momenta=(0.0, 0.5, 0.9))
    labels = {False: "m", True: "n"}
    regimes = {r: r for r in momentum_lesson.REGIMES}
    for chart in (
        momentum_charts.regime_strip(
            frame, labels, regimes, 0.5, "mu", "out",
            live_values=(0.0, 0.5, 0.9), live_filter="datum.run == k_run",
        ),
        momentum_charts.settle_chart(
            frame, labels, 0.5, "mu", "s", "run",
            live_values=(0.0, 0.5, 0.9), live_filter="datum.run == k_run",
        ),
    ):  # fmt: skip
        rule = chart.layer[-1]
        assert list(rule.data["momentum"]) == [0.0, 0.5, 0.9]
        assert list(rule.data["run"]) == [0, 1, 2]
        assert rule.transform[0].filter == "datum.run == k_run"
    plain = momentum_charts.regime_strip(frame, labels, regimes, 0.5, "mu", "out")
    assert list(plain.layer[-1].data["momentum"]) == [0.5]
