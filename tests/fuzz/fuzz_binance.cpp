// libFuzzer target: the Binance parsers over memory, under both parse policies: the raw
// capture reader (binance_reader, the whole input) and the CSV reader (binance_csv_reader,
// the input split at form feeds into depth, bookTicker and trades files), with the depth
// book behind them. Only footprint::data_error may escape a strict read; a lenient read of
// memory throws only for a CSV header. Book invariants are checked after every message, and
// a depth book on tick_level_book fed the same messages must hold the same book.
#include "footprint/feeds/binance/binance_csv_reader.hpp"
#include "footprint/feeds/binance/binance_reader.hpp"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

namespace fp = footprint;

namespace {

template <class Book>
void check_book(const Book& b) {
  for (fp::index i = 0; i < b.bid_levels(); ++i) {
    if (!(b.bid_quantity(i) > 0.0) || (i > 0 && !(b.bid_price(i) < b.bid_price(i - 1)))) std::abort();
  }
  for (fp::index i = 0; i < b.ask_levels(); ++i) {
    if (!(b.ask_quantity(i) > 0.0) || (i > 0 && !(b.ask_price(i) > b.ask_price(i - 1)))) std::abort();
  }
}

// A depth book on tick_level_book, fed the reader's depth messages, must hold the reader's
// book (on price_level_book): the same outcome, the counts and the best 16 levels.
void check_tick_book(fp::basic_binance_depth_book<fp::tick_level_book>& t, const fp::binance_event& ev,
                     const fp::price_level_book& a) {
  fp::binance_depth_result x;
  if (ev.kind == fp::binance_event_kind::depth_update) {
    x = t.apply_update({ev.first_update_id, ev.last_update_id, ev.previous_update_id, ev.bids, ev.asks}, ev.local_time);
  } else if (ev.kind == fp::binance_event_kind::depth_snapshot) {
    x = t.apply_snapshot(ev.last_update_id, ev.bids, ev.asks, ev.local_time);
  } else {
    return;
  }
  if (x.applied != ev.applied || x.crossed != ev.crossed) std::abort();
  const fp::tick_level_book& b = t.book();
  check_book(b);
  if (a.bid_levels() != b.bid_levels() || a.ask_levels() != b.ask_levels()) std::abort();
  for (fp::index i = 0; i < std::min<fp::index>(16, a.bid_levels()); ++i) {
    if (a.bid_price(i) != b.bid_price(i) || a.bid_quantity(i) != b.bid_quantity(i)) std::abort();
  }
  for (fp::index i = 0; i < std::min<fp::index>(16, a.ask_levels()); ++i) {
    if (a.ask_price(i) != b.ask_price(i) || a.ask_quantity(i) != b.ask_quantity(i)) std::abort();
  }
}

void run(std::string_view text, fp::binance_options options) {
  fp::binance_reader r("fuzz", text, options);
  fp::basic_binance_depth_book<fp::tick_level_book> tick(options.market, options.replay_capacity);
  fp::binance_event ev;
  std::size_t events = 0;
  while (r.next(ev)) {
    ++events;
    check_book(r.book());
    check_tick_book(tick, ev, r.book());
    const bool depth =
        ev.kind == fp::binance_event_kind::depth_update || ev.kind == fp::binance_event_kind::depth_snapshot;
    if (depth && ev.crossed != r.book().is_crossed()) std::abort();
  }
  const fp::binance_message_counts& c = r.counts();
  if (c.depth_updates + c.depth_snapshots + c.book_tickers + c.trades != events) std::abort();
  // every line read is an event, a skipped line or a stream the reader does not use
  if (r.report().lines_read != events + r.report().rows_skipped + c.unused_streams) std::abort();
}

void run_csv(std::string_view text, fp::binance_options options) {
  std::string_view parts[3];
  for (std::string_view& part : parts) {
    const std::size_t ff = text.find('\f');
    part = text.substr(0, ff);
    text = ff == std::string_view::npos ? std::string_view{} : text.substr(ff + 1);
  }
  fp::binance_csv_reader r(fp::line_reader("depth", parts[0]), fp::line_reader("ticker", parts[1]),
                           fp::line_reader("trades", parts[2]), options);
  fp::binance_event ev;
  std::size_t events = 0;
  while (r.next(ev)) {
    ++events;
    check_book(r.book());
  }
  const fp::binance_message_counts& c = r.counts();
  if (c.depth_updates + c.book_tickers + c.trades != events || c.depth_snapshots != 0) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    run(text, {.policy = fp::parse_policy::strict, .replay_capacity = 3});
  } catch (const fp::data_error&) {}
  // Lenient over memory: every malformed line is skipped, nothing throws.
  run(text, {.policy = fp::parse_policy::lenient, .replay_capacity = 2});
  if (text.find('\f') != std::string_view::npos) {
    for (const fp::parse_policy policy : {fp::parse_policy::strict, fp::parse_policy::lenient}) {
      try {
        run_csv(text, {.policy = policy});
      } catch (const fp::data_error& e) {
        if (policy == fp::parse_policy::lenient && e.line() != 1) std::abort();  // only a bad header
      }
    }
  }
  return 0;
}
