#!/usr/bin/env python3
"""Runs footprint-simulate as a user would and checks what it prints.

usage: check_simulate.py SIMULATE CASE [DATA_DIR]

CASE is one of:
  synthetic  the built-in market (CST 2010's estimates): the JSON has the documented keys; the
             impact curve's standard errors shrink as 1 / sqrt(paths) and its exponent's
             bootstrap interval holds the exponent; the
             zero-intelligence fit recovers lambda(1..5), theta(1..5) and mu within 4 standard
             errors of the paper's values it was simulated from; both models have realism rows
             with finite distances and the four strategies, whose fill rates are near 1 in the
             zero-intelligence book (positive in the queue-reactive one, which holds K queues a
             side); a strategy filling less than 99% of what whole lots carry has a note
             naming it, the others none;
             market TWAP pays at least half a spread; two
             runs give the same JSON but for the wall-clock speeds; an order of 20.4 lots
             has whole_lots_share 20 / 20.4 in the JSON and a line under the order saying so
  goog       the GOOG day (LOBSTER): a coarser grid is chosen (the median spread is many
             ticks), fits and realism rows are finite, fill notes as above; the queue-reactive
             queues whose fitted chain's mean size is far from the data's have a note naming
             --match-occupancy (at least queues 2 and 3), and none is left with the flag;
             skipped without the data
  bitstamp   the Bitstamp day's order events: the same; skipped without the data
  binance    the Binance spot capture (two files): the same; skipped without the data
  (binance also: the impact curve of a book whose peaks are all <= 0 says how many sizes had
  a positive peak instead of an exponent of nan; the event budget at 1 USDT counts the
  queue-reactive model's events a second, about 60, not the tape's 431; at 1 USDT the
  queue-reactive spread is more than 5 of the data's sd off in W1 with HLR's limit rates, and
  within one with --match-occupancy)
  (goog, bitstamp, binance: a model whose simulated mid's variance is ten times off the data's
  over the signature plot has a note naming it, the others none; on Binance at the venue's tick
  the zero-intelligence model has one)
  plot       scripts/plot_simulation.py draws the synthetic run's JSON (skipped without Debian's
             python3-matplotlib)
  linear-response
             scripts/feedback_linear_response.py against its closed forms (no feedback: exponent
             1, nothing decays; strong feedback: exponent beta, 2^beta - 1 left at 2T; the
             nonlinear mean field with a kernel that never decays: saturation at
             asinh(r / A) / kappa and the decay of tanh(kappa F / 2))
  bad-args   an unknown option, a bad model, a negative quantity, --tick-size 0, a NaN
             threshold: one line on stderr each, exit status 2; a Bitstamp folder without the
             raw log, simulations past the program's limit of events (a horizon or realism
             check of 10^12 s, a participation of 1e-6), an order of less than half a lot:
             exit status 1, at once
"""

import json
import math
import os
import re
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.dirname(HERE))
import program_checks  # noqa: E402
from program_checks import fail, ok  # noqa: E402
CST_LAMBDA = [1.85, 1.51, 1.09, 0.88, 0.77]
CST_THETA = [0.71, 0.81, 0.68, 0.56, 0.47]
STRATEGIES = ["twap", "pov_10", "almgren_chriss", "passive_limit"]
FAST = ["--paths", "40", "--horizon", "120", "--children", "12"]


def run(cmd):
    return program_checks.run(cmd, timeout=1500)


def run_json(cmd):
    return program_checks.run_json(cmd, timeout=1500, silent=True)


def finite(x):
    return isinstance(x, (int, float)) and math.isfinite(x)


def check_model(doc, key, what, zi_fills=True):
    m = doc[key]
    rows = m["realism"]["rows"]
    names = [r["statistic"] for r in rows]
    for n in ["spread_ticks", "best_queue_lots", "inter_event_seconds", "market_order_lots", "limit_order_lots",
              "depth_lots"]:
        if n not in names:
            fail(f"{what} {key}: no realism row {n} in {names}")
    for r in rows:
        if r["real_n"] > 0 and r["simulated_n"] > 0 and not finite(r["wasserstein"]):
            fail(f"{what} {key}: W1 of {r['statistic']} is {r['wasserstein']}")
    got = [s["name"] for s in m["strategies"]]
    if got != STRATEGIES:
        fail(f"{what} {key}: strategies {got}")
    # the zero-intelligence book fills the order (but where the case says it is too thin); the
    # queue-reactive one holds K queues a side and may not (a thin fitted book: its fill rate
    # says so, and the cost is over the filled part)
    least = 0.9 if key == "zero_intelligence" and zi_fills else 0.0
    for s in m["strategies"]:
        if not (finite(s["expected_bps"]) and finite(s["std_bps"]) and least < s["fill_rate"] <= 1.0):
            fail(f"{what} {key}: strategy {s['name']}: {s['expected_bps']}, {s['std_bps']}, fill {s['fill_rate']}")
    ok(f"{what} {key}: realism rows {len(rows)}, strategies " +
       ", ".join(f"{s['name']} {s['expected_bps']:.2f} bps" for s in m["strategies"]))


