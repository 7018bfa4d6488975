#!/usr/bin/env python3
"""Writes tests/monitoring/data/distribution_distance.txt: samples and scipy's answers for
footprint's distribution distances (tests/monitoring/distribution_distance.cpp).

Samples (numpy's PCG64, seed 7): a = 400 draws of N(0, 1); b = 600 draws of N(0.3, 1.2);
c = 500 draws of Poisson(3) (ties); d = 700 draws of Poisson(3.6). For the pairs (a, b),
(c, d) and (a, a[:250]): the KS statistic and p-values (scipy.stats.ks_2samp, its default
method, and kstwobign.sf(sqrt(n m / (n + m)) D), the asymptotic one footprint gives),
scipy.stats.wasserstein_distance, and the population stability index over reference deciles
computed with numpy (edges = np.quantile(ref, i / 10), linear; bins by searchsorted "right";
fractions floored at 1e-4). Then scipy.special.kolmogorov at a few points.

Run once with Debian's numpy 1.24 and scipy 1.10:
    /usr/bin/python3 tests/monitoring/make_distribution_distance_reference.py
Format: lines `sample <name> v1 v2 ...`, `pair <x> <y> D p_scipy p_asymptotic W1 PSI`,
`kolmogorov x Q`; values with 17 significant digits.
"""
import pathlib

import numpy as np
from scipy import special, stats

rng = np.random.default_rng(7)
samples = {
    "a": rng.normal(0.0, 1.0, 400),
    "b": rng.normal(0.3, 1.2, 600),
    "c": rng.poisson(3.0, 500).astype(float),
    "d": rng.poisson(3.6, 700).astype(float),
}
samples["a250"] = samples["a"][:250]


def psi(ref, cur, bins=10, floor=1e-4):
    edges = np.quantile(ref, np.arange(1, bins) / bins)
    p = np.bincount(np.searchsorted(edges, ref, side="right"), minlength=bins) / len(ref)
    q = np.bincount(np.searchsorted(edges, cur, side="right"), minlength=bins) / len(cur)
    p = np.maximum(p, floor)
    q = np.maximum(q, floor)
    return float(np.sum((q - p) * np.log(q / p)))


lines = []
for name, s in samples.items():
    lines.append("sample " + name + " " + " ".join(f"{v:.17g}" for v in s))
for x, y in [("a", "b"), ("c", "d"), ("a", "a250")]:
    u, v = samples[x], samples[y]
    r = stats.ks_2samp(u, v)
    n, m = len(u), len(v)
    p_asym = stats.kstwobign.sf(np.sqrt(n * m / (n + m)) * r.statistic)
    w = stats.wasserstein_distance(u, v)
    lines.append(f"pair {x} {y} {r.statistic:.17g} {r.pvalue:.17g} {p_asym:.17g} {w:.17g} {psi(u, v):.17g}")
for x in [0.0, 0.2, 0.5, 0.8, 1.0, 1.17, 1.19, 1.5, 2.0, 3.0]:
    lines.append(f"kolmogorov {x:.17g} {special.kolmogorov(x):.17g}")

out = pathlib.Path(__file__).resolve().parent / "data" / "distribution_distance.txt"
out.write_text("\n".join(lines) + "\n")
print(f"wrote {out} (numpy {np.__version__})")
