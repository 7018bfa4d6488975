"""footprint's splitters as scikit-learn cross-validators (docs/validation.md).

Each has `split(X, y=None, groups=None)` yielding (train, test) arrays of row indices and
`get_n_splits(X=None, y=None, groups=None)`, so it can be passed as `cv=` to
`GridSearchCV`, `cross_val_score` and the like. Rows must be in time order. The purged ones
take each row's label interval [t0, t1] (nanoseconds, e.g. a dataset's `times_ns` and
`times_ns + durations_ns` plus the label's horizon): a training row whose label overlaps a
test block (plus the embargo) is dropped, as de Prado (2018, ch. 7) describes.
"""

import numpy as np

from . import _footprint

__all__ = ["PurgedKFold", "WalkForward", "CombinatorialPurgedCV"]


def _times(t):
    return None if t is None else np.ascontiguousarray(t, dtype=np.int64)


class _Splitter:
    def _splits(self, n):
        raise NotImplementedError

    def _n_samples(self, X):
        n = len(X) if X is not None else None
        expected = None if getattr(self, "t0", None) is None else len(self.t0)
        if n is not None and expected is not None and n != expected:
            raise ValueError(f"{type(self).__name__}: X has {n} rows but the label intervals have {expected}")
        if n is None and expected is None:
            raise ValueError(f"{type(self).__name__}: pass X (or construct with t0 and t1)")
        return expected if n is None else n

    def split(self, X, y=None, groups=None):
        """Yields (train, test): arrays of row indices, ascending, disjoint."""
        for train, test in self._splits(self._n_samples(X)):
            yield train, test

    def __repr__(self):
        fields = ", ".join(f"{k}={v!r}" for k, v in self.__dict__.items() if k not in ("t0", "t1"))
        return f"{type(self).__name__}({fields})"


class PurgedKFold(_Splitter):
    """Purged k-fold (footprint::purged_kfold): contiguous test folds; training rows whose
    label interval [t0, t1] (ns) reaches into a test fold, or starts within `embargo_ns` (and
    `embargo_fraction` of the rows) after it, are dropped."""

    def __init__(self, t0, t1, n_splits=5, embargo_ns=0, embargo_fraction=0.0):
        self.t0 = _times(t0)
        self.t1 = _times(t1)
        self.n_splits = n_splits
        self.embargo_ns = embargo_ns
        self.embargo_fraction = embargo_fraction

    def get_n_splits(self, X=None, y=None, groups=None):
        return int(self.n_splits)

    def _splits(self, n):
        return _footprint.purged_kfold_splits(self.t0, self.t1, int(self.n_splits), int(self.embargo_ns),
                                              float(self.embargo_fraction))


class WalkForward(_Splitter):
    """Walk-forward splits (footprint::walk_forward; scikit-learn's TimeSeriesSplit): each test
    block follows its training rows; expanding window, or rolling with `max_train_size`. With
    label intervals t0, t1 (ns) the training labels must end `gap_ns` before the test block."""

    def __init__(self, n_splits=5, test_size=0, gap_rows=0, max_train_size=0, t0=None, t1=None, gap_ns=0):
        self.n_splits = n_splits
        self.test_size = test_size
        self.gap_rows = gap_rows
        self.max_train_size = max_train_size
        self.t0 = _times(t0)
        self.t1 = _times(t1)
        self.gap_ns = gap_ns

    def get_n_splits(self, X=None, y=None, groups=None):
        return int(self.n_splits)

    def _splits(self, n):
        return _footprint.walk_forward_splits(int(n), self.t0, self.t1, int(self.n_splits), int(self.test_size),
                                              int(self.gap_rows), int(self.max_train_size), int(self.gap_ns))


class CombinatorialPurgedCV(_Splitter):
    """Combinatorial purged cross-validation (footprint::combinatorial_purged_cv; de Prado
    2018, ch. 12): N contiguous groups, every choice of k as the test set, purged and
    embargoed as PurgedKFold; C(N, k) splits."""

    def __init__(self, t0, t1, n_groups=6, n_test_groups=2, embargo_ns=0, embargo_fraction=0.0):
        self.t0 = _times(t0)
        self.t1 = _times(t1)
        self.n_groups = n_groups
        self.n_test_groups = n_test_groups
        self.embargo_ns = embargo_ns
        self.embargo_fraction = embargo_fraction

    def get_n_splits(self, X=None, y=None, groups=None):
        from math import comb
        return comb(int(self.n_groups), int(self.n_test_groups))

    def _splits(self, n):
        return _footprint.combinatorial_purged_splits(self.t0, self.t1, int(self.n_groups), int(self.n_test_groups),
                                                      int(self.embargo_ns), float(self.embargo_fraction))
