/// @file models/clustering/regime_labels.hpp
/// @brief `label_regimes`: market regimes of a time-ordered sequence, a Gaussian hidden Markov
/// model fitted on the training rows only, its number of regimes chosen by BIC, every row
/// labelled causally by the forward filter. `regime_conditioning_test`
/// (validation/regime_conditioning.hpp) asks whether they improve forecasts. See
/// docs/monitoring.md, "Regimes: does conditioning on them help?".
///
/// Includes Eigen/Cholesky (through gaussian_hmm); kept apart from the test, whose Bayesian
/// model brings Boost.Math (the two together took 10.8 s to compile).
#pragma once

#include "footprint/detail/checks.hpp"
#include "footprint/detail/concat.hpp"
#include "footprint/error.hpp"
#include "footprint/models/clustering/gaussian_hmm.hpp"
#include "footprint/models/clustering/label_order.hpp"
#include "footprint/types.hpp"

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <utility>
#include <vector>

namespace footprint {

/// Parameters of `label_regimes`.
struct regime_labels_params {
  index min_regimes = 2;    ///< fewest regimes tried, >= 1
  index max_regimes = 4;    ///< most regimes tried, >= min_regimes
  index order_feature = 0;  ///< the column that numbers the regimes (a log volatility), in [0, n_features)
  /// How the regimes are numbered by `order_feature`: by increasing mean (the default: with
  /// a log volatility there, regime 0 has the lowest volatility) or variance (label_order).
  label_order order = label_order::mean;
  index max_iter = 200;     ///< Baum-Welch iterations at most, >= 1
  double reg_covar = 1e-3;  ///< variance floor of the standardized features, >= 0
  std::uint64_t seed = 0;   ///< seed of the HMM's k-means initialisation
};

/// Regime labels from `label_regimes`.
struct regime_labels {
  index n_regimes = 0;       ///< K chosen: the lowest BIC on the training rows
  std::vector<index> tried;  ///< the K tried, min_regimes..max_regimes
  std::vector<double> bic;   ///< BIC of each K tried on the training rows (NaN: the fit failed)
  std::vector<int> train;    ///< (n_train) filtered labels of the training rows, in [0, K)
  std::vector<int> test;     ///< (n_test) filtered labels of the test rows, in [0, K)
  vector centre;             ///< (n_features) training means used to standardize
  vector scale;              ///< (n_features) training standard deviations used to standardize
  gaussian_hmm model;        ///< the chosen model (on standardized features)
};

/// Regimes of a time-ordered sequence, fitted on its training rows only and applied causally.
///
/// The features (e.g. a log realized volatility and a log spread) are standardized by the
/// training rows' mean and standard deviation; a diagonal `gaussian_hmm` with K states is
/// fitted by Baum-Welch on the training rows for each K in [min_regimes, max_regimes], and
/// the K with the lowest BIC kept (Schwarz 1978). Each row is labelled by the argmax of the
/// forward filter P(s_t | x_1..x_t) (Rabiner 1989 eq. 19-20), over the training rows and
/// then over the training rows followed by the test rows (the test rows' filter sees the
/// training rows as their past, never a later row). States are numbered by increasing mean
/// of `order_feature` (`params.order`, label_order::mean): with a log volatility there,
/// regime 0 is the calmest and regime K - 1 the most volatile.
///
/// @param X_train (n_train, n_features) training rows in time order, finite, n_train >= max_regimes
/// @param X_test  (n_test, n_features) rows after them, finite (n_test may be 0)
/// @param params  see regime_labels_params
/// @throws footprint::invalid_argument on bad params, a non-finite entry, too few rows, or
///         when no K could be fitted; footprint::dimension_mismatch when the column counts differ
template <class = void>
[[nodiscard]] regime_labels label_regimes(matrix_cref X_train, matrix_cref X_test,
                                          const regime_labels_params& params = {}) {
  using detail::concat;
  const char* where = "footprint::label_regimes";
  if (params.min_regimes < 1 || params.max_regimes < params.min_regimes) {
    throw invalid_argument(concat(where, ": needs 1 <= min_regimes <= max_regimes (got ", params.min_regimes, " and ",
                                  params.max_regimes, ")"));
  }
  if (X_train.rows() < params.max_regimes || X_train.cols() < 1) {
    throw invalid_argument(concat(where, ": needs at least max_regimes = ", params.max_regimes,
                                  " training rows and a column (got ", X_train.rows(), " x ", X_train.cols(), ")"));
  }
  if (X_test.cols() != X_train.cols() && X_test.rows() > 0) {
    throw dimension_mismatch(where, "X_test.cols() must equal X_train.cols()", X_train.cols(), X_test.cols());
  }
  if (params.order_feature < 0 || params.order_feature >= X_train.cols()) {
    throw invalid_argument(
        concat(where, ": order_feature must be in [0, ", X_train.cols(), ") (got ", params.order_feature, ")"));
  }
  detail::require_finite(X_train, where, "X_train");
  if (X_test.rows() > 0) detail::require_finite(X_test, where, "X_test");
  const index p = X_train.cols();
  regime_labels out;
  out.centre = X_train.colwise().mean().transpose();
  out.scale = vector::Ones(p);
  for (index j = 0; j < p; ++j) {
    const double sd = std::sqrt((X_train.col(j).array() - out.centre[j]).square().mean());
    if (sd > 0.0) out.scale[j] = sd;
  }
  const auto standardize = [&](const matrix_cref& X) {
    matrix Z(X.rows(), p);
    for (index j = 0; j < p; ++j) Z.col(j) = (X.col(j).array() - out.centre[j]) / out.scale[j];
    return Z;
  };
  const matrix Z_train = standardize(X_train);
  double best = std::numeric_limits<double>::infinity();
  for (index k = params.min_regimes; k <= params.max_regimes; ++k) {
    out.tried.push_back(k);
    gaussian_hmm m({.n_components = k,
                    .max_iter = params.max_iter,
                    .reg_covar = params.reg_covar,
                    .seed = params.seed,
                    .order = params.order,
                    .order_feature = params.order_feature});
    double b = nan;
    try {
      (void)m.fit(Z_train);
      b = m.bic(Z_train);
    } catch (const convergence_error&) {
      b = nan;  // this K is not used
    }
    out.bic.push_back(b);
    if (std::isfinite(b) && b < best) {
      best = b;
      out.n_regimes = k;
      out.model = std::move(m);
    }
  }
  if (out.n_regimes == 0) throw invalid_argument(concat(where, ": no number of regimes could be fitted"));
  const auto argmax_rows = [](const matrix& P, index from) {
    std::vector<int> l(static_cast<std::size_t>(P.rows() - from));
    for (index i = from; i < P.rows(); ++i) {
      index j = 0;
      P.row(i).maxCoeff(&j);
      l[static_cast<std::size_t>(i - from)] = static_cast<int>(j);
    }
    return l;
  };
  out.train = argmax_rows(out.model.filter(Z_train), 0);
  if (X_test.rows() > 0) {
    matrix Z_all(X_train.rows() + X_test.rows(), p);
    Z_all.topRows(X_train.rows()) = Z_train;
    Z_all.bottomRows(X_test.rows()) = standardize(X_test);
    out.test = argmax_rows(out.model.filter(Z_all), X_train.rows());
  }
  return out;
}

}  // namespace footprint