def check_calm_note(doc, key, what):
    """A model whose simulated mid's variance is ten times off the data's on average over the
    signature plot (mean |log ratio| above ln 10) has a note saying so, naming the model, the
    factor's direction and --tick-size; one within it has none."""
    model = "zero-intelligence" if key == "zero_intelligence" else "queue-reactive"
    distance = doc[key]["realism"]["signature_log_distance"]
    noted = [n for n in doc["notes"] if n.startswith(model) and "the simulated mid's variance" in n]
    if distance > math.log(10.0) and not (len(noted) == 1 and "--tick-size" in noted[0]
                                          and f"mean |log ratio| is {round(distance, 1)}" in noted[0]):
        fail(f"{what} {key}: signature plot off by e^{distance:.1f} and no note: {doc['notes']}")
    if distance <= math.log(10.0) and noted:
        fail(f"{what} {key}: signature plot within e^{distance:.2f} but a note: {noted}")
    return bool(noted)


def whole_lots_share(quantity, lot):
    return min(1.0, round(quantity / lot) * lot / quantity)


def check_fill_notes(doc, key, what):
    """A strategy that filled less than 99% of what whole lots carry of the order, on average,
    has a note saying so, naming the model and the strategy; one that filled it has none."""
    model = "zero-intelligence" if key == "zero_intelligence" else "queue-reactive"
    share = whole_lots_share(doc["order"]["quantity"], doc["zero_intelligence"]["fit"]["lot_quantity"])
    for st in doc[key]["strategies"]:
        noted = [n for n in doc["notes"] if n.startswith(model) and "share of the order on average" in n
                 and f" {st['name']} " in n.split(" filled that share")[0]]
        if st["fill_rate"] < 0.99 * share and not noted:
            fail(f"{what} {key} {st['name']}: fill rate {st['fill_rate']:.3f} and no note: {doc['notes']}")
        if st["fill_rate"] >= 0.99 * share and noted:
            fail(f"{what} {key} {st['name']}: fill rate {st['fill_rate']:.3f} but a note: {noted}")
        if noted:
            ok(f"{what} {key} {st['name']}: fill {st['fill_rate']:.3f}, noted")


def strip_speed(x):
    if isinstance(x, dict):
        return {k: strip_speed(v) for k, v in x.items() if k != "events_per_second"}
    if isinstance(x, list):
        return [strip_speed(v) for v in x]
    return x


