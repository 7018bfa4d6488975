/// @file models/detail/tree_layout_common.hpp
/// @brief Private: what the inference layouts of `tree_ensemble` share (the ensemble's sum
/// and scale, the batch block size, order-preserving keys, a depth made a compile-time
/// constant).
#pragma once

#include "footprint/types.hpp"

#include <bit>
#include <cstdint>
#include <type_traits>
#include <utility>

namespace footprint::detail {

/// How the trees' leaf values become a prediction: scale * (base + sum of the leaves), the
/// running sum rounded to float after every tree when `float_acc` (XGBoost's semantics).
struct tree_sum {
  double base = 0.0;
  double scale = 1.0;
  index n_features = 0;
  bool float_acc = false;
};

/// Rows per block of batch prediction (every layout works on blocks of this many rows).
inline constexpr index tree_block_rows = 64;

/// The rows of a dense matrix in either storage order, read in place: entry (i, j) is
/// data[i * row_stride + j * col_stride] (column-major: 1 and the leading dimension;
/// row-major: the leading dimension and 1).
struct strided_rows {
  const double* data = nullptr;
  index rows = 0;
  index cols = 0;
  index row_stride = 1;
  index col_stride = 1;

  [[nodiscard]] double operator()(index i, index j) const noexcept { return data[i * row_stride + j * col_stride]; }
  /// The first feature of row i (feature j at row(i)[j * col_stride]).
  [[nodiscard]] const double* row(index i) const noexcept { return data + i * row_stride; }
};

/// A column-major matrix's rows.
[[nodiscard]] inline strided_rows rows_of(const matrix_cref& X) noexcept {
  return {X.data(), X.rows(), X.cols(), X.innerStride(), X.outerStride()};
}
/// A row-major view's rows.
[[nodiscard]] inline strided_rows rows_of(const row_major_view& X) noexcept {
  return {X.data(), X.rows(), X.cols(), X.outerStride(), 1};
}

/// Order-preserving key of a non-NaN double: a > b iff key(a) > key(b) (unsigned);
/// -0 is first made +0 so that the two zeros compare equal, as doubles do.
[[nodiscard]] inline std::uint64_t tree_order_key(double v) noexcept {
  v += 0.0;
  const auto b = std::bit_cast<std::uint64_t>(v);
  return (b >> 63) != 0 ? ~b : (b | (std::uint64_t{1} << 63));
}

/// f(std::integral_constant<int, D>{}) with D = depth clamped to [Lo, Hi]: a depth known
/// at run time as a compile-time constant.
template <int Lo, int Hi, class F>
[[nodiscard]] double tree_with_depth(int depth, F&& f) {
  if constexpr (Lo == Hi) {
    return f(std::integral_constant<int, Lo>{});
  } else {
    if (depth <= Lo) return f(std::integral_constant<int, Lo>{});
    return tree_with_depth<Lo + 1, Hi>(depth, std::forward<F>(f));
  }
}

}  // namespace footprint::detail
