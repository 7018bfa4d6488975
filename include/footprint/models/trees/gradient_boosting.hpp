/// @file models/trees/gradient_boosting.hpp
/// @brief `gradient_boosting`: histogram gradient-boosted regression trees in the manner of
/// XGBoost's `hist` (Chen & Guestrin 2016) and LightGBM (Ke et al. 2017), with squared-error,
/// Huber and quantile (pinball) losses, monotone constraints, early stopping and a predictive
/// distribution from quantile models trained alongside the mean model. See
/// docs/tree-ensembles.md.
#pragma once

#include "footprint/detail/checks.hpp"
#include "footprint/detail/concat.hpp"
#include "footprint/detail/parallel.hpp"
#include "footprint/error.hpp"
#include "footprint/models/detail/tree_binning.hpp"
#include "footprint/models/detail/tree_common.hpp"
#include "footprint/models/detail/tree_grower.hpp"
#include "footprint/models/detail/where.hpp"
#include "footprint/distributions/quantile_distribution.hpp"
#include "footprint/models/trees/regression_tree.hpp"
#include "footprint/models/trees/tree_ensemble.hpp"
#include "footprint/types.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace footprint {

namespace detail {
struct tree_model_access;
}

/// Loss minimised by `gradient_boosting`.
enum class boosting_loss : std::uint8_t {
  squared_error,  ///< (y - f)^2 / 2: f estimates the conditional mean
  huber,          ///< Huber loss with delta = the `huber_quantile` quantile of |y - f| at each round (Friedman 2001, sec. 4.4)
  quantile,       ///< pinball loss at level `quantile_alpha`: f estimates the conditional quantile (leaves re-fitted to the residual quantile, as LightGBM)
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
  index n_estimators = 100;      ///< boosting rounds (trees), >= 1
  double learning_rate = 0.1;    ///< shrinkage of each tree, in (0, 1]
  tree_growth growth = tree_growth::depthwise;  ///< depthwise or leafwise
  index max_depth = 6;           ///< maximum depth, >= 0; 0 = unlimited (leafwise only)
  index max_leaves = 0;          ///< maximum leaves per tree, 0 or >= 2; 0 = unlimited (depthwise) or 31 (leafwise)
  index max_bins = 255;          ///< histogram bins per feature, in [2, 255]
  double lambda = 1.0;           ///< L2 penalty on leaf values, >= 0 (units of the hessian sum)
  double alpha = 0.0;            ///< L1 penalty on leaf values, >= 0 (units of the gradient sum)
  double min_split_gain = 0.0;   ///< minimum loss reduction of a split, >= 0 (XGBoost's gamma)
  double min_child_weight = 1.0; ///< minimum hessian sum (weight, for squared error) per child, >= 0
  index min_samples_leaf = 1;    ///< minimum rows per leaf, >= 1
  double subsample = 1.0;        ///< fraction of rows drawn (without replacement, Bernoulli) per tree, in (0, 1]
  double colsample_bytree = 1.0; ///< fraction of features drawn per tree, in (0, 1]
  double colsample_bynode = 1.0; ///< fraction of the tree's features tried per node, in (0, 1]
  double quantile_alpha = 0.5;   ///< level of the quantile loss, in (0, 1)
  double huber_quantile = 0.9;   ///< Huber delta = this quantile of |residuals| each round, in (0, 1)
  /// Per feature: +1 prediction non-decreasing in the feature, -1 non-increasing, 0 free;
  /// empty (default) or one entry per column of X (XGBoost's `monotone_constraints`).
  std::vector<int> monotone_constraints;
  /// Levels in (0, 1), strictly increasing, of quantile-loss models trained alongside the
  /// mean model for predict_distribution (e.g. {0.05, 0.25, 0.5, 0.75, 0.95}). Each level
  /// costs one more model: fit time and memory grow by a factor 1 + levels.size(). Empty
  /// (default): the distribution is the prediction plus the training residuals' quantiles.
  std::vector<double> quantile_levels;
  index early_stopping_rounds = 0;  ///< stop after this many rounds without validation improvement, >= 0; 0 = off
  double validation_fraction = 0.0; ///< with fit(X, y[, w]): rows held out for early stopping, in [0, 1); 0 = none
  std::uint64_t seed = 0;           ///< seed of row/column sampling (tree m uses stream (seed, m))
  /// OpenMP threads, >= 0; 0 = all. With quantile_levels the threads fit whole models (the
  /// mean and each quantile model) side by side; otherwise they share each tree's work.
  int n_threads = 0;
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
  explicit gradient_boosting(gradient_boosting_params params) : params_(std::move(params)) {
    const auto& p = params_;
    const auto bad = [](const char* what, auto got) {
      throw invalid_argument(detail::concat(name, ": ", what, " (got ", got, ")"));
    };
    if (p.n_estimators < 1) bad("n_estimators must be >= 1", p.n_estimators);
    if (!(p.learning_rate > 0.0 && p.learning_rate <= 1.0)) bad("learning_rate must be in (0, 1]", p.learning_rate);
    if (p.max_depth < 0) bad("max_depth must be >= 0", p.max_depth);
    if (p.growth == tree_growth::depthwise && p.max_depth == 0) bad("max_depth must be >= 1 with depthwise growth", p.max_depth);
    if (p.max_leaves < 0 || p.max_leaves == 1) bad("max_leaves must be 0 or >= 2", p.max_leaves);
    if (p.max_bins < 2 || p.max_bins > 255) bad("max_bins must be in [2, 255]", p.max_bins);
    if (!(p.lambda >= 0.0) || !std::isfinite(p.lambda)) bad("lambda must be finite and >= 0", p.lambda);
    if (!(p.alpha >= 0.0) || !std::isfinite(p.alpha)) bad("alpha must be finite and >= 0", p.alpha);
    if (!(p.min_split_gain >= 0.0) || !std::isfinite(p.min_split_gain)) bad("min_split_gain must be finite and >= 0", p.min_split_gain);
    if (!(p.min_child_weight >= 0.0) || !std::isfinite(p.min_child_weight)) bad("min_child_weight must be finite and >= 0", p.min_child_weight);
    if (p.min_samples_leaf < 1) bad("min_samples_leaf must be >= 1", p.min_samples_leaf);
    if (!(p.subsample > 0.0 && p.subsample <= 1.0)) bad("subsample must be in (0, 1]", p.subsample);
    if (!(p.colsample_bytree > 0.0 && p.colsample_bytree <= 1.0)) bad("colsample_bytree must be in (0, 1]", p.colsample_bytree);
    if (!(p.colsample_bynode > 0.0 && p.colsample_bynode <= 1.0)) bad("colsample_bynode must be in (0, 1]", p.colsample_bynode);
    if (!(p.quantile_alpha > 0.0 && p.quantile_alpha < 1.0)) bad("quantile_alpha must be in (0, 1)", p.quantile_alpha);
    if (!(p.huber_quantile > 0.0 && p.huber_quantile < 1.0)) bad("huber_quantile must be in (0, 1)", p.huber_quantile);
    for (int c : p.monotone_constraints) {
      if (c < -1 || c > 1) bad("monotone_constraints entries must be -1, 0 or 1", c);
    }
    for (std::size_t k = 0; k < p.quantile_levels.size(); ++k) {
      const double q = p.quantile_levels[k];
      if (!(q > 0.0 && q < 1.0)) bad("quantile_levels must be in (0, 1)", q);
      if (k > 0 && !(q > p.quantile_levels[k - 1])) bad("quantile_levels must increase strictly", q);
    }
    if (p.early_stopping_rounds < 0) bad("early_stopping_rounds must be >= 0", p.early_stopping_rounds);
    if (!(p.validation_fraction >= 0.0 && p.validation_fraction < 1.0)) bad("validation_fraction must be in [0, 1)", p.validation_fraction);
    if (p.n_threads < 0) bad("n_threads must be >= 0", p.n_threads);
  }