def case_synthetic(sim, _data):
    doc = run_json([sim] + FAST)
    for key in ["program", "version", "data", "zero_intelligence", "queue_reactive", "order", "notes"]:
        if key not in doc:
            fail(f"no key {key}")
    fit = doc["zero_intelligence"]["fit"]
    for i, (lam, th) in enumerate(zip(CST_LAMBDA, CST_THETA)):
        el, et = fit["lambda"][i], fit["theta"][i]
        if abs(el["value"] - lam) > 4 * el["std_error"] or abs(et["value"] - th) > 4 * et["std_error"]:
            fail(f"distance {i + 1}: lambda {el} vs {lam}, theta {et} vs {th}")
    if abs(fit["mu"]["value"] - 0.94) > 4 * fit["mu"]["std_error"]:
        fail(f"mu {fit['mu']} vs 0.94")
    ok(f"the fit recovers CST 2010: lambda(1) {fit['lambda'][0]['value']:.3f}, theta(1) {fit['theta'][0]['value']:.3f}, "
       f"mu {fit['mu']['value']:.3f}")
    for key in ["zero_intelligence", "queue_reactive"]:
        check_model(doc, key, "synthetic")
        check_fill_notes(doc, key, "synthetic")
    twap = doc["zero_intelligence"]["strategies"][0]
    if twap["expected_bps"] < 0.4:
        fail(f"market TWAP pays {twap['expected_bps']} bps, less than half a spread")
    # the same seed, and --horizon 2m for FAST's 120 (seconds, or with a unit as in footprint-pretrade)
    again = run_json([sim] + ["2m" if a == "120" else a for a in FAST])
    if strip_speed(again) != strip_speed(doc):
        fail("two runs with the same seed (--horizon 120, then 2m) differ")
    ok("two runs give the same JSON (--horizon 120 and 2m)")
    if doc["order"]["whole_lots_share"] != 1.0:
        fail(f"20 whole lots: whole_lots_share {doc['order']['whole_lots_share']}")
    # 20.4 lots of 1: the simulators send 20, 98.0% of the order, and the text says so
    odd = run_json([sim] + FAST + ["--model", "zi", "--quantity", "20.4"])
    lot = odd["zero_intelligence"]["fit"]["lot_quantity"]
    share = odd["order"]["whole_lots_share"]
    if abs(share - whole_lots_share(20.4, lot)) > 1e-12 or not 0.97 < share < 0.99:
        fail(f"20.4 of lot {lot}: whole_lots_share {share}")
    text = run([sim] + FAST + ["--model", "zi", "--quantity", "20.4", "--quiet"])
    line = f"the simulators send whole lots: {round(20.4 / lot)} lots, {100 * share:.1f}% of the order"
    if text.returncode != 0 or line not in text.stdout:
        fail(f"20.4 lots: no line '{line}' in: {text.stdout[:600]}")
    ok(f"20.4 lots: whole_lots_share {share:.3f}, said under the order")
    check_impact_errors(sim)
    check_impact_durations(sim)


def impact_curve(sim, paths):
    args = ["--model", "zi", "--paths", str(paths), "--horizon", "120", "--children", "12",
            "--impact-sizes", "0.5", "1", "2"]
    return run_json([sim] + args)["zero_intelligence"]["impact_curve"]


def check_impact_errors(sim):
    """The impact curve's standard errors: every point's are finite and positive, the
    remaining share is after / peak, four times the paths give about half the standard errors
    (1 / sqrt(n): the ratio within 1.4 to 2.8 at 50 and 200 paths), and the exponent's
    bootstrap interval holds the exponent and is about 3.3 standard errors wide."""
    few, many = impact_curve(sim, 50), impact_curve(sim, 200)
    for c in (few, many):
        for p in c["points"]:
            if not (finite(p["peak_se_bps"]) and p["peak_se_bps"] > 0 and finite(p["after_se_bps"])
                    and p["after_se_bps"] > 0 and finite(p["remaining_se"]) and p["remaining_se"] > 0):
                fail(f"impact curve: standard errors {p}")
            if abs(p["remaining_share"] - p["after_bps"] / p["peak_bps"]) > 1e-12 * abs(p["remaining_share"]):
                fail(f"impact curve: remaining_share {p['remaining_share']} is not after / peak")
    ratio = sum(p["peak_se_bps"] for p in few["points"]) / sum(p["peak_se_bps"] for p in many["points"])
    if not 1.4 < ratio < 2.8:
        fail(f"impact curve: standard errors at 50 and 200 paths in the ratio {ratio:.2f}, not about 2")
    e, se, lo, hi = many["exponent"], many["exponent_se"], many["exponent_q05"], many["exponent_q95"]
    if not (finite(e) and finite(se) and se > 0 and lo <= e <= hi and 1.6 * se < hi - lo < 6.6 * se):
        fail(f"impact curve: exponent {e}, bootstrap se {se}, 5-95% {lo} to {hi}")
    ok(f"impact curve: standard errors {ratio:.2f} times smaller with four times the paths; "
       f"exponent {e:.2f} (se {se:.2f}, 5-95% {lo:.2f} to {hi:.2f})")
    check_pool_script({"zero_intelligence": {"impact_curve": many}})


