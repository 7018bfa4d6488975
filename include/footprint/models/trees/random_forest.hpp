/// @file models/trees/random_forest.hpp
/// @brief `random_forest`: a regression random forest (Breiman 2001) grown with footprint's
/// histogram tree grower, with out-of-bag error and a quantile regression forest
/// (Meinshausen 2006) as its predictive distribution. Its fitted state is the public
/// aggregate `random_forest_state`; long definitions are in random_forest_impl.hpp. See
/// docs/tree-ensembles.md.
#pragma once

#include "footprint/detail/checks.hpp"
#include "footprint/detail/concat.hpp"
#include "footprint/distributions/empirical_distribution.hpp"
#include "footprint/error.hpp"
#include "footprint/models/detail/tree_binning.hpp"
#include "footprint/models/detail/tree_common.hpp"
#include "footprint/models/detail/tree_grower.hpp"
#include "footprint/models/detail/where.hpp"
#include "footprint/models/trees/regression_tree.hpp"
#include "footprint/models/trees/tree_ensemble.hpp"
#include "footprint/types.hpp"

#include <cstdint>
#include <span>
#include <string_view>
#include <utility>
#include <vector>

namespace footprint {

/// Hyper-parameters of `random_forest`, validated by its constructor. Defaults follow
/// scikit-learn's `RandomForestRegressor()` (1.2) except `min_samples_leaf`, 5 as R's
/// randomForest for regression (nodesize = 5; Liaw & Wiener 2002): about twice as fast as
/// fully grown trees, and steadier quantile-forest intervals. Set `min_samples_leaf = 1` for
/// scikit-learn's forest; `max_features = 1.0 / 3` (R's mtry = p/3) fits about three times
/// faster again.
struct random_forest_params {
  index n_estimators = 100;     ///< number of trees, >= 1
  bool bootstrap = true;        ///< draw each tree's rows with replacement (else without)
  double max_samples = 1.0;     ///< rows drawn per tree as a fraction of n_samples, in (0, 1]
  double max_features = 1.0;    ///< fraction of the features tried at each split, in (0, 1] (at least one)
  index max_depth = 0;          ///< maximum depth, >= 0; 0 = unlimited
  index min_samples_split = 2;  ///< distinct rows a node needs to be split, >= 2
  index min_samples_leaf = 5;   ///< distinct rows each leaf keeps, >= 1
  index max_leaves = 0;         ///< maximum leaves per tree (grown best-first), >= 0; 0 = unlimited (depth-first)
  double min_impurity_decrease =
      0.0;  ///< a split must reduce the weighted MSE of the whole sample by more than this, >= 0 (units of y^2)
  index max_bins = 255;    ///< histogram bins per feature, in [2, 255]
  bool oob_score = false;  ///< compute out-of-bag predictions and error after fit
  bool quantile_forest =
      true;  ///< keep the in-bag rows of every leaf for predict_distribution (Meinshausen 2006); memory ~ 12 bytes x n_estimators x distinct in-bag rows
  std::uint64_t seed = 0;  ///< seed of every random choice (tree t uses stream (seed, t))
  int n_threads = 0;       ///< OpenMP threads for fit and batch predict, >= 0; 0 = all
};

/// The in-bag rows of every node of one tree of a quantile forest: node k holds rows
/// row[begin[k]] .. row[begin[k + 1] - 1] (none at an internal node).
struct random_forest_leaf_samples {
  std::vector<std::int32_t>
      begin;  ///< (n_nodes + 1) offsets from 0, non-decreasing; a leaf's range is non-empty, an internal node's empty
  std::vector<std::int32_t> row;  ///< (begin.back()) training rows, indices into random_forest_state::y
  std::vector<double> weight;     ///< (begin.back()) in-bag count times sample weight, finite and > 0
  friend bool operator==(const random_forest_leaf_samples&, const random_forest_leaf_samples&) = default;
};

/// The fitted state of a `random_forest`: everything it predicts from (and everything
/// io/tree_model_json.hpp saves). `random_forest::from_state` validates it.
struct random_forest_state {
  random_forest_params params;  ///< hyper-parameters, as the constructor validates them
  index n_features = 0;         ///< columns of the X of the fit, in [1, 65535]
  /// The trees: params.n_estimators of them on n_features features, base score 0, scale
  /// 1 / n_estimators, no float accumulation.
  tree_ensemble ensemble;
  /// params.quantile_forest: the training targets (finite, units of y); else empty.
  std::vector<double> y;
  /// params.quantile_forest: one entry per tree (its nodes' in-bag rows); else empty.
  std::vector<random_forest_leaf_samples> leaves;
  /// params.oob_score: the out-of-bag prediction of each training row (NaN for a row in-bag
  /// in every tree; y.size() entries with quantile_forest); else empty.
  vector oob_prediction;
  double oob_mse = nan;  ///< params.oob_score: out-of-bag MSE, >= 0, units of y^2 (NaN without oob_score or OOB rows)
  double oob_r2 = nan;   ///< params.oob_score: out-of-bag R^2, <= 1 (NaN without oob_score, OOB rows or spread)
};

/// Random forest regression: the average of `n_estimators` regression trees, each grown on
/// a bootstrap sample (or subsample) of the rows, trying a random fraction `max_features`
/// of the features at each split (Breiman 2001). A `ProbabilisticRegressor` and a
/// `WeightedRegressor`.
///
/// Rows are observations: X is (n_samples, n_features), y is (n_samples). NaN in X is a
/// missing value: each split sends it to the side that fits better (or, when the training
/// node had none, to the side with more weight). Features are binned into at most
/// `max_bins` quantile bins (as LightGBM and XGBoost's `hist`), so thresholds are midpoints
/// between bin edges; with <= max_bins distinct values per feature the splits are exact.
///
/// **Quantile regression forest** (Meinshausen 2006): `predict_distribution` returns, for
/// each row, the empirical distribution putting weight w_i = (1/T) sum_t c_ti / C_t(x) on
/// training target y_i, where c_ti is row i's in-bag count (times its sample weight) in tree
/// t and C_t(x) the sum of c_ti over the leaf of tree t that x reaches (Meinshausen 2006,
/// eq. 6, with in-bag weights). Its mean equals `predict` up to rounding.
///
/// Determinism: tree t draws from its own stream (seed, t) and is grown by one thread, so
/// the forest is the same for any thread count. Thread safety: const member functions may
/// run concurrently after `fit`.
class random_forest {
 public:
  /// Per-row predictive distribution: the quantile-forest empirical distribution.
  using distribution_type = empirical_distribution;

