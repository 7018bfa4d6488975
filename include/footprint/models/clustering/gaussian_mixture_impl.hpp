/// @file models/clustering/gaussian_mixture_impl.hpp
/// @brief Definitions of `gaussian_mixture` (included at the end of gaussian_mixture.hpp):
/// parameter validation, the k-means initialisation and the EM loop.
#pragma once

#include "footprint/models/clustering/gaussian_mixture.hpp"

#include <cmath>
#include <limits>
#include <string>
#include <utility>

namespace footprint {

inline gaussian_mixture::gaussian_mixture(gaussian_mixture_params params) : params_(std::move(params)) {
  const gaussian_mixture_params& p = params_;
  detail::require_at_least(p.n_components, 1, name, "n_components");
  if (p.covariance != covariance_type::full && p.covariance != covariance_type::diag) {
    throw invalid_argument(
        detail::concat(name, ": covariance must be full or diag (got ", static_cast<int>(p.covariance), ")"));
  }
  detail::require_non_negative(p.tol, name, "tol");
  detail::require_non_negative(p.reg_covar, name, "reg_covar");
  detail::require_at_least(p.max_iter, 1, name, "max_iter");
  detail::require_at_least(p.n_init, 1, name, "n_init");
  detail::require_at_least(p.order_feature, 0, name, "order_feature");
  if (p.order != label_order::variance && p.order != label_order::mean && p.order != label_order::none) {
    throw invalid_argument(
        detail::concat(name, ": order must be variance, mean or none (got ", static_cast<int>(p.order), ")"));
  }
  const index k = p.n_components;
  if (p.means_init.size() != 0) {
    if (p.means_init.rows() != k)
      throw dimension_mismatch(name, "means_init.rows() must equal n_components", k, p.means_init.rows());
    detail::require_finite(matrix_cref(p.means_init), name, "means_init");
  }
  if (p.weights_init.size() != 0) {
    if (p.weights_init.size() != k)
      throw dimension_mismatch(name, "weights_init.size() must equal n_components", k, p.weights_init.size());
    for (index c = 0; c < k; ++c) {
      if (!(p.weights_init[c] > 0.0) || !std::isfinite(p.weights_init[c])) {
        throw invalid_argument(detail::concat(name, ": weights_init must be finite and > 0; row ", c, " is ",
                                              detail::format_number(p.weights_init[c])));
      }
    }
    if (!(std::abs(p.weights_init.sum() - 1.0) <= 1e-6)) {
      throw invalid_argument(detail::concat(name, ": weights_init must sum to 1 (got ", p.weights_init.sum(), ")"));
    }
  }
  if (!p.precisions_init.empty()) {
    if (static_cast<index>(p.precisions_init.size()) != k) {
      throw dimension_mismatch(name, "precisions_init.size() must equal n_components", k,
                               static_cast<index>(p.precisions_init.size()));
    }
    const index d = p.covariance == covariance_type::full ? p.precisions_init[0].rows() : p.precisions_init[0].size();
    for (index c = 0; c < k; ++c) {
      const matrix& P = p.precisions_init[static_cast<std::size_t>(c)];
      const bool shape_ok = p.covariance == covariance_type::full ? (P.rows() == d && P.cols() == d)
                                                                  : (P.size() == d && (P.cols() == 1 || P.rows() == 1));
      if (!shape_ok || d < 1) {
        throw invalid_argument(detail::concat(name, ": precisions_init[", c, "] must be ",
                                              p.covariance == covariance_type::full ? "(d, d)" : "(d, 1)",
                                              " with d = ", d, " (got ", P.rows(), " x ", P.cols(), ")"));
      }
      detail::require_finite(matrix_cref(P), name, detail::concat("precisions_init[", c, "]"));
      const bool ok =
          p.covariance == covariance_type::full ? detail::clustering::is_positive_definite(P) : (P.array() > 0.0).all();
      if (!ok) {
        throw invalid_argument(
            detail::concat(name, ": precisions_init[", c, "] must be ",
                           p.covariance == covariance_type::full ? "symmetric positive definite" : "positive"));
      }
    }
  }
  if (p.means_init.size() != 0 && !p.precisions_init.empty()) {
    const index d = p.covariance == covariance_type::full ? p.precisions_init[0].rows() : p.precisions_init[0].size();
    if (d != p.means_init.cols())
      throw dimension_mismatch(name, "precisions_init dimension must equal means_init.cols()", p.means_init.cols(), d);
  }
}

template <class>
void gaussian_mixture::log_resp(const matrix_cref& X, matrix& weighted, vector& lpn) const {
  g_.log_prob(X, weighted);
  weighted.rowwise() += weights_.array().log().matrix().transpose();
  lpn = detail::clustering::logsumexp_rows(weighted);
}

template <class>
fit_report gaussian_mixture::fit(matrix_cref X) {
  namespace dc = detail::clustering;
  const std::string where = detail::concat(name, "::fit");
  const gaussian_mixture_params& p = params_;
  const index k = p.n_components;
  dc::check_fit_X(where, X, k);
  const index n = X.rows();
  const index d = X.cols();
  if (p.means_init.size() != 0 && p.means_init.cols() != d)
    throw dimension_mismatch(where, "params().means_init.cols() must equal X.cols()", d, p.means_init.cols());
  if (!p.precisions_init.empty()) {
    const index pd = p.covariance == covariance_type::full ? p.precisions_init[0].rows() : p.precisions_init[0].size();
    if (pd != d) throw dimension_mismatch(where, "params().precisions_init dimension must equal X.cols()", d, pd);
  }
  if (p.order_feature >= d) {
    throw invalid_argument(
        detail::concat(where, ": order_feature must be < X.cols() = ", d, " (got ", p.order_feature, ")"));
  }
  const double eps10 = 10.0 * std::numeric_limits<double>::epsilon();
  const matrix data_cov = dc::data_covariance(X, p.reg_covar);
  const bool need_kmeans = p.means_init.size() == 0 || p.weights_init.size() == 0 || p.precisions_init.empty();

  gaussian_mixture best(*this);  // fit into a copy: a throwing fit leaves *this unchanged
  double best_lb = -std::numeric_limits<double>::infinity();
  index best_repairs = 0;
  bool have_best = false;
  matrix weighted;
  vector lpn;
  matrix R;
  for (index r = 0; r < p.n_init; ++r) {
    gaussian_mixture m(*this);
    m.g_.type = p.covariance;
    m.g_.resize(k, d);
    m.n_features_ = d;
    if (need_kmeans) {
      // scikit-learn's init_params="kmeans": one k-means++ run, responsibilities from its labels.
      const dc::kmeans_run run =
          dc::kmeans_fit(X, k, 1, 300, 1e-4, 0, detail::member_seed(p.seed, static_cast<std::uint64_t>(r)), matrix());
      R.setZero(n, k);
      for (index i = 0; i < n; ++i) R(i, run.labels[static_cast<std::size_t>(i)]) = 1.0;
      const vector nk = m.g_.m_step(X, R, p.reg_covar);
      m.weights_ = (nk.array() + eps10) / static_cast<double>(n);
      m.g_.compute_precisions(where, 0);
    }
    if (p.means_init.size() != 0) m.g_.means = p.means_init;
    if (p.weights_init.size() != 0) m.weights_ = p.weights_init;
    if (!p.precisions_init.empty() && !m.g_.set_precisions(p.precisions_init)) {
      throw invalid_argument(where + ": precisions_init is not numerically positive definite");
    }

    double lb = -std::numeric_limits<double>::infinity();
    index repairs = 0;
    m.history_.clear();
    m.converged_ = false;
    for (index it = 1; it <= p.max_iter; ++it) {
      const double prev = lb;
      m.log_resp(X, weighted, lpn);  // E-step
      lb = lpn.mean();
      if (!std::isfinite(lb)) {
        throw convergence_error(where, fit_report{.status = fit_status::numerical_issue,
                                                  .iterations = it,
                                                  .final_loss = nan,
                                                  .message = detail::concat("the log-likelihood is ", lb)});
      }
      R = (weighted.colwise() - lpn).array().exp();
      const vector nk = m.g_.m_step(X, R, p.reg_covar);  // M-step
      const std::vector<index> dead = dc::reseed_dead(X, nk, lpn, data_cov, m.g_);
      m.weights_ = nk.array() + eps10;
      for (const index c : dead) m.weights_[c] = 1.0;  // one row's worth before renormalising
      m.weights_ /= m.weights_.sum();
      m.g_.compute_precisions(where, it);
      repairs += static_cast<index>(dead.size());
      m.history_.push_back(lb);
      if (std::abs(lb - prev) < p.tol) {
        m.converged_ = true;
        break;
      }
    }
    if (!have_best || lb > best_lb) {
      best = std::move(m);
      best_lb = lb;
      best_repairs = repairs;
      have_best = true;
    }
  }
  // Number the components by the label order.
  const vector key = p.order == label_order::mean ? vector(best.g_.means.col(p.order_feature))
                                                  : vector(best.g_.variances.col(p.order_feature));
  const std::vector<index> perm = dc::order_permutation(key, p.order);
  best.g_.permute(perm);
  best.weights_ = dc::permute(best.weights_, perm);
  *this = std::move(best);
  return {
      .status = converged_ ? fit_status::converged : fit_status::max_iterations,
      .iterations = n_iter(),
      .final_loss = -best_lb,
      .message = detail::concat("lower bound ", best_lb, " nats per row; ", best_repairs, " dead component repair(s)")};
}

template <class>
std::vector<int> gaussian_mixture::predict(matrix_cref X) const {
  detail::clustering::check_predict_X(detail::concat(name, "::predict"), is_fitted(), X, n_features_);
  matrix weighted;
  vector lpn;
  log_resp(X, weighted, lpn);
  return detail::clustering::row_argmax(weighted);
}

template <class>
matrix gaussian_mixture::predict_proba(matrix_cref X) const {
  detail::clustering::check_predict_X(detail::concat(name, "::predict_proba"), is_fitted(), X, n_features_);
  matrix weighted;
  vector lpn;
  log_resp(X, weighted, lpn);
  return (weighted.colwise() - lpn).array().exp();
}

template <class>
vector gaussian_mixture::score_samples(matrix_cref X) const {
  detail::clustering::check_predict_X(detail::concat(name, "::score_samples"), is_fitted(), X, n_features_);
  matrix weighted;
  vector lpn;
  log_resp(X, weighted, lpn);
  return lpn;
}

}  // namespace footprint
