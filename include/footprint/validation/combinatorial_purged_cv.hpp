/// @file validation/combinatorial_purged_cv.hpp
/// @brief `combinatorial_purged_cv`: combinatorial purged cross-validation with embargo and
/// backtest path reconstruction (Lopez de Prado 2018, Advances in Financial Machine Learning,
/// ch. 12). See docs/validation.md.
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

/// Parameters of `combinatorial_purged_cv` (de Prado's N and k, and the embargo of ch. 7).
struct combinatorial_purged_cv_params {
  index n_groups = 6;       ///< N: contiguous groups of rows, in [2, n_samples]
  index n_test_groups = 2;  ///< k: groups tested per split, in [1, N - 1]
  /// training labels after a test block start later than its last label's end + embargo; >= 0
  std::chrono::nanoseconds embargo{0};
  /// in [0, 1): also drop floor(fraction * n_samples) rows after the purged ones (pct_embargo)
  double embargo_fraction = 0.0;
};

/// Combinatorial purged cross-validation (CPCV). The rows (in time order) are cut into N
/// contiguous groups as numpy's `array_split` (the first n_samples % N groups have one more
/// row). Each of the C(N, k) splits tests one set of k groups, in lexicographic order of the
/// sets ((0, 1), (0, 2), ..., as Python's `itertools.combinations`), and trains on the other
/// rows, purged and embargoed after each test block (a maximal run of adjacent test groups)
/// as `purged_kfold` does: no training label interval overlaps a test row's, and no training
/// row lies in the embargo after a test block.
///
/// Path reconstruction: each group is tested in phi = C(N - 1, k - 1) = k C(N, k) / N splits,
/// and the phi backtest paths assign every group to one of them: path p takes group g's test
/// predictions from the p-th split (in split order) that tests g (de Prado 2018, section
/// 12.4 and figure 12.1). Every (split, test group) pair lies on exactly one path, so the
/// paths use every test prediction once. Example: N = 6, k = 2 gives 15 splits and 5 paths.
///
/// Iterate with range-for (each element a `cv_split`), or ask for one split with `split`.
/// Nothing of size C(N, k) is stored: splits and paths are ranked and unranked on demand.
/// The splitter copies the intervals; it must outlive its iterators.
class combinatorial_purged_cv {
 public:
  using iterator = split_iterator<combinatorial_purged_cv>;  ///< yields `cv_split`

  /// The most splits accepted, C(N, k) <= 1,000,000 (each split fits a model).
  static constexpr index max_splits = 1'000'000;

  /// @param t0     (n_samples) start of each row's label, ns (any epoch, the same for t1),
  ///               non-decreasing (rows in time order)
  /// @param t1     (n_samples) end of each row's label, ns, t1_i >= t0_i
  /// @param params n_groups N in [2, n_samples], n_test_groups k in [1, N - 1],
  ///               C(N, k) <= max_splits, embargo >= 0 ns, embargo_fraction in [0, 1)
  /// @throws footprint::dimension_mismatch (an invalid_argument) when t1.size() != t0.size()
  /// @throws footprint::invalid_argument when a parameter is out of range, when t0
  ///         decreases or some t1_i < t0_i (naming the row)
  /// Complexity: O(n_samples); each split O(n_samples k + N k).
  combinatorial_purged_cv(std::span<const std::chrono::nanoseconds> t0, std::span<const std::chrono::nanoseconds> t1,
                          const combinatorial_purged_cv_params& params = {})
      : params_(params), t0_(t0.begin(), t0.end()), t1_(t1.begin(), t1.end()) {
    detail::validation::check_label_intervals(where, t0, t1);
    const index N = params.n_groups;
    const index k = params.n_test_groups;
    detail::require_at_least(N, 2, where, "n_groups");
    if (k < 1 || k > N - 1) {
      throw invalid_argument(
          detail::concat(where, ": n_test_groups must be in [1, n_groups - 1] = [1, ", N - 1, "] (got ", k, ")"));
    }
    const auto n = static_cast<index>(t0.size());
    if (N > n) throw invalid_argument(detail::concat(where, ": n_groups must be <= n_samples = ", n, " (got ", N, ")"));
    detail::validation::check_embargo(where, params.embargo, params.embargo_fraction);
    n_splits_ = detail::validation::binomial(N, k, max_splits);
    if (n_splits_ < 0) {
      throw invalid_argument(detail::concat(where, ": C(n_groups, n_test_groups) must be <= ", max_splits, " (got C(",
                                            N, ", ", k, ") > ", max_splits, ")"));
    }
    n_paths_ = detail::validation::binomial(N - 1, k - 1, max_splits);
    embargo_rows_ = detail::validation::embargo_rows(params.embargo_fraction, n);
  }

  /// Number of splits, C(N, k).
  [[nodiscard]] index n_splits() const noexcept { return n_splits_; }
  /// Number of backtest paths, phi = C(N - 1, k - 1) = k C(N, k) / N.
  [[nodiscard]] index n_paths() const noexcept { return n_paths_; }
  /// N, the number of groups.
  [[nodiscard]] index n_groups() const noexcept { return params_.n_groups; }
  /// k, the number of groups tested per split.
  [[nodiscard]] index n_test_groups() const noexcept { return params_.n_test_groups; }
  /// Rows split.
  [[nodiscard]] index n_samples() const noexcept { return static_cast<index>(t0_.size()); }
  /// Rows of the embargo in rows: floor(embargo_fraction * n_samples).
  [[nodiscard]] index embargo_rows() const noexcept { return embargo_rows_; }
  /// The parameters.
  [[nodiscard]] const combinatorial_purged_cv_params& params() const noexcept { return params_; }

