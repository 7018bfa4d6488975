#!/usr/bin/env python3
"""Writes the committed test data and the reference values of tests/models and tests/validation.

Run from the repository root with Debian's Python, which sees the Debian packages
(apt-get install -y python3-sklearn python3-numpy python3-pandas python3-scipy):

    /usr/bin/python3 tests/models/make_reference.py

The C++ tests only read what this script writes (tests/models/data/*.csv), so CI does not
need scikit-learn. Every file is deterministic: numpy's PCG64 with fixed seeds, written with
17 significant digits so that the C++ side reads exactly the doubles Python used.

Reference values come from three independent sources:
- scikit-learn's own estimators and metrics (BayesianRidge, LinearRegression, Ridge,
  mean_squared_error, mean_absolute_error, r2_score, mean_pinball_loss);
- closed forms written here with numpy/scipy directly (conjugate Normal-Inverse-Gamma
  posterior, posterior covariance of the evidence approximation, OLS prediction intervals,
  CRPS of the Gaussian and Student-t, log densities), never with footprint's algorithm;
- scipy.integrate.quad, which cross-checks the CRPS closed forms here (assertions).

data/expected.csv has one named vector per line: `name,v0,v1,...`.
"""
import math
import os
import sys

import numpy as np
import scipy
import sklearn
from scipy import integrate, special, stats
from sklearn import metrics
from sklearn.linear_model import BayesianRidge, LinearRegression, Ridge

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "data")
FMT = "%.17g"

expected = []  # (name, list of floats)


def put(name, values):
    arr = np.atleast_1d(np.asarray(values, dtype=np.float64)).ravel()
    assert np.all(np.isfinite(arr)), name
    expected.append((name, arr))


def write_csv(name, columns):
    """columns: list of (header, 1-d array)."""
    header = ",".join(h for h, _ in columns)
    data = np.column_stack([c for _, c in columns])
    np.savetxt(os.path.join(OUT, name), data, delimiter=",", fmt=FMT, header=header, comments="")
    # Read back: the references below use exactly the doubles the C++ tests will read.
    back = np.loadtxt(os.path.join(OUT, name), delimiter=",", skiprows=1, ndmin=2)
    assert np.array_equal(back, data), name
    return back


# ----------------------------------------------------------------------------- data sets
def make_regression(rng, n):
    """5 features with non-zero means and unequal scales (so centring matters)."""
    x0 = rng.normal(10.0, 2.0, n)
    x1 = rng.uniform(-1.0, 3.0, n)
    x2 = rng.normal(0.0, 0.1, n)
    x3 = 0.6 * (x0 - 10.0) + rng.normal(5.0, 1.0, n)  # correlated with x0
    x4 = rng.lognormal(0.0, 0.5, n)
    X = np.column_stack([x0, x1, x2, x3, x4])
    w_true = np.array([0.8, -1.5, 6.0, 0.0, 0.3])
    y = 4.0 + X @ w_true + rng.normal(0.0, 1.5, n)
    return X, y


rng = np.random.default_rng(20240917)
Xtr, ytr = make_regression(rng, 200)
Xte, yte = make_regression(rng, 50)
weights = rng.uniform(0.1, 3.0, 200)
weights[[3, 50, 51, 120, 199]] = 0.0  # zero weights are allowed (rows ignored by the fit)

tr = write_csv("regression_train.csv",
               [("y", ytr)] + [(f"x{j}", Xtr[:, j]) for j in range(5)] + [("weight", weights)])
ytr, Xtr, weights = tr[:, 0], tr[:, 1:6], tr[:, 6]
te = write_csv("regression_test.csv", [("y", yte)] + [(f"x{j}", Xte[:, j]) for j in range(5)])
yte, Xte = te[:, 0], te[:, 1:6]

# Collinear: x4 = x0 + x1 exactly as doubles (one rounding, then written and read back).
rng_c = np.random.default_rng(7)
Xc, yc = make_regression(rng_c, 200)
Xc[:, 4] = Xc[:, 0] + Xc[:, 1]
yc = 4.0 + Xc[:, :4] @ np.array([0.8, -1.5, 6.0, 0.0]) + rng_c.normal(0.0, 1.5, 200)
co = write_csv("collinear_train.csv", [("y", yc)] + [(f"x{j}", Xc[:, j]) for j in range(5)])
yc, Xc = co[:, 0], co[:, 1:6]

