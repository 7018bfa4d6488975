/// @file validation/walk_forward.hpp
/// @brief `walk_forward`: expanding or rolling walk-forward splits with a gap (embargo)
/// between train and test, on rows (scikit-learn's `TimeSeriesSplit`, same indices) or on
/// rows with label intervals [t0, t1] (training labels end before the test starts minus a
/// gap in time). See docs/validation.md.
///
/// A cheap header: the standard library, Eigen/Core through types.hpp, and the checks.
#pragma once

#include "footprint/detail/checks.hpp"
#include "footprint/detail/concat.hpp"
#include "footprint/error.hpp"
#include "footprint/types.hpp"
#include "footprint/validation/cv_split.hpp"
#include "footprint/validation/detail/purging.hpp"
#include "footprint/validation/split.hpp"

#include <chrono>
#include <cstddef>
#include <iterator>
#include <span>
#include <vector>

namespace footprint {

/// Parameters of `walk_forward`; the names and defaults of scikit-learn's `TimeSeriesSplit`
/// (its `gap` is our `gap_rows`), plus a gap in time for rows with label intervals.
struct walk_forward_params {
  index n_splits = 5;        ///< splits (test blocks), >= 1
  index test_size = 0;       ///< rows per test block, >= 0; 0 = n_samples / (n_splits + 1)
  index gap_rows = 0;        ///< rows dropped between the training rows and each test block, >= 0
  index max_train_size = 0;  ///< 0: expanding window; > 0: rolling, at most this many most recent training rows
  /// with label intervals: training labels end (t1) before the test's first t0 - gap; >= 0
  std::chrono::nanoseconds gap{0};
};

/// Walk-forward splits of n_samples time-ordered rows: the last n_splits * test_size rows
/// are cut into n_splits consecutive test blocks; split k tests
/// [s_k, s_k + test_size), s_k = n_samples - (n_splits - k) test_size, and trains on rows
/// before s_k - gap_rows: all of them (expanding window) or the last `max_train_size`
/// (rolling window, fixed size once that many rows exist). Without label intervals the
/// indices are scikit-learn's `TimeSeriesSplit(n_splits, max_train_size, test_size, gap)`'s.
///
/// With label intervals [t0_i, t1_i] (t0 = when a label's observation starts, t1 = when it
/// ends, e.g. an impact measured over a horizon), a candidate training row must also have
/// t1_i < t0_{s_k} - gap: its label ends strictly before the first test label starts minus
/// the gap, so no training label overlaps a test label (purging, Lopez de Prado 2018, ch. 7)
/// and at least `gap` of time separates them. The rolling window then keeps the last
/// `max_train_size` such rows. Training sets are sorted; with an expanding window each
/// contains the previous one.
///
/// Iterate with range-for (each element a `cv_split`), or ask for one split with `split`.
/// The splitter copies the intervals; it must outlive its iterators.
class walk_forward {
 public:
  using iterator = split_iterator<walk_forward>;  ///< yields `cv_split`

  /// Walk-forward over rows only (scikit-learn's `TimeSeriesSplit`).
  /// @param n_samples rows, in time order, >= n_splits + 1
  /// @param params    n_splits >= 1, test_size >= 0 (0: n_samples / (n_splits + 1)),
  ///                  gap_rows >= 0, max_train_size >= 0; `gap` in time needs label
  ///                  intervals and must be 0 here
  /// @throws footprint::invalid_argument when a parameter is out of range, when params.gap
  ///         is not 0, when n_samples < n_splits + 1, or when no training row precedes the
  ///         first test block (n_samples - n_splits * test_size - gap_rows < 1)
  /// Complexity: O(1); each split O(train + test) to list.
  explicit walk_forward(index n_samples, const walk_forward_params& params = {}) : params_(params) {
    check(n_samples);
    if (params.gap.count() != 0) {
      throw invalid_argument(detail::concat(where, ": a gap in time needs label intervals (got gap = ",
                                            params.gap.count(), " ns without times); use gap_rows or pass t0 and t1"));
    }
  }

  /// Walk-forward over rows with label intervals [t0_i, t1_i] (purged, with a gap in time).
  /// @param t0     (n_samples) start of each row's label, ns (any epoch, the same for t1),
  ///               non-decreasing (rows in time order); n_samples >= n_splits + 1
  /// @param t1     (n_samples) end of each row's label, ns, t1_i >= t0_i
  /// @param params as above; gap >= 0 ns
  /// @throws footprint::dimension_mismatch (an invalid_argument) when t1.size() != t0.size()
  /// @throws footprint::invalid_argument for the reasons above (except a non-zero gap),
  ///         when t0 decreases or some t1_i < t0_i (naming the row), or when no label ends
  ///         before the first test row's t0 - gap (the first split would not train)
  /// Complexity: O(n_samples) (the checks); each split O(s_k + test_size).
  walk_forward(std::span<const std::chrono::nanoseconds> t0, std::span<const std::chrono::nanoseconds> t1,
               const walk_forward_params& params = {})
      : params_(params), t0_(t0.begin(), t0.end()), t1_(t1.begin(), t1.end()) {
    detail::validation::check_label_intervals(where, t0, t1);
    check(static_cast<index>(t0.size()));
    if (params.gap.count() < 0) {
      throw invalid_argument(detail::concat(where, ": gap must be >= 0 (got ", params.gap.count(), " ns)"));
    }
    std::vector<index> train;
    std::vector<index> test;
    split(0, train, test);
    if (train.empty()) {
      const index first = test_rows(0).begin;
      throw invalid_argument(detail::concat(where, ": no training label ends before the first test row (row ", first,
                                            ", t0 = ", t0_[static_cast<std::size_t>(first)].count(),
                                            " ns) minus the gap (", params.gap.count(), " ns)"));
    }
  }

