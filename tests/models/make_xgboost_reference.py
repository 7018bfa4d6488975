#!/usr/bin/env python3
"""Writes the committed XGBoost reference data of tests/models (the XGBoost-import test).

Run from the repository root with Debian's Python and python3-xgboost 1.7.4
(apt-get install -y python3-xgboost python3-numpy):

    /usr/bin/python3 tests/models/make_xgboost_reference.py

Outputs, in tests/models/data/:
- xgboost_model.json: a small XGBoost `hist` model (squared error, 30 rounds, depth 4,
  eta 0.3, NaN as missing) saved with Booster.save_model, XGBoost's JSON model format;
- xgboost_rows.csv: rows (header x0..x3, then `prediction`) with XGBoost's predictions,
  written with 17 significant digits ("nan" for missing). Besides random rows with missing
  values, the rows put features exactly on split thresholds, on the double midpoints between
  a threshold and the float below it, and one double ulp either side of those midpoints, where
  XGBoost's float(x) < threshold rule differs from a naive double comparison.

Deterministic: numpy's PCG64 with a fixed seed; XGBoost's hist training is deterministic
with nthread = 1.
"""
import json
import os

import numpy as np
import xgboost as xgb

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "data")
FMT = "%.17g"


def main():
    os.makedirs(OUT, exist_ok=True)
    rng = np.random.default_rng(20240611)
    n, d = 400, 4
    X = rng.normal(size=(n, d)) * np.array([1.0, 10.0, 0.01, 1000.0])
    y = np.sin(X[:, 0]) + 0.1 * X[:, 1] + 50.0 * X[:, 2] + 0.001 * X[:, 3] + 0.1 * rng.normal(size=n)
    X[rng.random(size=(n, d)) < 0.1] = np.nan
    dtrain = xgb.DMatrix(X, label=y, missing=np.nan)
    params = {"tree_method": "hist", "objective": "reg:squarederror", "max_depth": 4, "eta": 0.3,
              "nthread": 1, "seed": 0, "base_score": 0.25}
    booster = xgb.train(params, dtrain, num_boost_round=30)
    path = os.path.join(OUT, "xgboost_model.json")
    booster.save_model(path)

    # rows: random ones, then rows on and around the thresholds
    rows = [rng.normal(size=d) * np.array([1.0, 10.0, 0.01, 1000.0]) for _ in range(100)]
    rows = [np.where(rng.random(size=d) < 0.15, np.nan, r) for r in rows]
    model = json.load(open(path))
    thresholds = {}
    for tree in model["learner"]["gradient_booster"]["model"]["trees"]:
        for i, left in enumerate(tree["left_children"]):
            if left != -1:
                thresholds.setdefault(tree["split_indices"][i], set()).add(tree["split_conditions"][i])
    base = np.nanmedian(X, axis=0)
    for f in sorted(thresholds):
        for t in sorted(thresholds[f])[:25]:
            t32 = np.float32(t)
            below = np.nextafter(t32, np.float32(-np.inf))
            mid = (float(below) + float(t32)) / 2.0
            for v in (float(t32), float(below), mid, np.nextafter(mid, -np.inf), np.nextafter(mid, np.inf),
                      np.nextafter(float(t32), -np.inf), np.nextafter(float(t32), np.inf)):
                r = base.copy()
                r[f] = v
                rows.append(r)
    R = np.array(rows)
    pred = booster.predict(xgb.DMatrix(R, missing=np.nan))
    with open(os.path.join(OUT, "xgboost_rows.csv"), "w") as out:
        out.write(",".join(["x%d" % j for j in range(d)] + ["prediction"]) + "\n")
        for r, p in zip(R, pred):
            out.write(",".join("nan" if np.isnan(v) else FMT % v for v in r) + "," + FMT % float(p) + "\n")
    print("xgboost", xgb.__version__, "rows", len(R), "trees", len(model["learner"]["gradient_booster"]["model"]["trees"]))


if __name__ == "__main__":
    main()
