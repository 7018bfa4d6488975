// arrival_features: the feature list, hand-computed values on small books, NaN rules, and
// conformance to the feature-calculator concepts.
#include "footprint/book/price_level_book.hpp"
#include "footprint/book/trade.hpp"
#include "footprint/concepts.hpp"
#include "footprint/features/arrival_features.hpp"
#include "footprint/features/feature_set.hpp"
#include "footprint/features/top_of_book.hpp"

#include <doctest/doctest.h>

#include <chrono>
#include <cmath>
#include <string>
#include <vector>

// Each test file is its own namespace: the module's files compile as one unity translation unit.
namespace unity_pipeline_arrival_features {

namespace fp = footprint;
using fp::side;
using namespace std::chrono_literals;

static_assert(fp::StatefulFeatureCalculatorFor<fp::arrival_features, fp::price_level_book>);
static_assert(fp::StatefulFeatureCalculatorFor<fp::arrival_features, fp::book_view>);
static_assert(fp::TradeObserver<fp::arrival_features, fp::trade>);
static_assert(std::is_aggregate_v<fp::arrival_features_params>);

namespace {
double value(const fp::arrival_features& f, const std::vector<double>& x, const std::string& name) {
  const auto n = f.names();
  for (std::size_t i = 0; i < n.size(); ++i) {
    if (n[i] == name) return x[i];
  }
  FAIL("no feature named " << name);
  return fp::nan;
}
}  // namespace

TEST_CASE("arrival features have the documented names in order") {
  const fp::arrival_features f;
  const std::vector<std::string> expected{"mid",
                                          "spread_bps",
                                          "weighted_mid_offset_bps",
                                          "queue_imbalance",
                                          "depth_imbalance_5",
                                          "bid_depth_10bps",
                                          "ask_depth_10bps",
                                          "ofi_norm_10s",
                                          "ofi_norm_60s",
                                          "realized_vol_rate_60s",
                                          "realized_vol_rate_300s",
                                          "ewma_vol_60s",
                                          "signed_volume_60s",
                                          "trade_sign_imbalance_60s",
                                          "trade_intensity_60s",
                                          "session_fraction",
                                          "kyle_lambda_bps_10s_x30"};
  CHECK(std::vector<std::string>(f.names().begin(), f.names().end()) == expected);
  CHECK(f.size() == 17);

  const fp::arrival_features g({.depth_levels = 3, .depth_bps = {5, 25}, .ofi_windows = {1s}, .trade_window = 30s});
  CHECK(g.size() == 18);
  CHECK(g.names()[4] == "depth_imbalance_3");
  CHECK(g.names()[5] == "bid_depth_5bps");
  CHECK(g.names()[8] == "ask_depth_25bps");
  CHECK(g.names()[9] == "ofi_norm_1s");
  CHECK(g.names()[13] == "signed_volume_30s");
}

TEST_CASE("arrival features on a small book match hand-computed values") {
  fp::arrival_features f;
  fp::price_level_book book;
  book.set_level(side::buy, 100.00, 300);
  book.set_level(side::buy, 99.99, 200);
  book.set_level(side::sell, 100.02, 100);
  book.set_level(side::sell, 100.03, 400);
  book.set_timestamp(34'200s);
  f.update(book);
  f.update(fp::trade{.time = 34'200s + 500ms, .price = 100.02, .quantity = 60, .sign = +1});
  book.set_level(side::buy, 100.00, 350);  // the bid queue grows: OFI e = 350 - 300 = 50
  book.set_timestamp(34'201s);
  f.update(book);
  std::vector<double> x(f.size());
  f.compute(book, x);

  const double mid = 100.01;
  CHECK(value(f, x, "mid") == doctest::Approx(mid));
  CHECK(value(f, x, "spread_bps") == doctest::Approx(1e4 * 0.02 / mid));
  // weighted mid = (350 * 100.02 + 100 * 100.00) / 450
  CHECK(value(f, x, "weighted_mid_offset_bps") ==
        doctest::Approx(1e4 * ((350 * 100.02 + 100 * 100.00) / 450 - mid) / mid));
  CHECK(value(f, x, "queue_imbalance") == doctest::Approx(250.0 / 450.0));
  CHECK(value(f, x, "depth_imbalance_5") == doctest::Approx((550.0 - 500.0) / 1050.0));
  CHECK(value(f, x, "bid_depth_10bps") == 550.0);  // 99.99 >= 100.01 * (1 - 1e-3)
  CHECK(value(f, x, "ask_depth_10bps") == 500.0);
  // OFI over 10 s = 50; mean level-1 depth over the two updates = ((300+100)/2 + (350+100)/2) / 2 = 212.5
  CHECK(value(f, x, "ofi_norm_10s") == doctest::Approx(50.0 / 212.5));
  CHECK(value(f, x, "ofi_norm_60s") == doctest::Approx(50.0 / 212.5));
  CHECK(value(f, x, "realized_vol_rate_60s") == 0.0);  // the mid did not move
  CHECK(value(f, x, "ewma_vol_60s") == 0.0);
  CHECK(value(f, x, "signed_volume_60s") == 60.0);
  CHECK(value(f, x, "trade_sign_imbalance_60s") == 1.0);
  CHECK(value(f, x, "trade_intensity_60s") == doctest::Approx(1.0 / 60.0));
  CHECK(value(f, x, "session_fraction") == doctest::Approx(1.0 / 23400.0));
  CHECK(std::isnan(value(f, x, "kyle_lambda_bps_10s_x30")));  // no completed 10 s interval yet

  // reset forgets the windows: OFI and trade flow start again.
  f.reset();
  f.update(book);
  f.compute(book, x);
  CHECK(value(f, x, "ofi_norm_10s") == 0.0);
  CHECK(value(f, x, "signed_volume_60s") == 0.0);
  CHECK(std::isnan(value(f, x, "trade_sign_imbalance_60s")));
}

TEST_CASE("Kyle's lambda is reported in bps of the mid per unit") {
  // Two 10 s intervals: +100 signed shares with the mid up 0.02, then -100 with the mid down
  // 0.02: lambda = 0.02 / 100 = 2e-4 USD per share, i.e. 1e4 * 2e-4 / mid bps per share.
  fp::arrival_features f;
  fp::feature_set<fp::top_of_book> top;
  fp::price_level_book book;
  auto quote = [&](double bid, std::chrono::nanoseconds t) {
    book.clear();
    book.set_level(side::buy, bid, 100);
    book.set_level(side::sell, bid + 0.02, 100);
    book.set_timestamp(t);
    f.update(book);
  };
  quote(100.00, 0s);
  f.update(fp::trade{.time = 1s, .price = 100.02, .quantity = 100, .sign = +1});
  quote(100.02, 2s);
  f.update(fp::trade{.time = 11s, .price = 100.02, .quantity = 100, .sign = -1});
  quote(100.00, 12s);
  quote(100.00, 21s);  // completes the second interval
  std::vector<double> x(f.size());
  f.compute(book, x);
  CHECK(value(f, x, "kyle_lambda_bps_10s_x30") == doctest::Approx(1e4 * 2e-4 / 100.01));
}

TEST_CASE("arrival features are NaN where the book is one-sided and reject bad parameters") {
  fp::arrival_features f;
  fp::price_level_book book;
  book.set_level(side::buy, 100.00, 300);
  book.set_timestamp(1s);
  f.update(book);
  std::vector<double> x(f.size());
  f.compute(book, x);
  for (const char* n : {"mid", "spread_bps", "weighted_mid_offset_bps", "queue_imbalance", "depth_imbalance_5",
                        "bid_depth_10bps", "ask_depth_10bps", "ofi_norm_10s", "kyle_lambda_bps_10s_x30"}) {
    CHECK_MESSAGE(std::isnan(value(f, x, n)), n);
  }
  CHECK(std::isfinite(value(f, x, "session_fraction")));

  CHECK_THROWS_WITH_AS(
      fp::arrival_features({.short_volatility_window = 60s, .long_volatility_window = 60s}),
      "footprint::arrival_features::arrival_features: short_volatility_window and long_volatility_window "
      "must differ (got 60000000000 ns twice)",
      fp::invalid_argument);
  CHECK_THROWS_AS(fp::arrival_features({.depth_levels = 0}), fp::invalid_argument);
  CHECK_THROWS_AS(fp::arrival_features({.ofi_windows = {0s}}), fp::invalid_argument);
  CHECK_THROWS_AS(fp::arrival_features({.kyle_intervals = 1}), fp::invalid_argument);
  CHECK_THROWS_AS(fp::arrival_features({.capacity = 0}), fp::invalid_argument);
}

}  // namespace unity_pipeline_arrival_features