  /// Fits the model (unit weights). With validation_fraction > 0, that fraction of the rows
  /// (drawn with the seed) is held out for early stopping.
  /// @param X (n_samples, n_features); NaN = missing; +-inf not allowed
  /// @param y (n_samples) targets, finite, any units (e.g. bps)
  /// @return status `converged` (all rounds) or `early_stopped`; iterations = trees kept in
  ///         the mean model; final_loss = weighted training loss of the mean model (squared
  ///         error: MSE/2 in y units^2; Huber and quantile: mean loss in y units)
  /// @throws footprint::dimension_mismatch when y.size() != X.rows() or monotone_constraints
  ///         has neither 0 nor X.cols() entries
  /// @throws footprint::invalid_argument on +-inf in X, non-finite y, or an empty X
  /// Complexity: O(n_estimators (n_samples n_features + 256 n_features leaves)) per model.
  fit_report fit(matrix_cref X, vector_cref y) { return fit_impl(X, y, nullptr, nullptr, nullptr); }

  /// Fits with per-row sample weights (multiply gradients and hessians, as XGBoost).
  /// @param sample_weight (n_samples), finite, >= 0, positive sum
  /// @throws as fit(X, y); dimension_mismatch when sample_weight.size() != X.rows();
  ///         invalid_argument for a negative or non-finite weight or a zero sum
  fit_report fit(matrix_cref X, vector_cref y, vector_cref sample_weight) {
    return fit_impl(X, y, &sample_weight, nullptr, nullptr);
  }

