/// @file models/linear/ridge.hpp
/// @brief `ridge`: L2-penalised least squares (Hoerl & Kennard 1970) with an approximate
/// Student-t predictive, a baseline for richer models. See docs/bayesian-linear.md.
///
/// Includes Eigen/Dense and Boost.Math's normal and Student-t distributions.
#pragma once

#include "footprint/detail/concat.hpp"
#include "footprint/distributions/location_scale_t.hpp"
#include "footprint/error.hpp"
#include "footprint/models/detail/linear_fit.hpp"
#include "footprint/models/linear/linear_solver.hpp"
#include "footprint/types.hpp"

#include <Eigen/Dense>

#include <cmath>
#include <span>
#include <vector>

namespace footprint {

/// Hyper-parameters of `ridge`, validated by its constructor.
struct ridge_params {
  double alpha = 1.0;         ///< L2 penalty (scikit-learn's alpha), in y^2/x^2 units; finite, >= 0
  bool fit_intercept = true;  ///< centre X and y by their (weighted) means; the intercept is not penalised
  linear_solver solver = linear_solver::automatic;  ///< factorisation of the design (see linear_solver)
};

/// The fitted state of a `ridge`: everything it predicts from (and everything
/// io/linear_model_json.hpp saves); `ridge::from_state` validates it. The predictive
/// distribution's parameter uncertainty is factor factor' = A^-1 Xc'W Xc A^-1.
struct ridge_state {
  ridge_params params;          ///< the hyper-parameters it was fitted with
  index n_features = 0;         ///< columns of the training X; >= 1
  vector coef;                  ///< (n_features)
  double intercept = 0.0;       ///< finite
  vector centre;                ///< (n_features) training column means (x_offset)
  matrix factor;                ///< (n_features, k), k = min(n_samples, n_features) at the fit
  double extra = 0.0;           ///< 1 / sum(w) with intercept, else 0; finite, >= 0
  double effective_dof = nan;   ///< df_eff = sum s^2 / (s^2 + alpha), in [0, n_features]
  double residual_dof = nan;    ///< sum(w) - df_eff (- 1 with intercept); finite
  double noise_variance = nan;  ///< s^2 = RSS_w / residual_dof; NaN when residual_dof <= 0
};

/// Ridge regression: minimises sum_i w_i (y_i - intercept - x_i'b)^2 + alpha |b|^2.
///
/// Rows are observations: X is (n_samples, n_features), y is (n_samples). Coefficients,
/// intercept and predictions match scikit-learn's `Ridge(alpha, fit_intercept)` to 1e-8
/// (its Cholesky solver; X and y centred by their weighted means, the intercept not
/// penalised). b = V diag(s / (s^2 + alpha)) U'ys from the SVD of the centred, sqrt-weighted
/// design; with alpha = 0 directions with s <= 1e-15 get a zero coefficient (scikit-learn's
/// SVD solver rule).
///
/// The predictive distribution is an approximation that ignores the penalty's bias: a
/// Student-t with df = sum(w) - df_eff - 1, df_eff = sum s^2/(s^2 + alpha) the effective
/// number of parameters (Hastie, Tibshirani & Friedman 2009, eq. 3.50), location x'b +
/// intercept and scale^2 = s^2 (1 + 1/sum(w) + xc' A^-1 Xc'W Xc A^-1 xc) with
/// A = Xc'W Xc + alpha I and s^2 = RSS_w / df (the sampling variance of the ridge
/// estimator plus the noise). Weights are frequency weights. A `ProbabilisticRegressor`
/// and a `WeightedRegressor`.
///
/// Thread safety: const member functions may run concurrently after `fit`.
class ridge {
 public:
  /// The predictive distribution of one row (Student-t).
  using distribution_type = location_scale_t;

  /// A model with the default parameters (alpha = 1).
  ridge() : ridge(ridge_params{}) {}

  /// @param params hyper-parameters
  /// @throws footprint::invalid_argument when alpha is negative or not finite, e.g.
  ///         `footprint::ridge: alpha must be finite and >= 0 (got -1)`
  explicit ridge(ridge_params params) : params_(params) {
    if (!(params_.alpha >= 0.0) || !std::isfinite(params_.alpha)) {
      throw invalid_argument(
          detail::concat("footprint::ridge: alpha must be finite and >= 0 (got ", params_.alpha, ")"));
    }
    if (!is_valid(params_.solver)) {
      throw invalid_argument(detail::concat("footprint::ridge: solver must be automatic, qr or normal_equations (got ",
                                            static_cast<int>(params_.solver), ")"));
    }
  }

