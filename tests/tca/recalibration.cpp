// observations_from_fills (tca/recalibration.hpp) on a hand-made tape: the realized,
// permanent and temporary impact of two parent orders by Almgren, Thum, Hauptmann and Li's
// definitions, computed by hand; orders left out when the tape cannot say; and the
// observations fed to almgren_chriss_calibration.
#include "footprint/tca/recalibration.hpp"
#include "footprint/impact/almgren_chriss_calibration.hpp"

#include <doctest/doctest.h>

#include <chrono>
#include <vector>

// Each test file is its own namespace: the module's files compile as one unity translation unit.
namespace unity_recalibration {

namespace fp = footprint;
using namespace std::chrono_literals;

TEST_CASE("observations_from_fills: J, I and K of Almgren et al. (2005) from fills and the tape") {
  fp::market_tape tape;
  tape.mid_times = {0s, 100s, 200s, 500s, 1000s};
  tape.mids = {100.0, 101.0, 100.5, 102.0, 101.0};
  std::vector<fp::order_fills> orders(3);
  // A buy of 300 at 100.5 and 101.5 (VWAP 101.0 by quantity 150/150), first fill at 50 s
  // (arrival mid 100), last at 150 s: S_post at 450 s is 100.5.
  orders[0].side = fp::side::buy;
  orders[0].fills = {{.time = 50s, .quantity = 150, .price = 100.5}, {.time = 150s, .quantity = 150, .price = 101.5}};
  // A sell of 100 at 100.8 at 250 s (arrival 100.5); S_post at 550 s is 102.
  orders[1].side = fp::side::sell;
  orders[1].fills = {{.time = 250s, .side = fp::side::sell, .quantity = 100, .price = 100.8}};
  // Its horizon ends past the tape: left out.
  orders[2].fills = {{.time = 900s, .quantity = 10, .price = 101.0}};
  const fp::fill_observations f =
      fp::observations_from_fills(orders, tape, {.daily_volume = 1e6, .daily_volatility = 0.02});
  CHECK(f.skipped == 1);
  CHECK(f.orders == std::vector<std::size_t>{0, 1});
  const fp::impact_observations& o = f.observations;
  REQUIRE(o.size() == 2);
  CHECK(o.quantity[0] == 300.0);
  CHECK(o.duration[0] == 100.0);
  CHECK(o.arrival_mid[0] == 100.0);
  const double j0 = (101.0 - 100.0) / 100.0, i0 = (100.5 - 100.0) / 100.0;
  CHECK(o.permanent_bps[0] == doctest::Approx(1e4 * i0).epsilon(1e-12));
  CHECK(o.temporary_bps[0] == doctest::Approx(1e4 * (j0 - i0 / 2)).epsilon(1e-12));
  const double j1 = -(100.8 - 100.5) / 100.5, i1 = -(102.0 - 100.5) / 100.5;  // sold above the mid; the mid rose
  CHECK(o.permanent_bps[1] == doctest::Approx(1e4 * i1).epsilon(1e-12));
  CHECK(o.temporary_bps[1] == doctest::Approx(1e4 * (j1 - i1 / 2)).epsilon(1e-12));
  CHECK(o.duration[1] == 0.0);
  CHECK(o.volume[1] == 1e6);
  CHECK(o.volatility[0] == 0.02);
  CHECK_THROWS_AS((void)fp::observations_from_fills(orders, tape, {.daily_volume = 0.0, .daily_volatility = 0.02}),
                  fp::invalid_argument);
}

TEST_CASE("observations_from_fills: orders on a tape with planted linear impact give back its gamma") {
  // Each order of q shares moves the mid by gamma q for good, at its last fill; the mid is
  // otherwise flat. Almgren-Chriss's permanent regression I S0 = gamma Q recovers gamma.
  const double gamma = 2e-5;
  fp::market_tape tape;
  std::vector<fp::order_fills> orders;
  double mid = 50.0;
  tape.mid_times.push_back(0s);
  tape.mids.push_back(mid);
  for (int k = 0; k < 40; ++k) {
    const auto t0 = std::chrono::seconds(1000 * (k + 1));
    const double q = 100.0 * (k % 7 + 1);
    const fp::side side = k % 3 == 0 ? fp::side::sell : fp::side::buy;
    fp::order_fills o;
    o.side = side;
    o.fills = {{.time = t0, .side = side, .quantity = q / 2, .price = mid + fp::sign(side) * 0.01},
               {.time = t0 + 60s, .side = side, .quantity = q / 2, .price = mid + fp::sign(side) * 0.02}};
    orders.push_back(o);
    mid += fp::sign(side) * gamma * q;
    tape.mid_times.push_back(t0 + 60s);
    tape.mids.push_back(mid);
  }
  tape.mid_times.push_back(std::chrono::seconds(1000 * 42));
  tape.mids.push_back(mid);
  const fp::fill_observations f =
      fp::observations_from_fills(orders, tape, {.daily_volume = 1e6, .daily_volatility = 0.02});
  REQUIRE(f.observations.size() == 40);
  fp::almgren_chriss_calibration ac;
  (void)ac.fit(f.observations);
  CHECK(ac.gamma().value == doctest::Approx(gamma).epsilon(1e-9));
}

}  // namespace unity_recalibration
