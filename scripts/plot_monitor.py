#!/usr/bin/python3
"""Plots footprint-monitor's JSON timeline: coverage, bias and alarms, and the actions taken.

Usage: /usr/bin/python3 scripts/plot_monitor.py MONITOR.json OUT.png

Reads the document `footprint-monitor --json FILE` writes (keys in docs/monitoring.md) and
draws, per decision window in time order (hours after the replay's start):
- the interval coverage of the window's metaorders against the nominal 1 - miscoverage;
- the mean standardized residual z of the window (0 for an unbiased model; the reference's
  mean is drawn as a line);
- the number of drifted features, with each window's action as a coloured band (none,
  widen_intervals, refit, fall_back).
Needs Debian's python3-matplotlib (`bash scripts/install-deps.sh peers`).
"""

import json
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

COLOURS = {"none": "#ffffff", "widen_intervals": "#fde68a", "refit": "#fdba74", "fall_back": "#fca5a5"}


def main(argv):
    if len(argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    with open(argv[1], encoding="utf-8") as f:
        doc = json.load(f)
    windows = doc["windows"]
    if not windows:
        print("plot_monitor.py: the timeline has no window", file=sys.stderr)
        return 1
    t0 = windows[0]["from_ns"]
    x = [(w["from_ns"] - t0) / 3.6e12 for w in windows]
    nominal = 1.0 - doc["settings"]["miscoverage"]
    fig, axes = plt.subplots(3, 1, figsize=(10, 9), sharex=True)
    series = [
        ([w["coverage"] for w in windows], "interval coverage", nominal),
        ([w["mean_z"] for w in windows], "mean standardized residual z", doc["reference"]["z_mean"]),
        ([len(w["features_drifted"]) for w in windows], "features drifted", None),
    ]
    for ax, (y, label, line) in zip(axes, series):
        for i, w in enumerate(windows):
            right = x[i + 1] if i + 1 < len(x) else x[i] + (x[i] - x[i - 1] if i > 0 else 1.0)
            ax.axvspan(x[i], right, color=COLOURS[w["action"]], alpha=0.6, lw=0)
        ax.plot(x, [v if v is not None else float("nan") for v in y], marker="o", ms=3, color="black", lw=1)
        if line is not None:
            ax.axhline(line, color="grey", lw=0.8, ls="--")
        ax.set_ylabel(label)
    axes[-1].set_xlabel("hours after the replay's start (window starts)")
    handles = [plt.Rectangle((0, 0), 1, 1, color=c, alpha=0.6) for c in COLOURS.values()]
    axes[0].legend(handles, list(COLOURS.keys()), loc="lower left", fontsize=8, ncol=4)
    s = doc["summary"]
    fig.suptitle(f"footprint-monitor: {doc['source']['symbol']} ({doc['source']['kind']}), {s['windows']} windows: "
                 f"refit {s['refit']}, widen {s['widen_intervals']}, fall back {s['fall_back']}")
    fig.tight_layout()
    fig.savefig(argv[2], dpi=90)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
