// price_level_book: level updates, best-first access, snapshots and validation.
#include "footprint/book/price_level_book.hpp"

#include <doctest/doctest.h>

#include <array>
#include <cmath>
#include <string>

// Each test file is its own namespace: the module's files compile as one unity translation unit.
namespace unity_price_level_book {

namespace fp = footprint;
using fp::side;

static_assert(fp::OrderBookView<fp::price_level_book>);
static_assert(fp::OrderBookView<fp::book_view>);

TEST_CASE("levels are kept best first on both sides") {
  fp::price_level_book b;
  b.set_level(side::buy, 100.0, 5);
  b.set_level(side::buy, 101.0, 3);
  b.set_level(side::buy, 99.5, 7);
  b.set_level(side::sell, 102.0, 4);
  b.set_level(side::sell, 101.5, 2);
  b.set_level(side::sell, 103.0, 9);
  REQUIRE(b.bid_levels() == 3);
  REQUIRE(b.ask_levels() == 3);
  CHECK(b.bid_price(0) == 101.0);
  CHECK(b.bid_quantity(0) == 3);
  CHECK(b.bid_price(2) == 99.5);
  CHECK(b.ask_price(0) == 101.5);
  CHECK(b.ask_quantity(0) == 2);
  CHECK(b.ask_price(2) == 103.0);
  CHECK(b.best_bid() == 101.0);
  CHECK(b.best_ask() == 101.5);
  CHECK_FALSE(b.is_crossed());
  CHECK(b.cumulative_quantity(side::buy, 2) == 8);
  CHECK(b.cumulative_quantity(side::sell, 10) == 15);
  CHECK(b.quantity_at(side::sell, 102.0) == 4);
  CHECK(b.quantity_at(side::sell, 102.5) == 0);
}

TEST_CASE("quantity 0 deletes a level, and updating an existing level replaces its quantity") {
  fp::price_level_book b;
  b.set_level(side::buy, 100.0, 5);
  b.set_level(side::buy, 100.0, 8);
  CHECK(b.bid_levels() == 1);
  CHECK(b.bid_quantity(0) == 8);
  b.set_level(side::buy, 100.0, 0);
  CHECK(b.bid_levels() == 0);
  CHECK(std::isnan(b.best_bid()));
  b.set_level(side::sell, 50.0, 0);  // deleting a missing level is a no-op
  CHECK(b.ask_levels() == 0);
}

TEST_CASE("add_quantity accumulates and removes exhausted levels") {
  fp::price_level_book b;
  b.add_quantity(side::sell, 10.0, 100);
  b.add_quantity(side::sell, 10.0, 50);
  CHECK(b.ask_quantity(0) == 150);
  b.add_quantity(side::sell, 10.0, -150);
  CHECK(b.ask_levels() == 0);
  b.add_quantity(side::sell, 10.0, -5);  // never creates a negative level
  CHECK(b.ask_levels() == 0);
}

TEST_CASE("replace_side installs a snapshot and the view sees it") {
  fp::price_level_book b;
  const std::array<fp::price_level, 3> bids{{{100.0, 1}, {99.0, 2}, {98.0, 3}}};
  const std::array<fp::price_level, 2> asks{{{101.0, 4}, {102.0, 5}}};
  b.replace_side(side::buy, bids);
  b.replace_side(side::sell, asks);
  b.set_timestamp(std::chrono::nanoseconds{42});
  const fp::book_view v = b.view();
  CHECK(v.bid_levels() == 3);
  CHECK(v.bid_price(0) == 100.0);
  CHECK(v.bid_quantity(2) == 3);
  CHECK(v.ask_price(1) == 102.0);
  CHECK(v.timestamp().count() == 42);
  using traits = fp::order_book_traits<fp::book_view>;
  CHECK(traits::ask_quantity(v, 0) == 4);

  const std::array<fp::price_level, 2> unordered{{{100.0, 1}, {100.5, 2}}};
  CHECK_THROWS_WITH_AS(
      b.replace_side(side::buy, unordered),
      "footprint::price_level_book::replace_side: levels must be strictly ordered best first (level 0 price 100)",
      fp::invalid_argument);
}

TEST_CASE("a crossed book is reported, bad values are rejected") {
  fp::price_level_book b;
  b.set_level(side::buy, 101.0, 1);
  b.set_level(side::sell, 100.0, 1);
  CHECK(b.is_crossed());
  CHECK_THROWS_WITH_AS(b.set_level(side::buy, 100.0, -1),
                       "footprint::price_level_book::set_level: quantity must be finite and >= 0 (got -1)",
                       fp::invalid_argument);
  CHECK_THROWS_AS(b.set_level(side::buy, std::nan(""), 1), fp::invalid_argument);
  CHECK_THROWS_AS(b.set_level(side::buy, 0.0, 1), fp::invalid_argument);
}

}  // namespace unity_price_level_book
