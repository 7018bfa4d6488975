#!/usr/bin/env python3
"""Runs footprint-batch as a user would and checks what it writes.

usage: check_batch.py BATCH CASE [DATA_DIR]

CASE is one of:
  synthetic  two synthetic shards (synth-1, synth-2): every documented key; the same data, so
             the same laws and statistics, but different ids, so different seeds and simulated
             costs; the pooled regression has the rows of both; a second run writes the same bytes
  merge      the whole run equals, byte for byte, the shards run one by one (in reverse order,
             --shard K) then --merge
  real       the GOOG LOBSTER day, the Bitstamp day and a Binance spot capture: each shard's
             rows, laws and simulation; the pooled regression; whole run == per shard + merge;
             skipped without the data
  bad-args   a manifest line without a required field, a duplicate id, an unknown source and
             invalid JSON: exit 1 naming the manifest, the line and the field; --episodes 1,
             --shard and --merge together: exit 2; --merge before the shards ran: exit 1
"""

import filecmp
import json
import os
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
from program_checks import fail, ok, run  # noqa: E402

FIT_KEYS = ["format", "version", "id", "source", "symbol", "venue", "seed", "session_seconds", "daily_volume",
            "span_seconds", "orders", "metaorders", "observations", "excluded", "square_root_law", "almgren_chriss",
            "feature_names", "label", "linear_rows", "linear_excluded", "statistics", "simulation"]
SUMMARY_KEYS = ["format", "version", "shard_ids", "orders", "metaorders", "observations", "excluded", "feature_names",
                "label", "linear_rows", "linear_excluded", "statistics", "ols", "bayesian_linear", "shards"]


def write_manifest(folder, lines):
    path = os.path.join(folder, "manifest.jsonl")
    with open(path, "w", encoding="utf-8") as f:
        for line in lines:
            f.write((line if isinstance(line, str) else json.dumps(line)) + "\n")
    return path


def batch(exe, args, expect=0):
    p = run([exe] + args + ["--quiet"])
    if p.returncode != expect:
        fail(f"{args}: exit {p.returncode} (expected {expect}): {p.stderr}")
    return p


def load(folder, name):
    with open(os.path.join(folder, name + ".json"), encoding="utf-8") as f:
        return json.load(f)


def check_fit(doc, shard_id):
    missing = [k for k in FIT_KEYS if k not in doc]
    if missing:
        fail(f"{shard_id}: keys missing: {missing}")
    if doc["format"] != "footprint.shard_fit" or doc["id"] != shard_id:
        fail(f"{shard_id}: format {doc['format']}, id {doc['id']}")
    if doc["observations"] + sum(doc["excluded"].values()) != doc["metaorders"]:
        fail(f"{shard_id}: observations {doc['observations']} + excluded {doc['excluded']} != metaorders "
             f"{doc['metaorders']}")
    if doc["linear_rows"] + doc["linear_excluded"] != doc["metaorders"]:
        fail(f"{shard_id}: linear rows {doc['linear_rows']} + excluded {doc['linear_excluded']} != metaorders")
    st = doc["statistics"]
    if st is None or st["n_rows"] != doc["linear_rows"] or len(st["x_mean"]) != len(doc["feature_names"]):
        fail(f"{shard_id}: statistics {st and st['n_rows']} rows, feature names {len(doc['feature_names'])}")


def check_summary(doc, ids):
    missing = [k for k in SUMMARY_KEYS if k not in doc]
    if missing:
        fail(f"summary: keys missing: {missing}")
    if doc["shard_ids"] != sorted(ids):
        fail(f"summary: shard_ids {doc['shard_ids']}")
    if doc["linear_rows"] != sum(s["linear_rows"] for s in doc["shards"]):
        fail("summary: linear_rows is not the sum of the shards'")
    if doc["ols"]["model"]["fitted"] is not True or doc["bayesian_linear"]["model"]["fitted"] is not True:
        fail(f"summary: the pooled models are not fitted: {doc['ols']['message']} / "
             f"{doc['bayesian_linear']['message']}")


def same_outputs(a, b, ids):
    for name in ids + ["summary"]:
        if not filecmp.cmp(os.path.join(a, name + ".json"), os.path.join(b, name + ".json"), shallow=False):
            fail(f"{name}.json differs between {a} and {b}")


