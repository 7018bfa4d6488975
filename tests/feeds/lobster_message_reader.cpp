// lobster_message_reader: the message file alone gives lobster_reader's events field for
// field (hand-made rows, the GOOG day and the AAPL level-10 excerpt), the same order-level
// book, the same data_error for every malformed message row, and the lenient policy's
// counted skips.
#include "footprint/feeds/lobster/lobster_message_reader.hpp"
#include "footprint/feeds/lobster/lobster_reader.hpp"

#include <doctest/doctest.h>

#include <zlib.h>

#include <bit>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

// Each test file is its own namespace: the module's files compile as one unity translation unit.
namespace unity_lobster_message_reader {

namespace fp = footprint;
namespace fs = std::filesystem;

namespace {

// Every field of an event except the two book views, as exact values.
bool same_event(const fp::lobster_event& a, const fp::lobster_event& b) {
  return a.time == b.time && a.type == b.type && a.order_id == b.order_id && a.quantity == b.quantity &&
         a.price_x10000 == b.price_x10000 &&
         std::bit_cast<std::uint64_t>(a.price) == std::bit_cast<std::uint64_t>(b.price) && a.side == b.side &&
         a.line == b.line;
}

// Both books' levels, bit for bit.
bool same_levels(const fp::order_level_book& a, const fp::order_level_book& b) {
  if (a.bid_levels() != b.bid_levels() || a.ask_levels() != b.ask_levels()) return false;
  for (fp::index i = 0; i < a.bid_levels(); ++i)
    if (a.bid_price(i) != b.bid_price(i) || a.bid_quantity(i) != b.bid_quantity(i)) return false;
  for (fp::index i = 0; i < a.ask_levels(); ++i)
    if (a.ask_price(i) != b.ask_price(i) || a.ask_quantity(i) != b.ask_quantity(i)) return false;
  return true;
}

// Reads a file pair both ways, checking event by event; returns the number of events.
std::size_t compare_readers(fp::lobster_reader& both, fp::lobster_message_reader& alone) {
  fp::order_level_book book_both;
  fp::order_level_book book_alone;
  fp::lobster_event a;
  fp::lobster_event b;
  std::size_t n = 0;
  while (both.next(a)) {
    REQUIRE(alone.next(b));
    INFO("event ", n, " at line ", a.line);
    REQUIRE(same_event(a, b));
    CHECK(b.book.bid_levels() + b.book.ask_levels() == 0);
    CHECK(b.book_before.bid_levels() + b.book_before.ask_levels() == 0);
    CHECK(fp::apply(book_both, a) == fp::apply(book_alone, b));
    ++n;
  }
  CHECK_FALSE(alone.next(b));
  CHECK(same_levels(book_both, book_alone));
  CHECK(book_both.order_count() == book_alone.order_count());
  CHECK(book_both.stats().unknown_ids == book_alone.stats().unknown_ids);
  CHECK(alone.report().lines_read == both.report().lines_read);
  return n;
}

// The data_error message of each reader on `msg` (strict), or "".
// n random decimal digits (the rows the fast readers are held to are built of them).
std::string random_digits(std::mt19937_64& rng, int n) {
  std::string d;
  for (int i = 0; i < n; ++i) d += static_cast<char>('0' + rng() % 10);
  return d;
}

std::string message_reader_error(const std::string& msg) {
  try {
    fp::lobster_message_reader r(fp::lobster_message_reader::in_memory, msg, {}, "m.csv");
    fp::lobster_event ev;
    while (r.next(ev)) {}
  } catch (const fp::data_error& e) {
    return e.what();
  }
  return "";
}
std::string pair_reader_error(const std::string& msg, const std::string& ob) {
  try {
    fp::lobster_reader r(fp::lobster_reader::in_memory, msg, ob, {}, "m.csv", "o.csv");
    fp::lobster_event ev;
    while (r.next(ev)) {}
  } catch (const fp::data_error& e) {
    return e.what();
  }
  return "";
}

const std::string messages =
    "34200.000000001,1,11,100,1000000,1\n"
    "34200.1,1,12,50,1000100,-1\n"
    "34201.000000005,4,12,50,1000100,-1\n"
    "34201.000000005,5,0,10,1000150,-1\n"
    "34202,2,11,40,1000000,1\n"
    "34203,7,0,0,-1,-1\n"
    "34203.5,3,11,60,1000000,1\n";
const std::string orderbook =
    "9999999999,0,1000000,100\n"
    "1000100,50,1000000,100\n"
    "9999999999,0,1000000,100\n"
    "9999999999,0,1000000,100\n"
    "9999999999,0,1000000,60\n"
    "9999999999,0,1000000,60\n"
    "9999999999,0,-9999999999,0\n";

std::string goog_dir() { return (fs::path(FOOTPRINT_TEST_DATA_DIR) / "lobster" / "GOOG_2012-06-21_L1").string(); }

}  // namespace

TEST_CASE("lobster_message_reader: the events of lobster_reader, without the books") {
  fp::lobster_reader both(fp::lobster_reader::in_memory, messages, orderbook);
  fp::lobster_message_reader alone(fp::lobster_message_reader::in_memory, messages);
  CHECK(compare_readers(both, alone) == 7);

  fp::lobster_message_reader r(fp::lobster_message_reader::in_memory, messages);
  fp::lobster_event ev;
  REQUIRE(r.next(ev));
  CHECK(ev.time == std::chrono::nanoseconds{34200000000001});
  CHECK(ev.type == fp::lobster_event_type::submit);
  CHECK(ev.price == 100.0);
  CHECK(ev.side == fp::side::buy);
  CHECK(ev.line == 1);
  for (int i = 0; i < 5; ++i) REQUIRE(r.next(ev));
  CHECK(ev.type == fp::lobster_event_type::halt);
  CHECK(std::isnan(ev.price));
  CHECK(ev.price_x10000 == -1);
}

TEST_CASE("lobster_message_reader: usage, rebuilding the order-level book from the messages") {
  fp::lobster_message_reader r(fp::lobster_message_reader::in_memory, messages);
  fp::order_level_book book;
  fp::lobster_event ev;
  while (r.next(ev)) fp::apply(book, ev);  // no orderbook file needed
  // Order 11 (a bid of 100 at 100.00) lost 40 to a cancel and its last 60 to a deletion;
  // order 12 (an ask of 50) was executed whole.
  CHECK(book.order_count() == 0);
  CHECK(book.bid_levels() == 0);
  CHECK(book.ask_levels() == 0);
  CHECK(book.stats().adds == 2);
  CHECK(book.stats().cancels == 1);
  CHECK(book.stats().executions == 1);
  CHECK(book.stats().removes == 1);
  CHECK(r.report().lines_read == 7);
}

TEST_CASE("lobster_message_reader: every malformed message row gives lobster_reader's data_error") {
  const std::string ok_ob = "1000100,50,1000000,100\n";
  const std::vector<std::string> rows = {
      "34200.1,1,11,100,1000000\n",
      "34200.1,1,11,100,1000000,1,7\n",
      "34200.1,1,11,abc,1000000,1\n",
      "34200.1,1,11,100,10.5,1\n",
      "34200.1,1,,100,1000000,1\n",
      "34200.1234567891,1,11,100,1000000,1\n",
      "-1.5,1,11,100,1000000,1\n",
      "34200.,1,11,100,1000000,1\n",
      "34200.1,8,11,100,1000000,1\n",
      "34200.1,0,11,100,1000000,1\n",
      "34200.1,1,11,0,1000000,1\n",
      "34200.1,4,11,-5,1000000,1\n",
      "34200.1,7,0,-1,-1,-1\n",
      "34200.1,1,11,100,0,1\n",
      "34200.1,7,0,0,5,-1\n",
      "34200.1,1,11,100,1234567890123456,1\n",
      "34200.1,1,1234567890123456789,100,1000000,1\n",
      "34200.1,1,11,100,1000000,0\n",
      "34200.1,1,11,100,1000000,-2\n",
      std::string(100, 'x') + ",1,11,100,1000000,1\n",
  };
  for (const std::string& row : rows) {
    INFO("row: ", row);
    const std::string expected = pair_reader_error(row, ok_ob);
    REQUIRE_FALSE(expected.empty());
    CHECK(message_reader_error(row) == expected);
  }
  // Time going back, and a blank line, on the second row.
  const std::string back = "34200.1,1,11,100,1000000,1\n34200.099999999,1,12,100,1000000,1\n";
  CHECK(message_reader_error(back) ==
        "m.csv:2:1: field 'time': time goes back (34200.099999999 after 34200.100000000)");
  CHECK(message_reader_error(back) == pair_reader_error(back, ok_ob + ok_ob));
  const std::string blank = "34200.1,1,11,100,1000000,1\n\n";
  CHECK(message_reader_error(blank) == pair_reader_error(blank, ok_ob + ok_ob));
}

TEST_CASE("lobster rows: the fast message parser accepts only rows the checked parser accepts, with the same fields") {
  // Valid rows of every field width, then mutated one byte at a time (a digit, a sign, a
  // separator, a dot, a space or a high byte put in, taken out or replaced).
  std::mt19937_64 rng(20261205);
  const char bytes[] = "0123456789,.-+ x\x80";
  const std::string file = "m.csv";
  std::size_t fast_accepted = 0;
  std::size_t disagreements = 0;
  std::string first_disagreement;
  for (int i = 0; i < 200000; ++i) {
    std::string row = random_digits(rng, 1 + static_cast<int>(rng() % 9));
    if (rng() % 4 != 0) row += "." + random_digits(rng, 1 + static_cast<int>(rng() % 9));
    row += "," + std::to_string(1 + rng() % 7) + "," + random_digits(rng, 1 + static_cast<int>(rng() % 19)) + "," +
           random_digits(rng, 1 + static_cast<int>(rng() % 19)) + "," +
           random_digits(rng, 1 + static_cast<int>(rng() % 16)) + "," + (rng() % 2 == 0 ? "1" : "-1");
    for (int k = static_cast<int>(rng() % 3); k > 0; --k) {
      const std::size_t at = rng() % (row.size() + 1);
      const char c = bytes[rng() % (sizeof bytes - 1)];
      switch (rng() % 3) {
        case 0: row.insert(at, 1, c); break;
        case 1:
          if (at < row.size()) row.erase(at, 1);
          break;
        default:
          if (at < row.size()) row[at] = c;
      }
    }
    fp::detail::lobster_message fast{};
    if (!fp::detail::parse_lobster_message_fast(row, fast)) continue;
    ++fast_accepted;
    bool same = false;
    try {
      const fp::detail::lobster_message checked = fp::detail::parse_lobster_message_checked(file, 1, row, 0);
      same = checked.time_ns == fast.time_ns && checked.type == fast.type && checked.order_id == fast.order_id &&
             checked.size == fast.size && checked.price == fast.price && checked.direction == fast.direction;
    } catch (const fp::data_error&) {}
    if (!same && disagreements++ == 0) first_disagreement = row;
  }
  INFO("first disagreement: ", first_disagreement);
  CHECK(disagreements == 0);
  CHECK(fast_accepted > 20000);  // the fast path does see many rows
}

TEST_CASE("lobster rows: the straight-line time reader (SSSSS.D...D,) agrees with the loop reader") {
  // Times of a trading day's shape (5 digits, 1 to 9 decimals), then mutated one byte at a
  // time (a digit, a separator, a dot, a sign, a space or a high byte replaced, put in or taken
  // out), with a row's tail after them: wherever the straight-line reader accepts, the loop
  // reader reads the same nanoseconds and stops at the same comma; it accepts every unmutated
  // time of 2 to 9 decimals, and leaves those of one decimal to the loop reader.
  std::mt19937_64 rng(20261207);
  const char bytes[] = "0123456789,.-+ x\x80\xff";
  std::size_t accepted = 0;
  std::size_t disagreements = 0;
  std::size_t moved_on_refusal = 0;
  std::size_t whole_refused = 0;
  std::size_t one_decimal_accepted = 0;
  std::string first_disagreement;
  for (int i = 0; i < 100000; ++i) {
    const int decimals = 1 + static_cast<int>(rng() % 9);
    std::string row;
    for (int k = 0; k < 6 + decimals; ++k) row += k == 5 ? '.' : static_cast<char>('0' + rng() % 10);
    row += ",1,16113575,18,5853300,1";
    const int mutations = static_cast<int>(rng() % 3);
    for (int k = mutations; k > 0; --k) {
      const std::size_t at = rng() % 17;
      const char c = bytes[rng() % (sizeof bytes - 1)];
      switch (rng() % 3) {
        case 0: row.insert(at, 1, c); break;
        case 1: row.erase(at, 1); break;
        default: row[at] = c;
      }
    }
    const bool truncated = rng() % 8 == 0;
    if (truncated) row.resize(rng() % 17);  // mostly too short for the 16-byte reads
    const bool whole = mutations == 0 && !truncated;
    const char* fast_q = row.data();
    std::int64_t fast_ns = -1;
    if (!fp::detail::read_lobster_time_5d(fast_q, row.data() + row.size(), fast_ns)) {
      if (fast_q != row.data()) ++moved_on_refusal;  // q must be left untouched
      if (whole && decimals >= 2) ++whole_refused;
      continue;
    }
    ++accepted;
    if (whole && decimals == 1) ++one_decimal_accepted;
    const char* loop_q = row.data();
    std::int64_t loop_ns = -2;
    const bool loop_ok = fp::detail::read_lobster_time(loop_q, row.data() + row.size(), loop_ns);
    if (!(loop_ok && loop_ns == fast_ns && loop_q == fast_q && *fast_q == ',') && disagreements++ == 0)
      first_disagreement = row;
  }
  INFO("first disagreement: ", first_disagreement);
  CHECK(disagreements == 0);
  CHECK(moved_on_refusal == 0);
  CHECK(whole_refused == 0);
  CHECK(one_decimal_accepted == 0);
  CHECK(accepted > 25000);  // about 7/8 x 1/3 x 8/9 of the rows are whole with 2 or more decimals
  // The largest value, and two decimals.
  for (const auto& [text, expected] : {std::pair<std::string, std::int64_t>{"99999.999999999,", 99'999'999'999'999},
                                       {"57600.25,1,2,3,4,1", 57'600'250'000'000}}) {
    const char* q = text.data();
    std::int64_t ns = 0;
    REQUIRE(fp::detail::read_lobster_time_5d(q, text.data() + text.size(), ns));
    CHECK(ns == expected);
    CHECK(*q == ',');
  }
}

TEST_CASE("lobster rows: the order id, size and price from one compare agree with the digit runs") {
  // "<id>,<size>,<price>,<direction>" with fields of 1 to 16, 1 to 9 and 1 to 9 digits (some
  // 0), then mutated one byte at a time in the first 24: wherever the one-compare reader
  // accepts, the digit-run reader reads the same values and stops at the same byte; it
  // accepts every unmutated row of its shape (id 1-14 digits, the size's comma within 16
  // bytes, size 1-8 and price 1-7 digits, not 0, 8 bytes from the price on, 16 from the id).
  std::mt19937_64 rng(20261209);
  const char bytes[] = "0123456789,.-+ x\x80\xff";
  std::size_t accepted = 0;
  std::size_t wrong = 0;
  std::size_t whole_refused = 0;
  std::size_t moved_on_refusal = 0;
  std::string first_wrong;
  for (int i = 0; i < 100000; ++i) {
    const std::string id = random_digits(rng, 1 + static_cast<int>(rng() % 16));
    const std::string size = rng() % 16 == 0 ? std::string("0") : random_digits(rng, 1 + static_cast<int>(rng() % 9));
    const std::string price = rng() % 16 == 0 ? std::string("00") : random_digits(rng, 1 + static_cast<int>(rng() % 9));
    std::string row = id + "," + size + "," + price + "," + (rng() % 2 == 0 ? "1" : "-1");
    const int mutations = static_cast<int>(rng() % 3);
    for (int k = mutations; k > 0; --k) {
      const std::size_t at = rng() % 24;
      const char c = bytes[rng() % (sizeof bytes - 1)];
      if (at >= row.size()) continue;
      switch (rng() % 3) {
        case 0: row.insert(at, 1, c); break;
        case 1: row.erase(at, 1); break;
        default: row[at] = c;
      }
    }
    const char* end = row.data() + row.size();
    const char* q = row.data();
    std::uint64_t a = 1, b = 2, c = 3;
    if (!fp::detail::read_lobster_id_size_price(q, end, a, b, c)) {
      if (q != row.data() || a != 1 || b != 2 || c != 3) ++moved_on_refusal;
      const std::size_t price_at = id.size() + size.size() + 2;
      const bool shape = id.size() <= 14 && id.size() + 1 + size.size() <= 15 && size.size() <= 8 &&
                         price.size() <= 7 && std::stoull(size) > 0 && std::stoull(price) > 0 && row.size() >= 16 &&
                         row.size() - price_at >= 8;
      if (mutations == 0 && shape) ++whole_refused;
      continue;
    }
    ++accepted;
    const char* r = row.data();
    fp::detail::lobster_message m{};
    const bool runs = fp::detail::read_lobster_id_size_price_runs(r, end, m);
    if (!(runs && r == q && static_cast<std::uint64_t>(m.order_id) == a && static_cast<std::uint64_t>(m.size) == b &&
          static_cast<std::uint64_t>(m.price) == c) &&
        wrong++ == 0)
      first_wrong = row;
  }
  INFO("first disagreement: ", first_wrong, "; accepted ", accepted);
  CHECK(wrong == 0);
  CHECK(whole_refused == 0);
  CHECK(moved_on_refusal == 0);
  CHECK(accepted > 8000);  // about 9%: most rows are too short after the price or too long before it
}

TEST_CASE("lobster_message_reader: lenient policy skips and counts malformed rows, strict goes on after an error") {
  const std::string text =
      "34200.1,1,11,100,1000000,1\n"
      "34200.2,9,12,100,1000000,1\n"   // unknown type
      "34200.05,1,13,100,1000000,1\n"  // time goes back
      "34200.3,1,14,100,1000000,-1\n";
  fp::lobster_message_reader lenient(fp::lobster_message_reader::in_memory, text,
                                     {.policy = fp::parse_policy::lenient});
  fp::lobster_event ev;
  std::vector<std::int64_t> ids;
  while (lenient.next(ev)) ids.push_back(ev.order_id);
  CHECK(ids == std::vector<std::int64_t>{11, 14});
  CHECK(lenient.report().lines_read == 4);
  CHECK(lenient.report().rows_skipped == 2);
  REQUIRE(lenient.report().first_errors.size() == 2);
  CHECK(lenient.report().first_errors[0] ==
        "message:2:2: field 'type': unknown event type (got 9; LOBSTER types are 1 to 7)");

  fp::lobster_message_reader strict(fp::lobster_message_reader::in_memory, text);
  REQUIRE(strict.next(ev));
  CHECK_THROWS_AS(strict.next(ev), fp::data_error);
  CHECK(ev.order_id == 11);  // unchanged by the failed call
  CHECK_THROWS_AS(strict.next(ev), fp::data_error);
  REQUIRE(strict.next(ev));
  CHECK(ev.order_id == 14);
  CHECK_FALSE(strict.next(ev));
}

TEST_CASE("lobster_message_reader: a gzip file reads like the plain text, a missing file is a data_error") {
  const fs::path gz_path = fs::temp_directory_path() / "footprint_lobster_message_reader.csv.gz";
  gzFile gz = gzopen(gz_path.c_str(), "wb");
  REQUIRE(gz != nullptr);
  REQUIRE(gzwrite(gz, messages.data(), static_cast<unsigned>(messages.size())) == static_cast<int>(messages.size()));
  gzclose(gz);
  fp::lobster_reader both(fp::lobster_reader::in_memory, messages, orderbook);
  fp::lobster_message_reader alone(gz_path.string());
  CHECK(compare_readers(both, alone) == 7);
  CHECK(alone.message_file() == gz_path.string());
  fs::remove(gz_path);
  CHECK_THROWS_AS(fp::lobster_message_reader("/nonexistent/footprint_message.csv"), fp::data_error);
}

TEST_CASE("lobster_message_reader: the GOOG day and the AAPL level-10 excerpt give lobster_reader's events and book" *
          doctest::test_suite("real-data")) {
  const fs::path goog = fs::path(goog_dir());
  const std::string stem = "GOOG_2012-06-21_34200000_57600000";
  if (!fs::is_directory(goog)) {
    MESSAGE("skipped: no LOBSTER data under " << goog.string());
    return;
  }
  {
    fp::lobster_reader both((goog / (stem + "_message_1.csv")).string(), (goog / (stem + "_orderbook_1.csv")).string());
    fp::lobster_message_reader alone((goog / (stem + "_message_1.csv")).string());
    CHECK(compare_readers(both, alone) == 49482);  // the lines of the file
  }
  const fs::path aapl = fs::path(FOOTPRINT_TEST_DATA_DIR) / "lobster" / "AAPL_2012-06-21_L10_first999";
  const std::string aapl_stem = "AAPL_2012-06-21_34200000_57600000";
  fp::lobster_reader both((aapl / (aapl_stem + "_message_10.csv")).string(),
                          (aapl / (aapl_stem + "_orderbook_10.csv")).string());
  fp::lobster_message_reader alone((aapl / (aapl_stem + "_message_10.csv")).string());
  CHECK(compare_readers(both, alone) == 999);
}

}  // namespace unity_lobster_message_reader
