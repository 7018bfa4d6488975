"""footprint's regressors with scikit-learn's estimator contract.

Each class wraps one C++ core of footprint._footprint (python/src/models.cpp): the parameters
are the C++ model's `<model>_params` fields under the same names and defaults (a test checks
them against the C++ defaults), passed to C++ as the JSON of footprint's model files. On top
of scikit-learn's `fit` / `predict` / `score` / `get_params` / `set_params` / `clone`,
pickling (bit for bit, through footprint's JSON model format), `n_features_in_` and
`feature_names_in_`, every regressor has

- `predict_distribution(X, quantiles=(0.05, 0.5, 0.95))`: a dict with the predictive
  distribution's `mean` (n,), `std` (n,), `quantiles` (n, k) and the `levels` (k,);
- `predict_proba_exceed(X, threshold)`: P(y > threshold) for each row (n,), in [0, 1].

Validation is scikit-learn's (`_validate_data`), except on the fast path of `predict`: a
float64 2-d numpy array with the fitted number of columns, from an estimator fitted without
feature names, goes straight to C++ (its finiteness is checked there). Predictions read a
float64 matrix in place in either order: a C-ordered one (numpy's default) through the C++
models' `row_major_view` overloads, a Fortran-ordered one as their column-major input, with
the same results bit for bit; other dtypes and strided views are converted once. `fit` works
on columns (binning, cross-products, transposed mini-batches) and copies a C-ordered X once
into Fortran order. The GIL is released inside fits and predictions.
"""

import json

import numpy as np
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.utils.validation import check_is_fitted

from . import _footprint

__all__ = ["BayesianLinearRegressor", "LinearRegression", "Ridge", "RandomForestRegressor",
           "GradientBoostingRegressor", "MLPRegressor", "DeepEnsembleRegressor"]


def _check_finite(X, allow_nan):
    """Raises ValueError naming the first entry of X that is infinite (or NaN, unless NaN is
    allowed: a missing value for the tree models)."""
    bad = ~np.isfinite(X)
    if allow_nan:
        bad &= ~np.isnan(X)
    if bad.any():
        i, j = np.argwhere(bad)[0]
        kind = "NaN or inf" if not allow_nan else "inf"
        raise ValueError(f"Input X contains {kind}: row {i}, column {j} is {X[i, j]}")


def _plain(value):
    """A parameter value as JSON: tuples as lists, numpy scalars as Python numbers."""
    if isinstance(value, (tuple, list)):
        return [_plain(v) for v in value]
    if isinstance(value, np.generic):
        return value.item()
    return value


