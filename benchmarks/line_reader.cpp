// line_reader: time to read the real market-data files as they come, compressed, line by line:
// - the gzip Binance captures through each gzip decoder in the same run, zlib's inflate (the
//   reader before ISA-L) and ISA-L's (when footprint is built with it: FOOTPRINT_USE_ISAL and
//   Debian's libisal-dev), on the caller's thread, and with read-ahead (the default decoder
//   on a worker thread), beside the same bytes read from a plain file (the floor);
// - the Binance reader over the whole gzip capture (every message, the depth book kept), as a
//   user runs it, decompressing on its own thread (read_ahead::off) and on a worker
//   (read_ahead::on), beside the same reader from memory: what decompression adds;
// - the Bitstamp order-event log (bzip2, 3.4 MB), its lines and the event reader, both ways.
// Reported per MB of decompressed text (bytes_per_second) and per depth update, in wall-clock
// time (UseRealTime: the worker's time is not the caller's CPU time).
//
// Run: line_reader --benchmark_repetitions=5 --benchmark_enable_random_interleaving=true
//      --benchmark_report_aggregates_only=true
#include "footprint/feeds/line_reader.hpp"

#include "footprint/book/tick_level_book.hpp"
#include "footprint/feeds/binance/binance_reader.hpp"
#include "footprint/feeds/bitstamp/bitstamp_event_reader.hpp"

#include <benchmark/benchmark.h>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <string_view>

namespace fp = footprint;
namespace fs = std::filesystem;

namespace {

struct capture_file {
  std::string gz;     // the capture as it comes
  std::string plain;  // the same bytes decompressed, in a temporary file
  std::string text;   // and in memory
  std::size_t lines = 0;
  std::size_t depth_updates = 0;
};

// Decompresses a capture once (to a temporary file and to memory); empty when absent.
const capture_file& load(const char* relative) {
  static std::map<std::string, capture_file> cache;
  auto [it, inserted] = cache.try_emplace(relative);
  capture_file& c = it->second;
  if (!inserted) return c;
  const fs::path p = fs::path(FOOTPRINT_BENCH_DATA_DIR) / "binance" / "raw" / relative;
  if (!fs::is_regular_file(p)) return c;
  c.gz = p.string();
  fp::line_reader lr(c.gz);
  std::string_view line;
  while (lr.next(line)) {
    c.text.append(line).push_back('\n');
    ++c.lines;
    if (line.find("@depth") != std::string_view::npos) ++c.depth_updates;
  }
  c.plain = (fs::temp_directory_path() / ("footprint_bench_" + p.filename().string() + ".txt")).string();
  std::ofstream(c.plain, std::ios::binary) << c.text;
  return c;
}

const capture_file* capture_or_skip(benchmark::State& state, const char* relative) {
  const capture_file& c = load(relative);
  if (c.lines > 0) return &c;
  state.SkipWithError("Binance capture not found (FOOTPRINT_BENCH_DATA_DIR)");
  return nullptr;
}

void counters(benchmark::State& state, const capture_file& c) {
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * c.text.size()));
  state.counters["time_per_depth_update"] =
      benchmark::Counter(static_cast<double>(c.depth_updates),
                         benchmark::Counter::kIsIterationInvariantRate | benchmark::Counter::kInvert);
}

// Every line of `path`, through `gzip` when it is a gzip file.
void read_lines(benchmark::State& state, const capture_file& c, const std::string& path, fp::inflater gzip,
                fp::read_ahead ahead = fp::read_ahead::off) {
  for (auto _ : state) {
    fp::line_reader r(path, std::size_t{1} << 20, gzip, ahead);
    std::string_view line;
    std::size_t bytes = 0;
    while (r.next(line)) bytes += line.size();
    benchmark::DoNotOptimize(bytes);
  }
  counters(state, c);
}

void BM_line_reader_gzip_zlib(benchmark::State& state, const char* relative) {
  if (const capture_file* c = capture_or_skip(state, relative)) read_lines(state, *c, c->gz, fp::inflater::zlib);
}
void BM_line_reader_gzip_isal(benchmark::State& state, const char* relative) {
  if (!fp::isal_available) {
    state.SkipWithError("footprint built without ISA-L (FOOTPRINT_USE_ISAL, libisal-dev)");
    return;
  }
  if (const capture_file* c = capture_or_skip(state, relative)) read_lines(state, *c, c->gz, fp::inflater::isal);
}
void BM_line_reader_gzip_read_ahead(benchmark::State& state, const char* relative) {
  if (const capture_file* c = capture_or_skip(state, relative))
    read_lines(state, *c, c->gz, fp::inflater::automatic, fp::read_ahead::on);
}
void BM_line_reader_plain_file(benchmark::State& state, const char* relative) {
  if (const capture_file* c = capture_or_skip(state, relative))
    read_lines(state, *c, c->plain, fp::inflater::automatic);
}

