/// @file monitoring/cusum.hpp
/// @brief `cusum`: the two-sided tabular CUSUM chart (Page 1954) for a shift of the mean from
/// a fixed reference, k and h in units of the reference sigma. See docs/monitoring.md.
///
/// A cheap header: the standard library, Eigen/Core through types.hpp, and the checks.
#pragma once

#include "footprint/detail/checks.hpp"
#include "footprint/monitoring/detail/detection_log.hpp"
#include "footprint/types.hpp"

#include <algorithm>
#include <cmath>

namespace footprint {

/// Parameters of `cusum`, validated by its constructor.
struct cusum_params {
  double mean = 0.0;   ///< in-control mean mu0, units of x, finite
  double sigma = 1.0;  ///< in-control standard deviation sigma0, units of x, finite and > 0
  double k = 0.5;      ///< reference value (allowance), sigma units, finite and >= 0: half the shift to detect
  /// decision interval, sigma units, finite and > 0; the default keeps the chance of a false
  /// alarm within 1,000 in-control N(mu0, sigma0) values under 5% (docs/monitoring.md)
  double h = 9.0;
};

/// The two-sided tabular CUSUM (Page 1954; Montgomery, "Introduction to Statistical Quality
/// Control", sec. 9.1) on the standardized values z_t = (x_t - mu0) / sigma0:
///
///     C+_t = max(0, C+_{t-1} + z_t - k),   C-_t = max(0, C-_{t-1} - z_t - k),
///
/// C+_0 = C-_0 = 0, a signal when C+_t > h or C-_t > h; both sums then restart at 0. The
/// reference (mu0, sigma0) is fixed: estimate it on an in-control period. k = 0.5 is tuned to
/// a shift of one sigma. O(1) per update.
class cusum {
 public:
  /// mu0 = 0, sigma0 = 1, k = 0.5, h = 9.
  cusum() : cusum(cusum_params{}) {}

  /// @param params mean finite; sigma finite and > 0; k finite and >= 0; h finite and > 0
  /// @throws footprint::invalid_argument when a parameter is out of range, e.g.
  ///         `footprint::cusum: sigma must be finite and > 0 (got 0)`
  explicit cusum(cusum_params params) : params_(params) {
    detail::require_finite(params_.mean, name, "mean");
    detail::require_positive(params_.sigma, name, "sigma");
    detail::require_non_negative(params_.k, name, "k");
    detail::require_positive(params_.h, name, "h");
  }

  /// Observes the next value.
  /// @param x the value, units of mean and sigma; NaN is skipped
  /// @return is_drifting()
  bool update(double x) noexcept {
    if (std::isnan(x)) {
      log_.record(false);
      return false;
    }
    const double z = (x - params_.mean) / params_.sigma;
    upper_ = std::max(0.0, upper_ + z - params_.k);
    lower_ = std::max(0.0, lower_ - z - params_.k);
    const bool signal = upper_ > params_.h || lower_ > params_.h;
    if (signal) {
      upper_ = 0.0;
      lower_ = 0.0;
    }
    log_.record(signal);
    return signal;
  }

  /// True when the last update signalled a shift.
  [[nodiscard]] bool is_drifting() const noexcept { return log_.drifting; }
  /// Forgets the sums and the detections, as if newly constructed.
  void reset() noexcept {
    upper_ = 0.0;
    lower_ = 0.0;
    log_.clear();
  }
  /// Changes signalled since construction or reset().
  [[nodiscard]] index n_detections() const noexcept { return log_.n_detections; }
  /// 0-based stream position of the last signal; -1 before the first.
  [[nodiscard]] index last_detection() const noexcept { return log_.last_detection; }
  /// update calls since construction or reset() (NaN values included).
  [[nodiscard]] index n_updates() const noexcept { return log_.n_updates; }

  /// C+, the upper sum (sigma units, >= 0; 0 right after a signal).
  [[nodiscard]] double upper() const noexcept { return upper_; }
  /// C-, the lower sum (sigma units, >= 0; 0 right after a signal).
  [[nodiscard]] double lower() const noexcept { return lower_; }
  /// The parameters.
  [[nodiscard]] const cusum_params& params() const noexcept { return params_; }

 private:
  static constexpr const char* name = "footprint::cusum";
  cusum_params params_;
  double upper_ = 0.0;
  double lower_ = 0.0;
  detail::monitoring::detection_log log_;
};

}  // namespace footprint
