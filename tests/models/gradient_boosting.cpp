// Tests of footprint::gradient_boosting.
#include "footprint/models/trees/gradient_boosting.hpp"
#include "footprint/concepts.hpp"
#include "footprint/io/tree_model_json.hpp"

#include "footprint/data/synthetic/regression_problems.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <string>
#include <utility>

// Each test file is its own namespace: the module's files compile as one unity translation unit.
namespace unity_gradient_boosting {

namespace fp = footprint;

static_assert(fp::ProbabilisticRegressor<fp::gradient_boosting>);
static_assert(fp::WeightedRegressor<fp::gradient_boosting>);
static_assert(fp::PredictiveDistribution<fp::quantile_distribution>);
static_assert(std::is_aggregate_v<fp::gradient_boosting_params>);

namespace {
struct step_data {
  fp::matrix X{{1}, {2}, {3}, {4}};
  fp::vector y = fp::vector{{1, 1, 5, 5}};
};

/// The same parameters fitted on `d` with 1 thread and with 2 threads.
std::pair<fp::gradient_boosting, fp::gradient_boosting> fit_with_1_and_2_threads(
    fp::gradient_boosting_params p, const fp::problems::regression_problem& d) {
  p.n_threads = 1;
  fp::gradient_boosting one(p);
  p.n_threads = 2;
  fp::gradient_boosting two(p);
  (void)one.fit(d.X, d.y);
  (void)two.fit(d.X, d.y);
  return {std::move(one), std::move(two)};
}
}  // namespace

TEST_CASE("gradient_boosting: one stump fits a step exactly (hand computed)") {
  // base = mean(y) = 3, residuals -2 -2 2 2, split at 2.5, leaves -G/H = -2 and 2
  const step_data d;
  fp::gradient_boosting gb(
      {.n_estimators = 1, .learning_rate = 1.0, .max_depth = 1, .lambda = 0.0, .min_child_weight = 0.0});
  const auto rep = gb.fit(d.X, d.y);
  CHECK(rep.iterations == 1);
  CHECK(rep.final_loss == 0.0);
  CHECK(gb.ensemble().base_score() == 3.0);
  CHECK(gb.ensemble().trees()[0].nodes()[0].threshold == 2.5);
  CHECK(gb.ensemble().trees()[0].nodes()[0].gain == 16.0);  // 4^2/2 + 4^2/2 - 0
  CHECK(gb.predict(d.X) == d.y);
}

TEST_CASE("gradient_boosting: L2, L1 and shrinkage give the hand-computed leaves") {
  const step_data d;
  // lambda = 1: leaf = sum(y - f) / (n + 1) = -4/3 and 4/3
  fp::gradient_boosting l2(
      {.n_estimators = 1, .learning_rate = 1.0, .max_depth = 1, .lambda = 1.0, .min_child_weight = 0.0});
  (void)l2.fit(d.X, d.y);
  const fp::vector p2 = l2.predict(d.X);
  CHECK(p2[0] == doctest::Approx(3.0 - 4.0 / 3.0).epsilon(1e-15));
  CHECK(p2[3] == doctest::Approx(3.0 + 4.0 / 3.0).epsilon(1e-15));
  // alpha = 1, lambda = 0: leaf = -(G - sign(G) alpha) / H = -(4 - 1)/2 = -1.5 and 1.5
  fp::gradient_boosting l1(
      {.n_estimators = 1, .learning_rate = 1.0, .max_depth = 1, .lambda = 0.0, .alpha = 1.0, .min_child_weight = 0.0});
  (void)l1.fit(d.X, d.y);
  CHECK(l1.predict(d.X) == fp::vector{{1.5, 1.5, 4.5, 4.5}});
  // two rounds at learning rate 0.5: f = 3 -> 2 -> 1.5 on the left, 3 -> 4 -> 4.5 on the right
  fp::gradient_boosting lr(
      {.n_estimators = 2, .learning_rate = 0.5, .max_depth = 1, .lambda = 0.0, .min_child_weight = 0.0});
  (void)lr.fit(d.X, d.y);
  CHECK(lr.predict(d.X) == fp::vector{{1.5, 1.5, 4.5, 4.5}});
  // min_child_weight = 3 forbids the split (each side has H = 2): the model is the mean
  fp::gradient_boosting mcw(
      {.n_estimators = 3, .learning_rate = 1.0, .max_depth = 1, .lambda = 0.0, .min_child_weight = 3.0});
  (void)mcw.fit(d.X, d.y);
  CHECK(mcw.predict(d.X) == fp::vector::Constant(4, 3.0));
  // min_split_gain (gamma) above the gain (16) forbids it too
  fp::gradient_boosting gam({.n_estimators = 1,
                             .learning_rate = 1.0,
                             .max_depth = 1,
                             .lambda = 0.0,
                             .min_split_gain = 16.5,
                             .min_child_weight = 0.0});
  (void)gam.fit(d.X, d.y);
  CHECK(gam.predict(d.X) == fp::vector::Constant(4, 3.0));
}

TEST_CASE("gradient_boosting: missing values go to the learned default direction") {
  fp::matrix X(5, 1);
  X << 1, 2, 3, fp::nan, fp::nan;
  fp::vector y(5);
  y << 0, 0, 8, 8, 8;
  fp::gradient_boosting gb(
      {.n_estimators = 1, .learning_rate = 1.0, .max_depth = 1, .lambda = 0.0, .min_child_weight = 0.0});
  (void)gb.fit(X, y);
  CHECK(gb.predict(X) == y);  // split at 2.5 with missing right
  CHECK(!gb.ensemble().trees()[0].nodes()[0].default_left);
}

TEST_CASE("gradient_boosting: quantile loss gives the hand-computed quantile") {
  // base = lower median of y = 3; gradients at f = 3: +0.5 for y < 3, -0.5 for y >= 3, so
  // the best stump (lambda = 0) splits {1, 2} (G = 1, H = 2) from {3, 10, 20, 30} (G = -2,
  // H = 4): gain 1/2 + 4/4 - 1/6 = 4/3 against 2/3 for {1, 2, 3}. Leaves are re-fitted to the
  // lower medians of the residuals: {-2, -1} -> -2 and {0, 7, 17, 27} -> 7.
  fp::matrix X(6, 1);
  X << 1, 2, 3, 4, 5, 6;
  fp::vector y(6);
  y << 1, 2, 3, 10, 20, 30;
  fp::gradient_boosting gb({.loss = fp::boosting_loss::quantile,
                            .n_estimators = 1,
                            .learning_rate = 1.0,
                            .max_depth = 1,
                            .lambda = 0.0,
                            .min_child_weight = 0.0,
                            .quantile_alpha = 0.5});
  (void)gb.fit(X, y);
  CHECK(gb.ensemble().base_score() == 3.0);
  CHECK(gb.ensemble().trees()[0].nodes()[0].threshold == 2.5);
  CHECK(gb.ensemble().trees()[0].nodes()[0].gain == doctest::Approx(4.0 / 3.0));
  CHECK(gb.predict(X) == fp::vector{{1, 1, 10, 10, 10, 10}});
}

TEST_CASE("gradient_boosting: monotone constraints hold on a grid") {
  // y = sin(3 x0) + x1^2 is not monotone in x0; constrain it to rise with x0
  const auto train = fp::problems::wavy(1500, 3, 0.05);
  for (auto growth : {fp::tree_growth::depthwise, fp::tree_growth::leafwise}) {
    for (auto loss : {fp::boosting_loss::squared_error, fp::boosting_loss::quantile}) {
      fp::gradient_boosting gb({.loss = loss,
                                .n_estimators = 60,
                                .growth = growth,
                                .max_depth = growth == fp::tree_growth::depthwise ? 4 : 0,
                                .quantile_alpha = 0.7,
                                .monotone_constraints = {1, 0, 0, -1}});
      (void)gb.fit(train.X, train.y);
      fp::matrix grid(201, 4);
      for (double x1 : {-1.2, 0.0, 0.7}) {
        for (double x3 : {-1.0, 0.3, fp::nan}) {
          for (fp::index k = 0; k < 201; ++k) grid.row(k) << -2.0 + 0.02 * static_cast<double>(k), x1, 0.1, x3;
          const fp::vector p = gb.predict(grid);
          for (fp::index k = 1; k < 201; ++k) REQUIRE(p[k] >= p[k - 1]);
          for (fp::index k = 0; k < 201; ++k) grid.row(k) << 0.3, x1, 0.1, -2.0 + 0.02 * static_cast<double>(k);
          const fp::vector q = gb.predict(grid);
          for (fp::index k = 1; k < 201; ++k) REQUIRE(q[k] <= q[k - 1]);
        }
      }
    }
  }
}

TEST_CASE("gradient_boosting: quantile models give intervals with nominal coverage") {
  // 80% intervals from the 0.1 and 0.9 models on held-out heteroscedastic data; sampling
  // error on 2,000 rows is 0.009: accept [0.74, 0.86]
  const auto train = fp::problems::step_heteroscedastic(2000, 21);
  const auto test = fp::problems::step_heteroscedastic(2000, 22);
  fp::gradient_boosting gb(
      {.n_estimators = 80, .max_depth = 3, .min_samples_leaf = 20, .quantile_levels = {0.1, 0.5, 0.9}});
  (void)gb.fit(train.X, train.y);
  const auto dist = gb.predict_distribution(test.X);
  const fp::vector mu = gb.predict(test.X);
  double covered = 0.0;
  for (std::size_t i = 0; i < dist.size(); ++i) {
    const auto [lo, hi] = fp::interval(dist[i], 0.8);
    const double yi = test.y[static_cast<fp::index>(i)];
    covered += (yi >= lo && yi <= hi) ? 1.0 : 0.0;
    CHECK(fp::mean(dist[i]) == mu[static_cast<fp::index>(i)]);
    CHECK(fp::cdf(dist[i], fp::quantile(dist[i], 0.3)) == doctest::Approx(0.3));
    CHECK(fp::standard_deviation(dist[i]) > 0.0);
  }
  const double coverage = covered / static_cast<double>(dist.size());
  MESSAGE("quantile boosting 80% interval coverage: " << coverage);
  CHECK(coverage >= 0.74);
  CHECK(coverage <= 0.86);
  // without quantile levels: prediction plus training-residual quantiles, mean = predict
  fp::gradient_boosting plain({.n_estimators = 30});
  (void)plain.fit(train.X, train.y);
  const auto d2 = plain.predict_distribution(test.X.topRows(3));
  CHECK(fp::mean(d2[0]) == plain.predict(test.X.topRows(1))[0]);
  CHECK(fp::quantile(d2[0], 0.05) < fp::quantile(d2[0], 0.95));
}

TEST_CASE("gradient_boosting: early stopping on a validation set") {
  const auto train = fp::problems::wavy(800, 4);
  const auto valid = fp::problems::wavy(400, 5);
  fp::gradient_boosting gb({.n_estimators = 2000,
                            .learning_rate = 0.3,
                            .max_depth = 6,
                            .min_child_weight = 0.0,
                            .early_stopping_rounds = 10});
  const auto rep = gb.fit(train.X, train.y, fp::vector::Ones(800), valid.X, valid.y);
  CHECK(rep.status == fp::fit_status::early_stopped);
  CHECK(gb.best_iteration() < 2000);
  const auto& h = gb.validation_history();
  CHECK(static_cast<fp::index>(h.size()) == gb.best_iteration() + 10);
  const double best = *std::min_element(h.begin(), h.end());
  CHECK(h[static_cast<std::size_t>(gb.best_iteration() - 1)] == best);
  // the kept model's validation loss is the best one
  const fp::vector r = gb.predict(valid.X) - valid.y;
  CHECK(0.5 * r.squaredNorm() / 400.0 == doctest::Approx(best).epsilon(1e-9));
  // validation_fraction holds rows out of X
  fp::gradient_boosting frac(
      {.n_estimators = 2000, .learning_rate = 0.3, .early_stopping_rounds = 5, .validation_fraction = 0.25});
  CHECK(frac.fit(train.X, train.y).status == fp::fit_status::early_stopped);
}

TEST_CASE("gradient_boosting: Huber loss resists outliers") {
  auto train = fp::problems::wavy(800, 6);
  for (fp::index i = 0; i < 800; i += 20) train.y[i] += 100.0;
  const auto test = fp::problems::wavy(400, 7);
  fp::gradient_boosting sq({.n_estimators = 100, .max_depth = 3});
  fp::gradient_boosting hu({.loss = fp::boosting_loss::huber, .n_estimators = 100, .max_depth = 3});
  (void)sq.fit(train.X, train.y);
  (void)hu.fit(train.X, train.y);
  const double e_sq = (sq.predict(test.X) - test.y).squaredNorm();
  const double e_hu = (hu.predict(test.X) - test.y).squaredNorm();
  CHECK(e_hu < 0.5 * e_sq);
}

TEST_CASE("gradient_boosting: same seed gives the same model for any thread count") {
  const auto train = fp::problems::wavy(3000, 8, 0.1);
  fp::gradient_boosting_params p{.n_estimators = 15,
                                 .growth = fp::tree_growth::leafwise,
                                 .max_depth = 0,
                                 .max_leaves = 15,
                                 .subsample = 0.7,
                                 .colsample_bytree = 0.75,
                                 .colsample_bynode = 0.7,
                                 .quantile_levels = {0.2, 0.8},
                                 .seed = 9};
  const auto [one, two] = fit_with_1_and_2_threads(p, train);
  // identical trees (the JSON differs only in params.n_threads)
  CHECK(one.ensemble() == two.ensemble());
  REQUIRE(one.quantile_models().size() == 2);
  CHECK(one.quantile_models()[0] == two.quantile_models()[0]);
  CHECK(one.quantile_models()[1] == two.quantile_models()[1]);
  CHECK(one.predict(train.X) == two.predict(train.X));
  const fp::vector r = one.predict(train.X) - train.y;
  CHECK(r.squaredNorm() / 3000.0 < 0.3);
}

TEST_CASE("gradient_boosting: the parallel grower builds the serial model") {
  // large enough that partitions, histograms and split searches run in parallel (row
  // chunks, (node, feature) tasks), with missing values, depthwise with a leaf budget that
  // cuts a level short, and leafwise
  const auto train = fp::problems::wavy(40'000, 8, 0.05);
  for (const bool leafwise : {false, true}) {
    CAPTURE(leafwise);
    fp::gradient_boosting_params p{.n_estimators = 4,
                                   .max_depth = leafwise ? 0 : 7,
                                   .max_leaves = leafwise ? 40 : 90,
                                   .colsample_bynode = 0.75,
                                   .seed = 3};
    if (leafwise) p.growth = fp::tree_growth::leafwise;
    const auto [one, two] = fit_with_1_and_2_threads(p, train);
    CHECK(one.ensemble() == two.ensemble());
    CHECK(one.ensemble().trees()[0].n_leaves() == (leafwise ? 40 : 90));
  }
}

TEST_CASE("gradient_boosting: bad parameters and data throw") {
  CHECK_THROWS_WITH_AS(fp::gradient_boosting({.learning_rate = 1.5}),
                       "footprint::gradient_boosting: learning_rate must be in (0, 1] (got 1.5)", fp::invalid_argument);
  CHECK_THROWS_AS(fp::gradient_boosting({.monotone_constraints = {2}}), fp::invalid_argument);
  CHECK_THROWS_AS(fp::gradient_boosting({.quantile_levels = {0.5, 0.2}}), fp::invalid_argument);
  CHECK_THROWS_AS(fp::gradient_boosting({.max_depth = 0}), fp::invalid_argument);
  fp::gradient_boosting gb({.n_estimators = 2, .monotone_constraints = {1, 0, 0}});
  const fp::matrix X = fp::matrix::Random(10, 2);
  const fp::vector y = fp::vector::Random(10);
  CHECK_THROWS_AS(gb.fit(X, y), fp::dimension_mismatch);
  CHECK_THROWS_AS((void)gb.predict(X), fp::not_fitted);
  fp::gradient_boosting ok({.n_estimators = 2});
  fp::matrix Xi = X;
  Xi(3, 0) = -std::numeric_limits<double>::infinity();
  CHECK_THROWS_AS(ok.fit(Xi, y), fp::invalid_argument);
  CHECK_THROWS_AS(ok.fit(X, y, fp::vector::Zero(10)), fp::invalid_argument);
  CHECK_THROWS_AS(ok.fit(X, y, fp::vector::Ones(10), fp::matrix::Ones(3, 3), fp::vector::Ones(3)),
                  fp::dimension_mismatch);
}

}  // namespace unity_gradient_boosting
