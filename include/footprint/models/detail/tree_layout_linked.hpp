/// @file models/detail/tree_layout_linked.hpp
/// @brief Private: the `linked` inference layout of `tree_ensemble` (tree_layout::linked),
/// which serves any tree: 16-byte nodes laid out breadth first with siblings adjacent, leaves
/// that loop on themselves, walked with a fixed number of branch-free steps per tree,
/// several trees (one row) or several rows (one tree) at a time.
#pragma once

#include "footprint/models/detail/tree_layout_common.hpp"
#include "footprint/models/trees/regression_tree.hpp"
#include "footprint/types.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <vector>

namespace footprint::detail {

/// The linked layout: built by compile(), then const and thread-safe.
class tree_linked_layout {
 public:
  /// Trees walked together by predict_row.
  static constexpr std::size_t lanes = 8;
  /// The row-expansion paths (slots, see packed_node) apply with at most this many features.
  static constexpr index max_fast_features = 128;

  /// Lays every tree out breadth first with siblings adjacent.
  void compile(const std::vector<regression_tree>& trees, const tree_sum& sum);

  /// The depth of tree t (its root-to-leaf steps).
  [[nodiscard]] const std::vector<int>& depths() const noexcept { return depths_; }

  /// scale * (base + the leaves of every tree) for one row given by a pointer and a stride.
  [[nodiscard]] double predict_row(const double* x, index stride) const noexcept;

  /// Predictions of rows [begin, end) of X (at most tree_block_rows) into out[begin, end).
  void predict_block(const strided_rows& X, vector_ref out, index begin, index end) const noexcept;

 private:
  /// 16 bytes. Fast path: the row is expanded to 2 n_features values, x with NaN as -inf
  /// then x with NaN as +inf, and a node goes right iff xx[slot] > threshold, slot =
  /// feature (missing goes left) or n_features + feature (missing goes right): one
  /// comparison, no NaN test. Otherwise slot = feature (missing goes left) or feature ^ 1
  /// (missing goes right) and go_right tests for NaN. A leaf has left = itself and
  /// threshold = +inf.
  struct packed_node {
    double threshold;
    std::int32_t left;  ///< right child = left + 1
    std::uint16_t feature;
    std::uint16_t slot;
  };
  static_assert(sizeof(packed_node) == 16);

  /// The row expansion applies with at most 128 features. The NaN-as-+inf slot cannot tell
  /// a missing value from +inf, so a node with threshold +inf whose missing values go right
  /// (only an imported model has one) turns the expansion off.
  [[nodiscard]] bool fast_path() const noexcept { return sum_.n_features <= max_fast_features && !inf_right_; }

  /// 1 when the row goes right: a NaN goes left when default_left (v > t is false for NaN)
  /// and right otherwise (!(v <= t) is true for NaN).
  static std::int32_t go_right(const packed_node& nd, double v) noexcept {
    const bool gt = v > nd.threshold;
    const bool not_le = !(v <= nd.threshold);
    return static_cast<std::int32_t>(nd.slot == nd.feature ? gt : not_le);
  }

  /// Leaf value reached in tree t.
  [[nodiscard]] double walk(std::size_t t, const double* x, index stride) const noexcept {
    const packed_node* nodes = packed_.data();
    std::int32_t i = roots_[t];
    for (int d = depths_[t]; d > 0; --d) {
      const packed_node& nd = nodes[i];
      i = nd.left + go_right(nd, x[static_cast<index>(nd.feature) * stride]);
    }
    return values_[static_cast<std::size_t>(i)];
  }

  /// Appends one tree, breadth first.
  void append(const regression_tree& tree);
  /// base + every tree, `lanes` trees interleaved (the row expanded when fast_path()).
  [[nodiscard]] double sum_lanes(const double* x, index stride) const noexcept;
  /// Copies rows [begin, end) of X row-major into buf (expanded when `fast`).
  void fill_rows(const strided_rows& X, index begin, index end, bool fast, double* buf) const noexcept;

