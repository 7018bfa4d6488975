// instrument: notional and risk units of linear and inverse contracts, validation, lot
// rounding that keeps the total; the instruments the feeds derive (LOBSTER, Binance).
#include "footprint/instrument.hpp"

#include "footprint/detail/random.hpp"
#include "footprint/feeds/binance/binance_instrument.hpp"
#include "footprint/feeds/lobster/lobster_reader.hpp"

#include <doctest/doctest.h>

#include <cmath>

// Each test file is its own namespace: the module's files compile as one unity translation unit.
namespace unity_instrument {

namespace fp = footprint;

TEST_CASE("instrument: notional of linear and inverse contracts") {
  const fp::instrument shares{.symbol = "GOOG", .venue = "NASDAQ"};
  CHECK(shares.notional(2000, 565.0) == 1'130'000.0);
  CHECK(shares.risk_units(565.0) == 1.0);
  const fp::instrument perp = fp::binance_instrument("btcusd_perp", fp::binance_market::usd_m_futures);
  CHECK(perp.symbol == "BTCUSD_PERP");
  CHECK(perp.venue == "Binance COIN-M");
  CHECK(perp.quantity_unit == fp::quantity_unit::contracts);
  CHECK(perp.inverse);
  CHECK(perp.contract_multiplier == 100.0);
  CHECK(perp.notional(50, 60'000.0) == 5000.0);                           // 50 contracts of 100 USD, whatever the price
  CHECK(perp.risk_units(60'000.0) == doctest::Approx(100.0 / 60'000.0));  // BTC per contract
  CHECK(fp::binance_instrument("ETHUSD_PERP", fp::binance_market::usd_m_futures).contract_multiplier == 10.0);
  const fp::instrument usdm = fp::binance_instrument("BTCUSDT", fp::binance_market::usd_m_futures);
  CHECK(usdm.venue == "Binance USD-M");
  CHECK(usdm.quantity_unit == fp::quantity_unit::coins);
  CHECK_FALSE(usdm.inverse);
  CHECK(usdm.notional(2.0, 60'000.0) == 120'000.0);
  CHECK(fp::to_string(fp::quantity_unit::contracts) == "contracts");
}

TEST_CASE("instrument: LOBSTER instruments are named after the message file") {
  const fp::instrument goog = fp::lobster_instrument("data/GOOG_2012-06-21_34200000_57600000_message_1.csv");
  CHECK(goog.symbol == "GOOG");
  CHECK(goog.venue == "NASDAQ");
  CHECK(goog.lot_size == 1.0);
  CHECK(goog.tick_size == 0.01);
}

TEST_CASE("instrument: validation names the field") {
  fp::instrument i{.symbol = "X", .tick_size = 0.0};
  CHECK_THROWS_WITH_AS(i.validate("f"), "f: instrument tick_size must be finite and > 0 (got 0)", fp::invalid_argument);
  i = {.symbol = ""};
  CHECK_THROWS_WITH_AS(i.validate("f"), "f: instrument symbol must not be empty", fp::invalid_argument);
  i = {.symbol = "X", .contract_multiplier = -1};
  CHECK_THROWS_AS(i.validate("f"), fp::invalid_argument);
}

TEST_CASE("round_to_lots: whole lots that keep the total") {
  const fp::vector twap = fp::vector::Constant(7, 1000.0 / 7.0);
  const fp::vector lots = fp::round_to_lots(twap, 1.0);
  CHECK(lots.sum() == 1000.0);
  for (fp::index j = 0; j < 7; ++j) CHECK((lots[j] == 142.0 || lots[j] == 143.0));
  // The largest remainders get the leftover lots: 892.554 + 107.446 in lots of 1.
  const fp::vector two = fp::round_to_lots(fp::vector{{892.554, 107.446}}, 1.0);
  CHECK(two[0] == 893.0);
  CHECK(two[1] == 107.0);
  // Random schedules in lots of 0.001 coins: multiples of the lot, total kept, each child
  // within one lot of its target.
  fp::detail::xoshiro256ss rng(5);
  for (int rep = 0; rep < 200; ++rep) {
    fp::vector t(10);
    for (fp::index j = 0; j < 10; ++j) t[j] = std::round(rng.uniform(0.0, 3.0) * 1e6) / 1e6;
    double total = 0.0;  // in order, as round_to_lots sums (Eigen's sum() may round a half differently)
    for (fp::index j = 0; j < 10; ++j) total += t[j];
    const double target_lots = std::round(total / 0.001);
    const fp::vector r = fp::round_to_lots(t, 0.001);
    CHECK(std::round(r.sum() / 0.001) == target_lots);
    for (fp::index j = 0; j < 10; ++j) {
      CHECK(std::abs(r[j] / 0.001 - std::round(r[j] / 0.001)) < 1e-6);
      CHECK(std::abs(r[j] - t[j]) < 0.001 + 1e-9);
    }
  }
  CHECK_THROWS_AS((void)fp::round_to_lots(fp::vector{{1.0, -1.0}}, 1.0), fp::invalid_argument);
  CHECK_THROWS_AS((void)fp::round_to_lots(fp::vector{{1.0}}, 0.0), fp::invalid_argument);
}

}  // namespace unity_instrument
