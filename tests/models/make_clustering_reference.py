#!/usr/bin/env python3
"""Writes the committed test data and reference values of the regime models (tests/models/clustering_*.cpp).

Run from the repository root with Debian's Python, which sees the Debian packages
(apt-get install -y python3-sklearn python3-numpy):

    /usr/bin/python3 tests/models/make_clustering_reference.py

The C++ tests only read what this script writes (tests/models/data/clustering/*.csv), so CI
does not need scikit-learn. Every file is deterministic (numpy's PCG64 with fixed seeds) and
written with 17 significant digits, read back, and the references computed from the doubles
read back, so the C++ side sees exactly the numbers Python used.

References:
- scikit-learn's KMeans (given initial centers, n_init=1, algorithm="lloyd", tol=0) and
  GaussianMixture (given means_init, weights_init, precisions_init, tol=0, reg_covar=1e-6,
  covariance_type "diag" and "full"), run for a fixed number of iterations;
- a Gaussian hidden Markov model written here with numpy alone, in log space (logsumexp),
  never with footprint's algorithm (which is scaled): the forward log-likelihood, the filtered
  state probabilities, the smoothed ones, the Viterbi path, and one Baum-Welch re-estimation.

data/clustering/expected.csv has one named vector per line: `name,v0,v1,...`.
"""
import os
import sys
import warnings

import numpy as np
import sklearn
from sklearn.cluster import KMeans
from sklearn.exceptions import ConvergenceWarning
from sklearn.mixture import GaussianMixture

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "data", "clustering")
FMT = "%.17g"
expected = []  # (name, flat array)


def put(name, values):
    arr = np.atleast_1d(np.asarray(values, dtype=np.float64)).ravel()  # row-major
    assert np.all(np.isfinite(arr)), name
    expected.append((name, arr))


def write_csv(name, header, data):
    np.savetxt(os.path.join(OUT, name), data, delimiter=",", fmt=FMT, header=",".join(header), comments="")
    back = np.loadtxt(os.path.join(OUT, name), delimiter=",", skiprows=1, ndmin=2)
    assert np.array_equal(back, data), name
    return back


# ----------------------------------------------------------------------------- mixture data
# Three market states seen through three features: a log volatility, a log spread (both
# rising together) and an order-flow imbalance (noisier in stress). 600 rows: 300 calm, 200
# normal, 100 stressed.
os.makedirs(OUT, exist_ok=True)
rng = np.random.default_rng(20)
mus = [np.array([-1.0, 0.0, 0.0]), np.array([0.0, 0.6, 0.1]), np.array([1.5, 1.8, -0.2])]
covs = [np.array([[0.10, 0.04, 0.00], [0.04, 0.08, 0.00], [0.00, 0.00, 0.05]]),
        np.array([[0.20, 0.10, 0.02], [0.10, 0.15, 0.00], [0.02, 0.00, 0.10]]),
        np.array([[0.60, 0.30, 0.05], [0.30, 0.40, 0.00], [0.05, 0.00, 0.30]])]
counts = [300, 200, 100]
parts = [rng.multivariate_normal(m, c, size=n) for m, c, n in zip(mus, covs, counts)]
X = np.vstack(parts)
truth = np.repeat(np.arange(3), counts)
perm = rng.permutation(len(X))
X, truth = X[perm], truth[perm]
back = write_csv("mixture.csv", ["x0", "x1", "x2", "regime"], np.column_stack([X, truth]))
X = back[:, :3]

