/// @file models/linear/ols.hpp
/// @brief `ols`: ordinary (weighted) least squares with the classical Student-t prediction
/// interval, a baseline for richer models. See docs/bayesian-linear.md ("Baselines").
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

#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>
#include <span>
#include <vector>

namespace footprint {

/// Hyper-parameters of `ols`, validated by its constructor.
struct ols_params {
  bool fit_intercept = true;                        ///< centre X and y by their (weighted) means, as scikit-learn
  linear_solver solver = linear_solver::automatic;  ///< factorisation of the design (see linear_solver)
  /// Singular values of the centred design below rcond * s_max count as zero (minimum-norm
  /// solution); in [0, 1). Default eps * max(n_samples, n_features), numpy's lstsq default.
  std::optional<double> rcond;
};

/// The fitted state of an `ols`: everything it predicts from (what
/// io/linear_model_json.hpp saves); `ols::from_state` validates it. The predictive
/// distribution of x is Student-t with residual_dof degrees of freedom, location
/// x'coef + intercept and scale^2 = noise_variance (1 + extra + |factor'(x - centre)|^2).
struct ols_state {
  ols_params params;            ///< the hyper-parameters it was fitted with
  index n_features = 0;         ///< columns of the training X; >= 1
  vector coef;                  ///< (n_features)
  double intercept = 0.0;       ///< finite
  vector centre;                ///< (n_features) training column means (x_offset)
  matrix factor;                ///< (n_features, rank): (Xc'W Xc)^+ = factor factor'
  double extra = 0.0;           ///< 1 / sum(w) with intercept, else 0; finite, >= 0
  index rank = 0;               ///< numerical rank of the centred design; in [0, n_features]
  double residual_dof = nan;    ///< sum(w) - rank (- 1 with intercept); finite
  double noise_variance = nan;  ///< s^2 = RSS / residual_dof; NaN when residual_dof <= 0
};

/// Ordinary least squares: minimises sum_i w_i (y_i - intercept - x_i'b)^2.
///
/// Rows are observations: X is (n_samples, n_features), y is (n_samples). The intercept is
/// handled as in scikit-learn's `LinearRegression(fit_intercept=True)`: X and y are centred
/// by their (weighted) means, so coefficients, intercept and predictions match it to 1e-8
/// on full-rank data. On a rank-deficient design it returns the minimum-norm solution with
/// a relative singular-value cut-off (`rcond`), where scikit-learn's cut-off (eps * s_max)
/// lets rounding noise through (tests/models/ols_ridge.cpp, collinear case).
///
/// The predictive distribution is the classical prediction interval under Gaussian noise:
/// Student-t with df = sum(w) - rank - 1 (without intercept: - rank), location x'b + intercept
/// and scale^2 = s^2 (1 + 1/sum(w) + xc' (Xc'W Xc)^+ xc), s^2 = RSS_w / df, xc = x - x_offset
/// (e.g. Seber & Lee 2003, ch. 5). Weights are frequency weights (a weight of 2 counts a
/// row twice). A `ProbabilisticRegressor` and a `WeightedRegressor`.
///
/// Thread safety: const member functions may run concurrently after `fit`.
class ols {
 public:
  /// The predictive distribution of one row (Student-t).
  using distribution_type = location_scale_t;

  /// A model with the default parameters.
  ols() : ols(ols_params{}) {}

  /// @param params hyper-parameters
  /// @throws footprint::invalid_argument when rcond is outside [0, 1) or an enum is invalid,
  ///         e.g. `footprint::ols: rcond must be in [0, 1) (got 2)`
  explicit ols(ols_params params) : params_(params) {
    if (params_.rcond && (!(*params_.rcond >= 0.0) || !(*params_.rcond < 1.0))) {
      throw invalid_argument(detail::concat("footprint::ols: rcond must be in [0, 1) (got ", *params_.rcond, ")"));
    }
    if (!is_valid(params_.solver)) {
      throw invalid_argument(detail::concat("footprint::ols: solver must be automatic, qr or normal_equations (got ",
                                            static_cast<int>(params_.solver), ")"));
    }
  }

  /// Fits the model (unit weights).
  /// @param X (n_samples, n_features) design matrix, finite, n_samples >= 1
  /// @param y (n_samples) targets, finite
  /// @return status converged, 1 iteration, `final_loss` = weighted mean squared training
  ///         residual (y units squared); the message gives the rank
  /// @throws footprint::dimension_mismatch when y.size() != X.rows();
  ///         footprint::invalid_argument on a non-finite entry (naming row and column) or an
  ///         empty X. On any exception the model is left as it was.
  /// Complexity: O(n_samples n_features^2).
  template <class = void>
  fit_report fit(matrix_cref X, vector_cref y) {
    return fit_impl(X, y, nullptr);
  }

  /// Fits the model with per-row frequency weights (as scikit-learn's `sample_weight`).
  /// @param sample_weight (n_samples) weights, finite, >= 0, with a positive sum
  /// @throws as fit(X, y); footprint::dimension_mismatch when sample_weight.size() != X.rows();
  ///         footprint::invalid_argument for a negative or non-finite weight or a zero sum
  template <class = void>
  fit_report fit(matrix_cref X, vector_cref y, vector_cref sample_weight) {
    return fit_impl(X, y, &sample_weight);
  }

