// binance_reader's fast path (detail/binance_fast_parse.hpp, detail/decimal.hpp) against its
// nlohmann-json path: every real capture read both ways gives bit-identical events, books and
// counts; the decimal reader is bit-identical to std::from_chars; lines outside the fast
// subset (malformed or merely unusual) read exactly as the nlohmann path reads them.
#include "footprint/detail/decimal.hpp"
#include "footprint/feeds/binance/binance_reader.hpp"
#include "footprint/feeds/binance/detail/binance_fast_parse.hpp"
#include "footprint/feeds/line_reader.hpp"

#include "feeds/crypto_test_data.hpp"

#include <doctest/doctest.h>

#include <bit>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <random>
#include <span>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

// Each test file is its own namespace: the module's files compile as one unity translation unit.
namespace unity_binance_fast_path {

namespace fp = footprint;
namespace fs = std::filesystem;

namespace {

// Bits of a double, so that comparisons are exact (NaN == NaN, -0 != +0).
std::uint64_t bits(double x) { return std::bit_cast<std::uint64_t>(x); }

void append(std::string& s, std::int64_t v) { s += std::to_string(v) + ','; }
void append(std::string& s, double v) { s += std::to_string(bits(v)) + ','; }

// Every field of an event, doubles as bits (the levels' count only, unless `levels`).
std::string describe(const fp::binance_event& ev, bool levels = true) {
  std::string s = std::string(fp::to_string(ev.kind)) + ':';
  append(s, ev.local_time.count());
  append(s, ev.exchange_time ? ev.exchange_time->count() : std::int64_t{-12345});
  append(s, static_cast<std::int64_t>(ev.line));
  append(s, ev.first_update_id);
  append(s, ev.last_update_id);
  append(s, ev.previous_update_id);
  for (const auto& side : {ev.bids, ev.asks}) {
    s += '[';
    append(s, static_cast<std::int64_t>(side.size()));
    for (const fp::price_level& l : levels ? side : side.first(0)) {
      append(s, l.price);
      append(s, l.quantity);
    }
    s += ']';
  }
  s += ev.applied ? 'A' : 'a';
  s += ev.gap ? 'G' : 'g';
  s += ev.crossed ? 'C' : 'c';
  const fp::binance_book_ticker& t = ev.ticker;
  append(s, t.update_id);
  append(s, t.bid_price);
  append(s, t.bid_quantity);
  append(s, t.ask_price);
  append(s, t.ask_quantity);
  append(s, t.local_time.count());
  append(s, t.exchange_time ? t.exchange_time->count() : std::int64_t{-12345});
  append(s, ev.trade.time.count());
  append(s, ev.trade.price);
  append(s, ev.trade.quantity);
  append(s, static_cast<std::int64_t>(ev.trade.sign));
  append(s, ev.trade.id);
  return s;
}

// The same levels, bit for bit.
bool same_levels(std::span<const fp::price_level> a, std::span<const fp::price_level> b) {
  return a.size() == b.size() &&
         (a.empty() || std::memcmp(a.data(), b.data(), a.size() * sizeof(fp::price_level)) == 0);
}

// The same event, bit for bit.
bool same(const fp::binance_event& a, const fp::binance_event& b) {
  return same_levels(a.bids, b.bids) && same_levels(a.asks, b.asks) && describe(a, false) == describe(b, false);
}

// The same book, bit for bit.
bool same(const fp::price_level_book& a, const fp::price_level_book& b) {
  const fp::book_view x = a.view();
  const fp::book_view y = b.view();
  return same_levels(x.bids_worst_first, y.bids_worst_first) && same_levels(x.asks_worst_first, y.asks_worst_first) &&
         a.timestamp() == b.timestamp();
}

// The whole book, doubles as bits.
std::string describe(const fp::price_level_book& b) {
  std::string s;
  const fp::book_view v = b.view();
  for (const auto& side : {v.bids_worst_first, v.asks_worst_first}) {
    s += '[';
    for (const fp::price_level& l : side) {
      append(s, l.price);
      append(s, l.quantity);
    }
    s += ']';
  }
  append(s, b.timestamp().count());
  return s;
}

// The reader's state after the input: counts, stats, report, symbol, scale, ticker, book.
std::string describe_state(const fp::binance_reader& r) {
  std::string s;
  const auto& c = r.counts();
  for (const std::size_t n : {c.depth_updates, c.depth_snapshots, c.book_tickers, c.trades, c.unused_streams})
    append(s, static_cast<std::int64_t>(n));
  const auto& st = r.depth().stats();
  for (const std::size_t n :
       {st.updates_applied, st.updates_stale, st.gaps, st.crossed, st.snapshots_applied, st.snapshots_unusable})
    append(s, static_cast<std::int64_t>(n));
  append(s, r.depth().last_update_id());
  append(s, static_cast<std::int64_t>(r.report().lines_read));
  append(s, static_cast<std::int64_t>(r.report().rows_skipped));
  for (const std::string& e : r.report().first_errors) s += e + '|';
  s += r.symbol() + ',';
  append(s, r.local_time_scale());
  append(s, r.book_ticker().update_id);
  append(s, r.book_ticker().bid_price);
  return s + describe(r.book());
}

// Everything reading `text` produces (events, then the state or the error), with the fast
// path on or off.
std::string outcome(const std::string& text, bool fast, fp::parse_policy policy = fp::parse_policy::strict) {
  fp::binance_reader r("m", text, {.policy = policy, .fast_parse = fast});
  std::string s;
  fp::binance_event ev;
  try {
    while (r.next(ev)) s += describe(ev) + '\n';
  } catch (const fp::data_error& e) {
    return s + "error: " + e.what() + '\n' + describe_state(r);
  }
  return s + describe_state(r);
}

// std::from_chars over the whole range, as the nlohmann path reads a decimal string.
bool from_chars_whole(const std::string& s, double& x) {
  double v = 0.0;
  const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc{} || ptr != s.data() + s.size()) return false;
  x = v;
  return true;
}

// A random decimal: fewer than `digits` digits before and after a '.' (the '.' in 3 of 4),
// with `longer`, more digits in 1 of 8; a stray character put in 1 of 16.
std::string random_decimal(std::mt19937_64& rng, int digits, bool longer) {
  const char extra[] = "0123456789.-+eEx ";
  std::string s;
  const int int_digits = static_cast<int>(rng() % static_cast<unsigned>(digits));
  const int frac_digits = static_cast<int>(rng() % static_cast<unsigned>(digits));
  for (int k = 0; k < int_digits; ++k) s += static_cast<char>('0' + rng() % 10);
  if (rng() % 4 != 0) {
    s += '.';
    for (int k = 0; k < frac_digits; ++k) s += static_cast<char>('0' + rng() % 10);
  }
  if (longer && rng() % 8 == 0) s += static_cast<char>('0' + rng() % 10) + std::string(rng() % 10, '0');
  if (rng() % 16 == 0) s.insert(rng() % (s.size() + 1), 1, extra[rng() % (sizeof extra - 1)]);
  return s;
}

// parse_decimal and from_chars agree on s: both fail, or both give the same bits.
bool same_as_from_chars(const std::string& s) {
  double a = 0.25, b = 0.25;
  const bool ok_a = fp::detail::parse_decimal(s.data(), s.data() + s.size(), a);
  const bool ok_b = from_chars_whole(s, b);
  return ok_a == ok_b && bits(a) == bits(b);
}

}  // namespace

