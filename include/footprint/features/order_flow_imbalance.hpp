/// @file features/order_flow_imbalance.hpp
/// @brief Order flow imbalance at the best quotes (Cont, Kukanov and Stoikov 2014).
#pragma once

#include "footprint/concepts.hpp"
#include "footprint/detail/concat.hpp"
#include "footprint/detail/feature_names.hpp"
#include "footprint/error.hpp"
#include "footprint/features/detail/window_sum.hpp"
#include "footprint/types.hpp"

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <limits>
#include <span>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

namespace footprint {

namespace detail::feat {
/// One side-pair of a book level as OFI sees it: an empty level is a bid at -inf or an ask
/// at +inf with quantity 0.
struct ofi_level {
  double bid = -std::numeric_limits<double>::infinity();
  double bid_quantity = 0.0;
  double ask = std::numeric_limits<double>::infinity();
  double ask_quantity = 0.0;
};

/// Level `m` of a book as an `ofi_level`.
template <OrderBookView B>
[[nodiscard]] ofi_level read_ofi_level(const B& b, index m) noexcept {
  using T = book_traits<B>;
  ofi_level l;
  if (T::bid_levels(b) > m) {
    l.bid = T::bid_price(b, m);
    l.bid_quantity = T::bid_quantity(b, m);
  }
  if (T::ask_levels(b) > m) {
    l.ask = T::ask_price(b, m);
    l.ask_quantity = T::ask_quantity(b, m);
  }
  return l;
}

/// The contribution e_n of one book update (Cont, Kukanov and Stoikov 2014):
///   e_n = 1{Pb_n >= Pb_{n-1}} qb_n - 1{Pb_n <= Pb_{n-1}} qb_{n-1}
///       - 1{Pa_n <= Pa_{n-1}} qa_n + 1{Pa_n >= Pa_{n-1}} qa_{n-1}.
/// Written without branches: price moves are unpredictable.
[[nodiscard]] inline double ofi_contribution(const ofi_level& before, const ofi_level& after) noexcept {
  const auto f = [](bool b) noexcept { return static_cast<double>(b); };
  return f(after.bid >= before.bid) * after.bid_quantity - f(after.bid <= before.bid) * before.bid_quantity -
         f(after.ask <= before.ask) * after.ask_quantity + f(after.ask >= before.ask) * before.ask_quantity;
}

/// Checks the window parameters shared by the OFI calculators and makes the windows
/// (`Window` is `window_sum`, one value per level, or `scalar_window_sum`).
template <class Window>
void make_ofi_windows(const char* where, std::size_t width, const std::vector<index>& event_windows,
                      const std::vector<std::chrono::nanoseconds>& clock_windows, index clock_capacity,
                      std::vector<Window>& events, std::vector<Window>& clocks) {
  if (clock_capacity < 1) {
    throw invalid_argument(concat(where, ": clock_capacity must be >= 1 (got ", clock_capacity, ")"));
  }
  for (index n : event_windows) {
    if (n < 1) throw invalid_argument(concat(where, ": event_windows must be >= 1 (got ", n, ")"));
    if constexpr (std::is_same_v<Window, scalar_window_sum>) {
      events.push_back(Window::last_events(static_cast<std::size_t>(n)));
    } else {
      events.push_back(Window::last_events(width, static_cast<std::size_t>(n)));
    }
  }
  for (std::chrono::nanoseconds t : clock_windows) {
    if (t.count() <= 0) throw invalid_argument(concat(where, ": clock_windows must be > 0 (got ", t.count(), " ns)"));
    if constexpr (std::is_same_v<Window, scalar_window_sum>) {
      clocks.push_back(Window::last_duration(t, static_cast<std::size_t>(clock_capacity)));
    } else {
      clocks.push_back(Window::last_duration(width, t, static_cast<std::size_t>(clock_capacity)));
    }
  }
}
}  // namespace detail::feat

/// Parameters of `order_flow_imbalance`.
struct order_flow_imbalance_params {
  std::vector<index> event_windows{100};  ///< N, book updates summed, one feature each; each >= 1
  /// T, clock windows, one feature each; each > 0.
  std::vector<std::chrono::nanoseconds> clock_windows{std::chrono::seconds{1}};
  index clock_capacity = 16384;  ///< most updates a clock window holds (memory); >= 1
};

/// Order flow imbalance (OFI): the net flow of quantity at the best bid and ask.
///
/// For consecutive book updates n-1, n with best bid Pb, ask Pa and their quantities qb, qa,
/// Cont, Kukanov and Stoikov (2014), "The price impact of order book events", Journal of
/// Financial Econometrics 12(1), Section 2, define the contribution
///   e_n = 1{Pb_n >= Pb_{n-1}} qb_n - 1{Pb_n <= Pb_{n-1}} qb_{n-1}
///       - 1{Pa_n <= Pa_{n-1}} qa_n + 1{Pa_n >= Pa_{n-1}} qa_{n-1}
/// and OFI over an interval as the sum of e_n over the updates in it; price changes over
/// short intervals are about linear in OFI. Units: shares/contracts/coins; positive = buy
/// pressure. An empty side counts as a bid at -inf (or an ask at +inf) with quantity 0, so
/// a side emptying contributes minus its last queue.
///
/// Features:
/// - `ofi`: e_n of the last update;
/// - `ofi_<N>_events` for each N in `event_windows`: sum of e_n over the last N updates;
/// - `ofi_<T>` for each T in `clock_windows`: sum of e_n over the updates with time in
///   (t - T, t], t the last update's time (e.g. `ofi_1s`).
/// Every `update(book)` is one event, even when the best levels did not change (e_n = 0).
/// NaN rules: all NaN before the first update; `ofi` is NaN until the second update (the
/// first only sets the reference; sums are then 0); `ofi_<T>` is NaN while more than
/// `clock_capacity` updates fell in its window (fixed memory; size it above the busiest
/// window).
/// Stateful: `update` and `compute` are O(number of windows) (amortized); neither
/// allocates or throws.
class order_flow_imbalance {
 public:
  /// @throws invalid_argument when an event window is < 1, a clock window <= 0, the
  ///         windows repeat, or clock_capacity < 1
  explicit order_flow_imbalance(order_flow_imbalance_params params = {}) : params_(std::move(params)) {
    const char* where = "footprint::order_flow_imbalance::order_flow_imbalance";
    detail::feat::make_ofi_windows(where, 1, params_.event_windows, params_.clock_windows, params_.clock_capacity,
                                   events_, clocks_);
    names_.push_back("ofi");
    for (index n : params_.event_windows) names_.push_back("ofi_" + std::to_string(n) + "_events");
    for (auto t : params_.clock_windows) names_.push_back("ofi_" + detail::feat::duration_label(t));
    detail::feat::check_unique_names(where, names_);
  }