// The Binance reader (tick_level_book) over every message: from the gzip file, decompressed on
// the reader's thread or on a worker, or from memory.
void binance_reader_gzip_file(benchmark::State& state, const char* relative, fp::read_ahead ahead) {
  const capture_file* c = capture_or_skip(state, relative);
  if (c == nullptr) return;
  for (auto _ : state) {
    fp::basic_binance_reader<fp::tick_level_book> r(
        fp::line_reader(c->gz, std::size_t{1} << 20, fp::inflater::automatic, ahead));
    fp::binance_event ev;
    std::size_t n = 0;
    while (r.next(ev)) ++n;
    benchmark::DoNotOptimize(n);
  }
  counters(state, *c);
}
void BM_binance_reader_gzip_file(benchmark::State& state, const char* relative) {
  binance_reader_gzip_file(state, relative, fp::read_ahead::off);
}
void BM_binance_reader_gzip_file_read_ahead(benchmark::State& state, const char* relative) {
  binance_reader_gzip_file(state, relative, fp::read_ahead::on);
}
void BM_binance_reader_memory(benchmark::State& state, const char* relative) {
  const capture_file* c = capture_or_skip(state, relative);
  if (c == nullptr) return;
  for (auto _ : state) {
    fp::basic_binance_reader<fp::tick_level_book> r("bench", c->text);
    fp::binance_event ev;
    std::size_t n = 0;
    while (r.next(ev)) ++n;
    benchmark::DoNotOptimize(n);
  }
  counters(state, *c);
}

// The Bitstamp order-event log of 2015-05-01 (bzip2): its lines, and the event reader.
const std::string& bitstamp_log() {
  static const std::string p =
      (fs::path(FOOTPRINT_BENCH_DATA_DIR) / "bitstamp" / "raw" / "2015-05-01.log.bz2").string();
  return p;
}
void bitstamp(benchmark::State& state, fp::read_ahead ahead, bool events) {
  if (!fs::is_regular_file(bitstamp_log())) {
    state.SkipWithError("Bitstamp log not found (FOOTPRINT_BENCH_DATA_DIR)");
    return;
  }
  std::size_t items = 0;
  for (auto _ : state) {
    fp::line_reader lines(bitstamp_log(), std::size_t{1} << 20, fp::inflater::automatic, ahead);
    std::size_t n = 0;
    if (events) {
      fp::bitstamp_event_reader r(std::move(lines), fp::parse_policy::lenient);
      fp::bitstamp_event ev;
      while (r.next(ev)) ++n;
    } else {
      std::string_view line;
      while (lines.next(line)) ++n;
    }
    items = n;
    benchmark::DoNotOptimize(n);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * items));
}
void BM_bitstamp_log_lines(benchmark::State& state) { bitstamp(state, fp::read_ahead::off, false); }
void BM_bitstamp_log_lines_read_ahead(benchmark::State& state) { bitstamp(state, fp::read_ahead::on, false); }
void BM_bitstamp_event_reader(benchmark::State& state) { bitstamp(state, fp::read_ahead::off, true); }
void BM_bitstamp_event_reader_read_ahead(benchmark::State& state) { bitstamp(state, fp::read_ahead::on, true); }

}  // namespace

#define FOOTPRINT_BENCH_CAPTURES(bm)                                                                              \
  BENCHMARK_CAPTURE(bm, spot_20240809, "spot/btcusdt_20240809.gz")->Unit(benchmark::kMillisecond)->UseRealTime(); \
  BENCHMARK_CAPTURE(bm, usdm_20240808, "usdm/btcusdt_20240808.gz")->Unit(benchmark::kMillisecond)->UseRealTime()

FOOTPRINT_BENCH_CAPTURES(BM_line_reader_gzip_zlib);
FOOTPRINT_BENCH_CAPTURES(BM_line_reader_gzip_isal);
FOOTPRINT_BENCH_CAPTURES(BM_line_reader_gzip_read_ahead);
FOOTPRINT_BENCH_CAPTURES(BM_line_reader_plain_file);
FOOTPRINT_BENCH_CAPTURES(BM_binance_reader_gzip_file);
FOOTPRINT_BENCH_CAPTURES(BM_binance_reader_gzip_file_read_ahead);
FOOTPRINT_BENCH_CAPTURES(BM_binance_reader_memory);

#undef FOOTPRINT_BENCH_CAPTURES

BENCHMARK(BM_bitstamp_log_lines)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_bitstamp_log_lines_read_ahead)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_bitstamp_event_reader)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_bitstamp_event_reader_read_ahead)->Unit(benchmark::kMillisecond)->UseRealTime();

BENCHMARK_MAIN();
