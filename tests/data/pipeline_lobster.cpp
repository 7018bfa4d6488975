// lobster_dataset: exact labels on a hand-made LOBSTER day, and the GOOG sample day
// (../shared/data; skipped with a message when absent) checked against
// lobster_market_order_reader run independently.
#include "footprint/data/impact_dataset.hpp"
#include "footprint/data/impact_pipeline.hpp"
#include "footprint/data/lobster_dataset.hpp"
#include "footprint/feeds/lobster/lobster_market_order_reader.hpp"
#include "footprint/feeds/lobster/lobster_reader.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <numeric>
#include <string>
#include <vector>

// Each test file is its own namespace: the module's files compile as one unity translation unit.
namespace unity_pipeline_lobster {

namespace fp = footprint;
using namespace std::chrono_literals;
using ns = std::chrono::nanoseconds;

namespace {

// Eight events of a level-1 day. Book (ask price, ask size, bid price, bid size) after each:
//  1  34200  submit                     100.02 x 100 | 100.00 x 200   mid 100.01
//  2  34205  execute 60 @ 100.02 (buy)  100.02 x 40  | 100.00 x 200   mid 100.01
//  3  34205  execute 40 @ 100.02 (buy)  100.03 x 50  | 100.00 x 200   mid 100.015
//  4  34206  submit                     100.03 x 50  | 100.01 x 100   mid 100.02
//  5  34210  hidden execution 10 @ 100.015 (a buy order executed: a sell)   unchanged
//  6  34220  cancel                     100.03 x 50  | 100.00 x 100   mid 100.015
//  7  34300  cross trade 500 @ 100.01 (sign 0)                        unchanged
//  8  34500  submit                     100.04 x 10  | 100.02 x 10    mid 100.03
const std::string message_text =
    "34200.0,1,1,200,1000000,1\n"
    "34205.0,4,2,60,1000200,-1\n"
    "34205.0,4,2,40,1000200,-1\n"
    "34206.0,1,3,100,1000100,1\n"
    "34210.0,5,0,10,1000150,1\n"
    "34220.0,2,3,100,1000100,1\n"
    "34300.0,6,-1,500,1000100,-1\n"
    "34500.0,1,4,10,1000200,1\n";
const std::string orderbook_text =
    "1000200,100,1000000,200\n"
    "1000200,40,1000000,200\n"
    "1000300,50,1000000,200\n"
    "1000300,50,1000100,100\n"
    "1000300,50,1000100,100\n"
    "1000300,50,1000000,100\n"
    "1000300,50,1000000,100\n"
    "1000400,10,1000200,10\n";

double bps(double sign, double price, double mid) { return sign * (price - mid) / mid * 1e4; }

fp::impact_pipeline_result hand_made(fp::lobster_dataset_options options = {}) {
  fp::lobster_reader reader(fp::lobster_reader::in_memory, message_text, orderbook_text);
  return fp::lobster_dataset(reader, options);
}

const std::filesystem::path goog_dir =
    std::filesystem::path(FOOTPRINT_TEST_DATA_DIR) / "lobster" / "GOOG_2012-06-21_L1";
const std::string goog_message = (goog_dir / "GOOG_2012-06-21_34200000_57600000_message_1.csv").string();
const std::string goog_orderbook = (goog_dir / "GOOG_2012-06-21_34200000_57600000_orderbook_1.csv").string();

bool have_goog() {
  if (std::filesystem::exists(goog_message) && std::filesystem::exists(goog_orderbook)) return true;
  MESSAGE("skipped: the LOBSTER GOOG sample is not at " << goog_dir.string());
  return false;
}

// Row indices sorted by quantity and cut into five groups of equal count (ties broken by
// time): rank-based quintiles, since round lots (100 shares) are a large share of orders.
std::vector<std::vector<fp::index>> size_quintiles(const fp::impact_dataset& d) {
  std::vector<fp::index> order(static_cast<std::size_t>(d.rows()));
  std::iota(order.begin(), order.end(), fp::index{0});
  std::stable_sort(order.begin(), order.end(), [&](fp::index a, fp::index b) { return d.quantity[a] < d.quantity[b]; });
  std::vector<std::vector<fp::index>> q(5);
  for (std::size_t i = 0; i < order.size(); ++i) q[i * 5 / order.size()].push_back(order[i]);
  return q;
}

}  // namespace

TEST_CASE("lobster_dataset labels a hand-made day exactly") {
  const fp::impact_pipeline_result r = hand_made({.horizons = {1s, 10s, 60s, 300s}});
  const fp::impact_dataset& d = r.orders;
  REQUIRE(d.rows() == 2);

  // Order 1: a buy of 60 + 40 at 100.02 at 34205 s (two fills, one timestamp), arrival book row 1.
  CHECK(d.times[0] == ns(34205s));
  CHECK(d.side[0] == fp::side::buy);
  CHECK(d.quantity[0] == 100.0);
  CHECK(d.arrival_mid[0] == doctest::Approx(100.01));
  CHECK(d.label("shortfall_bps")[0] == doctest::Approx(bps(1, 100.02, 100.01)));
  CHECK(d.label("immediate_bps")[0] == doctest::Approx(bps(1, 100.015, 100.01)));      // row 3, its own last fill
  CHECK(d.label("permanent_1s_bps")[0] == doctest::Approx(bps(1, 100.02, 100.01)));    // 34206: row 4
  CHECK(d.label("permanent_10s_bps")[0] == doctest::Approx(bps(1, 100.02, 100.01)));   // 34215: row 5
  CHECK(d.label("permanent_60s_bps")[0] == doctest::Approx(bps(1, 100.015, 100.01)));  // 34265: row 6
  CHECK(std::isnan(d.label("permanent_300s_bps")[0]));  // 34505 is after the last book (34500)
  CHECK(d.label("temporary_60s_bps")[0] == doctest::Approx(bps(1, 100.02, 100.01) - bps(1, 100.015, 100.01)));
  CHECK(d.X(0, d.feature_column("size_to_depth")) == doctest::Approx(1.0));  // 100 shares on an ask of 100
  CHECK(d.X(0, d.feature_column("queue_imbalance")) == doctest::Approx(100.0 / 300.0));
  CHECK(d.X(0, d.feature_column("signed_volume_60s")) == 0.0);  // no trade before it

  // Order 2: the hidden execution, a sell of 10 at 100.015 at 34210 s, arrival book row 4.
  CHECK(d.times[1] == ns(34210s));
  CHECK(d.side[1] == fp::side::sell);
  CHECK(d.arrival_mid[1] == doctest::Approx(100.02));
  CHECK(d.label("shortfall_bps")[1] == doctest::Approx(bps(-1, 100.015, 100.02)));
  CHECK(d.label("immediate_bps")[1] == doctest::Approx(0.0).epsilon(1e-12));
  CHECK(d.label("permanent_1s_bps")[1] == doctest::Approx(0.0).epsilon(1e-12));
  CHECK(d.label("permanent_10s_bps")[1] == doctest::Approx(bps(-1, 100.015, 100.02)));  // 34220: row 6
  CHECK(d.X(1, d.feature_column("size_to_depth")) == doctest::Approx(0.1));             // a sell takes the bid (100)
  CHECK(d.X(1, d.feature_column("signed_volume_60s")) == 100.0);                        // order 1's fills
  CHECK(d.X(1, d.feature_column("trade_intensity_60s")) == doctest::Approx(2.0 / 60.0));

  // The summary reconciles: 4 trades = 3 fills + 1 unsigned cross trade.
  const fp::source_summary& s = r.summary;
  CHECK(s.events == 8);
  CHECK(s.book_updates == 8);
  CHECK(s.trades == 4);
  CHECK(s.unsigned_trades == 1);
  CHECK(s.fills == 3);
  CHECK(s.excluded_trades == 0);
  CHECK(s.market_orders == 2);
  CHECK(s.unlabelled_orders == 0);
  CHECK(s.mid_updates == 7);  // rows 2 and 3 share a time
  CHECK(s.traded_volume == 610.0);
  CHECK(s.span_seconds == doctest::Approx(300.0));
  REQUIRE(r.reports.size() == 1);
  CHECK(r.reports[0].file == "message + orderbook");
  CHECK(r.reports[0].report.lines_read == 8);

  // The market state after the last book.
  CHECK(r.state.time == ns(34500s));
  CHECK(r.state.mid == doctest::Approx(100.03));
  CHECK(r.state.spread == doctest::Approx(0.02));
  CHECK(r.state.bid_depth == 10.0);
  CHECK(r.state.ask_depth == 10.0);
  CHECK(r.state.volume_rate == doctest::Approx(610.0 / 300.0));
  // Mid sampled every 10 s from 34200: returns ln(100.02/100.01) (to 34210) and
  // ln(100.015/100.02) (to 34230), 30 intervals in all.
  const double r1 = std::log(100.02 / 100.01), r2 = std::log(100.015 / 100.02);
  CHECK(r.state.volatility == doctest::Approx(std::sqrt((r1 * r1 + r2 * r2) / 300.0)));
  CHECK(r.state.features.size() == 17);
  CHECK(r.state.features[0] == doctest::Approx(100.03));
  // The last book, every level, and the tape: every trade given to the pipeline and the mid path.
  CHECK(r.book.best_bid() == doctest::Approx(100.02));
  CHECK(r.book.best_ask() == doctest::Approx(100.04));
  CHECK(r.tape.mids.size() == s.mid_updates);
  CHECK(r.tape.mid_times.size() == s.mid_updates);
  CHECK(r.tape.mids.back() == doctest::Approx(r.state.mid));
  CHECK(r.tape.trades.size() == s.trades);

  // Metaorders: a buy run and a sell run.
  CHECK(r.metaorders.rows() == 2);
}

TEST_CASE("lobster_dataset counts hidden executions as excluded when asked") {
  const fp::impact_pipeline_result r = hand_made({.include_hidden = false});
  CHECK(r.orders.rows() == 1);
  CHECK(r.summary.excluded_trades == 1);
  CHECK(r.summary.trades == r.summary.fills + r.summary.unsigned_trades + r.summary.excluded_trades);
}

TEST_CASE("lobster_dataset rejects bad options and reports skipped rows") {
  CHECK_THROWS_AS(hand_made({.horizons = {10s, 1s}}), fp::invalid_argument);
  CHECK_THROWS_AS(hand_made({.metaorder_gap = -1s}), fp::invalid_argument);
  CHECK_THROWS_AS(hand_made({.volatility_interval = 0s}), fp::invalid_argument);

  // A malformed row (type 9) under the lenient policy: skipped, counted and reported.
  std::string bad = message_text;
  bad.replace(bad.find("34206.0,1"), 9, "34206.0,9");
  fp::lobster_reader reader(fp::lobster_reader::in_memory, bad, orderbook_text, {.policy = fp::parse_policy::lenient});
  const fp::impact_pipeline_result r = fp::lobster_dataset(reader);
  CHECK(r.summary.rows_skipped == 1);
  CHECK(r.summary.events == 7);
  REQUIRE(r.reports.size() == 1);
  CHECK(r.reports[0].report.first_errors.size() == 1);

  fp::lobster_reader strict(fp::lobster_reader::in_memory, bad, orderbook_text);
  CHECK_THROWS_AS((void)fp::lobster_dataset(strict), fp::data_error);
  CHECK_THROWS_AS((void)fp::lobster_dataset("/nonexistent/m.csv", "/nonexistent/o.csv"), fp::data_error);
}

TEST_CASE("lobster_dataset refuses a stream past its memory_limit (a small file of many repeated valid rows)") {
  // 100,000 alternating buy and sell executions, two a second (within the day): each is a
  // labelled market order, a trade and a mid (before: held whatever their number, about 1 KB
  // per row with 20 arrival book levels kept).
  std::string messages, books;
  for (int i = 0; i < 100000; ++i) {
    const int dir = i % 2 == 0 ? -1 : 1;  // executed sell limit order = buy market order
    messages += std::to_string(34200 + i / 2) + (i % 2 == 0 ? ".0" : ".5") + ",4,7," + "1," +
                (dir < 0 ? "1000200" : "1000000") + "," + std::to_string(dir) + "\n";
    books += "1000200,100,1000000,100\n";
  }
  fp::lobster_dataset_options options;
  options.arrival_book_levels = 1;
  options.memory_limit = std::size_t{1} << 20;
  fp::lobster_reader limited(fp::lobster_reader::in_memory, messages, books);
  bool refused = false;
  try {
    (void)fp::lobster_dataset(limited, options);
  } catch (const fp::data_error& e) {
    refused = true;
    CHECK(e.field() == "memory_limit");
    CHECK(std::string(e.what()).find("more than memory_limit (1048576 bytes)") != std::string::npos);
  }
  CHECK(refused);
  // The same rows without a limit are read whole, and hold more than the limit.
  options.memory_limit = 0;
  fp::lobster_reader whole(fp::lobster_reader::in_memory, messages, books);
  const fp::impact_pipeline_result r = fp::lobster_dataset(whole, options);
  CHECK(r.summary.events == 100000);
  CHECK(r.orders.X.rows() == 99999);  // the first execution has no book before it: unlabelled
  CHECK(r.tape.mids.size() == 100000);
}

TEST_CASE("GOOG day: one row per market order of lobster_market_order_reader" * doctest::test_suite("real-data")) {
  if (!have_goog()) return;
  const fp::impact_pipeline_result r = fp::lobster_dataset(goog_message, goog_orderbook);
  CHECK(r.instrument.symbol == "GOOG");
  CHECK(r.instrument.quantity_unit == fp::quantity_unit::shares);
  const fp::impact_dataset& d = r.orders;

  // The same grouping, run independently.
  fp::lobster_reader reader(goog_message, goog_orderbook);
  fp::lobster_market_order_reader orders(reader);
  fp::lobster_market_order mo;
  const fp::vector shortfall_bps = d.label("shortfall_bps");
  std::size_t n = 0;
  std::size_t matched = 0;
  fp::index row = 0;
  while (orders.next(mo)) {
    ++n;
    if (mo.arrival_book.bid_levels() == 0 || mo.arrival_book.ask_levels() == 0) continue;  // unlabelled
    REQUIRE(row < d.rows());
    const bool same = d.times[static_cast<std::size_t>(row)] == mo.time &&
                      d.side[static_cast<std::size_t>(row)] == mo.side && d.quantity[row] == mo.quantity &&
                      d.arrival_mid[row] == 0.5 * (mo.arrival_book.best_bid() + mo.arrival_book.best_ask()) &&
                      shortfall_bps[row] == doctest::Approx(fp::sign(mo.side) * (mo.vwap - d.arrival_mid[row]) /
                                                            d.arrival_mid[row] * 1e4);
    matched += same ? 1 : 0;
    ++row;
  }
  CHECK(n == 7983);
  CHECK(r.summary.market_orders == n);
  CHECK(matched == static_cast<std::size_t>(d.rows()));
  CHECK(d.rows() + static_cast<fp::index>(r.summary.unlabelled_orders) == static_cast<fp::index>(n));
  CHECK(r.summary.unlabelled_orders <= 1);  // at most the first order of the day
  CHECK(r.summary.trades == r.summary.fills + r.summary.unsigned_trades + r.summary.excluded_trades);
  CHECK(r.summary.events == 49482);

  // A label is defined exactly when its horizon ends within the data.
  const std::vector<ns> horizons{1s, 10s, 60s, 300s};
  std::size_t wrong = 0;
  for (std::size_t h = 0; h < horizons.size(); ++h) {
    const fp::vector y = d.label("permanent_" + std::to_string(horizons[h] / 1s) + "s_bps");
    for (fp::index i = 0; i < d.rows(); ++i) {
      const bool fits = d.times[static_cast<std::size_t>(i)] + d.durations[static_cast<std::size_t>(i)] + horizons[h] <=
                        r.summary.last_time;
      wrong += fits != std::isfinite(y[i]) ? 1 : 0;
    }
  }
  CHECK(wrong == 0);
  CHECK(d.label("shortfall_bps").allFinite());

  // Positive cost on average: the mean shortfall is of the order of the half spread (1.56
  // vs 1.88 bps: hidden executions inside the spread pull it below).
  const double shortfall = d.label("shortfall_bps").mean();
  const double half_spread = 0.5 * d.X.col(d.feature_column("spread_bps")).mean();
  CHECK(shortfall > 0.8 * half_spread);
  CHECK(shortfall < 1.5 * half_spread);

  // Permanent impact is positive on average for the largest size quintile, at every horizon.
  const auto quintiles = size_quintiles(d);
  for (const char* label : {"permanent_1s_bps", "permanent_10s_bps", "permanent_60s_bps", "permanent_300s_bps"}) {
    const fp::vector y = d.label(label);
    double sum = 0.0;
    double count = 0.0;
    for (fp::index i : quintiles[4]) {
      if (std::isfinite(y[i])) {
        sum += y[i];
        count += 1.0;
      }
    }
    CHECK_MESSAGE(sum / count > 0.5, label);
  }

  // The market state at the close.
  CHECK(r.state.time > ns(57'590s));
  CHECK(r.state.mid > 500.0);
  CHECK(r.state.spread > 0.0);
  CHECK(r.state.volatility > 1e-5);
  CHECK(r.state.volatility < 1e-3);
  CHECK(r.state.volume_rate == doctest::Approx(r.summary.traded_volume / r.summary.span_seconds));
}

TEST_CASE("GOOG day, visible fills only: every market order pays at least the half spread" *
          doctest::test_suite("real-data")) {
  if (!have_goog()) return;
  const fp::impact_pipeline_result r = fp::lobster_dataset(goog_message, goog_orderbook, {.include_hidden = false});
  const fp::impact_dataset& d = r.orders;
  CHECK(d.rows() + static_cast<fp::index>(r.summary.unlabelled_orders) == 5931);
  CHECK(r.summary.excluded_trades == 3913);
  // A visible fill prints at the arrival quote or worse: shortfall >= spread / 2, per order.
  const fp::vector shortfall = d.label("shortfall_bps");
  const fp::vector spread = d.X.col(d.feature_column("spread_bps"));
  fp::index below = 0;
  for (fp::index i = 0; i < d.rows(); ++i) below += shortfall[i] < 0.5 * spread[i] - 1e-9 ? 1 : 0;
  CHECK(below == 0);
  for (const char* label : {"shortfall_bps", "permanent_10s_bps", "permanent_60s_bps"}) {
    const fp::vector y = d.label(label);
    const std::vector<fp::index> rows = d.complete_rows(label);
    CHECK(rows.size() > 5000);
    std::size_t non_finite = 0;
    for (fp::index i : rows) non_finite += (d.X.row(i).allFinite() && std::isfinite(y[i])) ? 0 : 1;
    CHECK(non_finite == 0);
  }
}

}  // namespace unity_pipeline_lobster
