#!/usr/bin/env python3
"""Runs footprint-tca as a user would and checks what it prints.

usage: check_tca.py TCA CASE [DATA_DIR]

CASE is one of:
  builtin    the built-in market's metaorders written as a FIX log and read back: the JSON has
             the documented keys; every order is filled and free of issues; each cost against
             the arrival mid equals the metaorder's shortfall label (the FIX path reproduces the
             dataset); two runs give the same document; the text has the table
  fix-log    --write-fix, then --fix of that log (and --tape-date): the same orders, fills and
             cost against the arrival mid as the run that wrote it; the same with the first
             order acknowledged at OrderQty 1 before its fills (a cancel/replace): whole, at its size
  fills-csv  the same fills as a CSV (--fills): the same costs against the arrival mid
  foreign-fills  fills that do not belong to the data: the same fills as a CSV with ISO 8601
             times give the same costs; with --fills-in-tape the participation is the 100% of
             the run that wrote them (without it, below 100%); an order of another day and one
             priced in cents make the run exit 1 naming the order, and with --lenient they are
             left out, listed under left_out and in the notes, the others analysed; when none
             fits, exit 1
  damaged    the log with a fill resent (PossDup) and a bust of another fill appended: the
             normalizer counts one duplicate and one bust, the busted order loses its fill and
             reports that its fills no longer add up to CumQty
  reconcile  --reconcile on the built-in market: every metaorder the walk forward tested is
             analysed, its realized cost equals the backtest's, each has a forecast with a PIT in
             [0, 1], the histogram counts every order, the KS statistic is the PITs' own
  recalibrate  --recalibrate on the built-in market's tested metaorders: Almgren-Chriss refitted
             on their fills gives back the market's planted permanent impact gamma = 1e-5 per
             share within 3 HC1 standard errors
  plot       scripts/plot_tca.py draws the PIT histogram and the markout curves of a --reconcile
             document; skipped without Debian's python3-matplotlib
  goog       the GOOG day (LOBSTER): 20 orders, the label check; skipped without the data
  bitstamp   the Bitstamp day: the same; skipped without the data
  bad-args   --fix with --fills: exit 2; a missing --fix file and a wrong CheckSum: exit 1,
             naming the file and the tag
"""

import os
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
from program_checks import fail, ok, run, run_json  # noqa: E402

SOH = "\x01"
ORDER_KEYS = ["order_id", "side", "quantity", "filled_quantity", "fill_rate", "fills", "average_price", "benchmarks",
              "costs_bps", "perold", "market_activity", "participation_rate", "maker_share", "taker_share",
              "vs_mid_bps", "markouts", "reversion_ratio", "issues"]


def frame(body_fields, begin="FIX.4.4"):
    body = "".join(f"{t}={v}{SOH}" for t, v in body_fields)
    head = f"8={begin}{SOH}9={len(body)}{SOH}"
    cs = sum((head + body).encode()) % 256
    return head + body + f"10={cs:03d}{SOH}"


def messages(log):
    """The messages of a FIX log, each a list of (tag, value) without 8, 9 and 10."""
    out = []
    for field in log.split(SOH):
        if not field:
            continue
        tag, value = field.split("=", 1)
        if tag == "8":
            out.append([])
        elif tag not in ("9", "10"):
            out[-1].append((int(tag), value))
    return out


def costs(doc):
    return {r["order_id"]: r["costs_bps"]["arrival_mid"] for r in doc["orders"]}


def check_labels(doc, what, n=None):
    for key in ["program", "version", "market", "fills", "orders", "summary", "notes"]:
        if key not in doc:
            fail(f"{what}: no '{key}' in the document")
    rows = doc["orders"]
    if n is not None and len(rows) != n:
        fail(f"{what}: {len(rows)} orders, expected {n}")
    for r in rows:
        for key in ORDER_KEYS:
            if key not in r:
                fail(f"{what}: order {r.get('order_id')} has no '{key}'")
        if r["fill_rate"] != 1.0 or r["issues"]:
            fail(f"{what}: order {r['order_id']}: fill rate {r['fill_rate']}, issues {r['issues']}")
        if abs(r["costs_bps"]["arrival_mid"] - r["label_bps"]) > 1e-9:
            fail(f"{what}: order {r['order_id']}: cost {r['costs_bps']['arrival_mid']} against the label "
                 f"{r['label_bps']}")
    check = doc["summary"]["label_check"]
    if check["orders"] != len(rows) or check["max_difference_bps"] > 1e-9:
        fail(f"{what}: label check {check}")
    if doc["fills"]["orders_with_issues"] != 0 or doc["fills"]["duplicates"] != 0:
        fail(f"{what}: normalizer {doc['fills']}")


