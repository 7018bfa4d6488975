/// @file models/trees/random_forest.hpp
/// @brief `random_forest`: a regression random forest (Breiman 2001) grown with footprint's
/// histogram tree grower, with out-of-bag error and a quantile regression forest
/// (Meinshausen 2006) as its predictive distribution. See docs/tree-ensembles.md.
#pragma once

#include "footprint/detail/checks.hpp"
#include "footprint/detail/concat.hpp"
#include "footprint/error.hpp"
#include "footprint/models/detail/tree_binning.hpp"
#include "footprint/models/detail/tree_common.hpp"
#include "footprint/models/detail/tree_grower.hpp"
#include "footprint/models/detail/where.hpp"
#include "footprint/distributions/empirical_distribution.hpp"
#include "footprint/models/trees/regression_tree.hpp"
#include "footprint/models/trees/tree_ensemble.hpp"
#include "footprint/types.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <span>
#include <string>
#include <utility>
#include <vector>

namespace footprint {

namespace detail {
struct tree_model_access;
}

/// Hyper-parameters of `random_forest`, validated by its constructor. Defaults follow
/// scikit-learn's `RandomForestRegressor()` (1.2) except `min_samples_leaf`, 5 as R's
/// randomForest for regression (nodesize = 5; Liaw & Wiener 2002): about twice as fast as
/// fully grown trees, and steadier quantile-forest intervals. Set `min_samples_leaf = 1` for
/// scikit-learn's forest; `max_features = 1.0 / 3` (R's mtry = p/3) fits about three times
/// faster again.
struct random_forest_params {
  index n_estimators = 100;       ///< number of trees, >= 1
  bool bootstrap = true;          ///< draw each tree's rows with replacement (else without)
  double max_samples = 1.0;       ///< rows drawn per tree as a fraction of n_samples, in (0, 1]
  double max_features = 1.0;      ///< fraction of the features tried at each split, in (0, 1] (at least one)
  index max_depth = 0;            ///< maximum depth, >= 0; 0 = unlimited
  index min_samples_split = 2;    ///< distinct rows a node needs to be split, >= 2
  index min_samples_leaf = 5;     ///< distinct rows each leaf keeps, >= 1
  index max_leaves = 0;           ///< maximum leaves per tree (grown best-first), >= 0; 0 = unlimited (depth-first)
  double min_impurity_decrease = 0.0;  ///< a split must reduce the weighted MSE of the whole sample by more than this, >= 0 (units of y^2)
  index max_bins = 255;           ///< histogram bins per feature, in [2, 255]
  bool oob_score = false;         ///< compute out-of-bag predictions and error after fit
  bool quantile_forest = true;    ///< keep the in-bag rows of every leaf for predict_distribution (Meinshausen 2006); memory ~ 12 bytes x n_estimators x distinct in-bag rows
  std::uint64_t seed = 0;         ///< seed of every random choice (tree t uses stream (seed, t))
  int n_threads = 0;              ///< OpenMP threads for fit and batch predict, >= 0; 0 = all
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
  explicit random_forest(random_forest_params params) : params_(std::move(params)) {
    const auto& p = params_;
    const auto bad = [](const char* what, auto got) {
      throw invalid_argument(detail::concat(name, ": ", what, " (got ", got, ")"));
    };
    if (p.n_estimators < 1) bad("n_estimators must be >= 1", p.n_estimators);
    if (!(p.max_samples > 0.0 && p.max_samples <= 1.0)) bad("max_samples must be in (0, 1]", p.max_samples);
    if (!(p.max_features > 0.0 && p.max_features <= 1.0)) bad("max_features must be in (0, 1]", p.max_features);
    if (p.max_depth < 0) bad("max_depth must be >= 0", p.max_depth);
    if (p.min_samples_split < 2) bad("min_samples_split must be >= 2", p.min_samples_split);
    if (p.min_samples_leaf < 1) bad("min_samples_leaf must be >= 1", p.min_samples_leaf);
    if (p.max_leaves < 0 || p.max_leaves == 1) bad("max_leaves must be 0 or >= 2", p.max_leaves);
    if (!(p.min_impurity_decrease >= 0.0) || !std::isfinite(p.min_impurity_decrease)) {
      bad("min_impurity_decrease must be finite and >= 0", p.min_impurity_decrease);
    }
    if (p.max_bins < 2 || p.max_bins > 255) bad("max_bins must be in [2, 255]", p.max_bins);
    if (p.n_threads < 0) bad("n_threads must be >= 0", p.n_threads);
  }

