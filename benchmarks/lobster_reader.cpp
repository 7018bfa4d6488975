// lobster_reader throughput: parse + book update per LOBSTER message (items = messages),
// on the real sample files read into memory first (GOOG level 1, a whole day; AAPL level
// 10, 999 messages), from disk, with the order-level book (from both files, and from the
// message file alone) and with market-order grouping.
// Baseline in the same run: the same rows parsed with footprint's generic CSV cursor
// (std::from_chars per field, every field as double) into a price_level_book.
//
// Previous implementation (issue 22): build this same file a second time against the
// headers of the commit before the change (git archive <commit> include | tar -x -C old)
// and run both binaries, alternating; the benchmark names are the same.
//
//   build/lobster/benchmarks/lobster_reader --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
#include "footprint/feeds/lobster/lobster_reader.hpp"
#include "footprint/detail/csv.hpp"
#include "footprint/feeds/lobster/lobster_market_order_reader.hpp"
#include "footprint/feeds/lobster/lobster_message_reader.hpp"

#include <benchmark/benchmark.h>

#include <array>
#include <filesystem>
#include <fstream>
#include <span>
#include <sstream>
#include <string>
#include <type_traits>
#include <vector>

namespace fp = footprint;
namespace fs = std::filesystem;

namespace {

struct sample_files {
  std::string message_path;
  std::string orderbook_path;
  std::string message;    // the whole file
  std::string orderbook;  // the whole file
  std::size_t rows = 0;
};

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

sample_files load(const std::string& folder, const std::string& stem, int levels) {
  const fs::path dir = fs::path(FOOTPRINT_BENCH_DATA_DIR) / "lobster" / folder;
  sample_files f;
  f.message_path = (dir / (stem + "_message_" + std::to_string(levels) + ".csv")).string();
  f.orderbook_path = (dir / (stem + "_orderbook_" + std::to_string(levels) + ".csv")).string();
  if (!fs::is_regular_file(f.message_path) || !fs::is_regular_file(f.orderbook_path)) return f;
  f.message = slurp(f.message_path);
  f.orderbook = slurp(f.orderbook_path);
  fp::lobster_reader r(fp::lobster_reader::in_memory, f.message, f.orderbook);
  fp::lobster_event ev;
  while (r.next(ev)) ++f.rows;
  return f;
}

const sample_files& goog() {
  static const sample_files f = load("GOOG_2012-06-21_L1", "GOOG_2012-06-21_34200000_57600000", 1);
  return f;
}
const sample_files& aapl() {
  static const sample_files f = load("AAPL_2012-06-21_L10_first999", "AAPL_2012-06-21_34200000_57600000", 10);
  return f;
}

bool have(benchmark::State& state, const sample_files& f) {
  if (f.rows != 0) return true;
  state.SkipWithError("LOBSTER sample files not found under FOOTPRINT_BENCH_DATA_DIR");
  return false;
}

// Parse + book update of every message, files in memory.
void in_memory(benchmark::State& state, const sample_files& f) {
  if (!have(state, f)) return;
  for (auto _ : state) {
    fp::lobster_reader r(fp::lobster_reader::in_memory, f.message, f.orderbook);
    fp::lobster_event ev;
    double sum = 0.0;
    while (r.next(ev)) sum += ev.book.bid_levels() > 0 ? ev.book.bid_quantity(0) : 0.0;
    benchmark::DoNotOptimize(sum);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * f.rows));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * (f.message.size() + f.orderbook.size())));
}

void BM_lobster_goog_l1_memory(benchmark::State& state) { in_memory(state, goog()); }
void BM_lobster_aapl_l10_memory(benchmark::State& state) { in_memory(state, aapl()); }

// The same from the plain files on disk (line_reader's buffered reads; page cache warm).
void BM_lobster_goog_l1_file(benchmark::State& state) {
  const sample_files& f = goog();
  if (!have(state, f)) return;
  for (auto _ : state) {
    fp::lobster_reader r(f.message_path, f.orderbook_path);
    fp::lobster_event ev;
    std::size_t n = 0;
    while (r.next(ev)) ++n;
    benchmark::DoNotOptimize(n);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * f.rows));
}

