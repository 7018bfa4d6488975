"""Single-row predict from Python: footprint's regressors against the peers a desk would call
(XGBoost's inplace_predict, scikit-learn's gradient boosting and BayesianRidge), interleaved in
one run, medians of repetitions. A row's overhead is the single-row call minus the model's own
work per row (its time per row in a 10,000-row batch).

    PYTHONPATH=build/gcc/python /usr/bin/python3 benchmarks/python/predict_overhead.py

Needs python3-sklearn and python3-xgboost (scripts/install-deps.sh peers).
"""

import statistics
import time

import numpy as np


def per_call(fn, number, repeat=7):
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        for _ in range(number):
            fn()
        times.append((time.perf_counter() - t) / number)
    return times


def main():
    import footprint as fp
    from sklearn.ensemble import GradientBoostingRegressor, HistGradientBoostingRegressor
    from sklearn.linear_model import BayesianRidge

    rng = np.random.default_rng(0)
    n, d = 20_000, 10
    X = rng.normal(size=(n, d))
    y = X @ np.linspace(0.5, 2.0, d) + np.sin(X[:, 0]) + rng.normal(scale=0.3, size=n)
    row = np.ascontiguousarray(X[:1])
    batch = np.ascontiguousarray(X[:10_000])
    models = {
        "footprint BayesianLinearRegressor": fp.BayesianLinearRegressor().fit(X, y),
        "sklearn BayesianRidge": BayesianRidge().fit(X, y),
        "footprint GradientBoostingRegressor (100 trees, depth 6)": fp.GradientBoostingRegressor(n_threads=1).fit(X, y),
        "sklearn HistGradientBoostingRegressor (100 trees)": HistGradientBoostingRegressor(max_iter=100).fit(X, y),
        "sklearn GradientBoostingRegressor (100 trees, depth 3)": GradientBoostingRegressor().fit(X, y),
    }
    calls = {name: (lambda m=m: m.predict(row)) for name, m in models.items()}
    batches = {name: (lambda m=m: m.predict(batch)) for name, m in models.items()}
    try:
        import xgboost as xgb

        booster = xgb.train({"max_depth": 6, "eta": 0.1, "tree_method": "hist", "nthread": 1},
                            xgb.DMatrix(X, label=y), num_boost_round=100)
        calls["xgboost Booster.inplace_predict (100 trees, depth 6)"] = lambda: booster.inplace_predict(row)
        batches["xgboost Booster.inplace_predict (100 trees, depth 6)"] = lambda: booster.inplace_predict(batch)
    except ImportError:
        print("(python3-xgboost is not installed: no XGBoost row)")
    single = {name: [] for name in calls}
    per_row = {name: [] for name in calls}
    for _ in range(3):  # interleaved rounds
        for name in calls:
            number = 20_000 if name.startswith("footprint") or "Bayesian" in name else 500
            single[name] += per_call(calls[name], number, repeat=3)
            per_row[name] += [t / len(batch) for t in per_call(batches[name], 3, repeat=3)]
    print(f"{'model':58s} {'1-row call':>11s} {'per row in batch':>17s} {'overhead':>9s}")
    for name in calls:
        s = statistics.median(single[name]) * 1e6
        r = statistics.median(per_row[name]) * 1e6
        print(f"{name:58s} {s:9.2f} us {r:14.3f} us {s - r:7.2f} us")


if __name__ == "__main__":
    main()