def case_builtin(exe):
    doc = run_json([exe, "--orders", "12"])
    check_labels(doc, "builtin", 12)
    if doc != run_json([exe, "--orders", "12"]):
        fail("builtin: two runs differ")
    p = run([exe, "--orders", "5"])
    if p.returncode != 0 or "perold" not in p.stdout or "shortfall labels" not in p.stdout:
        fail(f"builtin: text report: {p.stdout[-400:]} {p.stderr}")
    ok(f"builtin: 12 orders, costs equal to the labels within {doc['summary']['label_check']['max_difference_bps']:.1e}"
       " bps, reproducible")


def write_log(exe, tmp, n=10):
    path = os.path.join(tmp, "orders.fix")
    doc = run_json([exe, "--orders", str(n), "--write-fix", path])
    with open(path, encoding="latin-1") as f:
        return doc, path, f.read()


def case_fix_log(exe):
    with tempfile.TemporaryDirectory() as tmp:
        doc, path, log = write_log(exe, tmp)
        again = run_json([exe, "--fix", path, "--tape-date", "2000-01-03"])
        if doc["fills"]["fills"] != again["fills"]["fills"] or len(again["orders"]) != len(doc["orders"]):
            fail(f"fix-log: {doc['fills']} against {again['fills']}")
        a, b = costs(doc), costs(again)
        for k in a:
            if abs(a[k] - b[k]) > 1e-9:
                fail(f"fix-log: order {k}: {a[k]} against {b[k]}")
        # The first order acknowledged at a smaller OrderQty, then (cancel/replace) at its size:
        # the amended size counts, and the order is whole, not overfilled.
        first = doc["orders"][0]
        amended = ""
        for m in messages(log):
            d = dict(m)
            if d.get(37) == first["order_id"] and d.get(150) == "0":
                m = [(t, "1" if t in (38, 151) else v) for t, v in m]
            amended += frame([(t, v) for t, v in m if t not in (8, 9, 10)])
        path = os.path.join(tmp, "amended.fix")
        with open(path, "w", encoding="latin-1") as f:
            f.write(amended)
        c = run_json([exe, "--fix", path, "--tape-date", "2000-01-03"])
        row = next(r for r in c["orders"] if r["order_id"] == first["order_id"])
        if row["quantity"] != first["quantity"] or row["fill_rate"] != 1.0 or costs(c) != b:
            fail(f"fix-log: amended OrderQty: quantity {row['quantity']}, fill rate {row['fill_rate']}")
    ok(f"fix-log: {len(a)} orders read back from the log with the same costs, also with the first order's "
       f"OrderQty amended")


def case_fills_csv(exe):
    with tempfile.TemporaryDirectory() as tmp:
        doc, _, log = write_log(exe, tmp)
        csv = os.path.join(tmp, "fills.csv")
        with open(csv, "w") as f:
            f.write("time,order_id,side,quantity,price,fee,liquidity,exec_id\n")
            for m in messages(log):
                d = dict(m)
                if d.get(35) == "8" and d.get(150) == "F":
                    side = "buy" if d[54] == "1" else "sell"
                    f.write(f"{d[60]},{d[37]},{side},{d[32]},{d[31]},0,taker,{d[17]}\n")
        again = run_json([exe, "--fills", csv, "--tape-date", "2000-01-03"])
        a, b = costs(doc), costs(again)
        if set(a) != set(b):
            fail(f"fills-csv: orders {sorted(a)} against {sorted(b)}")
        for k in a:
            if abs(a[k] - b[k]) > 1e-9:
                fail(f"fills-csv: order {k}: {a[k]} against {b[k]}")
    ok(f"fills-csv: {len(b)} orders from the CSV with the same costs")


