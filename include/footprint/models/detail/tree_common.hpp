/// @file models/detail/tree_common.hpp
/// @brief Private helpers of the tree ensembles: the trees' random streams, thread-count
/// resolution, deterministic reductions and input checks.
#pragma once

#include "footprint/detail/concat.hpp"
#include "footprint/detail/random.hpp"
#include "footprint/error.hpp"
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

/// Threads to use: `requested` when > 0, else all (OpenMP's default), 1 without OpenMP.
[[nodiscard]] inline int resolve_threads(int requested) noexcept {
#ifdef _OPENMP
  return requested > 0 ? requested : std::max(1, omp_get_max_threads());
#else
  (void)requested;
  return 1;
#endif
}

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

/// Checks a training set: X may hold NaN (missing) but not +-inf; y and w finite; w >= 0
/// with a positive sum; shapes agree; at least one row and one column.
inline void check_tree_training_data(const std::string& where, const matrix_cref& X, const vector_cref& y,
                                     const vector_cref* w) {
  if (X.rows() == 0 || X.cols() == 0) {
    throw invalid_argument(concat(where, ": X must have at least one row and one column (got ", X.rows(), " x ",
                                  X.cols(), ")"));
  }
  if (y.size() != X.rows()) throw dimension_mismatch(where, "y.size() must equal X.rows()", X.rows(), y.size());
  if (X.cols() > 65535) throw invalid_argument(concat(where, ": at most 65535 features (got ", X.cols(), ")"));
  if (X.rows() > 2'000'000'000) throw invalid_argument(concat(where, ": at most 2e9 rows (got ", X.rows(), ")"));
  for (index j = 0; j < X.cols(); ++j) {
    for (index i = 0; i < X.rows(); ++i) {
      if (std::isinf(X(i, j))) {
        throw invalid_argument(concat(where, ": X(", i, ", ", j, ") is infinite (NaN marks a missing value; inf is not allowed)"));
      }
    }
  }
  for (index i = 0; i < y.size(); ++i) {
    if (!std::isfinite(y[i])) throw invalid_argument(concat(where, ": y[", i, "] is not finite (got ", y[i], ")"));
  }
  if (w != nullptr) {
    if (w->size() != X.rows()) throw dimension_mismatch(where, "sample_weight.size() must equal X.rows()", X.rows(), w->size());
    double sum = 0.0;
    for (index i = 0; i < w->size(); ++i) {
      const double wi = (*w)[i];
      if (!std::isfinite(wi) || wi < 0.0) {
        throw invalid_argument(concat(where, ": sample_weight[", i, "] must be finite and >= 0 (got ", wi, ")"));
      }
      sum += wi;
    }
    if (!(sum > 0.0)) throw invalid_argument(concat(where, ": sample_weight must have a positive sum (got ", sum, ")"));
  }
}

/// Weighted alpha-quantile of values[idx] (the smallest v with cumulative weight >= alpha of
/// the total; ties broken by value then index, so the result does not depend on threads).
/// `scratch` is reused storage.
[[nodiscard]] inline double weighted_quantile(std::vector<std::pair<double, double>>& scratch, double alpha) {
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
