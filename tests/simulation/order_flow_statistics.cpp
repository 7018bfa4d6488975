// order_flow_statistics and the two fits on small hand-made tapes: every count, time and
// integral worked out by hand in the comments, the rates and standard errors from them, and
// the errors for bad options and bad tapes.
#include "footprint/simulation/order_flow_fit.hpp"
#include "footprint/simulation/queue_reactive_model.hpp"

#include <doctest/doctest.h>

#include <chrono>
#include <cmath>
#include <cstdint>
#include <vector>

// Each test file is its own namespace: the module's files compile as one unity translation unit.
namespace unity_order_flow_statistics {

namespace fp = footprint;
using fp::order_flow_kind;
using fp::side;

namespace {

fp::order_flow_event ev(double seconds, order_flow_kind k, side s, std::int64_t tick, double q) {
  return fp::order_flow_event{std::chrono::nanoseconds{static_cast<std::int64_t>(std::llround(seconds * 1e9))}, k, s,
                              tick, q};
}

// Tick 1, lot 1. Bids 10 (2); asks 11 (3), 13 (4) from t = 0. Then:
//   t=1 limit bid 9 (1)     distance 2 from the ask 11; queue 2 (p_ref 10.5), size 0
//   t=3 cancel ask 11 (1)   distance 1; queue 1, size 3
//   t=4 market ask 11 (2)   queue 1, sizes 2 and 1; empties the first ask queue: best ask 13,
//                           spread 3, p_ref 10.5 -> 11.5 (a move)
//   t=4 market ask 13 (1)   same time and side: the same market order; queue 2 (p_ref 11.5), size 4
//   t=6 limit ask 12 (2.5)  distance 2 from the bid 10; queue 1, 3 units at sizes 0, 1, 2; spread 2:
//                           p_ref stays 11.5 (nearer the previous than 10.5)
//   t=8 set bid 10 (2)      no change: closes the last interval
std::vector<fp::order_flow_event> tape() {
  return {ev(0, order_flow_kind::set_quantity, side::buy, 10, 2.0),
          ev(0, order_flow_kind::set_quantity, side::sell, 11, 3.0),
          ev(0, order_flow_kind::set_quantity, side::sell, 13, 4.0),
          ev(1, order_flow_kind::limit, side::buy, 9, 1.0),
          ev(3, order_flow_kind::cancel, side::sell, 11, 1.0),
          ev(4, order_flow_kind::market, side::sell, 11, 2.0),
          ev(4, order_flow_kind::market, side::sell, 13, 1.0),
          ev(6, order_flow_kind::limit, side::sell, 12, 2.5),
          ev(8, order_flow_kind::set_quantity, side::buy, 10, 2.0)};
}

fp::order_flow_statistics_options small_options() {
  return {
      .tick_size = 1.0, .levels = 3, .queue_levels = 2, .max_queue_lots = 5, .lot_quantity = 1.0, .max_size_lots = 5};
}

}  // namespace

TEST_CASE("order_flow_statistics counts, times and integrals of a hand-made tape") {
  fp::order_flow_statistics st(small_options());
  const auto t = tape();
  st.observe(std::span<const fp::order_flow_event>(t));
  CHECK(st.events() == 9);
  CHECK(st.counts().limit == 2);
  CHECK(st.counts().cancel == 1);
  CHECK(st.counts().market == 2);
  CHECK(st.counts().set_quantity == 4);
  CHECK(st.two_sided_seconds() == doctest::Approx(8.0));
  CHECK(st.one_sided_seconds() == 0.0);
  CHECK(st.crossed_seconds() == 0.0);
  CHECK(st.first_mid_price() == doctest::Approx(10.5));
  CHECK(st.first_reference_price() == doctest::Approx(10.5));
  // N_l(i) and N_c(i) by distance.
  CHECK(st.limit_counts()[0] == 0);
  CHECK(st.limit_counts()[1] == 2);
  CHECK(st.limit_counts()[2] == 0);
  CHECK(st.cancel_counts()[0] == 1);
  CHECK(st.cancelled_quantity()[0] == doctest::Approx(1.0));
  // Queue quantity x seconds at distances 1..3:
  // [0,1): [5, 0, 4]; [1,3): [5, 1, 4] x 2; [3,4): [4, 1, 4]; [4,6): [0, 0, 5] x 2; [6,8): [0, 4.5, 4] x 2.
  CHECK(st.queue_integral()[0] == doctest::Approx(19.0));
  CHECK(st.queue_integral()[1] == doctest::Approx(12.0));
  CHECK(st.queue_integral()[2] == doctest::Approx(34.0));
  CHECK(st.market_quantity() == doctest::Approx(3.0));
  CHECK(st.market_events() == 2);
  CHECK(st.market_orders() == 1);
  CHECK(st.limit_orders() == 2);
  CHECK(st.limit_quantity() == doctest::Approx(3.5));
  // Sizes rounded keeping the volume: 1 lot whole at 1; 2.5 lots half at 2, half at 3.
  CHECK(std::vector<double>(st.size_histogram().begin(), st.size_histogram().end()) ==
        std::vector<double>{0.0, 1.0, 0.5, 0.5, 0.0, 0.0});
  // One market order of 3 lots (two fills at t = 4, on the ask side).
  CHECK(st.market_size_histogram() == std::vector<double>{0.0, 0.0, 0.0, 1.0, 0.0, 0.0});
  const auto& x = st.exceptions();
  CHECK(x.limit_inside + x.limit_beyond + x.cancel_inside + x.cancel_beyond + x.without_quotes + x.clamped +
            x.queue_outside ==
        0);
  // T_i(q): queue 1 at sizes 0, 2, 3 for 6, 5 and 5 s; queue 2 at 0, 1, 2, 3 for 5, 3, 4, 4 s.
  const fp::matrix& s = st.queue_seconds();
  CHECK(s.rows() == 2);
  CHECK(s.cols() == 6);
  CHECK(s(0, 0) == doctest::Approx(6.0));
  CHECK(s(0, 1) == 0.0);
  CHECK(s(0, 2) == doctest::Approx(5.0));
  CHECK(s(0, 3) == doctest::Approx(5.0));
  CHECK(s(1, 0) == doctest::Approx(5.0));
  CHECK(s(1, 1) == doctest::Approx(3.0));
  CHECK(s(1, 2) == doctest::Approx(4.0));
  CHECK(s(1, 3) == doctest::Approx(4.0));
  CHECK(s.sum() == doctest::Approx(2.0 * 2.0 * 8.0));  // 2 sides x K queues x T
  CHECK(st.queue_limit_events()(1, 0) == 1.0);
  CHECK(st.queue_limit_events()(0, 0) == 1.0);
  CHECK(st.queue_limit_events()(0, 1) == 1.0);
  CHECK(st.queue_limit_events()(0, 2) == 1.0);
  CHECK(st.queue_limit_events().sum() == 4.0);
  CHECK(st.queue_cancel_events()(0, 3) == 1.0);
  CHECK(st.queue_cancel_events().sum() == 1.0);
  CHECK(st.queue_market_events()(0, 2) == 1.0);
  CHECK(st.queue_market_events()(0, 1) == 1.0);
  CHECK(st.queue_market_events()(1, 4) == 1.0);
  CHECK(st.queue_market_events().sum() == 3.0);
  CHECK(st.depletions() == 1);
  CHECK(st.depletion_moves() == 1);
}

TEST_CASE("fit_zero_intelligence rates and standard errors by hand") {
  fp::order_flow_statistics st(small_options());
  const auto t = tape();
  st.observe(std::span<const fp::order_flow_event>(t));
  const fp::zero_intelligence_fit f = fp::fit_zero_intelligence(st);
  // lambda = N / (2T), 2T = 16 s.
  REQUIRE(f.lambda.size() == 3);
  CHECK(f.lambda[0].value == 0.0);
  CHECK(f.lambda[1].value == doctest::Approx(2.0 / 16.0));
  CHECK(f.lambda[1].std_error == doctest::Approx(std::sqrt(2.0) / 16.0));
  CHECK(f.params.lambda[1] == doctest::Approx(0.125));
  // theta(1) = 1 cancelled / 19 lot-seconds; no cancel at 2 and 3: 0 with a NaN error.
  CHECK(f.theta[0].value == doctest::Approx(1.0 / 19.0));
  CHECK(f.theta[0].std_error == doctest::Approx(1.0 / 19.0));
  CHECK(f.theta[1].value == 0.0);
  CHECK(std::isnan(f.theta[1].std_error));
  // Limit sizes 1 and 2.5 lots: P(1, 2, 3 lots) = 1/2, 1/4, 1/4, mean 1.75 (the tape's); every
  // order is a lot or more. Market orders: one of 3 lots, so mu = 3 / 1 / 3 / 16.
  CHECK(f.params.size_probabilities == std::vector<double>{0.5, 0.25, 0.25});
  // multinomial standard errors over the 2 orders: sqrt(p (1 - p) / 2)
  REQUIRE(f.size_probabilities_std_error.size() == 3);
  CHECK(f.size_probabilities_std_error[0] == doctest::Approx(std::sqrt(0.25 / 2.0)));
  CHECK(f.size_probabilities_std_error[1] == doctest::Approx(std::sqrt(0.1875 / 2.0)));
  CHECK(f.mean_size_lots == doctest::Approx(1.75));
  CHECK(f.limit_lot_share == 1.0);
  CHECK(f.params.market_size_probabilities == std::vector<double>{0.0, 0.0, 1.0});
  CHECK(f.market_mean_size_lots == doctest::Approx(3.0));
  CHECK(f.mu.value == doctest::Approx(1.0 / 16.0));
  CHECK(f.mu.std_error == doctest::Approx(1.0 / 16.0));  // one market order
  CHECK(f.market_order_rate.value == doctest::Approx(1.0 / 16.0));
  CHECK(f.two_sided_seconds == doctest::Approx(8.0));
  CHECK(f.params.initial_price == doctest::Approx(10.5));
  CHECK(f.params.tick_size == 1.0);
  CHECK(f.params.lot_quantity == 1.0);
  // One distance with lambda > 0: no power law.
  CHECK(std::isnan(f.power_law_alpha.value));
}

TEST_CASE("fit_queue_reactive rates, empty cells and theta by hand") {
  fp::order_flow_statistics st(small_options());
  const auto t = tape();
  st.observe(std::span<const fp::order_flow_event>(t));
  const fp::queue_reactive_fit f = fp::fit_queue_reactive(st);
  CHECK(f.params.levels() == 2);
  CHECK(f.params.max_tabulated() == 5);
  CHECK(f.params.limit_rate(0, 0) == doctest::Approx(1.0 / 6.0));
  CHECK(f.limit_rate_std_error(0, 0) == doctest::Approx(1.0 / 6.0));
  CHECK(f.params.limit_rate(0, 2) == doctest::Approx(1.0 / 5.0));
  CHECK(f.params.limit_rate(1, 0) == doctest::Approx(1.0 / 5.0));
  CHECK(f.params.cancel_rate(0, 3) == doctest::Approx(1.0 / 5.0));
  CHECK(f.params.market_rate(0, 2) == doctest::Approx(1.0 / 5.0));
  CHECK(f.params.market_rate(0, 3) == 0.0);
  CHECK(f.market_rate_std_error(0, 3) == 0.0);
  // A unit counted at a size the queue never rested at (T = 0): rate 0, error NaN.
  CHECK(st.queue_limit_events()(0, 1) == 1.0);
  CHECK(f.params.limit_rate(0, 1) == 0.0);
  CHECK(std::isnan(f.limit_rate_std_error(0, 1)));
  CHECK(f.seconds(1, 1) == doctest::Approx(3.0));
  CHECK(f.theta.value == 1.0);
  CHECK(f.theta.std_error == 0.0);
  CHECK(f.params.theta == 1.0);
  CHECK(f.params.theta_reinit == 0.0);
  CHECK(f.params.initial_price == doctest::Approx(10.5));
}

// A fit made by hand: K = 2, Q = 4, the rates of two_levels in queue_reactive_model.cpp and
// occupancies unlike that chain's invariant law.
fp::queue_reactive_fit hand_fit() {
  fp::queue_reactive_fit f;
  f.params.limit_rate = fp::matrix{{2.0, 1.5, 1.2, 1.0, 0.8}, {1.5, 1.2, 1.0, 0.9, 0.8}};
  f.params.cancel_rate = fp::matrix{{0.0, 0.4, 0.6, 0.8, 1.0}, {0.0, 0.3, 0.5, 0.7, 0.9}};
  f.params.market_rate = fp::matrix{{0.0, 0.5, 0.5, 0.5, 0.5}, {0.0, 0.2, 0.2, 0.2, 0.2}};
  f.seconds = fp::matrix{{100.0, 400.0, 300.0, 200.0, 100.0}, {50.0, 300.0, 10.0, 200.0, 100.0}};
  f.limit_rate_std_error = fp::matrix::Constant(2, 5, 0.1);
  f.cancel_rate_std_error = fp::matrix::Constant(2, 5, 0.03);
  f.market_rate_std_error = fp::matrix::Constant(2, 5, 0.04);
  f.params.theta = 0.7;
  return f;
}

TEST_CASE("match_occupancy: the chain's invariant law is the observed occupancy by detailed balance") {
  const fp::queue_reactive_fit hlr = hand_fit();
  const fp::queue_reactive_fit m = fp::match_occupancy(hlr, 30.0);
  // queue 1: limit(q - 1) = (cancel(q) + market(q)) T(q) / T(q - 1), q = 1..Q - 1 = 3
  CHECK(m.params.limit_rate(0, 0) == doctest::Approx(0.9 * 400.0 / 100.0));
  CHECK(m.params.limit_rate(0, 1) == doctest::Approx(1.1 * 300.0 / 400.0));
  CHECK(m.params.limit_rate(0, 2) == doctest::Approx(1.3 * 200.0 / 300.0));
  CHECK(m.params.limit_rate(0, 3) == 1.0);  // column Q pools the larger queues: HLR's rates stay
  CHECK(m.params.limit_rate(0, 4) == 0.8);
  // the simulator's invariant law: pi(q) / pi(0) = T(q) / T(0) below Q
  const fp::queue_reactive_model sim(m.params);
  const std::vector<double> pi = sim.invariant_distribution(1);
  for (std::size_t q = 1; q < 4; ++q) CHECK(pi[q] / pi[0] == doctest::Approx(m.seconds(0, q) / m.seconds(0, 0)));
  // HLR's chain says otherwise: pi(1) / pi(0) = 2 / 0.9, not 4
  CHECK(fp::queue_reactive_model(hlr.params).invariant_distribution(1)[1] /
            fp::queue_reactive_model(hlr.params).invariant_distribution(1)[0] ==
        doctest::Approx(2.0 / 0.9));
  // queue 2: market orders left out (as in its invariant law); size 2 was observed 10 s, less
  // than 30: the rates into it and out of it stay HLR's
  CHECK(m.params.limit_rate(1, 0) == doctest::Approx(0.3 * 300.0 / 50.0));
  CHECK(m.params.limit_rate(1, 1) == 1.2);
  CHECK(m.params.limit_rate(1, 2) == 1.0);
  CHECK(fp::match_occupancy(hlr, 5.0).params.limit_rate(1, 1) == doctest::Approx(0.5 * 10.0 / 300.0));
  // the death rates, theta and the occupancies are unchanged
  CHECK(m.params.cancel_rate == hlr.params.cancel_rate);
  CHECK(m.params.market_rate == hlr.params.market_rate);
  CHECK(m.params.theta == 0.7);
  CHECK(m.seconds == hlr.seconds);
  // errors: the death rate's relative error times the new rate
  CHECK(m.limit_rate_std_error(0, 0) == doctest::Approx(std::sqrt(0.03 * 0.03 + 0.04 * 0.04) * 4.0));
  CHECK(m.limit_rate_std_error(1, 0) == doctest::Approx(0.03 * 6.0));
  CHECK(m.limit_rate_std_error(0, 3) == 0.1);
  // no death observed at a size: nothing to balance, HLR's rate stays
  fp::queue_reactive_fit dead = hand_fit();
  dead.params.cancel_rate(1, 3) = 0.0;
  CHECK(fp::match_occupancy(dead, 0.0).params.limit_rate(1, 2) == 1.0);
  // bad arguments
  CHECK_THROWS_WITH_AS(static_cast<void>(fp::match_occupancy(hlr, -1.0)), doctest::Contains("min_seconds"),
                       fp::invalid_argument);
  CHECK_THROWS_AS(static_cast<void>(fp::match_occupancy(hlr, std::nan(""))), fp::invalid_argument);
  fp::queue_reactive_fit wrong = hand_fit();
  wrong.seconds = fp::matrix::Zero(2, 4);
  CHECK_THROWS_AS(static_cast<void>(fp::match_occupancy(wrong)), fp::dimension_mismatch);
}

TEST_CASE("regularize_thin_cells: a thin size takes the rates below it and a growing last column is damped") {
  fp::queue_reactive_fit f = hand_fit();
  const fp::queue_reactive_fit before = f;
  // queue 2's size 2 was observed 10 s (< 30): its rates become size 1's
  std::vector<std::string> notes = fp::regularize_thin_cells(f, 30.0);
  CHECK(f.params.limit_rate(1, 2) == 1.2);
  CHECK(f.params.cancel_rate(1, 2) == 0.3);
  CHECK(f.params.market_rate(1, 2) == 0.2);
  CHECK(f.params.limit_rate(1, 3) == 0.9);  // observed 200 s: kept
  CHECK(f.params.limit_rate.row(0) == before.params.limit_rate.row(0));
  CHECK(f.params.cancel_rate.row(0) == before.params.cancel_rate.row(0));
  REQUIRE(notes.size() == 1);
  CHECK(notes[0] == "1 queue-reactive cells observed less than 30 s take the rates of the queue size below them");
  CHECK(f.seconds == before.seconds);
  CHECK(f.limit_rate_std_error == before.limit_rate_std_error);
  CHECK(f.params.theta == 0.7);
  // at 250 s: queue 1's sizes 3 and 4 (200 s, 100 s) take size 2's rates, so its last column
  // grows (limit 1.2 against 0.6 + 0.5): its cancellation rate becomes 1.25 x 1.2 (+ 1e-9).
  // Queue 2's sizes 2, 3 and 4 take size 1's rates (size 0, 50 s, is never replaced): limit
  // 1.2 against a cancellation rate of 0.3 (market orders count at the first queue only).
  fp::queue_reactive_fit g = hand_fit();
  g.params.theta = std::nan("");
  notes = fp::regularize_thin_cells(g, 250.0);
  CHECK(g.params.limit_rate(0, 4) == 1.2);
  CHECK(g.params.market_rate(0, 4) == 0.5);
  CHECK(g.params.cancel_rate(0, 4) == doctest::Approx(1.25 * 1.2 + 1e-9));
  CHECK(g.params.limit_rate(1, 0) == 1.5);
  CHECK(g.params.limit_rate(1, 4) == 1.2);
  CHECK(g.params.cancel_rate(1, 4) == doctest::Approx(1.25 * 1.2 + 1e-9));
  CHECK(g.params.theta == 0.5);  // no depletion observed: HLR's default
  REQUIRE(notes.size() == 3);
  CHECK(notes[0] ==
        "queue-reactive queue 1: the largest queues grew on average; their cancellation rate was raised "
        "to 1.25 x the limit rate");
  CHECK(notes[2] == "5 queue-reactive cells observed less than 250 s take the rates of the queue size below them");
  // the result has an invariant law for every queue: the simulator accepts it
  CHECK_NOTHROW(fp::queue_reactive_model(g.params));
  // bad arguments
  CHECK_THROWS_WITH_AS(static_cast<void>(fp::regularize_thin_cells(f, -1.0)), doctest::Contains("min_seconds"),
                       fp::invalid_argument);
  fp::queue_reactive_fit wrong = hand_fit();
  wrong.seconds = fp::matrix::Zero(2, 4);
  CHECK_THROWS_AS(static_cast<void>(fp::regularize_thin_cells(wrong)), fp::dimension_mismatch);
}

TEST_CASE("fit_zero_intelligence power law is exact on lambda proportional to 1 over i") {
  // Bid 10, ask 11; 8 limit bids at distance 1, 4 at 2, 2 at 4 over 10 s.
  std::vector<fp::order_flow_event> t{ev(0, order_flow_kind::set_quantity, side::buy, 10, 5.0),
                                      ev(0, order_flow_kind::set_quantity, side::sell, 11, 5.0)};
  double time = 0.0;
  auto add = [&](int n, std::int64_t tick) {
    for (int j = 0; j < n; ++j) {
      time += 0.5;
      t.push_back(ev(time, order_flow_kind::limit, side::buy, tick, 1.0));
    }
  };
  add(8, 10);
  add(4, 9);
  add(2, 7);
  t.push_back(ev(10, order_flow_kind::set_quantity, side::buy, 10, 13.0));
  fp::order_flow_statistics st({.tick_size = 1.0, .levels = 4, .lot_quantity = 1.0});
  st.observe(std::span<const fp::order_flow_event>(t));
  const auto f = fp::fit_zero_intelligence(st);
  CHECK(f.lambda[0].value == doctest::Approx(8.0 / 20.0));
  CHECK(f.lambda[2].value == 0.0);
  CHECK(f.power_law_alpha.value == doctest::Approx(1.0));
  CHECK(f.power_law_k.value == doctest::Approx(0.4));
  CHECK(f.power_law_alpha.std_error == doctest::Approx(0.0).epsilon(1e-9));
  CHECK(f.power_law_alpha.robust_std_error == doctest::Approx(0.0).epsilon(1e-9));
}

TEST_CASE("order_flow_statistics estimates the lot as the mean limit-order size") {
  fp::order_flow_statistics st({.tick_size = 1.0, .levels = 3});
  CHECK(std::isnan(st.lot_quantity()));
  const auto t = tape();
  CHECK_THROWS_AS(st.observe(t.front()), fp::invalid_argument);
  st.observe(std::span<const fp::order_flow_event>(t));
  CHECK(st.lot_quantity() == doctest::Approx(1.75));
  // Later events may come one at a time.
  st.observe(ev(9, order_flow_kind::limit, side::buy, 9, 1.75));
  CHECK(st.limit_orders() == 3);
  CHECK(st.two_sided_seconds() == doctest::Approx(9.0));
}

TEST_CASE("fit_zero_intelligence keeps the tape's volume when orders are smaller than a lot") {
  // Lot 1. Bid 10 (4), ask 11 (4) from t = 0; over 10 s, limit asks at 12 (distance 2 from
  // the bid 10) of 0.25, 0.5 and 2.25 lots and sells of 0.2 and 0.6 lots hitting the bid.
  fp::order_flow_statistics st({.tick_size = 1.0, .levels = 3, .lot_quantity = 1.0, .max_size_lots = 5});
  const std::vector<fp::order_flow_event> t{
      ev(0, order_flow_kind::set_quantity, side::buy, 10, 4.0),
      ev(0, order_flow_kind::set_quantity, side::sell, 11, 4.0),
      ev(1, order_flow_kind::limit, side::sell, 12, 0.25),
      ev(2, order_flow_kind::limit, side::sell, 12, 0.5),
      ev(3, order_flow_kind::market, side::buy, 10, 0.2),
      ev(4, order_flow_kind::limit, side::sell, 12, 2.25),
      ev(5, order_flow_kind::market, side::buy, 10, 0.6),
      ev(10, order_flow_kind::set_quantity, side::buy, 10, 3.2),
  };
  st.observe(std::span<const fp::order_flow_event>(t));
  // 0.25: 0.75 at 0, 0.25 at 1; 0.5: 0.5 at 0 and 1; 2.25: 0.75 at 2, 0.25 at 3.
  CHECK(std::vector<double>(st.size_histogram().begin(), st.size_histogram().end()) ==
        std::vector<double>{1.25, 0.75, 0.75, 0.25, 0.0, 0.0});
  const std::vector<double> market = st.market_size_histogram();  // 0.2: 0.8 at 0, 0.2 at 1; 0.6: 0.4, 0.6
  REQUIRE(market.size() == 6);
  CHECK(market[0] == doctest::Approx(1.2));
  CHECK(market[1] == doctest::Approx(0.8));
  CHECK(market[2] + market[3] + market[4] + market[5] == 0.0);
  const fp::zero_intelligence_fit f = fp::fit_zero_intelligence(st);
  // 1.75 of the 3 orders reach a lot: lambda(2) = (1.75 / 3) x 3 / 20 s, of sizes 1, 2, 3 lots
  // with P 0.75, 0.75, 0.25 over 1.75; so lambda x mean size x 2T = 3 lots, the tape's volume.
  CHECK(f.limit_lot_share == doctest::Approx(1.75 / 3.0));
  CHECK(f.lambda[1].value == doctest::Approx(1.75 / 20.0));
  CHECK(f.lambda[1].std_error == doctest::Approx(1.75 / 3.0 * std::sqrt(3.0) / 20.0));
  CHECK(f.mean_size_lots == doctest::Approx(3.0 / 1.75));
  CHECK(f.lambda[1].value * f.mean_size_lots * 20.0 == doctest::Approx(0.25 + 0.5 + 2.25));
  // Market orders: 0.8 reach a lot, all of 1 lot; mu = 0.8 lots / 1 / 20 s, volume 0.8 lots.
  CHECK(f.params.market_size_probabilities == std::vector<double>{1.0});
  CHECK(f.market_mean_size_lots == 1.0);
  CHECK(f.mu.value == doctest::Approx(0.8 / 20.0));
  // The fitted model runs with both laws.
  fp::zero_intelligence_params p = f.params;
  CHECK_NOTHROW(fp::zero_intelligence_model{p});
}

TEST_CASE("order_flow_statistics consecutive fills and clamped queues") {
  fp::order_flow_statistics st({.tick_size = 1.0, .levels = 3, .lot_quantity = 1.0});
  const std::vector<fp::order_flow_event> t{
      ev(0, order_flow_kind::set_quantity, side::buy, 10, 2.0),
      ev(0, order_flow_kind::set_quantity, side::sell, 11, 2.0),
      ev(1, order_flow_kind::market, side::buy, 10, 1.0),
      ev(1, order_flow_kind::market, side::sell, 11, 1.0),  // other side: a second order
      ev(1, order_flow_kind::market, side::buy, 10, 5.0),   // after another order: a third; clamped (1 left)
      ev(2, order_flow_kind::limit, side::buy, 12, 1.0),    // crosses the ask: distance -1
      ev(3, order_flow_kind::cancel, side::buy, 12, 1.0),   // while crossed: without quotes
  };
  st.observe(std::span<const fp::order_flow_event>(t));
  CHECK(st.market_orders() == 3);
  CHECK(st.market_events() == 3);
  // The three orders' sizes as the events give them (the clamped one's 5 lots, 1 filled).
  CHECK(st.market_size_histogram()[1] == 2.0);
  CHECK(st.market_size_histogram()[5] == 1.0);
  CHECK(st.exceptions().clamped == 1);
  // After the clamped fill the bid side is empty: the limit at 12 has no quote to measure
  // from, and then the book is crossed (bid 12 > ask 11): the cancel has none either.
  CHECK(st.exceptions().without_quotes == 2);
  CHECK(st.two_sided_seconds() == doctest::Approx(1.0));
  CHECK(st.one_sided_seconds() == doctest::Approx(1.0));
  CHECK(st.crossed_seconds() == doctest::Approx(1.0));
}

TEST_CASE("order_flow_statistics limit orders crossing or beyond L are counted apart") {
  fp::order_flow_statistics st({.tick_size = 1.0, .levels = 2, .lot_quantity = 1.0});
  const std::vector<fp::order_flow_event> t{
      ev(0, order_flow_kind::set_quantity, side::buy, 10, 2.0),
      ev(0, order_flow_kind::set_quantity, side::sell, 12, 2.0),
      ev(1, order_flow_kind::limit, side::sell, 20, 1.0),  // distance 10 > L
      ev(1, order_flow_kind::cancel, side::sell, 20, 1.0),
      ev(2, order_flow_kind::limit, side::buy, 12, 1.0),  // at the ask: distance 0
      ev(3, order_flow_kind::set_quantity, side::buy, 10, 2.0),
  };
  st.observe(std::span<const fp::order_flow_event>(t));
  CHECK(st.exceptions().limit_inside == 1);
  CHECK(st.exceptions().limit_beyond == 1);
  CHECK(st.exceptions().cancel_beyond == 1);
  // The bid at 12 locked the book: [2, 3) is crossed time.
  CHECK(st.crossed_seconds() == doctest::Approx(1.0));
  CHECK(st.two_sided_seconds() == doctest::Approx(2.0));
}

TEST_CASE("order_flow_statistics rejects bad options and bad tapes") {
  CHECK_THROWS_AS(fp::order_flow_statistics({.tick_size = 0.0}), fp::invalid_argument);
  CHECK_THROWS_AS(fp::order_flow_statistics({.levels = 0}), fp::invalid_argument);
  CHECK_THROWS_AS(fp::order_flow_statistics({.queue_levels = 0}), fp::invalid_argument);
  CHECK_THROWS_AS(fp::order_flow_statistics({.max_queue_lots = 0}), fp::invalid_argument);
  CHECK_THROWS_AS(fp::order_flow_statistics({.lot_quantity = -1.0}), fp::invalid_argument);
  CHECK_THROWS_AS(fp::order_flow_statistics({.max_size_lots = 0}), fp::invalid_argument);
  {
    fp::order_flow_statistics st({.tick_size = 1.0, .lot_quantity = 1.0});
    const std::vector<fp::order_flow_event> t{ev(2, order_flow_kind::limit, side::buy, 10, 1.0),
                                              ev(3, order_flow_kind::limit, side::buy, 10, 1.0),
                                              ev(1, order_flow_kind::limit, side::buy, 10, 1.0)};
    try {
      st.observe(std::span<const fp::order_flow_event>(t));
      FAIL("no error");
    } catch (const fp::data_error& e) {
      CHECK(e.line() == 3);
      CHECK(std::string(e.what()).find("event 2 (0-based)") != std::string::npos);
    }
    CHECK(st.events() == 2);
  }
  {
    fp::order_flow_statistics st({.tick_size = 1.0, .lot_quantity = 1.0});
    CHECK_THROWS_AS(st.observe(ev(0, order_flow_kind::limit, side::buy, 10, -1.0)), fp::data_error);
    CHECK_THROWS_AS(st.observe(ev(0, order_flow_kind::cancel, side::buy, 10, 0.0)), fp::data_error);
    CHECK_THROWS_AS(st.observe(ev(0, order_flow_kind::market, side::buy, 10, std::nan(""))), fp::data_error);
  }
  {
    // Lot to estimate but no limit order.
    fp::order_flow_statistics st({.tick_size = 1.0});
    const std::vector<fp::order_flow_event> t{ev(0, order_flow_kind::set_quantity, side::buy, 10, 1.0)};
    CHECK_THROWS_AS(st.observe(std::span<const fp::order_flow_event>(t)), fp::invalid_argument);
  }
  {
    // One side only: no two-sided time to fit from.
    fp::order_flow_statistics st({.tick_size = 1.0, .lot_quantity = 1.0});
    const std::vector<fp::order_flow_event> t{ev(0, order_flow_kind::limit, side::buy, 10, 1.0),
                                              ev(5, order_flow_kind::limit, side::buy, 9, 1.0)};
    st.observe(std::span<const fp::order_flow_event>(t));
    CHECK(st.one_sided_seconds() == doctest::Approx(5.0));
    CHECK_THROWS_WITH_AS(static_cast<void>(fp::fit_zero_intelligence(st)), doctest::Contains("no time with both sides"),
                         fp::invalid_argument);
    CHECK_THROWS_AS(static_cast<void>(fp::fit_queue_reactive(st)), fp::invalid_argument);
  }
}

}  // namespace unity_order_flow_statistics
