// Depth features: depth imbalance over k levels, depth within x bps of the mid, book slope.
#include "footprint/book/price_level_book.hpp"
#include "footprint/features/book_slope.hpp"
#include "footprint/features/depth_imbalance.hpp"
#include "footprint/features/depth_within_bps.hpp"

#include <doctest/doctest.h>

#include <array>
#include <cmath>
#include <random>
#include <vector>

// Each test file is its own namespace: the module's files compile as one unity translation unit.
namespace unity_depth {

namespace fp = footprint;
using fp::side;

namespace {
fp::price_level_book make_book(std::vector<fp::price_level> bids, std::vector<fp::price_level> asks) {
  fp::price_level_book b;
  b.replace_side(side::buy, bids);
  b.replace_side(side::sell, asks);
  return b;
}
// Mid 100.01; bids 300 + 200 + 500 = 1000; asks 100 + 400 + 50 = 550.
const fp::price_level_book three_levels =
    make_book({{100.00, 300}, {99.99, 200}, {99.95, 500}}, {{100.02, 100}, {100.03, 400}, {100.10, 50}});
}  // namespace

TEST_CASE("depth_imbalance sums the best k levels of each side") {
  std::array<double, 1> out{};
  fp::depth_imbalance k1({.levels = 1});
  k1.compute(three_levels, out);
  CHECK(out[0] == 0.5);  // (300 - 100) / 400
  fp::depth_imbalance k2({.levels = 2});
  k2.compute(three_levels, out);
  CHECK(out[0] == 0.0);  // (500 - 500) / 1000
  fp::depth_imbalance k3({.levels = 3});
  k3.compute(three_levels, out);
  CHECK(out[0] == doctest::Approx(450.0 / 1550.0).epsilon(1e-15));
  fp::depth_imbalance k10({.levels = 10});  // a shallower book contributes what it has
  k10.compute(three_levels, out);
  CHECK(out[0] == doctest::Approx(450.0 / 1550.0).epsilon(1e-15));
  CHECK(k10.names()[0] == "depth_imbalance_10");
  k3.compute(make_book({{1.0, 1}}, {}), out);
  CHECK(std::isnan(out[0]));
  CHECK_THROWS_WITH_AS(fp::depth_imbalance({.levels = 0}),
                       "footprint::depth_imbalance::depth_imbalance: levels must be >= 1 (got 0)",
                       fp::invalid_argument);
}

TEST_CASE("depth_within_bps counts the levels within x bps of the mid on each side") {
  fp::depth_within_bps d({.bps = {1.0, 2.0, 10.0}});
  REQUIRE(d.size() == 6);
  CHECK(d.names()[0] == "bid_depth_1bps");
  CHECK(d.names()[5] == "ask_depth_10bps");
  std::array<double, 6> out{};
  d.compute(three_levels, out);
  // 1 bp of 100.01 = 0.010001: bids >= 99.999999 -> 100.00; asks <= 100.020001 -> 100.02.
  CHECK(out[0] == 300);
  CHECK(out[1] == 100);
  // 2 bps = 0.020002: bids >= 99.989998 -> 100.00, 99.99; asks <= 100.030002 -> 100.02, 100.03.
  CHECK(out[2] == 500);
  CHECK(out[3] == 500);
  // 10 bps = 0.10001: every level of both sides.
  CHECK(out[4] == 1000);
  CHECK(out[5] == 550);
  d.compute(make_book({}, {{1.0, 1}}), out);
  for (double x : out) CHECK(std::isnan(x));
  CHECK_THROWS_AS(fp::depth_within_bps({.bps = {}}), fp::invalid_argument);
  CHECK_THROWS_AS(fp::depth_within_bps({.bps = {5.0, -1.0}}), fp::invalid_argument);
  CHECK_THROWS_WITH_AS(
      fp::depth_within_bps({.bps = {5.0, 5.0}}),
      "footprint::depth_within_bps::depth_within_bps: feature names must be unique (got 'bid_depth_5bps' twice)",
      fp::invalid_argument);
}

TEST_CASE("depth_within_bps: distances in any order give each distance's own sum, bit for bit") {
  // Random books of 1 to 400 levels a side at random gaps and sizes; distances given in a
  // random order (largest first, interleaved): each output is the sum, best level first, of
  // the levels within its distance (the plain one-walk-per-distance definition), exactly.
  std::mt19937_64 rng(20261206);
  std::uniform_real_distribution<double> gap(0.01, 0.5), size(0.001, 50.0);
  const std::vector<double> bps = {25.0, 1.0, 300.0, 5.0, 0.5, 10.0};
  fp::depth_within_bps d({.bps = bps});
  std::vector<double> out(d.size());
  std::size_t mismatches = 0, nonzero = 0;
  for (int trial = 0; trial < 300; ++trial) {
    std::vector<fp::price_level> bids, asks;
    double b = 1000.0, a = 1000.0 + gap(rng);
    for (std::size_t i = 0, n = 1 + rng() % 400; i < n; ++i, b -= gap(rng)) bids.push_back({b, size(rng)});
    for (std::size_t i = 0, n = 1 + rng() % 400; i < n; ++i, a += gap(rng)) asks.push_back({a, size(rng)});
    d.compute(make_book(bids, asks), out);
    const double mid = 0.5 * (bids[0].price + asks[0].price);
    for (std::size_t j = 0; j < bps.size(); ++j) {
      double want_bid = 0.0, want_ask = 0.0;
      const double lo = mid * (1.0 - bps[j] * 1e-4), hi = mid * (1.0 + bps[j] * 1e-4);
      for (std::size_t i = 0; i < bids.size() && bids[i].price >= lo; ++i) want_bid += bids[i].quantity;
      for (std::size_t i = 0; i < asks.size() && asks[i].price <= hi; ++i) want_ask += asks[i].quantity;
      if (out[2 * j] != want_bid || out[2 * j + 1] != want_ask) ++mismatches;
      if (want_bid > 0.0 && want_ask > 0.0) ++nonzero;
    }
  }
  CHECK(mismatches == 0);
  CHECK(nonzero > 900);  // most distances reach levels on both sides
}

TEST_CASE("book_slope is the OLS slope of cumulative depth on distance from the mid (bps)") {
  fp::book_slope slope({.levels = 3});
  std::array<double, 2> out{};
  slope.compute(three_levels, out);
  // Bids: d = (0.99990, 1.99980, 5.99940) bps, D = (300, 500, 1000):
  // Sxy = 1899.81, Sxx = 13.9972 -> 135.72785714...
  CHECK(out[0] == doctest::Approx(135.7278571428718).epsilon(1e-9));
  // Asks: d = (0.99990, 1.99980, 8.99910) bps, D = (100, 500, 550).
  CHECK(out[1] == doctest::Approx(38.161710526320384).epsilon(1e-9));
  // One level on a side: no slope.
  slope.compute(make_book({{100.0, 1}}, {{100.1, 1}, {100.2, 2}}), out);
  CHECK(std::isnan(out[0]));
  CHECK(out[1] > 0.0);
  CHECK_THROWS_AS(fp::book_slope({.levels = 1}), fp::invalid_argument);
}

}  // namespace unity_depth
