// The zero-intelligence simulator (Cont, Stoikov and Talreja 2010) against the paper's closed
// forms with its Tokyo estimates: the isolated best queue's stationary law, a level without
// market orders as M/M/infinity, P(next mid move up) = 1/2 under symmetric parameters; the
// determinism of the tape; the user's own orders in FIFO position; the parameter checks.
#include "footprint/simulation/zero_intelligence_model.hpp"

#include "footprint/error.hpp"
#include "footprint/simulation/order_flow_event.hpp"

#include <doctest/doctest.h>

#include <chrono>
#include <cmath>
#include <cstdint>
#include <vector>

// Each test file is its own namespace: the module's files compile as one unity translation unit.
namespace unity_zero_intelligence_model {

namespace fp = footprint;
using fp::side;

// Time-weighted distribution of the lots at `tick` on `s` over `seconds` of simulated time.
std::vector<double> occupancy(fp::zero_intelligence_model& m, side s, std::int64_t tick, double seconds,
                              std::size_t max_n) {
  std::vector<double> time_at(max_n + 1, 0.0);
  fp::order_flow_event ev;
  double last = m.seconds();
  auto n = static_cast<std::size_t>(std::llround(m.queue_quantity(s, tick)));
  while (m.seconds() < seconds) {
    m.next(ev);
    time_at[std::min(n, max_n)] += m.seconds() - last;
    last = m.seconds();
    n = static_cast<std::size_t>(std::llround(m.queue_quantity(s, tick)));
  }
  for (double& t : time_at) t /= last;
  return time_at;
}

TEST_CASE("zero_intelligence_model: the isolated best queue has the stationary law of the paper's birth-death chain") {
  // Cont, Stoikov and Talreja (2010) with their Tokyo estimates at the touch: births at
  // lambda(1) = 1.85, deaths at mu + theta(1) n = 0.94 + 0.71 n. With L = 1 both quotes stay
  // put (orders arrive only at distance 1 from the opposite best), so the bid queue is that
  // chain: P0 = 0.253159, P1 = 0.283845, P2 = 0.222506, mean 1.616858, variance 2.063714.
  fp::zero_intelligence_model m(fp::zero_intelligence_params{.lambda = {1.85}, .theta = {0.71}, .mu = 0.94, .seed = 7});
  const std::int64_t bid = m.best_bid_tick();
  const std::vector<double> p = occupancy(m, side::buy, bid, 200'000.0, 60);
  CHECK(m.best_bid_tick() == bid);
  CHECK(std::abs(p[0] - 0.253159) < 0.006);
  CHECK(std::abs(p[1] - 0.283845) < 0.006);
  CHECK(std::abs(p[2] - 0.222506) < 0.006);
  double mean = 0.0;
  double second = 0.0;
  for (std::size_t n = 0; n < p.size(); ++n) {
    mean += static_cast<double>(n) * p[n];
    second += static_cast<double>(n * n) * p[n];
  }
  CHECK(std::abs(mean - 1.616858) < 0.02);
  CHECK(std::abs(second - mean * mean - 2.063714) < 0.05);
}

TEST_CASE(
    "zero_intelligence_model: a level without market orders is M/M/infinity, Poisson with mean lambda(i) over "
    "theta(i)") {
  // No market orders and orders at distance i only: the queue at distance i from the opposite
  // best is an M/M/infinity queue, Poisson with mean lambda(i) / theta(i): 1.51 / 0.81 =
  // 1.8642 at i = 2 and 1.09 / 0.68 = 1.6029 at i = 3 (the paper's Tokyo estimates).
  for (const auto& [i, lam, th, mean_expected] :
       {std::tuple{2, 1.51, 0.81, 1.8642}, std::tuple{3, 1.09, 0.68, 1.6029}}) {
    fp::zero_intelligence_params p{.mu = 0.0, .seed = 11};
    p.lambda.assign(static_cast<std::size_t>(i), 0.0);
    p.theta.assign(static_cast<std::size_t>(i), 0.0);
    p.lambda.back() = lam;
    p.theta.back() = th;
    fp::zero_intelligence_model m(p);
    // both sides start empty; the first bid lands at distance i from the (kept) best ask
    fp::order_flow_event ev;
    while (m.is_empty(side::buy) || m.is_empty(side::sell)) m.next(ev);
    const std::int64_t bid = m.best_bid_tick();
    const std::vector<double> occ = occupancy(m, side::buy, bid, 100'000.0, 40);
    CHECK(m.best_ask_tick() - m.best_bid_tick() == i);
    double mean = 0.0;
    for (std::size_t n = 0; n < occ.size(); ++n) mean += static_cast<double>(n) * occ[n];
    CHECK(std::abs(mean - mean_expected) < 0.03);
    // the Poisson probabilities of 0, 1 and 2 lots
    const double m0 = std::exp(-mean_expected);
    CHECK(std::abs(occ[0] - m0) < 0.006);
    CHECK(std::abs(occ[1] - m0 * mean_expected) < 0.006);
    CHECK(std::abs(occ[2] - m0 * mean_expected * mean_expected / 2.0) < 0.006);
  }
}

TEST_CASE("zero_intelligence_model: symmetric parameters give P(next mid move up) = 1/2") {
  fp::zero_intelligence_model m(fp::zero_intelligence_params::cont_stoikov_talreja_2010());
  fp::order_flow_event ev;
  double mid = m.mid();
  int up = 0;
  int down = 0;
  for (int n = 0; n < 400'000; ++n) {
    m.next(ev);
    if (m.mid() > mid) ++up;
    if (m.mid() < mid) ++down;
    mid = m.mid();
  }
  const double moves = up + down;
  const double p_up = up / moves;
  // four standard errors of a proportion of 1/2
  CHECK(moves > 20'000);
  CHECK(std::abs(p_up - 0.5) < 4.0 * 0.5 / std::sqrt(moves));
}

TEST_CASE("zero_intelligence_model: same seed same tape, another seed another tape") {
  auto tape = [](std::uint64_t seed) {
    fp::zero_intelligence_params p = fp::zero_intelligence_params::cont_stoikov_talreja_2010();
    p.seed = seed;
    p.size_probabilities = {0.5, 0.3, 0.2};
    fp::zero_intelligence_model m(p);
    std::vector<fp::order_flow_event> out(5'000);
    for (auto& e : out) m.next(e);
    return out;
  };
  const auto a = tape(3);
  const auto b = tape(3);
  const auto c = tape(4);
  bool same = true;
  bool differs = false;
  for (std::size_t k = 0; k < a.size(); ++k) {
    same = same && a[k].time == b[k].time && a[k].kind == b[k].kind && a[k].side == b[k].side &&
           a[k].price_tick == b[k].price_tick && a[k].quantity == b[k].quantity;
    differs = differs || a[k].time != c[k].time || a[k].price_tick != c[k].price_tick;
  }
  CHECK(same);
  CHECK(differs);
  // sizes come from the distribution: some orders of 2 and 3 lots
  bool sized = false;
  for (const auto& e : a) sized = sized || (e.kind == fp::order_flow_kind::limit && e.quantity == 3.0);
  CHECK(sized);
}

TEST_CASE("zero_intelligence_model: record appends next's events until the time or the count") {
  fp::zero_intelligence_params p = fp::zero_intelligence_params::cont_stoikov_talreja_2010();
  p.seed = 8;
  fp::zero_intelligence_model by_next(p);
  std::vector<fp::order_flow_event> expected;
  fp::order_flow_event e;
  do {
    by_next.next(e);
    expected.push_back(e);
  } while (by_next.seconds() < 30.0);
  fp::zero_intelligence_model recorded(p);
  std::vector<fp::order_flow_event> tape{e};  // appended to, not replaced
  CHECK(recorded.record(30.0, tape) == expected.size());
  REQUIRE(tape.size() == expected.size() + 1);
  for (std::size_t k = 0; k < expected.size(); ++k) {
    CHECK(tape[k + 1].time == expected[k].time);
    CHECK(tape[k + 1].price_tick == expected[k].price_tick);
  }
  CHECK(recorded.seconds() >= 30.0);
  CHECK(std::chrono::duration<double>(tape[tape.size() - 2].time).count() < 30.0);  // the last is the first past
  CHECK(recorded.record(30.0, tape) == 0);                                          // not later than now: nothing
  CHECK(recorded.record(1e9, tape, 7) == 7);
  CHECK(tape.size() == expected.size() + 8);
}

TEST_CASE("zero_intelligence_model: an own limit order fills only after the queue ahead of it") {
  // Market orders only (no background limits beyond the initial book, no cancellations):
  // each sell market order takes one lot from the front of the best bid queue.
  fp::zero_intelligence_params p{.lambda = {1e-12}, .theta = {0.0}, .mu = 1.0, .seed = 5};
  fp::zero_intelligence_model m(p);
  const double bid = m.best_bid();
  CHECK(m.queue_quantity(side::buy, m.best_bid_tick()) == 0.0);  // theta = 0: no initial lots
  // three lots of others, then ours (2 lots), then one more lot of others
  const std::uint64_t o1 = m.submit_limit(side::buy, bid, 3.0);
  const std::uint64_t mine = m.submit_limit(side::buy, bid, 2.0);
  const std::uint64_t o2 = m.submit_limit(side::buy, bid, 1.0);
  CHECK(m.quantity_ahead(mine) == 0.0);  // own orders ahead are not "others"
  CHECK(m.queue_quantity(side::buy, m.best_bid_tick()) == 6.0);
  m.cancel(o1);
  m.cancel(o2);
  CHECK(m.resting_quantity(mine) == 2.0);
  CHECK(m.resting_quantity(o1) == 0.0);
  CHECK(m.queue_quantity(side::buy, m.best_bid_tick()) == 2.0);
}

TEST_CASE("zero_intelligence_model: market orders consume the queue in FIFO order around an own order") {
  // L = 1: the quotes stay put, orders arrive at the touch
  fp::zero_intelligence_params p{.lambda = {1.0}, .theta = {1.0}, .mu = 1.0, .seed = 9};
  fp::zero_intelligence_model m(p);
  // initial book: the touch holds round(1/1) = 1 lot per side
  const std::int64_t bid = m.best_bid_tick();
  CHECK(m.queue_quantity(side::buy, bid) == 1.0);
  const std::uint64_t mine = m.submit_limit(side::buy, static_cast<double>(bid) * m.tick_size(), 2.0);
  CHECK(m.quantity_ahead(mine) == 1.0);
  CHECK(m.resting_quantity(mine) == 2.0);
  CHECK(m.queue_quantity(side::buy, bid) == 3.0);
  // run until our order is done: unit market orders take one lot each, so the first fill comes
  // from an event that met no other lot ahead of ours
  fp::order_flow_event ev;
  double ahead_before_first_fill = -1.0;
  while (m.resting_quantity(mine) > 0.0 && m.seconds() < 1e5) {
    const double ahead = m.quantity_ahead(mine);
    m.next(ev);
    if (!m.fills().empty() && ahead_before_first_fill < 0.0) ahead_before_first_fill = ahead;
  }
  CHECK(ahead_before_first_fill == 0.0);
  REQUIRE(m.fills().size() >= 1);
  double filled = 0.0;
  for (const auto& f : m.fills()) {
    CHECK(f.order_id == mine);
    CHECK(f.side == side::buy);
    CHECK_FALSE(f.aggressive);
    CHECK(f.price == doctest::Approx(static_cast<double>(bid) * m.tick_size()));
    filled += f.quantity;
  }
  CHECK(filled == 2.0);
}

TEST_CASE("zero_intelligence_model: an own market order walks the book and reports its fills") {
  fp::zero_intelligence_model m(fp::zero_intelligence_params::cont_stoikov_talreja_2010());
  const std::int64_t ask = m.best_ask_tick();
  // the initial book: distance i holds round(lambda(i) / theta(i)) lots: 3, 2, 2, 2, 2, ...
  CHECK(m.queue_quantity(side::sell, ask) == 3.0);
  CHECK(m.queue_quantity(side::sell, ask + 1) == 2.0);
  const std::uint64_t id = m.submit_market(side::buy, 4.0);
  REQUIRE(m.fills().size() == 2);
  CHECK(m.fills()[0].order_id == id);
  CHECK(m.fills()[0].aggressive);
  CHECK(m.fills()[0].quantity == 3.0);
  CHECK(m.fills()[0].price == doctest::Approx(static_cast<double>(ask) * 0.01));
  CHECK(m.fills()[1].quantity == 1.0);
  CHECK(m.fills()[1].price == doctest::Approx(static_cast<double>(ask + 1) * 0.01));
  CHECK(m.best_ask_tick() == ask + 1);
  CHECK(m.report().own_fills == 2);
}

TEST_CASE("zero_intelligence_model: bad parameters and orders throw invalid_argument naming them") {
  using P = fp::zero_intelligence_params;
  CHECK_THROWS_AS(fp::zero_intelligence_model(P{}), fp::invalid_argument);
  CHECK_THROWS_AS(
      fp::zero_intelligence_model(P{.lambda = std::vector<double>(1001, 1.0), .theta = std::vector<double>(1001, 1.0)}),
      fp::invalid_argument);
  CHECK_THROWS_AS(fp::zero_intelligence_model(P{.lambda = {1.0}, .theta = {1.0, 2.0}}), fp::invalid_argument);
  CHECK_THROWS_AS(fp::zero_intelligence_model(P{.lambda = {-1.0}, .theta = {1.0}}), fp::invalid_argument);
  CHECK_THROWS_AS(fp::zero_intelligence_model(P{.lambda = {1.0}, .theta = {1.0}, .mu = std::nan("")}),
                  fp::invalid_argument);
  CHECK_THROWS_AS(fp::zero_intelligence_model(P{.tick_size = 0.0, .lambda = {1.0}, .theta = {1.0}}),
                  fp::invalid_argument);
  CHECK_THROWS_AS(fp::zero_intelligence_model(P{.lambda = {1.0}, .theta = {1.0}, .size_probabilities = {0.5, 0.4}}),
                  fp::invalid_argument);
  try {
    fp::zero_intelligence_model(P{.lambda = {1.0}, .theta = {1.0}, .mu = -2.0});
    FAIL("no throw");
  } catch (const fp::invalid_argument& e) {
    CHECK(std::string(e.what()).find("mu must be finite and >= 0 (got -2") != std::string::npos);
  }
  fp::zero_intelligence_model m(fp::zero_intelligence_params::cont_stoikov_talreja_2010());
  CHECK_THROWS_AS(m.submit_market(side::buy, 0.0), fp::invalid_argument);
  CHECK_THROWS_AS(m.submit_limit(side::buy, -1.0, 1.0), fp::invalid_argument);
  CHECK_THROWS_AS(m.submit_limit(side::sell, 100.0, std::nan("")), fp::invalid_argument);
}

}  // namespace unity_zero_intelligence_model
