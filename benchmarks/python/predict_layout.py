"""Batch predict of a C-ordered float64 matrix (numpy's default) from Python: read in place
(the C++ models' row_major_view overloads) against the Fortran-ordered path the same matrix
took before (np.asfortranarray, then the column-major input: one copy of X), and against
XGBoost's inplace_predict and scikit-learn on the same C-ordered matrix. Interleaved
repetitions, medians; peak memory traced by tracemalloc (numpy's buffers) in a separate call.

    PYTHONPATH=build/gcc/python /usr/bin/python3 benchmarks/python/predict_layout.py

Needs python3-sklearn and python3-xgboost (scripts/install-deps.sh peers).
"""

import statistics
import time
import tracemalloc

import numpy as np


def main():
    import footprint as fp
    from sklearn.linear_model import BayesianRidge

    rng = np.random.default_rng(0)
    n_fit, n, d = 20_000, 1_000_000, 10
    X_fit = rng.normal(size=(n_fit, d))
    y_fit = X_fit @ np.linspace(0.5, 2.0, d) + np.sin(X_fit[:, 0]) + rng.normal(scale=0.3, size=n_fit)
    X = rng.normal(size=(n, d))  # C order, 80 MB
    blr = fp.BayesianLinearRegressor().fit(X_fit, y_fit)
    gbm = fp.GradientBoostingRegressor(n_estimators=100, max_depth=6, n_threads=1).fit(X_fit, y_fit)
    calls = {
        "footprint BayesianLinearRegressor, C order in place": lambda: blr.predict(X),
        "footprint BayesianLinearRegressor, copied to Fortran order": lambda: blr.predict(np.asfortranarray(X)),
        "sklearn BayesianRidge": (lambda m: lambda: m.predict(X))(BayesianRidge().fit(X_fit, y_fit)),
        "footprint GradientBoostingRegressor (100 trees, depth 6), C order in place": lambda: gbm.predict(X),
        "footprint GradientBoostingRegressor, copied to Fortran order": lambda: gbm.predict(np.asfortranarray(X)),
    }
    try:
        import xgboost as xgb
        booster = xgb.train({"max_depth": 6, "eta": 0.1, "nthread": 1, "tree_method": "hist"},
                            xgb.DMatrix(X_fit, label=y_fit), num_boost_round=100)
        calls["xgboost Booster.inplace_predict (100 trees, depth 6)"] = lambda: booster.inplace_predict(X)
    except ImportError:
        pass
    times = {name: [] for name in calls}
    for _ in range(5):
        for name, call in calls.items():
            t = time.perf_counter()
            call()
            times[name].append(time.perf_counter() - t)
    print(f"{n:,} rows x {d} features, C-ordered float64 ({X.nbytes / 1e6:.0f} MB); medians of 5, one thread")
    print(f"{'call':76s} {'time':>9s} {'peak numpy memory':>18s}")
    for name, call in calls.items():
        tracemalloc.start()
        call()
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        print(f"{name:76s} {statistics.median(times[name]) * 1e3:7.1f} ms {peak / 1e6:15.1f} MB")


if __name__ == "__main__":
    main()
