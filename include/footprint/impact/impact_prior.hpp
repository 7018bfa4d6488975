/// @file impact/impact_prior.hpp
/// @brief The square-root law's parameters shrunk toward a prior from the literature when the
/// data cannot identify them.
///
/// A fit of I = Y sigma (Q/V)^delta on a few hundred metaorders of one day often has standard
/// errors as large as its estimates (BTC USD-M, 345 s of data: t = 1.4 for the prefactor).
/// Taken at face value, such a fit prices a block at any cost. Combined with a prior, the
/// estimate stays near the data where the data are informative and near the literature's
/// consensus where they are not, and its standard error says which.
///
/// The combination is the Gaussian one (the estimate's sampling distribution as likelihood,
/// the prior as a normal distribution on (Y, delta)): posterior precision = prior precision +
/// the inverse of the estimate's covariance; posterior mean = the precision-weighted mean.
///
/// The default prior:
/// - delta = 0.5 with sd 0.1: the square-root law's exponent, measured at 0.4 to 0.7 across
///   equities, futures and crypto (Toth et al. 2011, fig. 1: 0.5; Almgren, Thum, Hauptmann and
///   Li 2005, eq. 13: 0.6; Bacry et al. 2015: about 0.5; Donier and Bonart 2015, Bitcoin: 0.5);
/// - Y = 0.8 with sd 0.4: the prefactor "of order 1" with sigma the daily volatility (Toth et
///   al. 2011: 0.5 to 1; Bouchaud, Bonart, Donier and Gould 2018, ch. 12.2: Y ~ 0.5 to 1;
///   Almgren et al. 2005's 0.314 for temporary impact at their sigma and time units).
#pragma once

#include "footprint/detail/checks.hpp"
#include "footprint/detail/concat.hpp"
#include "footprint/error.hpp"
#include "footprint/impact/parameter_estimate.hpp"
#include "footprint/impact/square_root_law.hpp"
#include "footprint/types.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>
#include <string>
#include <string_view>

