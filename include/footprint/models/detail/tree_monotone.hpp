/// @file models/detail/tree_monotone.hpp
/// @brief Private helpers of gradient boosting's training: a tree walked on a row of X
/// straight from its node array, and the monotone re-bounding of leaf values.
#pragma once

#include "footprint/models/trees/regression_tree.hpp"
#include "footprint/types.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

namespace footprint::detail {

/// The leaf value row i of X reaches in a tree given by its nodes (regression_tree's rule:
/// left iff x <= threshold, a NaN to the default side).
template <class = void>
[[nodiscard]] double tree_row_value(const std::vector<tree_node>& nodes, const matrix_cref& X, index i) noexcept {
  std::size_t k = 0;
  for (;;) {
    const tree_node& nd = nodes[k];
    if (nd.is_leaf()) return nd.value;
    const double v = X(i, nd.feature);
    k = static_cast<std::size_t>((v <= nd.threshold || (std::isnan(v) && nd.default_left)) ? nd.left : nd.right);
  }
}

/// Re-bounds leaf values top-down so that every split on a constrained feature keeps
/// max(left subtree) <= min(right subtree) (or the reverse for -1).
/// @param mono per feature in {-1, 0, 1}; empty: nothing to do
template <class = void>
void enforce_monotone(std::vector<tree_node>& nodes, const std::vector<int>& mono) {
  if (mono.empty()) return;
  struct frame {
    std::int32_t node;
    double lo, hi;
  };
  const auto extreme = [&](std::int32_t root, double lo, double hi, bool want_max) {
    double best = want_max ? -std::numeric_limits<double>::infinity() : std::numeric_limits<double>::infinity();
    std::vector<std::int32_t> stack{root};
    while (!stack.empty()) {
      const std::int32_t k = stack.back();
      stack.pop_back();
      const tree_node& nd = nodes[static_cast<std::size_t>(k)];
      if (nd.is_leaf()) {
        const double v = std::clamp(nd.value, lo, hi);
        best = want_max ? std::max(best, v) : std::min(best, v);
      } else {
        stack.push_back(nd.left);
        stack.push_back(nd.right);
      }
    }
    return best;
  };
  std::vector<frame> stack{{0, -std::numeric_limits<double>::infinity(), std::numeric_limits<double>::infinity()}};
  while (!stack.empty()) {
    const frame fr = stack.back();
    stack.pop_back();
    tree_node& nd = nodes[static_cast<std::size_t>(fr.node)];
    if (nd.is_leaf()) {
      nd.value = std::clamp(nd.value, fr.lo, fr.hi);
      continue;
    }
    const int c = mono[static_cast<std::size_t>(nd.feature)];
    frame l{nd.left, fr.lo, fr.hi};
    frame r{nd.right, fr.lo, fr.hi};
    if (c != 0) {
      // the side that must be lower and the side that must be higher
      const std::int32_t low_side = c > 0 ? nd.left : nd.right;
      const std::int32_t high_side = c > 0 ? nd.right : nd.left;
      const double a = extreme(low_side, fr.lo, fr.hi, true);
      const double b = extreme(high_side, fr.lo, fr.hi, false);
      const double mid = (a + b) / 2.0;
      frame& lo_f = c > 0 ? l : r;
      frame& hi_f = c > 0 ? r : l;
      if (a > b) {
        lo_f.hi = std::min(lo_f.hi, mid);
        hi_f.lo = std::max(hi_f.lo, mid);
      }
    }
    stack.push_back(l);
    stack.push_back(r);
  }
}

}  // namespace footprint::detail
