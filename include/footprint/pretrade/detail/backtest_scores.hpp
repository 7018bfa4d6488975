/// @file pretrade/detail/backtest_scores.hpp
/// @brief Private to pretrade_backtest.hpp: predictive summaries from draws or a normal, and
/// the scores of a set of tested metaorders.
#pragma once

#include "footprint/pretrade/backtest_result.hpp"
#include "footprint/types.hpp"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <numbers>
#include <span>
#include <vector>

namespace footprint::detail {

// A prediction from sorted Monte Carlo draws: mean, sd, type-7 quantiles, the sample's CRPS
// (mean |x_i - y| - (1 / n^2) sum_i (2i - n + 1) x_(i), Gneiting and Raftery 2007, eq. 21 for
// the empirical distribution), PIT = share of draws <= y, P(x > t).
[[nodiscard]] inline backtest_prediction prediction_from_draws(std::span<const double> x, double y, double t) {
  backtest_prediction p;
  const auto n = static_cast<double>(x.size());
  double mean = 0.0, abs_err = 0.0, spread = 0.0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    mean += x[i];
    abs_err += std::abs(x[i] - y);
    spread += (2.0 * static_cast<double>(i) - n + 1.0) * x[i];
  }
  mean /= n;
  double ss = 0.0;
  for (const double v : x) ss += (v - mean) * (v - mean);
  const auto quantile = [&](double a) {
    const double h = a * (n - 1.0);
    const auto lo = static_cast<std::size_t>(std::floor(h));
    const std::size_t hi = std::min(lo + 1, x.size() - 1);
    return x[lo] + (h - static_cast<double>(lo)) * (x[hi] - x[lo]);
  };
  p.mean_bps = mean;
  p.std_bps = std::sqrt(ss / (n - 1.0));
  p.p05_bps = quantile(0.05);
  p.p95_bps = quantile(0.95);
  p.crps_bps = abs_err / n - spread / (n * n);
  p.pit = static_cast<double>(std::upper_bound(x.begin(), x.end(), y) - x.begin()) / n;
  p.exceedance = static_cast<double>(x.end() - std::upper_bound(x.begin(), x.end(), t)) / n;
  return p;
}

// A normal prediction N(mean, sd^2), in closed form with std::erfc (Boost.Math's normal
// header would add 2 to 2.5 s to every unit that includes the backtest): the 5% and 95%
// quantiles mean -+ z sd with z = Phi^-1(0.95), the CDF 0.5 erfc(-z / sqrt 2), and the CRPS
// of validation/metrics.hpp (Gneiting, Raftery, Westveld and Goldman 2005, eq. 5). Equal to
// Boost's quantiles and CDF to 1e-12 (tests/pretrade/pretrade_backtest.cpp).
[[nodiscard]] inline backtest_prediction prediction_from_normal(double mean, double sd, double y, double t) {
  constexpr double z95 = 1.6448536269514722;  // Phi^-1(0.95)
  const auto cdf = [&](double x) { return 0.5 * std::erfc(-(x - mean) / (sd * std::numbers::sqrt2)); };
  const double z = (y - mean) / sd;
  const double phi = std::exp(-0.5 * z * z) / std::sqrt(2.0 * std::numbers::pi);
  const double Phi = cdf(y);
  backtest_prediction p;
  p.mean_bps = mean;
  p.std_bps = sd;
  p.p05_bps = mean - z95 * sd;
  p.p95_bps = mean + z95 * sd;
  p.crps_bps = sd * (z * (2.0 * Phi - 1.0) + 2.0 * phi - 1.0 / std::sqrt(std::numbers::pi));
  p.pit = Phi;
  p.exceedance = 0.5 * std::erfc((t - mean) / (sd * std::numbers::sqrt2));
  return p;
}

