/// @file data/detail/grid_volatility.hpp
/// @brief Private to data/: the realized volatility of a mid path sampled on a clock grid
/// (impact_pipeline streams it; observed_before replays a prefix of the path through it).
#pragma once

#include "footprint/types.hpp"

#include <chrono>
#include <cmath>
#include <cstdint>

namespace footprint::detail {

/// Previous-tick sampling of the mid on the grid first_time + k * interval: the return of each
/// interval is that of the mid in force at its end; intervals without a change contribute 0.
/// volatility() = sqrt(sum r^2 / sampled seconds), per sqrt(second) (Andersen and Bollerslev
/// 1998); NaN before a complete interval. O(1) per update, whatever the gap.
class grid_volatility {
 public:
  /// @param interval the grid's step; > 0 (the caller checks)
  explicit grid_volatility(std::chrono::nanoseconds interval) noexcept : interval_(interval) {}

  /// Adds the mid in force from time t (t not before the previous one's).
  void add(std::chrono::nanoseconds t, double mid) noexcept {
    if (!started_) {
      started_ = true;
      sampled_ = last_ = mid;
      next_ = t + interval_;
      return;
    }
    if (t >= next_) {
      const double r = std::log(last_ / sampled_);
      variance_ += r * r;
      const std::int64_t passed = (t - next_) / interval_ + 1;
      intervals_ += passed;
      sampled_ = last_;
      next_ += interval_ * passed;
    }
    last_ = mid;
  }

  /// The realized volatility per sqrt(second); NaN without a complete interval.
  [[nodiscard]] double volatility() const noexcept {
    return intervals_ > 0 ? std::sqrt(variance_ / (static_cast<double>(intervals_) *
                                                   std::chrono::duration<double>(interval_).count()))
                          : nan;
  }

 private:
  std::chrono::nanoseconds interval_;
  bool started_ = false;
  double sampled_ = nan, last_ = nan;
  std::chrono::nanoseconds next_{0};
  double variance_ = 0.0;
  std::int64_t intervals_ = 0;
};

}  // namespace footprint::detail
