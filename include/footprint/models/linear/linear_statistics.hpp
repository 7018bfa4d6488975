/// @file models/linear/linear_statistics.hpp
/// @brief `linear_statistics`: the sufficient statistics of (weighted) least squares and
/// Bayesian linear regression, computed on shards of the rows and merged exactly, so that a
/// model fitted on the merged statistics equals the model fitted on all rows at once
/// (`ols::fit(const linear_statistics&)`, `bayesian_linear::fit(const linear_statistics&)`).
///
/// The merge is the pairwise update of Chan, Golub and LeVeque (1979), "Updating formulae and
/// a pairwise algorithm for computing sample variances" (COMPSTAT 1982 / Stanford report
/// STAN-CS-79-773, eq. 2.1b), on the weighted means and the centred cross-product matrix:
/// the uncentred X'X is never formed, so merging loses no more precision than the shards'
/// own centred sums. A cheap header: Eigen/Core and base headers only.
#pragma once

#include "footprint/detail/checks.hpp"
#include "footprint/detail/concat.hpp"
#include "footprint/error.hpp"
#include "footprint/types.hpp"

#include <algorithm>
#include <cmath>
#include <utility>

namespace footprint {

/// The sufficient statistics of a linear regression of y on X with sample weights w: the
/// number of rows n, the weight sum W = sum w_i, the weighted means xbar (n_features) and
/// ybar, and the centred cross-product matrix of [X | y],
///   M = sum_i w_i (z_i - zbar)(z_i - zbar)',  z_i = [x_i; y_i], zbar = [xbar; ybar],
/// a symmetric (n_features + 1) x (n_features + 1) matrix (its last row and column are
/// X'W y and |y - ybar|_W^2 centred). Two more sums, sum sqrt(w_i) and
/// sum sqrt(w_i) (y_i - ybar), give the initial noise precision of the evidence fit
/// (scikit-learn's 1 / var(y), computed on sqrt(w) (y - ybar)); they are n and 0 without weights.
///
/// Rows are observations: X is (n_samples, n_features), y is (n_samples). Statistics of
/// disjoint row sets merge exactly (`merge`), in any order up to rounding (about 1e-15
/// relative on well-scaled data): the map-reduce form of a linear fit over many shards
/// (docs/distributed.md). An empty object (default-constructed) is the identity of `merge`
/// and cannot be fitted.
///
/// @code
/// footprint::linear_statistics s(X1, y1);
/// s.merge(footprint::linear_statistics(X2, y2));
/// footprint::ols model;
/// model.fit(s);  // equals model.fit(X, y) on the rows of X1 and X2, to about 1e-12
/// @endcode
/// Thread safety: const members may be called concurrently; `merge` mutates.
class linear_statistics {
 public:
  /// Empty statistics: no rows, no features (the identity of `merge`).
  linear_statistics() = default;

  /// The statistics of (X, y) with unit weights.
  /// @param X (n_samples, n_features) design matrix, finite, n_samples >= 1, n_features >= 1
  /// @param y (n_samples) targets, finite
  /// @throws footprint::dimension_mismatch when y.size() != X.rows();
  ///         footprint::invalid_argument on an empty X or a non-finite entry (naming it), as
  ///         `ols::fit(X, y)` does
  /// Complexity: O(n_samples n_features^2) time, O(n_features^2 + 1024 n_features) memory.
  template <class = void>
  linear_statistics(matrix_cref X, vector_cref y) {
    compute(X, y, nullptr);
  }

  /// The statistics of (X, y) with frequency weights (as scikit-learn's `sample_weight`).
  /// @param sample_weight (n_samples) weights, finite, >= 0, with a positive sum
  /// @throws as linear_statistics(X, y); footprint::dimension_mismatch when
  ///         sample_weight.size() != X.rows(); footprint::invalid_argument for a negative or
  ///         non-finite weight or a zero sum
  template <class = void>
  linear_statistics(matrix_cref X, vector_cref y, vector_cref sample_weight) {
    compute(X, y, &sample_weight);
  }

