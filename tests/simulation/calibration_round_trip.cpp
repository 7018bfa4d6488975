// The calibration round trip: simulate each model with known parameters, fit the model to
// the simulated tape with order_flow_statistics, and recover the parameters within their
// standard errors; and the stylised facts of a tape (summarize_tape) and their comparison
// (compare_realism) on tapes whose answers are known.
#include "footprint/monitoring/simulation_realism.hpp"
#include "footprint/simulation/order_flow_fit.hpp"
#include "footprint/simulation/queue_reactive_model.hpp"
#include "footprint/simulation/tape_summary.hpp"
#include "footprint/simulation/zero_intelligence_model.hpp"

#include "footprint/error.hpp"

#include <doctest/doctest.h>

#include <chrono>
#include <cmath>
#include <span>
#include <vector>

// Each test file is its own namespace: the module's files compile as one unity translation unit.
namespace unity_calibration_round_trip {

namespace fp = footprint;

template <class Simulator>
std::vector<fp::order_flow_event> tape_of(Simulator& sim, double seconds) {
  std::vector<fp::order_flow_event> out;
  sim.record(seconds, out);
  return out;
}

// The statistics of 20,000 s of the zero-intelligence model with `truth` (L = 10, lot 1).
fp::order_flow_statistics zero_intelligence_statistics(const fp::zero_intelligence_params& truth) {
  fp::zero_intelligence_model sim(truth);
  const std::vector<fp::order_flow_event> tape = tape_of(sim, 20'000.0);
  fp::order_flow_statistics st(
      {.tick_size = truth.tick_size, .levels = 10, .queue_levels = 3, .max_queue_lots = 20, .lot_quantity = 1.0});
  st.observe(std::span<const fp::order_flow_event>(tape));
  return st;
}

TEST_CASE("calibration round trip: the zero-intelligence model's rates are recovered within their standard errors") {
  const fp::zero_intelligence_params truth = fp::zero_intelligence_params::cont_stoikov_talreja_2010();
  const fp::zero_intelligence_fit fit = fp::fit_zero_intelligence(zero_intelligence_statistics(truth));
  // the whole simulated span is two-sided but for the rare empty side
  CHECK(fit.two_sided_seconds > 0.99 * 20'000.0);
  int outside = 0;
  for (std::size_t i = 0; i < 10; ++i) {
    CAPTURE(i);
    // four standard errors each; at most one of the 20 rates beyond three
    CHECK(std::abs(fit.lambda[i].value - truth.lambda[i]) < 4.0 * fit.lambda[i].std_error);
    CHECK(std::abs(fit.theta[i].value - truth.theta[i]) < 4.0 * fit.theta[i].std_error);
    outside += std::abs(fit.lambda[i].value - truth.lambda[i]) > 3.0 * fit.lambda[i].std_error ? 1 : 0;
    outside += std::abs(fit.theta[i].value - truth.theta[i]) > 3.0 * fit.theta[i].std_error ? 1 : 0;
  }
  CHECK(outside <= 1);
  CHECK(std::abs(fit.mu.value - truth.mu) < 4.0 * fit.mu.std_error);
  // the standard errors are those of Poisson counts over 20,000 s: about 0.007 for lambda(1)
  CHECK(fit.lambda[0].std_error == doctest::Approx(std::sqrt(1.85 * 2.0 * 20'000.0) / (2.0 * 20'000.0)).epsilon(0.05));
}

TEST_CASE("calibration round trip: the zero-intelligence model's two size laws are recovered") {
  // Limit orders of 1, 2, 3 lots with P 0.5, 0.3, 0.2; market orders of 1, 2 lots with P 0.6,
  // 0.4. Whole lots round to themselves: every order counts, and each law's entries are
  // multinomial shares, within 4 of the fit's standard errors, sqrt(p (1 - p) / n).
  fp::zero_intelligence_params truth = fp::zero_intelligence_params::cont_stoikov_talreja_2010();
  truth.size_probabilities = {0.5, 0.3, 0.2};
  truth.market_size_probabilities = {0.6, 0.4};
  truth.seed = 7;
  const fp::order_flow_statistics st = zero_intelligence_statistics(truth);
  const fp::zero_intelligence_fit fit = fp::fit_zero_intelligence(st);
  CHECK(fit.limit_lot_share == 1.0);
  auto within = [](const std::vector<double>& got, const std::vector<double>& se, const std::vector<double>& want,
                   double n) {
    REQUIRE(got.size() == want.size());
    REQUIRE(se.size() == want.size());
    for (std::size_t k = 0; k < want.size(); ++k) {
      CAPTURE(k);
      CHECK(std::abs(got[k] - want[k]) < 4.0 * se[k]);
      CHECK(se[k] == doctest::Approx(std::sqrt(want[k] * (1.0 - want[k]) / n)).epsilon(0.05));
    }
  };
  within(fit.params.size_probabilities, fit.size_probabilities_std_error, truth.size_probabilities,
         static_cast<double>(st.limit_orders()));
  within(fit.params.market_size_probabilities, fit.market_size_probabilities_std_error, truth.market_size_probabilities,
         static_cast<double>(st.market_orders()));
  CHECK(std::abs(fit.mu.value - truth.mu) < 4.0 * fit.mu.std_error);
  CHECK(std::abs(fit.lambda[0].value - truth.lambda[0]) < 4.0 * fit.lambda[0].std_error);
  // with one law for both (the default), market orders would have been 1.7 lots on average
  CHECK(fit.market_mean_size_lots == doctest::Approx(1.4).epsilon(0.02));
}

// The queue-reactive tables of a simulated tape, fitted with K = 2, Q = 4.
fp::queue_reactive_fit fit_queue_reactive_tape(double theta, fp::queue_reactive_params& truth) {
  truth.limit_rate = fp::matrix{{2.0, 1.5, 1.2, 1.0, 0.8}, {1.5, 1.2, 1.0, 0.9, 0.8}};
  truth.cancel_rate = fp::matrix{{0.0, 0.4, 0.6, 0.8, 1.0}, {0.0, 0.3, 0.5, 0.7, 0.9}};
  truth.market_rate = fp::matrix{{0.0, 0.5, 0.5, 0.5, 0.5}, {0.0, 0.2, 0.2, 0.2, 0.2}};
  truth.theta = theta;
  truth.seed = 4;
  fp::queue_reactive_model sim(truth);
  const std::vector<fp::order_flow_event> tape = tape_of(sim, 20'000.0);
  fp::order_flow_statistics st(
      {.tick_size = truth.tick_size, .levels = 5, .queue_levels = 2, .max_queue_lots = 4, .lot_quantity = 1.0});
  st.observe(std::span<const fp::order_flow_event>(tape));
  return fp::fit_queue_reactive(st);
}

// Checks every well-observed cell (200 s or more) within 4 standard errors; market orders at
// the first queue only (deeper queues meet them only while the queues before are empty).
int check_tables(const fp::queue_reactive_fit& fit, const fp::queue_reactive_params& truth, bool first_empty_queue) {
  int checked = 0;
  for (fp::index i = 0; i < 2; ++i)
    for (fp::index q = 0; q <= 4; ++q) {
      CAPTURE(i);
      CAPTURE(q);
      if (fit.seconds(i, q) < 200.0) continue;
      if (i == 0 && q == 0 && !first_empty_queue) continue;
      ++checked;
      CHECK(std::abs(fit.params.limit_rate(i, q) - truth.limit_rate(i, q)) < 4.0 * fit.limit_rate_std_error(i, q));
      if (q > 0)
        CHECK(std::abs(fit.params.cancel_rate(i, q) - truth.cancel_rate(i, q)) < 4.0 * fit.cancel_rate_std_error(i, q));
      if (i == 0 && q > 0)
        CHECK(std::abs(fit.params.market_rate(i, q) - truth.market_rate(i, q)) < 4.0 * fit.market_rate_std_error(i, q));
    }
  return checked;
}

TEST_CASE(
    "calibration round trip: the queue-reactive intensities and theta are recovered within their standard errors") {
  fp::queue_reactive_params truth;
  // without price moves every cell is identified, the empty first queue included
  const fp::queue_reactive_fit fixed = fit_queue_reactive_tape(0.0, truth);
  REQUIRE(fixed.params.levels() == 2);
  REQUIRE(fixed.params.max_tabulated() == 4);
  CHECK(check_tables(fixed, truth, true) == 10);
  CHECK(fixed.moves == 0);
  // with moves (theta 0.6) the reference price is read from the mid (HLR's rule): an empty
  // first queue just after a move looks like the old reference's, so its limit rate is not
  // identified (docs/simulation.md); every other cell and theta are
  const fp::queue_reactive_fit moving = fit_queue_reactive_tape(0.6, truth);
  CHECK(check_tables(moving, truth, false) >= 8);
  CHECK(std::abs(moving.theta.value - 0.6) < 4.0 * moving.theta.std_error);
}

TEST_CASE("calibration round trip: match_occupancy recovers the limit rates of a tape without price moves") {
  // Without price moves the queues are the birth-death chains of HLR's Model I, whose invariant
  // law is the occupancy: detailed balance then gives the true limit rates back (the cells
  // from 0 to Q - 1 = 3 observed 200 s or more, within 4 of the new errors).
  fp::queue_reactive_params truth;
  const fp::queue_reactive_fit fit = fp::match_occupancy(fit_queue_reactive_tape(0.0, truth), 200.0);
  int checked = 0;
  for (fp::index i = 0; i < 2; ++i)
    for (fp::index q = 0; q < 3; ++q) {
      CAPTURE(i);
      CAPTURE(q);
      if (fit.seconds(i, q) < 200.0 || fit.seconds(i, q + 1) < 200.0) continue;
      ++checked;
      CHECK(std::abs(fit.params.limit_rate(i, q) - truth.limit_rate(i, q)) < 4.0 * fit.limit_rate_std_error(i, q));
    }
  CHECK(checked == 6);
}

TEST_CASE("summarize_tape and compare_realism: a tape against itself and against a hand-made book") {
  // a hand-made tape: a one-tick book of 2 lots a side, then the ask refilled each second
  std::vector<fp::order_flow_event> tape;
  using ns = std::chrono::nanoseconds;
  tape.push_back({ns{0}, fp::order_flow_kind::limit, fp::side::buy, 9'999, 2.0});
  tape.push_back({ns{0}, fp::order_flow_kind::limit, fp::side::sell, 10'000, 2.0});
  for (int s = 1; s <= 120; ++s) {
    tape.push_back({ns{s * 1'000'000'000LL - 500'000'000LL}, fp::order_flow_kind::market, fp::side::sell, 10'000, 1.0});
    tape.push_back({ns{s * 1'000'000'000LL}, fp::order_flow_kind::limit, fp::side::sell, 10'000, 1.0});
  }
  const fp::tape_summary_options so{.tick_size = 0.01, .lot_quantity = 1.0};
  const fp::tape_summary t = fp::summarize_tape(tape, so);
  CHECK(t.events == 242);
  CHECK(t.seconds == doctest::Approx(120.0));
  REQUIRE(!t.spread_ticks.empty());
  for (double sp : t.spread_ticks) CHECK(sp == 1.0);
  // grid times fall half a second after each market order (1 lot left) or before (2 lots)
  for (double q : t.best_queue_lots) CHECK((q == 1.0 || q == 2.0));
  // the mid never moves: every return 0, a flat zero signature plot
  for (const auto& r : t.mid_returns_bps)
    for (double x : r) CHECK(x == 0.0);
  for (double v : t.signature_bps2_per_second) CHECK(v == 0.0);
  // 120 market orders of 1 lot; limit orders of 2, 2, then 120 of 1; the depth within 3 ticks
  // of the best is the best queue (nothing rests behind it)
  CHECK(t.market_order_lots == std::vector<double>(120, 1.0));
  REQUIRE(t.limit_order_lots.size() == 122);
  CHECK(t.limit_order_lots[0] == 2.0);
  CHECK(t.limit_order_lots[1] == 2.0);
  CHECK(t.limit_order_lots[121] == 1.0);
  CHECK(t.depth_lots == t.best_queue_lots);
  const fp::realism_report same = fp::compare_realism(t, t, so);
  for (const fp::realism_row& r : same.rows) CHECK((r.wasserstein == 0.0 || r.real_n == 0));
  CHECK(same.rows[0].statistic == "spread_ticks");
  REQUIRE(same.rows.size() == 9);
  CHECK(same.rows[6].statistic == "market_order_lots");
  CHECK(same.rows[7].statistic == "limit_order_lots");
  CHECK(same.rows[8].statistic == "depth_lots");
  // time going back is a data error naming the event
  tape.push_back({ns{1}, fp::order_flow_kind::limit, fp::side::buy, 9'999, 1.0});
  CHECK_THROWS_AS((void)fp::summarize_tape(tape, so), fp::data_error);
  CHECK_THROWS_AS((void)fp::summarize_tape(tape, fp::tape_summary_options{.grid_seconds = 0.0}), fp::invalid_argument);
  CHECK_THROWS_AS((void)fp::summarize_tape(tape, fp::tape_summary_options{.return_horizons_seconds = {1.5}}),
                  fp::invalid_argument);
  CHECK_THROWS_AS((void)fp::summarize_tape(tape, fp::tape_summary_options{.depth_ticks = 0}), fp::invalid_argument);
}

TEST_CASE("summarize_tape: a market order that walks levels is one order and depth sums the first ticks") {
  // bids of 1, 2 and 4 lots at 99.99, 99.98 and 99.96 (a gap at 99.97), asks of 3 and 5 lots;
  // a sell of 2.5 lots walks two bid levels in two events at one time, then a lone buy of 1
  using ns = std::chrono::nanoseconds;
  const std::int64_t s = 1'000'000'000LL;
  std::vector<fp::order_flow_event> tape{{ns{0}, fp::order_flow_kind::limit, fp::side::buy, 9'999, 1.0},
                                         {ns{0}, fp::order_flow_kind::limit, fp::side::buy, 9'998, 2.0},
                                         {ns{0}, fp::order_flow_kind::limit, fp::side::buy, 9'996, 4.0},
                                         {ns{0}, fp::order_flow_kind::limit, fp::side::sell, 10'000, 3.0},
                                         {ns{0}, fp::order_flow_kind::limit, fp::side::sell, 10'001, 5.0},
                                         {ns{s + s / 2}, fp::order_flow_kind::market, fp::side::buy, 9'999, 1.0},
                                         {ns{s + s / 2}, fp::order_flow_kind::set_quantity, fp::side::buy, 9'999, 0.0},
                                         {ns{s + s / 2}, fp::order_flow_kind::market, fp::side::buy, 9'998, 1.5},
                                         {ns{2 * s + s / 2}, fp::order_flow_kind::market, fp::side::sell, 10'000, 1.0},
                                         {ns{3 * s + s / 2}, fp::order_flow_kind::limit, fp::side::sell, 10'005, 1.0}};
  const fp::tape_summary_options so{.tick_size = 0.01, .lot_quantity = 0.5};
  const fp::tape_summary t = fp::summarize_tape(tape, so);
  CHECK(t.market_order_lots == std::vector<double>{5.0, 2.0});  // 2.5 and 1 in half-unit lots
  CHECK(t.limit_order_lots == std::vector<double>{2.0, 4.0, 8.0, 6.0, 10.0, 2.0});
  // grid times 1 s, 2 s, 3 s: bid depth over 99.99-99.97 is (1 + 2) / 0.5, then, the best
  // being 99.98 with 0.5 left, (0.5 + 4) / 0.5; ask depth 16 lots, then 14 after the buy
  CHECK(t.depth_lots == std::vector<double>{6.0, 16.0, 9.0, 16.0, 9.0, 14.0});
}

TEST_CASE("summarize_tape: the zero-intelligence model's mid is a driftless random walk with a flat signature plot") {
  // A symmetric model's mid has no drift: the mean 60 s return is within 4 standard errors of
  // 0, and the signature plot is flat beyond a few seconds (variance per second within 30%).
  fp::zero_intelligence_model zi(fp::zero_intelligence_params::cont_stoikov_talreja_2010());
  const std::vector<fp::order_flow_event> tape = tape_of(zi, 20'000.0);
  const fp::tape_summary_options so{.tick_size = 0.01, .lot_quantity = 1.0};
  const fp::tape_summary t = fp::summarize_tape(tape, so);
  const std::vector<double>& r60 = t.mid_returns_bps[2];
  double m = 0.0;
  for (double x : r60) m += x;
  m /= static_cast<double>(r60.size());
  double v = 0.0;
  for (double x : r60) v += (x - m) * (x - m);
  v /= static_cast<double>(r60.size() - 1);
  CHECK(std::abs(m) < 4.0 * std::sqrt(v / static_cast<double>(r60.size())));
  const double at10 = t.signature_bps2_per_second[3];
  const double at60 = t.signature_bps2_per_second[6];
  CHECK(at60 / at10 == doctest::Approx(1.0).epsilon(0.3));
}

}  // namespace unity_calibration_round_trip
