// price_level_book: applying one depth update's levels (items = levels).
//
// Issue 22: n new levels listed best first, as a Binance depth update lists them. Previous
// path, measured in the same run: one `set_level` per level (what binance_depth_book did),
// each insert further from the best, O(n^2) level moves. Now: `set_levels`, one merge,
// O(n log n). Also a typical update (60 levels near the top of a 5,000-level book, half of
// them new), where both should cost about the same.
//
//   price_level_book --benchmark_repetitions=5 --benchmark_enable_random_interleaving=true
#include "footprint/book/price_level_book.hpp"

#include <benchmark/benchmark.h>

#include <cstddef>
#include <cstdint>
#include <vector>

namespace fp = footprint;

namespace {

std::vector<fp::price_level> best_first_bids(std::size_t n) {
  std::vector<fp::price_level> v(n);
  for (std::size_t i = 0; i < n; ++i) v[i] = fp::price_level{50000.0 - 0.01 * static_cast<double>(i), 1.0};
  return v;
}

// One update of n new bid levels, best first, into an empty book.
void BM_new_levels_best_first_one_by_one(benchmark::State& state) {
  const std::vector<fp::price_level> levels = best_first_bids(static_cast<std::size_t>(state.range(0)));
  for (auto _ : state) {
    fp::price_level_book b;
    for (const fp::price_level& l : levels) b.set_level(fp::side::buy, l.price, l.quantity);
    benchmark::DoNotOptimize(b.bid_levels());
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * levels.size()));
}

void BM_new_levels_best_first_set_levels(benchmark::State& state) {
  const std::vector<fp::price_level> levels = best_first_bids(static_cast<std::size_t>(state.range(0)));
  for (auto _ : state) {
    fp::price_level_book b;
    b.set_levels(fp::side::buy, levels);
    benchmark::DoNotOptimize(b.bid_levels());
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * levels.size()));
}

// A typical update: 60 levels within the best 120 ticks of a 5,000-level book, every other
// one new, then the update that undoes it (so the book cycles); items = levels applied.
struct typical_updates {
  fp::price_level_book book;
  std::vector<fp::price_level> apply;
  std::vector<fp::price_level> undo;
  typical_updates() {
    const std::vector<fp::price_level> resting = best_first_bids(5000);
    book.set_levels(fp::side::buy, resting);
    for (std::size_t i = 0; i < 60; ++i) {
      const double price = 50000.0 - 0.01 * static_cast<double>(2 * i) - (i % 2 == 1 ? 0.005 : 0.0);
      apply.push_back(fp::price_level{price, 2.0});
      undo.push_back(fp::price_level{price, i % 2 == 1 ? 0.0 : 1.0});
    }
  }
};

void BM_typical_update_one_by_one(benchmark::State& state) {
  typical_updates t;
  for (auto _ : state) {
    for (const fp::price_level& l : t.apply) t.book.set_level(fp::side::buy, l.price, l.quantity);
    for (const fp::price_level& l : t.undo) t.book.set_level(fp::side::buy, l.price, l.quantity);
    benchmark::DoNotOptimize(t.book.bid_levels());
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * 120));
}

void BM_typical_update_set_levels(benchmark::State& state) {
  typical_updates t;
  for (auto _ : state) {
    t.book.set_levels(fp::side::buy, t.apply);
    t.book.set_levels(fp::side::buy, t.undo);
    benchmark::DoNotOptimize(t.book.bid_levels());
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * 120));
}

}  // namespace

BENCHMARK(BM_new_levels_best_first_one_by_one)->Arg(1000)->Arg(10000)->Unit(benchmark::kMillisecond);
// 100,000 one by one moves 5e9 levels (80 GB): seconds per iteration, so one iteration.
BENCHMARK(BM_new_levels_best_first_one_by_one)->Arg(100000)->Iterations(1)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_new_levels_best_first_set_levels)->Arg(1000)->Arg(10000)->Arg(100000)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_typical_update_one_by_one)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_typical_update_set_levels)->Unit(benchmark::kMicrosecond);

BENCHMARK_MAIN();