  /// A forest with default parameters.
  random_forest() : random_forest(random_forest_params{}) {}

  /// @param params hyper-parameters (see random_forest_params for ranges)
  /// @throws footprint::invalid_argument when a parameter is out of range, e.g.
  ///         `footprint::random_forest: max_features must be in (0, 1] (got 0)`
  explicit random_forest(random_forest_params params) {
    validate(params, name, "");
    state_.params = std::move(params);
  }

  /// A fitted forest from its state (e.g. one read from a file), validating every field:
  /// the parameters, the ensemble's shape and settings, the leaves' row ranges and weights,
  /// the targets and the out-of-bag results.
  /// @throws footprint::invalid_argument naming the field, e.g.
  ///         `footprint::random_forest::from_state: leaves[3].row[7] must be in [0, 400) (got 512)`
  template <class = void>
  [[nodiscard]] static random_forest from_state(random_forest_state state);

  /// The fitted state (no copy). @throws footprint::not_fitted before fit
  [[nodiscard]] const random_forest_state& state() const {
    detail::require_fitted(fitted_, "footprint::random_forest::state");
    return state_;
  }

  /// Fits the forest (unit sample weights).
  /// @param X (n_samples, n_features); NaN = missing; +-inf not allowed; n_samples >= 1,
  ///        n_features <= 65535
  /// @param y (n_samples) targets, finite, any units (e.g. bps)
  /// @return status `converged`, iterations = n_estimators, final_loss = out-of-bag MSE
  ///         (units of y^2) when `oob_score`, else NaN
  /// @throws footprint::dimension_mismatch when y.size() != X.rows()
  /// @throws footprint::invalid_argument on +-inf in X, non-finite y, or an empty X
  /// Complexity: O(n_estimators n_samples n_features depth) with histograms; parallel over trees.
  template <class = void>
  fit_report fit(matrix_cref X, vector_cref y) {
    return fit_impl(X, y, nullptr);
  }

