#!/usr/bin/env python3
"""Runs footprint-backtest as a user would and checks what it prints.

usage: check_backtest.py BACKTEST PRETRADE CASE [DATA_DIR]

CASE is one of:
  synthetic    the built-in market: the JSON has the documented keys (metaorders, folds,
               methods.engine / square_root / almgren_chriss / structural_only with bias_bps,
               rmse_bps, crps_bps, coverage_90, coverage_90_conformal, brier), every tested
               metaorder arrives after its fold's cutoff plus the embargo, the reliability
               table and PIT histogram count every metaorder, two runs give the same JSON
               (but the wall time), the text ends with a verdict
  calibration  footprint-backtest --save-calibration, then footprint-pretrade --calibration
               on the same market: the report says its intervals and P are conformal, they
               differ from the model-based ones, the expected costs do not; a calibration of
               another symbol and a corrupt file are one-line errors
  binance-sessions
               the two Binance USD-M sessions 16 months apart (2023-04-05, microsecond stamps,
               and 2024-08-08/09): fitted on the first, scored on the second (--test-from-file
               2 --folds 1); the 2023 capture's span is minutes, not the 0.4 s its stamps give
               read as nanoseconds; skipped without the data
  plot         scripts/plot_backtest.py draws the synthetic run's JSON (skipped without
               Debian's python3-matplotlib)
  bad-args     an unknown option, a missing file, --test-from-file without --binance, a NaN
               --threshold-bps: one line on stderr each, exit status 2; a report written to a full disk: exit status 1
"""

import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.dirname(HERE))
from program_checks import fail, ok, run, run_json  # noqa: E402
METHODS = ["engine", "square_root", "almgren_chriss", "structural_only"]
SCORE_KEYS = ["metaorders", "bias_bps", "rmse_bps", "mae_bps", "crps_bps", "coverage_90", "conformal_rows",
              "coverage_90_conformal", "brier", "brier_conformal", "exceedance_rate"]


def check_document(doc, what):
    for key in ["program", "version", "source", "settings", "metaorders", "folds", "methods", "predictions"]:
        if key not in doc:
            fail(f"{what}: no key {key}")
    for m in METHODS:
        if m not in doc["methods"]:
            fail(f"{what}: no method {m}")
        s = doc["methods"][m]
        for k in SCORE_KEYS:
            if k not in s:
                fail(f"{what}: methods.{m} has no {k}")
        n = s["metaorders"]
        if n != doc["metaorders"]["tested"]:
            fail(f"{what}: methods.{m}.metaorders {n} != tested {doc['metaorders']['tested']}")
        if sum(b["count"] for b in s["reliability"]) != n or sum(s["pit_histogram"]) != n:
            fail(f"{what}: {m}'s reliability table or PIT histogram does not count every metaorder")
        if sum(b["metaorders"] for b in s["by_size"]) != n:
            fail(f"{what}: {m}'s size buckets do not count every metaorder")
        for k in ["coverage_90", "coverage_90_conformal", "brier"]:
            if s[k] is not None and not 0.0 <= s[k] <= 1.0:
                fail(f"{what}: methods.{m}.{k} = {s[k]} outside [0, 1]")
    ok(f"{what}: documented keys, every metaorder counted in each table")
    embargo_ns = int(round(doc["settings"]["embargo_seconds"] * 1e9))
    folds = {f["fold"]: f for f in doc["folds"]}
    for r in doc["predictions"]:
        if r["time_ns"] < folds[r["fold"]]["cutoff_ns"] + embargo_ns:
            fail(f"{what}: metaorder {r['row']} arrives before its fold's cutoff plus the embargo")
        if r["children"] < doc["settings"]["min_children"]:
            fail(f"{what}: metaorder {r['row']} has fewer children than min_children")
    ok(f"{what}: every metaorder after its fold's cutoff plus the embargo")