  /// The parameters.
  [[nodiscard]] const order_flow_imbalance_params& params() const noexcept { return params_; }
  /// Number of features: 1 + event windows + clock windows.
  [[nodiscard]] std::size_t size() const noexcept { return names_.size(); }
  /// {"ofi", "ofi_<N>_events"..., "ofi_<T>"...}.
  [[nodiscard]] std::span<const std::string> names() const noexcept { return names_; }

  /// Observes the book after one update (in time order).
  template <OrderBookView B>
  void update(const B& book) noexcept {
    const detail::feat::ofi_level now = detail::feat::read_ofi_level(book, 0);
    const auto t = detail::feat::book_traits<B>::timestamp(book);
    if (has_previous_) {
      last_ = detail::feat::ofi_contribution(previous_, now);
      for (detail::feat::scalar_window_sum& w : events_) w.push(t, last_);
      for (detail::feat::scalar_window_sum& w : clocks_) w.push(t, last_);
    } else {
      for (detail::feat::scalar_window_sum& w : clocks_) w.advance(t);
    }
    previous_ = now;
    has_previous_ = true;
  }

  /// Writes ofi and the window sums (the state after the last update; `book` unused).
  template <OrderBookView B>
  void compute(const B&, std::span<double> out) const noexcept {
    if (!has_previous_) {
      std::fill(out.begin(), out.begin() + static_cast<std::ptrdiff_t>(names_.size()), nan);
      return;
    }
    std::size_t j = 0;
    out[j++] = last_;
    for (const detail::feat::scalar_window_sum& w : events_) out[j++] = w.sum();
    for (const detail::feat::scalar_window_sum& w : clocks_) out[j++] = w.complete() ? w.sum() : nan;
  }

  /// Forgets every update.
  void reset() noexcept {
    for (detail::feat::scalar_window_sum& w : events_) w.clear();
    for (detail::feat::scalar_window_sum& w : clocks_) w.clear();
    has_previous_ = false;
    last_ = nan;
  }

 private:
  order_flow_imbalance_params params_;
  std::vector<detail::feat::scalar_window_sum> events_;
  std::vector<detail::feat::scalar_window_sum> clocks_;
  detail::feat::ofi_level previous_;
  double last_ = nan;
  bool has_previous_ = false;
  std::vector<std::string> names_;
};

}  // namespace footprint
