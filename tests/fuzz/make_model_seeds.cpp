// Writes the seeds of fuzz_model_json (tests/fuzz/corpus/model_json/): one small fitted model
// of each type the loaders read, saved with model_to_json and prefixed with the byte that
// selects its loader. Not built by CMake; run by hand when a format changes:
//   g++ -std=c++20 -I include -isystem /usr/include/eigen3 tests/fuzz/make_model_seeds.cpp \
//     -o /tmp/make_model_seeds && /tmp/make_model_seeds tests/fuzz/corpus/model_json
// Each file stays under about 4 KB (few rows, few features, small trees and networks).
#include "footprint/data/synthetic/regression_problems.hpp"
#include "footprint/io/linear_model_json.hpp"
#include "footprint/io/mlp_json.hpp"
#include "footprint/io/tree_model_json.hpp"

#include <cstdio>
#include <fstream>
#include <string>

namespace fp = footprint;

namespace {

template <class Model>
void save(const std::string& dir, const std::string& name, char selector, const Model& m) {
  const std::string text = fp::model_to_json(m);
  std::ofstream(dir + "/" + name + ".json", std::ios::binary) << selector << text;
  std::printf("%s: %zu bytes\n", name.c_str(), text.size() + 1);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: make_model_seeds <corpus/model_json folder>\n");
    return 2;
  }
  const std::string dir = argv[1];
  const fp::problems::regression_problem d = fp::problems::smooth(40, 0.1, 7);
  const fp::problems::regression_problem small = fp::problems::smooth(12, 0.1, 8);

  fp::ols o;
  (void)o.fit(d.X, d.y);
  save(dir, "ols", '\0', o);
  save(dir, "ols_unfitted", '\0', fp::ols({.fit_intercept = false}));

  fp::ridge rg({.alpha = 0.5});
  (void)rg.fit(d.X, d.y);
  save(dir, "ridge", '\7', rg);

  fp::bayesian_linear b;
  (void)b.fit(d.X, d.y);
  save(dir, "bayesian_linear_evidence", '\1', b);
  fp::bayesian_linear nig({.mode = fp::bayesian_linear_mode::conjugate});
  (void)nig.fit(d.X, d.y);
  save(dir, "bayesian_linear_conjugate", '\1', nig);

  fp::mlp_regressor mlp({.hidden_layers = {3}, .batch_size = 16, .max_epochs = 2, .validation_fraction = 0.0});
  (void)mlp.fit(d.X, d.y);
  save(dir, "mlp_regressor", '\2', mlp);
  fp::mlp_regressor gauss({.hidden_layers = {2, 2},
                           .activation = fp::mlp_activation::tanh,
                           .head = fp::mlp_head::gaussian,
                           .batch_size = 16,
                           .max_epochs = 2,
                           .validation_fraction = 0.0});
  (void)gauss.fit(d.X, d.y);
  save(dir, "mlp_regressor_gaussian", '\2', gauss);

  fp::deep_ensemble ens({.n_estimators = 2,
                         .member = {.hidden_layers = {2},
                                    .head = fp::mlp_head::gaussian,
                                    .batch_size = 16,
                                    .max_epochs = 2,
                                    .validation_fraction = 0.0},
                         .seed = 1});
  (void)ens.fit(d.X, d.y);
  save(dir, "deep_ensemble", '\3', ens);

  fp::gradient_boosting gbm({.n_estimators = 2, .max_depth = 2, .quantile_levels = {0.1, 0.9}, .seed = 2});
  (void)gbm.fit(d.X, d.y);
  save(dir, "tree_ensemble", '\4', gbm.ensemble());
  save(dir, "gradient_boosting_quantiles", '\6', gbm);
  fp::gradient_boosting huber({.loss = fp::boosting_loss::huber,
                               .n_estimators = 2,
                               .growth = fp::tree_growth::leafwise,
                               .max_depth = 0,
                               .max_leaves = 3,
                               .seed = 3});
  (void)huber.fit(d.X, d.y);
  save(dir, "gradient_boosting_huber", '\6', huber);

  fp::random_forest rf({.n_estimators = 2, .max_depth = 2, .min_samples_leaf = 2, .seed = 4});
  (void)rf.fit(d.X, d.y);
  save(dir, "random_forest", '\5', rf);
  fp::random_forest qrf({.n_estimators = 2,
                         .max_depth = 2,
                         .min_samples_leaf = 2,
                         .oob_score = true,
                         .quantile_forest = true,
                         .seed = 5});
  (void)qrf.fit(small.X, small.y);
  save(dir, "random_forest_quantile_oob", '\5', qrf);
  return 0;
}
