// price_level_book: level updates, best-first access, snapshots and validation.
#include "footprint/book/price_level_book.hpp"
#include "footprint/feeds/binance/binance_depth_book.hpp"

#include <doctest/doctest.h>

#include <array>
#include <cmath>
#include <cstddef>
#include <limits>
#include <random>
#include <string>
#include <vector>

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

// Every level of both sides, worst first, as stored.
std::vector<fp::price_level> all_levels(const fp::price_level_book& b) {
  const fp::book_view v = b.view();
  std::vector<fp::price_level> out(v.bids_worst_first.begin(), v.bids_worst_first.end());
  out.insert(out.end(), v.asks_worst_first.begin(), v.asks_worst_first.end());
  return out;
}

bool same_levels(const fp::price_level_book& a, const fp::price_level_book& b) {
  const std::vector<fp::price_level> x = all_levels(a);
  const std::vector<fp::price_level> y = all_levels(b);
  if (x.size() != y.size() || a.bid_levels() != b.bid_levels()) return false;
  for (std::size_t i = 0; i < x.size(); ++i) {
    if (x[i].price != y[i].price || x[i].quantity != y[i].quantity) return false;
  }
  return true;
}

// Sorts a depth update best first and drops repeated prices, as a depth update lists them.
void best_first_unique(std::vector<fp::price_level>& update, side s) {
  std::sort(update.begin(), update.end(), [s](const fp::price_level& a, const fp::price_level& b) {
    return s == side::buy ? a.price > b.price : a.price < b.price;
  });
  update.erase(std::unique(update.begin(), update.end(),
                           [](const fp::price_level& a, const fp::price_level& b) { return a.price == b.price; }),
               update.end());
}

TEST_CASE("set_levels gives what set_level gives one level at a time, in any order and with repeats") {
  std::mt19937_64 rng(20261202);
  std::uniform_int_distribution<int> tick(1, 60);
  std::uniform_int_distribution<int> qty(0, 3);  // 0: remove
  for (int round = 0; round < 300; ++round) {
    fp::price_level_book one_by_one;
    fp::price_level_book batched;
    for (int u = 0; u < 6; ++u) {
      const side s = (round + u) % 2 == 0 ? side::buy : side::sell;
      // Batches of 1 to 80 levels (the batch path starts at 16), prices on a grid of 60
      // ticks so that levels repeat within a batch and meet resting ones.
      std::vector<fp::price_level> update(static_cast<std::size_t>(1 + (round * 7 + u * 13) % 80));
      for (fp::price_level& l : update) l = fp::price_level{100.0 + 0.5 * tick(rng), static_cast<double>(qty(rng))};
      if (u % 3 == 1) best_first_unique(update, s);
      for (const fp::price_level& l : update) one_by_one.set_level(s, l.price, l.quantity);
      batched.set_levels(s, update);
      INFO("round ", round, " update ", u, " of ", update.size(), " levels");
      REQUIRE(same_levels(one_by_one, batched));
    }
  }
}

// The same on deep sides whose updates spread over hundreds of levels, as the Binance
// captures' do: there set_levels finds the levels by independent bisections four at a time
// (the path above gallops from one level to the next).
TEST_CASE("set_levels gives what set_level gives on deep sides, with updates spread over hundreds of levels") {
  std::mt19937_64 rng(20261205);
  std::uniform_int_distribution<int> tick(1, 3000);
  std::uniform_int_distribution<int> qty(0, 3);  // 0: remove
  fp::price_level_book one_by_one;
  fp::price_level_book batched;
  for (const side s : {side::buy, side::sell}) {
    std::vector<fp::price_level> resting;
    for (int k = 0; k < 2000; ++k) resting.push_back(fp::price_level{100.0 + 0.01 * tick(rng), 1.0 + qty(rng)});
    for (const fp::price_level& l : resting) one_by_one.set_level(s, l.price, l.quantity);
    batched.set_levels(s, resting);
  }
  REQUIRE(same_levels(one_by_one, batched));
  CHECK(batched.bid_levels() > 1000);
  // updates reach beyond both ends of the resting levels: new best and new worst levels
  std::uniform_int_distribution<int> update_tick(-200, 3200);
  for (int u = 0; u < 400; ++u) {
    const side s = u % 2 == 0 ? side::buy : side::sell;
    std::vector<fp::price_level> update(static_cast<std::size_t>(16 + (u * 7) % 61));
    for (fp::price_level& l : update)
      l = fp::price_level{100.0 + 0.01 * update_tick(rng), static_cast<double>(qty(rng))};
    if (u % 3 == 1) best_first_unique(update, s);
    for (const fp::price_level& l : update) one_by_one.set_level(s, l.price, l.quantity);
    batched.set_levels(s, update);
    INFO("update ", u, " of ", update.size(), " levels");
    REQUIRE(same_levels(one_by_one, batched));
  }
}

