// impact_dataset_builder: labels computed by hand on small paths, metaorder runs, errors.
#include "footprint/data/impact_dataset.hpp"

#include <doctest/doctest.h>

#include <array>
#include <cmath>
#include <sstream>
#include <string>

// Each test file is its own namespace: the module's files compile as one unity translation unit.
namespace unity_impact_dataset {

namespace fp = footprint;
using namespace std::chrono_literals;
using ns = std::chrono::nanoseconds;

namespace {

// Mid path: 100 until t=5s, 100.10 from 5s (the buy's own impact), 100.05 from 6s,
// 100.02 from 20s, 99.90 from 100s, path ends at 200s.
fp::impact_dataset_builder make_builder(fp::impact_label_params p = {.horizons = {1s, 10s, 60s}}) {
  fp::impact_dataset_builder b({"spread_bps"}, p);
  b.add_mid(0s, 100.0);
  b.add_mid(5s, 100.10);
  b.add_mid(6s, 100.05);
  b.add_mid(20s, 100.02);
  b.add_mid(100s, 99.90);
  b.add_mid(200s, 99.90);
  return b;
}

}  // namespace

TEST_CASE("labels of one buy are the hand-computed bps of the arrival mid") {
  auto b = make_builder();
  const std::array<double, 1> f{2.0};
  b.add_order({.time = 5s,
               .end_time = 5s,
               .side = fp::side::buy,
               .quantity = 300,
               .vwap = 100.04,
               .arrival_mid = 100.0,
               .bid_depth = 500,
               .ask_depth = 200},
              f);
  const fp::impact_dataset d = b.build();
  REQUIRE(d.rows() == 1);
  CHECK(d.label_names == std::vector<std::string>{"shortfall_bps", "immediate_bps", "permanent_1s_bps",
                                                  "permanent_10s_bps", "permanent_60s_bps", "temporary_1s_bps",
                                                  "temporary_10s_bps", "temporary_60s_bps"});
  // shortfall: (100.04 - 100) / 100 * 1e4 = 4 bps; immediate: mid at 5s = 100.10 -> 10 bps;
  // +1s (6s): 100.05 -> 5 bps; +10s (15s): 100.05 -> 5 bps; +60s (65s): 100.02 -> 2 bps.
  CHECK(d.label("shortfall_bps")[0] == doctest::Approx(4.0));
  CHECK(d.label("immediate_bps")[0] == doctest::Approx(10.0));
  CHECK(d.label("permanent_1s_bps")[0] == doctest::Approx(5.0));
  CHECK(d.label("permanent_10s_bps")[0] == doctest::Approx(5.0));
  CHECK(d.label("permanent_60s_bps")[0] == doctest::Approx(2.0));
  CHECK(d.label("temporary_1s_bps")[0] == doctest::Approx(-1.0));
  CHECK(d.label("temporary_60s_bps")[0] == doctest::Approx(2.0));
  // features: caller's, then size features. A buy takes the ask: 300 / 200.
  CHECK(d.feature_names ==
        std::vector<std::string>{"spread_bps", "quantity", "log_quantity", "size_to_depth", "participation"});
  CHECK(d.X(0, 0) == 2.0);
  CHECK(d.X(0, 1) == 300.0);
  CHECK(d.X(0, 2) == doctest::Approx(std::log(300.0)));
  CHECK(d.X(0, 3) == doctest::Approx(1.5));
  // ADV estimate: 300 shares over the 200 s covered, scaled to a 23,400 s session.
  CHECK(d.daily_volume == doctest::Approx(300.0 / 200.0 * 23400.0));
  CHECK(d.X(0, 4) == doctest::Approx(300.0 / d.daily_volume));
}

TEST_CASE("a sell's costs are positive when the price falls") {
  auto b = make_builder({.horizons = {60s}, .daily_volume = 1e6});
  const std::array<double, 1> f{1.0};
  // Sell at 20s, arrival mid 100.02, fills at 100.00; 60 s later (80s) mid is 100.02, at
  // +100 s... only 60s horizon: mid(80s) = 100.02 -> 0 bps.
  b.add_order({.time = 20s,
               .end_time = 20s,
               .side = fp::side::sell,
               .quantity = 100,
               .vwap = 100.00,
               .arrival_mid = 100.02,
               .bid_depth = 50,
               .ask_depth = 80},
              f);
  const auto d = b.build();
  CHECK(d.label("shortfall_bps")[0] == doctest::Approx(0.02 / 100.02 * 1e4));
  CHECK(d.label("permanent_60s_bps")[0] == doctest::Approx(0.0));
  CHECK(d.X(0, d.feature_column("size_to_depth")) == doctest::Approx(2.0));  // a sell takes the bid
  CHECK(d.X(0, d.feature_column("participation")) == doctest::Approx(1e-4));
}

TEST_CASE("labels past the end of the mid path are NaN and excluded by complete_rows") {
  auto b = make_builder();
  const std::array<double, 1> f{1.0};
  b.add_order(
      {.time = 6s, .end_time = 6s, .side = fp::side::buy, .quantity = 10, .vwap = 100.06, .arrival_mid = 100.05}, f);
  b.add_order(
      {.time = 150s, .end_time = 150s, .side = fp::side::buy, .quantity = 10, .vwap = 99.95, .arrival_mid = 99.90}, f);
  const auto d = b.build();
  CHECK(std::isfinite(d.label("permanent_60s_bps")[0]));
  CHECK(std::isfinite(d.label("permanent_10s_bps")[1]));  // 160 s <= 200 s
  CHECK(std::isnan(d.label("permanent_60s_bps")[1]));     // 210 s > 200 s
  CHECK(std::isnan(d.label("temporary_60s_bps")[1]));
  CHECK(d.complete_rows("permanent_60s_bps") == std::vector<fp::index>{});  // unknown depth -> NaN size_to_depth
  CHECK(std::isnan(d.X(0, d.feature_column("size_to_depth"))));
}

TEST_CASE("metaorder proxy: same-sign runs within the gap are one row") {
  auto b = make_builder({.horizons = {10s}});
  const std::array<double, 1> f1{1.0}, f2{2.0}, f3{3.0}, f4{4.0};
  b.add_order({.time = 1s,
               .end_time = 1s,
               .side = fp::side::buy,
               .quantity = 100,
               .vwap = 100.02,
               .arrival_mid = 100.0,
               .ask_depth = 100},
              f1);
  b.add_order({.time = 2s,
               .end_time = 3s,
               .side = fp::side::buy,
               .quantity = 300,
               .vwap = 100.06,
               .arrival_mid = 100.0,
               .ask_depth = 100},
              f2);
  b.add_order({.time = 9s,
               .end_time = 9s,
               .side = fp::side::buy,
               .quantity = 50,
               .vwap = 100.06,
               .arrival_mid = 100.05,
               .ask_depth = 100},
              f3);  // gap 6 s > 5 s
  b.add_order({.time = 10s,
               .end_time = 10s,
               .side = fp::side::sell,
               .quantity = 50,
               .vwap = 100.03,
               .arrival_mid = 100.05,
               .bid_depth = 100},
              f4);
  const auto d = b.build_metaorders(5s);
  REQUIRE(d.rows() == 3);
  CHECK(d.X(0, 0) == 1.0);  // features of the run's first order
  CHECK(d.quantity[0] == 400.0);
  CHECK(d.X(0, d.feature_column("n_children")) == 2.0);
  CHECK(d.X(0, d.feature_column("duration_s")) == doctest::Approx(2.0));
  // vwap (100*100.02 + 300*100.06)/400 = 100.05 -> 5 bps; end 3s: mid 100 -> 0; +10 s = 13 s: 100.05 -> 5 bps.
  CHECK(d.label("shortfall_bps")[0] == doctest::Approx(5.0));
  CHECK(d.label("immediate_bps")[0] == doctest::Approx(0.0).epsilon(1e-9));
  CHECK(d.label("permanent_10s_bps")[0] == doctest::Approx(5.0));
  CHECK(d.X(1, 0) == 3.0);
  CHECK(d.side[2] == fp::side::sell);
  CHECK(d.durations[0] == ns(2s));
  CHECK(b.build().rows() == 4);
}

TEST_CASE("CSV output has a header and empty fields for NaN") {
  auto b = make_builder({.horizons = {1s}});
  const std::array<double, 1> f{fp::nan};
  b.add_order({.time = 5s,
               .end_time = 5s,
               .side = fp::side::buy,
               .quantity = 300,
               .vwap = 100.04,
               .arrival_mid = 100.0,
               .ask_depth = 200},
              f);
  std::ostringstream os;
  b.build().write_csv(os);
  const std::string s = os.str();
  CHECK(s.substr(0, s.find('\n')) ==
        "time_ns,duration_ns,sign,arrival_mid,spread_bps,quantity,log_quantity,size_to_depth,participation,"
        "shortfall_bps,immediate_bps,permanent_1s_bps,temporary_1s_bps");
  CHECK(s.find("\n5000000000,0,1,100,,300,") != std::string::npos);
}

TEST_CASE("bad input is rejected with the field and the value") {
  fp::impact_dataset_builder b({"a", "b"});
  const std::array<double, 2> f{1, 2};
  const std::array<double, 1> short_f{1};
  CHECK_THROWS_WITH_AS(
      b.add_order({.time = 0s, .side = fp::side::buy, .quantity = 1, .vwap = 1, .arrival_mid = 1}, short_f),
      "footprint::impact_dataset_builder::add_order: features.size() must equal the number of feature names (expected "
      "2, got 1)",
      fp::dimension_mismatch);
  CHECK_THROWS_WITH_AS(
      b.add_order({.time = 0s, .side = static_cast<fp::side>(0), .quantity = 1, .vwap = 1, .arrival_mid = 1}, f),
      "footprint::impact_dataset_builder::add_order: side must be buy or sell (got 0)", fp::invalid_argument);
  CHECK_THROWS_WITH_AS(b.add_order({.time = 0s, .side = fp::side::buy, .quantity = -5, .vwap = 1, .arrival_mid = 1}, f),
                       "footprint::impact_dataset_builder::add_order: quantity must be finite and > 0 (got -5)",
                       fp::invalid_argument);
  CHECK_THROWS_AS(b.add_order({.time = 0s, .side = fp::side::buy, .quantity = 1, .vwap = fp::nan, .arrival_mid = 1}, f),
                  fp::invalid_argument);
  b.add_mid(10s, 5.0);
  CHECK_THROWS_WITH_AS(
      b.add_mid(9s, 5.0),
      "footprint::impact_dataset_builder::add_mid: time went back (9000000000 ns after 10000000000 ns)",
      fp::invalid_argument);
  CHECK_THROWS_AS(b.add_mid(11s, 0.0), fp::invalid_argument);
  CHECK_THROWS_WITH_AS(fp::impact_dataset_builder({}, {.horizons = {10s, 5s}}),
                       "footprint::impact_dataset_builder: horizons must be strictly increasing", fp::invalid_argument);
  CHECK_THROWS_AS((void)b.build().label("nope"), fp::invalid_argument);
}

}  // namespace unity_impact_dataset
