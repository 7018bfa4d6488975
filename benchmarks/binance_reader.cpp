// binance_reader: time per Binance diff-depth update (JSON parse + checks + apply to the
// book), from memory, on the real BTCUSDT captures (spot depth@100ms: ~57 levels per update;
// USD-M depth@0ms: ~68 levels per update). Peers in the same run:
// - the reader's own nlohmann-json path (binance_options::fast_parse = false), the reader
//   before the fast path;
// - the JSON parse alone, extracting the depth update's fields and levels (decimals read by
//   detail::parse_decimal in every variant): footprint's fast parser, RapidJSON's SAX Reader
//   with in-situ strings (header-only; when <rapidjson/reader.h> is found), simdjson
//   On-Demand (when built with -DFOOTPRINT_BENCH_HAVE_SIMDJSON -lsimdjson), and
//   nlohmann-json's DOM parse alone (no extraction: its floor);
// - the book application alone (binance_depth_book::apply_update on pre-parsed updates), and
//   each book's set_levels alone;
// - each of these on tick_level_book beside price_level_book (the readers' book): the reader
//   basic_binance_reader<tick_level_book>, basic_binance_depth_book<tick_level_book>.
// The reader benchmarks read the best bid and ask after each message, as a consumer would.
//
// Run: binance_reader --benchmark_repetitions=5 --benchmark_enable_random_interleaving=true
//      --benchmark_report_aggregates_only=true
#include "footprint/feeds/binance/binance_reader.hpp"
#include "footprint/book/tick_level_book.hpp"
#include "footprint/detail/decimal.hpp"
#include "footprint/feeds/binance/binance_depth_book.hpp"
#include "footprint/feeds/binance/detail/binance_fast_parse.hpp"
#include "footprint/feeds/line_reader.hpp"

#include "binance_capture.hpp"

#include <benchmark/benchmark.h>
#include <nlohmann/json.hpp>

#if __has_include(<rapidjson/reader.h>)
#define FOOTPRINT_BENCH_HAVE_RAPIDJSON 1
#include <rapidjson/reader.h>
#endif
#ifdef FOOTPRINT_BENCH_HAVE_SIMDJSON
#include <simdjson.h>
#endif

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

namespace fp = footprint;

namespace {

using footprint_bench::capture_or_skip;
using footprint_bench::capture_text;

void per_update_counters(benchmark::State& state, const capture_text& c) {
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * c.depth_updates));
  state.counters["updates"] = static_cast<double>(c.depth_updates);
  state.counters["levels_per_update"] = static_cast<double>(c.levels) / static_cast<double>(c.depth_updates);
  // Seconds per update (printed with an SI prefix, e.g. 25u = 25 microseconds).
  state.counters["time_per_update"] =
      benchmark::Counter(static_cast<double>(c.depth_updates),
                         benchmark::Counter::kIsIterationInvariantRate | benchmark::Counter::kInvert);
}

// footprint: parse, check and apply every depth update to the book; `fast`: the fast path
// (the default), else the nlohmann-json path (the reader before the fast path).
template <class Book = fp::price_level_book>
void reader_depth(benchmark::State& state, const char* capture, bool fast) {
  const capture_text* loaded = capture_or_skip(state, capture);
  if (loaded == nullptr) return;
  const capture_text& c = *loaded;
  for (auto _ : state) {
    fp::basic_binance_reader<Book> r("bench", c.depth_only, {.fast_parse = fast});
    fp::binance_event ev;
    std::size_t n = 0;
    while (r.next(ev)) {
      ++n;
      benchmark::DoNotOptimize(r.book().best_bid());  // what a consumer reads after each update
      benchmark::DoNotOptimize(r.book().best_ask());
    }
    benchmark::DoNotOptimize(n);
  }
  per_update_counters(state, c);
}
void BM_binance_reader_depth(benchmark::State& state, const char* capture) { reader_depth(state, capture, true); }
void BM_binance_reader_depth_tick_level_book(benchmark::State& state, const char* capture) {
  reader_depth<fp::tick_level_book>(state, capture, true);
}
void BM_binance_reader_depth_nlohmann_path(benchmark::State& state, const char* capture) {
  reader_depth(state, capture, false);
}

// A depth update's values, as every parse-only variant extracts them.
struct depth_values {
  std::string_view stream, symbol;
  std::int64_t first = -1, last = -1, previous = -1, event_ms = -1;
  std::vector<fp::price_level> bids, asks;
};

