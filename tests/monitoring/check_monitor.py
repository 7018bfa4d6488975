#!/usr/bin/env python3
"""Runs footprint-monitor as a user would and checks what it prints.

usage: check_monitor.py MONITOR CASE [DATA_DIR]

CASE is one of:
  synthetic    the built-in market: the JSON has the documented keys (source, settings,
               reference, windows with coverage, mean_z, alarms, features_drifted and action,
               summary); the reference and the windows account for every tested metaorder, in
               time order, in windows of --window metaorders but the last, which takes the
               remainder shorter than a window; the action counts add up; every drifted feature is named with its
               PSI; two runs give the same JSON; the text ends with the action counts
  binance-sessions
               the two Binance USD-M sessions 16 months apart (2023-04-05 and 2024-08-08):
               the model fitted on 2023 (--test-from-file 2 --folds 1 --reference 100); the
               first window of 2024 has features out of 2023's range and falls back, as do
               most windows after it; skipped without the data
  regimes      --regimes on the built-in market, or on the GOOG day when the data is there:
               the "regimes" object has the documented fields in range (K by the lowest BIC
               among 2..4, rows per regime adding up, CRPS > 0, the difference equal to
               without - with inside its confidence intervals, p = (1 + n_at_least) / (1 + 1000)
               in (0, 1], coverages in [0, 1]); two runs give the same JSON; the text ends
               with the answer
  plot         scripts/plot_monitor.py draws the synthetic run's JSON (skipped without Debian's
               python3-matplotlib)
  bad-args     an unknown option, a window or a reference out of range, --test-from-file
               without --binance, --train-fraction out of range: one line on stderr each,
               exit status 2; a reference that leaves nothing to monitor, an unknown
               --regime-label: exit status 1; a timeline written to a full disk:
               exit status 1
"""

import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.dirname(HERE))
from program_checks import fail, ok, run, run_json  # noqa: E402
ACTIONS = ["none", "widen_intervals", "refit", "fall_back"]
WINDOW_KEYS = ["index", "from_ns", "to_ns", "fold", "metaorders", "coverage", "mean_z", "alarms", "orders",
               "features_drifted", "action"]


def check_document(doc, what):
    for key in ["program", "version", "source", "settings", "reference", "windows", "summary"]:
        if key not in doc:
            fail(f"{what}: no '{key}' in the document")
    ref, windows, summary = doc["reference"], doc["windows"], doc["summary"]
    if ref["metaorders"] < 30:
        fail(f"{what}: a reference of {ref['metaorders']} metaorders")
    if not windows:
        fail(f"{what}: no window")
    monitored = sum(w["metaorders"] for w in windows)
    if ref["metaorders"] + monitored != summary["tested"]:
        fail(f"{what}: reference {ref['metaorders']} + windows {monitored} != tested {summary['tested']}")
    previous = ref["to_ns"]
    for k, w in enumerate(windows):
        for key in WINDOW_KEYS:
            if key not in w:
                fail(f"{what}: window {k} has no '{key}'")
        if w["index"] != k or w["from_ns"] < previous or w["to_ns"] < w["from_ns"]:
            fail(f"{what}: window {k} out of time order ({w['from_ns']} after {previous})")
        previous = w["to_ns"]
        if w["action"] not in ACTIONS:
            fail(f"{what}: window {k} action {w['action']}")
        if w["coverage"] is not None and not 0.0 <= w["coverage"] <= 1.0:
            fail(f"{what}: window {k} coverage {w['coverage']}")
        for f in w["features_drifted"]:
            if f["name"] not in ref["features"]:
                fail(f"{what}: window {k} drifted feature {f['name']} is not a reference feature")
    # Windows of --window metaorders, the last one taking the remainder shorter than a window
    # (a window of a few metaorders drifted on sampling noise against limits set for a window).
    size = doc["settings"]["window"]
    sizes = [w["metaorders"] for w in windows]
    if any(n != size for n in sizes[:-1]) or not (size <= sizes[-1] < 2 * size or len(sizes) == 1):
        fail(f"{what}: windows of {sizes} metaorders for --window {size}")
    counts = {a: sum(1 for w in windows if w["action"] == a) for a in ACTIONS}
    for a in ACTIONS:
        if counts[a] != summary[a]:
            fail(f"{what}: summary {a} {summary[a]}, windows say {counts[a]}")
    if summary["windows"] != len(windows):
        fail(f"{what}: summary windows {summary['windows']} for {len(windows)}")
    ok(f"{what}: reference {ref['metaorders']}, {len(windows)} windows, actions {counts}")


def case_synthetic(monitor, _data):
    doc = run_json([monitor])
    check_document(doc, "synthetic")
    again = run_json([monitor])
    if again != doc:
        fail("two runs on the synthetic market differ")
    ok("two runs give the same JSON")
    p = run([monitor, "--quiet"])
    if p.returncode != 0 or not p.stdout.strip().splitlines()[-1].startswith("actions: none"):
        fail(f"the text timeline: exit {p.returncode}, {p.stdout[-300:]}")
    ok("the text timeline ends with the action counts")


