// The Binance captures of ../shared/data/binance/raw in memory, shared by bench_binance_reader
// and bench_binance_dataset: each capture's lines (all of them, and its depth updates alone),
// loaded once. Not part of the library.
#pragma once

#include "footprint/feeds/binance/binance_reader.hpp"
#include "footprint/feeds/line_reader.hpp"

#include <benchmark/benchmark.h>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <string_view>

namespace footprint_bench {

struct capture_text {
  std::string depth_only;  // the depth-update lines of the capture
  std::string all;         // every line
  std::size_t depth_updates = 0;
  std::size_t levels = 0;
  std::size_t messages = 0;
};

// Loads a capture once; empty when the data folder is absent.
inline const capture_text& load(const char* relative) {
  static std::map<std::string, capture_text> cache;
  auto [it, inserted] = cache.try_emplace(relative);
  capture_text& c = it->second;
  if (!inserted) return c;
  const std::filesystem::path p = std::filesystem::path(FOOTPRINT_BENCH_DATA_DIR) / "binance" / "raw" / relative;
  if (!std::filesystem::is_regular_file(p)) return c;
  footprint::line_reader lr(p.string());
  std::string_view line;
  while (lr.next(line)) {
    c.all.append(line).push_back('\n');
    ++c.messages;
    if (line.find("@depth") != std::string_view::npos) {
      c.depth_only.append(line).push_back('\n');
    }
  }
  footprint::binance_reader r("count", c.depth_only);
  footprint::binance_event ev;
  while (r.next(ev)) {
    ++c.depth_updates;
    c.levels += ev.bids.size() + ev.asks.size();
  }
  return c;
}

// The capture, or nullptr when it is not there (the benchmark is then skipped).
inline const capture_text* capture_or_skip(benchmark::State& state, const char* capture) {
  const capture_text& c = load(capture);
  if (c.messages > 0 && c.depth_updates > 0) return &c;
  state.SkipWithError("Binance capture not found (FOOTPRINT_BENCH_DATA_DIR)");
  return nullptr;
}

// Items are the capture's messages, and a counter of the seconds per message.
inline void per_message_counters(benchmark::State& state, const capture_text& c) {
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * c.messages));
  state.counters["time_per_message"] = benchmark::Counter(
      static_cast<double>(c.messages), benchmark::Counter::kIsIterationInvariantRate | benchmark::Counter::kInvert);
}

}  // namespace footprint_bench
