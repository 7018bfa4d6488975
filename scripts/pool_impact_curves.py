#!/usr/bin/python3
"""Pools the impact curves of several footprint-simulate runs (one per seed) into one.

Each run's JSON (`footprint-simulate ... --impact-sizes ... --seed S --json FILE`) holds, per
model, an impact curve: per size, the mean peak impact at T and the mean move at 2T over its
paths, with their standard errors. Runs with different seeds are independent, so the pooled
curve is, per size, the mean of the runs' points (runs with the same number of paths weigh the
same), with the standard error sqrt(sum se_i^2) / n; the remaining share is pooled after / pooled
peak, with the runs' delta-method errors combined the same way; the exponent is the least-squares
slope of log pooled peak on log size (every pooled peak must be positive), with the runs'
bootstrap standard errors combined. This is how docs/simulation.md's rows "over three seeds"
are made.

Usage: /usr/bin/python3 scripts/pool_impact_curves.py [--model queue_reactive] RUN.json ...
e.g.   for s in 1 2 3; do footprint-simulate --model qr --paths 8000 --impact-sizes 0.25 0.5 1 2 4 \\
         --impact-duration proportional --feedback 0.1 --feedback-exponent 0.75 --seed $s \\
         --quiet --json s$s.json; done
       /usr/bin/python3 scripts/pool_impact_curves.py s1.json s2.json s3.json
"""

import argparse
import json
import math
import sys


def slope(xs, ys):
    """Least-squares slope of ys on xs."""
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sum((x - mx) ** 2 for x in xs)


def pool(curves):
    """The pooled curve of `curves` (impact_curve objects of the runs' JSON) as a dict."""
    n = len(curves)
    sizes = [p["quantity"] for p in curves[0]["points"]]
    for c in curves[1:]:
        if [p["quantity"] for p in c["points"]] != sizes:
            raise ValueError(f"the runs' sizes differ: {sizes} and {[p['quantity'] for p in c['points']]}")
    points = []
    for i, q in enumerate(sizes):
        pts = [c["points"][i] for c in curves]
        peak = sum(p["peak_bps"] for p in pts) / n
        after = sum(p["after_bps"] for p in pts) / n
        peak_se = math.sqrt(sum(p["peak_se_bps"] ** 2 for p in pts)) / n
        # a run's remaining_se is relative to its own peak: back to bps, combined, over the pooled peak
        rem_se = math.sqrt(sum((p["remaining_se"] * p["peak_bps"]) ** 2 for p in pts)) / n / abs(peak)
        points.append({"quantity": q, "horizon_seconds": pts[0]["horizon_seconds"], "peak_bps": peak,
                       "peak_se_bps": peak_se, "after_bps": after, "remaining_share": after / peak,
                       "remaining_se": rem_se})
    exponent = math.nan
    if all(p["peak_bps"] > 0 for p in points):
        exponent = slope([math.log(p["quantity"]) for p in points], [math.log(p["peak_bps"]) for p in points])
    ses = [c.get("exponent_se") for c in curves]
    exponent_se = math.sqrt(sum(s ** 2 for s in ses)) / n if all(isinstance(s, (int, float)) for s in ses) else math.nan
    return {"runs": n, "points": points, "exponent": exponent, "exponent_se": exponent_se,
            "run_exponents": [c.get("exponent") for c in curves]}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("runs", nargs="+", help="footprint-simulate JSON files, one per seed")
    parser.add_argument("--model", default="queue_reactive", choices=["queue_reactive", "zero_intelligence"])
    args = parser.parse_args()
    curves = []
    for path in args.runs:
        with open(path) as f:
            doc = json.load(f)
        if args.model not in doc or "impact_curve" not in doc[args.model]:
            sys.exit(f"{path}: no {args.model} impact curve (run footprint-simulate with --impact-sizes)")
        curves.append(doc[args.model]["impact_curve"])
    try:
        p = pool(curves)
    except ValueError as e:
        sys.exit(str(e))
    runs = ", ".join("-" if e is None else f"{e:.2f}" for e in p["run_exponents"])
    print(f"{p['runs']} runs; exponent {p['exponent']:.3f} +- {p['exponent_se']:.3f} (runs: {runs})")
    print("      size        T (s)   peak at T (bps)        at 2T (bps)   remaining share")
    for q in p["points"]:
        print(f"{q['quantity']:10.4g} {q['horizon_seconds']:12.0f} {q['peak_bps']:9.3f} +- {q['peak_se_bps']:5.3f}"
              f" {q['after_bps']:12.3f} {q['remaining_share']:11.2f} +- {q['remaining_se']:4.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
