#!/usr/bin/env python3
"""Writes tests/monitoring/data/capymoa_stream.csv: the stream of CapyMOA's drift-detector
examples (the docstrings of capymoa.drift.detectors.ADWIN and friends), reproduced exactly
with numpy's legacy generator:

    >>> np.random.seed(0)
    >>> data_stream = np.random.randint(2, size=2000)
    >>> for i in range(999, 2000):
    ...     data_stream[i] = np.random.randint(4, high=8)

CapyMOA (MOA's ADWINChangeDetector, delta = 0.001) reports changes at indices 1023 and 1055
on it; MOA's PageHinkleyDM with its defaults at 1014 and 1685 (tests/monitoring/golden_moa.cpp).
Run once with Debian's numpy (1.24): /usr/bin/python3 tests/monitoring/make_capymoa_stream.py
One value per line after the header `x`; 2,000 lines.
"""
import pathlib

import numpy as np

np.random.seed(0)
data_stream = np.random.randint(2, size=2000)
for i in range(999, 2000):
    data_stream[i] = np.random.randint(4, high=8)

out = pathlib.Path(__file__).resolve().parent / "data" / "capymoa_stream.csv"
out.parent.mkdir(exist_ok=True)
out.write_text("x\n" + "".join(f"{int(v)}\n" for v in data_stream))
print(f"wrote {out} ({len(data_stream)} values, numpy {np.__version__})")
