// binance_csv_reader: the CSV form of a Binance capture (three files merged by local time);
// hand-made files for the rules and error paths, then the real captures, whose CSV form must
// give the raw reader's events message for message.
#include "footprint/feeds/binance/binance_csv_reader.hpp"

#include "feeds/crypto_test_data.hpp"
#include "footprint/feeds/binance/binance_reader.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

// Each test file is its own namespace: the module's files compile as one unity translation unit.
namespace unity_binance_csv_reader {

namespace fp = footprint;
namespace fs = std::filesystem;
using fp::side;
using std::chrono::nanoseconds;

namespace {

const std::string depth_h = std::string(fp::binance_csv_reader::depth_header) + "\n";
const std::string ticker_h = std::string(fp::binance_csv_reader::book_ticker_header) + "\n";
const std::string trades_h = std::string(fp::binance_csv_reader::trades_header) + "\n";

fp::binance_csv_reader make(const std::string& depth, const std::string& tickers, const std::string& trades,
                            fp::binance_options params = {}) {
  return fp::binance_csv_reader(fp::line_reader("depth.csv", depth), fp::line_reader("ticker.csv", tickers),
                                fp::line_reader("trades.csv", trades), params);
}

std::vector<fp::binance_event> read_all(fp::binance_csv_reader& r) {
  std::vector<fp::binance_event> out;
  fp::binance_event ev;
  while (r.next(ev)) out.push_back(ev);
  return out;
}

std::string error_of(const std::string& depth, const std::string& tickers, const std::string& trades) {
  try {
    auto r = make(depth, tickers, trades);
    read_all(r);
  } catch (const fp::data_error& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("binance csv: three files merge by local time, rows of one update group into one event") {
  const std::string depth = depth_h +
                            "1000,1723161601273,101,105,,bid,100.0,1.5\n"
                            "1000,1723161601273,101,105,,bid,99.5,2\n"
                            "1000,1723161601273,101,105,,ask,101.0,3\n"
                            "2000,1723161601373,106,110,,bid,100.0,0\n"
                            "2000,1723161601373,106,110,,ask,100.5,1\n";
  const std::string tickers = ticker_h + "1500,,105,100.0,1.5,101.0,3\n" + "2500,,110,99.5,2,100.5,1\n";
  const std::string trades = trades_h + "1200,1723161601300,1723161601299,7,100.0,0.5,1,sell\n";
  auto r = make(depth, tickers, trades);
  const auto evs = read_all(r);
  REQUIRE(evs.size() == 5);
  CHECK(evs[0].kind == fp::binance_event_kind::depth_update);
  CHECK(evs[0].bids.size() == 2);  // (only sizes: a past event's spans point at reused buffers)
  CHECK(evs[0].line == 2);
  CHECK(evs[1].kind == fp::binance_event_kind::trade);
  CHECK(evs[1].trade.sign == -1);
  CHECK(evs[1].trade.time == nanoseconds{1723161601299LL * 1'000'000});
  CHECK(evs[2].kind == fp::binance_event_kind::book_ticker);
  CHECK_FALSE(evs[2].exchange_time.has_value());
  CHECK(evs[3].kind == fp::binance_event_kind::depth_update);
  CHECK(evs[3].first_update_id == 106);
  CHECK_FALSE(evs[3].gap);
  CHECK(evs[3].line == 5);
  CHECK(evs[4].ticker.update_id == 110);
  CHECK(r.book().best_bid() == 99.5);
  CHECK(r.book().best_ask() == 100.5);
  CHECK(r.book_ticker().bid_price == r.book().best_bid());
  CHECK(r.counts().depth_updates == 2);
  CHECK(r.counts().book_tickers == 2);
  CHECK(r.counts().trades == 1);
  CHECK(r.report().lines_read == 11);
  CHECK(r.depth().market() == fp::binance_market::spot);
}

TEST_CASE("binance csv: futures rows carry pu, an absent file is an empty input") {
  const std::string depth = depth_h +
                            "1,10,500,560,420,bid,61800.2,2.5\n"
                            "2,11,600,650,560,ask,61800.3,1\n"
                            "3,12,700,710,640,ask,61800.3,0\n";
  auto r = make(depth, "", "");
  const auto evs = read_all(r);
  REQUIRE(evs.size() == 3);
  CHECK(r.depth().market() == fp::binance_market::usd_m_futures);
  CHECK_FALSE(evs[1].gap);
  CHECK(evs[2].gap);
  CHECK(r.depth().stats().gaps == 1);
  CHECK(r.counts().book_tickers == 0);
}

TEST_CASE("binance csv: malformed rows raise data_error with file, line, column and field") {
  CHECK(error_of("local_ts_ns,price\n", "", "") ==
        "depth.csv:1: bad header: expected 'local_ts_ns,event_ts_ms,first_update_id,last_update_id,prev_last_update_id,"
        "side,price,qty' (got 'local_ts_ns,price')");
  CHECK(error_of(depth_h + "1,10,5,4,,bid,1,1\n", "", "") ==
        "depth.csv:2:4: field 'last_update_id': U must be <= u (got U 5, u 4)");
  CHECK(error_of(depth_h + "1,10,5,6,5,bid,1,1\n", "", "") ==
        "depth.csv:2:5: field 'prev_last_update_id': pu must be < U (got pu 5, U 5)");
  CHECK(error_of(depth_h + "1,10,5,6,,buy,1,1\n", "", "") ==
        "depth.csv:2:6: field 'side': unknown side (got 'buy'; expected bid or ask)");
  CHECK(error_of(depth_h + "1,10,5,6,,bid,1,-1\n", "", "") ==
        "depth.csv:2:8: field 'qty': quantity must be >= 0 (got -1)");
  CHECK(error_of(depth_h + "1,10,5,6,,bid,0,1\n", "", "") == "depth.csv:2:7: field 'price': price must be > 0 (got 0)");
  CHECK(error_of(depth_h + "1,,5,6,,bid,1,1\n", "", "") ==
        "depth.csv:2:2: field 'event_ts_ms': not an integer (got '')");
  CHECK(error_of(depth_h + "1,10,5,6,,bid,1\n", "", "") ==
        "depth.csv:2:8: field 'qty': missing field (the row is too short)");
  CHECK(error_of(depth_h + "5,10,5,6,,bid,1,1\n4,10,7,8,,bid,1,1\n", "", "") ==
        "depth.csv:3:1: field 'local_ts_ns': timestamp goes back (got 4 after 5)");
  CHECK(error_of(depth_h + "1,10,5,6,,bid,1,1\n2,10,7,8,6,bid,1,1\n", "", "") ==
        "depth.csv:3:5: field 'prev_last_update_id': footprint::binance_depth_book::apply_update: a spot update has no "
        "pu (got 6)");
  CHECK(error_of("", ticker_h + "1,,5,x,1,2,1\n", "") == "ticker.csv:2:4: field 'bid_px': not a number (got 'x')");
  CHECK(error_of("", ticker_h + "1,,5,0,1,2,1\n", "") == "ticker.csv:2:4: field 'bid_px': price must be > 0 (got 0)");
  CHECK(error_of("", "", trades_h + "1,2,3,4,5,6,2,sell\n") ==
        "trades.csv:2:7: field 'buyer_is_maker': must be 0 or 1 (got 2)");
  CHECK(error_of("", "", trades_h + "1,2,3,4,5,6,1,buy\n") ==
        "trades.csv:2:8: field 'aggressor': aggressor 'buy' contradicts buyer_is_maker 1");
  CHECK(error_of("", "", trades_h + "1,2,3,4,5,0,1,sell\n") ==
        "trades.csv:2:6: field 'qty': quantity must be > 0 (got 0)");
  CHECK(error_of("", "", trades_h + "1,2,3,4,5,6,1,sell,x\n") ==
        "trades.csv:2:9: unexpected extra field (the row is too long)");
}

TEST_CASE("binance csv: the lenient policy skips and counts malformed rows") {
  const std::string depth = depth_h + "1,10,5,6,,bid,1,1\n" + "2,10,7,8,,bid,x,1\n" + "3,10,7,8,,ask,2,1\n";
  const std::string trades = trades_h + "2,2,3,4,5,6,1,buy\n" + "4,2,3,4,5,6,1,sell\n";
  auto r = make(depth, "", trades, {.policy = fp::parse_policy::lenient});
  const auto evs = read_all(r);
  REQUIRE(evs.size() == 3);
  CHECK(evs[1].asks.size() == 1);
  CHECK(evs[1].bids.empty());  // the malformed bid row of update 7..8 was skipped
  CHECK(r.report().rows_skipped == 2);
  REQUIRE(r.report().first_errors.size() == 2);
  // Rows are read one ahead, so the trades file's first (bad) row is met at construction.
  CHECK(r.report().first_errors[0] ==
        "trades.csv:2:8: field 'aggressor': aggressor 'buy' contradicts buyer_is_maker 1");
  CHECK(r.report().first_errors[1] == "depth.csv:3:7: field 'price': not a number (got 'x')");
  CHECK(r.report().lines_read == 7);
}

// ---------------------------------------------------------------------------------------
// Real captures: the CSV form gives the raw reader's events, message for message.
// ---------------------------------------------------------------------------------------

namespace {

const fs::path binance_dir = footprint_test::data_dir().empty() ? fs::path() : footprint_test::data_dir() / "binance";

// Equal, or both NaN (an empty side: the first spot update of 2024-08-08 only deletes bids).
bool same_price(double a, double b) { return a == b || (std::isnan(a) && std::isnan(b)); }

bool same_levels(std::span<const fp::price_level> a, std::span<const fp::price_level> b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (a[i].price != b[i].price || a[i].quantity != b[i].quantity) return false;
  }
  return true;
}

bool same_ticker(const fp::binance_book_ticker& a, const fp::binance_book_ticker& b) {
  return a.update_id == b.update_id && a.bid_price == b.bid_price && a.bid_quantity == b.bid_quantity &&
         a.ask_price == b.ask_price && a.ask_quantity == b.ask_quantity && a.local_time == b.local_time &&
         a.exchange_time == b.exchange_time;
}

bool same_trade(const fp::trade& a, const fp::trade& b) {
  return a.time == b.time && a.price == b.price && a.quantity == b.quantity && a.sign == b.sign && a.id == b.id;
}

}  // namespace

TEST_CASE("binance csv real captures: the same events as the raw captures" * doctest::test_suite("real-data")) {
  if (binance_dir.empty() || !fs::is_directory(binance_dir / "csv")) {
    MESSAGE("skipped: the Binance captures are not at '", binance_dir.string(),
            "' (set FOOTPRINT_DATA_DIR to the shared data folder to run this test)");
    return;
  }
  const std::size_t limit = footprint_test::line_limit();
  for (const auto& [market, day] :
       {std::pair{"spot", "20240808"}, std::pair{"spot", "20240809"}, std::pair{"usdm", "20240808"}}) {
    const std::string name = std::string(market) + " " + day;
    CAPTURE(name);
    const std::string stem = (binance_dir / "csv" / (std::string(market) + "_btcusdt_" + day + "_")).string();
    fp::binance_csv_reader csv(stem + "depth_updates.csv.gz", stem + "bookticker.csv.gz", stem + "trades.csv");
    // replay_capacity 0: the raw snapshot (absent from the CSV form) is not used, so both
    // books are built from the diffs alone.
    fp::binance_reader raw((binance_dir / "raw" / market / (std::string("btcusdt_") + day + ".gz")).string(),
                           {.replay_capacity = 0});
    fp::binance_event a, b;
    std::size_t compared = 0, equal = 0, snapshots = 0, lines = 0;
    bool complete = true;
    for (;;) {
      if (limit != 0 && lines == limit) {
        complete = false;
        break;
      }
      if (!raw.next(a)) break;
      ++lines;
      if (a.kind == fp::binance_event_kind::depth_snapshot) {
        ++snapshots;
        continue;
      }
      if (!csv.next(b)) {
        FAIL("the CSV form ended before raw line ", a.line);
      }
      ++compared;
      bool same = a.kind == b.kind && a.local_time == b.local_time && a.exchange_time == b.exchange_time;
      if (same && a.kind == fp::binance_event_kind::depth_update) {
        same = a.first_update_id == b.first_update_id && a.last_update_id == b.last_update_id &&
               a.previous_update_id == b.previous_update_id && same_levels(a.bids, b.bids) &&
               same_levels(a.asks, b.asks) && a.applied == b.applied && a.gap == b.gap && a.crossed == b.crossed &&
               same_price(raw.book().best_bid(), csv.book().best_bid()) &&
               same_price(raw.book().best_ask(), csv.book().best_ask()) &&
               raw.book().bid_levels() == csv.book().bid_levels() && raw.book().ask_levels() == csv.book().ask_levels();
      } else if (same && a.kind == fp::binance_event_kind::book_ticker) {
        same = same_ticker(a.ticker, b.ticker);
      } else if (same) {
        same = same_trade(a.trade, b.trade);
      }
      equal += same;
    }
    if (complete) CHECK_FALSE(csv.next(b));
    MESSAGE(name, ": ", equal, " of ", compared, " CSV events equal the raw ones",
            std::string(complete ? "" : " (prefix only)"));
    CHECK(equal == compared);
    CHECK(compared > 1000);
    CHECK(csv.report().rows_skipped == 0);
    CHECK(csv.depth().stats().gaps == 0);
  }
}

}  // namespace unity_binance_csv_reader