def check_impact_durations(sim):
    """--impact-duration: `fixed` runs every size over --horizon in --children children;
    `proportional` runs m times the order over m x --horizon in m x --children children (the
    same 1-lot children at the same pace, only more of them), and its size 1 is the fixed run's
    size 1 to the last digit, peak and mean path (the same schedule and the same seed)."""
    args = ["--model", "zi", "--paths", "40", "--horizon", "120", "--children", "12", "--quantity", "12",
            "--impact-sizes", "0.5", "1", "2"]
    fixed = run_json([sim] + args)["zero_intelligence"]["impact_curve"]
    prop = run_json([sim] + args + ["--impact-duration", "proportional"])["zero_intelligence"]["impact_curve"]
    if fixed["duration"] != "fixed" or prop["duration"] != "proportional":
        fail(f"impact curve durations {fixed['duration']}, {prop['duration']}")
    for m, f, p in zip([0.5, 1, 2], fixed["points"], prop["points"]):
        if (f["horizon_seconds"], f.get("children")) != (120, 12):
            fail(f"fixed: size {m}: horizon {f['horizon_seconds']} s, {f.get('children')} children, not 120 s, 12")
        if (p["horizon_seconds"], p.get("children")) != (120 * m, 12 * m):
            fail(f"proportional: size {m}: horizon {p['horizon_seconds']} s, {p.get('children')} children, "
                 f"not {120 * m} s, {12 * m}")
    if prop["points"][1]["peak_bps"] != fixed["points"][1]["peak_bps"] or \
            prop["points"][1]["mean_path_bps"] != fixed["points"][1]["mean_path_bps"]:
        fail(f"size 1: proportional peak {prop['points'][1]['peak_bps']} is not the fixed run's "
             f"{fixed['points'][1]['peak_bps']}")
    ok("impact curve: fixed keeps 120 s and 12 children; proportional scales both with the size, "
       "and its size 1 is the fixed one's")


def check_pool_script(doc):
    """scripts/pool_impact_curves.py: two copies of one run pool to the same points and exponent
    with standard errors 1 / sqrt(2) of the run's; runs of different sizes are refused."""
    script = os.path.join(ROOT, "scripts", "pool_impact_curves.py")
    with tempfile.TemporaryDirectory() as tmp:
        one, other = os.path.join(tmp, "one.json"), os.path.join(tmp, "other.json")
        with open(one, "w") as f:
            json.dump(doc, f)
        p = run(["/usr/bin/python3", script, "--model", "zero_intelligence", one, one])
        curve = doc["zero_intelligence"]["impact_curve"]
        want = f"2 runs; exponent {curve['exponent']:.3f} +- {curve['exponent_se'] / math.sqrt(2):.3f}"
        rows = p.stdout.splitlines()[2:]
        if p.returncode != 0 or not p.stdout.startswith(want) or len(rows) != len(curve["points"]):
            fail(f"pool_impact_curves.py on two copies: exit {p.returncode}: {p.stdout[:300]} {p.stderr}; "
                 f"want '{want}'")
        for row, q in zip(rows, curve["points"]):
            peak, se = float(row.split()[2]), float(row.split()[4])
            if abs(peak - q["peak_bps"]) > 6e-4 or abs(se - q["peak_se_bps"] / math.sqrt(2)) > 6e-4:
                fail(f"pool_impact_curves.py: row '{row}' against peak {q['peak_bps']} se {q['peak_se_bps']}")
        doc["zero_intelligence"]["impact_curve"]["points"] = curve["points"][:-1]
        with open(other, "w") as f:
            json.dump(doc, f)
        bad = run(["/usr/bin/python3", script, "--model", "zero_intelligence", one, other])
        if bad.returncode == 0 or "sizes differ" not in bad.stderr:
            fail(f"pool_impact_curves.py pooled runs of different sizes: exit {bad.returncode}, {bad.stderr}")
    ok("pool_impact_curves.py: two copies of a run pool to its points, errors / sqrt(2); other sizes refused")


def case_data(sim, args, what, zi_fills=True):
    doc = run_json([sim] + FAST + args)
    if not any("grid" in n for n in doc["notes"]) and what != "binance":
        fail(f"{what}: no coarser grid chosen: notes {doc['notes']}")
    fit = doc["zero_intelligence"]["fit"]
    if not (finite(fit["lambda"][0]["value"]) and fit["lambda"][0]["value"] > 0 and finite(fit["mu"]["value"])):
        fail(f"{what}: lambda(1) {fit['lambda'][0]}, mu {fit['mu']}")
    calm = []
    for key in ["zero_intelligence", "queue_reactive"]:
        check_model(doc, key, what, zi_fills)
        check_fill_notes(doc, key, what)
        if check_calm_note(doc, key, what):
            calm.append(key)
    # At the venue's 0.01 USDT tick a 60,000 USDT price hardly moves in the simulated book
    # (docs/simulation.md: the zero-intelligence signature plot about 10^-6 of the data's).
    if what == "binance" and "zero_intelligence" not in calm:
        fail(f"binance: the zero-intelligence book at the venue's tick has no calm-mid note: {doc['notes']}")
    ok(f"{what}: tick {doc['data']['tick_size']}, {doc['data']['events']} events; calm-mid notes: {calm or 'none'}")


