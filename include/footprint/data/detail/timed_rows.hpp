/// @file data/detail/timed_rows.hpp
/// @brief Private to data/: a ring of timed rows of doubles in time order, which grows
/// geometrically (impact_pipeline's history of arrival states).
#pragma once

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <iterator>
#include <utility>
#include <vector>

namespace footprint::detail {

/// Rows of `stride` doubles, each with a time, oldest first: appended at the back, dropped at
/// the front. Row i (0 = oldest) is valid until the next `next_row` or `drop_before`.
class timed_rows {
 public:
  /// Sets the row width (before the first `next_row`).
  void set_stride(std::size_t stride) noexcept { stride_ = stride; }
  /// Rows held.
  [[nodiscard]] std::size_t size() const noexcept { return size_; }
  /// The time of row i (i < size()).
  [[nodiscard]] std::chrono::nanoseconds time(std::size_t i) const noexcept { return times_[slot(i)]; }
  /// The values of row i (i < size()), `stride` doubles.
  [[nodiscard]] const double* row(std::size_t i) const noexcept { return values_.data() + slot(i) * stride_; }
  /// Bytes held (the capacities).
  [[nodiscard]] std::size_t bytes_held() const noexcept {
    return times_.capacity() * sizeof(std::chrono::nanoseconds) + values_.capacity() * sizeof(double);
  }

  /// The number of rows whose time is <= t (the rows are in time order). O(log size).
  [[nodiscard]] std::size_t count_at_or_before(std::chrono::nanoseconds t) const noexcept {
    std::size_t lo = 0;
    std::size_t hi = size_;
    while (lo < hi) {
      const std::size_t m = lo + (hi - lo) / 2;
      if (times_[slot(m)] <= t) {
        lo = m + 1;
      } else {
        hi = m;
      }
    }
    return lo;
  }

  /// Drops the oldest rows while the next one is also at or before `t`: keeps the last row
  /// at or before t and every later one.
  void drop_before(std::chrono::nanoseconds t) noexcept {
    while (size_ >= 2 && times_[slot(1)] <= t) {
      if (++head_ == capacity_) head_ = 0;
      --size_;
    }
  }

  /// The `stride` values of the row to append at time t (not before the last one's), to
  /// fill; `commit` then appends it (a row not committed is not kept). Amortized O(1); grows
  /// by doubling.
  double* next_row(std::chrono::nanoseconds t) {
    if (size_ == capacity_) grow();
    const std::size_t s = slot(size_);
    times_[s] = t;
    return values_.data() + s * stride_;
  }
  /// Appends the row `next_row` gave.
  void commit() noexcept { ++size_; }

 private:
  [[nodiscard]] std::size_t slot(std::size_t i) const noexcept {
    const std::size_t s = head_ + i;
    return s >= capacity_ ? s - capacity_ : s;
  }

  void grow() {
    const std::size_t cap = capacity_ == 0 ? 64 : 2 * capacity_;
    std::vector<std::chrono::nanoseconds> times(cap);
    std::vector<double> values(cap * stride_);
    for (std::size_t i = 0; i < size_; ++i) {
      const std::size_t s = slot(i);
      times[i] = times_[s];
      std::copy(values_.begin() + static_cast<std::ptrdiff_t>(s * stride_),
                values_.begin() + static_cast<std::ptrdiff_t>((s + 1) * stride_),
                values.begin() + static_cast<std::ptrdiff_t>(i * stride_));
    }
    times_ = std::move(times);
    values_ = std::move(values);
    capacity_ = cap;
    head_ = 0;
  }

  std::size_t stride_ = 0;
  std::vector<std::chrono::nanoseconds> times_;
  std::vector<double> values_;
  std::size_t head_ = 0;
  std::size_t size_ = 0;
  std::size_t capacity_ = 0;
};

}  // namespace footprint::detail
