"""footprint's splitters as scikit-learn cross-validators: equal to scikit-learn's own where
they coincide (no overlap, no embargo), purging where labels overlap, and GridSearchCV with
the purged splitter on a real dataset's metaorders."""

import numpy as np
import pytest
from sklearn.model_selection import GridSearchCV, KFold, TimeSeriesSplit, cross_val_score

import footprint as fp


def splits(cv, X):
    return [(tr.tolist(), te.tolist()) for tr, te in cv.split(X)]


def test_without_overlap_they_are_scikit_learns():
    X = np.zeros((103, 2))
    t = np.arange(103, dtype=np.int64) * 1_000_000_000
    assert splits(fp.PurgedKFold(t, t, n_splits=5), X) == splits(KFold(5), X)
    assert splits(fp.WalkForward(n_splits=4), X) == splits(TimeSeriesSplit(4), X)
    assert splits(fp.WalkForward(n_splits=4, max_train_size=30, gap_rows=2), X) == \
        splits(TimeSeriesSplit(4, max_train_size=30, gap=2), X)
    assert fp.CombinatorialPurgedCV(t, t, n_groups=6, n_test_groups=2).get_n_splits() == 15
    assert len(splits(fp.CombinatorialPurgedCV(t, t, n_groups=6, n_test_groups=2), X)) == 15


def test_overlapping_labels_are_purged():
    n = 100
    t0 = np.arange(n, dtype=np.int64) * 10
    t1 = t0 + 35  # each label spans the next 3 rows' starts
    cv = fp.PurgedKFold(t0, t1, n_splits=5, embargo_ns=0)
    for train, test in cv.split(np.zeros((n, 1))):
        lo, hi = t0[test].min(), t1[test].max()
        # no training label overlaps the test block's span
        assert not np.any((t1[train] >= lo) & (t0[train] <= hi))
        assert len(np.intersect1d(train, test)) == 0
    first_train, first_test = next(cv.split(np.zeros((n, 1))))
    # Test rows 0-19, whose labels end at 225: rows 20-22 start before that and are purged.
    assert first_test.tolist() == list(range(20)) and first_train[0] == 23
    with pytest.raises(ValueError, match="rows"):
        list(cv.split(np.zeros((n + 1, 1))))


def test_grid_search_with_the_purged_splitter():
    market = fp.synthetic_dataset()
    meta = market["metaorders"]
    names = meta["feature_names"]
    cols = [names.index(c) for c in ("participation", "spread_bps", "realized_vol_rate_300s", "log_quantity")]
    X = meta["X"][:, cols]
    y = meta["labels"][:, meta["label_names"].index("shortfall_bps")]
    keep = np.isfinite(X).all(axis=1) & np.isfinite(y)
    X, y = X[keep], y[keep]
    t0 = meta["times_ns"][keep]
    t1 = t0 + meta["durations_ns"][keep]
    cv = fp.PurgedKFold(t0, t1, n_splits=4, embargo_ns=60_000_000_000)
    grid = GridSearchCV(fp.GradientBoostingRegressor(seed=1, n_threads=1),
                        {"max_depth": [2, 4], "n_estimators": [20, 60]}, cv=cv, scoring="neg_mean_absolute_error")
    grid.fit(X, y)
    assert set(grid.best_params_) == {"max_depth", "n_estimators"}
    again = GridSearchCV(fp.GradientBoostingRegressor(seed=1, n_threads=1),
                         {"max_depth": [2, 4], "n_estimators": [20, 60]}, cv=cv,
                         scoring="neg_mean_absolute_error").fit(X, y)
    assert np.array_equal(grid.cv_results_["mean_test_score"], again.cv_results_["mean_test_score"])
    scores = cross_val_score(fp.BayesianLinearRegressor(), X, y, cv=cv)
    assert scores.shape == (4,) and np.all(np.isfinite(scores))
