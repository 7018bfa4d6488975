/// @file models/linear/bayesian_linear.hpp
/// @brief `bayesian_linear`: Bayesian linear regression with a predictive distribution per
/// row, either by evidence maximisation (MacKay 1992; scikit-learn's `BayesianRidge`) or by
/// the conjugate Normal-Inverse-Gamma update with a given prior (Bishop 2006 sec. 3.3;
/// Murphy 2012 sec. 7.6). See docs/bayesian-linear.md.
///
/// Includes Eigen/Dense and Boost.Math's normal and Student-t distributions.
#pragma once

#include "footprint/detail/concat.hpp"
#include "footprint/distributions/location_scale_t.hpp"
#include "footprint/error.hpp"
#include "footprint/models/detail/linear_fit.hpp"
#include "footprint/models/linear/linear_solver.hpp"
#include "footprint/models/linear/linear_statistics.hpp"
#include "footprint/types.hpp"

#include <Eigen/Dense>

#include <cmath>
#include <cstdint>
#include <limits>
#include <numbers>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

namespace footprint {

/// How `bayesian_linear` sets the prior precisions.
enum class bayesian_linear_mode : std::uint8_t {
  /// Type-II maximum likelihood ("evidence") of the weight precision lambda and the noise
  /// precision alpha under Gamma hyper-priors (MacKay 1992; Tipping 2001 appendix A), the
  /// algorithm of scikit-learn's `BayesianRidge`. Gaussian predictive (df = +inf).
  evidence,
  /// Conjugate Normal-Inverse-Gamma prior with given hyper-parameters w0, kappa0, a0, b0:
  /// w | sigma^2 ~ N(w0, sigma^2 / kappa0 I), sigma^2 ~ InvGamma(a0, b0). Closed-form
  /// posterior; Student-t predictive with df = 2 a_n (Murphy 2012 sec. 7.6.3).
  conjugate,
};

/// Name of a mode, e.g. "evidence".
[[nodiscard]] constexpr std::string_view to_string(bayesian_linear_mode m) noexcept {
  return m == bayesian_linear_mode::evidence ? "evidence" : "conjugate";
}

/// Hyper-parameters of `bayesian_linear`, validated by its constructor. Defaults are
/// scikit-learn's `BayesianRidge()` defaults (evidence mode) and a vague conjugate prior.
struct bayesian_linear_params {
  bayesian_linear_mode mode = bayesian_linear_mode::evidence;  ///< evidence (BayesianRidge) or conjugate NIG
  bool fit_intercept = true;  ///< centre X and y by their (weighted) means; the intercept is not given a prior
  linear_solver solver = linear_solver::automatic;  ///< factorisation of the design (see linear_solver)

  // ---- evidence mode (names and defaults of scikit-learn's BayesianRidge)
  index max_iter = 300;               ///< evidence: iterations at most, >= 1 (scikit-learn's n_iter / max_iter)
  double tol = 1e-3;                  ///< evidence: stop when sum |coef - coef_previous| < tol; > 0
  double alpha_1 = 1e-6;              ///< evidence: shape of the Gamma prior on alpha (noise precision); >= 0
  double alpha_2 = 1e-6;              ///< evidence: rate of the Gamma prior on alpha, in y units^2; >= 0
  double lambda_1 = 1e-6;             ///< evidence: shape of the Gamma prior on lambda (weight precision); >= 0
  double lambda_2 = 1e-6;             ///< evidence: rate of the Gamma prior on lambda; >= 0
  std::optional<double> alpha_init;   ///< evidence: initial alpha, > 0; default 1 / (var(y) + eps)
  std::optional<double> lambda_init;  ///< evidence: initial lambda, > 0; default 1
  bool compute_score = false;         ///< evidence: record the log marginal likelihood at each iteration (scores())
  /// evidence: reproduce scikit-learn's predictive std up to its fix of issue #33757
  /// (PR #33918), which measures the parameter uncertainty at the raw row x instead of at
  /// x - x_offset. Off by default: the default is the correct, centred, variance.
  bool sklearn_uncentered_std = false;

