/// @file validation/metrics.hpp
/// @brief Forecast metrics: point metrics (RMSE, MAE, R^2, pinball loss) that match
/// scikit-learn's, and probabilistic ones over predictive distributions (pinball loss at
/// chosen quantiles, central-interval coverage and width, CRPS, negative log predictive
/// density). See docs/validation.md.
///
/// Free functions grouped by what they score. Inputs are vectors of shape (n_samples); the
/// distribution metrics take a `std::vector<D>` of any `PredictiveDistribution` D, one per
/// sample, and call `quantile`, `cdf`, `pdf`/`logpdf` and `crps` through argument-dependent
/// lookup, so footprint's `location_scale_t`, Boost.Math distributions and user types all
/// work. Every optional `sample_weight` is (n_samples), finite, >= 0, with a positive sum,
/// and turns each mean into a weighted mean (as scikit-learn's `sample_weight`).
///
/// A cheap header: Eigen/Core, the standard library and Boost.Math's forward declarations.
#pragma once

#include "footprint/concepts.hpp"
#include "footprint/detail/checks.hpp"
#include "footprint/detail/concat.hpp"
#include "footprint/error.hpp"
#include "footprint/types.hpp"

#include <boost/math/distributions/fwd.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <numbers>
#include <span>
#include <string>
#include <vector>

