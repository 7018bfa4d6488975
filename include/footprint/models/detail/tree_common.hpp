/// @file models/detail/tree_common.hpp
/// @brief Private helpers of the tree ensembles: a portable counter-based RNG, thread-count
/// resolution, deterministic reductions and input checks.
#pragma once

#include "footprint/detail/concat.hpp"
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

/// splitmix64 finaliser (Steele, Lea & Flood 2014): a bijective 64-bit mixer.
[[nodiscard]] constexpr std::uint64_t splitmix64(std::uint64_t x) noexcept {
  x += 0x9E3779B97F4A7C15ULL;
  x = (x ^ (x >> 30U)) * 0xBF58476D1CE4E5B9ULL;
  x = (x ^ (x >> 27U)) * 0x94D049BB133111EBULL;
  return x ^ (x >> 31U);
}

/// xoshiro256** (Blackman & Vigna 2018), seeded from (seed, stream) through splitmix64, so
/// that every tree gets its own reproducible stream whatever thread builds it. Portable:
/// the same numbers on every platform and standard library.
class tree_rng {
 public:
  tree_rng(std::uint64_t seed, std::uint64_t stream) noexcept {
    std::uint64_t x = splitmix64(seed) ^ splitmix64(stream + 0x632BE59BD9B4E019ULL);
    for (auto& s : s_) {
      x = splitmix64(x);
      s = x;
    }
  }
  std::uint64_t next() noexcept {
    const std::uint64_t result = rotl(s_[1] * 5U, 7) * 9U;
    const std::uint64_t t = s_[1] << 17U;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
  }
  /// Uniform in [0, 1) with 53 random bits.
  double uniform() noexcept { return static_cast<double>(next() >> 11U) * 0x1.0p-53; }
  /// Uniform integer in [0, n), 1 <= n <= 2^32 (Lemire 2019, multiply-shift with rejection).
  std::uint64_t below(std::uint64_t n) noexcept {
    for (;;) {
      const std::uint64_t m = (next() >> 32U) * n;
      const std::uint64_t low = m & 0xFFFFFFFFULL;
      if (low >= n || low >= ((std::uint64_t{1} << 32U) - n) % n) return m >> 32U;
    }
  }

 private:
  static constexpr std::uint64_t rotl(std::uint64_t x, int k) noexcept {
    return (x << static_cast<unsigned>(k)) | (x >> static_cast<unsigned>(64 - k));
  }
  std::uint64_t s_[4]{};
};

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
