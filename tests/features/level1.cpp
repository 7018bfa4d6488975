// Level-1 features: mid, spread, spread in bps, weighted mid, queue imbalance.
#include "footprint/book/price_level_book.hpp"
#include "footprint/features/queue_imbalance.hpp"
#include "footprint/features/top_of_book.hpp"

#include <doctest/doctest.h>

#include <array>
#include <cmath>
#include <vector>

// Each test file is its own namespace: the module's files compile as one unity translation unit.
namespace unity_level1 {

namespace fp = footprint;
using fp::side;

namespace {
fp::price_level_book make_book(std::vector<fp::price_level> bids, std::vector<fp::price_level> asks) {
  fp::price_level_book b;
  b.replace_side(side::buy, bids);
  b.replace_side(side::sell, asks);
  return b;
}
}  // namespace

TEST_CASE("top_of_book: mid, spread, spread_bps and weighted mid of a small book") {
  // Best bid 100.00 x 300, best ask 100.02 x 100.
  const fp::price_level_book book = make_book({{100.00, 300}, {99.99, 200}}, {{100.02, 100}, {100.03, 400}});
  fp::top_of_book tob;
  std::array<double, 4> out{};
  tob.compute(book, out);
  CHECK(out[0] == doctest::Approx(100.01).epsilon(1e-14));              // (100.00 + 100.02) / 2
  CHECK(out[1] == doctest::Approx(0.02).epsilon(1e-10));                // 100.02 - 100.00
  CHECK(out[2] == doctest::Approx(1.9998000199980002).epsilon(1e-10));  // 1e4 * 0.02 / 100.01
  // (300 * 100.02 + 100 * 100.00) / 400 = 100.015 = mid + spread * (I - 1/2), I = 0.75
  CHECK(out[3] == doctest::Approx(100.015).epsilon(1e-14));
  CHECK(out[3] == doctest::Approx(out[0] + out[1] * (0.75 - 0.5)).epsilon(1e-14));
  CHECK(tob.names()[3] == "weighted_mid");
}

TEST_CASE("queue_imbalance: (qb - qa) / (qb + qa) at the best quotes") {
  const fp::price_level_book book = make_book({{100.00, 300}, {99.99, 200}}, {{100.02, 100}, {100.03, 400}});
  fp::queue_imbalance qi;
  std::array<double, 1> out{};
  qi.compute(book, out);
  CHECK(out[0] == 0.5);  // (300 - 100) / 400; deeper levels do not count
  const fp::price_level_book heavy_ask = make_book({{10.0, 1}}, {{10.1, 3}});
  qi.compute(heavy_ask, out);
  CHECK(out[0] == -0.5);  // (1 - 3) / 4
}

TEST_CASE("level-1 features are NaN when a side is empty") {
  fp::top_of_book tob;
  fp::queue_imbalance qi;
  std::array<double, 4> out{};
  std::array<double, 1> q{};
  const fp::price_level_book no_asks = make_book({{100.0, 5}}, {});
  const fp::price_level_book no_bids = make_book({}, {{100.0, 5}});
  const fp::price_level_book empty;
  for (const fp::price_level_book* b : {&no_asks, &no_bids, &empty}) {
    tob.compute(*b, out);
    qi.compute(*b, q);
    for (double x : out) CHECK(std::isnan(x));
    CHECK(std::isnan(q[0]));
  }
}

TEST_CASE("the weighted mid stays within [bid, ask] and leans away from the heavier queue") {
  fp::top_of_book tob;
  std::array<double, 4> out{};
  for (double qb : {1.0, 10.0, 99.0, 101.0, 1000.0}) {
    const fp::price_level_book b = make_book({{50.00, qb}}, {{50.04, 100.0}});
    tob.compute(b, out);
    CHECK(out[3] >= 50.00);
    CHECK(out[3] <= 50.04);
    CHECK((out[3] > out[0]) == (qb > 100.0));  // more bids -> closer to the ask
  }
}

}  // namespace unity_level1
