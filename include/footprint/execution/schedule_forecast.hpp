/// @file execution/schedule_forecast.hpp
/// @brief The cost of an execution schedule from the book, time and size: each child walks the
/// arrival book, pays the transient impact of the children before it (a fitted propagator
/// kernel) and the permanent impact of the quantity already done (a square-root law shrunk
/// toward its prior); parameter uncertainty, model uncertainty and price risk give its spread,
/// quantiles and the probability of exceeding a limit.
///
/// A schedule is N children of quantity n_j >= 0 at times t_j (seconds after arrival,
/// non-decreasing), X = sum n_j. In bps of the arrival mid, cost-signed, child j pays
///
///   immediate_j  = walk_book(book, side, n_j)                      the structural cost (book/book_walk.hpp)
///   transient_j  = sum_{k<j} G0 d(t_j - t_k) (n_k / V)^delta_G      the earlier children's impact not yet decayed
///   permanent_j  = (1 / n_j) integral over [C_{j-1}, C_j] of 1e4 Y sigma_d (c / V)^delta dc,  C_j = n_1 + ... + n_j
///   model_j      = b + s Z_m                                         the statistical correction (bias b, sd s)
///
/// and the schedule costs sum_j (n_j / X)(immediate_j + transient_j + permanent_j + model_j)
/// plus price risk R ~ Normal(0, s_R^2), s_R = 1e4 volatility sqrt(sum_j x_j^2 (t_{j+1} - t_j)) / X
/// with x_j = X - C_j still to trade after child j (Almgren and Chriss 2000, eq. 5, with the
/// relative volatility per sqrt(second)). V is the daily volume and sigma_d the daily
/// volatility the law was fitted with.
///
/// What it assumes, and why this form:
/// - the book refills between children to its arrival shape, and what has not recovered is
///   the propagator's decaying part (Bouchaud, Gefen, Potters and Wyart 2004; Obizhaeva and
///   Wang 2013 for the refilling book); so slower schedules pay less, and size prices through
///   the book's depth, not through a statistical model's last leaf;
/// - the permanent impact is concave in quantity (Toth et al. 2011) and independent of time;
///   each child pays the law's impact averaged over its own slice of the order, so that every
///   schedule of X pays I(X) / (1 + delta) however it is sliced (the continuous-time
///   Almgren-Chriss permanent cost, which does not depend on the trajectory, with the
///   square-root law's concave I). The discrete form (a child pays only the impact of the
///   children before it, Almgren and Chriss 2000, eq. 8) would make the cost depend on the
///   number of children where the book walk is flat (a deep book), so that cutting an order
///   finer would look expensive. For one block, the book walk already prices part of its own
///   impact: that part, at most I(X) / (1 + delta), is counted twice;
/// - the statistical model corrects the structural cost by a shared amount with its own spread
///   (one draw Z_m for every child: model error is common to the schedule).
///
/// Uncertainty: `expected_bps` and its parts are at the parameters' estimates (deterministic,
/// exact). The spread comes from `draws` Monte Carlo draws with a fixed seed (same seed, same
/// numbers, whatever the thread count): (Y, delta) from their joint normal posterior, G0 and
/// the decay scale from normals with their standard errors (truncated at 0 and at a tenth of
/// the scale), Z_m and the price risk standard normal. `std_bps`, the 5/50/95% quantiles and
/// P(total > threshold) are those of the draws.
#pragma once

#include "footprint/book/book_walk.hpp"
#include "footprint/concepts.hpp"
#include "footprint/detail/checks.hpp"
#include "footprint/detail/concat.hpp"
#include "footprint/detail/random.hpp"
#include "footprint/error.hpp"
#include "footprint/impact/impact_prior.hpp"
#include "footprint/impact/parameter_estimate.hpp"
#include "footprint/impact/propagator.hpp"
#include "footprint/types.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace footprint {

