/// @file models/clustering/gaussian_hmm.hpp
/// @brief `gaussian_hmm`: a hidden Markov model with Gaussian emissions (Rabiner 1989),
/// fitted by Baum-Welch, with the forward filter (the regime probabilities given the past
/// only), forward-backward smoothing and Viterbi decoding; regimes that persist in time.
/// See docs/regimes.md.
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

#include <cmath>
#include <cstdint>
#include <span>
#include <vector>

namespace footprint {

/// Hyper-parameters of `gaussian_hmm`, validated by its constructor. Names follow hmmlearn's
/// `GaussianHMM` where it has one; the variance floor is scikit-learn's reg_covar.
struct gaussian_hmm_params {
  index n_components = 2;                              ///< hidden states k, >= 1 (fit needs k rows)
  covariance_type covariance = covariance_type::diag;  ///< diag (hmmlearn's default) or full
  index max_iter = 100;                                ///< Baum-Welch iterations at most, >= 1
  double tol = 1e-4;        ///< stop when the log-likelihood per row gains less than tol (nats); >= 0
  double reg_covar = 1e-6;  ///< variance floor added to every covariance diagonal, X units squared; >= 0
  std::uint64_t seed = 0;   ///< seed of the k-means initialisation (10 k-means++ runs)
  vector startprob_init{};  ///< (k) initial state distribution, >= 0, summing to 1; empty: uniform
  matrix transmat_init{};   ///< (k, k) initial transition matrix, rows >= 0 summing to 1; empty: uniform
  matrix means_init{};      ///< (k, n_features) initial means; empty: k-means centers
  /// Initial covariances: k matrices, (n_features, n_features) symmetric positive definite
  /// (full) or (n_features, 1) positive variances (diag); empty: each k-means cluster's own
  /// covariance plus reg_covar.
  std::vector<matrix> covariances_init{};
  label_order order = label_order::variance;  ///< how states are numbered after the fit (see label_order)
  index order_feature = 0;                    ///< the feature the label order reads; in [0, n_features)
};

/// Gaussian hidden Markov model: a hidden state s_t in {0, ..., k - 1} follows a Markov chain
/// with start distribution pi and transition matrix A (A(i, j) = P(s_{t+1} = j | s_t = i)); the
/// observed row x_t is N(mu_{s_t}, Sigma_{s_t}). A `Clusterer`: `predict(X)` gives the most
/// probable state path (Viterbi).
///
/// Rows are observations in time order: X is (n_samples, n_features), one sequence.
///
/// - `filter(X)`: P(s_t | x_1..x_t), the forward algorithm (Rabiner 1989 eq. 19-20), causal:
///   use it to know the regime now;
/// - `smooth(X)`: P(s_t | x_1..x_n), forward-backward (Rabiner 1989 eq. 27);
/// - `predict(X)`, `viterbi(X, states)`: the most probable path (Rabiner 1989 eq. 32-35);
/// - `log_likelihood(X)`: log p(x_1..x_n), nats.
///
/// The recursions are scaled (Rabiner 1989 sec. V.A): each step's forward variables are
/// normalised to sum 1, and each row's emission densities are divided by their largest before
/// exponentiating, so that no observation underflows. `log_likelihood` equals a log-space
/// (logsumexp) forward algorithm written in numpy to 1e-12 relative
/// (tests/models/clustering_hmm.cpp).
///
/// Fit (Baum-Welch, Rabiner 1989 eq. 40a-c, 52-53): initial means and covariances from
/// `kmeans` (10 k-means++ runs) unless given, uniform start and transition probabilities
/// unless given; then E-step (forward-backward) and M-step: pi = gamma_1, A(i, j) =
/// sum_t xi_t(i, j) / sum_t gamma_t(i), mu and Sigma the gamma-weighted means and
/// covariances plus reg_covar on the diagonal. The log-likelihood never decreases (checked by
/// the tests to 1e-9 relative) except at a dead-state repair: a state whose smoothed
/// probabilities sum to less than 1e-3 is re-seeded at the row worst explained by every state
/// (lowest largest emission density), with the data covariance, a uniform row of A and
/// transitions into it of at least 1/n_samples.
///
/// States are then renumbered by `params.order` (default: increasing variance of feature
/// `order_feature`, so with a volatility there state 0 is the calmest regime).
///
/// Deterministic: same seed and data, same result. Thread safety: const member functions may
/// run concurrently after `fit`.
class gaussian_hmm {
 public:
  /// A two-state diagonal model.
  gaussian_hmm() : gaussian_hmm(gaussian_hmm_params{}) {}

