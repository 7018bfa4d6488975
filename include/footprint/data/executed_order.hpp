/// @file data/executed_order.hpp
/// @brief A market order as executed: the fills a source grouped into one order.
#pragma once

#include "footprint/types.hpp"

#include <chrono>
#include <cstddef>

namespace footprint {

/// A market order as executed: fills grouped by a source's rule (same timestamp, same side).
struct executed_order {
  std::chrono::nanoseconds time{0};             ///< time of the first fill (the pipeline's clock)
  std::chrono::nanoseconds end_time{0};         ///< time of the last fill; >= time
  footprint::side side = footprint::side::buy;  ///< aggressor: buy or sell
  double quantity = 0.0;                        ///< total quantity filled; > 0
  double vwap = nan;                            ///< volume-weighted fill price, quote currency; > 0
  std::size_t fills = 1;                        ///< number of trade prints grouped
};

}  // namespace footprint
