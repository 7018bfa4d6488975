// libFuzzer target: the Bitstamp snapshot and trade CSV parsers over memory, under both
// parse policies. The same input is given to both parsers. Only footprint::data_error may
// escape; a lenient read throws only for a bad header. Book invariants are checked after
// every snapshot.
#include "footprint/feeds/bitstamp/bitstamp_snapshot_reader.hpp"
#include "footprint/feeds/bitstamp/bitstamp_trade_reader.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

namespace fp = footprint;

namespace {

void snapshots(std::string_view text, fp::parse_policy policy) {
  fp::bitstamp_snapshot_reader r("fuzz", text, policy);
  while (r.next()) {
    const fp::price_level_book& b = r.book();
    if (b.is_crossed() || b.bid_levels() > r.depth() || b.ask_levels() > r.depth()) std::abort();
    for (fp::index i = 1; i < b.bid_levels(); ++i) {
      if (!(b.bid_price(i) < b.bid_price(i - 1))) std::abort();
    }
    for (fp::index i = 1; i < b.ask_levels(); ++i) {
      if (!(b.ask_price(i) > b.ask_price(i - 1))) std::abort();
    }
  }
  if (r.report().lines_read != 1 + r.snapshots() + r.report().rows_skipped) std::abort();
}

void trades(std::string_view text, fp::parse_policy policy) {
  fp::bitstamp_trade_reader r("fuzz", text, policy);
  fp::trade t;
  std::int64_t last = -1;
  while (r.next(t)) {
    if (!(t.price > 0.0) || !(t.quantity > 0.0) || t.sign < -1 || t.sign > 1 || t.time.count() < last) std::abort();
    last = t.time.count();
  }
  if (r.report().lines_read != 1 + r.trades() + r.report().rows_skipped) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  for (const fp::parse_policy policy : {fp::parse_policy::strict, fp::parse_policy::lenient}) {
    try {
      snapshots(text, policy);
    } catch (const fp::data_error& e) {
      // Lenient reads of memory throw only for the header (line 1).
      if (policy == fp::parse_policy::lenient && e.line() > 1) std::abort();
    }
    try {
      trades(text, policy);
    } catch (const fp::data_error& e) {
      if (policy == fp::parse_policy::lenient && e.line() > 1) std::abort();
    }
  }
  return 0;
}
