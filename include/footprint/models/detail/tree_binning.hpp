/// @file models/detail/tree_binning.hpp
/// @brief Private: quantile binning of features into at most 255 bins plus a missing bin,
/// as LightGBM (Ke et al. 2017) and XGBoost's `hist` (Chen & Guestrin 2016, sec. 3.3).
///
/// Bin b of feature f holds the values in (upper[b-1], upper[b]]; upper[last] = +inf.
/// NaN goes to bin 255 (`missing_bin`). A split "bin <= b goes left" is the raw-value test
/// `x <= upper[b]`, so binned training and raw-value prediction agree exactly.
#pragma once

#include "footprint/models/detail/tree_common.hpp"
#include "footprint/types.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

namespace footprint::detail {

/// Binned design matrix: column-major bytes, codes[f * rows + i].
struct binned_matrix {
  index rows = 0;
  index cols = 0;
  std::vector<std::uint8_t> codes;
  [[nodiscard]] const std::uint8_t* column(index f) const noexcept {
    return codes.data() + static_cast<std::size_t>(f) * static_cast<std::size_t>(rows);
  }
};

/// Per-feature bin upper bounds learned from training data. (A class template, with a
/// parameter never given, so that its members compile only where a tree model is fitted.)
template <class Unused = void>
class basic_bin_mapper {
 public:
  static constexpr std::uint8_t missing_bin = 255;

  /// Learns at most `max_bins` (2..255) bins per feature from the non-missing values of X
  /// (all rows when rows <= 200,000, else an evenly strided sample of 200,000 rows).
  void fit(const matrix_cref& X, int max_bins, int n_threads) {
    const index n = X.rows();
    const index d = X.cols();
    upper_ = std::vector<std::vector<double>>(static_cast<std::size_t>(d));
    constexpr index max_sample = 200'000;
    const index stride = n > max_sample ? (n + max_sample - 1) / max_sample : 1;
#ifdef _OPENMP
#pragma omp parallel for schedule(dynamic) num_threads(n_threads) if (n_threads > 1)
#endif
    for (index f = 0; f < d; ++f) {
      std::vector<double> v;
      v.reserve(static_cast<std::size_t>(n / stride + 1));
      for (index i = 0; i < n; i += stride) {
        const double x = X(i, f);
        if (!std::isnan(x)) v.push_back(x);
      }
      upper_[static_cast<std::size_t>(f)] = cuts(v, max_bins);
    }
    (void)n_threads;
  }

  /// Bin of value x for feature f (NaN -> missing_bin).
  [[nodiscard]] std::uint8_t bin(index f, double x) const noexcept {
    if (std::isnan(x)) return missing_bin;
    const auto& u = upper_[static_cast<std::size_t>(f)];
    return static_cast<std::uint8_t>(std::lower_bound(u.begin(), u.end(), x) - u.begin());
  }

  [[nodiscard]] binned_matrix transform(const matrix_cref& X, int n_threads) const {
    binned_matrix b;
    b.rows = X.rows();
    b.cols = X.cols();
    b.codes.resize(static_cast<std::size_t>(b.rows) * static_cast<std::size_t>(b.cols));
#ifdef _OPENMP
#pragma omp parallel for schedule(dynamic) num_threads(n_threads) if (n_threads > 1)
#endif
    for (index f = 0; f < b.cols; ++f) {
      std::uint8_t* out = b.codes.data() + static_cast<std::size_t>(f) * static_cast<std::size_t>(b.rows);
      for (index i = 0; i < b.rows; ++i) out[i] = bin(f, X(i, f));
    }
    (void)n_threads;
    return b;
  }

  [[nodiscard]] index n_features() const noexcept { return static_cast<index>(upper_.size()); }
  /// Number of non-missing bins of feature f (>= 1).
  [[nodiscard]] int n_bins(index f) const noexcept {
    return static_cast<int>(upper_[static_cast<std::size_t>(f)].size());
  }
  /// Upper bound of bin b of feature f; the last is +inf.
  [[nodiscard]] double upper(index f, int b) const noexcept {
    return upper_[static_cast<std::size_t>(f)][static_cast<std::size_t>(b)];
  }

 private:
  static std::vector<double> cuts(std::vector<double>& v, int max_bins) {
    std::vector<double> u;
    const double inf = std::numeric_limits<double>::infinity();
    if (v.empty()) {
      u.push_back(inf);
      return u;
    }
    std::sort(v.begin(), v.end());
    // distinct values and their counts
    std::vector<double> distinct;
    std::vector<index> count;
    for (double x : v) {
      if (distinct.empty() || x != distinct.back()) {
        distinct.push_back(x);
        count.push_back(1);
      } else {
        ++count.back();
      }
    }
    const auto k = static_cast<index>(distinct.size());
    const auto mid = [&](index j) {  // a cut between distinct[j] and distinct[j + 1]
      const double a = distinct[static_cast<std::size_t>(j)];
      const double b = distinct[static_cast<std::size_t>(j + 1)];
      double m = a + (b - a) / 2.0;
      if (!(m >= a && m < b)) m = a;
      return m;
    };
    if (k <= max_bins) {
      for (index j = 0; j + 1 < k; ++j) u.push_back(mid(j));
    } else {
      // greedy equal-frequency cuts over distinct values (a heavy value gets its own bin)
      const auto total = static_cast<double>(v.size());
      double acc = 0.0;
      int made = 0;
      for (index j = 0; j + 1 < k && made < max_bins - 1; ++j) {
        acc += static_cast<double>(count[static_cast<std::size_t>(j)]);
        const double target = total * static_cast<double>(made + 1) / static_cast<double>(max_bins);
        const double next = static_cast<double>(count[static_cast<std::size_t>(j + 1)]);
        if (acc >= target || next >= total / static_cast<double>(max_bins)) {
          u.push_back(mid(j));
          ++made;
        }
      }
    }
    u.push_back(inf);
    return u;
  }

  std::vector<std::vector<double>> upper_;
};

/// Per-feature bin upper bounds (see basic_bin_mapper).
using bin_mapper = basic_bin_mapper<>;

}  // namespace footprint::detail
