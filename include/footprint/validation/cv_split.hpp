/// @file validation/cv_split.hpp
/// @brief `cv_split`: one train/test split of a cross-validation as two spans of sorted row
/// indices, and `split_iterator`, the input iterator every splitter of footprint yields
/// (`walk_forward`, `purged_kfold`, `combinatorial_purged_cv`). See docs/validation.md.
///
/// A cheap header: the standard library and footprint/types.hpp only.
#pragma once

#include "footprint/types.hpp"

#include <cstddef>
#include <iterator>
#include <span>
#include <vector>

namespace footprint {

/// One split: the rows that train and the rows that test, each sorted ascending, disjoint.
/// The spans point into the iterator that produced the split (or into the vectors given to a
/// splitter's `split(k, train, test)`): valid until that iterator advances or is destroyed.
/// Select rows with Eigen's indexed views, e.g. `X(s.train, Eigen::all)`, or copy them.
struct cv_split {
  index id = 0;                    ///< the split's number in [0, n_splits())
  std::span<const index> train{};  ///< training rows, ascending; may be empty (see each splitter)
  std::span<const index> test{};   ///< test rows, ascending, non-empty
};

/// Input iterator over the splits of a splitter: `*it` is a `cv_split` whose spans point into
/// buffers the iterator owns (one train and one test vector, reused from split to split). Ends
/// at `std::default_sentinel`. `Splitter` provides `n_splits()` and
/// `split(k, std::vector<index>& train, std::vector<index>& test)`; the splitter must outlive
/// the iterator.
template <class Splitter>
class split_iterator {
 public:
  using value_type = cv_split;             ///< what `*it` yields
  using difference_type = std::ptrdiff_t;  ///< required by std::input_iterator
  using iterator_concept = std::input_iterator_tag;

  /// A singular iterator (required by the iterator concepts); do not dereference it.
  split_iterator() = default;

  /// Starts at split `k` of `splitter`, 0 <= k <= n_splits().
  split_iterator(const Splitter& splitter, index k) : splitter_(&splitter), k_(k) { load(); }

  /// The current split; its spans stay valid until the iterator advances.
  [[nodiscard]] cv_split operator*() const { return cv_split{.id = k_, .train = train_, .test = test_}; }

  /// Moves to the next split (computes it).
  split_iterator& operator++() {
    ++k_;
    load();
    return *this;
  }
  /// Moves to the next split.
  void operator++(int) { ++*this; }

  /// True past the last split.
  friend bool operator==(const split_iterator& it, std::default_sentinel_t) noexcept {
    return it.splitter_ == nullptr || it.k_ >= it.splitter_->n_splits();
  }

 private:
  void load() {
    if (splitter_ != nullptr && k_ < splitter_->n_splits()) splitter_->split(k_, train_, test_);
  }

  const Splitter* splitter_ = nullptr;
  index k_ = 0;
  std::vector<index> train_;
  std::vector<index> test_;
};

}  // namespace footprint
