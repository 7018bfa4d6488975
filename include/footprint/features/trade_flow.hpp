/// @file features/trade_flow.hpp
/// @brief Trade flow over a clock window: signed volume, sign imbalance, intensity, VWAP.
#pragma once

#include "footprint/book/trade.hpp"
#include "footprint/concepts.hpp"
#include "footprint/detail/concat.hpp"
#include "footprint/detail/feature_names.hpp"
#include "footprint/error.hpp"
#include "footprint/features/detail/window_sum.hpp"
#include "footprint/types.hpp"

#include <array>
#include <chrono>
#include <cstddef>
#include <span>
#include <string>
#include <vector>

namespace footprint {

/// Parameters of `trade_flow`.
struct trade_flow_params {
  std::chrono::nanoseconds window = std::chrono::seconds{60};  ///< T, the clock window; > 0
  index capacity = 65536;                                      ///< most trades the window holds (memory); >= 1
};

/// Trade-flow features over the trades with time in (t - T, t], t the latest time seen.
///
/// For the trades j in the window, with aggressor sign s_j (+1 buy, -1 sell, 0 unknown),
/// quantity q_j and price p_j:
/// | feature                    | formula                                   | units              |
/// |----------------------------|-------------------------------------------|--------------------|
/// | `signed_volume_<T>`        | sum s_j q_j                               | shares/contracts   |
/// | `trade_sign_imbalance_<T>` | sum s_j / sum abs(s_j)  (signed trades)   | in [-1, 1]         |
/// | `trade_intensity_<T>`      | (number of trades) / T                    | trades per second  |
/// | `vwap_<T>`                 | sum p_j q_j / sum q_j                     | quote currency     |
/// | `time_since_last_trade`    | timestamp(book) - time of the last trade  | seconds            |
/// Signed volume (net order flow) is the regressor of Kyle (1985) and Hasbrouck (1991);
/// the sign imbalance counts trades, not quantity (e.g. Chordia and Subrahmanyam 2004).
/// Trades of unknown sign count in the intensity and VWAP but not in the signed features.
/// The clock moves with both trades and book updates (the later of the two).
/// NaN rules: every feature is NaN before the first update of either kind; the sign
/// imbalance is NaN with no signed trade in the window, the VWAP with no trade in the
/// window (signed volume and intensity are then 0); `time_since_last_trade` is NaN before
/// the first trade; the window features are NaN while more than `capacity` trades fell in
/// the window.
/// Stateful and trade-aware: `update(book)`, `update(trade)` O(1) amortized, `compute`
/// O(1); none allocates or throws.
class trade_flow {
 public:
  /// @throws invalid_argument when window <= 0 or capacity < 1
  explicit trade_flow(trade_flow_params params = {}) : params_(params) {
    const char* where = "footprint::trade_flow::trade_flow";
    if (params_.window.count() <= 0) {
      throw invalid_argument(detail::concat(where, ": window must be > 0 (got ", params_.window.count(), " ns)"));
    }
    if (params_.capacity < 1)
      throw invalid_argument(detail::concat(where, ": capacity must be >= 1 (got ", params_.capacity, ")"));
    window_ = detail::feat::window_sum::last_duration(5, params_.window, static_cast<std::size_t>(params_.capacity));
    const std::string t = detail::feat::duration_label(params_.window);
    names_ = {"signed_volume_" + t, "trade_sign_imbalance_" + t, "trade_intensity_" + t, "vwap_" + t,
              "time_since_last_trade"};
  }

  /// The parameters.
  [[nodiscard]] const trade_flow_params& params() const noexcept { return params_; }
  /// Number of features: 5.
  [[nodiscard]] std::size_t size() const noexcept { return 5; }
  /// {"signed_volume_<T>", "trade_sign_imbalance_<T>", "trade_intensity_<T>", "vwap_<T>",
  /// "time_since_last_trade"}.
  [[nodiscard]] std::span<const std::string> names() const noexcept { return names_; }

  /// Observes a book update: moves the clock to its time.
  template <OrderBookView B>
  void update(const B& book) noexcept {
    window_.advance(detail::feat::book_traits<B>::timestamp(book));
  }

  /// Observes one trade (in time order with the book updates).
  void update(const trade& t) noexcept {
    const double s = static_cast<double>(t.sign);
    const std::array<double, 5> v{s * t.quantity, s, s != 0.0 ? 1.0 : 0.0, t.quantity, t.price * t.quantity};
    window_.push(t.time, v);
    last_trade_ = t.time;
    has_trade_ = true;
  }

  /// Writes the five features; `time_since_last_trade` uses `book`'s timestamp.
  template <OrderBookView B>
  void compute(const B& book, std::span<double> out) const noexcept {
    if (!window_.started() || !window_.complete()) {
      out[0] = out[1] = out[2] = out[3] = nan;
    } else {
      const double n_signed = window_.sum(2);
      const double volume = window_.sum(3);
      out[0] = window_.sum(0);
      out[1] = n_signed > 0.0 ? window_.sum(1) / n_signed : nan;
      out[2] = static_cast<double>(window_.count()) / detail::feat::to_seconds(params_.window);
      out[3] = volume > 0.0 ? window_.sum(4) / volume : nan;
    }
    out[4] = has_trade_ ? detail::feat::to_seconds(detail::feat::book_traits<B>::timestamp(book) - last_trade_) : nan;
  }

  /// Forgets every update and trade.
  void reset() noexcept {
    window_.clear();
    has_trade_ = false;
    last_trade_ = std::chrono::nanoseconds{0};
  }

 private:
  trade_flow_params params_;
  detail::feat::window_sum window_;
  std::chrono::nanoseconds last_trade_{0};
  bool has_trade_ = false;
  std::vector<std::string> names_;
};

}  // namespace footprint