  // ---- conjugate mode: w | sigma^2 ~ N(w0, sigma^2/kappa0 I), sigma^2 ~ InvGamma(a0, b0)
  vector w0;             ///< conjugate: prior mean of the weights, (n_features) or empty for zeros
  double kappa0 = 1e-6;  ///< conjugate: prior precision of the weights relative to the noise; >= 0
  double a0 = 1e-6;      ///< conjugate: shape of the inverse-gamma prior on sigma^2; >= 0
  double b0 = 1e-6;      ///< conjugate: scale of the inverse-gamma prior on sigma^2, y units^2; >= 0
};

/// The fitted state of a `bayesian_linear`: everything it predicts from and reports (and what
/// io/linear_model_json.hpp saves). `bayesian_linear::from_state` validates it. The
/// predictive distribution of a row x is location x'coef + intercept, scale^2 =
/// noise_scale2 (1 + extra + |factor'(x - centre)|^2), df degrees of freedom.
struct bayesian_linear_state {
  bayesian_linear_params params;  ///< the hyper-parameters it was fitted with
  index n_features = 0;           ///< columns of the training X; >= 1
  vector coef;                    ///< (n_features) posterior mean of the weights
  double intercept = 0.0;         ///< y_offset - x_offset'coef, or 0 without intercept
  vector centre;                  ///< (n_features) where the parameter variance is measured from
  matrix factor;                  ///< (n_features, m): the weights' scale matrix is noise_scale2 factor factor'
  double noise_scale2 = 1.0;      ///< squared noise scale (1/alpha or b_n/a_n), y units^2; finite, > 0
  double extra = 0.0;             ///< the intercept's variance relative to noise_scale2; finite, >= 0
  double df = std::numeric_limits<double>::infinity();  ///< predictive degrees of freedom; > 0 (+inf: normal)
  vector x_offset;             ///< (n_features) training column means (zeros without intercept)
  double alpha = nan;          ///< noise precision (see bayesian_linear::alpha)
  double lambda = nan;         ///< weight precision (see bayesian_linear::lambda)
  double a_n = nan;            ///< conjugate: posterior shape; evidence: NaN
  double b_n = nan;            ///< conjugate: posterior scale; evidence: NaN
  index n_iter = 0;            ///< iterations run; >= 1
  std::vector<double> scores;  ///< evidence with compute_score: the log marginal likelihoods
};

/// Bayesian linear regression: y = intercept + x'w + noise, noise ~ N(0, sigma^2), with a
/// Gaussian prior on the weights w. A `ProbabilisticRegressor` and a `WeightedRegressor`.
///
/// Rows are observations: X is (n_samples, n_features), y is (n_samples). With
/// `fit_intercept` (default), X and y are centred by their (weighted) means and the
/// intercept is y_offset - x_offset'w, as in scikit-learn's linear models.
///
/// **Evidence mode** (default) reproduces scikit-learn's `BayesianRidge` (version 1.2, and
/// later versions whose algorithm is unchanged): coefficients, intercept, alpha_, lambda_,
/// n_iter_, sigma_, scores_ and the predictive mean and std match it to 1e-6 relative on
/// footprint's test data (tests/models/bayesian_linear.cpp). The predictive distribution is
/// N(x'w + b, 1/alpha + (x - x_offset)' Sigma (x - x_offset)) with Sigma = (alpha Xc'Xc +
/// lambda I)^-1 (Bishop 2006 eq. 3.54, 3.58-3.59), returned as a `location_scale_t` with
/// df = +inf. Three documented differences from scikit-learn 1.2: the predictive variance is
/// centred (see `sklearn_uncentered_std`); the last score is evaluated with the final
/// coefficients; and when n_samples < n_features, Sigma keeps the prior variance 1/lambda
/// of the directions the data do not see (scikit-learn's sigma_ drops it).
///
/// **Conjugate mode** computes the Normal-Inverse-Gamma posterior in closed form (Murphy
/// 2012 sec. 7.6.3): Lambda_n = kappa0 I + Xc'W Xc, V_n = Lambda_n^-1,
/// w_n = V_n (kappa0 w0 + Xc'W yc), a_n = a0 + (sum(w) - 1)/2 (the intercept, with a flat
/// prior, integrates out as one degree of freedom; without intercept a0 + sum(w)/2),
/// b_n = b0 + (|yc - Xc w_n|_W^2 + kappa0 |w_n - w0|^2)/2. The predictive is a Student-t with
/// df = 2 a_n, location x'w_n + b and scale^2 = b_n/a_n (1 + 1/sum(w) + xc' V_n xc) (Murphy
/// 2012 sec. 7.6.3). Sample weights are frequency weights: weight 2 counts a row twice.
///
/// Thread safety: const member functions may run concurrently after `fit`.
class bayesian_linear {
 public:
  /// The predictive distribution of one row: Student-t (conjugate) or normal (evidence).
  using distribution_type = location_scale_t;

