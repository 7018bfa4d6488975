/// @file features/kyle_lambda.hpp
/// @brief Kyle's lambda: rolling OLS of mid changes on signed volume over clock intervals.
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

/// Parameters of `kyle_lambda` (and `amihud_illiquidity`).
struct kyle_lambda_params {
  std::chrono::nanoseconds interval = std::chrono::seconds{10};  ///< length of one observation; > 0
  index intervals = 30;  ///< K, completed intervals in the regression window; >= 2
};

/// Kyle's lambda: the price impact per unit of signed volume, by rolling OLS.
///
/// Time is cut into intervals of length L aligned on multiples of L since time 0. For each
/// of the last K completed intervals k: dM_k = mid at its end - mid at its start (quote
/// currency) and V_k = sum of sign * quantity of its trades. The feature is the OLS slope
/// (with intercept) of dM on V:
///   lambda = sum_k (V_k - Vbar)(dM_k - dMbar) / sum_k (V_k - Vbar)^2,
/// the empirical counterpart of lambda in Kyle (1985), "Continuous auctions and insider
/// trading", Econometrica 53(6), where the price change is lambda times the net order
/// flow; regressing interval returns on interval signed volume is the usual estimator
/// (e.g. Goyenko, Holden and Trzcinka 2009, "Do liquidity measures measure liquidity?",
/// Journal of Financial Economics 92(2), who use signed square-root dollar volume; we use
/// signed quantity, which gives Kyle's units). Units: quote currency per share (contract,
/// coin). Intervals without updates count as (0, 0). An adverse-selection proxy: how much
/// the mid moves against a trader per unit of net order flow. Only completed intervals
/// are used (the current one is not).
/// NaN rules: NaN with fewer than 2 completed intervals with a defined mid change, or when
/// their signed volumes are all equal (no variation to regress on).
/// Feature: `kyle_lambda_<L>_x<K>`.
/// Stateful and trade-aware: `update` O(1) amortized, `compute` O(K); neither allocates
/// or throws.
class kyle_lambda {
 public:
  /// @throws invalid_argument when interval <= 0 or intervals < 2
  explicit kyle_lambda(kyle_lambda_params params = {}) : params_(params) {
    const char* where = "footprint::kyle_lambda::kyle_lambda";
    if (params_.interval.count() <= 0) {
      throw invalid_argument(detail::concat(where, ": interval must be > 0 (got ", params_.interval.count(), " ns)"));
    }
    if (params_.intervals < 2)
      throw invalid_argument(detail::concat(where, ": intervals must be >= 2 (got ", params_.intervals, ")"));
    bars_ = detail::feat::interval_bars(params_.interval, static_cast<std::size_t>(params_.intervals));
    names_[0] =
        "kyle_lambda_" + detail::feat::duration_label(params_.interval) + "_x" + std::to_string(params_.intervals);
  }

  /// The parameters.
  [[nodiscard]] const kyle_lambda_params& params() const noexcept { return params_; }
  /// Number of features: 1.
  [[nodiscard]] std::size_t size() const noexcept { return 1; }
  /// {"kyle_lambda_<L>_x<K>"}.
  [[nodiscard]] std::span<const std::string> names() const noexcept { return names_; }

  /// Observes a book update (its time and mid).
  template <OrderBookView B>
  void update(const B& book) noexcept {
    bars_.update(book);
  }
  /// Observes one trade.
  void update(const trade& t) noexcept { bars_.update(t); }

  /// Writes lambda over the completed intervals (state after the last update).
  template <OrderBookView B>
  void compute(const B&, std::span<double> out) const noexcept {
    double n = 0.0;
    double sx = 0.0;
    double sy = 0.0;
    for (std::size_t i = 0; i < bars_.size(); ++i) {
      const detail::feat::interval_bar& b = bars_[i];
      const double dm = b.close_mid - b.open_mid;
      if (std::isnan(dm)) continue;
      n += 1.0;
      sx += b.signed_volume;
      sy += dm;
    }
    if (n < 2.0) {
      out[0] = nan;
      return;
    }
    const double xbar = sx / n;
    const double ybar = sy / n;
    double sxy = 0.0;
    double sxx = 0.0;
    for (std::size_t i = 0; i < bars_.size(); ++i) {
      const detail::feat::interval_bar& b = bars_[i];
      const double dm = b.close_mid - b.open_mid;
      if (std::isnan(dm)) continue;
      sxy += (b.signed_volume - xbar) * (dm - ybar);
      sxx += (b.signed_volume - xbar) * (b.signed_volume - xbar);
    }
    out[0] = sxx > 0.0 ? sxy / sxx : nan;
  }

  /// Forgets every update and trade.
  void reset() noexcept { bars_.clear(); }

 private:
  kyle_lambda_params params_;
  detail::feat::interval_bars bars_;
  std::array<std::string, 1> names_;
};

}  // namespace footprint
