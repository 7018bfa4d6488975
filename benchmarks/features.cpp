// Cost per book update of the level-1 feature set (mid, spread, weighted mid, queue
// imbalance, OFI over an event and a clock window) on a price_level_book driven by a
// synthetic but realistic message sequence: mostly size changes near the top, some
// cancellations that move the best price, some new best levels, some executions.
//
// Run: ./features --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
// The feature cost per update is BM_level1_features minus BM_book_update_only.
#include "footprint/book/price_level_book.hpp"
#include "footprint/features/feature_set.hpp"
#include "footprint/features/order_flow_imbalance.hpp"
#include "footprint/features/queue_imbalance.hpp"
#include "footprint/features/top_of_book.hpp"

#include <benchmark/benchmark.h>

#include <array>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

namespace fp = footprint;
using fp::side;

namespace {

struct event {
  side s;
  double price;
  double quantity;
  std::chrono::nanoseconds time;
};

struct scenario {
  fp::price_level_book initial;
  std::vector<event> events;
};

// Simulates 2^20 messages (about 3.5 minutes at a busy 5,000 messages per second) on a
// 10-level book with a 0.01 tick around 100.
const scenario& make_scenario() {
  static const scenario sc = [] {
    scenario s;
    std::mt19937_64 rng(2024);
    std::uniform_real_distribution<double> u(0.0, 1.0);
    std::geometric_distribution<int> level(0.5);
    std::uniform_int_distribution<int> lots(1, 20);
    std::exponential_distribution<double> gap_us(1.0 / 200.0);  // 5,000 messages per second on average
    fp::price_level_book book;
    for (int i = 0; i < 10; ++i) {
      book.set_level(side::buy, std::round((99.99 - 0.01 * i) * 100) / 100, 100.0 * lots(rng));
      book.set_level(side::sell, std::round((100.01 + 0.01 * i) * 100) / 100, 100.0 * lots(rng));
    }
    s.initial = book;
    double t_ns = 34'200e9;
    const std::size_t n = std::size_t{1} << 20;
    s.events.reserve(n);
    while (s.events.size() < n) {
      const side sd = u(rng) < 0.5 ? side::buy : side::sell;
      const double sgn = sd == side::buy ? -1.0 : 1.0;  // away from the mid
      const fp::index levels = sd == side::buy ? book.bid_levels() : book.ask_levels();
      const double best = sd == side::buy ? book.best_bid() : book.best_ask();
      const double other = sd == side::buy ? book.best_ask() : book.best_bid();
      if (levels < 3 || std::isnan(best) || std::isnan(other)) {  // refill a thin side
        const double p =
            std::isnan(best) ? (std::isnan(other) ? 100.0 : other + sgn * 0.01) : best + sgn * 0.01 * double(levels);
        s.events.push_back({sd, std::round(p * 100) / 100, 100.0 * lots(rng), {}});
      } else {
        const double r = u(rng);
        const fp::index l = std::min<fp::index>(level(rng), levels - 1);
        const double p = sd == side::buy ? book.bid_price(l) : book.ask_price(l);
        const double q = sd == side::buy ? book.bid_quantity(l) : book.ask_quantity(l);
        if (r < 0.60) {  // size change (new order or partial cancel) near the top
          s.events.push_back({sd, p, std::max(100.0, q + 100.0 * (lots(rng) - 10)), {}});
        } else if (r < 0.75) {  // the level is cancelled
          s.events.push_back({sd, p, 0.0, {}});
        } else if (r < 0.90) {  // a new best level inside the spread, or a new deep level
          const double inside = std::round((best - sgn * 0.01) * 100) / 100;
          const bool room = sd == side::buy ? inside < other : inside > other;
          const double np = room ? inside : std::round((best + sgn * 0.01 * double(levels)) * 100) / 100;
          s.events.push_back({sd, np, 100.0 * lots(rng), {}});
        } else {  // an execution against the best level
          const double bq = sd == side::buy ? book.bid_quantity(0) : book.ask_quantity(0);
          s.events.push_back({sd, best, std::max(0.0, bq - 100.0 * lots(rng)), {}});
        }
      }
      t_ns += 1e3 * gap_us(rng);
      event& e = s.events.back();
      e.time = std::chrono::nanoseconds(static_cast<std::int64_t>(t_ns));
      book.set_level(e.s, e.price, e.quantity);
      book.set_timestamp(e.time);
    }
    return s;
  }();
  return sc;
}

// Applies events in order, rewinding (untimed) when the sequence ends.
template <class PerUpdate>
void run(benchmark::State& state, PerUpdate&& per_update) {
  const scenario& sc = make_scenario();
  fp::price_level_book book = sc.initial;
  std::size_t i = 0;
  for (auto _ : state) {
    if (i == sc.events.size()) {
      state.PauseTiming();
      book = sc.initial;
      i = 0;
      state.ResumeTiming();
    }
    const event& e = sc.events[i++];
    book.set_level(e.s, e.price, e.quantity);
    book.set_timestamp(e.time);
    per_update(book);
  }
  state.SetItemsProcessed(state.iterations());
}

using level1_set = fp::feature_set<fp::top_of_book, fp::queue_imbalance, fp::order_flow_imbalance>;

void BM_book_update_only(benchmark::State& state) {
  run(state, [](const fp::price_level_book& b) { benchmark::DoNotOptimize(&b); });
}

void BM_level1_features(benchmark::State& state) {
  level1_set features;  // mid, spread, spread_bps, weighted_mid, queue_imbalance, ofi, ofi_100_events, ofi_1s
  std::array<double, 8> out{};
  run(state, [&](const fp::price_level_book& b) {
    features.update(b);
    features.compute(b, out);
    benchmark::DoNotOptimize(out.data());
    benchmark::ClobberMemory();
  });
}

void BM_top_of_book_and_queue_imbalance(benchmark::State& state) {
  fp::feature_set<fp::top_of_book, fp::queue_imbalance> features;
  std::array<double, 5> out{};
  run(state, [&](const fp::price_level_book& b) {
    features.compute(b, out);
    benchmark::DoNotOptimize(out.data());
    benchmark::ClobberMemory();
  });
}

void BM_order_flow_imbalance(benchmark::State& state) {
  fp::order_flow_imbalance ofi;
  std::array<double, 3> out{};
  run(state, [&](const fp::price_level_book& b) {
    ofi.update(b);
    ofi.compute(b, out);
    benchmark::DoNotOptimize(out.data());
    benchmark::ClobberMemory();
  });
}

}  // namespace

BENCHMARK(BM_book_update_only);
BENCHMARK(BM_level1_features);
BENCHMARK(BM_top_of_book_and_queue_imbalance);
BENCHMARK(BM_order_flow_imbalance);

BENCHMARK_MAIN();
