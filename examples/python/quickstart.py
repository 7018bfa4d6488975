"""footprint from Python: a LOBSTER day to a pre-trade table in a pandas DataFrame, then a
model of one market order's cost with scikit-learn's tools (docs/python.md).

    PYTHONPATH=build/gcc/python /usr/bin/python3 examples/python/quickstart.py [DATA_DIR]

DATA_DIR holds lobster/GOOG_2012-06-21_L1 (../shared/data); without it, the built-in
synthetic market.
"""

import os
import sys

import numpy as np
from sklearn.model_selection import cross_val_score

import footprint as fp


def load(data_dir):
    day = os.path.join(data_dir, "lobster", "GOOG_2012-06-21_L1", "GOOG_2012-06-21_34200000_57600000_{}_1.csv")
    if data_dir and os.path.exists(day.format("message")):
        return fp.lobster_dataset(day.format("message"), day.format("orderbook"))
    return fp.synthetic_dataset()


market = load(sys.argv[1] if len(sys.argv) > 1 else "")
print(market)

# The pre-trade report: buy 2,000 shares over 30 minutes, cost limit 10 bps.
analysis = fp.PretradeAnalysis().fit(market)
report = analysis.report("buy", 2000, horizon_seconds=1800, threshold_bps=10)
table = fp.schedules_frame(report)
print(table[["expected_bps", "std_bps", "p95_bps", "p_exceed", "children"]].round(2))

# The metaorders as a DataFrame, and a purged cross-validation of a cost model.
metaorders = fp.to_frame(market["metaorders"])
features = ["participation", "spread_bps", "realized_vol_rate_300s", "log_quantity"]
data = metaorders.dropna(subset=features + ["shortfall_bps"])
t0 = data["time_ns"].to_numpy()
cv = fp.PurgedKFold(t0, t0 + data["duration_ns"].to_numpy(), n_splits=5)
model = fp.GradientBoostingRegressor(n_estimators=100, max_depth=3)
scores = cross_val_score(model, data[features], data["shortfall_bps"], cv=cv, scoring="neg_mean_absolute_error")
print(f"gradient boosting, purged 5-fold MAE: {-scores.mean():.2f} bps")

# Its predictive distribution for the largest metaorder: median, 95% quantile, P(cost > 5 bps).
model.fit(data[features], data["shortfall_bps"])
largest = data.loc[[data["quantity_traded"].idxmax()], features]
d = model.predict_distribution(largest, quantiles=(0.5, 0.95))
print(f"largest metaorder: median {d['quantiles'][0, 0]:.2f} bps, 95% {d['quantiles'][0, 1]:.2f} bps, "
      f"P(cost > 5 bps) {model.predict_proba_exceed(largest, 5.0)[0]:.2f}")
assert np.isfinite(scores).all()
