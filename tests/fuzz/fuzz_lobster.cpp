// libFuzzer target for lobster_reader (and the market-order grouping and the order-level
// book fed from it). The input is split into a message file and an orderbook file at its
// first 0 byte (or half-way when it has none) and read from memory:
// - strict policy: only footprint::data_error may come out, after which reading goes on;
// - lenient policy: nothing may come out, and every line is either an event or counted;
// - both: every book yielded (and the reader's books after an error) is well-formed
//   (levels strictly ordered, quantities > 0, not crossed), times never go back, and both
//   policies see the same events and the same number of bad rows;
// - lobster_message_reader on the message file alone, under both policies: the same
//   guarantees, and when no row is bad it gives the pair reader's events field for field.
// Any other exception, a crash, a hang or a sanitizer report is a finding.
#include "footprint/feeds/lobster/lobster_market_order_reader.hpp"
#include "footprint/feeds/lobster/lobster_message_reader.hpp"
#include "footprint/feeds/lobster/lobster_reader.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>
#include <vector>

namespace fp = footprint;

namespace {

void require(bool ok) {
  if (!ok) std::abort();
}

void check_book(const fp::book_view& b) {
  for (fp::index i = 0; i < b.bid_levels(); ++i) {
    require(b.bid_quantity(i) > 0 && b.bid_price(i) > 0);
    if (i > 0) require(b.bid_price(i) < b.bid_price(i - 1));
  }
  for (fp::index i = 0; i < b.ask_levels(); ++i) {
    require(b.ask_quantity(i) > 0 && b.ask_price(i) > 0);
    if (i > 0) require(b.ask_price(i) > b.ask_price(i - 1));
  }
  if (b.bid_levels() > 0 && b.ask_levels() > 0) require(b.bid_price(0) < b.ask_price(0));
}

struct outcome {
  std::size_t events = 0;
  std::size_t errors = 0;  // data_error caught (strict) or rows skipped (lenient)
};

// Reads every event; under the strict policy, goes on after each data_error (the reader
// promises that a malformed row changes nothing), so both policies must see the same.
outcome read_events(std::string_view msg, std::string_view ob, fp::parse_policy policy) {
  fp::lobster_reader r(fp::lobster_reader::in_memory, msg, ob, {.policy = policy});
  fp::order_level_book orders;
  fp::lobster_event ev;
  outcome out;
  std::int64_t last = -1;
  for (;;) {
    try {
      if (!r.next(ev)) break;
    } catch (const fp::data_error&) {
      require(policy == fp::parse_policy::strict);  // lenient never throws on memory buffers
      ++out.errors;
      check_book(r.book());
      check_book(r.previous_book());
      continue;
    }
    ++out.events;
    require(ev.time.count() >= last);
    last = ev.time.count();
    require(ev.line >= out.events);
    check_book(ev.book);
    check_book(ev.book_before);
    require(ev.book.timestamp() == ev.time);
    if (const auto t = fp::to_trade(ev)) require(t->quantity > 0 && t->price > 0);
    fp::apply(orders, ev);
    require(orders.order_count() <= out.events);
  }
  require(!r.next(ev));
  if (policy == fp::parse_policy::lenient) {
    out.errors = r.report().rows_skipped;
    require(r.report().lines_read == out.events + out.errors);
  }
  return out;
}

// The message file alone: every event, or the data_error of each bad row (strict) / its
// counted skip (lenient); the events are returned.
std::vector<fp::lobster_event> read_messages(std::string_view msg, fp::parse_policy policy, std::size_t& errors) {
  fp::lobster_message_reader r(fp::lobster_message_reader::in_memory, msg, {.policy = policy});
  fp::order_level_book orders;
  fp::order_level_book level1;
  std::vector<fp::lobster_event> events;
  fp::lobster_event ev;
  errors = 0;
  std::int64_t last = -1;
  for (;;) {
    try {
      if (!r.next(ev)) break;
    } catch (const fp::data_error&) {
      require(policy == fp::parse_policy::strict);
      ++errors;
      continue;
    }
    require(ev.time.count() >= last);
    last = ev.time.count();
    require(ev.book.bid_levels() == 0 && ev.book.ask_levels() == 0);
    fp::apply(orders, ev);
    fp::apply(level1, ev, 1);  // rule 5 too: stale levels out
    // After a message at a price on one side, nothing rests on the other at or through it,
    // and with one level nothing better on its own side.
    if (ev.type <= fp::lobster_event_type::execute_visible && level1.bid_levels() > 0 && level1.ask_levels() > 0)
      require(level1.bid_price(0) < level1.ask_price(0));
    require(level1.order_count() <= orders.order_count());
    events.push_back(ev);
  }
  require(!r.next(ev));
  if (policy == fp::parse_policy::lenient) {
    errors = r.report().rows_skipped;
    require(r.report().lines_read == events.size() + errors);
  }
  return events;
}

std::size_t read_market_orders(std::string_view msg, std::string_view ob, fp::parse_policy policy, bool hidden) {
  fp::lobster_reader r(fp::lobster_reader::in_memory, msg, ob, {.policy = policy});
  fp::lobster_market_order_reader orders(r, {.include_hidden = hidden});
  fp::lobster_market_order mo;
  std::size_t fills = 0;
  while (orders.next(mo)) {
    require(mo.fills >= 1 && mo.quantity > 0 && (mo.side == fp::side::buy || mo.side == fp::side::sell));
    require(mo.hidden_fills <= mo.fills);
    fills += mo.fills;
  }
  return fills;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  const std::size_t cut = in.find('\0');
  const std::string_view msg = cut == std::string_view::npos ? in.substr(0, size / 2) : in.substr(0, cut);
  const std::string_view ob = cut == std::string_view::npos ? in.substr(size / 2) : in.substr(cut + 1);

  const outcome strict = read_events(msg, ob, fp::parse_policy::strict);
  const outcome lenient = read_events(msg, ob, fp::parse_policy::lenient);
  require(strict.events == lenient.events && strict.errors == lenient.errors);

  std::size_t strict_bad = 0;
  std::size_t lenient_bad = 0;
  const std::vector<fp::lobster_event> alone = read_messages(msg, fp::parse_policy::strict, strict_bad);
  require(read_messages(msg, fp::parse_policy::lenient, lenient_bad).size() == alone.size());
  require(strict_bad == lenient_bad);
  if (strict.errors == 0) {  // every row of both files good: the same events
    fp::lobster_reader pair(fp::lobster_reader::in_memory, msg, ob);
    fp::lobster_event ev;
    for (const fp::lobster_event& a : alone) {
      require(pair.next(ev));
      require(ev.time == a.time && ev.type == a.type && ev.order_id == a.order_id && ev.quantity == a.quantity &&
              ev.price_x10000 == a.price_x10000 && ev.side == a.side && ev.line == a.line);
    }
    require(!pair.next(ev));
  }
  try {
    read_market_orders(msg, ob, fp::parse_policy::strict, true);
  } catch (const fp::data_error&) {}
  read_market_orders(msg, ob, fp::parse_policy::lenient, false);
  return 0;
}
