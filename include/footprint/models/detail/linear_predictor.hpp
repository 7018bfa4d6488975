/// @file models/detail/linear_predictor.hpp
/// @brief Private: what footprint's linear models (`ols`, `ridge`, `bayesian_linear`)
/// predict from their fitted coefficients, a mean and a location-scale t (or normal)
/// distribution per row, on X in either storage order (`matrix_cref` or `row_major_view`)
/// with the same bits.
#pragma once

#include "footprint/detail/checks.hpp"
#include "footprint/distributions/location_scale_t.hpp"
#include "footprint/types.hpp"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <span>
#include <vector>

namespace footprint::detail {

/// What a linear model predicts: mean x'coef + intercept and a location-scale t (or normal)
/// distribution with scale^2 = noise_scale2 * (1 + extra + |factor' (x - centre)|^2).
struct linear_predictor {
  vector coef;  ///< (n_features)
  double intercept = 0.0;
  vector centre;              ///< (n_features) point the variance term is measured from
  matrix factor;              ///< (n_features, m): the parameter uncertainty is factor factor'
  double noise_scale2 = 1.0;  ///< squared scale of the noise (1/alpha, b_n/a_n, s^2)
  double extra = 0.0;         ///< variance of the intercept relative to noise_scale2 (1/W or 0)
  double df = std::numeric_limits<double>::infinity();  ///< degrees of freedom (+inf: normal)

  /// Means of every row into out (no allocation), X in either storage order (matrix_cref
  /// or row_major_view). Each mean is ((x_0 c_0 + x_1 c_1) + ...) + intercept, summed in
  /// feature order whatever the storage, so that both orders give the same bits (the rows
  /// are taken in blocks that stay in cache).
  template <class Matrix>
  void mean_into(const Matrix& X, vector_ref out) const {
    const index n = X.rows();
    constexpr index block = 256;
    for (index start = 0; start < n; start += block) {
      const index count = std::min(block, n - start);
      block_mean(X.middleRows(start, count), out.segment(start, count));
    }
  }

  /// Scale of one row (no allocation). O(n_features * m).
  template <class Matrix>
  [[nodiscard]] double scale_of_row(const Matrix& X, index i) const {
    double q = 0.0;
    for (index j = 0; j < factor.cols(); ++j) {
      double u = 0.0;
      for (index l = 0; l < factor.rows(); ++l) u += factor(l, j) * (X(i, l) - centre[l]);
      q += u * u;
    }
    return std::sqrt(noise_scale2 * (1.0 + extra + q));
  }

  /// Mean of one row (no allocation): the same sum as mean_into.
  template <class Matrix>
  [[nodiscard]] double mean_of_row(const Matrix& X, index i) const {
    if (coef.size() == 0) return 0.0 + intercept;
    double m = X(i, 0) * coef[0];
    for (index l = 1; l < coef.size(); ++l) m += X(i, l) * coef[l];
    return m + intercept;
  }

  /// Distributions of every row into out (no allocation); out.size() == X.rows(). A
  /// non-finite mean sends X to `require_finite`, which names a non-finite entry.
  template <class Matrix, class Where>
  void distributions_into(const Matrix& X, std::span<location_scale_t> out, const Where& where) const {
    for (index i = 0; i < X.rows(); ++i) {
      const double m = mean_of_row(X, i);
      if (!std::isfinite(m)) require_finite(X, where);
      out[static_cast<std::size_t>(i)] = location_scale_t(df, m, scale_of_row(X, i));
    }
  }

  /// Distributions of every row, blocked matrix products for large X. O(n p m).
  template <class Matrix, class Where>
  [[nodiscard]] std::vector<location_scale_t> distributions(const Matrix& X, const Where& where) const {
    std::vector<location_scale_t> out(static_cast<std::size_t>(X.rows()));
    if (X.rows() < 8) {
      distributions_into(X, out, where);
      return out;
    }
    const index block = 512;
    vector mean(std::min(block, X.rows()));
    matrix Z(std::min(block, X.rows()), factor.cols());
    matrix Xc(std::min(block, X.rows()), X.cols());
    for (index start = 0; start < X.rows(); start += block) {
      const index count = std::min(block, X.rows() - start);
      const auto rows = X.middleRows(start, count);
      block_mean(rows, mean.head(count));
      if (!mean.head(count).allFinite()) require_finite(X, where);
      Xc.topRows(count) = rows.rowwise() - centre.transpose();
      Z.topRows(count).noalias() = Xc.topRows(count) * factor;
      for (index i = 0; i < count; ++i) {
        const double scale = std::sqrt(noise_scale2 * (1.0 + extra + Z.row(i).squaredNorm()));
        out[static_cast<std::size_t>(start + i)] = location_scale_t(df, mean[i], scale);
      }
    }
    return out;
  }

 private:
  /// The means of a block of rows, each row's sum in feature order: column by column when the
  /// block is column-major (vectorised across rows), four rows at a time when it is row-major
  /// (four independent sums over contiguous rows). The same operations, hence the same bits.
  template <class Rows, class Out>
  void block_mean(const Rows& rows, Out&& out) const {
    const index p = coef.size();
    if (p == 0) {
      out.setConstant(0.0 + intercept);
      return;
    }
    if constexpr (Rows::IsRowMajor && Rows::ColsAtCompileTime != 1) {
      const index n = rows.rows();
      const index stride = rows.outerStride();
      const double* c = coef.data();
      index i = 0;
      for (; i + 4 <= n; i += 4) {
        const double* r0 = rows.data() + i * stride;
        const double* r1 = r0 + stride;
        const double* r2 = r1 + stride;
        const double* r3 = r2 + stride;
        double s0 = r0[0] * c[0];
        double s1 = r1[0] * c[0];
        double s2 = r2[0] * c[0];
        double s3 = r3[0] * c[0];
        for (index l = 1; l < p; ++l) {
          s0 += r0[l] * c[l];
          s1 += r1[l] * c[l];
          s2 += r2[l] * c[l];
          s3 += r3[l] * c[l];
        }
        out[i] = s0 + intercept;
        out[i + 1] = s1 + intercept;
        out[i + 2] = s2 + intercept;
        out[i + 3] = s3 + intercept;
      }
      for (; i < n; ++i) {
        const double* r = rows.data() + i * stride;
        double s = r[0] * c[0];
        for (index l = 1; l < p; ++l) s += r[l] * c[l];
        out[i] = s + intercept;
      }
    } else {
      out.noalias() = rows.col(0) * coef[0];
      for (index l = 1; l < p; ++l) out.noalias() += rows.col(l) * coef[l];
      out.array() += intercept;
    }
  }
};

}  // namespace footprint::detail
