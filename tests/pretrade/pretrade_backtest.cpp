// pretrade_backtest and observed_before (issue 16): the data a fold is fitted on holds nothing
// from after its cutoff (no row arrives later, no label whose window ends later); the
// backtest's CRPS from draws equals the exact integral for the sample's step CDF, its normal
// CRPS the quadrature of boost's normal; it is deterministic; every tested metaorder arrives after its
// fold's cutoff plus the embargo; and, in the real-data suite, on the GOOG day and the
// Bitstamp day the engine's CRPS beats the square-root law's with conformal 90% coverage in
// [0.87, 0.93] (the "done when").
#include <footprint/data/impact_pipeline.hpp>
#include <footprint/data/observed_before.hpp>
#include <footprint/data/synthetic/synthetic_dataset.hpp>
#include <footprint/models/linear/bayesian_linear.hpp>
#include <footprint/pretrade/calibrate_report.hpp>
#include <footprint/pretrade/pretrade_backtest.hpp>
#include <footprint/validation/metrics.hpp>
#if FOOTPRINT_TEST_END_TO_END
#include <footprint/data/bitstamp_dataset.hpp>
#include <footprint/data/lobster_dataset.hpp>
#endif

#include <doctest/doctest.h>
#include <boost/math/distributions/normal.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "feeds/crypto_test_data.hpp"

