// The usage shown in docs/features.md: streaming feature vectors over book updates and
// trades, fitting the Stoikov micro-price, and the same features in batch over a history.
#include "footprint/book/price_level_book.hpp"
#include "footprint/book/trade.hpp"
#include "footprint/features/book_history.hpp"
#include "footprint/features/compute_batch.hpp"
#include "footprint/features/feature_set.hpp"
#include "footprint/features/markouts.hpp"
#include "footprint/features/order_flow_imbalance.hpp"
#include "footprint/features/queue_imbalance.hpp"
#include "footprint/features/stoikov_microprice.hpp"
#include "footprint/features/top_of_book.hpp"
#include "footprint/features/trade_flow.hpp"

#include <doctest/doctest.h>

#include <chrono>
#include <cmath>
#include <vector>

// Each test file is its own namespace: the module's files compile as one unity translation unit.
namespace unity_usage {

namespace fp = footprint;
using namespace std::chrono_literals;

TEST_CASE("usage: streaming a feature set over book updates and trades") {
  fp::feature_set features{fp::top_of_book{}, fp::queue_imbalance{},
                           fp::order_flow_imbalance({.event_windows = {50}, .clock_windows = {1s, 10s}}),
                           fp::trade_flow({.window = 60s})};
  std::vector<double> x(features.size());  // x[j] is the feature named features.names()[j]

  fp::price_level_book book;
  book.set_level(fp::side::buy, 100.00, 300);
  book.set_level(fp::side::sell, 100.02, 100);
  book.set_timestamp(34'200s);
  features.update(book);  // after every book update, in time order

  features.update(fp::trade{.time = 34'201s, .price = 100.02, .quantity = 60, .sign = +1});
  book.set_level(fp::side::sell, 100.02, 40);  // the book after the trade
  book.set_timestamp(34'201s);
  features.update(book);
  features.compute(book, x);  // noexcept, no allocation

  CHECK(features.names()[5] == "ofi");
  CHECK(x[5] == 60.0);  // the ask queue shrank by 60
  CHECK(x[9] == 60.0);  // signed_volume_60s
  CHECK(x[0] == doctest::Approx(100.01));
}

TEST_CASE("usage: the same features in batch over a history") {
  // A history of shape (time, level, 4): bid price, bid size, ask price, ask size.
  fp::book_history::array_type array = fp::book_history::array_type::from_shape({3, 1, 4});
  array(0, 0, 0) = 100.00;
  array(0, 0, 1) = 300;
  array(0, 0, 2) = 100.02;
  array(0, 0, 3) = 100;
  array(1, 0, 0) = 100.00;
  array(1, 0, 1) = 300;
  array(1, 0, 2) = 100.02;
  array(1, 0, 3) = 40;
  array(2, 0, 0) = 100.01;
  array(2, 0, 1) = 500;
  array(2, 0, 2) = 100.02;
  array(2, 0, 3) = 40;
  const std::vector<std::chrono::nanoseconds> times{34'200s, 34'201s, 34'202s};
  const std::vector<fp::trade> trades{{.time = 34'201s, .price = 100.02, .quantity = 60, .sign = +1}};

  fp::feature_set<fp::top_of_book, fp::order_flow_imbalance, fp::trade_flow> features;
  const fp::book_history history(array, times);
  const xt::xtensor<double, 2> X = fp::compute_batch(features, history, trades);  // (time, feature)

  CHECK(X.shape()[0] == 3);
  CHECK(X.shape()[1] == features.size());
  CHECK(X(1, 4) == 60.0);   // ofi at the second row
  CHECK(X(2, 4) == 500.0);  // the bid improved with 500: + 500
}

TEST_CASE("usage: fit the Stoikov micro-price on a history, then compute it") {
  fp::book_history::array_type array = fp::book_history::array_type::from_shape({101, 1, 4});
  std::vector<std::chrono::nanoseconds> times;
  for (std::size_t t = 0; t < 101; ++t) {  // the mid ticks up after every heavy-bid row
    const double bid = 50.00 + 0.01 * static_cast<double>((t + 1) / 2);
    array(t, 0, 0) = bid;
    array(t, 0, 1) = t % 2 == 0 ? 900 : 100;
    array(t, 0, 2) = bid + 0.01;
    array(t, 0, 3) = t % 2 == 0 ? 100 : 900;
    times.push_back(34'200s + std::chrono::milliseconds(t));
  }
  fp::stoikov_microprice micro({.tick_size = 0.01, .imbalance_buckets = 2, .spread_buckets = 1});
  const fp::fit_report report = micro.fit(array, times);
  CHECK(report.ok());

  fp::price_level_book book;
  book.set_level(fp::side::buy, 50.00, 900);
  book.set_level(fp::side::sell, 50.01, 100);
  std::vector<double> x(micro.size());
  micro.compute(book, x);                  // {stoikov_microprice, stoikov_adjustment}
  CHECK(x[1] == doctest::Approx(0.0025));  // a quarter tick above the mid
}

TEST_CASE("usage: markouts are look-ahead labels, computed in batch only") {
  fp::book_history::array_type array = fp::book_history::array_type::from_shape({2, 1, 4});
  array(0, 0, 0) = 99.99;
  array(0, 0, 1) = 10;
  array(0, 0, 2) = 100.01;
  array(0, 0, 3) = 10;
  array(1, 0, 0) = 100.01;
  array(1, 0, 1) = 10;
  array(1, 0, 2) = 100.03;
  array(1, 0, 3) = 10;
  const std::vector<std::chrono::nanoseconds> times{0s, 1s};
  const std::vector<fp::trade> trades{{.time = 500ms, .price = 100.01, .quantity = 5, .sign = +1}};

  const fp::markouts labels({.horizons = {1ms, 500ms}});
  const fp::book_history history(array, times);
  const xt::xtensor<double, 2> y = labels.trade_markouts(history, trades);  // (trade, column)
  CHECK(labels.trade_names()[0] == "effective_spread_bps");
  CHECK(y(0, 0) == doctest::Approx(2.0));  // paid 1 bp over the mid, twice
  CHECK(y(0, 6) == doctest::Approx(4.0));  // price_impact_bps_500ms: the mid rose 2 bps
}

}  // namespace unity_usage