  /// Fits with an explicit validation set for early stopping (validation_fraction ignored).
  /// @param X_valid (n_valid, n_features), NaN = missing; @param y_valid (n_valid), finite
  /// @throws as fit(X, y, w); dimension_mismatch when X_valid.cols() != X.cols() or
  ///         y_valid.size() != X_valid.rows()
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
  void predict(matrix_cref X, vector_ref out) const {
    check_predict(X);
    if (out.size() != X.rows()) throw dimension_mismatch(detail::concat(name, "::predict"), "out.size() must equal X.rows()", X.rows(), out.size());
    mean_.predict_unchecked(X, out, params_.n_threads);
  }

  /// Prediction for one row without allocation or exception (the serving hot path).
  /// @param x one row, x.size() == n_features() (the caller guarantees it; not checked)
  [[nodiscard]] double predict_row(std::span<const double> x) const noexcept { return mean_.predict_row(x); }

  /// Predictive distributions, one per row (see the class comment); `mean(d)` equals
  /// `predict(X)[i]`.
  /// @throws as predict(X)
  [[nodiscard]] std::vector<quantile_distribution> predict_distribution(matrix_cref X) const {
    check_predict(X);
    const vector mu = predict(X);
    std::vector<quantile_distribution> out;
    out.reserve(static_cast<std::size_t>(X.rows()));
    const std::size_t L = levels_->size();
    if (!quantile_models_.empty()) {
      matrix Q(X.rows(), static_cast<index>(L));
      for (std::size_t k = 0; k < L; ++k) {
        vector col(X.rows());
        quantile_models_[k].predict_unchecked(X, col, params_.n_threads);
        Q.col(static_cast<index>(k)) = col;
      }
      for (index i = 0; i < X.rows(); ++i) {
        std::vector<double> q(L);
        for (std::size_t k = 0; k < L; ++k) q[k] = Q(i, static_cast<index>(k));
        out.emplace_back(levels_, std::move(q), mu[i]);
      }
    } else {
      for (index i = 0; i < X.rows(); ++i) {
        std::vector<double> q(L);
        for (std::size_t k = 0; k < L; ++k) q[k] = mu[i] + residual_quantiles_[k];
        out.emplace_back(levels_, std::move(q), mu[i]);
      }
    }
    return out;
  }

  /// Predicted quantiles at the distribution's levels: (n_samples, levels().size()), y units
  /// (sorted per row). @throws as predict(X)
  [[nodiscard]] matrix predict_quantiles(matrix_cref X) const {
    const auto d = predict_distribution(X);
    matrix out(X.rows(), static_cast<index>(levels_->size()));
    for (index i = 0; i < X.rows(); ++i) {
      const auto& q = d[static_cast<std::size_t>(i)].quantiles();
      for (std::size_t k = 0; k < q.size(); ++k) out(i, static_cast<index>(k)) = q[k];
    }
    return out;
  }

