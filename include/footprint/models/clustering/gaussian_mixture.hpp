/// @file models/clustering/gaussian_mixture.hpp
/// @brief `gaussian_mixture`: a mixture of Gaussians fitted by expectation-maximisation
/// (Dempster, Laird and Rubin 1977; Bishop 2006 sec. 9.2), with full or diagonal
/// covariances, scikit-learn's variance floor (reg_covar) and k-means initialisation; regimes
/// with a probability per row. See docs/regimes.md.
///
/// Includes Eigen/Core and Eigen/Cholesky.
#pragma once

#include "footprint/detail/checks.hpp"
#include "footprint/detail/concat.hpp"
#include "footprint/error.hpp"
#include "footprint/models/clustering/covariance_type.hpp"
#include "footprint/models/clustering/detail/clustering_common.hpp"
#include "footprint/models/clustering/detail/gaussian_components.hpp"
#include "footprint/models/clustering/label_order.hpp"
#include "footprint/types.hpp"

#include <cstdint>
#include <vector>

namespace footprint {

/// Hyper-parameters of `gaussian_mixture`, validated by its constructor. Names and defaults
/// are scikit-learn 1.2's `GaussianMixture()` (init_params "kmeans"), plus the label order.
struct gaussian_mixture_params {
  index n_components = 1;                              ///< mixture components k, >= 1 (fit needs k rows)
  covariance_type covariance = covariance_type::full;  ///< full or diag (scikit-learn's covariance_type)
  double tol = 1e-3;        ///< stop when the mean log-likelihood per row gains less than tol; >= 0
  double reg_covar = 1e-6;  ///< variance floor added to every covariance diagonal, X units squared; >= 0
  index max_iter = 100;     ///< EM iterations per initialisation at most, >= 1
  index n_init = 1;         ///< initialisations, >= 1; the one with the highest lower bound is kept
  std::uint64_t seed = 0;   ///< initialisation r runs one k-means++ run seeded with detail::member_seed(seed, r)
  matrix means_init{};      ///< (k, n_features) initial means, or empty (k-means)
  vector weights_init{};    ///< (k) initial weights, positive, summing to 1 (to 1e-6), or empty (k-means)
  /// Initial precision (inverse covariance) matrices, or empty (k-means): k matrices, each
  /// (n_features, n_features) symmetric positive definite (full) or (n_features, 1) positive
  /// precisions (diag), as scikit-learn's precisions_init.
  std::vector<matrix> precisions_init{};
  label_order order = label_order::variance;  ///< how components are numbered after the fit (see label_order)
  index order_feature = 0;                    ///< the feature the label order reads; in [0, n_features)
};

/// Gaussian mixture model: p(x) = sum_c w_c N(x; mu_c, Sigma_c). A `Clusterer`: `predict(X)`
/// gives each row's most probable component, `predict_proba(X)` the posterior probabilities.
///
/// Rows are observations: X is (n_samples, n_features).
///
/// Algorithm (scikit-learn 1.2's `GaussianMixture.fit`): each of n_init initialisations runs
/// `kmeans` (one k-means++ run) and estimates weights, means and covariances from its
/// labels; given means_init, weights_init or precisions_init replace the estimated ones.
/// Then EM (Bishop 2006 eq. 9.23-9.27): the E-step computes the responsibilities r_ic and the
/// mean log-likelihood per row (the "lower bound"); the M-step sets N_c = sum_i r_ic,
/// w_c = N_c / n, mu_c = sum_i r_ic x_i / N_c, Sigma_c = sum_i r_ic (x_i - mu_c)(x_i - mu_c)' /
/// N_c + reg_covar I. It stops when the lower bound gains less than tol, or after max_iter.
/// The lower bound never decreases (EM's guarantee, checked by the tests to 1e-9 relative)
/// except at a dead-component repair.
///
/// **Dead components**: a component whose responsibilities sum to less than 1e-3 of a row is
/// re-seeded in the M-step: its mean becomes the row with the lowest likelihood under the
/// current mixture (the rows the model explains worst), its covariance the data covariance
/// plus reg_covar, its weight 1/n before renormalisation. The fit report counts repairs.
///
/// With the same initial parameters and tol = 0, weights, means, covariances, lower_bound()
/// and score(X) equal scikit-learn's to 1e-10 (tests/models/clustering_gmm.cpp).
///
/// Components are then renumbered by `params.order` (default: increasing variance of feature
/// `order_feature`, so with a volatility there component 0 is the calmest regime).
///
/// Deterministic: same seed and data, same result. Thread safety: const member functions may
/// run concurrently after `fit`.
class gaussian_mixture {
 public:
  /// A model with scikit-learn's `GaussianMixture()` defaults (1 component, full).
  gaussian_mixture() : gaussian_mixture(gaussian_mixture_params{}) {}

  /// @param params hyper-parameters (see gaussian_mixture_params for ranges)
  /// @throws footprint::invalid_argument when a parameter is out of range, e.g.
  ///         `footprint::gaussian_mixture: reg_covar must be finite and >= 0 (got -1)`; when a
  ///         given initial weight is not positive or they do not sum to 1; when a given
  ///         precision is not symmetric positive definite (full) or positive (diag).
  ///         footprint::dimension_mismatch when a given initial parameter has a number of
  ///         components other than n_components, or inconsistent feature counts.
  explicit gaussian_mixture(gaussian_mixture_params params);

