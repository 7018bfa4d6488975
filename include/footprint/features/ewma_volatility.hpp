/// @file features/ewma_volatility.hpp
/// @brief Exponentially weighted volatility of mid log-returns, with a half-life in time.
#pragma once

#include "footprint/concepts.hpp"
#include "footprint/detail/concat.hpp"
#include "footprint/detail/feature_names.hpp"
#include "footprint/error.hpp"
#include "footprint/types.hpp"

#include <array>
#include <chrono>
#include <cmath>
#include <cstddef>
#include <span>
#include <string>

namespace footprint {

/// Parameters of `ewma_volatility`.
struct ewma_volatility_params {
  std::chrono::nanoseconds half_life = std::chrono::seconds{60};  ///< h, weight halves every h; > 0
};

/// Exponentially weighted volatility of the mid, per sqrt(second).
///
/// Between consecutive updates with a defined mid, at times t_{i-1} < ... < t_i, let
/// r_i = ln(M_i / M_{i-1}) and dt_i = t_i - t_{i-1} (seconds). With weights
/// w_i = 2^(-(t - t_i) / h) at the last update's time t,
///   sigma^2 = sum_i w_i r_i^2 / sum_i w_i dt_i        (variance per second),
/// computed recursively: S <- d S + r^2, W <- d W + dt, d = 2^(-dt / h), sigma = sqrt(S / W).
/// This is the RiskMetrics (J.P. Morgan 1996) exponentially weighted moving average of
/// squared returns with the decay expressed per unit of time rather than per observation,
/// normalised by the weighted elapsed time so that irregular updates are handled: for
/// returns r every Delta seconds it is exactly r / sqrt(Delta). Units: per sqrt(second),
/// as `market_state::volatility`. Feature: `ewma_vol_<h>`.
/// NaN rules: NaN until two defined mids at different times have been seen.
/// Stateful: `update` and `compute` are O(1), neither allocates or throws.
class ewma_volatility {
 public:
  /// @throws invalid_argument when half_life <= 0
  explicit ewma_volatility(ewma_volatility_params params = {}) : params_(params) {
    if (params_.half_life.count() <= 0) {
      throw invalid_argument(detail::concat("footprint::ewma_volatility::ewma_volatility: half_life must be > 0 (got ",
                                            params_.half_life.count(), " ns)"));
    }
    names_[0] = "ewma_vol_" + detail::feat::duration_label(params_.half_life);
    half_life_s_ = detail::feat::to_seconds(params_.half_life);
  }

  /// The parameters.
  [[nodiscard]] const ewma_volatility_params& params() const noexcept { return params_; }
  /// Number of features: 1.
  [[nodiscard]] std::size_t size() const noexcept { return 1; }
  /// {"ewma_vol_<h>"}.
  [[nodiscard]] std::span<const std::string> names() const noexcept { return names_; }

  /// Observes the book after one update (in time order; an earlier time counts as dt = 0).
  template <OrderBookView B>
  void update(const B& book) noexcept {
    const double mid = detail::feat::mid_price(book);
    if (std::isnan(mid) || !(mid > 0.0)) return;
    const auto t = detail::feat::book_traits<B>::timestamp(book);
    if (std::isnan(last_mid_)) {
      last_mid_ = mid;
      last_time_ = t;
      return;
    }
    const double dt = t > last_time_ ? detail::feat::to_seconds(t - last_time_) : 0.0;
    const double d = std::exp2(-dt / half_life_s_);
    const double r = std::log(mid / last_mid_);
    s_ = d * s_ + r * r;
    w_ = d * w_ + dt;
    last_mid_ = mid;
    if (t > last_time_) last_time_ = t;
  }

  /// Writes ewma_vol (state after the last update).
  template <OrderBookView B>
  void compute(const B&, std::span<double> out) const noexcept {
    out[0] = w_ > 0.0 ? std::sqrt(s_ / w_) : nan;
  }

  /// Forgets every update.
  void reset() noexcept {
    s_ = w_ = 0.0;
    last_mid_ = nan;
    last_time_ = std::chrono::nanoseconds{0};
  }

 private:
  ewma_volatility_params params_;
  std::array<std::string, 1> names_;
  double half_life_s_ = 1.0;
  double s_ = 0.0;
  double w_ = 0.0;
  double last_mid_ = nan;
  std::chrono::nanoseconds last_time_{0};
};

}  // namespace footprint
