/// @file models/detail/tree_common.hpp
/// @brief Private helpers of the tree ensembles: thread-count resolution, deterministic
/// reductions, the checks of a fit and weighted quantiles.
#pragma once

#include "footprint/detail/checks.hpp"
#include "footprint/detail/parallel.hpp"
#include "footprint/detail/random.hpp"
#include "footprint/types.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#ifdef _OPENMP
#include <omp.h>
#endif

namespace footprint::detail {

/// Threads to use: `requested` when > 0, else all (OpenMP's default), capped at what OpenMP
/// offers (`threads_to_use`); 1 without OpenMP.
[[nodiscard]] inline int resolve_threads(int requested) noexcept { return threads_to_use(requested); }

/// Sum of f(i) for i in [0, n) in a fixed order whatever the thread count: blocks of 4096
/// summed in parallel, then the block sums added in order.
template <class F>
[[nodiscard]] double deterministic_sum(index n, int n_threads, const F& f) {
  constexpr index block = 4096;
  const index n_blocks = (n + block - 1) / block;
  std::vector<double> partial(static_cast<std::size_t>(n_blocks), 0.0);
#ifdef _OPENMP
#pragma omp parallel for schedule(static) num_threads(n_threads) if (n_threads > 1 && n_blocks > 1)
#endif
  for (index b = 0; b < n_blocks; ++b) {
    double s = 0.0;
    const index end = std::min(n, (b + 1) * block);
    for (index i = b * block; i < end; ++i) s += f(i);
    partial[static_cast<std::size_t>(b)] = s;
  }
  (void)n_threads;
  double total = 0.0;
  for (double s : partial) total += s;
  return total;
}

/// The checks of a tree model's fit: detail::check_X_y with NaN as a missing value in X
/// (+-inf rejected), y finite, w (when given) finite, >= 0 with a positive sum, at least one
/// row and one column; and the trees' own limits, at most 65535 features (node features
/// are 16-bit in the inference layouts) and 2e9 rows (32-bit row indices).
template <class Where>
void check_tree_training_data(const Where& where, const matrix_cref& X, const vector_cref& y, const vector_cref* w) {
  if (X.cols() > 65535) require(false, concat(where), "X.cols()", "<= 65535", static_cast<double>(X.cols()));
  if (X.rows() > 2'000'000'000) require(false, concat(where), "X.rows()", "<= 2e9", static_cast<double>(X.rows()));
  check_X_y(where, X, y, w, missing_values::allow_nan);
}

/// Weighted alpha-quantile of values[idx] (the smallest v with cumulative weight >= alpha of
/// the total; ties broken by value then index, so the result does not depend on threads).
/// `scratch` is reused storage.
template <class = void>
[[nodiscard]] double weighted_quantile(std::vector<std::pair<double, double>>& scratch, double alpha) {
  if (scratch.empty()) return 0.0;
  std::sort(scratch.begin(), scratch.end());
  double total = 0.0;
  for (const auto& [v, w] : scratch) total += w;
  if (!(total > 0.0)) return scratch[scratch.size() / 2].first;
  const double target = alpha * total;
  double acc = 0.0;
  for (const auto& [v, w] : scratch) {
    acc += w;
    if (acc >= target && w > 0.0) return v;
  }
  return scratch.back().first;
}

}  // namespace footprint::detail