/// The market and the fitted impact a `forecast_schedule` prices with.
struct schedule_impact_model {
  double daily_volume = nan;      ///< V, quantity per day (the law's and the kernel's volume); finite, > 0
  double daily_volatility = nan;  ///< sigma_d, fractional per day (the law's sigma); finite, > 0
  double volatility = nan;        ///< relative volatility per sqrt(second), for price risk; finite, >= 0
  /// The transient kernel: G0, the decay (tau or l0, beta), delta_G; quantities as a fraction
  /// of V (as `fit_propagator` returns). Its G_inf is not used: permanent impact is the law's.
  propagator_params transient{.kernel = propagator_kernel::exponential, .g0 = 0.0};
  double g0_std_error = 0.0;     ///< standard error of G0, bps per unit of f; finite, >= 0
  double scale_std_error = 0.0;  ///< standard error of tau (exponential) or l0 (power law), seconds; finite, >= 0
  shrunk_square_root permanent;  ///< Y and delta (posterior mean and covariance, `shrink_to_prior`)
  double model_bias_bps = 0.0;   ///< b, the statistical model's mean correction per child, bps; finite
  double model_std_bps = 0.0;    ///< s, its spread, bps; finite, >= 0
  book_walk_params book{};       ///< the depth profile beyond the visible levels
};

/// Settings of `forecast_schedule`.
struct schedule_forecast_params {
  double threshold_bps = 10.0;  ///< the limit P refers to, bps; finite
  index draws = 4000;           ///< Monte Carlo draws of the spread; in [100, 1e7]
  std::uint64_t seed = 42;      ///< the draws' seed
  bool keep_draws = false;      ///< return the draws, sorted, in `schedule_forecast::draws` (for CRPS and PIT)
};

/// What `forecast_schedule` returns; bps of the arrival mid, positive = cost.
struct schedule_forecast {
  double immediate_bps = nan;           ///< sum (n_j / X) immediate_j: the book's part of temporary
  double transient_bps = nan;           ///< sum (n_j / X) transient_j: the earlier children's impact
  double temporary_bps = nan;           ///< immediate + transient + the model's bias
  double permanent_bps = nan;           ///< sum (n_j / X) permanent_j
  double expected_bps = nan;            ///< temporary + permanent, at the estimates
  double std_bps = nan;                 ///< sd of the total over the draws
  double p05_bps = nan;                 ///< 5% quantile of the total over the draws
  double p50_bps = nan;                 ///< median
  double p95_bps = nan;                 ///< 95% quantile
  double exceedance_probability = nan;  ///< P(total > threshold_bps), share of the draws
  double price_risk_std_bps = nan;      ///< s_R
  double max_child_to_depth = nan;      ///< the largest child over the visible depth it takes
  std::vector<double> child_bps;  ///< (N) each child's expected cost, bps (immediate + transient + permanent + bias)
  std::vector<double> draws;      ///< (draws) the total's draws, ascending, when `keep_draws`; else empty
};

namespace detail {

/// The parts of a schedule's cost that depend on the uncertain parameters, per unit weight.
struct schedule_parts {
  std::vector<double> weight, immediate, f, cumulative_share, cumulative_after, log_cumulative_after;  // per child
  double price_risk = 0.0;                                                                             // s_R
};

}  // namespace detail