def run_both_ways(exe, tmp, manifest, n, extra):
    whole = os.path.join(tmp, "whole")
    parts = os.path.join(tmp, "parts")
    batch(exe, [manifest, "--out", whole] + extra)
    for k in reversed(range(n)):
        batch(exe, [manifest, "--out", parts, "--shard", str(k)] + extra)
    batch(exe, [manifest, "--out", parts, "--merge"] + extra)
    return whole, parts


def case_synthetic(exe):
    ids = ["synth-1", "synth-2"]
    with tempfile.TemporaryDirectory() as tmp:
        m = write_manifest(tmp, [{"id": i, "source": "synthetic"} for i in ids])
        out = os.path.join(tmp, "out")
        batch(exe, [m, "--out", out, "--episodes", "50"])
        a, b = load(out, "synth-1"), load(out, "synth-2")
        check_fit(a, "synth-1")
        check_fit(b, "synth-2")
        if a["seed"] == b["seed"]:
            fail("synth-1 and synth-2 have the same seed")
        if a["simulation"]["expected_bps"] == b["simulation"]["expected_bps"]:
            fail("synth-1 and synth-2 simulated the same costs: their seeds must differ")
        if a["almgren_chriss"] != b["almgren_chriss"] or a["statistics"] != b["statistics"]:
            fail("synth-1 and synth-2 read the same data: their laws and statistics must be equal")
        s = load(out, "summary")
        check_summary(s, ids)
        if s["statistics"]["n_rows"] != 2 * a["statistics"]["n_rows"]:
            fail(f"summary: {s['statistics']['n_rows']} rows, expected twice {a['statistics']['n_rows']}")
        again = os.path.join(tmp, "again")
        batch(exe, [m, "--out", again, "--episodes", "50"])
        same_outputs(out, again, ids)
    ok(f"synthetic: two shards, seeds {a['seed']} and {b['seed']}, simulated "
       f"{a['simulation']['expected_bps']:.3f} and {b['simulation']['expected_bps']:.3f} bps; pooled "
       f"{s['linear_rows']} rows; a second run writes the same bytes")


def case_merge(exe):
    ids = ["synth-b", "synth-a", "synth-c"]
    with tempfile.TemporaryDirectory() as tmp:
        m = write_manifest(tmp, [{"id": i, "source": "synthetic"} for i in ids])
        whole, parts = run_both_ways(exe, tmp, m, len(ids), ["--episodes", "20", "--seed", "7",
                                                             "--features", "quantity,log_quantity,participation"])
        same_outputs(whole, parts, ids)
        s = load(whole, "summary")
        if s["feature_names"] != ["quantity", "log_quantity", "participation"]:
            fail(f"merge: --features gave {s['feature_names']}")
    ok("merge: the whole run and the shards run in reverse order then --merge write the same bytes")


