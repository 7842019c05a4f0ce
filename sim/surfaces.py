"""2D loss surfaces with analytic gradients (and Hessians, for the learning-rate lesson).

Each surface is a ``Surface`` record: ``f(x, y)`` and ``grad(x, y) -> (gx, gy)`` broadcast
over numpy arrays, plus the window to draw (``bounds``), where the ball starts
(``default_start``) and the minima a run can end in (``minima``, each ``global`` or
``local``). ``SURFACES`` maps names to surfaces; ``get_surface(name)`` looks one up.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

Array = np.ndarray | float


@dataclass(frozen=True)
class Minimum:
    """A listed minimum of a surface: where it is, its value and ``kind``."""

    x: float
    y: float
    value: float
    kind: str  # "global" or "local"

    def __getitem__(self, key: str):  # records read like dicts too: m["x"]
        return getattr(self, key)


@dataclass(frozen=True)
class Surface:
    """A function of two variables with what a lesson needs to draw and judge runs."""

    name: str
    description: str
    f: Callable[[Array, Array], Array]
    grad: Callable[[Array, Array], tuple[Array, Array]]
    hessian: Callable[[Array, Array], tuple[Array, Array, Array]]  # (fxx, fxy, fyy)
    bounds: tuple[tuple[float, float], tuple[float, float]]
    default_start: tuple[float, float]
    minima: list[Minimum]
    saddles: list[tuple[float, float]] = field(default_factory=list)
    log_scale: bool = False  # draw log(1 + f - f_min): for surfaces with huge walls
    # plain GD's learning rate for this surface from ``default_start``, one of the choices
    # the lessons offer (``ui.descent_view.LEARNING_RATES``): it descends without diverging,
    # with at least twice the margin to the smallest rate that diverges (where one exists);
    # a page starts its learning-rate control here, and the learner can push past the edge
    default_learning_rate: float = 0.1
    # ``(f, gx, gy)`` in one pass, sharing the terms ``f`` and ``grad`` both compute: the
    # inner loop of every descent calls it once per step (same values as f and grad)
    f_and_grad: Callable[[Array, Array], tuple[Array, Array, Array]] | None = None

    def value_and_grad(self, xy: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """``f`` and the gradient at points ``xy`` of shape ``(..., 2)``."""
        x, y = xy[..., 0], xy[..., 1]
        out = np.empty((*np.shape(x), 2))
        if self.f_and_grad is None:
            value = self.f(x, y)
            out[..., 0], out[..., 1] = self.grad(x, y)
        else:
            value, out[..., 0], out[..., 1] = self.f_and_grad(x, y)
        return value, out

    @property
    def min_value(self) -> float:
        return min(m.value for m in self.minima)

    def grid(self, n: int = 100) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``X, Y, Z`` on an ``n x n`` grid over ``bounds`` (rows are y, columns x)."""
        (x0, x1), (y0, y1) = self.bounds
        X, Y = np.meshgrid(np.linspace(x0, x1, n), np.linspace(y0, y1, n))
        return X, Y, self.f(X, Y)

    def curvature(self, x: float, y: float) -> float:
        """Largest eigenvalue of the Hessian at (x, y): plain GD is stable near a minimum
        only with ``learning_rate < 2 / curvature``."""
        fxx, fxy, fyy = (float(v) for v in self.hessian(x, y))
        return float(np.linalg.eigvalsh(np.array([[fxx, fxy], [fxy, fyy]]))[-1])


def _gradient_of(f_and_grad):
    """``grad`` of a surface that computes its value and gradient in one pass."""

    def grad(x, y):
        _, gx, gy = f_and_grad(x, y)
        return gx, gy

    return grad


# --- bowl: f = x^2 + y^2 ---------------------------------------------------------------
def _bowl_f(x, y):
    return x**2 + y**2


def _bowl_grad(x, y):
    return 2 * x, 2 * y


def _bowl_hess(x, y):
    one = np.ones_like(np.asarray(x, dtype=float))
    return 2 * one, 0 * one, 2 * one


# --- ravine: f = 0.05 x^2 + y^2 (curvatures 0.1 and 2: condition number 20) -------------
RAVINE_A, RAVINE_B = 0.05, 1.0


def _ravine_f(x, y):
    return RAVINE_A * x**2 + RAVINE_B * y**2


def _ravine_grad(x, y):
    return 2 * RAVINE_A * x, 2 * RAVINE_B * y


def _ravine_hess(x, y):
    one = np.ones_like(np.asarray(x, dtype=float))
    return 2 * RAVINE_A * one, 0 * one, 2 * RAVINE_B * one


# --- Rosenbrock: f = (1 - x)^2 + 100 (y - x^2)^2 -----------------------------------------
def _rosen_f(x, y):
    return (1 - x) ** 2 + 100 * (y - x**2) ** 2


