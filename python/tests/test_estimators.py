"""footprint's regressors from Python: scikit-learn's estimator checks, pickling bit for bit,
the parameters equal to the C++ defaults, the predictive distribution's closed forms, and the
predictions equal to a C++ program's bit for bit on the same data and parameters."""

import json
import os
import pickle
import subprocess

import numpy as np
import pytest
from scipy import stats
from sklearn.base import clone
from sklearn.utils.estimator_checks import check_estimator

import footprint as fp

# Settings for scikit-learn's checks, which fit 20 to 200 rows: the forest and the boosting
# smaller for speed, the networks with small batches (their defaults, 256 rows a batch with
# 10% held out, are for datasets of thousands of rows and leave a 200-row problem unfitted).
SMALL = [
    fp.BayesianLinearRegressor(),
    fp.LinearRegression(),
    fp.Ridge(),
    fp.RandomForestRegressor(n_estimators=20),
    fp.GradientBoostingRegressor(n_estimators=30),
    fp.MLPRegressor(batch_size=32, validation_fraction=0.0),
    fp.DeepEnsembleRegressor(n_estimators=2, member={"batch_size": 32}),
]
ALL = [type(e) for e in SMALL]


def problem(n=600, d=4, seed=7):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, d))
    y = X @ np.linspace(1.0, 2.0, d) + 0.5 * np.sin(3 * X[:, 0]) + rng.normal(scale=0.3, size=n)
    return X, y


@pytest.mark.parametrize("estimator", SMALL, ids=lambda e: type(e).__name__)
def test_scikit_learn_estimator_checks(estimator):
    # scikit-learn 1.2.1's full check list; the only checks skipped are the ones each class
    # lists in its _xfail_checks (zero sample weights are not removal for the bootstrap and the
    # networks' validation split), as scikit-learn's own forests do.
    check_estimator(estimator)


@pytest.mark.parametrize("cls", ALL, ids=lambda c: c.__name__)
def test_parameters_are_the_cpp_defaults(cls):
    est = cls()
    core_defaults = json.loads(cls._core_class.default_params())
    sent = json.loads(est._params_json())
    assert sent == core_defaults  # what Python sends by default is what C++ builds by default
    assert json.loads(est._make_core().params()) == core_defaults


@pytest.mark.parametrize("estimator", SMALL, ids=lambda e: type(e).__name__)
def test_pickle_and_clone(estimator):
    X, y = problem()
    m = clone(estimator).fit(X, y)
    back = pickle.loads(pickle.dumps(m))
    assert np.array_equal(back.predict(X), m.predict(X))
    d0, d1 = m.predict_distribution(X[:50]), back.predict_distribution(X[:50])
    for key in ("mean", "std", "quantiles"):
        assert np.array_equal(d0[key], d1[key])
    fresh = clone(m)
    assert not hasattr(fresh, "core_") and fresh.get_params() == m.get_params()


def test_predictive_distribution_closed_forms():
    X, y = problem()
    m = fp.BayesianLinearRegressor().fit(X, y)
    d = m.predict_distribution(X[:20], quantiles=(0.05, 0.5, 0.95))
    assert d["quantiles"].shape == (20, 3) and np.array_equal(d["levels"], [0.05, 0.5, 0.95])
    # Evidence mode: normal predictive; quantiles are mean + z sd, P(y > mean) = 1/2.
    z = stats.norm.ppf([0.05, 0.5, 0.95])
    assert np.allclose(d["quantiles"], d["mean"][:, None] + z * d["std"][:, None], rtol=1e-12, atol=1e-12)
    assert np.allclose(m.predict_proba_exceed(X[:20], 0.0), stats.norm.sf(0.0, d["mean"], d["std"]), atol=1e-12)
    mean, std = m.predict(X[:20], return_std=True)
    assert np.array_equal(mean, d["mean"]) and np.array_equal(std, d["std"])
    # OLS: Student-t with df = n - p - 1; its sd is the scale times sqrt(df / (df - 2)).
    o = fp.LinearRegression().fit(X, y)
    od = o.predict_distribution(X[:5], quantiles=(0.975,))
    df = len(X) - X.shape[1] - 1
    scale = od["std"] * np.sqrt((df - 2) / df)
    assert np.allclose(od["quantiles"][:, 0], od["mean"] + stats.t.ppf(0.975, df) * scale, rtol=1e-12)
    # Every model: quantiles increase with the level, P(exceed) decreases with the threshold.
    for est in SMALL[3:]:
        f = clone(est).fit(X, y)
        q = f.predict_distribution(X[:30], quantiles=(0.1, 0.5, 0.9))["quantiles"]
        assert np.all(np.diff(q, axis=1) >= 0)
        p_low, p_high = f.predict_proba_exceed(X[:30], -1.0), f.predict_proba_exceed(X[:30], 1.0)
        assert np.all((0 <= p_high) & (p_high <= p_low) & (p_low <= 1))
    with pytest.raises(ValueError, match="quantiles"):
        m.predict_distribution(X[:2], quantiles=(0.0, 0.5))


