// book_history (an OrderBookView over a row of an xtensor history), compute_batch (batch
// equals streaming) and feature_set (composition, names, forwarding).
#include "footprint/book/price_level_book.hpp"
#include "footprint/book/trade.hpp"
#include "footprint/detail/random.hpp"
#include "footprint/features/amihud_illiquidity.hpp"
#include "footprint/features/book_history.hpp"
#include "footprint/features/book_slope.hpp"
#include "footprint/features/compute_batch.hpp"
#include "footprint/features/depth_imbalance.hpp"
#include "footprint/features/depth_within_bps.hpp"
#include "footprint/features/ewma_volatility.hpp"
#include "footprint/features/feature_set.hpp"
#include "footprint/features/kyle_lambda.hpp"
#include "footprint/features/multi_level_ofi.hpp"
#include "footprint/features/order_flow_imbalance.hpp"
#include "footprint/features/queue_imbalance.hpp"
#include "footprint/features/realized_volatility.hpp"
#include "footprint/features/stoikov_microprice.hpp"
#include "footprint/features/time_of_day.hpp"
#include "footprint/features/top_of_book.hpp"
#include "footprint/features/trade_flow.hpp"

#include <doctest/doctest.h>

#include <chrono>
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

// Each test file is its own namespace: the module's files compile as one unity translation unit.
namespace unity_batch {

namespace fp = footprint;
using fp::side;
using namespace std::chrono_literals;

namespace {
// A random 5-level history around 100 with holes at the end of some sides, and trades.
struct random_history {
  fp::book_history::array_type array;
  std::vector<std::chrono::nanoseconds> times;
  std::vector<fp::trade> trades;
};
random_history make_history(std::size_t rows, std::uint64_t seed) {
  fp::detail::xoshiro256ss rng(seed);
  const auto between = [&](int lo, int hi) {
    return lo + static_cast<int>(rng.below(static_cast<std::uint64_t>(hi - lo + 1)));
  };
  const auto step = [&](auto&) { return between(-1, 1); };
  const auto qty = [&](auto&) { return between(1, 50); };
  const auto depth = [&](auto&) { return between(0, 5); };
  const auto gap_ms = [&](auto&) { return between(1, 300); };
  random_history h{fp::book_history::array_type::from_shape({rows, 5, 4}), {}, {}};
  h.array.fill(0.0);
  int best_bid = 10000;  // in cents
  std::int64_t t_ms = 34'200'000;
  for (std::size_t t = 0; t < rows; ++t) {
    best_bid += step(rng);
    const int spread = 1 + (qty(rng) % 3);
    const int nb = depth(rng);
    const int na = depth(rng);
    for (int l = 0; l < 5; ++l) {
      h.array(t, l, 0) = l < nb ? (best_bid - l) / 100.0 : std::nan("");
      h.array(t, l, 1) = l < nb ? qty(rng) : 0.0;
      h.array(t, l, 2) = l < na ? (best_bid + spread + l) / 100.0 : 9999999999.0;  // LOBSTER-style empty
      h.array(t, l, 3) = l < na ? qty(rng) : 0.0;
    }
    t_ms += gap_ms(rng);
    h.times.push_back(std::chrono::milliseconds(t_ms));
    if (qty(rng) < 20) {  // a trade at the row's time, before the row
      const int sign = qty(rng) % 2 ? 1 : -1;
      h.trades.push_back({.time = h.times.back(),
                          .price = best_bid / 100.0,
                          .quantity = double(qty(rng)),
                          .sign = static_cast<std::int8_t>(sign)});
    }
  }
  return h;
}

// Loads row t of the history into a price_level_book (the streaming side of the test).
void load_row(fp::price_level_book& book, const fp::book_history& row) {
  std::vector<fp::price_level> bids, asks;
  for (fp::index l = 0; l < row.bid_levels(); ++l) bids.push_back({row.bid_price(l), row.bid_quantity(l)});
  for (fp::index l = 0; l < row.ask_levels(); ++l) asks.push_back({row.ask_price(l), row.ask_quantity(l)});
  book.replace_side(side::buy, bids);
  book.replace_side(side::sell, asks);
  book.set_timestamp(row.timestamp());
}

bool same(double a, double b) { return (std::isnan(a) && std::isnan(b)) || a == b; }
}  // namespace

TEST_CASE("book_history: rows are OrderBookViews, absent levels end a side") {
  fp::book_history::array_type a = fp::book_history::array_type::from_shape({2, 3, 4});
  // Row 0: bids 10.00 x 5, 9.99 x 0 (absent: size 0), 9.98 x 7 (after a hole: ignored);
  //        asks 10.01 x 2, 10.02 x 3, NaN price (absent).
  a(0, 0, 0) = 10.00;
  a(0, 0, 1) = 5;
  a(0, 0, 2) = 10.01;
  a(0, 0, 3) = 2;
  a(0, 1, 0) = 9.99;
  a(0, 1, 1) = 0;
  a(0, 1, 2) = 10.02;
  a(0, 1, 3) = 3;
  a(0, 2, 0) = 9.98;
  a(0, 2, 1) = 7;
  a(0, 2, 2) = std::nan("");
  a(0, 2, 3) = 4;
  // Row 1: no bids at all.
  for (std::size_t l = 0; l < 3; ++l) {
    a(1, l, 0) = std::nan("");
    a(1, l, 1) = 0;
    a(1, l, 2) = 10.05 + 0.01 * double(l);
    a(1, l, 3) = 1;
  }
  const std::vector<std::chrono::nanoseconds> times{1s, 2s};
  fp::book_history h(a, times);
  CHECK(h.rows() == 2);
  CHECK(h.depth() == 3);
  CHECK(h.bid_levels() == 1);
  CHECK(h.ask_levels() == 2);
  CHECK(h.ask_price(1) == 10.02);
  CHECK(h.timestamp() == 1s);
  const fp::book_history r1 = h.at(1);
  CHECK(r1.bid_levels() == 0);
  CHECK(r1.ask_levels() == 3);
  CHECK(r1.timestamp() == 2s);
  CHECK(h.row() == 0);  // at() leaves the view where it was

  const std::vector<std::chrono::nanoseconds> short_times{1s};
  CHECK_THROWS_AS(fp::book_history(a, short_times), fp::dimension_mismatch);
  const std::vector<std::chrono::nanoseconds> backwards{2s, 1s};
  CHECK_THROWS_AS(fp::book_history(a, backwards), fp::invalid_argument);
  fp::book_history::array_type three = fp::book_history::array_type::from_shape({2, 3, 3});
  CHECK_THROWS_AS(fp::book_history(three, times), fp::dimension_mismatch);
}

TEST_CASE("feature_set concatenates names in order and forwards update and reset") {
  using level1 = fp::feature_set<fp::top_of_book, fp::queue_imbalance, fp::order_flow_imbalance>;
  static_assert(fp::FeatureCalculatorFor<level1, fp::price_level_book>);
  static_assert(fp::StatefulFeatureCalculatorFor<level1, fp::price_level_book>);
  static_assert(!fp::TradeObserver<level1, fp::trade>);
  using stateless = fp::feature_set<fp::top_of_book, fp::queue_imbalance>;
  static_assert(fp::FeatureCalculatorFor<stateless, fp::price_level_book>);
  static_assert(!fp::StatefulFeatureCalculatorFor<stateless, fp::price_level_book>);
  using with_trades = fp::feature_set<fp::queue_imbalance, fp::trade_flow>;
  static_assert(fp::StatefulFeatureCalculatorFor<with_trades, fp::book_history>);
  static_assert(fp::TradeObserver<with_trades, fp::trade>);

  level1 fs;
  REQUIRE(fs.size() == 8);
  const std::vector<std::string> expected{"mid", "spread",         "spread_bps", "weighted_mid", "queue_imbalance",
                                          "ofi", "ofi_100_events", "ofi_1s"};
  CHECK(std::vector<std::string>(fs.names().begin(), fs.names().end()) == expected);
  CHECK(fs.offset<2>() == 5);

  fp::price_level_book book;
  book.set_level(side::buy, 100.00, 300);
  book.set_level(side::sell, 100.02, 100);
  fs.update(book);
  book.set_level(side::buy, 100.00, 350);
  book.set_timestamp(1ms);
  fs.update(book);
  std::vector<double> out(fs.size());
  fs.compute(book, out);
  CHECK(out[0] == doctest::Approx(100.01));
  CHECK(out[4] == doctest::Approx(250.0 / 450.0));
  CHECK(out[5] == 50.0);  // the OFI member saw both updates
  fs.reset();
  fs.compute(book, out);
  CHECK(out[0] == doctest::Approx(100.01));  // stateless members are unaffected
  CHECK(std::isnan(out[5]));

  // Parameters through the members' constructors (CTAD); names must stay unique, so
  // several windows of one feature go into one calculator.
  const fp::feature_set custom{fp::queue_imbalance{},
                               fp::order_flow_imbalance({.event_windows = {10, 20}, .clock_windows = {}})};
  const std::vector<std::string> custom_names{"queue_imbalance", "ofi", "ofi_10_events", "ofi_20_events"};
  CHECK(std::vector<std::string>(custom.names().begin(), custom.names().end()) == custom_names);
  CHECK_THROWS_WITH_AS(
      (fp::feature_set<fp::queue_imbalance, fp::queue_imbalance>{}),
      "footprint::feature_set::feature_set: feature names must be unique (got 'queue_imbalance' twice)",
      fp::invalid_argument);
  CHECK_THROWS_AS(fp::feature_set(fp::order_flow_imbalance{}, fp::order_flow_imbalance({.event_windows = {20}})),
                  fp::invalid_argument);  // "ofi" twice
}

TEST_CASE("compute_batch over a history equals streaming the same rows and trades") {
  const random_history h = make_history(400, 3);
  const fp::book_history history(h.array, h.times);
  auto make_set = [] {
    return fp::feature_set{fp::top_of_book{},
                           fp::queue_imbalance{},
                           fp::depth_imbalance({.levels = 3}),
                           fp::depth_within_bps({.bps = {2.0, 10.0}}),
                           fp::book_slope({.levels = 4}),
                           fp::order_flow_imbalance({.event_windows = {7}, .clock_windows = {2s}}),
                           fp::multi_level_ofi({.levels = 3, .event_windows = {7}, .clock_windows = {2s}}),
                           fp::realized_volatility({.window = 5s}),
                           fp::ewma_volatility({.half_life = 3s}),
                           fp::trade_flow({.window = 4s}),
                           fp::time_of_day{},
                           fp::kyle_lambda({.interval = 1s, .intervals = 5}),
                           fp::amihud_illiquidity({.interval = 1s, .intervals = 5}),
                           fp::stoikov_microprice({.imbalance_buckets = 4, .spread_buckets = 3})};
  };
  auto batch_set = make_set();
  batch_set.get<13>().fit(history);
  const xt::xtensor<double, 2> batch = fp::compute_batch(batch_set, history, h.trades);
  REQUIRE(batch.shape()[0] == 400);
  REQUIRE(batch.shape()[1] == batch_set.size());

  auto stream_set = make_set();
  stream_set.get<13>().fit(history);
  fp::price_level_book book;
  std::vector<double> out(stream_set.size());
  std::size_t next_trade = 0;
  std::size_t defined = 0;
  for (fp::index t = 0; t < history.rows(); ++t) {
    const fp::book_history row = history.at(t);
    while (next_trade < h.trades.size() && h.trades[next_trade].time <= row.timestamp()) {
      stream_set.update(h.trades[next_trade++]);
    }
    load_row(book, row);
    stream_set.update(book);
    stream_set.compute(book, out);
    for (std::size_t j = 0; j < out.size(); ++j) {
      REQUIRE_MESSAGE(same(batch(static_cast<std::size_t>(t), j), out[j]), "row ", t, " feature ",
                      stream_set.names()[j]);
      defined += std::isnan(out[j]) ? 0 : 1;
    }
  }
  CHECK(defined > out.size() * 300);  // most values are defined: the test compares numbers

  // Running batch again resets the state first: same result.
  const xt::xtensor<double, 2> again = fp::compute_batch(batch_set, h.array, h.times, h.trades);
  CHECK(std::equal(batch.begin(), batch.end(), again.begin(), [](double a, double b) { return same(a, b); }));
  std::vector<fp::trade> unsorted = h.trades;
  std::swap(unsorted.front(), unsorted.back());
  CHECK_THROWS_AS((void)fp::compute_batch(batch_set, history, unsorted), fp::invalid_argument);
}

}  // namespace unity_batch