def case_binance_sessions(monitor, data):
    raw = os.path.join(data, "binance", "raw", "usdm")
    first = os.path.join(raw, "btcusdt_20230405.dat.gz")
    second = os.path.join(raw, "btcusdt_20240808.gz")
    if not (os.path.exists(first) and os.path.exists(second)):
        print("skipped: no Binance USD-M captures under " + raw)
        return
    doc = run_json([monitor, "--binance", first, second, "--test-from-file", "2", "--folds", "1", "--reference",
                    "100"])
    check_document(doc, "binance sessions")
    # The model is fitted on 2023-04-05; its features' reference is 2023's orders; the
    # replay runs through 2024-08-08: the first window's features are out of 2023's range.
    ref_end = doc["reference"]["to_ns"]
    test_start = doc["settings"]["test_start_ns"]
    if test_start is None or doc["windows"][0]["from_ns"] < test_start:
        fail("the replay does not start in 2024's session")
    first_window = doc["windows"][0]
    out = [f["name"] for f in first_window["features_drifted"] if f["is_out_of_range"]]
    if first_window["action"] != "fall_back" or len(out) < 2:
        fail(f"the first window of 2024: action {first_window['action']}, out of range {out}")
    if doc["summary"]["fall_back"] < doc["summary"]["windows"] // 2:
        fail(f"only {doc['summary']['fall_back']} of {doc['summary']['windows']} windows fall back")
    ok(f"fitted on 2023, the first window of 2024 falls back ({', '.join(out[:4])} out of range); "
       f"{doc['summary']['fall_back']} of {doc['summary']['windows']} windows fall back, ref end {ref_end}")


REGIME_KEYS = ["label", "orders", "usable_orders", "train_fraction", "n_train", "n_test", "train_end_ns",
               "regime_features", "base_features", "bic", "n_regimes", "mean_crps_without", "mean_crps_with",
               "mean_difference", "standard_error", "t_statistic", "confidence", "ci_low", "ci_high",
               "standard_error_hac", "hac_lag", "ci_low_hac", "ci_high_hac", "n_permutations", "n_at_least",
               "p_value", "null_mean", "null_sd", "null_q95", "shuffle", "circular_shift", "seed", "alpha", "n_calibration",
               "coverage_mondrian", "coverage_pooled", "per_regime", "helps", "answer"]


def case_regimes(monitor, data):
    d = os.path.join(data, "lobster", "GOOG_2012-06-21_L1")
    message = os.path.join(d, "GOOG_2012-06-21_34200000_57600000_message_1.csv")
    book = os.path.join(d, "GOOG_2012-06-21_34200000_57600000_orderbook_1.csv")
    if os.path.exists(message) and os.path.exists(book):
        args, what = ["--lobster", message, book], "GOOG"
    else:
        print("no GOOG data under " + d + ": the built-in market instead")
        args, what = [], "synthetic"
    doc = run_json([monitor, "--regimes"] + args)
    if "regimes" not in doc or "windows" in doc:
        fail(f"{what}: the document has no 'regimes' (or still a timeline): {list(doc)}")
    r = doc["regimes"]
    for key in REGIME_KEYS:
        if key not in r:
            fail(f"{what}: no '{key}' in regimes")
    k = r["n_regimes"]
    bics = {b["n_regimes"]: b["bic"] for b in r["bic"]}
    if sorted(bics) != [2, 3, 4] or k not in bics:
        fail(f"{what}: K {k} from BIC {bics}")
    if any(b is not None and b < bics[k] for b in bics.values()):
        fail(f"{what}: K = {k} is not the lowest BIC {bics}")
    per = r["per_regime"]
    if [g["regime"] for g in per] != list(range(k)):
        fail(f"{what}: per_regime {[g['regime'] for g in per]} for K = {k}")
    if sum(g["n_train"] for g in per) != r["n_train"] or sum(g["n_test"] for g in per) != r["n_test"]:
        fail(f"{what}: rows per regime do not add up to {r['n_train']} and {r['n_test']}")
    if r["n_train"] + r["n_test"] != r["usable_orders"] or r["usable_orders"] > r["orders"]:
        fail(f"{what}: {r['n_train']} + {r['n_test']} rows of {r['usable_orders']} usable, {r['orders']} orders")
    if abs(r["n_train"] - r["train_fraction"] * r["usable_orders"]) > 1:
        fail(f"{what}: {r['n_train']} training rows for a fraction {r['train_fraction']}")
    if not (r["mean_crps_without"] > 0 and r["mean_crps_with"] > 0):
        fail(f"{what}: CRPS {r['mean_crps_without']}, {r['mean_crps_with']}")
    diff = r["mean_crps_without"] - r["mean_crps_with"]
    if abs(diff - r["mean_difference"]) > 1e-9 * max(1.0, abs(diff)):
        fail(f"{what}: difference {r['mean_difference']} for without - with {diff}")
    if not (r["ci_low"] <= r["mean_difference"] <= r["ci_high"] and
            r["ci_low_hac"] <= r["mean_difference"] <= r["ci_high_hac"]):
        fail(f"{what}: the difference {r['mean_difference']} is outside its intervals")
    if r["n_permutations"] != 1000 or abs(r["p_value"] - (1 + r["n_at_least"]) / 1001) > 1e-12:
        fail(f"{what}: p {r['p_value']} from {r['n_at_least']} of {r['n_permutations']}")
    c = r["circular_shift"]
    if abs(c["p_value"] - (1 + c["n_at_least"]) / 1001) > 1e-12:
        fail(f"{what}: circular-shift p {c['p_value']} from {c['n_at_least']}")
    if not (0 < r["p_value"] <= 1 and 0 < c["p_value"] <= 1):
        fail(f"{what}: p {r['p_value']}, {c['p_value']}")
    if r["helps"] != (r["ci_low_hac"] > 0 and r["p_value"] <= 0.05 and c["p_value"] <= 0.05):
        fail(f"{what}: helps {r['helps']} does not follow its rule")
    for g in per:
        for key in ["coverage_mondrian", "coverage_pooled"]:
            if g[key] is not None and not 0.0 <= g[key] <= 1.0:
                fail(f"{what}: regime {g['regime']} {key} {g[key]}")
    for key in ["coverage_mondrian", "coverage_pooled"]:
        if not 0.0 <= r[key] <= 1.0:
            fail(f"{what}: {key} {r[key]}")
    if r["answer"] not in ["yes", "no", "not significantly"]:
        fail(f"{what}: answer {r['answer']}")
    again = run_json([monitor, "--regimes"] + args)
    if again != doc:
        fail(f"{what}: two runs differ")
    p = run([monitor, "--regimes", "--quiet"] + args)
    if p.returncode != 0 or not p.stdout.strip().splitlines()[-1].startswith("does conditioning on the regime help?"):
        fail(f"{what}: the text: exit {p.returncode}, {p.stdout[-300:]}")
    ok(f"{what}: K = {k}, CRPS without {r['mean_crps_without']:.4f} with {r['mean_crps_with']:.4f} bps, "
       f"difference {r['mean_difference']:.5f} [{r['ci_low_hac']:.5f}, {r['ci_high_hac']:.5f}], p {r['p_value']:.4f}, "
       f"answer {r['answer']}; the same twice; the text ends with the answer")


