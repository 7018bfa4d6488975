// mlp_regressor fits known smooth functions; determinism; early stopping; schedules; weights.
#include "footprint/models/neural/mlp_regressor.hpp"

#include "models/mlp_test_data.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <vector>

#ifdef _OPENMP
#include <omp.h>
#endif

// Each test file is its own namespace: the module's files compile as one unity translation unit.
namespace unity_mlp_fit {

namespace fp = footprint;

namespace {
double rmse(const fp::vector& a, const fp::vector& b) {
  return std::sqrt((a - b).squaredNorm() / static_cast<double>(a.size()));
}
}  // namespace

TEST_CASE("mlp_regressor fits a smooth function to RMSE < 0.05 (Adam, ReLU)") {
  const auto train = fp::problems::smooth(mlp_test::small ? 2000 : 3000, 0.0, 1);
  const auto test = fp::problems::smooth(1000, 0.0, 2);
  fp::mlp_regressor model({.hidden_layers = {32, 32}, .batch_size = 32, .max_epochs = 60, .seed = 3});
  const fp::fit_report r = model.fit(train.X, train.y);
  CHECK(r.iterations >= 1);
  CHECK(std::isfinite(r.final_loss));
  const double e = rmse(model.predict(test.X), test.mean);
  MESSAGE("test RMSE " << e << " (sd of y " << std::sqrt((test.mean.array() - test.mean.mean()).square().mean())
                       << "), epochs " << r.iterations);
  CHECK(e < (mlp_test::small ? 0.06 : 0.05));  // the Debug problem is smaller (mlp_test::small)
}

TEST_CASE("mlp_regressor fits a smooth function with each activation and optimiser") {
  const auto train = fp::problems::smooth(mlp_test::small ? 1200 : 2000, 0.0, 4);
  const auto test = fp::problems::smooth(500, 0.0, 5);
  struct config {
    fp::mlp_activation act;
    fp::mlp_optimizer opt;
    double lr;
    fp::mlp_schedule schedule;
  };
  for (const config c : {config{fp::mlp_activation::tanh, fp::mlp_optimizer::adam, 3e-3, fp::mlp_schedule::cosine},
                         config{fp::mlp_activation::gelu, fp::mlp_optimizer::adam, 3e-3, fp::mlp_schedule::exponential},
                         config{fp::mlp_activation::relu, fp::mlp_optimizer::sgd, 2e-2, fp::mlp_schedule::constant}}) {
    CAPTURE(fp::to_string(c.act));
    CAPTURE(fp::to_string(c.opt));
    fp::mlp_regressor model({.hidden_layers = {32, 16},
                             .activation = c.act,
                             .optimizer = c.opt,
                             .learning_rate = c.lr,
                             .schedule = c.schedule,
                             .lr_decay = 0.97,
                             .batch_size = 32,
                             .max_epochs = 60,
                             .seed = 9});
    (void)model.fit(train.X, train.y);
    const double e = rmse(model.predict(test.X), test.mean);
    MESSAGE(fp::to_string(c.act) << "/" << fp::to_string(c.opt) << ": test RMSE " << e);
    CHECK(e < 0.1);
  }
}

TEST_CASE("mlp_regressor is deterministic for a seed and for any thread count") {
  const auto d = fp::problems::smooth(800, 0.1, 6);
  const fp::mlp_regressor_params p{
      .hidden_layers = {16, 8}, .head = fp::mlp_head::gaussian, .max_epochs = 5, .seed = 42};
  fp::mlp_regressor a(p);
  fp::mlp_regressor b(p);
  (void)a.fit(d.X, d.y);
#ifdef _OPENMP
  const int saved = omp_get_max_threads();
  omp_set_num_threads(saved == 1 ? 2 : 1);
#endif
  (void)b.fit(d.X, d.y);
#ifdef _OPENMP
  omp_set_num_threads(saved);
#endif
  CHECK((a.predict(d.X).array() == b.predict(d.X).array()).all());
  fp::mlp_regressor c({.hidden_layers = {16, 8}, .head = fp::mlp_head::gaussian, .max_epochs = 5, .seed = 43});
  (void)c.fit(d.X, d.y);
  CHECK((a.predict(d.X).array() != c.predict(d.X).array()).any());
}

TEST_CASE("mlp_regressor early stopping keeps the best validation epoch and reports it") {
  // Few noisy rows and a big network: the validation loss turns up and patience stops training.
  const auto d = fp::problems::smooth(300, 0.5, 7);
  std::vector<fp::mlp_progress> seen;
  fp::mlp_regressor model({.hidden_layers = {64, 64},
                           .learning_rate = 1e-2,
                           .batch_size = 16,
                           .max_epochs = 300,
                           .validation_fraction = 0.3,
                           .patience = 5,
                           .seed = 1,
                           .progress = [&](const fp::mlp_progress& p) { seen.push_back(p); }});
  const fp::fit_report r = model.fit(d.X, d.y);
  CHECK(r.status == fp::fit_status::early_stopped);
  CHECK(r.ok());
  CHECK(r.iterations < 300);
  REQUIRE(seen.size() == static_cast<std::size_t>(r.iterations));
  CHECK(model.history().size() == seen.size());
  for (std::size_t i = 0; i < seen.size(); ++i) {
    CHECK(seen[i].epoch == static_cast<fp::index>(i) + 1);
    CHECK(seen[i].max_epochs == 300);
    CHECK(std::isfinite(seen[i].train_loss));
    CHECK(std::isfinite(seen[i].validation_loss));
  }
  // The kept epoch has the smallest validation loss, at least patience epochs before the end.
  const fp::index best = model.best_epoch();
  for (const auto& p : seen) CHECK(p.validation_loss >= seen[static_cast<std::size_t>(best - 1)].validation_loss);
  CHECK(r.iterations - best >= 5);
  // The model holds the best epoch's weights: its validation-fold MSE equals the logged loss
  // (checked indirectly: the residual sd is the RMS validation residual).
  const auto [y_mean, y_scale] = model.y_scaling();
  CHECK(model.residual_sd() ==
        doctest::Approx(y_scale * std::sqrt(seen[static_cast<std::size_t>(best - 1)].validation_loss)).epsilon(1e-9));
  (void)y_mean;
}

TEST_CASE("mlp_regressor without validation stops on the training loss or runs every epoch") {
  const auto d = fp::problems::smooth(200, 0.1, 8);
  fp::mlp_regressor all({.hidden_layers = {8}, .max_epochs = 7, .validation_fraction = 0.0, .patience = 0});
  const fp::fit_report r = all.fit(d.X, d.y);
  CHECK(r.status == fp::fit_status::converged);
  CHECK(r.iterations == 7);
  CHECK(all.best_epoch() == 7);
  fp::mlp_regressor budget({.hidden_layers = {8}, .max_epochs = 3, .validation_fraction = 0.0, .patience = 50});
  CHECK(budget.fit(d.X, d.y).status == fp::fit_status::max_iterations);
  fp::mlp_regressor stop({.hidden_layers = {8},
                          .learning_rate = 1e-6,
                          .max_epochs = 100,
                          .validation_fraction = 0.0,
                          .patience = 3,
                          .tol = 1.0});
  const fp::fit_report s = stop.fit(d.X, d.y);
  CHECK(s.status == fp::fit_status::converged);
  CHECK(s.iterations == 4);  // epoch 1 sets the best; 3 epochs without a gain of 1.0
}

TEST_CASE("mlp_regressor with unit sample weights equals the unweighted fit, zero weights drop rows") {
  const auto d = fp::problems::smooth(300, 0.1, 10);
  const fp::mlp_regressor_params p{.hidden_layers = {8}, .max_epochs = 4, .seed = 5};
  fp::mlp_regressor a(p);
  fp::mlp_regressor b(p);
  (void)a.fit(d.X, d.y);
  (void)b.fit(d.X, d.y, fp::vector::Ones(d.y.size()));
  CHECK((a.predict(d.X).array() == b.predict(d.X).array()).all());
  // Doubling every weight changes nothing either (weights are normalised to mean 1).
  fp::mlp_regressor c(p);
  (void)c.fit(d.X, d.y, fp::vector::Constant(d.y.size(), 2.0));
  CHECK((a.predict(d.X) - c.predict(d.X)).cwiseAbs().maxCoeff() < 1e-12);
  // Outliers with zero weight do not move the fit.
  fp::vector y_bad = d.y;
  fp::vector w = fp::vector::Ones(d.y.size());
  for (fp::index i = 0; i < 300; i += 10) {
    y_bad[i] = 1e3;
    w[i] = 0.0;
  }
  fp::mlp_regressor robust({.hidden_layers = {16}, .batch_size = 32, .max_epochs = 40, .seed = 5});
  (void)robust.fit(d.X, y_bad, w);
  CHECK(rmse(robust.predict(d.X), d.mean) < 0.6);
}

}  // namespace unity_mlp_fit