  /// Rows of group g.
  /// @param g group, in [0, n_groups())
  /// @throws footprint::invalid_argument when g is out of range
  [[nodiscard]] row_range group_rows(index g) const {
    check_range(g, params_.n_groups, "group");
    return detail::validation::group_rows(n_samples(), params_.n_groups, g);
  }

  /// The k groups split s tests, ascending: the s-th k-subset of {0, ..., N - 1} in
  /// lexicographic order.
  /// @param s split, in [0, n_splits())
  /// @throws footprint::invalid_argument when s is out of range
  [[nodiscard]] std::vector<index> test_groups(index s) const {
    check_range(s, n_splits_, "split");
    std::vector<index> groups;
    unrank(s, params_.n_groups, params_.n_test_groups, groups);
    return groups;
  }

  /// The split whose test fold gives group g's predictions on backtest path p: the p-th
  /// split, in split order, that tests g.
  /// @param path  path, in [0, n_paths())
  /// @param group group, in [0, n_groups())
  /// @return a split in [0, n_splits()) whose test_groups() contain `group`
  /// @throws footprint::invalid_argument when path or group is out of range
  [[nodiscard]] index path_split(index path, index group) const {
    check_range(path, n_paths_, "path");
    check_range(group, params_.n_groups, "group");
    // the splits testing g, in order, are the (k - 1)-subsets of the other N - 1 groups in
    // lexicographic order (inserting g into sorted sets of equal size keeps their order)
    std::vector<index> others;
    unrank(path, params_.n_groups - 1, params_.n_test_groups - 1, others);
    std::vector<index> groups;
    groups.reserve(others.size() + 1);
    bool placed = false;
    for (const index o : others) {
      const index relabelled = o >= group ? o + 1 : o;
      if (!placed && relabelled > group) {
        groups.push_back(group);
        placed = true;
      }
      groups.push_back(relabelled);
    }
    if (!placed) groups.push_back(group);
    return rank(groups, params_.n_groups);
  }

  /// Backtest path p: for each group g (shape (n_groups)), the split whose test fold
  /// predicts it, `path_split(p, g)`.
  /// @param p path, in [0, n_paths())
  /// @throws footprint::invalid_argument when p is out of range
  [[nodiscard]] std::vector<index> path(index p) const {
    std::vector<index> splits(static_cast<std::size_t>(params_.n_groups));
    for (index g = 0; g < params_.n_groups; ++g) splits[static_cast<std::size_t>(g)] = path_split(p, g);
    return splits;
  }

  /// Split s into `train` and `test` (sorted row indices; resized, capacity reused).
  /// @param s     split, in [0, n_splits())
  /// @param train out: training rows after purging and embargo, ascending; may be empty
  /// @param test  out: the rows of the k test groups, ascending
  /// @throws footprint::invalid_argument when s is out of range
  void split(index s, std::vector<index>& train, std::vector<index>& test) const {
    const std::vector<index> groups = test_groups(s);
    std::vector<row_range> blocks;
    for (const index g : groups) {
      const row_range rows = detail::validation::group_rows(n_samples(), params_.n_groups, g);
      if (!blocks.empty() && blocks.back().end == rows.begin) {
        blocks.back().end = rows.end;  // adjacent test groups form one block
      } else {
        blocks.push_back(rows);
      }
    }
    detail::validation::purge(t0_, t1_, blocks, params_.embargo, embargo_rows_, train, test);
  }

  /// First split (computed on dereference).
  [[nodiscard]] iterator begin() const { return iterator(*this, 0); }
  /// Past the last split.
  [[nodiscard]] std::default_sentinel_t end() const noexcept { return {}; }

 private:
  static constexpr const char* where = "footprint::combinatorial_purged_cv";

  void check_range(index v, index size, const char* name) const {
    if (v < 0 || v >= size) {
      throw invalid_argument(detail::concat(where, ": ", name, " must be in [0, ", size, ") (got ", v, ")"));
    }
  }

  // C(n - 1 - v, k - 1 - i) <= C(n, k) <= max_splits for every term below, so no -1 occurs.
  static void unrank(index r, index n, index k, std::vector<index>& out) {
    out.clear();
    index v = 0;
    for (index i = 0; i < k; ++i) {
      for (;; ++v) {
        const index c = detail::validation::binomial(n - 1 - v, k - 1 - i, max_splits);
        if (r < c) break;
        r -= c;
      }
      out.push_back(v++);
    }
  }

  static index rank(std::span<const index> combination, index n) {
    const auto k = static_cast<index>(combination.size());
    index r = 0;
    index v = 0;
    for (index i = 0; i < k; ++i) {
      for (; v < combination[static_cast<std::size_t>(i)]; ++v) {
        r += detail::validation::binomial(n - 1 - v, k - 1 - i, max_splits);
      }
      v = combination[static_cast<std::size_t>(i)] + 1;
    }
    return r;
  }

  combinatorial_purged_cv_params params_;
  std::vector<std::chrono::nanoseconds> t0_;
  std::vector<std::chrono::nanoseconds> t1_;
  index n_splits_ = 0;
  index n_paths_ = 0;
  index embargo_rows_ = 0;
};

}  // namespace footprint