// Runs `parse(json, values)` over every depth line; fails the benchmark if one is refused.
template <class Parse>
void parse_only(benchmark::State& state, const char* capture, Parse parse) {
  const capture_text* loaded = capture_or_skip(state, capture);
  if (loaded == nullptr) return;
  const capture_text& c = *loaded;
  depth_values v;
  for (auto _ : state) {
    fp::line_reader lr("bench", c.depth_only);
    std::string_view line;
    std::size_t levels = 0;
    while (lr.next(line)) {
      if (!parse(line.substr(line.find(' ') + 1), v)) {
        state.SkipWithError("a line was refused");
        return;
      }
      levels += v.bids.size() + v.asks.size();
    }
    benchmark::DoNotOptimize(levels);
  }
  per_update_counters(state, c);
}

// Peer: nlohmann-json DOM parse of the same lines, nothing else.
void BM_parse_only_nlohmann_dom(benchmark::State& state, const char* capture) {
  parse_only(state, capture, [](std::string_view json, depth_values&) {
    const nlohmann::json doc = nlohmann::json::parse(json.data(), json.data() + json.size());
    benchmark::DoNotOptimize(doc.size());
    return true;
  });
}

// footprint's fast parser (detail/binance_fast_parse.hpp).
void BM_parse_only_footprint_fast(benchmark::State& state, const char* capture) {
  fp::detail::binance::fast_parser parser;
  fp::detail::binance::fast_message m;
  parse_only(state, capture, [&](std::string_view json, depth_values& v) {
    if (!parser.parse(json, m, v.bids, v.asks)) return false;
    v.symbol = m.symbol;
    v.first = m.first_id;
    v.last = m.last_id;
    v.previous = m.previous_id;
    v.event_ms = m.event_ms;
    return true;
  });
}

#ifdef FOOTPRINT_BENCH_HAVE_RAPIDJSON
// RapidJSON SAX handler extracting the depth update (levels at depth 4: root, data, side, pair).
struct rapidjson_depth_handler {
  depth_values* v = nullptr;
  int depth = 0;
  char key = 0;  // the current data key: 's', 'U', 'u', 'p' (pu), 'E', 'b', 'a', or 0
  std::vector<fp::price_level>* side = nullptr;
  int pos = 0;
  double pair[2] = {0.0, 0.0};
  bool Null() { return depth == 2 && key == 0; }
  bool Bool(bool) { return depth == 2 && key == 0; }
  bool Int(int) { return depth == 2 && key == 0; }
  bool Int64(std::int64_t) { return depth == 2 && key == 0; }
  bool Double(double) { return depth == 2 && key == 0; }
  bool RawNumber(const char*, rapidjson::SizeType, bool) { return false; }
  bool Uint(unsigned x) { return Uint64(x); }
  bool Uint64(std::uint64_t x) {
    if (depth != 2) return false;
    const auto i = static_cast<std::int64_t>(x);
    switch (key) {
      case 'U': v->first = i; return true;
      case 'u': v->last = i; return true;
      case 'p': v->previous = i; return true;
      case 'E': v->event_ms = i; return true;
      default: return key == 0;  // another key ("T")
    }
  }
  bool String(const char* s, rapidjson::SizeType n, bool) {
    if (depth == 4) {
      if (pos >= 2 || !fp::detail::parse_decimal(s, s + n, pair[pos])) return false;
      ++pos;
      return true;
    }
    if (depth == 1) v->stream = std::string_view(s, n);  // in situ: points into the buffer
    if (depth == 2 && key == 's') v->symbol = std::string_view(s, n);
    return depth <= 2;
  }
  bool StartObject() { return ++depth <= 2; }
  bool Key(const char* s, rapidjson::SizeType n, bool) {
    const std::string_view k(s, n);
    key = k == "s" || k == "U" || k == "u" || k == "E" || k == "b" || k == "a" ? s[0] : k == "pu" ? 'p' : 0;
    return true;
  }
  bool EndObject(rapidjson::SizeType) {
    --depth;
    return true;
  }
  bool StartArray() {
    ++depth;
    if (depth == 3) {
      side = key == 'b' ? &v->bids : key == 'a' ? &v->asks : nullptr;
      if (side == nullptr) return false;
      side->clear();
      return true;
    }
    pos = 0;
    return depth == 4;
  }
  bool EndArray(rapidjson::SizeType) {
    if (depth == 4) {
      if (pos != 2) return false;
      side->push_back(fp::price_level{pair[0], pair[1]});
    }
    --depth;
    return true;
  }
};

// Peer: RapidJSON's SAX Reader, in situ (on a copy of the line: strings are not copied again).
void BM_parse_only_rapidjson_sax_insitu(benchmark::State& state, const char* capture) {
  rapidjson::Reader reader;
  std::string buffer;
  parse_only(state, capture, [&](std::string_view json, depth_values& v) {
    buffer.assign(json);
    rapidjson_depth_handler h;
    h.v = &v;
    rapidjson::InsituStringStream in(buffer.data());
    return !reader.Parse<rapidjson::kParseInsituFlag>(in, h).IsError();
  });
}
#endif

