"""Synthetic data sets, train/validation/test splits, k-fold cross-validation.

``make_dataset(name, n, noise=None, seed=0, **kw) -> (x, y)``:

==========  ==========  =======  =============  =============================================
name        task        classes  default noise  shape and extra arguments
==========  ==========  =======  =============  =============================================
moons       binary      2        0.1            two interleaving half circles
circles     binary      2        0.05           a ring around a disc; ``factor=0.5``
xor         binary      2        0.05           uniform in [-1, 1]^2, 1 where the signs differ
spiral      multiclass  3        0.05           ``classes=3`` arms, ``turns=0.75``
blobs       multiclass  3        0.5            ``centers=3`` (count or (k, 2) array) on a
                                                circle of ``radius=2.0``
sine        regression  -        0.1            x ~ U(-pi, pi), y = sin(x)
line        regression  -        0.5            x ~ U(-2, 2), y = w x + b, ``w=2.0, b=-1.0``
==========  ==========  =======  =============  =============================================

``x`` is float64 ``(n, d)`` (``(n, 1)`` for sine and line); ``y`` is ``(n,)``: int64 labels
for classification, float64 for regression. ``noise`` is the standard deviation of Gaussian
noise added to the inputs (classification) or to ``y`` (regression). Samples come in a random
seeded order, so the tail used by ``validation_split`` is a fair sample.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

import numpy as np

from sim.nn.batching import check_seed, epoch_order, updates_per_epoch


@dataclass(frozen=True)
class DatasetInfo:
    name: str
    task: str  # "binary", "multiclass" or "regression"
    n_classes: int | None  # None for regression; the default for spiral and blobs
    noise: float  # default standard deviation of the noise
    n_features: int
    description: str
    defaults: Mapping = field(default_factory=dict)  # extra keyword arguments and defaults

    def __post_init__(self) -> None:
        # read-only, so the shared registry cannot be changed by one visitor's code
        object.__setattr__(self, "defaults", MappingProxyType(dict(self.defaults)))


DATASETS = MappingProxyType(
    {
        info.name: info
        for info in (
            DatasetInfo("moons", "binary", 2, 0.1, 2, "two interleaving half circles"),
            DatasetInfo("circles", "binary", 2, 0.05, 2, "a ring around a disc", {"factor": 0.5}),
            DatasetInfo(
                "xor",
                "binary",
                2,
                0.05,
                2,
                "uniform square; class 1 where the coordinates' signs differ",
            ),
            DatasetInfo(
                "spiral",
                "multiclass",
                3,
                0.05,
                2,
                "interleaved spiral arms",
                {"classes": 3, "turns": 0.75},
            ),
            DatasetInfo(
                "blobs",
                "multiclass",
                3,
                0.5,
                2,
                "Gaussian clusters on a circle",
                {"centers": 3, "radius": 2.0},
            ),
            DatasetInfo("sine", "regression", None, 0.1, 1, "y = sin(x) + noise"),
            DatasetInfo(
                "line", "regression", None, 0.5, 1, "y = w x + b + noise", {"w": 2.0, "b": -1.0}
            ),
        )
    }
)


def dataset_info(name: str) -> DatasetInfo:
    key = str(name).lower()
    if key not in DATASETS:
        raise ValueError(f"unknown data set {name!r}; choose one of {sorted(DATASETS)}")
    return DATASETS[key]


def make_dataset(name: str, n: int, noise: float | None = None, seed: int = 0, **kw):
    """``(x, y)`` of the data set ``name`` with ``n`` samples (see the module table)."""
    info = dataset_info(name)
    if isinstance(n, bool) or not isinstance(n, int | np.integer) or n < 1:
        raise ValueError(f"n must be an integer >= 1, got {n!r}")
    n = int(n)
    noise = info.noise if noise is None else float(noise)
    if not np.isfinite(noise) or noise < 0:
        raise ValueError(f"noise must be a finite number >= 0, got {noise!r}")
    unknown = set(kw) - set(info.defaults)
    if unknown:
        raise ValueError(
            f"{info.name} takes {sorted(info.defaults) or 'no'} extra arguments, "
            f"not {sorted(unknown)}"
        )
    options = {**info.defaults, **kw}
    rng = np.random.default_rng(check_seed(seed))
    x, y = _MAKERS[info.name](rng, n, noise, **options)
    order = rng.permutation(n)
    x = np.ascontiguousarray(x[order], dtype=np.float64)
    y = y[order].astype(np.float64 if info.task == "regression" else np.int64)
    return x, y


def _split_counts(n: int, k: int) -> np.ndarray:
    """n items into k groups, sizes differing by at most one."""
    return np.full(k, n // k) + (np.arange(k) < n % k)


def _moons(rng, n, noise):
    n_out = n // 2
    n_in = n - n_out
    t_out = np.linspace(0, np.pi, n_out)
    t_in = np.linspace(0, np.pi, n_in)
    x = np.concatenate(
        [
            np.column_stack([np.cos(t_out), np.sin(t_out)]),
            np.column_stack([1 - np.cos(t_in), 1 - np.sin(t_in) - 0.5]),
        ]
    )
    y = np.concatenate([np.zeros(n_out), np.ones(n_in)])
    return x + rng.normal(0.0, noise, x.shape), y


def _circles(rng, n, noise, factor):
    if not 0 < factor < 1:
        raise ValueError(f"factor must be in (0, 1), got {factor!r}")
    n_out = n // 2
    n_in = n - n_out
    t_out = np.linspace(0, 2 * np.pi, n_out, endpoint=False)
    t_in = np.linspace(0, 2 * np.pi, n_in, endpoint=False)
    x = np.concatenate(
        [
            np.column_stack([np.cos(t_out), np.sin(t_out)]),
            factor * np.column_stack([np.cos(t_in), np.sin(t_in)]),
        ]
    )
    y = np.concatenate([np.zeros(n_out), np.ones(n_in)])
    return x + rng.normal(0.0, noise, x.shape), y


def _xor(rng, n, noise):
    clean = rng.uniform(-1.0, 1.0, size=(n, 2))
    y = (clean[:, 0] * clean[:, 1] < 0).astype(float)
    return clean + rng.normal(0.0, noise, clean.shape), y


def _spiral(rng, n, noise, classes, turns):
    classes = int(classes)
    if classes < 2:
        raise ValueError(f"classes must be >= 2, got {classes!r}")
    xs, ys = [], []
    for j, m in enumerate(_split_counts(n, classes)):
        r = np.linspace(0.1, 1.0, m)  # radius grows along the arm
        theta = 2 * np.pi * (j / classes + turns * r)
        xs.append(np.column_stack([r * np.cos(theta), r * np.sin(theta)]))
        ys.append(np.full(m, j))
    x = np.concatenate(xs)
    return x + rng.normal(0.0, noise, x.shape), np.concatenate(ys)


def _blobs(rng, n, noise, centers, radius):
    if np.ndim(centers) == 0:
        k = int(centers)
        if k < 1:
            raise ValueError(f"centers must be >= 1, got {centers!r}")
        angles = 2 * np.pi * np.arange(k) / k
        centers = radius * np.column_stack([np.cos(angles), np.sin(angles)])
    centers = np.asarray(centers, dtype=np.float64)
    if centers.ndim != 2:
        raise ValueError("centers must be a count or a (k, d) array")
    counts = _split_counts(n, len(centers))
    y = np.repeat(np.arange(len(centers)), counts)
    x = centers[y] + rng.normal(0.0, noise, (n, centers.shape[1]))
    return x, y


def _sine(rng, n, noise):
    x = rng.uniform(-np.pi, np.pi, size=(n, 1))
    return x, np.sin(x[:, 0]) + rng.normal(0.0, noise, n)


def _line(rng, n, noise, w, b):
    x = rng.uniform(-2.0, 2.0, size=(n, 1))
    return x, w * x[:, 0] + b + rng.normal(0.0, noise, n)


_MAKERS = MappingProxyType(
    {
        "moons": _moons,
        "circles": _circles,
        "xor": _xor,
        "spiral": _spiral,
        "blobs": _blobs,
        "sine": _sine,
        "line": _line,
    }
)


# ---------------------------------------------------------------------------------------
# splits


def train_val_test_split(
    x, y, val_fraction: float = 0.2, test_fraction: float = 0.2, seed: int = 0
) -> dict:
    """Shuffle (seeded) and cut into train / validation / test.

    Sizes: ``n_test = round(n * test_fraction)``, ``n_val = round(n * val_fraction)``, the
    rest is training (at least one sample). Returns a dict with ``x_train, y_train, x_val,
    y_val, x_test, y_test`` and the row indices ``idx_train, idx_val, idx_test`` into the
    given arrays (for drawing the split). The mock-exam story: train = mock exams 1-4,
    validation = mock exam 5, test = last year's exam, looked at once at the end.
    """
    x, y = np.asarray(x), np.asarray(y)
    n = len(x)
    if len(y) != n:
        raise ValueError(f"x has {n} samples but y has {len(y)}")
    for f, what in ((val_fraction, "val_fraction"), (test_fraction, "test_fraction")):
        if not 0.0 <= f < 1.0:
            raise ValueError(f"{what} must be in [0, 1), got {f!r}")
    n_test = round(n * test_fraction)
    n_val = round(n * val_fraction)
    n_train = n - n_val - n_test
    if n_train < 1:
        raise ValueError(f"{n} samples leave no training data with these fractions")
    order = np.random.default_rng(check_seed(seed)).permutation(n)
    idx = {
        "train": order[:n_train],
        "val": order[n_train : n_train + n_val],
        "test": order[n_train + n_val :],
    }
    out = {}
    for part, rows in idx.items():
        out[f"x_{part}"], out[f"y_{part}"], out[f"idx_{part}"] = x[rows], y[rows], rows
    return out


def kfold(n: int, k: int = 5, seed: int = 0) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """Yield ``(train_idx, val_idx)`` for each of ``k`` folds, like scikit-learn's
    ``KFold(n_splits=k, shuffle=True)``: the rows are permuted (seeded), then cut into k
    consecutive folds, the first ``n % k`` one sample longer. Validation folds are disjoint
    and cover all n rows; both index arrays are sorted."""
    if isinstance(k, bool) or not isinstance(k, int | np.integer):
        raise ValueError(f"k must be an integer, got {k!r}")
    if not 2 <= k <= n:
        raise ValueError(f"k must satisfy 2 <= k <= n (n={n}), got k={k}")
    order = np.random.default_rng(check_seed(seed)).permutation(n)
    stops = np.cumsum(_split_counts(n, k))
    start = 0
    for stop in stops:
        in_fold = np.zeros(n, dtype=bool)
        in_fold[order[start:stop]] = True
        yield np.flatnonzero(~in_fold), np.flatnonzero(in_fold)
        start = stop


class FoldScores:
    """Summary of per-fold ``scores`` and ``times``, shared by the cross-validation records."""

    scores: list[float]
    times: list[float]

    @property
    def mean(self) -> float:
        return float(np.mean(self.scores))

    @property
    def std(self) -> float:
        """Population standard deviation (ddof=0)."""
        return float(np.std(self.scores))

    @property
    def total_time(self) -> float:
        return float(sum(self.times))


@dataclass
class CVResult(FoldScores):
    """Per-fold outcome of ``cross_validate``. ``scores[i]`` is fold i's validation score
    (``score_name``: the first compiled metric, else the loss); ``mean`` and ``std``
    (population, ddof=0) summarise them; ``times`` are seconds per fold (B14: k trainings)."""

    histories: list
    scores: list[float]
    times: list[float]
    score_name: str
    folds: list[tuple[np.ndarray, np.ndarray]]
    reset: bool


def cross_validate(
    build_model: Callable,
    x,
    y,
    k: int = 5,
    fit_kwargs: dict | None = None,
    seed: int = 0,
    reset: bool = True,
) -> CVResult:
    """k-fold cross-validation: for each fold, train on the other folds (with the fold as
    ``validation_data``, so every fold has its curves) and score the fold.

    ``build_model()`` must return a compiled model. ``reset=True`` builds a fresh model for
    every fold, as it must be. ``reset=False`` deliberately keeps training ONE model across
    the folds: from the second fold on, the validation rows were training rows of an earlier
    fold, so the scores look better than the model is (leakage), which is the lesson.
    Each fold's fit gets ``seed=seed + fold`` unless ``fit_kwargs`` has a seed.
    """
    x, y = np.asarray(x), np.asarray(y)
    fit_kwargs = dict(fit_kwargs or {})
    for banned in ("validation_data", "validation_split"):
        if banned in fit_kwargs:
            raise ValueError(f"cross_validate sets the validation fold itself; drop {banned}")
    histories, scores, times, folds = [], [], [], []
    model = None if reset else build_model()
    score_name = "loss"
    for i, (tr, va) in enumerate(kfold(len(x), k, seed)):
        t0 = time.perf_counter()
        if reset:
            model = build_model()
        kwargs = {"seed": seed + i, **fit_kwargs}
        hist = model.fit(x[tr], y[tr], validation_data=(x[va], y[va]), **kwargs)
        result = model.evaluate(x[va], y[va], return_dict=True)
        times.append(time.perf_counter() - t0)
        score_name = model.metrics[0].name if model.metrics else "loss"
        scores.append(float(result[score_name]))
        histories.append(hist)
        folds.append((tr, va))
    return CVResult(histories, scores, times, score_name, folds, reset)


def mock_exam_batches(
    n_questions: int = 100,
    batch_size: int = 10,
    epoch: int = 0,
    seed: int = 0,
    shuffle: bool = True,
) -> tuple[np.ndarray, int]:
    """For the mock-exam grid: ``(batch_of, updates)`` where ``batch_of[q]`` is the batch
    (0-based) in which question ``q`` is answered during epoch ``epoch``, and ``updates`` is
    the number of weight updates of the epoch, ``ceil(n / batch_size)``.

    The order is exactly ``fit``'s: ``model.fit(x, y, batch_size, seed=seed)`` on
    ``n_questions`` rows (no validation split) answers the questions in this order."""
    updates = updates_per_epoch(n_questions, batch_size)
    order = epoch_order(n_questions, seed, epoch, shuffle)
    batch_of = np.empty(n_questions, dtype=np.int64)
    batch_of[order] = np.arange(n_questions) // batch_size
    return batch_of, updates
