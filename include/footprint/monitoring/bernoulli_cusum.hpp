/// @file monitoring/bernoulli_cusum.hpp
/// @brief `bernoulli_cusum`: the Bernoulli CUSUM chart (Reynolds and Stoumbos 1999) on a
/// stream of 0/1 outcomes, e.g. the misses of a conformal interval. See docs/monitoring.md.
///
/// A cheap header: the standard library, Eigen/Core through types.hpp, and the checks.
#pragma once

#include "footprint/detail/checks.hpp"
#include "footprint/monitoring/detail/detection_log.hpp"
#include "footprint/types.hpp"

#include <algorithm>
#include <cmath>

namespace footprint {

/// Parameters of `bernoulli_cusum`, validated by its constructor.
struct bernoulli_cusum_params {
  double p0 = 0.1;  ///< in-control rate: the interval's miscoverage alpha, in (0, 1)
  double p1 = 0.2;  ///< out-of-control rate the chart is tuned to detect, in (p0, 1)
  /// decision interval, in misses (units of x), finite and > 0; the default keeps the chance
  /// of a false alarm within 1,000 in-control outcomes under 5% for p0 = 0.1, p1 = 0.2
  /// (docs/monitoring.md)
  double h = 8.0;
};

/// The Bernoulli CUSUM (Reynolds and Stoumbos 1999, "A CUSUM chart for monitoring a
/// proportion when inspecting continuously", Journal of Quality Technology 31): for outcomes
/// X_t in {0, 1} (1 = a miss) with P(X_t = 1) = p0 in control, the log-likelihood-ratio CUSUM
/// for a rise to p1, scaled to misses:
///
///     B_t = max(0, B_{t-1} + X_t - gamma),
///     gamma = ln((1 - p0) / (1 - p1)) / ln(p1 (1 - p0) / (p0 (1 - p1))),
///
/// B_0 = 0 and a signal when B_t >= h; B restarts at 0. On conformal intervals at level
/// 1 - alpha, p0 = alpha: the chart signals when intervals miss more often than promised.
/// (A one-sided chart: fewer misses than alpha is no alarm.) O(1) per update.
class bernoulli_cusum {
 public:
  /// p0 = 0.1, p1 = 0.2, h = 8.
  bernoulli_cusum() : bernoulli_cusum(bernoulli_cusum_params{}) {}

  /// @param params p0 in (0, 1); p1 in (p0, 1); h finite and > 0
  /// @throws footprint::invalid_argument when a parameter is out of range, e.g.
  ///         `footprint::bernoulli_cusum: p1 must be in (0.25, 1) (got 0.125)`
  explicit bernoulli_cusum(bernoulli_cusum_params params) : params_(params) {
    detail::require_in(params_.p0, 0.0, 1.0, detail::bounds::open, name, "p0");
    detail::require_in(params_.p1, params_.p0, 1.0, detail::bounds::open, name, "p1");
    detail::require_positive(params_.h, name, "h");
    gamma_ = std::log((1.0 - params_.p0) / (1.0 - params_.p1)) /
             std::log(params_.p1 * (1.0 - params_.p0) / (params_.p0 * (1.0 - params_.p1)));
  }

  /// Observes the next outcome.
  /// @param x 1 for a miss, 0 for a cover (values >= 0.5 count as a miss); NaN is skipped
  /// @return is_drifting()
  bool update(double x) noexcept {
    if (std::isnan(x)) {
      log_.record(false);
      return false;
    }
    const double miss = x >= 0.5 ? 1.0 : 0.0;
    b_ = std::max(0.0, b_ + miss - gamma_);
    const bool signal = b_ >= params_.h;
    if (signal) b_ = 0.0;
    log_.record(signal);
    return signal;
  }

  /// True when the last update signalled a rise of the rate.
  [[nodiscard]] bool is_drifting() const noexcept { return log_.drifting; }
  /// Forgets the sum and the detections, as if newly constructed.
  void reset() noexcept {
    b_ = 0.0;
    log_.clear();
  }
  /// Changes signalled since construction or reset().
  [[nodiscard]] index n_detections() const noexcept { return log_.n_detections; }
  /// 0-based stream position of the last signal; -1 before the first.
  [[nodiscard]] index last_detection() const noexcept { return log_.last_detection; }
  /// update calls since construction or reset() (NaN values included).
  [[nodiscard]] index n_updates() const noexcept { return log_.n_updates; }

  /// B_t, the statistic (misses, >= 0; 0 right after a signal).
  [[nodiscard]] double statistic() const noexcept { return b_; }
  /// gamma, the reference value subtracted per outcome, in (p0, p1).
  [[nodiscard]] double gamma() const noexcept { return gamma_; }
  /// The parameters.
  [[nodiscard]] const bernoulli_cusum_params& params() const noexcept { return params_; }

 private:
  static constexpr const char* name = "footprint::bernoulli_cusum";
  bernoulli_cusum_params params_;
  double gamma_ = 0.0;
  double b_ = 0.0;
  detail::monitoring::detection_log log_;
};

}  // namespace footprint
