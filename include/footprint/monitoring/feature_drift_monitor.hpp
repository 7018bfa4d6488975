/// @file monitoring/feature_drift_monitor.hpp
/// @brief `feature_drift_monitor`: whether the features a model now sees are distributed as the
/// ones it was fitted on, feature by feature (population stability index, Kolmogorov-Smirnov,
/// Wasserstein-1, and the share of NaN). See docs/monitoring.md, "Model monitoring".
///
/// A cheap header: the standard library, Eigen/Core through types.hpp, and the checks.
#pragma once

#include "footprint/detail/checks.hpp"
#include "footprint/monitoring/distribution_distance.hpp"
#include "footprint/types.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace footprint {

/// Parameters of `feature_drift_monitor`, validated by its constructor.
struct feature_drift_params {
  index n_bins = 10;           ///< bins of the population stability index, >= 2 (reference deciles)
  double min_fraction = 1e-4;  ///< floor of a bin's fraction in the PSI, in (0, 1)
  double psi_alarm = 0.25;     ///< a feature drifts when its PSI exceeds this (Siddiqi's "significant"), > 0
  /// family-wise significance of the KS tests, in (0, 1): a feature's test rejects at
  /// ks_alpha / n_features (Bonferroni)
  double ks_alpha = 0.01;
  /// the Wasserstein-1 distance, in reference standard deviations, that a KS rejection must
  /// also reach for the feature to drift, >= 0 (with thousands of rows KS rejects shifts too
  /// small to matter)
  double wasserstein_alarm = 0.1;
  double nan_alarm = 0.1;  ///< a feature drifts when its NaN share rises by more than this, in (0, 1]
  /// the reference quantiles that bound a feature's range: [range_quantile, 1 - range_quantile], in (0, 0.5)
  double range_quantile = 0.005;
  /// a feature is out of range when more than this share of its current values lies outside
  /// the reference's range (2 range_quantile in control), in (0, 1]
  double range_alarm = 0.1;
  index min_samples = 30;  ///< finite values a column needs (reference and current) to be compared, >= 1
};

/// One feature's drift, current against reference.
struct feature_drift {
  std::string name;                     ///< the feature's name (or "x<j>")
  index n_reference = 0;                ///< finite reference values
  index n_current = 0;                  ///< finite current values
  double nan_fraction_reference = nan;  ///< share of NaN among the reference rows, [0, 1]
  double nan_fraction = nan;            ///< share of NaN among the current rows, [0, 1]
  double psi = nan;                     ///< population stability index, >= 0 (NaN when not compared)
  double ks_statistic = nan;            ///< KS D, [0, 1]
  double ks_p_value = nan;              ///< asymptotic KS p-value, [0, 1]
  double wasserstein = nan;             ///< Wasserstein-1 distance, units of the feature
  double wasserstein_std = nan;         ///< the same over the reference standard deviation
  /// share of the current finite values outside the reference's [q, 1 - q] quantile range
  /// (q = range_quantile; 2 q in control), [0, 1]
  double out_of_range_fraction = nan;
  bool is_out_of_range = false;  ///< out_of_range_fraction > range_alarm: the model extrapolates
  double psi_limit = nan;  ///< the PSI above which the feature drifts (psi_alarm, or the reference blocks' maximum)
  double wasserstein_limit = nan;  ///< the same for wasserstein_std
  double range_limit = nan;        ///< the same for out_of_range_fraction
  bool is_compared = false;        ///< false when the current column has fewer than min_samples finite values
  bool is_drifted = false;         ///< the rule in `feature_drift_monitor`'s comment
};

/// Every feature's drift, in column order.
struct feature_drift_report {
  std::vector<feature_drift> features;  ///< (n_features)
  index n_drifted = 0;                  ///< features with is_drifted
  index n_out_of_range = 0;             ///< features with is_out_of_range
  /// True when any feature drifts.
  [[nodiscard]] bool is_drifting() const noexcept { return n_drifted > 0; }
};

