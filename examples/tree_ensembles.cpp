// tree_ensembles: forecast the cost of block trades with a random forest and with gradient
// boosting (a cost that must rise with order size), read each forecast as a distribution,
// save and reload the model, and serve single rows. Deterministic (fixed seeds), runs in
// well under a second.
#include <footprint/data/synthetic/regression_problems.hpp>
#include <footprint/io/tree_model_json.hpp>
#include <footprint/models/trees/gradient_boosting.hpp>
#include <footprint/models/trees/random_forest.hpp>

#include <cmath>
#include <cstdint>
#include <filesystem>
#include <iostream>
#include <vector>

namespace {

/// A toy history of block trades with a known cost function
/// (footprint::problems::trade_costs, cost_shape::participation): columns participation
/// (order size / ADV, in %), half spread (bps) and side * book imbalance (missing, NaN, for a
/// tenth of the trades); cost (bps) = half spread + 12 sqrt(participation) + 4 side *
/// imbalance + noise whose spread grows with participation.
footprint::problems::regression_problem simulate(footprint::index n, std::uint64_t seed) {
  return footprint::problems::trade_costs(n, seed, footprint::problems::cost_shape::participation);
}

}  // namespace

int main() {
  const footprint::problems::regression_problem train = simulate(4000, 1);
  const footprint::problems::regression_problem test = simulate(2000, 2);

  // 1. A random forest; its predictive distribution is a quantile regression forest.
  footprint::random_forest forest({.n_estimators = 100, .min_samples_leaf = 5, .oob_score = true, .seed = 7});
  const footprint::fit_report forest_report = forest.fit(train.X, train.y);
  std::cout << "random forest: out-of-bag RMSE " << std::sqrt(forest.oob_error()) << " bps (" << forest_report.message
            << ")\n";

  // 2. Gradient boosting whose forecast rises with participation (monotone constraint),
  //    with 0.1, 0.5 and 0.9 quantile models for the predictive distribution, stopping early
  //    on a held-out fifth of the rows.
  footprint::gradient_boosting boosting({.n_estimators = 500,
                                         .learning_rate = 0.05,
                                         .max_depth = 4,
                                         .min_samples_leaf = 20,
                                         .monotone_constraints = {1, 0, 0},
                                         .quantile_levels = {0.1, 0.5, 0.9},
                                         .early_stopping_rounds = 20,
                                         .validation_fraction = 0.2,
                                         .seed = 7});
  const footprint::fit_report boost_report = boosting.fit(train.X, train.y);
  std::cout << "gradient boosting: " << boost_report.iterations << " trees, "
            << footprint::to_string(boost_report.status) << '\n';

  // 3. Test RMSE of the point forecasts and coverage of the 80% intervals.
  const footprint::vector forest_pred = forest.predict(test.X);
  const footprint::vector boost_pred = boosting.predict(test.X);
  const auto rmse = [&](const footprint::vector& p) { return std::sqrt((p - test.y).squaredNorm() / 2000.0); };
  const std::vector<footprint::empirical_distribution> forest_dist = forest.predict_distribution(test.X);
  const std::vector<footprint::quantile_distribution> boost_dist = boosting.predict_distribution(test.X);
  double forest_cover = 0.0;
  double boost_cover = 0.0;
  for (footprint::index i = 0; i < test.X.rows(); ++i) {
    const auto k = static_cast<std::size_t>(i);
    const auto [f_lo, f_hi] = footprint::interval(forest_dist[k], 0.8);
    const auto [b_lo, b_hi] = footprint::interval(boost_dist[k], 0.8);
    forest_cover += (test.y[i] >= f_lo && test.y[i] <= f_hi) ? 1.0 : 0.0;
    boost_cover += (test.y[i] >= b_lo && test.y[i] <= b_hi) ? 1.0 : 0.0;
  }
  std::cout << "test RMSE (bps): forest " << rmse(forest_pred) << ", boosting " << rmse(boost_pred) << '\n'
            << "80% interval coverage: forest " << forest_cover / 2000.0 << ", boosting " << boost_cover / 2000.0
            << '\n';

  // 4. One order: the cost distribution, its quantiles and a tail probability.
  footprint::row_vector order(3);
  order << 10.0, 3.0, footprint::nan;  // 10% of ADV, 3 bps half spread, imbalance unknown
  const footprint::quantile_distribution cost = boosting.predict_distribution(order)[0];
  std::cout << "order cost: mean " << footprint::mean(cost) << " bps, sd " << footprint::standard_deviation(cost)
            << ", 90% quantile " << footprint::quantile(cost, 0.9) << ", P(cost > 45 bps) "
            << 1.0 - footprint::cdf(cost, 45.0) << '\n';

  // 5. Save, reload (bit-exact) and serve single rows without allocating.
  const std::filesystem::path path = std::filesystem::temp_directory_path() / "footprint_example_boosting.json";
  footprint::save_model(boosting, path);
  const auto served = footprint::load_model<footprint::gradient_boosting>(path);
  std::filesystem::remove(path);
  const std::vector<double> row{10.0, 3.0, footprint::nan};
  const double forecast = served.predict_row(row);
  std::cout << "reloaded forecast " << forecast << " bps (same: " << std::boolalpha
            << (forecast == boosting.predict(order)[0]) << ")\n";

  // 6. What the forecast rises with: rising participation never lowers it.
  double previous = -1e300;
  bool monotone = true;
  for (double p = 0.0; p <= 20.0; p += 0.25) {
    const double c = served.predict_row(std::vector<double>{p, 3.0, 0.0});
    monotone = monotone && c >= previous;
    previous = c;
  }
  std::cout << "forecast non-decreasing in participation: " << monotone << '\n';
  const footprint::vector importance = forest.feature_importances();
  std::cout << "forest importance: participation " << importance[0] << ", half spread " << importance[1]
            << ", imbalance " << importance[2] << '\n';

  // 7. The fitted state as a public aggregate (the trees, the quantile models, the levels),
  //    for your own storage; from_state rebuilds the same model, checking every field.
  const footprint::gradient_boosting_state& state = boosting.state();
  std::cout << "state: " << state.mean.n_trees() << " trees in the mean model, " << state.quantile_models.size()
            << " quantile models, " << state.mean.trees()[0].n_nodes() << " nodes in the first tree\n";
  const footprint::gradient_boosting rebuilt = footprint::gradient_boosting::from_state(state);
  const bool same = rebuilt.predict(test.X) == boost_pred;
  std::cout << "rebuilt from its state, predicts the same: " << same << '\n';
  return (monotone && same && forecast == boosting.predict(order)[0]) ? 0 : 1;
}