# Wide: fewer rows (20) than features (30).
rng_w = np.random.default_rng(11)
Xw = rng_w.normal(1.0, 1.0, (25, 30))
yw = Xw[:, :3] @ np.array([2.0, -1.0, 0.5]) + rng_w.normal(0.0, 0.3, 25)
wi = write_csv("wide.csv", [("y", yw)] + [(f"x{j}", Xw[:, j]) for j in range(30)])
Xw_tr, yw_tr = wi[:20, 1:], wi[:20, 0]
Xw_te = wi[20:, 1:]


# ----------------------------------------------------------------------------- Student-t quantiles
def t_ppf(p, df, loc=0.0, scale=1.0):
    """scipy 1.10's stats.t.ppf is only good to ~5e-9 relative for some df (e.g. df = 3 or 30 at
    p = 0.1); polish it with two Newton steps on stats.t.cdf, which is accurate to ~1e-16."""
    p, df = np.asarray(p, dtype=float), np.asarray(df, dtype=float)
    z = stats.t.ppf(p, df)
    for _ in range(2):
        z = z - (stats.t.cdf(z, df) - p) / stats.t.pdf(z, df)
    return loc + scale * z


try:  # cross-check the polished quantile against 40-digit arithmetic when mpmath is there
    import mpmath as mp
    mp.mp.dps = 40
    for nu, p in ((3.0, 0.1), (30.0, 0.05), (2.5, 0.95), (401.5, 0.9)):
        x = mp.findroot(lambda x: mp.betainc(nu / 2, 0.5, 0, nu / (nu + x * x), regularized=True) / 2 - min(p, 1 - p),
                        abs(stats.t.ppf(p, nu)))
        exact = float(-x if p < 0.5 else x)
        assert abs(t_ppf(p, nu) - exact) <= 2e-15 * abs(exact), (nu, p, t_ppf(p, nu), exact)
except ImportError:
    pass


# ----------------------------------------------------------------------------- BayesianRidge
def posterior_covariance_closed_form(X, w, fit_intercept, alpha, lam):
    """(alpha Xc' W Xc + lambda I)^-1, the exact posterior covariance of the weights."""
    sw = np.ones(len(X)) if w is None else w
    Xc = X - np.average(X, axis=0, weights=sw) if fit_intercept else X
    A = alpha * (Xc.T * sw) @ Xc + lam * np.eye(X.shape[1])
    return np.linalg.inv(A)


def bayes_case(name, X, y, X_test, sample_weight=None, **kw):
    m = BayesianRidge(**kw).fit(X, y, sample_weight=sample_weight)
    put(f"bayes.{name}.coef", m.coef_)
    put(f"bayes.{name}.intercept", m.intercept_)
    put(f"bayes.{name}.alpha", m.alpha_)
    put(f"bayes.{name}.lambda", m.lambda_)
    put(f"bayes.{name}.n_iter", m.n_iter_)
    mean, std = m.predict(X_test, return_std=True)
    put(f"bayes.{name}.pred_mean", mean)
    # scikit-learn 1.2's predictive std uses the raw test rows (scikit-learn issue #33757).
    put(f"bayes.{name}.pred_std_raw", std)
    # The centred version (as fixed upstream by PR #33918): x - X_offset_.
    if X.shape[0] > X.shape[1]:
        put(f"bayes.{name}.sigma", m.sigma_)
        Sigma = m.sigma_
    else:
        # scikit-learn's sigma_ drops the prior variance of the null space when
        # n_samples < n_features; the closed form keeps it.
        Sigma = posterior_covariance_closed_form(X, sample_weight, kw.get("fit_intercept", True),
                                                 m.alpha_, m.lambda_)
        put(f"bayes.{name}.sigma", Sigma)
    Xq = X_test - m.X_offset_
    put(f"bayes.{name}.pred_std", np.sqrt(np.einsum("ij,jk,ik->i", Xq, Sigma, Xq) + 1.0 / m.alpha_))
    if X.shape[0] > X.shape[1]:
        # Consistency of scikit-learn's sigma_ with the closed form.
        cf = posterior_covariance_closed_form(X, sample_weight, kw.get("fit_intercept", True),
                                              m.alpha_, m.lambda_)
        assert np.allclose(cf, m.sigma_, rtol=1e-8, atol=1e-14), name
    if kw.get("compute_score"):
        # scikit-learn 1.2 evaluates the last score with the coefficients of the previous
        # iteration; footprint uses the final ones. Recompute the last entry that way.
        Xs = X - m.X_offset_
        ys = y - np.average(y, weights=sample_weight)
        if sample_weight is not None:
            Xs = Xs * np.sqrt(sample_weight)[:, None]
            ys = ys * np.sqrt(sample_weight)
        eig = np.linalg.svd(Xs, compute_uv=False) ** 2
        rmse = np.sum((ys - Xs @ m.coef_) ** 2)
        last = m._log_marginal_likelihood(X.shape[0], X.shape[1], eig, m.alpha_, m.lambda_, m.coef_, rmse)
        scores = np.array(m.scores_, dtype=float)
        scores[-1] = last
        put(f"bayes.{name}.scores", scores)
    return m


