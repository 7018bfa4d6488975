// walk_book: hand-computed walks of a three-level book (within one level, across levels, past
// the visible depth onto the profile), the half spread as a floor, monotonicity in size, a
// given density, and the errors.
#include "footprint/book/book_walk.hpp"

#include "footprint/book/price_level_book.hpp"
#include "footprint/error.hpp"

#include <doctest/doctest.h>

#include <cmath>

// Each test file is its own namespace: the module's files compile as one unity translation unit.
namespace unity_book_walk {

namespace fp = footprint;

namespace {

/// Mid 100.00; asks 100.01 x 100, 100.02 x 200, 100.03 x 300 (1, 2, 3 bps from the mid);
/// bids 99.99 x 100, 99.98 x 200.
fp::price_level_book book() {
  fp::price_level_book b;
  b.set_level(fp::side::sell, 100.01, 100.0);
  b.set_level(fp::side::sell, 100.02, 200.0);
  b.set_level(fp::side::sell, 100.03, 300.0);
  b.set_level(fp::side::buy, 99.99, 100.0);
  b.set_level(fp::side::buy, 99.98, 200.0);
  return b;
}

}  // namespace

TEST_CASE("walk_book: costs by hand within a level, across levels and past the visible depth") {
  const fp::price_level_book b = book();
  const double eps = 1e-9;
  // Within the best level: the half spread, 1 bps.
  const fp::book_walk small = fp::walk_book(b, fp::side::buy, 50.0);
  CHECK(small.cost_bps == doctest::Approx(1.0).epsilon(eps));
  CHECK(small.levels_taken == 1);
  CHECK_FALSE(small.exceeds_visible());
  // 100 at 1 bps + 150 at 2 bps = 1.6 bps.
  CHECK(fp::walk_book(b, fp::side::buy, 250.0).cost_bps == doctest::Approx(1.6).epsilon(eps));
  // The whole visible side: (100 + 400 + 900) / 600 bps; the worst price 3 bps.
  const fp::book_walk all = fp::walk_book(b, fp::side::buy, 600.0);
  CHECK(all.cost_bps == doctest::Approx(1400.0 / 600.0).epsilon(eps));
  CHECK(all.levels_taken == 3);
  CHECK(all.worst_price_bps == doctest::Approx(3.0).epsilon(eps));
  CHECK(all.visible_quantity == 600.0);
  // Twice the visible depth: the profile's density is 600 / 3 = 200 per bps, so the other
  // 600 move the price 3 bps beyond the last level and pay 3 + 1.5 bps on average:
  // (1400 + 600 x 4.5) / 1200.
  const fp::book_walk beyond = fp::walk_book(b, fp::side::buy, 1200.0);
  CHECK(beyond.exceeds_visible());
  CHECK(beyond.beyond_visible == 600.0);
  CHECK(beyond.density_per_bps == doctest::Approx(200.0).epsilon(eps));
  CHECK(beyond.cost_bps == doctest::Approx(4100.0 / 1200.0).epsilon(eps));
  CHECK(beyond.worst_price_bps == doctest::Approx(6.0).epsilon(eps));
  // A sell takes the bids: 100 at 1 bps + 50 at 2 bps.
  CHECK(fp::walk_book(b, fp::side::sell, 150.0).cost_bps == doctest::Approx(200.0 / 150.0).epsilon(eps));
  // A given density: 600 beyond at 100 per bps move the price 6 bps past the last level.
  CHECK(fp::walk_book(b, fp::side::buy, 1200.0, {.density_per_bps = 100.0}).cost_bps ==
        doctest::Approx((1400.0 + 600.0 * (3.0 + 3.0)) / 1200.0).epsilon(eps));
}

TEST_CASE("walk_book: never below the half spread and non-decreasing in size") {
  const fp::price_level_book b = book();
  double previous = 0.0;
  for (double q = 1.0; q < 1e5; q *= 1.3) {
    const double c = fp::walk_book(b, fp::side::buy, q).cost_bps;
    CAPTURE(q);
    CHECK(c >= 1.0 - 1e-12);  // the half spread
    CHECK(c >= previous);
    previous = c;
  }
  // Far beyond the visible depth the cost grows linearly in size (a linear profile).
  const double c1 = fp::walk_book(b, fp::side::buy, 1e6).cost_bps, c2 = fp::walk_book(b, fp::side::buy, 2e6).cost_bps;
  CHECK(c2 / c1 == doctest::Approx(2.0).epsilon(0.01));
}

TEST_CASE("walk_best_level: walk_book on the best level alone") {
  for (const double q : {10.0, 100.0, 150.0, 1000.0, 1e5}) {
    fp::price_level_book one;
    one.set_level(fp::side::sell, 100.01, 100.0);
    one.set_level(fp::side::buy, 99.99, 100.0);
    CAPTURE(q);
    CHECK(fp::walk_best_level(1.0, 100.0, q) ==
          doctest::Approx(fp::walk_book(one, fp::side::buy, q).cost_bps).epsilon(1e-9));
  }
  CHECK(std::isnan(fp::walk_best_level(fp::nan, 100.0, 10.0)));
  CHECK(std::isnan(fp::walk_best_level(1.0, 0.0, 10.0)));
  CHECK(std::isnan(fp::walk_best_level(1.0, 100.0, -1.0)));
}

TEST_CASE("walk_book: errors name the argument") {
  const fp::price_level_book b = book();
  CHECK_THROWS_WITH_AS((void)fp::walk_book(b, fp::side::buy, 0.0),
                       "footprint::walk_book: quantity must be finite and > 0 (got 0)", fp::invalid_argument);
  CHECK_THROWS_AS((void)fp::walk_book(b, fp::side::buy, std::nan("")), fp::invalid_argument);
  CHECK_THROWS_AS((void)fp::walk_book(b, fp::side::buy, 10.0, {.density_per_bps = -1.0}), fp::invalid_argument);
  fp::price_level_book one_sided;
  one_sided.set_level(fp::side::buy, 99.0, 1.0);
  CHECK_THROWS_WITH_AS((void)fp::walk_book(one_sided, fp::side::buy, 1.0),
                       "footprint::walk_book: the book needs both sides (got 1 bid and 0 ask levels)",
                       fp::invalid_argument);
}

}  // namespace unity_book_walk