def fills_rows(log):
    """The fills of a FIX log as (time, order_id, side, quantity, price, exec_id), time as written."""
    rows = []
    for m in messages(log):
        d = dict(m)
        if d.get(35) == "8" and d.get(150) == "F":
            rows.append((d[60], d[37], "buy" if d[54] == "1" else "sell", d[32], d[31], d[17]))
    return rows


def iso(fix_time):
    """A FIX UTCTimestamp, YYYYMMDD-HH:MM:SS.f, as ISO 8601: YYYY-MM-DDTHH:MM:SS.fZ."""
    return f"{fix_time[0:4]}-{fix_time[4:6]}-{fix_time[6:8]}T{fix_time[9:]}Z"


def write_csv(path, rows):
    with open(path, "w") as f:
        f.write("time,order_id,side,quantity,price,fee,liquidity,exec_id\n")
        for t, oid, side, q, p, xid in rows:
            f.write(f"{t},{oid},{side},{q},{p},0,taker,{xid}\n")


def case_foreign_fills(exe):
    with tempfile.TemporaryDirectory() as tmp:
        doc, _, log = write_log(exe, tmp)
        rows = fills_rows(log)
        csv = os.path.join(tmp, "iso.csv")
        write_csv(csv, [(iso(r[0]),) + r[1:] for r in rows])
        again = run_json([exe, "--fills", csv, "--tape-date", "2000-01-03"])
        a, b = costs(doc), costs(again)
        if set(a) != set(b) or any(abs(a[k] - b[k]) > 1e-9 for k in a):
            fail(f"foreign-fills: ISO times: costs {b} against {a}")
        inside = run_json([exe, "--fills", csv, "--tape-date", "2000-01-03", "--fills-in-tape"])
        made = {r["order_id"]: r["participation_rate"] for r in doc["orders"]}
        for r in inside["orders"]:
            if abs(r["participation_rate"] - made[r["order_id"]]) > 1e-12:
                fail(f"foreign-fills: --fills-in-tape: {r['order_id']} {r['participation_rate']} against "
                     f"{made[r['order_id']]}")
        if any(r["participation_rate"] >= 1.0 for r in again["orders"]):
            fail("foreign-fills: without --fills-in-tape the fills must add to the period's volume")
        # Two orders that do not belong: one a day later, one priced in cents.
        first, second = rows[0][1], next(r[1] for r in rows if r[1] != rows[0][1])
        bad = []
        for t, oid, side, q, p, xid in rows:
            if oid == first:
                t = t[:6] + "04" + t[8:]  # 2000-01-04: the next day
            if oid == second:
                p = f"{float(p) * 100:.4f}"
            bad.append((t, oid, side, q, p, xid))
        path = os.path.join(tmp, "bad.csv")
        write_csv(path, bad)
        p = run([exe, "--fills", path, "--tape-date", "2000-01-03", "--quiet"])
        if p.returncode != 1 or f"order {first} " not in p.stderr or "not on the tape" not in p.stderr \
                or "--lenient" not in p.stderr:
            fail(f"foreign-fills: an order of another day: exit {p.returncode}: {p.stderr}")
        lenient = run_json([exe, "--fills", path, "--tape-date", "2000-01-03", "--lenient"])
        out = {r["order_id"]: r["reason"] for r in lenient["left_out"]}
        if set(out) != {first, second} or "not on the tape" not in out[first] \
                or "x the mid" not in out[second] or "max_price_ratio" not in out[second]:
            fail(f"foreign-fills: --lenient: left out {out}")
        if len(lenient["orders"]) != len(a) - 2 or not any(f"left out: order {first} " in n for n in lenient["notes"]):
            fail(f"foreign-fills: --lenient: {len(lenient['orders'])} orders analysed of {len(a)}; "
                 f"notes {lenient['notes']}")
        for r in lenient["orders"]:
            if abs(r["costs_bps"]["arrival_mid"] - a[r["order_id"]]) > 1e-9:
                fail(f"foreign-fills: --lenient: order {r['order_id']} changed")
        write_csv(path, [(r[0][:6] + "04" + r[0][8:],) + r[1:] for r in rows])
        p = run([exe, "--fills", path, "--tape-date", "2000-01-03", "--lenient", "--quiet"])
        if p.returncode != 1 or "none of the" not in p.stderr:
            fail(f"foreign-fills: every order a day later: exit {p.returncode}: {p.stderr}")
    ok(f"foreign-fills: ISO times give the same costs; --fills-in-tape gives the writing run's participation; "
       f"an order of another day and one priced in cents refused, or left out and listed with --lenient")