def case_real(exe, data):
    goog = os.path.join(data, "lobster", "GOOG_2012-06-21_L1")
    message = os.path.join(goog, "GOOG_2012-06-21_34200000_57600000_message_1.csv")
    bitstamp = os.path.join(data, "bitstamp")
    binance = os.path.join(data, "binance", "raw", "spot")
    if not (os.path.exists(message) and os.path.exists(os.path.join(bitstamp, "trades.csv"))
            and os.path.exists(os.path.join(binance, "btcusdt_20240809.gz"))):
        print(f"skipped: no GOOG, Bitstamp or Binance data under {data}")
        return
    lines = [{"id": "goog-2012-06-21", "source": "lobster", "message": message,
              "orderbook": os.path.join(goog, "GOOG_2012-06-21_34200000_57600000_orderbook_1.csv")},
             {"id": "bitstamp-2015-05-01", "source": "bitstamp", "folder": bitstamp},
             {"id": "binance-spot-2024-08-09", "source": "binance",
              "files": [os.path.join(binance, "btcusdt_20240808.gz"), os.path.join(binance, "btcusdt_20240809.gz")]}]
    ids = [x["id"] for x in lines]
    features = ["quantity", "log_quantity", "participation", "spread_bps", "duration_s"]
    with tempfile.TemporaryDirectory() as tmp:
        m = write_manifest(tmp, lines)
        whole, parts = run_both_ways(exe, tmp, m, len(ids), ["--episodes", "50", "--features", ",".join(features)])
        same_outputs(whole, parts, ids)
        notes = []
        for i in ids:
            d = load(whole, i)
            check_fit(d, i)
            if d["metaorders"] < 20:
                fail(f"{i}: {d['metaorders']} metaorders")
            if d["almgren_chriss"]["gamma"]["value"] is None:
                fail(f"{i}: Almgren-Chriss not fitted: {d['almgren_chriss']['message']}")
            sim = d["simulation"]
            notes.append(f"{i}: {d['metaorders']} metaorders, gamma {d['almgren_chriss']['gamma']['value']:.3g}, "
                         f"TWAP {sim['expected_bps']} bps ({sim['message'][:60]})")
        if load(whole, "goog-2012-06-21")["symbol"] == "":
            fail("goog: no symbol")
        # The GOOG day's backtest is footprint-backtest's (its defaults): `footprint-backtest
        # --lobster ...` scores the engine on 757 metaorders with a CRPS of 0.65 bps against the
        # square-root law's 0.76.
        bt = {m["method"]: m for m in load(whole, "goog-2012-06-21")["backtest"]["methods"]}
        if bt.get("engine", {}).get("metaorders") != 757 or abs(bt["engine"]["crps_bps"] - 0.65) > 0.005 \
                or abs(bt["square_root"]["crps_bps"] - 0.76) > 0.005:
            fail(f"goog: backtest {bt}")
        pooled = {m["method"]: m for m in load(whole, "summary")["backtest"]}
        total = sum(m["metaorders"] for d in (load(whole, i) for i in ids) for m in d["backtest"]["methods"]
                    if m["method"] == "engine")
        if pooled["engine"]["metaorders"] != total:
            fail(f"summary: pooled backtest {pooled['engine']} against {total} metaorders")
        notes.append(f"GOOG backtest: engine CRPS {bt['engine']['crps_bps']:.3f} bps on 757 metaorders")
        check_summary(load(whole, "summary"), ids)
    ok("real: " + "; ".join(notes) + "; whole run == per shard + merge")


def case_bad_args(exe):
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "out")
        cases = [([{"id": "a", "source": "synthetic"}, {"id": "b", "source": "lobster", "message": "m.csv"}],
                  ":2: field 'orderbook': is missing"),
                 ([{"id": "a", "source": "synthetic"}, {"id": "a", "source": "synthetic"}],
                  ":2: field 'id': duplicate id \"a\" (first on line 1)"),
                 ([{"id": "a", "source": "nasdaq"}], ":1: field 'source': must be lobster, bitstamp, binance or "
                                                     "synthetic (got \"nasdaq\")"),
                 (['{"id": "a", "source": "synthetic"', ], ":1: not valid JSON"),
                 ([{"id": "a/b", "source": "synthetic"}], ":1: field 'id': must be letters"),
                 ([{"id": "a", "source": "synthetic", "folder": "x"}], ":1: field 'folder': is not a field of a "
                                                                      "synthetic shard")]
        for lines, expected in cases:
            m = write_manifest(tmp, lines)
            p = batch(exe, [m, "--out", out], expect=1)
            if m + expected not in p.stderr:
                fail(f"bad-args: {lines}: expected '{m + expected}' in: {p.stderr}")
        m = write_manifest(tmp, [{"id": "a", "source": "synthetic"}])
        batch(exe, [m, "--out", out, "--episodes", "1"], expect=2)
        batch(exe, [m, "--out", out, "--shard", "0", "--merge"], expect=2)
        p = batch(exe, [m, "--out", os.path.join(tmp, "empty"), "--merge"], expect=1)
        if "a.json" not in p.stderr or "missing" not in p.stderr:
            fail(f"bad-args: --merge without results: {p.stderr}")
        p = batch(exe, [m, "--out", out, "--shard", "3"], expect=1)
        if "--shard 3" not in p.stderr:
            fail(f"bad-args: --shard 3: {p.stderr}")
    ok("bad-args: manifest errors name the file, the line and the field (exit 1); usage errors exit 2")


def main():
    if len(sys.argv) < 3:
        print(__doc__)
        return 2
    exe, case = sys.argv[1], sys.argv[2]
    data = sys.argv[3] if len(sys.argv) > 3 else os.path.join(os.path.dirname(os.path.dirname(HERE)), "..", "shared",
                                                                "data")
    cases = {"synthetic": case_synthetic, "merge": case_merge, "bad-args": case_bad_args}
    if case in cases:
        cases[case](exe)
    elif case == "real":
        case_real(exe, data)
    else:
        print(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
