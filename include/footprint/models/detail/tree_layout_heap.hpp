/// @file models/detail/tree_layout_heap.hpp
/// @brief Private: the `heap` inference layout of `tree_ensemble` (tree_layout::heap), for
/// trees of depth <= 8 on at most 128 features (depthwise boosting): each tree is padded to
/// a perfect binary tree in heap order (the children of node k are 2k and 2k + 1, so the
/// next index is 2k + [x > threshold]), values are compared as order-preserving 64-bit
/// integer keys, and several trees (one row) or several rows (one tree) are walked at a time
/// so that the walks overlap.
#pragma once

#include "footprint/models/detail/tree_layout_common.hpp"
#include "footprint/models/trees/regression_tree.hpp"
#include "footprint/types.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

// Loop unrolling hint (GCC and Clang); nothing elsewhere. #undef'd at the end of this file.
#if defined(__GNUC__) || defined(__clang__)
#define FOOTPRINT_DETAIL_PRAGMA(x) _Pragma(#x)
#define FOOTPRINT_DETAIL_UNROLL(n) FOOTPRINT_DETAIL_PRAGMA(GCC unroll n)
#else
#define FOOTPRINT_DETAIL_UNROLL(n)
#endif

namespace footprint::detail {

/// The heap layout: built by compile(), then const and thread-safe.
class tree_heap_layout {
 public:
  static constexpr int max_depth = 8;                                    ///< deepest tree the layout takes
  static constexpr index max_features = 128;                             ///< most features it takes
  static constexpr std::uint64_t key_missing_left = 0;                   ///< below every threshold key
  static constexpr std::uint64_t key_missing_right = ~std::uint64_t{0};  ///< above every threshold key
  static constexpr std::uint64_t key_padding = ~std::uint64_t{0};        ///< threshold of a padding node: always left

  /// Pads every tree to a perfect tree of depth `depth` (<= max_depth) in heap order (node
  /// k's children are 2k and 2k+1, leaves at [w, 2w) with w = 2^depth). A leaf above the
  /// last level becomes a chain of padding nodes that always go left, ending at its value.
  void compile(const std::vector<regression_tree>& trees, int depth, const tree_sum& sum);

  [[nodiscard]] int depth() const noexcept { return depth_; }
  [[nodiscard]] std::size_t width() const noexcept { return width_; }
  [[nodiscard]] std::size_t n_trees() const noexcept { return n_trees_; }
  /// (n_trees, 2^depth) threshold keys, heap order from index 1.
  [[nodiscard]] const std::vector<std::uint64_t>& keys() const noexcept { return key_; }
  /// (n_trees, 2^depth) slots: feature (missing goes left) or n_features + feature.
  [[nodiscard]] const std::vector<std::uint16_t>& slots() const noexcept { return slot_; }
  /// (n_trees, 2^depth) leaf values, left to right.
  [[nodiscard]] const std::vector<double>& leaves() const noexcept { return leaf_; }

  /// scale * (base + the leaves of every tree) for one row given by a pointer and a stride.
  [[nodiscard]] double predict_row(const double* x, index stride) const noexcept;

  /// Predictions of rows [begin, end) (at most tree_block_rows) into out[begin, end), in
  /// chunks whose keys fit a 32 KiB stack buffer.
  void predict_block(const strided_rows& X, vector_ref out, index begin, index end) const noexcept {
    const index rows = std::clamp<index>(buffer_keys / (2 * sum_.n_features), 1, tree_block_rows);
    for (index b = begin; b < end; b += rows) predict_chunk(X, out, b, std::min(end, b + rows));
  }

 private:
  static constexpr std::size_t chains = 12;  ///< trees walked together by predict_row
  static constexpr index buffer_keys = 4096;

  /// The row as 2 n_features keys: x with NaN below every threshold (slot = feature, missing
  /// goes left), then x with NaN above every threshold (slot = n_features + feature).
  void row_keys(const double* x, index stride, std::uint64_t* xx) const noexcept {
    const index d = sum_.n_features;
    for (index f = 0; f < d; ++f) {
      const double v = x[f * stride];
      const bool missing = std::isnan(v);
      const std::uint64_t k = tree_order_key(missing ? 0.0 : v);
      xx[f] = missing ? key_missing_left : k;
      xx[d + f] = missing ? key_missing_right : k;
    }
  }

