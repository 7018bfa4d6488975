// tick_level_book: the same book as price_level_book, operation for operation, across window
// moves, grid refinements and the general (off-grid) form; its own tick and errors.
#include "footprint/book/tick_level_book.hpp"
#include "footprint/feeds/binance/binance_depth_book.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstddef>
#include <random>
#include <vector>

namespace unity_tick_level_book {

namespace fp = footprint;
using fp::side;

static_assert(fp::OrderBookView<fp::tick_level_book>);

// Every level of both books, best first, and their derived answers, must agree.
void require_same(const fp::tick_level_book& t, const fp::price_level_book& p, std::mt19937_64& rng) {
  REQUIRE(t.bid_levels() == p.bid_levels());
  REQUIRE(t.ask_levels() == p.ask_levels());
  // Often only the best few levels (the sorted copy of the top then stays partial, and the
  // updates keep it), else every level in a random order of depths (it grows from any depth).
  const bool shallow = std::uniform_int_distribution<int>(0, 2)(rng) > 0;
  const fp::index deep = std::uniform_int_distribution<fp::index>(0, 40)(rng);
  if (shallow) {
    for (fp::index i = 0; i < std::min(deep, p.bid_levels()); ++i) REQUIRE(t.bid_price(i) == p.bid_price(i));
    for (fp::index i = 0; i < std::min(deep, p.ask_levels()); ++i) REQUIRE(t.ask_quantity(i) == p.ask_quantity(i));
    CHECK((t.best_bid() == p.best_bid() || (std::isnan(t.best_bid()) && std::isnan(p.best_bid()))));
    return;
  }
  std::vector<fp::index> order;
  for (fp::index i = 0; i < p.bid_levels(); ++i) order.push_back(i);
  std::shuffle(order.begin(), order.end(), rng);
  for (const fp::index i : order) {
    REQUIRE(t.bid_price(i) == p.bid_price(i));
    REQUIRE(t.bid_quantity(i) == p.bid_quantity(i));
  }
  for (fp::index i = 0; i < p.ask_levels(); ++i) {
    REQUIRE(t.ask_price(i) == p.ask_price(i));
    REQUIRE(t.ask_quantity(i) == p.ask_quantity(i));
  }
  CHECK(t.is_crossed() == p.is_crossed());
  CHECK(t.cumulative_quantity(side::buy, 7) == p.cumulative_quantity(side::buy, 7));
  CHECK(t.cumulative_quantity(side::sell, 7) == p.cumulative_quantity(side::sell, 7));
  if (p.bid_levels() > 0) {
    const double q = p.bid_price(std::uniform_int_distribution<fp::index>(0, p.bid_levels() - 1)(rng));
    CHECK(t.quantity_at(side::buy, q) == p.quantity_at(side::buy, q));
  }
}

// Random operations on both books: prices on a grid of `tick` around a drifting mid, spread
// over `spread_ticks` (beyond the 4,096-tick window), with a finer grid from operation
// `finer_from` on and an off-grid price at operation `off_grid_at` (-1: never).
void run_random(unsigned seed, double tick, int spread_ticks, int finer_from, int off_grid_at) {
  std::mt19937_64 rng(seed);
  fp::tick_level_book t(4096);
  fp::price_level_book p;
  double mid = 1000.0;
  const auto draw = [&](side s, int op) {
    const double step = op >= finer_from ? tick / 2 : tick;
    const auto d = std::uniform_int_distribution<int>(0, spread_ticks)(rng);
    const double base = std::round(mid / step) + (s == side::buy ? -d : d);
    // Prices as a decimal parser makes them: the nearest double to the decimal.
    return std::max(step, std::round(base * step * 1e6) / 1e6);
  };
  const auto quantity = [&] {
    return std::uniform_int_distribution<int>(0, 2)(rng) == 0 ? 0.0
                                                              : std::uniform_int_distribution<int>(1, 900)(rng) / 100.0;
  };
  for (int op = 0; op < 6000; ++op) {
    mid *= std::exp(std::normal_distribution<double>(0.0, 0.004)(rng));
    const side s = std::uniform_int_distribution<int>(0, 1)(rng) == 0 ? side::buy : side::sell;
    const int kind = std::uniform_int_distribution<int>(0, 99)(rng);
    if (op == off_grid_at) {
      t.set_level(s, mid + 1.0 / 3.0, 1.0);
      p.set_level(s, mid + 1.0 / 3.0, 1.0);
    } else if (kind < 60) {
      std::vector<fp::price_level> u(std::uniform_int_distribution<std::size_t>(1, 80)(rng));
      for (fp::price_level& l : u) l = {draw(s, op), quantity()};
      t.set_levels(s, u);
      p.set_levels(s, u);
    } else if (kind < 95) {
      const double px = draw(s, op);
      const double q = quantity();
      t.set_level(s, px, q);
      p.set_level(s, px, q);
    } else if (kind < 99) {
      std::vector<double> px(std::uniform_int_distribution<std::size_t>(0, 300)(rng));
      for (double& x : px) x = draw(s, op);
      std::sort(px.begin(), px.end());
      px.erase(std::unique(px.begin(), px.end()), px.end());
      if (s == side::buy) std::reverse(px.begin(), px.end());
      std::vector<fp::price_level> snap;
      for (double x : px) snap.push_back({x, 1.0 + static_cast<double>(snap.size())});
      t.replace_side(s, snap);
      p.replace_side(s, snap);
    } else {
      t.clear();
      p.clear();
    }
    require_same(t, p, rng);
  }
  if (off_grid_at >= 0) {
    CHECK(t.tick() == 0.0);
  } else {
    CHECK(t.tick() == doctest::Approx(finer_from < 6000 ? tick / 2 : tick).epsilon(1e-12));
  }
}

TEST_CASE("tick_level_book: random updates give price_level_book's levels, through window moves") {
  run_random(1, 0.01, 6000, 6000, -1);  // updates reach 1.5 windows deep
  run_random(2, 0.5, 300, 6000, -1);    // a coarse grid, dense sides
}

TEST_CASE("tick_level_book: a finer tick rebuilds the windows and the levels stay the same") {
  run_random(3, 0.1, 5000, 3000, -1);
}

TEST_CASE("tick_level_book: an off-grid price moves the book to its general form, same levels") {
  run_random(4, 0.01, 5000, 6000, 2400);
}

TEST_CASE("tick_level_book: invalid levels throw, after applying the ones before them") {
  fp::tick_level_book b;
  const std::vector<fp::price_level> u{{100.01, 1.0}, {100.02, -1.0}, {100.03, 2.0}};
  CHECK_THROWS_AS(b.set_levels(side::buy, u), fp::invalid_argument);
  CHECK(b.bid_levels() == 1);
  CHECK(b.best_bid() == 100.01);
  CHECK_THROWS_AS(b.set_level(side::sell, std::nan(""), 1.0), fp::invalid_argument);
  CHECK_THROWS_AS(b.set_level(side::sell, 0.0, 1.0), fp::invalid_argument);
  // A snapshot out of order, or with a zero quantity, leaves the side as it was.
  const std::vector<fp::price_level> unordered{{100.0, 1.0}, {100.5, 1.0}};
  CHECK_THROWS_AS(b.replace_side(side::buy, unordered), fp::invalid_argument);
  const std::vector<fp::price_level> zero{{100.0, 0.0}};
  CHECK_THROWS_AS(b.replace_side(side::buy, zero), fp::invalid_argument);
  CHECK(b.bid_levels() == 1);
  CHECK(b.bid_quantity(0) == 1.0);
}

TEST_CASE("tick_level_book: the tick is the grid of the prices seen") {
  fp::tick_level_book b;
  CHECK(std::isnan(b.tick()));
  b.set_level(side::buy, 60123.4, 1.0);
  b.set_level(side::sell, 60123.6, 1.0);
  CHECK(b.tick() == doctest::Approx(0.2));
  b.set_level(side::sell, 60123.41, 1.0);
  CHECK(b.tick() == doctest::Approx(0.01).epsilon(1e-12));
  CHECK(b.best_ask() == 60123.41);
  CHECK(b.best_bid() == 60123.4);
  CHECK(b.quantity_at(side::sell, 60123.6) == 1.0);
  CHECK(b.quantity_at(side::sell, 60123.61) == 0.0);
  CHECK(b.quantity_at(side::sell, 1.0 / 3.0) == 0.0);
}

TEST_CASE("tick_level_book: a window moving down takes in the far levels it then covers, to its lowest tick") {
  // Window of 4,096 ticks of 0.01, anchored with the best at 7/8 of it: best 100.00 -> lowest tick 64.16.
  fp::tick_level_book b(4096);
  b.set_level(side::sell, 100.01, 1.0);  // with 100.00, sets the grid to 0.01
  b.set_level(side::buy, 100.0, 1.0);
  REQUIRE(b.tick() == doctest::Approx(0.01).epsilon(1e-12));
  b.set_level(side::buy, 64.16, 2.0);  // the window's lowest tick
  b.set_level(side::buy, 28.32, 3.0);  // beyond the window
  // The best leaves; the window re-anchors at 64.16, its lowest tick now 28.32.
  b.set_level(side::buy, 100.0, 0.0);
  b.set_level(side::buy, 28.32, 5.0);
  REQUIRE(b.bid_levels() == 2);
  CHECK(b.bid_price(0) == 64.16);
  CHECK(b.bid_price(1) == 28.32);
  CHECK(b.bid_quantity(1) == 5.0);
  CHECK(b.quantity_at(side::buy, 28.32) == 5.0);
}

// Issue 22's hostile update: 200,000 new levels, best first, in one Binance depth update. The
// window takes the first 57,344 ticks of each side, the rest go beyond it in one batch.
TEST_CASE("tick_level_book: a Binance update of 200,000 new levels best first, twice, interleaved") {
  constexpr std::size_t n = 200000;
  std::vector<fp::price_level> bids(n);
  std::vector<fp::price_level> asks(n);
  for (std::size_t i = 0; i < n; ++i) {
    bids[i] = fp::price_level{std::round((50000.0 - 0.01 * static_cast<double>(i)) * 100) / 100,
                              1.0 + static_cast<double>(i % 7)};
    asks[i] = fp::price_level{std::round((50000.5 + 0.01 * static_cast<double>(i)) * 100) / 100, 2.0};
  }
  fp::basic_binance_depth_book<fp::tick_level_book> depth(fp::binance_market::spot, 0);
  CHECK(depth
            .apply_update({.first_update_id = 1, .last_update_id = 1, .bids = bids, .asks = asks},
                          std::chrono::nanoseconds{1})
            .applied);
  const fp::tick_level_book& b = depth.book();
  REQUIRE(b.bid_levels() == static_cast<fp::index>(n));
  REQUIRE(b.ask_levels() == static_cast<fp::index>(n));
  for (const std::size_t i : {std::size_t{0}, std::size_t{1}, std::size_t{57343}, std::size_t{57344}, n - 1}) {
    CHECK(b.bid_price(static_cast<fp::index>(i)) == bids[i].price);
    CHECK(b.bid_quantity(static_cast<fp::index>(i)) == bids[i].quantity);
    CHECK(b.ask_price(static_cast<fp::index>(i)) == asks[i].price);
  }
  CHECK_FALSE(b.is_crossed());
  // Half-tick prices between the first ones: the grid becomes 0.005, the windows are rebuilt.
  std::vector<fp::price_level> more(n);
  for (std::size_t i = 0; i < n; ++i) {
    more[i] = fp::price_level{std::round((50000.005 - 0.01 * static_cast<double>(i)) * 1000) / 1000, 3.0};
  }
  CHECK(depth.apply_update({.first_update_id = 2, .last_update_id = 2, .bids = more}, std::chrono::nanoseconds{2})
            .applied);
  CHECK(b.tick() == doctest::Approx(0.005).epsilon(1e-12));
  REQUIRE(b.bid_levels() == static_cast<fp::index>(2 * n));
  CHECK(b.bid_price(0) == 50000.005);
  CHECK(b.bid_price(1) == 50000.0);
  CHECK(b.bid_price(2 * n - 1) == bids[n - 1].price);
  CHECK(b.bid_quantity(2 * n - 1) == 1.0 + static_cast<double>((n - 1) % 7));
}

}  // namespace unity_tick_level_book