namespace unity_pretrade_backtest {

namespace fp = footprint;
namespace fs = std::filesystem;
using namespace std::chrono_literals;

const fp::impact_pipeline_result& synthetic() {
  static const fp::impact_pipeline_result r =
      fp::synthetic_dataset({.volatility = 1e-5, .gamma = 1e-5, .beta = 2e-5}, {.arrival_book_levels = 5});
  return r;
}

TEST_CASE("impact_pipeline: arrival books, from the book and from the history") {
  for (const auto lag : {std::chrono::nanoseconds{0}, std::chrono::nanoseconds{5ms}}) {
    INFO("arrival_lag " << lag.count() << " ns");
    fp::impact_pipeline<fp::arrival_features> p(fp::arrival_features{}, {.arrival_lag = lag, .arrival_book_levels = 2});
    fp::price_level_book b;
    b.set_level(fp::side::buy, 98.0, 5.0);
    b.set_level(fp::side::buy, 99.0, 10.0);
    b.set_level(fp::side::sell, 101.0, 7.0);
    b.set_timestamp(1s);
    p.update(b);
    fp::arrival_state at;
    if (lag.count() == 0) {
      p.arrival(b, at);
    } else {
      REQUIRE(p.arrival_at(2s, at));
    }
    REQUIRE(at.book.size() == 8);
    CHECK(at.book[0] == 99.0);
    CHECK(at.book[1] == 10.0);
    CHECK(at.book[2] == 101.0);
    CHECK(at.book[3] == 7.0);
    CHECK(at.book[4] == 98.0);
    CHECK(at.book[5] == 5.0);
    CHECK(std::isnan(at.book[6]));  // one ask level only
    CHECK(std::isnan(at.book[7]));
    // The order takes the ask; the book the pipeline sees next no longer matters.
    b.set_level(fp::side::sell, 101.0, 0.0);
    b.set_level(fp::side::sell, 102.0, 3.0);
    b.set_timestamp(2s);
    p.add_order({.time = 2s, .end_time = 2s, .side = fp::side::buy, .quantity = 7.0, .vwap = 101.0}, at);
    p.update(b);
    const fp::impact_pipeline_result r = p.finish(b);
    REQUIRE(r.orders.arrival_books.cols() == 8);
    const fp::price_level_book a = r.orders.arrival_book(0);
    CHECK(a.ask_levels() == 1);
    CHECK(a.ask_price(0) == 101.0);
    CHECK(a.bid_levels() == 2);
    CHECK(a.bid_quantity(1) == 5.0);
    CHECK(r.metaorders.arrival_books.row(0).head(6) == r.orders.arrival_books.row(0).head(6));  // NaN past them
    // A state of another width is refused.
    at.book.resize(4);
    CHECK_THROWS_AS(
        p.add_order({.time = 3s, .end_time = 3s, .side = fp::side::buy, .quantity = 1.0, .vwap = 102.0}, at),
        fp::dimension_mismatch);
  }
  CHECK_THROWS_AS(fp::impact_pipeline<fp::arrival_features>(fp::arrival_features{}, {.arrival_book_levels = -1}),
                  fp::invalid_argument);
}

TEST_CASE("observed_before: nothing from after the cutoff") {
  const fp::impact_pipeline_result& r = synthetic();
  REQUIRE(r.orders.arrival_books.cols() == 20);
  for (fp::index i = 0; i < r.orders.rows(); i += 97)  // the kept book is the arrival's: its mid
    CHECK(0.5 * (r.orders.arrival_books(i, 0) + r.orders.arrival_books(i, 2)) ==
          doctest::Approx(r.orders.arrival_mid[i]));
  const auto cutoff = r.orders.times[static_cast<std::size_t>(r.orders.rows() / 2)];
  const fp::impact_pipeline_result p = fp::observed_before(r, cutoff);
  REQUIRE(p.orders.rows() > 100);
  CHECK(p.orders.rows() < r.orders.rows());
  CHECK(p.orders.times.back() < cutoff);
  CHECK(p.metaorders.times.back() < cutoff);
  CHECK(p.tape.trades.back().time < cutoff);
  CHECK(p.tape.mid_times.back() < cutoff);
  const std::size_t nh = p.orders.horizons.size();
  REQUIRE(nh == 4);
  for (const fp::impact_dataset* d : {&p.orders, &p.metaorders}) {
    fp::index known = 0, hidden = 0;
    for (fp::index i = 0; i < d->rows(); ++i) {
      const auto end = d->times[static_cast<std::size_t>(i)] + d->durations[static_cast<std::size_t>(i)];
      CHECK((end <= cutoff) == std::isfinite(d->labels(i, 0)));
      for (std::size_t h = 0; h < nh; ++h) {
        const bool ended = end + d->horizons[h] <= cutoff;
        CHECK(ended == std::isfinite(d->labels(i, 2 + static_cast<fp::index>(h))));
        (ended ? known : hidden) += 1;
      }
    }
    CHECK(known > 0);
    CHECK(hidden > 0);  // the 300 s labels near the cutoff are not known yet
  }
  // The daily volume is re-estimated from the past (the synthetic dataset estimates its own),
  // and participation follows it.
  CHECK(p.orders.daily_volume_estimated);
  CHECK(p.orders.daily_volume != r.orders.daily_volume);
  const fp::index c = p.orders.feature_column("participation");
  CHECK(p.orders.X(3, c) == doctest::Approx(p.orders.quantity[3] / p.orders.daily_volume).epsilon(1e-12));
  CHECK(p.state.volatility > 0.0);
  CHECK(p.state.mid == p.orders.arrival_mid[p.orders.rows() - 1]);
  CHECK(p.book.bid_levels() > 0);
  CHECK(p.book.ask_levels() > 0);
  // Without arrival books there is no state to fit at: a clear error.
  const fp::impact_pipeline_result plain = fp::synthetic_dataset({.volatility = 1e-5, .gamma = 1e-5, .beta = 2e-5});
  CHECK_THROWS_WITH_AS((void)fp::observed_before(plain, cutoff),
                       "footprint::observed_before: the datasets did not keep their arrival books (set "
                       "arrival_book_levels > 0 when building them)",
                       fp::invalid_argument);
  CHECK_THROWS_AS((void)fp::observed_before(r, r.orders.times.front()), fp::invalid_argument);
}

TEST_CASE("pretrade_backtest: CRPS, PIT and P from draws and from a normal") {
  // The sample's CRPS equals the integral of (F(z) - 1{z >= y})^2 over z, F the sample's step
  // CDF (Gneiting and Raftery 2007, eq. 20), integrated exactly between breakpoints.
  std::vector<double> x{-1.5, -0.2, 0.1, 0.4, 0.4, 2.0, 3.5};
  const auto exact = [&](double y) {
    std::vector<double> knots = x;
    knots.push_back(y);
    std::sort(knots.begin(), knots.end());
    double integral = 0.0;
    for (std::size_t k = 0; k + 1 < knots.size(); ++k) {
      const double mid = 0.5 * (knots[k] + knots[k + 1]);
      const double F = static_cast<double>(std::upper_bound(x.begin(), x.end(), mid) - x.begin()) / 7.0;
      const double step = mid >= y ? 1.0 : 0.0;
      integral += (F - step) * (F - step) * (knots[k + 1] - knots[k]);
    }
    return integral;
  };
  for (const double y : {-3.0, 0.0, 0.4, 1.0, 5.0}) {
    const fp::backtest_prediction p = fp::detail::prediction_from_draws(x, y, 1.0);
    CHECK(p.crps_bps == doctest::Approx(exact(y)).epsilon(1e-12));
    CHECK(p.exceedance == doctest::Approx(2.0 / 7.0));  // 2.0 and 3.5 exceed 1.0
  }
  CHECK(fp::detail::prediction_from_draws(x, 0.4, 1.0).pit == doctest::Approx(5.0 / 7.0));
  // The normal's closed form equals the quadrature of boost's normal.
  const boost::math::normal n(2.0, 3.0);
  for (const double y : {-4.0, 1.0, 2.0, 7.5}) {
    const fp::backtest_prediction p = fp::detail::prediction_from_normal(2.0, 3.0, y, 5.0);
    CHECK(p.crps_bps == doctest::Approx(fp::crps_quadrature(n, y)).epsilon(1e-6));
    CHECK(p.pit == doctest::Approx(boost::math::cdf(n, y)).epsilon(1e-12));
    CHECK(p.exceedance == doctest::Approx(boost::math::cdf(boost::math::complement(n, 5.0))).epsilon(1e-12));
    CHECK(p.p05_bps == doctest::Approx(boost::math::quantile(n, 0.05)).epsilon(1e-12));
    CHECK(p.p95_bps == doctest::Approx(boost::math::quantile(n, 0.95)).epsilon(1e-12));
  }
}

TEST_CASE("calibrate_report: conformal intervals and P from a backtest's residuals") {
  // A report of two strategies (mean 10, sd 2; mean 4, sd 1) and 19 residuals 1..19 with
  // alternating signs: q = the ceil(20 x 0.9) = 18th smallest |r| = 18.
  fp::pretrade_report r;
  r.order.threshold_bps = 12.0;
  r.strategies.resize(2);
  r.strategies[0].forecast.expected_bps = 10.0;
  r.strategies[0].forecast.std_bps = 2.0;
  r.strategies[1].forecast.expected_bps = 4.0;
  r.strategies[1].forecast.std_bps = 1.0;
  std::vector<double> residuals;
  for (int i = 1; i <= 19; ++i) residuals.push_back(i % 2 == 0 ? i : -i);
  fp::calibrate_report(r, residuals, "test");
  CHECK(r.calibration.conformal);
  CHECK(r.calibration.scores == 19);
  CHECK(r.calibration.source == "test");
  CHECK(r.strategies[0].forecast.p05_bps == doctest::Approx(10.0 - 36.0));
  CHECK(r.strategies[0].forecast.p95_bps == doctest::Approx(10.0 + 36.0));
  CHECK(r.strategies[1].forecast.p95_bps == doctest::Approx(4.0 + 18.0));
  CHECK(r.strategies[0].forecast.expected_bps == 10.0);  // unchanged
  // P(cost > 12) = (#{r_i > (12 - 10) / 2 = 1} + 1/2) / 20: the 9 even residuals 2..18.
  CHECK(r.strategies[0].forecast.exceedance_probability == doctest::Approx(9.5 / 20.0));
  // P(cost > 12) for mean 4, sd 1: r = 8 ties a residual: Q = (#{r_i < 8} + (1 + 1) / 2) / 20
  // = (13 + 1) / 20 (Vovk et al.'s smoothed rank, tau = 1/2), P = 6 / 20.
  CHECK(r.strategies[1].forecast.exceedance_probability == doctest::Approx(6.0 / 20.0));
  residuals.resize(8);
  CHECK_THROWS_WITH_AS(fp::calibrate_report(r, residuals),
                       "footprint::calibrate_report: 8 calibration residuals; at least 9 are needed for a 90% interval",
                       fp::invalid_argument);
  // A residual of 1e308 standard deviations made every interval [-inf, inf].
  residuals.assign(19, 1.0);
  residuals[3] = 1e308;
  CHECK_THROWS_WITH_AS(fp::calibrate_report(r, residuals), doctest::Contains("residual 3 is 1e+308"),
                       fp::invalid_argument);
  residuals[3] = -fp::max_calibration_residual;  // the bound itself is taken
  CHECK_NOTHROW(fp::calibrate_report(r, residuals));
}

TEST_CASE("pretrade_backtest: walk forward on the synthetic market") {
  const fp::impact_pipeline_result& r = synthetic();
  const fp::pretrade_backtest_params params{.folds = 4, .embargo = 30s};
  const fp::pretrade_backtest<fp::bayesian_linear> bt(fp::bayesian_linear{}, params);
  const fp::backtest_result a = bt.run(r);
  REQUIRE(a.folds.size() == 4);
  REQUIRE(a.metaorders.size() > 200);
  CHECK(a.candidates == static_cast<fp::index>(a.metaorders.size()) + a.skipped_small + a.skipped_unlabelled);
  CHECK(std::isfinite(a.threshold_bps));
  for (const fp::backtest_metaorder& m : a.metaorders) {
    const fp::backtest_fold& f = a.folds[static_cast<std::size_t>(m.fold)];
    CHECK(m.time >= f.cutoff + params.embargo);
    CHECK(m.children >= 2);
    for (const fp::backtest_prediction& p : m.predictions) {
      CHECK(p.std_bps > 0.0);
      CHECK(p.p05_bps <= p.p95_bps);
      CHECK(p.crps_bps >= 0.0);
    }
  }
  for (const fp::backtest_fold& f : a.folds) CHECK(f.message.empty());
  for (const fp::backtest_method_scores& m : a.methods) {
    INFO(fp::to_string(m.method));
    CHECK(m.overall.metaorders == static_cast<fp::index>(a.metaorders.size()));
    fp::index pit = 0, reliability = 0, sizes = 0;
    for (const fp::index k : m.pit_histogram) pit += k;
    for (const fp::reliability_bin& b : m.reliability) reliability += b.count;
    for (const fp::backtest_scores& s : m.by_size) sizes += s.metaorders;
    CHECK(pit == m.overall.metaorders);
    CHECK(reliability == m.overall.metaorders);
    CHECK(sizes == m.overall.metaorders);
    // Walk-forward conformal intervals cover about 90% (exchangeable enough on a stationary
    // market: within 4 binomial standard errors).
    REQUIRE(m.overall.conformal_rows > 100);
    const double se = std::sqrt(0.09 / static_cast<double>(m.overall.conformal_rows));
    CHECK(std::abs(m.overall.coverage_90_conformal - 0.9) < 4.0 * se);
  }
  // Deterministic.
  const fp::backtest_result b = bt.run(r);
  REQUIRE(b.metaorders.size() == a.metaorders.size());
  for (std::size_t i = 0; i < a.metaorders.size(); ++i)
    for (std::size_t k = 0; k < fp::backtest_methods; ++k)
      CHECK(a.metaorders[i].predictions[k].crps_bps == b.metaorders[i].predictions[k].crps_bps);
  // Bad settings and data are clear errors.
  CHECK_THROWS_WITH_AS(fp::pretrade_backtest<fp::bayesian_linear>(fp::bayesian_linear{}, {.folds = 0}),
                       "footprint::pretrade_backtest: folds must be >= 1 (got 0)", fp::invalid_argument);
  CHECK_THROWS_AS(fp::pretrade_backtest<fp::bayesian_linear>(fp::bayesian_linear{}, {.alpha = 1.0}),
                  fp::invalid_argument);
  const fp::impact_pipeline_result plain = fp::synthetic_dataset({.volatility = 1e-5, .gamma = 1e-5, .beta = 2e-5});
  CHECK_THROWS_AS((void)bt.run(plain), fp::invalid_argument);
  // No metaorder as long as min_children to set the threshold from: the message says which
  // setting excluded them (it used to ask for threshold_bps only).
  const fp::pretrade_backtest<fp::bayesian_linear> picky(fp::bayesian_linear{},
                                                         {.folds = 4, .embargo = 30s, .min_children = 1'000'000});
  CHECK_THROWS_WITH_AS((void)picky.run(r), doctest::Contains("min_children (1000000)"), fp::invalid_argument);
}

#if FOOTPRINT_TEST_END_TO_END  // not in the clang suite (tests/CMakeLists.txt)
// The "done when" on a real day: the engine's CRPS beats the square-root law's on the
// held-out metaorders, and its conformal 90% coverage lies in [0.87, 0.93].
void real_day(const std::string& what, const fp::impact_pipeline_result& r) {
  const fp::pretrade_backtest<fp::bayesian_linear> bt;
  const fp::backtest_result b = bt.run(r);
  const fp::backtest_scores& engine = b.methods[0].overall;
  const fp::backtest_scores& root = b.methods[1].overall;
  INFO(what << ": engine CRPS " << engine.crps_bps << " bps, square-root law " << root.crps_bps
            << " bps; conformal coverage " << engine.coverage_90_conformal << " over " << engine.conformal_rows);
  REQUIRE(engine.metaorders > 300);
  CHECK(engine.crps_bps < root.crps_bps);
  CHECK(engine.coverage_90_conformal >= 0.87);
  CHECK(engine.coverage_90_conformal <= 0.93);
}

TEST_CASE("pretrade_backtest: GOOG day" * doctest::test_suite("real-data")) {
  const fs::path dir = footprint_test::data_dir() / "lobster" / "GOOG_2012-06-21_L1";
  const fs::path message = dir / "GOOG_2012-06-21_34200000_57600000_message_1.csv";
  const fs::path book = dir / "GOOG_2012-06-21_34200000_57600000_orderbook_1.csv";
  if (!fs::exists(message)) return;
  real_day("GOOG", fp::lobster_dataset(message.string(), book.string(), {.arrival_book_levels = 20}));
}

TEST_CASE("pretrade_backtest: Bitstamp day" * doctest::test_suite("real-data")) {
  const fs::path dir = footprint_test::data_dir() / "bitstamp";
  if (!fs::exists(dir / "trades.csv")) return;
  real_day("Bitstamp", fp::bitstamp_dataset(dir.string(), {.arrival_book_levels = 20}));
}
#endif

}  // namespace unity_pretrade_backtest
