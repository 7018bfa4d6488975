// impact_observations: validation messages name the column, the row and the value; binning
// in log-spaced Q/V bins averages as documented.
#include "footprint/impact/impact_observations.hpp"

#include "impact/synthetic.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <limits>
#include <string>

// Each test file is its own namespace: the module's files compile as one unity translation unit.
namespace unity_observations {

namespace fp = footprint;

namespace {

fp::impact_observations small() {
  fp::impact_observations obs;
  obs.quantity = fp::vector{{100, 200, 300, 400}};
  obs.duration = fp::vector{{60, 0, 120, 30}};
  obs.volume = fp::vector::Constant(4, 1e5);
  obs.volatility = fp::vector::Constant(4, 0.02);
  obs.arrival_mid = fp::vector::Constant(4, 50.0);
  obs.temporary_bps = fp::vector{{1, 2, -3, 4}};
  obs.permanent_bps = fp::vector{{0.5, 1, 1.5, 2}};
  return obs;
}

std::string message_of(const fp::impact_observations& obs) {
  try {
    obs.validate("f");
  } catch (const std::exception& e) {
    return e.what();
  }
  return "no exception";
}

}  // namespace

TEST_CASE("impact_observations: valid data passes, size and helpers") {
  const fp::impact_observations obs = small();
  CHECK_NOTHROW(obs.validate("f"));
  CHECK(obs.size() == 4);
  CHECK(obs.participation()[1] == doctest::Approx(2e-3));
  CHECK(obs.weights_or_ones() == fp::vector::Ones(4));
  CHECK(obs.impact_bps(fp::impact_component::total, "f")[2] == doctest::Approx(-1.5));
  CHECK(obs.impact_bps(fp::impact_component::permanent, "f")[3] == 2.0);
  // Optional columns may be empty.
  fp::impact_observations minimal;
  minimal.quantity = obs.quantity;
  minimal.volume = obs.volume;
  minimal.volatility = obs.volatility;
  CHECK_NOTHROW(minimal.validate("f"));
  CHECK(std::string(fp::to_string(fp::impact_component::temporary)) == "temporary");
}

TEST_CASE("impact_observations: unequal lengths throw dimension_mismatch naming the column") {
  fp::impact_observations obs = small();
  obs.volume = fp::vector::Constant(3, 1e5);
  CHECK(message_of(obs) == "f: volume.size() must equal quantity.size() (expected 4, got 3)");
  CHECK_THROWS_AS(obs.validate("f"), fp::dimension_mismatch);

  obs = small();
  obs.permanent_bps = fp::vector::Zero(5);
  CHECK(message_of(obs) == "f: permanent_bps.size() must equal quantity.size() or be 0 (expected 4, got 5)");
  try {
    obs.validate("f");
  } catch (const fp::dimension_mismatch& e) {
    CHECK(e.expected() == 4);
    CHECK(e.got() == 5);
  }

  obs = small();
  obs.weights = fp::vector::Ones(2);
  CHECK(message_of(obs) == "f: weights.size() must equal quantity.size() or be 0 (expected 4, got 2)");
}

TEST_CASE("impact_observations: out-of-range entries name column, row and value") {
  const double qnan = std::numeric_limits<double>::quiet_NaN();
  const double inf = std::numeric_limits<double>::infinity();
  fp::impact_observations obs = small();
  obs.quantity[2] = 0.0;
  CHECK(message_of(obs) == "f: quantity must be finite and > 0 (got 0 at row 2)");
  obs = small();
  obs.duration[3] = -1.0;
  CHECK(message_of(obs) == "f: duration must be finite and >= 0 (got -1 at row 3)");
  obs = small();
  obs.volume[1] = -qnan;  // a NaN with its sign bit set still prints as "nan"
  CHECK(message_of(obs) == "f: volume must be finite and > 0 (got nan at row 1)");
  obs = small();
  obs.volatility[0] = inf;
  CHECK(message_of(obs) == "f: volatility must be finite and > 0 (got inf at row 0)");
  obs = small();
  obs.arrival_mid[3] = -2.5;
  CHECK(message_of(obs) == "f: arrival_mid must be finite and > 0 (got -2.5 at row 3)");
  obs = small();
  obs.temporary_bps[1] = qnan;
  CHECK(message_of(obs) == "f: temporary_bps must be finite (got nan at row 1)");
  obs = small();
  obs.permanent_bps[2] = -inf;
  CHECK(message_of(obs) == "f: permanent_bps must be finite (got -inf at row 2)");
  obs = small();
  obs.weights = fp::vector{{1, 1, 0, 1}};
  CHECK(message_of(obs) == "f: weights must be finite and > 0 (got 0 at row 2)");
  CHECK_THROWS_AS(obs.validate("f"), fp::invalid_argument);
  CHECK_THROWS_AS(obs.validate("f"), std::invalid_argument);
}

TEST_CASE("impact_observations: a component whose column is empty is named") {
  fp::impact_observations obs = small();
  obs.temporary_bps.resize(0);
  CHECK_THROWS_WITH_AS((void)obs.impact_bps(fp::impact_component::total, "f"),
                       "f: temporary_bps is empty (the total component needs it)", fp::invalid_argument);
  CHECK_NOTHROW((void)obs.impact_bps(fp::impact_component::permanent, "f"));
}

TEST_CASE("bin_by_participation: weighted means in log-spaced bins") {
  fp::impact_observations obs;
  // Q/V = 1e-4, 1.5e-4 (bin 0), 1e-3 (bin 1), 1e-2 (bin 2) with 3 bins over [1e-4, 1e-2].
  obs.quantity = fp::vector{{10, 15, 100, 1000}};
  obs.volume = fp::vector::Constant(4, 1e5);
  obs.volatility = fp::vector{{0.01, 0.02, 0.01, 0.04}};
  obs.duration = fp::vector{{10, 30, 50, 70}};
  obs.permanent_bps = fp::vector{{1, 4, 2, 8}};
  obs.weights = fp::vector{{1, 3, 2, 1}};

  const fp::impact_observations b = fp::bin_by_participation(obs, 3);
  REQUIRE(b.size() == 3);
  CHECK(b.weights == fp::vector{{4, 2, 1}});
  CHECK(b.quantity[0] == doctest::Approx((1e-4 + 3 * 1.5e-4) / 4));
  CHECK(b.quantity[1] == doctest::Approx(1e-3));
  CHECK(b.quantity[2] == doctest::Approx(1e-2));
  // impact / sigma, weighted: (1/0.01 + 3 * 4/0.02) / 4 = (100 + 600) / 4.
  CHECK(b.permanent_bps[0] == doctest::Approx(175.0));
  CHECK(b.permanent_bps[2] == doctest::Approx(200.0));
  CHECK(b.duration[0] == doctest::Approx((10 + 90) / 4.0));
  CHECK(b.volume == fp::vector::Ones(3));
  CHECK(b.volatility == fp::vector::Ones(3));
  CHECK(b.temporary_bps.size() == 0);  // absent in, absent out
  CHECK(b.arrival_mid.size() == 0);
  CHECK_NOTHROW(b.validate("f"));

  // Empty bins yield no row: 10 bins over four points leave six empty.
  CHECK(fp::bin_by_participation(obs, 10).size() == 3);
}

TEST_CASE("bin_by_participation: every row lands in a bin, one value gives one bin") {
  fp::detail::xoshiro256ss rng(7);
  const fp::impact_observations obs = synthetic::market(500, rng);
  const fp::impact_observations b = fp::bin_by_participation(obs, 20);
  CHECK(b.weights.sum() == doctest::Approx(500.0));
  for (fp::index k = 1; k < b.size(); ++k) CHECK(b.quantity[k] > b.quantity[k - 1]);

  fp::impact_observations same = small();
  same.quantity = fp::vector::Constant(4, 100.0);
  CHECK(fp::bin_by_participation(same, 5).size() == 1);
}

TEST_CASE("bin_by_participation: argument errors") {
  CHECK_THROWS_WITH_AS((void)fp::bin_by_participation(small(), 0),
                       "footprint::bin_by_participation: n_bins must be >= 1 (got 0)", fp::invalid_argument);
  CHECK_THROWS_WITH_AS((void)fp::bin_by_participation(fp::impact_observations{}, 3),
                       "footprint::bin_by_participation: obs must not be empty (got 0 rows)", fp::invalid_argument);
  fp::impact_observations bad = small();
  bad.volume[0] = 0.0;
  CHECK_THROWS_WITH_AS((void)fp::bin_by_participation(bad, 3),
                       "footprint::bin_by_participation: volume must be finite and > 0 (got 0 at row 0)",
                       fp::invalid_argument);
}

}  // namespace unity_observations
