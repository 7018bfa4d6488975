// binance_reader: time per Binance diff-depth update (JSON parse + checks + apply to the
// book), from memory, on the real BTCUSDT captures (spot depth@100ms: ~57 levels per update;
// USD-M depth@0ms: ~68 levels per update). Peer in the same run: nlohmann-json's DOM parse
// of the same lines alone, the floor of any reader built on it.
//
// Run: binance_reader --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
#include "footprint/feeds/binance/binance_reader.hpp"
#include "footprint/feeds/line_reader.hpp"

#include <benchmark/benchmark.h>
#include <nlohmann/json.hpp>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <string_view>

namespace fp = footprint;

namespace {

struct capture_text {
  std::string depth_only;  // the depth-update lines of the capture
  std::string all;         // every line
  std::size_t depth_updates = 0;
  std::size_t levels = 0;
  std::size_t messages = 0;
};

// Loads a capture once; empty when the data folder is absent.
const capture_text& load(const char* relative) {
  static std::map<std::string, capture_text> cache;
  auto [it, inserted] = cache.try_emplace(relative);
  capture_text& c = it->second;
  if (!inserted) return c;
  const std::filesystem::path p = std::filesystem::path(FOOTPRINT_BENCH_DATA_DIR) / "binance" / "raw" / relative;
  if (!std::filesystem::is_regular_file(p)) return c;
  fp::line_reader lr(p.string());
  std::string_view line;
  while (lr.next(line)) {
    c.all.append(line).push_back('\n');
    ++c.messages;
    if (line.find("@depth") != std::string_view::npos) {
      c.depth_only.append(line).push_back('\n');
    }
  }
  fp::binance_reader r("count", c.depth_only);
  fp::binance_event ev;
  while (r.next(ev)) {
    ++c.depth_updates;
    c.levels += ev.bids.size() + ev.asks.size();
  }
  return c;
}

void per_update_counters(benchmark::State& state, const capture_text& c) {
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * c.depth_updates));
  state.counters["updates"] = static_cast<double>(c.depth_updates);
  state.counters["levels_per_update"] = static_cast<double>(c.levels) / static_cast<double>(c.depth_updates);
  // Seconds per update (printed with an SI prefix, e.g. 25u = 25 microseconds).
  state.counters["time_per_update"] =
      benchmark::Counter(static_cast<double>(c.depth_updates),
                         benchmark::Counter::kIsIterationInvariantRate | benchmark::Counter::kInvert);
}

// footprint: parse, check and apply every depth update to the book.
void BM_binance_reader_depth(benchmark::State& state, const char* capture) {
  const capture_text& c = load(capture);
  if (c.depth_updates == 0) {
    state.SkipWithError("Binance capture not found (FOOTPRINT_BENCH_DATA_DIR)");
    return;
  }
  for (auto _ : state) {
    fp::binance_reader r("bench", c.depth_only);
    fp::binance_event ev;
    std::size_t n = 0;
    while (r.next(ev)) ++n;
    benchmark::DoNotOptimize(n);
    benchmark::DoNotOptimize(r.book().best_bid());
  }
  per_update_counters(state, c);
}

// Peer: nlohmann-json DOM parse of the same lines, nothing else.
void BM_nlohmann_parse_only(benchmark::State& state, const char* capture) {
  const capture_text& c = load(capture);
  if (c.depth_updates == 0) {
    state.SkipWithError("Binance capture not found (FOOTPRINT_BENCH_DATA_DIR)");
    return;
  }
  for (auto _ : state) {
    fp::line_reader lr("bench", c.depth_only);
    std::string_view line;
    std::size_t n = 0;
    while (lr.next(line)) {
      const std::string_view json = line.substr(line.find(' ') + 1);
      const nlohmann::json doc = nlohmann::json::parse(json.data(), json.data() + json.size());
      n += doc.size();
    }
    benchmark::DoNotOptimize(n);
  }
  per_update_counters(state, c);
}

// The whole capture (depth updates, bookTickers, trades, the snapshot): time per message.
void BM_binance_reader_all_messages(benchmark::State& state, const char* capture) {
  const capture_text& c = load(capture);
  if (c.messages == 0) {
    state.SkipWithError("Binance capture not found (FOOTPRINT_BENCH_DATA_DIR)");
    return;
  }
  for (auto _ : state) {
    fp::binance_reader r("bench", c.all);
    fp::binance_event ev;
    std::size_t n = 0;
    while (r.next(ev)) ++n;
    benchmark::DoNotOptimize(n);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * c.messages));
  state.counters["time_per_message"] = benchmark::Counter(
      static_cast<double>(c.messages), benchmark::Counter::kIsIterationInvariantRate | benchmark::Counter::kInvert);
}

}  // namespace

BENCHMARK_CAPTURE(BM_binance_reader_depth, spot_20240809, "spot/btcusdt_20240809.gz")->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_nlohmann_parse_only, spot_20240809, "spot/btcusdt_20240809.gz")->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_binance_reader_depth, usdm_20240808, "usdm/btcusdt_20240808.gz")->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_nlohmann_parse_only, usdm_20240808, "usdm/btcusdt_20240808.gz")->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_binance_reader_all_messages, usdm_20240808, "usdm/btcusdt_20240808.gz")
    ->Unit(benchmark::kMillisecond);

BENCHMARK_MAIN();