  /// Fits the model from sufficient statistics (e.g. merged from shards of the rows): the
  /// same model as fit(X, y[, sample_weight]) on all the rows the statistics were built
  /// from, to about 1e-12 relative on a well-conditioned design (coefficients, intercept,
  /// predictions and predictive distributions; docs/distributed.md). The statistics hold the
  /// centred Gram matrix only, so the fit takes the normal-equations route whatever
  /// `params().solver` says (on an ill-conditioned design, s_min/s_max below 1e-4, it loses
  /// up to eps cond^2 where fit(X, y) would refactor by QR).
  /// @param stats statistics of at least one row (see linear_statistics)
  /// @return as fit(X, y)
  /// @throws footprint::invalid_argument when stats is empty. On any exception the model is
  ///         left as it was.
  /// Complexity: O(n_features^3).
  template <class = void>
  fit_report fit(const linear_statistics& stats) {
    return fit_spectrum(detail::spectrum_from_statistics(stats, params_.fit_intercept, "footprint::ols::fit"));
  }

  /// Predictions x'b + intercept. @param X (n_samples, n_features), finite
  /// @return (n_samples), units of y
  /// @throws footprint::not_fitted before fit; footprint::dimension_mismatch when
  ///         X.cols() != n_features(); footprint::invalid_argument on a non-finite entry
  template <class = void>
  [[nodiscard]] vector predict(matrix_cref X) const {
    return state_.predict(name, X);
  }

  /// Predictions into `out` (n_samples) without allocating. @throws as predict(X), and
  /// footprint::dimension_mismatch when out.size() != X.rows()
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

  /// Student-t prediction distributions, one per row (see the class comment).
  /// @param X (n_samples, n_features), finite
  /// @throws as predict(X); footprint::invalid_argument when the fit left no residual
  ///         degrees of freedom (sum(w) <= rank + 1) or fitted the data exactly
  /// Complexity: O(n_samples n_features^2).
  template <class = void>
  [[nodiscard]] std::vector<location_scale_t> predict_distribution(matrix_cref X) const {
    return state_.predict_distribution(name, X);
  }

  /// Prediction distributions into `out` (X.rows() elements) without allocating.
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

  /// True after a successful fit.
  /// The fitted state (for saving). @throws not_fitted before fit
  [[nodiscard]] ols_state state() const {
    const detail::linear_predictor& p = state_.get(name, "state");
    return {.params = params_,
            .n_features = state_.n_features,
            .coef = p.coef,
            .intercept = p.intercept,
            .centre = p.centre,
            .factor = p.factor,
            .extra = p.extra,
            .rank = rank_,
            .residual_dof = dof_,
            .noise_variance = s2_};
  }

  /// A fitted model from its state (e.g. one read from a file), checking the hyper-parameters
  /// (as the constructor), the sizes against n_features and rank, and finiteness.
  /// @throws footprint::invalid_argument naming the field
  [[nodiscard]] static ols from_state(ols_state s) {
    constexpr const char* where = "footprint::ols::from_state";
    ols m(s.params);
    const auto fail = [&](const auto&... parts) { throw invalid_argument(detail::concat(where, ": ", parts...)); };
    if (s.n_features < 1) fail("n_features must be >= 1 (got ", s.n_features, ")");
    if (s.rank < 0 || s.rank > s.n_features) fail("rank must be in [0, ", s.n_features, "] (got ", s.rank, ")");
    if (s.coef.size() != s.n_features) fail("coef has ", s.coef.size(), " entries (expected ", s.n_features, ")");
    if (s.centre.size() != s.n_features) fail("centre has ", s.centre.size(), " entries (expected ", s.n_features, ")");
    if (s.factor.rows() != s.n_features || s.factor.cols() != s.rank)
      fail("factor is ", s.factor.rows(), " x ", s.factor.cols(), " (expected ", s.n_features, " x ", s.rank, ")");
    if (!s.coef.allFinite() || !s.centre.allFinite() || !s.factor.allFinite() || !std::isfinite(s.intercept))
      fail("coef, centre, factor and intercept must be finite");
    if (!(std::isfinite(s.extra) && s.extra >= 0.0)) fail("extra must be finite and >= 0 (got ", s.extra, ")");
    if (!std::isfinite(s.residual_dof)) fail("residual_dof must be finite (got ", s.residual_dof, ")");
    if (s.residual_dof > 0.0 && !(s.noise_variance >= 0.0 && std::isfinite(s.noise_variance)))
      fail("noise_variance must be finite and >= 0 when residual_dof > 0 (got ", s.noise_variance, ")");
    detail::linear_predictor& pr = m.state_.predictor;
    pr.coef = std::move(s.coef);
    pr.intercept = s.intercept;
    pr.centre = std::move(s.centre);
    pr.factor = std::move(s.factor);
    pr.extra = s.extra;
    pr.noise_scale2 = s.residual_dof > 0.0 ? s.noise_variance : nan;
    pr.df = s.residual_dof;
    if (!(s.residual_dof > 0.0)) {
      m.state_.distribution_error =
          detail::concat("needs residual degrees of freedom > 0 (got ", s.residual_dof, " = sum of weights - rank ",
                         s.rank, s.params.fit_intercept ? " - 1)" : ")");
    } else if (!(s.noise_variance > 0.0)) {
      m.state_.distribution_error = "the fit has zero residuals: the prediction distribution is degenerate";
    }
    m.state_.fitted = true;
    m.state_.n_features = s.n_features;
    m.rank_ = s.rank;
    m.dof_ = s.residual_dof;
    m.s2_ = pr.noise_scale2;
    return m;
  }