def _rosen_f_and_grad(x, y):
    d, r = 1 - x, y - x * x
    return d * d + 100 * (r * r), -2 * d - 400 * x * r, 200 * r


_rosen_grad = _gradient_of(_rosen_f_and_grad)


def _rosen_hess(x, y):
    return 2 - 400 * (y - x**2) + 800 * x**2, -400 * x, 200 + 0 * x


# --- Himmelblau: f = (x^2 + y - 11)^2 + (x + y^2 - 7)^2 (four equal minima) --------------
def _himmel_f(x, y):
    return (x**2 + y - 11) ** 2 + (x + y**2 - 7) ** 2


def _himmel_f_and_grad(x, y):
    a, b = x * x + y - 11, x + y * y - 7
    return a * a + b * b, 4 * x * a + 2 * b, 2 * a + 4 * y * b


_himmel_grad = _gradient_of(_himmel_f_and_grad)


def _himmel_hess(x, y):
    return 12 * x**2 + 4 * y - 42, 4 * x + 4 * y, 4 * x + 12 * y**2 - 26


# --- saddle: f = x^2 / 2 + y^4 / 4 - y^2 / 2 (a saddle at 0 between minima at y = +-1) ---
def _saddle_f(x, y):
    return 0.5 * x**2 + 0.25 * y**4 - 0.5 * y**2


def _saddle_grad(x, y):
    return x, y**3 - y


def _saddle_hess(x, y):
    return 1 + 0 * x, 0 * x, 3 * y**2 - 1


# --- Beale: three squared terms, a flat floor and steep walls ----------------------------
_BEALE_C = (1.5, 2.25, 2.625)


def _beale_f(x, y):
    return sum((c - x + x * y ** (k + 1)) ** 2 for k, c in enumerate(_BEALE_C))


def _beale_f_and_grad(x, y):
    value = gx = gy = 0
    y_k = 1  # y ** k
    for k, c in enumerate(_BEALE_C):
        y_next = y_k * y  # y ** (k + 1)
        r = c - x + x * y_next
        value = value + r * r
        gx = gx + 2 * r * (y_next - 1)
        gy = gy + 2 * (k + 1) * r * x * y_k
        y_k = y_next
    return value, gx, gy


_beale_grad = _gradient_of(_beale_f_and_grad)


def _beale_hess(x, y):
    fxx = fxy = fyy = 0
    for k, c in enumerate(_BEALE_C):
        p = k + 1
        r = c - x + x * y**p
        rx, ry = y**p - 1, x * p * y ** (p - 1)
        rxy = p * y ** (p - 1)
        ryy = x * p * (p - 1) * y ** (p - 2) if p >= 2 else 0 * y
        fxx = fxx + 2 * rx * rx
        fxy = fxy + 2 * (rx * ry + r * rxy)
        fyy = fyy + 2 * (ry * ry + r * ryy)
    return fxx, fxy, fyy


# --- local minima: a bowl with a deep Gaussian well and a shallow one -------------------
# f = c (x^2 + y^2) - sum_i A_i exp(-((x - x_i)^2 + (y - y_i)^2) / (2 s_i^2))
# The shallow well sits between the start and the deep one, downhill of the start, so a
# ball without inertia settles in it; with momentum 0.9 it rolls over the rim. The story
# holds at the lesson's default learning rate LOCAL_MINIMA_LR (tests/sim/test_surfaces.py).
LOCAL_MINIMA_LR = 0.1
_LM_BOWL = 0.05
_LM_WELLS = ((2.0, 0.0, 2.0, 1.0), (-1.5, 0.5, 1.0, 0.6))  # (x_i, y_i, A_i, s_i): global, local


def _lm_terms(x, y):
    for xi, yi, a, s in _LM_WELLS:
        dx, dy = x - xi, y - yi
        yield dx, dy, a * np.exp(-(dx**2 + dy**2) / (2 * s * s)), s


def _lm_f(x, y):
    return _LM_BOWL * (x**2 + y**2) - sum(g for _, _, g, _ in _lm_terms(x, y))


def _lm_f_and_grad(x, y):
    value, gx, gy = _LM_BOWL * (x * x + y * y), 2 * _LM_BOWL * x, 2 * _LM_BOWL * y
    for dx, dy, g, s in _lm_terms(x, y):
        value = value - g
        gx = gx + g * dx / (s * s)
        gy = gy + g * dy / (s * s)
    return value, gx, gy


_lm_grad = _gradient_of(_lm_f_and_grad)


def _lm_hess(x, y):
    fxx, fxy, fyy = 2 * _LM_BOWL + 0 * x, 0 * x, 2 * _LM_BOWL + 0 * y
    for dx, dy, g, s in _lm_terms(x, y):
        s2 = s * s
        fxx = fxx + g * (1 / s2 - dx**2 / s2**2)
        fyy = fyy + g * (1 / s2 - dy**2 / s2**2)
        fxy = fxy - g * dx * dy / s2**2
    return fxx, fxy, fyy


