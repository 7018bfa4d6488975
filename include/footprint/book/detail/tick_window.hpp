/// @file book/detail/tick_window.hpp
/// @brief Private to book/: a window of consecutive ticks of one side of a book, each holding a
/// quantity (0: no level), with a bitmap of the occupied ticks and a summary bitmap of its
/// non-empty words, so that the next level above or below a tick is found in a few word
/// scans; and a price's exact position on a grid of 1e-8 (tick_level_book).
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace footprint::detail {

/// Private: the price in units of 1e-8, when exact: key / 1e8 rounds back to the price
/// (prices parsed from decimals of at most 8 places) and key < 2^51 (so price * 1e8 rounds to
/// it). False otherwise (key unspecified).
inline bool price_key(double price, std::int64_t& key) noexcept {
  const double x = price * 1e8;
  if (!(x >= 0.5 && x < 0x1p51)) return false;
  key = static_cast<std::int64_t>(x + 0.5);
  return static_cast<double>(key) / 1e8 == price;
}

/// Private: `size()` consecutive slots (a multiple of 4096), slot o holding the quantity at
/// the window's o-th tick. Offsets only: what a slot's tick is, the owner decides.
class tick_window {
 public:
  static constexpr std::size_t npos = static_cast<std::size_t>(-1);

  /// Allocates `slots` empty slots (a multiple of 4096); frees nothing until destroyed.
  void allocate(std::size_t slots) {
    quantity_.assign(slots, 0.0);
    bits_.assign(slots / 64, 0);
    summary_.assign(slots / 4096, 0);
    count_ = 0;
  }
  [[nodiscard]] bool allocated() const noexcept { return !quantity_.empty(); }
  [[nodiscard]] std::size_t size() const noexcept { return quantity_.size(); }
  /// Occupied slots.
  [[nodiscard]] std::size_t count() const noexcept { return count_; }
  [[nodiscard]] double quantity(std::size_t o) const noexcept { return quantity_[o]; }

  /// Asks the processor for slot o's quantity and bitmap word ahead of use.
  void prefetch(std::size_t o) const noexcept {
#if defined(__GNUC__) || defined(__clang__)
    __builtin_prefetch(&quantity_[o], 1);
    __builtin_prefetch(&bits_[o >> 6], 1);
#else
    (void)o;
#endif
  }

  /// Sets slot o to q >= 0 (0 empties it), without a branch: an update's levels are new,
  /// changed or removed in no predictable order.
  void assign(std::size_t o, double q) noexcept {
    const auto was = static_cast<std::uint64_t>(quantity_[o] != 0.0);
    const auto now = static_cast<std::uint64_t>(q != 0.0);
    quantity_[o] = q;
    const std::uint64_t bit = std::uint64_t{1} << (o & 63);
    std::uint64_t& w = bits_[o >> 6];
    w = (w & ~bit) | (bit & (0 - now));
    const std::uint64_t summary_bit = std::uint64_t{1} << ((o >> 6) & 63);
    std::uint64_t& sw = summary_[o >> 12];
    sw = (sw & ~summary_bit) | (summary_bit & (0 - static_cast<std::uint64_t>(w != 0)));
    count_ = count_ + now - was;
  }

  /// The highest occupied offset <= o, or npos (o may be npos: none).
  [[nodiscard]] std::size_t at_or_below(std::size_t o) const noexcept {
    if (o == npos) return npos;
    std::size_t w = o >> 6;
    const std::uint64_t m = bits_[w] & (~std::uint64_t{0} >> (63 - (o & 63)));
    if (m != 0) return (w << 6) + 63 - static_cast<std::size_t>(std::countl_zero(m));
    std::size_t s = w >> 6;
    std::uint64_t sm = summary_[s] & ((std::uint64_t{1} << (w & 63)) - 1);
    while (sm == 0) {
      if (s == 0) return npos;
      sm = summary_[--s];
    }
    w = (s << 6) + 63 - static_cast<std::size_t>(std::countl_zero(sm));
    return (w << 6) + 63 - static_cast<std::size_t>(std::countl_zero(bits_[w]));
  }

  /// Writes to out[0..) the occupied offsets at or below o, highest first, at most `count`
  /// of them (o may be npos: none); returns how many. One scan of the bitmap words.
  std::size_t collect_down(std::size_t o, std::size_t count, std::size_t* out) const noexcept {
    std::size_t got = 0;
    while (got < count) {
      o = at_or_below(o);
      if (o == npos) break;
      const std::size_t w = o >> 6;
      std::uint64_t m = bits_[w] & (~std::uint64_t{0} >> (63 - (o & 63)));
      while (m != 0 && got < count) {
        const auto b = static_cast<std::size_t>(63 - std::countl_zero(m));
        out[got++] = (w << 6) + b;
        m &= ~(std::uint64_t{1} << b);
      }
      if (w == 0) break;
      o = (w << 6) - 1;
    }
    return got;
  }

  /// Calls f(offset, quantity) for every occupied slot, in increasing offset.
  template <class F>
  void for_each(F f) const {
    for (std::size_t w = 0; w < bits_.size(); ++w) {
      for (std::uint64_t b = bits_[w]; b != 0; b &= b - 1) {
        const std::size_t o = (w << 6) + static_cast<std::size_t>(std::countr_zero(b));
        f(o, quantity_[o]);
      }
    }
  }

  /// Empties every slot (O(size / 64) plus the occupied ones).
  void clear() noexcept {
    for (std::size_t w = 0; w < bits_.size(); ++w) {
      for (std::uint64_t b = bits_[w]; b != 0; b &= b - 1) {
        quantity_[(w << 6) + static_cast<std::size_t>(std::countr_zero(b))] = 0.0;
      }
      bits_[w] = 0;
    }
    for (std::uint64_t& s : summary_) s = 0;
    count_ = 0;
  }

 private:
  std::vector<double> quantity_;
  std::vector<std::uint64_t> bits_;     // bit o: slot o occupied
  std::vector<std::uint64_t> summary_;  // bit w: bits_[w] != 0
  std::size_t count_ = 0;
};

}  // namespace footprint::detail
