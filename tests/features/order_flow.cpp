// Order flow imbalance (Cont, Kukanov and Stoikov 2014) and its multi-level version
// (Xu, Gould and Howison 2019): hand-computed events, windows, and an independent sum.
#include "footprint/book/price_level_book.hpp"
#include "footprint/detail/random.hpp"
#include "footprint/features/multi_level_ofi.hpp"
#include "footprint/features/order_flow_imbalance.hpp"

#include <doctest/doctest.h>

#include <array>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <vector>

// Each test file is its own namespace: the module's files compile as one unity translation unit.
namespace unity_order_flow {

namespace fp = footprint;
using fp::side;
using namespace std::chrono_literals;

namespace {
// The e_n of Cont, Kukanov and Stoikov (2014), written out again from the paper for the
// test (empty side: price -inf / +inf, quantity 0).
struct quote {
  double pb, qb, pa, qa;
};
quote best(const fp::price_level_book& b) {
  const double inf = INFINITY;
  return {b.bid_levels() ? b.bid_price(0) : -inf, b.bid_levels() ? b.bid_quantity(0) : 0.0,
          b.ask_levels() ? b.ask_price(0) : inf, b.ask_levels() ? b.ask_quantity(0) : 0.0};
}
double e_n(const quote& prev, const quote& now) {
  return (now.pb >= prev.pb ? now.qb : 0.0) - (now.pb <= prev.pb ? prev.qb : 0.0) - (now.pa <= prev.pa ? now.qa : 0.0) +
         (now.pa >= prev.pa ? prev.qa : 0.0);
}
}  // namespace

TEST_CASE("order_flow_imbalance: hand-computed events, event window and clock windows") {
  fp::price_level_book book;
  book.replace_side(side::buy, std::vector<fp::price_level>{{100.00, 300}, {99.99, 200}});
  book.replace_side(side::sell, std::vector<fp::price_level>{{100.02, 100}, {100.03, 400}});
  fp::order_flow_imbalance ofi({.event_windows = {3}, .clock_windows = {2500ms}});
  CHECK(ofi.names()[1] == "ofi_3_events");
  CHECK(ofi.names()[2] == "ofi_2500ms");
  std::array<double, 3> out{};
  ofi.compute(book, out);
  CHECK(std::isnan(out[0]));  // nothing observed yet

  book.set_timestamp(0s);
  ofi.update(book);  // the reference state
  ofi.compute(book, out);
  CHECK(std::isnan(out[0]));
  CHECK(out[1] == 0.0);

  struct step {
    side s;
    double price, quantity, e;
  };
  const std::array<step, 6> steps{{
      {side::buy, 100.00, 350, +50},  // bid queue grows 300 -> 350
      {side::sell, 100.02, 60, +40},  // ask queue shrinks 100 -> 60
      {side::buy, 100.01, 20, +20},   // bid improves: + new queue
      {side::sell, 100.02, 0, +60},   // best ask level empties (ask moves up): + old queue
      {side::buy, 100.01, 0, -20},    // best bid level empties (bid moves down): - old queue
      {side::sell, 100.02, 70, -70},  // ask improves: - new queue
  }};
  double total = 0.0;
  for (std::size_t i = 0; i < steps.size(); ++i) {
    book.set_level(steps[i].s, steps[i].price, steps[i].quantity);
    book.set_timestamp(std::chrono::seconds(i + 1));
    ofi.update(book);
    ofi.compute(book, out);
    CHECK(out[0] == steps[i].e);
    total += steps[i].e;
  }
  CHECK(total == 80.0);
  CHECK(out[1] == 60 - 20 - 70);  // the last 3 events
  CHECK(out[2] == 60 - 20 - 70);  // events at 4 s, 5 s, 6 s are in (3.5 s, 6 s]

  ofi.reset();
  ofi.compute(book, out);
  CHECK(std::isnan(out[0]));
  CHECK(std::isnan(out[1]));
}

TEST_CASE("OFI over windows equals the sum of independently computed e_n") {
  fp::detail::xoshiro256ss rng(7);
  const auto between = [&](int lo, int hi) {
    return lo + static_cast<int>(rng.below(static_cast<std::uint64_t>(hi - lo + 1)));
  };
  const auto tick = [&](auto&) { return between(-3, 3); };
  const auto size = [&](auto&) { return between(0, 5); };
  const auto coin = [&](auto&) { return between(0, 1); };
  const auto gap_ms = [&](auto&) { return between(0, 400); };
  const auto window = 1s;
  fp::order_flow_imbalance ofi({.event_windows = {25}, .clock_windows = {window}});
  fp::multi_level_ofi mlofi({.levels = 3, .event_windows = {25}, .clock_windows = {window}});
  fp::price_level_book book;
  for (int i = 1; i <= 5; ++i) {
    book.set_level(side::buy, 100.0 - 0.01 * i, 100.0 * i);
    book.set_level(side::sell, 100.0 + 0.01 * i, 100.0 * i);
  }
  std::vector<double> events;
  std::vector<std::int64_t> times;
  quote prev = best(book);
  std::int64_t t_ms = 0;
  book.set_timestamp(0ms);
  ofi.update(book);
  mlofi.update(book);
  std::array<double, 3> out{};
  std::array<double, 6> ml{};
  for (int n = 0; n < 2000; ++n) {
    // A random level near the top of a random side gets a new size (0 deletes it), never
    // crossing the other side.
    const side s = coin(rng) ? side::buy : side::sell;
    const double ref = s == side::buy ? (book.ask_levels() ? book.ask_price(0) : 101.0) - 0.01
                                      : (book.bid_levels() ? book.bid_price(0) : 99.0) + 0.01;
    const double p = std::round((ref + (s == side::buy ? -0.01 : 0.01) * std::abs(tick(rng))) * 100.0) / 100.0;
    book.set_level(s, p, 10.0 * size(rng));
    t_ms += gap_ms(rng);
    book.set_timestamp(std::chrono::milliseconds(t_ms));
    const quote now = best(book);
    events.push_back(e_n(prev, now));
    times.push_back(t_ms);
    prev = now;
    ofi.update(book);
    mlofi.update(book);
    ofi.compute(book, out);
    mlofi.compute(book, ml);

    double last25 = 0.0;
    for (std::size_t k = events.size() > 25 ? events.size() - 25 : 0; k < events.size(); ++k) last25 += events[k];
    double last1s = 0.0;
    for (std::size_t k = 0; k < events.size(); ++k) {
      if (t_ms - times[k] < 1000) last1s += events[k];
    }
    REQUIRE(out[0] == events.back());
    REQUIRE(out[1] == last25);  // quantities are integers: sums are exact
    REQUIRE(out[2] == last1s);
    REQUIRE(ml[0] == out[1]);  // MLOFI level 1 is OFI
    REQUIRE(ml[3] == out[2]);
  }
}

TEST_CASE("multi_level_ofi: level 2 of a hand-computed update") {
  fp::price_level_book book;
  book.replace_side(side::buy, std::vector<fp::price_level>{{10.00, 5}, {9.99, 7}});
  book.replace_side(side::sell, std::vector<fp::price_level>{{10.01, 4}, {10.02, 6}});
  fp::multi_level_ofi ml({.levels = 2, .event_windows = {10}});
  CHECK(ml.names()[1] == "mlofi_2_10_events");
  CHECK(ml.names()[3] == "mlofi_2_1s");
  ml.update(book);
  book.set_level(side::buy, 9.99, 9);    // level-2 bid queue 7 -> 9: e^2 = +2
  book.set_level(side::sell, 10.02, 0);  // level-2 ask leaves: the side has 1 level, e^2 += +6
  book.set_timestamp(1ms);
  ml.update(book);
  std::array<double, 4> out{};
  ml.compute(book, out);
  CHECK(out[0] == 0.0);  // level 1 unchanged
  CHECK(out[1] == 8.0);
  CHECK(out[2] == 0.0);
  CHECK(out[3] == 8.0);
}

TEST_CASE("a clock window past its capacity reports NaN until the dropped events leave it") {
  fp::order_flow_imbalance ofi({.event_windows = {10}, .clock_windows = {10s}, .clock_capacity = 2});
  fp::price_level_book book;
  book.set_level(side::buy, 10.0, 1);
  book.set_level(side::sell, 10.1, 1);
  std::array<double, 3> out{};
  for (int i = 0; i < 4; ++i) {  // reference + 3 events at 0, 1, 2, 3 s
    book.set_level(side::buy, 10.0, 1 + i);
    book.set_timestamp(std::chrono::seconds(i));
    ofi.update(book);
  }
  ofi.compute(book, out);
  CHECK(out[1] == 3.0);       // the event window is not limited by the clock capacity
  CHECK(std::isnan(out[2]));  // 3 events in 10 s, room for 2: the event at 1 s was dropped
  book.set_level(side::buy, 10.0, 10);
  book.set_timestamp(11s);  // (1 s, 11 s] holds events at 2, 3 and 11 s: still one too many
  ofi.update(book);
  ofi.compute(book, out);
  CHECK(std::isnan(out[2]));
  book.set_level(side::buy, 10.0, 12);
  book.set_timestamp(13s);  // (3 s, 13 s] holds 11 s (+6) and 13 s (+2); the dropped ones left
  ofi.update(book);
  ofi.compute(book, out);
  CHECK(out[2] == 6.0 + 2.0);
  CHECK_THROWS_WITH_AS(fp::order_flow_imbalance({.clock_windows = {0s}}),
                       "footprint::order_flow_imbalance::order_flow_imbalance: clock_windows must be > 0 (got 0 ns)",
                       fp::invalid_argument);
  CHECK_THROWS_AS(fp::multi_level_ofi({.levels = 0}), fp::invalid_argument);
}

}  // namespace unity_order_flow
