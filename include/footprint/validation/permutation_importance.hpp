/// @file validation/permutation_importance.hpp
/// @brief `permutation_importance`: how much a fitted regressor's error grows when one
/// feature's column is shuffled (Breiman 2001 sec. 10; scikit-learn's
/// `permutation_importance`). Works with any `footprint::Regressor`.
#pragma once

#include "footprint/concepts.hpp"
#include "footprint/detail/concat.hpp"
#include "footprint/detail/random.hpp"
#include "footprint/error.hpp"
#include "footprint/types.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <utility>

namespace footprint {

/// Result of `permutation_importance`: per feature, the mean and standard deviation over
/// repeats of (MSE with the feature's column shuffled) - (MSE of the intact data), units of
/// y^2. Larger means the model relies more on the feature; about 0 means not at all.
struct permutation_importance_result {
  vector mean;                ///< (n_features) mean increase of the mean squared error
  vector std;                 ///< (n_features) standard deviation of the increase over repeats
  double baseline_mse = nan;  ///< MSE of the intact data
};

/// Permutation importance of every feature of a fitted regressor on (X, y), best computed
/// on held-out rows.
/// @param model a fitted Regressor
/// @param X (n_samples, n_features), as the model expects; @param y (n_samples), finite
/// @param n_repeats shuffles per feature, >= 1
/// @param seed seeds the shuffles (feature j, repeat r uses stream (seed, j * n_repeats + r))
/// @return mean and std of the MSE increase per feature, and the baseline MSE
/// @throws footprint::dimension_mismatch when y.size() != X.rows(); footprint::invalid_argument
///         when n_repeats < 1 or X is empty; whatever model.predict throws
/// Complexity: n_features * n_repeats predictions of X.
template <Regressor R>
[[nodiscard]] permutation_importance_result permutation_importance(const R& model, matrix_cref X, vector_cref y,
                                                                   index n_repeats = 5, std::uint64_t seed = 0) {
  constexpr const char* where = "footprint::permutation_importance";
  if (y.size() != X.rows()) throw dimension_mismatch(where, "y.size() must equal X.rows()", X.rows(), y.size());
  if (n_repeats < 1) throw invalid_argument(detail::concat(where, ": n_repeats must be >= 1 (got ", n_repeats, ")"));
  if (X.rows() == 0) throw invalid_argument(detail::concat(where, ": X must have at least one row"));
  const auto mse = [&](const matrix& Z) {
    return (model.predict(Z) - y).squaredNorm() / static_cast<double>(y.size());
  };
  matrix Z = X;
  permutation_importance_result out;
  out.baseline_mse = mse(Z);
  out.mean = vector::Zero(X.cols());
  out.std = vector::Zero(X.cols());
  const index n = X.rows();
  for (index j = 0; j < X.cols(); ++j) {
    double s = 0.0;
    double s2 = 0.0;
    for (index r = 0; r < n_repeats; ++r) {
      detail::xoshiro256ss rng(seed, static_cast<std::uint64_t>(j * n_repeats + r));
      for (index i = n - 1; i > 0; --i) {  // Fisher-Yates
        const auto k = static_cast<index>(rng.below32(static_cast<std::uint64_t>(i + 1)));
        std::swap(Z(i, j), Z(k, j));
      }
      const double inc = mse(Z) - out.baseline_mse;
      s += inc;
      s2 += inc * inc;
      Z.col(j) = X.col(j);
    }
    const auto k = static_cast<double>(n_repeats);
    out.mean[j] = s / k;
    out.std[j] = std::sqrt(std::max(0.0, s2 / k - (s / k) * (s / k)));
  }
  return out;
}

}  // namespace footprint
