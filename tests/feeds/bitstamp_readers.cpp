// bitstamp_snapshot_reader and bitstamp_trade_reader: hand-made files for every rule and
// error path, then the real 2015-05-01 BTC/USD recording (29,992 snapshots, 4,251 trades).
#include "feeds/crypto_test_data.hpp"
#include "footprint/feeds/bitstamp/bitstamp_snapshot_reader.hpp"
#include "footprint/feeds/bitstamp/bitstamp_trade_reader.hpp"

#include <doctest/doctest.h>

#include <zlib.h>

#include <cmath>
#include <cstdint>
#include <filesystem>
#include <string>

// Each test file is its own namespace: the module's files compile as one unity translation unit.
namespace unity_bitstamp_readers {

namespace fp = footprint;
namespace fs = std::filesystem;
using fp::side;
using std::chrono::nanoseconds;

namespace {

const std::string header2 = "local_ts_ms,ask_px_1,ask_qty_1,bid_px_1,bid_qty_1,ask_px_2,ask_qty_2,bid_px_2,bid_qty_2\n";

std::string snapshot_error(const std::string& text) {
  try {
    fp::bitstamp_snapshot_reader r("s.csv", text);
    while (r.next()) {}
  } catch (const fp::data_error& e) {
    return e.what();
  }
  return "";
}

const std::string trade_header = std::string(fp::bitstamp_trade_reader::header) + "\n";

std::string trade_error(const std::string& text) {
  try {
    fp::bitstamp_trade_reader r("t.csv", text);
    fp::trade t;
    while (r.next(t)) {}
  } catch (const fp::data_error& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("bitstamp snapshots: each row replaces both sides of the book") {
  const std::string text = header2 +
                           "1430438405885,236.64,3.7952,236.47,1.78855669,236.65,23.84,236.20,0.11\n"
                           "1430438408277,236.46,4.92,236.20,0.11,236.65,27.55,236.11,2\n"
                           "1430438409000,236.50,1,236.30,2,,,,\n";
  fp::bitstamp_snapshot_reader r("s.csv", text);
  CHECK(r.depth() == 2);
  REQUIRE(r.next());
  CHECK(r.book().best_ask() == 236.64);
  CHECK(r.book().ask_quantity(0) == 3.7952);
  CHECK(r.book().best_bid() == 236.47);
  CHECK(r.book().bid_price(1) == 236.20);
  CHECK(r.book().bid_levels() == 2);
  CHECK(r.local_time() == nanoseconds{1430438405885LL * 1'000'000});
  CHECK(r.book().timestamp() == r.local_time());
  CHECK(r.line() == 2);
  REQUIRE(r.next());
  CHECK(r.book().best_ask() == 236.46);
  CHECK(r.book().quantity_at(side::buy, 236.47) == 0.0);  // replaced, not merged
  REQUIRE(r.next());                                      // level 2 empty on both sides
  CHECK(r.book().ask_levels() == 1);
  CHECK(r.book().bid_levels() == 1);
  CHECK_FALSE(r.next());
  CHECK(r.snapshots() == 3);
  CHECK(r.report().lines_read == 4);
  CHECK(r.report().rows_skipped == 0);
}

TEST_CASE("bitstamp snapshots: malformed input raises data_error with file, line, column and field") {
  CHECK(snapshot_error("") == "s.csv:1: empty file (expected a header line)");
  CHECK(snapshot_error("time,ask_px_1\n") == "s.csv:1:1: bad header: expected 'local_ts_ms' (got 'time')");
  CHECK(snapshot_error("local_ts_ms,ask_px_1,ask_qty_1,bid_qty_1,bid_px_1\n") ==
        "s.csv:1:4: bad header: expected 'bid_px_1' (got 'bid_qty_1')");
  CHECK(snapshot_error("local_ts_ms,ask_px_1,ask_qty_1\n") == "s.csv:1:4: bad header: expected 'bid_px_1' (got '')");
  CHECK(snapshot_error("local_ts_ms\n") ==
        "s.csv:1:2: bad header: no levels (expected ask_px_1,ask_qty_1,bid_px_1,bid_qty_1,...)");
  CHECK(snapshot_error(header2 + "1,2,1,1,1,3,1\n") ==
        "s.csv:2:8: field 'bid_px_2': missing field (the row is too short)");
  CHECK(snapshot_error(header2 + "1,2,1,1,1,3,1,0.5,1,9\n") ==
        "s.csv:2:10: unexpected extra field (the row is too long)");
  CHECK(snapshot_error(header2 + "x,2,1,1,1,3,1,0.5,1\n") ==
        "s.csv:2:1: field 'local_ts_ms': not an integer (got 'x')");
  CHECK(snapshot_error(header2 + "-1,2,1,1,1,3,1,0.5,1\n") ==
        "s.csv:2:1: field 'local_ts_ms': time out of range (got -1 ms)");
  CHECK(snapshot_error(header2 + "1,2,1,1,1,3,abc,0.5,1\n") ==
        "s.csv:2:7: field 'ask_qty_2': not a number (got 'abc')");
  CHECK(snapshot_error(header2 + "1,2,-1,1,1,3,1,0.5,1\n") ==
        "s.csv:2:3: field 'ask_qty_1': quantity must be > 0 (got '-1')");
  CHECK(snapshot_error(header2 + "1,2,1,0,1,3,1,0.5,1\n") ==
        "s.csv:2:4: field 'bid_px_1': price must be > 0 (got '0')");
  CHECK(snapshot_error(header2 + "1,2,1,1,1,1.5,1,0.5,1\n") ==
        "s.csv:2:6: field 'ask_px_2': levels must be strictly increasing (price 1.5 after 2)");
  CHECK(snapshot_error(header2 + "1,2,1,1,1,3,1,1,1\n") ==
        "s.csv:2:8: field 'bid_px_2': levels must be strictly decreasing (price 1 after 1)");
  CHECK(snapshot_error(header2 + "1,2,1,2,1,3,1,1,1\n") ==
        "s.csv:2:4: field 'bid_px_1': crossed snapshot (best bid 2 >= best ask 2)");
  CHECK(snapshot_error(header2 + "1,2,1,,,3,1,0.5,1\n") ==
        "s.csv:2:8: field 'bid_px_2': level after an empty level on the same side");
  CHECK(snapshot_error(header2 + "1,2,1,1,,3,1,0.5,1\n") == "s.csv:2:5: field 'bid_qty_1': not a number (got '')");
  CHECK(snapshot_error(header2 + "5,2,1,1,1,3,1,0.5,1\n4,2,1,1,1,3,1,0.5,1\n") ==
        "s.csv:3:1: field 'local_ts_ms': timestamp goes back (got 4 after 5)");
}

TEST_CASE("bitstamp snapshots: the lenient policy skips and counts bad rows, keeping the last good book") {
  const std::string text =
      header2 + "1,2,1,1,1,3,1,0.5,1\n" + "2,2,1,2,1,3,1,1,1\n" + "3,2,1,1,x,3,1,0.5,1\n" + "4,2.5,1,1.5,1,3,1,0.5,1\n";
  fp::bitstamp_snapshot_reader r("s.csv", text, fp::parse_policy::lenient);
  REQUIRE(r.next());
  CHECK(r.book().best_bid() == 1.0);
  REQUIRE(r.next());
  CHECK(r.book().best_bid() == 1.5);
  CHECK(r.line() == 5);
  CHECK_FALSE(r.next());
  CHECK(r.snapshots() == 2);
  CHECK(r.report().rows_skipped == 2);
  REQUIRE(r.report().first_errors.size() == 2);
  CHECK(r.report().first_errors[0] == "s.csv:3:4: field 'bid_px_1': crossed snapshot (best bid 2 >= best ask 2)");
  CHECK(r.report().first_errors[1] == "s.csv:4:5: field 'bid_qty_1': not a number (got 'x')");
}

TEST_CASE("bitstamp snapshots: a truncated gzip file raises data_error") {
  std::string payload = header2;
  for (int i = 0; i < 40000; ++i)
    payload += std::to_string(1000 + i) + ",236.64,3.79,236.47,1.78,236.65,23.84,236.2,0.11\n";
  const fs::path gz = fs::temp_directory_path() / "footprint_bitstamp_truncated.csv.gz";
  gzFile f = gzopen(gz.c_str(), "wb");
  REQUIRE(f != nullptr);
  REQUIRE(gzwrite(f, payload.data(), static_cast<unsigned>(payload.size())) == static_cast<int>(payload.size()));
  gzclose(f);
  fs::resize_file(gz, fs::file_size(gz) / 2);
  try {
    fp::bitstamp_snapshot_reader r(gz.string(), fp::parse_policy::lenient);
    while (r.next()) {}
    FAIL("a truncated gzip file was read to the end");
  } catch (const fp::data_error& e) {
    CHECK(e.file() == gz.string());
    CHECK(std::string(e.what()).find("truncated gzip stream") != std::string::npos);
  }
  fs::remove(gz);
}

TEST_CASE("bitstamp trades: sign from the resting-order aggressor, 0 when unknown") {
  const std::string text = trade_header +
                           "1430438404645,8111041,236.47,0.21144331,sell,\n"
                           "1430438406348,8111042,236.47,1.78855669,sell,sell\n"
                           "1430438421672,8111043,236.63,8.83518573,buy,\n"
                           "1430438421672,8111040,236.64,1,,buy\n";
  fp::bitstamp_trade_reader r("t.csv", text);
  fp::trade t;
  REQUIRE(r.next(t));
  CHECK(t.time == nanoseconds{1430438404645LL * 1'000'000});
  CHECK(t.id == 8111041);
  CHECK(t.price == 236.47);
  CHECK(t.quantity == 0.21144331);
  CHECK(t.sign == -1);
  CHECK(r.snapshot_rule_sign() == 0);
  REQUIRE(r.next(t));
  CHECK(r.snapshot_rule_sign() == -1);
  REQUIRE(r.next(t));
  CHECK(t.sign == 1);
  REQUIRE(r.next(t));  // same time, lower id: both allowed
  CHECK(t.sign == 0);
  CHECK(r.snapshot_rule_sign() == 1);
  CHECK(r.line() == 5);
  CHECK_FALSE(r.next(t));
  CHECK(r.trades() == 4);
}

TEST_CASE("bitstamp trades: malformed input raises data_error with file, line, column and field") {
  CHECK(trade_error("") == "t.csv:1: empty file (expected a header line)");
  CHECK(trade_error("ts,id,price\n") ==
        "t.csv:1: bad header: expected 'local_ts_ms,trade_id,price,amount_btc,aggressor_by_resting_order,"
        "aggressor_by_last_depth20_snapshot' (got 'ts,id,price')");
  CHECK(trade_error(trade_header + "1,2,3\n") == "t.csv:2:4: field 'amount_btc': missing field (the row is too short)");
  CHECK(trade_error(trade_header + "1,2,3,4,buy,buy,x\n") == "t.csv:2:7: unexpected extra field (the row is too long)");
  CHECK(trade_error(trade_header + "1.5,2,3,4,buy,\n") == "t.csv:2:1: field 'local_ts_ms': not an integer (got '1.5')");
  CHECK(trade_error(trade_header + "1,-2,3,4,buy,\n") == "t.csv:2:2: field 'trade_id': must be >= 0 (got -2)");
  CHECK(trade_error(trade_header + "1,2,abc,4,buy,\n") == "t.csv:2:3: field 'price': not a number (got 'abc')");
  CHECK(trade_error(trade_header + "1,2,0,4,buy,\n") == "t.csv:2:3: field 'price': price must be > 0 (got 0)");
  CHECK(trade_error(trade_header + "1,2,3,-4,buy,\n") == "t.csv:2:4: field 'amount_btc': amount must be > 0 (got -4)");
  CHECK(trade_error(trade_header + "1,2,3,4,bid,\n") ==
        "t.csv:2:5: field 'aggressor_by_resting_order': unknown aggressor (got 'bid'; expected buy, sell or empty)");
  CHECK(trade_error(trade_header + "1,2,3,4,buy,BUY\n") ==
        "t.csv:2:6: field 'aggressor_by_last_depth20_snapshot': unknown aggressor (got 'BUY'; expected buy, sell or "
        "empty)");
  CHECK(trade_error(trade_header + "9,2,3,4,buy,\n8,2,3,4,buy,\n") ==
        "t.csv:3:1: field 'local_ts_ms': timestamp goes back (got 8 after 9)");
}

TEST_CASE("bitstamp trades: the lenient policy skips and counts bad rows") {
  const std::string text = trade_header + "1,2,3,4,buy,\n" + "2,3,nan,4,buy,\n" + "3,4,3,4,sell,sell\n";
  fp::bitstamp_trade_reader r("t.csv", text, fp::parse_policy::lenient);
  fp::trade t;
  REQUIRE(r.next(t));
  REQUIRE(r.next(t));
  CHECK(t.id == 4);
  CHECK_FALSE(r.next(t));
  CHECK(r.trades() == 2);
  CHECK(r.report().lines_read == 4);
  CHECK(r.report().rows_skipped == 1);
  REQUIRE(r.report().first_errors.size() == 1);
  CHECK(r.report().first_errors[0] == "t.csv:3:3: field 'price': not finite (got 'nan')");
}

// ---------------------------------------------------------------------------------------
// The real recording
// ---------------------------------------------------------------------------------------

namespace {

const fs::path bitstamp_dir = footprint_test::data_dir().empty() ? fs::path() : footprint_test::data_dir() / "bitstamp";

struct quote {
  std::int64_t ms = 0;
  double bid = 0, ask = 0, bid20 = 0, ask20 = 0;  // best and 20th levels
};

quote summary(const fp::bitstamp_snapshot_reader& r) {
  const fp::price_level_book& b = r.book();
  return {r.local_time().count() / 1'000'000, b.best_bid(), b.best_ask(), b.bid_price(b.bid_levels() - 1),
          b.ask_price(b.ask_levels() - 1)};
}

}  // namespace

TEST_CASE("bitstamp real data: 29,992 snapshots, 4,251 trades, aligned in time and price" *
          doctest::test_suite("real-data")) {
  if (bitstamp_dir.empty() || !fs::is_regular_file(bitstamp_dir / "trades.csv")) {
    MESSAGE("skipped: the Bitstamp recording is not at '", bitstamp_dir.string(),
            "' (set FOOTPRINT_DATA_DIR to the shared data folder to run this test)");
    return;
  }
  fp::bitstamp_snapshot_reader snaps((bitstamp_dir / "depth20_snapshots.csv.gz").string());
  fp::bitstamp_trade_reader trades((bitstamp_dir / "trades.csv").string());
  CHECK(snaps.depth() == 20);

  // Merge by local time: each trade is compared with the last snapshot at or before it.
  std::size_t full_depth = 0, crossed = 0;
  auto advance = [&](quote& q) {
    if (!snaps.next()) return false;
    full_depth += snaps.book().bid_levels() == 20 && snaps.book().ask_levels() == 20;
    crossed += snaps.book().is_crossed();
    q = summary(snaps);
    return true;
  };
  quote current, pending;
  bool have_current = false;
  bool have_pending = advance(pending);
  const std::int64_t first_snapshot_ms = pending.ms;
  std::size_t n = 0, before_first = 0, inside = 0, within_10bp = 0, within_depth20 = 0;
  std::size_t sign_counts[3] = {0, 0, 0};  // sell, unknown, buy
  std::size_t rule_counts[3] = {0, 0, 0};
  std::int64_t first_trade_ms = -1, last_trade_ms = -1;
  double volume = 0.0;
  fp::trade t;
  while (trades.next(t)) {
    const std::int64_t ms = t.time.count() / 1'000'000;
    if (first_trade_ms < 0) first_trade_ms = ms;
    last_trade_ms = ms;
    volume += t.quantity;
    ++sign_counts[t.sign + 1];
    ++rule_counts[trades.snapshot_rule_sign() + 1];
    while (have_pending && pending.ms <= ms) {
      current = pending;
      have_current = true;
      have_pending = advance(pending);
    }
    if (!have_current) {
      ++before_first;
      continue;
    }
    ++n;
    inside += current.bid <= t.price && t.price <= current.ask;
    within_10bp += current.bid * (1 - 1e-3) <= t.price && t.price <= current.ask * (1 + 1e-3);
    within_depth20 += current.bid20 <= t.price && t.price <= current.ask20;
  }
  while (have_pending) {
    current = pending;
    have_pending = advance(pending);
  }
  const std::int64_t last_snapshot_ms = current.ms;

  CHECK(snaps.snapshots() == 29992);
  CHECK(full_depth == 29992);
  CHECK(crossed == 0);  // the reader would have thrown on a crossed row anyway
  CHECK(snaps.report().rows_skipped == 0);
  CHECK(trades.trades() == 4251);
  CHECK(trades.report().rows_skipped == 0);
  CHECK(sign_counts[2] == 2762);  // buy
  CHECK(sign_counts[0] == 1428);  // sell
  CHECK(sign_counts[1] == 61);    // no resting order matched
  CHECK(rule_counts[2] == 2241);
  CHECK(rule_counts[0] == 1940);
  CHECK(rule_counts[1] == 70);
  CHECK(volume == doctest::Approx(6687.1234).epsilon(1e-8));

  // Same 24 hours: both series span 86,390 s +/- 10 s, and start and end within 10 s (a few
  // snapshot intervals) of each other.
  CHECK(first_trade_ms == 1430438404645);
  CHECK(last_trade_ms == 1430524794477);
  CHECK(std::abs(first_trade_ms - first_snapshot_ms) < 10'000);
  CHECK(std::abs(last_trade_ms - last_snapshot_ms) < 10'000);
  CHECK(std::abs((last_snapshot_ms - first_snapshot_ms) - 86'390'000) < 10'000);
  CHECK(std::abs((last_trade_ms - first_trade_ms) - 86'390'000) < 10'000);

  // Prices: snapshots are ~2.9 s apart and large taker orders walk the book, so a trade
  // lies inside the last snapshot's best bid/ask for 64.6% of trades, within 10 bp of it
  // for 86.1%, and within the 20-level price range for 99.5%.
  MESSAGE("bitstamp: ", n, " trades after the first snapshot (", before_first, " before): ", inside,
          " inside the last best bid/ask, ", within_10bp, " within 10 bp of it, ", within_depth20,
          " within the 20-level range");
  CHECK(before_first == 1);
  CHECK(n == 4250);
  CHECK(inside == 2745);
  CHECK(within_10bp == 3660);
  CHECK(within_depth20 == 4230);
  CHECK(static_cast<double>(within_depth20) / static_cast<double>(n) > 0.99);
}

}  // namespace unity_bitstamp_readers
