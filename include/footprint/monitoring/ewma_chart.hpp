/// @file monitoring/ewma_chart.hpp
/// @brief `ewma_chart`: the exponentially weighted moving average control chart (Roberts
/// 1959) with its exact time-varying limits. See docs/monitoring.md.
///
/// A cheap header: the standard library, Eigen/Core through types.hpp, and the checks.
#pragma once

#include "footprint/detail/checks.hpp"
#include "footprint/monitoring/detail/detection_log.hpp"
#include "footprint/types.hpp"

#include <cmath>

namespace footprint {

/// Parameters of `ewma_chart`, validated by its constructor.
struct ewma_chart_params {
  double mean = 0.0;    ///< in-control mean mu0, units of x, finite
  double sigma = 1.0;   ///< in-control standard deviation sigma0, units of x, finite and > 0
  double lambda = 0.1;  ///< smoothing weight of the newest value, in (0, 1]; 1 is a Shewhart chart
  /// limit width, in standard deviations of z_t, finite and > 0; the default keeps the chance
  /// of a false alarm within 1,000 in-control values under 5% (docs/monitoring.md)
  double L = 4.0;
};

/// The EWMA control chart (Roberts 1959, "Control chart tests based on geometric moving
/// averages", Technometrics 1; Montgomery, sec. 9.2):
///
///     z_t = lambda x_t + (1 - lambda) z_{t-1},   z_0 = mu0,
///
/// a signal when |z_t - mu0| > L sigma0 sqrt(lambda / (2 - lambda) (1 - (1 - lambda)^(2t))),
/// the exact standard deviation of z_t after t in-control values (the limits widen from
/// lambda sigma0 L at t = 1 to their asymptote). After a signal the chart restarts (z = mu0,
/// t = 0). O(1) per update.
class ewma_chart {
 public:
  /// mu0 = 0, sigma0 = 1, lambda = 0.1, L = 4.
  ewma_chart() : ewma_chart(ewma_chart_params{}) {}

  /// @param params mean finite; sigma finite and > 0; lambda in (0, 1]; L finite and > 0
  /// @throws footprint::invalid_argument when a parameter is out of range, e.g.
  ///         `footprint::ewma_chart: lambda must be in (0, 1] (got 0)`
  explicit ewma_chart(ewma_chart_params params) : params_(params) {
    detail::require_finite(params_.mean, name, "mean");
    detail::require_positive(params_.sigma, name, "sigma");
    detail::require_in(params_.lambda, 0.0, 1.0, detail::bounds::open_closed, name, "lambda");
    detail::require_positive(params_.L, name, "L");
    decay_step_ = (1.0 - params_.lambda) * (1.0 - params_.lambda);
    scale_ = params_.L * params_.sigma * std::sqrt(params_.lambda / (2.0 - params_.lambda));
    restart();
  }

  /// Observes the next value.
  /// @param x the value, units of mean and sigma; NaN is skipped
  /// @return is_drifting()
  bool update(double x) noexcept {
    if (std::isnan(x)) {
      log_.record(false);
      return false;
    }
    z_ = params_.lambda * x + (1.0 - params_.lambda) * z_;
    // (1 - lambda)^(2t) until 1 - it rounds to 1; then 0 (no subnormal products, no sqrt).
    decay_ *= decay_step_;
    const double spread = 1.0 - decay_;
    if (spread == 1.0) decay_ = 0.0;
    limit_ = spread == 1.0 ? scale_ : scale_ * std::sqrt(spread);
    const bool signal = std::abs(z_ - params_.mean) > limit_;
    if (signal) restart();
    log_.record(signal);
    return signal;
  }

  /// True when the last update signalled a shift.
  [[nodiscard]] bool is_drifting() const noexcept { return log_.drifting; }
  /// Forgets the average and the detections, as if newly constructed.
  void reset() noexcept {
    restart();
    log_.clear();
  }
  /// Changes signalled since construction or reset().
  [[nodiscard]] index n_detections() const noexcept { return log_.n_detections; }
  /// 0-based stream position of the last signal; -1 before the first.
  [[nodiscard]] index last_detection() const noexcept { return log_.last_detection; }
  /// update calls since construction or reset() (NaN values included).
  [[nodiscard]] index n_updates() const noexcept { return log_.n_updates; }

  /// z_t, the moving average (units of x; mu0 right after a restart).
  [[nodiscard]] double average() const noexcept { return z_; }
  /// The half-width of the control limits of the last update, units of x (0 after a restart).
  [[nodiscard]] double limit() const noexcept { return limit_; }
  /// The parameters.
  [[nodiscard]] const ewma_chart_params& params() const noexcept { return params_; }

 private:
  static constexpr const char* name = "footprint::ewma_chart";

  void restart() noexcept {
    z_ = params_.mean;
    decay_ = 1.0;
    limit_ = 0.0;
  }

  ewma_chart_params params_;
  double decay_step_ = 0.0;  ///< (1 - lambda)^2
  double scale_ = 0.0;       ///< L sigma0 sqrt(lambda / (2 - lambda))
  double z_ = 0.0;
  double decay_ = 1.0;  ///< (1 - lambda)^(2t)
  double limit_ = 0.0;
  detail::monitoring::detection_log log_;
};

}  // namespace footprint