  /// Fits the model (unit weights).
  /// @param X (n_samples, n_features) design matrix, finite, n_samples >= 1
  /// @param y (n_samples) targets, finite
  /// @return status converged, 1 iteration, `final_loss` = weighted mean squared training
  ///         residual (y units squared); the message gives df_eff
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

  /// Approximate Student-t predictive distributions, one per row (see the class comment).
  /// @throws as predict(X); footprint::invalid_argument when the fit left no residual
  ///         degrees of freedom (sum(w) <= df_eff + 1) or fitted the data exactly
  /// Complexity: O(n_samples n_features^2).
  template <class = void>
  [[nodiscard]] std::vector<location_scale_t> predict_distribution(matrix_cref X) const {
    return state_.predict_distribution(name, X);
  }

  /// Predictive distributions into `out` (X.rows() elements) without allocating.
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
  [[nodiscard]] bool is_fitted() const noexcept { return state_.fitted; }
  /// Number of columns of the X of the last fit (0 before).
  [[nodiscard]] index n_features() const noexcept { return state_.n_features; }
  /// The hyper-parameters.
  [[nodiscard]] const ridge_params& params() const noexcept { return params_; }

  /// The fitted state (what io/linear_model_json.hpp saves). @throws not_fitted
  [[nodiscard]] ridge_state state() const {
    const detail::linear_predictor& p = state_.get(name, "state");
    return {.params = params_,
            .n_features = state_.n_features,
            .coef = p.coef,
            .intercept = p.intercept,
            .centre = p.centre,
            .factor = p.factor,
            .extra = p.extra,
            .effective_dof = df_eff_,
            .residual_dof = dof_,
            .noise_variance = s2_};
  }

  /// A fitted model from its state (e.g. read from a file): predicts exactly as the model
  /// that produced the state.
  /// @throws footprint::invalid_argument naming the first field out of range (parameters
  ///         as the constructor; n_features >= 1; coef, centre (n_features) and factor
  ///         (n_features rows) finite; extra finite and >= 0; effective_dof in
  ///         [0, n_features]; residual_dof finite; noise_variance finite and >= 0 when
  ///         residual_dof > 0)
  [[nodiscard]] static ridge from_state(ridge_state s) {
    constexpr const char* where = "footprint::ridge::from_state";
    ridge m(s.params);
    const auto fail = [&](const auto&... parts) { throw invalid_argument(detail::concat(where, ": ", parts...)); };
    if (s.n_features < 1) fail("n_features must be >= 1 (got ", s.n_features, ")");
    if (s.coef.size() != s.n_features) fail("coef has ", s.coef.size(), " entries (expected ", s.n_features, ")");
    if (s.centre.size() != s.n_features) fail("centre has ", s.centre.size(), " entries (expected ", s.n_features, ")");
    if (s.factor.rows() != s.n_features || s.factor.cols() > s.n_features)
      fail("factor is ", s.factor.rows(), " x ", s.factor.cols(), " (expected ", s.n_features, " rows and at most ",
           s.n_features, " columns)");
    if (!s.coef.allFinite() || !s.centre.allFinite() || !s.factor.allFinite() || !std::isfinite(s.intercept))
      fail("coef, centre, factor and intercept must be finite");
    if (!(std::isfinite(s.extra) && s.extra >= 0.0)) fail("extra must be finite and >= 0 (got ", s.extra, ")");
    if (!(s.effective_dof >= 0.0 && s.effective_dof <= static_cast<double>(s.n_features)))
      fail("effective_dof must be in [0, n_features] (got ", s.effective_dof, ")");
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
          detail::concat("needs residual degrees of freedom > 0 (got ", s.residual_dof,
                         " = sum of weights - effective dof ", s.effective_dof, s.params.fit_intercept ? " - 1)" : ")");
    } else if (!(s.noise_variance > 0.0)) {
      m.state_.distribution_error = "the fit has zero residuals: the predictive distribution is degenerate";
    }
    m.state_.fitted = true;
    m.state_.n_features = s.n_features;
    m.df_eff_ = s.effective_dof;
    m.dof_ = s.residual_dof;
    m.s2_ = pr.noise_scale2;
    return m;
  }
  /// Coefficients b, (n_features) (scikit-learn's coef_). @throws not_fitted
  [[nodiscard]] const vector& coef() const { return state_.get(name, "coef").coef; }
  /// Intercept (scikit-learn's intercept_). @throws not_fitted
  [[nodiscard]] double intercept() const { return state_.get(name, "intercept").intercept; }
  /// Effective number of parameters df_eff = sum s^2/(s^2 + alpha), in [0, n_features]. @throws not_fitted
  [[nodiscard]] double effective_dof() const {
    (void)state_.get(name, "effective_dof");
    return df_eff_;
  }
  /// Residual degrees of freedom, sum(w) - df_eff - 1 (without intercept: - df_eff). @throws not_fitted
  [[nodiscard]] double residual_dof() const {
    (void)state_.get(name, "residual_dof");
    return dof_;
  }
  /// Noise variance estimate RSS_w / residual_dof (y units squared; NaN when dof <= 0). @throws not_fitted
  [[nodiscard]] double noise_variance() const {
    (void)state_.get(name, "noise_variance");
    return s2_;
  }

