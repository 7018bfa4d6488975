"""footprint: market impact forecasting and execution, from Python.

A first part of the bindings (docs/python.md): impact datasets from LOBSTER and the built-in
synthetic market as numpy arrays (and pandas DataFrames), Almgren-Chriss optimal execution, the Bayesian
linear regressor with the scikit-learn estimator contract (fit, predict, get_params /
set_params, clone, pickling, n_features_in_) and its predictive standard deviation, and the
implementation shortfall decompositions of transaction cost analysis. The C++ objects are in
footprint._footprint.
"""

import numpy as np

from . import _footprint
from ._footprint import AlmgrenChriss, implementation_shortfall, lobster_dataset, synthetic_dataset  # noqa: F401

__version__ = _footprint.__version__

__all__ = ["AlmgrenChriss", "BayesianLinearRegressor", "implementation_shortfall", "lobster_dataset",
           "synthetic_dataset", "to_frame", "__version__"]


def to_frame(dataset):
    """A dataset of `lobster_dataset(...)["orders"]` (or "metaorders") as a pandas DataFrame: the
    features and labels under their names, plus time_ns, duration_ns, side, quantity and
    arrival_mid. Needs pandas (Debian's python3-pandas)."""
    import pandas as pd

    frame = pd.DataFrame(dataset["X"], columns=dataset["feature_names"])
    for name, column in zip(dataset["label_names"], dataset["labels"].T):
        frame[name] = column
    for key, name in (("times_ns", "time_ns"), ("durations_ns", "duration_ns"), ("side", "side"),
                      ("quantity", "quantity_traded"), ("arrival_mid", "arrival_mid")):
        frame[name] = dataset[key]
    return frame


class BayesianLinearRegressor:
    """Bayesian linear regression by type-II maximum likelihood (scikit-learn's BayesianRidge
    defaults and results), on footprint's C++ implementation.

    Parameters are scikit-learn's: fit_intercept, max_iter, tol, alpha_1, alpha_2, lambda_1,
    lambda_2. After `fit`: `n_features_in_`, and `feature_names_in_` when X is a DataFrame.
    `predict(X, return_std=True)` also returns the predictive standard deviation, as
    BayesianRidge does. Pickling keeps the fitted state bit for bit (footprint's JSON).
    """

    _param_names = ("fit_intercept", "max_iter", "tol", "alpha_1", "alpha_2", "lambda_1", "lambda_2")

    def __init__(self, fit_intercept=True, max_iter=300, tol=1e-3, alpha_1=1e-6, alpha_2=1e-6, lambda_1=1e-6,
                 lambda_2=1e-6):
        self.fit_intercept = fit_intercept
        self.max_iter = max_iter
        self.tol = tol
        self.alpha_1 = alpha_1
        self.alpha_2 = alpha_2
        self.lambda_1 = lambda_1
        self.lambda_2 = lambda_2

    # The scikit-learn estimator contract.
    def get_params(self, deep=True):
        return {name: getattr(self, name) for name in self._param_names}

    def set_params(self, **params):
        for name, value in params.items():
            if name not in self._param_names:
                raise ValueError(f"Invalid parameter {name!r} for estimator {type(self).__name__}")
            setattr(self, name, value)
        return self

    def __repr__(self):
        changed = [f"{k}={v!r}" for k, v in self.get_params().items() if v != type(self)().get_params()[k]]
        return f"{type(self).__name__}({', '.join(changed)})"

    def _core(self):
        return _footprint.BayesianLinearCore(bool(self.fit_intercept), int(self.max_iter), float(self.tol),
                                            float(self.alpha_1), float(self.alpha_2), float(self.lambda_1),
                                            float(self.lambda_2))

    @staticmethod
    def _array(X):
        names = None
        if hasattr(X, "columns") and hasattr(X, "to_numpy"):
            names = np.asarray([str(c) for c in X.columns], dtype=object)
            X = X.to_numpy()
        return np.ascontiguousarray(X, dtype=np.float64), names

    def fit(self, X, y):
        X, names = self._array(X)
        y = np.ascontiguousarray(y, dtype=np.float64).ravel()
        core = self._core()
        core.fit(X, y)
        self.core_ = core
        self.n_features_in_ = X.shape[1]
        if names is not None:
            self.feature_names_in_ = names
        elif hasattr(self, "feature_names_in_"):
            del self.feature_names_in_
        return self

    def _check(self, X):
        if not hasattr(self, "core_"):
            raise RuntimeError(f"This {type(self).__name__} instance is not fitted yet: call fit first")
        X, _ = self._array(X)
        if X.ndim != 2 or X.shape[1] != self.n_features_in_:
            raise ValueError(f"X has {X.shape[-1] if X.ndim else 0} features, but {type(self).__name__} is "
                             f"expecting {self.n_features_in_} features as input")
        return X

    def predict(self, X, return_std=False):
        X = self._check(X)
        mean = self.core_.predict(X)
        if return_std:
            return mean, self.core_.predict_std(X)
        return mean

    def score(self, X, y):
        """R^2 of the predictions, as scikit-learn's regressors."""
        y = np.asarray(y, dtype=np.float64).ravel()
        r = y - self.predict(X)
        return 1.0 - float(r @ r) / float(((y - y.mean()) ** 2).sum())

    # Pickling: the parameters and the fitted state as footprint's JSON.
    def __getstate__(self):
        state = {k: v for k, v in self.__dict__.items() if k != "core_"}
        if hasattr(self, "core_"):
            state["core_json_"] = self.core_.to_json()
        return state

    def __setstate__(self, state):
        state = dict(state)
        text = state.pop("core_json_", None)
        self.__dict__.update(state)
        if text is not None:
            self.core_ = _footprint.BayesianLinearCore.from_json(text)
