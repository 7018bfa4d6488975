// Tests of footprint::random_forest and its quantile regression forest.
#include "footprint/models/trees/random_forest.hpp"
#include "footprint/concepts.hpp"
#include "footprint/io/tree_model_json.hpp"
#include "footprint/validation/permutation_importance.hpp"

#include "footprint/data/synthetic/regression_problems.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <string>

// Each test file is its own namespace: the module's files compile as one unity translation unit.
namespace unity_random_forest {

namespace fp = footprint;

static_assert(fp::ProbabilisticRegressor<fp::random_forest>);
static_assert(fp::WeightedRegressor<fp::random_forest>);
static_assert(fp::PredictiveDistribution<fp::empirical_distribution>);
static_assert(std::is_aggregate_v<fp::random_forest_params>);

TEST_CASE("random_forest: one unbootstrapped tree fits four points exactly (hand computed)") {
  // y = 1, 2, 5, 6 at x = 1..4: the root splits at 2.5 (SSE 1 against 8.67 at 1.5 and 3.5),
  // then 1.5 and 3.5: every leaf holds one row, the thresholds are midpoints.
  fp::matrix X(4, 1);
  X << 1, 2, 3, 4;
  fp::vector y(4);
  y << 1, 2, 5, 6;
  fp::random_forest rf({.n_estimators = 1, .bootstrap = false, .max_features = 1.0, .min_samples_leaf = 1});
  (void)rf.fit(X, y);
  const auto& nodes = rf.ensemble().trees()[0].nodes();
  REQUIRE(nodes.size() == 7);
  CHECK(nodes[0].threshold == 2.5);
  CHECK(nodes[0].value == 3.5);
  CHECK(nodes[0].gain == doctest::Approx(16.0));  // SST 17 - SSE 1
  CHECK(rf.predict(X) == y);
  fp::matrix Z(3, 1);
  Z << 2.4, 2.6, 100;
  const fp::vector pz = rf.predict(Z);
  CHECK(pz[0] == 2.0);
  CHECK(pz[1] == 5.0);
  CHECK(pz[2] == 6.0);
  // a depth limit of 1 gives the two means
  fp::random_forest stump(
      {.n_estimators = 1, .bootstrap = false, .max_features = 1.0, .max_depth = 1, .min_samples_leaf = 1});
  (void)stump.fit(X, y);
  CHECK(stump.predict(X) == fp::vector{{1.5, 1.5, 5.5, 5.5}});
  // min_samples_leaf = 2 forbids the second level
  fp::random_forest leafy({.n_estimators = 1, .bootstrap = false, .max_features = 1.0, .min_samples_leaf = 2});
  (void)leafy.fit(X, y);
  CHECK(leafy.predict(X) == fp::vector{{1.5, 1.5, 5.5, 5.5}});
}

TEST_CASE("random_forest: missing values go to the learned side") {
  // rows 3 and 4 have x missing and y = 10: the split sends missing right, with the 10s
  fp::matrix X(5, 1);
  X << 1, 2, 3, fp::nan, fp::nan;
  fp::vector y(5);
  y << 0, 0, 0, 10, 10;
  fp::random_forest rf({.n_estimators = 1, .bootstrap = false, .min_samples_leaf = 1});
  (void)rf.fit(X, y);
  fp::matrix Z(2, 1);
  Z << fp::nan, 50;
  const fp::vector p = rf.predict(Z);
  CHECK(p[0] == 10.0);
  CHECK(p[1] == 0.0);
}

TEST_CASE("random_forest: weights are frequency weights") {
  // weight 2 on a row equals repeating it (one unbootstrapped tree, depth 1)
  fp::matrix X(3, 1);
  X << 0, 1, 2;
  fp::vector y(3);
  y << 0, 3, 9;
  fp::vector w(3);
  w << 1, 2, 1;
  fp::matrix Xr(4, 1);
  Xr << 0, 1, 1, 2;
  fp::vector yr(4);
  yr << 0, 3, 3, 9;
  fp::random_forest a({.n_estimators = 1, .bootstrap = false, .max_depth = 1, .min_samples_leaf = 1});
  fp::random_forest b({.n_estimators = 1, .bootstrap = false, .max_depth = 1, .min_samples_leaf = 1});
  (void)a.fit(X, y, w);
  (void)b.fit(Xr, yr);
  CHECK(a.predict(X) == b.predict(X));
  CHECK(a.predict(X)[0] == 2.0);  // (0 + 3 + 3) / 3
}

TEST_CASE("random_forest: accuracy, out-of-bag error and importance") {
  const auto train = fp::problems::wavy(1500, 1, 0.05);
  const auto test = fp::problems::wavy(1000, 2, 0.05);
  fp::random_forest rf({.n_estimators = 40, .min_samples_leaf = 3, .oob_score = true, .seed = 7});
  const fp::fit_report rep = rf.fit(train.X, train.y);
  CHECK(rep.ok());
  const double mse = (rf.predict(test.X) - test.y).squaredNorm() / static_cast<double>(test.y.size());
  const double var = (test.y.array() - test.y.mean()).square().mean();
  CHECK(mse < 0.2 * var);
  // the out-of-bag error estimates the test error
  CHECK(rf.oob_error() == doctest::Approx(mse).epsilon(0.3));
  CHECK(rep.final_loss == rf.oob_error());
  CHECK(rf.oob_r2() > 0.8);
  const fp::vector imp = rf.feature_importances();
  CHECK(imp.sum() == doctest::Approx(1.0));
  CHECK(imp[0] > imp[2]);
  CHECK(imp[1] > imp[3]);
}

TEST_CASE("random_forest: quantile forest intervals reach nominal coverage") {
  // 80% central intervals on held-out heteroscedastic data; binomial sampling error on 2,000
  // rows is 0.009, and forests are slightly conservative: accept [0.76, 0.88]
  const auto train = fp::problems::step_heteroscedastic(2000, 11);
  const auto test = fp::problems::step_heteroscedastic(2000, 12);
  fp::random_forest rf({.n_estimators = 50, .min_samples_leaf = 10, .seed = 3});
  (void)rf.fit(train.X, train.y);
  const fp::matrix iv = rf.predict_interval(test.X, 0.8);
  double covered = 0.0;
  for (fp::index i = 0; i < test.X.rows(); ++i) covered += (test.y[i] >= iv(i, 0) && test.y[i] <= iv(i, 1)) ? 1.0 : 0.0;
  const double coverage = covered / static_cast<double>(test.X.rows());
  MESSAGE("quantile forest 80% interval coverage: " << coverage);
  CHECK(coverage >= 0.76);
  CHECK(coverage <= 0.88);
  // the distribution's mean is the forest's prediction; quantiles and cdf are consistent
  const auto d = rf.predict_distribution(test.X.topRows(20));
  const fp::vector p = rf.predict(test.X.topRows(20));
  for (std::size_t i = 0; i < d.size(); ++i) {
    CHECK(fp::mean(d[i]) == doctest::Approx(p[static_cast<fp::index>(i)]).epsilon(1e-12));
    CHECK(fp::standard_deviation(d[i]) > 0.0);
    for (double q : {0.05, 0.5, 0.95}) CHECK(fp::cdf(d[i], fp::quantile(d[i], q)) >= q);
    CHECK(fp::quantile(d[i], 0.1) <= fp::quantile(d[i], 0.9));
  }
}

TEST_CASE("random_forest: the same seed gives the same forest for any thread count") {
  const auto train = fp::problems::wavy(600, 5, 0.1);
  fp::random_forest one({.n_estimators = 12, .max_features = 0.5, .oob_score = true, .seed = 42, .n_threads = 1});
  fp::random_forest two({.n_estimators = 12, .max_features = 0.5, .oob_score = true, .seed = 42, .n_threads = 2});
  (void)one.fit(train.X, train.y);
  (void)two.fit(train.X, train.y);
  CHECK(one.ensemble() == two.ensemble());  // (the JSON differs only in params.n_threads)
  CHECK(one.oob_prediction().array().isNaN().count() == two.oob_prediction().array().isNaN().count());
  CHECK(one.oob_error() == two.oob_error());
  fp::random_forest other({.n_estimators = 12, .max_features = 0.5, .seed = 43});
  (void)other.fit(train.X, train.y);
  CHECK(!(other.ensemble() == one.ensemble()));
}

TEST_CASE("random_forest: bad parameters and data throw") {
  CHECK_THROWS_WITH_AS(fp::random_forest({.max_features = 0.0}),
                       "footprint::random_forest: max_features must be in (0, 1] (got 0)", fp::invalid_argument);
  CHECK_THROWS_AS(fp::random_forest({.n_estimators = 0}), fp::invalid_argument);
  CHECK_THROWS_AS(fp::random_forest({.max_bins = 256}), fp::invalid_argument);
  fp::random_forest rf({.n_estimators = 2});
  fp::matrix X = fp::matrix::Ones(4, 2);
  fp::vector y = fp::vector::Ones(4);
  CHECK_THROWS_AS((void)rf.predict(X), fp::not_fitted);
  X(1, 1) = std::numeric_limits<double>::infinity();
  CHECK_THROWS_AS(rf.fit(X, y), fp::invalid_argument);
  X(1, 1) = 1.0;
  y[2] = fp::nan;
  CHECK_THROWS_AS(rf.fit(X, y), fp::invalid_argument);
  y[2] = 1.0;
  CHECK_THROWS_AS(rf.fit(X, fp::vector::Ones(3)), fp::dimension_mismatch);
  CHECK_THROWS_AS(rf.fit(X, y, -fp::vector::Ones(4)), fp::invalid_argument);
  (void)rf.fit(X, y);
  CHECK_THROWS_AS((void)rf.predict(fp::matrix::Ones(2, 3)), fp::dimension_mismatch);
  CHECK_THROWS_AS((void)rf.oob_error(), fp::invalid_argument);
}

TEST_CASE("permutation_importance: shuffling a used feature raises the error, an unused one does not") {
  const auto train = fp::problems::wavy(800, 41);
  const auto test = fp::problems::wavy(400, 42);
  fp::random_forest rf({.n_estimators = 20, .min_samples_leaf = 3, .seed = 1});
  (void)rf.fit(train.X, train.y);
  const auto imp = fp::permutation_importance(rf, test.X, test.y, 3, 7);
  CHECK(imp.baseline_mse > 0.0);
  CHECK(imp.mean[0] > 0.1);  // y depends on x0 and x1 only
  CHECK(imp.mean[1] > 0.1);
  CHECK(std::abs(imp.mean[2]) < 0.05);
  CHECK(std::abs(imp.mean[3]) < 0.05);
  const auto again = fp::permutation_importance(rf, test.X, test.y, 3, 7);
  CHECK(again.mean == imp.mean);  // deterministic given the seed
  CHECK_THROWS_AS((void)fp::permutation_importance(rf, test.X, test.y, 0), fp::invalid_argument);
}

}  // namespace unity_random_forest
