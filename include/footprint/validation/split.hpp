/// @file validation/split.hpp
/// @brief `time_split`: a time-ordered train/test split (no shuffling across time), with an
/// optional embargo between the two parts, in rows or in time. See docs/validation.md.
///
/// Rows are observations in time order: the first `train_fraction` of them train, the rest
/// test. An embargo (gap) drops the first test rows, whose labels can overlap the training
/// period (e.g. an impact measured over a horizon that starts in the training period; the
/// "purging and embargo" of Lopez de Prado 2018, ch. 7). A cheap header.
#pragma once

#include "footprint/detail/concat.hpp"
#include "footprint/error.hpp"
#include "footprint/types.hpp"

#include <chrono>
#include <cmath>
#include <span>

namespace footprint {

/// A half-open range of rows [begin, end).
struct row_range {
  index begin = 0;  ///< first row
  index end = 0;    ///< one past the last row

  /// Number of rows, end - begin.
  [[nodiscard]] constexpr index size() const noexcept { return end - begin; }
  /// True when the range has no rows.
  [[nodiscard]] constexpr bool empty() const noexcept { return end <= begin; }
  friend constexpr bool operator==(const row_range&, const row_range&) = default;
};

/// Parameters of `time_ordered_split`.
struct time_split_params {
  double train_fraction = 0.8;      ///< share of rows that train, in (0, 1): n_train = floor(fraction * n)
  index gap_rows = 0;               ///< rows dropped after the training rows, >= 0
  std::chrono::nanoseconds gap{0};  ///< with timestamps: test rows are later than the last training time + gap; >= 0
};

/// A train/test split: two contiguous row ranges, train before test. Select the rows with
/// `X.middleRows(s.train.begin, s.train.size())` (no copy).
struct time_split {
  row_range train;  ///< training rows [0, n_train)
  row_range test;   ///< test rows [first after the embargo, n_samples)
  /// Rows dropped between the two (the embargo).
  [[nodiscard]] constexpr index gap_size() const noexcept { return test.begin - train.end; }
};

namespace detail {
inline index split_train_rows(const char* where, index n_samples, const time_split_params& params) {
  if (!(params.train_fraction > 0.0 && params.train_fraction < 1.0)) {
    throw invalid_argument(concat(where, ": train_fraction must be in (0, 1) (got ", params.train_fraction, ")"));
  }
  if (params.gap_rows < 0) throw invalid_argument(concat(where, ": gap_rows must be >= 0 (got ", params.gap_rows, ")"));
  if (params.gap.count() < 0) {
    throw invalid_argument(concat(where, ": gap must be >= 0 (got ", params.gap.count(), " ns)"));
  }
  if (n_samples < 2) throw invalid_argument(concat(where, ": n_samples must be >= 2 (got ", n_samples, ")"));
  const auto n_train = static_cast<index>(std::floor(params.train_fraction * static_cast<double>(n_samples)));
  if (n_train < 1) {
    throw invalid_argument(
        concat(where, ": train_fraction ", params.train_fraction, " of ", n_samples, " rows leaves no training rows"));
  }
  return n_train;
}
}  // namespace detail

/// Splits n_samples time-ordered rows: train = [0, n_train), test = [n_train + gap_rows, n)
/// with n_train = floor(train_fraction * n_samples) (scikit-learn's
/// `train_test_split(..., train_size=f, shuffle=False)` when gap_rows = 0).
/// @param n_samples rows, in time order, >= 2
/// @param params    train_fraction in (0, 1), gap_rows >= 0 (`gap` in time needs timestamps
///                  and must be 0 here)
/// @return the two ranges
/// @throws footprint::invalid_argument when a parameter is out of range, when params.gap is
///         not zero, or when no training or no test row remains
/// Complexity: O(1).
[[nodiscard]] inline time_split time_ordered_split(index n_samples, const time_split_params& params = {}) {
  constexpr const char* where = "footprint::time_ordered_split";
  const index n_train = detail::split_train_rows(where, n_samples, params);
  if (params.gap.count() != 0) {
    throw invalid_argument(detail::concat(where, ": a gap in time needs timestamps (got gap = ", params.gap.count(),
                                          " ns without times); use gap_rows or pass the times"));
  }
  const index test_begin = n_train + params.gap_rows;
  if (test_begin >= n_samples) {
    throw invalid_argument(detail::concat(where, ": no test rows remain (n_samples = ", n_samples,
                                          ", training rows = ", n_train, ", gap_rows = ", params.gap_rows, ")"));
  }
  return time_split{.train = {0, n_train}, .test = {test_begin, n_samples}};
}

/// Splits rows with timestamps: train = [0, n_train) as above; the test rows start after
/// gap_rows more rows and at the first row strictly later than t_last_train + gap, where
/// t_last_train = times[n_train - 1]. Rows sharing the last training timestamp never test.
/// @param times  (n_samples) time of each row, non-decreasing (any epoch, e.g. ns since midnight)
/// @param params train_fraction in (0, 1), gap_rows >= 0, gap >= 0
/// @return the two ranges
/// @throws footprint::invalid_argument when a parameter is out of range, when times
///         decrease (naming the row) or when no training or no test row remains
/// Complexity: O(n_samples) (the order check).
[[nodiscard]] inline time_split time_ordered_split(std::span<const std::chrono::nanoseconds> times,
                                                   const time_split_params& params = {}) {
  constexpr const char* where = "footprint::time_ordered_split";
  const auto n_samples = static_cast<index>(times.size());
  const index n_train = detail::split_train_rows(where, n_samples, params);
  for (std::size_t i = 1; i < times.size(); ++i) {
    if (times[i] < times[i - 1]) {
      throw invalid_argument(detail::concat(where, ": times must be non-decreasing; row ", i, " (", times[i].count(),
                                            " ns) is earlier than row ", i - 1, " (", times[i - 1].count(), " ns)"));
    }
  }
  const std::chrono::nanoseconds limit = times[static_cast<std::size_t>(n_train - 1)] + params.gap;
  index test_begin = n_train + params.gap_rows;
  while (test_begin < n_samples && times[static_cast<std::size_t>(test_begin)] <= limit) ++test_begin;
  if (test_begin >= n_samples) {
    throw invalid_argument(detail::concat(where, ": no test rows remain (n_samples = ", n_samples,
                                          ", training rows = ", n_train, ", gap_rows = ", params.gap_rows,
                                          ", gap = ", params.gap.count(), " ns)"));
  }
  return time_split{.train = {0, n_train}, .test = {test_begin, n_samples}};
}

}  // namespace footprint