class _FootprintRegressor(RegressorMixin, BaseEstimator):
    """The contract shared by footprint's regressors (see the module docstring)."""

    _core_class = None  # the C++ core's class in footprint._footprint
    _allow_nan = False  # whether X may hold NaN (missing values: the tree models)
    _threaded = False  # whether the core takes n_threads

    def _params_json(self):
        params = {name: _plain(value) for name, value in self.get_params(deep=False).items() if name != "n_threads"}
        return json.dumps(self._to_core_params(params))

    def _to_core_params(self, params):
        return params

    def _make_core(self):
        n_threads = int(getattr(self, "n_threads", 0)) if self._threaded else 0
        return self._core_class(self._params_json(), n_threads)

    def _more_tags(self):
        return {"allow_nan": self._allow_nan}

    def fit(self, X, y, sample_weight=None):
        """Fits on X (n_samples, n_features) and y (n_samples); sample_weight (n_samples) >= 0."""
        X, y = self._validate_data(X, y, dtype=np.float64, order="F", y_numeric=True, force_all_finite=False)
        _check_finite(X, self._allow_nan)
        if X.shape[0] < 2:
            raise ValueError(f"{type(self).__name__} needs at least 2 samples (got n_samples = {X.shape[0]})")
        core = self._make_core()
        if sample_weight is not None:
            sample_weight = np.ascontiguousarray(sample_weight, dtype=np.float64)
            if sample_weight.shape != (X.shape[0],):
                raise ValueError(f"sample_weight has shape {sample_weight.shape}; expected ({X.shape[0]},)")
        self.fit_report_ = core.fit(X, np.ascontiguousarray(y, dtype=np.float64), sample_weight)
        self.n_iter_ = self.fit_report_["iterations"]
        self.core_ = core
        return self

    def _checked(self, X):
        d = self.__dict__
        if "core_" not in d:
            check_is_fitted(self, "core_")  # raises NotFittedError
        # The fast path: a float64 numpy matrix of the fitted width, from a model fitted without
        # names (C++ reads it in place, in C or Fortran order).
        if (type(X) is np.ndarray and X.dtype == np.float64 and X.ndim == 2 and X.shape[1] == d["n_features_in_"]
                and "feature_names_in_" not in d):
            return X
        X = self._validate_data(X, dtype=np.float64, reset=False, force_all_finite=False)
        _check_finite(X, self._allow_nan)
        return X

    def predict(self, X):
        """The predictions (n_samples) of X (n_samples, n_features)."""
        X = self._checked(X)
        return self.core_.predict(X)

    def predict_distribution(self, X, quantiles=(0.05, 0.5, 0.95)):
        """The predictive distribution of each row of X (n_samples, n_features): a dict with
        `mean` (n,), `std` (n,), `quantiles` (n, k) at `levels` (k,), each level in (0, 1)."""
        X = self._checked(X)
        levels = np.ascontiguousarray(quantiles, dtype=np.float64).ravel()
        mean, std, q = self.core_.predict_distribution(X, levels)
        return {"mean": mean, "std": std, "quantiles": q, "levels": levels}

    def predict_proba_exceed(self, X, threshold):
        """P(y > threshold) under each row's predictive distribution (n_samples,), in [0, 1]."""
        return self.core_.predict_proba_exceed(self._checked(X), float(threshold))

    def to_json(self):
        """The fitted model as footprint's JSON model file (what the C++ `load_model` reads)."""
        check_is_fitted(self, "core_")
        return self.core_.to_json()

    # Pickling: the parameters and the fitted state as footprint's JSON (doubles bit for bit).
    def __getstate__(self):
        state = {k: v for k, v in self.__dict__.items() if k != "core_"}
        if "core_" in self.__dict__:
            state["core_json_"] = self.core_.to_json()
        return state

    def __setstate__(self, state):
        state = dict(state)
        text = state.pop("core_json_", None)
        self.__dict__.update(state)
        if text is not None:
            self.core_ = self._core_class.from_json(text)


class BayesianLinearRegressor(_FootprintRegressor):
    """Bayesian linear regression (footprint::bayesian_linear): scikit-learn's BayesianRidge
    (evidence mode, same defaults and results), or the normal-inverse-gamma conjugate model
    (mode="conjugate"). The predictive distribution is Student-t (conjugate) or normal.
    `predict(X, return_std=True)` also returns the predictive standard deviation, as
    BayesianRidge does."""

    _core_class = _footprint.BayesianLinearCore

    def __init__(self, mode="evidence", fit_intercept=True, solver="automatic", max_iter=300, tol=1e-3,
                 alpha_1=1e-6, alpha_2=1e-6, lambda_1=1e-6, lambda_2=1e-6, alpha_init=None, lambda_init=None,
                 compute_score=False, sklearn_uncentered_std=False, w0=None, kappa0=1e-6, a0=1e-6, b0=1e-6):
        self.mode = mode
        self.fit_intercept = fit_intercept
        self.solver = solver
        self.max_iter = max_iter
        self.tol = tol
        self.alpha_1 = alpha_1
        self.alpha_2 = alpha_2
        self.lambda_1 = lambda_1
        self.lambda_2 = lambda_2
        self.alpha_init = alpha_init
        self.lambda_init = lambda_init
        self.compute_score = compute_score
        self.sklearn_uncentered_std = sklearn_uncentered_std
        self.w0 = w0
        self.kappa0 = kappa0
        self.a0 = a0
        self.b0 = b0

    def _to_core_params(self, params):
        params["w0"] = [] if params["w0"] is None else params["w0"]
        return params

    def predict(self, X, return_std=False):
        """The predictions (n_samples) of X; with return_std, also their predictive std."""
        if not return_std:
            return super().predict(X)
        d = self.predict_distribution(X, quantiles=())
        return d["mean"], d["std"]


