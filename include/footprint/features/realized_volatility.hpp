/// @file features/realized_volatility.hpp
/// @brief Realized volatility of mid log-returns over a clock window.
#pragma once

#include "footprint/concepts.hpp"
#include "footprint/detail/concat.hpp"
#include "footprint/detail/feature_names.hpp"
#include "footprint/error.hpp"
#include "footprint/features/detail/window_sum.hpp"
#include "footprint/types.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstddef>
#include <span>
#include <string>
#include <vector>

namespace footprint {

/// Parameters of `realized_volatility`.
struct realized_volatility_params {
  std::chrono::nanoseconds window = std::chrono::minutes{5};  ///< T, the clock window; > 0
  index capacity = 65536;                                     ///< most mid changes the window holds (memory); >= 1
};

/// Realized volatility of the mid over the last T: sqrt of the sum of squared log-returns.
///
/// Each update whose mid M_n (both sides present) differs from the previous defined mid
/// M_prev adds the log-return r = ln(M_n / M_prev) at its time; over the returns with time
/// in (t - T, t], t the last update's time (tick-by-tick sampling, Andersen and Bollerslev
/// 1998; Barndorff-Nielsen and Shephard 2002, realized variance RV = sum r^2):
/// - `realized_vol_<T>` = sqrt(sum r^2), dimensionless (the volatility over T);
/// - `realized_vol_rate_<T>` = sqrt(sum r^2 / T_seconds), per sqrt(second), the unit of
///   `market_state::volatility`.
/// Tick-by-tick RV includes microstructure noise (bid-ask bounce of the mid); sample a
/// coarser book if that matters.
/// NaN rules: NaN before the first defined mid; NaN while more than `capacity` returns fell
/// in the window. A window with no mid change gives 0.
/// Stateful: `update` O(1) amortized, `compute` O(1); neither allocates or throws.
class realized_volatility {
 public:
  /// @throws invalid_argument when window <= 0 or capacity < 1
  explicit realized_volatility(realized_volatility_params params = {}) : params_(params) {
    const char* where = "footprint::realized_volatility::realized_volatility";
    if (params_.window.count() <= 0) {
      throw invalid_argument(detail::concat(where, ": window must be > 0 (got ", params_.window.count(), " ns)"));
    }
    if (params_.capacity < 1)
      throw invalid_argument(detail::concat(where, ": capacity must be >= 1 (got ", params_.capacity, ")"));
    window_ =
        detail::feat::scalar_window_sum::last_duration(params_.window, static_cast<std::size_t>(params_.capacity));
    const std::string t = detail::feat::duration_label(params_.window);
    names_ = {"realized_vol_" + t, "realized_vol_rate_" + t};
  }

  /// The parameters.
  [[nodiscard]] const realized_volatility_params& params() const noexcept { return params_; }
  /// Number of features: 2.
  [[nodiscard]] std::size_t size() const noexcept { return 2; }
  /// {"realized_vol_<T>", "realized_vol_rate_<T>"}.
  [[nodiscard]] std::span<const std::string> names() const noexcept { return names_; }

  /// Observes the book after one update (in time order).
  template <OrderBookView B>
  void update(const B& book) noexcept {
    const auto t = detail::feat::book_traits<B>::timestamp(book);
    const double mid = detail::feat::mid_price(book);
    window_.advance(t);
    if (std::isnan(mid) || !(mid > 0.0)) return;
    if (!std::isnan(last_mid_) && mid != last_mid_) {
      const double r = std::log(mid / last_mid_);
      window_.push(t, r * r);
    }
    last_mid_ = mid;
  }

  /// Writes realized_vol and realized_vol_rate (state after the last update).
  template <OrderBookView B>
  void compute(const B&, std::span<double> out) const noexcept {
    if (std::isnan(last_mid_) || !window_.complete()) {
      out[0] = out[1] = nan;
      return;
    }
    const double rv = std::max(window_.sum(), 0.0);
    out[0] = std::sqrt(rv);
    out[1] = std::sqrt(rv / detail::feat::to_seconds(params_.window));
  }

  /// Forgets every update.
  void reset() noexcept {
    window_.clear();
    last_mid_ = nan;
  }

 private:
  realized_volatility_params params_;
  detail::feat::scalar_window_sum window_;
  double last_mid_ = nan;
  std::vector<std::string> names_;
};

}  // namespace footprint
