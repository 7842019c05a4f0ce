"""Data sets, splits, k-fold, cross-validation (with and without reset), mock-exam batches."""

import numpy as np
import pytest

from sim.datasets import (
    DATASETS,
    cross_validate,
    kfold,
    make_dataset,
    mock_exam_batches,
    train_val_test_split,
)
from sim.nn import Dense, Sequential
from sim.optimizers import make_optimizer


@pytest.mark.parametrize("name", sorted(DATASETS))
def test_shapes_types_and_seeds(name):
    info = DATASETS[name]
    x, y = make_dataset(name, 101, seed=3)
    assert x.dtype == np.float64 and x.shape == (101, info.n_features)
    assert y.shape == (101,)
    if info.task == "regression":
        assert y.dtype == np.float64
    else:
        assert y.dtype == np.int64 and set(np.unique(y)) == set(range(info.n_classes))
    x2, y2 = make_dataset(name, 101, seed=3)
    np.testing.assert_array_equal(x, x2)
    np.testing.assert_array_equal(y, y2)
    assert not np.array_equal(x, make_dataset(name, 101, seed=4)[0])


def test_random_order_and_noise():
    _, y = make_dataset("moons", 200, seed=0)
    assert 0.3 < y[:100].mean() < 0.7  # classes mixed, not sorted
    clean, _ = make_dataset("circles", 200, noise=0.0, seed=0)
    radii = np.sort(np.unique(np.round(np.hypot(*clean.T), 9)))
    np.testing.assert_allclose(radii, [0.5, 1.0])


def test_kwargs():
    _, y = make_dataset("spiral", 100, classes=5)
    assert set(y) == set(range(5))
    _, y = make_dataset("blobs", 90, centers=4)
    assert np.bincount(y).tolist() == [23, 23, 22, 22]
    x, y = make_dataset("line", 2000, noise=0.1, w=3.0, b=0.5)
    w, b = np.polyfit(x[:, 0], y, 1)
    assert w == pytest.approx(3.0, abs=0.02) and b == pytest.approx(0.5, abs=0.02)
    x, y = make_dataset("line", 500, noise=0.0)
    np.testing.assert_allclose(y, 2.0 * x[:, 0] - 1.0)  # defaults w=2, b=-1
    with pytest.raises(ValueError, match="extra arguments"):
        make_dataset("moons", 10, classes=3)
    with pytest.raises(ValueError, match="unknown data set"):
        make_dataset("swiss", 10)
    with pytest.raises(ValueError, match="noise"):
        make_dataset("moons", 10, noise=-1)


def test_train_val_test_split():
    x, y = make_dataset("moons", 103, seed=0)
    parts = train_val_test_split(x, y, val_fraction=0.2, test_fraction=0.1, seed=1)
    assert len(parts["x_val"]) == 21 and len(parts["x_test"]) == 10
    assert len(parts["x_train"]) == 72
    idx = np.concatenate([parts["idx_train"], parts["idx_val"], parts["idx_test"]])
    assert sorted(idx) == list(range(103))
    np.testing.assert_array_equal(parts["x_test"], x[parts["idx_test"]])
    np.testing.assert_array_equal(parts["y_val"], y[parts["idx_val"]])
    with pytest.raises(ValueError):
        train_val_test_split(x, y, 0.6, 0.5)


@pytest.mark.parametrize("n,k", [(10, 3), (100, 5), (7, 7), (23, 4)])
def test_kfold_properties(n, k):
    folds = list(kfold(n, k, seed=2))
    assert len(folds) == k
    vals = [va for _, va in folds]
    assert sorted(np.concatenate(vals)) == list(range(n))  # disjoint and covering
    sizes = [len(v) for v in vals]
    assert sizes == [n // k + (i < n % k) for i in range(k)]  # first n % k one longer
    for tr, va in folds:
        assert len(np.intersect1d(tr, va)) == 0 and len(tr) + len(va) == n
        assert np.all(np.diff(tr) > 0) and np.all(np.diff(va) > 0)
    again = list(kfold(n, k, seed=2))
    assert all(np.array_equal(a[1], b[1]) for a, b in zip(folds, again, strict=True))


def test_kfold_validates_k():
    with pytest.raises(ValueError):
        list(kfold(5, 1))
    with pytest.raises(ValueError):
        list(kfold(5, 6))


def _build():
    model = Sequential(
        [
            Dense(64, activation="relu", input_dim=2),
            Dense(64, activation="relu"),
            Dense(1, activation="sigmoid"),
        ],
        seed=0,
    )
    model.compile(
        make_optimizer("adam", learning_rate=0.01), "binary_crossentropy", metrics=["accuracy"]
    )
    return model


def test_cross_validate_reset_vs_leak():
    x, y = make_dataset("moons", 60, noise=0.45, seed=0)
    kw = {"batch_size": 4, "epochs": 60}
    fair = cross_validate(_build, x, y, k=5, fit_kwargs=kw, seed=0, reset=True)
    leaky = cross_validate(_build, x, y, k=5, fit_kwargs=kw, seed=0, reset=False)
    assert len(fair.scores) == len(fair.times) == len(fair.histories) == 5
    assert fair.score_name == "accuracy"
    assert fair.mean == pytest.approx(np.mean(fair.scores))
    assert fair.std == pytest.approx(np.std(fair.scores))
    assert all(t > 0 for t in fair.times) and fair.total_time == pytest.approx(sum(fair.times))
    assert len(fair.histories[0].history["val_accuracy"]) == 60
    # one model trained across folds has seen later folds' validation rows: inflated score
    for i in range(1, 5):
        seen = np.unique(np.concatenate([tr for tr, _ in leaky.folds[:i]]))
        assert np.isin(leaky.folds[i][1], seen).all()
    assert leaky.mean > fair.mean + 0.05
    # deterministic
    again = cross_validate(_build, x, y, k=5, fit_kwargs=kw, seed=0, reset=True)
    assert again.scores == fair.scores


def test_mock_exam_batches():
    batch_of, updates = mock_exam_batches(100, 10, epoch=0, seed=0)
    assert updates == 10 and np.bincount(batch_of).tolist() == [10] * 10
    batch_of, updates = mock_exam_batches(100, 32, epoch=2, seed=0)
    assert updates == 4 and np.bincount(batch_of).tolist() == [32, 32, 32, 4]
    assert mock_exam_batches(100, 100)[1] == 1 and mock_exam_batches(100, 1)[1] == 100
    ordered, _ = mock_exam_batches(10, 3, shuffle=False)
    assert ordered.tolist() == [0, 0, 0, 1, 1, 1, 2, 2, 2, 3]