/// Feature drift of a model's inputs against its training reference (the model-monitoring
/// half of docs/monitoring.md; `model_monitor` watches its residuals and coverage). `fit`
/// keeps each reference column's finite values, sorted; `compute` compares a window of
/// current rows with them, column by column. A feature drifts when
///
///   - its PSI exceeds its limit (psi_alarm, or higher when `fit` calibrates on blocks), or
///   - its KS test rejects at ks_alpha / n_features and the Wasserstein-1 distance exceeds
///     its limit (wasserstein_alarm reference standard deviations, or higher), or
///   - its share of NaN rose by more than nan_alarm (features are NaN on degenerate books:
///     a feed that starts to lose a side shows here).
///
/// Distribution shift is not extrapolation: a window of twenty minutes of an autocorrelated
/// feature sits in part of the reference's range and shifts by PSI and KS, yet the model has
/// seen such values. A feature is also *out of range* when more than range_alarm of its
/// current values lie outside the reference's [range_quantile, 1 - range_quantile] quantiles
/// (0.5% and 99.5%): there the model extrapolates (`recalibration_policy` falls back on it).
///
/// NaN rows are left out of the distances and counted, never dropped silently. A column with
/// fewer than min_samples finite current values is reported as not compared.
class feature_drift_monitor {
 public:
  feature_drift_monitor() : feature_drift_monitor(feature_drift_params{}) {}

  /// @throws footprint::invalid_argument when a parameter is out of range, e.g.
  ///         `footprint::feature_drift_monitor: psi_alarm must be finite and > 0 (got 0)`
  explicit feature_drift_monitor(feature_drift_params params) : params_(params) {
    detail::require_at_least(params_.n_bins, 2, name, "n_bins");
    detail::require_in(params_.min_fraction, 0.0, 1.0, detail::bounds::open, name, "min_fraction");
    detail::require_positive(params_.psi_alarm, name, "psi_alarm");
    detail::require_in(params_.ks_alpha, 0.0, 1.0, detail::bounds::open, name, "ks_alpha");
    detail::require_non_negative(params_.wasserstein_alarm, name, "wasserstein_alarm");
    detail::require_in(params_.nan_alarm, 0.0, 1.0, detail::bounds::open_closed, name, "nan_alarm");
    detail::require_at_least(params_.min_samples, 1, name, "min_samples");
    detail::require_in(params_.range_quantile, 0.0, 0.5, detail::bounds::open, name, "range_quantile");
    detail::require_in(params_.range_alarm, 0.0, 1.0, detail::bounds::open_closed, name, "range_alarm");
  }