  /// A model with scikit-learn's `BayesianRidge()` defaults.
  bayesian_linear() : bayesian_linear(bayesian_linear_params{}) {}

  /// @param params hyper-parameters (see bayesian_linear_params for ranges)
  /// @throws footprint::invalid_argument when a parameter is out of range, e.g.
  ///         `footprint::bayesian_linear: tol must be > 0 (got 0)`
  explicit bayesian_linear(bayesian_linear_params params);

  /// Fits the model (unit sample weights).
  ///
  /// @param X (n_samples, n_features) design matrix, finite, n_samples >= 1, n_features >= 1
  /// @param y (n_samples) targets, finite, in any units (e.g. bps)
  /// @return status `converged` or `max_iterations` (evidence mode: iterations run, like
  ///         scikit-learn's n_iter_), `final_loss` = weighted mean squared training residual
  ///         (units of y squared); the message gives alpha and lambda
  /// @throws footprint::dimension_mismatch when y.size() != X.rows(), or when params.w0 is
  ///         non-empty and w0.size() != X.cols()
  /// @throws footprint::invalid_argument on a non-finite entry (naming its row and column)
  ///         or an empty X
  /// @throws footprint::convergence_error when the posterior is improper (conjugate mode
  ///         with kappa0 = 0 and rank-deficient centred X, or a_n <= 0 or b_n <= 0) or alpha or
  ///         lambda leave (0, inf) (evidence mode with a zero rate prior and a perfect fit).
  ///         On any exception the model is left as it was.
  /// Complexity: O(n_samples n_features^2) for the factorisation, then O(n_features^2)
  /// per evidence iteration.
  template <class = void>
  fit_report fit(matrix_cref X, vector_cref y) {
    return fit_impl(X, y, nullptr);
  }

  /// Fits the model with per-row sample weights (as scikit-learn's `sample_weight`).
  ///
  /// @param X (n_samples, n_features) design matrix, finite
  /// @param y (n_samples) targets, finite
  /// @param sample_weight (n_samples) weights, finite and >= 0 with a positive sum. Evidence
  ///        mode follows scikit-learn: rows are scaled by sqrt(weight) and n_samples in the
  ///        alpha update is the row count. Conjugate mode treats them as frequency weights.
  /// @throws as fit(X, y); footprint::dimension_mismatch when sample_weight.size() != X.rows();
  ///         footprint::invalid_argument for a negative or non-finite weight or a zero sum
  template <class = void>
  fit_report fit(matrix_cref X, vector_cref y, vector_cref sample_weight) {
    return fit_impl(X, y, &sample_weight);
  }

  /// Fits the model from sufficient statistics (e.g. merged from shards of the rows): the
  /// same model as fit(X, y[, sample_weight]) on all the rows the statistics were built from,
  /// to about 1e-12 relative on a well-conditioned design (coefficients, intercept, alpha,
  /// lambda, n_iter, predictive means and std; docs/distributed.md). The statistics hold the
  /// centred Gram matrix only, so the fit takes the normal-equations route whatever
  /// `params().solver` says.
  /// @param stats statistics of at least one row (see linear_statistics)
  /// @return as fit(X, y)
  /// @throws footprint::invalid_argument when stats is empty; footprint::dimension_mismatch
  ///         when params.w0 is non-empty and its size differs from stats.n_features();
  ///         footprint::convergence_error as fit(X, y). On any exception the model is left as
  ///         it was.
  /// Complexity: O(n_features^3), then O(n_features^2) per evidence iteration.
  template <class = void>
  fit_report fit(const linear_statistics& stats) {
    return fit_statistics(stats);
  }

