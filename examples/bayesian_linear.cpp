// bayesian_linear: forecast the cost of a block trade as a distribution, not a number, and
// score the forecasts on a later period. Deterministic (fixed seed), runs in milliseconds.
#include <footprint/data/synthetic/regression_problems.hpp>
#include <footprint/models/linear/bayesian_linear.hpp>
#include <footprint/models/linear/ols.hpp>
#include <footprint/validation/metrics.hpp>
#include <footprint/validation/split.hpp>

#include <cmath>
#include <cstdint>
#include <iostream>

namespace {

/// A toy history of block trades in time order, with a known cost function
/// (footprint::problems::trade_costs, cost_shape::linear): columns half spread (bps),
/// sigma * sqrt(Q / ADV) (bps, the square-root-law core) and side * book imbalance;
/// cost (bps) = half spread + 0.7 core + 4 side * imbalance + N(0, 3^2).
footprint::problems::regression_problem simulate(footprint::index n, std::uint64_t seed) {
  return footprint::problems::trade_costs(n, seed, footprint::problems::cost_shape::linear);
}

}  // namespace

int main() {
  const footprint::problems::regression_problem h = simulate(3000, 42);

  // 1. Split in time: the first 80% of the trades train; 50 trades of embargo; the rest test.
  const footprint::time_split split =
      footprint::time_ordered_split(h.y.size(), {.train_fraction = 0.8, .gap_rows = 50});
  const auto X_train = h.X.middleRows(split.train.begin, split.train.size());
  const auto y_train = h.y.segment(split.train.begin, split.train.size());
  const auto X_test = h.X.middleRows(split.test.begin, split.test.size());
  const auto y_test = h.y.segment(split.test.begin, split.test.size());

  // 2. Fit: evidence maximisation, scikit-learn's BayesianRidge() defaults.
  footprint::bayesian_linear model;
  const footprint::fit_report report = model.fit(X_train, y_train);
  std::cout << "fit: " << footprint::to_string(report.status) << " after " << report.iterations << " iterations; coef "
            << model.coef().transpose() << ", intercept " << model.intercept() << "; noise sd "
            << 1.0 / std::sqrt(model.alpha()) << " bps\n";

  // 3. The cost of one new order as a distribution: its quantiles and tail probability.
  footprint::row_vector order(3);
  order << 2.5, 20.0, 0.3;  // half spread 2.5 bps, core 20 bps, buying into a bid-heavy book
  const std::vector<footprint::location_scale_t> cost = model.predict_distribution(order);
  std::cout << "new order: expected " << mean(cost[0]) << " bps, 90% interval [" << quantile(cost[0], 0.05) << ", "
            << quantile(cost[0], 0.95) << "] bps, P(cost > 25 bps) = " << 1.0 - cdf(cost[0], 25.0) << '\n';

  // 4. Score the forecasts of the test period: point and probabilistic metrics.
  const std::vector<footprint::location_scale_t> forecasts = model.predict_distribution(X_test);
  const footprint::vector point = model.predict(X_test);
  std::cout << "test: RMSE " << footprint::rmse(y_test, point) << " bps, R^2 " << footprint::r2_score(y_test, point)
            << ", CRPS " << footprint::mean_crps(y_test, forecasts) << " bps, 90% coverage "
            << footprint::interval_coverage(y_test, forecasts, 0.9) << '\n';

  // 5. A conjugate prior with a belief: the square-root coefficient is about 0.7.
  footprint::bayesian_linear informed({.mode = footprint::bayesian_linear_mode::conjugate,
                                       .w0 = footprint::vector{{1.0, 0.7, 0.0}},
                                       .kappa0 = 10.0,
                                       .a0 = 2.0,
                                       .b0 = 18.0});
  (void)informed.fit(X_train.topRows(40), y_train.head(40));  // only 40 trades seen
  const std::vector<footprint::location_scale_t> t = informed.predict_distribution(order);
  std::cout << "informed prior, 40 trades: Student-t with " << t[0].degrees_of_freedom() << " df, 90% interval ["
            << quantile(t[0], 0.05) << ", " << quantile(t[0], 0.95) << "] bps\n";

  // 6. The OLS baseline: what does the Bayesian model add? (Here: little, the data are plenty.)
  footprint::ols baseline;
  (void)baseline.fit(X_train, y_train);
  const double crps_ols = footprint::mean_crps(y_test, baseline.predict_distribution(X_test));
  std::cout << "OLS baseline: CRPS " << crps_ols << " bps\n";

  // 7. The hot path: one order's expected cost, no allocation, no exception (NaN for a row
  //    of the wrong length), the same number as predict on that row.
  const double features[] = {2.5, 20.0, 0.3};
  const double expected = model.predict_row(features);
  std::cout << "hot path: expected " << expected << " bps (same as predict: " << std::boolalpha
            << (expected == model.predict(order)[0]) << ")\n";

  const double coverage = footprint::interval_coverage(y_test, forecasts, 0.9);
  return report.ok() && coverage > 0.85 && coverage < 0.95 && expected == model.predict(order)[0] ? 0 : 1;
}