namespace footprint {

namespace detail {

/// Checks y (and an optional second vector of the same length, and weights): non-empty,
/// same sizes, finite; weights finite, >= 0 with a positive sum (detail/checks.hpp).
inline void check_metric_inputs(const char* where, const vector_cref& y_true, const vector_cref* other,
                                const char* other_name, const vector_cref* w) {
  if (y_true.size() == 0) throw invalid_argument(concat(where, ": y_true must not be empty"));
  if (other != nullptr && other->size() != y_true.size()) {
    throw dimension_mismatch(where, concat(other_name, ".size() must equal y_true.size()"), y_true.size(),
                             other->size());
  }
  require_finite(y_true, where, "y_true");
  if (other != nullptr) require_finite(*other, where, other_name);
  if (w != nullptr) require_weights(*w, y_true.size(), where, "y_true.size()");
}

/// Checks a vector of distributions against y_true (and weights).
template <class D>
void check_distribution_inputs(const char* where, const vector_cref& y_true, const std::vector<D>& dists,
                               const vector_cref* w) {
  check_metric_inputs(where, y_true, nullptr, "", w);
  if (static_cast<index>(dists.size()) != y_true.size()) {
    throw dimension_mismatch(where, "dists.size() must equal y_true.size()", y_true.size(),
                             static_cast<index>(dists.size()));
  }
}

/// Weighted (w != nullptr) or plain mean of f(i) over i in [0, n).
template <class F>
double average(index n, const vector_cref* w, F&& f) {
  double num = 0.0;
  double den = 0.0;
  for (index i = 0; i < n; ++i) {
    const double wi = w == nullptr ? 1.0 : (*w)[i];
    if (wi == 0.0) continue;  // a zero weight ignores the sample, even a non-finite score
    num += wi * f(i);
    den += wi;
  }
  return num / den;
}

/// Checks a probability level in (0, 1).
inline void check_open_unit(const char* where, const char* name, double v) {
  require_in(v, 0.0, 1.0, bounds::open, where, name);
}

/// True for Boost.Math's normal_distribution<double, Policy> (any policy).
template <class D>
inline constexpr bool is_boost_normal = false;
template <class Policy>
inline constexpr bool is_boost_normal<boost::math::normal_distribution<double, Policy>> = true;

/// A distribution with a density found by ADL: `logpdf(d, x)` or `pdf(d, x)`.
template <class D>
concept has_logpdf = requires(const D& d, double x) {
  { logpdf(d, x) } -> std::convertible_to<double>;
};
template <class D>
concept has_density = has_logpdf<D> || requires(const D& d, double x) {
  { pdf(d, x) } -> std::convertible_to<double>;
};

/// log density of d at y: closed form for Boost's normal, else logpdf or log(pdf) by ADL.
template <class D>
double log_density(const D& d, double y) {
  if constexpr (is_boost_normal<D>) {
    const double z = (y - d.mean()) / d.standard_deviation();
    return -0.5 * z * z - std::log(d.standard_deviation()) - 0.5 * std::log(2.0 * std::numbers::pi);
  } else if constexpr (has_logpdf<D>) {
    return static_cast<double>(logpdf(d, y));
  } else {
    return std::log(static_cast<double>(pdf(d, y)));
  }
}

/// 8-point Gauss-Legendre nodes on [-1, 1] (positive half) and weights.
inline constexpr std::array<double, 4> gl8_nodes{0.1834346424956498, 0.5255324099163290, 0.7966664774136267,
                                                 0.9602898564975363};
inline constexpr std::array<double, 4> gl8_weights{0.3626837833783620, 0.3137066458778873, 0.2223810344533745,
                                                   0.1012285362903763};

/// Integral of f over [a, b] with panels graded geometrically towards `a`: [a + h/2^(k+1),
/// a + h/2^k] for k = 0..levels-1 and [a, a + h/2^levels], h = b - a; 8-point Gauss-Legendre
/// on each. Integrands like t |q(t)| near t = 0 converge fast this way.
template <class F>
double graded_integral(double a, double b, F&& f, int levels) {
  const double h = b - a;
  if (!(h > 0.0)) return 0.0;
  double total = 0.0;
  double hi = b;
  for (int lev = 0; lev <= levels; ++lev) {
    const double lo = lev == levels ? a : a + h * std::ldexp(1.0, -(lev + 1));
    const double mid = 0.5 * (lo + hi);
    const double half = 0.5 * (hi - lo);
    for (std::size_t j = 0; j < gl8_nodes.size(); ++j) {
      total += half * gl8_weights[j] * (f(mid - half * gl8_nodes[j]) + f(mid + half * gl8_nodes[j]));
    }
    hi = lo;
  }
  return total;
}

/// Integral of f over [a, b], graded towards both ends (each half towards its outer end).
template <class F>
double doubly_graded_integral(double a, double b, F&& f, int levels) {
  const double m = 0.5 * (a + b);
  return graded_integral(a, m, f, levels) + graded_integral(
                                                0.0, b - m, [&](double u) { return f(b - u); }, levels);
}

}  // namespace detail

// ---------------------------------------------------------------------------------------
// Point metrics (scikit-learn's definitions)
// ---------------------------------------------------------------------------------------

/// Root mean squared error, sqrt(mean((y_true - y_pred)^2)), in the units of y
/// (scikit-learn's `mean_squared_error(..., squared=False)`).
/// @param y_true (n_samples) outcomes, finite, n_samples >= 1
/// @param y_pred (n_samples) predictions, finite
/// @throws footprint::dimension_mismatch on a size mismatch; footprint::invalid_argument on
///         empty or non-finite input
[[nodiscard]] inline double rmse(vector_cref y_true, vector_cref y_pred) {
  detail::check_metric_inputs("footprint::rmse", y_true, &y_pred, "y_pred", nullptr);
  return std::sqrt(detail::average(y_true.size(), nullptr,
                                   [&](index i) { return (y_true[i] - y_pred[i]) * (y_true[i] - y_pred[i]); }));
}

/// Weighted RMSE, sqrt(sum w (y_true - y_pred)^2 / sum w). @param sample_weight (n_samples)
/// @throws as rmse(y_true, y_pred); also for invalid weights
[[nodiscard]] inline double rmse(vector_cref y_true, vector_cref y_pred, vector_cref sample_weight) {
  detail::check_metric_inputs("footprint::rmse", y_true, &y_pred, "y_pred", &sample_weight);
  return std::sqrt(detail::average(y_true.size(), &sample_weight,
                                   [&](index i) { return (y_true[i] - y_pred[i]) * (y_true[i] - y_pred[i]); }));
}

/// Mean absolute error, mean(|y_true - y_pred|), units of y (scikit-learn's
/// `mean_absolute_error`). @throws as rmse
[[nodiscard]] inline double mae(vector_cref y_true, vector_cref y_pred) {
  detail::check_metric_inputs("footprint::mae", y_true, &y_pred, "y_pred", nullptr);
  return detail::average(y_true.size(), nullptr, [&](index i) { return std::abs(y_true[i] - y_pred[i]); });
}

/// Weighted mean absolute error. @throws as rmse(y_true, y_pred, sample_weight)
[[nodiscard]] inline double mae(vector_cref y_true, vector_cref y_pred, vector_cref sample_weight) {
  detail::check_metric_inputs("footprint::mae", y_true, &y_pred, "y_pred", &sample_weight);
  return detail::average(y_true.size(), &sample_weight, [&](index i) { return std::abs(y_true[i] - y_pred[i]); });
}

namespace detail {
inline double r2(const vector_cref& y, const vector_cref& p, const vector_cref* w) {
  if (y.size() < 2) return nan;  // scikit-learn: undefined (warning, NaN) with fewer than two samples
  const double ybar = average(y.size(), w, [&](index i) { return y[i]; });
  double num = 0.0;
  double den = 0.0;
  for (index i = 0; i < y.size(); ++i) {
    const double wi = w == nullptr ? 1.0 : (*w)[i];
    num += wi * (y[i] - p[i]) * (y[i] - p[i]);
    den += wi * (y[i] - ybar) * (y[i] - ybar);
  }
  if (num == 0.0) return 1.0;  // perfect predictions, even of a constant target
  if (den == 0.0) return 0.0;  // constant target, imperfect predictions (scikit-learn's force_finite)
  return 1.0 - num / den;
}
}  // namespace detail

/// Coefficient of determination, 1 - sum (y - p)^2 / sum (y - mean y)^2 (scikit-learn's
/// `r2_score` with force_finite=True: 1 for perfect predictions, 0 for a constant y_true
/// predicted imperfectly, NaN with fewer than two samples). Dimensionless, <= 1.
/// @throws as rmse
[[nodiscard]] inline double r2_score(vector_cref y_true, vector_cref y_pred) {
  detail::check_metric_inputs("footprint::r2_score", y_true, &y_pred, "y_pred", nullptr);
  return detail::r2(y_true, y_pred, nullptr);
}

/// Weighted R^2 (weighted sums and weighted mean). @throws as rmse(y_true, y_pred, sample_weight)
[[nodiscard]] inline double r2_score(vector_cref y_true, vector_cref y_pred, vector_cref sample_weight) {
  detail::check_metric_inputs("footprint::r2_score", y_true, &y_pred, "y_pred", &sample_weight);
  return detail::r2(y_true, y_pred, &sample_weight);
}

/// Pinball (quantile) loss of the tau-quantile predictions y_quantile: mean of
/// tau (y - q) if y >= q else (1 - tau)(q - y), units of y (scikit-learn's
/// `mean_pinball_loss(y_true, y_quantile, alpha=tau)`; Koenker & Bassett 1978).
/// @param tau quantile level in (0, 1)
/// @throws as rmse; footprint::invalid_argument when tau is outside (0, 1)
[[nodiscard]] inline double pinball_loss(vector_cref y_true, vector_cref y_quantile, double tau) {
  detail::check_metric_inputs("footprint::pinball_loss", y_true, &y_quantile, "y_quantile", nullptr);
  detail::check_open_unit("footprint::pinball_loss", "tau", tau);
  return detail::average(y_true.size(), nullptr, [&](index i) {
    const double d = y_true[i] - y_quantile[i];
    return d >= 0.0 ? tau * d : (tau - 1.0) * d;
  });
}

/// Weighted pinball loss. @throws as pinball_loss(y_true, y_quantile, tau) and for invalid weights
[[nodiscard]] inline double pinball_loss(vector_cref y_true, vector_cref y_quantile, double tau,
                                         vector_cref sample_weight) {
  detail::check_metric_inputs("footprint::pinball_loss", y_true, &y_quantile, "y_quantile", &sample_weight);
  detail::check_open_unit("footprint::pinball_loss", "tau", tau);
  return detail::average(y_true.size(), &sample_weight, [&](index i) {
    const double d = y_true[i] - y_quantile[i];
    return d >= 0.0 ? tau * d : (tau - 1.0) * d;
  });
}

// ---------------------------------------------------------------------------------------
// Probabilistic metrics over predictive distributions
// ---------------------------------------------------------------------------------------

/// Pinball loss of the tau-quantiles `quantile(dists[i], tau)`, units of y.
/// @param y_true (n_samples) outcomes, finite
/// @param dists  n_samples predictive distributions
/// @param tau    quantile level in (0, 1)
/// @throws footprint::dimension_mismatch when dists.size() != y_true.size();
///         footprint::invalid_argument on empty or non-finite y_true or tau outside (0, 1)
/// Complexity: n_samples quantile evaluations.
template <PredictiveDistribution D>
[[nodiscard]] double pinball_loss(vector_cref y_true, const std::vector<D>& dists, double tau) {
  detail::check_distribution_inputs("footprint::pinball_loss", y_true, dists, nullptr);
  detail::check_open_unit("footprint::pinball_loss", "tau", tau);
  return detail::average(y_true.size(), nullptr, [&](index i) {
    const double d = y_true[i] - static_cast<double>(quantile(dists[static_cast<std::size_t>(i)], tau));
    return d >= 0.0 ? tau * d : (tau - 1.0) * d;
  });
}

/// Weighted pinball loss of the distributions' tau-quantiles. @throws as above and for invalid weights
template <PredictiveDistribution D>
[[nodiscard]] double pinball_loss(vector_cref y_true, const std::vector<D>& dists, double tau,
                                  vector_cref sample_weight) {
  detail::check_distribution_inputs("footprint::pinball_loss", y_true, dists, &sample_weight);
  detail::check_open_unit("footprint::pinball_loss", "tau", tau);
  return detail::average(y_true.size(), &sample_weight, [&](index i) {
    const double d = y_true[i] - static_cast<double>(quantile(dists[static_cast<std::size_t>(i)], tau));
    return d >= 0.0 ? tau * d : (tau - 1.0) * d;
  });
}

/// Pinball losses at several quantile levels, one per element of taus, units of y.
/// @param taus quantile levels, each in (0, 1)
/// @throws as pinball_loss(y_true, dists, tau)
template <PredictiveDistribution D>
[[nodiscard]] std::vector<double> pinball_loss(vector_cref y_true, const std::vector<D>& dists,
                                               std::span<const double> taus) {
  std::vector<double> out;
  out.reserve(taus.size());
  for (const double tau : taus) out.push_back(pinball_loss(y_true, dists, tau));
  return out;
}

/// Fraction of outcomes inside their central prediction interval at `level`,
/// [quantile(d, (1 - level)/2), quantile(d, (1 + level)/2)] (bounds included); a calibrated
/// forecast covers a fraction `level`, within binomial sampling error
/// sqrt(level (1 - level) / n_samples). Dimensionless, in [0, 1].
/// @param level nominal coverage in (0, 1), e.g. 0.9
/// @throws as pinball_loss(y_true, dists, tau), with level in place of tau
template <PredictiveDistribution D>
[[nodiscard]] double interval_coverage(vector_cref y_true, const std::vector<D>& dists, double level) {
  detail::check_distribution_inputs("footprint::interval_coverage", y_true, dists, nullptr);
  detail::check_open_unit("footprint::interval_coverage", "level", level);
  return detail::average(y_true.size(), nullptr, [&](index i) {
    const D& d = dists[static_cast<std::size_t>(i)];
    const double lo = static_cast<double>(quantile(d, 0.5 - 0.5 * level));
    const double hi = static_cast<double>(quantile(d, 0.5 + 0.5 * level));
    return (y_true[i] >= lo && y_true[i] <= hi) ? 1.0 : 0.0;
  });
}

/// Mean width of the central prediction intervals at `level` (sharpness), units of y.
/// @param dists n_samples >= 1 distributions
/// @param level in (0, 1)
/// @throws footprint::invalid_argument when dists is empty or level is outside (0, 1)
template <PredictiveDistribution D>
[[nodiscard]] double mean_interval_width(const std::vector<D>& dists, double level) {
  if (dists.empty()) throw invalid_argument("footprint::mean_interval_width: dists must not be empty");
  detail::check_open_unit("footprint::mean_interval_width", "level", level);
  double sum = 0.0;
  for (const D& d : dists) {
    sum += static_cast<double>(quantile(d, 0.5 + 0.5 * level)) - static_cast<double>(quantile(d, 0.5 - 0.5 * level));
  }
  return sum / static_cast<double>(dists.size());
}

/// CRPS of any distribution by quadrature in probability space:
/// CRPS(F, y) = 2 int_0^1 (1{y < F^-1(t)} - t) (F^-1(t) - y) dt, twice the integral of the
/// pinball loss over all levels (Laio & Tamea 2007; Gneiting & Ranjan 2011). The integral is
/// split at t = F(y); each half is split in two, and each quarter uses 8-point
/// Gauss-Legendre panels graded geometrically towards its outer end, so the tails
/// (t -> 0, t -> 1) and an outcome far in a tail (F(y) near 0 or 1) are resolved:
/// 4 x 8 x (levels + 1) quantile evaluations (800 by default). For smooth quantile
/// functions with a finite mean the relative error is below 1e-10, typically 1e-14
/// (tests/validation/metrics.cpp checks normal and Student-t down to df = 2.5, outcomes up
/// to 100 scales out, against their closed forms). Units of y.
/// @param d      a distribution with a finite mean
/// @param y      the outcome, finite
/// @param levels geometric refinements per quarter, >= 1
/// @throws whatever quantile/cdf throw (Boost: std::domain_error for a NaN y)
template <PredictiveDistribution D>
[[nodiscard]] double crps_quadrature(const D& d, double y, int levels = 24) {
  const double py = std::clamp(static_cast<double>(cdf(d, y)), 0.0, 1.0);
  // Lower half, t in (0, F(y)): t (y - q(t)). Upper half in u = 1 - t, u in (0, 1 - F(y)):
  // u (q(1 - u) - y), which keeps the resolution near t = 1. 1 - u rounds to 1 for
  // u < 1.1e-16, where the integrand (about u |q|) is negligible.
  const auto lower = [&](double t) { return t > 0.0 ? t * (y - static_cast<double>(quantile(d, t))) : 0.0; };
  const auto upper = [&](double u) {
    return 1.0 - u < 1.0 ? u * (static_cast<double>(quantile(d, 1.0 - u)) - y) : 0.0;
  };
  return 2.0 * (detail::doubly_graded_integral(0.0, py, lower, levels) +
                detail::doubly_graded_integral(0.0, 1.0 - py, upper, levels));
}

/// Continuous ranked probability score of one distribution for the outcome y (lower is
/// better; Matheson & Winkler 1976; Gneiting & Raftery 2007 sec. 4.2), units of y. Closed
/// form for Boost.Math's normal distribution (Gneiting, Raftery, Westveld & Goldman 2005,
/// eq. 5); footprint's `location_scale_t` has its own closed-form overload (normal and
/// Student-t), found first; any other distribution goes through `crps_quadrature`. A user
/// type can provide its own `crps(const D&, double)` next to it (found by ADL).
template <PredictiveDistribution D>
[[nodiscard]] double crps(const D& d, double y) {
  if constexpr (detail::is_boost_normal<D>) {
    const double s = d.standard_deviation();
    const double z = (y - d.mean()) / s;
    const double phi = std::exp(-0.5 * z * z) / std::sqrt(2.0 * std::numbers::pi);
    const double Phi = 0.5 * std::erfc(-z / std::numbers::sqrt2);
    return s * (z * (2.0 * Phi - 1.0) + 2.0 * phi - 1.0 / std::sqrt(std::numbers::pi));
  } else {
    return crps_quadrature(d, y);
  }
}

/// Mean CRPS over samples, units of y (a proper score of the whole predictive
/// distribution; equals the MAE for point forecasts).
/// @param y_true (n_samples) outcomes, finite
/// @param dists  n_samples predictive distributions
/// @throws footprint::dimension_mismatch when dists.size() != y_true.size();
///         footprint::invalid_argument on empty or non-finite y_true
/// Complexity: n_samples CRPS evaluations (O(1) each in closed form, 800 quantiles by quadrature).
template <PredictiveDistribution D>
[[nodiscard]] double mean_crps(vector_cref y_true, const std::vector<D>& dists) {
  detail::check_distribution_inputs("footprint::mean_crps", y_true, dists, nullptr);
  return detail::average(y_true.size(), nullptr, [&](index i) {
    return static_cast<double>(crps(dists[static_cast<std::size_t>(i)], y_true[i]));
  });
}

/// Weighted mean CRPS. @throws as mean_crps(y_true, dists) and for invalid weights
template <PredictiveDistribution D>
[[nodiscard]] double mean_crps(vector_cref y_true, const std::vector<D>& dists, vector_cref sample_weight) {
  detail::check_distribution_inputs("footprint::mean_crps", y_true, dists, &sample_weight);
  return detail::average(y_true.size(), &sample_weight, [&](index i) {
    return static_cast<double>(crps(dists[static_cast<std::size_t>(i)], y_true[i]));
  });
}

/// Negative log predictive density, -mean(log p_i(y_i)) (the logarithmic score; Good 1952;
/// Gneiting & Raftery 2007 sec. 4.1), in nats; lower is better. Needs `logpdf(d, y)` or
/// `pdf(d, y)` by ADL (closed form for Boost's normal). +inf when an outcome has zero density.
/// @throws as mean_crps
template <PredictiveDistribution D>
requires detail::has_density<D> || detail::is_boost_normal<D>
[[nodiscard]] double nlpd(vector_cref y_true, const std::vector<D>& dists) {
  detail::check_distribution_inputs("footprint::nlpd", y_true, dists, nullptr);
  return -detail::average(y_true.size(), nullptr,
                          [&](index i) { return detail::log_density(dists[static_cast<std::size_t>(i)], y_true[i]); });
}

/// Weighted negative log predictive density. @throws as mean_crps and for invalid weights
template <PredictiveDistribution D>
requires detail::has_density<D> || detail::is_boost_normal<D>
[[nodiscard]] double nlpd(vector_cref y_true, const std::vector<D>& dists, vector_cref sample_weight) {
  detail::check_distribution_inputs("footprint::nlpd", y_true, dists, &sample_weight);
  return -detail::average(y_true.size(), &sample_weight,
                          [&](index i) { return detail::log_density(dists[static_cast<std::size_t>(i)], y_true[i]); });
}

}  // namespace footprint
