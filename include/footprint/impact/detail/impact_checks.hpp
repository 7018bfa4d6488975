/// @file impact/detail/impact_checks.hpp
/// @brief Private helpers of the impact laws: argument checks with footprint's message format.
#pragma once

#include "footprint/detail/concat.hpp"
#include "footprint/error.hpp"
#include "footprint/types.hpp"

#include <cmath>
#include <string>
#include <string_view>

namespace footprint::detail {

/// A double as messages show it: "nan", "inf", "-inf" (the same on every standard
/// library; libstdc++ would print a NaN with its sign bit set as "-nan"), otherwise full
/// precision.
[[nodiscard]] inline std::string impact_format(double v) {
  if (std::isnan(v)) return "nan";
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  return concat(v);
}

/// Throws `invalid_argument` "<where>: <name> must be <constraint> (got <v>)" unless ok.
inline void impact_require(bool ok, std::string_view where, std::string_view name,
                           std::string_view constraint, double v) {
  if (!ok) {
    throw invalid_argument(concat(where, ": ", name, " must be ", constraint, " (got ", impact_format(v), ")"));
  }
}

/// Checks a scalar: finite and > 0.
inline void impact_require_positive(double v, std::string_view where, std::string_view name) {
  impact_require(std::isfinite(v) && v > 0.0, where, name, "finite and > 0", v);
}

/// Checks a scalar: finite and >= 0.
inline void impact_require_non_negative(double v, std::string_view where, std::string_view name) {
  impact_require(std::isfinite(v) && v >= 0.0, where, name, "finite and >= 0", v);
}

/// Checks a scalar: finite.
inline void impact_require_finite(double v, std::string_view where, std::string_view name) {
  impact_require(std::isfinite(v), where, name, "finite", v);
}

}  // namespace footprint::detail