class LinearRegression(_FootprintRegressor):
    """Ordinary least squares (footprint::ols; scikit-learn's LinearRegression), with the
    Student-t predictive distribution of the classical linear model."""

    _core_class = _footprint.OlsCore

    def __init__(self, fit_intercept=True, solver="automatic", rcond=None):
        self.fit_intercept = fit_intercept
        self.solver = solver
        self.rcond = rcond


class Ridge(_FootprintRegressor):
    """Ridge regression (footprint::ridge; scikit-learn's Ridge, same coefficients), with an
    approximate Student-t predictive distribution (df = sum(w) - df_eff - 1)."""

    _core_class = _footprint.RidgeCore

    def __init__(self, alpha=1.0, fit_intercept=True, solver="automatic"):
        self.alpha = alpha
        self.fit_intercept = fit_intercept
        self.solver = solver


class RandomForestRegressor(_FootprintRegressor):
    """Random forest (footprint::random_forest; Breiman 2001) and quantile regression forest
    (Meinshausen 2006) for the predictive distribution. NaN in X is a missing value.
    `n_threads` OpenMP threads (0 = all); results do not depend on it."""

    _core_class = _footprint.RandomForestCore
    _allow_nan = True
    _threaded = True

    def __init__(self, n_estimators=100, bootstrap=True, max_samples=1.0, max_features=1.0, max_depth=0,
                 min_samples_split=2, min_samples_leaf=5, max_leaves=0, min_impurity_decrease=0.0, max_bins=255,
                 oob_score=False, quantile_forest=True, seed=0, n_threads=0):
        self.n_estimators = n_estimators
        self.bootstrap = bootstrap
        self.max_samples = max_samples
        self.max_features = max_features
        self.max_depth = max_depth
        self.min_samples_split = min_samples_split
        self.min_samples_leaf = min_samples_leaf
        self.max_leaves = max_leaves
        self.min_impurity_decrease = min_impurity_decrease
        self.max_bins = max_bins
        self.oob_score = oob_score
        self.quantile_forest = quantile_forest
        self.seed = seed
        self.n_threads = n_threads

    def _to_core_params(self, params):
        params["n_threads"] = 0  # a field of the file format, ignored by the loader
        return params

    def _more_tags(self):
        # Zero sample weights change the bootstrap draws (scikit-learn marks the same
        # check for its own forests).
        return {"allow_nan": True, "_xfail_checks": {
            "check_sample_weights_invariance": "zero sample_weight is not equivalent to removing samples"}}


class GradientBoostingRegressor(_FootprintRegressor):
    """Histogram gradient boosting (footprint::gradient_boosting; XGBoost's parameter names
    and defaults). With `quantile_levels`, quantile models give the predictive distribution;
    otherwise the prediction plus the training residuals' quantiles. NaN in X is a missing
    value. `n_threads` OpenMP threads (0 = all); results do not depend on it."""

    _core_class = _footprint.GradientBoostingCore
    _allow_nan = True
    _threaded = True

    def __init__(self, loss="squared_error", n_estimators=100, learning_rate=0.1, growth="depthwise", max_depth=6,
                 max_leaves=0, max_bins=255, reg_lambda=1.0, reg_alpha=0.0, min_split_gain=0.0,
                 min_child_weight=1.0, min_samples_leaf=1, subsample=1.0, colsample_bytree=1.0,
                 colsample_bynode=1.0, quantile_alpha=0.5, huber_quantile=0.9, monotone_constraints=None,
                 quantile_levels=None, early_stopping_rounds=0, validation_fraction=0.0, seed=0, n_threads=0):
        self.loss = loss
        self.n_estimators = n_estimators
        self.learning_rate = learning_rate
        self.growth = growth
        self.max_depth = max_depth
        self.max_leaves = max_leaves
        self.max_bins = max_bins
        self.reg_lambda = reg_lambda
        self.reg_alpha = reg_alpha
        self.min_split_gain = min_split_gain
        self.min_child_weight = min_child_weight
        self.min_samples_leaf = min_samples_leaf
        self.subsample = subsample
        self.colsample_bytree = colsample_bytree
        self.colsample_bynode = colsample_bynode
        self.quantile_alpha = quantile_alpha
        self.huber_quantile = huber_quantile
        self.monotone_constraints = monotone_constraints
        self.quantile_levels = quantile_levels
        self.early_stopping_rounds = early_stopping_rounds
        self.validation_fraction = validation_fraction
        self.seed = seed
        self.n_threads = n_threads

    def _to_core_params(self, params):
        # `lambda` is a Python keyword: XGBoost's Python names reg_lambda and reg_alpha.
        params["lambda"] = params.pop("reg_lambda")
        params["alpha"] = params.pop("reg_alpha")
        params["monotone_constraints"] = params["monotone_constraints"] or []
        params["quantile_levels"] = params["quantile_levels"] or []
        params["n_threads"] = 0
        return params


