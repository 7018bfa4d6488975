/// @file distributions/location_scale_t.hpp
/// @brief `location_scale_t`: a Student-t (or, with infinite degrees of freedom, Gaussian)
/// predictive distribution with a location and a scale, used through Boost.Math-style free
/// functions (`mean`, `standard_deviation`, `quantile`, `cdf`, `pdf`, ...).
///
/// Boost.Math's `students_t_distribution` has no location or scale; this small value type
/// adds them and forwards to Boost.Math with one explicit policy, `predictive_policy`.
/// With `degrees_of_freedom() == +inf` it is the normal distribution and forwards to
/// `boost::math::normal_distribution`. It satisfies `footprint::PredictiveDistribution`.
///
/// Includes Boost.Math's normal and Student-t distributions (slow to parse): include it only
/// where a distribution is used. The free functions that call Boost.Math are templates whose
/// one parameter is never given (`quantile(d, p)` reads as usual), so that Boost's
/// special functions are compiled only in translation units that call them.
#pragma once

#include "footprint/detail/concat.hpp"
#include "footprint/error.hpp"

#include <boost/math/distributions/normal.hpp>
#include <boost/math/distributions/students_t.hpp>
#include <boost/math/policies/policy.hpp>
#include <boost/math/special_functions/gamma.hpp>

#include <cmath>
#include <limits>
#include <numbers>

namespace footprint {

/// The Boost.Math policy of footprint's predictive distributions: Boost's default error
/// handling (a domain error throws `std::domain_error`, an overflow `std::overflow_error`,
/// e.g. `quantile(d, 0.0)`), without promoting double to long double internally. Passed
/// explicitly; footprint never sets the global policy macros.
using predictive_policy = boost::math::policies::policy<boost::math::policies::promote_double<false>>;

/// Boost.Math's normal distribution with footprint's policy.
using normal_predictive = boost::math::normal_distribution<double, predictive_policy>;

/// Boost.Math's (standard) Student-t distribution with footprint's policy.
using students_t_predictive = boost::math::students_t_distribution<double, predictive_policy>;

/// A location-scale Student-t distribution: Y = location + scale * T, T ~ t(df).
///
/// With `df = +infinity` it is the normal distribution N(location, scale^2). This is the
/// posterior predictive of Bayesian linear regression under a Normal-Inverse-Gamma prior
/// (Murphy 2012 sec. 7.6.3; Bishop 2006 exercises 3.12-3.13) and of the classical
/// least-squares prediction interval. A small, trivially copyable value type.
class location_scale_t {
 public:
  /// The standard normal distribution (df = +inf, location 0, scale 1).
  constexpr location_scale_t() noexcept = default;

  /// @param df       degrees of freedom, > 0; `std::numeric_limits<double>::infinity()`
  ///                 gives the normal distribution
  /// @param location location (the mean when df > 1), finite, in the units of y
  /// @param scale    scale (the standard deviation when df = inf), finite and > 0, units of y
  /// @throws footprint::invalid_argument when a parameter is outside its range
  location_scale_t(double df, double location, double scale) : df_(df), location_(location), scale_(scale) {
    if (!(df > 0.0)) {
      throw invalid_argument(detail::concat("footprint::location_scale_t: df must be > 0 (got ", df, ")"));
    }
    if (!std::isfinite(location)) {
      throw invalid_argument(
          detail::concat("footprint::location_scale_t: location must be finite (got ", location, ")"));
    }
    if (!(scale > 0.0) || !std::isfinite(scale)) {
      throw invalid_argument(
          detail::concat("footprint::location_scale_t: scale must be finite and > 0 (got ", scale, ")"));
    }
  }

  /// Degrees of freedom, > 0; +inf for the normal distribution.
  [[nodiscard]] constexpr double degrees_of_freedom() const noexcept { return df_; }
  /// Location, in the units of y.
  [[nodiscard]] constexpr double location() const noexcept { return location_; }
  /// Scale, > 0, in the units of y (the standard deviation only when df = inf).
  [[nodiscard]] constexpr double scale() const noexcept { return scale_; }
  /// True when df = +inf (the normal distribution).
  [[nodiscard]] bool is_normal() const noexcept { return std::isinf(df_); }

  /// The standard Student-t with this df (Boost.Math, footprint's policy).
  [[nodiscard]] students_t_predictive standard_t() const { return students_t_predictive(df_); }
  /// The normal distribution N(location, scale^2) (Boost.Math, footprint's policy); exact
  /// only when `is_normal()`.
  [[nodiscard]] normal_predictive normal() const { return normal_predictive(location_, scale_); }

  friend bool operator==(const location_scale_t&, const location_scale_t&) = default;

