#!/usr/bin/env python3
"""Runs footprint-pretrade as a user would and checks what it prints.

usage: check_pretrade.py BINARY CASE [DATA_DIR]

CASE is one of the following, optionally followed by ":MODEL" (e.g. goog:mlp) to run with
--model MODEL; the report must then show MODEL's held-out metrics beside bayes and ols
  synthetic   the built-in market, at the default order and at 5,000 shares over 5 minutes
              (where the planted transient impact matters): every strategy's expected total
              within 2 reported standard deviations of the planted truth, the temporary cost
              of the passive and balanced strategies within 25% of it, the transient kernel
              measured
  goog | binance | bitstamp
              the real data under DATA_DIR; skipped (exit 0 with a message) when absent
  coinm       a COIN-M (inverse, 100 USD per contract) capture made from the USD-M BTCUSDT
              capture of 2024-08-08 (symbol BTCUSD_PERP, every quantity converted to whole
              contracts at its price): the report is in contracts with the multiplier, the
              notional is contracts x 100 USD, children are whole contracts, and the optimal
              schedule prices the contracts' dollar risk (it is not one market order); skipped
              without the data
  saved       --save-model then --load-model on the built-in market: the loaded analysis prices
              the saved order and another one exactly as fitted runs do (the same JSON but
              source.loaded_from), without data; --load-model with a data option, a corrupt or a
              missing file each give one error line
  bad-args    negative quantity, unknown side, unreadable file, horizon longer than the data or
              shorter than a second, USD-M and spot captures given as one history,
              a report written to a full disk (/dev/full),
              unknown unit: each gives exactly one line on stderr and exit code 1 or 2
Every data case also checks the report's invariants: the instrument, seven strategies,
probabilities in [0, 1], ordered quantiles, temporary cost never negative, the passive
strategy carries less temporary impact than the aggressive one, held-out metrics present,
children are whole lots summing to the order, total_currency, the permanent law's standard
errors and its warning, the text report runs too.
"""
import json
import math
import os
import re
import subprocess
import sys
import tempfile


def run(binary, args):
    return subprocess.run([binary, *args], capture_output=True, text=True, timeout=600)


def fail(message):
    print("FAILED: " + message)
    sys.exit(1)


def check(condition, message):
    if not condition:
        fail(message)
    print("ok: " + message)


EXTRA = []  # --model MODEL when the case names one


def report(binary, args):
    """One run: the text report on stdout, progress on stderr, the JSON document in a file."""
    args = [*args, *EXTRA]
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "report.json")
        r = run(binary, [*args, "--json", path])
        if r.returncode != 0:
            fail(f"footprint-pretrade {' '.join(args)} exited {r.returncode}: {r.stderr.strip()}")
        check("Strategies" in r.stdout and "Optimal schedule" in r.stdout, "the text report is printed")
        check("footprint-pretrade:" in r.stderr, "progress goes to stderr")
        # No "nan" or "inf" for a trader to read ('-' where a figure does not exist); a hard
        # limit that is not set says "none".
        bad = re.findall(r"(?<![\w.])[-+]?(?:nan|inf)(?![\w])", r.stdout.lower())  # G_inf is a name
        check(not bad, f"no nan or inf in the text: {bad}")
        if "--max-child-quantity" not in args and "--max-child-value" not in args:
            check("max child none, max child value none" in r.stdout, "unset hard limits say none")
        with open(path) as f:
            return json.load(f)


STRATEGIES = ["aggressive", "balanced", "passive", "pov_5", "pov_10", "pov_20", "optimal"]