  /// Predictive means, x'w + intercept, one per row.
  /// @param X (n_samples, n_features), finite
  /// @return (n_samples), units of y
  /// @throws footprint::not_fitted before a successful fit; footprint::dimension_mismatch
  ///         when X.cols() != n_features(); footprint::invalid_argument on a non-finite entry
  /// Complexity: O(n_samples n_features).
  template <class = void>
  [[nodiscard]] vector predict(matrix_cref X) const {
    return state_.predict(name, X);
  }

  /// Predictive means into `out` without allocating (the hot path; for one row pass a
  /// RowVectorXd or `X.middleRows(i, 1)`: `X.row(i)` of a column-major matrix is copied).
  /// @param X   (n_samples, n_features), finite
  /// @param out (n_samples) receives the means
  /// @throws as predict(X); footprint::dimension_mismatch when out.size() != X.rows()
  template <class = void>
  void predict(matrix_cref X, vector_ref out) const {
    state_.predict(name, X, out);
  }

  /// The prediction x'b + intercept for one row, without allocating or throwing (the
  /// serving hot path): the same sum as predict(X) on a one-row X, bit for bit.
  /// @param x (n_features) one observation, finite
  /// @return units of y; NaN before fit or when x.size() != n_features() (and for a
  ///         non-finite x)
  /// Complexity: O(n_features).
  template <class = void>
  [[nodiscard]] double predict_row(std::span<const double> x) const noexcept {
    return state_.predict_row(x);
  }

  /// Predictive distributions, one per row: normal (evidence; df = +inf) or Student-t
  /// (conjugate; df = 2 a_n), with `mean(d)` equal to `predict(X)` up to rounding. Use them
  /// with `quantile(d, p)`, `cdf(d, x)`, `pdf(d, x)`, `standard_deviation(d)`.
  /// @param X (n_samples, n_features), finite
  /// @return n_samples distributions, units of y
  /// @throws as predict(X)
  /// Complexity: O(n_samples n_features^2).
  template <class = void>
  [[nodiscard]] std::vector<location_scale_t> predict_distribution(matrix_cref X) const {
    return state_.predict_distribution(name, X);
  }

  /// Predictive distributions into `out` without allocating (the single-row hot path).
  /// @param X   (n_samples, n_features), finite
  /// @param out n_samples elements receive the distributions
  /// @throws as predict(X); footprint::dimension_mismatch when out.size() != X.rows()
  template <class = void>
  void predict_distribution(matrix_cref X, std::span<location_scale_t> out) const {
    state_.predict_distribution(name, X, out);
  }

  /// As predict(X) on row-major data (e.g. a C-ordered numpy array), read in place: the same
  /// predictions, bit for bit. @throws as predict(X)
  template <class = void>
  [[nodiscard]] vector predict(row_major_view X) const {
    return state_.predict(name, X);
  }
  /// As predict(X, out) on row-major data, read in place. @throws as predict(X, out)
  template <class = void>
  void predict(row_major_view X, vector_ref out) const {
    state_.predict(name, X, out);
  }
  /// As predict_distribution(X) on row-major data, read in place (the same distributions).
  template <class = void>
  [[nodiscard]] std::vector<location_scale_t> predict_distribution(row_major_view X) const {
    return state_.predict_distribution(name, X);
  }

  /// The fitted state (for saving). @throws not_fitted before fit
  [[nodiscard]] bayesian_linear_state state() const;
  /// A fitted model from its state (e.g. one read from a file), checking every field: the
  /// hyper-parameters as the constructor does, sizes consistent with n_features, finite
  /// numbers, noise_scale2 > 0, extra >= 0, df > 0.
  /// @throws footprint::invalid_argument naming the field, e.g.
  ///         `footprint::bayesian_linear::from_state: centre has 3 entries (expected 4)`
  [[nodiscard]] static bayesian_linear from_state(bayesian_linear_state state);