TEST_CASE("set_levels applies the levels before an invalid one, then throws as set_level does") {
  for (const std::size_t n : {std::size_t{5}, std::size_t{40}}) {
    std::vector<fp::price_level> update;
    for (std::size_t i = 0; i < n; ++i) update.push_back(fp::price_level{200.0 - static_cast<double>(i), 1.0});
    update[n - 2].quantity = -2.0;
    fp::price_level_book b;
    CHECK_THROWS_WITH_AS(b.set_levels(side::buy, update),
                         "footprint::price_level_book::set_level: quantity must be finite and >= 0 (got -2)",
                         fp::invalid_argument);
    CHECK(b.bid_levels() == static_cast<fp::index>(n - 2));
    CHECK(b.bid_price(0) == 200.0);
    update[n - 2] = fp::price_level{std::numeric_limits<double>::infinity(), 1.0};
    CHECK_THROWS_WITH_AS(b.set_levels(side::sell, update),
                         "footprint::price_level_book::set_level: price must be finite and > 0 (got inf)",
                         fp::invalid_argument);
    CHECK(b.ask_levels() == static_cast<fp::index>(n - 2));
  }
}

// Issue 22: one update listing n new levels best first. One set_level at a time inserts each
// further from the best, moving every level inserted before it: n (n - 1) / 2 moves, 2e10
// for n = 200,000 (minutes). The batch merges them: O(n) moves.
TEST_CASE("a depth update of 200,000 new levels best first costs O(n) level moves, not O(n^2)") {
  constexpr std::size_t n = 200000;
  std::vector<fp::price_level> bids(n);
  std::vector<fp::price_level> asks(n);
  for (std::size_t i = 0; i < n; ++i) {
    bids[i] = fp::price_level{50000.0 - 0.01 * static_cast<double>(i), 1.0 + static_cast<double>(i % 7)};
    asks[i] = fp::price_level{50000.5 + 0.01 * static_cast<double>(i), 2.0};
  }
  fp::binance_depth_book depth(fp::binance_market::spot, 0);
  const fp::binance_depth_update u{
      .first_update_id = 1, .last_update_id = 1, .previous_update_id = -1, .bids = bids, .asks = asks};
  const fp::binance_depth_result r = depth.apply_update(u, std::chrono::nanoseconds{1});
  CHECK(r.applied);
  CHECK_FALSE(r.crossed);
  const fp::price_level_book& b = depth.book();
  REQUIRE(b.bid_levels() == static_cast<fp::index>(n));
  REQUIRE(b.ask_levels() == static_cast<fp::index>(n));
  for (const std::size_t i : {std::size_t{0}, std::size_t{1}, n / 2, n - 1}) {
    CHECK(b.bid_price(static_cast<fp::index>(i)) == bids[i].price);
    CHECK(b.bid_quantity(static_cast<fp::index>(i)) == bids[i].quantity);
    CHECK(b.ask_price(static_cast<fp::index>(i)) == asks[i].price);
  }
  CHECK(fp::detail::price_level_book_probe::moved_levels(b) <= 2 * n);

  // A second update of the same size, interleaved with the first, merges the same way.
  std::vector<fp::price_level> more(n);
  for (std::size_t i = 0; i < n; ++i) more[i] = fp::price_level{50000.005 - 0.01 * static_cast<double>(i), 3.0};
  const fp::binance_depth_update u2{
      .first_update_id = 2, .last_update_id = 2, .previous_update_id = -1, .bids = more, .asks = {}};
  CHECK(depth.apply_update(u2, std::chrono::nanoseconds{2}).applied);
  CHECK(b.bid_levels() == static_cast<fp::index>(2 * n));
  CHECK(b.bid_price(0) == 50000.005);
  CHECK(b.bid_price(1) == 50000.0);
  CHECK(b.bid_quantity(2 * n - 1) == 1.0 + static_cast<double>((n - 1) % 7));
  CHECK(fp::detail::price_level_book_probe::moved_levels(b) <= 5 * n);
}

}  // namespace unity_price_level_book