  /// One heap step: node k goes to 2k (left) or 2k + 1 (right, iff x > threshold).
  static std::size_t step(std::size_t k, std::uint64_t threshold_key, std::uint64_t x_key) noexcept {
    return k + k + static_cast<std::size_t>(threshold_key < x_key);
  }

  /// Leaf value reached in tree t by a row given as keys.
  [[nodiscard]] double walk(std::size_t t, const std::uint64_t* xx) const noexcept {
    const std::size_t w = width_;
    const std::uint64_t* th = key_.data() + t * w;
    const std::uint16_t* sl = slot_.data() + t * w;
    std::size_t k = 1;
    for (int l = 0; l < depth_; ++l) k = step(k, th[k], xx[sl[k]]);
    return leaf_[t * w + k - w];
  }

  /// s + the leaf values of every tree, added in tree order.
  [[nodiscard]] double sum_trees(const std::uint64_t* xx, double s) const noexcept {
    return tree_with_depth<0, max_depth>(depth_, [&](auto D) { return sum_trees_depth<D>(xx, s); });
  }

  /// sum_trees for trees of depth D: `chains` trees are walked together, their steps
  /// unrolled at compile time so that the walks are independent chains held in registers.
  template <int D>
  [[nodiscard]] double sum_trees_depth(const std::uint64_t* xx, double s) const noexcept;

  /// Rows [begin, end) (at most tree_block_rows, and at most buffer_keys keys): rows as
  /// keys, 16 rows walked together per tree.
  void predict_chunk(const strided_rows& X, vector_ref out, index begin, index end) const noexcept;

