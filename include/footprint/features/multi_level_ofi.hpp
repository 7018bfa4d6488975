/// @file features/multi_level_ofi.hpp
/// @brief Multi-level order flow imbalance, one value per level (Xu, Gould and Howison 2019).
#pragma once

#include "footprint/concepts.hpp"
#include "footprint/detail/concat.hpp"
#include "footprint/detail/feature_names.hpp"
#include "footprint/error.hpp"
#include "footprint/features/detail/window_sum.hpp"
#include "footprint/features/order_flow_imbalance.hpp"
#include "footprint/types.hpp"

#include <chrono>
#include <cstddef>
#include <span>
#include <string>
#include <utility>
#include <vector>

namespace footprint {

/// Parameters of `multi_level_ofi`.
struct multi_level_ofi_params {
  index levels = 5;                       ///< M, levels per side; >= 1
  std::vector<index> event_windows{100};  ///< N, book updates summed; each >= 1
  /// T, clock windows; each > 0.
  std::vector<std::chrono::nanoseconds> clock_windows{std::chrono::seconds{1}};
  index clock_capacity = 16384;  ///< most updates a clock window holds (memory); >= 1
};

/// Multi-level order flow imbalance (MLOFI): the OFI of each of the first M levels.
///
/// Xu, K., Gould, M. D. and Howison, S. D. (2019), "Multi-level order-flow imbalance in a
/// limit order book", Market Microstructure and Liquidity 4(3-4), extend the contribution
/// e_n of Cont, Kukanov and Stoikov (2014) to level m = 1..M by using the m-th best bid and
/// ask prices and quantities in place of the best ones:
///   e_n^m = 1{Pb^m_n >= Pb^m_{n-1}} qb^m_n - 1{Pb^m_n <= Pb^m_{n-1}} qb^m_{n-1}
///         - 1{Pa^m_n <= Pa^m_{n-1}} qa^m_n + 1{Pa^m_n >= Pa^m_{n-1}} qa^m_{n-1},
/// and MLOFI^m over an interval is the sum of e_n^m over its updates; they regress mid
/// changes on the vector (MLOFI^1, ..., MLOFI^M). Units: shares/contracts/coins. A level
/// the book does not have counts as a bid at -inf (ask at +inf) with quantity 0. Level 1
/// equals `order_flow_imbalance`.
///
/// Features, in order: for each N in `event_windows`, `mlofi_<m>_<N>_events` for
/// m = 1..M (sum over the last N updates); then for each T in `clock_windows`,
/// `mlofi_<m>_<T>` for m = 1..M (sum over the updates in (t - T, t]).
/// NaN rules: all NaN before the first update (after it, sums start at 0); a clock
/// window's features are NaN while more than `clock_capacity` updates fell in it.
/// Stateful: `update` and `compute` are O(M x windows) (amortized); neither allocates or
/// throws.
class multi_level_ofi {
 public:
  /// @throws invalid_argument when levels < 1, an event window is < 1, a clock window
  ///         <= 0, the windows repeat, or clock_capacity < 1
  explicit multi_level_ofi(multi_level_ofi_params params = {}) : params_(std::move(params)) {
    const char* where = "footprint::multi_level_ofi::multi_level_ofi";
    if (params_.levels < 1)
      throw invalid_argument(detail::concat(where, ": levels must be >= 1 (got ", params_.levels, ")"));
    const auto m = static_cast<std::size_t>(params_.levels);
    detail::feat::make_ofi_windows(where, m, params_.event_windows, params_.clock_windows, params_.clock_capacity,
                                   events_, clocks_);
    previous_.resize(m);
    e_.resize(m);
    for (index n : params_.event_windows) {
      for (index l = 1; l <= params_.levels; ++l) {
        names_.push_back("mlofi_" + std::to_string(l) + "_" + std::to_string(n) + "_events");
      }
    }
    for (auto t : params_.clock_windows) {
      for (index l = 1; l <= params_.levels; ++l) {
        names_.push_back("mlofi_" + std::to_string(l) + "_" + detail::feat::duration_label(t));
      }
    }
    detail::feat::check_unique_names(where, names_);
  }

  /// The parameters.
  [[nodiscard]] const multi_level_ofi_params& params() const noexcept { return params_; }
  /// Number of features: M x (event windows + clock windows).
  [[nodiscard]] std::size_t size() const noexcept { return names_.size(); }
  /// {"mlofi_1_<N>_events", ..., "mlofi_M_<N>_events", ..., "mlofi_1_<T>", ..., "mlofi_M_<T>", ...}.
  [[nodiscard]] std::span<const std::string> names() const noexcept { return names_; }

  /// Observes the book after one update (in time order).
  template <OrderBookView B>
  void update(const B& book) noexcept {
    const auto t = detail::feat::book_traits<B>::timestamp(book);
    for (std::size_t m = 0; m < previous_.size(); ++m) {
      const detail::feat::ofi_level now = detail::feat::read_ofi_level(book, static_cast<index>(m));
      e_[m] = has_previous_ ? detail::feat::ofi_contribution(previous_[m], now) : 0.0;
      previous_[m] = now;
    }
    if (has_previous_) {
      for (detail::feat::window_sum& w : events_) w.push(t, e_);
      for (detail::feat::window_sum& w : clocks_) w.push(t, e_);
    } else {
      for (detail::feat::window_sum& w : clocks_) w.advance(t);
    }
    has_previous_ = true;
  }

  /// Writes the event-window sums, then the clock-window sums (state after the last update).
  template <OrderBookView B>
  void compute(const B&, std::span<double> out) const noexcept {
    const std::size_t m = previous_.size();
    std::size_t j = 0;
    for (const detail::feat::window_sum& w : events_) {
      for (std::size_t l = 0; l < m; ++l) out[j++] = has_previous_ ? w.sum(l) : nan;
    }
    for (const detail::feat::window_sum& w : clocks_) {
      const bool ok = has_previous_ && w.complete();
      for (std::size_t l = 0; l < m; ++l) out[j++] = ok ? w.sum(l) : nan;
    }
  }

  /// Forgets every update.
  void reset() noexcept {
    for (detail::feat::window_sum& w : events_) w.clear();
    for (detail::feat::window_sum& w : clocks_) w.clear();
    has_previous_ = false;
  }

 private:
  multi_level_ofi_params params_;
  std::vector<detail::feat::window_sum> events_;
  std::vector<detail::feat::window_sum> clocks_;
  std::vector<detail::feat::ofi_level> previous_;
  std::vector<double> e_;
  bool has_previous_ = false;
  std::vector<std::string> names_;
};

}  // namespace footprint
