/// @file pretrade/calibrate_report.hpp
/// @brief `calibrate_report`: makes a pre-trade report's 90% intervals and exceedance
/// probabilities conformal, from the engine's normalized residuals on real metaorders (what
/// `pretrade_backtest` measured: `backtest_result::engine_scores`). See docs/validation.md.
#pragma once

#include "footprint/detail/concat.hpp"
#include "footprint/error.hpp"
#include "footprint/pretrade/pretrade_report.hpp"
#include "footprint/types.hpp"
#include "footprint/validation/conformal_calibrator.hpp"

#include <cmath>
#include <span>
#include <string>
#include <utility>

namespace footprint {

/// The largest normalized residual |realized - mean| / sd that `calibrate_report` takes:
/// 10^6 standard deviations. Beyond it a value is not a backtest's (1e308 made every
/// interval [-inf, inf]).
inline constexpr double max_calibration_residual = 1e6;

/// Replaces each strategy's [p05, p95] and P(total > threshold) by their conformal versions.
///
/// With r_1..r_n the engine's signed normalized residuals (realized - mean) / sd on
/// metaorders it had not seen (a walk-forward backtest), a strategy forecast with mean m and
/// sd s gets the interval m +- q s, q the ceil((n + 1) 0.9)-th smallest |r_i| (split
/// conformal with the normalized score; Lei et al. 2018), and P = 1 - Q(threshold) of the
/// split conformal predictive system on r (Vovk et al. 2019): the share of m + s r_i above the
/// threshold. The guarantee is the backtest's: it holds to the extent that the metaorders it
/// scored are exchangeable with the order now (same instrument, similar sizes and market).
/// The expected costs, sd and median do not change; `r.calibration` says what was done.
/// @param r the report (its strategies' forecasts are changed)
/// @param residuals (n) the engine's normalized residuals, finite, each within
///        +-`max_calibration_residual`; n >= 9 (fewer cannot bound a 90% interval)
/// @param source where they came from, for the report
/// @throws invalid_argument when n < 9 or a residual is not finite or out of range
inline void calibrate_report(pretrade_report& r, std::span<const double> residuals, std::string source = {}) {
  constexpr const char* where = "footprint::calibrate_report";
  const auto n = static_cast<index>(residuals.size());
  if (n < 9)
    throw invalid_argument(
        detail::concat(where, ": ", n, " calibration residuals; at least 9 are needed for a 90% interval"));
  for (std::size_t i = 0; i < residuals.size(); ++i)
    if (!(std::abs(residuals[i]) <= max_calibration_residual))
      throw invalid_argument(detail::concat(where, ": residual ", i, " is ", residuals[i],
                                            "; a normalized residual is finite and within +-",
                                            max_calibration_residual));
  const Eigen::Map<const vector> y(residuals.data(), n);
  conformal_calibrator cal({.score = conformal_score::normalized});
  (void)cal.fit(y, vector::Zero(n), vector::Ones(n));
  for (pretrade_strategy& st : r.strategies) {
    schedule_forecast& f = st.forecast;
    const auto [low, high] = cal.predict_interval_row(f.expected_bps, f.std_bps, 0.1);
    f.p05_bps = low;
    f.p95_bps = high;
    f.exceedance_probability = cal.exceedance_probability_row(f.expected_bps, f.std_bps, r.order.threshold_bps);
  }
  r.calibration = {.conformal = true, .scores = n, .source = std::move(source)};
}

}  // namespace footprint