def case_goog(sim, data):
    d = os.path.join(data, "lobster", "GOOG_2012-06-21_L1")
    if not os.path.isdir(d):
        print("skipped: no GOOG day under " + d)
        return
    files = [os.path.join(d, "GOOG_2012-06-21_34200000_57600000_message_1.csv"),
             os.path.join(d, "GOOG_2012-06-21_34200000_57600000_orderbook_1.csv")]
    case_data(sim, ["--lobster"] + files, "goog")
    # HLR's rates give GOOG's second and third queues invariant laws of about 18 lots against the
    # data's 4.7 and 5.7: a note says so and names --match-occupancy, after which none is left
    chain = {}
    for flag in [[], ["--match-occupancy"]]:
        doc = run_json([sim] + FAST + ["--lobster"] + files + ["--model", "qr"] + flag)
        chain[len(flag)] = [n for n in doc["notes"] if "fitted chain's mean size" in n]
    if not (len(chain[0]) >= 2 and all("--match-occupancy" in n for n in chain[0])
            and any(n.startswith("queue-reactive queue 2:") for n in chain[0]) and chain[1] == []):
        fail(f"goog: the notes on the queue-reactive chains' queue sizes: HLR's rates {chain[0]}, matched {chain[1]}")
    ok(f"goog: {len(chain[0])} queue-reactive queues noted as far from the data's sizes with HLR's rates, "
       "none with --match-occupancy")


def case_bitstamp(sim, data):
    d = os.path.join(data, "bitstamp")
    if not os.path.isdir(os.path.join(d, "raw")):
        print("skipped: no Bitstamp log under " + d)
        return
    case_data(sim, ["--bitstamp", d], "bitstamp")
    # Bitstamp's market orders are 0.16 lots of its 9.94 BTC lot, and the queue-reactive model
    # counts each as a lot: its spread and mid run wide (docs/simulation.md, Realism). A 2 BTC
    # lot (--lot-quantity, Q 60) brings both close to the data's: the spread's W1/sd from about
    # 2.1-2.4 to 0.4-0.6, the signature plot's mean |log ratio| from 1.6-1.9 to 0.2-0.3.
    qr = {}
    for lot in [[], ["--lot-quantity", "2", "--max-queue", "60"]]:
        doc = run_json([sim] + FAST + ["--bitstamp", d, "--model", "qr", "--match-occupancy"] + lot)
        real = doc["queue_reactive"]["realism"]
        spread = next(r["wasserstein_scaled"] for r in real["rows"] if r["statistic"] == "spread_ticks")
        qr[len(lot)] = (doc["zero_intelligence"]["fit"]["lot_quantity"], spread, real["signature_log_distance"])
    (lot0, spread0, sig0), (lot2, spread2, sig2) = qr[0], qr[4]
    if not (abs(lot0 - 9.938) < 0.01 and lot2 == 2.0 and spread2 < 1.0 and spread2 < 0.5 * spread0
            and sig2 < 0.5 * sig0):
        fail(f"bitstamp: queue-reactive lot, spread W1/sd, signature distance: {qr[0]} by default, {qr[4]} at 2 BTC")
    ok(f"bitstamp: the queue-reactive spread's W1/sd {spread0:.2f} -> {spread2:.2f} and signature distance "
       f"{sig0:.2f} -> {sig2:.2f} with a 2 BTC lot")
    # At Q = 100 lots of 2 BTC the matched chain of the second queue drifts to the cap through
    # cells the day hardly visits (they take the rates below them): the note names the
    # --max-queue below the first such cell, after which no chain is noted.
    wide = run_json([sim] + FAST + ["--bitstamp", d, "--model", "qr", "--match-occupancy", "--lot-quantity", "2",
                                    "--max-queue", "100"])
    drift = [n for n in wide["notes"] if "fitted chain's mean size" in n and "--max-queue " in n]
    if not drift:
        fail(f"bitstamp: Q = 100: no note naming --max-queue: {wide['notes']}")
    q = drift[0].split("--max-queue ")[1].split()[0]
    narrow = run_json([sim] + FAST + ["--bitstamp", d, "--model", "qr", "--match-occupancy", "--lot-quantity", "2",
                                      "--max-queue", q])
    left = [n for n in narrow["notes"] if "fitted chain's mean size" in n]
    if not 2 <= int(q) < 100 or left:
        fail(f"bitstamp: --max-queue {q}, as the note at Q = 100 said: notes {left}")
    ok(f"bitstamp: Q = 100 drifts and the note names --max-queue {q}, after which no chain is noted")


