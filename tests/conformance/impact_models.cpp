// regression_impact_model, a regressor composed into an ImpactModel: it equals the same steps
// done by hand (design rows, mean imputation, standardisation, the regressor), bit for bit; a
// missing feature is the training mean; it is an ImpactModel for the shipped probabilistic
// regressors; errors. (Here beside the regressors' conformance suite, which compiles the
// models once for both.)
#include "footprint/impact/regression_impact_model.hpp"

#include "footprint/concepts.hpp"
#include "footprint/data/impact_dataset.hpp"
#include "footprint/data/order_design.hpp"
#include "footprint/detail/random.hpp"
#include "footprint/error.hpp"
#include "footprint/models/linear/bayesian_linear.hpp"
#include "footprint/models/trees/random_forest.hpp"

#include <array>
#include <chrono>

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

// Each test file is its own namespace: the module's files compile as one unity translation unit.
namespace unity_impact_models {

namespace fp = footprint;

static_assert(fp::ImpactModel<fp::regression_impact_model<fp::bayesian_linear>>);
static_assert(fp::ImpactModel<fp::regression_impact_model<fp::random_forest>>);

namespace {

/// 400 market orders on a drifting mid: arrival features spread_bps, queue_imbalance (NaN for
/// every 7th order) and mid (dropped by the design); cost = half spread + 0.3 sqrt(quantity /
/// 100) + 0.5 imbalance (for the order's side) + noise.
struct market_data {
  fp::impact_dataset orders;
  fp::market_state state;
};

const market_data& market() {
  static const market_data m = [] {
    using std::chrono::seconds;
    fp::detail::xoshiro256ss rng(5);
    fp::impact_dataset_builder b({"mid", "spread_bps", "queue_imbalance"},
                                 {.horizons = {seconds{1}}, .daily_volume = 1e6});
    for (int t = 0; t <= 4001; ++t) b.add_mid(seconds{t}, 100.0 + 0.001 * t);
    for (int i = 0; i < 400; ++i) {
      const double mid = 100.0 + 0.001 * (10 * i), spread = rng.uniform(1.0, 3.0), imbalance = rng.uniform(-1.0, 1.0);
      const fp::side side = rng.uniform() < 0.5 ? fp::side::buy : fp::side::sell;
      const double q = 100.0 * std::exp(rng.normal()), s = fp::sign(side);
      const double cost = 0.5 * spread + 0.3 * std::sqrt(q / 100.0) + 0.5 * s * imbalance + rng.normal(0.0, 0.2);
      const std::array<double, 3> f{mid, spread, i % 7 == 0 ? fp::nan : imbalance};
      b.add_order({.time = seconds{10 * i},
                   .end_time = seconds{10 * i},
                   .side = side,
                   .quantity = q,
                   .vwap = mid * (1.0 + s * cost * 1e-4),
                   .arrival_mid = mid,
                   .bid_depth = 300.0,
                   .ask_depth = 300.0},
                  f);
    }
    market_data out{.orders = b.build()};
    out.state.mid = 104.0;
    out.state.bid_depth = out.state.ask_depth = 300.0;
    out.state.features = fp::vector{{104.0, 2.0, 0.3}};
    return out;
  }();
  return m;
}

}  // namespace

TEST_CASE("regression_impact_model: equals design, imputation, scaling and the regressor by hand") {
  const fp::impact_dataset& d = market().orders;
  fp::regression_impact_model<fp::bayesian_linear> model;
  const fp::fit_report report = model.fit(d);
  CHECK(report.ok());
  CHECK(model.label() == "shortfall_bps");

  // By hand: the finite-label rows' design, each column's mean and sd, the fit.
  std::vector<fp::index> rows;
  const fp::vector y_all = d.label("shortfall_bps");
  for (fp::index i = 0; i < d.rows(); ++i)
    if (std::isfinite(y_all[i])) rows.push_back(i);
  const fp::order_design design(d.feature_names);
  fp::matrix X = design.rows(d, rows);
  // Imputation by hand: a NaN is its column's mean over the finite values.
  for (fp::index c = 0; c < X.cols(); ++c) {
    double sum = 0.0, n = 0.0;
    for (fp::index i = 0; i < X.rows(); ++i)
      if (std::isfinite(X(i, c))) {
        sum += X(i, c);
        n += 1.0;
      }
    for (fp::index i = 0; i < X.rows(); ++i)
      if (!std::isfinite(X(i, c))) X(i, c) = sum / n;
  }
  fp::vector y(static_cast<fp::index>(rows.size()));
  for (std::size_t k = 0; k < rows.size(); ++k) y[static_cast<fp::index>(k)] = y_all[rows[k]];
  const fp::vector mean = X.colwise().mean().transpose();
  fp::vector sd(X.cols());
  for (fp::index c = 0; c < X.cols(); ++c) {
    sd[c] = std::sqrt((X.col(c).array() - mean[c]).square().sum() / static_cast<double>(X.rows()));
    if (!(sd[c] > 0.0)) sd[c] = 1.0;
  }
  for (fp::index c = 0; c < X.cols(); ++c) X.col(c) = ((X.col(c).array() - mean[c]) / sd[c]).matrix();
  fp::bayesian_linear manual;
  (void)manual.fit(X, y);
  CHECK(model.scaling().first.isApprox(mean, 1e-12));
  CHECK(model.regressor().coef().isApprox(manual.coef(), 1e-12));

  // Pricing an order of 500 in the state at the end of the data.
  const fp::market_state& s = market().state;
  std::vector<double> row(static_cast<std::size_t>(design.size()));
  design.order_row(std::span<const double>(s.features.data(), static_cast<std::size_t>(s.features.size())),
                   fp::side::sell, 500.0, s.bid_depth, d.daily_volume, row);
  fp::vector x(design.size());
  for (fp::index c = 0; c < x.size(); ++c) x[c] = (row[static_cast<std::size_t>(c)] - mean[c]) / sd[c];
  const auto by_hand = manual.predict_distribution(x.transpose())[0];
  const fp::cost_estimate c = model.predict_cost({.side = fp::side::sell, .quantity = 500.0}, s);
  CHECK(c.expected_bps == doctest::Approx(fp::mean(by_hand)).epsilon(1e-10));
  CHECK(c.std_bps == doctest::Approx(fp::standard_deviation(by_hand)).epsilon(1e-10));
  CHECK(std::isnan(c.temporary_bps));

  // A missing arrival feature is the training mean: the same as passing the mean.
  const auto at = [](const std::vector<std::string>& names, const char* name) {
    return static_cast<fp::index>(std::find(names.begin(), names.end(), name) - names.begin());
  };
  const fp::index feature = at(d.feature_names, "queue_imbalance"), column = at(design.names(), "queue_imbalance");
  REQUIRE(column < design.size());
  fp::market_state missing = s;
  missing.features[feature] = fp::nan;
  fp::market_state at_mean = s;
  at_mean.features[feature] = mean[column];  // a buy sees queue_imbalance as it is (a sell: negated)
  CHECK(model.predict_cost({.side = fp::side::buy, .quantity = 500.0}, missing).expected_bps ==
        model.predict_cost({.side = fp::side::buy, .quantity = 500.0}, at_mean).expected_bps);

  const auto [lo, hi] = model.quantity_range();
  CHECK(lo == d.quantity.minCoeff());
  CHECK(hi == d.quantity.maxCoeff());
}

TEST_CASE("regression_impact_model: fits on the rows asked for") {
  const fp::impact_dataset& d = market().orders;
  fp::regression_impact_model<fp::bayesian_linear> first_half, all;
  std::vector<fp::index> rows(static_cast<std::size_t>(d.rows() / 2));
  for (std::size_t i = 0; i < rows.size(); ++i) rows[i] = static_cast<fp::index>(i);
  (void)first_half.fit(d, {.rows = rows});
  (void)all.fit(d);
  const fp::order o{.side = fp::side::buy, .quantity = 100.0};
  CHECK(first_half.predict_cost(o, market().state).expected_bps != all.predict_cost(o, market().state).expected_bps);
  // The planted cost: 1 + 0.3 + 0.15 bps for 100 at a spread of 2 bps and an imbalance of 0.3.
  CHECK(all.predict_cost(o, market().state).expected_bps == doctest::Approx(1.45).epsilon(0.15));
}

TEST_CASE("regression_impact_model: errors") {
  const fp::impact_dataset& d = market().orders;
  fp::regression_impact_model<fp::bayesian_linear> model;
  CHECK_FALSE(model.is_fitted());
  CHECK_THROWS_AS((void)model.predict_cost({.quantity = 1.0}, market().state), fp::not_fitted);
  CHECK_THROWS_AS((void)model.fit(d, {.label = "no_such_label"}), fp::invalid_argument);
  CHECK_THROWS_WITH_AS((void)model.fit(d, {.rows = {0, d.rows()}}),
                       doctest::Contains("footprint::regression_impact_model::fit: row"), fp::invalid_argument);
  (void)model.fit(d);
  CHECK_THROWS_AS((void)model.predict_cost({.quantity = 0.0}, market().state), fp::invalid_argument);
  fp::market_state short_state = market().state;
  short_state.features = fp::vector(2);
  CHECK_THROWS_AS((void)model.predict_cost({.quantity = 1.0}, short_state), fp::dimension_mismatch);
}

}  // namespace unity_impact_models
