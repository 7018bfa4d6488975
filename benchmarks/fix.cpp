// FIX ExecutionReports: footprint's reader (feeds/fix/: framing, BodyLength and CheckSum
// checks, then 15 fields decoded by decode_execution_report) side by side with QuickFIX/C++
// (Debian's libquickfix-dev: FIX::Message::setString with validation, then the same 15 fields
// through its typed fields), on the same 10^6 generated FIX 4.4 ExecutionReports (about 240
// bytes each: a header, the 15 fields, commission and liquidity flags), one thread.
// items_per_second is messages per second.
// - BM_footprint_execution_reports: fix_reader over the whole stream + decode_execution_report;
// - BM_footprint_framing_only: fix_reader alone (the CheckSum pass and framing);
// - BM_quickfix_execution_reports: one FIX::Message::setString per message (the messages
//   split into std::strings beforehand, outside the timing), then the 15 getField calls.
// The targets: >= 3x QuickFIX's rate and <= 300 ns per message.
//
// QuickFIX's headers need C++14 (benchmarks/peers/quickfix_peer.cpp, built alone); without
// libquickfix-dev the QuickFIX case is left out.
//   cmake -S . -B build/bench -G Ninja -DCMAKE_BUILD_TYPE=Release -DFOOTPRINT_BUILD_BENCHMARKS=ON
//   cmake --build build/bench --target bench_fix
//   ./build/bench/benchmarks/bench_fix --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
#include <footprint/feeds/fix/execution_report.hpp>
#include <footprint/feeds/fix/fix_reader.hpp>
#include <footprint/feeds/fix/fix_writer.hpp>

#ifdef FOOTPRINT_BENCH_HAVE_QUICKFIX
#include "peers/quickfix_peer.hpp"
#endif

#include <benchmark/benchmark.h>

#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

namespace fp = footprint;

namespace {

constexpr std::int64_t n_messages = 1'000'000;

// The stream of ExecutionReports: partial fills of parent orders of 5,000 shares.
const std::string& stream() {
  static const std::string s = [] {
    std::string out;
    out.reserve(std::size_t(n_messages) * 256);
    fp::fix_writer w("FIX.4.4");
    for (std::int64_t i = 0; i < n_messages; ++i) {
      const std::int64_t fill = i % 10;
      const double px = 100.0 + 0.01 * double(i % 997);
      w.field(35, '8').field(34, i + 1).field(49, "BROKER").field(52, "20240102-14:30:00.123").field(56, "DESK");
      w.field(6, px).field(11, "CL" + std::to_string(i / 10)).field(14, double(500 * (fill + 1)));
      w.field(17, "EX" + std::to_string(i)).field(31, px).field(32, 500.0).field(37, "OR" + std::to_string(i / 10));
      w.field(38, 5000.0).field(39, fill == 9 ? '2' : '1').field(44, 101.0).field(54, i % 2 == 0 ? '1' : '2');
      w.field(55, "GOOG").field(60, "20240102-14:30:00.120").field(150, 'F').field(151, double(500 * (9 - fill)));
      w.field(12, 2.5).field(13, '3').field(851, 2);
      w.finish_into(out);
    }
    return out;
  }();
  return s;
}

double use(const fp::execution_report& r) {
  return r.last_px + r.last_qty + r.cum_qty + r.leaves_qty + r.avg_px + r.order_qty + r.price +
         double(r.exec_id.size() + r.cl_ord_id.size() + r.order_id.size() + r.symbol.size()) +
         double(r.exec_type + r.ord_status) + (r.side == fp::side::buy ? 1.0 : 0.0) +
         double(r.transact_time.value_or(std::chrono::nanoseconds(0)).count() % 1000);
}

void BM_footprint_execution_reports(benchmark::State& state) {
  const std::string& s = stream();
  for (auto _ : state) {
    fp::fix_reader reader(s, "bench");
    fp::fix_message m;
    double sum = 0.0;
    while (reader.next(m)) sum += use(fp::decode_execution_report(m));
    benchmark::DoNotOptimize(sum);
  }
  state.SetItemsProcessed(state.iterations() * n_messages);
  state.SetBytesProcessed(state.iterations() * std::int64_t(s.size()));
}

void BM_footprint_framing_only(benchmark::State& state) {
  const std::string& s = stream();
  for (auto _ : state) {
    fp::fix_reader reader(s, "bench");
    fp::fix_message m;
    std::size_t n = 0;
    while (reader.next(m)) n += m.msg_type().size();
    benchmark::DoNotOptimize(n);
  }
  state.SetItemsProcessed(state.iterations() * n_messages);
}

#ifdef FOOTPRINT_BENCH_HAVE_QUICKFIX
void BM_quickfix_execution_reports(benchmark::State& state) {
  static const std::vector<std::string> messages = [] {
    std::vector<std::string> out;
    fp::fix_reader reader(stream(), "bench");
    fp::fix_message m;
    while (reader.next(m)) out.emplace_back(m.bytes());
    return out;
  }();
  for (auto _ : state) {
    double sum = 0.0;
    for (const std::string& m : messages) sum += quickfix_peer::parse_execution_report(m);
    benchmark::DoNotOptimize(sum);
  }
  state.SetItemsProcessed(state.iterations() * n_messages);
}
BENCHMARK(BM_quickfix_execution_reports)->Unit(benchmark::kMillisecond);
#endif

}  // namespace

BENCHMARK(BM_footprint_execution_reports)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_footprint_framing_only)->Unit(benchmark::kMillisecond);

BENCHMARK_MAIN();
