// Features on real data: the first 999 messages of NASDAQ AAPL on 2012-06-21 at level 10
// (LOBSTER sample, ../shared/data). Parsed here with a few lines of plain C++ so that the
// test does not depend on the LOBSTER reader. Skipped with a message when absent.
#include "footprint/book/price_level_book.hpp"
#include "footprint/book/trade.hpp"
#include "footprint/features/book_history.hpp"
#include "footprint/features/compute_batch.hpp"
#include "footprint/features/depth_imbalance.hpp"
#include "footprint/features/feature_set.hpp"
#include "footprint/features/multi_level_ofi.hpp"
#include "footprint/features/order_flow_imbalance.hpp"
#include "footprint/features/queue_imbalance.hpp"
#include "footprint/features/top_of_book.hpp"
#include "footprint/features/trade_flow.hpp"

#include <doctest/doctest.h>

#include <chrono>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

// Each test file is its own namespace: the module's files compile as one unity translation unit.
namespace unity_real_data {

namespace fp = footprint;
using fp::side;
using namespace std::chrono_literals;

namespace {
const std::filesystem::path aapl_dir =
    std::filesystem::path(FOOTPRINT_TEST_DATA_DIR) / "lobster" / "AAPL_2012-06-21_L10_first999";

std::vector<std::vector<double>> read_csv(const std::filesystem::path& file) {
  std::vector<std::vector<double>> rows;
  std::ifstream in(file);
  std::string line;
  while (std::getline(in, line)) {
    std::vector<double> row;
    std::stringstream fields(line);
    std::string field;
    while (std::getline(fields, field, ',')) row.push_back(std::stod(field));
    rows.push_back(std::move(row));
  }
  return rows;
}

struct lobster_day {
  fp::book_history::array_type book;  // (999, 10, 4)
  std::vector<std::chrono::nanoseconds> times;
  std::vector<fp::trade> trades;
  std::vector<std::vector<double>> raw;  // the orderbook file: askP1, askS1, bidP1, bidS1, ...
};

lobster_day load() {
  lobster_day d;
  d.raw = read_csv(aapl_dir / "AAPL_2012-06-21_34200000_57600000_orderbook_10.csv");
  const auto messages = read_csv(aapl_dir / "AAPL_2012-06-21_34200000_57600000_message_10.csv");
  REQUIRE(d.raw.size() == 999);
  REQUIRE(messages.size() == 999);
  d.book = fp::book_history::array_type::from_shape({999, 10, 4});
  for (std::size_t t = 0; t < 999; ++t) {
    REQUIRE(d.raw[t].size() == 40);
    for (std::size_t l = 0; l < 10; ++l) {
      d.book(t, l, 0) = d.raw[t][4 * l + 2] / 1e4;  // bid price
      d.book(t, l, 1) = d.raw[t][4 * l + 3];        // bid size
      d.book(t, l, 2) = d.raw[t][4 * l + 0] / 1e4;  // ask price
      d.book(t, l, 3) = d.raw[t][4 * l + 1];        // ask size
    }
    const auto time = std::chrono::nanoseconds(std::llround(messages[t][0] * 1e9));
    d.times.push_back(time);
    const int type = static_cast<int>(messages[t][1]);
    if (type == 4 || type == 5) {  // executions: the aggressor is opposite to the resting order
      d.trades.push_back({.time = time,
                          .price = messages[t][4] / 1e4,
                          .quantity = messages[t][3],
                          .sign = static_cast<std::int8_t>(-static_cast<int>(messages[t][5]))});
    }
  }
  return d;
}
}  // namespace

TEST_CASE("real data (LOBSTER AAPL level 10): features agree with direct computations" *
          doctest::test_suite("real-data")) {
  if (!std::filesystem::is_directory(aapl_dir)) {
    MESSAGE("skipped: real data folder not found: " << aapl_dir.string());
    return;
  }
  const lobster_day d = load();
  const fp::book_history history(d.book, d.times);

  SUBCASE("depth imbalance over 10 levels, from the calculator and from the raw file") {
    fp::depth_imbalance di({.levels = 10});
    const auto batch = fp::compute_batch(di, history);
    for (std::size_t t = 0; t < 999; ++t) {
      double bids = 0.0, asks = 0.0;
      for (std::size_t l = 0; l < 10; ++l) {
        asks += d.raw[t][4 * l + 1];
        bids += d.raw[t][4 * l + 3];
      }
      REQUIRE(batch(t, 0) == doctest::Approx((bids - asks) / (bids + asks)).epsilon(1e-14));
    }
  }

  SUBCASE("the weighted mid lies within [bid, ask] and the queue imbalance within [-1, 1] on every row") {
    fp::feature_set<fp::top_of_book, fp::queue_imbalance> level1;
    const auto batch = fp::compute_batch(level1, history);
    for (std::size_t t = 0; t < 999; ++t) {
      const double bid = d.raw[t][2] / 1e4;
      const double ask = d.raw[t][0] / 1e4;
      REQUIRE(batch(t, 1) > 0.0);  // never crossed nor locked (CHECKS.txt)
      REQUIRE(batch(t, 3) >= bid);
      REQUIRE(batch(t, 3) <= ask);
      REQUIRE(std::abs(batch(t, 4)) <= 1.0);
    }
  }

  SUBCASE("OFI over a window holding every event equals the sum of e_n computed from the file") {
    fp::order_flow_imbalance all({.event_windows = {1000}, .clock_windows = {3600s}});
    const auto batch = fp::compute_batch(all, history);
    double total = 0.0;
    double nonzero = 0.0;
    for (std::size_t t = 1; t < 999; ++t) {
      // e_n of Cont, Kukanov and Stoikov (2014) from the raw columns askP1, askS1, bidP1, bidS1.
      const std::vector<double>& p = d.raw[t - 1];
      const std::vector<double>& n = d.raw[t];
      const double e = (n[2] >= p[2] ? n[3] : 0.0) - (n[2] <= p[2] ? p[3] : 0.0) - (n[0] <= p[0] ? n[1] : 0.0) +
                       (n[0] >= p[0] ? p[1] : 0.0);
      REQUIRE(batch(t, 0) == e);
      total += e;
      nonzero += e != 0.0 ? 1.0 : 0.0;
    }
    CHECK(nonzero > 100);  // the best levels change often in these 999 messages
    CHECK(batch(998, 1) == total);
    CHECK(batch(998, 2) == total);
  }

  SUBCASE("batch over the history equals streaming a price_level_book, with real trades") {
    auto make = [] {
      return fp::feature_set{fp::top_of_book{},
                             fp::order_flow_imbalance({.event_windows = {50}, .clock_windows = {5s}}),
                             fp::multi_level_ofi({.levels = 10, .event_windows = {50}, .clock_windows = {5s}}),
                             fp::trade_flow({.window = 10s})};
    };
    auto batch_set = make();
    const auto batch = fp::compute_batch(batch_set, history, d.trades);
    auto stream = make();
    fp::price_level_book book;
    std::vector<double> out(stream.size());
    std::size_t next_trade = 0;
    for (std::size_t t = 0; t < 999; ++t) {
      while (next_trade < d.trades.size() && d.trades[next_trade].time <= d.times[t])
        stream.update(d.trades[next_trade++]);
      std::vector<fp::price_level> bids, asks;
      for (std::size_t l = 0; l < 10; ++l) {
        if (d.raw[t][4 * l + 3] > 0) bids.push_back({d.raw[t][4 * l + 2] / 1e4, d.raw[t][4 * l + 3]});
        if (d.raw[t][4 * l + 1] > 0) asks.push_back({d.raw[t][4 * l + 0] / 1e4, d.raw[t][4 * l + 1]});
      }
      book.replace_side(side::buy, bids);
      book.replace_side(side::sell, asks);
      book.set_timestamp(d.times[t]);
      stream.update(book);
      stream.compute(book, out);
      for (std::size_t j = 0; j < out.size(); ++j) {
        REQUIRE((batch(t, j) == out[j] || (std::isnan(batch(t, j)) && std::isnan(out[j]))));
      }
      REQUIRE(out[7] == out[5]);   // MLOFI level 1 = OFI (event window)
      REQUIRE(out[17] == out[6]);  // and clock window
    }
    CHECK(d.trades.size() == 98 + 61);  // CHECKS.txt: 98 visible and 61 hidden executions
    // Trades in the last 10 s, counted directly, match the intensity.
    std::size_t in_window = 0;
    for (const fp::trade& tr : d.trades) in_window += (d.times.back() - tr.time < 10s) ? 1 : 0;
    const auto intensity_col = static_cast<std::size_t>(4 + 3 + 20 + 2);
    CHECK(batch_set.names()[intensity_col] == "trade_intensity_10s");
    CHECK(batch(998, intensity_col) == doctest::Approx(static_cast<double>(in_window) / 10.0));
  }
}

}  // namespace unity_real_data
