"""Calibration across instruments and days on Dask (docs/distributed.md): the GOOG day, the
Bitstamp day and two synthetic days as shards on a 2-worker LocalCluster, each shard's
square-root law and Almgren-Chriss fit, and the pooled regression merged exactly.

    PYTHONPATH=build/gcc/python /usr/bin/python3 examples/python/dask_calibration.py [DATA_DIR [SCHEDULER]]

With SCHEDULER (e.g. tcp://scheduler:8786) it runs on that cluster instead of a LocalCluster;
the workers need footprint installed (pip install .) and the data at the same paths.
"""

import os
import sys

from distributed import Client, LocalCluster

import footprint.dask as fpd


def shards(data_dir):
    out = [{"id": "synth-1", "source": "synthetic"}, {"id": "synth-2", "source": "synthetic"}]
    goog = os.path.join(data_dir, "lobster", "GOOG_2012-06-21_L1", "GOOG_2012-06-21_34200000_57600000_{}_1.csv")
    if data_dir and os.path.exists(goog.format("message")):
        out.append({"id": "goog-2012-06-21", "source": "lobster", "message": goog.format("message"),
                    "orderbook": goog.format("orderbook")})
    if data_dir and os.path.isdir(os.path.join(data_dir, "bitstamp")):
        out.append({"id": "bitstamp-2015-05-01", "source": "bitstamp", "folder": os.path.join(data_dir, "bitstamp")})
    return out


def run(work, params, scheduler=None):
    if scheduler:  # a real cluster: dask-scheduler and dask-worker processes
        with Client(scheduler) as client:
            return fpd.fit_shards(work, client, params=params)
    with LocalCluster(n_workers=2, threads_per_worker=1, dashboard_address=None) as cluster, Client(cluster) as client:
        return fpd.fit_shards(work, client, params=params)


if __name__ == "__main__":  # Dask's worker processes import this file
    work = shards(sys.argv[1] if len(sys.argv) > 1 else "")
    params = {"episodes": 100, "features": ["participation", "spread_bps", "realized_vol_rate_300s"]}
    result = run(work, params, sys.argv[2] if len(sys.argv) > 2 else None)
    for shard_id, fit in sorted(result["fits"].items()):
        law, ac = fit["square_root_law"], fit["almgren_chriss"]
        print(f"{shard_id:22s} {fit['metaorders']:6d} metaorders  Y = {law['y']['value']:.3g}  "
              f"delta = {law['delta']['value']:.3g}  eta = {ac['eta']['value']:.3g}")
    pooled = result["pooled"]
    print(f"pooled over {pooled['linear_rows']} metaorders: coef {pooled['bayesian_linear']['model']['coef']}")
    assert result == fpd.fit_shards(work, params=params)  # the serial run gives the same