TEST_CASE("binance fast path: decimal strings read bit-identically to std::from_chars") {
  const std::vector<std::string> edge = {"0",
                                         "0.00000000",
                                         "00000",
                                         "000.000",
                                         "-0",
                                         "-0.0",
                                         "+1",
                                         ".5",
                                         "5.",
                                         ".",
                                         "-",
                                         "-.5",
                                         "",
                                         "nan",
                                         "NaN",
                                         "inf",
                                         "-inf",
                                         "infinity",
                                         "1e5",
                                         "1E5",
                                         "1e-5",
                                         "1e",
                                         "1e+",
                                         "2.5e-3",
                                         "1e999",
                                         "1e-400",
                                         "0x10",
                                         " 1",
                                         "1 ",
                                         "1,5",
                                         "1..2",
                                         "61685.99000000",
                                         "0.014",
                                         "1.25869000",
                                         "0.00032000",
                                         "58710.20",
                                         "9007199254740992",
                                         "9007199254740993",
                                         "9007199254740991",
                                         "90071992547409.93",
                                         "0.9007199254740993",
                                         "1234567890123456789",
                                         "12345678901234567890",
                                         "0.1234567890123456789",
                                         "1.0000000000000000000001",
                                         "18446744073709551616",
                                         "0.30000000000000004",
                                         "0.1",
                                         "0.2",
                                         "0.3",
                                         "123456.789e3",
                                         "000000000000000000000000001",
                                         "0.0000000000000000000001",
                                         "0.00000000000000000000001",
                                         "1" + std::string(30, '0'),
                                         "0." + std::string(40, '0') + "1",
                                         "4.9406564584124654e-324",
                                         "1.7976931348623157e308",
                                         "1.7976931348623159e308",
                                         "2.2250738585072011e-308",
                                         "0.000000000000000000000000000000000000000000001",
                                         "99999999999999999999.5"};
  for (const std::string& s : edge) {
    INFO("text: '", s, "'");
    CHECK(same_as_from_chars(s));
  }
  // The fast path proper (no from_chars) on the shapes exchanges send.
  const auto parse = [](std::string_view s, double& x) {
    return fp::detail::parse_decimal(s.data(), s.data() + s.size(), x);
  };
  double x = 0.0;
  CHECK(parse("0.1", x));
  CHECK(bits(x) == bits(0.1));
  CHECK(parse("-0", x));
  CHECK(std::signbit(x));
  CHECK_FALSE(parse("1x", x));

  // A million random strings: plain decimals of 0-22 digits (around the 2^53 and 10^22
  // limits), and mutated ones (a sign, an exponent, a stray character).
  std::mt19937_64 rng(20240809);
  std::size_t accepted = 0;
  std::size_t mismatches = 0;
  std::string first_mismatch;
  for (int i = 0; i < 1'000'000; ++i) {
    const std::string s = random_decimal(rng, 12, true);
    double a = 0.0;
    accepted += fp::detail::parse_decimal(s.data(), s.data() + s.size(), a) ? 1 : 0;
    if (!same_as_from_chars(s) && mismatches++ == 0) first_mismatch = s;
  }
  INFO("first mismatch: '", first_mismatch, "'");
  CHECK(mismatches == 0);
  CHECK(accepted > 800'000);  // the sample is mostly numbers
}

namespace {

// quoted_plain_decimal on s closed by '"' and followed by `pad` bytes: false with p untouched,
// or true with p past the quote and the bits from_chars gives for s (which must accept it).
bool quoted_same_as_from_chars(const std::string& s, std::size_t pad) {
  const std::string text = s + '"' + std::string(pad, ']');
  const char* p = text.data();
  double a = 0.25;
  if (!fp::detail::quoted_plain_decimal(p, text.data() + text.size(), a)) return p == text.data() && a == 0.25;
  double b = 0.0;
  return from_chars_whole(s, b) && bits(a) == bits(b) && p == text.data() + s.size() + 1;
}

}  // namespace

TEST_CASE("binance fast path: a quoted decimal read from one 16-byte load matches std::from_chars") {
  // The shapes exchanges send take the fast path (on SSE2 machines), with 17 bytes left.
  for (const std::string s : {"61685.99000000", "0.014", "58710.20", "0.00000000", "1000.00", "1234567.1234567", "7"}) {
    INFO("text: '", s, "'");
    const std::string text = s + "\",\"0.5\"]]}}" + std::string(8, ' ');
    const char* p = text.data();
    double x = 0.0;
#if defined(__SSE2__)
    CHECK(fp::detail::quoted_plain_decimal(p, text.data() + text.size(), x));
#endif
    CHECK(quoted_same_as_from_chars(s, 16));
  }
  // Declined: too close to the end, no quote within 16 bytes, 9 digits on a side, no digit,
  // two dots, a sign, an exponent, a mantissa above 2^53.
  for (const std::string s : {"123456789.5", "1.123456789", "12345678.1234567", ".", "", "1..2", "-1", "1e5",
                              "99999999.99999999", "1234567890123456"}) {
    INFO("text: '", s, "'");
    const std::string text = s + "\"" + std::string(20, ']');
    const char* p = text.data();
    double x = 0.25;
    CHECK_FALSE(fp::detail::quoted_plain_decimal(p, text.data() + text.size(), x));
    CHECK(p == text.data());
    CHECK(quoted_same_as_from_chars(s, 20));
  }
  {
    const std::string text = "1.5\"]";  // 5 bytes left: declined
    const char* p = text.data();
    double x = 0.0;
    CHECK_FALSE(fp::detail::quoted_plain_decimal(p, text.data() + text.size(), x));
  }
  // Random plain and damaged decimals, with 0 to 20 bytes after the quote.
  std::mt19937_64 rng(20261205);
  std::size_t fast = 0;
  std::size_t mismatches = 0;
  std::string first_mismatch;
  for (int i = 0; i < 300'000; ++i) {
    const std::string s = random_decimal(rng, 10, false);
    const std::size_t pad = rng() % 21;
    const std::string text = s + '"' + std::string(pad, ']');
    const char* p = text.data();
    double x = 0.0;
    fast += fp::detail::quoted_plain_decimal(p, text.data() + text.size(), x) ? 1 : 0;
    if (!quoted_same_as_from_chars(s, pad) && mismatches++ == 0) first_mismatch = s;
  }
  INFO("first mismatch: '", first_mismatch, "'");
  CHECK(mismatches == 0);
#if defined(__SSE2__)
  CHECK(fast > 100'000);  // the fast path is taken, not declined throughout
#endif
}

TEST_CASE("binance fast path: levels read two numbers per vector division, each as std::from_chars reads it") {
  // A snapshot of random [price, quantity] levels, each number of its own shape (0 to 8
  // digits on either side of the '.', the '.' or not, 1 in 16 damaged): the parser takes
  // a level's two numbers in one vector division; every value must be from_chars' own, in
  // its lane (price, then quantity), whatever the two numbers' fractional lengths.
  std::mt19937_64 rng(20261206);
  fp::detail::binance::fast_parser parser;
  std::size_t parsed = 0, levels_read = 0, wrong = 0;
  std::string first_wrong;
  for (int line = 0; line < 3000; ++line) {
    const std::size_t n = 1 + rng() % 40;
    std::vector<std::pair<std::string, std::string>> want;
    std::string text = "{\"lastUpdateId\":1,\"bids\":[";
    for (std::size_t i = 0; i < n; ++i) {
      want.emplace_back(random_decimal(rng, 9, false), random_decimal(rng, 9, false));
      text += (i ? ",[\"" : "[\"") + want.back().first + "\",\"" + want.back().second + "\"]";
    }
    text += "],\"asks\":[]}";
    fp::detail::binance::fast_message m;
    std::vector<fp::price_level> bids, asks;
    if (!parser.parse(text, m, bids, asks)) continue;  // a damaged number: the nlohmann path's
    ++parsed;
    REQUIRE(bids.size() == n);
    for (std::size_t i = 0; i < n; ++i) {
      double price = 0.0, quantity = 0.0;
      const bool ok = from_chars_whole(want[i].first, price) && from_chars_whole(want[i].second, quantity);
      ++levels_read;
      if (!ok || bits(price) != bits(bids[i].price) || bits(quantity) != bits(bids[i].quantity)) {
        if (wrong++ == 0) first_wrong = "[" + want[i].first + ", " + want[i].second + "]";
      }
    }
  }
  INFO("first level read wrong: ", first_wrong);
  CHECK(wrong == 0);
  CHECK(parsed > 100);  // lines with every number well formed are read
  CHECK(levels_read > 1000);
}

TEST_CASE("binance fast path: every real capture reads identically with and without it") {
  const fs::path root = fs::path(FOOTPRINT_TEST_DATA_DIR) / "binance" / "raw";
  if (!fs::is_directory(root)) {
    MESSAGE("skipped: no Binance captures under " << root.string());
    return;
  }
  // Every line in optimised builds; the first 5,000 of each capture in unoptimised or
  // sanitized ones (the nlohmann path under ASan took 141 s for all of them).
  const std::size_t limit = footprint_test::line_limit() == 0 ? 0 : 5'000;
  std::size_t files = 0;
  for (const auto& entry : fs::recursive_directory_iterator(root)) {
    if (!entry.is_regular_file()) continue;
    const std::string path = entry.path().string();
    INFO("capture: ", path);
    ++files;
    // The fast parser itself takes every line of the real captures (else the comparison
    // below would not exercise it).
    {
      fp::line_reader lr(path);
      fp::detail::binance::fast_parser parser;
      fp::detail::binance::fast_message m;
      std::vector<fp::price_level> bids, asks;
      std::string_view line;
      std::size_t lines = 0, taken = 0;
      while ((limit == 0 || lines < limit) && lr.next(line)) {
        ++lines;
        taken += parser.parse(line.substr(line.find(' ') + 1), m, bids, asks) ? 1 : 0;
      }
      CHECK(lines > (limit == 0 ? 10'000 : limit - 1));
      CHECK(taken == lines);
    }
    fp::binance_reader fast(path, {.fast_parse = true});
    fp::binance_reader slow(path, {.fast_parse = false});
    fp::binance_event a, b;
    std::size_t events = 0, differing_events = 0, differing_books = 0;
    bool more_a = true, more_b = true;
    while (more_a && more_b && (limit == 0 || events < limit)) {
      more_a = fast.next(a);
      more_b = slow.next(b);
      if (!more_a || !more_b) break;
      ++events;
      differing_events += same(a, b) ? 0 : 1;
      if (a.kind == fp::binance_event_kind::depth_update || a.kind == fp::binance_event_kind::depth_snapshot)
        differing_books += same(fast.book(), slow.book()) ? 0 : 1;  // (only these change it)
    }
    CHECK(more_a == more_b);
    CHECK(events > (limit == 0 ? 10'000 : limit - 1));
    CHECK(differing_events == 0);
    CHECK(differing_books == 0);
    const bool same_state = describe_state(fast) == describe_state(slow);  // (too long to print)
    CHECK(same_state);
    CHECK(fast.counts().depth_updates > (limit == 0 ? 1'000 : 100));
  }
  CHECK(files == 6);
}

TEST_CASE("binance fast path: lines outside the fast subset read as the nlohmann path reads them") {
  const std::string depth =
      R"(1000 {"stream":"btcusdt@depth@100ms","data":{"e":"depthUpdate","E":1723161601273,"s":"BTCUSDT","U":101,"u":105,"b":[["100.0","1.5"],["99.5","2"]],"a":[["101.0","3"]]}})";
  const std::string futures =
      R"(1000 {"stream":"btcusdt@depth@0ms","data":{"e":"depthUpdate","E":1723161601273,"T":1723161601270,"s":"BTCUSDT","U":101,"u":105,"pu":100,"b":[["100.0","1.5"]],"a":[["101.0","3"]]}})";
  const std::string next = R"(2000 {"stream":"btcusdt@depth@100ms","data":{"E":1723161601373,"s":"BTCUSDT",)";
  const std::string ticker = R"(2500 {"stream":"btcusdt@bookTicker","data":{"u":110,"s":"BTCUSDT",)";
  const std::string trade = R"(3000 {"stream":"btcusdt@trade","data":{"e":"trade","E":1723161601438,"s":"BTCUSDT",)";
  // Each case follows the first spot depth update (symbol and market known).
  const std::vector<std::string> cases = {
      // well-formed, read by the fast path
      next + R"("U":106,"u":110,"b":[],"a":[["100.5","1"]]}})",
      ticker + R"("b":"99.80","B":"4.0","a":"100.50","A":"1.0"}})",
      ticker + R"("b":"0","B":"0","a":"100.50","A":"1.0"}})",
      ticker + R"("b":"-0","B":"0.000","a":"100.50","A":"1.0"}})",
      trade + R"("t":7,"p":"99.80","q":"0.5","T":1723161601437,"m":true,"M":true}})",
      trade + R"("t":7,"p":"99.80","q":"0.5","T":1723161601437,"m":false,"X":"MARKET","n":null,"f":-1.5}})",
      R"(2000 {"stream":"btcusdt@markPrice@1s","data":{"e":"markPriceUpdate","E":1,"p":"1.5","r":0.0001}})",
      R"(2000 { "lastUpdateId" : 200 , "E" : 1723161601373, "bids" : [ [ "99" , "1" ] ] , "asks" : [ ] } )",
      // valid JSON outside the subset: same events either way
      next + R"("U":106,"u":110,"b":[],"a":[["100.5","1"]],"x":{"nested":[1]}}})",
      next + R"("U":106,"u":110,"b":[],"a":[["1\u0030\u0030.5","1"]]}})",
      next + R"("U":106,"u":110,"b":[],"a":[["100.5","1e0"]]}})",
      next + R"("U":106,"u":110,"b":[],"a":[["100.5","1"]],"e":"d\u00e9pth"}})",
      R"(2000 {"stream":"btcusdt@depth@100ms","data":{"E":1723161601373,"s":"BTC\u0055SDT","U":106,"u":110,"b":[],"a":[]}})",
      next + R"("U":106,"u":110,"b":[],"a":[],"e":"bad\q"}})",
      next + "\"U\":106,\"u\":110,\"b\":[],\"a\":[[\"100.5\",\"1\"]],\"e\":\"d\xc3\xa9pth\"}}",
      R"(2000 {"data":{"E":1723161601373,"s":"BTCUSDT","U":106,"u":110,"b":[],"a":[]},"stream":"btcusdt@depth"})",
      R"(2000 {"bids":[],"stream":"btcusdt@depth","data":{"E":1723161601373,"s":"BTCUSDT","U":106,"u":110,"b":[],"a":[]}})",
      R"(2000 {"lastUpdateId":200,"bids":[],"asks":[],"stream":"btcusdt@markPrice","data":{}})",
      next + R"("U":106,"u":110,"b":[],"a":[],"T":1e3}})",
      next + R"("U":106,"u":110,"b":[],"a":[],"T":-0}})",
      next + R"("U":106,"u":110,"b":[],"a":[],"s":"BTCUSDT"}})",  // a duplicate key: the last one counts
      next + R"("U":106,"u":110,"b":[],"a":[],"U":107}})",
      next + R"("U":106,"u":110,"b":[],"a":[]},"data":{}})",
      next + R"("U":106,"u":110,"b":[],"a":[]},"stream":"btcusdt@trade"})",
      // malformed: the nlohmann path's error, word for word
      next + R"("U":106,"u":110,"b":[],"a":[["100.5","1"]]}} x)",
      next + R"("U":106,"u":110,"b":[],"a":[["100.5","1"]]})",
      next + R"("U":106,"u":110,"b":[],"a":[["100.5","1"],]}})",
      next + R"("U":106,"u":110,"b":[],"a":[["100.5","1"]],}})",
      next + R"("U":0106,"u":110,"b":[],"a":[]}})",
      next + R"("U":106.0,"u":110,"b":[],"a":[]}})",
      next + R"("U":1e2,"u":110,"b":[],"a":[]}})",
      next + R"("U":-106,"u":110,"b":[],"a":[]}})",
      next + R"("U":9223372036854775808,"u":110,"b":[],"a":[]}})",
      next + R"("U":99999999999999999999,"u":110,"b":[],"a":[]}})",
      next + R"("U":111,"u":110,"b":[],"a":[]}})",
      next + R"("U":106,"u":110,"pu":105,"b":[],"a":[]}})",
      next + R"("U":106,"u":110,"b":[],"a":[["0","1"]]}})",
      next + R"("U":106,"u":110,"b":[],"a":[["-1","1"]]}})",
      next + R"("U":106,"u":110,"b":[],"a":[["1","-1"]]}})",
      next + R"("U":106,"u":110,"b":[],"a":[["1","-0"]]}})",
      next + R"("U":106,"u":110,"b":[],"a":[["1","inf"]]}})",
      next + R"("U":106,"u":110,"b":[],"a":[["1","nan"]]}})",
      next + R"("U":106,"u":110,"b":[],"a":[["1",""]]}})",
      next + R"("U":106,"u":110,"b":[],"a":[["+1","1"]]}})",
      next + R"("U":106,"u":110,"b":[],"a":[["1","1","1"]]}})",
      next + R"("U":106,"u":110,"b":[],"a":[[1,"1"]]}})",
      next + R"("U":106,"u":110,"b":[],"a":[["1\t","1"]]}})",
      next + "\"U\":106,\"u\":110,\"b\":[],\"a\":[[\"1\x01\",\"1\"]]}}",
      next + "\"U\":106,\"u\":110,\"b\":[],\"a\":[],\"e\":\"\xff\"}}",
      next + R"("U":106,"u":110,"b":[],"a":[["1","1"]]}})" + std::string(1, '\0'),
      next + R"("U":106,"u":110,"b":[],"a":[],"x":tru}})",
      next + R"("U":106,"u":110,"b":[],"a":[],"x":1.}})",
      next + R"("U":106,"u":110,"b":[],"a":[],"x":1e999}})",
      next + R"("U":106,"u":110,"b":[],"a":[],"x":)" + std::string(400, '9') + ".5}}",
      next + R"("U":106,"u":110,"b":[],"a":[],"x":[[[[[[[[[[]]]]]]]]]]}})",
      next + R"("U":106,"u":110,"b":[]}})",
      next + R"("u":110,"b":[],"a":[]}})",
      R"(2000 {"stream":"btcusdt@depth@100ms","data":{"E":1723161601373,"s":"ETHUSDT","U":106,"u":110,"b":[],"a":[]}})",
      R"(2000 {"stream":"btcusdt@depth@100ms","data":{"E":1,"s":"BTCUSDT","U":106,"u":110,"b":[],"a":[]}})",
      R"(2000 {"stream":"btcusdt@depth@100ms","data":{"E":9223372036855,"s":"BTCUSDT","U":106,"u":110,"b":[],"a":[]}})",
      R"(2000 {"stream":"btcusdt@depth@100ms","data":{"E":"1","s":"BTCUSDT","U":106,"u":110,"b":[],"a":[]}})",
      R"(2000 {"stream":"btcusdt@depth@100ms","data":{"E":1723161601373,"s":7,"U":106,"u":110,"b":[],"a":[]}})",
      R"(2000 {"stream":"btcusdt@depth5@100ms","data":{}})",
      R"(2000 {"stream":"btcusdt@markPrice@1s"})",
      R"(2000 {"stream":"btcusdt@markPrice@1s","data":[]})",
      R"(2000 {"stream":"btcusdt@depth","data":{}})",
      R"(2000 {"stream":"btcusdt@depth","data":[]})",
      R"(2000 {})",
      R"(2000 [])",
      R"(2000 {"stream":"btcusdt@depth")",
      ticker + R"("b":"0","B":"1","a":"100.50","A":"1.0"}})",
      ticker + R"("b":"99","B":"1","a":"x","A":"1.0"}})",
      ticker + R"("b":"","B":"1","a":"100","A":"1.0"}})",
      ticker + R"("b":"99","B":"-1","a":"100","A":"1.0"}})",
      ticker + R"("b":"99","B":"1","a":"100"}})",
      ticker + R"("b":"99","B":"1","a":"100","A":"1","E":1}})",
      trade + R"("t":7,"p":"99.80","q":"0","T":1723161601437,"m":true}})",
      trade + R"("t":7,"p":"0","q":"1","T":1723161601437,"m":true}})",
      trade + R"("t":7,"p":"99.80","q":"0.5","T":1723161601437,"m":"true"}})",
      trade + R"("t":7,"p":"99.80","q":"0.5","T":1723161601437,"m":1}})",
      trade + R"("t":7,"p":"99.80","q":"0.5","T":9223372036855,"m":true}})",
      trade + R"("t":7,"p":"99.80","q":"0.5","m":true}})",
      R"(2000 {"lastUpdateId":200,"bids":[["99","1"],["99.5","1"]],"asks":[]})",
      R"(2000 {"lastUpdateId":200,"bids":[["99","1"]],"asks":[["98","1"]]})",
      R"(2000 {"lastUpdateId":200,"bids":[["99","0"]],"asks":[]})",
      R"(2000 {"lastUpdateId":200,"bids":[]})",
      R"(2000 {"lastUpdateId":"200","bids":[],"asks":[]})",
      R"(2000 {"lastUpdateId":200,"E":1,"bids":[],"asks":[]})",
  };
  std::size_t errors = 0;
  for (const std::string& c : cases) {
    const std::string text = depth + "\n" + c + "\n";
    INFO("line: ", c);
    const std::string fast = outcome(text, true);
    CHECK(fast == outcome(text, false));
    CHECK(outcome(text, true, fp::parse_policy::lenient) == outcome(text, false, fp::parse_policy::lenient));
    errors += fast.find("error: ") != std::string::npos ? 1 : 0;
  }
  CHECK(errors > 50);  // the malformed cases above do fail
  // Futures: pu missing or out of order after a futures update.
  for (
      const std::string& c :
      {std::string(
           R"(2000 {"stream":"btcusdt@depth@0ms","data":{"E":1723161601373,"s":"BTCUSDT","U":106,"u":110,"b":[],"a":[]}})"),
       std::string(
           R"(2000 {"stream":"btcusdt@depth@0ms","data":{"E":1723161601373,"s":"BTCUSDT","U":106,"u":110,"pu":106,"b":[],"a":[]}})"),
       std::string(
           R"(2000 {"stream":"btcusdt@depth@0ms","data":{"E":1723161601373,"s":"BTCUSDT","U":106,"u":110,"pu":105,"b":[],"a":[]}})")}) {
    const std::string text = futures + "\n" + c + "\n";
    INFO("line: ", c);
    CHECK(outcome(text, true) == outcome(text, false));
  }
  // A known message, exactly.
  CHECK(outcome(depth + "\n" + next + R"("U":106,"u":110,"pu":105,"b":[],"a":[]}})" + "\n", true)
            .find("error: m:2:2: field 'data.pu': unexpected key in a spot stream") != std::string::npos);
}

TEST_CASE("binance fast path: randomly damaged real lines read as the nlohmann path reads them") {
  const fs::path root = fs::path(FOOTPRINT_TEST_DATA_DIR) / "binance" / "raw";
  if (!fs::is_directory(root)) {
    MESSAGE("skipped: no Binance captures under " << root.string());
    return;
  }
  // Every 97th line, every snapshot (cut to 4,000 bytes) and every markPrice line of a spot
  // and a USD-M capture.
  std::vector<std::string> samples;
  for (const char* name : {"spot/btcusdt_20240808.gz", "usdm/btcusdt_20230404.dat.gz"}) {
    fp::line_reader lr((root / name).string());
    std::string_view line;
    for (std::size_t i = 0; lr.next(line); ++i) {
      if (i % 97 == 0 || line.find("lastUpdateId") != std::string_view::npos ||
          line.find("markPrice") != std::string_view::npos)
        samples.emplace_back(line.substr(0, 4000));
    }
  }
  REQUIRE(samples.size() > 300);
  // 1 to 3 edits each: a byte replaced, removed or inserted (JSON punctuation, digits,
  // letters, a backslash, a control byte, UTF-8), or a piece of the line repeated.
  const std::string alphabet = "0123456789.-+eE\"{}[],: \\tnulfasrx\x01\xc3\xa9";
  std::mt19937_64 rng(22);
  std::size_t differing = 0, read = 0;
  std::string first_differing;
  for (int i = 0; i < 4000; ++i) {
    std::string s = samples[rng() % samples.size()];
    for (int edits = 1 + static_cast<int>(rng() % 3); edits > 0; --edits) {
      const std::size_t pos = rng() % s.size();
      const std::size_t from = rng() % s.size();
      switch (rng() % 4) {
        case 0: s[pos] = alphabet[rng() % alphabet.size()]; break;
        case 1: s.erase(pos, 1 + rng() % 3); break;
        case 2: s.insert(pos, 1, alphabet[rng() % alphabet.size()]); break;
        default: s.insert(pos, s.substr(from, std::min<std::size_t>(rng() % 16, s.size() - from))); break;
      }
      if (s.empty()) s = "x";
    }
    const std::string fast = outcome(s + "\n", true);
    if (fast != outcome(s + "\n", false) && differing++ == 0) first_differing = s;
    read += fast.find("error: ") == std::string::npos ? 1 : 0;
  }
  INFO("first line read differently: ", first_differing);
  CHECK(differing == 0);
  CHECK(read > 200);  // some damaged lines are still valid (a changed digit, an added space)
}

TEST_CASE("binance fast path: the literal form of a depth update reads what the general path reads") {
  const fs::path root = fs::path(FOOTPRINT_TEST_DATA_DIR) / "binance" / "raw";
  if (!fs::is_directory(root)) {
    MESSAGE("skipped: no Binance captures under " << root.string());
    return;
  }
  // Every message's JSON text read by the parser with and without the literal form: the same
  // answer and, when true, the same values, bit for bit. The real lines of a spot and a USD-M
  // capture (all of them), then each damaged around its header (a byte replaced, removed or
  // inserted in its first 200 bytes: key names, quotes, ids, the T and pu keys).
  fp::detail::binance::fast_parser with, without;
  without.templates = false;
  const auto same = [&](std::string_view json) {
    fp::detail::binance::fast_message a, b;
    std::vector<fp::price_level> ab, aa, bb, ba;
    const bool ok_a = with.parse(json, a, ab, aa);
    const bool ok_b = without.parse(json, b, bb, ba);
    if (ok_a != ok_b) return false;
    if (!ok_a) return true;
    const auto same_levels = [](const std::vector<fp::price_level>& x, const std::vector<fp::price_level>& y) {
      if (x.size() != y.size()) return false;
      for (std::size_t i = 0; i < x.size(); ++i)
        if (bits(x[i].price) != bits(y[i].price) || bits(x[i].quantity) != bits(y[i].quantity)) return false;
      return true;
    };
    return a.kind == b.kind && a.symbol == b.symbol && a.first_id == b.first_id && a.last_id == b.last_id &&
           a.previous_id == b.previous_id && a.event_ms == b.event_ms && a.trade_ms == b.trade_ms &&
           a.trade_id == b.trade_id && a.bid == b.bid && a.ask == b.ask && a.price == b.price && a.qty == b.qty &&
           a.maker == b.maker && same_levels(ab, bb) && same_levels(aa, ba);
  };
  std::vector<std::string> depth;
  std::size_t lines = 0, differing = 0;
  for (const char* name : {"spot/btcusdt_20240809.gz", "usdm/btcusdt_20240808.gz"}) {
    fp::line_reader lr((root / name).string());
    std::string_view line;
    while (lr.next(line)) {
      const std::string_view json = line.substr(line.find(' ') + 1);
      ++lines;
      if (!same(json)) ++differing;
      if (json.find("@depth") != std::string_view::npos && depth.size() < 2000) depth.emplace_back(json);
    }
  }
  CHECK(lines > 100000);
  CHECK(differing == 0);
  REQUIRE(depth.size() == 2000);
  const std::string alphabet = "0123456789.-\"{}[],: \\TpuUsEe\x01\xc3";
  std::mt19937_64 rng(5);
  std::string first_differing;
  for (int i = 0; i < 20000; ++i) {
    std::string s = depth[rng() % depth.size()];
    const std::size_t pos = rng() % 200;
    switch (rng() % 3) {
      case 0: s[pos] = alphabet[rng() % alphabet.size()]; break;
      case 1: s.erase(pos, 1 + rng() % 4); break;
      default: s.insert(pos, 1, alphabet[rng() % alphabet.size()]); break;
    }
    if (!same(s) && differing++ == 0) first_differing = s.substr(0, 300);
  }
  INFO("first line read differently: ", first_differing);
  CHECK(differing == 0);
}

}  // namespace unity_binance_fast_path
