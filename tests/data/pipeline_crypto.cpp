// binance_dataset and bitstamp_dataset: exact labels on hand-made captures (the arrival lag,
// the ticker-on-depth book, same-timestamp grouping, unsigned trades), and the real
// captures (../shared/data; skipped with a message when absent), whose counts must
// reconcile with the readers run independently.
#include "feeds/crypto_test_data.hpp"

#include "footprint/data/binance_dataset.hpp"
#include "footprint/data/bitstamp_dataset.hpp"
#include "footprint/data/impact_dataset.hpp"
#include "footprint/data/impact_pipeline.hpp"
#include "footprint/feeds/binance/binance_reader.hpp"
#include "footprint/feeds/bitstamp/bitstamp_snapshot_reader.hpp"
#include "footprint/feeds/bitstamp/bitstamp_trade_reader.hpp"
#include "footprint/feeds/line_reader.hpp"

#include <doctest/doctest.h>

#include <chrono>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <vector>

// Each test file is its own namespace: the module's files compile as one unity translation unit.
namespace unity_pipeline_crypto {

namespace fp = footprint;
using namespace std::chrono_literals;
using ns = std::chrono::nanoseconds;

namespace {

double bps(double sign, double price, double mid) { return sign * (price - mid) / mid * 1e4; }

// ---- Binance: a hand-made spot capture. Local times are T0 + offsets.
constexpr std::int64_t t0 = 1723161600000000000;  // 2024-08-09 00:00:00 UTC, ns
constexpr std::int64_t t0_ms = t0 / 1'000'000;    // the same, ms
std::string at(std::int64_t offset_us, const std::string& json) {
  return std::to_string(t0 + offset_us * 1000) + " " + json + "\n";
}
std::string ticker(int u, const char* b, const char* bq, const char* a, const char* aq) {
  return std::string(R"({"stream":"btcusdt@bookTicker","data":{"u":)") + std::to_string(u) + R"(,"s":"BTCUSDT","b":")" +
         b + R"(","B":")" + bq + R"(","a":")" + a + R"(","A":")" + aq + R"("}})";
}
// trade_ms: the trade's exchange time T, ms since the epoch (E is 1 ms later, as Binance sends it).
std::string trade_msg(int id, const char* p, const char* q, std::int64_t trade_ms, bool buyer_is_maker) {
  return std::string(R"({"stream":"btcusdt@trade","data":{"e":"trade","E":)") + std::to_string(trade_ms + 1) +
         R"(,"s":"BTCUSDT","t":)" + std::to_string(id) + R"(,"p":")" + p + R"(","q":")" + q + R"(","T":)" +
         std::to_string(trade_ms) + R"(,"m":)" + (buyer_is_maker ? "true" : "false") + R"(,"M":true}})";
}