// No rule 5: each message applied to its order alone (stale orders stay).
constexpr fp::index no_stale_rule = -1;

// `apply` with the file's number of levels (rule 5 of order_level_book: stale levels out),
// or, built against headers from before that rule (see the top), without it; with
// `no_stale_rule`, each message to its order alone, as `apply` did before the rule.
template <class Book, class Event>
bool apply_event(Book& book, const Event& ev, fp::index file_levels) {
  if (file_levels == no_stale_rule) {
    const auto q = static_cast<double>(ev.quantity);
    switch (ev.type) {
      case fp::lobster_event_type::submit: book.add(ev.order_id, ev.side, ev.price, q); return true;
      case fp::lobster_event_type::cancel: book.cancel(ev.order_id, ev.side, ev.price, q); return true;
      case fp::lobster_event_type::delete_order: book.remove(ev.order_id, ev.side, ev.price, q); return true;
      case fp::lobster_event_type::execute_visible: book.execute(ev.order_id, ev.side, ev.price, q); return true;
      default: return false;
    }
  }
  if constexpr (requires { fp::apply(book, ev, file_levels); }) {
    return fp::apply(book, ev, file_levels);
  } else {
    return fp::apply(book, ev);
  }
}

// Reader + order-level book: every event applied by order id, read by `Reader` from both
// files (lobster_reader) or from the message file alone (lobster_message_reader: what an L3
// book needs, without LOBSTER's k-level orderbook file beside it).
template <class Reader>
void order_level_book_from(benchmark::State& state, const sample_files& f, fp::index file_levels) {
  if (!have(state, f)) return;
  for (auto _ : state) {
    Reader r = [&] {
      if constexpr (std::is_same_v<Reader, fp::lobster_reader>) {
        return Reader(Reader::in_memory, f.message, f.orderbook);
      } else {
        return Reader(Reader::in_memory, f.message);
      }
    }();
    fp::order_level_book book;
    fp::lobster_event ev;
    while (r.next(ev)) apply_event(book, ev, file_levels);
    benchmark::DoNotOptimize(book.order_count());
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * f.rows));
}
void BM_lobster_goog_l1_order_level_book(benchmark::State& state) {
  order_level_book_from<fp::lobster_reader>(state, goog(), 1);
}
void BM_lobster_goog_l1_message_only_order_level_book(benchmark::State& state) {
  order_level_book_from<fp::lobster_message_reader>(state, goog(), 1);
}
// The same without rule 5 (each message applied to its order alone: stale orders stay).
void BM_lobster_goog_l1_message_only_order_level_book_no_stale_rule(benchmark::State& state) {
  order_level_book_from<fp::lobster_message_reader>(state, goog(), no_stale_rule);
}
void BM_lobster_aapl_l10_order_level_book(benchmark::State& state) {
  order_level_book_from<fp::lobster_reader>(state, aapl(), 10);
}
void BM_lobster_aapl_l10_message_only_order_level_book(benchmark::State& state) {
  order_level_book_from<fp::lobster_message_reader>(state, aapl(), 10);
}

// The message file alone, parsed and checked, no book.
void BM_lobster_goog_l1_message_only(benchmark::State& state) {
  const sample_files& f = goog();
  if (!have(state, f)) return;
  for (auto _ : state) {
    fp::lobster_message_reader r(fp::lobster_message_reader::in_memory, f.message);
    fp::lobster_event ev;
    std::int64_t sum = 0;
    while (r.next(ev)) sum += ev.quantity;
    benchmark::DoNotOptimize(sum);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * f.rows));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * f.message.size()));
}

