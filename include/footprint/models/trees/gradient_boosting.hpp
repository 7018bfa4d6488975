/// @file models/trees/gradient_boosting.hpp
/// @brief `gradient_boosting`: histogram gradient-boosted regression trees in the manner of
/// XGBoost's `hist` (Chen & Guestrin 2016) and LightGBM (Ke et al. 2017), with squared-error,
/// Huber and quantile (pinball) losses, monotone constraints, early stopping and a predictive
/// distribution from quantile models trained alongside the mean model. Its fitted state is
/// the public aggregate `gradient_boosting_state`. Long definitions are in
/// gradient_boosting_impl.hpp. See docs/tree-ensembles.md.
#pragma once

#include "footprint/detail/checks.hpp"
#include "footprint/detail/concat.hpp"
#include "footprint/distributions/quantile_distribution.hpp"
#include "footprint/error.hpp"
#include "footprint/models/detail/tree_binning.hpp"
#include "footprint/models/detail/tree_common.hpp"
#include "footprint/models/detail/tree_grower.hpp"
#include "footprint/models/detail/where.hpp"
#include "footprint/models/trees/regression_tree.hpp"
#include "footprint/models/trees/tree_ensemble.hpp"
#include "footprint/types.hpp"

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace footprint {

/// Loss minimised by `gradient_boosting`.
enum class boosting_loss : std::uint8_t {
  squared_error,  ///< (y - f)^2 / 2: f estimates the conditional mean
  huber,  ///< Huber loss with delta = the `huber_quantile` quantile of |y - f| at each round (Friedman 2001, sec. 4.4)
  quantile,  ///< pinball loss at level `quantile_alpha`: f estimates the conditional quantile (leaves re-fitted to the residual quantile, as LightGBM)
};

/// Name of a loss, e.g. "squared_error".
[[nodiscard]] constexpr std::string_view to_string(boosting_loss l) noexcept {
  switch (l) {
    case boosting_loss::squared_error: return "squared_error";
    case boosting_loss::huber: return "huber";
    case boosting_loss::quantile: return "quantile";
  }
  return "unknown";
}

/// How trees are grown.
enum class tree_growth : std::uint8_t {
  depthwise,  ///< level by level up to max_depth (XGBoost's default `depthwise`)
  leafwise,   ///< best leaf first up to max_leaves (LightGBM; XGBoost's `lossguide`)
};

/// Name of a growth policy, e.g. "depthwise".
[[nodiscard]] constexpr std::string_view to_string(tree_growth g) noexcept {
  return g == tree_growth::depthwise ? "depthwise" : "leafwise";
}

/// Hyper-parameters of `gradient_boosting`, validated by its constructor. Names and
/// defaults follow XGBoost (`eta` = learning_rate, `lambda`, `alpha`, `gamma` =
/// min_split_gain, `min_child_weight`, `subsample`, `colsample_bytree/bynode`).
struct gradient_boosting_params {
  boosting_loss loss = boosting_loss::squared_error;  ///< loss of the mean (point) model
  index n_estimators = 100;                           ///< boosting rounds (trees), >= 1
  double learning_rate = 0.1;                         ///< shrinkage of each tree, in (0, 1]
  tree_growth growth = tree_growth::depthwise;        ///< depthwise or leafwise
  index max_depth = 6;                                ///< maximum depth, >= 0; 0 = unlimited (leafwise only)
  index max_leaves = 0;           ///< maximum leaves per tree, 0 or >= 2; 0 = unlimited (depthwise) or 31 (leafwise)
  index max_bins = 255;           ///< histogram bins per feature, in [2, 255]
  double lambda = 1.0;            ///< L2 penalty on leaf values, >= 0 (units of the hessian sum)
  double alpha = 0.0;             ///< L1 penalty on leaf values, >= 0 (units of the gradient sum)
  double min_split_gain = 0.0;    ///< minimum loss reduction of a split, >= 0 (XGBoost's gamma)
  double min_child_weight = 1.0;  ///< minimum hessian sum (weight, for squared error) per child, >= 0
  index min_samples_leaf = 1;     ///< minimum rows per leaf, >= 1
  double subsample = 1.0;         ///< fraction of rows drawn (without replacement, Bernoulli) per tree, in (0, 1]
  double colsample_bytree = 1.0;  ///< fraction of features drawn per tree, in (0, 1]
  double colsample_bynode = 1.0;  ///< fraction of the tree's features tried per node, in (0, 1]
  double quantile_alpha = 0.5;    ///< level of the quantile loss, in (0, 1)
  double huber_quantile = 0.9;    ///< Huber delta = this quantile of |residuals| each round, in (0, 1)
  /// Per feature: +1 prediction non-decreasing in the feature, -1 non-increasing, 0 free;
  /// empty (default) or one entry per column of X (XGBoost's `monotone_constraints`).
  std::vector<int> monotone_constraints;
  /// Levels in (0, 1), strictly increasing, of quantile-loss models trained alongside the
  /// mean model for predict_distribution (e.g. {0.05, 0.25, 0.5, 0.75, 0.95}). Each level
  /// costs one more model: fit time and memory grow by a factor 1 + levels.size(). Empty
  /// (default): the distribution is the prediction plus the training residuals' quantiles.
  std::vector<double> quantile_levels;
  index early_stopping_rounds = 0;   ///< stop after this many rounds without validation improvement, >= 0; 0 = off
  double validation_fraction = 0.0;  ///< with fit(X, y[, w]): rows held out for early stopping, in [0, 1); 0 = none
  std::uint64_t seed = 0;            ///< seed of row/column sampling (tree m uses stream (seed, m))
  /// OpenMP threads, >= 0; 0 = all. With quantile_levels the threads fit whole models (the
  /// mean and each quantile model) side by side; otherwise they share each tree's work.
  int n_threads = 0;
};

/// The fitted state of a `gradient_boosting` model: everything it predicts from (and
/// everything io/tree_model_json.hpp saves). `gradient_boosting::from_state` validates it.
struct gradient_boosting_state {
  gradient_boosting_params params;  ///< hyper-parameters, as the constructor validates them
  index n_features = 0;             ///< columns of the X of the fit, >= 1
  /// The mean (point) model: base score plus the trees (learning rate applied), scale 1, no
  /// float accumulation, 1 to params.n_estimators trees, n_features features.
  tree_ensemble mean;
  /// One model per params.quantile_levels entry, each like `mean` (empty without levels).
  std::vector<tree_ensemble> quantile_models;
  /// Levels of the predictive distribution's quantiles, strictly increasing in (0, 1):
  /// params.quantile_levels, or (without them) the 21 levels 0.01, 0.025, ..., 0.99.
  std::vector<double> levels;
  /// Without quantile_levels: the weighted quantiles (units of y) of the training residuals
  /// at `levels`, finite and non-decreasing; with them: empty.
  std::vector<double> residual_quantiles;
  /// Validation loss after each round of the mean model (finite, at most n_estimators
  /// entries; empty without validation data).
  std::vector<double> validation_history;
};

/// Gradient-boosted regression trees (Friedman 2001) with second-order (Newton) leaf values
/// and histogram split finding (Chen & Guestrin 2016; Ke et al. 2017). A
/// `ProbabilisticRegressor` and a `WeightedRegressor`.
///
/// Rows are observations: X is (n_samples, n_features), y is (n_samples). NaN in X is a
/// missing value; each split learns where missing values go (Chen & Guestrin 2016, alg. 3).
/// Features are binned into at most `max_bins` quantile bins. The prediction is
/// base_score + sum_m learning_rate * tree_m(x), with base_score the weighted mean (squared
/// error), median (Huber) or quantile_alpha-quantile (quantile loss) of y.
///
/// Leaf values are w = -T_alpha(G)/(H + lambda) (Chen & Guestrin 2016 eq. 5 with L1), split
/// gains eq. 7. Monotone constraints follow XGBoost: a split on a constrained feature must
/// order its children's values, and the midpoint bounds every leaf below it, so the model is
/// monotone in that feature everywhere. For the quantile loss the leaf values are re-fitted
/// to the residuals' quantile (as LightGBM), then re-bounded to keep monotonicity.
///
/// Predictive distribution (`predict_distribution`): with `quantile_levels`, a
/// `quantile_distribution` built from the quantile models' predictions (sorted if they
/// cross) with `mean(d) == predict(X)[i]`; without, the prediction plus the weighted
/// quantiles of the training residuals at 21 levels from 0.01 to 0.99 (homoscedastic, and
/// narrower than out-of-sample errors).
///
/// Determinism: histograms are summed per feature in row order and reductions in fixed
/// blocks, so the same seed and data give the same model for any thread count. Thread
/// safety: const member functions may run concurrently after `fit`.
class gradient_boosting {
 public:
  /// Per-row predictive distribution.
  using distribution_type = quantile_distribution;

  /// A model with default parameters.
  gradient_boosting() : gradient_boosting(gradient_boosting_params{}) {}

  /// @param params hyper-parameters (see gradient_boosting_params for ranges)
  /// @throws footprint::invalid_argument when a parameter is out of range, e.g.
  ///         `footprint::gradient_boosting: learning_rate must be in (0, 1] (got 1.5)`
  explicit gradient_boosting(gradient_boosting_params params) {
    validate(params, name, "");
    state_.params = std::move(params);
  }

  /// A fitted model from its state (e.g. one read from a file), validating every field:
  /// the parameters, the shapes and settings of the ensembles, the levels and quantiles.
  /// @throws footprint::invalid_argument naming the field, e.g.
  ///         `footprint::gradient_boosting::from_state: levels must increase strictly in (0, 1) (got 0.5 after 0.90000000000000002)`
  template <class = void>
  [[nodiscard]] static gradient_boosting from_state(gradient_boosting_state state);

  /// The fitted state (no copy). @throws footprint::not_fitted before fit
  [[nodiscard]] const gradient_boosting_state& state() const {
    detail::require_fitted(fitted_, "footprint::gradient_boosting::state");
    return state_;
  }

  /// Fits the model (unit weights). With validation_fraction > 0, that fraction of the rows
  /// (drawn with the seed) is held out for early stopping.
  /// @param X (n_samples, n_features); NaN = missing; +-inf not allowed; n_features <= 65535
  /// @param y (n_samples) targets, finite, any units (e.g. bps)
  /// @return status `converged` (all rounds) or `early_stopped`; iterations = trees kept in
  ///         the mean model; final_loss = weighted training loss of the mean model (squared
  ///         error: MSE/2 in y units^2; Huber and quantile: mean loss in y units)
  /// @throws footprint::dimension_mismatch when y.size() != X.rows() or monotone_constraints
  ///         has neither 0 nor X.cols() entries
  /// @throws footprint::invalid_argument on +-inf in X, non-finite y, or an empty X
  /// Complexity: O(n_estimators (n_samples n_features + 256 n_features leaves)) per model.
  template <class = void>
  fit_report fit(matrix_cref X, vector_cref y) {
    return fit_impl(X, y, nullptr, nullptr, nullptr);
  }

  /// Fits with per-row sample weights (multiply gradients and hessians, as XGBoost).
  /// @param sample_weight (n_samples), finite, >= 0, positive sum
  /// @throws as fit(X, y); dimension_mismatch when sample_weight.size() != X.rows();
  ///         invalid_argument for a negative or non-finite weight or a zero sum
  template <class = void>
  fit_report fit(matrix_cref X, vector_cref y, vector_cref sample_weight) {
    return fit_impl(X, y, &sample_weight, nullptr, nullptr);
  }

  /// Fits with an explicit validation set for early stopping (validation_fraction ignored).
  /// @param X_valid (n_valid, n_features), NaN = missing; @param y_valid (n_valid), finite
  /// @throws as fit(X, y, w); dimension_mismatch when X_valid.cols() != X.cols() or
  ///         y_valid.size() != X_valid.rows()
  template <class = void>
  fit_report fit(matrix_cref X, vector_cref y, vector_cref sample_weight, matrix_cref X_valid, vector_cref y_valid) {
    return fit_impl(X, y, &sample_weight, &X_valid, &y_valid);
  }

  /// Point predictions of the mean model, one per row.
  /// @param X (n_samples, n_features()); NaN = missing
  /// @return (n_samples), units of y
  /// @throws footprint::not_fitted before fit; footprint::dimension_mismatch on a column mismatch
  [[nodiscard]] vector predict(matrix_cref X) const {
    vector out(X.rows());
    predict(X, out);
    return out;
  }

  /// Point predictions into `out` (no allocation for one row, or for blocks when
  /// n_features <= 64). @throws as predict(X); dimension_mismatch when out.size() != X.rows()
  void predict(matrix_cref X, vector_ref out) const { predict_rows(detail::rows_of(X), out); }

  /// As predict(X) on row-major data (e.g. a C-ordered numpy array), read in place: the same
  /// predictions, bit for bit. @throws as predict(X)
  [[nodiscard]] vector predict(row_major_view X) const {
    vector out(X.rows());
    predict(X, out);
    return out;
  }

  /// As predict(X, out) on row-major data, read in place. @throws as predict(X, out)
  void predict(row_major_view X, vector_ref out) const { predict_rows(detail::rows_of(X), out); }

  /// Prediction for one row without allocation or exception (the serving hot path).
  /// @param x one row, x.size() == n_features(); NaN = missing
  /// @return the mean model's prediction (units of y), bit-identical to predict(X) on the
  ///         row; NaN when the model is not fitted or x.size() != n_features()
  [[nodiscard]] double predict_row(std::span<const double> x) const noexcept {
    if (!fitted_ || static_cast<index>(x.size()) != state_.n_features) return nan;
    return state_.mean.predict_row(x);
  }

  /// Predictive distributions, one per row (see the class comment); `mean(d)` equals
  /// `predict(X)[i]`.
  /// @param X (n_samples, n_features()); NaN = missing
  /// @throws as predict(X)
  template <class = void>
  [[nodiscard]] std::vector<quantile_distribution> predict_distribution(matrix_cref X) const {
    return distribution_rows(detail::rows_of(X));
  }

  /// As predict_distribution(X) on row-major data, read in place (the same distributions).
  template <class = void>
  [[nodiscard]] std::vector<quantile_distribution> predict_distribution(row_major_view X) const {
    return distribution_rows(detail::rows_of(X));
  }

  /// Predicted quantiles at the distribution's levels: (n_samples, levels().size()), y units
  /// (sorted per row). @throws as predict(X)
  template <class = void>
  [[nodiscard]] matrix predict_quantiles(matrix_cref X) const;

  /// True after a successful fit (or from_state).
  [[nodiscard]] bool is_fitted() const noexcept { return fitted_; }
  /// Number of columns of the X of the last fit (0 before).
  [[nodiscard]] index n_features() const noexcept { return state_.n_features; }
  /// The hyper-parameters.
  [[nodiscard]] const gradient_boosting_params& params() const noexcept { return state_.params; }
  /// The mean model's trees and inference engine. @throws not_fitted
  [[nodiscard]] const tree_ensemble& ensemble() const { return state().mean; }
  /// The quantile models (one per params().quantile_levels entry). @throws not_fitted
  [[nodiscard]] const std::vector<tree_ensemble>& quantile_models() const { return state().quantile_models; }
  /// Levels of the predictive distribution's quantiles. @throws not_fitted
  [[nodiscard]] const std::vector<double>& levels() const { return state().levels; }
  /// Rounds kept in the mean model (the best validation round + 1 with early stopping).
  [[nodiscard]] index best_iteration() const noexcept { return state_.mean.n_trees(); }
  /// Validation loss after each round of the mean model (empty without validation data).
  [[nodiscard]] const std::vector<double>& validation_history() const noexcept { return state_.validation_history; }
  /// Gain importance of the mean model, normalised to sum to 1, (n_features()). @throws not_fitted
  [[nodiscard]] vector feature_importances() const { return state().mean.feature_importances(); }

 private:
  static constexpr const char* name = "footprint::gradient_boosting";

  struct train_data;
  struct booster_result;
  template <class = void>
  class booster;

  /// Checks every parameter; messages name `where` and prefix + the parameter.
  static void validate(const gradient_boosting_params& p, std::string_view where, std::string_view prefix);
  /// Checks the fitted parts of a state (everything but the parameters).
  template <class = void>
  static void validate_fitted(const gradient_boosting_state& s, std::string_view where);
  /// The 21 levels of the residual distribution (without quantile_levels).
  static std::shared_ptr<const std::vector<double>> residual_levels();

  void check_predict(const char* fn, index cols) const {
    detail::check_predict(detail::where_t{name, fn}, fitted_, cols, state_.n_features);
  }

  template <class = void>
  [[nodiscard]] std::vector<quantile_distribution> distribution_rows(const detail::strided_rows& X) const;

  void predict_rows(const detail::strided_rows& X, vector_ref out) const {
    check_predict("predict", X.cols);
    if (out.size() != X.rows)
      throw dimension_mismatch(detail::concat(name, "::predict"), "out.size() must equal X.rows()", X.rows, out.size());
    state_.mean.predict_unchecked(X, out, state_.params.n_threads);
  }

  // Templates (never given an argument): training compiles only where a model is fitted.
  template <class = void>
  fit_report fit_impl(const matrix_cref& X, const vector_cref& y, const vector_cref* w, const matrix_cref* Xv,
                      const vector_cref* yv);
  /// The checks of fit_impl beyond the training data's: monotone constraints and the
  /// explicit validation set.
  template <class = void>
  void check_fit(const std::string& where, const matrix_cref& X, const matrix_cref* Xv, const vector_cref* yv) const;
  /// The mean model and each quantile model, side by side on the threads when there are
  /// quantile models (see fit_impl).
  template <class = void>
  void train_models(const train_data& td, int nt, booster_result& mean, std::vector<tree_ensemble>& qmodels) const;
  /// Weighted quantiles of the training residuals y - F at `levels`.
  template <class = void>
  static std::vector<double> residual_quantiles(const train_data& td, const std::vector<double>& F,
                                                const std::vector<double>& levels);

  gradient_boosting_state state_;
  std::shared_ptr<const std::vector<double>> levels_;  ///< state_.levels, shared with the distributions
  bool fitted_ = false;
};

}  // namespace footprint

#include "footprint/models/trees/gradient_boosting_impl.hpp"
