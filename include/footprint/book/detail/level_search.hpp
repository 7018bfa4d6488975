/// @file book/detail/level_search.hpp
/// @brief Private to book/: the searches of a side of price levels sorted worst first
/// (price_level_book): a branch-free bisection, galloping from a level found before
/// (Bentley and Yao 1976), and bisections of many prices at once, four in step.
#pragma once

#include <cstddef>
#include <vector>

namespace footprint::detail {

// `Level` has a `double price`; `worse(l, p)` is true when a level at price l is worse than
// price p on the side (bids: l < p; asks: l > p), and the side is sorted worst first.

// The first index a in [lo, hi] with !worse(v[a].price, price), given that one is there
// (v[hi] is not worse, or hi = size) and that all before lo are worse. Branch-free.
template <class Level, class Worse>
std::size_t bisect(const std::vector<Level>& v, std::size_t lo, std::size_t hi, double price, Worse worse) noexcept {
  std::size_t n = hi - lo;
  while (n > 1) {
    const std::size_t half = n / 2;
    lo = worse(v[lo + half - 1].price, price) ? lo + half : lo;
    n -= half;
  }
  if (n == 1 && worse(v[lo].price, price)) ++lo;
  return lo;
}

// The insertion point in `v` of each of `prices` (sorted worst first, all at or after
// index `first`): out[j] for prices[j], by bisections of [first, n) run four at a time in
// step. They take the same number of steps, and the four chains of loads overlap instead
// of each waiting for the one before, as galloping on from it does (on the Binance
// captures, whose updates spread over hundreds of levels, the book applies them 13-17%
// faster).
template <class Level, class Worse>
void bisect_all(const std::vector<Level>& v, const std::vector<Level>& prices, std::size_t first,
                std::vector<std::size_t>& out, Worse worse) noexcept {
  const std::size_t n = v.size();
  const std::size_t m = prices.size();
  const Level* d = v.data();
  std::size_t j = 0;
  for (; j + 4 <= m; j += 4) {
    const double p0 = prices[j].price, p1 = prices[j + 1].price, p2 = prices[j + 2].price, p3 = prices[j + 3].price;
    std::size_t a = first, b = first, c = first, e = first;
    std::size_t len = n - first;
    while (len > 1) {
      const std::size_t half = len / 2;
      a = worse(d[a + half - 1].price, p0) ? a + half : a;
      b = worse(d[b + half - 1].price, p1) ? b + half : b;
      c = worse(d[c + half - 1].price, p2) ? c + half : c;
      e = worse(d[e + half - 1].price, p3) ? e + half : e;
      len -= half;
    }
    if (len == 1) {
      a += worse(d[a].price, p0) ? 1 : 0;
      b += worse(d[b].price, p1) ? 1 : 0;
      c += worse(d[c].price, p2) ? 1 : 0;
      e += worse(d[e].price, p3) ? 1 : 0;
    }
    out[j] = a;
    out[j + 1] = b;
    out[j + 2] = c;
    out[j + 3] = e;
  }
  for (; j < m; ++j) out[j] = bisect(v, first, n, prices[j].price, worse);
}

// The insertion point, galloping from index `from` (any value: it is clamped).
template <class Level, class Worse>
std::size_t find_near(const std::vector<Level>& v, std::size_t from, double price, Worse worse) noexcept {
  const std::size_t n = v.size();
  if (n == 0) return 0;
  if (from >= n) from = n - 1;
  std::size_t lo = 0;
  std::size_t hi = n;
  if (worse(v[from].price, price)) {  // the answer is after `from`
    lo = from + 1;
    for (std::size_t step = 1; lo + step - 1 < n; step *= 2) {
      const std::size_t i = lo + step - 1;
      if (!worse(v[i].price, price)) {
        hi = i;
        break;
      }
      lo = i + 1;
    }
  } else {  // the answer is `from` or before
    hi = from;
    for (std::size_t step = 1; step <= hi; step *= 2) {
      const std::size_t i = hi - step;
      if (worse(v[i].price, price)) {
        lo = i + 1;
        break;
      }
      hi = i;
    }
  }
  return bisect(v, lo, hi, price, worse);
}

}  // namespace footprint::detail
