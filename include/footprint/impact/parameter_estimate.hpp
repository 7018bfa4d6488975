/// @file impact/parameter_estimate.hpp
/// @brief One estimated parameter with its classical and heteroscedasticity-robust standard errors.
///
/// Returned by the impact-law fits (`square_root_law`, `power_law_impact`) and by
/// `almgren_chriss_calibration`. A cheap header: standard library and types.hpp only.
#pragma once

#include "footprint/types.hpp"

#include <cstdint>
#include <string_view>

namespace footprint {

/// Which covariance matrix of the estimates to report.
enum class covariance_estimator : std::uint8_t {
  /// Homoscedastic: s^2 (J' W J)^-1 with s^2 = sum w r^2 / (n - p).
  classical,
  /// White's heteroscedasticity-consistent sandwich with the n / (n - p) small-sample factor
  /// (MacKinnon and White 1985, "HC1"): n/(n-p) (J'WJ)^-1 (sum w_i^2 r_i^2 J_i J_i') (J'WJ)^-1.
  hc1,
};

/// Name of a covariance estimator, "classical" or "hc1".
[[nodiscard]] constexpr std::string_view to_string(covariance_estimator e) noexcept {
  return e == covariance_estimator::classical ? "classical" : "hc1";
}

/// A point estimate with its standard errors.
///
/// Both standard errors come from the same fit: `std_error` assumes homoscedastic noise,
/// `robust_std_error` does not (HC1). A parameter held fixed in a fit has both errors 0.
/// An estimate that was not computed is NaN throughout.
struct parameter_estimate {
  double value = nan;             ///< the estimate, in the parameter's units
  double std_error = nan;         ///< classical (homoscedastic) standard error, same units; >= 0
  double robust_std_error = nan;  ///< HC1 heteroscedasticity-robust standard error, same units; >= 0

  /// value / std_error: the t-statistic of the null hypothesis "parameter = 0".
  [[nodiscard]] double t_stat() const noexcept { return value / std_error; }
  /// value / robust_std_error: the t-statistic with the HC1 standard error.
  [[nodiscard]] double robust_t_stat() const noexcept { return value / robust_std_error; }
  /// The standard error of the chosen estimator.
  [[nodiscard]] double standard_error(covariance_estimator e) const noexcept {
    return e == covariance_estimator::classical ? std_error : robust_std_error;
  }
};

}  // namespace footprint