_ZERO_WEIGHT_XFAIL = {
    "check_sample_weights_invariance":
        "a zero sample_weight is not equivalent to removing the sample: the rows still take part in the "
        "validation split and the shuffles (scikit-learn's MLPRegressor takes no sample_weight)"}


class MLPRegressor(_FootprintRegressor):
    """Multilayer perceptron (footprint::mlp_regressor) with an MSE head, or a Gaussian head
    (head="gaussian") whose (mean, sd) is the predictive distribution; with the MSE head the
    distribution is the mean plus the validation residuals' spread."""

    _core_class = _footprint.MlpCore

    def __init__(self, hidden_layers=(64, 32), activation="relu", init="automatic", head="mse", optimizer="adam",
                 learning_rate=1e-3, beta1=0.9, beta2=0.999, epsilon=1e-8, momentum=0.9, weight_decay=0.0,
                 schedule="constant", lr_decay=0.95, lr_min_factor=0.0, batch_size=256, max_epochs=100,
                 validation_fraction=0.1, patience=10, tol=1e-4, restore_best=True, standardize_inputs=True,
                 scale_target=True, shuffle=True, seed=0):
        self.hidden_layers = hidden_layers
        self.activation = activation
        self.init = init
        self.head = head
        self.optimizer = optimizer
        self.learning_rate = learning_rate
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.momentum = momentum
        self.weight_decay = weight_decay
        self.schedule = schedule
        self.lr_decay = lr_decay
        self.lr_min_factor = lr_min_factor
        self.batch_size = batch_size
        self.max_epochs = max_epochs
        self.validation_fraction = validation_fraction
        self.patience = patience
        self.tol = tol
        self.restore_best = restore_best
        self.standardize_inputs = standardize_inputs
        self.scale_target = scale_target
        self.shuffle = shuffle
        self.seed = seed

    def _more_tags(self):
        return {"_xfail_checks": _ZERO_WEIGHT_XFAIL}


class DeepEnsembleRegressor(_FootprintRegressor):
    """Deep ensemble (footprint::deep_ensemble; Lakshminarayanan et al. 2017): n_estimators
    Gaussian-head MLPs, the predictive distribution their normal mixture. `member` is a dict
    of MLPRegressor parameters (None: MLPRegressor's with head="gaussian")."""

    _core_class = _footprint.DeepEnsembleCore
    _threaded = True

    def __init__(self, n_estimators=5, member=None, seed=0, n_threads=0):
        self.n_estimators = n_estimators
        self.member = member
        self.seed = seed
        self.n_threads = n_threads

    def _to_core_params(self, params):
        member = MLPRegressor(head="gaussian").get_params()
        member.update(params["member"] or {})
        params["member"] = {name: _plain(value) for name, value in member.items()}
        return params

    def _more_tags(self):
        return {"_xfail_checks": _ZERO_WEIGHT_XFAIL}
