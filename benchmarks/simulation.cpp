// Events per second of the order-book simulators (include/footprint/simulation/), the issue's
// targets being at least 20 M events/s per core for the zero-intelligence model and 10 M/s
// for the queue-reactive one, each simulator built once and then asked for `next` event after
// event (items_per_second is events per second):
//
// - BM_zero_intelligence_cst2010: zero_intelligence_model with Cont, Stoikov and Talreja's
//   (2010) Tokyo estimates (L = 10, unit sizes);
// - BM_zero_intelligence_cst2010_sizes: the same with orders of 1 to 4 lots;
// - BM_queue_reactive_k3_q10: queue_reactive_model with K = 3 queues per side, sizes 0..10
//   tabulated (limits slowing down and cancellations speeding up as a queue grows, market
//   orders mostly at the first queue: the shape Huang, Lehalle and Rosenbaum 2015 estimate on
//   France Telecom, their figure 3), theta 0.5, theta_reinit 0.1;
// - BM_queue_reactive_k3_q10_feedback: the same with the order-flow feedback (kappa 0.02,
//   the default kernel: tau_0 1 s, beta 0.5);
// - BM_zero_intelligence_reference: the peer, the same zero-intelligence model written the
//   way it is first written: a std::map of tick -> lots per side, std::mt19937_64 with
//   std::exponential_distribution and std::uniform_real_distribution, and every event's rate
//   rebuilt each event into a vector that a linear scan searches. It simulates the same model
//   (checked by hand when it was written, over 200,000 and 400,000 simulated seconds: the
//   best-queue law of the L = 1 chain of the tests within 0.002 of the closed form, and the
//   CST 2010 time-averaged spread and best-bid queue within 0.2% of footprint's).
//
// Build and run (by hand; benchmarks are off by default in CMake):
//   nice g++ -std=c++20 -O3 -DNDEBUG -I include -isystem /usr/include/eigen3 benchmarks/simulation.cpp -o /tmp/bsim -lbenchmark -lpthread
//   /tmp/bsim --benchmark_repetitions=5 --benchmark_enable_random_interleaving=true --benchmark_report_aggregates_only=true
#include "footprint/simulation/order_flow_event.hpp"
#include "footprint/simulation/queue_reactive_model.hpp"
#include "footprint/simulation/queue_reactive_params.hpp"
#include "footprint/simulation/zero_intelligence_model.hpp"
#include "footprint/simulation/zero_intelligence_params.hpp"
#include "footprint/types.hpp"

#include <benchmark/benchmark.h>

#include <chrono>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <random>
#include <vector>

namespace fp = footprint;

namespace {

// ---- the zero-intelligence model written plainly (the reference)

class zero_intelligence_reference {
 public:
  explicit zero_intelligence_reference(const fp::zero_intelligence_params& p)
      : lambda_(p.lambda), theta_(p.theta), mu_(p.mu), rng_(p.seed), L_(p.lambda.size()) {
    const auto mid = static_cast<std::int64_t>(std::floor(p.initial_price / p.tick_size));
    last_bid_ = mid;
    last_ask_ = mid + 1;
    for (std::size_t i = 1; i <= L_; ++i) {
      if (!(theta_[i - 1] > 0.0)) continue;
      const auto lots = static_cast<std::int64_t>(std::llround(lambda_[i - 1] / theta_[i - 1]));
      if (lots == 0) continue;
      bids_[mid + 1 - static_cast<std::int64_t>(i)] = lots;
      asks_[mid + static_cast<std::int64_t>(i)] = lots;
    }
  }

  std::int64_t best_bid() const { return bids_.empty() ? last_bid_ : bids_.begin()->first; }
  std::int64_t best_ask() const { return asks_.empty() ? last_ask_ : asks_.begin()->first; }
  double seconds() const { return now_; }
  std::int64_t bid_quantity(std::int64_t tick) const {
    const auto it = bids_.find(tick);
    return it == bids_.end() ? 0 : it->second;
  }

  /// One event (unit sizes): every rate, a time step, a linear scan for the event.
  void next(fp::order_flow_event& ev) {
    const std::int64_t b = best_bid();
    const std::int64_t a = best_ask();
    rates_.clear();
    for (std::size_t i = 0; i < L_; ++i) rates_.push_back(lambda_[i]);  // a bid at a - i - 1
    for (std::size_t i = 0; i < L_; ++i) rates_.push_back(lambda_[i]);  // an ask at b + i + 1
    rates_.push_back(bids_.empty() ? 0.0 : mu_);                        // a sell market order
    rates_.push_back(asks_.empty() ? 0.0 : mu_);                        // a buy market order
    for (std::size_t i = 0; i < L_; ++i) {
      const auto it = bids_.find(a - static_cast<std::int64_t>(i) - 1);
      rates_.push_back(it == bids_.end() ? 0.0 : theta_[i] * static_cast<double>(it->second));
    }
    for (std::size_t i = 0; i < L_; ++i) {
      const auto it = asks_.find(b + static_cast<std::int64_t>(i) + 1);
      rates_.push_back(it == asks_.end() ? 0.0 : theta_[i] * static_cast<double>(it->second));
    }
    double total = 0.0;
    for (double r : rates_) total += r;
    now_ += std::exponential_distribution<double>(total)(rng_);
    double x = std::uniform_real_distribution<double>(0.0, total)(rng_);
    std::size_t j = 0;
    while (j + 1 < rates_.size() && (x >= rates_[j] || rates_[j] == 0.0)) x -= rates_[j++];
    while (rates_[j] == 0.0) --j;  // rounding at the end of the scan
    ev.time = std::chrono::nanoseconds{std::llround(now_ * 1e9)};
    ev.quantity = 1.0;
    const auto d = static_cast<std::int64_t>(j % L_) + 1;
    if (j < L_) {
      ++bids_[a - d];
      set(ev, fp::order_flow_kind::limit, fp::side::buy, a - d);
    } else if (j < 2 * L_) {
      ++asks_[b + d];
      set(ev, fp::order_flow_kind::limit, fp::side::sell, b + d);
    } else if (j == 2 * L_) {
      take(bids_, b);
      set(ev, fp::order_flow_kind::market, fp::side::buy, b);
    } else if (j == 2 * L_ + 1) {
      take(asks_, a);
      set(ev, fp::order_flow_kind::market, fp::side::sell, a);
    } else if (j < 3 * L_ + 2) {
      const auto i = static_cast<std::int64_t>(j - 2 * L_ - 2) + 1;
      take(bids_, a - i);
      set(ev, fp::order_flow_kind::cancel, fp::side::buy, a - i);
    } else {
      const auto i = static_cast<std::int64_t>(j - 3 * L_ - 2) + 1;
      take(asks_, b + i);
      set(ev, fp::order_flow_kind::cancel, fp::side::sell, b + i);
    }
    // the finite grid: orders further than L ticks from the opposite best leave
    last_bid_ = best_bid();
    last_ask_ = best_ask();
    const auto L = static_cast<std::int64_t>(L_);
    bids_.erase(bids_.lower_bound(last_ask_ - L - 1), bids_.end());
    asks_.erase(asks_.upper_bound(last_bid_ + L), asks_.end());
  }

