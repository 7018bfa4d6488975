/// @file book/detail/level_checks.hpp
/// @brief Private to book/ and feeds/: the check that a batch of price levels can be set
/// (price finite and > 0, quantity finite and >= 0), in one branch-free pass. It runs on
/// every depth update, once in each book it reaches: a loop that stops at the first invalid
/// level costs a branch and two `isfinite` a level (about 2 ns), this one about a fifth.
#pragma once

#include <cstddef>
#include <limits>
#include <span>
#include <type_traits>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace footprint::detail {

/// Passkey of the `set_levels` and `apply_update` overloads for levels their caller has
/// checked (`settable_prefix` is their size): footprint's readers check each level once,
/// not once in each book it reaches. Private to footprint.
struct checked_levels_t {
  explicit constexpr checked_levels_t() = default;
};
inline constexpr checked_levels_t checked_levels{};

/// Whether a level can be set: price finite and > 0, quantity finite and >= 0 (NaN fails
/// every comparison).
[[nodiscard]] inline bool settable_level(double price, double quantity) noexcept {
  constexpr double max = std::numeric_limits<double>::max();
  return (price > 0.0) & (price <= max) & (quantity >= 0.0) & (quantity <= max);
}

/// The number of leading levels of `levels` that can be set (`settable_level`): all of
/// them, usually, found in one pass without a branch a level (with SSE2, a level's price and
/// quantity compared at once), else the index of the first that cannot.
/// `Level`: two doubles, `price` then `quantity` (`price_level`).
template <class Level>
[[nodiscard]] std::size_t settable_prefix(std::span<const Level> levels) noexcept {
  static_assert(std::is_standard_layout_v<Level> && sizeof(Level) == 2 * sizeof(double));
#if defined(__SSE2__)
  // price >= the least positive double is price > 0; both <= max excludes +inf; NaN fails.
  const __m128d lo = _mm_set_pd(0.0, std::numeric_limits<double>::denorm_min());  // lanes: price, quantity
  const __m128d hi = _mm_set1_pd(std::numeric_limits<double>::max());
  __m128d ok = _mm_cmpeq_pd(hi, hi);  // all ones
  for (const Level& l : levels) {
    const __m128d v = _mm_loadu_pd(reinterpret_cast<const double*>(&l));
    ok = _mm_and_pd(ok, _mm_and_pd(_mm_cmpge_pd(v, lo), _mm_cmple_pd(v, hi)));
  }
  if (_mm_movemask_pd(ok) == 3) return levels.size();
#endif
  std::size_t n = 0;
  while (n < levels.size() && settable_level(levels[n].price, levels[n].quantity)) ++n;
  return n;
}

/// What `scan_levels` found in a batch of levels.
struct level_scan {
  std::size_t settable = 0;  ///< leading levels that can be set (as `settable_prefix`)
  bool monotone = true;      ///< prices strictly increasing or strictly decreasing (so distinct)
};

/// `settable_prefix` and whether the prices are strictly monotone, in one pass (a depth
/// update lists each side best first: a price listed twice breaks the order). `monotone` is
/// meaningful when every level is settable (NaN prices compare false).
template <class Level>
[[nodiscard]] level_scan scan_levels(std::span<const Level> levels) noexcept {
  static_assert(std::is_standard_layout_v<Level> && sizeof(Level) == 2 * sizeof(double));
  level_scan r;
  if (levels.empty()) return r;
#if defined(__SSE2__)
  const __m128d lo = _mm_set_pd(0.0, std::numeric_limits<double>::denorm_min());  // lanes: price, quantity
  const __m128d hi = _mm_set1_pd(std::numeric_limits<double>::max());
  __m128d ok = _mm_cmpeq_pd(hi, hi);  // all ones
  __m128d up = ok;
  __m128d down = ok;
  __m128d prev = _mm_loadu_pd(reinterpret_cast<const double*>(levels.data()));
  ok = _mm_and_pd(ok, _mm_and_pd(_mm_cmpge_pd(prev, lo), _mm_cmple_pd(prev, hi)));
  prev = _mm_unpacklo_pd(prev, prev);  // the price in both lanes
  for (std::size_t i = 1; i < levels.size(); ++i) {
    const __m128d v = _mm_loadu_pd(reinterpret_cast<const double*>(levels.data() + i));
    ok = _mm_and_pd(ok, _mm_and_pd(_mm_cmpge_pd(v, lo), _mm_cmple_pd(v, hi)));
    up = _mm_and_pd(up, _mm_cmpgt_pd(v, prev));  // lane 0: price > the previous price
    down = _mm_and_pd(down, _mm_cmplt_pd(v, prev));
    prev = _mm_unpacklo_pd(v, v);
  }
  r.monotone = ((_mm_movemask_pd(up) | _mm_movemask_pd(down)) & 1) != 0;
  if (_mm_movemask_pd(ok) == 3) {
    r.settable = levels.size();
    return r;
  }
  r.settable = settable_prefix(levels);
#else
  r.settable = settable_prefix(levels);
  bool up = true, down = true;
  for (std::size_t i = 1; i < levels.size(); ++i) {
    up &= levels[i].price > levels[i - 1].price;
    down &= levels[i].price < levels[i - 1].price;
  }
  r.monotone = up || down;
#endif
  return r;
}

}  // namespace footprint::detail
