/// @file impact/detail/impact_least_squares.hpp
/// @brief Private helpers of the impact laws: weighted linear least squares and
/// Levenberg-Marquardt nonlinear least squares, each with classical and HC1 covariances.
///
/// Conventions: rows are observations; the loss is sum_i w_i r_i^2 with r = y - model;
/// covariances follow from the Jacobian J of the model at the solution:
/// - classical: s^2 (J'WJ)^-1, s^2 = sum w r^2 / (n - p);
/// - HC1 (White 1980; MacKinnon and White 1985): n/(n-p) (J'WJ)^-1 (sum_i w_i^2 r_i^2 J_i J_i') (J'WJ)^-1.
/// (J'WJ)^-1 comes from a column-pivoting QR of sqrt(W) J, which also detects rank loss.
#pragma once

#include "footprint/detail/concat.hpp"
#include "footprint/types.hpp"

#include <Eigen/Dense>

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

namespace footprint::detail {

/// What the least-squares helpers return.
struct impact_ls_result {
  vector theta;               ///< estimates, shape (p)
  matrix cov_classical;       ///< shape (p, p)
  matrix cov_hc1;             ///< shape (p, p)
  vector residuals;           ///< y - model(theta), unweighted, shape (n)
  double weighted_rss = nan;  ///< sum w r^2
  double residual_std = nan;  ///< sqrt(weighted_rss / (n - p))
  double r2 = nan;            ///< weighted; centred when `centred`, else uncentred (through the origin)
  fit_report report;          ///< status, iterations, final_loss = weighted_rss / sum w
};

/// sum_i w_i r_i^2. Plain loops over the storage here and below: these run inside every
/// iteration, and stay fast in unoptimised (Debug, sanitizer) builds too.
template <class = void>
double impact_weighted_ss(const vector& w, const vector& r) {
  const double* wp = w.data();
  const double* rp = r.data();
  double s = 0.0;
  for (index i = 0, n = r.size(); i < n; ++i) s += wp[i] * rp[i] * rp[i];
  return s;
}

/// a = J' diag(c) J (p, p) and, when g is given, g = J' diag(c) r (p), for J (n, p).
template <class = void>
void impact_cross_products(const matrix& J, const vector& c, const vector* r, matrix& a, vector* g) {
  const index n = J.rows();
  const index p = J.cols();
  a.setZero(p, p);
  if (g != nullptr) g->setZero(p);
  const double* cp = c.data();
  for (index k = 0; k < p; ++k) {
    const double* jk = J.data() + k * n;
    for (index l = 0; l <= k; ++l) {
      const double* jl = J.data() + l * n;
      double s = 0.0;
      for (index i = 0; i < n; ++i) s += cp[i] * jk[i] * jl[i];
      a(k, l) = s;
      a(l, k) = s;
    }
    if (g != nullptr) {
      const double* rp = r->data();
      double s = 0.0;
      for (index i = 0; i < n; ++i) s += cp[i] * jk[i] * rp[i];
      (*g)[k] = s;
    }
  }
}

/// Solves a x = b for a small symmetric positive definite a (p, p) by Cholesky, in place of
/// b; returns false when a is not positive definite to working precision.
template <class = void>
bool impact_solve_spd(matrix a, vector& b) {
  const index p = a.rows();
  for (index j = 0; j < p; ++j) {
    double d = a(j, j);
    for (index k = 0; k < j; ++k) d -= a(j, k) * a(j, k);
    if (!(d > 0.0)) return false;
    a(j, j) = std::sqrt(d);
    for (index i = j + 1; i < p; ++i) {
      double v = a(i, j);
      for (index k = 0; k < j; ++k) v -= a(i, k) * a(j, k);
      a(i, j) = v / a(j, j);
    }
  }
  for (index i = 0; i < p; ++i) {  // L y = b
    for (index k = 0; k < i; ++k) b[i] -= a(i, k) * b[k];
    b[i] /= a(i, i);
  }
  for (index i = p - 1; i >= 0; --i) {  // L' x = y
    for (index k = i + 1; k < p; ++k) b[i] -= a(k, i) * b[k];
    b[i] /= a(i, i);
  }
  return true;
}

/// Fills the covariances of `out` from the Jacobian J (n, p), residuals r, weights w and the
/// column-pivoting QR of sqrt(W) J (of full rank p).
template <class = void>
void impact_covariances(const Eigen::ColPivHouseholderQR<matrix>& qr, const matrix& J, const vector& r, const vector& w,
                        impact_ls_result& out) {
  const index n = J.rows();
  const index p = J.cols();
  const matrix r_factor = qr.matrixR().topLeftCorner(p, p).template triangularView<Eigen::Upper>();
  const matrix r_inv = r_factor.template triangularView<Eigen::Upper>().solve(matrix::Identity(p, p));
  const matrix a_inv_permuted = r_inv * r_inv.transpose();
  const matrix a_inv = qr.colsPermutation() * a_inv_permuted * qr.colsPermutation().transpose();
  const double dof = static_cast<double>(n - p);
  out.weighted_rss = impact_weighted_ss(w, r);
  out.residual_std = std::sqrt(out.weighted_rss / dof);
  out.cov_classical = (out.weighted_rss / dof) * a_inv;
  const vector wr2 = (w.array() * r.array()).square().matrix();  // w_i^2 r_i^2
  matrix meat;
  impact_cross_products(J, wr2, nullptr, meat, nullptr);
  out.cov_hc1 = (static_cast<double>(n) / dof) * (a_inv * meat * a_inv);
}

/// As above, factorising sqrt(W) J first. Returns false (and leaves the covariances
/// untouched) when sqrt(W) J has rank < p.
template <class = void>
bool impact_covariances(const matrix& J, const vector& r, const vector& w, impact_ls_result& out) {
  const Eigen::ColPivHouseholderQR<matrix> qr(matrix(w.cwiseSqrt().asDiagonal() * J));
  if (qr.rank() < J.cols()) return false;
  impact_covariances(qr, J, r, w, out);
  return true;
}

/// Weighted R^2: 1 - sum w r^2 / sum w (y - ybar)^2 (centred) or 1 - sum w r^2 / sum w y^2.
template <class = void>
double impact_r_squared(const vector& y, const vector& r, const vector& w, bool centred) {
  const double ybar = centred ? w.dot(y) / w.sum() : 0.0;
  const double tss = (w.array() * (y.array() - ybar).square()).sum();
  const double rss = impact_weighted_ss(w, r);
  return tss > 0.0 ? 1.0 - rss / tss : nan;
}

/// Weighted linear least squares y ~ X theta, X (n, p), y (n), w (n) > 0, n > p.
/// A rank-deficient design gives report.status == numerical_issue and NaN estimates.
/// `centred` selects the R^2 (true when X has an intercept column); `covariances` false
/// skips the covariances, residual std and R^2 (for a starting point).
template <class = void>
impact_ls_result impact_linear_ls(const matrix& X, const vector& y, const vector& w, bool centred,
                                  bool covariances = true) {
  impact_ls_result out;
  const vector sw = w.cwiseSqrt();
  const matrix xw = sw.asDiagonal() * X;
  const Eigen::ColPivHouseholderQR<matrix> qr(xw);
  if (qr.rank() < X.cols()) {
    out.theta = vector::Constant(X.cols(), nan);
    out.report = {.status = fit_status::numerical_issue,
                  .iterations = 0,
                  .final_loss = nan,
                  .message = concat("the design matrix has rank ", qr.rank(), " < ", X.cols())};
    return out;
  }
  out.theta = qr.solve(vector(sw.cwiseProduct(y)));
  out.residuals = y - X * out.theta;
  if (covariances) {
    impact_covariances(qr, X, out.residuals, w, out);
    out.r2 = impact_r_squared(y, out.residuals, w, centred);
  }
  out.report = {
      .status = fit_status::converged, .iterations = 1, .final_loss = out.weighted_rss / w.sum(), .message = ""};
  return out;
}

/// Levenberg-Marquardt (Marquardt 1963 diagonal scaling) for min sum w (y - m(theta))^2.
///
/// `model(theta, prediction, jacobian)` fills prediction (n) and jacobian (n, p) at theta.
/// Stops when a step changes every parameter by less than tol * (|theta_i| +
/// tol) (converged), when no step lowers the loss any more (converged: a stationary
/// point to working precision), or after max_iter (max_iter). A non-finite loss at
/// the start gives diverged; a rank-deficient Jacobian at the solution numerical_issue.
template <class Model>
impact_ls_result impact_nonlinear_ls(const Model& model, vector theta, const vector& y, const vector& w, index max_iter,
                                     double tol) {
  const index n = y.size();
  const index p = theta.size();
  impact_ls_result out;
  vector pred(n);
  matrix jac(n, p);
  model(theta, pred, jac);
  vector r = y - pred;
  double loss = impact_weighted_ss(w, r);
  if (!std::isfinite(loss)) {
    out.theta = theta;
    out.report = {.status = fit_status::diverged,
                  .iterations = 0,
                  .final_loss = nan,
                  .message = "the loss is not finite at the starting point"};
    return out;
  }

  double lambda = 1e-3;
  fit_status status = fit_status::max_iterations;
  index it = 0;
  vector pred_new(n);
  vector r_new(n);
  matrix jac_new(n, p);
  matrix a(p, p);
  vector g(p);
  while (it < max_iter) {
    ++it;
    impact_cross_products(jac, w, &r, a, &g);
    const vector scale = a.diagonal().cwiseMax(std::numeric_limits<double>::min());
    bool accepted = false;
    vector step(p);
    while (lambda <= 1e16) {
      matrix damped = a;
      damped.diagonal() += lambda * scale;
      step = g;
      if (!impact_solve_spd(damped, step)) {
        lambda *= 10.0;
        continue;
      }
      const vector theta_new = theta + step;
      model(theta_new, pred_new, jac_new);
      r_new = y - pred_new;
      const double loss_new = impact_weighted_ss(w, r_new);
      if (std::isfinite(loss_new) && loss_new <= loss) {
        theta = theta_new;
        r.swap(r_new);
        jac.swap(jac_new);
        pred.swap(pred_new);
        loss = loss_new;
        lambda = std::max(lambda * 0.1, 1e-12);
        accepted = true;
        break;
      }
      lambda *= 10.0;
    }
    if (!accepted) {  // no descent step exists to working precision: a stationary point
      status = fit_status::converged;
      break;
    }
    if ((step.cwiseAbs().array() <= tol * (theta.cwiseAbs().array() + tol)).all()) {
      status = fit_status::converged;
      break;
    }
  }

  out.theta = theta;
  out.residuals = r;
  if (!impact_covariances(jac, r, w, out)) {
    out.report = {.status = fit_status::numerical_issue,
                  .iterations = it,
                  .final_loss = loss / w.sum(),
                  .message = "the Jacobian at the solution is rank-deficient: a parameter is not identified"};
    return out;
  }
  out.r2 = impact_r_squared(y, r, w, true);
  out.report = {
      .status = status,
      .iterations = it,
      .final_loss = loss / w.sum(),
      .message = status == fit_status::converged ? "" : concat("no convergence within ", max_iter, " iterations")};
  return out;
}

}  // namespace footprint::detail
