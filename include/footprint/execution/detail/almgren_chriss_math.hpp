/// @file execution/detail/almgren_chriss_math.hpp
/// @brief Private: the closed forms, series and root finders behind `almgren_chriss`
/// (the numerics are described in execution/almgren_chriss_impl.hpp), and its argument
/// checks, whose messages name `footprint::almgren_chriss::<function>`.
#pragma once

#include "footprint/detail/concat.hpp"
#include "footprint/error.hpp"
#include "footprint/types.hpp"

#include <boost/math/policies/policy.hpp>
#include <boost/math/tools/toms748_solve.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>

namespace footprint {

namespace detail::almgren_chriss_math {

/// Boost.Math policy of the Almgren-Chriss root finders: errors throw, never the global
/// policy macros.
using root_policy =
    boost::math::policies::policy<boost::math::policies::domain_error<boost::math::policies::throw_on_error>,
                                  boost::math::policies::evaluation_error<boost::math::policies::throw_on_error>>;

/// kappa T below which the optimal trajectory is linear to rounding.
inline constexpr double linear_limit = 1e-9;
/// kappa T below which the variance uses its Taylor series.
inline constexpr double series_limit = 5e-2;
/// kappa tau above which exp(-kappa tau) and smaller terms are exactly 0 in double: results
/// no longer change, so larger values are clamped to it (keeps inf - inf out).
inline constexpr double a_clamp = 1000.0;

[[nodiscard]] inline std::string where(const char* function) {
  return std::string("footprint::almgren_chriss") + (*function != '\0' ? "::" : "") + function;
}

[[noreturn]] inline void fail(const char* function, const std::string& what) {
  throw invalid_argument(where(function) + ": " + what);
}

inline void require_finite(const char* function, const char* name, double value) {
  if (!std::isfinite(value)) fail(function, concat(name, " must be finite (got ", value, ")"));
}

inline void require_positive(const char* function, const char* name, double value) {
  require_finite(function, name, value);
  if (!(value > 0.0)) fail(function, concat(name, " must be > 0 (got ", value, ")"));
}

inline void require_non_negative(const char* function, const char* name, double value) {
  require_finite(function, name, value);
  if (!(value >= 0.0)) fail(function, concat(name, " must be >= 0 (got ", value, ")"));
}

/// The exponentials of the optimal trajectory for a = kappa tau and b = kappa T = N a.
struct decay {
  index n = 1;             ///< N
  double kappa_tau = 0.0;  ///< kappa tau, exact (may be +infinity)
  double a = 0.0;          ///< kappa tau clamped to a_clamp, used in the formulas
  double b = 0.0;          ///< kappa T = N a
  double ea = 1.0;         ///< e^{-a}
  double om_a = 0.0;       ///< 1 - e^{-a}, accurate for small a
  double eb = 1.0;         ///< e^{-b}
  double om_b = 0.0;       ///< 1 - e^{-b}, accurate for small b
};

/// The decay terms for a given a = kappa tau (4 calls to exp/expm1).
[[nodiscard]] inline decay decay_from_a(double a, index n_intervals) noexcept {
  decay d;
  d.n = n_intervals;
  d.kappa_tau = a;
  d.a = std::min(a, a_clamp);
  d.b = d.a * static_cast<double>(n_intervals);
  d.ea = std::exp(-d.a);
  d.om_a = -std::expm1(-d.a);
  d.eb = std::exp(-d.b);
  d.om_b = -std::expm1(-d.b);
  return d;
}

/// The decay terms from z = kappa_tilde tau / 2. kappa solves 2 (cosh(kappa tau) - 1) / tau^2
/// = kappa_tilde^2, i.e. sinh(a/2) = z: with w = z + sqrt(1 + z^2) = e^{a/2},
/// e^{-a} = 1/w^2 and 1 - e^{-a} = 2z/w exactly, and a = 2 asinh(z) (one log1p, two exps).
[[nodiscard]] inline decay decay_from_z(double z, index n_intervals) noexcept {
  decay d;
  d.n = n_intervals;
  if (!(z < 1e150)) {  // kappa tau > 690: everything in the first interval
    d = decay_from_a(a_clamp, n_intervals);
    d.kappa_tau = 2.0 * std::asinh(z);
    return d;
  }
  const double r = std::sqrt(1.0 + z * z);
  const double w = z + r;
  d.a = z < 1e8 ? 2.0 * std::log1p(z + z * z / (1.0 + r)) : 2.0 * std::log(w);  // 2 asinh(z) < 692
  d.kappa_tau = d.a;
  d.b = d.a * static_cast<double>(n_intervals);
  d.ea = 1.0 / (w * w);
  d.om_a = 2.0 * z / w;
  if (d.b >= 0.5 && n_intervals <= 64) {
    // e^{-b} = (e^{-a})^N by repeated squaring (relative error about N ulp, hence N <= 64);
    // 1 - e^{-b} does not cancel for b >= 1/2.
    d.eb = 1.0;
    double base = d.ea;
    for (index k = n_intervals; k > 0; k >>= 1) {
      if ((k & 1) != 0) d.eb *= base;
      base *= base;
    }
    d.om_b = 1.0 - d.eb;
  } else {
    d.eb = std::exp(-d.b);
    d.om_b = -std::expm1(-d.b);
  }
  return d;
}

/// sum_{k=1..N} n_k^2 / X^2 of the optimal trajectory, from eq. 20:
/// tanh(a/2) (coth(b) + N sinh(a) / sinh^2(b)); = 1/N (1 + O(b^4)) for small b.
[[nodiscard]] inline double sum_trades_sq(const decay& d) noexcept {
  const auto n = static_cast<double>(d.n);
  if (!(d.b >= linear_limit)) return 1.0 / n;
  const double e2b = d.eb * d.eb;
  const double om_2b = d.om_b * (1.0 + d.eb);  // 1 - e^{-2b}
  const double coth_b = (1.0 + e2b) / om_2b;
  // N sinh(a) / sinh^2(b) = 2N e^{a-2b} (1 - e^{-2a}) / (1 - e^{-2b})^2 with e^{a-2b} = e^{-2b} / e^{-a};
  // it is below e^{-700} (0 to rounding) when a > 700.
  const double tail = d.a > 700.0 ? 0.0 : 2.0 * n * (e2b / d.ea) * d.om_a * (1.0 + d.ea) / (om_2b * om_2b);
  return d.om_a / (1.0 + d.ea) * (coth_b + tail);
}

/// sum_{k=1..N} x_k^2 / X^2 of the optimal trajectory, from eq. 20:
/// (sinh((2N-1) a) / sinh(a) - (2N-1)) / (4 sinh^2(b)).
[[nodiscard]] inline double sum_holdings_sq(const decay& d) noexcept {
  const auto n = static_cast<double>(d.n);
  if (d.n == 1) return 0.0;  // x_1 = x_N = 0
  if (!(d.b >= series_limit)) {
    // sum_{m=1..N-1} sinh^2(a m) / sinh^2(b), with
    // sinh^2(y) = y^2 (1 + y^2/3 + 2 y^4/45 + y^6/315 + 2 y^8/14175 + ...) and Faulhaber's
    // sums of m^2 .. m^8; the first omitted term is below 2 b^8/14175 relative.
    const double m = n - 1.0;
    const double p = m * (m + 1.0) * (2.0 * m + 1.0);
    const double s2 = p / 6.0;
    const double s4 = p * (3.0 * m * m + 3.0 * m - 1.0) / 30.0;
    const double s6 = p * (((3.0 * m + 6.0) * m * m - 3.0) * m + 1.0) / 42.0;
    const double s8 = p * (((((5.0 * m + 15.0) * m + 5.0) * m - 15.0) * m - 1.0) * m * m + 9.0 * m - 3.0) / 90.0;
    const double a2 = d.a * d.a;
    const double shrink = d.b > 0.0 ? d.b / std::sinh(d.b) : 1.0;
    const double series = s2 + a2 * (s4 / 3.0 + a2 * (2.0 * s6 / 45.0 + a2 * s8 / 315.0));
    return series / (n * n) * shrink * shrink;
  }
  // (e^{-2a} (1 - e^{-(4b-2a)}) / (1 - e^{-2a}) - (2N-1) e^{-2b}) / (1 - e^{-2b})^2
  const double om_2b = d.om_b * (1.0 + d.eb);
  // 1 - e^{-(4b-2a)}: with 4b - 2a >= 2b >= 1, e^{-(4b-2a)} = (e^{-2b} / e^{-a})^2 does not cancel.
  const double q = d.a > 700.0 ? 0.0 : d.eb * d.eb / d.ea;
  const double om_4b2a = d.b >= 0.5 ? 1.0 - q * q : -std::expm1(-(4.0 * d.b - 2.0 * d.a));
  const double first = d.ea * d.ea * (om_4b2a / (d.om_a * (1.0 + d.ea)));
  return (first - (2.0 * n - 1.0) * d.eb * d.eb) / (om_2b * om_2b);
}

/// x(t)/X = sinh(kappa (T - t)) / sinh(kappa T) with b = kappa T and s = t / T in [0, 1].
[[nodiscard]] inline double remaining_fraction(double b, double s) noexcept {
  if (!(b >= linear_limit)) return 1.0 - s;
  if (s <= 0.0) return 1.0;
  if (s >= 1.0) return 0.0;
  return std::exp(-b * s) * std::expm1(-2.0 * b * (1.0 - s)) / std::expm1(-2.0 * b);
}

/// Fills holdings x_0..x_N (eq. 17) and trades n_1..n_N (eq. 18) of the optimal trajectory.
inline void optimal_path(double quantity, const decay& d, vector& x, vector& trades) {
  const index n_intervals = d.n;
  const auto n = static_cast<double>(n_intervals);
  x.resize(n_intervals + 1);
  trades.resize(n_intervals);
  if (!(d.b >= linear_limit)) {
    for (index j = 0; j <= n_intervals; ++j) x[j] = quantity * (static_cast<double>(n_intervals - j) / n);
    trades.setConstant(quantity / n);
    return;
  }
  // x_j = X e^{-a j} (1 - e^{-2a(N-j)}) / (1 - e^{-2b})
  // n_j = X (1 - e^{-a}) e^{-a(j-1)} (1 + e^{-2a(N-j)} e^{-a}) / (1 - e^{-2b})
  const double denom = d.om_b * (1.0 + d.eb);
  double e_prev = 1.0;  // e^{-a (j-1)}
  x[0] = quantity;
  for (index j = 1; j <= n_intervals; ++j) {
    const double left = static_cast<double>(n_intervals - j);
    const double e_j = std::exp(-d.a * static_cast<double>(j));
    const double f_j = j == n_intervals ? 0.0 : -std::expm1(-2.0 * d.a * left);  // 1 - e^{-2a(N-j)}
    x[j] = quantity * (e_j * f_j / denom);
    trades[j - 1] = quantity * (d.om_a * e_prev * (1.0 + (1.0 - f_j) * d.ea) / denom);
    e_prev = e_j;
  }
}

/// Root of an increasing function f on [lo, hi], given f(lo) < 0 < f(hi) (TOMS 748).
template <class F>
[[nodiscard]] double solve_increasing(F f, double lo, double hi, double f_lo, double f_hi) {
  std::uintmax_t max_iter = 200;
  const auto r = boost::math::tools::toms748_solve(
      f, lo, hi, f_lo, f_hi, boost::math::tools::eps_tolerance<double>(std::numeric_limits<double>::digits - 3),
      max_iter, root_policy{});
  return 0.5 * (r.first + r.second);
}

}  // namespace detail::almgren_chriss_math

}  // namespace footprint