  /// Fits the forest (unit sample weights).
  /// @param X (n_samples, n_features); NaN = missing; +-inf not allowed; n_samples >= 1
  /// @param y (n_samples) targets, finite, any units (e.g. bps)
  /// @return status `converged`, iterations = n_estimators, final_loss = out-of-bag MSE
  ///         (units of y^2) when `oob_score`, else NaN
  /// @throws footprint::dimension_mismatch when y.size() != X.rows()
  /// @throws footprint::invalid_argument on +-inf in X, non-finite y, or an empty X
  /// Complexity: O(n_estimators n_samples n_features depth) with histograms; parallel over trees.
  fit_report fit(matrix_cref X, vector_cref y) { return fit_impl(X, y, nullptr); }

  /// Fits the forest with per-row sample weights (frequency weights: a leaf's value is the
  /// weighted mean, a split's gain the weighted sum-of-squares reduction).
  /// @param sample_weight (n_samples), finite, >= 0, positive sum; rows of weight 0 are ignored
  /// @throws as fit(X, y); footprint::dimension_mismatch when sample_weight.size() != X.rows();
  ///         footprint::invalid_argument for a negative or non-finite weight or a zero sum
  fit_report fit(matrix_cref X, vector_cref y, vector_cref sample_weight) { return fit_impl(X, y, &sample_weight); }

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
  void predict(matrix_cref X, vector_ref out) const {
    check_predict(X);
    if (out.size() != X.rows()) throw dimension_mismatch(detail::concat(name, "::predict"), "out.size() must equal X.rows()", X.rows(), out.size());
    ensemble_.predict_unchecked(X, out, params_.n_threads);
  }

  /// Prediction for one row without allocation or exception (the serving hot path).
  /// @param x one row, x.size() == n_features() (the caller guarantees it; not checked)
  [[nodiscard]] double predict_row(std::span<const double> x) const noexcept { return ensemble_.predict_row(x); }

  /// Quantile-forest predictive distributions, one per row (Meinshausen 2006); `mean(d)`
  /// equals `predict(X)` up to rounding.
  /// @param X (n_samples, n_features()); NaN = missing
  /// @throws as predict(X); footprint::invalid_argument when fitted with quantile_forest = false
  /// Complexity: O(n_estimators (depth + leaf size) log) per row.
  [[nodiscard]] std::vector<empirical_distribution> predict_distribution(matrix_cref X) const {
    check_predict(X);
    if (!params_.quantile_forest) {
      throw invalid_argument(detail::concat(name, "::predict_distribution: needs quantile_forest = true at fit"));
    }
    std::vector<empirical_distribution> out(static_cast<std::size_t>(X.rows()));
    const int nt = detail::resolve_threads(params_.n_threads);
#ifdef _OPENMP
#pragma omp parallel num_threads(nt) if (nt > 1 && X.rows() > 16)
#endif
    {
      std::vector<double> row(static_cast<std::size_t>(n_features_));
      std::vector<std::pair<double, double>> points;
#ifdef _OPENMP
#pragma omp for schedule(dynamic, 16)
#endif
      for (index i = 0; i < X.rows(); ++i) {
        for (index j = 0; j < n_features_; ++j) row[static_cast<std::size_t>(j)] = X(i, j);
        points.clear();
        const double inv_t = 1.0 / static_cast<double>(leaves_.size());
        for (std::size_t t = 0; t < leaves_.size(); ++t) {
          const std::int32_t leaf = ensemble_.leaf_index(static_cast<index>(t), row);
          const leaf_samples& ls = leaves_[t];
          const std::int32_t b = ls.begin[static_cast<std::size_t>(leaf)];
          const std::int32_t e = ls.begin[static_cast<std::size_t>(leaf) + 1];
          double total = 0.0;
          for (std::int32_t k = b; k < e; ++k) total += ls.weight[static_cast<std::size_t>(k)];
          for (std::int32_t k = b; k < e; ++k) {
            points.emplace_back(y_[static_cast<std::size_t>(ls.row[static_cast<std::size_t>(k)])],
                                inv_t * ls.weight[static_cast<std::size_t>(k)] / total);
          }
        }
        out[static_cast<std::size_t>(i)] = empirical_distribution(points);
      }
    }
    (void)nt;
    return out;
  }