def invariants(doc):
    order = doc["order"]
    ins = doc["instrument"]
    for key in ("symbol", "quantity_unit", "lot_size", "tick_size", "contract_multiplier", "inverse"):
        check(key in ins, f"instrument {key} = {ins.get(key)}")
    lot = ins["lot_size"]
    check(abs(order["quantity"] / lot - round(order["quantity"] / lot)) < 1e-6, f"the order {order['quantity']} is whole lots of {lot}")
    names = [s["name"] for s in doc["schedules"]]
    check(names == STRATEGIES, f"seven strategies {names}")
    for s in doc["schedules"]:
        name = s["name"]
        p = s["exceedance_probability"]
        check(0.0 <= p <= 1.0, f"{name}: probability {p} in [0, 1]")
        total = sum(c["quantity"] for c in s["children"])
        check(abs(total - order["quantity"]) <= 1e-6 * order["quantity"], f"{name}: children sum to the order")
        check(all(abs(c["quantity"] / lot - round(c["quantity"] / lot)) < 1e-6 for c in s["children"]), f"{name}: children are whole lots")
        check(abs(s["total_bps"] - s["temporary_bps"] - s["permanent_bps"]) < 1e-9, f"{name}: total = temporary + permanent")
        check(s["temporary_bps"] >= -1e-12, f"{name}: temporary {s['temporary_bps']:.3f} bps is not negative")
        check(s["total_std_bps"] >= 0.98 * s["price_risk_std_bps"] >= 0.0, f"{name}: std includes the price risk")
        q = s["quantiles_bps"]
        check(q["p05"] <= q["p50"] <= q["p95"], f"{name}: quantiles {q['p05']:.3f} <= {q['p50']:.3f} <= {q['p95']:.3f}")
        currency = s["total_bps"] * 1e-4 * order["notional"]
        check(abs(s["total_currency"] - currency) <= 1e-9 * max(1.0, abs(currency)), f"{name}: total_currency = total_bps x notional")
    by = {s["name"]: s for s in doc["schedules"]}
    # Aggressive pays more temporary impact than passive; strictly once its children walk past
    # the best level (below it both pay the half spread: a 5 BTC order on Binance spot).
    agg, pas = by["aggressive"]["temporary_bps"], by["passive"]["temporary_bps"]
    if by["aggressive"]["max_child_to_depth"] > 1.0:
        check(pas < agg, f"passive temporary {pas:.4f} < aggressive {agg:.4f} bps")
    else:
        check(pas <= agg + 1e-12, f"passive temporary {pas:.4f} <= aggressive {agg:.4f} bps (children within the best level)")
    check(by["aggressive"]["children"][0]["quantity"] > by["passive"]["children"][0]["quantity"], "aggressive starts bigger")
    for key in ("held_out", "baseline_held_out"):
        m = doc["model"][key]
        for metric in ("rmse_bps", "mae_bps", "r2", "crps_bps", "coverage_90", "pinball_05_bps", "pinball_95_bps"):
            check(isinstance(m[metric], float) and math.isfinite(m[metric]), f"{key} {metric} = {m[metric]}")
    check(doc["model"]["test_rows"] > 100, f"{doc['model']['test_rows']} held-out rows")
    st = doc["market_state"]
    for key in ("mid", "spread", "bid_depth", "ask_depth", "volatility_per_sqrt_second"):
        check(st[key] > 0, f"market state {key} = {st[key]}")
    perm = doc["impact"]["permanent"]
    for key in ("y", "delta"):
        check(math.isfinite(perm[key]["value"]) and perm[key]["std_error"] > 0, f"permanent {key} {perm[key]['value']:.3g} with a standard error")
    check(isinstance(perm["identified"], bool) and perm["message"], "permanent: identified and its message")
    codes = [w["code"] for w in doc["warnings"]]
    check(all(w["message"] for w in doc["warnings"]), f"warnings with messages: {codes}")
    check(perm["identified"] or "parameter_not_identified" in codes, "a permanent law taken from its prior is a warning")
    overlay(doc)


