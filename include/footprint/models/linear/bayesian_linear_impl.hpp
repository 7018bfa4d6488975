/// @file models/linear/bayesian_linear_impl.hpp
/// @brief Definitions of `bayesian_linear` (included at the end of bayesian_linear.hpp):
/// parameter validation and the two fits (evidence maximisation, conjugate update).
#pragma once

#include "footprint/models/linear/bayesian_linear.hpp"

#include <cmath>
#include <limits>
#include <numbers>
#include <string>
#include <utility>

namespace footprint {

inline bayesian_linear::bayesian_linear(bayesian_linear_params params) : params_(std::move(params)) {
  const auto fail = [](auto&&... parts) {
    throw invalid_argument(detail::concat("footprint::bayesian_linear: ", parts...));
  };
  const auto nonnegative = [&](const char* what, double v) {
    if (!(v >= 0.0) || !std::isfinite(v)) fail(what, " must be finite and >= 0 (got ", v, ")");
  };
  const bayesian_linear_params& p = params_;
  if (p.mode != bayesian_linear_mode::evidence && p.mode != bayesian_linear_mode::conjugate) {
    fail("mode must be evidence or conjugate (got ", static_cast<int>(p.mode), ")");
  }
  if (!is_valid(p.solver)) {
    fail("solver must be automatic, qr or normal_equations (got ", static_cast<int>(p.solver), ")");
  }
  if (p.max_iter < 1) fail("max_iter must be >= 1 (got ", p.max_iter, ")");
  if (!(p.tol > 0.0)) fail("tol must be > 0 (got ", p.tol, ")");
  nonnegative("alpha_1", p.alpha_1);
  nonnegative("alpha_2", p.alpha_2);
  nonnegative("lambda_1", p.lambda_1);
  nonnegative("lambda_2", p.lambda_2);
  if (p.alpha_init && (!(*p.alpha_init > 0.0) || !std::isfinite(*p.alpha_init))) {
    fail("alpha_init must be finite and > 0 (got ", *p.alpha_init, ")");
  }
  if (p.lambda_init && (!(*p.lambda_init > 0.0) || !std::isfinite(*p.lambda_init))) {
    fail("lambda_init must be finite and > 0 (got ", *p.lambda_init, ")");
  }
  if (p.sklearn_uncentered_std && p.mode != bayesian_linear_mode::evidence) {
    fail("sklearn_uncentered_std applies to evidence mode only (got mode conjugate)");
  }
  nonnegative("kappa0", p.kappa0);
  nonnegative("a0", p.a0);
  nonnegative("b0", p.b0);
  if (!p.w0.allFinite()) fail("w0 must be finite");
}

inline bayesian_linear_state bayesian_linear::state() const {
  const detail::linear_predictor& p = fitted("state");
  bayesian_linear_state s;
  s.params = params_;
  s.n_features = state_.n_features;
  s.coef = p.coef;
  s.intercept = p.intercept;
  s.centre = p.centre;
  s.factor = p.factor;
  s.noise_scale2 = p.noise_scale2;
  s.extra = p.extra;
  s.df = p.df;
  s.x_offset = x_offset_;
  s.alpha = alpha_;
  s.lambda = lambda_;
  s.a_n = a_n_;
  s.b_n = b_n_;
  s.n_iter = n_iter_;
  s.scores = scores_;
  return s;
}

inline bayesian_linear bayesian_linear::from_state(bayesian_linear_state s) {
  constexpr std::string_view where = "footprint::bayesian_linear::from_state";
  bayesian_linear m(s.params);  // validates the hyper-parameters
  const auto fail = [&](const auto&... parts) { throw invalid_argument(detail::concat(where, ": ", parts...)); };
  if (s.n_features < 1) fail("n_features must be >= 1 (got ", s.n_features, ")");
  const auto sized = [&](const char* field, index size) {
    if (size != s.n_features) fail(field, " has ", size, " entries (expected ", s.n_features, ")");
  };
  sized("coef", s.coef.size());
  sized("centre", s.centre.size());
  sized("x_offset", s.x_offset.size());
  sized("factor", s.factor.rows());
  if (!s.coef.allFinite()) fail("coef must be finite");
  if (!s.centre.allFinite()) fail("centre must be finite");
  if (!s.x_offset.allFinite()) fail("x_offset must be finite");
  if (!s.factor.allFinite()) fail("factor must be finite");
  if (!std::isfinite(s.intercept)) fail("intercept must be finite (got ", s.intercept, ")");
  if (!(std::isfinite(s.noise_scale2) && s.noise_scale2 > 0.0))
    fail("noise_scale2 must be finite and > 0 (got ", s.noise_scale2, ")");
  if (!(std::isfinite(s.extra) && s.extra >= 0.0)) fail("extra must be finite and >= 0 (got ", s.extra, ")");
  if (!(s.df > 0.0)) fail("df must be > 0 (got ", s.df, ")");
  if (s.n_iter < 1) fail("n_iter must be >= 1 (got ", s.n_iter, ")");
  m.state_.predictor.coef = std::move(s.coef);
  m.state_.predictor.intercept = s.intercept;
  m.state_.predictor.centre = std::move(s.centre);
  m.state_.predictor.factor = std::move(s.factor);
  m.state_.predictor.noise_scale2 = s.noise_scale2;
  m.state_.predictor.extra = s.extra;
  m.state_.predictor.df = s.df;
  m.state_.n_features = s.n_features;
  m.state_.fitted = true;
  m.x_offset_ = std::move(s.x_offset);
  m.alpha_ = s.alpha;
  m.lambda_ = s.lambda;
  m.a_n_ = s.a_n;
  m.b_n_ = s.b_n;
  m.n_iter_ = s.n_iter;
  m.scores_ = std::move(s.scores);
  return m;
}

template <class>
fit_report bayesian_linear::fit_impl(const matrix_cref& X, const vector_cref& y, const vector_cref* w) {
  detail::check_X_y("footprint::bayesian_linear::fit", X, y, w,
                    detail::missing_values::unchecked);  // X: by decompose's column sums
  check_prior_size(X.cols());
  return fit_spectrum(
      detail::decompose("footprint::bayesian_linear::fit", X, y, w, params_.fit_intercept, params_.solver));
}

template <class>
fit_report bayesian_linear::fit_statistics(const linear_statistics& stats) {
  const detail::linear_spectrum spec =
      detail::spectrum_from_statistics(stats, params_.fit_intercept, "footprint::bayesian_linear::fit");
  check_prior_size(spec.p());
  return fit_spectrum(spec);
}

inline void bayesian_linear::check_prior_size(index n_features) const {
  if (params_.mode == bayesian_linear_mode::conjugate && params_.w0.size() != 0 && params_.w0.size() != n_features) {
    throw dimension_mismatch("footprint::bayesian_linear::fit", "params().w0.size() must equal X.cols()", n_features,
                             params_.w0.size());
  }
}

template <class>
fit_report bayesian_linear::fit_spectrum(const detail::linear_spectrum& spec) {
  // Fit into a copy and commit at the end, so that a throwing fit leaves *this unchanged.
  bayesian_linear next(*this);
  fit_report report =
      params_.mode == bayesian_linear_mode::evidence ? next.fit_evidence(spec) : next.fit_conjugate(spec);
  next.state_.fitted = true;
  next.state_.n_features = spec.p();
  next.x_offset_ = spec.x_offset;
  *this = std::move(next);
  return report;
}

template <class>
fit_report bayesian_linear::fit_evidence(const detail::linear_spectrum& spec) {
  const bayesian_linear_params& p = params_;
  const index k = spec.k();
  const index nf = spec.p();
  const double n = static_cast<double>(spec.n_rows);
  const double eps = std::numeric_limits<double>::epsilon();
  double alpha = p.alpha_init ? *p.alpha_init : 1.0 / (spec.ys_variance + eps);
  double lambda = p.lambda_init ? *p.lambda_init : 1.0;

  vector beta(k);
  vector coef(nf);
  vector coef_old(nf);
  // Posterior mean for (alpha, lambda) and its residual sum of squares (scikit-learn's
  // _update_coef_): coef = V diag(s/(s^2 + lambda/alpha)) c, |ys - Xs coef|^2 from the spectrum.
  const auto update = [&](double a, double l, vector& out) {
    const double r = l / a;
    double rss = spec.rss_perp;
    for (index i = 0; i < k; ++i) {
      const double d = spec.s[i] * spec.s[i] + r;
      beta[i] = d > 0.0 ? spec.s[i] * spec.c[i] / d : 0.0;
      const double resid = d > 0.0 ? r * spec.c[i] / d : spec.c[i];
      rss += resid * resid;
    }
    out.noalias() = spec.V.leftCols(k) * beta;
    return rss;
  };
  // Log marginal likelihood plus the log Gamma hyper-priors (scikit-learn's
  // _log_marginal_likelihood; Bishop 2006 eq. 3.86 with Bishop's (alpha, beta) = our (lambda, alpha)).
  const auto log_marginal_likelihood = [&](double a, double l, const vector& cf, double rss) {
    double logdet_sigma = 0.0;
    for (index j = 0; j < nf; ++j) logdet_sigma -= std::log(l + a * spec.s_full(j) * spec.s_full(j));
    double score = p.lambda_1 * std::log(l) - p.lambda_2 * l + p.alpha_1 * std::log(a) - p.alpha_2 * a;
    score += 0.5 * (static_cast<double>(nf) * std::log(l) + n * std::log(a) - a * rss - l * cf.squaredNorm() +
                    logdet_sigma - n * std::log(2.0 * std::numbers::pi));
    return score;
  };
  const auto check = [&](index iter) {
    if (!(alpha > 0.0) || !std::isfinite(alpha) || !(lambda > 0.0) || !std::isfinite(lambda)) {
      fit_report bad{.status = fit_status::numerical_issue,
                     .iterations = iter,
                     .final_loss = nan,
                     .message = detail::concat("alpha = ", alpha, ", lambda = ", lambda,
                                               " left (0, inf); use positive alpha_2 and lambda_2")};
      throw convergence_error("footprint::bayesian_linear::fit", std::move(bad));
    }
  };

  scores_.clear();
  check(0);
  bool converged = false;
  index iter = 0;
  for (; iter < p.max_iter; ++iter) {
    const double rss = update(alpha, lambda, coef);
    if (p.compute_score) scores_.push_back(log_marginal_likelihood(alpha, lambda, coef, rss));
    // MacKay (1992) updates with the Gamma hyper-priors; gamma is the effective number of
    // well-determined parameters (Bishop 2006 eq. 3.91, 3.92, 3.95).
    double gamma = 0.0;
    for (index i = 0; i < k; ++i) {
      const double ae = alpha * spec.s[i] * spec.s[i];
      gamma += ae / (lambda + ae);
    }
    lambda = (gamma + 2.0 * p.lambda_1) / (coef.squaredNorm() + 2.0 * p.lambda_2);
    alpha = (n - gamma + 2.0 * p.alpha_1) / (rss + 2.0 * p.alpha_2);
    check(iter + 1);
    if (iter != 0 && (coef_old - coef).lpNorm<1>() < p.tol) {
      converged = true;
      break;
    }
    coef_old = coef;
  }
  n_iter_ = converged ? iter + 1 : p.max_iter;
  const double rss = update(alpha, lambda, coef);
  if (p.compute_score) scores_.push_back(log_marginal_likelihood(alpha, lambda, coef, rss));
  alpha_ = alpha;
  lambda_ = lambda;
  a_n_ = nan;
  b_n_ = nan;

  state_.predictor.coef = coef;
  state_.predictor.intercept = p.fit_intercept ? spec.y_offset - spec.x_offset.dot(coef) : 0.0;
  state_.predictor.centre = p.sklearn_uncentered_std ? vector::Zero(nf) : spec.x_offset;
  // alpha Sigma = V diag(1 / (s^2 + lambda/alpha)) V'  (Bishop 2006 eq. 3.54, S_N = Sigma)
  state_.predictor.factor = spec.V;
  for (index j = 0; j < nf; ++j) {
    state_.predictor.factor.col(j) /= std::sqrt(spec.s_full(j) * spec.s_full(j) + lambda / alpha);
  }
  state_.predictor.noise_scale2 = 1.0 / alpha;
  state_.predictor.extra = 0.0;
  state_.predictor.df = std::numeric_limits<double>::infinity();

  return fit_report{.status = converged ? fit_status::converged : fit_status::max_iterations,
                    .iterations = n_iter_,
                    .final_loss = rss / spec.weight_sum,
                    .message = detail::concat("alpha = ", alpha, ", lambda = ", lambda)};
}

template <class>
fit_report bayesian_linear::fit_conjugate(const detail::linear_spectrum& spec) {
  const bayesian_linear_params& p = params_;
  const index k = spec.k();
  const index nf = spec.p();
  const vector w0 = p.w0.size() == 0 ? vector::Zero(nf) : p.w0;
  const double kappa0 = p.kappa0;
  const auto improper = [&](const std::string& why) {
    fit_report bad{.status = fit_status::numerical_issue,
                   .iterations = 0,
                   .final_loss = nan,
                   .message = "the posterior is improper: " + why};
    throw convergence_error("footprint::bayesian_linear::fit", std::move(bad));
  };
  if (kappa0 == 0.0) {
    const double cutoff = (k > 0 ? spec.s[0] : 0.0) * std::numeric_limits<double>::epsilon() *
                          static_cast<double>(std::max(spec.n_rows, nf));
    index rank = 0;
    for (index i = 0; i < k; ++i) rank += spec.s[i] > cutoff ? 1 : 0;
    if (rank < nf) {
      improper(detail::concat("kappa0 = 0 and the centred X has rank ", rank, " < n_features = ", nf));
    }
  }
  // In the eigenbasis V: Lambda_n = V diag(s^2 + kappa0) V', X'y = V_k diag(s) c.
  const vector vt_w0 = spec.V.transpose() * w0;
  vector beta(nf);
  for (index j = 0; j < nf; ++j) {
    const double sj = spec.s_full(j);
    beta[j] = (kappa0 * vt_w0[j] + (j < k ? sj * spec.c[j] : 0.0)) / (sj * sj + kappa0);
  }
  const vector w_n = spec.V * beta;
  double rss = spec.rss_perp;
  for (index i = 0; i < k; ++i) {
    const double r = spec.c[i] - spec.s[i] * beta[i];
    rss += r * r;
  }
  const double b_n = p.b0 + 0.5 * (rss + kappa0 * (w_n - w0).squaredNorm());
  const double a_n = p.a0 + 0.5 * (spec.weight_sum - (p.fit_intercept ? 1.0 : 0.0));
  if (!(a_n > 0.0)) improper(detail::concat("a_n = ", a_n, " <= 0 (increase a0 or the data)"));
  if (!(b_n > 0.0)) improper(detail::concat("b_n = ", b_n, " <= 0 (a perfect fit with b0 = 0)"));

  a_n_ = a_n;
  b_n_ = b_n;
  alpha_ = a_n / b_n;
  lambda_ = kappa0 * a_n / b_n;
  n_iter_ = 1;
  scores_.clear();

  state_.predictor.coef = w_n;
  state_.predictor.intercept = p.fit_intercept ? spec.y_offset - spec.x_offset.dot(w_n) : 0.0;
  state_.predictor.centre = spec.x_offset;
  state_.predictor.factor = spec.V;  // V_n = V diag(1/(s^2 + kappa0)) V'
  for (index j = 0; j < nf; ++j) {
    state_.predictor.factor.col(j) /= std::sqrt(spec.s_full(j) * spec.s_full(j) + kappa0);
  }
  state_.predictor.noise_scale2 = b_n / a_n;
  state_.predictor.extra = p.fit_intercept ? 1.0 / spec.weight_sum : 0.0;
  state_.predictor.df = 2.0 * a_n;

  return fit_report{.status = fit_status::converged,
                    .iterations = 1,
                    .final_loss = rss / spec.weight_sum,
                    .message = detail::concat("a_n = ", a_n, ", b_n = ", b_n)};
}

}  // namespace footprint