namespace footprint {

/// A normal prior on the square-root law's (Y, delta), independent components.
struct square_root_prior {
  double y = 0.8;         ///< prior mean of Y, dimensionless (sigma daily); finite, > 0
  double y_sd = 0.4;      ///< prior sd of Y; finite, > 0
  double delta = 0.5;     ///< prior mean of the exponent; finite, > 0
  double delta_sd = 0.1;  ///< prior sd of the exponent; finite, > 0
};

/// What `shrink_to_prior` returns: the posterior of (Y, delta) and how much of it the data
/// carry.
struct shrunk_square_root {
  parameter_estimate y;      ///< posterior mean and sd of Y (std_error = robust_std_error = the posterior sd)
  parameter_estimate delta;  ///< posterior mean and sd of delta (same)
  matrix covariance;         ///< (2, 2) posterior covariance of (Y, delta)
  /// Share of each parameter's prior variance the data removed, 1 - posterior var / prior
  /// var, in [0, 1]: 0 = the prior alone, near 1 = the data alone.
  double data_weight_y = 0.0, data_weight_delta = 0.0;
  /// True when the data carry at least half of both parameters (data_weight >= 0.5 each).
  bool identified = false;
  std::string message;  ///< one line: the fit, the prior and the result, for reports
};

/// Combines an estimate of (Y, delta) with its covariance and a prior.
///
/// @param estimate (2): Y, delta, as fitted; finite (Y > 0)
/// @param covariance (2, 2): the estimate's covariance (e.g. `square_root_law::covariance`
///        with `covariance_estimator::hc1`); symmetric, finite, positive definite. A NaN
///        entry (no standard errors) makes the data uninformative: the prior is returned.
/// @param prior the prior (see the file comment for the default's sources)
/// @return the posterior (Gaussian combination), the data weights and a message
/// @throws invalid_argument for a non-finite estimate, a non-positive prior sd or a
///         covariance that is not positive definite
template <class = void>  // compiled only where used
[[nodiscard]] shrunk_square_root shrink_to_prior(const vector& estimate, const matrix& covariance,
                                                 const square_root_prior& prior = {}) {
  constexpr std::string_view where = "footprint::shrink_to_prior";
  if (estimate.size() != 2 || covariance.rows() != 2 || covariance.cols() != 2) {
    throw invalid_argument(detail::concat(where, ": needs 2 estimates and a 2 x 2 covariance (got ", estimate.size(),
                                          " and ", covariance.rows(), " x ", covariance.cols(), ")"));
  }
  detail::require_positive(prior.y, where, "prior.y");
  detail::require_positive(prior.y_sd, where, "prior.y_sd");
  detail::require_positive(prior.delta, where, "prior.delta");
  detail::require_positive(prior.delta_sd, where, "prior.delta_sd");
  detail::require(std::isfinite(estimate[0]), where, "estimate[0] (Y)", "finite", estimate[0]);
  detail::require(std::isfinite(estimate[1]), where, "estimate[1] (delta)", "finite", estimate[1]);
  matrix prior_precision = matrix::Zero(2, 2);
  prior_precision(0, 0) = 1.0 / (prior.y_sd * prior.y_sd);
  prior_precision(1, 1) = 1.0 / (prior.delta_sd * prior.delta_sd);
  vector prior_mean(2);
  prior_mean << prior.y, prior.delta;

  matrix post_precision = prior_precision;
  vector weighted = prior_precision * prior_mean;
  const bool informative = covariance.allFinite();
  if (informative) {
    // Symmetric up to rounding (a product like J' W J is symmetric only to the last bits).
    const double off = 0.5 * (covariance(0, 1) + covariance(1, 0));
    const bool symmetric = std::abs(covariance(0, 1) - covariance(1, 0)) <=
                           1e-9 * std::max({std::abs(covariance(0, 1)), std::abs(covariance(1, 0)), 1e-300});
    const double det = covariance(0, 0) * covariance(1, 1) - off * off;
    if (!(covariance(0, 0) > 0.0 && det > 0.0) || !symmetric) {
      throw invalid_argument(detail::concat(where, ": the covariance must be symmetric positive definite (got [[",
                                            covariance(0, 0), ", ", covariance(0, 1), "], [", covariance(1, 0), ", ",
                                            covariance(1, 1), "]])"));
    }
    matrix data_precision(2, 2);
    data_precision << covariance(1, 1) / det, -off / det, -off / det, covariance(0, 0) / det;
    post_precision += data_precision;
    weighted += data_precision * estimate;
  }
  const double det = post_precision(0, 0) * post_precision(1, 1) - post_precision(0, 1) * post_precision(1, 0);
  matrix post(2, 2);
  post << post_precision(1, 1) / det, -post_precision(0, 1) / det, -post_precision(1, 0) / det,
      post_precision(0, 0) / det;
  const vector mean = post * weighted;

  shrunk_square_root out;
  out.covariance = post;
  const double sd_y = std::sqrt(post(0, 0)), sd_delta = std::sqrt(post(1, 1));
  out.y = {.value = mean[0], .std_error = sd_y, .robust_std_error = sd_y};
  out.delta = {.value = mean[1], .std_error = sd_delta, .robust_std_error = sd_delta};
  out.data_weight_y = std::clamp(1.0 - post(0, 0) * prior_precision(0, 0), 0.0, 1.0);
  out.data_weight_delta = std::clamp(1.0 - post(1, 1) * prior_precision(1, 1), 0.0, 1.0);
  out.identified = out.data_weight_y >= 0.5 && out.data_weight_delta >= 0.5;
  const auto pct = [](double w) { return std::lround(100.0 * w); };
  std::ostringstream m;  // three significant digits: a line for a report
  m.precision(3);
  if (informative) {
    m << "fit Y " << estimate[0] << " +- " << std::sqrt(covariance(0, 0)) << ", delta " << estimate[1] << " +- "
      << std::sqrt(covariance(1, 1)) << "; prior Y " << prior.y << " +- " << prior.y_sd << ", delta " << prior.delta
      << " +- " << prior.delta_sd << "; used Y " << mean[0] << " +- " << sd_y << ", delta " << mean[1] << " +- "
      << sd_delta << " (data weight " << pct(out.data_weight_y) << "% and " << pct(out.data_weight_delta) << "%"
      << (out.identified ? ")" : "; not identified: mostly the prior)");
  } else {
    m << "no standard errors: the prior alone, Y " << prior.y << " +- " << prior.y_sd << ", delta " << prior.delta
      << " +- " << prior.delta_sd;
  }
  out.message = m.str();
  return out;
}

/// Combines a fitted law's (Y, delta) and their HC1 covariance with a prior (see above).
/// @throws not_fitted before the law's fit; as the overload above
template <class = void>
[[nodiscard]] shrunk_square_root shrink_to_prior(const square_root_law& law, const square_root_prior& prior = {}) {
  vector estimate(2);
  estimate << law.y().value, law.delta().value;
  return shrink_to_prior(estimate, law.covariance(covariance_estimator::hc1), prior);
}

}  // namespace footprint