  /// Number of splits, params.n_splits.
  [[nodiscard]] index n_splits() const noexcept { return params_.n_splits; }
  /// Rows split.
  [[nodiscard]] index n_samples() const noexcept { return n_samples_; }
  /// Rows per test block (params.test_size, or its default n_samples / (n_splits + 1)).
  [[nodiscard]] index test_size() const noexcept { return test_size_; }
  /// The parameters.
  [[nodiscard]] const walk_forward_params& params() const noexcept { return params_; }

  /// Test rows of split k: [s_k, s_k + test_size), s_k = n_samples - (n_splits - k) test_size.
  /// @param k split, in [0, n_splits())
  /// @throws footprint::invalid_argument when k is out of range
  [[nodiscard]] row_range test_rows(index k) const {
    check_split(k);
    const index begin = n_samples_ - (params_.n_splits - k) * test_size_;
    return row_range{begin, begin + test_size_};
  }

  /// Split k into `train` and `test` (sorted row indices; resized, capacity reused).
  /// @param k     split, in [0, n_splits())
  /// @param train out: training rows, ascending (non-empty)
  /// @param test  out: test rows, ascending, test_size() of them
  /// @throws footprint::invalid_argument when k is out of range
  void split(index k, std::vector<index>& train, std::vector<index>& test) const {
    const row_range t = test_rows(k);
    test.clear();
    for (index i = t.begin; i < t.end; ++i) test.push_back(i);
    const index train_end = t.begin - params_.gap_rows;
    const index window = params_.max_train_size;
    train.clear();
    if (t0_.empty()) {  // rows only: scikit-learn's window
      const index begin = (window > 0 && window < train_end) ? train_end - window : 0;
      for (index i = begin; i < train_end; ++i) train.push_back(i);
      return;
    }
    const std::chrono::nanoseconds limit = t0_[static_cast<std::size_t>(t.begin)] - params_.gap;
    for (index i = 0; i < train_end; ++i) {
      if (t1_[static_cast<std::size_t>(i)] < limit) train.push_back(i);
    }
    if (window > 0 && static_cast<index>(train.size()) > window) {
      train.erase(train.begin(), train.end() - static_cast<std::ptrdiff_t>(window));
    }
  }

  /// First split (computed on dereference).
  [[nodiscard]] iterator begin() const { return iterator(*this, 0); }
  /// Past the last split.
  [[nodiscard]] std::default_sentinel_t end() const noexcept { return {}; }

 private:
  static constexpr const char* where = "footprint::walk_forward";

  void check(index n_samples) {
    n_samples_ = n_samples;
    detail::require_at_least(params_.n_splits, 1, where, "n_splits");
    detail::require_at_least(params_.test_size, 0, where, "test_size");
    detail::require_at_least(params_.gap_rows, 0, where, "gap_rows");
    detail::require_at_least(params_.max_train_size, 0, where, "max_train_size");
    if (n_samples < params_.n_splits + 1) {
      throw invalid_argument(detail::concat(where, ": n_samples must be >= n_splits + 1 = ", params_.n_splits + 1,
                                            " (got ", n_samples, ")"));
    }
    test_size_ = params_.test_size > 0 ? params_.test_size : n_samples / (params_.n_splits + 1);
    if (n_samples - params_.n_splits * test_size_ - params_.gap_rows < 1) {
      throw invalid_argument(detail::concat(
          where, ": no training rows before the first test block (n_samples = ", n_samples,
          ", n_splits = ", params_.n_splits, ", test_size = ", test_size_, ", gap_rows = ", params_.gap_rows, ")"));
    }
  }

  void check_split(index k) const {
    if (k < 0 || k >= params_.n_splits) {
      throw invalid_argument(detail::concat(where, ": split must be in [0, ", params_.n_splits, ") (got ", k, ")"));
    }
  }

  walk_forward_params params_;
  index n_samples_ = 0;
  index test_size_ = 0;
  std::vector<std::chrono::nanoseconds> t0_;  // empty: rows only
  std::vector<std::chrono::nanoseconds> t1_;
};

}  // namespace footprint