/// Prices an execution schedule (see the file comment for the model).
///
/// @param book the book at arrival, any `OrderBookView` with both sides
/// @param s the parent order's side
/// @param times (N) child times, seconds after arrival, non-decreasing, finite, >= 0
/// @param quantities (N) child quantities in the book's units, finite, >= 0, positive sum
/// @param m the market and the fitted impact; @param p threshold, draws and seed
/// @return the expected parts, the spread, quantiles and P, each child's expected cost
/// @throws dimension_mismatch when times and quantities differ in length; invalid_argument for
///         an empty schedule, an entry or setting out of range, or a book `walk_book` refuses
/// Complexity: O(N (1 + draws)) with an exponential kernel (its sums by recursion),
/// O(N^2 (1 + draws)) with a power-law one.
template <OrderBookView Book>
[[nodiscard]] schedule_forecast forecast_schedule(const Book& book, side s, vector_cref times, vector_cref quantities,
                                                  const schedule_impact_model& m,
                                                  const schedule_forecast_params& p = {}) {
  constexpr std::string_view where = "footprint::forecast_schedule";
  if (times.size() != quantities.size())
    throw dimension_mismatch(std::string(where), "times.size() must equal quantities.size()", quantities.size(),
                             times.size());
  const index n = quantities.size();
  if (n == 0) throw invalid_argument(detail::concat(where, ": the schedule has no children"));
  detail::require_positive(m.daily_volume, where, "daily_volume");
  detail::require_positive(m.daily_volatility, where, "daily_volatility");
  detail::require(std::isfinite(m.volatility) && m.volatility >= 0.0, where, "volatility", "finite and >= 0",
                  m.volatility);
  detail::require(std::isfinite(m.g0_std_error) && m.g0_std_error >= 0.0, where, "g0_std_error", "finite and >= 0",
                  m.g0_std_error);
  detail::require(std::isfinite(m.scale_std_error) && m.scale_std_error >= 0.0, where, "scale_std_error",
                  "finite and >= 0", m.scale_std_error);
  detail::require(std::isfinite(m.model_bias_bps), where, "model_bias_bps", "finite", m.model_bias_bps);
  detail::require(std::isfinite(m.model_std_bps) && m.model_std_bps >= 0.0, where, "model_std_bps", "finite and >= 0",
                  m.model_std_bps);
  detail::require(std::isfinite(p.threshold_bps), where, "threshold_bps", "finite", p.threshold_bps);
  detail::require(p.draws >= 100 && p.draws <= 10'000'000, where, "draws", "in [100, 1e7]",
                  static_cast<double>(p.draws));
  (void)propagator(m.transient);  // validates the kernel's parameters
  const shrunk_square_root& law = m.permanent;
  if (law.covariance.rows() != 2 || law.covariance.cols() != 2 || !std::isfinite(law.y.value) ||
      !std::isfinite(law.delta.value)) {
    throw invalid_argument(
        detail::concat(where, ": the permanent law needs Y, delta and their 2 x 2 covariance (shrink_to_prior)"));
  }
  double total = 0.0;
  for (index j = 0; j < n; ++j) {
    const double q = quantities[j], t = times[j];
    if (!(std::isfinite(q) && q >= 0.0))
      throw invalid_argument(detail::concat(where, ": quantities must be finite and >= 0; child ", j, " is ", q));
    if (!(std::isfinite(t) && t >= 0.0) || (j > 0 && t < times[j - 1]))
      throw invalid_argument(
          detail::concat(where, ": times must be finite, >= 0 and non-decreasing; child ", j, " is at ", t, " s"));
    total += q;
  }
  if (!(total > 0.0)) throw invalid_argument(detail::concat(where, ": the schedule's quantities sum to 0"));

  // What does not depend on the uncertain parameters.
  detail::schedule_parts parts;
  const auto N = static_cast<std::size_t>(n);
  parts.weight.resize(N);
  parts.immediate.resize(N, 0.0);
  parts.f.resize(N);
  parts.cumulative_share.resize(N);
  parts.cumulative_after.resize(N);
  parts.log_cumulative_after.resize(N);
  schedule_forecast out;
  out.max_child_to_depth = 0.0;
  double done = 0.0, risk = 0.0;
  for (std::size_t j = 0; j < N; ++j) {
    const double q = quantities[static_cast<index>(j)];
    parts.weight[j] = q / total;
    parts.cumulative_share[j] = done / m.daily_volume;  // C_{j-1} / V
    parts.f[j] = std::pow(q / m.daily_volume, m.transient.delta);
    if (q > 0.0) {
      const book_walk w = walk_book(book, s, q, m.book);
      parts.immediate[j] = w.cost_bps;
      out.max_child_to_depth = std::max(out.max_child_to_depth, q / w.visible_quantity);
    }
    done += q;
    parts.cumulative_after[j] = done / m.daily_volume;  // C_j / V
    parts.log_cumulative_after[j] = done > 0.0 ? std::log(parts.cumulative_after[j]) : 0.0;
    if (j + 1 < N) {
      const double remaining = total - done;
      risk += remaining * remaining * (times[static_cast<index>(j) + 1] - times[static_cast<index>(j)]);
    }
  }
  parts.price_risk = 1e4 * m.volatility * std::sqrt(risk) / total;
  out.price_risk_std_bps = parts.price_risk;

  const double scale0 = m.transient.kernel == propagator_kernel::exponential ? m.transient.tau : m.transient.l0;
  // The three uncertain parts of the expected cost, for given (G0, scale, Y, delta).
  struct parts_at {
    double transient, permanent;
  };
  std::vector<double> child_transient(N);
  const auto evaluate = [&](double g0, double scale, double y, double delta, bool keep_children) {
    // The decaying part G0 d(l) of the kernel with these parameters: the propagator's own
    // kernel without its permanent floor.
    propagator_params shape = m.transient;
    shape.g0 = g0;
    shape.g_inf = 0.0;
    const bool exponential = shape.kernel == propagator_kernel::exponential;
    (exponential ? shape.tau : shape.l0) = scale;
    const std::optional<propagator> kernel =
        exponential || !(g0 > 0.0) ? std::nullopt : std::optional<propagator>(std::in_place, shape);
    const double k_law = 1e4 * y * m.daily_volatility;
    parts_at r{0.0, 0.0};
    double decayed = 0.0;     // exponential kernel: sum_{k<j} f_k exp(-(t_j - t_k) / tau), by recursion
    double pow_before = 0.0;  // (C_{j-1} / V)^(1 + delta)
    for (std::size_t j = 0; j < N; ++j) {
      double tr = 0.0;
      if (g0 > 0.0) {
        const double tj = times[static_cast<index>(j)];
        if (exponential) {
          // O(N): S_j = exp(-(t_j - t_{j-1}) / tau) (S_{j-1} + f_{j-1}).
          if (j > 0) decayed = (decayed + parts.f[j - 1]) * std::exp(-(tj - times[static_cast<index>(j) - 1]) / scale);
          tr = g0 * decayed;
        } else {
          for (std::size_t k = 0; k < j; ++k) tr += parts.f[k] * kernel->kernel(tj - times[static_cast<index>(k)]);
        }
      }
      // The law's impact averaged over the child's own slice [C_{j-1}, C_j] of the order.
      const double b = parts.cumulative_share[j], a = parts.cumulative_after[j];
      const double pow_after = a > 0.0 ? std::exp((1.0 + delta) * parts.log_cumulative_after[j]) : 0.0;
      const double perm = a > b ? k_law * (pow_after - pow_before) / ((1.0 + delta) * (a - b))
                                : (b > 0.0 ? k_law * std::exp(delta * parts.log_cumulative_after[j]) : 0.0);
      pow_before = pow_after;
      r.transient += parts.weight[j] * tr;
      r.permanent += parts.weight[j] * perm;
      if (keep_children) child_transient[j] = tr + perm;
    }
    return r;
  };
  // The same two parts for a draw, where only the order's totals are needed: the permanent
  // part does not depend on the slicing (each child's slice average times its weight
  // telescopes to I(X) / (1 + delta) = 1e4 Y sigma_d (X / V)^delta / (1 + delta)), and the
  // exponential kernel's decay factor is computed once per distinct gap between children
  // (schedules sit on a time grid: usually one gap). Equal to evaluate's sums up to rounding.
  const double log_order = std::log(total / m.daily_volume);
  const auto draw = [&](double g0, double scale, double y, double delta) {
    parts_at r{0.0, 1e4 * y * m.daily_volatility * std::exp(delta * log_order) / (1.0 + delta)};
    if (!(g0 > 0.0)) return r;
    if (m.transient.kernel != propagator_kernel::exponential) {
      r.transient = evaluate(g0, scale, y, delta, false).transient;
      return r;
    }
    double decayed = 0.0, gap = nan, factor = 0.0, sum = 0.0;
    for (std::size_t j = 1; j < N; ++j) {
      const double g = times[static_cast<index>(j)] - times[static_cast<index>(j) - 1];
      if (g != gap) {
        gap = g;
        factor = std::exp(-g / scale);
      }
      decayed = (decayed + parts.f[j - 1]) * factor;
      sum += parts.weight[j] * decayed;
    }
    r.transient = g0 * sum;
    return r;
  };
  double immediate = 0.0;
  for (std::size_t j = 0; j < N; ++j) immediate += parts.weight[j] * parts.immediate[j];
  const parts_at at_estimate = evaluate(m.transient.g0, scale0, law.y.value, law.delta.value, true);
  out.immediate_bps = immediate;
  out.transient_bps = at_estimate.transient;
  out.temporary_bps = immediate + at_estimate.transient + m.model_bias_bps;
  out.permanent_bps = at_estimate.permanent;
  out.expected_bps = out.temporary_bps + out.permanent_bps;
  out.child_bps.resize(N);
  for (std::size_t j = 0; j < N; ++j) out.child_bps[j] = parts.immediate[j] + child_transient[j] + m.model_bias_bps;

  // The draws: (Y, delta) through the posterior covariance's Cholesky factor.
  const matrix& c = law.covariance;
  const double l11 = std::sqrt(std::max(c(0, 0), 0.0));
  const double l21 = l11 > 0.0 ? c(1, 0) / l11 : 0.0;
  const double l22 = std::sqrt(std::max(c(1, 1) - l21 * l21, 0.0));
  detail::xoshiro256ss rng(p.seed);
  std::vector<double> totals(static_cast<std::size_t>(p.draws));
  index above = 0;
  for (double& v : totals) {
    const double z1 = rng.normal(), z2 = rng.normal();
    const double y = std::max(law.y.value + l11 * z1, 0.0);
    const double delta = std::clamp(law.delta.value + l21 * z1 + l22 * z2, 0.05, 1.5);
    const double g0 = std::max(m.transient.g0 + m.g0_std_error * rng.normal(), 0.0);
    const double scale = std::max(scale0 + m.scale_std_error * rng.normal(), 0.1 * scale0);
    const parts_at d = draw(g0, scale, y, delta);
    const double model = m.model_bias_bps + m.model_std_bps * rng.normal();
    v = immediate + d.transient + d.permanent + model + parts.price_risk * rng.normal();
    if (v > p.threshold_bps) ++above;
  }
  double mean = 0.0;
  for (double v : totals) mean += v;
  mean /= static_cast<double>(totals.size());
  double ss = 0.0;
  for (double v : totals) ss += (v - mean) * (v - mean);
  out.std_bps = std::sqrt(ss / static_cast<double>(totals.size() - 1));
  out.exceedance_probability = static_cast<double>(above) / static_cast<double>(totals.size());
  std::sort(totals.begin(), totals.end());
  const auto quantile = [&](double a) {  // linear interpolation between order statistics (type 7)
    const double h = a * static_cast<double>(totals.size() - 1);
    const auto lo = static_cast<std::size_t>(std::floor(h));
    const std::size_t hi = std::min(lo + 1, totals.size() - 1);
    return totals[lo] + (h - static_cast<double>(lo)) * (totals[hi] - totals[lo]);
  };
  out.p05_bps = quantile(0.05);
  out.p50_bps = quantile(0.50);
  out.p95_bps = quantile(0.95);
  if (p.keep_draws) out.draws = std::move(totals);
  return out;
}

}  // namespace footprint