  /// Keeps the reference: the rows the model was fitted on (or a sample of them).
  ///
  /// With block_rows, the alarm limits calibrate themselves on the reference: its rows (in
  /// time order) are cut into blocks of block_rows, each block is compared with the whole
  /// reference as a current window would be, and a feature's limits become the largest of
  /// its blocks' PSI, Wasserstein distance (in sd) and out-of-range share, where that exceeds
  /// psi_alarm, wasserstein_alarm and range_alarm. A window of an autocorrelated feature
  /// (volatility, a spread tied to the price level) then drifts only when it is further from
  /// the reference than any stretch of the reference itself: without it, PSI and KS on short
  /// windows of such features alarm on every window (docs/monitoring.md, footprint-monitor).
  /// @param X_reference (n_samples, n_features): rows are observations, in time order when
  ///        block_rows is given; NaN allowed (counted), infinities not
  /// @param names n_features names, or empty for "x0", "x1", ...
  /// @param block_rows rows per calibration block, 0 (the default: fixed limits) or >=
  ///        min_samples; used when the reference holds at least two blocks
  /// @throws invalid_argument when X_reference holds an infinity, has no column, when a
  ///         column has fewer than min_samples finite values, or names has the wrong size
  void fit(matrix_cref X_reference, std::vector<std::string> names = {}, index block_rows = 0) {
    if (block_rows != 0)
      detail::require_at_least(block_rows, params_.min_samples, "footprint::feature_drift_monitor::fit", "block_rows");
    if (X_reference.cols() == 0) throw invalid_argument(detail::concat(name, "::fit: X_reference has no column"));
    if (!names.empty() && index(names.size()) != X_reference.cols()) {
      throw dimension_mismatch(detail::concat(name, "::fit"), "names.size() must equal X_reference.cols()",
                               X_reference.cols(), index(names.size()));
    }
    if (names.empty()) {
      for (index j = 0; j < X_reference.cols(); ++j) names.push_back(detail::concat("x", j));
    }
    std::vector<column> columns(static_cast<std::size_t>(X_reference.cols()));
    for (index j = 0; j < X_reference.cols(); ++j) {
      column& c = columns[static_cast<std::size_t>(j)];
      c.values = finite_values(X_reference.col(j), "::fit: X_reference", j);
      c.nan_fraction = 1.0 - double(c.values.size()) / double(X_reference.rows());
      if (index(c.values.size()) < params_.min_samples) {
        throw invalid_argument(detail::concat(name, "::fit: column ", j, " ('", names[std::size_t(j)], "') has ",
                                              c.values.size(), " finite values; min_samples is ", params_.min_samples));
      }
      double mean = 0.0;
      for (const double v : c.values) mean += v;
      mean /= double(c.values.size());
      double ss = 0.0;
      for (const double v : c.values) ss += (v - mean) * (v - mean);
      c.std = std::sqrt(ss / double(c.values.size()));
      std::sort(c.values.begin(), c.values.end());
      c.low = quantile_of_sorted(c.values, params_.range_quantile);
      c.high = quantile_of_sorted(c.values, 1.0 - params_.range_quantile);
    }
    for (column& c : columns) {
      c.psi_limit = params_.psi_alarm;
      c.wasserstein_limit = params_.wasserstein_alarm;
      c.range_limit = params_.range_alarm;
    }
    const index n_blocks = block_rows > 0 ? X_reference.rows() / block_rows : 0;
    if (n_blocks >= 2) {
      for (index j = 0; j < X_reference.cols(); ++j) {
        column& c = columns[static_cast<std::size_t>(j)];
        for (index b = 0; b < n_blocks; ++b) {
          const std::vector<double> block =
              finite_values(X_reference.col(j).segment(b * block_rows, block_rows), "::fit: X_reference", j);
          if (index(block.size()) < params_.min_samples) continue;
          const measures m = measure(c, block);
          c.psi_limit = std::max(c.psi_limit, m.psi);
          c.wasserstein_limit = std::max(c.wasserstein_limit, m.wasserstein_std);
          c.range_limit = std::max(c.range_limit, m.out_of_range_fraction);
        }
      }
    }
    columns_ = std::move(columns);
    names_ = std::move(names);
  }

  /// Compares current rows with the reference.
  /// @param X (n_rows, n_features): a window of current rows; NaN allowed, infinities not
  /// @return each feature's drift and the count of features that drift
  /// @throws not_fitted before fit; dimension_mismatch when X.cols() != n_features();
  ///         invalid_argument for an infinity
  [[nodiscard]] feature_drift_report compute(matrix_cref X) const {
    detail::require_fitted(is_fitted(), "footprint::feature_drift_monitor::compute");
    if (X.cols() != n_features()) {
      throw dimension_mismatch(detail::concat(name, "::compute"), "X.cols() must equal n_features()", n_features(),
                               X.cols());
    }
    feature_drift_report report;
    report.features.reserve(columns_.size());
    const double per_test_alpha = params_.ks_alpha / double(n_features());
    for (index j = 0; j < n_features(); ++j) {
      const column& c = columns_[static_cast<std::size_t>(j)];
      const std::vector<double> current = finite_values(X.col(j), "::compute: X", j);
      feature_drift f;
      f.name = names_[static_cast<std::size_t>(j)];
      f.n_reference = index(c.values.size());
      f.n_current = index(current.size());
      f.nan_fraction_reference = c.nan_fraction;
      f.nan_fraction = X.rows() > 0 ? 1.0 - double(current.size()) / double(X.rows()) : nan;
      f.is_compared = f.n_current >= params_.min_samples;
      f.psi_limit = c.psi_limit;
      f.wasserstein_limit = c.wasserstein_limit;
      f.range_limit = c.range_limit;
      if (f.is_compared) {
        const measures m = measure(c, current);
        f.psi = m.psi;
        f.ks_statistic = m.ks.statistic;
        f.ks_p_value = m.ks.p_value;
        f.wasserstein = m.wasserstein;
        f.wasserstein_std = m.wasserstein_std;
        f.out_of_range_fraction = m.out_of_range_fraction;
        f.is_drifted =
            f.psi > c.psi_limit || (f.ks_p_value < per_test_alpha && f.wasserstein_std > c.wasserstein_limit);
        f.is_out_of_range = f.out_of_range_fraction > c.range_limit;
      }
      if (X.rows() > 0 && f.nan_fraction - f.nan_fraction_reference > params_.nan_alarm) f.is_drifted = true;
      if (f.is_drifted) ++report.n_drifted;
      if (f.is_out_of_range) ++report.n_out_of_range;
      report.features.push_back(std::move(f));
    }
    return report;
  }

