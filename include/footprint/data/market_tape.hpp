/// @file data/market_tape.hpp
/// @brief The tape of a market-data source: every trade print and the mid path, as the
/// impact pipeline saw them (the input of the transient-impact kernel's fit,
/// `fit_propagator`).
#pragma once

#include "footprint/book/trade.hpp"
#include "footprint/types.hpp"

#include <chrono>
#include <vector>

namespace footprint {

/// Every trade print and every change of the mid, in time order, on the source's clock.
struct market_tape {
  std::vector<trade> trades;                        ///< every trade given to the pipeline, in time order
  std::vector<std::chrono::nanoseconds> mid_times;  ///< times of the mid path, increasing
  std::vector<double> mids;  ///< the mid in force from each time, quote currency; shape (mid_times.size())
};

}  // namespace footprint