// The post-trade bookTicker (line 3) arrives 1 ms before the trade messages (lines 4-5).
const std::string capture_head =
    at(0, R"({"stream":"btcusdt@depth@100ms","data":{"e":"depthUpdate","E":1723161601000,"s":"BTCUSDT","U":1,"u":10,)"
          R"("b":[["99.99","5"],["100.00","1"]],"a":[["100.01","2"],["100.03","4"]]}})") +
    at(1'000, ticker(10, "100.00", "1", "100.01", "2")) +   // mid 100.005
    at(10'000, ticker(11, "100.00", "1", "100.02", "3")) +  // mid 100.01: the buy's effect
    at(11'000, trade_msg(1, "100.01", "2", 1723161601270, false)) +
    at(11'100, trade_msg(2, "100.02", "0.5", 1723161601270, false));  // same T and sign: same order
const std::string capture_tail =
    at(500'000, ticker(12, "100.01", "2", "100.02", "3")) +             // mid 100.015
    at(1'600'000, trade_msg(3, "100.01", "1", 1723161602870, true)) +   // a sell
    at(1'601'000, trade_msg(4, "100.02", "1", 1723161602870, false)) +  // same T, a buy: another order
    at(12'000'000, ticker(13, "100.05", "1", "100.06", "1")) +          // mid 100.055
    at(12'001'000,
       R"({"stream":"btcusdt@depth@100ms","data":{"e":"depthUpdate","E":1723161613001,"s":"BTCUSDT","U":11,"u":20,)"
       R"("b":[["100.05","1"]],"a":[["100.06","1"]]}})");
const std::string capture = capture_head + capture_tail;

fp::impact_pipeline_result binance(const std::string& text, fp::binance_dataset_options options = {}) {
  fp::binance_reader reader("capture", text);
  return fp::binance_dataset(std::span<fp::binance_reader>(&reader, 1), options);
}

// ---- Bitstamp: two-level snapshots at 1, 4, 7 and 20 s; trades around them.
const std::string snapshots_text =
    "local_ts_ms,ask_px_1,ask_qty_1,bid_px_1,bid_qty_1,ask_px_2,ask_qty_2,bid_px_2,bid_qty_2\n"
    "1000,100.10,1,99.90,2,100.20,3,99.80,4\n"    // mid 100.00
    "4000,100.20,1,100.00,2,100.30,3,99.90,4\n"   // mid 100.10
    "7000,100.30,1,100.10,2,100.40,3,100.00,4\n"  // mid 100.20
    "20000,100.10,1,99.90,2,100.20,3,99.80,4\n";  // mid 100.00
const std::string trades_text =
    "local_ts_ms,trade_id,price,amount_btc,aggressor_by_resting_order,aggressor_by_last_depth20_snapshot\n"
    "500,1,100.00,0.5,buy,buy\n"   // before the first snapshot: unlabelled
    "2000,2,100.10,1.0,buy,buy\n"  // a buy of 2.0 at 100.15 (rows 2 and 4)
    "2000,3,100.20,0.5,,buy\n"     // unsigned: counted, neither joins nor splits
    "2000,4,100.20,1.0,buy,\n"
    "2000,5,100.00,0.2,sell,sell\n"   // same ms, other sign: another order
    "4000,6,100.10,1.0,sell,sell\n";  // same ms as a snapshot: the trade goes first

fp::impact_pipeline_result bitstamp(fp::bitstamp_dataset_options options = {}) {
  fp::bitstamp_snapshot_reader snapshots("snapshots", snapshots_text);
  fp::bitstamp_trade_reader trades("trades", trades_text);
  return fp::bitstamp_dataset(snapshots, trades, options);
}

// Reads the first `limit` lines of a file (all when 0) into a string.
std::string head(const std::string& path, std::size_t limit) {
  fp::line_reader lines(path);
  std::string out;
  std::string_view line;
  for (std::size_t n = 0; (limit == 0 || n < limit) && lines.next(line); ++n) {
    out.append(line);
    out.push_back('\n');
  }
  return out;
}

// Orders that paid less than the half spread: impossible for a taker measured against the
// book it met (its fills are at the best quote or worse).
std::size_t below_half_spread(const fp::impact_dataset& d) {
  const fp::vector shortfall = d.label("shortfall_bps");
  const fp::vector spread = d.X.col(d.feature_column("spread_bps"));
  std::size_t n = 0;
  for (fp::index i = 0; i < d.rows(); ++i) n += shortfall[i] < 0.5 * spread[i] - 1e-9 ? 1 : 0;
  return n;
}

void check_complete_rows(const fp::impact_dataset& d) {
  for (const std::string& label : d.label_names) {
    const fp::vector y = d.label(label);
    std::size_t bad = 0;
    for (fp::index i : d.complete_rows(label)) bad += (std::isfinite(y[i]) && d.X.row(i).allFinite()) ? 0 : 1;
    CHECK_MESSAGE(bad == 0, label);
  }
}

}  // namespace

TEST_CASE("binance_dataset takes the arrival book before the trade message") {
  const fp::impact_pipeline_result r = binance(capture, {.horizons = {1s, 10s, 60s}});
  const fp::impact_dataset& d = r.orders;
  REQUIRE(d.rows() == 3);

  // Order 1: the buy of 2 + 0.5; its state as of 11 - 2 = 9 ms (the default lag) is the
  // ticker of 1 ms (mid 100.005), not the post-trade ticker of 10 ms.
  CHECK(d.times[0] == ns(t0 + 11'000'000));
  CHECK(d.durations[0] == ns(100'000));
  CHECK(d.quantity[0] == doctest::Approx(2.5));
  CHECK(d.arrival_mid[0] == doctest::Approx(100.005));
  const double vwap = (2 * 100.01 + 0.5 * 100.02) / 2.5;
  CHECK(d.label("shortfall_bps")[0] == doctest::Approx(bps(1, vwap, 100.005)));
  CHECK(d.label("immediate_bps")[0] == doctest::Approx(bps(1, 100.01, 100.005)));  // the post-trade ticker
  CHECK(d.label("permanent_1s_bps")[0] == doctest::Approx(bps(1, 100.015, 100.005)));
  CHECK(d.label("permanent_10s_bps")[0] == doctest::Approx(bps(1, 100.015, 100.005)));
  CHECK(std::isnan(d.label("permanent_60s_bps")[0]));
  CHECK(d.X(0, d.feature_column("size_to_depth")) == doctest::Approx(2.5 / 2.0));
  // The ticker's level on top of the depth book's worse levels: 1 + 5 bid, 2 + 4 ask.
  CHECK(d.X(0, d.feature_column("depth_imbalance_5")) == doctest::Approx(0.0));
  CHECK(d.X(0, d.feature_column("queue_imbalance")) == doctest::Approx((1.0 - 2.0) / 3.0));

  // Orders 2 and 3 share a trade time but not a sign. State as of 1598 ms: the ticker of
  // 500 ms (100.01 x 2 / 100.02 x 3) with the depth levels worse than it: bids 100.00 and
  // 99.99 stay, the stale ask 100.01 goes.
  CHECK(d.side[1] == fp::side::sell);
  CHECK(d.side[2] == fp::side::buy);
  CHECK(d.arrival_mid[1] == doctest::Approx(100.015));
  CHECK(d.label("shortfall_bps")[1] == doctest::Approx(bps(-1, 100.01, 100.015)));
  CHECK(d.X(1, d.feature_column("size_to_depth")) == doctest::Approx(0.5));
  CHECK(d.X(1, d.feature_column("depth_imbalance_5")) == doctest::Approx((8.0 - 7.0) / 15.0));
  CHECK(d.label("shortfall_bps")[2] == doctest::Approx(bps(1, 100.02, 100.015)));

  const fp::source_summary& s = r.summary;
  CHECK(s.events == 10);
  CHECK(s.book_updates == 6);
  CHECK(s.trades == 4);
  CHECK(s.fills == 4);
  CHECK(s.unsigned_trades == 0);
  CHECK(s.market_orders == 3);
  CHECK(s.unlabelled_orders == 0);
  CHECK(r.state.time == ns(t0 + 12'001'000'000));
  CHECK(r.state.mid == doctest::Approx(100.055));
  CHECK(r.state.spread == doctest::Approx(0.01));
  CHECK(r.state.volume_rate == doctest::Approx(4.5 / 12.001));
  REQUIRE(r.reports.size() == 1);
  CHECK(r.reports[0].file == "capture");
}

TEST_CASE("binance_dataset arrival rules: a fixed lag of 0 sees the post-trade quote, the consistent quote does not") {
  const fp::impact_pipeline_result fixed =
      binance(capture, {.horizons = {1s}, .arrival_rule = fp::binance_arrival_rule::fixed_lag, .arrival_lag = 0ms});
  REQUIRE(fixed.orders.rows() == 3);
  CHECK(fixed.orders.arrival_mid[0] == doctest::Approx(100.01));  // the ticker that already reflects the buy

  // The buy's first fill (100.01) beats the ask of 10 ms (100.02): the state before it is taken.
  const fp::impact_pipeline_result consistent = binance(capture, {.horizons = {1s}, .arrival_lag = 0ms});
  REQUIRE(consistent.orders.rows() == 3);
  CHECK(consistent.orders.arrival_mid[0] == doctest::Approx(100.005));
  CHECK(consistent.summary.arrival_fallbacks == 0);
  CHECK(consistent.orders.label("shortfall_bps")[0] > fixed.orders.label("shortfall_bps")[0]);

  // A buy at 100.00 while every ask of the last 100 ms is 100.01: no consistent quote; the
  // state of the lag is used and the fallback counted.
  const std::string odd = at(0, ticker(1, "99.99", "1", "100.01", "1")) +
                          at(50'000, trade_msg(1, "100.00", "1", t0_ms + 49, false)) +
                          at(60'000, ticker(2, "99.99", "1", "100.01", "1"));
  const fp::impact_pipeline_result fallback = binance(odd, {.horizons = {1s}});
  REQUIRE(fallback.orders.rows() == 1);
  CHECK(fallback.summary.arrival_fallbacks == 1);
  CHECK(fallback.orders.arrival_mid[0] == doctest::Approx(100.00));
  CHECK_THROWS_AS(binance(capture, {.arrival_search = -1ms}), fp::invalid_argument);
}

TEST_CASE("binance_dataset reads a capture split over consecutive files") {
  fp::binance_reader first("day1", capture_head);
  fp::binance_reader second("day2", capture_tail);
  std::vector<fp::binance_reader> readers;
  readers.push_back(std::move(first));
  readers.push_back(std::move(second));
  const fp::impact_pipeline_result split =
      fp::binance_dataset(std::span<fp::binance_reader>(readers), {.horizons = {1s, 10s}});
  const fp::impact_pipeline_result whole = binance(capture, {.horizons = {1s, 10s}});
  REQUIRE(split.orders.rows() == whole.orders.rows());
  for (const char* label : {"shortfall_bps", "immediate_bps", "permanent_1s_bps", "permanent_10s_bps"}) {
    const fp::vector a = split.orders.label(label);
    const fp::vector b = whole.orders.label(label);
    for (fp::index i = 0; i < a.size(); ++i) CHECK(a[i] == doctest::Approx(b[i]));
  }
  CHECK(split.reports.size() == 2);
  CHECK(split.summary.events == whole.summary.events);

  // Files out of order are rejected, naming the file and line.
  fp::binance_reader late("late", capture_tail);
  fp::binance_reader early("early", capture_head);
  std::vector<fp::binance_reader> wrong;
  wrong.push_back(std::move(late));
  wrong.push_back(std::move(early));
  CHECK_THROWS_AS((void)fp::binance_dataset(std::span<fp::binance_reader>(wrong)), fp::data_error);
  CHECK_THROWS_AS((void)fp::binance_dataset(std::span<fp::binance_reader>()), fp::invalid_argument);
  CHECK_THROWS_AS(binance(capture, {.arrival_lag = -1ms}), fp::invalid_argument);
}

TEST_CASE("binance_dataset: an order whose arrival state is older than max_arrival_age is not labelled") {
  // A buy 50 ms after a ticker is labelled; a buy 2 minutes after the last book (the previous
  // capture's, when captures with a gap between them are one history) is not: its arrival
  // mid would be a stale price.
  const std::string two = at(0, ticker(1, "99.99", "1", "100.01", "1")) +
                          at(50'000, trade_msg(1, "100.01", "1", t0_ms + 49, false)) +
                          at(120'050'000, trade_msg(2, "100.01", "1", t0_ms + 120'049, false));
  const fp::impact_pipeline_result r = binance(two, {.horizons = {1s}});
  CHECK(r.summary.market_orders == 2);
  CHECK(r.summary.unlabelled_orders == 1);
  REQUIRE(r.orders.rows() == 1);
  CHECK(r.orders.arrival_mid[0] == doctest::Approx(100.00));
  // Without the limit both are labelled (the old behaviour).
  const fp::impact_pipeline_result all = binance(two, {.horizons = {1s}, .max_arrival_age = 0s});
  CHECK(all.orders.rows() == 2);

  // Two captures a day apart as one history: the second's first order is priced on its own
  // book (a depth update, no bookTicker yet), not on the first capture's last bookTicker
  // (100.00 then; 200.00 now).
  const std::string day1 = at(0, ticker(1, "99.99", "1", "100.01", "1"));
  const std::int64_t day_us = 86'400'000'000;
  const std::string day2 =
      at(day_us, R"({"stream":"btcusdt@depth@100ms","data":{"e":"depthUpdate","E":1723248000000,"s":"BTCUSDT",)"
                 R"("U":1,"u":10,"b":[["199.99","5"]],"a":[["200.01","2"]]}})") +
      at(day_us + 50'000, trade_msg(3, "200.01", "1", t0_ms + 86'400'049, false));
  std::vector<fp::binance_reader> readers;
  readers.emplace_back("day1", day1);
  readers.emplace_back("day2", day2);
  const fp::impact_pipeline_result both =
      fp::binance_dataset(std::span<fp::binance_reader>(readers), {.horizons = {1s}});
  REQUIRE(both.orders.rows() == 1);
  CHECK(both.orders.arrival_mid[0] == doctest::Approx(200.00));
}

TEST_CASE("binance_dataset: the instrument comes from the symbol, and captures of two instruments are rejected") {
  const fp::impact_pipeline_result r = binance(capture, {.horizons = {1s}});
  CHECK(r.instrument.symbol == "BTCUSDT");
  CHECK(r.instrument.venue == "Binance spot");
  CHECK(r.instrument.quantity_unit == fp::quantity_unit::coins);
  CHECK(r.instrument.lot_size == 1e-5);
  CHECK_FALSE(r.instrument.inverse);

  // The same messages under another symbol, given after the BTCUSDT file: one instrument per dataset.
  std::string eth = capture_tail;
  for (std::size_t at = eth.find("BTCUSDT"); at != std::string::npos; at = eth.find("BTCUSDT", at))
    eth.replace(at, 7, "ETHUSDT");
  for (std::size_t at = eth.find("btcusdt"); at != std::string::npos; at = eth.find("btcusdt", at))
    eth.replace(at, 7, "ethusdt");
  std::vector<fp::binance_reader> readers;
  readers.emplace_back("btcusdt.gz", capture_head);
  readers.emplace_back("ethusdt.gz", eth);
  CHECK_THROWS_WITH_AS(
      (void)fp::binance_dataset(std::span<fp::binance_reader>(readers), {.horizons = {1s}}),
      "ethusdt.gz: field 's': symbol 'ETHUSDT' differs from 'BTCUSDT' of btcusdt.gz: one instrument per dataset",
      fp::data_error);
  // The same symbol on USD-M futures (depth updates with `pu`) after the spot capture: two
  // instruments (lot 0.001 and tick 0.1 against 1e-5 and 0.01), read as one history before.
  const std::string futures =
      at(500'000, R"({"stream":"btcusdt@depth@0ms","data":{"e":"depthUpdate","E":1723161601500,"T":1723161601499,)"
                  R"("s":"BTCUSDT","U":100,"u":110,"pu":99,"b":[["100.0","5"]],"a":[["100.1","2"]]}})") +
      at(600'000, R"({"stream":"btcusdt@depth@0ms","data":{"e":"depthUpdate","E":1723161601600,"T":1723161601599,)"
                  R"("s":"BTCUSDT","U":111,"u":120,"pu":110,"b":[["100.0","4"]],"a":[["100.1","2"]]}})");
  std::vector<fp::binance_reader> markets;
  markets.emplace_back("spot.gz", capture_head);
  markets.emplace_back("usdm.gz", futures);
  CHECK_THROWS_WITH_AS((void)fp::binance_dataset(std::span<fp::binance_reader>(markets), {.horizons = {1s}}),
                       doctest::Contains("usdm.gz: field 'pu': a capture of the usd_m_futures market after one of the "
                                         "spot market (spot.gz): one instrument per dataset"),
                       fp::data_error);
}

TEST_CASE("bitstamp_dataset groups same-millisecond trades and counts unsigned ones") {
  const fp::impact_pipeline_result r = bitstamp({.horizons = {1s, 10s, 60s}});
  const fp::impact_dataset& d = r.orders;
  REQUIRE(d.rows() == 3);
  // The buy at 2 s: 1.0 at 100.10 and 1.0 at 100.20 (the unsigned trade between them is not
  // part of it), against the snapshot of 1 s (mid 100.00).
  CHECK(d.side[0] == fp::side::buy);
  CHECK(d.quantity[0] == doctest::Approx(2.0));
  CHECK(d.arrival_mid[0] == doctest::Approx(100.00));
  CHECK(d.label("shortfall_bps")[0] == doctest::Approx(15.0));
  CHECK(d.label("immediate_bps")[0] == doctest::Approx(0.0).epsilon(1e-12));  // no snapshot at 2 s
  CHECK(d.label("permanent_1s_bps")[0] == doctest::Approx(0.0).epsilon(1e-12));
  CHECK(d.label("permanent_10s_bps")[0] == doctest::Approx(20.0));           // 12 s: the snapshot of 7 s
  CHECK(std::isnan(d.label("permanent_60s_bps")[0]));                        // 62 s: after the last snapshot
  CHECK(d.X(0, d.feature_column("size_to_depth")) == doctest::Approx(2.0));  // ask 100.10 x 1
  // The sell at 2 s.
  CHECK(d.side[1] == fp::side::sell);
  CHECK(d.label("shortfall_bps")[1] == doctest::Approx(0.0).epsilon(1e-12));
  CHECK(d.label("permanent_10s_bps")[1] == doctest::Approx(-20.0));
  // The sell at 4 s shares its millisecond with a snapshot: its arrival book is the one before.
  CHECK(d.times[2] == ns(4s));
  CHECK(d.arrival_mid[2] == doctest::Approx(100.00));
  CHECK(d.label("shortfall_bps")[2] == doctest::Approx(-10.0));
  CHECK(d.label("immediate_bps")[2] == doctest::Approx(-10.0));  // the snapshot of 4 s

  const fp::source_summary& s = r.summary;
  CHECK(s.trades == 6);
  CHECK(s.unsigned_trades == 1);
  CHECK(s.fills == 5);
  CHECK(s.market_orders == 4);
  CHECK(s.unlabelled_orders == 1);  // the trade before the first snapshot
  CHECK(s.trades == s.fills + s.unsigned_trades + s.excluded_trades);
  CHECK(s.events == 10);
  CHECK(s.book_updates == 4);
  REQUIRE(r.reports.size() == 2);
  CHECK(r.reports[0].file == "snapshots");
  CHECK(r.reports[1].file == "trades");
  CHECK(r.state.mid == doctest::Approx(100.00));
  CHECK(r.state.time == ns(20s));
  CHECK(r.state.bid_depth == 2.0);
}

TEST_CASE("bitstamp_dataset: a stale last snapshot labels nothing, and rows of another recording are refused") {
  // A buy 70 s after the last snapshot (20 s): its book is not the market it met.
  const std::string late = trades_text + "90000,7,100.10,1.0,buy,buy\n";
  const auto run = [&](const std::string& trades_csv, fp::bitstamp_dataset_options o) {
    fp::bitstamp_snapshot_reader snapshots("snapshots", snapshots_text);
    fp::bitstamp_trade_reader trades("trades", trades_csv);
    return fp::bitstamp_dataset(snapshots, trades, o);
  };
  const fp::impact_pipeline_result r = run(late, {.horizons = {1s}});
  CHECK(r.summary.market_orders == 5);
  CHECK(r.summary.unlabelled_orders == 2);  // before the first snapshot, and 70 s after the last
  CHECK(run(late, {.horizons = {1s}, .max_arrival_age = 0s}).summary.unlabelled_orders == 1);  // the rule off
  CHECK(run(late, {.horizons = {1s}, .max_arrival_age = 71s}).summary.unlabelled_orders == 1);
  // The same trades three days later: no snapshot of theirs at all (every order was labelled
  // on the last snapshot of another day).
  std::string shifted =
      "local_ts_ms,trade_id,price,amount_btc,aggressor_by_resting_order,"
      "aggressor_by_last_depth20_snapshot\n";
  for (const char* row : {"259200500,1,100.00,0.5,buy,buy\n", "259202000,2,100.10,1.0,buy,buy\n"}) shifted += row;
  CHECK_THROWS_WITH_AS((void)run(shifted, {.horizons = {1s}}),
                       "trades:2:1: field 'local_ts_ms': a trade at 259200500 ms, 259180 s after the last snapshot of "
                       "snapshots (20000 ms): not of this recording (a corrupt stamp, or another recording's trades)",
                       fp::data_error);
  CHECK_THROWS_WITH_AS((void)run(shifted, {.horizons = {1s}, .max_recording_gap = 0s}),
                       "trades: field 'local_ts_ms': the trades (259200500 to 259202000 ms) and the snapshots of "
                       "snapshots (1000 to 20000 ms) do not overlap: files of two recordings",
                       fp::data_error);
  // One stray trade stamped in 2100 after a good day, and one an hour and a second before the
  // first snapshot: neither is of the recording.
  CHECK_THROWS_WITH_AS((void)run(trades_text + "4102444800000,7,100.10,1.0,buy,buy\n", {.horizons = {1s}}),
                       doctest::Contains("trades:8:1: field 'local_ts_ms': a trade at 4102444800000 ms"),
                       fp::data_error);
  const std::string early =
      "local_ts_ms,trade_id,price,amount_btc,aggressor_by_resting_order,"
      "aggressor_by_last_depth20_snapshot\n0,1,100.00,0.5,buy,buy\n";
  std::string later_snapshots = "local_ts_ms,ask_px_1,ask_qty_1,bid_px_1,bid_qty_1\n3601001,100.10,1,99.90,2\n";
  fp::bitstamp_snapshot_reader snapshots("snapshots", later_snapshots);
  fp::bitstamp_trade_reader trades("trades", early);
  CHECK_THROWS_WITH_AS((void)fp::bitstamp_dataset(snapshots, trades, {.horizons = {1s}}),
                       doctest::Contains("a trade at 0 ms, 3601 s before the first snapshot"), fp::data_error);
  // A snapshot stamped a day after the previous one: the same.
  const std::string stray_text = snapshots_text + "86420000,100.10,1,99.90,2,100.20,3,99.80,4\n";  // kept: a view
  fp::bitstamp_snapshot_reader stray("snapshots", stray_text);
  fp::bitstamp_trade_reader day("trades", trades_text);
  CHECK_THROWS_WITH_AS((void)fp::bitstamp_dataset(stray, day, {.horizons = {1s}}),
                       doctest::Contains("snapshots:6:1: field 'local_ts_ms': a snapshot at 86420000 ms, 86400 s after "
                                         "the previous one"),
                       fp::data_error);
  // Under the readers' lenient policy each such row is skipped and counted with its file, and
  // the rest is read as without it (the fuzz target found the strict error thrown under lenient).
  const fp::impact_pipeline_result good = run(trades_text, {.horizons = {1s}});
  const std::string stray_trade = trades_text + "4102444800000,7,100.10,1.0,buy,buy\n";  // kept: a view
  fp::bitstamp_snapshot_reader lenient_snapshots("snapshots", stray_text, fp::parse_policy::lenient);
  fp::bitstamp_trade_reader lenient_trades("trades", stray_trade, fp::parse_policy::lenient);
  const fp::impact_pipeline_result skipped =
      fp::bitstamp_dataset(lenient_snapshots, lenient_trades, {.horizons = {1s}});
  REQUIRE(skipped.reports.size() == 2);
  CHECK(skipped.reports[0].report.rows_skipped == 1);
  CHECK(skipped.reports[1].report.rows_skipped == 1);
  REQUIRE(skipped.reports[0].report.first_errors.size() == 1);
  CHECK(skipped.reports[0].report.first_errors[0].find("snapshots:6:1: field 'local_ts_ms': a snapshot at 86420000") ==
        0);
  REQUIRE(skipped.reports[1].report.first_errors.size() == 1);
  CHECK(skipped.reports[1].report.first_errors[0].find("trades:8:1: field 'local_ts_ms': a trade at 4102444800000") ==
        0);
  CHECK(skipped.summary.rows_skipped == 2);
  CHECK(skipped.summary.events == good.summary.events);
  CHECK(skipped.summary.market_orders == good.summary.market_orders);
  CHECK(skipped.summary.span_seconds == good.summary.span_seconds);
}

TEST_CASE("Binance spot capture: the dataset reconciles with the reader" * doctest::test_suite("real-data")) {
  const std::filesystem::path dir = footprint_test::data_dir() / "binance" / "raw" / "spot";
  const std::vector<std::string> files{(dir / "btcusdt_20240808.gz").string(), (dir / "btcusdt_20240809.gz").string()};
  if (!std::filesystem::exists(files[0]) || !std::filesystem::exists(files[1])) {
    MESSAGE("skipped: the Binance captures are not at " << dir.string());
    return;
  }
  const std::size_t limit = footprint_test::line_limit();
  if (limit != 0) MESSAGE("unoptimised build: reading the first " << limit << " lines of each capture");
  std::vector<std::string> texts;
  for (const std::string& f : files) texts.push_back(head(f, limit));

  std::vector<fp::binance_reader> readers;
  for (std::size_t i = 0; i < files.size(); ++i) readers.emplace_back(files[i], texts[i]);
  const fp::impact_pipeline_result r = fp::binance_dataset(std::span<fp::binance_reader>(readers));

  // The reader alone: trades, and runs of the same trade time and sign.
  std::size_t trades = 0;
  std::size_t groups = 0;
  std::size_t messages = 0;
  for (std::size_t i = 0; i < files.size(); ++i) {
    fp::binance_reader reader(files[i], texts[i]);
    fp::binance_event ev;
    std::int64_t last_time = -1;
    int last_sign = 0;
    while (reader.next(ev)) {
      ++messages;
      if (ev.kind != fp::binance_event_kind::trade) continue;
      ++trades;
      if (ev.trade.time.count() != last_time || ev.trade.sign != last_sign) ++groups;
      last_time = ev.trade.time.count();
      last_sign = ev.trade.sign;
    }
  }
  const fp::source_summary& s = r.summary;
  CHECK(s.events == messages);
  CHECK(s.trades == trades);
  CHECK(s.fills + s.unsigned_trades == trades);
  CHECK(s.unsigned_trades == 0);
  CHECK(s.market_orders == groups);
  CHECK(r.orders.rows() + static_cast<fp::index>(s.unlabelled_orders) == static_cast<fp::index>(groups));
  CHECK(s.unlabelled_orders <= 1);
  CHECK(r.orders.rows() > 100);
  check_complete_rows(r.orders);
  check_complete_rows(r.metaorders);
  CHECK(!r.orders.complete_rows("permanent_10s_bps").empty());
  if (limit == 0) {  // the whole capture: 11 minutes; Kyle's lambda needs its first 20 s
    CHECK(trades == 9757 + 10147);
    CHECK(s.span_seconds > 600.0);
    CHECK(r.orders.complete_rows("permanent_10s_bps").size() > static_cast<std::size_t>(r.orders.rows()) * 9 / 10);
  }
  CHECK(r.state.mid > 50'000.0);
  CHECK(r.state.spread > 0.0);
  CHECK(r.state.volume_rate > 0.0);

  // The consistent-quote rule: only its fallbacks (and the few same-millisecond groups of
  // two taker orders whose VWAP beats their first fill: 4 in the whole capture) can pay less
  // than the half spread. With a fixed lag of 0 the post-trade quote makes many orders look
  // cheaper than that.
  CHECK(below_half_spread(r.orders) <= s.arrival_fallbacks + 4);
  CHECK(s.arrival_fallbacks * 50 < s.market_orders);
  std::vector<fp::binance_reader> again;
  for (std::size_t i = 0; i < files.size(); ++i) again.emplace_back(files[i], texts[i]);
  const fp::impact_pipeline_result fixed = fp::binance_dataset(
      std::span<fp::binance_reader>(again), {.arrival_rule = fp::binance_arrival_rule::fixed_lag, .arrival_lag = 0ms});
  CHECK(fixed.summary.market_orders == s.market_orders);
  CHECK(below_half_spread(fixed.orders) * 10 > static_cast<std::size_t>(fixed.orders.rows()));
}

TEST_CASE("Bitstamp day: the dataset reconciles with the readers" * doctest::test_suite("real-data")) {
  const std::filesystem::path dir = footprint_test::data_dir() / "bitstamp";
  if (!std::filesystem::exists(dir / "trades.csv") || !std::filesystem::exists(dir / "depth20_snapshots.csv.gz")) {
    MESSAGE("skipped: the Bitstamp recording is not at " << dir.string());
    return;
  }
  const fp::impact_pipeline_result r = fp::bitstamp_dataset(dir.string());
  CHECK(r.instrument.symbol == "BTC/USD");
  CHECK(r.instrument.lot_size == 1e-8);

  fp::bitstamp_trade_reader reader((dir / "trades.csv").string());
  fp::trade t;
  std::size_t trades = 0;
  std::size_t unsigned_trades = 0;
  std::size_t groups = 0;
  std::int64_t last_time = -1;
  int last_sign = 0;
  while (reader.next(t)) {
    ++trades;
    if (t.sign == 0) {
      ++unsigned_trades;
      continue;
    }
    if (t.time.count() != last_time || t.sign != last_sign) ++groups;
    last_time = t.time.count();
    last_sign = t.sign;
  }
  const fp::source_summary& s = r.summary;
  CHECK(trades == 4251);
  CHECK(unsigned_trades == 61);
  CHECK(s.trades == trades);
  CHECK(s.unsigned_trades == unsigned_trades);
  CHECK(s.fills + s.unsigned_trades == trades);
  CHECK(s.market_orders == groups);
  CHECK(r.orders.rows() + static_cast<fp::index>(s.unlabelled_orders) == static_cast<fp::index>(groups));
  CHECK(s.book_updates == 29992);
  CHECK(s.events == 29992 + 4251);
  CHECK(s.rows_skipped == 0);
  check_complete_rows(r.orders);
  check_complete_rows(r.metaorders);
  CHECK(r.orders.complete_rows("permanent_60s_bps").size() > 3000);
  CHECK(r.state.mid > 200.0);
  CHECK(r.state.volatility > 0.0);
}

}  // namespace unity_pipeline_crypto
