// Saving and loading a fitted pre-trade analysis (io/pretrade_json.hpp): the loaded analysis
// reports bit for bit what the saved one does, for a linear model, the OLS fallback and a
// quantile forest; corrupt or mismatched files raise data_error naming the field.
#include <footprint/data/synthetic/synthetic_dataset.hpp>
#include <footprint/io/linear_model_json.hpp>
#include <footprint/io/pretrade_json.hpp>
#include <footprint/io/tree_model_json.hpp>
#include <footprint/models/linear/bayesian_linear.hpp>
#include <footprint/models/linear/ols.hpp>
#include <footprint/models/trees/random_forest.hpp>
#include <footprint/pretrade/pretrade_analysis.hpp>

#include <doctest/doctest.h>

#include <cmath>
#include <filesystem>
#include <string>
#include <vector>

namespace unity_pretrade_persistence {

namespace fp = footprint;

const fp::impact_pipeline_result& data() {
  static const fp::impact_pipeline_result d = fp::synthetic_dataset({.volatility = 1e-5, .gamma = 1e-5, .beta = 2e-5});
  return d;
}

void check_same(const fp::pretrade_report& a, const fp::pretrade_report& b) {
  CHECK(a.reference_quantity == b.reference_quantity);
  CHECK(a.model_expected_bps == b.model_expected_bps);
  CHECK(a.model_std_bps == b.model_std_bps);
  CHECK(a.book_walk_bps == b.book_walk_bps);
  CHECK(a.model_bias_bps == b.model_bias_bps);
  CHECK(a.notional == b.notional);
  REQUIRE(a.strategies.size() == b.strategies.size());
  for (std::size_t k = 0; k < a.strategies.size(); ++k) {
    const auto& s = a.strategies[k];
    const auto& t = b.strategies[k];
    INFO(s.name);
    CHECK(s.name == t.name);
    CHECK(s.description == t.description);
    CHECK(s.times == t.times);
    CHECK(s.quantities == t.quantities);
    CHECK(s.forecast.expected_bps == t.forecast.expected_bps);
    CHECK(s.forecast.temporary_bps == t.forecast.temporary_bps);
    CHECK(s.forecast.permanent_bps == t.forecast.permanent_bps);
    CHECK(s.forecast.std_bps == t.forecast.std_bps);
    CHECK(s.forecast.p05_bps == t.forecast.p05_bps);
    CHECK(s.forecast.p95_bps == t.forecast.p95_bps);
    CHECK(s.forecast.exceedance_probability == t.forecast.exceedance_probability);
    CHECK(s.forecast.child_bps == t.forecast.child_bps);
    CHECK(s.total_currency == t.total_currency);
  }
  REQUIRE(a.warnings.size() == b.warnings.size());
  for (std::size_t k = 0; k < a.warnings.size(); ++k) {
    CHECK(a.warnings[k].code == b.warnings[k].code);
    CHECK(a.warnings[k].message == b.warnings[k].message);
  }
}

// Orders that exercise the book walk past the best quote, the transient kernel, the volume
// profile and the warnings (an order above 10% of ADV).
std::vector<fp::pretrade_order> orders(double adv) {
  return {{.side = fp::side::buy, .quantity = 0.01 * adv, .horizon_seconds = 600},
          {.side = fp::side::sell, .quantity = 0.002 * adv, .horizon_seconds = 60, .threshold_bps = 3},
          {.side = fp::side::buy, .quantity = 0.2 * adv, .horizon_seconds = 3600, .lambda = 1e-4}};
}

template <class R>
void check_round_trip(R regressor) {
  fp::pretrade_analysis<R> a(std::move(regressor));
  a.fit(data());
  const std::string text = fp::analysis_to_json(a);
  const auto b = fp::analysis_from_json<R>(text, "memory");
  CHECK(b.is_fitted());
  CHECK(!b.kernel().has_value());
  CHECK(b.kernel_message() == a.kernel_message());
  CHECK(b.permanent_rows() == a.permanent_rows());
  CHECK(b.permanent_horizon() == a.permanent_horizon());
  const bool same_text = fp::analysis_to_json(b) == text;  // saving again gives the same file
  CHECK(same_text);
  const fp::pretrade_model_scores scores{.model = "m", .crps_bps = 2.0, .baseline_crps_bps = 1.0};
  for (const auto& o : orders(data().orders.daily_volume)) check_same(a.report(o, scores), b.report(o, scores));
}

TEST_CASE("pretrade persistence: a loaded analysis reports bit for bit what the saved one does") {
  SUBCASE("bayesian_linear") { check_round_trip(fp::bayesian_linear{}); }
  SUBCASE("ols (the program's fallback)") { check_round_trip(fp::ols{}); }
  SUBCASE("quantile random forest") {
    check_round_trip(fp::random_forest({.n_estimators = 10, .min_samples_leaf = 5, .seed = 3}));
  }
}

TEST_CASE("pretrade persistence: through a file, and an unfitted analysis cannot be saved") {
  fp::pretrade_analysis<fp::bayesian_linear> a;
  CHECK_THROWS_AS(fp::save_analysis(a, std::filesystem::temp_directory_path() / "footprint_unfitted.json"),
                  fp::not_fitted);
  a.fit(data());
  const auto path = std::filesystem::temp_directory_path() / "footprint_test_pretrade_analysis.json";
  fp::save_analysis(a, path);
  const auto b = fp::load_analysis<fp::bayesian_linear>(path);
  std::filesystem::remove(path);
  const fp::pretrade_order o{.side = fp::side::buy, .quantity = 5000, .horizon_seconds = 300};
  check_same(a.report(o), b.report(o));
  CHECK_THROWS_WITH_AS((void)fp::load_analysis<fp::bayesian_linear>(path), doctest::Contains("cannot open"),
                       fp::data_error);
}

TEST_CASE("pretrade persistence: corrupt or mismatched files raise data_error naming the field") {
  fp::pretrade_analysis<fp::bayesian_linear> a;
  a.fit(data());
  const nlohmann::json good = fp::analysis_to_json_value(a);
  const auto load = [](const nlohmann::json& j) {
    return fp::analysis_from_json<fp::bayesian_linear>(j.dump(), "saved.json");
  };
  CHECK_NOTHROW((void)load(good));

  // a file saved with another model
  CHECK_THROWS_WITH_AS((void)fp::analysis_from_json<fp::ols>(good.dump(), "saved.json"),
                       doctest::Contains("saved.json (regressor): field 'format'"), fp::data_error);
  nlohmann::json j = good;
  j["format"] = "footprint.bayesian_linear";
  CHECK_THROWS_WITH_AS((void)load(j), doctest::Contains("field 'format'"), fp::data_error);
  j = good;
  j["version"] = 99;
  CHECK_THROWS_WITH_AS((void)load(j), doctest::Contains("field 'version'"), fp::data_error);
  j = good;
  j.erase("book");
  CHECK_THROWS_WITH_AS((void)load(j), doctest::Contains("field 'book'"), fp::data_error);
  j = good;
  j["book"]["asks"] = nlohmann::json::array();
  CHECK_THROWS_WITH_AS((void)load(j), doctest::Contains("book must be two-sided"), fp::data_error);
  j = good;
  j["book"]["bids"][0][0] = "565.1";
  CHECK_THROWS_WITH_AS((void)load(j), doctest::Contains("field 'book.bids[0][0]'"), fp::data_error);
  j = good;
  j["state"]["features"].push_back(1.0);  // not the model's arrival features
  CHECK_THROWS_WITH_AS((void)load(j), doctest::Contains("field 'state.features'"), fp::data_error);
  j = good;
  j["state"]["mid"] = -1.0;
  CHECK_THROWS_WITH_AS((void)load(j), doctest::Contains("state.mid must be finite and > 0"), fp::data_error);
  j = good;
  j["state"]["mid"] = 1e300;  // a mid that is not the book's priced the notional at 1e299
  CHECK_THROWS_WITH_AS((void)load(j), doctest::Contains("is not within the book's best bid"), fp::data_error);
  j = good;
  j["permanent_horizon_ns"] = -1;
  CHECK_THROWS_WITH_AS((void)load(j), doctest::Contains("permanent_horizon must be > 0"), fp::data_error);
  j = good;
  j["model"]["scale"][0] = 0.0;
  CHECK_THROWS_WITH_AS((void)load(j), doctest::Contains("scale must be finite and > 0"), fp::data_error);
  j = good;
  j["impact"]["permanent"]["covariance"].erase(0);
  CHECK_THROWS_WITH_AS((void)load(j), doctest::Contains("field 'impact.permanent.covariance'"), fp::data_error);
  j = good;
  j["params"]["max_children"] = 1;
  CHECK_THROWS_WITH_AS((void)load(j), doctest::Contains("max_children must be >= 2"), fp::data_error);
  j = good;
  j["instrument"]["quantity_unit"] = "lots";
  CHECK_THROWS_WITH_AS((void)load(j), doctest::Contains("field 'instrument.quantity_unit'"), fp::data_error);
  j = good;
  j["profile"][0] = -5.0;
  CHECK_THROWS_WITH_AS((void)load(j), doctest::Contains("profile[0]"), fp::data_error);
  CHECK_THROWS_WITH_AS((void)fp::analysis_from_json<fp::bayesian_linear>("{\"format\":", "saved.json"),
                       doctest::Contains("not valid JSON"), fp::data_error);
}

// Found with extreme values run through tests/fuzz/fuzz_pretrade_json.cpp: times whose
// difference overflowed int64 in report (undefined behaviour), and an order whose notional
// overflows left the optimal strategy without a candidate (a crash on an empty optional).
// Such an order was then priced with inf and NaN costs (footprint-pretrade --quantity 1e300
// printed them and exited 0); since 2026-12-06 it is refused, naming the strategy.
TEST_CASE("pretrade persistence: extreme times fail to load, and an overflowing order is refused") {
  fp::pretrade_analysis<fp::bayesian_linear> a;
  a.fit(data());
  const nlohmann::json good = fp::analysis_to_json_value(a);
  nlohmann::json j = good;
  j["data_start_ns"] = -9223372036854775807LL;
  j["state"]["time_ns"] = 9223372036854775807LL;
  CHECK_THROWS_WITH_AS((void)fp::analysis_from_json<fp::bayesian_linear>(j.dump(), "saved.json"),
                       doctest::Contains("state.time - data_start overflows"), fp::data_error);

  j = good;
  j["params"]["draws"] = 99;  // loaded, every report refused it: now the load does
  CHECK_THROWS_WITH_AS((void)fp::analysis_from_json<fp::bayesian_linear>(j.dump(), "saved.json"),
                       doctest::Contains("draws must be in [100, 1e7] (got 99)"), fp::data_error);

  const fp::pretrade_order huge{.side = fp::side::buy, .quantity = 1e306, .horizon_seconds = 60};
  CHECK_THROWS_WITH_AS((void)a.report(huge), doctest::Contains("expected cost overflow"), fp::invalid_argument);
  j = good;
  j["instrument"]["lot_size"] = 1e307;  // the fuzzer's form: 10 lots overflow the notional
  const auto b = fp::analysis_from_json<fp::bayesian_linear>(j.dump(), "saved.json");
  CHECK_THROWS_WITH_AS((void)b.report({.side = fp::side::sell, .quantity = 1e308, .horizon_seconds = 60}),
                       doctest::Contains("check the quantity and its unit"), fp::invalid_argument);
  // A huge order whose costs stay finite is still priced (with the order_huge warning).
  const fp::pretrade_report big = a.report({.side = fp::side::buy, .quantity = 1e9, .horizon_seconds = 60});
  REQUIRE(!big.strategies.empty());
  CHECK(big.strategies.back().name == "optimal");
  CHECK(std::isfinite(big.strategies.back().forecast.expected_bps));
}

}  // namespace unity_pretrade_persistence