def case_plot(monitor, _data):
    python = "/usr/bin/python3"
    if run([python, "-c", "import matplotlib"]).returncode != 0:
        print("skipped: Debian's python3-matplotlib is not installed")
        return
    with tempfile.TemporaryDirectory() as tmp:
        doc = os.path.join(tmp, "m.json")
        png = os.path.join(tmp, "m.png")
        if run([monitor, "--quiet", "--json", doc]).returncode != 0:
            fail("footprint-monitor failed")
        p = run([python, os.path.join(ROOT, "scripts", "plot_monitor.py"), doc, png])
        if p.returncode != 0 or not os.path.exists(png) or os.path.getsize(png) < 10000:
            fail(f"plot_monitor.py: exit {p.returncode}: {p.stderr}")
        ok(f"plot_monitor.py drew {os.path.getsize(png)} bytes")


def case_bad_args(monitor, _data):
    for args, status in [(["--no-such-option"], 2), (["--window", "2"], 2), (["--reference", "5"], 2),
                         (["--test-from-file", "2"], 2), (["--reference", "100000", "--quiet"], 1),
                         (["--regimes", "--train-fraction", "2"], 2),
                         (["--regimes", "--regime-label", "no_such_label", "--quiet"], 1),
                         (["--regimes", "--permutations", "0"], 2), (["--ignore-features", "nope", "--quiet"], 1)]:
        p = run([monitor] + args)
        lines = p.stderr.strip().splitlines()
        if p.returncode != status or len(lines) != 1 or not lines[0].startswith("footprint-monitor: error:"):
            fail(f"{args}: exit {p.returncode}, stderr {lines}")
        if p.stdout:
            fail(f"{args}: printed on stdout")
        ok(f"{args}: exit {status}, one error line: {lines[0][:100]}")
    if os.path.exists("/dev/full"):
        for args in ([], ["--json", "-"]):
            with open("/dev/full", "w") as full:
                p = subprocess.run([monitor, "--quiet", *args], stdout=full, stderr=subprocess.PIPE, text=True,
                                   timeout=900)
            lines = p.stderr.strip().splitlines()
            if p.returncode != 1 or len(lines) != 1 or "stdout" not in lines[0]:
                fail(f"{args} to a full disk: exit {p.returncode}, {lines}")
            ok(f"{args} to a full disk: exit 1, one error line")


def main():
    if len(sys.argv) < 3:
        print(__doc__)
        return 2
    monitor, case = sys.argv[1], sys.argv[2]
    data = sys.argv[3] if len(sys.argv) > 3 else os.path.join(ROOT, "..", "shared", "data")
    cases = {"synthetic": case_synthetic, "binance-sessions": case_binance_sessions, "regimes": case_regimes,
             "plot": case_plot, "bad-args": case_bad_args}
    if case not in cases:
        fail("unknown case " + case)
    cases[case](monitor, data)
    print("all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
