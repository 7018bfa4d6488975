/// @file features/amihud_illiquidity.hpp
/// @brief Amihud illiquidity: mean |return| per unit of traded value over clock intervals.
#pragma once

#include "footprint/book/trade.hpp"
#include "footprint/concepts.hpp"
#include "footprint/detail/concat.hpp"
#include "footprint/detail/feature_names.hpp"
#include "footprint/error.hpp"
#include "footprint/features/detail/interval_bars.hpp"
#include "footprint/types.hpp"

#include <array>
#include <chrono>
#include <cmath>
#include <cstddef>
#include <span>
#include <string>

namespace footprint {

/// Parameters of `amihud_illiquidity`.
struct amihud_illiquidity_params {
  std::chrono::nanoseconds interval = std::chrono::seconds{60};  ///< length of one observation; > 0
  index intervals = 30;                                          ///< K, completed intervals averaged; >= 1
};

/// Amihud illiquidity: the mean absolute mid return per unit of traded value.
///
/// Over the last K completed clock intervals k (aligned on multiples of L since time 0)
/// that have trades and a defined mid at both ends:
///   ILLIQ = mean_k |ln(M_end,k / M_start,k)| / DV_k,   DV_k = sum of price * quantity,
/// Amihud, Y. (2002), "Illiquidity and stock returns: cross-section and time-series
/// effects", Journal of Financial Markets 5(1) (daily ILLIQ), applied to intraday intervals with
/// mid-quote returns instead of daily close-to-close returns. Units: per unit of quote
/// currency (Amihud scales by 10^6 to quote it per million dollars; we do not scale).
/// NaN rules: NaN when no completed interval in the window has trades and defined mids.
/// Feature: `amihud_illiquidity_<L>_x<K>`.
/// Stateful and trade-aware: `update` O(1) amortized, `compute` O(K); neither allocates
/// or throws.
class amihud_illiquidity {
 public:
  /// @throws invalid_argument when interval <= 0 or intervals < 1
  explicit amihud_illiquidity(amihud_illiquidity_params params = {}) : params_(params) {
    const char* where = "footprint::amihud_illiquidity::amihud_illiquidity";
    if (params_.interval.count() <= 0) {
      throw invalid_argument(detail::concat(where, ": interval must be > 0 (got ", params_.interval.count(), " ns)"));
    }
    if (params_.intervals < 1)
      throw invalid_argument(detail::concat(where, ": intervals must be >= 1 (got ", params_.intervals, ")"));
    bars_ = detail::feat::interval_bars(params_.interval, static_cast<std::size_t>(params_.intervals));
    names_[0] = "amihud_illiquidity_" + detail::feat::duration_label(params_.interval) + "_x" +
                std::to_string(params_.intervals);
  }

  /// The parameters.
  [[nodiscard]] const amihud_illiquidity_params& params() const noexcept { return params_; }
  /// Number of features: 1.
  [[nodiscard]] std::size_t size() const noexcept { return 1; }
  /// {"amihud_illiquidity_<L>_x<K>"}.
  [[nodiscard]] std::span<const std::string> names() const noexcept { return names_; }

  /// Observes a book update (its time and mid).
  template <OrderBookView B>
  void update(const B& book) noexcept {
    bars_.update(book);
  }
  /// Observes one trade.
  void update(const trade& t) noexcept { bars_.update(t); }

  /// Writes ILLIQ over the completed intervals (state after the last update).
  template <OrderBookView B>
  void compute(const B&, std::span<double> out) const noexcept {
    double n = 0.0;
    double s = 0.0;
    for (std::size_t i = 0; i < bars_.size(); ++i) {
      const detail::feat::interval_bar& b = bars_[i];
      if (!(b.notional > 0.0) || !(b.open_mid > 0.0) || !(b.close_mid > 0.0)) continue;
      s += std::abs(std::log(b.close_mid / b.open_mid)) / b.notional;
      n += 1.0;
    }
    out[0] = n > 0.0 ? s / n : nan;
  }

  /// Forgets every update and trade.
  void reset() noexcept { bars_.clear(); }

 private:
  amihud_illiquidity_params params_;
  detail::feat::interval_bars bars_;
  std::array<std::string, 1> names_;
};

}  // namespace footprint
