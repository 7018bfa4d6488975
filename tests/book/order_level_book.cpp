// order_level_book: orders by id, the aggregated levels kept beside them, and the rules for
// messages that do not fit (unknown ids, oversized, duplicates, mismatches).
#include "footprint/book/order_level_book.hpp"

#include "footprint/book/detail/int64_table.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <iterator>
#include <map>
#include <random>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

// Each test file is its own namespace: the module's files compile as one unity translation unit.
namespace unity_order_level_book {

// The inverse of the table's seed-0 hash (Fibonacci hashing of the key folded onto itself,
// key ^ key >> 32, which is its own inverse): keys whose product is 0, 1, 2, ... all start
// their probe at slot 0 of any table.
std::int64_t colliding_key(std::uint64_t z) {
  const auto inverse = [](std::uint64_t c) {  // modular inverse of an odd c (Newton)
    std::uint64_t x = c;
    for (int i = 0; i < 6; ++i) x *= 2 - c * x;
    return x;
  };
  z *= inverse(0x9E3779B97F4A7C15ull);
  return static_cast<std::int64_t>(z ^ (z >> 32));
}

TEST_CASE("order ids crafted to collide make the order table change its seed, not crawl") {
  // Issue 22: 80,000 such inserts took 4.7 s (every probe walked the whole run).
  footprint::detail::int64_table<int> t;
  bool inserted = false;
  for (std::uint64_t i = 0; i < 80'000; ++i) t.find_or_insert(colliding_key(i), inserted) = static_cast<int>(i);
  CHECK(t.size() == 80'000);
  CHECK(t.reseeds() >= 1);
  for (std::uint64_t i = 0; i < 80'000; i += 997) {
    const int* v = t.find(colliding_key(i));
    REQUIRE(v != nullptr);
    CHECK(*v == static_cast<int>(i));
  }
  // Ordinary ids never reseed: sequential, strided, and ids in the high bits only.
  footprint::detail::int64_table<int> u;
  for (std::int64_t i = 0; i < 200'000; ++i) u.find_or_insert(1'000'000 + 7 * i, inserted) = 1;
  CHECK(u.reseeds() == 0);
  for (int shift = 0; shift <= 44; shift += 4) {
    footprint::detail::int64_table<int> v;
    for (std::int64_t i = 0; i < 100'000; ++i) v.find_or_insert(i << shift, inserted) = 1;
    CHECK_MESSAGE(v.reseeds() == 0, "ids i << " << shift);
  }
}

namespace fp = footprint;
using fp::side;

static_assert(fp::OrderBookView<fp::order_level_book>);

namespace {

// Sum of the known orders at each (side, price), from for_each_order.
std::map<std::pair<int, double>, double> order_sums(const fp::order_level_book& b) {
  std::map<std::pair<int, double>, double> sums;
  b.for_each_order([&](std::int64_t, const fp::resting_order& o) {
    sums[{static_cast<int>(o.side), o.price}] += o.quantity;
  });
  return sums;
}

}  // namespace

TEST_CASE("order_level_book: add, partial cancel, execute and delete keep the levels") {
  fp::order_level_book b;
  b.add(1, side::buy, 100.00, 300);
  b.add(2, side::buy, 100.00, 200);
  b.add(3, side::buy, 99.99, 50);
  b.add(4, side::sell, 100.02, 100);
  b.add(5, side::sell, 100.01, 70);
  REQUIRE(b.order_count() == 5);
  REQUIRE(b.bid_levels() == 2);
  REQUIRE(b.ask_levels() == 2);
  CHECK(b.bid_price(0) == 100.00);
  CHECK(b.bid_quantity(0) == 500);
  CHECK(b.bid_quantity(1) == 50);
  CHECK(b.ask_price(0) == 100.01);
  CHECK(b.ask_quantity(0) == 70);

  CHECK(b.cancel(1, 100) == 100);  // partial cancel
  CHECK(b.find(1)->quantity == 200);
  CHECK(b.bid_quantity(0) == 400);

  CHECK(b.execute(5, 30) == 30);
  CHECK(b.ask_quantity(0) == 40);
  CHECK(b.execute(5, 40) == 40);  // fills the rest: the order and its level go
  CHECK_FALSE(b.contains(5));
  CHECK(b.ask_levels() == 1);
  CHECK(b.ask_price(0) == 100.02);

  CHECK(b.remove(2) == 200);
  CHECK(b.bid_quantity(0) == 200);
  CHECK(b.remove(1) == 200);
  CHECK(b.bid_levels() == 1);
  CHECK(b.bid_price(0) == 99.99);

  const fp::order_level_book_stats& s = b.stats();
  CHECK(s.adds == 5);
  CHECK(s.cancels == 1);
  CHECK(s.executions == 2);
  CHECK(s.removes == 2);
  CHECK(s.unknown_ids == 0);
  CHECK(s.unmatched_quantity == 0);

  b.set_timestamp(std::chrono::nanoseconds{7});
  const fp::book_view v = b.view();
  CHECK(v.bid_levels() == 1);
  CHECK(v.ask_quantity(0) == 100);
  CHECK(v.timestamp().count() == 7);
  CHECK(b.levels().best_ask() == 100.02);
}

TEST_CASE("order_level_book: unknown ids are counted, with side and price they draw on anonymous liquidity") {
  fp::order_level_book b;
  b.add_anonymous(side::sell, 10.0, 500);  // e.g. the book when the recording starts
  b.add(7, side::sell, 10.0, 100);
  CHECK(b.ask_quantity(0) == 600);
  CHECK(b.anonymous_quantity(side::sell, 10.0) == 500);

  // Without side and price: counted, nothing else changes.
  CHECK(b.execute(99, 50) == 0);
  CHECK(b.cancel(98, 50) == 0);
  CHECK(b.remove(97) == 0);
  CHECK(b.stats().unknown_ids == 3);
  CHECK(b.ask_quantity(0) == 600);

  // With side and price: taken from the anonymous liquidity at that level.
  CHECK(b.execute(99, side::sell, 10.0, 200) == 200);
  CHECK(b.ask_quantity(0) == 400);
  CHECK(b.anonymous_quantity(side::sell, 10.0) == 300);
  CHECK(b.remove(96, side::sell, 10.0, 250) == 250);
  CHECK(b.cancel(95, side::sell, 10.0, 80) == 50);  // only 50 anonymous shares are left
  CHECK(b.anonymous_quantity(side::sell, 10.0) == 0);
  CHECK(b.ask_quantity(0) == 100);  // the known order is untouched
  CHECK(b.find(7)->quantity == 100);
  CHECK(b.execute(94, side::sell, 11.0, 10) == 0);  // no anonymous liquidity at 11.0

  const fp::order_level_book_stats& s = b.stats();
  CHECK(s.unknown_ids == 7);
  CHECK(s.anonymous_used == 500);
  CHECK(s.unmatched_quantity == 30 + 10);
  CHECK(s.executions == 0);

  CHECK(b.remove(7) == 100);
  CHECK(b.ask_levels() == 0);
}

TEST_CASE("order_level_book: oversized, duplicate and mismatching messages follow the documented rules") {
  fp::order_level_book b;
  b.add(1, side::buy, 50.0, 100);
  CHECK(b.execute(1, 130) == 100);  // rule 2: clamped, the order is gone
  CHECK_FALSE(b.contains(1));
  CHECK(b.bid_levels() == 0);
  CHECK(b.stats().oversized == 1);
  CHECK(b.stats().unmatched_quantity == 30);

  b.add(2, side::buy, 50.0, 100);
  b.add(2, side::buy, 49.0, 40);  // rule 3: replaces the resting order 2
  CHECK(b.stats().duplicate_ids == 1);
  CHECK(b.order_count() == 1);
  REQUIRE(b.bid_levels() == 1);
  CHECK(b.bid_price(0) == 49.0);
  CHECK(b.bid_quantity(0) == 40);

  b.add(3, side::buy, 49.0, 10);
  b.add(3, side::buy, 49.0, 25);  // a duplicate at the same level
  CHECK(b.bid_quantity(0) == 65);

  // Rule 4: the order's own side and price win.
  CHECK(b.execute(2, side::sell, 48.0, 10) == 10);
  CHECK(b.bid_quantity(0) == 55);
  CHECK(b.stats().mismatches == 1);
  CHECK(b.remove(2, side::buy, 49.0, 31) == 30);  // 30 were left: a size mismatch
  CHECK(b.stats().mismatches == 2);
  CHECK(b.remove(3, side::buy, 49.0, 25) == 25);
  CHECK(b.stats().mismatches == 2);
  CHECK(b.bid_levels() == 0);
}

TEST_CASE("order_level_book: decimal quantities leave no dust orders or levels") {
  fp::order_level_book b;
  b.add(1, side::sell, 30000.5, 0.3);
  b.add(2, side::sell, 30000.5, 0.1);
  CHECK(b.execute(1, 0.1) == doctest::Approx(0.1));
  CHECK(b.execute(1, 0.2) == doctest::Approx(0.2));  // 0.3 - 0.1 is 0.19999999999999998
  CHECK_FALSE(b.contains(1));
  CHECK(b.stats().oversized == 0);
  CHECK(b.cancel(2, 0.1) == doctest::Approx(0.1));
  CHECK(b.ask_levels() == 0);  // no level of 1e-17 coins is left behind
}

TEST_CASE("order_level_book: invalid arguments throw with the function and the value") {
  fp::order_level_book b;
  CHECK_THROWS_WITH_AS(b.add(1, side::buy, 10.0, -5),
                       "footprint::order_level_book::add: quantity must be finite and > 0 (got -5)",
                       fp::invalid_argument);
  CHECK_THROWS_WITH_AS(b.add(1, side::buy, 0.0, 5),
                       "footprint::order_level_book::add: price must be finite and > 0 (got 0)", fp::invalid_argument);
  CHECK_THROWS_AS(b.add(1, side::buy, std::nan(""), 5), fp::invalid_argument);
  CHECK_THROWS_WITH_AS(b.cancel(1, 0.0), "footprint::order_level_book::cancel: quantity must be finite and > 0 (got 0)",
                       fp::invalid_argument);
  CHECK_THROWS_WITH_AS(b.execute(1, side::buy, 10.0, -1),
                       "footprint::order_level_book::execute: quantity must be finite and > 0 (got -1)",
                       fp::invalid_argument);
  CHECK_THROWS_WITH_AS(b.remove(1, side::buy, -3.0, 1),
                       "footprint::order_level_book::remove: price must be finite and > 0 (got -3)",
                       fp::invalid_argument);
  CHECK_THROWS_AS(b.add_anonymous(side::buy, 10.0, INFINITY), fp::invalid_argument);
  CHECK(b.order_count() == 0);
  CHECK(b.stats().adds == 0);
}

TEST_CASE("order_level_book: random sequences agree with a reference map and levels are sums of orders") {
  std::mt19937_64 rng(20120621);
  fp::order_level_book b;
  std::unordered_map<std::int64_t, fp::resting_order> ref;
  std::int64_t next_id = 1;
  for (int step = 0; step < 20000; ++step) {
    const auto u = rng() % 100;
    if (u < 45 || ref.empty()) {
      // Large, scattered ids exercise the hash table's probing and backward-shift deletion.
      const std::int64_t id = (next_id++) * 7919 + static_cast<std::int64_t>(rng() % 3) * (std::int64_t{1} << 40);
      if (ref.count(id) != 0) continue;
      const side s = rng() % 2 == 0 ? side::buy : side::sell;
      const double price =
          s == side::buy ? 100.0 - static_cast<double>(rng() % 20) : 101.0 + static_cast<double>(rng() % 20);
      const double q = static_cast<double>(1 + rng() % 500);
      b.add(id, s, price, q);
      ref[id] = fp::resting_order{s, price, q};
    } else {
      auto it = ref.begin();
      std::advance(it, static_cast<std::ptrdiff_t>(rng() % std::min<std::size_t>(ref.size(), 64)));
      const std::int64_t id = it->first;
      fp::resting_order& o = it->second;
      if (u < 70) {
        const double q = static_cast<double>(1 + rng() % static_cast<std::uint64_t>(o.quantity));
        CHECK(b.execute(id, o.side, o.price, q) == q);
        o.quantity -= q;
        if (o.quantity == 0) ref.erase(it);
      } else if (u < 80) {
        const double q = static_cast<double>(1 + rng() % static_cast<std::uint64_t>(o.quantity));
        CHECK(b.cancel(id, q) == q);
        o.quantity -= q;
        if (o.quantity == 0) ref.erase(it);
      } else {
        CHECK(b.remove(id, o.side, o.price, o.quantity) == o.quantity);
        ref.erase(it);
      }
    }
  }
  REQUIRE(b.order_count() == ref.size());
  for (const auto& [id, o] : ref) {
    const fp::resting_order* found = b.find(id);
    REQUIRE(found != nullptr);
    CHECK(found->side == o.side);
    CHECK(found->price == o.price);
    CHECK(found->quantity == o.quantity);
  }
  // The aggregated book is exactly the sum of the orders, best first, strictly ordered.
  const auto sums = order_sums(b);
  fp::index n_bids = 0;
  fp::index n_asks = 0;
  for (const auto& [key, q] : sums) (key.first > 0 ? n_bids : n_asks) += 1;
  REQUIRE(b.bid_levels() == n_bids);
  REQUIRE(b.ask_levels() == n_asks);
  for (fp::index i = 0; i < b.bid_levels(); ++i) {
    CHECK(b.bid_quantity(i) == sums.at({1, b.bid_price(i)}));
    if (i > 0) CHECK(b.bid_price(i) < b.bid_price(i - 1));
  }
  for (fp::index i = 0; i < b.ask_levels(); ++i) {
    CHECK(b.ask_quantity(i) == sums.at({-1, b.ask_price(i)}));
    if (i > 0) CHECK(b.ask_price(i) > b.ask_price(i - 1));
  }
  CHECK(b.stats().unknown_ids == 0);
  CHECK(b.stats().mismatches == 0);
  CHECK(b.stats().oversized == 0);

  b.clear();
  CHECK(b.order_count() == 0);
  CHECK(b.bid_levels() == 0);
  CHECK(b.stats().adds == 0);
}

TEST_CASE(
    "order_level_book: with anonymous liquidity and duplicate ids a level lasts while an order or "
    "anonymous liquidity rests there") {
  // The book counts its known orders per level beside the levels; this checks that count
  // against a reference after every message of a random mix of every kind, on a few prices
  // (so that levels empty and come back often), integer quantities (exact sums).
  std::mt19937_64 rng(20261206);
  fp::order_level_book b;
  std::unordered_map<std::int64_t, fp::resting_order> ref;
  std::map<std::pair<int, double>, double> anonymous;  // (+1 bids / -1 asks, price) -> quantity
  const auto key = [](side s, double price) { return std::make_pair(s == side::buy ? 1 : -1, price); };
  for (int step = 0; step < 6000; ++step) {
    const auto u = rng() % 100;
    const side s = rng() % 2 == 0 ? side::buy : side::sell;
    const double price =
        s == side::buy ? 100.0 - static_cast<double>(rng() % 4) : 101.0 + static_cast<double>(rng() % 4);
    const double q = static_cast<double>(1 + rng() % 9);
    const auto id = static_cast<std::int64_t>(1 + rng() % 60);  // small: duplicates and unknown ids
    const auto known = ref.find(id);
    if (u < 35) {  // add; an id already resting is replaced (rule 3)
      b.add(id, s, price, q);
      ref[id] = fp::resting_order{s, price, q};
    } else if (u < 45) {
      b.add_anonymous(s, price, q);
      anonymous[key(s, price)] += q;
    } else if (u < 48) {  // rule 5: the levels of side s beyond `price` are stale
      const bool inclusive = rng() % 2 == 0;
      const auto beyond = [&](side os, double p) {
        if (os != s) return false;
        return (s == side::buy ? p > price : p < price) || (inclusive && p == price);
      };
      std::size_t gone = 0;
      for (auto it = ref.begin(); it != ref.end();) {
        if (beyond(it->second.side, it->second.price)) {
          it = ref.erase(it);
          ++gone;
        } else {
          ++it;
        }
      }
      for (auto& [k, a] : anonymous)
        if (beyond(k.first == 1 ? side::buy : side::sell, k.second)) a = 0.0;
      CHECK(b.remove_levels_beyond(s, price, inclusive) == gone);
    } else if (known == ref.end()) {  // an unknown id draws on the anonymous liquidity (rule 1)
      const double available = anonymous[key(s, price)];
      const double take = std::min(q, available);
      CHECK(b.execute(id, s, price, q) == take);
      anonymous[key(s, price)] -= take;
    } else if (u < 75) {  // partial or whole execution of a known order
      fp::resting_order& o = known->second;
      const double x = std::min(q, o.quantity);
      CHECK(b.execute(id, o.side, o.price, x) == x);
      o.quantity -= x;
      if (o.quantity == 0.0) ref.erase(known);
    } else {
      CHECK(b.remove(id) == known->second.quantity);
      ref.erase(known);
    }
    std::map<std::pair<int, double>, double> expected;
    for (const auto& [k, a] : anonymous)
      if (a > 0.0) expected[k] += a;
    for (const auto& [i, o] : ref) expected[key(o.side, o.price)] += o.quantity;
    std::map<std::pair<int, double>, double> got;
    for (fp::index i = 0; i < b.bid_levels(); ++i) got[{1, b.bid_price(i)}] = b.bid_quantity(i);
    for (fp::index i = 0; i < b.ask_levels(); ++i) got[{-1, b.ask_price(i)}] = b.ask_quantity(i);
    REQUIRE(got == expected);
    REQUIRE(b.order_count() == ref.size());
  }
  CHECK(b.stats().duplicate_ids > 100);
  CHECK(b.stats().unknown_ids > 100);
  CHECK(b.stats().anonymous_used > 0.0);
  CHECK(b.stats().stale_orders > 100);
}

TEST_CASE("order_level_book: remove_levels_beyond takes out the stale levels, their orders and anonymous liquidity") {
  fp::order_level_book b;
  b.add(1, side::buy, 100.0, 10);
  b.add(2, side::buy, 100.0, 20);
  b.add(3, side::buy, 99.0, 30);
  b.add(4, side::buy, 101.0, 40);  // e.g. cancelled while outside the levels a file records
  b.add_anonymous(side::buy, 102.0, 5);
  b.add(5, side::sell, 103.0, 50);
  b.add(6, side::sell, 104.0, 60);
  CHECK(b.remove_levels_beyond(side::buy, 100.0, false) == 1);  // 102 (anonymous only) and 101
  CHECK(b.bid_levels() == 2);
  CHECK(b.bid_price(0) == 100.0);
  CHECK(b.bid_quantity(0) == 30);
  CHECK(b.find(4) == nullptr);
  CHECK(b.anonymous_quantity(side::buy, 102.0) == 0.0);
  CHECK(b.stats().stale_levels == 2);
  CHECK(b.stats().stale_orders == 1);
  CHECK(b.stats().stale_quantity == 45);
  CHECK(b.remove_levels_beyond(side::buy, 100.0, false) == 0);  // nothing beyond any more
  CHECK(b.remove_levels_beyond(side::sell, 103.0, true) == 1);  // asks at or below 103
  CHECK(b.ask_price(0) == 104.0);
  CHECK(b.order_count() == 4);
  // A removed order is unknown from then on; the others are untouched.
  CHECK(b.execute(5, side::sell, 103.0, 10) == 0);
  CHECK(b.stats().unknown_ids == 1);
  CHECK(b.remove(2) == 20);
  CHECK(b.bid_quantity(0) == 10);
  CHECK(b.remove_levels_beyond(side::buy, std::nan(""), true) == 0);  // NaN: nothing
  CHECK(b.remove_levels_beyond(side::buy, 0.5, false) == 2);          // the whole side
  CHECK(b.bid_levels() == 0);
  CHECK(b.order_count() == 1);
  // Node reuse after removals: new orders land where the removed ones were.
  for (std::int64_t id = 10; id < 20; ++id) b.add(id, side::buy, 98.0, 1);
  CHECK(b.bid_quantity(0) == 10);
  CHECK(b.order_count() == 11);
}

TEST_CASE("order_level_book: a copy of its levels takes batches, snapshots and single levels") {
  fp::order_level_book b;
  for (std::int64_t id = 1; id <= 40; ++id) b.add(id, side::buy, 100.0 - static_cast<double>(id % 20), 5.0);
  fp::price_level_book copy = b.levels();
  std::vector<fp::price_level> batch;
  for (int i = 0; i < 30; ++i) batch.push_back({100.5 - static_cast<double>(i), 1.0 + static_cast<double>(i)});
  copy.set_levels(side::buy, batch);  // 30 levels: the batched merge
  copy.set_level(side::buy, 200.0, 3.0);
  copy.add_quantity(side::buy, 99.0, 2.0);
  copy.set_level(side::buy, 81.0, 0.0);
  REQUIRE(copy.bid_levels() == 50);
  CHECK(copy.best_bid() == 200.0);
  CHECK(copy.quantity_at(side::buy, 99.0) == 12.0);  // 10 (two orders) + 2
  CHECK(copy.quantity_at(side::buy, 99.5) == 2.0);
  const std::vector<fp::price_level> snapshot = {{101.0, 1.0}, {100.0, 2.0}};
  copy.replace_side(side::buy, snapshot);
  copy.set_level(side::buy, 100.5, 4.0);
  CHECK(copy.bid_levels() == 3);
  CHECK(b.bid_levels() == 20);  // the book's own levels are untouched
  b.remove(1);
  b.remove(21);
  CHECK(b.bid_levels() == 19);
}

}  // namespace unity_order_level_book
