/// @file features/detail/window_sum.hpp
/// @brief Private helper: running sums over a fixed-capacity event or clock window.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <span>
#include <vector>

namespace footprint::detail::feat {

/// Running sums of `width` values per entry over the most recent entries, in fixed memory.
///
/// Two kinds of window:
/// - an event window holds the last `count` entries (older ones leave as new ones come);
/// - a clock window holds the entries with time in (now - duration, now], where `now` is the
///   latest time pushed or advanced to, and at most `capacity` entries. When more entries
///   than that fall inside the window, the oldest are dropped and `complete()` is false
///   until the dropped entries would have left the window anyway, so that a caller can
///   report NaN rather than a wrong sum.
///
/// Memory is allocated once, at construction; `push`, `advance`, `clear` never allocate.
/// Sums are kept by adding and subtracting, and recomputed from the entries after every
/// `capacity` evictions so that rounding does not accumulate. Entries are expected in time
/// order (a clock window evicts from the oldest pushed entry).
class window_sum {
 public:
  using duration = std::chrono::nanoseconds;

  window_sum() = default;

  /// An event window over the last `count` entries of `width` values; count >= 1.
  [[nodiscard]] static window_sum last_events(std::size_t width, std::size_t count) {
    return window_sum(width, count, duration{0}, false);
  }
  /// A clock window of length `length` (> 0) holding at most `capacity` (>= 1) entries.
  [[nodiscard]] static window_sum last_duration(std::size_t width, duration length, std::size_t capacity) {
    return window_sum(width, capacity, length, true);
  }

  /// Appends an entry at `time` (values.size() == width); evicts what falls out.
  void push(duration time, std::span<const double> values) noexcept {
    advance(time);
    if (size_ == capacity_) {
      if (clock_ && in_window(times_[head_])) {
        lost_ = true;
        lost_until_ = has_lost_ ? std::max(lost_until_, times_[head_]) : times_[head_];
        has_lost_ = true;
      }
      evict_front();
    }
    std::size_t slot = head_ + size_;
    if (slot >= capacity_) slot -= capacity_;
    times_[slot] = time;
    for (std::size_t j = 0; j < width_; ++j) {
      values_[slot * width_ + j] = values[j];
      sums_[j] += values[j];
    }
    ++size_;
  }
  /// Appends a one-value entry.
  void push(duration time, double value) noexcept { push(time, std::span<const double>(&value, 1)); }

  /// Moves the clock to `now` (ignored when earlier than the latest time seen) and evicts
  /// the entries that left a clock window. No effect on an event window's contents.
  void advance(duration now) noexcept {
    if (!has_now_ || now > now_) {
      now_ = now;
      has_now_ = true;
    }
    if (!clock_) return;
    while (size_ > 0 && !in_window(times_[head_])) evict_front();
    if (lost_ && !in_window(lost_until_)) lost_ = false;
  }

  /// Sum of value `j` over the entries in the window.
  [[nodiscard]] double sum(std::size_t j) const noexcept { return sums_[j]; }
  /// Number of entries in the window.
  [[nodiscard]] std::size_t count() const noexcept { return size_; }
  /// False while an entry dropped for lack of capacity would still be inside the window.
  [[nodiscard]] bool complete() const noexcept { return !lost_; }
  /// True once anything was pushed or advanced to since construction or `clear`.
  [[nodiscard]] bool started() const noexcept { return has_now_; }
  /// Empties the window and forgets the clock.
  void clear() noexcept {
    head_ = size_ = evictions_ = 0;
    std::fill(sums_.begin(), sums_.end(), 0.0);
    has_now_ = lost_ = has_lost_ = false;
    now_ = lost_until_ = duration{0};
  }

 private:
  window_sum(std::size_t width, std::size_t capacity, duration length, bool clock)
      : clock_(clock),
        length_(length),
        width_(width),
        capacity_(capacity),
        values_(width * capacity, 0.0),
        times_(capacity, duration{0}),
        sums_(width, 0.0) {}

  [[nodiscard]] bool in_window(duration t) const noexcept { return now_ - t < length_; }

  void evict_front() noexcept {
    for (std::size_t j = 0; j < width_; ++j) sums_[j] -= values_[head_ * width_ + j];
    if (++head_ == capacity_) head_ = 0;
    --size_;
    if (++evictions_ >= capacity_) recompute();
  }

