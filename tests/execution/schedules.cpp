// Schedules: TWAP, POV and volume-profile children by hand (times, quantities, totals,
// horizons), the POV cap, the profile of a tape, and the errors.
#include "footprint/execution/schedules.hpp"

#include "footprint/error.hpp"

#include <doctest/doctest.h>

#include <chrono>
#include <cmath>
#include <vector>

// Each test file is its own namespace: the module's files compile as one unity translation unit.
namespace unity_schedules {

namespace fp = footprint;
using std::chrono::nanoseconds;
using std::chrono::seconds;

TEST_CASE("twap_schedule: N equal children at j T / N") {
  const fp::child_schedule s = fp::twap_schedule(100.0, 60.0, 3);
  CHECK(s.times == fp::vector{{0.0, 20.0, 40.0}});
  CHECK(s.quantities.isApprox(fp::vector::Constant(3, 100.0 / 3.0)));
  CHECK(s.quantities.sum() == doctest::Approx(100.0));
  CHECK(s.horizon_seconds == 60.0);
  CHECK_THROWS_WITH_AS((void)fp::twap_schedule(100.0, 60.0, 0),
                       "footprint::twap_schedule: n_children must be >= 1 (got 0)", fp::invalid_argument);
  CHECK_THROWS_AS((void)fp::twap_schedule(-1.0, 60.0, 3), fp::invalid_argument);
}

TEST_CASE("pov_schedule: p v per interval until done, the last child the rest") {
  // 10% of 50 per second every 10 s: 50 a child, 20 children, 200 s.
  const fp::child_schedule s = fp::pov_schedule(1000.0, 0.1, 50.0, 10.0);
  CHECK(s.times.size() == 20);
  CHECK(s.times[19] == 190.0);
  CHECK((s.quantities.array() == 50.0).all());
  CHECK(s.horizon_seconds == 200.0);
  // 1,020: a 21st child of 20.
  const fp::child_schedule r = fp::pov_schedule(1020.0, 0.1, 50.0, 10.0);
  REQUIRE(r.quantities.size() == 21);
  CHECK(r.quantities[20] == doctest::Approx(20.0));
  CHECK(r.quantities.sum() == doctest::Approx(1020.0));
  // Twice the participation, half the horizon.
  CHECK(fp::pov_schedule(1000.0, 0.2, 50.0, 10.0).horizon_seconds == 100.0);
  // Capped at 5 children: the last takes the rest.
  const fp::child_schedule capped = fp::pov_schedule(1000.0, 0.1, 50.0, 10.0, 5);
  CHECK(capped.quantities.size() == 5);
  CHECK(capped.quantities[4] == doctest::Approx(800.0));
  // An order smaller than one child is one child.
  CHECK(fp::pov_schedule(10.0, 0.1, 50.0, 10.0).quantities.size() == 1);
  CHECK_THROWS_AS((void)fp::pov_schedule(1000.0, 0.0, 50.0, 10.0), fp::invalid_argument);
  CHECK_THROWS_AS((void)fp::pov_schedule(1000.0, 1.5, 50.0, 10.0), fp::invalid_argument);
  CHECK_THROWS_AS((void)fp::pov_schedule(1000.0, 0.1, 0.0, 10.0), fp::invalid_argument);
}

TEST_CASE("volume_profile_schedule: children follow the profile's volume in their intervals") {
  const std::vector<double> profile{0.1, 0.3, 0.6};  // per minute
  const fp::child_schedule whole = fp::volume_profile_schedule(600.0, 180.0, 3, profile, 60.0, 0.0);
  CHECK(whole.quantities[0] == doctest::Approx(60.0));
  CHECK(whole.quantities[1] == doctest::Approx(180.0));
  CHECK(whole.quantities[2] == doctest::Approx(360.0));
  // From 30 s, two children of 60 s: [30, 90) holds 0.05 + 0.15, [90, 150) 0.15 + 0.3.
  const fp::child_schedule part = fp::volume_profile_schedule(650.0, 120.0, 2, profile, 60.0, 30.0);
  CHECK(part.quantities[0] == doctest::Approx(200.0));
  CHECK(part.quantities[1] == doctest::Approx(450.0));
  CHECK(part.times[1] == 60.0);
  // Past the profile's end there is no volume to follow.
  CHECK_THROWS_WITH_AS((void)fp::volume_profile_schedule(100.0, 60.0, 2, profile, 60.0, 200.0),
                       "footprint::volume_profile_schedule: the profile has no volume over [200, 260) s of the session",
                       fp::invalid_argument);
  CHECK_THROWS_AS((void)fp::volume_profile_schedule(100.0, 60.0, 2, {0.5, -0.1}, 60.0, 0.0), fp::invalid_argument);
}

TEST_CASE("volume_profile: the tape's traded quantity per bin, as shares") {
  fp::market_tape tape;
  tape.trades = {{.time = nanoseconds{500'000'000}, .price = 1.0, .quantity = 1.0, .sign = 1},
                 {.time = nanoseconds{1'500'000'000}, .price = 1.0, .quantity = 3.0, .sign = -1},
                 {.time = nanoseconds{10'000'000'000}, .price = 1.0, .quantity = 9.0, .sign = 1}};  // past the span
  const std::vector<double> p = fp::volume_profile(tape, nanoseconds{0}, seconds{1}, 2);
  REQUIRE(p.size() == 2);
  CHECK(p[0] == doctest::Approx(0.25));
  CHECK(p[1] == doctest::Approx(0.75));
  CHECK(fp::volume_profile(tape, seconds{20}, seconds{1}, 2) == std::vector<double>{0.0, 0.0});
  CHECK_THROWS_AS((void)fp::volume_profile(tape, nanoseconds{0}, seconds{0}, 2), fp::invalid_argument);
}

TEST_CASE("urgency_schedule: the Almgren-Chriss sinh trajectory, TWAP at urgency 0") {
  // holdings x(t_j) = Q sinh(kappa T (1 - j / N)) / sinh(kappa T): children are its decrements
  const footprint::child_schedule s = footprint::urgency_schedule(100.0, 60.0, 4, 2.0);
  auto held = [](double f) { return 100.0 * std::sinh(2.0 * (1.0 - f)) / std::sinh(2.0); };
  REQUIRE(s.quantities.size() == 4);
  for (int j = 0; j < 4; ++j) CHECK(s.quantities[j] == doctest::Approx(held(j / 4.0) - held((j + 1) / 4.0)));
  CHECK(s.quantities.sum() == doctest::Approx(100.0));
  CHECK(s.quantities[0] > s.quantities[3]);  // front-loaded
  CHECK(s.times[3] == doctest::Approx(45.0));
  CHECK(s.horizon_seconds == 60.0);
  const footprint::child_schedule twap = footprint::urgency_schedule(100.0, 60.0, 4, 0.0);
  for (int j = 0; j < 4; ++j) CHECK(twap.quantities[j] == doctest::Approx(25.0));
  CHECK_THROWS_AS((void)footprint::urgency_schedule(100.0, 60.0, 4, -1.0), footprint::invalid_argument);
  CHECK_THROWS_AS((void)footprint::urgency_schedule(100.0, 60.0, 4, std::nan("")), footprint::invalid_argument);
}

}  // namespace unity_schedules
