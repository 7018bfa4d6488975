/// @file monitoring/model_monitor.hpp
/// @brief `model_monitor`: residual and coverage drift of a fitted impact model's forecasts
/// against realized costs, relative to its reference behaviour. See docs/monitoring.md,
/// "Model monitoring".
///
/// A cheap header: the standard library, Eigen/Core through types.hpp, and the checks.
#pragma once

#include "footprint/detail/checks.hpp"
#include "footprint/monitoring/bernoulli_cusum.hpp"
#include "footprint/monitoring/cusum.hpp"
#include "footprint/types.hpp"

#include <algorithm>
#include <cmath>
#include <span>
#include <string_view>

namespace footprint {

/// One forecast and what happened: a pre-trade forecast of an order's cost and its realized
/// cost, all in basis points of the arrival mid (positive = a cost).
struct forecast_outcome {
  double expected_bps = nan;  ///< the forecast's mean, bps
  double std_bps = nan;       ///< the forecast's spread, bps, > 0
  double lower_bps = nan;     ///< the prediction interval's lower bound, bps
  double upper_bps = nan;     ///< its upper bound, bps, >= lower_bps
  double realized_bps = nan;  ///< the realized cost, bps (NaN: not yet known; skipped)
};

/// Parameters of `model_monitor`, validated by its constructor.
struct model_monitor_params {
  /// the intervals' nominal miscoverage alpha (a 90% interval: 0.1), in (0, 0.5]: the
  /// coverage chart's in-control miss rate p0; it watches for p1 = 2 alpha
  double miscoverage = 0.1;
  double k = 0.5;  ///< allowance of the residual CUSUMs, reference sigma units, >= 0
  double h = 9.0;  ///< decision interval of the bias CUSUM, sigma units, > 0 (cusum's default)
  /// decision interval of the scale CUSUM, sigma units, > 0: |z| is skewed (half-normal for a
  /// calibrated model), and h = 9 gives 12% false alarms per 1,000 outcomes where 11 gives 3%
  /// (docs/monitoring.md)
  double scale_h = 11.0;
  double coverage_h = 8.0;   ///< decision interval of the coverage chart, misses, > 0 (bernoulli_cusum's default)
  index min_reference = 30;  ///< outcomes `fit` needs, >= 2
};

/// What the last outcome set off.
struct model_alarms {
  bool bias = false;      ///< the standardized residual's mean moved (the forecast is biased)
  bool scale = false;     ///< the standardized residual's size moved (the spread is wrong)
  bool coverage = false;  ///< the intervals miss more often than promised
  /// with bias: +1 when realized costs run above the forecasts (costs under-forecast), -1 below
  int bias_sign = 0;
  /// True when any alarm is on.
  [[nodiscard]] bool any() const noexcept { return bias || scale || coverage; }
};

/// Residual and coverage drift of an impact model (Gama et al. 2014, "A survey on concept
/// drift adaptation", ACM Computing Surveys 46, sec. 3: detection on the error stream). Each
/// outcome gives the standardized residual z = (realized - expected) / std and a miss (the
/// realized cost outside [lower, upper]); three charts watch them:
///
///   - bias: a two-sided CUSUM (`cusum`, k and h) on z, standardized by the mean and standard
///     deviation of z over the reference outcomes;
///   - scale: a two-sided CUSUM on |z| (scale_h), standardized by its reference mean and deviation (a
///     spread that became too narrow or too wide);
///   - coverage: a Bernoulli CUSUM (`bernoulli_cusum`) on the misses, p0 = the nominal
///     miscoverage, p1 = twice it (a conformal interval's promise, not the reference's rate).
///
/// The reference is what the model did on data it was not fitted on (a calibration split, or
/// the walk-forward forecasts of a backtest): an impact model's z is rarely N(0, 1), and the
/// charts look for a change from its own behaviour. `update` is noexcept and allocation-free.
class model_monitor {
 public:
  model_monitor() : model_monitor(model_monitor_params{}) {}

  /// @throws footprint::invalid_argument when a parameter is out of range, e.g.
  ///         `footprint::model_monitor: miscoverage must be in (0, 0.5] (got 0.7)`
  explicit model_monitor(model_monitor_params params)
      : params_(params),
        coverage_(checked(params).coverage_params()),
        bias_(cusum_params{.k = params.k, .h = params.h}),
        scale_(cusum_params{.k = params.k, .h = params.scale_h}) {}

