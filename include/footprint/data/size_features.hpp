/// @file data/size_features.hpp
/// @brief The size features of an order, computed by one function at training time
/// (`impact_dataset_builder`) and at pricing time (`order_design::order_row`), so that a
/// model never sees a feature computed one way in training and another when it prices.
#pragma once

#include "footprint/types.hpp"

#include <array>
#include <cmath>
#include <span>
#include <string_view>

namespace footprint {

/// Names of the size features, in the order `compute_size_features` writes them.
inline constexpr std::array<std::string_view, 4> size_feature_names{"quantity", "log_quantity", "size_to_depth",
                                                                    "participation"};

/// Writes the size features of an order of `quantity`:
/// `quantity`; `log_quantity` = ln(quantity); `size_to_depth` = quantity over the displayed
/// quantity at the best quote the order takes (the ask for a buy), NaN when that depth is
/// unknown (NaN) or not > 0; `participation` = quantity / daily_volume.
/// @param quantity     shares/contracts/coins; > 0 (checked by the callers)
/// @param taken_depth  displayed quantity at the best quote the order takes; NaN when unknown
/// @param daily_volume average daily volume, same unit as quantity; > 0
/// @param out          receives the 4 values, in `size_feature_names` order
/// Complexity: O(1); does not allocate or throw.
inline void compute_size_features(double quantity, double taken_depth, double daily_volume,
                                  std::span<double, 4> out) noexcept {
  out[0] = quantity;
  out[1] = std::log(quantity);
  out[2] = (std::isfinite(taken_depth) && taken_depth > 0.0) ? quantity / taken_depth : nan;
  out[3] = quantity / daily_volume;
}

}  // namespace footprint