  /// Quantiles of the predictive distributions: (n_samples, levels.size()), units of y.
  /// @param levels each in [0, 1]
  /// @throws as predict_distribution; footprint::invalid_argument for a level outside [0, 1]
  [[nodiscard]] matrix predict_quantiles(matrix_cref X, std::span<const double> levels) const {
    for (double p : levels) {
      if (!(p >= 0.0 && p <= 1.0)) throw invalid_argument(detail::concat(name, "::predict_quantiles: levels must be in [0, 1] (got ", p, ")"));
    }
    const auto d = predict_distribution(X);
    matrix out(X.rows(), static_cast<index>(levels.size()));
    for (index i = 0; i < X.rows(); ++i) {
      for (std::size_t k = 0; k < levels.size(); ++k) out(i, static_cast<index>(k)) = quantile(d[static_cast<std::size_t>(i)], levels[k]);
    }
    return out;
  }

  /// Central prediction intervals with probability `coverage`: (n_samples, 2) with the
  /// (1-coverage)/2 and (1+coverage)/2 quantiles, units of y.
  /// @throws as predict_distribution; footprint::invalid_argument unless 0 < coverage < 1
  [[nodiscard]] matrix predict_interval(matrix_cref X, double coverage) const {
    if (!(coverage > 0.0 && coverage < 1.0)) {
      throw invalid_argument(detail::concat(name, "::predict_interval: coverage must be in (0, 1) (got ", coverage, ")"));
    }
    const double levels[2] = {(1.0 - coverage) / 2.0, (1.0 + coverage) / 2.0};
    return predict_quantiles(X, levels);
  }

  /// True after a successful fit.
  [[nodiscard]] bool is_fitted() const noexcept { return fitted_; }
  /// Number of columns of the X of the last fit (0 before).
  [[nodiscard]] index n_features() const noexcept { return n_features_; }
  /// The hyper-parameters.
  [[nodiscard]] const random_forest_params& params() const noexcept { return params_; }
  /// The fitted trees and the inference engine. @throws not_fitted
  [[nodiscard]] const tree_ensemble& ensemble() const {
    require_fitted("ensemble");
    return ensemble_;
  }
  /// Impurity importance: each feature's total reduction of the weighted sum of squares,
  /// normalised to sum to 1, (n_features()). @throws not_fitted
  [[nodiscard]] vector feature_importances() const {
    require_fitted("feature_importances");
    return ensemble_.feature_importances();
  }
  /// Out-of-bag prediction per training row (NaN for rows in-bag in every tree); needs
  /// oob_score = true. @throws not_fitted; footprint::invalid_argument without oob_score
  [[nodiscard]] const vector& oob_prediction() const {
    require_oob("oob_prediction");
    return oob_prediction_;
  }
  /// Out-of-bag mean squared error over rows with an OOB prediction, units of y^2.
  /// @throws as oob_prediction()
  [[nodiscard]] double oob_error() const {
    require_oob("oob_error");
    return oob_mse_;
  }
  /// Out-of-bag R^2 (scikit-learn's oob_score_). @throws as oob_prediction()
  [[nodiscard]] double oob_r2() const {
    require_oob("oob_r2");
    return oob_r2_;
  }

 private:
  friend struct detail::tree_model_access;
  static constexpr const char* name = "footprint::random_forest";

  /// In-bag rows of every leaf of one tree: rows begin[node] .. begin[node + 1].
  struct leaf_samples {
    std::vector<std::int32_t> begin;  ///< (n_nodes + 1) offsets
    std::vector<std::int32_t> row;    ///< training row index
    std::vector<double> weight;       ///< in-bag count times sample weight
    friend bool operator==(const leaf_samples&, const leaf_samples&) = default;
  };

  void require_fitted(const char* what) const {
    if (!fitted_) throw not_fitted(detail::concat(name, "::", what));
  }
  void require_oob(const char* what) const {
    require_fitted(what);
    if (!params_.oob_score) throw invalid_argument(detail::concat(name, "::", what, ": needs oob_score = true at fit"));
  }
  void check_predict(const matrix_cref& X) const {
    detail::check_predict(detail::where_t{name, "predict"}, fitted_, X, n_features_);
  }

