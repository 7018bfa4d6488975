// The impact datasets of a Binance capture (`binance_dataset`: the reader, the features of
// every book update, the market orders and their labels): footprint-pretrade --binance's
// work before the fit, per message, on the real BTCUSDT captures read from memory. No peer:
// no open-source library builds these datasets; beside it in the same run, the reader alone
// over the same messages, for the share of the pipeline that is not parsing.
//
// - dataset/<capture>: every message of the capture (depth updates, bookTickers, trades);
// - reader_alone/<capture>: `binance_reader::next` over the same messages, nothing else.
//
// Run: bench_binance_dataset --benchmark_repetitions=5 --benchmark_enable_random_interleaving=true
//      --benchmark_report_aggregates_only=true
#include "footprint/data/binance_dataset.hpp"
#include "footprint/feeds/binance/binance_reader.hpp"

#include "binance_capture.hpp"

#include <benchmark/benchmark.h>

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

namespace fp = footprint;

namespace {

using footprint_bench::capture_or_skip;
using footprint_bench::capture_text;
using footprint_bench::per_message_counters;

void dataset(benchmark::State& state, const char* capture) {
  const capture_text* c = capture_or_skip(state, capture);
  if (c == nullptr) return;
  for (auto _ : state) {
    fp::binance_reader r("bench", c->all);
    const fp::impact_pipeline_result out = fp::binance_dataset(std::span<fp::binance_reader>(&r, 1));
    benchmark::DoNotOptimize(out.orders.rows());
  }
  per_message_counters(state, *c);
}

void reader_alone(benchmark::State& state, const char* capture) {
  const capture_text* c = capture_or_skip(state, capture);
  if (c == nullptr) return;
  for (auto _ : state) {
    fp::binance_reader r("bench", c->all);
    fp::binance_event ev;
    std::size_t n = 0;
    while (r.next(ev)) ++n;
    benchmark::DoNotOptimize(n);
  }
  per_message_counters(state, *c);
}

}  // namespace

BENCHMARK_CAPTURE(dataset, spot_20240809, "spot/btcusdt_20240809.gz")->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(dataset, usdm_20240808, "usdm/btcusdt_20240808.gz")->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(reader_alone, spot_20240809, "spot/btcusdt_20240809.gz")->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(reader_alone, usdm_20240808, "usdm/btcusdt_20240808.gz")->Unit(benchmark::kMillisecond);

BENCHMARK_MAIN();
