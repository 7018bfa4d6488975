#!/usr/bin/env python3
"""Peer of benchmarks/mlp.cpp: PyTorch and scikit-learn MLPs on the shared peer data set.

Usage: mlp_peer.py <data dir> <epochs> [--no-torch] [--no-sklearn]

Same set-up as footprint's side: X and y standardised with the training rows' mean and sd,
12 -> 64 -> 32 -> 1 ReLU network, Adam (lr 1e-3, betas 0.9/0.999, eps 1e-8), batch 256,
reshuffled every epoch, no weight decay, exactly <epochs> epochs, 2 threads. Prints
"key value" lines: per-epoch time (median over epochs), 1-row latency, test RMSE (bps).
A peer that cannot be imported prints "<peer>_skipped <reason>".
"""
import os
import statistics
import sys
import time

for _v in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_v, "2")

import numpy as np  # noqa: E402

data_dir, epochs = sys.argv[1], int(sys.argv[2])
flags = set(sys.argv[3:])
tr = np.loadtxt(os.path.join(data_dir, "impact_train.csv"), delimiter=",", skiprows=1)
te = np.loadtxt(os.path.join(data_dir, "impact_test.csv"), delimiter=",", skiprows=1)
X, y, Xt, yt = tr[:, 1:], tr[:, 0], te[:, 1:], te[:, 0]
xm, xs = X.mean(0), X.std(0)
ym, ys = y.mean(), y.std()
Xs, Xts = (X - xm) / xs, (Xt - xm) / xs
yss = (y - ym) / ys


def rmse(pred):
    return float(np.sqrt(np.mean((pred - yt) ** 2)))


if "--no-torch" not in flags:
    try:
        import torch
    except Exception as e:  # noqa: BLE001
        print("torch_skipped", repr(str(e)).replace(" ", "_"))
    else:
        torch.set_num_threads(2)
        print("torch_version", torch.__version__)
        print("torch_threads", torch.get_num_threads())
        for dtype, tag in ((torch.float32, "torch32"), (torch.float64, "torch64")):
            if tag == "torch64" and "--torch64" not in flags:
                continue
            torch.manual_seed(0)
            Xd = torch.tensor(Xs, dtype=dtype)
            yd = torch.tensor(yss, dtype=dtype).unsqueeze(1)
            net = torch.nn.Sequential(torch.nn.Linear(12, 64), torch.nn.ReLU(), torch.nn.Linear(64, 32),
                                      torch.nn.ReLU(), torch.nn.Linear(32, 1)).to(dtype)
            opt = torch.optim.Adam(net.parameters(), lr=1e-3, betas=(0.9, 0.999), eps=1e-8)
            loss_fn = torch.nn.MSELoss()
            n = Xd.shape[0]
            times = []
            for ep in range(epochs):
                t0 = time.perf_counter()
                perm = torch.randperm(n)
                for s in range(0, n, 256):
                    idx = perm[s:s + 256]
                    opt.zero_grad()
                    loss = loss_fn(net(Xd[idx]), yd[idx])
                    loss.backward()
                    opt.step()
                times.append(time.perf_counter() - t0)
            with torch.no_grad():
                pred = net(torch.tensor(Xts, dtype=dtype)).squeeze(1).double().numpy() * ys + ym
                row = torch.tensor(Xts[:1], dtype=dtype)
                for _ in range(200):
                    net(row)
                lat = []
                for i in range(2000):
                    r = torch.tensor(Xts[i:i + 1], dtype=dtype)
                    t0 = time.perf_counter()
                    net(r)
                    lat.append(time.perf_counter() - t0)
            print(tag + "_epoch", statistics.median(times))
            print(tag + "_epoch_min", min(times))
            print(tag + "_one_row", statistics.median(lat))
            print(tag + "_rmse", rmse(pred))

if "--no-sklearn" not in flags:
    try:
        import sklearn
        from sklearn.neural_network import MLPRegressor
    except Exception as e:  # noqa: BLE001
        print("sklearn_skipped", repr(str(e)).replace(" ", "_"))
    else:
        import warnings
        warnings.filterwarnings("ignore")
        print("sklearn_version", sklearn.__version__)
        m = MLPRegressor(hidden_layer_sizes=(64, 32), activation="relu", solver="adam", batch_size=256,
                         learning_rate_init=1e-3, alpha=0.0, max_iter=epochs, tol=0.0, n_iter_no_change=10**6,
                         shuffle=True, random_state=0)
        t0 = time.perf_counter()
        m.fit(Xs, yss)
        t = time.perf_counter() - t0
        print("sklearn_epoch", t / m.n_iter_)
        print("sklearn_epochs", m.n_iter_)
        for _ in range(20):
            m.predict(Xts[:1])
        lat = []
        for i in range(2000):
            r = Xts[i:i + 1]
            t0 = time.perf_counter()
            m.predict(r)
            lat.append(time.perf_counter() - t0)
        print("sklearn_one_row", statistics.median(lat))
        print("sklearn_rmse", rmse(m.predict(Xts) * ys + ym))
