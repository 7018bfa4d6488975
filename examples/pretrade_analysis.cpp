// pretrade_analysis: the pre-trade report in your own C++, without the program. Fits the
// analysis (a cost model of one market order, the transient kernel, the permanent law) on the
// LOBSTER GOOG day when ../shared/data (or $FOOTPRINT_DATA_DIR) has it, else on the built-in
// synthetic market, and prices selling 1% of the day's volume over 30 minutes with gradient
// boosting: every strategy's expected cost, its 95% quantile and P(total > 25 bps), then the
// warnings; then saves the fitted analysis, loads it back and checks that it prices the same.
// Deterministic.
#include <footprint/data/lobster_dataset.hpp>
#include <footprint/data/synthetic/synthetic_dataset.hpp>
#include <footprint/io/pretrade_json.hpp>
#include <footprint/io/tree_model_json.hpp>
#include <footprint/models/trees/gradient_boosting.hpp>
#include <footprint/pretrade/pretrade_analysis.hpp>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <string>

namespace fs = std::filesystem;

int main() {
  try {
    fs::path data = "../shared/data";
    if (const char* env = std::getenv("FOOTPRINT_DATA_DIR"); env != nullptr) data = env;
    const fs::path goog = data / "lobster" / "GOOG_2012-06-21_L1";
    const fs::path message = goog / "GOOG_2012-06-21_34200000_57600000_message_1.csv";
    const fs::path orderbook = goog / "GOOG_2012-06-21_34200000_57600000_orderbook_1.csv";
    const bool real = fs::exists(message) && fs::exists(orderbook);
    const footprint::impact_pipeline_result market =
        real ? footprint::lobster_dataset(message.string(), orderbook.string())
             : footprint::synthetic_dataset({.volatility = 1e-5, .gamma = 1e-5, .beta = 2e-5});
    std::printf("%s, sell 1%% of the day's volume over 30 minutes\n", real ? "LOBSTER GOOG 2012-06-21" : "synthetic");
    // [analysis]
    footprint::pretrade_analysis<footprint::gradient_boosting> analysis(
        footprint::gradient_boosting({.n_estimators = 100, .max_depth = 4, .seed = 7}));
    analysis.fit(market);  // the model, the transient kernel, the permanent law, the arrival book
    const footprint::pretrade_report report = analysis.report({.side = footprint::side::sell,
                                                               .quantity = 0.01 * market.orders.daily_volume,
                                                               .horizon_seconds = 1800.0,
                                                               .threshold_bps = 25.0});
    for (const footprint::pretrade_strategy& s : report.strategies) {
      std::printf("  %-10s %8.2f bps %10.0f %s  p95 %7.2f  P(> 25 bps) %.3f\n", s.name.c_str(), s.forecast.expected_bps,
                  s.total_currency, report.instrument.quote_currency.c_str(), s.forecast.p95_bps,
                  s.forecast.exceedance_probability);
    }
    for (const footprint::pretrade_warning& w : report.warnings) std::printf("  warning: %s\n", w.message.c_str());
    // [analysis]
    // Going slower must not cost more in expectation (the passive strategy over 1 minute).
    const footprint::pretrade_report fast =
        analysis.report({.side = footprint::side::sell, .quantity = report.order.quantity, .horizon_seconds = 60.0});
    const bool slower_cheaper = fast.strategies[2].forecast.expected_bps >= report.strategies[2].forecast.expected_bps;
    std::printf("  passive over 1 minute: %.2f bps\n", fast.strategies[2].forecast.expected_bps);
    const fs::path file = fs::temp_directory_path() / "footprint_example_analysis.json";
    // [save]
    footprint::save_analysis(analysis, file);  // fit once...
    const auto loaded = footprint::load_analysis<footprint::gradient_boosting>(file);
    const footprint::pretrade_report again = loaded.report(report.order);  // ...price in milliseconds
    // [save]
    fs::remove(file);
    const bool same = again.strategies.back().forecast.expected_bps == report.strategies.back().forecast.expected_bps;
    std::printf("  saved and loaded: optimal %.2f bps (%s)\n", again.strategies.back().forecast.expected_bps,
                same ? "the same" : "DIFFERENT");
    return slower_cheaper && same ? 0 : 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "pretrade_analysis: %s\n", e.what());
    return 1;
  }
}