def case_binance(sim, data):
    d = os.path.join(data, "binance", "raw", "spot")
    files = [os.path.join(d, f) for f in ["btcusdt_20240808.gz", "btcusdt_20240809.gz"]]
    if not all(os.path.exists(f) for f in files):
        print("skipped: no Binance spot capture under " + d)
        return
    # At the venue's tick (0.01 USDT) the zero-intelligence book fitted to the capture holds
    # about 4 lots at distance 1 and little behind: 1.4 limit orders a second of 2.25 lots,
    # cancelled at 0.8 a lot a second (its limit volume is the tape's since 2026-12-07; it was
    # 1.6 times that, whose deeper book filled the order). The 1.7-lot children then find the
    # ask side short within its 10 ticks and fill about 80%, which the notes must say
    # (check_fill_notes); on a 1 USDT grid it fills the order.
    case_data(sim, ["--binance"] + files, "binance", zi_fills=False)
    coarse = run_json([sim] + FAST + ["--binance"] + files + ["--tick-size", "1", "--model", "zi"])
    fills = [s["fill_rate"] for s in coarse["zero_intelligence"]["strategies"]]
    if not all(f > 0.99 for f in fills):
        fail(f"binance: the zero-intelligence book at 1 USDT fills {fills}")
    ok(f"binance: the zero-intelligence book at 1 USDT fills the order ({min(fills):.3f} at least)")
    # At the venue's tick the zero-intelligence book barely moves: peaks of 0 or below have no
    # logarithm, and the exponent line says so instead of printing nan.
    text = run([sim] + FAST + ["--binance"] + files + ["--model", "zi", "--impact-sizes", "0.5", "1", "2", "--quiet"])
    line = [ln for ln in text.stdout.splitlines() if "fitted exponent of peak impact" in ln]
    nans = re.findall(r"(?<![\w.])[-+]?nan(?![\w])", text.stdout.lower())
    if text.returncode != 0 or nans or len(line) != 1 or "sizes with a positive peak" not in line[0]:
        fail(f"binance: impact curve at the venue's tick: {line} (exit {text.returncode})")
    ok(f"binance: {line[0].strip()}")
    # The event budget counts the simulator's own events, not the tape's: the tape holds 431
    # events a second (280,597 in 651 s), the queue-reactive model fitted at 1 USDT simulates
    # about 60 (its three queues a side), which let five times the paths run. The refusal names
    # the rate it counted.
    refused = run([sim, "--binance"] + files + ["--tick-size", "1", "--model", "qr", "--horizon", "1e9", "--quiet"])
    rate = re.findall(r"at about ([0-9.e+]+) events a second", refused.stderr)
    if refused.returncode != 1 or len(rate) != 1 or not 20.0 < float(rate[0]) < 200.0:
        fail(f"binance: the budget at 1 USDT counts {rate} events a second, not the queue-reactive model's "
             f"(about 60; the tape's are 431): exit {refused.returncode}, {refused.stderr.strip()}")
    ok(f"binance: the budget counts the queue-reactive model's {float(rate[0]):.0f} events a second")
    # HLR's limit rates give the first queue an invariant law empty 80% of the time (the data's
    # first queue: 7%), and a spread of about 4 ticks against 1.0; with --match-occupancy the
    # queues' invariant laws are the observed queue sizes and the spread is the data's
    # (docs/simulation.md, "Matching the observed occupancy")
    spread = {}
    for flag in [[], ["--match-occupancy"]]:
        doc = run_json([sim] + FAST + ["--binance"] + files + ["--tick-size", "1", "--model", "qr"] + flag)
        rates = doc["queue_reactive"]["fit"]["limit_rates"]
        row = [r for r in doc["queue_reactive"]["realism"]["rows"] if r["statistic"] == "spread_ticks"][0]
        spread[rates] = row["wasserstein_scaled"]
    if set(spread) != {"events_over_time", "match_occupancy"} or not (
            spread["events_over_time"] > 5.0 and spread["match_occupancy"] < 1.0):
        fail(f"binance: the queue-reactive spread at 1 USDT, W1 / sd by limit rates: {spread}")
    ok(f"binance: the queue-reactive spread at 1 USDT, W1 / sd: HLR's rates {spread['events_over_time']:.2f}, "
       f"matching the occupancy {spread['match_occupancy']:.2f}")


