// analyze_order (tca/order_analysis.hpp) on a hand-made tape whose every benchmark, share,
// markout and the reversion ratio can be computed by hand: mids 100 from 0 s, 101 from 10 s,
// 102 from 20 s, 101.5 from 30 s, 101 from 320 s; trades 100 @ 100.5 (5 s), 200 @ 101.5 (15 s),
// 100 @ 102.5 (25 s), 100 @ 101 (350 s). A buy of 300 over [0 s, 30 s], filled 100 @ 100.5
// (5 s, taker), 100 @ 101 (15 s, maker), 100 @ 102 (25 s, taker).
#include "footprint/tca/order_analysis.hpp"

#include <doctest/doctest.h>

#include <chrono>
#include <limits>
#include <string>
#include <vector>

// Each test file is its own namespace: the module's files compile as one unity translation unit.
namespace unity_order_analysis {

namespace fp = footprint;
using namespace std::chrono_literals;

fp::market_tape tape() {
  fp::market_tape t;
  t.mid_times = {0s, 10s, 20s, 30s, 320s};
  t.mids = {100.0, 101.0, 102.0, 101.5, 101.0};
  t.trades = {{.time = 5s, .price = 100.5, .quantity = 100, .sign = 1},
              {.time = 15s, .price = 101.5, .quantity = 200, .sign = 1},
              {.time = 25s, .price = 102.5, .quantity = 100, .sign = 1},
              {.time = 350s, .price = 101.0, .quantity = 100, .sign = -1}};
  return t;
}

std::vector<fp::fill> fills() {
  return {{.time = 5s, .quantity = 100, .price = 100.5, .liquidity = fp::liquidity::taker, .exec_id = "E1"},
          {.time = 15s, .quantity = 100, .price = 101.0, .liquidity = fp::liquidity::maker, .exec_id = "E2"},
          {.time = 25s, .quantity = 100, .price = 102.0, .liquidity = fp::liquidity::taker, .exec_id = "E3"}};
}

TEST_CASE("analyze_order: benchmarks, costs, shares, markouts and reversion of a hand-made tape") {
  const std::vector<fp::fill> f = fills();
  const fp::order_analysis a =
      fp::analyze_order({.side = fp::side::buy, .quantity = 300}, f, tape(), {.start = 0s, .end = 30s});
  const fp::tca_benchmarks& b = a.benchmarks;
  CHECK(b.arrival_mid == 100.0);
  CHECK(b.departure_mid == 101.5);
  CHECK(b.interval_vwap == doctest::Approx(40600.0 / 400.0).epsilon(1e-15));
  CHECK(b.interval_twap == doctest::Approx((100.0 + 101.0 + 102.0) / 3.0).epsilon(1e-15));
  CHECK(b.day_vwap == doctest::Approx(50700.0 / 500.0).epsilon(1e-15));
  CHECK(b.close == 101.0);
  const double avg = (100.5 + 101.0 + 102.0) / 3.0;
  CHECK(a.average_price == doctest::Approx(avg).epsilon(1e-15));
  CHECK(a.costs.arrival_mid == doctest::Approx((avg - 100.0) / 100.0 * 1e4).epsilon(1e-12));
  CHECK(a.costs.interval_vwap == doctest::Approx((avg - 101.5) / 101.5 * 1e4).epsilon(1e-12));
  CHECK(a.costs.close == doctest::Approx((avg - 101.0) / 101.0 * 1e4).epsilon(1e-12));
  // Perold with the defaults: decision = arrival = 100, end = close = 101; all filled.
  CHECK(a.shortfall.perold.execution == doctest::Approx(350.0).epsilon(1e-15));
  CHECK(a.shortfall.perold.opportunity == 0.0);
  CHECK(a.fill_rate == 1.0);
  CHECK(a.market_volume == 700.0);  // 400 traded in the period + the order's 300
  CHECK(a.participation_rate == doctest::Approx(3.0 / 7.0).epsilon(1e-15));
  CHECK(a.maker_share == doctest::Approx(1.0 / 3.0).epsilon(1e-15));
  CHECK(a.taker_share == doctest::Approx(2.0 / 3.0).epsilon(1e-15));
  CHECK(a.vs_mid_bps == doctest::Approx(-50.0 / 3.0).epsilon(1e-12));  // the first fill paid half a point over the mid
  REQUIRE(a.markouts.size() == 4);
  CHECK(a.markouts[0].seconds == 1.0);
  CHECK(a.markouts[0].bps == doctest::Approx((100.0 - 100.5) / 100.5 * 1e4 / 3.0).epsilon(1e-12));
  CHECK(a.markouts[1].bps ==
        doctest::Approx(((101.0 - 100.5) / 100.5 + (102.0 - 101.0) / 101.0 + (101.5 - 102.0) / 102.0) * 1e4 / 3.0)
            .epsilon(1e-12));
  CHECK(a.markouts[2].fills == 3);
  CHECK(a.markouts[3].bps ==
        doctest::Approx(((101.5 - 100.5) / 100.5 + (101.5 - 101.0) / 101.0 + (101.0 - 102.0) / 102.0) * 1e4 / 3.0)
            .epsilon(1e-12));
  // 5 minutes after the end (330 s) the mid is 101: a third of the 1.5 move reverted.
  CHECK(a.reversion_ratio == doctest::Approx(1.0 / 3.0).epsilon(1e-12));
}

TEST_CASE("analyze_order: the order's own fills in the tape, a sell, and markouts past the tape") {
  const std::vector<fp::fill> f = fills();
  fp::order_analysis a = fp::analyze_order({.side = fp::side::buy, .quantity = 300}, f, tape(),
                                           {.start = 0s, .end = 30s, .fills_in_tape = true});
  CHECK(a.participation_rate == doctest::Approx(300.0 / 400.0).epsilon(1e-15));
  std::vector<fp::fill> sells = fills();
  for (fp::fill& x : sells) x.side = fp::side::sell;
  a = fp::analyze_order({.side = fp::side::sell, .quantity = 300}, sells, tape(),
                        {.start = 0s, .end = 30s, .markout_seconds = {1000.0}});
  CHECK(a.costs.arrival_mid == doctest::Approx(-(a.average_price - 100.0) / 100.0 * 1e4).epsilon(1e-12));
  CHECK(a.vs_mid_bps == doctest::Approx(50.0 / 3.0).epsilon(1e-12));  // selling above the mid earns
  CHECK(std::isnan(a.markouts[0].bps));                               // 1,000 s after the fills the tape has ended
  CHECK(a.markouts[0].fills == 0);
  // Fill times on another clock: the offset puts them on the tape's.
  std::vector<fp::fill> epoch = fills();
  for (fp::fill& x : epoch) x.time += 1'700'000'000s;
  const fp::order_analysis shifted = fp::analyze_order({.side = fp::side::buy, .quantity = 300}, epoch, tape(),
                                                       {.start = 0s, .end = 30s, .time_offset = 1'700'000'000s});
  CHECK(shifted.vs_mid_bps == doctest::Approx(-50.0 / 3.0).epsilon(1e-12));
  CHECK_THROWS_AS((void)fp::analyze_order({.quantity = 300}, f, tape(), {.start = 30s, .end = 0s}),
                  fp::invalid_argument);
  CHECK_THROWS_AS((void)fp::analyze_order({.quantity = 300}, f, tape(), {.markout_seconds = {0.0}}),
                  fp::invalid_argument);
}

TEST_CASE("analyze_order: fills that do not belong to the tape are refused, not measured against stale prices") {
  const std::vector<fp::fill> f = fills();
  const auto error_of = [&](const std::vector<fp::fill>& x, const fp::order_analysis_params& p) -> std::string {
    try {
      (void)fp::analyze_order({.side = fp::side::buy, .quantity = 1e9}, x, tape(), p);
    } catch (const fp::invalid_argument& e) {
      return e.what();
    }
    return "no error";
  };
  // The tape runs from 0 s (its first mid) to 350 s (its last trade).
  CHECK(error_of(f, {.start = 0s, .end = 30s}) == "no error");
  CHECK(error_of(f, {.start = 0s, .end = 350s}) == "no error");
  CHECK(error_of(f, {.start = 0s, .end = 351s}).find("is not on the tape") != std::string::npos);  // ends after it
  std::vector<fp::fill> later = fills();
  for (fp::fill& x : later) x.time += 400s;  // the next session's fills: the last mid would be stale
  CHECK(error_of(later, {.start = 400s, .end = 430s}).find("the order's period, 400.000 s to 430.000 s") !=
        std::string::npos);
  // A wrong time_offset (an hour): the same.
  CHECK(error_of(f, {.start = 0s, .end = 30s, .time_offset = -3600s}).find("not on the tape") != std::string::npos);
  // Before the first mid there is no arrival price.
  fp::market_tape late_mids = tape();
  late_mids.mid_times.front() = 1s;
  CHECK_THROWS_WITH_AS((void)fp::analyze_order({.quantity = 300}, f, late_mids, {.start = 0s, .end = 30s}),
                       doctest::Contains("its first mid at 1.000 s"), fp::invalid_argument);
  // Prices in cents against a tape in dollars: 100x the mid.
  std::vector<fp::fill> cents = fills();
  for (fp::fill& x : cents) x.price *= 100.0;
  CHECK(error_of(cents, {.start = 0s, .end = 30s}).find("fill E1 at 5.000 s is priced 10050, 100.5 x the mid 100") !=
        std::string::npos);
  std::vector<fp::fill> half = fills();
  half[1].price = 101.0 / 2.0 - 0.01;  // below half the mid 101 in force at 15 s
  CHECK(error_of(half, {.start = 0s, .end = 30s}).find("fill E2") != std::string::npos);
  half[1].price = 101.0 / 2.0 + 0.01;  // within the factor of 2
  CHECK(error_of(half, {.start = 0s, .end = 30s}) == "no error");
  CHECK(error_of(cents, {.start = 0s, .end = 30s, .max_price_ratio = std::numeric_limits<double>::infinity()}) ==
        "no error");  // the check off
  // Quantities in another unit: the tape traded 500 in all; 10 x that is the bound.
  std::vector<fp::fill> big = fills();
  for (fp::fill& x : big) x.quantity = 5000.0 / 3.0 + 1.0;
  CHECK(error_of(big, {.start = 0s, .end = 30s}).find("10.006 x the tape's whole traded quantity 500") !=
        std::string::npos);
  for (fp::fill& x : big) x.quantity = 5000.0 / 3.0;
  CHECK(error_of(big, {.start = 0s, .end = 30s}) == "no error");
  CHECK(error_of(big, {.start = 0s, .end = 30s, .max_volume_multiple = 1.0}).find("max_volume_multiple = 1") !=
        std::string::npos);
  CHECK(error_of(f, {.start = 0s, .end = 30s, .max_price_ratio = 1.0}).find("max_price_ratio must be > 1") !=
        std::string::npos);
  CHECK(error_of(f, {.start = 0s, .end = 30s, .max_volume_multiple = 0.0}).find("max_volume_multiple must be > 0") !=
        std::string::npos);
}

}  // namespace unity_order_analysis