  void recompute() noexcept {
    evictions_ = 0;
    std::fill(sums_.begin(), sums_.end(), 0.0);
    // The entries are slots [head_, head_ + size_) modulo capacity: at most two runs.
    const std::size_t first_end = std::min(head_ + size_, capacity_);
    for (std::size_t slot = head_; slot < first_end; ++slot) {
      for (std::size_t j = 0; j < width_; ++j) sums_[j] += values_[slot * width_ + j];
    }
    for (std::size_t slot = 0; slot < head_ + size_ - first_end; ++slot) {
      for (std::size_t j = 0; j < width_; ++j) sums_[j] += values_[slot * width_ + j];
    }
  }

  bool clock_ = false;
  duration length_{0};
  std::size_t width_ = 0;
  std::size_t capacity_ = 0;
  std::vector<double> values_;  // capacity x width, row per entry
  std::vector<duration> times_;
  std::vector<double> sums_;
  std::size_t head_ = 0;
  std::size_t size_ = 0;
  std::size_t evictions_ = 0;
  duration now_{0};
  duration lost_until_{0};
  bool has_now_ = false;
  bool lost_ = false;
  bool has_lost_ = false;
};

/// `window_sum` for one value per entry, laid out for speed (the level-1 OFI hot path):
/// entries are (time, value) pairs in one array and the sum is a member. Same semantics as
/// `window_sum` with width 1.
class scalar_window_sum {
 public:
  using duration = std::chrono::nanoseconds;

  scalar_window_sum() = default;

  /// An event window over the last `count` (>= 1) values.
  [[nodiscard]] static scalar_window_sum last_events(std::size_t count) {
    return scalar_window_sum(count, duration{0}, false);
  }
  /// A clock window of length `length` (> 0) holding at most `capacity` (>= 1) values.
  [[nodiscard]] static scalar_window_sum last_duration(duration length, std::size_t capacity) {
    return scalar_window_sum(capacity, length, true);
  }

  /// Appends `value` at `time`; evicts what falls out.
  void push(duration time, double value) noexcept {
    if (clock_) advance(time);
    if (size_ == capacity_) {
      if (clock_ && in_window(entries_[head_].time)) {
        lost_ = true;
        if (entries_[head_].time > lost_until_) lost_until_ = entries_[head_].time;
      }
      evict_front();
    }
    std::size_t slot = head_ + size_;
    if (slot >= capacity_) slot -= capacity_;
    entries_[slot] = entry{time, value};
    sum_ += value;
    ++size_;
  }

  /// Moves the clock to `now` (ignored when earlier) and evicts what left a clock window.
  void advance(duration now) noexcept {
    if (!has_now_ || now > now_) {
      now_ = now;
      has_now_ = true;
    }
    if (!clock_) return;
    while (size_ > 0 && !in_window(entries_[head_].time)) evict_front();
    if (lost_ && !in_window(lost_until_)) lost_ = false;
  }

  /// Sum of the values in the window.
  [[nodiscard]] double sum() const noexcept { return sum_; }
  /// Number of values in the window.
  [[nodiscard]] std::size_t count() const noexcept { return size_; }
  /// False while a value dropped for lack of capacity would still be inside the window.
  [[nodiscard]] bool complete() const noexcept { return !lost_; }
  /// Empties the window and forgets the clock.
  void clear() noexcept {
    head_ = size_ = evictions_ = 0;
    sum_ = 0.0;
    has_now_ = lost_ = false;
    now_ = lost_until_ = duration{0};
  }

 private:
  struct entry {
    duration time{0};
    double value = 0.0;
  };

  scalar_window_sum(std::size_t capacity, duration length, bool clock)
      : clock_(clock), length_(length), capacity_(capacity), entries_(capacity) {}

  [[nodiscard]] bool in_window(duration t) const noexcept { return now_ - t < length_; }

  void evict_front() noexcept {
    sum_ -= entries_[head_].value;
    if (++head_ == capacity_) head_ = 0;
    --size_;
    if (++evictions_ >= capacity_) {  // recompute: no rounding drift
      evictions_ = 0;
      sum_ = 0.0;
      const std::size_t first_end = std::min(head_ + size_, capacity_);
      for (std::size_t i = head_; i < first_end; ++i) sum_ += entries_[i].value;
      for (std::size_t i = 0; i < head_ + size_ - first_end; ++i) sum_ += entries_[i].value;
    }
  }

  bool clock_ = false;
  duration length_{0};
  std::size_t capacity_ = 0;
  std::vector<entry> entries_;
  std::size_t head_ = 0;
  std::size_t size_ = 0;
  std::size_t evictions_ = 0;
  double sum_ = 0.0;
  duration now_{0};
  duration lost_until_{0};
  bool has_now_ = false;
  bool lost_ = false;
};

}  // namespace footprint::detail::feat