  /// Fits the mixture by EM.
  /// @param X (n_samples, n_features), finite, n_samples >= n_components
  /// @return status `converged` or `max_iterations` (of the kept initialisation), iterations
  ///         = its EM iterations, final_loss = -lower_bound() (negative mean log-likelihood
  ///         per row, nats); the message counts dead-component repairs
  /// @throws footprint::invalid_argument for an empty X, fewer rows than n_components, a
  ///         non-finite entry (naming its row and column) or order_feature >= X.cols();
  ///         footprint::dimension_mismatch when a given initial parameter's features differ from
  ///         X.cols(); footprint::convergence_error when a covariance is not positive definite
  ///         (raise reg_covar). On any exception the model is left as it was.
  /// Complexity: O(n_init max_iter n_samples n_components n_features^2) (full).
  template <class = void>
  fit_report fit(matrix_cref X);

  /// Most probable component of each row, a regime id in [0, n_components).
  /// @param X (n_samples, n_features), finite
  /// @return (n_samples) labels
  /// @throws footprint::not_fitted before fit; footprint::dimension_mismatch when X.cols() !=
  ///         n_features(); footprint::invalid_argument on a non-finite entry
  template <class = void>
  [[nodiscard]] std::vector<int> predict(matrix_cref X) const;

  /// (n_samples, n_components) posterior probabilities of the components; rows sum to 1.
  /// @throws as predict(X)
  template <class = void>
  [[nodiscard]] matrix predict_proba(matrix_cref X) const;

  /// (n_samples) log density log p(x_i) of each row (nats; scikit-learn's score_samples).
  /// @throws as predict(X)
  template <class = void>
  [[nodiscard]] vector score_samples(matrix_cref X) const;

  /// Mean log density per row, nats (scikit-learn's score).
  /// @throws as predict(X)
  template <class = void>
  [[nodiscard]] double score(matrix_cref X) const {
    return score_samples(X).mean();
  }

  /// Bayesian information criterion, -2 log L + p ln n, with log L = n score(X) and
  /// p = n_parameters() (scikit-learn's bic; Schwarz 1978). Lower is better.
  /// @throws as predict(X)
  template <class = void>
  [[nodiscard]] double bic(matrix_cref X) const {
    const auto n = static_cast<double>(X.rows());
    return -2.0 * score(X) * n + static_cast<double>(n_parameters()) * std::log(n);
  }

  /// Akaike information criterion, -2 log L + 2 p (scikit-learn's aic; Akaike 1974).
  /// @throws as predict(X)
  template <class = void>
  [[nodiscard]] double aic(matrix_cref X) const {
    return -2.0 * score(X) * static_cast<double>(X.rows()) + 2.0 * static_cast<double>(n_parameters());
  }

  /// Free parameters: (k - 1) weights + k d means + k d(d + 1)/2 (full) or k d (diag)
  /// covariances (scikit-learn's _n_parameters). @throws not_fitted
  [[nodiscard]] index n_parameters() const {
    (void)fitted("n_parameters");
    return g_.n_parameters() + g_.k() - 1;
  }

  /// True after a successful fit.
  [[nodiscard]] bool is_fitted() const noexcept { return n_features_ > 0; }
  /// Number of columns of the X of the last fit (0 before).
  [[nodiscard]] index n_features() const noexcept { return n_features_; }
  /// The hyper-parameters.
  [[nodiscard]] const gaussian_mixture_params& params() const noexcept { return params_; }
  /// (k) mixture weights, positive, summing to 1. @throws not_fitted
  [[nodiscard]] const vector& weights() const { return fitted("weights").weights_; }
  /// (k, n_features) means, X units. @throws not_fitted
  [[nodiscard]] const matrix& means() const { return fitted("means").g_.means; }
  /// k (n_features, n_features) covariances, X units squared (diagonal matrices for diag;
  /// scikit-learn's covariances_ for full). @throws not_fitted
  [[nodiscard]] const std::vector<matrix>& covariances() const { return fitted("covariances").g_.covariances; }
  /// (k, n_features) the covariances' diagonals (scikit-learn's covariances_ for diag). @throws not_fitted
  [[nodiscard]] const matrix& variances() const { return fitted("variances").g_.variances; }
  /// Mean log-likelihood per row at the start of the last EM iteration (scikit-learn's
  /// lower_bound_), nats. @throws not_fitted
  [[nodiscard]] double lower_bound() const { return fitted("lower_bound").history_.back(); }
  /// The lower bound at every EM iteration of the kept initialisation (non-decreasing). @throws not_fitted
  [[nodiscard]] const std::vector<double>& lower_bound_history() const { return fitted("history").history_; }
  /// EM iterations of the kept initialisation (scikit-learn's n_iter_). @throws not_fitted
  [[nodiscard]] index n_iter() const { return static_cast<index>(fitted("n_iter").history_.size()); }
  /// Whether the kept initialisation met tol (scikit-learn's converged_). @throws not_fitted
  [[nodiscard]] bool converged() const { return fitted("converged").converged_; }

 private:
  static constexpr const char* name = "footprint::gaussian_mixture";

  [[nodiscard]] const gaussian_mixture& fitted(const char* what) const {
    detail::require_fitted(is_fitted(), detail::concat(name, "::", what));
    return *this;
  }
  template <class = void>
  void log_resp(const matrix_cref& X, matrix& weighted, vector& lpn) const;

  gaussian_mixture_params params_;
  detail::clustering::gaussian_components g_;
  vector weights_;
  std::vector<double> history_;
  bool converged_ = false;
  index n_features_ = 0;
};

}  // namespace footprint

#include "footprint/models/clustering/gaussian_mixture_impl.hpp"