def case_damaged(exe):
    with tempfile.TemporaryDirectory() as tmp:
        _, _, log = write_log(exe, tmp)
        ms = messages(log)
        fills = [m for m in ms if dict(m).get(150) == "F"]
        resend = [(43, "Y") if t == 34 else (t, v) for t, v in fills[0]]  # the same ExecID again, PossDup
        victim = dict(fills[-1])
        bust = [(35, "8"), (34, "99999"), (49, "BROKER"), (56, "DESK"), (52, victim[52]), (11, victim[11]),
                (37, victim[37]), (17, "BUST1"), (19, victim[17]), (150, "H"), (39, "1"), (54, victim[54]),
                (55, victim[55]), (38, victim[38]), (14, victim[14]), (151, victim[151]), (6, victim[6]),
                (60, victim[60])]
        damaged = log + frame(resend) + frame(bust)
        path = os.path.join(tmp, "damaged.fix")
        with open(path, "w", encoding="latin-1") as f:
            f.write(damaged)
        doc = run_json([exe, "--fix", path, "--tape-date", "2000-01-03"])
        n = doc["fills"]
        if n["duplicates"] != 1 or n["resends"] != 1 or n["busts"] != 1 or n["orders_with_issues"] != 1:
            fail(f"damaged: normalizer {n}")
        row = next(r for r in doc["orders"] if r["order_id"] == victim[37])
        if not any("CumQty" in i for i in row["issues"]):
            fail(f"damaged: the busted order's issues {row['issues']}")
    ok("damaged: one resend dropped, one bust applied, the busted order's CumQty mismatch reported")


def case_reconcile(exe):
    doc = run_json([exe, "--reconcile"])
    r = doc["reconciliation"]
    rows = doc["orders"]
    if r["orders"] != len(rows) or sum(r["pit_histogram"]) != len(rows) or len(rows) < 30:
        fail(f"reconcile: {r['orders']} PITs, histogram {r['pit_histogram']}, {len(rows)} orders")
    if r["max_difference_from_backtest_bps"] > 1e-9:
        fail(f"reconcile: realized costs differ from the backtest's by {r['max_difference_from_backtest_bps']}")
    pits = sorted(row["forecast"]["pit"] for row in rows)
    if not all(0.0 <= u <= 1.0 for u in pits):
        fail("reconcile: a PIT outside [0, 1]")
    n = len(pits)
    d = max(max((i + 1) / n - u, u - i / n) for i, u in enumerate(pits))
    if abs(d - r["ks_statistic"]) > 1e-12 or not 0.0 <= r["ks_pvalue"] <= 1.0:
        fail(f"reconcile: KS D {r['ks_statistic']} against {d}, p {r['ks_pvalue']}")
    inside = sum(1 for u in pits if 0.05 <= u <= 0.95) / n
    if abs(inside - r["coverage_90"]) > 1e-12:
        fail(f"reconcile: coverage {r['coverage_90']} against {inside}")
    ok(f"reconcile: {n} orders, mean PIT {r['mean_pit']:.3f}, coverage {r['coverage_90']:.3f}, "
       f"KS D {r['ks_statistic']:.3f} p {r['ks_pvalue']:.3g}")


def case_recalibrate(exe):
    doc = run_json([exe, "--reconcile", "--recalibrate"])
    r = doc["recalibration"]
    g = r["almgren_chriss"]["gamma"]
    if r["observations"] < 300 or abs(g["value"] - 1e-5) > 3 * g["robust_std_error"] or g["robust_std_error"] > 5e-6:
        fail(f"recalibrate: {r}")
    ok(f"recalibrate: gamma {g['value']:.3g} (HC1 se {g['robust_std_error']:.2g}) from {r['observations']} orders' "
       "fills, planted 1e-5")