  /// Sets the reference from outcomes the model did not see in its fit, and restarts the charts.
  /// @param reference outcomes with finite fields and std_bps > 0; those with a NaN
  ///        realized_bps are skipped; at least min_reference remain
  /// @throws invalid_argument for an outcome with a non-finite forecast or std_bps <= 0 (its
  ///         index named), for too few outcomes, or a reference whose z (or |z|) is constant
  void fit(std::span<const forecast_outcome> reference) {
    constexpr std::string_view where = "footprint::model_monitor::fit";
    double sz = 0, szz = 0, sa = 0, saa = 0;
    index n = 0;
    for (std::size_t i = 0; i < reference.size(); ++i) {
      const forecast_outcome& o = reference[i];
      if (std::isnan(o.realized_bps)) continue;
      if (!is_valid(o)) {
        throw invalid_argument(detail::concat(where, ": reference outcome ", i,
                                              " needs finite fields, std_bps > 0 and lower_bps <= upper_bps"));
      }
      const double z = (o.realized_bps - o.expected_bps) / o.std_bps;
      sz += z;
      szz += z * z;
      sa += std::abs(z);
      saa += z * z;
      ++n;
    }
    if (n < params_.min_reference) {
      throw invalid_argument(detail::concat(
          where, ": ", n, " reference outcomes with a realized cost; min_reference is ", params_.min_reference));
    }
    const double dn = double(n);
    const double z_mean = sz / dn, a_mean = sa / dn;
    const double z_sd = std::sqrt(std::max(0.0, szz / dn - z_mean * z_mean) * dn / (dn - 1.0));
    const double a_sd = std::sqrt(std::max(0.0, saa / dn - a_mean * a_mean) * dn / (dn - 1.0));
    if (!(z_sd > 0.0) || !(a_sd > 0.0)) {
      throw invalid_argument(detail::concat(where, ": the reference's standardized residuals are constant"));
    }
    bias_ = cusum(cusum_params{.mean = z_mean, .sigma = z_sd, .k = params_.k, .h = params_.h});
    scale_ = cusum(cusum_params{.mean = a_mean, .sigma = a_sd, .k = params_.k, .h = params_.scale_h});
    coverage_.reset();
    n_skipped_ = 0;
    fitted_ = true;
  }

  /// Observes the next outcome, in time order.
  /// @param o the forecast and its realized cost; an outcome with a NaN realized cost, a
  ///        non-finite forecast or std_bps <= 0 is skipped and counted (n_skipped)
  /// @return the alarms it set off (none before fit)
  model_alarms update(const forecast_outcome& o) noexcept {
    model_alarms a;
    if (!fitted_ || std::isnan(o.realized_bps) || !is_valid(o)) {
      ++n_skipped_;
      return a;
    }
    const double z = (o.realized_bps - o.expected_bps) / o.std_bps;
    const double zs = (z - bias_.params().mean) / bias_.params().sigma;
    const bool up = bias_.upper() + zs - params_.k > params_.h;
    a.bias = bias_.update(z);
    if (a.bias) a.bias_sign = up ? 1 : -1;
    a.scale = scale_.update(std::abs(z));
    const bool miss = o.realized_bps < o.lower_bps || o.realized_bps > o.upper_bps;
    a.coverage = coverage_.update(miss ? 1.0 : 0.0);
    ++n_observed_;
    if (miss) ++n_misses_;
    return a;
  }

  /// Restarts the charts and the counts, keeping the reference (after a recalibration).
  void restart() noexcept {
    bias_.reset();
    scale_.reset();
    coverage_.reset();
    n_observed_ = n_misses_ = n_skipped_ = 0;
  }

  /// True after fit.
  [[nodiscard]] bool is_fitted() const noexcept { return fitted_; }
  /// Outcomes observed since fit or restart (skipped ones excluded).
  [[nodiscard]] index n_observed() const noexcept { return n_observed_; }
  /// Outcomes skipped since fit or restart (no realized cost, or an invalid forecast).
  [[nodiscard]] index n_skipped() const noexcept { return n_skipped_; }
  /// Share of observed outcomes inside their interval since fit or restart (NaN before one).
  [[nodiscard]] double coverage() const noexcept {
    return n_observed_ > 0 ? 1.0 - double(n_misses_) / double(n_observed_) : nan;
  }
  /// The bias chart (its params() hold the reference mean and deviation of z).
  [[nodiscard]] const cusum& bias_chart() const noexcept { return bias_; }
  /// The scale chart (on |z|).
  [[nodiscard]] const cusum& scale_chart() const noexcept { return scale_; }
  /// The coverage chart.
  [[nodiscard]] const bernoulli_cusum& coverage_chart() const noexcept { return coverage_; }
  /// The parameters.
  [[nodiscard]] const model_monitor_params& params() const noexcept { return params_; }

 private:
  static constexpr const char* name = "footprint::model_monitor";

  struct checked_params {
    const model_monitor_params& p;
    [[nodiscard]] bernoulli_cusum_params coverage_params() const {
      return {.p0 = p.miscoverage, .p1 = 2.0 * p.miscoverage, .h = p.coverage_h};
    }
  };
  static checked_params checked(const model_monitor_params& p) {
    detail::require_in(p.miscoverage, 0.0, 0.5, detail::bounds::open_closed, name, "miscoverage");
    detail::require_non_negative(p.k, name, "k");
    detail::require_positive(p.h, name, "h");
    detail::require_positive(p.scale_h, name, "scale_h");
    detail::require_positive(p.coverage_h, name, "coverage_h");
    detail::require_at_least(p.min_reference, 2, name, "min_reference");
    return {p};
  }
  [[nodiscard]] static bool is_valid(const forecast_outcome& o) noexcept {
    return std::isfinite(o.expected_bps) && std::isfinite(o.std_bps) && o.std_bps > 0.0 &&
           std::isfinite(o.realized_bps) && !(o.lower_bps > o.upper_bps) && !std::isnan(o.lower_bps) &&
           !std::isnan(o.upper_bps);
  }

  model_monitor_params params_;
  bernoulli_cusum coverage_;
  cusum bias_;
  cusum scale_;
  index n_observed_ = 0;
  index n_misses_ = 0;
  index n_skipped_ = 0;
  bool fitted_ = false;
};

}  // namespace footprint