bayes_case("plain", Xtr, ytr, Xte)
bayes_case("weighted", Xtr, ytr, Xte, sample_weight=weights)
bayes_case("nointercept", Xtr, ytr, Xte, fit_intercept=False)
bayes_case("collinear", Xc, yc, Xte)
bayes_case("wide", Xw_tr, yw_tr, Xw_te)
bayes_case("score", Xtr, ytr, Xte, compute_score=True)
bayes_case("priors", Xtr, ytr, Xte, alpha_1=2.0, alpha_2=0.5, lambda_1=0.3, lambda_2=4.0,
           alpha_init=0.2, lambda_init=3.0, tol=1e-6)
bayes_case("maxiter", Xtr, ytr, Xte, n_iter=2)


# ----------------------------------------------------------------------------- OLS and ridge
def ols_interval_closed_form(X, y, w, X_test, fit_intercept=True):
    """Textbook OLS prediction (explicit intercept column): t_{W-p-1}(x'b, s^2 (1 + a'(A'WA)^-1 a))."""
    sw = np.ones(len(X)) if w is None else w
    A = np.column_stack([np.ones(len(X)), X]) if fit_intercept else X
    At = np.column_stack([np.ones(len(X_test)), X_test]) if fit_intercept else X_test
    G = (A.T * sw) @ A
    b = np.linalg.solve(G, (A.T * sw) @ y)
    dof = sw.sum() - A.shape[1]
    s2 = np.sum(sw * (y - A @ b) ** 2) / dof
    scale = np.sqrt(s2 * (1.0 + np.einsum("ij,jk,ik->i", At, np.linalg.inv(G), At)))
    return At @ b, scale, dof


def linear_case(name, X, y, X_test, sample_weight=None, fit_intercept=True):
    m = LinearRegression(fit_intercept=fit_intercept).fit(X, y, sample_weight=sample_weight)
    put(f"ols.{name}.coef", m.coef_)
    put(f"ols.{name}.intercept", m.intercept_)
    put(f"ols.{name}.pred", m.predict(X_test))
    loc, scale, dof = ols_interval_closed_form(X, y, sample_weight, X_test, fit_intercept)
    assert np.allclose(loc, m.predict(X_test), rtol=1e-10)
    put(f"ols.{name}.pred_scale", scale)
    put(f"ols.{name}.dof", dof)


linear_case("plain", Xtr, ytr, Xte)
linear_case("weighted", Xtr, ytr, Xte, sample_weight=weights)
linear_case("nointercept", Xtr, ytr, Xte, fit_intercept=False)

# Collinear OLS: the minimum-norm least-squares solution, from the pseudo-inverse of the
# centred design with a clear rank cut-off (scikit-learn's lstsq cut-off, eps * s_max, is
# below the rounding noise of the centred collinear column, so its answer is noise).
Xcc = Xc - Xc.mean(axis=0)
coef_mn = np.linalg.pinv(Xcc, rcond=1e-10) @ (yc - yc.mean())
put("ols.collinear.coef", coef_mn)
put("ols.collinear.intercept", yc.mean() - Xc.mean(axis=0) @ coef_mn)
put("ols.collinear.rank", np.linalg.matrix_rank(Xcc, tol=1e-10 * np.linalg.norm(Xcc, 2)))


def ridge_case(name, X, y, X_test, alpha, sample_weight=None, fit_intercept=True):
    m = Ridge(alpha=alpha, fit_intercept=fit_intercept, solver="cholesky").fit(X, y, sample_weight=sample_weight)
    put(f"ridge.{name}.coef", m.coef_)
    put(f"ridge.{name}.intercept", m.intercept_)
    put(f"ridge.{name}.pred", m.predict(X_test))
    # Ridge predictive (footprint's convention, closed form): effective degrees of freedom
    # df = tr(H) = sum s^2/(s^2+alpha); sigma^2 = RSS_w / (W - df - 1);
    # scale^2 = sigma^2 (1 + 1/W + xc' A^-1 Xc'WXc A^-1 xc), A = Xc'WXc + alpha I.
    sw = np.ones(len(X)) if sample_weight is None else sample_weight
    W = sw.sum()
    off = np.average(X, axis=0, weights=sw) if fit_intercept else np.zeros(X.shape[1])
    Xs = X - off
    G = (Xs.T * sw) @ Xs
    Ainv = np.linalg.inv(G + alpha * np.eye(X.shape[1]))
    df = np.trace(G @ Ainv)
    rss = np.sum(sw * (y - m.predict(X)) ** 2)
    dof = W - df - (1.0 if fit_intercept else 0.0)
    s2 = rss / dof
    Xq = X_test - off
    extra = 1.0 / W if fit_intercept else 0.0
    put(f"ridge.{name}.pred_scale", np.sqrt(s2 * (1.0 + extra + np.einsum("ij,jk,ik->i", Xq, Ainv @ G @ Ainv, Xq))))
    put(f"ridge.{name}.dof", dof)


