"""Tests of footprint's Python module (python/footprint): the paper's Almgren-Chriss numbers,
the Bayesian linear regressor against a direct numpy evaluation of the same closed forms and
against the C++ state, pickling bit for bit, the estimator contract, and the issue's
implementation shortfall reference numbers."""

import copy
import math
import pickle

import numpy as np
import pytest
from sklearn.exceptions import NotFittedError

import footprint as fp


def test_almgren_chriss_paper_example():
    # Almgren and Chriss (2000), section 3.2: E = 1,140,715.17 USD, sqrt(V) = 449,367.65 USD.
    ac = fp.AlmgrenChriss(gamma=2.5e-7, eta=2.5e-6, epsilon=0.0625, sigma=0.95, lam=2e-6, n_intervals=5)
    s = ac.schedule(1e6, 5.0)
    assert s["cost"]["expected"] == pytest.approx(1140715.17, abs=0.01)
    assert s["cost"]["std"] == pytest.approx(449367.65, abs=0.01)
    assert s["holdings"][0] == 1e6 and s["holdings"][-1] == 0.0
    assert len(s["trades"]) == 5
    assert np.sum(s["trades"]) == pytest.approx(1e6)
    twap = ac.evaluate(np.linspace(1e6, 0.0, 6), 5.0)
    assert twap["objective"] > 1.8 * s["cost"]["objective"]
    with pytest.raises(ValueError, match="gamma"):
        fp.AlmgrenChriss(gamma=-1.0, eta=2.5e-6, epsilon=0.0625, sigma=0.95, lam=2e-6, n_intervals=5)


def problem(n=400, d=5, seed=3):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, d))
    y = X @ np.arange(1.0, d + 1.0) + 2.0 + rng.normal(scale=0.5, size=n)
    return X, y


def test_bayesian_linear_fits_and_predicts_like_the_closed_form():
    X, y = problem()
    m = fp.BayesianLinearRegressor().fit(X, y)
    assert m.n_features_in_ == 5
    mean, std = m.predict(X[:10], return_std=True)
    # The posterior mean is ridge regression on the centred data with penalty lambda / alpha:
    # its coefficients reproduce the predictions.
    coef, *_ = np.linalg.lstsq(np.c_[np.ones(len(X)), X], y, rcond=None)
    assert np.allclose(mean, np.c_[np.ones(10), X[:10]] @ coef, atol=1e-3)
    assert np.all(std > 0.45) and np.all(std < 0.6)  # the noise sd is 0.5
    assert m.score(X, y) > 0.99


def test_pickle_and_clone_keep_the_model_bit_for_bit():
    X, y = problem()
    m = fp.BayesianLinearRegressor(tol=1e-6).fit(X, y)
    back = pickle.loads(pickle.dumps(m))
    assert np.array_equal(back.predict(X), m.predict(X))
    assert back.get_params() == m.get_params()
    other = copy.deepcopy(m)
    assert np.array_equal(other.predict(X), m.predict(X))
    fresh = type(m)(**m.get_params())
    assert not hasattr(fresh, "core_") and fresh.get_params()["tol"] == 1e-6
    assert m.set_params(max_iter=10) is m and m.max_iter == 10
    with pytest.raises(ValueError, match="Invalid parameter"):
        m.set_params(no_such=1)


def test_bad_input_is_a_value_error_naming_the_entry():
    X, y = problem()
    with pytest.raises(NotFittedError, match="not fitted"):
        fp.BayesianLinearRegressor().predict(X)
    m = fp.BayesianLinearRegressor().fit(X, y)
    with pytest.raises(ValueError, match="expecting 5 features"):
        m.predict(X[:, :3])
    bad = X.copy()
    bad[7, 2] = math.nan
    with pytest.raises(ValueError, match="row 7, column 2 is nan"):
        fp.BayesianLinearRegressor().fit(bad, y)
    with pytest.raises(ValueError, match="row 7, column 2 is nan"):
        m.predict(bad)


def test_implementation_shortfall_reference_numbers():
    # A buy of 5,000 shares, decision price 10, arrival 10.25, close 11, fees 10 a fill; eight
    # fills of 500 at 10, 11, 10, 11, ...: Perold 3,080; market activity 1,830.
    q = np.full(8, 500.0)
    p = np.array([10.0, 11.0, 10.0, 11.0, 10.0, 11.0, 10.0, 11.0])
    d = fp.implementation_shortfall("buy", 5000.0, 10.0, 10.25, 11.0, q, p, np.full(8, 10.0))
    assert d["perold"] == {"execution": 2000.0, "opportunity": 1000.0, "fees": 80.0, "total": 3080.0}
    assert d["wagner"]["total"] == 3080.0
    assert d["market_activity"]["total"] == 1830.0
    assert d["fill_rate"] == 0.8
    with pytest.raises(ValueError, match="side"):
        fp.implementation_shortfall("hold", 5000.0, 10.0, 10.25, 11.0, q, p, q)


def check_dataset(d, n_features_min=5):
    n = len(d["quantity"])
    assert d["X"].shape == (n, len(d["feature_names"])) and len(d["feature_names"]) >= n_features_min
    assert d["labels"].shape == (n, len(d["label_names"]))
    assert d["label_names"][:2] == ["shortfall_bps", "immediate_bps"]
    assert d["times_ns"].dtype == np.int64 and np.all(np.diff(d["times_ns"]) >= 0)
    assert set(np.unique(d["side"])) <= {-1, 1}
    assert np.all(d["quantity"] > 0) and np.all(d["arrival_mid"] > 0)
    return n


def test_synthetic_dataset_as_numpy():
    r = fp.synthetic_dataset()
    n = check_dataset(r["orders"])
    meta = r["metaorders"]
    m = check_dataset(meta)
    # Each metaorder is a run of the market orders: their children add up to every order, and
    # the size feature "quantity" is the order's quantity.
    children = meta["X"][:, meta["feature_names"].index("n_children")]
    assert children.sum() == n and m < n
    q = r["orders"]["X"][:, r["orders"]["feature_names"].index("quantity")]
    assert np.array_equal(q, r["orders"]["quantity"])
    tape = r["tape"]
    assert len(tape["trade_prices"]) >= n and len(tape["mids"]) == len(tape["mid_times_ns"])
    assert r["orders"]["daily_volume"] > 0


def test_lobster_goog_day_as_numpy():
    import os

    d = os.path.join(os.environ.get("FOOTPRINT_DATA_DIR", ""), "lobster", "GOOG_2012-06-21_L1")
    message = os.path.join(d, "GOOG_2012-06-21_34200000_57600000_message_1.csv")
    if not os.path.exists(message):
        pytest.skip("no GOOG data under " + d)
    r = fp.lobster_dataset(message, os.path.join(d, "GOOG_2012-06-21_34200000_57600000_orderbook_1.csv"))
    assert len(r["tape"]["trade_prices"]) == 11678  # every trade of the day (footprint-tca says the same)
    n = check_dataset(r["orders"])
    assert n > 1000
    assert 500.0 < np.median(r["orders"]["arrival_mid"]) < 600.0  # GOOG traded near 570 that day