def case_plot(sim, _data):
    python = "/usr/bin/python3"
    if run([python, "-c", "import matplotlib"]).returncode != 0:
        print("skipped: Debian's python3-matplotlib is not installed")
        return
    with tempfile.TemporaryDirectory() as tmp:
        doc = os.path.join(tmp, "s.json")
        png = os.path.join(tmp, "s.png")
        if run([sim, "--quiet", "--json", doc] + FAST + ["--impact-sizes", "0.5", "1", "2"]).returncode != 0:
            fail("footprint-simulate failed")
        p = run([python, os.path.join(ROOT, "scripts", "plot_simulation.py"), doc, png])
        if p.returncode != 0 or not os.path.exists(png) or os.path.getsize(png) < 10000:
            fail(f"plot_simulation.py: exit {p.returncode}: {p.stderr}")
        ok(f"plot_simulation.py drew {os.path.getsize(png)} bytes")


def case_linear_response(_sim, _data):
    """scripts/feedback_linear_response.py against its closed forms: without feedback the peak
    is linear in size and permanent (exponent 1, all of it left at 2T); with a strong feedback
    (kappa 5, the crossover well inside the shortest horizon) the response K ~ t^-(1 - beta)
    gives an exponent of beta and 2^beta - 1 left at 2T, here for beta = 0.5 (0.5, 0.414; the
    grid's and the kernel's finite-time corrections within 0.03 and 0.035), and a peak of
    T^(beta - 1) sin(pi beta) / (pi beta a tau_0^beta) times the peak without feedback (a =
    2 mu kappa; within 10%); the nonlinear mean field (--rate) saturates and decays as its closed
    forms say with a kernel that never decays; a bad setting is refused."""
    python = "/usr/bin/python3"
    if run([python, "-c", "import numpy"]).returncode != 0:
        print("skipped: Debian's python3-numpy is not installed")
        return
    script = os.path.join(ROOT, "scripts", "feedback_linear_response.py")
    p = run([python, script, "0,0.5", "5,0.5"])
    pattern = r"exponent ([-\d.]+); remaining at 2T ([-\d., ]+); peak ([-\d.e, ]+) of the peak without"
    got = [re.search(pattern, ln) for ln in p.stdout.splitlines()]
    if p.returncode != 0 or len(got) != 2 or not all(got):
        fail(f"feedback_linear_response.py: exit {p.returncode}: {p.stdout} {p.stderr}")
    (e0, r0, q0), (e5, r5, q5) = [(float(m.group(1)), [float(x) for x in m.group(2).split(",")],
                                   [float(x) for x in m.group(3).split(",")]) for m in got]
    if abs(e0 - 1.0) > 1e-3 or any(abs(r - 1.0) > 0.005 for r in r0) or any(abs(q - 1.0) > 1e-3 for q in q0):
        fail(f"no feedback: exponent {e0}, remaining {r0}, peaks {q0} of the peak without, not 1, 1 and 1")
    limit = 2 ** 0.5 - 1
    if abs(e5 - 0.5) > 0.03 or any(abs(r - limit) > 0.035 for r in r5):
        fail(f"kappa 5, beta 0.5: exponent {e5}, remaining {r5}, not 0.5 and {limit:.3f}")
    a = 2 * 0.94 * 5
    closed = [math.sin(math.pi * 0.5) / (math.pi * 0.5 * a) * t ** -0.5 for t in (75, 150, 300, 600, 1200)]
    if any(abs(q / c - 1.0) > 0.10 for q, c in zip(q5, closed)):
        fail(f"kappa 5, beta 0.5: peaks {q5} of the peak without feedback, not {closed} within 10%")
    # The nonlinear mean field (--rate): with a kernel that never decays (tau_0 = 10^12 s) F is
    # the net flow so far, dF/dt = r - A sinh(kappa F), A = 2 mu c: F saturates at
    # asinh(r / A) / kappa, and after the order F decays as tanh(kappa F / 2) ~ exp(-A kappa t),
    # so the share left at 2T is (2 / kappa) artanh(tanh(kappa F_T / 2) exp(-A kappa T)) / F_T.
    rate, c, kappa = 0.0667, 0.0005, 2.0
    big_a = 2 * 0.94 * c
    p = run([python, script, "--rate", str(rate), "--amplitude", str(c), "--tau0", "1e12", f"{kappa},0.5"])
    m = re.search(pattern, p.stdout)
    if p.returncode != 0 or not m:
        fail(f"feedback_linear_response.py --rate: exit {p.returncode}: {p.stdout} {p.stderr}")
    rem = [float(x) for x in m.group(2).split(",")]
    peaks = [float(q) * rate * t for q, t in zip(m.group(3).split(","), (75, 150, 300, 600, 1200))]
    saturated = math.asinh(rate / big_a) / kappa
    closed = [2 / kappa * math.atanh(math.tanh(kappa * f / 2) * math.exp(-big_a * kappa * t)) / f
              for f, t in zip(peaks, (75, 150, 300, 600, 1200))]
    if abs(peaks[-1] / saturated - 1) > 0.01 or any(abs(x - y) > 0.01 for x, y in zip(rem, closed)):
        fail(f"mean field, G = 1: peak {peaks[-1]:.4f} (saturation {saturated:.4f}), remaining {rem}, "
             f"closed form {[round(x, 3) for x in closed]}")
    ok(f"mean field: saturates at {peaks[-1]:.3f} lots (asinh(r / A) / kappa = {saturated:.3f}), remaining "
       f"{rem[0]:.2f} to {rem[-1]:.2f} as the closed form ({closed[0]:.2f} to {closed[-1]:.2f})")
    bad = run([python, script, "0.1,1.5"])
    if bad.returncode == 0 or "beta in (0, 1)" not in bad.stderr:
        fail(f"beta 1.5 was not refused: exit {bad.returncode}, {bad.stderr}")
    ok(f"linear response: exponent {e0:.3f} without feedback, {e5:.3f} (remaining {r5[0]:.2f} to {r5[-1]:.2f}) "
       f"at kappa 5, beta 0.5")


