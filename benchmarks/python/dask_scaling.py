"""footprint.dask's scaling: CPU-bound shards (synthetic markets with many simulated TWAP
executions each) on a LocalCluster of 1 and of 2 single-threaded worker processes, and
serially in this process; speed-up = 1 worker's time / 2 workers' time. Each repetition uses
new shard ids (new seeds), so that no result is reused from an earlier run (Dask keeps a
task's result while a future of its key is alive, and the keys hash the shard); every
cluster result is checked equal to the serial one. Medians of 3.

    PYTHONPATH=build/gcc/python /usr/bin/python3 benchmarks/python/dask_scaling.py
"""

import json
import os
import statistics
import time

SHARDS, EPISODES, REPEATS = 8, int(os.environ.get("EPISODES", "6000")), 3


def shards(rep):
    return [{"id": f"synth-{rep}-{k}", "source": "synthetic"} for k in range(SHARDS)]


def main():
    import dask
    from distributed import Client, LocalCluster

    import footprint.dask as fpd

    # Dask's statistical profiler samples every worker thread's stack every 10 ms; with the GIL
    # released inside footprint the sampling runs beside the task, on the same cores. Off here
    # (a worker setting, docs/distributed.md); FOOTPRINT_DASK_PROFILE=1 keeps it on.
    if os.environ.get("FOOTPRINT_DASK_PROFILE", "0") != "1":
        dask.config.set({"distributed.worker.profile.enabled": False})

    params = {"episodes": EPISODES, "backtest": False}  # the simulation alone: CPU-bound
    os.environ.setdefault("OMP_NUM_THREADS", "1")  # serially: one thread, as each worker has
    serial, expected = [], []
    for rep in range(REPEATS):
        t = time.perf_counter()
        expected.append(fpd.fit_shards(shards(rep), params=params))
        serial.append(time.perf_counter() - t)
    print(f"{SHARDS} shards of {EPISODES} simulated executions each")
    print(f"serial, this process:         {statistics.median(serial):6.2f} s")
    medians = {}
    for workers in (1, 2):
        with LocalCluster(n_workers=workers, threads_per_worker=1, dashboard_address=None, silence_logs=50) as c, \
                Client(c) as client:
            fpd.fit_shards([{"id": "warm-up", "source": "synthetic"}] * 1, client, params={"episodes": 10})
            times = []
            for rep in range(REPEATS):
                t = time.perf_counter()
                got = fpd.fit_shards(shards(rep), client, params=params)
                times.append(time.perf_counter() - t)
                assert json.dumps(got, sort_keys=True) == json.dumps(expected[rep], sort_keys=True)
            medians[workers] = statistics.median(times)
            print(f"LocalCluster, {workers} worker(s):  {medians[workers]:6.2f} s (results identical to the serial run)")
    print(f"speed-up, 2 workers over 1:   {medians[1] / medians[2]:6.2f}x")


if __name__ == "__main__":
    main()
