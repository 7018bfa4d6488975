#!/usr/bin/python3
"""Draws footprint-simulate's JSON report (docs/simulation.md).

usage: /usr/bin/python3 scripts/plot_simulation.py REPORT.json OUT.png

Four panels per model (zero-intelligence, queue-reactive): the strategies' simulated cost
(mean, 5%-95% band), their mean impact paths (signed mid move less the same path without
the order, bps of the arrival mid) over the horizon and after it, the impact curve (peak
impact against the order's size, log-log, with the fitted exponent) when the run had
--impact-sizes, and the signature plots of the real and the simulated books. Needs Debian's
python3-matplotlib.
"""
import json
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

MODELS = [("zero_intelligence", "zero-intelligence (CST 2010)"), ("queue_reactive", "queue-reactive (HLR 2015)")]


def main():
    if len(sys.argv) != 3:
        print(__doc__)
        return 2
    with open(sys.argv[1]) as f:
        doc = json.load(f)
    models = [(k, name) for k, name in MODELS if "strategies" in doc.get(k, {})]
    if not models:
        print("plot_simulation.py: the report has no simulated model")
        return 1
    fig, axes = plt.subplots(len(models), 4, figsize=(20, 4.5 * len(models)), squeeze=False)
    for row, (key, name) in enumerate(models):
        m = doc[key]
        strategies = m["strategies"]
        ax = axes[row][0]
        names = [s["name"] for s in strategies]
        means = [s["expected_bps"] for s in strategies]
        lo = [s["expected_bps"] - s["q05_bps"] for s in strategies]
        hi = [s["q95_bps"] - s["expected_bps"] for s in strategies]
        ax.bar(names, means, yerr=[lo, hi], capsize=4, color="tab:blue", alpha=0.7)
        ax.axhline(0, color="black", lw=0.5)
        ax.set_ylabel("cost, bps of the arrival mid")
        ax.set_title(f"{name}: simulated cost (mean, 5%-95%)")
        ax = axes[row][1]
        for s in strategies:
            ax.plot(s["path_times"], s["mean_path_bps"], label=s["name"])
        ax.axvline(doc["order"]["horizon_seconds"], color="grey", ls="--", lw=0.8)
        ax.set_xlabel("seconds after arrival")
        ax.set_ylabel("impact, bps")
        ax.set_title("mean impact path (the horizon dashed)")
        ax.legend(fontsize=8)
        ax = axes[row][2]
        curve = m.get("impact_curve")
        if curve and curve["points"]:
            shown = [p for p in curve["points"] if p["peak_bps"] and p["peak_bps"] > 0]
            q = [p["quantity"] for p in shown]
            peak = [p["peak_bps"] for p in shown]
            after = [max(p["after_bps"], 1e-3) for p in shown]
            # one standard error over the paths (runs before 2026-12-07 have none)
            peak_se = [p.get("peak_se_bps") or 0.0 for p in shown]
            after_se = [p.get("after_se_bps") or 0.0 for p in shown]
            exponent = curve.get("exponent")
            label = "peak at T" if exponent is None else f"peak at T (exponent {exponent:.2f})"
            if curve.get("exponent_se") is not None:
                label = label[:-1] + f" +- {curve['exponent_se']:.2f})"
            ax.errorbar(q, peak, yerr=peak_se, fmt="o-", capsize=2, label=label)
            ax.errorbar(q, after, yerr=after_se, fmt="s--", capsize=2, label="at 2T")
            ax.set_xscale("log")
            ax.set_yscale("log")
            ax.set_xlabel("order quantity")
            ax.set_ylabel("impact, bps")
            ax.legend(fontsize=8)
            ax.set_title("impact curve (TWAP, market children)")
        else:
            ax.text(0.5, 0.5, "no --impact-sizes in this run", ha="center", va="center")
            ax.set_axis_off()
        ax = axes[row][3]
        r = m["realism"]
        ax.plot(r["signature_seconds"], r["real_signature"], "o-", label="real")
        ax.plot(r["signature_seconds"], r["simulated_signature"], "s--", label="simulated")
        ax.set_xscale("log")
        ax.set_xlabel("sampling interval, s")
        ax.set_ylabel("realized variance per second, bps^2/s")
        d = r["signature_log_distance"]
        ax.set_title(f"signature plot (mean |log ratio| {d if d is not None else float('nan'):.2f})")
        ax.legend(fontsize=8)
    fig.suptitle(f"footprint-simulate: {doc['data']['description']}")
    fig.tight_layout()
    fig.savefig(sys.argv[2], dpi=90)
    return 0


if __name__ == "__main__":
    sys.exit(main())
