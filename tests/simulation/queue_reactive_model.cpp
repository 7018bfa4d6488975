// The queue-reactive simulator (Huang, Lehalle and Rosenbaum 2015): the invariant
// distribution against the birth-death closed form, the first queue's time-averaged law
// against it, P(next reference move up) = 1/2 under symmetric parameters, intensities that
// react to the user's own lots, p_ref moved by the user's market orders, market orders
// larger than the window filled past it, determinism, and the parameter checks.
#include "footprint/simulation/queue_reactive_model.hpp"

#include "footprint/error.hpp"
#include "footprint/simulation/order_flow_event.hpp"
#include "footprint/types.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <utility>
#include <vector>

// Each test file is its own namespace: the module's files compile as one unity translation unit.
namespace unity_queue_reactive_model {

namespace fp = footprint;
using fp::side;

// Two levels, queue sizes 0..4 tabulated: limits slow down and cancellations speed up as a
// queue grows (the shape HLR 2015 estimate on France Telecom, their figure 3).
fp::queue_reactive_params two_levels(double theta, std::uint64_t seed) {
  fp::queue_reactive_params p;
  p.limit_rate = fp::matrix{{2.0, 1.5, 1.2, 1.0, 0.8}, {1.5, 1.2, 1.0, 0.9, 0.8}};
  p.cancel_rate = fp::matrix{{0.0, 0.4, 0.6, 0.8, 1.0}, {0.0, 0.3, 0.5, 0.7, 0.9}};
  p.market_rate = fp::matrix{{0.0, 0.5, 0.5, 0.5, 0.5}, {0.0, 0.2, 0.2, 0.2, 0.2}};
  p.theta = theta;
  p.seed = seed;
  return p;
}

TEST_CASE("queue_reactive_model: the invariant distribution is the birth-death chain's") {
  const fp::queue_reactive_model m(two_levels(0.5, 1));
  const std::vector<double> p = m.invariant_distribution(1);
  // pi(q) / pi(q - 1) = limit(q - 1) / (cancel(q) + market(q)) at the first queue, the last
  // column beyond Q = 4: a geometric tail of ratio 0.8 / 1.5
  std::vector<double> w{1.0, 2.0 / 0.9, 2.0 / 0.9 * 1.5 / 1.1, 2.0 / 0.9 * 1.5 / 1.1 * 1.2 / 1.3,
                        2.0 / 0.9 * 1.5 / 1.1 * 1.2 / 1.3 * 1.0 / 1.5};
  const double tail = w.back() * (0.8 / 1.5) / (1.0 - 0.8 / 1.5);
  double z = tail;
  for (double x : w) z += x;
  for (std::size_t q = 0; q < w.size(); ++q) CHECK(p[q] == doctest::Approx(w[q] / z).epsilon(1e-9));
  // deeper queues ignore market orders: ratio limit(q - 1) / cancel(q)
  const std::vector<double> p2 = m.invariant_distribution(2);
  CHECK(p2[1] / p2[0] == doctest::Approx(1.5 / 0.3));
  CHECK(p2[2] / p2[1] == doctest::Approx(1.2 / 0.5));
}

TEST_CASE("queue_reactive_model: without price moves the first queue's time average is its invariant law") {
  fp::queue_reactive_model m(two_levels(0.0, 3));
  const std::vector<double> pi = m.invariant_distribution(1);
  std::vector<double> occ(pi.size() + 1, 0.0);
  fp::order_flow_event ev;
  double last = 0.0;
  auto q = static_cast<std::size_t>(m.queue(side::sell, 1));
  while (m.seconds() < 100'000.0) {
    m.next(ev);
    occ[std::min(q, occ.size() - 1)] += m.seconds() - last;
    last = m.seconds();
    q = static_cast<std::size_t>(m.queue(side::sell, 1));
  }
  for (std::size_t k = 0; k < 5; ++k) CHECK(std::abs(occ[k] / last - pi[k]) < 0.01);
  CHECK(m.report().price_moves == 0);
}

TEST_CASE("queue_reactive_model: symmetric parameters give P(next reference move up) = 1/2") {
  fp::queue_reactive_model m(two_levels(0.7, 5));
  fp::order_flow_event ev;
  double ref = m.reference_price();
  int up = 0;
  int down = 0;
  for (int n = 0; n < 300'000; ++n) {
    m.next(ev);
    if (m.reference_price() > ref) ++up;
    if (m.reference_price() < ref) ++down;
    ref = m.reference_price();
  }
  const double moves = up + down;
  CHECK(moves > 4'000);
  CHECK(std::abs(up / moves - 0.5) < 4.0 * 0.5 / std::sqrt(moves));
  CHECK(static_cast<double>(m.report().price_moves) == moves);
}

TEST_CASE("queue_reactive_model: the intensities react to the user's own lots") {
  // Limit orders stop at 2 lots and market orders start at 3: only the user's lots can bring
  // market orders to the first bid queue.
  fp::queue_reactive_params p;
  p.limit_rate = fp::matrix{{1.0, 1.0, 0.0, 0.0}};
  p.cancel_rate = fp::matrix{{0.0, 0.5, 0.5, 0.5}};
  p.market_rate = fp::matrix{{0.0, 0.0, 0.0, 5.0}};
  p.theta = 0.0;
  p.seed = 2;
  fp::queue_reactive_model m(p);
  m.advance(1'000.0);
  CHECK(m.report().markets == 0);
  const double bid = m.reference_price() - 0.5 * m.tick_size();
  const std::uint64_t mine = m.submit_limit(side::buy, bid, 3.0);
  CHECK(m.queue(side::buy, 1) >= 3.0);
  m.advance(2'000.0);
  CHECK(m.report().markets > 0);
  double filled = 0.0;
  for (const auto& f : m.fills()) {
    CHECK(f.order_id == mine);
    filled += f.quantity;
  }
  CHECK(filled > 0.0);
  CHECK(filled + m.resting_quantity(mine) == 3.0);
}

// HLR's Model III moves p_ref when a first queue empties, whoever empties it: the user's
// market order that takes the whole first ask queue moves it up with probability theta, and
// one that walks through two queues moves it at least twice when theta is 1.
TEST_CASE("queue_reactive_model: the user's market order that empties the first queue moves p_ref") {
  auto fresh = [](double theta, std::uint64_t seed) {
    for (;; ++seed) {  // a book whose first two ask queues both hold lots
      fp::queue_reactive_model m(two_levels(theta, seed));
      if (m.queue(side::sell, 1) > 0.0 && m.queue(side::sell, 2) > 0.0) return m;
    }
  };
  {
    fp::queue_reactive_model m = fresh(1.0, 10);
    const double ref = m.reference_price();
    m.submit_market(side::buy, m.queue(side::sell, 1));
    CHECK(m.reference_price() == doctest::Approx(ref + m.tick_size()));
    CHECK(m.best_bid() == doctest::Approx(ref + 0.5 * m.tick_size()));  // the emptied price now quotes a bid
    CHECK(m.queue(side::sell, 1) > 0.0);                                // the old second ask queue
  }
  {
    fp::queue_reactive_model m = fresh(0.0, 10);
    const double ref = m.reference_price();
    m.submit_market(side::buy, m.queue(side::sell, 1));
    CHECK(m.reference_price() == ref);
    CHECK(m.queue(side::sell, 1) == 0.0);
  }
  {
    fp::queue_reactive_model m = fresh(1.0, 20);
    const double ref = m.reference_price();
    m.submit_market(side::buy, m.queue(side::sell, 1) + m.queue(side::sell, 2));
    CHECK(m.reference_price() >= ref + 2.0 * m.tick_size() - 1e-9);
    CHECK(m.queue(side::sell, 1) > 0.0);
  }
  {
    // a partial take leaves the first queue and p_ref where they were
    fp::queue_reactive_model m = fresh(1.0, 30);
    while (m.queue(side::sell, 1) < 2.0) m = fresh(1.0, m.params().seed + 1);
    const double ref = m.reference_price();
    m.submit_market(side::buy, 1.0);
    CHECK(m.reference_price() == ref);
  }
  // theta = 0.3: the share of moves over 4,000 books, within 4 standard errors
  int moved = 0;
  const int n = 4'000;
  std::uint64_t seed = 1'000;
  for (int k = 0; k < n; ++k) {
    fp::queue_reactive_model m = fresh(0.3, seed);
    seed = m.params().seed + 1;
    const double ref = m.reference_price();
    m.submit_market(side::buy, m.queue(side::sell, 1));
    if (m.reference_price() > ref) ++moved;
  }
  const double se = std::sqrt(0.3 * 0.7 / n);
  CHECK(std::abs(moved / static_cast<double>(n) - 0.3) < 4.0 * se);
}

// The user's fills of order `id`: total quantity, lowest and highest price.
struct order_fills {
  double quantity = 0.0;
  double lowest = std::numeric_limits<double>::infinity();
  double highest = -std::numeric_limits<double>::infinity();
};
order_fills fills_of(const fp::queue_reactive_model& m, std::uint64_t id) {
  order_fills out;
  for (const fp::simulated_fill& f : m.fills()) {
    if (f.order_id != id) continue;
    out.quantity += f.quantity;
    out.lowest = std::min(out.lowest, f.price);
    out.highest = std::max(out.highest, f.price);
  }
  return out;
}

TEST_CASE("queue_reactive_model: a market order larger than the window walks past it and fills") {
  // theta = 0: p_ref moves only because the order walks past the window's last queue
  for (std::uint64_t seed = 40; seed < 60; ++seed) {
    fp::queue_reactive_model m(two_levels(0.0, seed));
    const double ref = m.reference_price();
    const double window = m.queue(side::sell, 1) + m.queue(side::sell, 2);
    const double last_window_price = ref + 1.5 * m.tick_size();  // ask queue 2
    const double want = window + 12.0;                           // 12 lots past the window
    const order_fills f = fills_of(m, m.submit_market(side::buy, want));
    CHECK(f.quantity == doctest::Approx(want));
    CHECK(f.highest > last_window_price + 0.5 * m.tick_size());  // lots past the window were bought
    CHECK(m.reference_price() >= ref + m.tick_size() - 1e-9);
    CHECK(m.report().price_moves >= 1);
  }
  // a sell walks down the same way
  fp::queue_reactive_model m(two_levels(0.0, 7));
  const double ref = m.reference_price();
  const double want = m.queue(side::buy, 1) + m.queue(side::buy, 2) + 12.0;
  const order_fills f = fills_of(m, m.submit_market(side::sell, want));
  CHECK(f.quantity == doctest::Approx(want));
  CHECK(f.lowest < ref - 2.0 * m.tick_size());  // past bid queue 2, at p_ref - 1.5 ticks
  CHECK(m.reference_price() <= ref - m.tick_size() + 1e-9);
  // a sell a thousand times the book stops before prices reach 0: part of it goes unfilled
  fp::queue_reactive_params p = two_levels(0.0, 3);
  p.initial_price = 0.10;  // 10 ticks of 0.01
  fp::queue_reactive_model small(p);
  const order_fills big = fills_of(small, small.submit_market(side::sell, 100'000.0));
  CHECK(big.quantity > 0.0);
  CHECK(big.quantity < 100'000.0);
  CHECK(big.lowest > 0.0);
  CHECK(small.reference_price() > 0.0);

  // a buy of 10^9 lots brings in at most max_reveals queues from beyond the window, then the
  // rest goes unfilled (it walked the price without end, and ran out of memory)
  fp::queue_reactive_model huge(two_levels(0.0, 5));
  const double start = huge.reference_price();
  const order_fills h = fills_of(huge, huge.submit_market(side::buy, 1e9));
  CHECK(h.quantity > 0.0);
  CHECK(h.quantity < 1e9);
  CHECK(huge.reference_price() - start <= 2.0 * fp::queue_reactive_model::max_reveals * huge.tick_size());
}

TEST_CASE("queue_reactive_model: same seed same tape") {
  auto tape = [](std::uint64_t seed, double feedback) {
    fp::queue_reactive_params p = two_levels(0.6, seed);
    p.feedback = feedback;
    fp::queue_reactive_model m(p);
    std::vector<fp::order_flow_event> out(3'000);
    for (auto& e : out) m.next(e);
    return out;
  };
  // every event the same (time, kind, side, price), or some event at another time
  auto same = [](const std::vector<fp::order_flow_event>& x, const std::vector<fp::order_flow_event>& y) {
    return std::equal(x.begin(), x.end(), y.begin(), y.end(), [](const auto& u, const auto& v) {
      return u.time == v.time && u.kind == v.kind && u.side == v.side && u.price_tick == v.price_tick;
    });
  };
  auto times_differ = [](const std::vector<fp::order_flow_event>& x, const std::vector<fp::order_flow_event>& y) {
    return !std::equal(x.begin(), x.end(), y.begin(), y.end(),
                       [](const auto& u, const auto& v) { return u.time == v.time; });
  };
  const auto a = tape(8, 0.0);
  CHECK(same(a, tape(8, 0.0)));
  CHECK(times_differ(a, tape(9, 0.0)));
  // with the order-flow feedback too, whose tape is not the one without it
  const auto f = tape(8, 0.2);
  CHECK(same(f, tape(8, 0.2)));
  CHECK(times_differ(f, a));
  // the tape starts with the initial book: 2 levels x 2 sides of set_quantity
  for (int k = 0; k < 4; ++k) CHECK(a[static_cast<std::size_t>(k)].kind == fp::order_flow_kind::set_quantity);
}

// One level, queues of about 20 lots that a 5-lot order does not empty, the same market rate
// at every size: both sides' market orders at rate 1 lot/s.
fp::queue_reactive_params deep_queue(std::uint64_t seed) {
  fp::queue_reactive_params p;
  p.limit_rate = fp::matrix::Constant(1, 31, 5.0);
  p.limit_rate(0, 30) = 0.5;
  p.cancel_rate = fp::matrix::Constant(1, 31, 0.25);
  p.cancel_rate(0, 0) = 0.0;
  p.market_rate = fp::matrix::Constant(1, 31, 1.0);
  p.market_rate(0, 0) = 0.0;
  p.seed = seed;
  return p;
}

TEST_CASE("queue_reactive_model: order-flow feedback biases the next market order against the flow") {
  // A kernel that does not decay over the test (tau_0 = 10^12 s): after the user's buy of
  // n = 5 lots the flow is F = 5, sell market orders arrive at 1 x exp(kappa F) and buys at
  // 1 x exp(-kappa F), so the next background market order is a sell with probability
  // 1 / (1 + exp(-2 kappa F)) = 0.7311 at kappa = 0.1 (0.5 without feedback). With the
  // amplitude c = 0.1 at kappa = 0.4 the scales are 1 + c (exp(+-2) - 1), 1.6389 and 0.9135,
  // and the share 1.6389 / 2.5524 = 0.6421 (exp(+-2) alone would give 0.9820).
  auto sell_share = [](double kappa, double amplitude = 1.0) {
    int sells = 0;
    const int n = 4000;
    for (int k = 0; k < n; ++k) {
      fp::queue_reactive_params p = deep_queue(static_cast<std::uint64_t>(k) + 1);
      p.feedback = kappa;
      p.feedback_amplitude = amplitude;
      p.feedback_time = 1e12;
      fp::queue_reactive_model m(p);
      m.submit_market(side::buy, 5.0);
      if (kappa > 0.0) REQUIRE(m.signed_flow() == doctest::Approx(5.0).epsilon(1e-9));
      fp::order_flow_event e;
      do m.next(e);
      while (e.kind != fp::order_flow_kind::market);
      sells += e.side == side::buy ? 1 : 0;  // a sell market order executes against the bids
    }
    return static_cast<double>(sells) / n;
  };
  const double se = std::sqrt(0.25 / 4000.0);
  CHECK(std::abs(sell_share(0.1) - 1.0 / (1.0 + std::exp(-1.0))) < 4.0 * se);
  CHECK(std::abs(sell_share(0.0) - 0.5) < 4.0 * se);
  const double up = std::exp(2.0), sells = 1.0 + 0.1 * (up - 1.0), buys = 1.0 + 0.1 * (1.0 / up - 1.0);
  CHECK(std::abs(sell_share(0.4, 0.1) - sells / (sells + buys)) < 4.0 * se);
}

TEST_CASE("queue_reactive_model: the feedback's flow decays as (1 + t / tau_0)^-beta") {
  // no background market orders: F is the user's 10 lots times the kernel
  for (const double beta : {0.5, 0.8}) {
    fp::queue_reactive_params p = deep_queue(3);
    p.market_rate.setZero();
    p.limit_rate(0, 30) = 0.1;
    p.feedback = 0.01;
    p.feedback_time = 2.0;
    p.feedback_exponent = beta;
    fp::queue_reactive_model m(p);
    m.submit_market(side::buy, 10.0);
    CHECK(m.signed_flow() == doctest::Approx(10.0).epsilon(1e-12));
    for (const double t : {1.0, 10.0, 100.0, 1000.0, 20000.0}) {
      m.advance(t);
      CAPTURE(beta);
      CAPTURE(t);
      CHECK(m.signed_flow() == doctest::Approx(10.0 * std::pow(1.0 + t / 2.0, -beta)).epsilon(0.02));
    }
    m.submit_market(side::sell, 4.0);  // the user's sell counts negatively
    CHECK(m.signed_flow() == doctest::Approx(10.0 * std::pow(1.0 + 20000.0 / 2.0, -beta) - 4.0).epsilon(0.02));
  }
  fp::queue_reactive_model none(deep_queue(3));
  none.submit_market(side::buy, 10.0);
  CHECK(none.signed_flow() == 0.0);
}

TEST_CASE("queue_reactive_model: bad parameters throw naming them") {
  for (const auto& [field, value] : {std::pair{0, -0.1}, std::pair{1, 0.0}, std::pair{2, 0.0}, std::pair{2, 2.5},
                                     std::pair{3, 0.0}, std::pair{3, 1.5}}) {
    fp::queue_reactive_params p = two_levels(0.5, 1);
    (field == 0   ? p.feedback
     : field == 1 ? p.feedback_time
     : field == 2 ? p.feedback_exponent
                  : p.feedback_amplitude) = value;
    CHECK_THROWS_WITH_AS(fp::queue_reactive_model{p}, doctest::Contains("feedback"), fp::invalid_argument);
  }
  fp::queue_reactive_params p = two_levels(0.5, 1);
  p.theta = 1.5;
  CHECK_THROWS_AS(fp::queue_reactive_model{p}, fp::invalid_argument);
  p = two_levels(0.5, 1);
  p.cancel_rate = fp::matrix::Zero(1, 5);
  CHECK_THROWS_AS(fp::queue_reactive_model{p}, fp::dimension_mismatch);
  p = two_levels(0.5, 1);
  p.limit_rate(0, 4) = 5.0;  // births beyond Q outrun deaths: no invariant distribution
  CHECK_THROWS_WITH_AS(fp::queue_reactive_model{p}, doctest::Contains("has no invariant distribution"),
                       fp::invalid_argument);
  p = two_levels(0.5, 1);
  p.market_rate(1, 2) = -1.0;
  CHECK_THROWS_AS(fp::queue_reactive_model{p}, fp::invalid_argument);
  const fp::queue_reactive_model m(two_levels(0.5, 1));
  CHECK_THROWS_AS((void)m.queue(side::buy, 3), fp::invalid_argument);
}

}  // namespace unity_queue_reactive_model