ridge_case("plain", Xtr, ytr, Xte, 1.0)
ridge_case("weighted", Xtr, ytr, Xte, 2.5, sample_weight=weights)
ridge_case("nointercept", Xtr, ytr, Xte, 0.7, fit_intercept=False)
ridge_case("collinear", Xc, yc, Xte, 0.5)


# ----------------------------------------------------------------------------- conjugate NIG
def nig_case(name, X, y, X_test, w0, kappa0, a0, b0, sample_weight=None, fit_intercept=True):
    """Textbook conjugate update (Murphy 2012 sec. 7.6.3) with a flat
    prior on the intercept, which integrates out as one lost degree of freedom."""
    sw = np.ones(len(X)) if sample_weight is None else sample_weight
    W = sw.sum()
    xoff = np.average(X, axis=0, weights=sw) if fit_intercept else np.zeros(X.shape[1])
    yoff = np.average(y, weights=sw) if fit_intercept else 0.0
    Xs, ys = X - xoff, y - yoff
    L0 = kappa0 * np.eye(X.shape[1])
    Ln = L0 + (Xs.T * sw) @ Xs
    Vn = np.linalg.inv(Ln)
    mn = Vn @ (L0 @ w0 + (Xs.T * sw) @ ys)
    an = a0 + 0.5 * (W - (1.0 if fit_intercept else 0.0))
    bn = b0 + 0.5 * (ys @ (sw * ys) + w0 @ L0 @ w0 - mn @ Ln @ mn)
    Xq = X_test - xoff
    loc = yoff + Xq @ mn
    extra = 1.0 / W if fit_intercept else 0.0
    scale = np.sqrt(bn / an * (1.0 + extra + np.einsum("ij,jk,ik->i", Xq, Vn, Xq)))
    put(f"nig.{name}.coef", mn)
    put(f"nig.{name}.intercept", yoff - xoff @ mn)
    put(f"nig.{name}.a_n", an)
    put(f"nig.{name}.b_n", bn)
    put(f"nig.{name}.V_n", Vn)
    put(f"nig.{name}.pred_loc", loc)
    put(f"nig.{name}.pred_scale", scale)
    put(f"nig.{name}.pred_q90", t_ppf(0.9, 2 * an, loc=loc, scale=scale))


w0 = np.array([0.5, -1.0, 2.0, 0.1, 0.0])
nig_case("plain", Xtr, ytr, Xte, w0, 0.5, 2.0, 3.0)
nig_case("weighted", Xtr, ytr, Xte, w0, 2.0, 1.5, 0.5, sample_weight=weights)
nig_case("nointercept", Xtr, ytr, Xte, np.zeros(5), 1.0, 3.0, 2.0, fit_intercept=False)


# ----------------------------------------------------------------------------- metrics
rng_m = np.random.default_rng(99)
n_m = 60
mu = rng_m.normal(0.0, 3.0, n_m)
sigma = rng_m.uniform(0.5, 2.5, n_m)
df = rng_m.choice([2.5, 3.0, 5.0, 30.0], n_m)
y_m = mu + sigma * rng_m.standard_t(4.0, n_m)
w_m = rng_m.uniform(0.0, 2.0, n_m)
mc = write_csv("metrics_cases.csv", [("y", y_m), ("mu", mu), ("sigma", sigma), ("df", df), ("weight", w_m)])
y_m, mu, sigma, df, w_m = (mc[:, i] for i in range(5))