  /// Statistics from their parts (e.g. read from a file), checked: n_rows >= 1, weight_sum
  /// finite and > 0, x_mean (n_features >= 1) and y_mean finite, cross_product
  /// (n_features + 1) square, finite and symmetric with a non-negative diagonal,
  /// sqrt_weight_sum finite and > 0, sqrt_weight_y_deviation finite.
  /// @throws footprint::invalid_argument naming the first part out of range
  [[nodiscard]] static linear_statistics from_parts(index n_rows, double weight_sum, vector x_mean, double y_mean,
                                                    matrix cross_product, double sqrt_weight_sum,
                                                    double sqrt_weight_y_deviation) {
    constexpr const char* where = "footprint::linear_statistics::from_parts";
    const auto fail = [&](const auto&... parts) { throw invalid_argument(detail::concat(where, ": ", parts...)); };
    if (n_rows < 1) fail("n_rows must be >= 1 (got ", n_rows, ")");
    detail::require_positive(weight_sum, where, "weight_sum");
    if (x_mean.size() < 1) fail("x_mean must have at least one entry");
    if (!x_mean.allFinite()) fail("x_mean must be finite");
    detail::require_finite(y_mean, where, "y_mean");
    const index q = x_mean.size() + 1;
    if (cross_product.rows() != q || cross_product.cols() != q)
      fail("cross_product is ", cross_product.rows(), " x ", cross_product.cols(), " (expected ", q, " x ", q, ")");
    if (!cross_product.allFinite()) fail("cross_product must be finite");
    for (index i = 0; i < q; ++i) {
      if (cross_product(i, i) < 0.0)
        fail("cross_product's diagonal must be >= 0 (entry ", i, " is ", cross_product(i, i), ")");
      for (index j = 0; j < i; ++j)
        if (cross_product(i, j) != cross_product(j, i))
          fail("cross_product must be symmetric (entry ", i, ", ", j, ")");
    }
    detail::require_positive(sqrt_weight_sum, where, "sqrt_weight_sum");
    detail::require_finite(sqrt_weight_y_deviation, where, "sqrt_weight_y_deviation");
    linear_statistics s;
    s.n_rows_ = n_rows;
    s.weight_sum_ = weight_sum;
    s.mean_.resize(q);
    s.mean_.head(q - 1) = x_mean;
    s.mean_[q - 1] = y_mean;
    s.cross_ = std::move(cross_product);
    s.sqrt_weight_sum_ = sqrt_weight_sum;
    s.sqrt_weight_y_deviation_ = sqrt_weight_y_deviation;
    return s;
  }

  /// Adds the statistics of another, disjoint set of rows (Chan, Golub and LeVeque 1979):
  /// with W = W_a + W_b and d = zbar_b - zbar_a, zbar = zbar_a + (W_b / W) d and
  /// M = M_a + M_b + (W_a W_b / W) d d'. Merging an empty object changes nothing; merging
  /// into an empty object copies the other.
  /// @return *this
  /// @throws footprint::dimension_mismatch when both are non-empty and their n_features differ
  /// Complexity: O(n_features^2).
  linear_statistics& merge(const linear_statistics& other) {
    if (other.empty()) return *this;
    if (empty()) {
      *this = other;
      return *this;
    }
    if (other.n_features() != n_features()) {
      throw dimension_mismatch("footprint::linear_statistics::merge",
                               "the statistics to merge must have the same n_features", n_features(),
                               other.n_features());
    }
    const double wa = weight_sum_;
    const double wb = other.weight_sum_;
    const double w = wa + wb;
    const vector d = other.mean_ - mean_;
    const double ya = mean_[mean_.size() - 1];
    const double yb = other.mean_[mean_.size() - 1];
    mean_ += (wb / w) * d;
    const double y = mean_[mean_.size() - 1];
    // (d d' is symmetric entry by entry, so the merged matrix stays exactly symmetric)
    cross_ += other.cross_;
    cross_ += (wa * wb / w) * (d * d.transpose());
    sqrt_weight_y_deviation_ = sqrt_weight_y_deviation_ + (ya - y) * sqrt_weight_sum_ + other.sqrt_weight_y_deviation_ +
                               (yb - y) * other.sqrt_weight_sum_;
    sqrt_weight_sum_ += other.sqrt_weight_sum_;
    weight_sum_ = w;
    n_rows_ += other.n_rows_;
    return *this;
  }

