/// @file data/arrival_state.hpp
/// @brief The market at an order's arrival, as `impact_pipeline` captured it: best quotes, their
/// depths and the arrival features.
#pragma once

#include "footprint/types.hpp"

#include <chrono>
#include <cmath>
#include <vector>

namespace footprint {

/// The market at an order's arrival, as the pipeline captured it.
struct arrival_state {
  std::chrono::nanoseconds time{0};  ///< time of the book the state was taken from (same clock as the source)
  double bid = nan;                  ///< best bid, quote currency (NaN: empty side)
  double ask = nan;                  ///< best ask, quote currency (NaN: empty side)
  double bid_depth = nan;            ///< quantity at the best bid (NaN: empty side)
  double ask_depth = nan;            ///< quantity at the best ask (NaN: empty side)
  std::vector<double> features;      ///< the arrival features, in the order of `impact_pipeline::feature_names()`
  /// The best L levels per side of the arrival book when the pipeline keeps them
  /// (`impact_pipeline_params::arrival_book_levels` = L > 0), else empty: shape (4 L), level k
  /// (0 = best) at 4k..4k+3 = bid price, bid quantity, ask price, ask quantity; NaN past a
  /// side's last level.
  std::vector<double> book;

  /// True when both sides were present (the order can be labelled).
  [[nodiscard]] bool is_two_sided() const noexcept { return std::isfinite(bid) && std::isfinite(ask); }
  /// (bid + ask) / 2, NaN unless two-sided.
  [[nodiscard]] double mid() const noexcept { return 0.5 * (bid + ask); }
};

}  // namespace footprint
