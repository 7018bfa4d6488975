// adverse_selection: time since the last large trade, quote revisions per second and the
// share of trades through the best quote, against hand-counted sequences.
#include "footprint/features/adverse_selection.hpp"

#include "footprint/book/price_level_book.hpp"
#include "footprint/book/trade.hpp"

#include <doctest/doctest.h>

#include <array>
#include <chrono>
#include <cmath>

// Each test file is its own namespace: the module's files compile as one unity translation unit.
namespace unity_adverse_selection {

namespace fp = footprint;
using namespace std::chrono_literals;
using fp::side;

fp::price_level_book book_at(double bid, double ask, std::chrono::nanoseconds t) {
  fp::price_level_book b;
  b.set_level(side::buy, bid, 100.0);
  b.set_level(side::sell, ask, 100.0);
  b.set_timestamp(t);
  return b;
}

TEST_CASE("adverse_selection: quote revisions, trade-throughs and the last large trade") {
  fp::adverse_selection f({.window = 10s, .large_multiple = 5.0});
  CHECK(f.names()[1] == "quote_revision_rate_10s");
  CHECK(f.names()[2] == "trade_through_rate_10s");
  std::array<double, 3> out{};
  fp::price_level_book b = book_at(99.99, 100.01, 0s);
  f.compute(b, out);
  CHECK(std::isnan(out[0]));  // nothing seen yet
  f.update(b);
  f.update(book_at(99.99, 100.01, 1s));   // same quotes: not a revision
  f.update(book_at(100.00, 100.01, 2s));  // the bid moved: one
  f.update(book_at(100.00, 100.02, 3s));  // the ask moved: two
  // Trades, each before the book that shows it: best quotes 100.00 / 100.02.
  f.update(fp::trade{.time = 4s, .price = 100.02, .quantity = 1, .sign = 1});   // at the ask
  f.update(fp::trade{.time = 4s, .price = 100.03, .quantity = 1, .sign = 1});   // through the ask
  f.update(fp::trade{.time = 5s, .price = 100.00, .quantity = 2, .sign = -1});  // at the bid
  f.update(fp::trade{.time = 5s, .price = 100.01, .quantity = 1, .sign = 0});   // unsigned: not judged
  b = book_at(100.00, 100.02, 6s);
  f.update(b);
  f.compute(b, out);
  CHECK(std::isnan(out[0]));                     // no trade of 5x the mean yet
  CHECK(out[1] == doctest::Approx(2.0 / 10.0));  // two revisions in 10 s
  CHECK(out[2] == doctest::Approx(1.0 / 3.0));   // one of three signed trades went through
  // A trade of 25 against a mean of 5/4 before it: large.
  f.update(fp::trade{.time = 7s, .price = 100.02, .quantity = 25, .sign = 1});
  b = book_at(100.00, 100.02, 9500ms);
  f.update(b);
  f.compute(b, out);
  CHECK(out[0] == doctest::Approx(2.5));
  CHECK(out[2] == doctest::Approx(1.0 / 4.0));
  // 10 s later the first revisions and trades have left the window.
  b = book_at(100.00, 100.02, 16s);
  f.update(b);
  f.compute(b, out);
  CHECK(out[0] == doctest::Approx(9.0));
  CHECK(out[1] == doctest::Approx(0.0));
  CHECK(out[2] == doctest::Approx(0.0));  // the large trade was at the ask
  f.reset();
  f.compute(b, out);
  CHECK(std::isnan(out[0]));
  CHECK(std::isnan(out[1]));
  CHECK(std::isnan(out[2]));
}

TEST_CASE("adverse_selection: parameters are checked") {
  CHECK_THROWS_AS(fp::adverse_selection({.window = 0s}), fp::invalid_argument);
  CHECK_THROWS_WITH_AS(fp::adverse_selection({.large_multiple = 1.0}),
                       "footprint::adverse_selection::adverse_selection: large_multiple must be finite and > 1 (got 1)",
                       fp::invalid_argument);
  CHECK_THROWS_AS(fp::adverse_selection({.capacity = 0}), fp::invalid_argument);
}

}  // namespace unity_adverse_selection