  /// @param params hyper-parameters (see gaussian_hmm_params for ranges)
  /// @throws footprint::invalid_argument when a parameter is out of range or a given initial
  ///         parameter is not a distribution, not finite or not positive (definite), e.g.
  ///         `footprint::gaussian_hmm: transmat_init row 1 must sum to 1 (got 0.9)`;
  ///         footprint::dimension_mismatch when a given initial parameter has the wrong shape
  explicit gaussian_hmm(gaussian_hmm_params params);

  /// A fitted model with the given parameters (no fit): to filter or decode with a model
  /// estimated elsewhere. Labels keep the given order.
  /// @param params     hyper-parameters (n_components and covariance must match the arrays)
  /// @param startprob  (k) start distribution, >= 0, summing to 1 (to 1e-9)
  /// @param transmat   (k, k) transition matrix, rows >= 0 summing to 1 (to 1e-9)
  /// @param means      (k, d) state means
  /// @param covariances k matrices: (d, d) symmetric positive definite (full) or (d, 1) variances (diag)
  /// @throws footprint::invalid_argument / dimension_mismatch as the constructor does for the
  ///         initial parameters
  template <class = void>
  [[nodiscard]] static gaussian_hmm from_parameters(gaussian_hmm_params params, const vector& startprob,
                                                    const matrix& transmat, const matrix& means,
                                                    const std::vector<matrix>& covariances);

  /// Fits the model by Baum-Welch on one sequence.
  /// @param X (n_samples, n_features) rows in time order, finite, n_samples >= n_components
  /// @return status `converged` or `max_iterations`, iterations run, final_loss = minus the
  ///         log-likelihood per row at the last E-step (nats); the message counts repairs
  /// @throws footprint::invalid_argument for an empty X, fewer rows than n_components, a
  ///         non-finite entry (naming its row and column) or order_feature >= X.cols();
  ///         footprint::dimension_mismatch when a given initial parameter's features differ
  ///         from X.cols(); footprint::convergence_error when a covariance is not positive
  ///         definite or the log-likelihood is not finite. On any exception the model is left
  ///         as it was.
  /// Complexity: O(max_iter n_samples (k^2 + k n_features^2)).
  template <class = void>
  fit_report fit(matrix_cref X);

  /// (n_samples, k) filtered probabilities P(s_t = j | x_1..x_t); rows sum to 1.
  /// @param X (n_samples, n_features) rows in time order, finite
  /// @throws footprint::not_fitted before fit; footprint::dimension_mismatch when X.cols() !=
  ///         n_features(); footprint::invalid_argument on a non-finite entry
  template <class = void>
  [[nodiscard]] matrix filter(matrix_cref X) const;

  /// (n_samples, k) smoothed probabilities P(s_t = j | x_1..x_n); rows sum to 1.
  /// @throws as filter(X)
  template <class = void>
  [[nodiscard]] matrix smooth(matrix_cref X) const;

  /// The Viterbi path: the most probable state sequence, regime ids in [0, k).
  /// @throws as filter(X)
  template <class = void>
  [[nodiscard]] std::vector<int> predict(matrix_cref X) const {
    std::vector<int> states(static_cast<std::size_t>(X.rows()));
    (void)viterbi(X, states);
    return states;
  }

  /// The Viterbi path into `states` (n_samples entries); returns its joint log-probability
  /// log p(x_1..x_n, s_1..s_n), nats. Ties go to the lower state.
  /// @throws as filter(X); footprint::dimension_mismatch when states.size() != X.rows()
  template <class = void>
  double viterbi(matrix_cref X, std::span<int> states) const;