// Scores of method m over the metaorders `rows` selects.
[[nodiscard]] inline backtest_scores score_rows(const std::vector<backtest_metaorder>& all,
                                                std::span<const std::size_t> rows, std::size_t m, double t) {
  backtest_scores s;
  s.metaorders = static_cast<index>(rows.size());
  if (rows.empty()) return s;
  double bias = 0.0, se = 0.0, ae = 0.0, crps = 0.0, covered = 0.0, brier = 0.0, exceeded = 0.0;
  double conformal_covered = 0.0, conformal_brier = 0.0;
  for (const std::size_t i : rows) {
    const backtest_metaorder& o = all[i];
    const backtest_prediction& p = o.predictions[m];
    const double e = p.mean_bps - o.realized_bps;
    const double hit = o.realized_bps > t ? 1.0 : 0.0;
    bias += e;
    se += e * e;
    ae += std::abs(e);
    crps += p.crps_bps;
    covered += (o.realized_bps >= p.p05_bps && o.realized_bps <= p.p95_bps) ? 1.0 : 0.0;
    brier += (p.exceedance - hit) * (p.exceedance - hit);
    exceeded += hit;
    if (std::isfinite(p.conformal_low)) {
      ++s.conformal_rows;
      conformal_covered += (o.realized_bps >= p.conformal_low && o.realized_bps <= p.conformal_high) ? 1.0 : 0.0;
      conformal_brier += (p.conformal_exceedance - hit) * (p.conformal_exceedance - hit);
    }
  }
  const auto n = static_cast<double>(rows.size());
  s.bias_bps = bias / n;
  s.rmse_bps = std::sqrt(se / n);
  s.mae_bps = ae / n;
  s.crps_bps = crps / n;
  s.coverage_90 = covered / n;
  s.brier = brier / n;
  s.exceedance_rate = exceeded / n;
  if (s.conformal_rows > 0) {
    s.coverage_90_conformal = conformal_covered / static_cast<double>(s.conformal_rows);
    s.brier_conformal = conformal_brier / static_cast<double>(s.conformal_rows);
  }
  return s;
}

// Method m's overall scores, 10-bin reliability table, 10-bin PIT histogram and size buckets.
[[nodiscard]] inline backtest_method_scores score_method(const std::vector<backtest_metaorder>& all, std::size_t m,
                                                         double t, const std::vector<double>& edges) {
  backtest_method_scores out;
  out.method = static_cast<backtest_method>(m);
  std::vector<std::size_t> every(all.size());
  for (std::size_t i = 0; i < all.size(); ++i) every[i] = i;
  out.overall = score_rows(all, every, m, t);
  constexpr int bins = 10;
  out.reliability.resize(bins);
  out.pit_histogram.assign(bins, 0);
  std::vector<double> predicted(bins, 0.0), observed(bins, 0.0);
  for (const backtest_metaorder& o : all) {
    const backtest_prediction& p = o.predictions[m];
    const int b = std::clamp(static_cast<int>(p.exceedance * bins), 0, bins - 1);
    ++out.reliability[static_cast<std::size_t>(b)].count;
    predicted[static_cast<std::size_t>(b)] += p.exceedance;
    observed[static_cast<std::size_t>(b)] += o.realized_bps > t ? 1.0 : 0.0;
    ++out.pit_histogram[static_cast<std::size_t>(std::clamp(static_cast<int>(p.pit * bins), 0, bins - 1))];
  }
  for (int b = 0; b < bins; ++b) {
    reliability_bin& r = out.reliability[static_cast<std::size_t>(b)];
    r.low = static_cast<double>(b) / bins;
    r.high = static_cast<double>(b + 1) / bins;
    if (r.count > 0) {
      r.mean_predicted = predicted[static_cast<std::size_t>(b)] / static_cast<double>(r.count);
      r.observed = observed[static_cast<std::size_t>(b)] / static_cast<double>(r.count);
    }
  }
  for (std::size_t k = 0; k <= edges.size(); ++k) {
    const double lo = k == 0 ? 0.0 : edges[k - 1];
    const double hi = k == edges.size() ? std::numeric_limits<double>::infinity() : edges[k];
    std::vector<std::size_t> rows;
    for (std::size_t i = 0; i < all.size(); ++i)
      if (all[i].participation >= lo && all[i].participation < hi) rows.push_back(i);
    out.by_size.push_back(score_rows(all, rows, m, t));
  }
  return out;
}

}  // namespace footprint::detail