def overlay(doc, max_child=None):
    """The risk overlay's verdict: one per strategy; with no hard limit given, no child is clipped
    or blocked; with --max-child-quantity, every child above it is clipped to it."""
    ov = doc["overlay"]
    names = [v["name"] for v in ov["strategies"]]
    check(names == STRATEGIES, f"overlay: a verdict for each strategy {names}")
    guard = ov["model_guard"]
    if guard["distance_squared"] is not None:
        check(guard["distance_threshold"] > 0 and 0.0 <= guard["training_share_beyond"] <= 1.0 and guard["features"],
              f"overlay: distance {guard['distance_squared']:.2f} against {guard['distance_threshold']:.2f}, "
              f"{guard['training_share_beyond']:.3f} of the training orders beyond")
        devs = [abs(d["sd"]) for d in guard["largest_deviations"]]
        check(0 < len(devs) <= 3 and devs == sorted(devs, reverse=True) and
              devs[0] ** 2 <= guard["distance_squared"] * (1 + 1e-9) + 1e-9,
              f"overlay: the features furthest from their mean {guard['largest_deviations']}, "
              f"each z^2 at most the distance")
    by = {s["name"]: s for s in doc["schedules"]}
    for v in ov["strategies"]:
        check(v["action"] and v["state"] == "active", f"overlay {v['name']}: {v['action']} {v['reasons']}")
        if v["mode"] == "fallback":
            check(v["fallback"] is not None and v["fallback"]["children"] > 0, f"overlay {v['name']}: the fallback's schedule")
            continue
        children = [c["quantity"] for c in by[v["name"]]["children"]]
        if max_child is None:
            check(v["children_clipped"] == 0 and v["children_blocked"] == 0 and
                  abs(v["allowed_quantity"] - sum(children)) <= 1e-6 * sum(children),
                  f"overlay {v['name']}: no limit, every child allowed")
        else:
            above = sum(1 for q in children if q > max_child)
            allowed = sum(min(q, max_child) for q in children)
            check(v["children_clipped"] == above and abs(v["allowed_quantity"] - allowed) <= 1e-6 * allowed and
                  (above == 0 or "max_order_quantity" in v["reasons"]),
                  f"overlay {v['name']}: {above} children above {max_child} clipped, {allowed:g} allowed")


def synthetic(binary):
    for args in ([], ["--quantity", "5000", "--horizon", "5m"]):
        doc = report(binary, args)
        invariants(doc)
        models_compared(doc, EXTRA[1] if EXTRA else "bayes")
        tr = doc["impact"]["transient"]
        check(tr["fitted"] and tr["g0_bps"] > 3 * tr["g0_std_error_bps"], f"the planted transient impact is measured: G0 {tr['g0_bps']:.3g} +- {tr['g0_std_error_bps']:.2g}")
        for s in doc["schedules"]:
            est, sd, truth = s["total_bps"], s["total_std_bps"], s["truth"]["total_bps"]
            check(abs(est - truth) < 2.0 * sd, f"{args} {s['name']}: total {est:.3f} +- {sd:.3f} bps contains the truth {truth:.3f}")
        for name in ("passive", "balanced"):
            s = next(s for s in doc["schedules"] if s["name"] == name)
            est, truth = s["temporary_bps"], s["truth"]["temporary_bps"]
            check(abs(est - truth) < 0.25 * truth, f"{args} {name}: temporary {est:.3f} bps within 25% of the truth {truth:.3f}")
    # Deterministic: the same run twice gives the same document.
    check(report(binary, []) == report(binary, []), "two runs give the same JSON")


def load_report(binary, model_file, args):
    """A --load-model run (no --model: the saved one is used)."""
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "report.json")
        r = run(binary, ["--load-model", model_file, *args, "--json", path])
        if r.returncode != 0:
            fail(f"footprint-pretrade --load-model {' '.join(args)} exited {r.returncode}: {r.stderr.strip()}")
        check("Saved     " in r.stdout and "Strategies" in r.stdout, "the text report says the analysis was loaded")
        check("reading the saved analysis and pricing the strategies: done in" in r.stderr,
              "the progress line ends with its time")
        with open(path) as f:
            return json.load(f)