  /// True after a successful fit.
  [[nodiscard]] bool is_fitted() const noexcept { return fitted_; }
  /// Number of columns of the X of the last fit (0 before).
  [[nodiscard]] index n_features() const noexcept { return n_features_; }
  /// The hyper-parameters.
  [[nodiscard]] const gradient_boosting_params& params() const noexcept { return params_; }
  /// The mean model's trees and inference engine. @throws not_fitted
  [[nodiscard]] const tree_ensemble& ensemble() const {
    require_fitted("ensemble");
    return mean_;
  }
  /// The quantile models (one per params().quantile_levels entry). @throws not_fitted
  [[nodiscard]] const std::vector<tree_ensemble>& quantile_models() const {
    require_fitted("quantile_models");
    return quantile_models_;
  }
  /// Levels of the predictive distribution's quantiles. @throws not_fitted
  [[nodiscard]] const std::vector<double>& levels() const {
    require_fitted("levels");
    return *levels_;
  }
  /// Rounds kept in the mean model (the best validation round + 1 with early stopping).
  [[nodiscard]] index best_iteration() const noexcept { return mean_.n_trees(); }
  /// Validation loss after each round of the mean model (empty without validation data).
  [[nodiscard]] const std::vector<double>& validation_history() const noexcept { return val_history_; }
  /// Gain importance of the mean model, normalised to sum to 1, (n_features()). @throws not_fitted
  [[nodiscard]] vector feature_importances() const {
    require_fitted("feature_importances");
    return mean_.feature_importances();
  }

 private:
  friend struct detail::tree_model_access;
  static constexpr const char* name = "footprint::gradient_boosting";

  void require_fitted(const char* what) const {
    if (!fitted_) throw not_fitted(detail::concat(name, "::", what));
  }
  void check_predict(const matrix_cref& X) const {
    detail::check_predict(detail::where_t{name, "predict"}, fitted_, X, n_features_);
  }

  static std::shared_ptr<const std::vector<double>> residual_levels() {
    return std::make_shared<const std::vector<double>>(std::vector<double>{
        0.01, 0.025, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.5, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95, 0.975, 0.99});
  }

  struct train_data {
    const detail::binned_matrix* B = nullptr;
    const detail::bin_mapper* mapper = nullptr;
    const matrix_cref* X = nullptr;
    std::vector<double> y, w;            ///< training rows
    std::vector<std::int32_t> rows;      ///< rows of X used for training (weight > 0)
    std::vector<index> valid_rows;       ///< rows of X held out (validation_fraction)
    const matrix_cref* Xv = nullptr;     ///< explicit validation set
    const vector_cref* yv = nullptr;
  };

  struct booster_result {
    tree_ensemble ensemble;
    std::vector<double> history;
    bool early_stopped = false;
    double train_loss = nan;
    std::vector<double> F;  ///< final training predictions (per row of X)
  };

  /// Loss of one row (per unit weight).
  static double row_loss(boosting_loss loss, double level, double delta, double y, double f) noexcept {
    const double r = y - f;
    switch (loss) {
      case boosting_loss::squared_error: return 0.5 * r * r;
      case boosting_loss::huber: return std::abs(r) <= delta ? 0.5 * r * r : delta * (std::abs(r) - 0.5 * delta);
      case boosting_loss::quantile: return r >= 0.0 ? level * r : (level - 1.0) * r;
    }
    return 0.0;
  }

  static double tree_value(const std::vector<tree_node>& nodes, const matrix_cref& X, index i) noexcept {
    std::size_t k = 0;
    for (;;) {
      const tree_node& nd = nodes[k];
      if (nd.is_leaf()) return nd.value;
      const double v = X(i, nd.feature);
      k = static_cast<std::size_t>((v <= nd.threshold || (std::isnan(v) && nd.default_left)) ? nd.left : nd.right);
    }
  }

