"""Calibration across many instruments and days on Dask (docs/distributed.md).

footprint stays a library: Dask (Debian's python3-distributed) schedules the shards, footprint
computes each one and merges. A shard is one (instrument, day) data set, a dict as a line of
footprint-batch's manifest: {"id": ..., "source": "lobster" | "bitstamp" | "binance" |
"synthetic", and its files}. Its fit (footprint::load_shard_data, fit_shard, simulate_shard and
backtest_shard, as footprint-batch makes it) reads the data, builds the impact
datasets, fits the square-root law and Almgren-Chriss, the linear statistics of the pooled
regression, simulates a TWAP in the zero-intelligence simulator fitted to the shard and runs
the walk-forward backtest of the pre-trade report;
`pool` merges the fits exactly (the pooled OLS and Bayesian linear models equal one fit on
all rows) and keeps each shard's laws.

    from dask.distributed import Client, LocalCluster
    import footprint.dask as fpd

    shards = fpd.read_manifest("manifest.jsonl")
    with LocalCluster(n_workers=2, threads_per_worker=1) as cluster, Client(cluster) as client:
        result = fpd.fit_shards(shards, client)
    result["pooled"]["bayesian_linear"], result["fits"]["goog-2012-06-21"]["y"]

Seeds derive from each shard's id (FNV-1a, mixed with params["seed"]), so the result does not
depend on the order the shards run in, the worker they run on, or a retry after a worker dies:
`fit_shards` on any cluster equals `fit_shards(shards)` run serially, byte for byte.
"""

import hashlib
import json
import os

from . import _footprint

__all__ = ["read_manifest", "fit_shard", "pool", "fit_shards"]

_PATH_FIELDS = ("message", "orderbook", "folder")


def read_manifest(path):
    """The shards of a manifest (one JSON object per line; blank lines and lines starting with
    '#' skipped), with relative paths resolved against the manifest's folder, as
    footprint-batch reads it. The fields are checked when a shard is fitted."""
    base = os.path.dirname(os.path.abspath(path))
    shards = []
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f, start=1):
            text = line.strip()
            if not text or text.startswith("#"):
                continue
            try:
                shard = json.loads(text)
            except json.JSONDecodeError as e:
                raise ValueError(f"{path}:{number}: not valid JSON: {e}") from None
            if not isinstance(shard, dict):
                raise ValueError(f"{path}:{number}: a shard must be a JSON object")
            for key in _PATH_FIELDS:
                if isinstance(shard.get(key), str):
                    shard[key] = os.path.join(base, shard[key])
            files = shard.get("files")
            if isinstance(files, str):
                shard["files"] = os.path.join(base, files)
            elif isinstance(files, list):
                shard["files"] = [os.path.join(base, p) if isinstance(p, str) else p for p in files]
            shards.append(shard)
    return shards


def _fit_text(shard_text, params_text):
    """One shard's fit as footprint.shard_fit JSON text (what a Dask task returns: a string
    ships and stores cheaply). The GIL is released inside."""
    return _footprint.fit_shard(shard_text, params_text)


def fit_shard(shard, params=None):
    """One shard's fit (a dict, format footprint.shard_fit), in this process.
    params: {"features": [...], "label": "shortfall_bps", "horizon_seconds": 300,
    "seed": 0, "episodes": 200, "backtest": true}, all optional."""
    return json.loads(_fit_text(json.dumps(shard), json.dumps(params or {})))


def pool(fits):
    """The exact merge of shards' fits (dicts or JSON texts, any order): the pooled OLS and
    Bayesian linear models, each shard's laws, the totals (a dict, format
    footprint.pooled_fit)."""
    texts = [f if isinstance(f, str) else json.dumps(f) for f in fits]
    return json.loads(_footprint.pool_shards(texts))


def _check_ids(shards):
    seen = set()
    for s in shards:
        sid = s.get("id") if isinstance(s, dict) else None
        if not isinstance(sid, str) or not sid:
            raise ValueError(f"footprint.dask: every shard needs a non-empty string id (got {s!r})")
        if sid in seen:
            raise ValueError(f"footprint.dask: the id {sid!r} is given twice")
        seen.add(sid)


def fit_shards(shards, client=None, params=None, retries=2):
    """Fits every shard and pools them: {"fits": {id: fit}, "pooled": pooled fit}.

    client: a dask.distributed Client (a LocalCluster's or a real cluster's); None runs the
    shards one after the other in this process. Each shard is one task (keyed by its id and a
    hash of the shard and the parameters), run
    with the GIL released; `retries` re-runs a task that raised (a worker that dies is
    replaced by Dask and its tasks rescheduled without it). Raises the first shard's error
    (ValueError naming the file, line and field for bad data)."""
    shards = list(shards)
    _check_ids(shards)
    params_text = json.dumps(params or {}, sort_keys=True)
    texts = [json.dumps(s, sort_keys=True) for s in shards]
    if client is None:
        fits = [_fit_text(t, params_text) for t in texts]
    else:
        # A task's key names the shard and hashes its text and the parameters: the same key is
        # the same result (Dask may hand back a task still held from an earlier call).
        keys = [f"footprint-shard-{s['id']}-{hashlib.sha1((t + params_text).encode()).hexdigest()[:16]}"
                for s, t in zip(shards, texts)]
        futures = client.map(_fit_text, texts, [params_text] * len(texts), key=keys, retries=retries, pure=False)
        fits = client.gather(futures)
    return {"fits": {s["id"]: json.loads(f) for s, f in zip(shards, fits)},
            "pooled": json.loads(_footprint.pool_shards(fits))}