 private:
  template <class Map>
  static void take(Map& side, std::int64_t tick) {
    const auto it = side.find(tick);
    if (--it->second == 0) side.erase(it);
  }
  static void set(fp::order_flow_event& ev, fp::order_flow_kind kind, fp::side s, std::int64_t tick) {
    ev.kind = kind;
    ev.side = s;
    ev.price_tick = tick;
  }

  std::vector<double> lambda_;
  std::vector<double> theta_;
  double mu_;
  std::mt19937_64 rng_;
  std::size_t L_;
  std::map<std::int64_t, std::int64_t, std::greater<>> bids_;  // best (highest) first
  std::map<std::int64_t, std::int64_t> asks_;                  // best (lowest) first
  std::int64_t last_bid_ = 0;
  std::int64_t last_ask_ = 0;
  double now_ = 0.0;
  std::vector<double> rates_;
};

// ---- the parameters

fp::zero_intelligence_params cst2010(bool sizes) {
  fp::zero_intelligence_params p = fp::zero_intelligence_params::cont_stoikov_talreja_2010();
  p.seed = 2026;
  if (sizes) p.size_probabilities = {0.55, 0.25, 0.12, 0.08};
  return p;
}

/// K = 3 queues per side, sizes 0..10 tabulated: limit intensities falling with the queue's
/// size, cancellations rising (about q^0.8), market orders mostly at the first queue.
fp::queue_reactive_params k3_q10() {
  constexpr fp::index K = 3;
  constexpr fp::index Q = 10;
  const double limit0[K] = {2.2, 1.8, 1.5};
  const double cancel1[K] = {0.35, 0.30, 0.25};
  const double market1[K] = {1.2, 0.6, 0.3};
  fp::queue_reactive_params p;
  p.limit_rate = fp::matrix(K, Q + 1);
  p.cancel_rate = fp::matrix(K, Q + 1);
  p.market_rate = fp::matrix(K, Q + 1);
  for (fp::index i = 0; i < K; ++i)
    for (fp::index q = 0; q <= Q; ++q) {
      const auto x = static_cast<double>(q);
      p.limit_rate(i, q) = limit0[i] / (1.0 + 0.15 * x);
      p.cancel_rate(i, q) = q == 0 ? 0.0 : cancel1[i] * std::pow(x, 0.8);
      p.market_rate(i, q) = q == 0 ? 0.0 : market1[i] / (1.0 + 0.1 * x);
    }
  p.theta = 0.5;
  p.theta_reinit = 0.1;
  p.seed = 2026;
  return p;
}

// ---- the benchmarks

template <class Simulator>
void run(benchmark::State& state, Simulator& sim) {
  fp::order_flow_event ev;
  std::int64_t ticks = 0;
  for (auto _ : state) {
    sim.next(ev);
    ticks += ev.price_tick;
    benchmark::DoNotOptimize(ticks);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}

void BM_zero_intelligence_cst2010(benchmark::State& state) {
  fp::zero_intelligence_model m(cst2010(false));
  run(state, m);
}
void BM_zero_intelligence_cst2010_sizes(benchmark::State& state) {
  fp::zero_intelligence_model m(cst2010(true));
  run(state, m);
}
void BM_zero_intelligence_reference(benchmark::State& state) {
  zero_intelligence_reference m(cst2010(false));
  run(state, m);
}
void BM_queue_reactive_k3_q10(benchmark::State& state) {
  fp::queue_reactive_model m(k3_q10());
  run(state, m);
}
void BM_queue_reactive_k3_q10_feedback(benchmark::State& state) {
  fp::queue_reactive_params p = k3_q10();
  p.feedback = 0.02;
  fp::queue_reactive_model m(p);
  run(state, m);
}

}  // namespace

BENCHMARK(BM_zero_intelligence_cst2010);
BENCHMARK(BM_zero_intelligence_cst2010_sizes);
BENCHMARK(BM_zero_intelligence_reference);
BENCHMARK(BM_queue_reactive_k3_q10);
BENCHMARK(BM_queue_reactive_k3_q10_feedback);

BENCHMARK_MAIN();
