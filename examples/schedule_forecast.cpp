// schedule_forecast: the cost of working 1% of a day's volume over one minute, ten minutes and
// an hour, from the data's own book, trades and metaorders: the book walk of each child, the
// transient impact kernel fitted on the tape, the square-root law's permanent impact fitted on
// the metaorders and shrunk toward its prior, and the spread of the total from the parameters'
// standard errors and the price risk. On the built-in synthetic market, and on the LOBSTER
// GOOG day when ../shared/data (or $FOOTPRINT_DATA_DIR) has it. Deterministic.
#include <footprint/data/lobster_dataset.hpp>
#include <footprint/data/synthetic/synthetic_dataset.hpp>
#include <footprint/execution/schedule_forecast.hpp>
#include <footprint/impact/dataset_observations.hpp>
#include <footprint/impact/impact_prior.hpp>
#include <footprint/impact/propagator_fit.hpp>
#include <footprint/impact/square_root_law.hpp>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <limits>
#include <string>

namespace fp = footprint;
namespace fs = std::filesystem;

namespace {

// Fits the impact model of one source and prices an even schedule (one child a minute, at
// least two) of 1% of its daily volume over three horizons. Returns false when a longer
// horizon costs more, which the model rules out.
bool forecast(const char* title, const fp::impact_pipeline_result& r) {
  std::printf("\n%s\n", title);
  const double volume = r.orders.daily_volume;
  const double session = r.orders.session_seconds;
  // [model]
  // 1. The transient kernel, from the tape: mid returns on lagged signed flow, 2 s bins,
  //    2 minutes of lags, f(q) = (q / V)^0.5.
  const fp::propagator_fit_result kernel =
      fp::fit_propagator(r.tape, volume, {.bin = std::chrono::seconds{2}, .lags = 60, .delta = 0.5});
  // 2. Permanent impact: the square-root law on the metaorders' 300 s mid moves, shrunk
  //    toward Y = 0.8 +- 0.4, delta = 0.5 +- 0.1 where the data cannot tell.
  const fp::dataset_observations metaorders = fp::to_impact_observations(r.metaorders);
  fp::square_root_law law({.component = fp::impact_component::permanent});
  (void)law.fit(metaorders.observations);
  const fp::shrunk_square_root permanent = fp::shrink_to_prior(law);
  // 3. The model of a schedule: the book at arrival, the kernel, the law, the volatility.
  fp::schedule_impact_model model;
  model.daily_volume = volume;
  model.daily_volatility = r.state.volatility * std::sqrt(session);
  model.volatility = r.state.volatility;
  model.transient = kernel.model.params();
  model.g0_std_error = kernel.g0.std_error;
  model.scale_std_error = kernel.scale.std_error;
  model.permanent = permanent;
  // [model]
  std::printf("  kernel: G0 %.3g +- %.2g bps per unit of (q/V)^0.5, tau %.3g +- %.2g s (%ld trades)\n", kernel.g0.value,
              kernel.g0.std_error, kernel.scale.value, kernel.scale.std_error, static_cast<long>(kernel.trades));
  std::printf("  permanent: %s\n", permanent.message.c_str());
  const double quantity = std::round(0.01 * volume);
  std::printf("  buy %.0f (1%% of the day's volume %.0f), arrival mid %.2f\n", quantity, volume, r.state.mid);
  std::printf("  %-8s %8s %10s %10s %10s %10s %8s %8s %8s %7s\n", "horizon", "children", "book", "transient",
              "permanent", "expected", "p05", "p50", "p95", "P>25");
  double previous = std::numeric_limits<double>::infinity();
  bool falls = true;
  for (const double horizon : {60.0, 600.0, 3600.0}) {
    // [forecast]
    const auto n = static_cast<fp::index>(std::max(2.0, horizon / 60.0));
    const fp::vector times =
        fp::vector::LinSpaced(n, 0.0, horizon * static_cast<double>(n - 1) / static_cast<double>(n));
    const fp::vector children = fp::vector::Constant(n, quantity / static_cast<double>(n));
    const fp::schedule_forecast f =
        fp::forecast_schedule(r.book, fp::side::buy, times, children, model, {.threshold_bps = 25.0});
    // [forecast]
    std::printf("  %6.0f s %8ld %10.2f %10.2f %10.2f %10.2f %8.2f %8.2f %8.2f %7.3f\n", horizon, static_cast<long>(n),
                f.immediate_bps, f.transient_bps, f.permanent_bps, f.expected_bps, f.p05_bps, f.p50_bps, f.p95_bps,
                f.exceedance_probability);
    falls = falls && f.expected_bps < previous;
    previous = f.expected_bps;
  }
  return falls;
}

}  // namespace

int main() {
  try {
    fs::path data = "../shared/data";
    if (const char* env = std::getenv("FOOTPRINT_DATA_DIR"); env != nullptr) data = env;
    // The built-in market: a 6.5-hour day with planted permanent and transient impact.
    bool ok = forecast("synthetic market", fp::synthetic_dataset({.volatility = 1e-5, .gamma = 1e-5, .beta = 2e-5}));
    const fs::path goog = data / "lobster" / "GOOG_2012-06-21_L1";
    const fs::path message = goog / "GOOG_2012-06-21_34200000_57600000_message_1.csv";
    const fs::path orderbook = goog / "GOOG_2012-06-21_34200000_57600000_orderbook_1.csv";
    if (fs::exists(message) && fs::exists(orderbook)) {
      ok = forecast("LOBSTER GOOG 2012-06-21", fp::lobster_dataset(message.string(), orderbook.string())) && ok;
    } else {
      std::printf("\n(no LOBSTER GOOG day in %s)\n", data.string().c_str());
    }
    return ok ? 0 : 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "schedule_forecast: %s\n", e.what());
    return 1;
  }
}