def saved(binary):
    with tempfile.TemporaryDirectory() as tmp:
        model_file = os.path.join(tmp, "analysis.json")
        fitted = report(binary, ["--save-model", model_file])
        check(os.path.getsize(model_file) > 0, f"--save-model wrote {os.path.getsize(model_file)} bytes")
        for args, expected in (([], fitted), (["--quantity", "5000", "--horizon", "5m", "--side", "sell"],
                                              report(binary, ["--quantity", "5000", "--horizon", "5m", "--side", "sell"]))):
            loaded = load_report(binary, model_file, args)
            check(loaded["source"]["loaded_from"] == model_file, f"{args}: source.loaded_from names the file")
            check(expected["source"]["loaded_from"] is None, "a fitted run has no loaded_from")
            loaded["source"]["loaded_from"] = None
            check(loaded == expected, f"{args}: the loaded analysis prices exactly as the fitted one")
        corrupt = os.path.join(tmp, "corrupt.json")
        with open(model_file) as f:
            doc = json.load(f)
        del doc["analysis"]["book"]
        with open(corrupt, "w") as f:
            json.dump(doc, f)
        for args, needle, codes in ((["--load-model", model_file, "--bitstamp", tmp], "excludes", (2,)),
                                    (["--load-model", model_file, "--model", "gbm"], "excludes", (2,)),
                                    (["--load-model", os.path.join(tmp, "none.json")], "none.json", (2,)),
                                    (["--load-model", corrupt], "field 'book'", (1,)),
                                    (["--load-model", model_file, "--horizon", "30h"], "longer than", (1,))):
            r = run(binary, args)
            errors = [l for l in r.stderr.strip().splitlines() if l.startswith("footprint-pretrade: error:")]
            check(r.returncode in codes and len(errors) == 1 and needle in errors[0],
                  f"{args[2:] or args}: exit {r.returncode}, one error naming '{needle}': {errors}")


def coin_m_capture(usdm, out):
    """Writes a COIN-M BTCUSD_PERP capture from a USD-M BTCUSDT one: the same prices and
    times, each quantity q (BTC) at price p as round(q p / 100) contracts (at least 1 when
    q > 0), as Binance's COIN-M streams report them."""
    import gzip

    def contracts(q, p):
        q, p = float(q), float(p)
        return "0" if q == 0 else str(max(1, round(q * p / 100.0)))

    def levels(rows):
        return [[p, contracts(q, p)] for p, q in rows]

    with gzip.open(usdm, "rt") as f, gzip.open(out, "wt") as g:
        for line in f:
            stamp, _, text = line.partition(" ")
            doc = json.loads(text)
            if "stream" in doc:
                doc["stream"] = doc["stream"].replace("btcusdt@", "btcusd_perp@")
                d = doc["data"]
                d["s"] = "BTCUSD_PERP"
                if d.get("e") == "depthUpdate":
                    d["b"], d["a"] = levels(d["b"]), levels(d["a"])
                elif d.get("e") == "bookTicker":
                    d["B"], d["A"] = contracts(d["B"], d["b"]), contracts(d["A"], d["a"])
                elif d.get("e") in ("trade", "aggTrade"):
                    d["q"] = contracts(d["q"], d["p"])
            elif "bids" in doc:
                doc["bids"], doc["asks"] = levels(doc["bids"]), levels(doc["asks"])
            g.write(stamp + " " + json.dumps(doc, separators=(",", ":")) + "\n")


def coin_m(binary, data):
    usdm = os.path.join(data, "binance", "raw", "usdm", "btcusdt_20240808.gz")
    if not os.path.exists(usdm):
        print(f"skipped: no {usdm}")
        return
    with tempfile.TemporaryDirectory() as tmp:
        capture = os.path.join(tmp, "btcusd_perp_20240808.gz")
        coin_m_capture(usdm, capture)
        # 2,000 contracts = 200,000 USD over 5 minutes
        doc = report(binary, ["--binance", capture, "--quantity", "2000", "--horizon", "5m"])
    invariants(doc)
    ins = doc["instrument"]
    check(ins["symbol"] == "BTCUSD_PERP" and ins["quantity_unit"] == "contracts" and ins["inverse"]
          and ins["contract_multiplier"] == 100 and ins["lot_size"] == 1, f"COIN-M instrument: {ins}")
    check(doc["order"]["quantity_unit"] == "contracts" and doc["order"]["notional"] == 2000 * 100,
          f"the notional is contracts x 100 USD: {doc['order']['notional']}")
    optimal = next(s for s in doc["schedules"] if s["name"] == "optimal")
    check(len(optimal["children"]) > 1 and max(c["quantity"] for c in optimal["children"]) < 2000,
          f"the optimal schedule slices the order ({len(optimal['children'])} children): it prices the dollar risk")
    check(all(float(c["quantity"]).is_integer() for s in doc["schedules"] for c in s["children"]),
          "children are whole contracts")