#ifdef FOOTPRINT_BENCH_HAVE_SIMDJSON
bool simdjson_levels(simdjson::ondemand::value value, std::vector<fp::price_level>& out, const char* end) {
  out.clear();
  simdjson::ondemand::array levels;
  if (value.get_array().get(levels)) return false;
  for (auto pair_result : levels) {
    simdjson::ondemand::array pair;
    if (pair_result.get_array().get(pair)) return false;
    double x[2] = {0.0, 0.0};
    int k = 0;
    for (auto e : pair) {
      // The raw string (as footprint's parser reads decimals): its closing quote, then the
      // decimal, which fails on anything but a number.
      simdjson::ondemand::raw_json_string raw;
      if (k >= 2 || e.get_raw_json_string().get(raw)) return false;
      const char* first = raw.raw();
      const char* last = static_cast<const char*>(std::memchr(first, '"', static_cast<std::size_t>(end - first)));
      if (last == nullptr || !fp::detail::parse_decimal(first, last, x[k])) return false;
      ++k;
    }
    if (k != 2) return false;
    out.push_back(fp::price_level{x[0], x[1]});
  }
  return true;
}

// Peer: simdjson On-Demand (on a padded copy of the line).
void BM_parse_only_simdjson_ondemand(benchmark::State& state, const char* capture) {
  simdjson::ondemand::parser parser;
  std::string buffer;
  parse_only(state, capture, [&](std::string_view json, depth_values& v) {
    buffer.resize(json.size() + simdjson::SIMDJSON_PADDING);
    std::memcpy(buffer.data(), json.data(), json.size());
    simdjson::ondemand::document doc;
    if (parser.iterate(buffer.data(), json.size(), buffer.size()).get(doc)) return false;
    simdjson::ondemand::object root;
    if (doc.get_object().get(root)) return false;
    for (auto field : root) {
      std::string_view key;
      if (field.unescaped_key().get(key)) return false;
      if (key == "stream") {
        if (field.value().get_string().get(v.stream)) return false;
        continue;
      }
      simdjson::ondemand::object data;
      if (key != "data" || field.value().get_object().get(data)) return false;
      for (auto member : data) {
        std::string_view k;
        simdjson::ondemand::value value;
        if (member.unescaped_key().get(k) || member.value().get(value)) return false;
        std::uint64_t x = 0;
        if (k == "U" || k == "u" || k == "pu" || k == "E") {
          if (value.get_uint64().get(x)) return false;
          (k == "U" ? v.first : k == "u" ? v.last : k == "pu" ? v.previous : v.event_ms) = static_cast<std::int64_t>(x);
        } else if (k == "s") {
          if (value.get_string().get(v.symbol)) return false;
        } else if (k == "b" || k == "a") {
          if (!simdjson_levels(value, k == "b" ? v.bids : v.asks, buffer.data() + json.size())) {
            return false;
          }
        } else {
          std::string_view s;
          if (value.get_string().get(s) && value.get_uint64().get(x)) return false;
        }
      }
    }
    return true;
  });
}
#endif

// A capture's depth updates, parsed once, outside the timed loops.
struct parsed_update {
  std::int64_t first, last, previous;
  std::vector<fp::price_level> bids, asks;
  std::chrono::nanoseconds time;
};
std::vector<parsed_update> parse_updates(const capture_text& c) {
  std::vector<parsed_update> updates;
  fp::binance_reader r("bench", c.depth_only);
  fp::binance_event ev;
  while (r.next(ev)) {
    updates.push_back(parsed_update{ev.first_update_id,
                                    ev.last_update_id,
                                    ev.previous_update_id,
                                    {ev.bids.begin(), ev.bids.end()},
                                    {ev.asks.begin(), ev.asks.end()},
                                    ev.local_time});
  }
  return updates;
}

// The book application alone: basic_binance_depth_book::apply_update over the capture's
// updates, parsed beforehand, from an empty book each iteration, then the best bid read:
// on price_level_book (the readers' book) and on tick_level_book.
template <class Book>
void depth_book_apply_only(benchmark::State& state, const char* capture) {
  const capture_text* loaded = capture_or_skip(state, capture);
  if (loaded == nullptr) return;
  const capture_text& c = *loaded;
  const std::vector<parsed_update> updates = parse_updates(c);
  for (auto _ : state) {
    fp::basic_binance_depth_book<Book> book;
    std::size_t applied = 0;
    for (const parsed_update& u : updates) {
      applied += book.apply_update({u.first, u.last, u.previous, u.bids, u.asks}, u.time).applied ? 1 : 0;
      benchmark::DoNotOptimize(book.book().best_bid());
    }
    benchmark::DoNotOptimize(applied);
    benchmark::DoNotOptimize(book.book().best_bid());
  }
  per_update_counters(state, c);
}

