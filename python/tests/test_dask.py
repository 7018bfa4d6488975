"""footprint.dask on a 2-worker LocalCluster: the real data's shards give exactly the serial
result, a worker killed in the middle of a run changes nothing, and the pooled models are
the exact merge (two copies of one shard pool to that shard's least-squares fit)."""

import json
import os
import signal
import threading
import time

import numpy as np
import pytest

import footprint.dask as fpd

distributed = pytest.importorskip("distributed")

DATA = os.environ.get("FOOTPRINT_DATA_DIR", "")
GOOG = os.path.join(DATA, "lobster", "GOOG_2012-06-21_L1", "GOOG_2012-06-21_34200000_57600000_{}_1.csv")


def real_shards():
    shards = [{"id": "synth-1", "source": "synthetic"}, {"id": "synth-2", "source": "synthetic"}]
    if os.path.exists(GOOG.format("message")):
        shards.append({"id": "goog-2012-06-21", "source": "lobster", "message": GOOG.format("message"),
                       "orderbook": GOOG.format("orderbook")})
    if os.path.exists(os.path.join(DATA, "bitstamp", "trades.csv")):
        shards.append({"id": "bitstamp-2015-05-01", "source": "bitstamp", "folder": os.path.join(DATA, "bitstamp")})
    binance = os.path.join(DATA, "binance", "raw", "spot")
    if os.path.isdir(binance):
        files = sorted(os.path.join(binance, f) for f in os.listdir(binance) if f.startswith("btcusdt_2024"))
        if files:
            shards.append({"id": "binance-btcusdt-spot", "source": "binance", "files": files})
    return shards


def same(a, b):
    return json.dumps(a, sort_keys=True) == json.dumps(b, sort_keys=True)


@pytest.fixture(scope="module")
def client():
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                                  silence_logs=50) as cluster, distributed.Client(cluster) as c:
        yield c


def test_a_local_cluster_equals_the_serial_run(client):
    shards = real_shards()
    params = {"episodes": 50}
    serial = fpd.fit_shards(shards, params=params)
    parallel = fpd.fit_shards(list(reversed(shards)), client, params=params)
    assert same(serial, parallel)
    assert sorted(serial["fits"]) == sorted(s["id"] for s in shards)
    engine = [m for m in serial["pooled"]["backtest"] if m["method"] == "engine"][0]
    assert engine["metaorders"] == sum(m["metaorders"] for f in serial["fits"].values()
                                       for m in f["backtest"]["methods"] if m["method"] == "engine") > 0
    # Different ids, different seeds: the two synthetic shards read the same data and simulate apart.
    s1, s2 = serial["fits"]["synth-1"], serial["fits"]["synth-2"]
    assert s1["seed"] != s2["seed"] and s1["statistics"] == s2["statistics"]
    if "goog-2012-06-21" in serial["fits"]:
        assert serial["fits"]["goog-2012-06-21"]["metaorders"] > 1000


def test_a_killed_worker_changes_nothing(client):
    shards = [{"id": f"synth-{k}", "source": "synthetic"} for k in range(6)]
    params = {"episodes": 400, "backtest": False}
    serial = fpd.fit_shards(shards, params=params)
    pids = list(client.run(os.getpid).values())
    killed = []

    def kill_one():
        # Kill a worker process once its first task is running.
        deadline = time.time() + 30
        while time.time() < deadline and not killed:
            if any(client.processing().values()):
                time.sleep(0.3)
                os.kill(pids[0], signal.SIGKILL)
                killed.append(pids[0])
            time.sleep(0.05)

    t = threading.Thread(target=kill_one)
    t.start()
    result = fpd.fit_shards(shards, client, params=params)
    t.join()
    assert killed, "no task was seen running"
    assert same(result, serial)
    client.wait_for_workers(2, timeout=60)  # the nanny restarted it
    assert pids[0] not in client.run(os.getpid).values()


def test_two_copies_of_a_shard_pool_to_its_own_fit():
    one = fpd.fit_shard({"id": "a", "source": "synthetic"}, {"episodes": 0})
    two = fpd.pool([one, dict(one, id="b")])
    alone = fpd.pool([one])
    # OLS on every row twice has the same coefficients as on the rows once.
    c1 = np.array(alone["ols"]["model"]["coef"])
    c2 = np.array(two["ols"]["model"]["coef"])
    assert np.allclose(c2, c1, rtol=1e-9, atol=1e-12 * np.abs(c1).max())
    assert two["statistics"]["n_rows"] == 2 * one["statistics"]["n_rows"]


def test_bad_shards_are_value_errors(tmp_path):
    with pytest.raises(ValueError, match="given twice"):
        fpd.fit_shards([{"id": "x", "source": "synthetic"}, {"id": "x", "source": "synthetic"}])
    with pytest.raises(ValueError, match="source"):
        fpd.fit_shard({"id": "x", "source": "nasdaq"})
    manifest = tmp_path / "m.jsonl"
    manifest.write_text('# a comment\n{"id": "g", "source": "lobster", "message": "a.csv", "orderbook": "b.csv"}\n\n')
    (shard,) = fpd.read_manifest(str(manifest))
    assert shard["message"] == str(tmp_path / "a.csv")
    with pytest.raises(ValueError, match="a.csv"):
        fpd.fit_shard(shard)