def test_a_dataframe_gives_feature_names():
    pd = pytest.importorskip("pandas")
    X, y = problem()
    frame = pd.DataFrame(X, columns=["spread", "depth", "volatility", "participation"])
    m = fp.GradientBoostingRegressor(n_estimators=20).fit(frame, y)
    assert list(m.feature_names_in_) == list(frame.columns) and m.n_features_in_ == 4
    assert np.array_equal(m.predict(frame), m.predict(X))


def _reference(kind, estimator, X, y, tmp_path):
    exe = os.environ.get("FOOTPRINT_PYTHON_REFERENCE", "")
    if not os.path.exists(exe):
        pytest.skip("the C++ reference program is built with the tests (FOOTPRINT_PYTHON_REFERENCE)")
    data = tmp_path / f"{kind}.bin"
    with open(data, "wb") as f:
        f.write(np.array(X.shape, dtype=np.int64).tobytes())
        f.write(np.ascontiguousarray(X, dtype=np.float64).tobytes())
        f.write(np.ascontiguousarray(y, dtype=np.float64).tobytes())
    params = tmp_path / f"{kind}.json"
    params.write_text(estimator._params_json())
    out = tmp_path / f"{kind}.out"
    subprocess.run([exe, kind, str(params), str(data), str(out)], check=True)
    return np.fromfile(out, dtype=np.float64)


@pytest.mark.parametrize("kind,estimator", [
    ("bayesian_linear", fp.BayesianLinearRegressor()),
    ("ols", fp.LinearRegression()),
    ("ridge", fp.Ridge(alpha=2.5)),
    ("random_forest", fp.RandomForestRegressor(n_estimators=30, seed=5, n_threads=1)),
    ("gradient_boosting", fp.GradientBoostingRegressor(n_estimators=40, seed=5, subsample=0.8, n_threads=1)),
    ("mlp_regressor", fp.MLPRegressor(max_epochs=20, seed=5)),
    ("deep_ensemble", fp.DeepEnsembleRegressor(n_estimators=2, member={"max_epochs": 10}, seed=5, n_threads=1)),
], ids=lambda v: v if isinstance(v, str) else "")
def test_predictions_equal_the_cpp_ones_bit_for_bit(kind, estimator, tmp_path):
    X, y = problem()
    expected = _reference(kind, estimator, X, y, tmp_path)
    got = clone(estimator).fit(X, y).predict(X)
    assert got.shape == expected.shape and np.array_equal(got, expected)
    # The same from Fortran-ordered copies (C order above: both are read in place).
    got_f = clone(estimator).fit(np.asfortranarray(X), y).predict(np.asfortranarray(X))
    assert np.array_equal(got_f, expected)


@pytest.mark.parametrize("estimator", SMALL, ids=lambda e: type(e).__name__)
def test_c_ordered_input_is_predicted_in_place(estimator):
    """numpy's default (C-ordered) float64 matrix is read in place: the peak of the memory
    numpy allocates while predicting (tracemalloc sees every numpy buffer) stays far below one
    copy of X, and the results equal those of a Fortran-ordered copy bit for bit."""
    import tracemalloc
    X, y = problem(n=400, d=32, seed=3)
    m = clone(estimator).fit(X, y)
    big = np.random.default_rng(4).normal(size=(20_000, 32))  # C order, 5.1 MB
    assert big.flags.c_contiguous and not big.flags.f_contiguous
    fortran = np.asfortranarray(big)
    calls = [
        lambda A: m.predict(A),
        lambda A: m.predict_proba_exceed(A, 0.5),
        lambda A: m.predict_distribution(A, quantiles=(0.1, 0.9))["quantiles"],
    ]
    for call in calls:
        expected = call(fortran)
        call(big[:10])  # warm up
        tracemalloc.start()
        got = call(big)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        assert np.array_equal(got, expected)
        # the outputs are at most 2 columns of n: 0.3 MB; a copy of X would be 5.1 MB
        assert peak < big.nbytes / 4, f"{peak} bytes traced for X of {big.nbytes}"


def test_the_linear_models_match_scikit_learn():
    from sklearn.linear_model import BayesianRidge
    from sklearn.linear_model import LinearRegression as SkLinearRegression
    from sklearn.linear_model import Ridge as SkRidge

    X, y = problem()
    w = np.linspace(0.5, 2.0, len(y))
    pairs = [(fp.LinearRegression(), SkLinearRegression()), (fp.Ridge(alpha=2.5), SkRidge(alpha=2.5)),
             (fp.BayesianLinearRegressor(), BayesianRidge())]
    for ours, theirs in pairs:
        a = ours.fit(X, y, sample_weight=w).predict(X)
        b = theirs.fit(X, y, sample_weight=w).predict(X)
        assert np.allclose(a, b, rtol=1e-8, atol=1e-8), type(ours).__name__