  /// True after fit.
  [[nodiscard]] bool is_fitted() const noexcept { return !columns_.empty(); }
  /// Columns of the reference (0 before fit).
  [[nodiscard]] index n_features() const noexcept { return index(columns_.size()); }
  /// The features' names (empty before fit).
  [[nodiscard]] const std::vector<std::string>& names() const noexcept { return names_; }
  /// The parameters.
  [[nodiscard]] const feature_drift_params& params() const noexcept { return params_; }

 private:
  static constexpr const char* name = "footprint::feature_drift_monitor";
  static constexpr double inf = std::numeric_limits<double>::infinity();

  struct column {
    std::vector<double> values;  ///< finite values, sorted
    double nan_fraction = 0.0;
    double std = 0.0;              ///< population standard deviation of values
    double low = 0.0, high = 0.0;  ///< the range_quantile and 1 - range_quantile quantiles
    double psi_limit = 0.0, wasserstein_limit = 0.0, range_limit = 0.0;  ///< the alarm limits
  };

  struct measures {
    double psi = nan;
    ks_test ks;
    double wasserstein = nan, wasserstein_std = nan, out_of_range_fraction = nan;
  };

  /// The distances of current finite values (at least one) from a reference column: one sort
  /// of the current values; the reference's are kept sorted.
  [[nodiscard]] measures measure(const column& c, std::vector<double> current) const {
    std::sort(current.begin(), current.end());
    measures m;
    m.psi = detail::monitoring::psi_sorted(c.values, current, params_.n_bins, params_.min_fraction);
    m.ks = detail::monitoring::ks_sorted(c.values, current);
    m.wasserstein = detail::monitoring::wasserstein_sorted(c.values, current);
    m.wasserstein_std = c.std > 0.0 ? m.wasserstein / c.std : (m.wasserstein > 0.0 ? inf : 0.0);
    index outside = 0;
    for (const double v : current) outside += (v < c.low || v > c.high) ? 1 : 0;
    m.out_of_range_fraction = double(outside) / double(current.size());
    return m;
  }

  /// The p-quantile of sorted values, linear interpolation (numpy's default).
  [[nodiscard]] static double quantile_of_sorted(const std::vector<double>& s, double p) noexcept {
    const double h = double(s.size() - 1) * p;
    const auto lo = static_cast<std::size_t>(std::floor(h));
    const std::size_t hi = std::min(lo + 1, s.size() - 1);
    return s[lo] + (h - double(lo)) * (s[hi] - s[lo]);
  }

  [[nodiscard]] static std::vector<double> finite_values(const auto& col, std::string_view what, index j) {
    std::vector<double> v;
    v.reserve(static_cast<std::size_t>(col.size()));
    for (index i = 0; i < col.size(); ++i) {
      const double x = col[i];
      if (std::isnan(x)) continue;
      if (!std::isfinite(x)) {
        throw invalid_argument(detail::concat(name, what, " must not hold an infinity; row ", i, ", column ", j, " is ",
                                              detail::format_number(x)));
      }
      v.push_back(x);
    }
    return v;
  }

  feature_drift_params params_;
  std::vector<column> columns_;
  std::vector<std::string> names_;
};

}  // namespace footprint