  /// Fits the forest with per-row sample weights (frequency weights: a leaf's value is the
  /// weighted mean, a split's gain the weighted sum-of-squares reduction).
  /// @param sample_weight (n_samples), finite, >= 0, positive sum; rows of weight 0 are ignored
  /// @throws as fit(X, y); footprint::dimension_mismatch when sample_weight.size() != X.rows();
  ///         footprint::invalid_argument for a negative or non-finite weight or a zero sum
  template <class = void>
  fit_report fit(matrix_cref X, vector_cref y, vector_cref sample_weight) {
    return fit_impl(X, y, &sample_weight);
  }

  /// Point predictions: the average of the trees, one per row.
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
  /// @return the average of the trees (units of y), bit-identical to predict(X) on the row;
  ///         NaN when the forest is not fitted or x.size() != n_features()
  [[nodiscard]] double predict_row(std::span<const double> x) const noexcept {
    if (!fitted_ || static_cast<index>(x.size()) != state_.n_features) return nan;
    return state_.ensemble.predict_row(x);
  }

  /// Quantile-forest predictive distributions, one per row (Meinshausen 2006); `mean(d)`
  /// equals `predict(X)` up to rounding.
  /// @param X (n_samples, n_features()); NaN = missing
  /// @throws as predict(X); footprint::invalid_argument when fitted with quantile_forest = false
  /// Complexity: O(n_estimators (depth + leaf size) log) per row.
  template <class = void>
  [[nodiscard]] std::vector<empirical_distribution> predict_distribution(matrix_cref X) const {
    return distribution_rows(detail::rows_of(X));
  }

  /// As predict_distribution(X) on row-major data, read in place (the same distributions).
  template <class = void>
  [[nodiscard]] std::vector<empirical_distribution> predict_distribution(row_major_view X) const {
    return distribution_rows(detail::rows_of(X));
  }

  /// Quantiles of the predictive distributions: (n_samples, levels.size()), units of y.
  /// @param levels each in [0, 1]
  /// @throws as predict_distribution; footprint::invalid_argument for a level outside [0, 1]
  template <class = void>
  [[nodiscard]] matrix predict_quantiles(matrix_cref X, std::span<const double> levels) const;

  /// Central prediction intervals with probability `coverage`: (n_samples, 2) with the
  /// (1-coverage)/2 and (1+coverage)/2 quantiles, units of y.
  /// @throws as predict_distribution; footprint::invalid_argument unless 0 < coverage < 1
  template <class = void>
  [[nodiscard]] matrix predict_interval(matrix_cref X, double coverage) const {
    if (!(coverage > 0.0 && coverage < 1.0)) {
      detail::require_in(coverage, 0.0, 1.0, detail::bounds::open, detail::concat(name, "::predict_interval"),
                         "coverage");
    }
    const double levels[2] = {(1.0 - coverage) / 2.0, (1.0 + coverage) / 2.0};
    return predict_quantiles(X, levels);
  }