def case_plot(exe):
    python = "/usr/bin/python3"
    if run([python, "-c", "import matplotlib"]).returncode != 0:
        print("skipped: Debian's python3-matplotlib is not installed")
        return
    root = os.path.dirname(os.path.dirname(HERE))
    with tempfile.TemporaryDirectory() as tmp:
        doc = os.path.join(tmp, "t.json")
        png = os.path.join(tmp, "t.png")
        if run([exe, "--reconcile", "--quiet", "--json", doc]).returncode != 0:
            fail("plot: footprint-tca failed")
        p = run([python, os.path.join(root, "scripts", "plot_tca.py"), doc, png])
        if p.returncode != 0 or not os.path.exists(png) or os.path.getsize(png) < 10000:
            fail(f"plot: plot_tca.py: exit {p.returncode}: {p.stderr}")
        ok(f"plot: plot_tca.py drew {os.path.getsize(png)} bytes")


def case_data(exe, data, which):
    if which == "goog":
        d = os.path.join(data, "lobster", "GOOG_2012-06-21_L1")
        args = ["--lobster", os.path.join(d, "GOOG_2012-06-21_34200000_57600000_message_1.csv"),
                os.path.join(d, "GOOG_2012-06-21_34200000_57600000_orderbook_1.csv")]
        present = os.path.exists(args[1])
    else:
        d = os.path.join(data, "bitstamp")
        args = ["--bitstamp", d]
        present = os.path.exists(os.path.join(d, "trades.csv"))
    if not present:
        print(f"skipped: no {which} data under {d}")
        return
    doc = run_json([exe] + args)
    check_labels(doc, which, 20)
    ok(f"{which}: 20 orders, costs equal to the labels, quantity-weighted cost "
       f"{doc['summary']['arrival_cost_bps']:.3f} bps")


def case_bad_args(exe):
    p = run([exe, "--fix", "a.fix", "--fills", "b.csv"])
    if p.returncode != 2 or len(p.stderr.strip().splitlines()) != 1:
        fail(f"bad-args: --fix with --fills: exit {p.returncode}: {p.stderr}")
    p = run([exe, "--fix", "/nonexistent/log.fix", "--quiet"])
    if p.returncode != 1 or "/nonexistent/log.fix" not in p.stderr:
        fail(f"bad-args: missing file: exit {p.returncode}: {p.stderr}")
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "bad.fix")
        m = frame([(35, "8"), (17, "E"), (150, "F"), (39, "1"), (54, "1"), (55, "X"), (14, "1")])
        with open(path, "w", encoding="latin-1") as f:
            f.write(m[:-4] + ("000" if not m.endswith("000" + SOH) else "001") + SOH)
        p = run([exe, "--fix", path, "--quiet", "--tape-date", "2000-01-03"])
        if p.returncode != 1 or "CheckSum" not in p.stderr or "tag 10" not in p.stderr or path not in p.stderr:
            fail(f"bad-args: wrong CheckSum: exit {p.returncode}: {p.stderr}")
    ok("bad-args: usage errors exit 2; a missing file and a wrong CheckSum exit 1 naming them")


def main():
    if len(sys.argv) < 3:
        print(__doc__)
        return 2
    exe, case = sys.argv[1], sys.argv[2]
    data = sys.argv[3] if len(sys.argv) > 3 else os.path.join(os.path.dirname(os.path.dirname(HERE)), "..", "shared",
                                                                "data")
    cases = {"builtin": case_builtin, "fix-log": case_fix_log, "fills-csv": case_fills_csv,
             "foreign-fills": case_foreign_fills, "damaged": case_damaged,
             "reconcile": case_reconcile, "recalibrate": case_recalibrate, "plot": case_plot, "bad-args": case_bad_args}
    if case in cases:
        cases[case](exe)
    elif case in ("goog", "bitstamp"):
        case_data(exe, data, case)
    else:
        print(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