def case_synthetic(backtest, _pretrade, _data):
    a = run_json([backtest])
    check_document(a, "synthetic")
    if a["metaorders"]["tested"] < 200:
        fail(f"only {a['metaorders']['tested']} metaorders tested")
    b = run_json([backtest])
    a.pop("seconds")
    b.pop("seconds")
    if a != b:
        fail("two runs give different JSON")
    ok("two runs give the same JSON")
    text = run([backtest, "--quiet"]).stdout
    if "verdict   the engine's CRPS" not in text:
        fail("the text has no verdict:\n" + text)
    ok("the text ends with a verdict")


def case_calibration(backtest, pretrade, _data):
    with tempfile.TemporaryDirectory() as tmp:
        cal = os.path.join(tmp, "cal.json")
        p = run([backtest, "--quiet", "--save-calibration", cal])
        if p.returncode != 0:
            fail(f"--save-calibration: exit {p.returncode}: {p.stderr}")
        saved = json.load(open(cal))
        if saved.get("kind") != "conformal_calibration" or len(saved["scores"]) < 100:
            fail("the calibration file lacks kind or scores")
        ok(f"--save-calibration wrote {len(saved['scores'])} residuals")
        plain = run_json([pretrade])
        conformal = run_json([pretrade, "--calibration", cal])
        if plain["calibration"]["conformal"] or not conformal["calibration"]["conformal"]:
            fail("the report's calibration flag is wrong")
        if conformal["calibration"]["scores"] != len(saved["scores"]):
            fail("the report does not count the calibration residuals")
        changed = 0
        for s0, s1 in zip(plain["schedules"], conformal["schedules"]):
            if s0["total_bps"] != s1["total_bps"] or s0["total_std_bps"] != s1["total_std_bps"]:
                fail(f"{s0['name']}: --calibration changed the expected cost or its sd")
            q = s1["quantiles_bps"]
            if not q["p05"] <= s1["total_bps"] <= q["p95"] or not 0.0 <= s1["exceedance_probability"] <= 1.0:
                fail(f"{s0['name']}: conformal interval or P out of order: {q}, {s1['exceedance_probability']}")
            changed += q["p05"] != s0["quantiles_bps"]["p05"]
        if changed == 0:
            fail("--calibration changed no interval")
        ok("conformal intervals and P, expected costs unchanged")
        text = run([pretrade, "--quiet", "--calibration", cal]).stdout
        if "p05, p95 and P are conformal" not in text:
            fail("the text does not say the intervals are conformal")
        ok("the text says so")
        other = os.path.join(tmp, "other.json")
        saved["symbol"] = "NOTTHIS"
        json.dump(saved, open(other, "w"))
        corrupt = os.path.join(tmp, "corrupt.json")
        open(corrupt, "w").write('{"kind": "conformal_calibration", "scores": [1, "x"]}')
        # a residual of 1e308 sd made every interval [-inf, inf]; another level was ignored
        huge = os.path.join(tmp, "huge.json")
        open(huge, "w").write('{"kind": "conformal_calibration", "scores": [1e308' + ', 1' * 20 + ']}')
        level = os.path.join(tmp, "level.json")
        open(level, "w").write('{"kind": "conformal_calibration", "alpha": 0.2, "scores": [1' + ', 1' * 20 + ']}')
        for path, needle in [(other, "calibrated on NOTTHIS"), (corrupt, "scores[1]"), (huge, "residual 0 is 1e+308"),
                             (level, "field 'alpha'")]:
            p = run([pretrade, "--quiet", "--calibration", path])
            lines = p.stderr.strip().splitlines()
            if p.returncode != 1 or len(lines) != 1 or needle not in lines[0] or p.stdout:
                fail(f"--calibration {path}: exit {p.returncode}, stderr {lines}")
            ok(f"--calibration with a bad file: one error naming '{needle}'")


