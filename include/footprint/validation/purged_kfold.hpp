/// @file validation/purged_kfold.hpp
/// @brief `purged_kfold`: k-fold cross-validation for rows with label intervals [t0, t1],
/// purged and embargoed (Lopez de Prado 2018, Advances in Financial Machine Learning, ch. 7).
/// See docs/validation.md.
///
/// A cheap header: the standard library, Eigen/Core through types.hpp, and the checks.
#pragma once

#include "footprint/detail/concat.hpp"
#include "footprint/error.hpp"
#include "footprint/types.hpp"
#include "footprint/validation/cv_split.hpp"
#include "footprint/validation/detail/purging.hpp"
#include "footprint/validation/split.hpp"

#include <chrono>
#include <iterator>
#include <span>
#include <vector>

namespace footprint {

/// Parameters of `purged_kfold`.
struct purged_kfold_params {
  index n_splits = 5;  ///< folds, in [2, n_samples] (de Prado's and scikit-learn's n_splits)
  /// training labels after a test fold start later than its last label's end + embargo; >= 0
  std::chrono::nanoseconds embargo{0};
  /// in [0, 1): also drop floor(fraction * n_samples) rows after the purged ones (pct_embargo)
  double embargo_fraction = 0.0;
};

/// Purged k-fold with embargo. The rows (in time order) are cut into n_splits contiguous
/// folds as scikit-learn's `KFold` without shuffling (numpy's `array_split`: the first
/// n_samples % n_splits folds have one more row); split k tests fold k and trains on the
/// other rows, except:
/// 1. purging: no training row's label interval [t0_i, t1_i] overlaps a test row's (closed
///    intervals: labels that touch overlap). Before the fold [b, e) this drops rows with
///    t1_i >= t0_b; after it, rows with t0_i <= T, T = max t1 over the fold;
/// 2. embargo: after the fold, rows with t0_i <= T + embargo, and the first
///    floor(embargo_fraction * n_samples) rows that follow the purged ones (de Prado's
///    `getEmbargoTimes` and `maxT1Idx + mbrg`, snippets 7.2 and 7.3); the later bound wins.
///    Rows before the fold are never embargoed (the label of a test row is in their future).
///
/// A training set may be empty when labels span most of the sample. Iterate with range-for
/// (each element a `cv_split`), or ask for one split with `split`. The splitter copies the
/// intervals; it must outlive its iterators.
class purged_kfold {
 public:
  using iterator = split_iterator<purged_kfold>;  ///< yields `cv_split`

  /// @param t0     (n_samples) start of each row's label, ns (any epoch, the same for t1),
  ///               non-decreasing (rows in time order)
  /// @param t1     (n_samples) end of each row's label, ns, t1_i >= t0_i (t1 = t0 for
  ///               labels observed at one instant)
  /// @param params n_splits in [2, n_samples], embargo >= 0 ns, embargo_fraction in [0, 1)
  /// @throws footprint::dimension_mismatch (an invalid_argument) when t1.size() != t0.size()
  /// @throws footprint::invalid_argument when a parameter is out of range, when t0
  ///         decreases or some t1_i < t0_i (naming the row)
  /// Complexity: O(n_samples); each split O(n_samples).
  purged_kfold(std::span<const std::chrono::nanoseconds> t0, std::span<const std::chrono::nanoseconds> t1,
               const purged_kfold_params& params = {})
      : params_(params), t0_(t0.begin(), t0.end()), t1_(t1.begin(), t1.end()) {
    detail::validation::check_label_intervals(where, t0, t1);
    detail::require_at_least(params.n_splits, 2, where, "n_splits");
    const auto n = static_cast<index>(t0.size());
    if (params.n_splits > n) {
      throw invalid_argument(
          detail::concat(where, ": n_splits must be <= n_samples = ", n, " (got ", params.n_splits, ")"));
    }
    detail::validation::check_embargo(where, params.embargo, params.embargo_fraction);
    embargo_rows_ = detail::validation::embargo_rows(params.embargo_fraction, n);
  }

  /// Number of splits (folds), params.n_splits.
  [[nodiscard]] index n_splits() const noexcept { return params_.n_splits; }
  /// Rows split.
  [[nodiscard]] index n_samples() const noexcept { return static_cast<index>(t0_.size()); }
  /// Rows of the embargo in rows: floor(embargo_fraction * n_samples).
  [[nodiscard]] index embargo_rows() const noexcept { return embargo_rows_; }
  /// The parameters.
  [[nodiscard]] const purged_kfold_params& params() const noexcept { return params_; }

  /// Test rows of split (fold) k.
  /// @param k split, in [0, n_splits())
  /// @throws footprint::invalid_argument when k is out of range
  [[nodiscard]] row_range test_rows(index k) const {
    if (k < 0 || k >= params_.n_splits) {
      throw invalid_argument(detail::concat(where, ": split must be in [0, ", params_.n_splits, ") (got ", k, ")"));
    }
    return detail::validation::group_rows(n_samples(), params_.n_splits, k);
  }

  /// Split k into `train` and `test` (sorted row indices; resized, capacity reused).
  /// @param k     split, in [0, n_splits())
  /// @param train out: training rows after purging and embargo, ascending; may be empty
  /// @param test  out: the rows of fold k, ascending
  /// @throws footprint::invalid_argument when k is out of range
  void split(index k, std::vector<index>& train, std::vector<index>& test) const {
    const row_range fold = test_rows(k);
    detail::validation::purge(t0_, t1_, std::span<const row_range>(&fold, 1), params_.embargo, embargo_rows_, train,
                              test);
  }

  /// First split (computed on dereference).
  [[nodiscard]] iterator begin() const { return iterator(*this, 0); }
  /// Past the last split.
  [[nodiscard]] std::default_sentinel_t end() const noexcept { return {}; }

 private:
  static constexpr const char* where = "footprint::purged_kfold";

  purged_kfold_params params_;
  std::vector<std::chrono::nanoseconds> t0_;
  std::vector<std::chrono::nanoseconds> t1_;
  index embargo_rows_ = 0;
};

}  // namespace footprint