 private:
  double df_ = std::numeric_limits<double>::infinity();
  double location_ = 0.0;
  double scale_ = 1.0;
};

/// Mean: `location`. @throws std::domain_error when df <= 1 (undefined), as Boost.Math.
template <class = void>
[[nodiscard]] double mean(const location_scale_t& d) {
  if (d.is_normal()) return d.location();
  return d.location() + d.scale() * boost::math::mean(d.standard_t());
}

/// Median and mode: `location`.
[[nodiscard]] inline double median(const location_scale_t& d) noexcept { return d.location(); }
/// Mode: `location`.
[[nodiscard]] inline double mode(const location_scale_t& d) noexcept { return d.location(); }

/// Variance: scale^2 df / (df - 2), or scale^2 when df = inf.
/// @throws std::domain_error when df <= 2 (undefined or infinite), as Boost.Math.
template <class = void>
[[nodiscard]] double variance(const location_scale_t& d) {
  if (d.is_normal()) return d.scale() * d.scale();
  return d.scale() * d.scale() * boost::math::variance(d.standard_t());
}

/// Standard deviation: sqrt(variance(d)). @throws std::domain_error when df <= 2.
template <class = void>
[[nodiscard]] double standard_deviation(const location_scale_t& d) {
  return std::sqrt(variance(d));
}

/// The p-quantile, location + scale * t_df^{-1}(p), for p in (0, 1).
/// @throws std::domain_error for p outside [0, 1]; std::overflow_error for p = 0 or 1.
template <class = void>
[[nodiscard]] double quantile(const location_scale_t& d, double p) {
  if (d.is_normal()) return boost::math::quantile(d.normal(), p);
  return d.location() + d.scale() * boost::math::quantile(d.standard_t(), p);
}

/// P(Y <= x), in [0, 1]. @throws std::domain_error when x is NaN.
template <class = void>
[[nodiscard]] double cdf(const location_scale_t& d, double x) {
  if (d.is_normal()) return boost::math::cdf(d.normal(), x);
  return boost::math::cdf(d.standard_t(), (x - d.location()) / d.scale());
}

/// P(Y > x), in [0, 1], accurate in the upper tail. @throws std::domain_error when x is NaN.
template <class = void>
[[nodiscard]] double cdf_complement(const location_scale_t& d, double x) {
  if (d.is_normal()) return boost::math::cdf(boost::math::complement(d.normal(), x));
  return boost::math::cdf(boost::math::complement(d.standard_t(), (x - d.location()) / d.scale()));
}

/// Density at x, in 1/(units of y). @throws std::domain_error when x is NaN.
template <class = void>
[[nodiscard]] double pdf(const location_scale_t& d, double x) {
  if (d.is_normal()) return boost::math::pdf(d.normal(), x);
  return boost::math::pdf(d.standard_t(), (x - d.location()) / d.scale()) / d.scale();
}

/// Natural log of the density at x, finite far into the tails where `pdf` underflows:
/// log Gamma((df+1)/2) - log Gamma(df/2) - log(pi df)/2 - log(scale)
/// - (df+1)/2 log(1 + z^2/df), with z = (x - location)/scale.
template <class = void>
[[nodiscard]] double logpdf(const location_scale_t& d, double x) {
  const double z = (x - d.location()) / d.scale();
  if (d.is_normal()) return -0.5 * z * z - std::log(d.scale()) - 0.5 * std::log(2.0 * std::numbers::pi);
  const double nu = d.degrees_of_freedom();
  // Gamma((nu+1)/2) / Gamma(nu/2) = 1 / tgamma_delta_ratio(nu/2, 1/2), accurate for large nu.
  const double log_gamma_ratio = -std::log(boost::math::tgamma_delta_ratio(0.5 * nu, 0.5, predictive_policy{}));
  return log_gamma_ratio - 0.5 * std::log(std::numbers::pi * nu) - std::log(d.scale()) -
         0.5 * (nu + 1.0) * std::log1p(z * z / nu);
}

/// Continuous ranked probability score of the distribution for the outcome y, in the units
/// of y (lower is better), in closed form.
///
/// Normal (df = inf): scale [z (2 Phi(z) - 1) + 2 phi(z) - 1/sqrt(pi)] (Gneiting, Raftery,
/// Westveld & Goldman 2005, eq. 5; Gneiting & Raftery 2007, sec. 4.2). Student-t with
/// df = nu > 1: scale [z (2 F(z) - 1) + 2 f(z) (nu + z^2)/(nu - 1)
/// - 2 sqrt(nu) B(1/2, nu - 1/2) / ((nu - 1) B(1/2, nu/2)^2)] with F, f the standard t cdf
/// and pdf (Jordan, Krueger & Lerch 2019, scoringRules, `crps_t`). +inf when nu <= 1 (no
/// finite mean). Complexity O(1).
template <class = void>
[[nodiscard]] double crps(const location_scale_t& d, double y) {
  const double z = (y - d.location()) / d.scale();
  if (d.is_normal()) {
    const double phi = std::exp(-0.5 * z * z) / std::sqrt(2.0 * std::numbers::pi);
    const double Phi = 0.5 * std::erfc(-z / std::numbers::sqrt2);
    return d.scale() * (z * (2.0 * Phi - 1.0) + 2.0 * phi - 1.0 / std::sqrt(std::numbers::pi));
  }
  const double nu = d.degrees_of_freedom();
  if (!(nu > 1.0)) return std::numeric_limits<double>::infinity();
  const students_t_predictive t = d.standard_t();
  // B(1/2, nu - 1/2) / B(1/2, nu/2)^2 = [G(nu-1/2)/G(nu)] / (sqrt(pi) [G(nu/2)/G(nu/2+1/2)]^2)
  const double r1 = boost::math::tgamma_delta_ratio(nu - 0.5, 0.5, predictive_policy{});
  const double r2 = boost::math::tgamma_delta_ratio(0.5 * nu, 0.5, predictive_policy{});
  const double beta_term = 2.0 * std::sqrt(nu) * r1 / ((nu - 1.0) * std::sqrt(std::numbers::pi) * r2 * r2);
  return d.scale() * (z * (2.0 * boost::math::cdf(t, z) - 1.0) +
                      2.0 * boost::math::pdf(t, z) * (nu + z * z) / (nu - 1.0) - beta_term);
}

}  // namespace footprint
