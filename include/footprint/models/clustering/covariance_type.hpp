/// @file models/clustering/covariance_type.hpp
/// @brief `covariance_type`: the shape of the covariance matrices of `gaussian_mixture` and
/// `gaussian_hmm` (scikit-learn's `covariance_type`). See docs/regimes.md.
#pragma once

#include <cstdint>
#include <string_view>

namespace footprint {

/// Shape of each component's (or state's) covariance matrix, as scikit-learn's
/// `GaussianMixture(covariance_type=...)`. The parameter counts of BIC and AIC follow it.
enum class covariance_type : std::uint8_t {
  full,  ///< each component has its own (n_features, n_features) symmetric positive-definite matrix
  diag,  ///< each component has its own diagonal matrix: n_features variances, features independent given the regime
};

/// Name of a covariance type, "full" or "diag".
[[nodiscard]] constexpr std::string_view to_string(covariance_type c) noexcept {
  return c == covariance_type::full ? "full" : "diag";
}

/// Covariance parameters of one component of dimension d: d (d + 1) / 2 (full) or d (diag).
[[nodiscard]] constexpr long long covariance_parameters(covariance_type c, long long d) noexcept {
  return c == covariance_type::full ? d * (d + 1) / 2 : d;
}

}  // namespace footprint
