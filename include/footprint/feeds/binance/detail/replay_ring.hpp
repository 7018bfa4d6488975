/// @file feeds/binance/detail/replay_ring.hpp
/// @brief Private to `basic_binance_depth_book`: the last applied depth updates, kept to
/// reconcile a late snapshot by replaying them. Their ids in a ring of `capacity` slots and
/// their levels in one circular buffer: no allocation per update.
#pragma once

#include "footprint/book/price_level_book.hpp"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace footprint::detail::binance {

/// The last `capacity` updates recorded, oldest first.
class replay_ring {
 public:
  /// A kept update's ids, and where its levels are in the buffer (bids, then asks).
  struct kept_update {
    std::int64_t first = 0;
    std::int64_t last = 0;
    std::int64_t previous = -1;
    std::size_t offset = 0;
    std::size_t bids = 0;
    std::size_t asks = 0;
  };

  /// @param capacity updates kept (0: none)
  explicit replay_ring(std::size_t capacity) : slots_(capacity) {}

  [[nodiscard]] std::size_t size() const noexcept { return count_; }
  /// The k-th kept update, oldest first (k < size()).
  [[nodiscard]] const kept_update& operator[](std::size_t k) const noexcept {
    return slots_[(head_ + k) % slots_.size()];
  }
  /// Its levels (valid until the next record).
  [[nodiscard]] std::span<const price_level> bids(const kept_update& k) const noexcept {
    return {levels_.data() + k.offset, k.bids};
  }
  [[nodiscard]] std::span<const price_level> asks(const kept_update& k) const noexcept {
    return {levels_.data() + k.offset + k.bids, k.asks};
  }

  /// Forgets every kept update (the buffer is kept).
  void clear() noexcept {
    count_ = 0;
    write_ = 0;
    wrapped_ = false;
  }

  /// Keeps an update, dropping the oldest when `capacity` are kept. Its levels go after the
  /// newest kept update's, or at the buffer's start when they do not fit before its end and
  /// the oldest kept update's levels start after them; else the buffer grows (the kept
  /// levels copied, oldest first, to the front of a buffer twice as large).
  void record(std::int64_t first, std::int64_t last, std::int64_t previous, std::span<const price_level> bids,
              std::span<const price_level> asks) {
    if (slots_.empty()) return;
    if (count_ == slots_.size()) {
      const std::size_t evicted = slot(0).offset;
      head_ = (head_ + 1) % slots_.size();
      --count_;
      if (count_ == 0) {
        clear();
      } else if (wrapped_ && slot(0).offset < evicted) {
        wrapped_ = false;  // the oldest kept levels are now those at the buffer's start
      }
    }
    const std::size_t n = bids.size() + asks.size();
    const std::size_t oldest = count_ > 0 ? slot(0).offset : 0;
    std::size_t at = write_;
    if (!wrapped_ && write_ + n > levels_.size()) {
      if (count_ > 0 && n <= oldest) {
        at = 0;
        wrapped_ = true;
      } else {
        at = grow(n);
      }
    } else if (wrapped_ && write_ + n > oldest) {
      at = grow(n);
    }
    slot(count_) = kept_update{first, last, previous, at, bids.size(), asks.size()};
    ++count_;
    keep(bids, at);
    keep(asks, at + bids.size());
    write_ = at + n;
  }

 private:
  kept_update& slot(std::size_t k) noexcept { return slots_[(head_ + k) % slots_.size()]; }

  void keep(std::span<const price_level> levels, std::size_t at) noexcept {
    std::copy(levels.begin(), levels.end(), levels_.begin() + static_cast<std::ptrdiff_t>(at));
  }

  // Copies the kept levels, oldest first, to the front of a larger buffer with room for n
  // more; returns where the n go.
  std::size_t grow(std::size_t n) {
    std::size_t live = 0;
    for (std::size_t k = 0; k < count_; ++k) live += slot(k).bids + slot(k).asks;
    std::vector<price_level> bigger(std::max(2 * levels_.size(), 2 * (live + n)));
    std::size_t at = 0;
    for (std::size_t k = 0; k < count_; ++k) {
      kept_update& kept = slot(k);
      const std::size_t m = kept.bids + kept.asks;
      std::copy_n(levels_.begin() + static_cast<std::ptrdiff_t>(kept.offset), m,
                  bigger.begin() + static_cast<std::ptrdiff_t>(at));
      kept.offset = at;
      at += m;
    }
    levels_.swap(bigger);
    wrapped_ = false;
    return at;
  }

  std::vector<kept_update> slots_;   // a circular buffer of the kept updates' ids
  std::size_t head_ = 0;             // slot of the oldest
  std::size_t count_ = 0;            // updates kept
  std::vector<price_level> levels_;  // their levels, a circular buffer (see record)
  std::size_t write_ = 0;            // end of the newest kept update's levels
  bool wrapped_ = false;             // the kept levels run from the oldest's upwards, then from 0 to write_
};

}  // namespace footprint::detail::binance
