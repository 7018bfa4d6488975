/// @file validation/detail/purging.hpp
/// @brief Private helpers of the splitters (validation/ only): checks of label intervals and
/// embargo parameters, contiguous groups as numpy's `array_split`, purging with an embargo
/// (Lopez de Prado 2018, ch. 7) and binomial coefficients with a cap.
#pragma once

#include "footprint/detail/checks.hpp"
#include "footprint/detail/concat.hpp"
#include "footprint/error.hpp"
#include "footprint/types.hpp"
#include "footprint/validation/split.hpp"

#include <chrono>
#include <cstddef>
#include <limits>
#include <span>
#include <vector>

namespace footprint::detail::validation {

using nanoseconds = std::chrono::nanoseconds;

/// Label intervals [t0_i, t1_i]: same sizes, t0 non-decreasing (rows in time order),
/// t1_i >= t0_i. Names the first offending row.
inline void check_label_intervals(const char* where, std::span<const nanoseconds> t0, std::span<const nanoseconds> t1) {
  if (t1.size() != t0.size()) {
    throw dimension_mismatch(where, "t1.size() must equal t0.size()", static_cast<index>(t0.size()),
                             static_cast<index>(t1.size()));
  }
  for (std::size_t i = 0; i < t0.size(); ++i) {
    if (i > 0 && t0[i] < t0[i - 1]) {
      throw invalid_argument(concat(where, ": t0 must be non-decreasing; row ", i, " (", t0[i].count(),
                                    " ns) is earlier than row ", i - 1, " (", t0[i - 1].count(), " ns)"));
    }
    if (t1[i] < t0[i]) {
      throw invalid_argument(concat(where, ": t1 must be >= t0; row ", i, " ends (t1 = ", t1[i].count(),
                                    " ns) before it starts (t0 = ", t0[i].count(), " ns)"));
    }
  }
}

/// An embargo: a time span >= 0 and a fraction of the rows in [0, 1).
inline void check_embargo(const char* where, nanoseconds embargo, double embargo_fraction) {
  if (embargo.count() < 0) {
    throw invalid_argument(concat(where, ": embargo must be >= 0 (got ", embargo.count(), " ns)"));
  }
  require_in(embargo_fraction, 0.0, 1.0, bounds::closed_open, where, "embargo_fraction");
}

/// Rows of the embargo in rows: floor(fraction * n_samples), de Prado's int(n * pct_embargo).
[[nodiscard]] inline index embargo_rows(double embargo_fraction, index n_samples) noexcept {
  return static_cast<index>(embargo_fraction * static_cast<double>(n_samples));
}

/// Group g of n_samples rows cut into n_groups contiguous groups as numpy's `array_split`
/// (scikit-learn's KFold): the first n_samples % n_groups groups have one more row.
[[nodiscard]] inline row_range group_rows(index n_samples, index n_groups, index g) noexcept {
  const index size = n_samples / n_groups;
  const index extra = n_samples % n_groups;
  const index begin = g * size + (g < extra ? g : extra);
  return row_range{begin, begin + size + (g < extra ? 1 : 0)};
}

/// The training rows left when `blocks` test (sorted, disjoint, not adjacent): every other
/// row, minus
/// - (purging) any row whose label interval overlaps a test row's: before a block [b, e),
///   rows with t1_i >= t0_b; after it, rows with t0_i <= T, T = max t1 over the block;
/// - (embargo) after each block, rows with t0_i <= T + embargo, and the first `embargo_rows`
///   rows after the purged ones (de Prado's `maxT1Idx + mbrg`); the later of the two bounds.
/// Closed intervals: labels that touch overlap. Writes `train` (ascending) and `test`.
/// Complexity: O(n_samples * blocks.size()).
inline void purge(std::span<const nanoseconds> t0, std::span<const nanoseconds> t1, std::span<const row_range> blocks,
                  nanoseconds embargo, index embargo_rows, std::vector<index>& train, std::vector<index>& test) {
  const auto n = static_cast<index>(t0.size());
  const auto at = [](std::span<const nanoseconds> t, index i) { return t[static_cast<std::size_t>(i)]; };
  std::vector<unsigned char> drop(t0.size(), 0);
  test.clear();
  for (const row_range& block : blocks) {
    nanoseconds last_end = at(t1, block.begin);
    for (index i = block.begin; i < block.end; ++i) {
      drop[static_cast<std::size_t>(i)] = 1;
      test.push_back(i);
      if (at(t1, i) > last_end) last_end = at(t1, i);
    }
    const nanoseconds first_start = at(t0, block.begin);
    for (index i = 0; i < block.begin; ++i) {
      if (at(t1, i) >= first_start) drop[static_cast<std::size_t>(i)] = 1;
    }
    index purged_end = block.end;  // first row after the block whose label starts after T
    while (purged_end < n && at(t0, purged_end) <= last_end) ++purged_end;
    index time_end = purged_end;  // first row whose label starts after T + embargo
    const bool saturated =
        last_end.count() > 0 && embargo.count() > std::numeric_limits<nanoseconds::rep>::max() - last_end.count();
    while (time_end < n && (saturated || at(t0, time_end) <= last_end + embargo)) ++time_end;
    index stop = purged_end + embargo_rows > time_end ? purged_end + embargo_rows : time_end;
    if (stop > n) stop = n;
    for (index i = block.end; i < stop; ++i) drop[static_cast<std::size_t>(i)] = 1;
  }
  train.clear();
  for (index i = 0; i < n; ++i) {
    if (drop[static_cast<std::size_t>(i)] == 0) train.push_back(i);
  }
}

/// C(a, b) for 0 <= b, or 0 when b > a; -1 when it exceeds `cap` (no overflow for
/// a <= max / cap).
[[nodiscard]] inline index binomial(index a, index b, index cap) noexcept {
  if (b < 0 || b > a) return 0;
  if (b > a - b) b = a - b;
  index c = 1;
  for (index i = 0; i < b; ++i) {
    // c = C(a, i) <= cap here (binomials rise up to b <= a / 2), so c * (a - i) is exact
    if (c > std::numeric_limits<index>::max() / (a - i)) return -1;
    c = c * (a - i) / (i + 1);
    if (c > cap) return -1;
  }
  return c;
}

}  // namespace footprint::detail::validation
