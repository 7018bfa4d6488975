// mlp_regressor and deep_ensemble: forecast the cost of a block trade with a neural network
// that also says how unsure it is, and save the model as JSON. Deterministic (fixed seeds),
// runs in about a second.
#include <footprint/data/synthetic/regression_problems.hpp>
#include <footprint/distributions/normal_mixture.hpp>
#include <footprint/io/mlp_json.hpp>
#include <footprint/models/neural/deep_ensemble.hpp>
#include <footprint/models/neural/mlp_regressor.hpp>

#include <cmath>
#include <cstdint>
#include <iostream>
#include <sstream>

namespace {

/// A toy history of block trades with a known cost function
/// (footprint::problems::trade_costs, cost_shape::nonlinear): columns half spread (bps),
/// sigma * sqrt(Q / ADV) (bps, the square-root-law core) and side * book imbalance; the
/// cost (bps) is non-linear in them and its noise grows with the core: cost = half spread +
/// 0.7 core + 6 tanh(2 side * imbalance) + (1 + 0.15 core) N(0, 1).
footprint::problems::regression_problem simulate(footprint::index n, std::uint64_t seed) {
  return footprint::problems::trade_costs(n, seed, footprint::problems::cost_shape::nonlinear);
}

}  // namespace

int main() {
  const footprint::problems::regression_problem train = simulate(3000, 42);
  const footprint::problems::regression_problem test = simulate(1000, 43);

  // 1. A network with a Gaussian head: a mean and a variance per trade, trained by the
  //    negative log-likelihood, early-stopped on 10% of the rows, progress on stderr.
  footprint::mlp_regressor model({.hidden_layers = {32, 16},
                                  .head = footprint::mlp_head::gaussian,
                                  .learning_rate = 3e-3,
                                  .batch_size = 64,
                                  .max_epochs = 60,
                                  .seed = 7,
                                  .progress = footprint::mlp_print_progress(std::cerr, 20)});
  const footprint::fit_report report = model.fit(train.X, train.y);
  std::cout << "fit: " << footprint::to_string(report.status) << " after " << report.iterations << " epochs ("
            << report.message << ")\n";

  // 2. The cost of one new order as a distribution.
  footprint::row_vector order(3);
  order << 2.5, 20.0, 0.3;  // half spread 2.5 bps, core 20 bps, buying into a bid-heavy book
  const std::vector<footprint::location_scale_t> cost = model.predict_distribution(order);
  std::cout << "new order: expected " << mean(cost[0]) << " bps, sd " << standard_deviation(cost[0])
            << " bps, 90% interval [" << quantile(cost[0], 0.05) << ", " << quantile(cost[0], 0.95) << "] bps\n";

  // 3. A deep ensemble of 5 networks from different seeds: a mixture per trade, whose spread
  //    adds the members' disagreement (model uncertainty) to their noise estimate.
  //    (The members' own seed and progress fields are ignored: seeds derive from .seed.)
  footprint::deep_ensemble ensemble({.n_estimators = 5, .member = model.params(), .seed = 11});
  (void)ensemble.fit(train.X, train.y);
  const std::vector<footprint::normal_mixture> mix = ensemble.predict_distribution(order);
  std::cout << "ensemble: expected " << mean(mix[0]) << " bps, sd " << standard_deviation(mix[0])
            << " bps, 90% interval [" << quantile(mix[0], 0.05) << ", " << quantile(mix[0], 0.95) << "] bps\n";

  // 4. Coverage of the 90% intervals on later trades.
  const auto covered = [&](const auto& dists) {
    int inside = 0;
    for (std::size_t i = 0; i < dists.size(); ++i) {
      const double y = test.y[static_cast<footprint::index>(i)];
      inside += y >= quantile(dists[i], 0.05) && y <= quantile(dists[i], 0.95) ? 1 : 0;
    }
    return static_cast<double>(inside) / static_cast<double>(dists.size());
  };
  std::cout << "90% interval coverage on 1,000 later trades: network " << covered(model.predict_distribution(test.X))
            << ", ensemble " << covered(ensemble.predict_distribution(test.X)) << '\n';

  // 5. The hot path: one row, no allocation, noexcept, with a workspace made once.
  footprint::mlp_workspace workspace = model.make_workspace();
  const double features[] = {2.5, 20.0, 0.3};
  double expected = 0.0;
  double sd = 0.0;
  model.predict_row(features, workspace, expected, sd);
  std::cout << "hot path: expected " << expected << " bps, sd " << sd << " bps\n";

  // 6. Save as versioned JSON and load it back: the same predictions, bit for bit.
  std::stringstream file;
  footprint::save_json(model, file);
  const footprint::mlp_regressor loaded = footprint::load_mlp_regressor(file, "model.json");
  std::cout << "reloaded model predicts the same: " << std::boolalpha
            << (loaded.predict(test.X).array() == model.predict(test.X).array()).all() << '\n';

  // 7. The fitted state as a public aggregate: the scalings and one weight matrix and bias
  //    per layer, for your own storage; from_state rebuilds the model, checking every field.
  const footprint::mlp_regressor_state state = model.state();
  std::cout << "state: " << state.n_features << " features, layers";
  for (const footprint::mlp_layer_state& layer : state.layers)
    std::cout << ' ' << layer.weights.rows() << 'x' << layer.weights.cols();
  const footprint::mlp_regressor rebuilt = footprint::mlp_regressor::from_state(state);
  const bool same = (rebuilt.predict(test.X).array() == model.predict(test.X).array()).all();
  std::cout << "; rebuilt from it, predicts the same: " << same << '\n';
  return same ? 0 : 1;
}