# ----------------------------------------------------------------------------- KMeans
init_centers = X[[3, 10, 25]].copy()  # three rows, not one from each regime
put("kmeans.init", init_centers)
for iters in (1, 3, 300):
    km = KMeans(n_clusters=3, init=init_centers, n_init=1, max_iter=iters, algorithm="lloyd", tol=0.0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        km.fit(X)
    put(f"kmeans.iter{iters}.centers", km.cluster_centers_)
    put(f"kmeans.iter{iters}.inertia", km.inertia_)
    put(f"kmeans.iter{iters}.n_iter", km.n_iter_)
    put(f"kmeans.iter{iters}.labels", km.labels_)

# ----------------------------------------------------------------------------- GaussianMixture
# Initial parameters: the k-means centers after one iteration, equal weights, and the
# inverse of the pooled covariance (full) or of the pooled variances (diag).
means_init = KMeans(n_clusters=3, init=init_centers, n_init=1, max_iter=1, algorithm="lloyd",
                    tol=0.0).fit(X).cluster_centers_
weights_init = np.array([0.5, 0.3, 0.2])
pooled = np.cov(X.T, bias=True)
prec_full = np.array([np.linalg.inv(pooled * s) for s in (0.5, 1.0, 2.0)])
prec_diag = np.array([1.0 / (np.diag(pooled) * s) for s in (0.5, 1.0, 2.0)])
put("gmm.means_init", means_init)
put("gmm.weights_init", weights_init)
put("gmm.precisions_init.full", prec_full)
put("gmm.precisions_init.diag", prec_diag)
for cov_type, prec in (("diag", prec_diag), ("full", prec_full)):
    for iters in (1, 5, 50):
        gm = GaussianMixture(n_components=3, covariance_type=cov_type, tol=0.0, reg_covar=1e-6, max_iter=iters,
                             means_init=means_init, weights_init=weights_init, precisions_init=prec, random_state=0)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            gm.fit(X)
        key = f"gmm.{cov_type}.iter{iters}"
        put(f"{key}.weights", gm.weights_)
        put(f"{key}.means", gm.means_)
        put(f"{key}.covariances", gm.covariances_)
        put(f"{key}.lower_bound", gm.lower_bound_)
        put(f"{key}.score", gm.score(X))
        put(f"{key}.bic", gm.bic(X))
        put(f"{key}.aic", gm.aic(X))
        put(f"{key}.n_iter", gm.n_iter_)
        put(f"{key}.labels", gm.predict(X))
        if iters == 5:  # per-row values once per covariance type (the file stays small)
            put(f"{key}.score_samples", gm.score_samples(X))
            put(f"{key}.proba", gm.predict_proba(X))


# ----------------------------------------------------------------------------- Gaussian HMM
def logsumexp(a, axis=None):
    m = np.max(a, axis=axis, keepdims=True)
    out = m + np.log(np.sum(np.exp(a - m), axis=axis, keepdims=True))
    return np.squeeze(out, axis=axis) if axis is not None else out.item()


def log_emission(X, means, var):
    """(T, K) log N(x_t; mean_k, diag(var_k))."""
    d = X.shape[1]
    out = np.empty((len(X), len(means)))
    for k in range(len(means)):
        z = (X - means[k]) ** 2 / var[k]
        out[:, k] = -0.5 * (d * np.log(2 * np.pi) + np.sum(np.log(var[k])) + z.sum(axis=1))
    return out


def forward(logb, start, trans):
    T, K = logb.shape
    la = np.empty((T, K))
    la[0] = np.log(start) + logb[0]
    for t in range(1, T):
        la[t] = logsumexp(la[t - 1][:, None] + np.log(trans), axis=0) + logb[t]
    return la


def backward(logb, trans):
    T, K = logb.shape
    lb = np.zeros((T, K))
    for t in range(T - 2, -1, -1):
        lb[t] = logsumexp(np.log(trans) + (logb[t + 1] + lb[t + 1])[None, :], axis=1)
    return lb


def viterbi(logb, start, trans):
    T, K = logb.shape
    delta = np.log(start) + logb[0]
    back = np.zeros((T, K), dtype=int)
    for t in range(1, T):
        cand = delta[:, None] + np.log(trans)
        back[t] = np.argmax(cand, axis=0)
        delta = cand[back[t], np.arange(K)] + logb[t]
    path = np.empty(T, dtype=int)
    path[-1] = np.argmax(delta)
    for t in range(T - 1, 0, -1):
        path[t - 1] = back[t, path[t]]
    return path, np.max(delta)


# A 2-state sequence of 500 steps, 2 features: calm (small variance) and stressed.
rng_h = np.random.default_rng(2020)
A_true = np.array([[0.97, 0.03], [0.06, 0.94]])
mu_true = np.array([[0.0, 0.5], [0.3, 1.5]])
var_true = np.array([[0.05, 0.10], [0.40, 0.60]])
T = 500
states = np.empty(T, dtype=int)
states[0] = 0
for t in range(1, T):
    states[t] = rng_h.choice(2, p=A_true[states[t - 1]])
Xh = mu_true[states] + rng_h.normal(size=(T, 2)) * np.sqrt(var_true[states])
back = write_csv("hmm.csv", ["x0", "x1", "state"], np.column_stack([Xh, states]))
Xh = back[:, :2]

# Fixed parameters, deliberately off the truth.
start = np.array([0.6, 0.4])
trans = np.array([[0.9, 0.1], [0.2, 0.8]])
means = np.array([[0.1, 0.4], [0.2, 1.2]])
var = np.array([[0.08, 0.2], [0.3, 0.5]])
put("hmm.startprob", start)
put("hmm.transmat", trans)
put("hmm.means", means)
put("hmm.variances", var)
logb = log_emission(Xh, means, var)
la = forward(logb, start, trans)
lb = backward(logb, trans)
ll = logsumexp(la[-1])
put("hmm.log_likelihood", ll)
put("hmm.filtered", np.exp(la - logsumexp(la, axis=1)[:, None]))
gamma = np.exp(la + lb - ll)
put("hmm.smoothed", gamma)
path, vit = viterbi(logb, start, trans)
put("hmm.viterbi", path)
put("hmm.viterbi_log_prob", vit)
# One Baum-Welch re-estimation (Rabiner 1989 eq. 40a-c, 52-53), reg_covar added to the variances.
xi = np.zeros((2, 2))
for t in range(T - 1):
    xi += np.exp(la[t][:, None] + np.log(trans) + (logb[t + 1] + lb[t + 1])[None, :] - ll)
nk = gamma.sum(axis=0)
new_means = (gamma.T @ Xh) / nk[:, None]
new_var = np.array([(gamma[:, k][:, None] * (Xh - new_means[k]) ** 2).sum(axis=0) / nk[k] for k in range(2)]) + 1e-6
put("hmm.step.startprob", gamma[0])
put("hmm.step.transmat", xi / xi.sum(axis=1, keepdims=True))
put("hmm.step.means", new_means)
put("hmm.step.variances", new_var)
put("hmm.step.log_likelihood", logsumexp(forward(log_emission(Xh, new_means, new_var), gamma[0],
                                                  xi / xi.sum(axis=1, keepdims=True))[-1]))

with open(os.path.join(OUT, "expected.csv"), "w") as f:
    f.write(f"# written by tests/models/make_clustering_reference.py: scikit-learn {sklearn.__version__}, "
            f"numpy {np.__version__}, python {sys.version.split()[0]}\n")
    for name, arr in expected:
        f.write(name + "," + ",".join(FMT % v for v in arr) + "\n")
print(f"wrote {len(expected)} reference vectors to {OUT}")
