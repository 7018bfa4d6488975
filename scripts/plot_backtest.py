#!/usr/bin/python3
"""Plots footprint-backtest's JSON: reliability diagram, PIT histogram, predicted vs realized.

Usage: /usr/bin/python3 scripts/plot_backtest.py BACKTEST.json OUT.png [--methods engine,square_root]

Reads the document `footprint-backtest --json FILE` writes (keys in docs/validation.md) and
draws three panels for each chosen method (default: all four):
- the reliability diagram of P(cost > threshold): mean predicted probability against the
  observed frequency per bin (points sized by count; the diagonal is perfect calibration);
- the PIT histogram: F(realized) in 10 bins (flat = calibrated; U-shaped = too narrow;
  hump-shaped = too wide; sloped = biased);
- predicted mean against realized cost, bps, with the 45-degree line.
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
    methods = list(doc["methods"].keys())
    if len(argv) > 3 and argv[3].startswith("--methods"):
        chosen = argv[3].split("=", 1)[1] if "=" in argv[3] else argv[4]
        methods = [m for m in chosen.split(",") if m in doc["methods"]]
    threshold = doc["settings"]["threshold_bps"]
    fig, axes = plt.subplots(3, len(methods), figsize=(4.2 * len(methods), 11), squeeze=False)
    for col, name in enumerate(methods):
        m = doc["methods"][name]
        # Reliability diagram.
        ax = axes[0][col]
        bins = [b for b in m["reliability"] if b["count"] > 0]
        ax.plot([0, 1], [0, 1], color="grey", lw=0.8)
        ax.scatter([b["mean_predicted"] for b in bins], [b["observed"] for b in bins],
                   s=[10 + 200 * b["count"] / max(1, m["metaorders"]) for b in bins])
        ax.set_xlim(0, 1)
        ax.set_ylim(0, 1)
        ax.set_title(f"{name}: P(cost > {threshold:.2f} bps)\nBrier {m['brier']:.4f}")
        ax.set_xlabel("predicted probability")
        ax.set_ylabel("observed frequency")
        # PIT histogram.
        ax = axes[1][col]
        counts = m["pit_histogram"]
        ax.bar([i / 10 + 0.05 for i in range(10)], counts, width=0.1, edgecolor="black")
        ax.axhline(sum(counts) / 10, color="grey", lw=0.8)
        ax.set_title(f"PIT (CRPS {m['crps_bps']:.2f} bps)")
        ax.set_xlabel("F(realized)")
        # Predicted vs realized.
        ax = axes[2][col]
        rows = doc["predictions"]
        x = [r["predictions"][name]["mean_bps"] for r in rows]
        y = [r["realized_bps"] for r in rows]
        ax.scatter(x, y, s=4, alpha=0.5)
        lo, hi = min(x + y), max(x + y)
        ax.plot([lo, hi], [lo, hi], color="grey", lw=0.8)
        ax.set_title(f"bias {m['bias_bps']:.2f}, RMSE {m['rmse_bps']:.2f} bps")
        ax.set_xlabel("predicted mean, bps")
        ax.set_ylabel("realized, bps")
    source = doc["source"]
    fig.suptitle(f"footprint-backtest: {source['symbol']} ({source['kind']}), "
                 f"{doc['metaorders']['tested']} metaorders")
    fig.tight_layout()
    fig.savefig(argv[2], dpi=90)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
