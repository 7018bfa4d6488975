// detail::settable_prefix, the one check of a batch of levels on the depth-update path: the
// same answer as the plain rule (price finite and > 0, quantity finite and >= 0) level by
// level, on the values at its edges; and the books' set_levels still refuse what it refuses.
#include "footprint/book/detail/level_checks.hpp"
#include "footprint/book/price_level_book.hpp"
#include "footprint/book/tick_level_book.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <cstddef>
#include <limits>
#include <random>
#include <span>
#include <vector>

namespace unity_level_checks {

namespace fp = footprint;

namespace {

// The rule, written plainly.
bool settable(const fp::price_level& l) {
  return std::isfinite(l.price) && l.price > 0.0 && std::isfinite(l.quantity) && l.quantity >= 0.0;
}

std::size_t reference_prefix(const std::vector<fp::price_level>& v) {
  std::size_t n = 0;
  while (n < v.size() && settable(v[n])) ++n;
  return n;
}

}  // namespace

TEST_CASE("settable_prefix gives the index of the first level that cannot be set, at the edges of the rule") {
  constexpr double inf = std::numeric_limits<double>::infinity();
  constexpr double nan = std::numeric_limits<double>::quiet_NaN();
  constexpr double tiny = std::numeric_limits<double>::denorm_min();
  constexpr double max = std::numeric_limits<double>::max();
  // Prices and quantities at the edges: the settable ones, then the others.
  const std::vector<double> good_prices{tiny, std::numeric_limits<double>::min(), 1e-8, 61737.63, max};
  const std::vector<double> bad_prices{0.0, -0.0, -tiny, -1.0, inf, -inf, nan, -nan};
  const std::vector<double> good_quantities{0.0, -0.0, tiny, 1e-8, 3.0, max};
  const std::vector<double> bad_quantities{-tiny, -1.0, inf, -inf, nan};
  std::vector<fp::price_level> all;
  for (const double p : good_prices) {
    for (const double q : good_quantities) all.push_back({p, q});
    for (const double q : bad_quantities) all.push_back({p, q});
  }
  for (const double p : bad_prices) {
    for (const double q : good_quantities) all.push_back({p, q});
  }
  std::size_t good = 0;
  for (const fp::price_level& l : all) good += settable(l) ? 1 : 0;
  CHECK(good == good_prices.size() * good_quantities.size());
  // Each level alone, and each bad level after up to 70 good ones (the SSE2 pass, then the scan).
  std::mt19937_64 rng(7);
  for (const fp::price_level& l : all) {
    INFO("price ", l.price, ", quantity ", l.quantity);
    CHECK(fp::detail::settable_prefix(std::span<const fp::price_level>(&l, 1)) == (settable(l) ? 1U : 0U));
    CHECK(fp::detail::settable_level(l.price, l.quantity) == settable(l));
    for (int trial = 0; trial < 20; ++trial) {
      std::vector<fp::price_level> v(std::uniform_int_distribution<std::size_t>(0, 70)(rng), {100.0, 1.0});
      const std::size_t at = std::uniform_int_distribution<std::size_t>(0, v.size())(rng);
      v.insert(v.begin() + static_cast<std::ptrdiff_t>(at), l);
      v.push_back(all[std::uniform_int_distribution<std::size_t>(0, all.size() - 1)(rng)]);  // anything after
      CHECK(fp::detail::settable_prefix(std::span<const fp::price_level>(v)) == reference_prefix(v));
    }
  }
  CHECK(fp::detail::settable_prefix(std::span<const fp::price_level>()) == 0);
}

TEST_CASE("scan_levels finds the same settable prefix and strict order as a plain loop") {
  std::mt19937_64 rng(11);
  std::uniform_int_distribution<int> coin(0, 5);
  for (int trial = 0; trial < 3000; ++trial) {
    const std::size_t n = std::uniform_int_distribution<std::size_t>(0, 80)(rng);
    const bool up = coin(rng) < 3;
    std::vector<fp::price_level> v;
    double p = 60000.0;
    for (std::size_t i = 0; i < n; ++i) {
      v.push_back({p, static_cast<double>(coin(rng))});
      p += (up ? 0.01 : -0.01) * static_cast<double>(1 + coin(rng));
    }
    // Sometimes one defect: a repeated price (adjacent or not), a swap, an invalid level.
    if (n >= 2) {
      const std::size_t i = std::uniform_int_distribution<std::size_t>(1, n - 1)(rng);
      switch (coin(rng)) {
        case 0: v[i].price = v[i - 1].price; break;
        case 1: v[i].price = v[std::uniform_int_distribution<std::size_t>(0, i - 1)(rng)].price; break;
        case 2: std::swap(v[i].price, v[i - 1].price); break;
        case 3: v[i].quantity = -1.0; break;
        default: break;
      }
    }
    bool inc = true, dec = true;
    for (std::size_t i = 1; i < v.size(); ++i) {
      inc = inc && v[i].price > v[i - 1].price;
      dec = dec && v[i].price < v[i - 1].price;
    }
    const fp::detail::level_scan r = fp::detail::scan_levels(std::span<const fp::price_level>(v));
    INFO("trial ", trial, ", ", n, " levels");
    CHECK(r.settable == reference_prefix(v));
    CHECK(r.monotone == (inc || dec));
  }
}

TEST_CASE("set_levels still applies the levels before an invalid one, then throws, in both books") {
  const std::vector<fp::price_level> levels{{100.0, 1.0}, {99.0, 2.0}, {98.0, std::nan("")}, {97.0, 4.0}};
  fp::price_level_book p;
  fp::tick_level_book t;
  CHECK_THROWS_AS(p.set_levels(fp::side::buy, levels), fp::invalid_argument);
  CHECK_THROWS_AS(t.set_levels(fp::side::buy, levels), fp::invalid_argument);
  CHECK(p.bid_levels() == 2);
  CHECK(t.bid_levels() == 2);
  CHECK(t.bid_price(1) == 99.0);
  // The checked overload applies what it is given (the caller has checked it).
  t.set_levels(fp::side::buy, std::span<const fp::price_level>(levels).first(2), fp::detail::checked_levels);
  p.set_levels(fp::side::sell, std::span<const fp::price_level>(levels).last(1), fp::detail::checked_levels);
  CHECK(t.bid_levels() == 2);
  CHECK(p.ask_levels() == 1);
}

}  // namespace unity_level_checks
