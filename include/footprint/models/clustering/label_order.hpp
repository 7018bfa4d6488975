/// @file models/clustering/label_order.hpp
/// @brief `label_order`: how `kmeans`, `gaussian_mixture` and `gaussian_hmm` number their
/// regimes after fitting, so that label 0 means the same thing on every fit. See
/// docs/regimes.md.
#pragma once

#include <cstdint>
#include <string_view>

namespace footprint {

/// The rule that numbers the regimes once a fit has ended (clustering labels are otherwise
/// arbitrary: a restart or a new seed permutes them). Components are sorted by a key of the
/// feature `order_feature` of the model's params, increasing, ties kept in fitted order:
/// with the default (`variance`) and a volatility as that feature, label 0 is the calmest
/// regime and label k - 1 the most volatile.
enum class label_order : std::uint8_t {
  /// Increasing variance of feature `order_feature` within the regime: the component's
  /// covariance entry (gaussian_mixture, gaussian_hmm) or the within-cluster variance of the
  /// training rows (kmeans). The default.
  variance,
  /// Increasing mean (centre) of feature `order_feature`.
  mean,
  /// The order the fit ended with (scikit-learn's: used by the parity tests).
  none,
};

/// Name of a label order, e.g. "variance".
[[nodiscard]] constexpr std::string_view to_string(label_order o) noexcept {
  switch (o) {
    case label_order::variance: return "variance";
    case label_order::mean: return "mean";
    case label_order::none: return "none";
  }
  return "unknown";
}

}  // namespace footprint
