/// @file features/detail/interval_bars.hpp
/// @brief Private helper: aggregates book updates and trades into fixed clock intervals.
#pragma once

#include "footprint/book/trade.hpp"
#include "footprint/concepts.hpp"
#include "footprint/detail/feature_names.hpp"
#include "footprint/types.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace footprint::detail::feat {

/// One clock interval [start, start + length): the mid at its start and end, and its trades.
struct interval_bar {
  std::chrono::nanoseconds start{0};  ///< interval start
  double open_mid = nan;              ///< last defined mid before the interval (or its first)
  double close_mid = nan;             ///< last defined mid in or before the interval
  double signed_volume = 0.0;         ///< sum of sign * quantity
  double volume = 0.0;                ///< sum of quantity
  double notional = 0.0;              ///< sum of price * quantity, quote currency
  std::int64_t trades = 0;            ///< number of trades
};

/// The last `count` completed intervals of length `length`, aligned on multiples of
/// `length` since time 0 (midnight or the epoch), in fixed memory.
///
/// An interval opens at the mid current when it starts (the previous interval's close) and
/// closes at the last defined mid seen before its end. Intervals without any update are
/// completed too (no trades, open = close), at most `count` of them per gap. Book updates
/// and trades must come in time order.
class interval_bars {
 public:
  using duration = std::chrono::nanoseconds;

  interval_bars() = default;
  /// @param length > 0; @param count >= 1 (checked by the owning calculator)
  interval_bars(duration length, std::size_t count) : length_(length), bars_(count) {}

  /// Observes a book: moves the clock to its time and records its mid.
  template <OrderBookView B>
  void update(const B& book) noexcept {
    advance(book_traits<B>::timestamp(book));
    const double mid = mid_price(book);
    if (std::isnan(mid)) return;
    last_mid_ = mid;
    if (std::isnan(current_.open_mid)) current_.open_mid = mid;
    current_.close_mid = mid;
  }

  /// Observes a trade: moves the clock to its time and adds it to the current interval.
  void update(const trade& t) noexcept {
    advance(t.time);
    current_.signed_volume += static_cast<double>(t.sign) * t.quantity;
    current_.volume += t.quantity;
    current_.notional += t.price * t.quantity;
    ++current_.trades;
  }

  /// Number of completed intervals held (<= count).
  [[nodiscard]] std::size_t size() const noexcept { return size_; }
  /// Completed interval `i`, 0 the oldest held.
  [[nodiscard]] const interval_bar& operator[](std::size_t i) const noexcept {
    std::size_t slot = head_ + i;
    if (slot >= bars_.size()) slot -= bars_.size();
    return bars_[slot];
  }

  /// Forgets everything.
  void clear() noexcept {
    head_ = size_ = 0;
    started_ = false;
    current_ = interval_bar{};
    last_mid_ = nan;
  }

 private:
  [[nodiscard]] duration floor_start(duration t) const noexcept {
    std::int64_t k = t.count() / length_.count();
    if (t.count() % length_.count() < 0) --k;
    return duration{k * length_.count()};
  }

  void advance(duration t) noexcept {
    if (!started_) {
      started_ = true;
      current_ = interval_bar{};
      current_.start = floor_start(t);
      current_.open_mid = current_.close_mid = last_mid_;
      return;
    }
    if (t < current_.start + length_) return;
    push(current_);
    const duration next = floor_start(t);
    const std::int64_t empty = (next - current_.start) / length_ - 1;
    const std::int64_t n_empty = std::min<std::int64_t>(empty, static_cast<std::int64_t>(bars_.size()));
    for (std::int64_t k = 0; k < n_empty; ++k) {
      interval_bar e;
      e.start = next - length_ * (n_empty - k);
      e.open_mid = e.close_mid = last_mid_;
      push(e);
    }
    current_ = interval_bar{};
    current_.start = next;
    current_.open_mid = current_.close_mid = last_mid_;
  }

  void push(const interval_bar& b) noexcept {
    std::size_t slot = head_ + size_;
    if (slot >= bars_.size()) slot -= bars_.size();
    bars_[slot] = b;
    if (size_ < bars_.size()) {
      ++size_;
    } else if (++head_ == bars_.size()) {
      head_ = 0;
    }
  }

  duration length_{1};
  std::vector<interval_bar> bars_;
  std::size_t head_ = 0;
  std::size_t size_ = 0;
  bool started_ = false;
  interval_bar current_;
  double last_mid_ = nan;
};

}  // namespace footprint::detail::feat
