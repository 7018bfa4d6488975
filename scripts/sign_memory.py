#!/usr/bin/python3
"""The memory of market-order signs on each real data set (docs/simulation.md, "Impact
emerges (or not)"): the calibration check of a fair-pricing layer for the simulator.

usage: /usr/bin/python3 scripts/sign_memory.py [DATA_DIR]   (default ../shared/data)

Market orders are the executions sharing a timestamp and a side (LOBSTER types 4 and 5, a
sell limit order executed being a buy; Binance trades, `m` true being a sell; Bitstamp's
trades by the aggressor side the data set infers from the resting order). Their signs'
autocorrelation C(l) is taken at 15 log-spaced lags, and gamma is minus the least-squares
slope of log C on log l over the lags where C > 0, from 1 to 30 and from 1 to 100 orders;
its standard error comes from a block bootstrap (50 blocks, 200 draws). Lillo, Mike and
Farmer (2005) relate gamma to the tail of metaorder lengths, P(N > n) ~ n^-alpha with
alpha = 1 + gamma; Farmer, Gerig, Lillo and Waelbroeck's fair pricing (2013) then gives peak
impact ~ N^(alpha - 1) and a permanent impact of 1 / alpha of the peak, concave only for
1 < alpha < 2. Needs Debian's python3-numpy.
"""
import gzip
import json
import os
import sys

import numpy as np


def lobster(path):
    signs, last = [], None
    for line in open(path):
        t, typ, oid, size, price, d = line.strip().split(',')
        if typ not in ('4', '5'): continue
        s = 1 if d == '-1' else -1  # a sell limit order executed: buyer-initiated
        key = (t, s)
        if key != last: signs.append(s)
        last = key
    return np.array(signs, float)


def binance(paths):
    signs = []
    for p in paths:
        last = None
        for line in gzip.open(p, 'rt'):
            if '@trade"' not in line: continue
            d = json.loads(line.split(' ', 1)[1])['data']
            s = -1 if d['m'] else 1
            key = (d['T'], s)
            if key != last: signs.append(s)
            last = key
    return np.array(signs, float)


def bitstamp(path):
    signs, last = [], None
    for i, line in enumerate(open(path)):
        if i == 0: continue
        f = line.strip().split(',')
        if f[4] not in ('buy', 'sell'): continue
        s = 1 if f[4] == 'buy' else -1
        key = (f[0], s)
        if key != last: signs.append(s)
        last = key
    return np.array(signs, float)


def acf(x, lags):
    x = x - x.mean()
    v = (x * x).mean()
    return np.array([(x[:-l] * x[l:]).mean() / v for l in lags])


def gamma_fit(x, lo=1, hi=100):
    lags = np.unique(np.round(np.logspace(np.log10(lo), np.log10(hi), 15)).astype(int))
    c = acf(x, lags)
    ok = c > 0
    slope = np.polyfit(np.log(lags[ok]), np.log(c[ok]), 1)[0]
    return -slope, dict(zip(lags.tolist(), np.round(c, 4).tolist()))


def block_bootstrap(x, hi, blocks=50, reps=200, seed=1):
    rng = np.random.default_rng(seed)
    n = len(x) // blocks
    parts = [x[i * n:(i + 1) * n] for i in range(blocks)]
    out = []
    for _ in range(reps):
        pick = rng.integers(0, blocks, blocks)
        out.append(gamma_fit(np.concatenate([parts[k] for k in pick]), 1, hi)[0])
    return np.std(out)


D = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), '..', '..', 'shared', 'data')
sets = {
    'GOOG 2012-06-21': lobster(f'{D}/lobster/GOOG_2012-06-21_L1/GOOG_2012-06-21_34200000_57600000_message_1.csv'),
    'Bitstamp 2015-05-01': bitstamp(f'{D}/bitstamp/trades.csv'),
    'Binance spot 2024-08-08/09': binance([f'{D}/binance/raw/spot/btcusdt_20240808.gz', f'{D}/binance/raw/spot/btcusdt_20240809.gz']),
    'Binance USD-M 2024-08-08': binance([f'{D}/binance/raw/usdm/btcusdt_20240808.gz']),
}
for name, x in sets.items():
    for hi in (30, 100):
        g, c = gamma_fit(x, 1, hi)
        se = block_bootstrap(x, hi)
        print(f'{name}: {len(x)} market orders, buy share {np.mean(x > 0):.3f}; lags 1-{hi}: gamma {g:.3f} +- {se:.3f}')
    print('   C(l):', gamma_fit(x, 1, 100)[1])