def _polish(f, grad, hess, x, y, iterations=50):
    """Newton's method from a rough location: the listed minima are exact to ~1e-12."""
    for _ in range(iterations):
        gx, gy = grad(x, y)
        fxx, fxy, fyy = hess(x, y)
        dx, dy = np.linalg.solve(np.array([[fxx, fxy], [fxy, fyy]], float), [gx, gy])
        x, y = x - dx, y - dy
    return float(x), float(y), float(f(x, y))


def _minima(f, grad, hess, rough, polish=True):
    found = []
    for x, y, kind in rough:
        if polish:
            x, y, value = _polish(f, grad, hess, x, y)
        else:
            value = float(f(x, y))
        found.append(Minimum(x, y, value, kind))
    return found


def _build() -> dict[str, Surface]:
    b = _bowl_f, _bowl_grad, _bowl_hess
    r = _ravine_f, _ravine_grad, _ravine_hess
    ro = _rosen_f, _rosen_grad, _rosen_hess
    hi = _himmel_f, _himmel_grad, _himmel_hess
    sa = _saddle_f, _saddle_grad, _saddle_hess
    be = _beale_f, _beale_grad, _beale_hess
    lm = _lm_f, _lm_grad, _lm_hess
    return {
        "bowl": Surface(
            "bowl",
            "A round bowl: every step points straight at the one minimum.",
            *b,
            bounds=((-3.0, 3.0), (-3.0, 3.0)),
            default_start=(-2.4, 2.0),
            default_learning_rate=0.1,
            minima=_minima(*b, [(0.0, 0.0, "global")]),
        ),
        "ravine": Surface(
            "ravine",
            "A long narrow valley (curvature 20x steeper across than along): "
            "plain GD zig-zags across it.",
            *r,
            bounds=((-8.0, 8.0), (-3.0, 3.0)),
            default_start=(-7.0, 2.0),
            default_learning_rate=0.5,
            minima=_minima(*r, [(0.0, 0.0, "global")]),
        ),
        "rosenbrock": Surface(
            "rosenbrock",
            "Rosenbrock's banana: a curved flat valley, easy to find, slow to follow.",
            *ro,
            bounds=((-2.0, 2.0), (-1.0, 3.0)),
            default_start=(-1.5, 2.5),
            default_learning_rate=0.001,
            f_and_grad=_rosen_f_and_grad,
            minima=_minima(*ro, [(1.0, 1.0, "global")]),
            log_scale=True,
        ),
        "himmelblau": Surface(
            "himmelblau",
            "Himmelblau's function: four equally deep minima; the start "
            "decides which one you reach.",
            *hi,
            bounds=((-5.0, 5.0), (-5.0, 5.0)),
            default_start=(-0.3, -0.9),
            default_learning_rate=0.01,
            f_and_grad=_himmel_f_and_grad,
            minima=_minima(
                *hi,
                [
                    (3.0, 2.0, "global"),
                    (-2.805, 3.131, "global"),
                    (-3.779, -3.283, "global"),
                    (3.584, -1.848, "global"),
                ],
            ),
            log_scale=True,
        ),
        "saddle": Surface(
            "saddle",
            "A saddle point at the origin between two valleys: the slope "
            "vanishes there without it being a minimum.",
            *sa,
            bounds=((-3.0, 3.0), (-2.0, 2.0)),
            default_start=(-2.8, 0.01),
            default_learning_rate=0.1,
            minima=_minima(*sa, [(0.0, 1.0, "global"), (0.0, -1.0, "global")]),
            saddles=[(0.0, 0.0)],
        ),
        "beale": Surface(
            "beale",
            "Beale's function: a wide flat floor and steep walls, hard for a single learning rate.",
            *be,
            bounds=((-4.5, 4.5), (-4.5, 4.5)),
            default_start=(-3.0, 3.0),
            default_learning_rate=0.001,
            f_and_grad=_beale_f_and_grad,
            minima=_minima(*be, [(3.0, 0.5, "global")]),
            log_scale=True,
        ),
        "local_minima": Surface(
            "local_minima",
            "A deep global well and a shallow local one on the way to it: "
            "plain GD stops in the shallow one, momentum rolls through.",
            *lm,
            bounds=((-5.0, 5.0), (-4.0, 4.0)),
            default_start=(-4.5, 1.5),
            default_learning_rate=0.1,
            f_and_grad=_lm_f_and_grad,
            minima=_minima(*lm, [(2.0, 0.0, "global"), (-1.5, 0.5, "local")]),
        ),
    }


SURFACES: dict[str, Surface] = _build()


def get_surface(name: str) -> Surface:
    """The surface called ``name``; ``ValueError`` lists the names when it is unknown."""
    try:
        return SURFACES[name]
    except KeyError:
        raise ValueError(f"unknown surface {name!r}; choose one of {sorted(SURFACES)}") from None