// The order-level book alone: the same day's events parsed beforehand, applied by order id
// (items = events; the book starts empty each iteration, as above).
void BM_order_level_book_goog_l1_events(benchmark::State& state) {
  const sample_files& f = goog();
  if (!have(state, f)) return;
  struct event {
    fp::lobster_event_type type;
    std::int64_t order_id;
    std::int64_t quantity;
    double price;
    fp::side side;
    std::chrono::nanoseconds time;
  };
  std::vector<event> events;
  {
    fp::lobster_reader r(fp::lobster_reader::in_memory, f.message, f.orderbook);
    fp::lobster_event ev;
    while (r.next(ev)) events.push_back(event{ev.type, ev.order_id, ev.quantity, ev.price, ev.side, ev.time});
  }
  for (auto _ : state) {
    fp::order_level_book book;
    fp::lobster_event ev;
    for (const event& e : events) {
      ev.type = e.type;
      ev.order_id = e.order_id;
      ev.quantity = e.quantity;
      ev.price = e.price;
      ev.side = e.side;
      ev.time = e.time;
      apply_event(book, ev, 1);
    }
    benchmark::DoNotOptimize(book.order_count());
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * events.size()));
}

// Reader + market-order grouping (hidden fills included), arrival book copied per order.
void BM_lobster_goog_l1_market_orders(benchmark::State& state) {
  const sample_files& f = goog();
  if (!have(state, f)) return;
  for (auto _ : state) {
    fp::lobster_reader r(fp::lobster_reader::in_memory, f.message, f.orderbook);
    fp::lobster_market_order_reader orders(r);
    fp::lobster_market_order mo;
    double size = 0.0;
    while (orders.next(mo)) size += mo.quantity;
    benchmark::DoNotOptimize(size);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * f.rows));
}

// Baseline: footprint's generic CSV cursor (std::from_chars, doubles) over the same rows,
// with the same validation left out, into a price_level_book with replace_side.
void csv_cursor_baseline(benchmark::State& state, const sample_files& f) {
  if (!have(state, f)) return;
  std::array<fp::price_level, 64> asks{};
  std::array<fp::price_level, 64> bids{};
  for (auto _ : state) {
    fp::line_reader msg("message", f.message);
    fp::line_reader ob("orderbook", f.orderbook);
    fp::price_level_book book;
    std::string_view m;
    std::string_view o;
    double sum = 0.0;
    while (msg.next(m) && ob.next(o)) {
      fp::detail::csv_cursor cm("message", msg.line_number(), m);
      const double t = cm.next_double("time");
      cm.skip("type");
      cm.skip("order_id");
      sum += cm.next_double("size");
      cm.skip("price");
      cm.skip("direction");
      cm.expect_end();
      fp::detail::csv_cursor co("orderbook", ob.line_number(), o);
      std::size_t na = 0;
      std::size_t nb = 0;
      while (!co.at_end()) {
        const double ap = co.next_double("ask_price");
        const double as = co.next_double("ask_size");
        const double bp = co.next_double("bid_price");
        const double bs = co.next_double("bid_size");
        if (as > 0) asks[na++] = fp::price_level{ap / 10000.0, as};
        if (bs > 0) bids[nb++] = fp::price_level{bp / 10000.0, bs};
      }
      book.replace_side(fp::side::sell, std::span<const fp::price_level>(asks.data(), na));
      book.replace_side(fp::side::buy, std::span<const fp::price_level>(bids.data(), nb));
      book.set_timestamp(std::chrono::nanoseconds(static_cast<std::int64_t>(t * 1e9)));
    }
    benchmark::DoNotOptimize(sum);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * f.rows));
}

void BM_baseline_csv_cursor_goog_l1_memory(benchmark::State& state) { csv_cursor_baseline(state, goog()); }
void BM_baseline_csv_cursor_aapl_l10_memory(benchmark::State& state) { csv_cursor_baseline(state, aapl()); }

}  // namespace

BENCHMARK(BM_lobster_goog_l1_memory)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_baseline_csv_cursor_goog_l1_memory)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_lobster_aapl_l10_memory)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_baseline_csv_cursor_aapl_l10_memory)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_lobster_goog_l1_file)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_lobster_goog_l1_order_level_book)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_lobster_goog_l1_message_only)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_lobster_goog_l1_message_only_order_level_book)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_lobster_goog_l1_message_only_order_level_book_no_stale_rule)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_lobster_aapl_l10_order_level_book)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_lobster_aapl_l10_message_only_order_level_book)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_order_level_book_goog_l1_events)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_lobster_goog_l1_market_orders)->Unit(benchmark::kMillisecond);

BENCHMARK_MAIN();