def real(binary, case, data):
    goog = os.path.join(data, "lobster", "GOOG_2012-06-21_L1")
    args = {
        "goog": ["--lobster", os.path.join(goog, "GOOG_2012-06-21_34200000_57600000_message_1.csv"),
                 os.path.join(goog, "GOOG_2012-06-21_34200000_57600000_orderbook_1.csv"), "--side", "sell",
                 "--quantity", "2000", "--horizon", "30min"],
        "binance": ["--binance", os.path.join(data, "binance", "raw", "spot", "btcusdt_20240808.gz"),
                    os.path.join(data, "binance", "raw", "spot", "btcusdt_20240809.gz"), "--quantity", "5",
                    "--horizon", "5m"],
        "bitstamp": ["--bitstamp", os.path.join(data, "bitstamp"), "--quantity", "20", "--horizon", "1h"],
    }[case]
    files = [a for a in args if a.startswith(data)]
    if not all(os.path.exists(f) for f in files):
        print(f"skipped: no {case} data under {data}")
        return
    doc = report(binary, args)
    invariants(doc)
    models_compared(doc, EXTRA[1] if EXTRA else "bayes")
    check(doc["source"]["kind"] == ("lobster" if case == "goog" else case), "source kind")
    check(doc["order"]["horizon_seconds"] == {"goog": 1800, "binance": 300, "bitstamp": 3600}[case],
          f"--horizon {args[args.index('--horizon') + 1]} is {doc['order']['horizon_seconds']} s")
    if case == "goog" and not EXTRA:
        # the hard limits clip; a model guard multiple below the sd's ratio to its median trips it
        overlay(report(binary, args + ["--max-child-quantity", "100"]), max_child=100)
        guard = doc["overlay"]["model_guard"]
        ratio = guard["std_bps"] / guard["median_std_bps"]
        tight = report(binary, args + ["--overlay-multiple", f"{0.5 * ratio:.6g}"])
        check(all(v["mode"] == "fallback" and "wide_spread" in v["reasons"] for v in tight["overlay"]["strategies"]),
              f"--overlay-multiple {0.5 * ratio:.3g} (sd {ratio:.3f} x its median): every strategy falls back (wide_spread)")
        check(all(v["mode"] == "model" for v in doc["overlay"]["strategies"]) == (ratio <= 3.0),
              f"with the default multiple 3 the sd ratio {ratio:.3f} decides the mode")