  /// True after a successful fit.
  [[nodiscard]] bool is_fitted() const noexcept { return state_.fitted; }
  /// Number of columns of the X of the last fit (0 before).
  [[nodiscard]] index n_features() const noexcept { return state_.n_features; }
  /// The hyper-parameters.
  [[nodiscard]] const bayesian_linear_params& params() const noexcept { return params_; }

  /// Posterior mean of the weights, (n_features) (scikit-learn's coef_). @throws not_fitted
  [[nodiscard]] const vector& coef() const { return fitted("coef").coef; }
  /// Intercept, y_offset - x_offset'coef, or 0 without intercept. @throws not_fitted
  [[nodiscard]] double intercept() const { return fitted("intercept").intercept; }
  /// Noise precision, 1/y units^2: evidence alpha_, or the posterior mean a_n/b_n. @throws not_fitted
  [[nodiscard]] double alpha() const {
    (void)fitted("alpha");
    return alpha_;
  }
  /// Weight precision: evidence lambda_, or kappa0 a_n/b_n (conjugate). @throws not_fitted
  [[nodiscard]] double lambda() const {
    (void)fitted("lambda");
    return lambda_;
  }
  /// (n_features, n_features) posterior covariance of the weights (scikit-learn's sigma_)
  /// in evidence mode; in conjugate mode the scale matrix (b_n/a_n) V_n of the weights'
  /// multivariate-t posterior (covariance = a_n/(a_n - 1) times it). @throws not_fitted
  /// (A template, never given an argument: its matrix product is compiled only where it is used.)
  template <class = void>
  [[nodiscard]] matrix sigma() const {
    const detail::linear_predictor& p = fitted("sigma");
    return p.noise_scale2 * (p.factor * p.factor.transpose());
  }
  /// Evidence: iterations run (scikit-learn's n_iter_); conjugate: 1. @throws not_fitted
  [[nodiscard]] index n_iter() const {
    (void)fitted("n_iter");
    return n_iter_;
  }
  /// Evidence with compute_score: log marginal likelihood at the initial hyper-parameters,
  /// after each iteration, and at the final ones (scikit-learn's scores_); else empty.
  [[nodiscard]] const std::vector<double>& scores() const noexcept { return scores_; }
  /// Conjugate: posterior shape a_n of sigma^2; evidence: NaN. @throws not_fitted
  [[nodiscard]] double a_n() const {
    (void)fitted("a_n");
    return a_n_;
  }
  /// Conjugate: posterior scale b_n of sigma^2, y units^2; evidence: NaN. @throws not_fitted
  [[nodiscard]] double b_n() const {
    (void)fitted("b_n");
    return b_n_;
  }
  /// Degrees of freedom of the predictive distributions: 2 a_n, or +inf (evidence). @throws not_fitted
  [[nodiscard]] double degrees_of_freedom() const { return fitted("degrees_of_freedom").df; }
  /// (n_features) column means of the training X (weighted), or zeros without intercept. @throws not_fitted
  [[nodiscard]] const vector& x_offset() const {
    (void)fitted("x_offset");
    return x_offset_;
  }

 private:
  // Templates (never given an argument) so that the fit's decompositions are compiled only in
  // translation units that fit a model (see models/detail/linear_fit.hpp).
  template <class = void>
  fit_report fit_impl(const matrix_cref& X, const vector_cref& y, const vector_cref* w);
  template <class = void>
  fit_report fit_statistics(const linear_statistics& stats);
  template <class = void>
  fit_report fit_spectrum(const detail::linear_spectrum& spec);
  void check_prior_size(index n_features) const;
  template <class = void>
  fit_report fit_evidence(const detail::linear_spectrum& spec);
  template <class = void>
  fit_report fit_conjugate(const detail::linear_spectrum& spec);

  static constexpr const char* name = "footprint::bayesian_linear";

  [[nodiscard]] const detail::linear_predictor& fitted(const char* what) const { return state_.get(name, what); }

  bayesian_linear_params params_;
  detail::linear_model_state state_;
  vector x_offset_;
  double alpha_ = nan;
  double lambda_ = nan;
  double a_n_ = nan;
  double b_n_ = nan;
  index n_iter_ = 0;
  std::vector<double> scores_;
};

}  // namespace footprint

#include "footprint/models/linear/bayesian_linear_impl.hpp"