  /// Re-bounds leaf values top-down so that every split on a constrained feature keeps
  /// max(left subtree) <= min(right subtree) (or the reverse for -1).
  static void enforce_monotone(std::vector<tree_node>& nodes, const std::vector<int>& mono) {
    if (mono.empty()) return;
    struct frame {
      std::int32_t node;
      double lo, hi;
    };
    const auto extreme = [&](std::int32_t root, double lo, double hi, bool want_max) {
      double best = want_max ? -std::numeric_limits<double>::infinity() : std::numeric_limits<double>::infinity();
      std::vector<std::int32_t> stack{root};
      while (!stack.empty()) {
        const std::int32_t k = stack.back();
        stack.pop_back();
        const tree_node& nd = nodes[static_cast<std::size_t>(k)];
        if (nd.is_leaf()) {
          const double v = std::clamp(nd.value, lo, hi);
          best = want_max ? std::max(best, v) : std::min(best, v);
        } else {
          stack.push_back(nd.left);
          stack.push_back(nd.right);
        }
      }
      return best;
    };
    std::vector<frame> stack{{0, -std::numeric_limits<double>::infinity(), std::numeric_limits<double>::infinity()}};
    while (!stack.empty()) {
      const frame fr = stack.back();
      stack.pop_back();
      tree_node& nd = nodes[static_cast<std::size_t>(fr.node)];
      if (nd.is_leaf()) {
        nd.value = std::clamp(nd.value, fr.lo, fr.hi);
        continue;
      }
      const int c = mono[static_cast<std::size_t>(nd.feature)];
      frame l{nd.left, fr.lo, fr.hi};
      frame r{nd.right, fr.lo, fr.hi};
      if (c != 0) {
        // the side that must be lower and the side that must be higher
        const std::int32_t low_side = c > 0 ? nd.left : nd.right;
        const std::int32_t high_side = c > 0 ? nd.right : nd.left;
        const double a = extreme(low_side, fr.lo, fr.hi, true);
        const double b = extreme(high_side, fr.lo, fr.hi, false);
        const double mid = a <= b ? (a + b) / 2.0 : (a + b) / 2.0;
        frame& lo_f = c > 0 ? l : r;
        frame& hi_f = c > 0 ? r : l;
        if (a > b) {
          lo_f.hi = std::min(lo_f.hi, mid);
          hi_f.lo = std::max(hi_f.lo, mid);
        }
      }
      stack.push_back(l);
      stack.push_back(r);
    }
  }