  /// log p(x_1..x_n), nats (-inf when the sequence is impossible under the model).
  /// @throws as filter(X)
  template <class = void>
  [[nodiscard]] double log_likelihood(matrix_cref X) const;

  /// Bayesian information criterion, -2 log L + p ln n_samples (Schwarz 1978). Lower is better.
  /// @throws as filter(X)
  template <class = void>
  [[nodiscard]] double bic(matrix_cref X) const {
    return -2.0 * log_likelihood(X) + static_cast<double>(n_parameters()) * std::log(static_cast<double>(X.rows()));
  }
  /// Akaike information criterion, -2 log L + 2 p (Akaike 1974).
  /// @throws as filter(X)
  template <class = void>
  [[nodiscard]] double aic(matrix_cref X) const {
    return -2.0 * log_likelihood(X) + 2.0 * static_cast<double>(n_parameters());
  }
  /// Free parameters: (k - 1) start + k (k - 1) transitions + k d means + k d(d + 1)/2 (full)
  /// or k d (diag) covariances. @throws not_fitted
  [[nodiscard]] index n_parameters() const {
    const index k = fitted("n_parameters").g_.k();
    return g_.n_parameters() + (k - 1) + k * (k - 1);
  }

  /// True after a successful fit (or from_parameters).
  [[nodiscard]] bool is_fitted() const noexcept { return n_features_ > 0; }
  /// Number of columns of the X of the last fit (0 before).
  [[nodiscard]] index n_features() const noexcept { return n_features_; }
  /// The hyper-parameters.
  [[nodiscard]] const gaussian_hmm_params& params() const noexcept { return params_; }
  /// (k) start distribution. @throws not_fitted
  [[nodiscard]] const vector& startprob() const { return fitted("startprob").startprob_; }
  /// (k, k) transition matrix, rows sum to 1. @throws not_fitted
  [[nodiscard]] const matrix& transmat() const { return fitted("transmat").transmat_; }
  /// (k, n_features) state means, X units. @throws not_fitted
  [[nodiscard]] const matrix& means() const { return fitted("means").g_.means; }
  /// k (n_features, n_features) covariances (diagonal for diag), X units squared. @throws not_fitted
  [[nodiscard]] const std::vector<matrix>& covariances() const { return fitted("covariances").g_.covariances; }
  /// (k, n_features) the covariances' diagonals. @throws not_fitted
  [[nodiscard]] const matrix& variances() const { return fitted("variances").g_.variances; }
  /// The log-likelihood (total, nats) at each Baum-Welch E-step (non-decreasing); empty after
  /// from_parameters. @throws not_fitted
  [[nodiscard]] const std::vector<double>& log_likelihood_history() const { return fitted("history").history_; }
  /// Baum-Welch iterations run. @throws not_fitted
  [[nodiscard]] index n_iter() const { return static_cast<index>(fitted("n_iter").history_.size()); }

 private:
  using row_matrix = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
  static constexpr const char* name = "footprint::gaussian_hmm";

  [[nodiscard]] const gaussian_hmm& fitted(const char* what) const {
    detail::require_fitted(is_fitted(), detail::concat(name, "::", what));
    return *this;
  }
  // Scaled emissions B (n, k) = exp(log b - shift_t) and shift_t = max_j log b_t(j).
  template <class = void>
  void emissions(const matrix_cref& X, row_matrix& B, vector& shift) const;
  // Scaled forward pass: alpha rows sum to 1, c_t the normalisers; returns log p(X) (-inf if impossible).
  template <class = void>
  double forward(const row_matrix& B, const vector& shift, row_matrix& alpha, vector& c) const;
  template <class = void>
  void backward(const row_matrix& B, const vector& c, row_matrix& beta) const;
  template <class = void>
  void set_parameters(const std::string& where, const vector& startprob, const matrix& transmat, const matrix& means,
                      const std::vector<matrix>& covariances);

  gaussian_hmm_params params_;
  detail::clustering::gaussian_components g_;
  vector startprob_;
  matrix transmat_;
  std::vector<double> history_;
  index n_features_ = 0;
};

}  // namespace footprint

#include "footprint/models/clustering/gaussian_hmm_impl.hpp"