  /// True when no rows were added (default-constructed).
  [[nodiscard]] bool empty() const noexcept { return n_rows_ == 0; }
  /// Rows added (a row of weight 0 counts).
  [[nodiscard]] index n_rows() const noexcept { return n_rows_; }
  /// Columns of X; 0 when empty.
  [[nodiscard]] index n_features() const noexcept { return empty() ? 0 : mean_.size() - 1; }
  /// Sum of the sample weights (n_rows without weights).
  [[nodiscard]] double weight_sum() const noexcept { return weight_sum_; }
  /// (n_features) weighted column means of X, in X's units.
  [[nodiscard]] vector x_mean() const { return empty() ? vector() : vector(mean_.head(mean_.size() - 1)); }
  /// Weighted mean of y, in y's units; NaN when empty.
  [[nodiscard]] double y_mean() const noexcept { return empty() ? nan : mean_[mean_.size() - 1]; }
  /// (n_features + 1, n_features + 1) centred cross-product matrix of [X | y] (see the class
  /// comment), symmetric; (0, 0) when empty.
  [[nodiscard]] const matrix& cross_product() const noexcept { return cross_; }
  /// sum sqrt(w_i) (n_rows without weights).
  [[nodiscard]] double sqrt_weight_sum() const noexcept { return sqrt_weight_sum_; }
  /// sum sqrt(w_i) (y_i - ybar) (0 up to rounding without weights).
  [[nodiscard]] double sqrt_weight_y_deviation() const noexcept { return sqrt_weight_y_deviation_; }

 private:
  template <class = void>
  void compute(const matrix_cref& X, const vector_cref& y, const vector_cref* w) {
    constexpr const char* where = "footprint::linear_statistics";
    detail::check_X_y(where, X, y, w, detail::missing_values::reject);
    const index n = X.rows();
    const index p = X.cols();
    const index q = p + 1;
    n_rows_ = n;
    weight_sum_ = w == nullptr ? static_cast<double>(n) : w->sum();
    mean_.resize(q);
    if (w == nullptr) {
      mean_.head(p) = X.colwise().sum().transpose() / weight_sum_;
      mean_[p] = y.sum() / weight_sum_;
    } else {
      mean_.head(p) = (X.transpose() * *w) / weight_sum_;
      mean_[p] = y.dot(*w) / weight_sum_;
    }
    if (!mean_.allFinite()) {
      throw invalid_argument(detail::concat(where, ": X or y overflows when summed (values too large)"));
    }
    // the centred, sqrt-weighted rows in blocks, accumulated into the lower triangle
    const index block = std::max<index>(1024, 4 * q);
    matrix B(std::min(block, n), q);
    cross_ = matrix::Zero(q, q);
    sqrt_weight_sum_ = 0.0;
    sqrt_weight_y_deviation_ = 0.0;
    for (index start = 0; start < n; start += block) {
      const index count = std::min(block, n - start);
      for (index i = 0; i < count; ++i) {
        const double sw = w == nullptr ? 1.0 : std::sqrt((*w)[start + i]);
        for (index j = 0; j < p; ++j) B(i, j) = (X(start + i, j) - mean_[j]) * sw;
        const double dy = y[start + i] - mean_[p];
        B(i, p) = dy * sw;
        sqrt_weight_sum_ += sw;
        sqrt_weight_y_deviation_ += sw * dy;
      }
      cross_.selfadjointView<Eigen::Lower>().rankUpdate(B.topRows(count).transpose());
    }
    cross_.triangularView<Eigen::StrictlyUpper>() = cross_.transpose();
    if (!cross_.allFinite()) {
      throw invalid_argument(detail::concat(where, ": X or y overflows when squared (values too large)"));
    }
  }

  index n_rows_ = 0;
  double weight_sum_ = 0.0;
  vector mean_;  // (n_features + 1): [xbar; ybar]
  matrix cross_;
  double sqrt_weight_sum_ = 0.0;
  double sqrt_weight_y_deviation_ = 0.0;
};

}  // namespace footprint