  booster_result train(const train_data& td, boosting_loss loss, double level, std::uint64_t model_index, int nt) const {
    const gradient_boosting_params& p = params_;
    const matrix_cref& X = *td.X;
    const index n = X.rows();
    const index d = X.cols();
    booster_result res;
    // base score
    std::vector<std::pair<double, double>> scratch;
    double base = 0.0;
    if (loss == boosting_loss::squared_error) {
      double sw = 0.0;
      for (std::int32_t r : td.rows) {
        base += td.w[static_cast<std::size_t>(r)] * td.y[static_cast<std::size_t>(r)];
        sw += td.w[static_cast<std::size_t>(r)];
      }
      base /= sw;
    } else {
      for (std::int32_t r : td.rows) scratch.emplace_back(td.y[static_cast<std::size_t>(r)], td.w[static_cast<std::size_t>(r)]);
      base = detail::weighted_quantile(scratch, loss == boosting_loss::quantile ? level : 0.5);
    }
    std::vector<double> F(static_cast<std::size_t>(n), base);
    // validation predictions
    const bool has_valid = td.Xv != nullptr || !td.valid_rows.empty();
    const index nv = td.Xv != nullptr ? td.Xv->rows() : static_cast<index>(td.valid_rows.size());
    std::vector<double> Fv(static_cast<std::size_t>(nv), base);
    const auto valid_x = [&](index k) -> std::pair<const matrix_cref*, index> {
      if (td.Xv != nullptr) return {td.Xv, k};
      return {td.X, td.valid_rows[static_cast<std::size_t>(k)]};
    };
    const auto valid_y = [&](index k) {
      return td.Xv != nullptr ? (*td.yv)[k] : td.y[static_cast<std::size_t>(td.valid_rows[static_cast<std::size_t>(k)])];
    };

    detail::grower_config cfg;
    cfg.policy = p.growth == tree_growth::depthwise ? detail::grow_policy::depthwise : detail::grow_policy::lossguide;
    cfg.max_depth = static_cast<int>(p.max_depth);
    cfg.max_leaves = p.max_leaves > 0 ? p.max_leaves : (p.growth == tree_growth::leafwise ? 31 : 0);
    cfg.lambda = p.lambda;
    cfg.alpha = p.alpha;
    cfg.min_split_gain = p.min_split_gain;
    cfg.min_child_weight = p.min_child_weight;
    cfg.min_samples_leaf = static_cast<double>(p.min_samples_leaf);
    cfg.min_samples_split = 2.0 * static_cast<double>(p.min_samples_leaf);
    cfg.monotone = &p.monotone_constraints;
    cfg.n_threads = nt;
    detail::tree_grower grower(*td.B, *td.mapper, cfg);

    std::vector<detail::grad_pair> gh(static_cast<std::size_t>(n));
    std::vector<std::int32_t> rows;
    std::vector<std::int32_t> features;
    std::vector<char> in_sample(static_cast<std::size_t>(n), 0);
    std::vector<double> absres;
    std::vector<regression_tree> trees;
    trees.reserve(static_cast<std::size_t>(p.n_estimators));
    double best_val = std::numeric_limits<double>::infinity();
    index best_round = 0;
    double delta = 0.0;
    const auto nrows = static_cast<index>(td.rows.size());
    const auto k_tree = std::max<index>(1, static_cast<index>(std::llround(p.colsample_bytree * static_cast<double>(d))));

    for (index m = 0; m < p.n_estimators; ++m) {
      if (loss == boosting_loss::huber) {
        absres.resize(td.rows.size());
        for (std::size_t k = 0; k < td.rows.size(); ++k) {
          const auto r = static_cast<std::size_t>(td.rows[k]);
          absres[k] = std::abs(td.y[r] - F[r]);
        }
        const auto q = static_cast<std::size_t>(std::floor(p.huber_quantile * static_cast<double>(absres.size() - 1)));
        std::nth_element(absres.begin(), absres.begin() + static_cast<std::ptrdiff_t>(q), absres.end());
        delta = std::max(absres[q], 1e-12);
      }
#ifdef _OPENMP
#pragma omp parallel for schedule(static) num_threads(nt) if (nt > 1 && nrows > 10000)
#endif
      for (index k = 0; k < nrows; ++k) {
        const auto r = static_cast<std::size_t>(td.rows[static_cast<std::size_t>(k)]);
        const double wr = td.w[r];
        const double res_r = F[r] - td.y[r];
        double g = 0.0;
        switch (loss) {
          case boosting_loss::squared_error: g = res_r; break;
          case boosting_loss::huber: g = std::clamp(res_r, -delta, delta); break;
          case boosting_loss::quantile: g = F[r] > td.y[r] ? 1.0 - level : -level; break;
        }
        gh[r] = {wr * g, wr};
      }
      detail::xoshiro256ss rng(p.seed, model_index * 0x100000001ULL + static_cast<std::uint64_t>(m));
      rows.clear();
      if (p.subsample < 1.0) {
        for (std::int32_t r : td.rows) {
          if (rng.uniform() < p.subsample) rows.push_back(r);
        }
        if (rows.empty()) rows.push_back(td.rows[static_cast<std::size_t>(rng.below32(td.rows.size()))]);
      } else {
        rows = td.rows;
      }
      features.resize(static_cast<std::size_t>(d));
      for (index j = 0; j < d; ++j) features[static_cast<std::size_t>(j)] = static_cast<std::int32_t>(j);
      if (k_tree < d) {
        for (index i = 0; i < k_tree; ++i) {
          const auto j = static_cast<std::size_t>(i) + static_cast<std::size_t>(rng.below32(static_cast<std::uint64_t>(d - i)));
          std::swap(features[static_cast<std::size_t>(i)], features[j]);
        }
        features.resize(static_cast<std::size_t>(k_tree));
        std::sort(features.begin(), features.end());
      }
      grower.set_max_features_node(p.colsample_bynode < 1.0
                                       ? std::max<index>(1, static_cast<index>(std::llround(p.colsample_bynode * static_cast<double>(features.size()))))
                                       : 0);
      detail::grown_tree g = grower.grow(rows, gh, features, rng);
      if (loss == boosting_loss::quantile) {
        for (std::size_t k = 0; k < g.nodes.size(); ++k) {
          if (!g.nodes[k].is_leaf()) continue;
          scratch.clear();
          for (std::int32_t q = g.range[k].first; q < g.range[k].second; ++q) {
            const auto r = static_cast<std::size_t>(g.rows[static_cast<std::size_t>(q)]);
            scratch.emplace_back(td.y[r] - F[r], td.w[r]);
          }
          if (!scratch.empty()) g.nodes[k].value = detail::weighted_quantile(scratch, level);
        }
        enforce_monotone(g.nodes, p.monotone_constraints);
      }
      for (tree_node& nd : g.nodes) nd.value *= p.learning_rate;
      // update training predictions
      if (p.subsample < 1.0) {
        std::fill(in_sample.begin(), in_sample.end(), 0);
        for (std::int32_t r : rows) in_sample[static_cast<std::size_t>(r)] = 1;
      }
      // leaves hold disjoint rows: updated in parallel, each row once
      const auto n_nodes = static_cast<index>(g.nodes.size());
#ifdef _OPENMP
#pragma omp parallel for schedule(dynamic, 4) num_threads(nt) if (nt > 1 && nrows > 10000)
#endif
      for (index k = 0; k < n_nodes; ++k) {
        const tree_node& nd = g.nodes[static_cast<std::size_t>(k)];
        if (!nd.is_leaf()) continue;
        const double v = nd.value;
        const auto [first, last] = g.range[static_cast<std::size_t>(k)];
        for (std::int32_t q = first; q < last; ++q) F[static_cast<std::size_t>(g.rows[static_cast<std::size_t>(q)])] += v;
      }
      if (p.subsample < 1.0) {
#ifdef _OPENMP
#pragma omp parallel for schedule(static) num_threads(nt) if (nt > 1 && nrows > 10000)
#endif
        for (index k = 0; k < nrows; ++k) {
          const auto r = static_cast<std::size_t>(td.rows[static_cast<std::size_t>(k)]);
          if (in_sample[r] == 0) F[r] += tree_value(g.nodes, X, static_cast<index>(r));
        }
      }
      if (has_valid) {
#ifdef _OPENMP
#pragma omp parallel for schedule(static) num_threads(nt) if (nt > 1 && nv > 10000)
#endif
        for (index k = 0; k < nv; ++k) {
          const auto [Xp, i] = valid_x(k);
          Fv[static_cast<std::size_t>(k)] += tree_value(g.nodes, *Xp, i);
        }
        const double val = detail::deterministic_sum(nv, nt, [&](index k) {
          return row_loss(loss, level, delta > 0.0 ? delta : 1.0, valid_y(k), Fv[static_cast<std::size_t>(k)]);
        }) / static_cast<double>(nv);
        res.history.push_back(val);
        if (val < best_val) {
          best_val = val;
          best_round = m;
        }
      }
      trees.emplace_back(std::move(g.nodes));
      if (has_valid && p.early_stopping_rounds > 0 && m - best_round >= p.early_stopping_rounds) {
        res.early_stopped = true;
        break;
      }
    }
    if (res.early_stopped) {
      // roll back the training predictions of the dropped trees
      for (std::size_t t = static_cast<std::size_t>(best_round) + 1; t < trees.size(); ++t) {
        for (std::int32_t r : td.rows) F[static_cast<std::size_t>(r)] -= tree_value(trees[t].nodes(), X, r);
      }
      trees.resize(static_cast<std::size_t>(best_round) + 1);
    }
    double sw = 0.0;
    double sl = 0.0;
    for (std::int32_t r : td.rows) {
      const auto rr = static_cast<std::size_t>(r);
      sl += td.w[rr] * row_loss(loss, level, delta > 0.0 ? delta : 1.0, td.y[rr], F[rr]);
      sw += td.w[rr];
    }
    res.train_loss = sl / sw;
    res.ensemble = tree_ensemble(std::move(trees), base, d);
    res.F = std::move(F);
    return res;
  }

