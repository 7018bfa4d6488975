"""The pre-trade analysis from Python: its report equals footprint-pretrade's on the same
market and order (the program's JSON), the schedules as a DataFrame, and errors."""

import json
import os
import subprocess

import numpy as np
import pytest

import footprint as fp


@pytest.fixture(scope="module")
def synthetic_report():
    market = fp.synthetic_dataset()
    analysis = fp.PretradeAnalysis().fit(market)
    return analysis.report("buy", 5000, horizon_seconds=1800, threshold_bps=10.0)


def test_the_report_equals_footprint_pretrades(tmp_path):
    exe = os.environ.get("FOOTPRINT_PRETRADE", "")
    if not os.path.exists(exe):
        pytest.skip("footprint-pretrade is built with the programs (FOOTPRINT_PRETRADE)")
    out = tmp_path / "report.json"
    subprocess.run([exe, "--side", "buy", "--quantity", "5000", "--horizon", "1800", "--threshold-bps", "10",
                    "--model", "bayes", "--json", str(out)], check=True, stdout=subprocess.DEVNULL)
    program = json.loads(out.read_text())
    # The program prices with the model that scored better held out (here OLS, its fallback).
    priced_with = program["model"]["priced_with"].split()[0]
    estimator = {"bayes": fp.BayesianLinearRegressor(), "ols": fp.LinearRegression()}[priced_with]
    report = fp.PretradeAnalysis(estimator).fit(fp.synthetic_dataset()).report("buy", 5000, 1800, 10.0)
    ours = {s["name"]: s for s in report["strategies"]}
    assert [s["name"] for s in program["schedules"]] == list(ours)
    for s in program["schedules"]:
        f = ours[s["name"]]["forecast"]
        assert f["expected_bps"] == s["total_bps"] and f["temporary_bps"] == s["temporary_bps"]
        assert f["permanent_bps"] == s["permanent_bps"] and f["std_bps"] == s["total_std_bps"]
        assert f["p95_bps"] == s["quantiles_bps"]["p95"]
        assert f["exceedance_probability"] == s["exceedance_probability"]
        assert ours[s["name"]]["quantities"].tolist() == [c["quantity"] for c in s["children"]]


def test_the_schedules_as_a_dataframe(synthetic_report):
    pytest.importorskip("pandas")
    table = fp.schedules_frame(synthetic_report)
    assert list(table.index) == ["aggressive", "balanced", "passive", "pov_5", "pov_10", "pov_20", "optimal"]
    assert np.allclose(table["expected_bps"], table["temporary_bps"] + table["permanent_bps"], atol=1e-9)
    assert (table["p05_bps"] <= table["p50_bps"]).all() and (table["p50_bps"] <= table["p95_bps"]).all()
    assert ((0 <= table["p_exceed"]) & (table["p_exceed"] <= 1)).all()
    for s in synthetic_report["strategies"]:
        assert s["quantities"].sum() == synthetic_report["order"]["quantity"]


def test_other_estimators_and_errors():
    market = fp.synthetic_dataset()
    gbm = fp.PretradeAnalysis(fp.GradientBoostingRegressor(n_estimators=50)).fit(market)
    r = gbm.report("sell", 2000, 600)
    assert r["order"]["side"] == "sell" and len(r["strategies"]) == 7
    with pytest.raises(ValueError, match="side"):
        gbm.report("hold", 2000, 600)
    with pytest.raises(ValueError, match="quantity"):
        gbm.report("buy", -5, 600)
    with pytest.raises(ValueError, match="estimator"):
        fp.PretradeAnalysis(fp.MLPRegressor()).fit(market)
    with pytest.raises(RuntimeError, match="not fitted"):
        fp.PretradeAnalysis().report("buy", 10, 60)
