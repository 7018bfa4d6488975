/// @file features/book_history.hpp
/// @brief An `OrderBookView` over one time slice of an order-book history held in xtensor.
#pragma once

#include "footprint/concepts.hpp"
#include "footprint/detail/concat.hpp"
#include "footprint/detail/xtensor.hpp"
#include "footprint/error.hpp"
#include "footprint/types.hpp"

#include <chrono>
#include <cmath>
#include <cstddef>
#include <span>

namespace footprint {

/// A cheap `OrderBookView` over one row (time slice) of a book history.
///
/// The history is an `xt::xtensor<double, 3>` of shape (time, level, 4) whose last axis is
/// (bid price, bid size, ask price, ask size), level 0 the best, with a parallel vector of
/// timestamps (one per row, `std::chrono::nanoseconds` since midnight or the epoch, as the
/// source says). Rows are observations, in time order.
///
/// A level is present when its price is finite and its size is finite and > 0; each side
/// is the run of present levels from level 0 up to the first absent one (levels after a
/// hole are ignored: a history stores each side best first, without holes). Empty levels
/// of LOBSTER files (price +/-9999999999, size 0) and NaN padding are therefore absent.
///
/// The object is a view: it holds pointers into the array and the times, which must
/// outlive it. `seek(t)` moves it to row t in O(depth); every accessor is then O(1),
/// `noexcept`, and does not allocate, as `OrderBookView` requires. Copies are cheap, so
/// `at(t)` returns a view of another row.
class book_history {
 public:
  /// The array type of a history: shape (time, level, 4).
  using array_type = xt::xtensor<double, 3>;

  /// Views row 0 of `history`.
  /// @param history shape (n_rows, n_levels, 4): bid price, bid size, ask price, ask size
  ///        (quote currency and shares/contracts/coins); n_levels >= 1
  /// @param times   n_rows timestamps, non-decreasing
  /// @throws dimension_mismatch when the last axis is not 4, there are no levels, or
  ///         `times.size()` differs from the number of rows
  /// @throws invalid_argument when the times decrease
  book_history(const array_type& history, std::span<const std::chrono::nanoseconds> times)
      : data_(history.data()),
        times_(times.data()),
        rows_(static_cast<index>(history.shape()[0])),
        depth_(static_cast<index>(history.shape()[1])) {
    const char* where = "footprint::book_history::book_history";
    if (history.shape()[2] != 4) {
      throw dimension_mismatch(where, "history.shape()[2] (bid price, bid size, ask price, ask size)", 4,
                               static_cast<index>(history.shape()[2]));
    }
    if (depth_ < 1 && rows_ > 0) throw dimension_mismatch(where, "history.shape()[1] (levels) must be >= 1", 1, depth_);
    if (static_cast<index>(times.size()) != rows_) {
      throw dimension_mismatch(where, "times.size() must equal history.shape()[0]", rows_,
                               static_cast<index>(times.size()));
    }
    for (std::size_t i = 1; i < times.size(); ++i) {
      if (times[i] < times[i - 1]) {
        throw invalid_argument(detail::concat(where, ": times must be non-decreasing (row ", i, " at ",
                                              times[i].count(), " ns is before row ", i - 1, " at ",
                                              times[i - 1].count(), " ns)"));
      }
    }
    if (rows_ > 0) seek(0);
  }
  /// A history must outlive its views: binding a temporary array is an error.
  book_history(array_type&&, std::span<const std::chrono::nanoseconds>) = delete;

  /// Number of rows (time slices).
  [[nodiscard]] index rows() const noexcept { return rows_; }
  /// Number of levels per side stored in the array (an upper bound on `bid_levels()`).
  [[nodiscard]] index depth() const noexcept { return depth_; }
  /// The timestamps of all rows.
  [[nodiscard]] std::span<const std::chrono::nanoseconds> times() const noexcept {
    return {times_, static_cast<std::size_t>(rows_)};
  }
  /// The row this view shows.
  [[nodiscard]] index row() const noexcept { return row_; }

  /// Shows row `t`; requires 0 <= t < rows(). O(depth).
  void seek(index t) noexcept {
    row_ = t;
    const double* r = row_data();
    bid_levels_ = count_present(r, 0);
    ask_levels_ = count_present(r, 2);
  }
  /// A view of row `t` (this view is unchanged); requires 0 <= t < rows().
  [[nodiscard]] book_history at(index t) const noexcept {
    book_history v = *this;
    v.seek(t);
    return v;
  }

  // ---- OrderBookView members (level 0 = best), for the current row
  [[nodiscard]] index bid_levels() const noexcept { return bid_levels_; }
  [[nodiscard]] index ask_levels() const noexcept { return ask_levels_; }
  [[nodiscard]] double bid_price(index level) const noexcept { return cell(level, 0); }
  [[nodiscard]] double bid_quantity(index level) const noexcept { return cell(level, 1); }
  [[nodiscard]] double ask_price(index level) const noexcept { return cell(level, 2); }
  [[nodiscard]] double ask_quantity(index level) const noexcept { return cell(level, 3); }
  /// Timestamp of the current row.
  [[nodiscard]] std::chrono::nanoseconds timestamp() const noexcept { return times_[row_]; }

 private:
  [[nodiscard]] const double* row_data() const noexcept { return data_ + row_ * depth_ * 4; }
  [[nodiscard]] double cell(index level, index column) const noexcept { return row_data()[level * 4 + column]; }

  [[nodiscard]] index count_present(const double* r, index price_column) const noexcept {
    index n = 0;
    while (n < depth_) {
      const double p = r[n * 4 + price_column];
      const double q = r[n * 4 + price_column + 1];
      if (!std::isfinite(p) || !std::isfinite(q) || !(q > 0.0)) break;
      ++n;
    }
    return n;
  }

  const double* data_ = nullptr;
  const std::chrono::nanoseconds* times_ = nullptr;
  index rows_ = 0;
  index depth_ = 0;
  index row_ = 0;
  index bid_levels_ = 0;
  index ask_levels_ = 0;
};

static_assert(OrderBookView<book_history>);

}  // namespace footprint
