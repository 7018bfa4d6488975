// synthetic_dataset: the dataset agrees with the market's own events, recovers the planted
// permanent and transient impact, and is deterministic; impact_pipeline used directly: the
// lag history, unlabelled orders, errors.
#include "footprint/book/price_level_book.hpp"
#include "footprint/book/trade.hpp"
#include "footprint/data/impact_dataset.hpp"
#include "footprint/data/impact_pipeline.hpp"
#include "footprint/data/synthetic/synthetic_dataset.hpp"
#include "footprint/data/synthetic/synthetic_market.hpp"
#include "footprint/features/arrival_features.hpp"
#include "footprint/features/feature_set.hpp"
#include "footprint/features/top_of_book.hpp"

#include <doctest/doctest.h>

#include <chrono>
#include <cmath>
#include <vector>

// Each test file is its own namespace: the module's files compile as one unity translation unit.
namespace unity_pipeline_synthetic {

namespace fp = footprint;
using fp::side;
using namespace std::chrono_literals;
using ns = std::chrono::nanoseconds;

namespace {
bool same_values(const fp::matrix& a, const fp::matrix& b) {
  if (a.rows() != b.rows() || a.cols() != b.cols()) return false;
  for (fp::index i = 0; i < a.rows(); ++i) {
    for (fp::index j = 0; j < a.cols(); ++j) {
      if (!(a(i, j) == b(i, j) || (std::isnan(a(i, j)) && std::isnan(b(i, j))))) return false;
    }
  }
  return true;
}
}  // namespace

TEST_CASE("synthetic_dataset has one row per market order, as the market reports it") {
  const fp::synthetic_market_params market{.session_seconds = 3600};
  const fp::impact_pipeline_result r = fp::synthetic_dataset(market);
  const fp::impact_dataset& d = r.orders;

  fp::synthetic_market m(market);
  fp::synthetic_event ev;
  std::vector<fp::synthetic_event> orders;
  std::size_t events = 0;
  while (m.next(ev)) {
    ++events;
    if (ev.type == fp::synthetic_event::kind::market_order) orders.push_back(ev);
  }
  REQUIRE(d.rows() == static_cast<fp::index>(orders.size()));
  CHECK(orders.size() > 600);
  const fp::vector shortfall = d.label("shortfall_bps");
  std::size_t same = 0;
  for (std::size_t i = 0; i < orders.size(); ++i) {
    const auto k = static_cast<fp::index>(i);
    const fp::synthetic_event& o = orders[i];
    const double depth = o.side == fp::side::buy ? o.arrival_ask_depth : o.arrival_bid_depth;
    same += (d.times[i] == o.time && d.side[static_cast<std::size_t>(k)] == o.side && d.quantity[k] == o.quantity &&
             std::abs(d.arrival_mid[k] - o.arrival_mid) < 1e-12 &&
             std::abs(shortfall[k] - fp::sign(o.side) * (o.vwap - o.arrival_mid) / o.arrival_mid * 1e4) < 1e-9 &&
             std::abs(d.X(k, d.feature_column("size_to_depth")) - o.quantity / depth) < 1e-12)
                ? 1
                : 0;
  }
  CHECK(same == orders.size());
  CHECK(r.summary.events == events);
  CHECK(r.summary.book_updates == events + 1);  // the initial quote, then one book per event
  CHECK(r.summary.trades == orders.size());
  CHECK(r.summary.fills == orders.size());
  CHECK(r.summary.unlabelled_orders == 0);
  CHECK(r.reports.empty());
  // The fundamental volatility is 1e-4 per sqrt(second); sampled every 10 s the mid's is
  // close to it (plus the impact and the tick rounding).
  CHECK(r.state.volatility > 0.7e-4);
  CHECK(r.state.volatility < 1.5e-4);
  CHECK(r.state.spread == doctest::Approx(0.01));

  // Same seed, same dataset (NaN where NaN).
  const fp::impact_pipeline_result again = fp::synthetic_dataset(market);
  CHECK(same_values(again.orders.X, d.X));
  CHECK(same_values(again.orders.labels, d.labels));
}

TEST_CASE("synthetic_dataset recovers the planted permanent and transient impact") {
  // No noise, orders 2,000 s apart on average, fixed size 1,000 on levels of 500: each
  // order pays exactly one tick over the mid (half spread + half a tick of walk) and moves
  // the fundamental by gamma q = 5.37 ticks and the transient part by beta q = 3.13 ticks
  // (decay 30 s), up to the book's tick rounding (fractions of a tick, so that the rounding
  // averages out).
  const fp::synthetic_market_params market{.seed = 7,
                                           .session_seconds = 200'000,
                                           .initial_price = 100.003,
                                           .volatility = 0,
                                           .order_rate = 5e-4,
                                           .mean_order_size = 1000,
                                           .size_dispersion = 0,
                                           .requote_rate = 0.1,
                                           .depth_per_level = 500,
                                           .depth_noise = 0,
                                           .gamma = 5.37e-5,
                                           .beta = 3.13e-5,
                                           .decay_seconds = 30};
  const fp::impact_pipeline_result r = fp::synthetic_dataset(market, {.horizons = {1s, 300s}});
  const fp::impact_dataset& d = r.orders;
  REQUIRE(d.rows() > 60);
  const double tick = 0.01;
  const double q = 1000;
  const fp::vector shortfall = d.label("shortfall_bps");
  const fp::vector permanent_1s = d.label("permanent_1s_bps");
  const fp::vector permanent_300s = d.label("permanent_300s_bps");
  std::size_t isolated = 0;
  double transient_sum = 0.0;
  double permanent_sum = 0.0;
  for (fp::index i = 0; i < d.rows(); ++i) {
    const double m0 = d.arrival_mid[i];
    const double to_bps = 1e4 / m0;
    CHECK(shortfall[i] == doctest::Approx(tick * to_bps).epsilon(1e-9));
    // Only orders with no other order within 300 s measure their own impact.
    const auto k = static_cast<std::size_t>(i);
    const bool alone = (k == 0 || d.times[k] - d.times[k - 1] > 300s) &&
                       (k + 1 == d.times.size() || d.times[k + 1] - d.times[k] > 300s);
    if (!alone || !std::isfinite(permanent_300s[i])) continue;
    ++isolated;
    CHECK(std::abs(permanent_300s[i] - market.gamma * q * to_bps) <= 1.0001 * tick * to_bps);
    const double transient = permanent_1s[i] - permanent_300s[i];
    CHECK(transient >= (market.beta * q * std::exp(-1.0 / 30.0) - 2 * tick) * to_bps);
    CHECK(transient <= (market.beta * q + 2 * tick) * to_bps);
    transient_sum += transient / to_bps;
    permanent_sum += permanent_300s[i] / to_bps;
  }
  REQUIRE(isolated > 30);
  // On average the rounding cancels: gamma q = 0.0537 and beta q = 0.0313 within a third of a tick.
  CHECK(std::abs(permanent_sum / static_cast<double>(isolated) - market.gamma * q) < tick / 3);
  CHECK(std::abs(transient_sum / static_cast<double>(isolated) - market.beta * q) < tick / 3);
}

TEST_CASE("impact_pipeline with a lag keeps the state of the book a lag before") {
  using top = fp::feature_set<fp::top_of_book>;
  fp::impact_pipeline<top> p(top{}, {.labels = {.horizons = {1s}}, .arrival_lag = 20ms, .arrival_search = 50ms});
  CHECK(p.feature_names()[0] == "mid");
  fp::price_level_book book;
  auto quote = [&](double bid, ns t) {
    book.clear();
    book.set_level(side::buy, bid, 10);
    book.set_level(side::sell, bid + 0.02, 20);
    book.set_timestamp(t);
    p.update(book);
  };
  fp::arrival_state at;
  CHECK_FALSE(p.arrival_at(1s, at));  // nothing yet
  CHECK(std::isnan(at.mid()));
  for (int k = 0; k < 200; ++k) quote(100.0 + 0.01 * k, ns(1s) + k * 1ms);  // one quote per ms
  REQUIRE(p.arrival_at(ns(1s) + 199ms, at));
  CHECK(at.time == ns(1s) + 179ms);
  CHECK(at.bid == doctest::Approx(101.79));
  CHECK(at.features[0] == doctest::Approx(101.80));  // the features of that book
  CHECK(at.ask_depth == 20.0);
  // The latest state at most 50 ms before 1.179 s whose ask a buy at 101.70 does not beat:
  // ask 100.02 + 0.01 k <= 101.70 for k <= 168.
  fp::arrival_state consistent;
  CHECK(p.arrival_at(ns(1s) + 199ms, fp::side::buy, 101.70, consistent));
  CHECK(consistent.time == ns(1s) + 168ms);
  CHECK(consistent.ask == doctest::Approx(101.70));
  CHECK(p.arrival_at(ns(1s) + 199ms, fp::side::sell, 101.60, consistent));  // a sell: the latest bid >= 101.60
  CHECK(consistent.time == ns(1s) + 179ms);
  // A buy at 101.00 would need k <= 98, 81 ms before the lag: out of the search window.
  CHECK_FALSE(p.arrival_at(ns(1s) + 199ms, fp::side::buy, 101.00, consistent));
  CHECK(consistent.time == ns(1s) + 179ms);  // the state of the lag
  CHECK_THROWS_AS((void)p.arrival_at(ns(1s) + 199ms, static_cast<fp::side>(0), 101.0, consistent),
                  fp::invalid_argument);
  p.add_order(
      {.time = ns(1s) + 199ms, .end_time = ns(1s) + 199ms, .side = fp::side::buy, .quantity = 5, .vwap = 101.99}, at);

  // A book with an empty side: the order cannot be labelled and is counted.
  book.clear();
  book.set_level(side::buy, 99.0, 1);
  book.set_timestamp(2s);
  p.update(book);
  REQUIRE(p.arrival_at(ns(2s) + 20ms, at));
  CHECK_FALSE(at.is_two_sided());
  p.add_order({.time = ns(2s) + 20ms, .end_time = ns(2s) + 20ms, .side = fp::side::sell, .quantity = 1, .vwap = 99.0},
              at);
  quote(100.0, 3s);

  const fp::impact_pipeline_result r = p.finish(book);
  REQUIRE(r.orders.rows() == 1);
  CHECK(r.orders.arrival_mid[0] == doctest::Approx(101.80));
  CHECK(r.orders.label("shortfall_bps")[0] == doctest::Approx((101.99 - 101.80) / 101.80 * 1e4));
  CHECK(r.summary.market_orders == 2);
  CHECK(r.summary.unlabelled_orders == 1);
  CHECK(r.summary.book_updates == 202);
  CHECK(r.summary.mid_updates == 201);  // the one-sided book has no mid
  CHECK(r.state.features.size() == 4);  // mid, spread, spread_bps, weighted_mid

  // Time may not go back; arrival_at needs a lag; bad parameters throw.
  CHECK_THROWS_WITH_AS(p.update(fp::trade{.time = 1s, .price = 100, .quantity = 1, .sign = 1}),
                       "footprint::impact_pipeline::update(trade): time went back (1000000000 ns after 3000000000 ns)",
                       fp::invalid_argument);
  fp::impact_pipeline<top> no_lag;
  CHECK_THROWS_AS((void)no_lag.arrival_at(1s, at), fp::invalid_argument);
  CHECK_THROWS_AS(fp::impact_pipeline<top>(top{}, {.arrival_lag = -1ms}), fp::invalid_argument);
  CHECK_THROWS_AS(fp::impact_pipeline<top>(top{}, {.metaorder_gap = -1s}), fp::invalid_argument);
  CHECK_THROWS_AS(fp::impact_pipeline<top>(top{}, {.volatility_interval = 0s}), fp::invalid_argument);
  CHECK_THROWS_AS(fp::impact_pipeline<top>(top{}, {.labels = {.session_seconds = 0}}), fp::invalid_argument);
}

TEST_CASE("impact_pipeline without trades or orders gives empty datasets and a market state") {
  fp::impact_pipeline<> p;
  CHECK(p.feature_names().size() == 17);
  fp::price_level_book book;
  book.set_level(side::buy, 10.0, 5);
  book.set_level(side::sell, 10.1, 7);
  for (int k = 0; k <= 60; ++k) {
    book.set_timestamp(ns(34'200s) + k * 1s);
    p.update(book);
  }
  const fp::impact_pipeline_result r = p.finish(book);
  CHECK(r.orders.rows() == 0);
  CHECK(r.metaorders.rows() == 0);
  CHECK(r.state.mid == doctest::Approx(10.05));
  CHECK(r.state.volatility == 0.0);  // six 10 s intervals without a move
  CHECK(r.state.volume_rate == 0.0);
  CHECK(r.summary.span_seconds == doctest::Approx(60.0));
}

}  // namespace unity_pipeline_synthetic