put("metrics.rmse", metrics.mean_squared_error(y_m, mu, squared=False))
put("metrics.mae", metrics.mean_absolute_error(y_m, mu))
put("metrics.r2", metrics.r2_score(y_m, mu))
put("metrics.rmse_w", metrics.mean_squared_error(y_m, mu, sample_weight=w_m, squared=False))
put("metrics.mae_w", metrics.mean_absolute_error(y_m, mu, sample_weight=w_m))
put("metrics.r2_w", metrics.r2_score(y_m, mu, sample_weight=w_m))
taus = [0.05, 0.1, 0.5, 0.9, 0.95]
put("metrics.taus", taus)
put("metrics.pinball_point", [metrics.mean_pinball_loss(y_m, mu, alpha=t) for t in taus])
put("metrics.pinball_normal", [metrics.mean_pinball_loss(y_m, stats.norm.ppf(t, mu, sigma), alpha=t) for t in taus])
put("metrics.pinball_t", [metrics.mean_pinball_loss(y_m, t_ppf(t, df, mu, sigma), alpha=t) for t in taus])
put("metrics.pinball_t_w", [metrics.mean_pinball_loss(y_m, t_ppf(t, df, mu, sigma), alpha=t, sample_weight=w_m)
                            for t in taus])
levels = [0.5, 0.8, 0.9]
put("metrics.levels", levels)


def coverage_and_width(ppf):
    cov, wid = [], []
    for p in levels:
        lo, hi = ppf(0.5 - p / 2), ppf(0.5 + p / 2)
        cov.append(np.mean((y_m >= lo) & (y_m <= hi)))
        wid.append(np.mean(hi - lo))
    return cov, wid


cov_n, wid_n = coverage_and_width(stats.norm(mu, sigma).ppf)
cov_t, wid_t = coverage_and_width(lambda p: t_ppf(p, df, mu, sigma))
put("metrics.coverage_normal", cov_n)
put("metrics.width_normal", wid_n)
put("metrics.coverage_t", cov_t)
put("metrics.width_t", wid_t)


def crps_normal(y, m, s):
    """Gneiting, Raftery, Westveld & Goldman (2005) eq. (5); Gneiting & Raftery (2007) sec. 4.2."""
    z = (y - m) / s
    return s * (z * (2 * stats.norm.cdf(z) - 1) + 2 * stats.norm.pdf(z) - 1 / math.sqrt(math.pi))


def crps_t(y, nu, m, s):
    """Location-scale Student-t, nu > 1 (Jordan, Krueger & Lerch 2019, scoringRules, crps_t)."""
    z = (y - m) / s
    t = stats.t(nu)
    bfrac = 2 * np.sqrt(nu) * special.beta(0.5, nu - 0.5) / ((nu - 1) * special.beta(0.5, nu / 2) ** 2)
    return s * (z * (2 * t.cdf(z) - 1) + 2 * t.pdf(z) * (nu + z ** 2) / (nu - 1) - bfrac)


def crps_quad(cdf, y):
    left = integrate.quad(lambda x: cdf(x) ** 2, -np.inf, y, epsabs=1e-13, epsrel=1e-12, limit=500)[0]
    right = integrate.quad(lambda x: (1 - cdf(x)) ** 2, y, np.inf, epsabs=1e-13, epsrel=1e-12, limit=500)[0]
    return left + right


cn = crps_normal(y_m, mu, sigma)
ct = crps_t(y_m, df, mu, sigma)
for i in range(n_m):  # cross-check both closed forms by quadrature
    assert abs(cn[i] - crps_quad(stats.norm(mu[i], sigma[i]).cdf, y_m[i])) < 1e-9 * max(1, cn[i]), i
    assert abs(ct[i] - crps_quad(stats.t(df[i], mu[i], sigma[i]).cdf, y_m[i])) < 1e-8 * max(1, ct[i]), i
put("metrics.crps_normal_each", cn)
put("metrics.crps_t_each", ct)
put("metrics.crps_normal", np.mean(cn))
put("metrics.crps_t", np.mean(ct))
put("metrics.crps_t_w", np.average(ct, weights=w_m))
put("metrics.nlpd_normal", -np.mean(stats.norm.logpdf(y_m, mu, sigma)))
put("metrics.nlpd_t", -np.mean(stats.t.logpdf(y_m, df, mu, sigma)))
put("metrics.logpdf_t_each", stats.t.logpdf(y_m, df, mu, sigma))

# ----------------------------------------------------------------------------- write
with open(os.path.join(OUT, "expected.csv"), "w") as f:
    f.write(f"# written by tests/models/make_reference.py: scikit-learn {sklearn.__version__}, "
            f"numpy {np.__version__}, scipy {scipy.__version__}, python {sys.version.split()[0]}\n")
    for name, arr in expected:
        f.write(name + "," + ",".join(FMT % v for v in arr) + "\n")
print(f"wrote {len(expected)} reference vectors to {os.path.relpath(OUT)}")
