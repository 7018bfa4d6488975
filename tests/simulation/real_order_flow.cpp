// The order-flow converters on the three real data sets in ../shared/data (skipped with a
// message when absent): the LOBSTER GOOG day, the Bitstamp 2015-05-01 log and the Binance
// BTCUSDT spot capture of 2024-08-08/09. Event counts come from the data README; the fitted
// zero-intelligence and queue-reactive parameters are checked for what the data show and
// printed (docs/simulation-calibration.md copies them).
#include "footprint/simulation/binance_order_flow.hpp"
#include "footprint/simulation/bitstamp_order_flow.hpp"
#include "footprint/simulation/lobster_order_flow.hpp"
#include "footprint/simulation/order_flow_fit.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <cstddef>
#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

// Each test file is its own namespace: the module's files compile as one unity translation unit.
namespace unity_real_order_flow {

namespace fp = footprint;
namespace fs = std::filesystem;

namespace {

const fs::path data_dir(FOOTPRINT_TEST_DATA_DIR);

bool present(const fs::path& p) {
  if (fs::exists(p)) return true;
  MESSAGE("skipped: " << p.string() << " not found under " << FOOTPRINT_TEST_DATA_DIR);
  return false;
}

struct fits {
  fp::order_flow_statistics stats;
  fp::zero_intelligence_fit zi;
  fp::queue_reactive_fit qr;
};

fits fit_all(const std::vector<fp::order_flow_event>& tape, double tick, fp::index levels) {
  fp::order_flow_statistics st({.tick_size = tick, .levels = levels, .queue_levels = 3, .max_queue_lots = 50});
  st.observe(std::span<const fp::order_flow_event>(tape));
  auto zi = fp::fit_zero_intelligence(st);
  auto qr = fp::fit_queue_reactive(st);
  return fits{std::move(st), std::move(zi), std::move(qr)};
}

// The fitted parameters as text, for the docs.
std::string describe(const std::string& name, const fits& f) {
  std::ostringstream s;
  s.precision(4);
  const auto& z = f.zi;
  s << name << ": tick " << f.stats.options().tick_size << ", lot " << f.stats.lot_quantity() << ", T "
    << f.stats.two_sided_seconds() << " s (crossed " << f.stats.crossed_seconds() << " s, one-sided "
    << f.stats.one_sided_seconds() << " s), events " << f.stats.events() << "\n  lambda(i) 1/s:";
  for (const auto& l : z.lambda) s << ' ' << l.value << " (" << l.std_error << ')';
  s << "\n  theta(i) 1/s:";
  for (const auto& t : z.theta) s << ' ' << t.value << " (" << t.std_error << ')';
  s << "\n  mu " << z.mu.value << " (" << z.mu.std_error << ") 1/s, market orders " << z.market_order_rate.value
    << " 1/s, mean size " << z.mean_size_lots << " lots, power law k " << z.power_law_k.value << " ("
    << z.power_law_k.std_error << ") alpha " << z.power_law_alpha.value << " (" << z.power_law_alpha.std_error << ")";
  const auto& x = f.stats.exceptions();
  s << "\n  limit orders inside " << x.limit_inside << ", beyond L " << x.limit_beyond << ", without quotes "
    << x.without_quotes << ", clamped " << x.clamped << ", outside the K queues " << x.queue_outside;
  const auto& q = f.qr;
  s << "\n  QR theta " << q.theta.value << " (" << q.theta.std_error << ") from " << q.depletions << " depletions";
  const char* names[] = {"limit", "cancel", "market"};
  const fp::matrix* rates[] = {&q.params.limit_rate, &q.params.cancel_rate, &q.params.market_rate};
  for (int k = 0; k < 3; ++k) {
    for (fp::index i = 0; i < q.params.levels(); ++i) {
      s << "\n  " << names[k] << " rate queue " << i + 1 << ", q = 0..10:";
      for (fp::index c = 0; c <= 10; ++c) s << ' ' << (*rates[k])(i, c);
    }
  }
  for (fp::index i = 0; i < q.params.levels(); ++i) {
    s << "\n  seconds queue " << i + 1 << ", q = 0..10:";
    for (fp::index c = 0; c <= 10; ++c) s << ' ' << q.seconds(i, c);
  }
  return s.str();
}

// Facts every fit on real data must show.
void check_sane(const fits& f) {
  const auto& z = f.zi;
  CHECK(z.lambda[0].value > 0.0);
  CHECK(std::isfinite(z.lambda[0].std_error));
  CHECK(z.theta[0].value > 0.0);
  CHECK(std::isfinite(z.theta[0].std_error));
  CHECK(z.theta[0].std_error < z.theta[0].value);
  CHECK(z.mu.value > 0.0);
  CHECK(std::isfinite(z.mu.std_error));
  CHECK(z.mu.std_error < z.mu.value);
  for (std::size_t i = 0; i < z.lambda.size(); ++i) {
    CHECK(std::isfinite(z.lambda[i].value));
    CHECK(std::isfinite(z.theta[i].value));
  }
  CHECK(std::isfinite(z.power_law_alpha.value));
  CHECK(std::isfinite(z.power_law_alpha.std_error));
  // Queue-reactive: a first queue rests at sizes 1.. for a while; events there have finite rates.
  const auto& q = f.qr;
  CHECK(q.seconds.sum() == doctest::Approx(2.0 * 3.0 * f.stats.two_sided_seconds()).epsilon(1e-9));
  CHECK(q.seconds(0, 1) > 0.0);
  CHECK(q.params.limit_rate(0, 1) > 0.0);
  CHECK(q.params.cancel_rate(0, 1) + q.params.market_rate(0, 1) > 0.0);
  CHECK(std::isfinite(q.limit_rate_std_error(0, 1)));
  CHECK(q.depletions > 50);
  CHECK(q.theta.value > 0.0);
  CHECK(q.theta.value <= 1.0);
}

void check_decreasing(const fp::zero_intelligence_fit& z, std::size_t from, std::size_t to) {
  for (std::size_t i = from; i < to; ++i) {
    CAPTURE(i);
    CHECK(z.lambda[i].value < z.lambda[i - 1].value);
  }
}

}  // namespace

TEST_CASE("lobster_order_flow GOOG day converts, replays and fits") {
  const fs::path dir = data_dir / "lobster" / "GOOG_2012-06-21_L1";
  const fs::path msg = dir / "GOOG_2012-06-21_34200000_57600000_message_1.csv";
  const fs::path ob = dir / "GOOG_2012-06-21_34200000_57600000_orderbook_1.csv";
  if (!present(msg) || !present(ob)) return;
  const auto flow = fp::lobster_order_flow(msg.string(), ob.string());
  const auto& r = flow.report;
  // The data README: 49,482 rows, 7,765 visible and 3,913 hidden executions.
  CHECK(r.rows == 49482);
  CHECK(r.executions == 7765);
  CHECK(r.hidden_executions == 3913);
  CHECK(r.crosses == 0);
  CHECK(r.halts == 0);
  CHECK(r.submits + r.partial_cancels + r.deletes + r.executions + r.hidden_executions == r.rows);
  CHECK(r.emitted.limit == r.submits);
  CHECK(r.emitted.cancel == r.partial_cancels + r.deletes);
  CHECK(r.emitted.market == r.executions);
  CHECK(r.emitted.set_quantity == r.levels_corrected);
  CHECK(flow.events.size() == r.emitted.total());
  CHECK(r.parse.rows_skipped == 0);

  // NASDAQ's tick: the spread is tens of ticks, most orders rest beyond 10 ticks.
  const fits native = fit_all(flow.events, 0.01, 10);
  MESSAGE(describe("GOOG 2012-06-21", native));
  // 09:30:00.015 to 15:59:59.32, two-sided throughout.
  CHECK(native.stats.two_sided_seconds() == doctest::Approx(23399.3).epsilon(1e-5));
  CHECK(native.stats.crossed_seconds() == 0.0);
  CHECK(native.stats.exceptions().clamped <= 1);
  CHECK(native.stats.exceptions().limit_inside == 0);
  check_sane(native);
  CHECK(native.zi.theta[0].value > native.zi.theta[4].value);  // cancels fastest at the touch

  // A grid of 0.50 USD makes GOOG a large-tick book (spread mostly 1 or 2 ticks).
  const auto coarse_flow = fp::lobster_order_flow(msg.string(), ob.string(), {.tick_size = 0.5});
  CHECK(coarse_flow.report.rows == 49482);
  const fits coarse = fit_all(coarse_flow.events, 0.5, 10);
  MESSAGE(describe("GOOG 2012-06-21, 0.50 USD grid", coarse));
  check_sane(coarse);
  check_decreasing(coarse.zi, 2, 6);  // lambda falls from distance 2 on
  CHECK(coarse.zi.power_law_alpha.value > 1.0);
}

TEST_CASE("lobster_order_flow rejects a tick that is not a multiple of the file's price unit") {
  CHECK_THROWS_AS(static_cast<void>(fp::lobster_order_flow("m", "o", {.tick_size = 0.00015})), fp::invalid_argument);
  CHECK_THROWS_AS(static_cast<void>(fp::lobster_order_flow("m", "o", {.tick_size = 0.0})), fp::invalid_argument);
}

TEST_CASE("bitstamp_order_flow 2015-05-01 log converts and fits") {
  const fs::path log = data_dir / "bitstamp" / "raw" / "2015-05-01.log.bz2";
  if (!present(log)) return;
  const auto flow = fp::bitstamp_order_flow(log.string(), {.tick_size = 0.5});
  const auto& r = flow.report;
  // The data README: 29,992 order_book, 118,960 order_created, 4,516 order_changed,
  // 119,048 order_deleted, 4,251 trade.
  CHECK(r.read.created == 118960);
  CHECK(r.read.changed == 4516);
  CHECK(r.read.deleted == 119048);
  CHECK(r.read.trades == 4251);
  CHECK(r.read.snapshots == 29992);
  CHECK(r.parse.rows_skipped == 0);
  // Every created order is a limit event, at once or (marketable ones with a remainder) later.
  CHECK(r.emitted.limit <= r.read.created);
  CHECK(r.emitted.limit + r.marketable_orders >= r.read.created);
  CHECK(r.emitted.market == r.resting_fills);
  CHECK(r.emitted.cancel == r.cancels);
  // Each fill is of a resting order or of the aggressor; the deletes are fills or cancels.
  CHECK(r.resting_fills + r.aggressor_fills + r.unknown_fills + r.changes_without_fill ==
        r.read.changed + (r.read.deleted - r.cancels));
  CHECK(r.marketable_orders > 1000);
  CHECK(r.unknown_fills < 200);
  CHECK(flow.events.size() == r.emitted.total());

  const fits f = fit_all(flow.events, 0.5, 10);
  MESSAGE(describe("Bitstamp BTC/USD 2015-05-01, 0.50 USD grid", f));
  CHECK(f.stats.two_sided_seconds() > 86000.0);
  CHECK(f.stats.crossed_seconds() < 120.0);
  check_sane(f);
  check_decreasing(f.zi, 2, 10);  // lambda falls from distance 2 to 10
  CHECK(f.zi.theta[0].value > f.zi.theta[9].value);
}

TEST_CASE("binance_order_flow BTCUSDT spot 2024-08-09 converts and fits") {
  const fs::path raw = data_dir / "binance" / "raw" / "spot";
  const std::vector<std::string> paths{(raw / "btcusdt_20240808.gz").string(), (raw / "btcusdt_20240809.gz").string()};
  if (!present(paths[0]) || !present(paths[1])) return;
  const auto flow = fp::binance_order_flow(paths);
  const auto& r = flow.report;
  CHECK(r.snapshots == 1);
  CHECK(r.gaps == 0);
  CHECK(r.updates_stale == 0);
  CHECK(r.updates_applied + r.updates_before_snapshot - r.updates_replayed == r.depth_updates);
  REQUIRE(r.parse.size() == 2);
  CHECK(r.parse[0].rows_skipped + r.parse[1].rows_skipped == 0);
  // Most traded quantity shows up as decreases of the level it printed at.
  CHECK(r.matched_trade_quantity > 0.7 * r.trade_quantity);
  CHECK(r.matched_trade_quantity + r.unmatched_trade_quantity <= r.trade_quantity + 1e-6);
  CHECK(flow.events.size() == r.emitted.total());

  // BTCUSDT's 0.01 tick: the spread is one tick nearly always (a large-tick book).
  const fits f = fit_all(flow.events, 0.01, 10);
  MESSAGE(describe("Binance BTCUSDT spot 2024-08-08/09", f));
  CHECK(f.stats.two_sided_seconds() > 600.0);
  CHECK(f.stats.crossed_seconds() == 0.0);
  CHECK(f.stats.exceptions().without_quotes == 0);
  check_sane(f);
  CHECK(f.zi.lambda[0].value > 5.0 * f.zi.lambda[1].value);  // the touch dominates

  // A 1 USDT grid aggregates 100 ticks per level: lambda falls steadily with distance.
  const auto coarse_flow = fp::binance_order_flow(paths, {.tick_size = 1.0});
  const fits c = fit_all(coarse_flow.events, 1.0, 10);
  MESSAGE(describe("Binance BTCUSDT spot 2024-08-08/09, 1 USDT grid", c));
  check_sane(c);
  check_decreasing(c.zi, 1, 9);
}

TEST_CASE("binance_order_flow refuses captures of two instruments, or out of time order") {
  const fs::path raw = data_dir / "binance" / "raw";
  const std::string spot08 = (raw / "spot" / "btcusdt_20240808.gz").string();
  const std::string spot09 = (raw / "spot" / "btcusdt_20240809.gz").string();
  const std::string usdm08 = (raw / "usdm" / "btcusdt_20240808.gz").string();
  if (!present(spot08) || !present(spot09) || !present(usdm08)) return;
  // The USD-M capture of 08-08 ends before the spot one of 08-09 starts: in time order, one
  // symbol, but two markets (it was read as one order flow).
  const std::vector<std::string> mixed{usdm08, spot09};
  CHECK_THROWS_WITH_AS((void)fp::binance_order_flow(mixed),
                       doctest::Contains("field 'pu': a capture of the spot market after one of the usd_m_futures"),
                       fp::data_error);
  const std::vector<std::string> backwards{spot09, spot08};
  CHECK_THROWS_WITH_AS((void)fp::binance_order_flow(backwards), doctest::Contains("time goes back across captures"),
                       fp::data_error);
}

}  // namespace unity_real_order_flow
