/// @file models/trees/regression_tree.hpp
/// @brief `regression_tree`: one binary regression tree stored as a flat array of nodes
/// (feature, threshold, children, default direction for missing values, value). The
/// building block of `tree_ensemble`, `random_forest` and `gradient_boosting`.
#pragma once

#include "footprint/detail/concat.hpp"
#include "footprint/error.hpp"
#include "footprint/types.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <span>
#include <utility>
#include <vector>

namespace footprint {

/// One node of a `regression_tree`.
///
/// An internal node sends a row with `x[feature] <= threshold` to `left`, a row with
/// `x[feature] > threshold` to `right`, and a row with NaN in `feature` (a missing value)
/// to `left` when `default_left`, else to `right`. A leaf has `left == right == -1` and
/// predicts `value`.
struct tree_node {
  std::int32_t feature = -1;  ///< column of X tested; -1 at a leaf
  double threshold = 0.0;     ///< split point, units of the feature; left iff x <= threshold
  std::int32_t left = -1;     ///< index of the left child in the node array; -1 at a leaf
  std::int32_t right = -1;    ///< index of the right child; -1 at a leaf
  bool default_left = true;   ///< where a missing value (NaN) goes
  double value = 0.0;         ///< prediction at a leaf (units of y); the node's value at an internal node
  double gain = 0.0;          ///< loss reduction of the split (0 at a leaf); used for importance
  double cover = 0.0;         ///< sum of the training hessians (weights) reaching the node

  /// True for a leaf.
  [[nodiscard]] constexpr bool is_leaf() const noexcept { return left < 0; }
  friend bool operator==(const tree_node&, const tree_node&) = default;
};

/// A binary regression tree as a flat node array; node 0 is the root and every child has
/// a larger index than its parent.
///
/// Thread safety: const member functions may run concurrently.
class regression_tree {
 public:
  /// A single leaf predicting 0.
  regression_tree() : nodes_(1) { nodes_[0].value = 0.0; }

  /// Builds a tree from its node array (the tree's whole state: see nodes()), validating it.
  /// @param nodes the node array: nodes[0] is the root; an internal node i has children
  ///        i < left, right < nodes.size(), left != right, every node except the root has
  ///        exactly one parent (so the tree is connected and acyclic), features >= 0,
  ///        thresholds not NaN (+-inf allowed); every node's value, gain and cover finite;
  ///        a leaf has left == right == -1
  /// @throws footprint::invalid_argument naming the node when the array is not such a tree
  /// Complexity: O(nodes.size()).
  explicit regression_tree(std::vector<tree_node> nodes) : nodes_(std::move(nodes)) {
    constexpr const char* where = "footprint::regression_tree";
    if (nodes_.empty()) throw invalid_argument(detail::concat(where, ": the node array is empty"));
    if (nodes_.size() > 0x7FFFFFFFU) throw invalid_argument(detail::concat(where, ": too many nodes"));
    const auto n = static_cast<std::int32_t>(nodes_.size());
    std::vector<std::int32_t> parents(nodes_.size(), 0);
    std::vector<std::int32_t> depth(nodes_.size(), 0);
    for (std::int32_t i = 0; i < n; ++i) {
      const tree_node& nd = nodes_[static_cast<std::size_t>(i)];
      if (!std::isfinite(nd.value) || !std::isfinite(nd.gain) || !std::isfinite(nd.cover)) {
        throw invalid_argument(detail::concat(where, ": node ", i, " must have a finite value, gain and cover (got ",
                                              nd.value, ", ", nd.gain, ", ", nd.cover, ")"));
      }
      if (nd.is_leaf()) {
        if (nd.left != -1 || nd.right != -1) {
          throw invalid_argument(detail::concat(where, ": node ", i, " has children (", nd.left, ", ", nd.right,
                                                "); a leaf has (-1, -1)"));
        }
        continue;
      }
      if (nd.left <= i || nd.right <= i || nd.left >= n || nd.right >= n || nd.left == nd.right) {
        throw invalid_argument(detail::concat(where, ": node ", i, " has invalid children (", nd.left, ", ", nd.right,
                                              "); children must be distinct, after the parent and < ", n));
      }
      if (nd.feature < 0)
        throw invalid_argument(detail::concat(where, ": node ", i, " has a negative feature (got ", nd.feature, ")"));
      if (std::isnan(nd.threshold)) throw invalid_argument(detail::concat(where, ": node ", i, " has a NaN threshold"));
      for (std::int32_t c : {nd.left, nd.right}) {
        ++parents[static_cast<std::size_t>(c)];
        depth[static_cast<std::size_t>(c)] = depth[static_cast<std::size_t>(i)] + 1;
      }
    }
    for (std::int32_t i = 1; i < n; ++i) {
      if (parents[static_cast<std::size_t>(i)] != 1) {
        throw invalid_argument(detail::concat(where, ": node ", i, " has ", parents[static_cast<std::size_t>(i)],
                                              " parents (expected 1)"));
      }
      depth_ = std::max(depth_, depth[static_cast<std::size_t>(i)]);
    }
  }

  /// The node array (node 0 is the root): the tree's whole state; regression_tree(nodes)
  /// rebuilds it.
  [[nodiscard]] const std::vector<tree_node>& nodes() const noexcept { return nodes_; }
  /// Number of nodes, >= 1.
  [[nodiscard]] index n_nodes() const noexcept { return static_cast<index>(nodes_.size()); }
  /// Number of leaves, >= 1.
  [[nodiscard]] index n_leaves() const noexcept {
    index k = 0;
    for (const tree_node& nd : nodes_) k += nd.is_leaf() ? 1 : 0;
    return k;
  }
  /// Length of the longest root-to-leaf path (0 for a single leaf).
  [[nodiscard]] int depth() const noexcept { return depth_; }
  /// Largest feature index used plus one (0 for a single leaf).
  [[nodiscard]] index min_features() const noexcept {
    index k = 0;
    for (const tree_node& nd : nodes_) k = std::max<index>(k, nd.feature + 1);
    return k;
  }

  /// Index of the leaf reached by one row.
  /// @param x one row, at least min_features() entries; NaN is a missing value
  /// Complexity O(depth); no allocation.
  [[nodiscard]] std::int32_t leaf_index(std::span<const double> x) const noexcept {
    std::int32_t i = 0;
    for (;;) {
      const tree_node& nd = nodes_[static_cast<std::size_t>(i)];
      if (nd.is_leaf()) return i;
      const double v = x[static_cast<std::size_t>(nd.feature)];
      i = (v <= nd.threshold || (std::isnan(v) && nd.default_left)) ? nd.left : nd.right;
    }
  }

  /// Prediction (leaf value) for one row; see leaf_index.
  [[nodiscard]] double predict_row(std::span<const double> x) const noexcept {
    return nodes_[static_cast<std::size_t>(leaf_index(x))].value;
  }

  /// Multiplies every node value by `factor` (e.g. a learning rate).
  void scale(double factor) noexcept {
    for (tree_node& nd : nodes_) nd.value *= factor;
  }

  /// Mutable access for builders (values only; the structure is fixed).
  void set_value(std::int32_t node, double value) noexcept { nodes_[static_cast<std::size_t>(node)].value = value; }

  friend bool operator==(const regression_tree& a, const regression_tree& b) { return a.nodes_ == b.nodes_; }

 private:
  std::vector<tree_node> nodes_;
  int depth_ = 0;
};

}  // namespace footprint
