// recalibrate_from_fills: a desk's own parent orders, from their fills, as impact observations,
// and Almgren-Chriss refitted on them (post-trade recalibration). The orders here are the
// metaorders of footprint's synthetic market, whose permanent impact gamma is planted: the
// fit should give it back. With real fills, read them with fill_normalizer (FIX) or
// read_fills_csv, and the market tape from your data. Deterministic.
#include <footprint/data/synthetic/synthetic_dataset.hpp>
#include <footprint/impact/almgren_chriss_calibration.hpp>
#include <footprint/tca/metaorder_fills.hpp>
#include <footprint/tca/recalibration.hpp>

#include <cmath>
#include <cstdio>
#include <vector>

int main() {
  namespace fp = footprint;
  const fp::synthetic_market_params market{.volatility = 1e-5, .gamma = 1e-5, .beta = 2e-5};
  const fp::impact_pipeline_result r = fp::synthetic_dataset(market);

  // Each metaorder (a run of same-side market orders) is one parent order; its market orders
  // are its fills, at their average prices.
  const fp::impact_dataset& meta = r.metaorders;
  const std::vector<fp::order_fills> orders = fp::metaorder_fills(r);

  // The fills and the tape give each order's realized, permanent (5 minutes after its last
  // fill) and temporary impact; Almgren-Chriss's regressions read them.
  const fp::fill_observations f =
      fp::observations_from_fills(orders, r.tape, {.daily_volume = meta.daily_volume, .daily_volatility = 0.01});
  fp::almgren_chriss_calibration ac;
  (void)ac.fit(f.observations);
  std::printf("%lld parent orders as observations (%zu left out)\n", static_cast<long long>(f.observations.size()),
              f.skipped);
  std::printf("gamma %.3g per share (HC1 se %.2g), planted %.3g\n", ac.gamma().value, ac.gamma().robust_std_error,
              market.gamma);
  std::printf("eta %.3g (se %.2g), epsilon %.3g (se %.2g)\n", ac.eta().value, ac.eta().robust_std_error,
              ac.epsilon().value, ac.epsilon().robust_std_error);
  // The planted gamma within three standard errors, or the example fails.
  return std::abs(ac.gamma().value - market.gamma) < 3.0 * ac.gamma().robust_std_error ? 0 : 1;
}
