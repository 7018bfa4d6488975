// calibrate_real_data: calibrate the linear Almgren-Chriss impact coefficients (gamma, eta,
// epsilon) with standard errors on the metaorder proxies of real market data (the LOBSTER
// GOOG day and the Bitstamp BTC/USD day from ../shared/data, or $FOOTPRINT_DATA_DIR), and on
// a synthetic market whose true gamma and epsilon are known. Deterministic.
//
// Usage: calibrate_real_data [--data DIR]
#include <footprint/data/bitstamp_dataset.hpp>
#include <footprint/data/impact_pipeline.hpp>
#include <footprint/data/lobster_dataset.hpp>
#include <footprint/data/synthetic/synthetic_dataset.hpp>
#include <footprint/impact/almgren_chriss_calibration.hpp>
#include <footprint/impact/dataset_observations.hpp>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <string>
#include <string_view>

namespace fp = footprint;
namespace fs = std::filesystem;

namespace {

void print_estimate(const char* name, const fp::parameter_estimate& e, const char* unit) {
  std::printf("  %-8s %12.4e  (SE %.2e, HC1 SE %.2e, t %6.2f)  %s\n", name, e.value, e.std_error, e.robust_std_error,
              e.robust_t_stat(), unit);
}

// Fits Almgren-Chriss to the metaorder proxies of one source and prints the estimates.
fp::almgren_chriss_calibration fit_almgren_chriss(const char* title, const fp::impact_pipeline_result& r) {
  // [calibrate]
  // Permanent impact read 300 s after each metaorder's last fill; each row's volatility is
  // its arrival realized volatility over 300 s, scaled to the dataset's session (the period
  // of its ADV: 6.5 hours for NASDAQ, 24 hours for crypto).
  const fp::dataset_observations data = fp::to_impact_observations(
      r.metaorders, {.horizon = std::chrono::seconds(300), .volatility_feature = "realized_vol_rate_300s"});
  fp::almgren_chriss_calibration ac({.time_unit = std::chrono::seconds(1)});
  const fp::fit_report report = ac.fit(data.observations);
  // [calibrate]
  std::printf("\n%s\n", title);
  std::printf("  metaorders %ld, used %zu, excluded %zu (%s)\n", static_cast<long>(r.metaorders.rows()),
              data.rows.size(), data.excluded.size(),
              data.excluded.empty() ? "none" : data.excluded.front().reason.c_str());
  std::printf("  permanent regression: %ld rows, R^2 %.4f; temporary regression: %ld rows, R^2 %.4f\n",
              static_cast<long>(ac.n_permanent()), ac.permanent_r2(), static_cast<long>(ac.n_temporary()),
              ac.temporary_r2());
  print_estimate("gamma", ac.gamma(), "quote currency per share, per share traded");
  print_estimate("eta", ac.eta(), "quote currency per share, per (share per second)");
  print_estimate("epsilon", ac.epsilon(), "quote currency per share");
  std::printf("  (%s)\n", report.message.c_str());
  const double mid = r.state.mid;
  std::printf("  at the last mid %.2f: gamma x 1%% of ADV (%.0f) = %.2f bps; epsilon = %.2f bps\n", mid,
              0.01 * r.metaorders.daily_volume, 1e4 * ac.gamma().value * 0.01 * r.metaorders.daily_volume / mid,
              1e4 * ac.epsilon().value / mid);
  return ac;
}

}  // namespace

int main(int argc, char** argv) {
  fs::path data = "../shared/data";
  if (const char* env = std::getenv("FOOTPRINT_DATA_DIR"); env != nullptr) data = env;
  for (int i = 1; i < argc; ++i) {
    if (std::string_view(argv[i]) == "--data" && i + 1 < argc) {
      data = argv[++i];
    } else {
      std::fprintf(stderr, "usage: %s [--data DIR]\n", argv[0]);
      return 2;
    }
  }
  try {
    // A synthetic market with planted permanent impact gamma = 1e-5 USD per share and a
    // one-tick spread (true epsilon 0.005 USD): the calibration must find gamma within its
    // standard errors. Its epsilon also absorbs the mean book walk and transient impact of
    // the child orders, which the linear model has no other term for.
    const fp::synthetic_market_params market{.volatility = 1e-5, .gamma = 1e-5, .beta = 2e-5};
    const fp::almgren_chriss_calibration syn = fit_almgren_chriss(
        "synthetic market (true gamma 1e-5, epsilon 5e-3 + book walk)", fp::synthetic_dataset(market));
    const double z = (syn.gamma().value - market.gamma) / syn.gamma().robust_std_error;
    std::printf("  gamma - truth = %.2f HC1 standard errors\n", z);
    if (std::abs(z) > 3.0) {
      std::fprintf(stderr, "calibrate_real_data: gamma is %.1f standard errors from the truth\n", z);
      return 1;
    }

    const fs::path goog = data / "lobster" / "GOOG_2012-06-21_L1";
    const fs::path message = goog / "GOOG_2012-06-21_34200000_57600000_message_1.csv";
    const fs::path orderbook = goog / "GOOG_2012-06-21_34200000_57600000_orderbook_1.csv";
    if (fs::exists(message) && fs::exists(orderbook)) {
      fit_almgren_chriss("LOBSTER GOOG 2012-06-21 (NASDAQ, 6.5-hour session)",
                         fp::lobster_dataset(message.string(), orderbook.string()));
    } else {
      std::printf("\n(no LOBSTER GOOG day in %s)\n", data.string().c_str());
    }
    const fs::path bitstamp = data / "bitstamp";
    if (fs::exists(bitstamp / "trades.csv")) {
      fit_almgren_chriss("Bitstamp BTC/USD 2015-05-01 (24-hour session)", fp::bitstamp_dataset(bitstamp.string()));
    } else {
      std::printf("\n(no Bitstamp recording in %s)\n", data.string().c_str());
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "calibrate_real_data: %s\n", e.what());
    return 1;
  }
  return 0;
}