def simulate(binary, data):
    """--simulate on the GOOG day: every strategy and the passive limit TWAP executed in the
    zero-intelligence simulator fitted on the day's order flow, beside the analytic costs."""
    goog = os.path.join(data, "lobster", "GOOG_2012-06-21_L1")
    files = [os.path.join(goog, "GOOG_2012-06-21_34200000_57600000_message_1.csv"),
             os.path.join(goog, "GOOG_2012-06-21_34200000_57600000_orderbook_1.csv")]
    if not all(os.path.exists(f) for f in files):
        print(f"skipped: no GOOG data under {data}")
        return
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "report.json")
        r = run(binary, ["--lobster", *files, "--side", "sell", "--quantity", "2000", "--horizon", "10m", "--simulate", "60",
                         "--json", path])
        if r.returncode != 0:
            fail(f"--simulate exited {r.returncode}: {r.stderr.strip()}")
        check("Simulated (60 executions each" in r.stdout, "the simulated costs are printed")
        # The passive limit TWAP has no analytic figure: '-' in its cells, not "nan".
        limit_rows = [ln for ln in r.stdout.splitlines() if ln.startswith("  passive_limit ")]
        check(len(limit_rows) == 1 and limit_rows[0].split("|")[1].split() == ["-", "-"]
              and "nan" not in r.stdout.lower(), f"no analytic figure printed as '-': {limit_rows}")
        with open(path) as f:
            doc = json.load(f)
    sim = doc["simulation"]
    names = [s["name"] for s in sim["strategies"]]
    check(names == STRATEGIES + ["passive_limit"], f"every strategy simulated, and the passive limit TWAP: {names}")
    check(sim["model"] == "zi" and sim["paths"] == 60 and sim["lot"] > 0, "model, paths and lot")
    check(any("grid" in n for n in sim["notes"]), "the coarser grid of the small-tick book is noted")
    for s in sim["strategies"]:
        check(math.isfinite(s["expected_bps"]) and math.isfinite(s["std_bps"]) and s["std_bps"] > 0 and s["fill_rate"] > 0.9,
              f"{s['name']}: {s['expected_bps']:.2f} bps, sd {s['std_bps']:.2f}, fill {s['fill_rate']:.3f}")
        # a sell at the bid or lower pays at least part of a spread on average, market children
        if s["children"] == "market":
            check(s["passive_share"] == 0.0, f"{s['name']}: market children fill aggressively")
    check(sim["strategies"][-1]["passive_share"] > 0.2, "the passive limit TWAP fills partly at the touch")
    # 2,000 shares in whole lots of the fitted lot: a fill below 1 from the rounding alone is no note
    share = min(1.0, round(2000 / sim["lot"]) * sim["lot"] / 2000)
    check(share < 1.0, f"2,000 shares are not a whole number of lots of {sim['lot']:.2f} (the case tests the rounding)")
    fill_notes = [n for n in sim["notes"] if "share of the order on average" in n]
    short = [s["name"] for s in sim["strategies"] if s["fill_rate"] < 0.99 * share]
    named = [s["name"] for s in sim["strategies"]
             if fill_notes and f" {s['name']} " in fill_notes[0].split(" filled that share")[0]]
    check(len(fill_notes) == (1 if short else 0) and named == short,
          f"strategies filling less than 99% of the {share:.3f} whole lots carry are named in one note ({short}): {fill_notes}")
    # The queue-reactive simulator with its limit rates matched to the day's queue sizes says so.
    r = run(binary, ["--lobster", *files, "--simulate", "20", "--simulator", "qr", "--match-occupancy", "--quiet"])
    check(r.returncode == 0 and "limit rates matching the queue sizes observed" in r.stdout,
          f"--simulator qr --match-occupancy: exit {r.returncode}, the model named: {r.stderr.strip()}")
    # The simulators' lot and Q, as in footprint-simulate: 100 shares a lot.
    r = run(binary, ["--lobster", *files, "--simulate", "20", "--simulator", "qr", "--lot-quantity", "100",
                     "--max-queue", "30", "--quiet", "--json", "-"])
    check(r.returncode == 0 and json.loads(r.stdout)["simulation"]["lot"] == 100.0,
          f"--lot-quantity 100: exit {r.returncode}, the simulators' lot 100 shares: {r.stderr.strip()}")
    # A million executions of each strategy would run for hours: refused before simulating.
    r = run(binary, ["--lobster", *files, "--simulate", "1000000", "--quiet"])
    lines = r.stderr.strip().splitlines()
    check(r.returncode == 1 and len(lines) == 1 and "would run about" in lines[0] and "--simulate" in lines[0],
          f"--simulate 1000000: refused at once: exit {r.returncode}, {lines}")