  tree_sum sum_;
  std::vector<packed_node> packed_;
  std::vector<double> values_;
  std::vector<std::int32_t> roots_;
  std::vector<int> depths_;
  std::vector<int> group_depths_;
  bool inf_right_ = false;  ///< some node has threshold +inf and sends missing values right
};

// ---------------------------------------------------------------------------------------

inline void tree_linked_layout::compile(const std::vector<regression_tree>& trees, const tree_sum& sum) {
  sum_ = sum;
  inf_right_ = false;
  for (const regression_tree& tree : trees) {
    for (const tree_node& nd : tree.nodes()) {
      if (!nd.is_leaf() && !nd.default_left && nd.threshold == std::numeric_limits<double>::infinity())
        inf_right_ = true;
    }
  }
  packed_.clear();
  values_.clear();
  roots_.clear();
  depths_.clear();
  group_depths_.clear();
  for (const regression_tree& tree : trees) append(tree);
  for (std::size_t t = 0; t + lanes <= depths_.size(); t += lanes) {
    group_depths_.push_back(*std::max_element(depths_.begin() + static_cast<std::ptrdiff_t>(t),
                                              depths_.begin() + static_cast<std::ptrdiff_t>(t + lanes)));
  }
}

inline void tree_linked_layout::append(const regression_tree& tree) {
  const auto& src = tree.nodes();
  const auto base = static_cast<std::int32_t>(packed_.size());
  roots_.push_back(base);
  depths_.push_back(tree.depth());
  // BFS: new position of each source node
  std::vector<std::int32_t> order{0};
  std::vector<std::int32_t> pos(std::max<std::size_t>(src.size(), 1), -1);
  for (std::size_t q = 0; q < order.size(); ++q) {
    const tree_node& nd = src[static_cast<std::size_t>(order[q])];
    if (nd.is_leaf()) continue;
    pos[static_cast<std::size_t>(nd.left)] = static_cast<std::int32_t>(order.size());
    order.push_back(nd.left);
    pos[static_cast<std::size_t>(nd.right)] = static_cast<std::int32_t>(order.size());
    order.push_back(nd.right);
  }
  for (std::size_t q = 0; q < order.size(); ++q) {
    const tree_node& nd = src[static_cast<std::size_t>(order[q])];
    packed_node p{};
    if (nd.is_leaf()) {
      p.threshold = std::numeric_limits<double>::infinity();
      p.left = base + static_cast<std::int32_t>(q);
      p.feature = 0;
      p.slot = 0;
    } else {
      p.threshold = nd.threshold;
      p.left = base + pos[static_cast<std::size_t>(nd.left)];
      p.feature = static_cast<std::uint16_t>(nd.feature);
      // slot != feature marks "missing goes right" for go_right; in the fast path it is
      // also the index of the expanded value (feature + n_features: NaN as +inf)
      const index right_slot = fast_path() ? nd.feature + sum_.n_features : (nd.feature ^ 1);
      p.slot = static_cast<std::uint16_t>(nd.default_left ? nd.feature : right_slot);
    }
    packed_.push_back(p);
    values_.push_back(nd.value);
  }
}

inline double tree_linked_layout::predict_row(const double* x, index stride) const noexcept {
  // Trees are walked `lanes` at a time, interleaved, for instruction-level parallelism
  // (leaves loop on themselves, so extra steps are harmless).
  if (sum_.float_acc) {
    auto s = static_cast<float>(sum_.base);
    for (std::size_t t = 0; t < roots_.size(); ++t) s = static_cast<float>(static_cast<double>(s) + walk(t, x, stride));
    return sum_.scale * static_cast<double>(s);
  }
  return sum_.scale * sum_lanes(x, stride);
}

inline double tree_linked_layout::sum_lanes(const double* x, index stride) const noexcept {
  const std::size_t T = roots_.size();
  const std::size_t TL = T - T % lanes;
  const packed_node* nodes = packed_.data();
  double s = sum_.base;
  if (fast_path()) {
    std::array<double, 2 * max_fast_features> xx;
    const index d = sum_.n_features;
    for (index f = 0; f < d; ++f) {
      const double v = x[f * stride];
      const bool missing = std::isnan(v);
      xx[static_cast<std::size_t>(f)] = missing ? -std::numeric_limits<double>::infinity() : v;
      xx[static_cast<std::size_t>(d + f)] = missing ? std::numeric_limits<double>::infinity() : v;
    }
    for (std::size_t t = 0; t < TL; t += lanes) {
      std::array<std::int32_t, lanes> k;
      for (std::size_t j = 0; j < lanes; ++j) k[j] = roots_[t + j];
      for (int dd = group_depths_[t / lanes]; dd > 0; --dd) {
        for (std::size_t j = 0; j < lanes; ++j) {
          const packed_node& nd = nodes[k[j]];
          k[j] = nd.left + static_cast<std::int32_t>(xx[nd.slot] > nd.threshold);
        }
      }
      for (std::size_t j = 0; j < lanes; ++j) s += values_[static_cast<std::size_t>(k[j])];
    }
    for (std::size_t t = TL; t < T; ++t) s += walk(t, x, stride);
    return s;
  }
  for (std::size_t t = 0; t < TL; t += lanes) {
    std::array<std::int32_t, lanes> k;
    for (std::size_t j = 0; j < lanes; ++j) k[j] = roots_[t + j];
    for (int d = group_depths_[t / lanes]; d > 0; --d) {
      for (std::size_t j = 0; j < lanes; ++j) {
        const packed_node& nd = nodes[k[j]];
        k[j] = nd.left + go_right(nd, x[static_cast<index>(nd.feature) * stride]);
      }
    }
    for (std::size_t j = 0; j < lanes; ++j) s += values_[static_cast<std::size_t>(k[j])];
  }
  for (std::size_t t = TL; t < T; ++t) s += walk(t, x, stride);
  return s;
}

inline void tree_linked_layout::fill_rows(const strided_rows& X, index begin, index end, bool fast,
                                          double* buf) const noexcept {
  const index n_features = sum_.n_features;
  const index width = fast ? 2 * n_features : n_features;
  for (index j = 0; j < n_features; ++j) {
    for (index i = 0; i < end - begin; ++i) {
      const double v = X(begin + i, j);
      if (fast) {
        const bool missing = std::isnan(v);
        buf[i * width + j] = missing ? -std::numeric_limits<double>::infinity() : v;
        buf[i * width + n_features + j] = missing ? std::numeric_limits<double>::infinity() : v;
      } else {
        buf[i * width + j] = v;
      }
    }
  }
}

inline void tree_linked_layout::predict_block(const strided_rows& X, vector_ref out, index begin,
                                              index end) const noexcept {
  const index m = end - begin;
  // row-major copy of the block: rows of 2 n_features values, NaN as -inf then NaN as +inf
  // (see packed_node); without the fast path, rows of n_features raw values
  constexpr index buf_doubles = 4096;
  double stack_buf[buf_doubles];
  std::vector<double> heap;
  double* buf = stack_buf;
  const bool fast = fast_path();
  const index width = fast ? 2 * sum_.n_features : sum_.n_features;
  if (m * width > buf_doubles) {
    heap.resize(static_cast<std::size_t>(m * width));
    buf = heap.data();
  }
  fill_rows(X, begin, end, fast, buf);
  const bool float_acc = sum_.float_acc;
  std::array<double, tree_block_rows> acc{};
  std::array<float, tree_block_rows> facc{};
  for (index i = 0; i < m; ++i) {
    acc[static_cast<std::size_t>(i)] = sum_.base;
    facc[static_cast<std::size_t>(i)] = static_cast<float>(sum_.base);
  }
  const packed_node* nodes = packed_.data();
  const auto step = [&](std::int32_t k, const double* x) noexcept {
    const packed_node& nd = nodes[k];
    return fast ? nd.left + static_cast<std::int32_t>(x[nd.slot] > nd.threshold)
                : nd.left + go_right(nd, x[nd.feature]);
  };
  constexpr index R = 16;  // rows interleaved
  const index m4 = float_acc ? 0 : m - m % R;
  for (std::size_t t = 0; t < roots_.size(); ++t) {
    const std::int32_t root = roots_[t];
    const int depth = depths_[t];
    for (index i = 0; i < m4; i += R) {
      std::array<std::int32_t, R> k;
      k.fill(root);
      const double* x0 = buf + i * width;
      for (int d = depth; d > 0; --d) {
        for (index j = 0; j < R; ++j)
          k[static_cast<std::size_t>(j)] = step(k[static_cast<std::size_t>(j)], x0 + j * width);
      }
      for (index j = 0; j < R; ++j)
        acc[static_cast<std::size_t>(i + j)] += values_[static_cast<std::size_t>(k[static_cast<std::size_t>(j)])];
    }
    for (index i = m4; i < m; ++i) {
      const double* x = buf + i * width;
      std::int32_t k = root;
      for (int d = depth; d > 0; --d) k = step(k, x);
      const double leaf = values_[static_cast<std::size_t>(k)];
      if (float_acc) {
        facc[static_cast<std::size_t>(i)] =
            static_cast<float>(static_cast<double>(facc[static_cast<std::size_t>(i)]) + leaf);
      } else {
        acc[static_cast<std::size_t>(i)] += leaf;
      }
    }
  }
  for (index i = 0; i < m; ++i) {
    out[begin + i] = sum_.scale * (float_acc ? static_cast<double>(facc[static_cast<std::size_t>(i)])
                                             : acc[static_cast<std::size_t>(i)]);
  }
}

}  // namespace footprint::detail