def case_binance_sessions(backtest, _pretrade, data):
    raw = os.path.join(data, "binance", "raw", "usdm")
    first = os.path.join(raw, "btcusdt_20230405.dat.gz")
    second = os.path.join(raw, "btcusdt_20240808.gz")
    if not (os.path.exists(first) and os.path.exists(second)):
        print("skipped: no Binance USD-M captures under " + raw)
        return
    doc = run_json([backtest, "--binance", first, second, "--test-from-file", "2", "--folds", "1"])
    check_document(doc, "binance sessions")
    fold = doc["folds"][0]
    if fold["message"]:
        fail("the fold could not be fitted: " + fold["message"])
    if doc["metaorders"]["tested"] < 100:
        fail(f"only {doc['metaorders']['tested']} metaorders of the 2024 session tested")
    if fold["train_metaorders"] < 30:
        fail(f"only {fold['train_metaorders']} training metaorders from the 2023 session")
    ok(f"fitted on {fold['train_metaorders']} metaorders of 2023-04-05, scored on "
       f"{doc['metaorders']['tested']} of 2024-08-08")
    one = run_json([backtest, "--binance", first])
    if not 60.0 < one["source"]["span_seconds"] < 3600.0:
        fail(f"the 2023 capture spans {one['source']['span_seconds']} s (its stamps are microseconds)")
    ok(f"the 2023 capture spans {one['source']['span_seconds']:.0f} s")


def case_plot(backtest, _pretrade, _data):
    python = "/usr/bin/python3"
    if run([python, "-c", "import matplotlib"]).returncode != 0:
        print("skipped: Debian's python3-matplotlib is not installed")
        return
    with tempfile.TemporaryDirectory() as tmp:
        doc = os.path.join(tmp, "b.json")
        png = os.path.join(tmp, "b.png")
        if run([backtest, "--quiet", "--json", doc]).returncode != 0:
            fail("footprint-backtest failed")
        p = run([python, os.path.join(ROOT, "scripts", "plot_backtest.py"), doc, png])
        if p.returncode != 0 or not os.path.exists(png) or os.path.getsize(png) < 10000:
            fail(f"plot_backtest.py: exit {p.returncode}: {p.stderr}")
        ok(f"plot_backtest.py drew {os.path.getsize(png)} bytes")


def case_bad_args(backtest, _pretrade, _data):
    for args, status in [(["--no-such-option"], 2), (["--lobster", "/nonexistent", "/nonexistent"], 2),
                         (["--test-from-file", "2"], 2), (["--folds", "0"], 2),
                         (["--threshold-bps", "nan"], 2),  # it used to fall back to the default silently
                         (["--embargo", "86400", "--quiet"], 1)]:  # every fold skipped: an empty report, exit 0
        p = run([backtest] + args)
        lines = p.stderr.strip().splitlines()
        if p.returncode != status or len(lines) != 1 or not lines[0].startswith("footprint-backtest: error:"):
            fail(f"{args}: exit {p.returncode}, stderr {lines}")
        if p.stdout:
            fail(f"{args}: printed on stdout")
        ok(f"{args}: exit {status}, one error line")
    if os.path.exists("/dev/full"):
        for args in ([], ["--json", "-"]):
            with open("/dev/full", "w") as full:
                p = subprocess.run([backtest, "--quiet", *args], stdout=full, stderr=subprocess.PIPE, text=True,
                                   timeout=900)
            lines = p.stderr.strip().splitlines()
            if p.returncode != 1 or len(lines) != 1 or "stdout" not in lines[0]:
                fail(f"{args} to a full disk: exit {p.returncode}, {lines}")
            ok(f"{args} to a full disk: exit 1, one error line")


def main():
    if len(sys.argv) < 4:
        print(__doc__)
        return 2
    backtest, pretrade, case = sys.argv[1], sys.argv[2], sys.argv[3]
    data = sys.argv[4] if len(sys.argv) > 4 else os.path.join(ROOT, "..", "shared", "data")
    cases = {"synthetic": case_synthetic, "calibration": case_calibration, "binance-sessions": case_binance_sessions,
             "plot": case_plot, "bad-args": case_bad_args}
    if case not in cases:
        fail("unknown case " + case)
    cases[case](backtest, pretrade, data)
    print("all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
