// Trade-aware and time features: trade flow, time of day, Kyle's lambda, Amihud
// illiquidity, and the look-ahead markouts.
#include "footprint/book/price_level_book.hpp"
#include "footprint/book/trade.hpp"
#include "footprint/features/amihud_illiquidity.hpp"
#include "footprint/features/book_history.hpp"
#include "footprint/features/kyle_lambda.hpp"
#include "footprint/features/markouts.hpp"
#include "footprint/features/time_of_day.hpp"
#include "footprint/features/trade_flow.hpp"

#include <doctest/doctest.h>

#include <array>
#include <chrono>
#include <cmath>
#include <vector>

// Each test file is its own namespace: the module's files compile as one unity translation unit.
namespace unity_trades {

namespace fp = footprint;
using fp::side;
using namespace std::chrono_literals;

namespace {
void set_mid(fp::price_level_book& book, double mid, std::chrono::nanoseconds t) {
  book.clear();
  book.set_level(side::buy, mid - 0.005, 100);
  book.set_level(side::sell, mid + 0.005, 100);
  book.set_timestamp(t);
}
fp::trade make_trade(std::chrono::nanoseconds t, double price, double quantity, int sign) {
  return {.time = t, .price = price, .quantity = quantity, .sign = static_cast<std::int8_t>(sign)};
}
}  // namespace

TEST_CASE("trade_flow: signed volume, sign imbalance, intensity, VWAP, time since last trade") {
  fp::trade_flow flow({.window = 10s});
  CHECK(flow.names()[0] == "signed_volume_10s");
  fp::price_level_book book;
  set_mid(book, 10.0, 0s);
  std::array<double, 5> out{};
  flow.compute(book, out);
  for (double x : out) CHECK(std::isnan(x));
  flow.update(book);
  flow.compute(book, out);
  CHECK(out[0] == 0.0);       // a clock, no trade: no signed volume
  CHECK(std::isnan(out[1]));  // no signed trade
  CHECK(out[2] == 0.0);
  CHECK(std::isnan(out[3]));  // no VWAP without trades
  CHECK(std::isnan(out[4]));  // never traded

  flow.update(make_trade(1s, 10.00, 100, +1));
  flow.update(make_trade(2s, 10.02, 50, -1));
  flow.update(make_trade(3s, 10.01, 30, 0));  // unknown side
  set_mid(book, 10.0, 3500ms);
  flow.update(book);
  flow.compute(book, out);
  CHECK(out[0] == 50.0);                                            // 100 - 50
  CHECK(out[1] == 0.0);                                             // (1 - 1) / 2 signed trades
  CHECK(out[2] == doctest::Approx(0.3));                            // 3 trades / 10 s
  CHECK(out[3] == doctest::Approx(1801.3 / 180.0).epsilon(1e-14));  // (1000 + 501 + 300.3) / 180
  CHECK(out[4] == doctest::Approx(0.5));

  flow.update(make_trade(12s, 10.05, 10, +1));
  set_mid(book, 10.0, 12500ms);
  flow.update(book);
  flow.compute(book, out);
  // (2.5 s, 12.5 s] holds the trades at 3 s (unsigned) and 12 s.
  CHECK(out[0] == 10.0);
  CHECK(out[1] == 1.0);
  CHECK(out[2] == doctest::Approx(0.2));
  CHECK(out[3] == doctest::Approx((30 * 10.01 + 10 * 10.05) / 40.0).epsilon(1e-14));
  CHECK(out[4] == doctest::Approx(0.5));
  static_assert(fp::TradeObserver<fp::trade_flow, fp::trade>);
}

TEST_CASE("time_of_day: seconds since midnight, session fraction, time to close") {
  fp::time_of_day tod;  // 09:30 to 16:00
  fp::price_level_book book;
  book.set_timestamp(10h);
  std::array<double, 3> out{};
  tod.compute(book, out);
  CHECK(out[0] == 36000.0);
  CHECK(out[1] == doctest::Approx(1800.0 / 23400.0).epsilon(1e-15));
  CHECK(out[2] == 21600.0);
  // Epoch timestamps with an offset: 2024-08-09 14:30 UTC is 10:30 in New York (UTC-4).
  fp::time_of_day ny({.utc_offset = -4h});
  book.set_timestamp(std::chrono::seconds(1723161600) + 14h + 30min);
  ny.compute(book, out);
  CHECK(out[0] == 37800.0);
  CHECK(out[1] == doctest::Approx(3600.0 / 23400.0).epsilon(1e-15));
  CHECK(out[2] == 19800.0);
  book.set_timestamp(17h);  // after the close: not clamped
  tod.compute(book, out);
  CHECK(out[1] > 1.0);
  CHECK(out[2] == -3600.0);
  CHECK_THROWS_AS(fp::time_of_day({.session_open = 16h, .session_close = 9h}), fp::invalid_argument);
}

TEST_CASE("kyle_lambda recovers lambda exactly when mid changes are lambda * signed volume") {
  const double lambda = 1e-4;  // quote currency per share
  const std::array<double, 10> volume{100, -50, 200, 0, -300, 150, 75, -25, 400, -100};
  for (double drift : {0.0, 0.003}) {  // a constant drift per interval goes to the intercept
    fp::kyle_lambda kyle({.interval = 1s, .intervals = 10});
    CHECK(kyle.names()[0] == "kyle_lambda_1s_x10");
    fp::price_level_book book;
    double mid = 100.0;
    set_mid(book, mid, 0s);
    kyle.update(book);
    std::array<double, 1> out{};
    for (std::size_t k = 0; k < volume.size(); ++k) {
      const auto start = std::chrono::seconds(k);
      // Interval k: a trade of signed volume v_k, then the mid moves by drift + lambda v_k.
      if (volume[k] != 0.0) kyle.update(make_trade(start + 100ms, mid, std::abs(volume[k]), volume[k] > 0 ? 1 : -1));
      mid += drift + lambda * volume[k];
      set_mid(book, mid, start + 200ms);
      kyle.update(book);
      kyle.compute(book, out);
      if (k < 2) CHECK(std::isnan(out[0]));  // fewer than 2 completed intervals
    }
    set_mid(book, mid, 10500ms);  // closes interval 9
    kyle.update(book);
    kyle.compute(book, out);
    CHECK(out[0] == doctest::Approx(lambda).epsilon(1e-9));
  }
  CHECK_THROWS_AS(fp::kyle_lambda({.intervals = 1}), fp::invalid_argument);
}

TEST_CASE("amihud_illiquidity: mean |log return| per unit of traded value") {
  fp::amihud_illiquidity illiq({.interval = 1s, .intervals = 5});
  fp::price_level_book book;
  set_mid(book, 100.0, 0s);
  illiq.update(book);
  illiq.update(make_trade(300ms, 100.5, 10, +1));  // notional 1005
  set_mid(book, 101.0, 600ms);
  illiq.update(book);
  illiq.update(make_trade(1300ms, 100.7, 20, -1));  // notional 2014
  set_mid(book, 100.5, 1600ms);
  illiq.update(book);
  set_mid(book, 100.5, 2100ms);  // closes interval 1
  illiq.update(book);
  std::array<double, 1> out{};
  illiq.compute(book, out);
  // (|ln(101/100)| / 1005 + |ln(100.5/101)| / 2014) / 2
  CHECK(out[0] == doctest::Approx(6.18248618553711e-06).epsilon(1e-9));
  illiq.reset();
  illiq.compute(book, out);
  CHECK(std::isnan(out[0]));
}

TEST_CASE("markouts: effective and realized spreads, price impact, forward mid returns") {
  // Rows at 0, 1, 2, 3 s with mids 100, 100.1, 100.2, 100.2.
  const std::vector<std::chrono::nanoseconds> times{0s, 1s, 2s, 3s};
  fp::book_history::array_type h = fp::book_history::array_type::from_shape({4, 1, 4});
  const std::array<double, 4> mids{100.0, 100.1, 100.2, 100.2};
  for (std::size_t t = 0; t < 4; ++t) {
    h(t, 0, 0) = mids[t] - 0.05;
    h(t, 0, 1) = 10;
    h(t, 0, 2) = mids[t] + 0.05;
    h(t, 0, 3) = 10;
  }
  const fp::book_history history(h, times);
  fp::markouts m({.horizons = {1s, 5s}});
  REQUIRE(m.trade_names().size() == 7);
  CHECK(m.trade_names()[1] == "markout_bps_1s");
  CHECK(m.trade_names()[2] == "realized_spread_bps_1s");
  CHECK(m.trade_names()[3] == "price_impact_bps_1s");
  // A buy at 100.15 at 1 s: pre-trade mid M0 = 100 (row at 0 s), M_1s = 100.2 (row at 2 s).
  const std::vector<fp::trade> trades{make_trade(1s, 100.15, 5, +1), make_trade(1s, 99.95, 5, -1),
                                      make_trade(1s, 100.0, 5, 0)};
  const auto out = m.trade_markouts(history, trades);
  CHECK(out(0, 0) == doctest::Approx(30.0).epsilon(1e-9));     // 2 (100.15 - 100) / 100 bps
  CHECK(out(0, 1) == doctest::Approx(5.0).epsilon(1e-9));      // (100.2 - 100.15) / 100
  CHECK(out(0, 2) == doctest::Approx(-10.0).epsilon(1e-9));    // 2 (100.15 - 100.2) / 100
  CHECK(out(0, 3) == doctest::Approx(40.0).epsilon(1e-9));     // 2 (100.2 - 100) / 100
  CHECK(out(0, 0) == doctest::Approx(out(0, 2) + out(0, 3)));  // effective = realized + impact
  CHECK(std::isnan(out(0, 4)));                                // 6 s is past the last row: the future is not observed
  // A sell at 99.95: it paid 2 * 0.05 / 100 = 10 bps and the mid then rose against the seller's side.
  CHECK(out(1, 0) == doctest::Approx(10.0).epsilon(1e-9));
  CHECK(out(1, 1) == doctest::Approx(-25.0).epsilon(1e-9));  // -(100.2 - 99.95) / 100
  CHECK(std::isnan(out(2, 0)));                              // unknown sign
  const auto ret = m.mid_returns(history);
  CHECK(ret(0, 0) == doctest::Approx(10.0).epsilon(1e-9));  // 100 -> 100.1
  CHECK(ret(2, 0) == doctest::Approx(0.0).epsilon(1e-9));
  CHECK(std::isnan(ret(3, 0)));
  CHECK(std::isnan(ret(0, 1)));
  CHECK_THROWS_AS(fp::markouts({.horizons = {}}), fp::invalid_argument);
  CHECK_THROWS_AS(fp::markouts({.horizons = {1s, 1000ms}}), fp::invalid_argument);
}

}  // namespace unity_trades