 private:
  static constexpr const char* name = "footprint::ridge";

  template <class = void>
  fit_report fit_impl(const matrix_cref& X, const vector_cref& y, const vector_cref* w) {
    detail::check_X_y("footprint::ridge::fit", X, y, w,
                      detail::missing_values::unchecked);  // X: by decompose's column sums
    const detail::linear_spectrum spec =
        detail::decompose("footprint::ridge::fit", X, y, w, params_.fit_intercept, params_.solver);
    const index k = spec.k();
    const double a = params_.alpha;

    detail::linear_model_state next;
    detail::linear_predictor& pr = next.predictor;
    vector beta = vector::Zero(k);
    vector shrink = vector::Zero(k);  // s / (s^2 + alpha): the predictive factor's scaling
    double rss = spec.rss_perp;
    double df_eff = 0.0;
    for (index i = 0; i < k; ++i) {
      const double s = spec.s[i];
      if (a > 0.0 || s > 1e-15) {
        const double d = s * s + a;
        beta[i] = s * spec.c[i] / d;
        shrink[i] = s / d;
        df_eff += s * s / d;
        const double r = a * spec.c[i] / d;
        rss += r * r;
      } else {
        rss += spec.c[i] * spec.c[i];
      }
    }
    pr.coef = spec.V.leftCols(k) * beta;
    pr.intercept = params_.fit_intercept ? spec.y_offset - spec.x_offset.dot(pr.coef) : 0.0;
    pr.centre = spec.x_offset;
    pr.factor = spec.V.leftCols(k) * shrink.asDiagonal();  // A^-1 Xc'W Xc A^-1 = factor factor'
    const double dof = spec.weight_sum - df_eff - (params_.fit_intercept ? 1.0 : 0.0);
    const double s2 = dof > 0.0 ? rss / dof : nan;
    pr.noise_scale2 = s2;
    pr.extra = params_.fit_intercept ? 1.0 / spec.weight_sum : 0.0;
    pr.df = dof;
    if (!(dof > 0.0)) {
      next.distribution_error =
          detail::concat("needs residual degrees of freedom > 0 (got ", dof, " = sum of weights - effective dof ",
                         df_eff, params_.fit_intercept ? " - 1)" : ")");
    } else if (!(s2 > 0.0)) {
      next.distribution_error = "the fit has zero residuals: the predictive distribution is degenerate";
    }
    next.fitted = true;
    next.n_features = X.cols();

    state_ = std::move(next);
    df_eff_ = df_eff;
    dof_ = dof;
    s2_ = s2;
    return fit_report{.status = fit_status::converged,
                      .iterations = 1,
                      .final_loss = rss / spec.weight_sum,
                      .message = detail::concat("effective dof ", df_eff)};
  }

  ridge_params params_;
  detail::linear_model_state state_;
  double df_eff_ = nan;
  double dof_ = nan;
  double s2_ = nan;
};

}  // namespace footprint
