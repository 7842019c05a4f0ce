"""Surfaces: analytic gradients and Hessians against central finite differences, listed
minima really are minima, and the local-minima story the momentum lesson tells."""

import numpy as np
import pytest

from sim import descent, surfaces
from sim.optimizers import make_optimizer
from sim.surfaces import SURFACES, get_surface

NAMES = sorted(SURFACES)
REQUIRED = {"bowl", "ravine", "rosenbrock", "himmelblau", "saddle", "local_minima"}


def sample_points(surface, n=40, seed=0):
    (x0, x1), (y0, y1) = surface.bounds
    rng = np.random.default_rng(seed)
    return rng.uniform(x0, x1, n), rng.uniform(y0, y1, n)


def test_required_surfaces_exist():
    assert set(SURFACES) >= REQUIRED
    with pytest.raises(ValueError):
        get_surface("nope")


@pytest.mark.parametrize("name", NAMES)
def test_gradient_matches_finite_differences(name):
    s = get_surface(name)
    x, y = sample_points(s)
    h = 1e-6
    gx, gy = s.grad(x, y)
    fd_x = (s.f(x + h, y) - s.f(x - h, y)) / (2 * h)
    fd_y = (s.f(x, y + h) - s.f(x, y - h)) / (2 * h)
    scale = 1 + np.abs(fd_x) + np.abs(fd_y)
    np.testing.assert_allclose(gx / scale, fd_x / scale, atol=1e-6)
    np.testing.assert_allclose(gy / scale, fd_y / scale, atol=1e-6)


@pytest.mark.parametrize("name", NAMES)
def test_value_and_grad_is_f_and_grad(name):
    """What a descent step calls (``value_and_grad``, one pass where a surface has
    ``f_and_grad``) gives what ``f`` and ``grad`` give, on points and on a grid; ``grad``
    itself is checked against finite differences above."""
    s = get_surface(name)
    x, y = sample_points(s, n=200, seed=3)
    for shape in ((200,), (20, 10)):
        xy = np.stack([x.reshape(shape), y.reshape(shape)], axis=-1)
        value, grad = s.value_and_grad(xy)
        gx, gy = s.grad(xy[..., 0], xy[..., 1])
        assert grad.shape == (*shape, 2)
        np.testing.assert_allclose(value, s.f(xy[..., 0], xy[..., 1]), rtol=1e-12, atol=1e-12)
        np.testing.assert_allclose(grad[..., 0], gx, rtol=1e-12, atol=1e-12)
        np.testing.assert_allclose(grad[..., 1], gy, rtol=1e-12, atol=1e-12)


def test_the_curved_surfaces_have_a_one_pass_gradient():
    fused = {name for name, s in SURFACES.items() if s.f_and_grad is not None}
    assert fused >= {"rosenbrock", "himmelblau", "beale", "local_minima"}


@pytest.mark.parametrize("name", NAMES)
def test_hessian_matches_finite_differences(name):
    s = get_surface(name)
    x, y = sample_points(s, seed=1)
    h = 1e-5
    fxx, fxy, fyy = (np.broadcast_to(v, x.shape) for v in s.hessian(x, y))
    gx_p, gy_p = s.grad(x + h, y)
    gx_m, gy_m = s.grad(x - h, y)
    _, gy_py = s.grad(x, y + h)
    _, gy_my = s.grad(x, y - h)
    scale = 1 + np.abs(fxx) + np.abs(fyy) + np.abs(fxy)
    np.testing.assert_allclose(fxx / scale, (gx_p - gx_m) / (2 * h) / scale, atol=1e-5)
    np.testing.assert_allclose(fxy / scale, (gy_p - gy_m) / (2 * h) / scale, atol=1e-5)
    np.testing.assert_allclose(fyy / scale, (gy_py - gy_my) / (2 * h) / scale, atol=1e-5)


@pytest.mark.parametrize("name", NAMES)
def test_listed_minima(name):
    s = get_surface(name)
    assert s.minima and {m.kind for m in s.minima} <= {"global", "local"}
    best = min(m.value for m in s.minima)
    (x0, x1), (y0, y1) = s.bounds
    for m in s.minima:
        assert x0 <= m.x <= x1 and y0 <= m.y <= y1
        assert np.hypot(*s.grad(m.x, m.y)) < 1e-8  # stationary
        fxx, fxy, fyy = (float(v) for v in s.hessian(m.x, m.y))
        assert np.all(np.linalg.eigvalsh([[fxx, fxy], [fxy, fyy]]) > 0)  # a true minimum
        assert m.value == pytest.approx(float(s.f(m.x, m.y)))
        assert (m.kind == "global") == (m.value <= best + 1e-9)
        assert m["x"] == m.x  # records read like dicts too
    # nothing in the window is lower than the global minimum
    _, _, Z = s.grid(300)
    assert Z.min() >= best - 1e-6
    assert s.description and isinstance(s.default_start, tuple)


def test_local_minima_story():
    """Plain GD from the default start settles in the local basin; momentum 0.9 at the same
    learning rate rolls out into the global one (the momentum lesson's default)."""
    s = get_surface("local_minima")
    lr = surfaces.LOCAL_MINIMA_LR
    kinds = [m.kind for m in s.minima]
    gd = descent.run(s, make_optimizer("sgd", learning_rate=lr), s.default_start, 400)
    mom = descent.run(s, make_optimizer("momentum", learning_rate=lr), s.default_start, 400)
    assert kinds[descent.basins(gd, s)] == "local"
    assert kinds[descent.basins(mom, s)] == "global"
    assert gd.loss[-1] > mom.loss[-1]


def test_saddle_is_a_saddle():
    s = get_surface("saddle")
    ((sx, sy),) = s.saddles
    assert np.hypot(*s.grad(sx, sy)) == 0
    fxx, fxy, fyy = (float(v) for v in s.hessian(sx, sy))
    eig = np.linalg.eigvalsh([[fxx, fxy], [fxy, fyy]])
    assert eig[0] < 0 < eig[1]


def test_curvature_of_quadratics():
    assert get_surface("bowl").curvature(1.0, 2.0) == pytest.approx(2.0)
    assert get_surface("ravine").curvature(-3.0, 1.0) == pytest.approx(2.0)


def test_default_learning_rates_suit_their_surfaces():
    """Plain GD at a surface's default rate, from its default start, descends without
    diverging, and twice that rate still does not diverge (a margin to the edge). Beale is
    the exception on record: from its start (-3, 3) every rate the lessons offer diverges
    within 2 steps, so its default is the smallest (its start is the lead's call)."""
    from sim import descent
    from sim.optimizers import make_optimizer

    for name, s in SURFACES.items():
        lr = s.default_learning_rate
        run = descent.run(s, make_optimizer("sgd", learning_rate=lr), s.default_start, 300)
        double = descent.run(s, make_optimizer("sgd", learning_rate=2 * lr), s.default_start, 300)
        if name == "beale":
            assert lr == 0.001 and run.diverged_at is not None
            continue
        assert run.diverged_at is None and double.diverged_at is None, name
        assert run.loss[-1] < 0.5 * run.loss[0], name