def case_bad_args(sim, _data):
    # (arguments, exit status, what the line says); the last four used to run for days (a
    # horizon or a realism check of 10^12 s, a participation rate of 1e-6) or print NaN costs
    # (less than half a lot), and now stop at once, before simulating
    for args, status, says in [(["--no-such-option"], 2, ""), (["--model", "abc"], 2, ""),
                               (["--quantity", "-3"], 2, ""), (["--tick-size", "0"], 2, ""),
                               (["--bitstamp", HERE, "--quiet"], 1, ""),
                               (["--threshold-bps", "nan"], 2, "finite number"),
                               (["--horizon", "1e12", "--quiet"], 1, "would run about"),
                               (["--realism-seconds", "1e12", "--quiet"], 1, "would run about"),
                               (["--participation", "1e-6", "--quiet"], 1, "raise --participation"),
                               (["--quantity", "0.4", "--quiet"], 1, "less than half a lot"),
                               # an impact curve at 10^9 times the order ran out of memory; a
                               # --tick-size without data was ignored; inf named in 300 digits
                               (["--impact-sizes", "1e9", "--quiet"], 1, "times the market's traded quantity"),
                               (["--quantity", "1e7", "--quiet"], 1, "more than 100"),
                               (["--impact-sizes", "-1"], 2, "must be a number > 0"),
                               (["--tick-size", "0.001", "--quiet"], 1, "a data set's tape"),
                               (["--lot-quantity", "2", "--quiet"], 1, "--lot-quantity sets the lot of a data set"),
                               (["--lot-quantity", "-1"], 2, "must be a number >= 0"),
                               (["--quantity", "inf"], 2, "must be a number > 0 (got 'inf')"),
                               (["--horizon", "10x"], 2, "unknown unit 'x' in '10x' (use s, m, min or h)"),
                               (["--horizon", "0m"], 2, "must be > 0 (got '0m')"),
                               (["--horizon", "1e308h"], 2, "must be finite")]:
        p = run([sim] + args)
        lines = p.stderr.strip().splitlines()
        if p.returncode != status or len(lines) != 1 or not lines[0].startswith("footprint-simulate: error:") \
                or says not in lines[0]:
            fail(f"{args}: exit {p.returncode}, stderr {lines}")
        ok(f"{args}: exit {status}, one error line: {lines[0][:100]}")


def main():
    if len(sys.argv) < 3:
        print(__doc__)
        return 2
    sim, case = sys.argv[1], sys.argv[2]
    data = sys.argv[3] if len(sys.argv) > 3 else os.path.join(ROOT, "..", "shared", "data")
    cases = {"synthetic": case_synthetic, "goog": case_goog, "bitstamp": case_bitstamp, "binance": case_binance,
             "plot": case_plot, "linear-response": case_linear_response, "bad-args": case_bad_args}
    if case not in cases:
        print(__doc__)
        return 2
    cases[case](sim, data)
    return 0


if __name__ == "__main__":
    sys.exit(main())