  fit_report fit_impl(const matrix_cref& X, const vector_cref& y, const vector_cref* w, const matrix_cref* Xv,
                      const vector_cref* yv) {
    const std::string where = detail::concat(name, "::fit");
    detail::check_tree_training_data(where, X, y, w);
    const gradient_boosting_params& p = params_;
    if (!p.monotone_constraints.empty() && static_cast<index>(p.monotone_constraints.size()) != X.cols()) {
      throw dimension_mismatch(where, "monotone_constraints.size() must equal X.cols()", X.cols(),
                               static_cast<index>(p.monotone_constraints.size()));
    }
    if (Xv != nullptr) {
      if (Xv->cols() != X.cols()) throw dimension_mismatch(where, "X_valid.cols() must equal X.cols()", X.cols(), Xv->cols());
      if (yv->size() != Xv->rows()) throw dimension_mismatch(where, "y_valid.size() must equal X_valid.rows()", Xv->rows(), yv->size());
      if (Xv->rows() == 0) throw invalid_argument(detail::concat(where, ": X_valid must have at least one row"));
      for (index i = 0; i < yv->size(); ++i) {
        if (!std::isfinite((*yv)[i])) throw invalid_argument(detail::concat(where, ": y_valid[", i, "] is not finite (got ", (*yv)[i], ")"));
      }
    }
    const index n = X.rows();
    const int nt = detail::resolve_threads(p.n_threads);
    train_data td;
    td.X = &X;
    td.y.assign(y.data(), y.data() + n);
    td.w.assign(static_cast<std::size_t>(n), 1.0);
    if (w != nullptr) {
      for (index i = 0; i < n; ++i) td.w[static_cast<std::size_t>(i)] = (*w)[i];
    }
    td.Xv = Xv;
    td.yv = yv;
    detail::xoshiro256ss split_rng(p.seed, 0xFFFFFFFFFFFFULL);
    for (index i = 0; i < n; ++i) {
      if (td.w[static_cast<std::size_t>(i)] <= 0.0) continue;
      if (Xv == nullptr && p.validation_fraction > 0.0 && split_rng.uniform() < p.validation_fraction) {
        td.valid_rows.push_back(i);
      } else {
        td.rows.push_back(static_cast<std::int32_t>(i));
      }
    }
    if (td.rows.empty()) throw invalid_argument(detail::concat(where, ": no training rows left after the validation split"));
    detail::bin_mapper mapper;
    mapper.fit(X, static_cast<int>(p.max_bins), nt);
    const detail::binned_matrix B = mapper.transform(X, nt);
    td.B = &B;
    td.mapper = &mapper;

    // the mean model and the quantile models are independent: with quantile models, the
    // threads take whole models (no synchronisation inside a fit, which small data sets
    // cannot amortise); alone, the mean model uses the threads inside its fit. (The
    // by-model loop is not entered otherwise: OpenMP regions nested in it, even an inactive
    // one, would start new threads every time instead of reusing the pool.)
    const std::size_t n_quantile = p.quantile_levels.size();
    booster_result mean;
    std::vector<tree_ensemble> qmodels(n_quantile);
    const auto train_model = [&](std::size_t k, int threads) {
      if (k == 0) {
        mean = train(td, p.loss, p.quantile_alpha, 0, threads);
      } else {
        qmodels[k - 1] = train(td, boosting_loss::quantile, p.quantile_levels[k - 1], k, threads).ensemble;
      }
    };
    if (nt > 1 && n_quantile > 0) {
      detail::parallel_for_each_rethrow(n_quantile + 1, nt, [&](std::size_t k) { train_model(k, 1); });
    } else {
      for (std::size_t k = 0; k <= n_quantile; ++k) train_model(k, nt);
    }
    std::shared_ptr<const std::vector<double>> levels;
    std::vector<double> resid_q;
    if (p.quantile_levels.empty()) {
      levels = residual_levels();
      std::vector<std::pair<double, double>> res;
      res.reserve(td.rows.size());
      for (std::int32_t r : td.rows) {
        const auto rr = static_cast<std::size_t>(r);
        res.emplace_back(td.y[rr] - mean.F[rr], td.w[rr]);
      }
      std::sort(res.begin(), res.end());
      double total = 0.0;
      for (const auto& pr : res) total += pr.second;
      double acc = 0.0;
      std::size_t j = 0;
      for (double lv : *levels) {  // smallest residual with cumulative weight >= lv * total
        while (j + 1 < res.size() && (acc + res[j].second < lv * total || res[j].second <= 0.0)) acc += res[j++].second;
        resid_q.push_back(res[j].first);
      }
    } else {
      levels = std::make_shared<const std::vector<double>>(p.quantile_levels);
    }

    fit_report report;
    report.status = mean.early_stopped ? fit_status::early_stopped : fit_status::converged;
    report.iterations = mean.ensemble.n_trees();
    report.final_loss = mean.train_loss;
    report.message = detail::concat(to_string(p.loss), " loss, ", mean.ensemble.n_trees(), " trees",
                                    mean.history.empty() ? std::string() : detail::concat(", best validation loss ",
                                                                                          *std::min_element(mean.history.begin(), mean.history.end())));
    mean_ = std::move(mean.ensemble);
    quantile_models_ = std::move(qmodels);
    levels_ = std::move(levels);
    residual_quantiles_ = std::move(resid_q);
    val_history_ = std::move(mean.history);
    n_features_ = X.cols();
    fitted_ = true;
    return report;
  }

  gradient_boosting_params params_;
  tree_ensemble mean_;
  std::vector<tree_ensemble> quantile_models_;
  std::shared_ptr<const std::vector<double>> levels_;
  std::vector<double> residual_quantiles_;
  std::vector<double> val_history_;
  index n_features_ = 0;
  bool fitted_ = false;
};

}  // namespace footprint