  [[nodiscard]] bool is_fitted() const noexcept { return state_.fitted; }
  /// Number of columns of the X of the last fit (0 before).
  [[nodiscard]] index n_features() const noexcept { return state_.n_features; }
  /// The hyper-parameters.
  [[nodiscard]] const ols_params& params() const noexcept { return params_; }
  /// Coefficients b, (n_features) (scikit-learn's coef_). @throws not_fitted
  [[nodiscard]] const vector& coef() const { return state_.get(name, "coef").coef; }
  /// Intercept (scikit-learn's intercept_). @throws not_fitted
  [[nodiscard]] double intercept() const { return state_.get(name, "intercept").intercept; }
  /// Numerical rank of the centred design. @throws not_fitted
  [[nodiscard]] index rank() const {
    (void)state_.get(name, "rank");
    return rank_;
  }
  /// Residual degrees of freedom, sum(w) - rank - 1 (without intercept: - rank). @throws not_fitted
  [[nodiscard]] double residual_dof() const {
    (void)state_.get(name, "residual_dof");
    return dof_;
  }
  /// Noise variance estimate s^2 = RSS_w / residual_dof (y units squared; NaN when dof <= 0). @throws not_fitted
  [[nodiscard]] double noise_variance() const {
    (void)state_.get(name, "noise_variance");
    return s2_;
  }

 private:
  static constexpr const char* name = "footprint::ols";

  template <class = void>
  fit_report fit_impl(const matrix_cref& X, const vector_cref& y, const vector_cref* w) {
    detail::check_X_y("footprint::ols::fit", X, y, w,
                      detail::missing_values::unchecked);  // X: by decompose's column sums
    return fit_spectrum(detail::decompose("footprint::ols::fit", X, y, w, params_.fit_intercept, params_.solver));
  }

  // The fit from the spectrum of the centred design (from the rows or from merged statistics).
  template <class = void>
  fit_report fit_spectrum(const detail::linear_spectrum& spec) {
    const index k = spec.k();
    const index p = spec.p();
    const double rcond = params_.rcond
                             ? *params_.rcond
                             : std::numeric_limits<double>::epsilon() * static_cast<double>(std::max(spec.n_rows, p));
    const double cutoff = rcond * (k > 0 ? spec.s[0] : 0.0);
    index rank = 0;
    while (rank < k && spec.s[rank] > cutoff) ++rank;

    detail::linear_model_state next;
    detail::linear_predictor& pr = next.predictor;
    vector beta(rank);
    double rss = spec.rss_perp;
    for (index i = 0; i < k; ++i) {
      if (i < rank) {
        beta[i] = spec.c[i] / spec.s[i];
      } else {
        rss += spec.c[i] * spec.c[i];
      }
    }
    pr.coef = spec.V.leftCols(rank) * beta;
    pr.intercept = params_.fit_intercept ? spec.y_offset - spec.x_offset.dot(pr.coef) : 0.0;
    pr.centre = spec.x_offset;
    pr.factor = spec.V.leftCols(rank);  // (Xc'W Xc)^+ = V_r diag(1/s^2) V_r'
    for (index j = 0; j < rank; ++j) pr.factor.col(j) /= spec.s[j];
    const double dof = spec.weight_sum - static_cast<double>(rank) - (params_.fit_intercept ? 1.0 : 0.0);
    const double s2 = dof > 0.0 ? rss / dof : nan;
    pr.noise_scale2 = s2;
    pr.extra = params_.fit_intercept ? 1.0 / spec.weight_sum : 0.0;
    pr.df = dof;
    if (!(dof > 0.0)) {
      next.distribution_error =
          detail::concat("needs residual degrees of freedom > 0 (got ", dof, " = sum of weights - rank ", rank,
                         params_.fit_intercept ? " - 1)" : ")");
    } else if (!(s2 > 0.0)) {
      next.distribution_error = "the fit has zero residuals: the prediction distribution is degenerate";
    }
    next.fitted = true;
    next.n_features = p;

    state_ = std::move(next);
    rank_ = rank;
    dof_ = dof;
    s2_ = s2;
    return fit_report{.status = fit_status::converged,
                      .iterations = 1,
                      .final_loss = rss / spec.weight_sum,
                      .message = detail::concat("rank ", rank, " of ", p)};
  }

  ols_params params_;
  detail::linear_model_state state_;
  index rank_ = 0;
  double dof_ = nan;
  double s2_ = nan;
};

}  // namespace footprint