def bad_args(binary, data):
    goog = os.path.join(data, "lobster", "GOOG_2012-06-21_L1")
    cases = [
        (["--quantity", "-5"], "quantity"),
        (["--side", "hold"], "side"),
        (["--max-child-quantity", "0"], "max-child-quantity"),
        (["--lobster", "/nonexistent/message.csv", "/nonexistent/orderbook.csv"], "nonexistent"),
        (["--horizon", "30h"], "(108000.0 s) is longer than the data"),
        (["--horizon", "10x"], "unknown unit 'x' in '10x' (use s, m, min or h)"),
        (["--horizon", "0.000001"], "at least 1 s"),  # priced a sweep "over 0 s" at 4.7e9% participation
        (["--horizon", "1e300h"], "(3.6e+303 s) is longer than the data"),
        (["--children", "-1"], "children"),
        (["--quantity", "1e-9"], "lot"),
        (["--bitstamp", "/etc/hostname"], "bitstamp"),
        (["--simulate", "50"], "order flow"),
        (["--simulate", "1"], "simulate"),
        (["--match-occupancy"], "--simulator qr"),  # the queue-reactive simulator's option alone
        (["--lot-quantity", "100"], "use them with it"),  # the simulators' options without --simulate
        (["--max-queue", "30"], "use them with it"),
        (["--threshold-bps", "nan"], "finite number"),
        (["--quantity", "1e300"], "overflow"),  # printed inf and NaN costs and exited 0
    ]
    usdm08 = os.path.join(data, "binance", "raw", "usdm", "btcusdt_20240808.gz")
    spot09 = os.path.join(data, "binance", "raw", "spot", "btcusdt_20240809.gz")
    if os.path.exists(usdm08) and os.path.exists(spot09):
        # In time order and one symbol, but futures then spot: was priced as one instrument.
        cases.append((["--binance", usdm08, spot09], "one instrument per dataset"))
    unreadable = "/tmp/footprint-pretrade-unreadable.csv"
    with open(unreadable, "w") as f:
        f.write("this is not,a LOBSTER,file\n1,2\n")
    cases.append((["--lobster", unreadable, unreadable], unreadable))
    for args, needle in cases:
        r = run(binary, args)
        lines = r.stderr.strip().splitlines()
        errors = [l for l in lines if l.startswith("footprint-pretrade: error:")]
        progress = [l for l in lines if l.endswith(" ...") or ": done in " in l]
        check(r.returncode in (1, 2), f"{args}: exit code {r.returncode}")
        check(len(errors) == 1 and len(errors) + len(progress) == len(lines), f"{args}: one error line (besides progress): {lines}")
        check(needle.lower() in errors[0].lower(), f"{args}: the error names '{needle}'")
        check(r.stdout == "", f"{args}: nothing on stdout")
    # A report that cannot be written (a full disk: /dev/full) is an error, not exit 0.
    if os.path.exists("/dev/full"):
        for args in ([], ["--json", "-"]):
            with open("/dev/full", "w") as full:
                r = subprocess.run([binary, "--quiet", *args], stdout=full, stderr=subprocess.PIPE, text=True,
                                   timeout=600)
            lines = r.stderr.strip().splitlines()
            check(r.returncode == 1 and len(lines) == 1 and "stdout" in lines[0],
                  f"{args} to a full disk: exit {r.returncode}, {lines}")


def models_compared(doc, model):
    names = [m["model"] for m in doc["model"]["comparison"]]
    expected = [model, "bayes", "ols"] if model != "bayes" else ["bayes", "ols"]
    check(doc["model"]["name"] == model and names == expected, f"held-out metrics of {names}")
    for m in doc["model"]["comparison"]:
        check(all(isinstance(m[k], float) and math.isfinite(m[k]) for k in ("rmse_bps", "crps_bps", "coverage_90")),
              f"{m['model']}: finite held-out metrics")


def main():
    binary, case = sys.argv[1], sys.argv[2]
    case, _, model = case.partition(":")
    EXTRA.extend(["--model", model] if model else [])
    data = sys.argv[3] if len(sys.argv) > 3 else os.path.join(os.path.dirname(__file__), "..", "..", "..", "shared", "data")
    if case == "synthetic":
        synthetic(binary)
    elif case == "bad-args":
        bad_args(binary, data)
    elif case == "saved":
        saved(binary)
    elif case == "coinm":
        coin_m(binary, data)
    elif case == "simulate":
        simulate(binary, data)
    else:
        real(binary, case, data)
    print("all checks passed")


if __name__ == "__main__":
    main()