  /// True after a successful fit (or from_state).
  [[nodiscard]] bool is_fitted() const noexcept { return fitted_; }
  /// Number of columns of the X of the last fit (0 before).
  [[nodiscard]] index n_features() const noexcept { return state_.n_features; }
  /// The hyper-parameters.
  [[nodiscard]] const random_forest_params& params() const noexcept { return state_.params; }
  /// The fitted trees and the inference engine. @throws not_fitted
  [[nodiscard]] const tree_ensemble& ensemble() const { return state().ensemble; }
  /// Impurity importance: each feature's total reduction of the weighted sum of squares,
  /// normalised to sum to 1, (n_features()). @throws not_fitted
  [[nodiscard]] vector feature_importances() const { return state().ensemble.feature_importances(); }
  /// Out-of-bag prediction per training row (NaN for rows in-bag in every tree); needs
  /// oob_score = true. @throws not_fitted; footprint::invalid_argument without oob_score
  [[nodiscard]] const vector& oob_prediction() const { return require_oob("oob_prediction").oob_prediction; }
  /// Out-of-bag mean squared error over rows with an OOB prediction, units of y^2.
  /// @throws as oob_prediction()
  [[nodiscard]] double oob_error() const { return require_oob("oob_error").oob_mse; }
  /// Out-of-bag R^2 (scikit-learn's oob_score_). @throws as oob_prediction()
  [[nodiscard]] double oob_r2() const { return require_oob("oob_r2").oob_r2; }

 private:
  static constexpr const char* name = "footprint::random_forest";

  /// What growing the trees gives, before the commit.
  struct grown_forest {
    std::vector<regression_tree> trees;
    std::vector<random_forest_leaf_samples> leaves;
    std::vector<std::vector<std::uint64_t>> in_bag;  ///< oob_score: per tree, a bit per row
  };

  /// Checks every parameter; messages name `where` and prefix + the parameter.
  static void validate(const random_forest_params& p, std::string_view where, std::string_view prefix);
  /// Checks the fitted parts of a state (everything but the parameters).
  template <class = void>
  static void validate_fitted(const random_forest_state& s, std::string_view where);
  /// Checks quantile-forest leaves against the trees and the targets.
  template <class = void>
  static void validate_leaves(const random_forest_state& s, std::string_view where);

  const random_forest_state& require_oob(const char* what) const {
    if (!fitted_) throw not_fitted(detail::concat(name, "::", what));
    if (!state_.params.oob_score)
      throw invalid_argument(detail::concat(name, "::", what, ": needs oob_score = true at fit"));
    return state_;
  }
  void check_predict(const char* fn, index cols) const {
    detail::check_predict(detail::where_t{name, fn}, fitted_, cols, state_.n_features);
  }

  template <class = void>
  [[nodiscard]] std::vector<empirical_distribution> distribution_rows(const detail::strided_rows& X) const;

  void predict_rows(const detail::strided_rows& X, vector_ref out) const {
    check_predict("predict", X.cols);
    if (out.size() != X.rows)
      throw dimension_mismatch(detail::concat(name, "::predict"), "out.size() must equal X.rows()", X.rows, out.size());
    state_.ensemble.predict_unchecked(X, out, state_.params.n_threads);
  }

  // Templates (never given an argument): training compiles only where a forest is fitted.
  template <class = void>
  fit_report fit_impl(const matrix_cref& X, const vector_cref& y, const vector_cref* w);
  /// Grows the trees in parallel (tree t from stream (seed, t), by one thread).
  template <class = void>
  grown_forest grow(const matrix_cref& X, const vector_cref& y, const vector_cref* w, int nt) const;
  /// The grower's settings for these parameters and data.
  template <class = void>
  [[nodiscard]] detail::grower_config grower_settings(const vector_cref* w, index n, index d) const;
  /// Tree t's in-bag count per row (bootstrap or subsample of max_samples n rows).
  template <class = void>
  void draw_bag(detail::xoshiro256ss& rng, index n, std::vector<std::uint32_t>& count, std::vector<index>& perm) const;
  /// The out-of-bag predictions of the training rows, their MSE and R^2; the report's loss.
  template <class = void>
  void out_of_bag(const tree_ensemble& ens, const matrix_cref& X, const vector_cref& y,
                  const std::vector<std::vector<std::uint64_t>>& in_bag, int nt, random_forest_state& s) const;

  random_forest_state state_;
  bool fitted_ = false;
};

}  // namespace footprint

#include "footprint/models/trees/random_forest_impl.hpp"