  tree_sum sum_;
  int depth_ = 0;
  std::size_t width_ = 1;
  std::size_t n_trees_ = 0;
  std::vector<std::uint64_t> key_;   ///< (n_trees, 2^depth) threshold keys, heap order from index 1
  std::vector<std::uint16_t> slot_;  ///< (n_trees, 2^depth) slot of the node
  std::vector<double> leaf_;         ///< (n_trees, 2^depth) leaf values, left to right
};

// ---------------------------------------------------------------------------------------

inline void tree_heap_layout::compile(const std::vector<regression_tree>& trees, int depth, const tree_sum& sum) {
  sum_ = sum;
  depth_ = depth;
  const std::size_t w = std::size_t{1} << depth;
  const std::size_t T = trees.size();
  n_trees_ = T;
  width_ = w;
  key_.assign(T * w, key_padding);
  slot_.assign(T * w, 0);
  leaf_.assign(T * w, 0.0);
  std::vector<std::pair<std::int32_t, std::size_t>> stack;
  for (std::size_t t = 0; t < T; ++t) {
    const auto& src = trees[t].nodes();
    stack.assign(1, {0, 1});
    while (!stack.empty()) {
      const auto [n, pos] = stack.back();
      stack.pop_back();
      const tree_node& nd = src[static_cast<std::size_t>(n)];
      if (nd.is_leaf()) {
        std::size_t q = pos;
        while (q < w) q *= 2;  // padding nodes keep key_padding and slot 0
        leaf_[t * w + q - w] = nd.value;
        continue;
      }
      key_[t * w + pos] = tree_order_key(nd.threshold);
      slot_[t * w + pos] = static_cast<std::uint16_t>(nd.default_left ? nd.feature : nd.feature + sum.n_features);
      stack.emplace_back(nd.left, 2 * pos);
      stack.emplace_back(nd.right, 2 * pos + 1);
    }
  }
}

inline double tree_heap_layout::predict_row(const double* x, index stride) const noexcept {
  std::array<std::uint64_t, 2 * max_features> xx;
  row_keys(x, stride, xx.data());
  if (sum_.float_acc) {
    auto s = static_cast<float>(sum_.base);
    for (std::size_t t = 0; t < n_trees_; ++t) s = static_cast<float>(static_cast<double>(s) + walk(t, xx.data()));
    return sum_.scale * static_cast<double>(s);
  }
  return sum_.scale * sum_trees(xx.data(), sum_.base);
}

template <int D>
double tree_heap_layout::sum_trees_depth(const std::uint64_t* xx, double s) const noexcept {
  constexpr std::size_t C = chains;
  constexpr std::size_t w = std::size_t{1} << D;
  const std::size_t T = n_trees_;
  std::size_t t0 = 0;
  for (; t0 + C <= T; t0 += C) {
    const std::uint64_t* th = key_.data() + t0 * w;
    const std::uint16_t* sl = slot_.data() + t0 * w;
    const double* leaf = leaf_.data() + t0 * w;  // tree J's leaf k at leaf[J w + k - w]
    [&]<std::size_t... J>(std::index_sequence<J...>) {
      std::size_t k[C] = {(static_cast<void>(J), std::size_t{1})...};
      FOOTPRINT_DETAIL_UNROLL(8)
      for (int l = 0; l < D; ++l) {
        ((k[J] = step(k[J], th[J * w + k[J]], xx[sl[J * w + k[J]]])), ...);
      }
      ((s += leaf[J * w + k[J] - w]), ...);
    }
    (std::make_index_sequence<C>{});
  }
  for (; t0 < T; ++t0) s += walk(t0, xx);
  return s;
}

inline void tree_heap_layout::predict_chunk(const strided_rows& X, vector_ref out, index begin,
                                            index end) const noexcept {
  const index m = end - begin;
  const auto width = static_cast<std::size_t>(2 * sum_.n_features);
  std::array<std::uint64_t, static_cast<std::size_t>(buffer_keys)> buf;
  for (index i = 0; i < m; ++i)
    row_keys(X.row(begin + i), X.col_stride, buf.data() + static_cast<std::size_t>(i) * width);
  const bool float_acc = sum_.float_acc;
  std::array<double, tree_block_rows> acc{};
  std::array<float, tree_block_rows> facc{};
  for (index i = 0; i < m; ++i) {
    acc[static_cast<std::size_t>(i)] = sum_.base;
    facc[static_cast<std::size_t>(i)] = static_cast<float>(sum_.base);
  }
  constexpr std::size_t R = 16;  // rows interleaved
  const auto mm = static_cast<std::size_t>(m);
  const std::size_t m16 = mm - mm % R;
  const std::size_t w = width_;
  for (std::size_t t = 0; t < n_trees_; ++t) {
    const std::uint64_t* th = key_.data() + t * w;
    const std::uint16_t* sl = slot_.data() + t * w;
    const double* leaf = leaf_.data() + t * w;  // leaf k at leaf[k - w]
    std::size_t i = 0;
    for (; i < m16; i += R) {
      const std::uint64_t* x0 = buf.data() + i * width;
      std::array<std::size_t, R> k;
      k.fill(1);
      for (int l = 0; l < depth_; ++l) {
        for (std::size_t j = 0; j < R; ++j) k[j] = step(k[j], th[k[j]], x0[j * width + sl[k[j]]]);
      }
      for (std::size_t j = 0; j < R; ++j) {
        if (float_acc) {
          facc[i + j] = static_cast<float>(static_cast<double>(facc[i + j]) + leaf[k[j] - w]);
        } else {
          acc[i + j] += leaf[k[j] - w];
        }
      }
    }
    for (; i < mm; ++i) {
      const double v = walk(t, buf.data() + i * width);
      if (float_acc) {
        facc[i] = static_cast<float>(static_cast<double>(facc[i]) + v);
      } else {
        acc[i] += v;
      }
    }
  }
  for (index i = 0; i < m; ++i) {
    out[begin + i] = sum_.scale * (float_acc ? static_cast<double>(facc[static_cast<std::size_t>(i)])
                                             : acc[static_cast<std::size_t>(i)]);
  }
}

}  // namespace footprint::detail

#undef FOOTPRINT_DETAIL_UNROLL
#undef FOOTPRINT_DETAIL_PRAGMA
