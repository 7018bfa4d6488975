// lobster_reader on hand-made files: event fields and units, exact times, the book after
// each event, trades and their aggressor, market-order grouping, compressed files, and
// every validation error with its exact message, under both policies.
#include "footprint/feeds/lobster/lobster_reader.hpp"
#include "footprint/feeds/lobster/lobster_market_order_reader.hpp"

#include <doctest/doctest.h>

#include <bzlib.h>
#include <zlib.h>

#include <array>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

// Each test file is its own namespace: the module's files compile as one unity translation unit.
namespace unity_lobster_reader {

namespace fp = footprint;
namespace fs = std::filesystem;
using fp::lobster_event_type;
using fp::side;
using namespace std::chrono_literals;

namespace {

// Ten events on a two-level book: three asks and a bid arrive, a buy market order takes
// the first ask, a hidden order and part of the second ask (three fills at one time), a
// partial cancel, a sell market order empties the bids, a halt, and a deletion.
const std::string messages =
    "34200.000000001,1,11,100,1000000,1\n"
    "34200.1,1,12,50,1000100,-1\n"
    "34200.2,1,13,70,1000200,-1\n"
    "34201.000000005,4,12,50,1000100,-1\n"
    "34201.000000005,5,0,10,1000150,-1\n"
    "34201.000000005,4,13,30,1000200,-1\n"
    "34202,2,11,40,1000000,1\n"
    "34202.25,4,11,60,1000000,1\n"
    "34203,7,0,0,-1,-1\n"
    "34203.5,3,13,40,1000200,-1\n";
const std::string orderbook =
    "9999999999,0,1000000,100,9999999999,0,-9999999999,0\n"
    "1000100,50,1000000,100,9999999999,0,-9999999999,0\n"
    "1000100,50,1000000,100,1000200,70,-9999999999,0\n"
    "1000200,70,1000000,100,9999999999,0,-9999999999,0\n"
    "1000200,70,1000000,100,9999999999,0,-9999999999,0\n"
    "1000200,40,1000000,100,9999999999,0,-9999999999,0\n"
    "1000200,40,1000000,60,9999999999,0,-9999999999,0\n"
    "1000200,40,-9999999999,0,9999999999,0,-9999999999,0\n"
    "1000200,40,-9999999999,0,9999999999,0,-9999999999,0\n"
    "9999999999,0,-9999999999,0,9999999999,0,-9999999999,0\n";

std::vector<fp::lobster_event> read_all(fp::lobster_reader& r) {
  std::vector<fp::lobster_event> out;
  fp::lobster_event ev;
  while (r.next(ev)) out.push_back(ev);
  return out;
}

// The message of the data_error raised while reading `msg` and `ob` (strict), or "".
std::string first_error(const std::string& msg, const std::string& ob, fp::lobster_options options = {}) {
  try {
    fp::lobster_reader r(fp::lobster_reader::in_memory, msg, ob, options, "m.csv", "o.csv");
    fp::lobster_event ev;
    while (r.next(ev)) {}
  } catch (const fp::data_error& e) {
    return e.what();
  }
  return "";
}

const std::string ok_msg = "34200.1,1,11,100,1000000,1\n";
const std::string ok_ob = "1000100,50,1000000,100\n";

fs::path temp_file(const std::string& name) { return fs::temp_directory_path() / ("footprint_lobster_" + name); }

}  // namespace

TEST_CASE("lobster_reader: event fields, units and the book after each event") {
  fp::lobster_reader r(fp::lobster_reader::in_memory, messages, orderbook);
  const auto events = read_all(r);
  REQUIRE(events.size() == 10);
  CHECK(r.levels() == 2);
  CHECK(r.report().lines_read == 10);
  CHECK(r.report().rows_skipped == 0);

  const fp::lobster_event& first = events[0];
  CHECK(first.time == 34200000000001ns);
  CHECK(first.type == lobster_event_type::submit);
  CHECK(first.order_id == 11);
  CHECK(first.quantity == 100);
  CHECK(first.price_x10000 == 1000000);
  CHECK(first.price == 100.0);
  CHECK(first.side == side::buy);
  CHECK(first.line == 1);
  CHECK(first.aggressor() == 0);
  CHECK_FALSE(first.is_trade());

  CHECK(events[1].time == 34200100000000ns);  // "34200.1": a short fraction is exact too
  CHECK(events[6].time == 34202000000000ns);  // "34202": no decimals
  CHECK(events[2].price == 100.02);
  CHECK(events[3].type == lobster_event_type::execute_visible);
  CHECK(events[4].type == lobster_event_type::execute_hidden);
  CHECK(events[6].type == lobster_event_type::cancel);
  CHECK(events[9].type == lobster_event_type::delete_order);
  CHECK(to_string(events[9].type) == "delete_order");

  const fp::lobster_event& halt = events[8];
  CHECK(halt.type == lobster_event_type::halt);
  CHECK(halt.price_x10000 == -1);
  CHECK(std::isnan(halt.price));
  CHECK(halt.quantity == 0);
  CHECK_FALSE(halt.is_trade());
}

TEST_CASE("lobster_reader: empty levels (+/-9999999999, size 0) are absent and book_before is the previous row") {
  fp::lobster_reader r(fp::lobster_reader::in_memory, messages, orderbook);
  fp::lobster_event ev;
  REQUIRE(r.next(ev));
  CHECK(ev.book.ask_levels() == 0);
  REQUIRE(ev.book.bid_levels() == 1);
  CHECK(ev.book.bid_price(0) == 100.0);
  CHECK(ev.book.bid_quantity(0) == 100);
  CHECK(ev.book.timestamp() == ev.time);
  CHECK(ev.book_before.bid_levels() == 0);  // nothing before the first row
  CHECK(ev.book_before.ask_levels() == 0);
  REQUIRE(r.next(ev));
  REQUIRE(r.next(ev));
  REQUIRE(ev.book.ask_levels() == 2);
  CHECK(ev.book.ask_price(0) == 100.01);
  CHECK(ev.book.ask_price(1) == 100.02);
  CHECK(ev.book.ask_quantity(1) == 70);
  CHECK(ev.book_before.ask_levels() == 1);
  REQUIRE(r.next(ev));  // the buy market order takes the 100.01 ask
  CHECK(ev.book.ask_price(0) == 100.02);
  CHECK(ev.book_before.ask_price(0) == 100.01);
  CHECK(r.book().ask_price(0) == 100.02);
  CHECK(r.previous_book().ask_price(0) == 100.01);
  for (int i = 0; i < 6; ++i) REQUIRE(r.next(ev));
  CHECK(ev.line == 10);
  CHECK(ev.book.ask_levels() == 0);
  CHECK(ev.book.bid_levels() == 0);
  CHECK_FALSE(r.next(ev));
  CHECK_FALSE(r.next(ev));  // and on every later call
}

TEST_CASE("lobster_reader: executions are trades and the aggressor is opposite to the resting order") {
  fp::lobster_reader r(fp::lobster_reader::in_memory, messages, orderbook);
  std::vector<fp::trade> trades;
  fp::lobster_event ev;
  while (r.next(ev)) {
    if (const auto t = fp::to_trade(ev)) trades.push_back(*t);
  }
  REQUIRE(trades.size() == 4);
  // A sell limit order (direction -1) executed: buyer-initiated, +1.
  CHECK(trades[0].time == 34201000000005ns);
  CHECK(trades[0].price == 100.01);
  CHECK(trades[0].quantity == 50);
  CHECK(trades[0].sign == 1);
  CHECK(trades[0].id == 12);
  CHECK(trades[1].price == 100.015);  // the hidden fill
  CHECK(trades[1].sign == 1);
  CHECK(trades[1].id == 0);
  // A buy limit order (direction +1) executed: seller-initiated, -1.
  CHECK(trades[3].price == 100.0);
  CHECK(trades[3].quantity == 60);
  CHECK(trades[3].sign == -1);
}

TEST_CASE("lobster_reader: market orders group fills with one time and one aggressor side") {
  SUBCASE("hidden fills included (default)") {
    fp::lobster_reader r(fp::lobster_reader::in_memory, messages, orderbook);
    fp::lobster_market_order_reader orders(r);
    fp::lobster_market_order mo;
    REQUIRE(orders.next(mo));
    CHECK(mo.time == 34201000000005ns);
    CHECK(mo.side == fp::side::buy);
    CHECK(mo.quantity == 90);
    CHECK(mo.fills == 3);
    CHECK(mo.hidden_fills == 1);
    CHECK(mo.first_line == 4);
    CHECK(mo.vwap == doctest::Approx((50 * 100.01 + 10 * 100.015 + 30 * 100.02) / 90));
    CHECK(mo.worst_price == 100.02);
    // The arrival book is the book before the first fill: after line 3.
    REQUIRE(mo.arrival_book.ask_levels() == 2);
    CHECK(mo.arrival_book.best_ask() == 100.01);
    CHECK(mo.arrival_book.ask_quantity(1) == 70);
    CHECK(mo.arrival_book.best_bid() == 100.0);
    CHECK(mo.arrival_book.timestamp() == 34200200000000ns);

    REQUIRE(orders.next(mo));
    CHECK(mo.time == 34202250000000ns);
    CHECK(mo.side == fp::side::sell);
    CHECK(mo.quantity == 60);
    CHECK(mo.fills == 1);
    CHECK(mo.vwap == 100.0);
    CHECK(mo.worst_price == 100.0);
    CHECK(mo.arrival_book.bid_quantity(0) == 60);  // after the partial cancel of line 7
    CHECK_FALSE(orders.next(mo));
    CHECK(mo.side == fp::side::sell);  // unchanged by the call that returned false
  }
  SUBCASE("visible fills only: a hidden fill inside the group neither joins nor splits it") {
    fp::lobster_reader r(fp::lobster_reader::in_memory, messages, orderbook);
    fp::lobster_market_order_reader orders(r, {.include_hidden = false});
    fp::lobster_market_order mo;
    REQUIRE(orders.next(mo));
    CHECK(mo.quantity == 80);
    CHECK(mo.fills == 2);
    CHECK(mo.hidden_fills == 0);
    CHECK(mo.vwap == doctest::Approx((50 * 100.01 + 30 * 100.02) / 80));
    REQUIRE(orders.next(mo));
    CHECK_FALSE(orders.next(mo));
  }
  SUBCASE("same time, other side: a new market order") {
    const std::string msg =
        "34200.1,1,1,10,1000000,1\n"
        "34200.1,1,2,10,1000100,-1\n"
        "34201,4,1,5,1000000,1\n"
        "34201,4,2,5,1000100,-1\n"
        "34201,4,2,5,1000100,-1\n";
    const std::string ob =
        "9999999999,0,1000000,10\n"
        "1000100,10,1000000,10\n"
        "1000100,10,1000000,5\n"
        "1000100,5,1000000,5\n"
        "9999999999,0,1000000,5\n";
    fp::lobster_reader r(fp::lobster_reader::in_memory, msg, ob);
    fp::lobster_market_order_reader orders(r);
    fp::lobster_market_order mo;
    REQUIRE(orders.next(mo));
    CHECK(mo.side == fp::side::sell);
    CHECK(mo.quantity == 5);
    REQUIRE(orders.next(mo));
    CHECK(mo.side == fp::side::buy);
    CHECK(mo.quantity == 10);
    CHECK(mo.fills == 2);
    CHECK(mo.arrival_book.best_bid() == 100.0);  // the book after the first market order
    CHECK(mo.arrival_book.bid_quantity(0) == 5);
    CHECK_FALSE(orders.next(mo));
  }
}

TEST_CASE("lobster_reader: usage, applying events to an order-level book") {
  const std::string message_text = messages;
  const std::string orderbook_text = orderbook;
  fp::lobster_reader reader(fp::lobster_reader::in_memory, message_text, orderbook_text,
                            {.policy = fp::parse_policy::strict});
  fp::order_level_book orders;
  fp::lobster_event ev;
  while (reader.next(ev)) {
    fp::apply(orders, ev);  // add, cancel, delete and execute by order id
    if (ev.type == fp::lobster_event_type::execute_visible) {
      // A visible execution prints at the best price of the resting side before it.
      const double best = ev.side == fp::side::sell ? ev.book_before.ask_price(0) : ev.book_before.bid_price(0);
      CHECK(ev.price == best);
    }
    // Here the order-level book agrees with LOBSTER's book: every order is known.
    CHECK(orders.bid_levels() == ev.book.bid_levels());
    CHECK(orders.ask_levels() == ev.book.ask_levels());
  }
  CHECK(orders.order_count() == 0);
  CHECK(orders.stats().unknown_ids == 0);
}

TEST_CASE("lobster_reader: gzip and bzip2 files read like the plain ones") {
  const fs::path msg_plain = temp_file("m.csv"), ob_plain = temp_file("o.csv");
  const fs::path msg_gz = temp_file("m.csv.gz"), ob_bz = temp_file("o.csv.bz2");
  std::ofstream(msg_plain, std::ios::binary) << messages;
  std::ofstream(ob_plain, std::ios::binary) << orderbook;
  gzFile gz = gzopen(msg_gz.c_str(), "wb");
  REQUIRE(gz != nullptr);
  REQUIRE(gzwrite(gz, messages.data(), static_cast<unsigned>(messages.size())) == static_cast<int>(messages.size()));
  gzclose(gz);
  std::FILE* f = std::fopen(ob_bz.c_str(), "wb");
  REQUIRE(f != nullptr);
  int err = BZ_OK;
  BZFILE* bz = BZ2_bzWriteOpen(&err, f, 9, 0, 0);
  REQUIRE(err == BZ_OK);
  BZ2_bzWrite(&err, bz, const_cast<char*>(orderbook.data()), static_cast<int>(orderbook.size()));
  BZ2_bzWriteClose(&err, bz, 0, nullptr, nullptr);
  std::fclose(f);

  fp::lobster_reader plain(msg_plain.string(), ob_plain.string());
  fp::lobster_reader packed(msg_gz.string(), ob_bz.string());
  fp::lobster_event a;
  fp::lobster_event b;
  int n = 0;
  while (plain.next(a)) {
    REQUIRE(packed.next(b));
    CHECK(a.time == b.time);
    CHECK(a.type == b.type);
    CHECK(a.order_id == b.order_id);
    CHECK(a.quantity == b.quantity);
    CHECK(a.price_x10000 == b.price_x10000);
    CHECK(a.side == b.side);
    CHECK(a.book.bid_levels() == b.book.bid_levels());
    CHECK(a.book.ask_levels() == b.book.ask_levels());
    ++n;
  }
  CHECK_FALSE(packed.next(b));
  CHECK(n == 10);
  CHECK(packed.message_file() == msg_gz.string());
  fs::remove(msg_plain);
  fs::remove(ob_plain);
  fs::remove(msg_gz);
  fs::remove(ob_bz);
}

TEST_CASE("lobster_reader: times are parsed exactly into nanoseconds") {
  const std::string ob =
      "1000100,50,1000000,100\n1000100,50,1000000,100\n1000100,50,1000000,100\n1000100,50,1000000,100\n";
  const std::string msg =
      "0.000000001,1,1,1,1000000,1\n"
      "34200.05990197,1,2,1,1000000,1\n"
      "57599.999999999,1,3,1,1000000,1\n"
      "86399.999999999,1,4,1,1000000,1\n";
  fp::lobster_reader r(fp::lobster_reader::in_memory, msg, ob);
  const auto events = read_all(r);
  REQUIRE(events.size() == 4);
  CHECK(events[0].time.count() == 1);
  CHECK(events[1].time.count() == 34200059901970);
  CHECK(events[2].time.count() == 57599999999999);
  CHECK(events[3].time.count() == 86399999999999);  // the last nanosecond of the day
  // Nine integer digits parse, but are not a time of the file's day.
  const std::string one_ob = ob.substr(0, 23);  // the reader keeps views of its text
  fp::lobster_reader later(fp::lobster_reader::in_memory, "999999999.9,1,4,1,1000000,1\n", one_ob);
  CHECK_THROWS_WITH_AS((void)read_all(later),
                       "message:1:1: field 'time': not in the file's day (999999999.900000000 s after midnight; "
                       "LOBSTER times are below 86400)",
                       fp::data_error);
}

TEST_CASE("lobster_reader: malformed message rows raise data_error naming file, line, column and field") {
  CHECK(first_error("34200.1,1,11,100,1000000\n", ok_ob) ==
        "m.csv:1:6: field 'direction': missing field (the row is too short)");
  CHECK(first_error("34200.1,1,11,100,1000000,1,7\n", ok_ob) ==
        "m.csv:1:7: unexpected extra field (the row is too long)");
  CHECK(first_error("34200.1,1,11,abc,1000000,1\n", ok_ob) == "m.csv:1:4: field 'size': not an integer (got 'abc')");
  CHECK(first_error("34200.1,1,11,100,10.5,1\n", ok_ob) == "m.csv:1:5: field 'price': not an integer (got '10.5')");
  CHECK(first_error("34200.1,1,,100,1000000,1\n", ok_ob) == "m.csv:1:3: field 'order_id': not an integer (got '')");
  CHECK(first_error("34200.1234567891,1,11,100,1000000,1\n", ok_ob) ==
        "m.csv:1:1: field 'time': not a time in seconds after midnight (at most 9 integer digits and 9 decimals) "
        "(got '34200.1234567891')");
  CHECK(first_error("-1.5,1,11,100,1000000,1\n", ok_ob) ==
        "m.csv:1:1: field 'time': not a time in seconds after midnight (at most 9 integer digits and 9 decimals) (got "
        "'-1.5')");
  CHECK(first_error("34200.,1,11,100,1000000,1\n", ok_ob) ==
        "m.csv:1:1: field 'time': not a time in seconds after midnight (at most 9 integer digits and 9 decimals) (got "
        "'34200.')");
  CHECK(first_error("34200.1,8,11,100,1000000,1\n", ok_ob) ==
        "m.csv:1:2: field 'type': unknown event type (got 8; LOBSTER types are 1 to 7)");
  CHECK(first_error("34200.1,0,11,100,1000000,1\n", ok_ob) ==
        "m.csv:1:2: field 'type': unknown event type (got 0; LOBSTER types are 1 to 7)");
  CHECK(first_error("34200.1,1,11,0,1000000,1\n", ok_ob) == "m.csv:1:4: field 'size': must be > 0 (got 0)");
  CHECK(first_error("34200.1,4,11,-5,1000000,1\n", ok_ob) == "m.csv:1:4: field 'size': must be > 0 (got -5)");
  CHECK(first_error("34200.1,7,0,-1,-1,-1\n", ok_ob) == "m.csv:1:4: field 'size': must be >= 0 (got -1)");
  CHECK(first_error("34200.1,1,11,100,0,1\n", ok_ob) == "m.csv:1:5: field 'price': must be > 0 (got 0)");
  CHECK(first_error("34200.1,7,0,0,5,-1\n", ok_ob) ==
        "m.csv:1:5: field 'price': a halt (type 7) has price -1, 0 or 1 (got 5)");
  CHECK(first_error("34200.1,1,11,100,1234567890123456,1\n", ok_ob) ==
        "m.csv:1:5: field 'price': out of range (more than 15 digits) (got '1234567890123456')");
  CHECK(first_error("34200.1,1,1234567890123456789,100,1000000,1\n", ok_ob) ==
        "m.csv:1:3: field 'order_id': out of range (more than 18 digits) (got '1234567890123456789')");
  CHECK(first_error("34200.1,1,11,100,1000000,0\n", ok_ob) == "m.csv:1:6: field 'direction': must be 1 or -1 (got 0)");
  CHECK(first_error("34200.1,1,11,100,1000000,1\n34200.099999999,1,12,100,1000000,1\n", ok_ob + ok_ob) ==
        "m.csv:2:1: field 'time': time goes back (34200.099999999 after 34200.100000000)");
  CHECK(first_error("34200.1,1,11,100,1000000,1\n\n", ok_ob + ok_ob) ==
        "m.csv:2:1: field 'time': not a time in seconds after midnight (at most 9 integer digits and 9 decimals) (got "
        "'')");
  // Long garbage is shortened in the message.
  CHECK(
      first_error(std::string(100, 'x') + ",1,11,100,1000000,1\n", ok_ob) ==
      "m.csv:1:1: field 'time': not a time in seconds after midnight (at most 9 integer digits and 9 decimals) (got '" +
          std::string(40, 'x') + "...')");
}

TEST_CASE("lobster_reader: malformed orderbook rows and mismatched files raise data_error") {
  CHECK(first_error(ok_msg, "1000100,50,1000000,100,5\n") ==
        "o.csv:1: an orderbook row has 4 fields per level (ask price, ask size, bid price, bid size); got 5 fields");
  CHECK(first_error(ok_msg + ok_msg, ok_ob + "1000100,50,1000000\n") ==
        "o.csv:2:4: field 'bid_size_1': missing field (the row is too short)");
  CHECK(first_error(ok_msg + ok_msg, ok_ob + "1000100,50,1000000,100,1\n") ==
        "o.csv:2:5: unexpected extra field (the row is too long)");
  CHECK(first_error(ok_msg, "1000100,x50,1000000,100\n") ==
        "o.csv:1:2: field 'ask_size_1': not an integer (got 'x50')");
  CHECK(first_error(ok_msg, "1000000,100,1000000,50\n") ==
        "o.csv:1:3: field 'bid_price_1': crossed book (best bid 1000000 >= best ask 1000000)");
  CHECK(first_error(ok_msg, "1000000,100,1000100,50\n") ==
        "o.csv:1:3: field 'bid_price_1': crossed book (best bid 1000100 >= best ask 1000000)");
  CHECK(first_error(ok_msg, "9999999999,5,1000000,100\n") ==
        "o.csv:1:2: field 'ask_size_1': must be 0 at an empty level (price 9999999999; got 5)");
  CHECK(first_error(ok_msg, "1000100,50,-9999999999,3\n") ==
        "o.csv:1:4: field 'bid_size_1': must be 0 at an empty level (price -9999999999; got 3)");
  CHECK(first_error(ok_msg, "1000100,0,1000000,100\n") ==
        "o.csv:1:2: field 'ask_size_1': must be > 0 at an occupied level (got 0)");
  CHECK(first_error(ok_msg, "1000100,50,1000000,-100\n") ==
        "o.csv:1:4: field 'bid_size_1': must be > 0 at an occupied level (got -100)");
  CHECK(first_error(ok_msg, "-9999999999,0,1000000,100\n") ==
        "o.csv:1:1: field 'ask_price_1': must be > 0, or 9999999999 at an empty level (got -9999999999)");
  CHECK(first_error(ok_msg, "1000100,50,0,100\n") ==
        "o.csv:1:3: field 'bid_price_1': must be > 0, or -9999999999 at an empty level (got 0)");
  CHECK(first_error(ok_msg, "9999999999,0,1000000,100,1000100,5,-9999999999,0\n") ==
        "o.csv:1:5: field 'ask_price_2': an occupied level after an empty one (got 1000100)");
  CHECK(first_error(ok_msg, "1000100,5,-9999999999,0,1000200,5,1000000,7\n") ==
        "o.csv:1:7: field 'bid_price_2': an occupied level after an empty one (got 1000000)");
  CHECK(first_error(ok_msg, "1000100,5,1000000,10,1000100,5,999900,7\n") ==
        "o.csv:1:5: field 'ask_price_2': asks must rise strictly with the level (got 1000100 after 1000100)");
  CHECK(first_error(ok_msg, "1000100,5,1000000,10,1000200,5,1000001,7\n") ==
        "o.csv:1:7: field 'bid_price_2': bids must fall strictly with the level (got 1000001 after 1000000)");
  CHECK(first_error(ok_msg + ok_msg, ok_ob) ==
        "o.csv:2: the orderbook file ends before the message file (no row for message line 2)");
  CHECK(first_error(ok_msg, ok_ob + ok_ob) ==
        "m.csv:2: the message file ends before the orderbook file (no message for orderbook line 2)");
  CHECK(first_error(ok_msg, ok_ob, {.levels = 2}) ==
        "o.csv:1:5: field 'ask_price_2': missing field (the row is too short)");
  CHECK(first_error(ok_msg, ok_ob, {.levels = 1}).empty());
  CHECK(first_error(ok_msg, "1000100,50,1000000,100").empty());  // no newline at the end
  CHECK(first_error("", "").empty());                            // two empty files: no events
}

TEST_CASE("lobster_reader: bad options and missing files") {
  CHECK_THROWS_WITH_AS(fp::lobster_reader(fp::lobster_reader::in_memory, ok_msg, ok_ob, {.levels = -1}),
                       "footprint::lobster_reader: options.levels must be >= 0 (got -1)", fp::invalid_argument);
  CHECK_THROWS_WITH_AS(fp::lobster_reader("/nonexistent/footprint_message.csv", "/nonexistent/footprint_orderbook.csv"),
                       "/nonexistent/footprint_message.csv: cannot open file for reading", fp::data_error);
}

TEST_CASE("lobster_reader: lenient policy skips and counts malformed rows and the book stays consistent") {
  const std::string msg =
      "34200.1,1,11,100,1000000,1\n"   // 1 ok
      "34200.2,9,12,100,1000000,1\n"   // 2 bad type
      "34200.3,1,13,50,1000100,-1\n"   // 3 ok
      "34200.4,1,14,50,1000200,-1\n"   // 4 crossed orderbook row
      "34200.25,1,15,50,999900,1\n"    // 5 time goes back
      "34200.5,3,13,50,1000100,-1\n"   // 6 ok
      "34200.6,1,16,10,1000300,-1\n";  // 7 message without orderbook row
  const std::string ob =
      "9999999999,0,1000000,100\n"
      "9999999999,0,1000000,200\n"
      "1000100,50,1000000,100\n"
      "1000000,50,1000100,100\n"
      "1000100,50,1000000,100\n"
      "9999999999,0,1000000,100\n";
  fp::lobster_reader r(fp::lobster_reader::in_memory, msg, ob, {.policy = fp::parse_policy::lenient}, "m.csv", "o.csv");
  const auto events = read_all(r);
  REQUIRE(events.size() == 3);
  CHECK(events[0].line == 1);
  CHECK(events[1].line == 3);
  CHECK(events[2].line == 6);
  // The skipped rows changed nothing: the book before line 6 is the book after line 3.
  CHECK(events[2].book_before.ask_price(0) == 100.01);
  CHECK(events[2].book_before.bid_quantity(0) == 100);
  CHECK(events[2].book.ask_levels() == 0);
  const fp::parse_report& rep = r.report();
  CHECK(rep.lines_read == 7);
  CHECK(rep.rows_skipped == 4);
  REQUIRE(rep.first_errors.size() == 4);
  CHECK(rep.first_errors[0] == "m.csv:2:2: field 'type': unknown event type (got 9; LOBSTER types are 1 to 7)");
  CHECK(rep.first_errors[1] == "o.csv:4:3: field 'bid_price_1': crossed book (best bid 1000100 >= best ask 1000000)");
  CHECK(rep.first_errors[2] == "m.csv:5:1: field 'time': time goes back (34200.250000000 after 34200.300000000)");
  CHECK(rep.first_errors[3] == "o.csv:7: the orderbook file ends before the message file (no row for message line 7)");

  // Under the strict policy the same files stop at line 2.
  CHECK(first_error(msg, ob) == "m.csv:2:2: field 'type': unknown event type (got 9; LOBSTER types are 1 to 7)");
}

TEST_CASE("lobster_reader: lenient policy counts every extra line of the longer file") {
  const std::string ob = ok_ob + ok_ob + ok_ob;  // the reader keeps views: the text must outlive it
  fp::lobster_reader r(fp::lobster_reader::in_memory, ok_msg, ob, {.policy = fp::parse_policy::lenient}, "m.csv",
                       "o.csv");
  const auto events = read_all(r);
  CHECK(events.size() == 1);
  CHECK(r.report().lines_read == 3);
  CHECK(r.report().rows_skipped == 2);
  REQUIRE(r.report().first_errors.size() == 2);
  CHECK(r.report().first_errors[1] ==
        "m.csv:3: the message file ends before the orderbook file (no message for orderbook line 3)");
}

TEST_CASE("lobster_reader: the level count is detected from the first valid orderbook row under lenient") {
  const std::string msg = ok_msg + "34200.2,1,12,100,1000000,1\n";
  const std::string ob = "1000100,50,1000000\n1000100,50,1000000,200\n";
  fp::lobster_reader r(fp::lobster_reader::in_memory, msg, ob, {.policy = fp::parse_policy::lenient});
  const auto events = read_all(r);
  REQUIRE(events.size() == 1);
  CHECK(r.levels() == 1);
  CHECK(events[0].book.bid_quantity(0) == 200);
  CHECK(r.report().rows_skipped == 1);
}

TEST_CASE("lobster_reader: random rows of every field width agree with std::from_chars") {
  std::mt19937_64 rng(42);
  const auto digits = [&](int n, bool nonzero_first) {
    std::string s;
    for (int i = 0; i < n; ++i) s += static_cast<char>('0' + (i == 0 && nonzero_first ? 1 + rng() % 9 : rng() % 10));
    return s;
  };
  const auto value = [](const std::string& s) {
    std::int64_t v = 0;
    const char* first = s.data();
    if (*first == '+') ++first;
    std::from_chars(first, s.data() + s.size(), v);
    return v;
  };
  std::string msg;
  std::string ob;
  std::vector<std::array<std::int64_t, 5>> expected;  // time ns, id, size, price, best bid
  std::int64_t t = 0;
  for (int i = 0; i < 3000; ++i) {
    const int decimals = static_cast<int>(rng() % 10);
    std::int64_t step = 1;
    for (int d = decimals; d < 9; ++d) step *= 10;
    t = (t / step + 1 + static_cast<std::int64_t>(rng() % 20)) * step;  // about 3,500 s in all: within a day
    std::string time = std::to_string(t / 1000000000);
    if (decimals > 0) {
      std::string frac = std::to_string(t % 1000000000);
      frac.insert(0, 9 - frac.size(), '0');
      time += '.';
      time += frac.substr(0, static_cast<std::size_t>(decimals));
    }
    std::string id = rng() % 2 == 0 ? "-" : "";
    id += digits(1 + static_cast<int>(rng() % 18), false);
    const std::string size = digits(1 + static_cast<int>(rng() % 18), true);
    const std::string price = digits(1 + static_cast<int>(rng() % 15), true);
    for (const std::string& f : {time, std::string("1"), id, size, price}) (msg += f) += ',';
    msg += "1\n";
    // Two levels: ask above bid, both with sizes of every width.
    const std::int64_t bid = 1 + static_cast<std::int64_t>(rng() % 100000000000000);
    for (const std::string& f :
         {std::to_string(bid + 1), digits(1 + static_cast<int>(rng() % 18), true), std::to_string(bid),
          digits(1 + static_cast<int>(rng() % 18), true), std::to_string(bid + 2), std::string("7")}) {
      (ob += f) += ',';
    }
    ob += bid > 1 ? std::to_string(bid - 1) + ",3\n" : std::string("-9999999999,0\n");
    expected.push_back({t, value(id), value(size), value(price), bid});
  }
  fp::lobster_reader r(fp::lobster_reader::in_memory, msg, ob);
  fp::lobster_event ev;
  std::size_t i = 0;
  std::size_t wrong = 0;
  while (r.next(ev)) {
    const auto& e = expected[i++];
    if (ev.time.count() != e[0] || ev.order_id != e[1] || ev.quantity != e[2] || ev.price_x10000 != e[3] ||
        ev.book.bid_price(0) != static_cast<double>(e[4]) / 10000.0) {
      ++wrong;
    }
  }
  CHECK(i == expected.size());
  CHECK(wrong == 0);
}

TEST_CASE("lobster_reader: bytes next to the digits in ASCII, and high bytes, are not digits") {
  CHECK(first_error("34200.1,1,12345/78,100,1000000,1\n", ok_ob) ==
        "m.csv:1:3: field 'order_id': not an integer (got '12345/78')");
  CHECK(first_error("34200.1,1,1234567:,100,1000000,1\n", ok_ob) ==
        "m.csv:1:3: field 'order_id': not an integer (got '1234567:')");
  CHECK(first_error("34200.1,1,12\xb0"
                    "45678,100,1000000,1\n",
                    ok_ob) ==
        "m.csv:1:3: field 'order_id': not an integer (got '12\\xb045678')");  // not UTF-8: escaped
  CHECK(first_error("34200.1,1, 11,100,1000000,1\n", ok_ob) ==
        "m.csv:1:3: field 'order_id': not an integer (got ' 11')");
  CHECK(first_error("34200.1,1,+11,100,1000000,1\n", ok_ob) ==
        "m.csv:1:3: field 'order_id': not an integer (got '+11')");
  CHECK(first_error("34200.1,1,--11,100,1000000,1\n", ok_ob) ==
        "m.csv:1:3: field 'order_id': not an integer (got '--11')");
  CHECK(first_error("342:0.1,1,11,100,1000000,1\n", ok_ob) ==
        "m.csv:1:1: field 'time': not a time in seconds after midnight (at most 9 integer digits and 9 decimals) (got "
        "'342:0.1')");
  CHECK(first_error("1234567890.5,1,11,100,1000000,1\n", ok_ob) ==
        "m.csv:1:1: field 'time': not a time in seconds after midnight (at most 9 integer digits and 9 decimals) "
        "(got '1234567890.5')");
  CHECK(first_error("34200.1\r\n", "1000100,50,1000000,100\r\n") ==
        "m.csv:1:2: field 'type': missing field (the row is too short)");
  CHECK(first_error("34200.1,1,11,100,1000000,1\r\n", "1000100,50,1000000,100\r\n").empty());  // CRLF files
}

TEST_CASE("apply: hidden executions, cross trades, halts and unknown types leave the orders and levels alone") {
  fp::order_level_book book;
  book.add(1, side::buy, 99.0, 100);
  book.add(2, side::sell, 101.0, 100);
  fp::lobster_event ev;
  ev.side = side::buy;
  ev.price = 101.0;  // would take the ask out if it were a resting bid's message
  ev.quantity = 100;
  ev.order_id = 1;
  for (int t : {0, 5, 6, 7, 8}) {
    ev.type = static_cast<lobster_event_type>(t);
    CHECK_FALSE(fp::apply(book, ev, 1));
  }
  CHECK(book.order_count() == 2);
  CHECK(book.ask_price(0) == 101.0);
  CHECK(book.stats().stale_levels == 0);
  ev.type = lobster_event_type::submit;  // a bid resting at 101: the ask there is stale
  ev.order_id = 3;
  CHECK(fp::apply(book, ev, 1));
  CHECK(book.ask_levels() == 0);
  CHECK(book.bid_price(0) == 101.0);
  CHECK(book.stats().stale_orders == 1);
}

}  // namespace unity_lobster_reader
