#!/usr/bin/python3
"""Plots footprint-tca's JSON: the PIT histogram of the reconciliation and the markout curves.

Usage: /usr/bin/python3 scripts/plot_tca.py TCA.json OUT.png

Reads the document `footprint-tca --json FILE` writes (keys in docs/tca.md) and draws:
- with `--reconcile`: the histogram of the realized costs' PITs under the pre-trade forecasts,
  against the flat line a calibrated forecast gives (n / 10 a bin), with the KS p-value;
- the markout curves: each order's markout (bps, positive = the market moved its way after the
  fills) at 1 s, 10 s, 60 s and 5 min in grey, and their quantity-weighted mean in black.
Needs Debian's python3-matplotlib (`bash scripts/install-deps.sh peers`).
"""

import json
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def main(argv):
    if len(argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    with open(argv[1], encoding="utf-8") as f:
        doc = json.load(f)
    orders = doc["orders"]
    if not orders:
        print("plot_tca.py: the document has no order", file=sys.stderr)
        return 1
    rec = doc.get("reconciliation")
    panels = 2 if rec else 1
    fig, axes = plt.subplots(1, panels, figsize=(6 * panels, 4.5))
    axes = axes if panels > 1 else [axes]
    if rec:
        ax = axes[0]
        counts = rec["pit_histogram"]
        ax.bar([i / 10 + 0.05 for i in range(10)], counts, width=0.095, color="#60a5fa", edgecolor="black")
        ax.axhline(rec["orders"] / 10, color="black", ls="--", lw=1, label="calibrated")
        ax.set_xlabel("PIT of the realized cost under the forecast")
        ax.set_ylabel("orders")
        ax.set_title(f"{rec['orders']} orders: coverage {rec['coverage_90']:.3f}, KS p {rec['ks_pvalue']:.2g}")
        ax.legend()
    ax = axes[-1]
    horizons = [m["seconds"] for m in orders[0]["markouts"]]
    num = [0.0] * len(horizons)
    den = [0.0] * len(horizons)
    for o in orders:
        ys = [m["bps"] for m in o["markouts"]]
        ax.plot(horizons, [y if y is not None else float("nan") for y in ys], color="#9ca3af", lw=0.5, alpha=0.5)
        for i, y in enumerate(ys):
            if y is not None:
                num[i] += y * o["filled_quantity"]
                den[i] += o["filled_quantity"]
    mean = [n / d if d > 0 else float("nan") for n, d in zip(num, den)]
    ax.plot(horizons, mean, color="black", lw=2, marker="o", label="quantity-weighted mean")
    ax.axhline(0.0, color="black", lw=0.5)
    ax.set_xscale("log")
    ax.set_xlabel("seconds after the fill")
    ax.set_ylabel("markout, bps (positive: the market moved the order's way)")
    ax.set_title(f"markouts of {len(orders)} orders")
    ax.legend()
    fig.tight_layout()
    fig.savefig(argv[2], dpi=110)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