void BM_depth_book_apply_only(benchmark::State& state, const char* capture) {
  depth_book_apply_only<fp::price_level_book>(state, capture);
}
void BM_depth_book_apply_only_tick_level_book(benchmark::State& state, const char* capture) {
  depth_book_apply_only<fp::tick_level_book>(state, capture);
}

// The two books alone, side by side: each update's levels set with set_levels, from an empty
// book each iteration (no continuity checks, no replay copy), then the best bid read.
template <class Book>
void book_set_levels(benchmark::State& state, const char* capture) {
  const capture_text* loaded = capture_or_skip(state, capture);
  if (loaded == nullptr) return;
  const capture_text& c = *loaded;
  const std::vector<parsed_update> updates = parse_updates(c);
  for (auto _ : state) {
    Book book;
    for (const parsed_update& u : updates) {
      book.set_levels(fp::side::buy, u.bids);
      book.set_levels(fp::side::sell, u.asks);
      benchmark::DoNotOptimize(book.best_bid());
    }
    benchmark::DoNotOptimize(book.best_bid());
  }
  per_update_counters(state, c);
}
void BM_book_set_levels_price_level_book(benchmark::State& state, const char* capture) {
  book_set_levels<fp::price_level_book>(state, capture);
}
void BM_book_set_levels_tick_level_book(benchmark::State& state, const char* capture) {
  book_set_levels<fp::tick_level_book>(state, capture);
}

// The whole capture (depth updates, bookTickers, trades, the snapshot): time per message.
void all_messages(benchmark::State& state, const char* capture, bool fast) {
  const capture_text* loaded = capture_or_skip(state, capture);
  if (loaded == nullptr) return;
  const capture_text& c = *loaded;
  for (auto _ : state) {
    fp::binance_reader r("bench", c.all, {.fast_parse = fast});
    fp::binance_event ev;
    std::size_t n = 0;
    while (r.next(ev)) ++n;
    benchmark::DoNotOptimize(n);
  }
  footprint_bench::per_message_counters(state, c);
}
void BM_binance_reader_all_messages(benchmark::State& state, const char* capture) {
  all_messages(state, capture, true);
}
void BM_binance_reader_all_messages_nlohmann_path(benchmark::State& state, const char* capture) {
  all_messages(state, capture, false);
}

}  // namespace

#define FOOTPRINT_BENCH_CAPTURES(bm)                                                               \
  BENCHMARK_CAPTURE(bm, spot_20240809, "spot/btcusdt_20240809.gz")->Unit(benchmark::kMillisecond); \
  BENCHMARK_CAPTURE(bm, usdm_20240808, "usdm/btcusdt_20240808.gz")->Unit(benchmark::kMillisecond)

FOOTPRINT_BENCH_CAPTURES(BM_binance_reader_depth);
FOOTPRINT_BENCH_CAPTURES(BM_binance_reader_depth_tick_level_book);
FOOTPRINT_BENCH_CAPTURES(BM_binance_reader_depth_nlohmann_path);
FOOTPRINT_BENCH_CAPTURES(BM_parse_only_footprint_fast);
FOOTPRINT_BENCH_CAPTURES(BM_parse_only_nlohmann_dom);
#ifdef FOOTPRINT_BENCH_HAVE_RAPIDJSON
FOOTPRINT_BENCH_CAPTURES(BM_parse_only_rapidjson_sax_insitu);
#endif
#ifdef FOOTPRINT_BENCH_HAVE_SIMDJSON
FOOTPRINT_BENCH_CAPTURES(BM_parse_only_simdjson_ondemand);
#endif
FOOTPRINT_BENCH_CAPTURES(BM_depth_book_apply_only);
FOOTPRINT_BENCH_CAPTURES(BM_depth_book_apply_only_tick_level_book);
FOOTPRINT_BENCH_CAPTURES(BM_book_set_levels_price_level_book);
FOOTPRINT_BENCH_CAPTURES(BM_book_set_levels_tick_level_book);
BENCHMARK_CAPTURE(BM_binance_reader_all_messages, usdm_20240808, "usdm/btcusdt_20240808.gz")
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_binance_reader_all_messages_nlohmann_path, usdm_20240808, "usdm/btcusdt_20240808.gz")
    ->Unit(benchmark::kMillisecond);

#undef FOOTPRINT_BENCH_CAPTURES

BENCHMARK_MAIN();