  fit_report fit_impl(const matrix_cref& X, const vector_cref& y, const vector_cref* w) {
    detail::check_tree_training_data(detail::concat(name, "::fit"), X, y, w);
    const index n = X.rows();
    const index d = X.cols();
    const random_forest_params& p = params_;
    const int nt = detail::resolve_threads(p.n_threads);
    detail::bin_mapper mapper;
    mapper.fit(X, static_cast<int>(p.max_bins), nt);
    const detail::binned_matrix B = mapper.transform(X, nt);

    detail::grower_config cfg;
    cfg.policy = p.max_leaves > 0 ? detail::grow_policy::lossguide : detail::grow_policy::depth_first;
    cfg.max_depth = static_cast<int>(p.max_depth);
    cfg.max_leaves = p.max_leaves;
    cfg.lambda = 0.0;
    cfg.alpha = 0.0;
    cfg.min_child_weight = 0.0;
    cfg.min_samples_leaf = static_cast<double>(p.min_samples_leaf);
    cfg.min_samples_split = static_cast<double>(p.min_samples_split);
    cfg.max_features_node = std::max<index>(1, static_cast<index>(std::llround(p.max_features * static_cast<double>(d))));
    cfg.n_threads = 1;
    double w_total = 0.0;
    for (index i = 0; i < n; ++i) w_total += w != nullptr ? (*w)[i] : 1.0;
    cfg.min_split_gain = p.min_impurity_decrease * w_total;

    const auto T = static_cast<std::size_t>(p.n_estimators);
    std::vector<regression_tree> trees(T);
    std::vector<leaf_samples> leaves(p.quantile_forest ? T : 0);
    const std::size_t words = (static_cast<std::size_t>(n) + 63) / 64;
    std::vector<std::vector<std::uint64_t>> in_bag(p.oob_score ? T : 0);
    std::vector<std::int32_t> features(static_cast<std::size_t>(d));
    for (index j = 0; j < d; ++j) features[static_cast<std::size_t>(j)] = static_cast<std::int32_t>(j);
    const auto m = std::max<index>(1, static_cast<index>(std::llround(p.max_samples * static_cast<double>(n))));

#ifdef _OPENMP
#pragma omp parallel num_threads(nt) if (nt > 1 && T > 1)
#endif
    {
      detail::tree_grower grower(B, mapper, cfg);
      std::vector<detail::grad_pair> gh(static_cast<std::size_t>(n));
      std::vector<std::uint32_t> count(static_cast<std::size_t>(n));
      std::vector<std::int32_t> rows;
      std::vector<index> perm;
#ifdef _OPENMP
#pragma omp for schedule(dynamic, 1)
#endif
      for (std::size_t t = 0; t < T; ++t) {
        detail::xoshiro256ss rng(p.seed, t);
        std::fill(count.begin(), count.end(), 0U);
        if (p.bootstrap) {
          for (index k = 0; k < m; ++k) ++count[static_cast<std::size_t>(rng.below32(static_cast<std::uint64_t>(n)))];
        } else if (m == n) {
          std::fill(count.begin(), count.end(), 1U);
        } else {
          perm.resize(static_cast<std::size_t>(n));
          for (index i = 0; i < n; ++i) perm[static_cast<std::size_t>(i)] = i;
          for (index k = 0; k < m; ++k) {
            const auto j = static_cast<index>(k + static_cast<index>(rng.below32(static_cast<std::uint64_t>(n - k))));
            std::swap(perm[static_cast<std::size_t>(k)], perm[static_cast<std::size_t>(j)]);
            count[static_cast<std::size_t>(perm[static_cast<std::size_t>(k)])] = 1U;
          }
        }
        rows.clear();
        for (index i = 0; i < n; ++i) {
          const auto c = static_cast<double>(count[static_cast<std::size_t>(i)]);
          const double wi = c * (w != nullptr ? (*w)[i] : 1.0);
          if (wi > 0.0) {
            rows.push_back(static_cast<std::int32_t>(i));
            gh[static_cast<std::size_t>(i)] = {-wi * y[i], wi};
          }
        }
        if (p.oob_score) {
          auto& bits = in_bag[t];
          bits.assign(words, 0U);
          for (std::int32_t r : rows) bits[static_cast<std::size_t>(r) / 64] |= std::uint64_t{1} << (static_cast<unsigned>(r) % 64U);
        }
        detail::grown_tree g = grower.grow(rows, gh, features, rng);
        if (p.quantile_forest) {
          leaf_samples& ls = leaves[t];
          ls.begin.assign(g.nodes.size() + 1, 0);
          for (std::size_t k = 0; k < g.nodes.size(); ++k) {
            const auto len = g.nodes[k].is_leaf() ? g.range[k].second - g.range[k].first : 0;
            ls.begin[k + 1] = ls.begin[k] + len;
          }
          ls.row.resize(static_cast<std::size_t>(ls.begin.back()));
          ls.weight.resize(ls.row.size());
          for (std::size_t k = 0; k < g.nodes.size(); ++k) {
            if (!g.nodes[k].is_leaf()) continue;
            auto out = static_cast<std::size_t>(ls.begin[k]);
            for (std::int32_t q = g.range[k].first; q < g.range[k].second; ++q) {
              const std::int32_t r = g.rows[static_cast<std::size_t>(q)];
              ls.row[out] = r;
              ls.weight[out] = gh[static_cast<std::size_t>(r)].h;
              ++out;
            }
          }
        }
        trees[t] = regression_tree(std::move(g.nodes));
      }
    }

    tree_ensemble ens(std::move(trees), 0.0, d, 1.0 / static_cast<double>(T));
    fit_report report;
    report.status = fit_status::converged;
    report.iterations = static_cast<index>(T);
    vector oob;
    double oob_mse = nan;
    double oob_r2 = nan;
    if (p.oob_score) {
      oob = vector::Constant(n, nan);
#ifdef _OPENMP
#pragma omp parallel num_threads(nt) if (nt > 1)
#endif
      {
        std::vector<double> row(static_cast<std::size_t>(d));
#ifdef _OPENMP
#pragma omp for schedule(static)
#endif
        for (index i = 0; i < n; ++i) {
          for (index j = 0; j < d; ++j) row[static_cast<std::size_t>(j)] = X(i, j);
          double s = 0.0;
          index k = 0;
          for (std::size_t t = 0; t < T; ++t) {
            if ((in_bag[t][static_cast<std::size_t>(i) / 64] >> (static_cast<unsigned>(i) % 64U) & 1U) != 0U) continue;
            s += ens.trees()[t].predict_row(row);
            ++k;
          }
          if (k > 0) oob[i] = s / static_cast<double>(k);
        }
      }
      double sse = 0.0;
      double sy = 0.0;
      double sw = 0.0;
      for (index i = 0; i < n; ++i) {
        if (std::isnan(oob[i])) continue;
        sse += (y[i] - oob[i]) * (y[i] - oob[i]);
        sy += y[i];
        sw += 1.0;
      }
      if (sw > 0.0) {
        oob_mse = sse / sw;
        const double ybar = sy / sw;
        double sst = 0.0;
        for (index i = 0; i < n; ++i) {
          if (!std::isnan(oob[i])) sst += (y[i] - ybar) * (y[i] - ybar);
        }
        oob_r2 = sst > 0.0 ? 1.0 - sse / sst : nan;
      }
      report.final_loss = oob_mse;
      report.message = detail::concat("out-of-bag MSE ", oob_mse, ", R^2 ", oob_r2);
    } else {
      report.message = "final_loss is the out-of-bag MSE when oob_score = true";
    }
    // commit
    ensemble_ = std::move(ens);
    leaves_ = std::move(leaves);
    y_ = p.quantile_forest ? std::vector<double>(y.data(), y.data() + n) : std::vector<double>{};
    oob_prediction_ = std::move(oob);
    oob_mse_ = oob_mse;
    oob_r2_ = oob_r2;
    n_features_ = d;
    fitted_ = true;
    return report;
  }

  random_forest_params params_;
  tree_ensemble ensemble_;
  std::vector<leaf_samples> leaves_;
  std::vector<double> y_;
  vector oob_prediction_;
  double oob_mse_ = nan;
  double oob_r2_ = nan;
  index n_features_ = 0;
  bool fitted_ = false;
};

}  // namespace footprint
