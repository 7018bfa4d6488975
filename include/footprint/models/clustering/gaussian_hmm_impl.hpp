/// @file models/clustering/gaussian_hmm_impl.hpp
/// @brief Definitions of `gaussian_hmm` (included at the end of gaussian_hmm.hpp): parameter
/// checks, the scaled forward-backward recursions, Viterbi and Baum-Welch.
#pragma once

#include "footprint/models/clustering/gaussian_hmm.hpp"

#include <cmath>
#include <limits>
#include <string>
#include <utility>

namespace footprint {

namespace detail::clustering {

/// Checks of the given HMM parameters (each may be empty = not given); `d` the feature count
/// they must share (0: take it from the first given).
template <class = void>  // instantiated where called (STYLE section 8: heavy Eigen code only in templates)
void check_hmm_parameters(const std::string& where, index k, covariance_type type, const vector& startprob,
                          const matrix& transmat, const matrix& means, const std::vector<matrix>& covs) {
  const auto distribution = [&](const char* what, const auto& p) {
    for (index j = 0; j < p.size(); ++j) {
      if (!(p[j] >= 0.0) || !std::isfinite(p[j])) {
        throw invalid_argument(
            concat(where, ": ", what, " must be finite and >= 0; entry ", j, " is ", format_number(p[j])));
      }
    }
    if (!(std::abs(p.sum() - 1.0) <= 1e-9))
      throw invalid_argument(concat(where, ": ", what, " must sum to 1 (got ", p.sum(), ")"));
  };
  if (startprob.size() != 0) {
    if (startprob.size() != k)
      throw dimension_mismatch(where, "startprob.size() must equal n_components", k, startprob.size());
    distribution("startprob", startprob);
  }
  if (transmat.size() != 0) {
    if (transmat.rows() != k || transmat.cols() != k) {
      throw dimension_mismatch(where, "transmat must be (n_components, n_components); rows", k,
                               transmat.rows() != k ? transmat.rows() : transmat.cols());
    }
    for (index i = 0; i < k; ++i) distribution(concat("transmat row ", i).c_str(), transmat.row(i));
  }
  index d = means.size() != 0 ? means.cols() : 0;
  if (means.size() != 0) {
    if (means.rows() != k) throw dimension_mismatch(where, "means.rows() must equal n_components", k, means.rows());
    require_finite(matrix_cref(means), where, "means");
  }
  if (!covs.empty()) {
    if (static_cast<index>(covs.size()) != k) {
      throw dimension_mismatch(where, "covariances.size() must equal n_components", k, static_cast<index>(covs.size()));
    }
    if (d == 0) d = type == covariance_type::full ? covs[0].rows() : covs[0].size();
    for (index c = 0; c < k; ++c) {
      const matrix& S = covs[static_cast<std::size_t>(c)];
      const bool full = type == covariance_type::full;
      const bool shape_ok =
          full ? (S.rows() == d && S.cols() == d) : (S.size() == d && (S.cols() == 1 || S.rows() == 1));
      if (!shape_ok || d < 1) {
        throw dimension_mismatch(where,
                                 concat("covariances[", c, "] must have ", full ? "(d, d)" : "(d, 1)", " entries, d"),
                                 d, S.size() == 0 ? 0 : (full ? S.rows() : S.size()));
      }
      require_finite(matrix_cref(S), where, concat("covariances[", c, "]"));
      const bool ok = full ? is_positive_definite(S) : (S.array() > 0.0).all();
      if (!ok) {
        throw invalid_argument(
            concat(where, ": covariances[", c, "] must be ", full ? "symmetric positive definite" : "positive"));
      }
    }
  }
}

}  // namespace detail::clustering

inline gaussian_hmm::gaussian_hmm(gaussian_hmm_params params) : params_(std::move(params)) {
  const gaussian_hmm_params& p = params_;
  detail::require_at_least(p.n_components, 1, name, "n_components");
  if (p.covariance != covariance_type::full && p.covariance != covariance_type::diag) {
    throw invalid_argument(
        detail::concat(name, ": covariance must be full or diag (got ", static_cast<int>(p.covariance), ")"));
  }
  detail::require_at_least(p.max_iter, 1, name, "max_iter");
  detail::require_non_negative(p.tol, name, "tol");
  detail::require_non_negative(p.reg_covar, name, "reg_covar");
  detail::require_at_least(p.order_feature, 0, name, "order_feature");
  if (p.order != label_order::variance && p.order != label_order::mean && p.order != label_order::none) {
    throw invalid_argument(
        detail::concat(name, ": order must be variance, mean or none (got ", static_cast<int>(p.order), ")"));
  }
  detail::clustering::check_hmm_parameters(name, p.n_components, p.covariance, p.startprob_init, p.transmat_init,
                                           p.means_init, p.covariances_init);
}

template <class>
void gaussian_hmm::set_parameters(const std::string& where, const vector& startprob, const matrix& transmat,
                                  const matrix& means, const std::vector<matrix>& covariances) {
  const index k = params_.n_components;
  g_.type = params_.covariance;
  g_.resize(k, means.cols());
  startprob_ = startprob;
  transmat_ = transmat;
  g_.means = means;
  for (index c = 0; c < k; ++c) {
    const matrix& S = covariances[static_cast<std::size_t>(c)];
    g_.set_covariance(c, params_.covariance == covariance_type::full ? S : matrix(S.reshaped().asDiagonal()));
  }
  g_.compute_precisions(where, 0);
  n_features_ = means.cols();
}

template <class>
gaussian_hmm gaussian_hmm::from_parameters(gaussian_hmm_params params, const vector& startprob, const matrix& transmat,
                                           const matrix& means, const std::vector<matrix>& covariances) {
  gaussian_hmm m(std::move(params));
  const std::string where = detail::concat(name, "::from_parameters");
  const index k = m.params_.n_components;
  if (startprob.size() == 0 || transmat.size() == 0 || means.size() == 0 || covariances.empty()) {
    throw invalid_argument(where + ": startprob, transmat, means and covariances must all be given");
  }
  detail::clustering::check_hmm_parameters(where, k, m.params_.covariance, startprob, transmat, means, covariances);
  m.set_parameters(where, startprob, transmat, means, covariances);
  return m;
}

template <class>
void gaussian_hmm::emissions(const matrix_cref& X, row_matrix& B, vector& shift) const {
  matrix logb;
  g_.log_prob(X, logb);
  shift = logb.rowwise().maxCoeff();
  B = (logb.colwise() - shift).array().exp();
}

template <class>
double gaussian_hmm::forward(const row_matrix& B, const vector& shift, row_matrix& alpha, vector& c) const {
  const index n = B.rows();
  alpha.resize(n, B.cols());
  c.resize(n);
  double ll = 0.0;
  for (index t = 0; t < n; ++t) {
    if (t == 0) {
      alpha.row(0) = startprob_.transpose().cwiseProduct(B.row(0));
    } else {
      alpha.row(t) = (alpha.row(t - 1) * transmat_).cwiseProduct(B.row(t));
    }
    c[t] = alpha.row(t).sum();
    if (!(c[t] > 0.0)) {  // impossible under the model
      alpha.bottomRows(n - t).setConstant(nan);
      c.tail(n - t).setZero();
      return -std::numeric_limits<double>::infinity();
    }
    alpha.row(t) /= c[t];
    ll += std::log(c[t]) + shift[t];
  }
  return ll;
}

template <class>
void gaussian_hmm::backward(const row_matrix& B, const vector& c, row_matrix& beta) const {
  const index n = B.rows();
  beta.resize(n, B.cols());
  beta.row(n - 1).setOnes();
  for (index t = n - 2; t >= 0; --t) {
    beta.row(t) = (transmat_ * B.row(t + 1).cwiseProduct(beta.row(t + 1)).transpose()).transpose() / c[t + 1];
  }
}

template <class>
double gaussian_hmm::log_likelihood(matrix_cref X) const {
  detail::clustering::check_predict_X(detail::concat(name, "::log_likelihood"), is_fitted(), X, n_features_);
  row_matrix B;
  row_matrix alpha;
  vector shift;
  vector c;
  emissions(X, B, shift);
  return forward(B, shift, alpha, c);
}

template <class>
matrix gaussian_hmm::filter(matrix_cref X) const {
  detail::clustering::check_predict_X(detail::concat(name, "::filter"), is_fitted(), X, n_features_);
  row_matrix B;
  row_matrix alpha;
  vector shift;
  vector c;
  emissions(X, B, shift);
  (void)forward(B, shift, alpha, c);
  return alpha;
}

template <class>
matrix gaussian_hmm::smooth(matrix_cref X) const {
  detail::clustering::check_predict_X(detail::concat(name, "::smooth"), is_fitted(), X, n_features_);
  row_matrix B;
  row_matrix alpha;
  row_matrix beta;
  vector shift;
  vector c;
  emissions(X, B, shift);
  if (!std::isfinite(forward(B, shift, alpha, c))) return matrix::Constant(X.rows(), g_.k(), nan);
  backward(B, c, beta);
  matrix gamma = alpha.cwiseProduct(beta);
  return gamma.array().colwise() / gamma.rowwise().sum().array();
}

template <class>
double gaussian_hmm::viterbi(matrix_cref X, std::span<int> states) const {
  const std::string where = detail::concat(name, "::viterbi");
  detail::clustering::check_predict_X(where, is_fitted(), X, n_features_);
  if (static_cast<index>(states.size()) != X.rows()) {
    throw dimension_mismatch(where, "states.size() must equal X.rows()", X.rows(), static_cast<index>(states.size()));
  }
  const index n = X.rows();
  const index k = g_.k();
  matrix logb;
  g_.log_prob(X, logb);
  const matrix logA = transmat_.array().log();
  Eigen::Matrix<int, Eigen::Dynamic, Eigen::Dynamic> from(n, k);
  vector delta = startprob_.array().log() + logb.row(0).transpose().array();
  vector next(k);
  for (index t = 1; t < n; ++t) {
    for (index j = 0; j < k; ++j) {
      index best = 0;
      for (index i = 1; i < k; ++i) {
        if (delta[i] + logA(i, j) > delta[best] + logA(best, j)) best = i;
      }
      from(t, j) = static_cast<int>(best);
      next[j] = delta[best] + logA(best, j) + logb(t, j);
    }
    delta.swap(next);
  }
  index last = 0;
  for (index j = 1; j < k; ++j) {
    if (delta[j] > delta[last]) last = j;
  }
  states[static_cast<std::size_t>(n - 1)] = static_cast<int>(last);
  for (index t = n - 1; t > 0; --t) {
    states[static_cast<std::size_t>(t - 1)] = from(t, states[static_cast<std::size_t>(t)]);
  }
  return delta[last];
}

template <class>
fit_report gaussian_hmm::fit(matrix_cref X) {
  namespace dc = detail::clustering;
  const std::string where = detail::concat(name, "::fit");
  const gaussian_hmm_params& p = params_;
  const index k = p.n_components;
  dc::check_fit_X(where, X, k);
  const index n = X.rows();
  const index d = X.cols();
  const index given_d =
      p.means_init.size() != 0
          ? p.means_init.cols()
          : (p.covariances_init.empty() ? d
                                        : (p.covariance == covariance_type::full ? p.covariances_init[0].rows()
                                                                                 : p.covariances_init[0].size()));
  if (given_d != d)
    throw dimension_mismatch(where, "the given initial parameters' features must equal X.cols()", d, given_d);
  if (p.order_feature >= d) {
    throw invalid_argument(
        detail::concat(where, ": order_feature must be < X.cols() = ", d, " (got ", p.order_feature, ")"));
  }
  // Initial parameters: given, or k-means (means, per-cluster covariances) and uniform chains.
  gaussian_hmm m(*this);  // fit into a copy: a throwing fit leaves *this unchanged
  m.g_.type = p.covariance;
  m.g_.resize(k, d);
  if (p.means_init.size() == 0 || p.covariances_init.empty()) {
    const dc::kmeans_run run = dc::kmeans_fit(X, k, 10, 300, 1e-4, 0, p.seed, matrix());
    matrix R = matrix::Zero(n, k);
    for (index i = 0; i < n; ++i) R(i, run.labels[static_cast<std::size_t>(i)]) = 1.0;
    (void)m.g_.m_step(X, R, p.reg_covar);
  }
  if (p.means_init.size() != 0) m.g_.means = p.means_init;
  if (!p.covariances_init.empty()) {
    for (index c = 0; c < k; ++c) {
      const matrix& S = p.covariances_init[static_cast<std::size_t>(c)];
      m.g_.set_covariance(c, p.covariance == covariance_type::full ? S : matrix(S.reshaped().asDiagonal()));
    }
  }
  m.g_.compute_precisions(where, 0);
  m.startprob_ = p.startprob_init.size() != 0 ? p.startprob_init : vector::Constant(k, 1.0 / static_cast<double>(k));
  m.transmat_ = p.transmat_init.size() != 0 ? p.transmat_init : matrix::Constant(k, k, 1.0 / static_cast<double>(k));
  m.n_features_ = d;
  m.history_.clear();

  const matrix data_cov = dc::data_covariance(X, p.reg_covar);
  row_matrix B;
  row_matrix alpha;
  row_matrix beta;
  vector shift;
  vector c;
  double ll = -std::numeric_limits<double>::infinity();
  bool converged = false;
  index repairs = 0;
  for (index it = 1; it <= p.max_iter; ++it) {
    const double prev = ll;
    m.emissions(X, B, shift);  // E-step: forward-backward
    ll = m.forward(B, shift, alpha, c);
    if (!std::isfinite(ll)) {
      throw convergence_error(where, fit_report{.status = fit_status::numerical_issue,
                                                .iterations = it,
                                                .final_loss = nan,
                                                .message = detail::concat("the log-likelihood is ", ll)});
    }
    m.backward(B, c, beta);
    matrix gamma = alpha.cwiseProduct(beta);
    gamma.array().colwise() /= gamma.rowwise().sum().array();
    // sum_t xi_t(i, j) = A(i, j) sum_t alpha_t(i) B_{t+1}(j) beta_{t+1}(j) / c_{t+1}
    const row_matrix W =
        (B.bottomRows(n - 1).cwiseProduct(beta.bottomRows(n - 1))).array().colwise() / c.tail(n - 1).array();
    const matrix xi = m.transmat_.cwiseProduct(alpha.topRows(n - 1).transpose() * W);
    // M-step
    m.startprob_ = gamma.row(0).transpose();
    const vector from = xi.rowwise().sum();
    for (index i = 0; i < k; ++i) {
      if (from[i] > 0.0) m.transmat_.row(i) = xi.row(i) / from[i];
    }
    const vector nk = m.g_.m_step(X, gamma, p.reg_covar);
    const std::vector<index> dead = dc::reseed_dead(X, nk, shift, data_cov, m.g_);
    for (const index s : dead) {
      m.transmat_.row(s).setConstant(1.0 / static_cast<double>(k));
      for (index i = 0; i < k; ++i) m.transmat_(i, s) = std::max(m.transmat_(i, s), 1.0 / static_cast<double>(n));
    }
    if (!dead.empty()) m.transmat_.array().colwise() /= m.transmat_.rowwise().sum().array();
    m.g_.compute_precisions(where, it);
    repairs += static_cast<index>(dead.size());
    m.history_.push_back(ll);
    if (std::abs(ll - prev) / static_cast<double>(n) < p.tol) {
      converged = true;
      break;
    }
  }
  // Number the states by the label order.
  const vector key = p.order == label_order::mean ? vector(m.g_.means.col(p.order_feature))
                                                  : vector(m.g_.variances.col(p.order_feature));
  const std::vector<index> perm = dc::order_permutation(key, p.order);
  m.g_.permute(perm);
  m.startprob_ = dc::permute(m.startprob_, perm);
  const matrix A = m.transmat_;
  for (index r = 0; r < k; ++r) {
    for (index s = 0; s < k; ++s)
      m.transmat_(r, s) = A(perm[static_cast<std::size_t>(r)], perm[static_cast<std::size_t>(s)]);
  }
  *this = std::move(m);
  return {.status = converged ? fit_status::converged : fit_status::max_iterations,
          .iterations = n_iter(),
          .final_loss = -ll / static_cast<double>(n),
          .message = detail::concat("log-likelihood ", ll, " nats; ", repairs, " dead state repair(s)")};
}

}  // namespace footprint
