// Conformalized quantile regression (Romano, Patterson and Candes 2019) over footprint's quantile
// regression forest (one model, two levels) and two quantile gradient-boosting models, on the
// heteroscedastic test problem: coverage k / (n + 1) over random calibration/test splits of a
// held-out pool, intervals narrower where the noise is lower, the class against the free
// functions, exact error messages.
#include "footprint/validation/conformalized_quantile_regression.hpp"

#include "footprint/data/synthetic/regression_problems.hpp"
#include "footprint/detail/random.hpp"
#include "footprint/models/trees/gradient_boosting.hpp"
#include "footprint/models/trees/random_forest.hpp"
#include "footprint/validation/conformal_scores.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <numeric>
#include <span>
#include <vector>

// Each test file is its own namespace: the module's files compile as one unity translation unit.
namespace unity_conformal_cqr {

namespace fp = footprint;

namespace {

// Training rows and a held-out pool of the heteroscedastic problem: y = x0 + sin(3 x1) +
// sigma(x) z, sigma(x) = 0.1 + 0.1 (x0 + 1)^2 from 0.1 (x0 = -1) to 0.5 (x0 = 1).
const fp::problems::regression_problem& train() {
  static const fp::problems::regression_problem p = fp::problems::heteroscedastic(1500, 61);
  return p;
}
const fp::problems::regression_problem& pool() {
  static const fp::problems::regression_problem p = fp::problems::heteroscedastic(4000, 62);
  return p;
}

constexpr fp::index n_cal = 1000;
constexpr double alpha = 0.1;

// Checks one CQR object on the pool: the class against the free functions on one split, then
// 400 random splits of the pool into n_cal calibration rows and the rest. Conditional on the
// pool, a random split makes calibration and test rows exchangeable, so the expected coverage
// is exactly k / (n_cal + 1) = ceil(1001 x 0.9) / 1001 = 901 / 1001 (continuous scores).
template <class R>
void check_cqr(fp::conformalized_quantile_regression<R>& cqr) {
  const fp::matrix& X = pool().X;
  const fp::vector& y = pool().y;
  const fp::index n = X.rows();
  const fp::matrix band = cqr.predict_quantiles(X);
  REQUIRE(band.rows() == n);

  // 1. The class on the first n_cal rows equals the free functions on the precomputed band.
  const fp::fit_report rep = cqr.fit(X.topRows(n_cal), y.head(n_cal));
  CHECK(rep.ok());
  const fp::vector e = fp::quantile_regression_scores(y.head(n_cal), band.col(0).head(n_cal), band.col(1).head(n_cal));
  const double q = fp::conformal_quantile(e, alpha);
  CHECK(cqr.score_quantile(alpha) == q);
  const fp::matrix iv = cqr.predict_interval(X.bottomRows(n - n_cal), alpha);
  CHECK(iv.col(0) == (band.col(0).tail(n - n_cal).array() - q).matrix());
  CHECK(iv.col(1) == (band.col(1).tail(n - n_cal).array() + q).matrix());

  // 2. Intervals are narrower where the noise is lower (x0 < -0.5: sigma <= 0.125; x0 > 0.5: >= 0.325).
  double w_low = 0.0;
  double w_high = 0.0;
  int n_low = 0;
  int n_high = 0;
  for (fp::index i = 0; i < iv.rows(); ++i) {
    const double x0 = X(n_cal + i, 0);
    const double w = iv(i, 1) - iv(i, 0);
    if (x0 < -0.5) {
      w_low += w;
      ++n_low;
    } else if (x0 > 0.5) {
      w_high += w;
      ++n_high;
    }
  }
  w_low /= n_low;
  w_high /= n_high;
  CAPTURE(w_low);
  CAPTURE(w_high);
  CHECK(w_low < 0.6 * w_high);

  // 3. Coverage over random splits of the pool.
  fp::detail::xoshiro256ss rng(63);
  std::vector<fp::index> order(static_cast<std::size_t>(n));
  std::iota(order.begin(), order.end(), fp::index{0});
  const fp::vector all_e = fp::quantile_regression_scores(y, band.col(0), band.col(1));
  double sum = 0.0;
  double sum2 = 0.0;
  constexpr int reps = 400;
  std::vector<double> cal(static_cast<std::size_t>(n_cal));
  for (int r = 0; r < reps; ++r) {
    rng.shuffle(std::span<fp::index>(order));
    for (fp::index i = 0; i < n_cal; ++i) cal[static_cast<std::size_t>(i)] = all_e[order[static_cast<std::size_t>(i)]];
    const double qr = fp::conformal_quantile(cal, alpha);
    fp::index in = 0;
    for (fp::index i = n_cal; i < n; ++i) in += all_e[order[static_cast<std::size_t>(i)]] <= qr ? 1 : 0;
    const double c = static_cast<double>(in) / static_cast<double>(n - n_cal);
    sum += c;
    sum2 += c * c;
  }
  const double mean = sum / reps;
  const double se = std::sqrt((sum2 / reps - mean * mean) / (reps - 1));
  CAPTURE(mean);
  CAPTURE(se);
  CHECK(se < 0.001);
  CHECK(std::abs(mean - 901.0 / 1001.0) < 4.0 * se);
  // the raw band's coverage, for the record (the models' 90% band before calibration)
  CAPTURE(static_cast<double>((all_e.array() <= 0.0).count()) / static_cast<double>(n));
}

}  // namespace

TEST_CASE("CQR over the quantile regression forest (one model, levels 0.05 and 0.95)") {
  fp::random_forest forest({.n_estimators = 50, .min_samples_leaf = 10, .seed = 7});
  forest.fit(train().X, train().y);
  fp::conformalized_quantile_regression cqr(std::move(forest), alpha / 2, 1.0 - alpha / 2);
  CHECK_FALSE(cqr.has_two_models());
  CHECK(cqr.levels().first == 0.05);
  check_cqr(cqr);
}

TEST_CASE("CQR over two quantile gradient-boosting models (quantile_alpha 0.05 and 0.95)") {
  const auto quantile_model = [](double level) {
    fp::gradient_boosting gb({.loss = fp::boosting_loss::quantile,
                              .n_estimators = 100,
                              .learning_rate = 0.1,
                              .max_depth = 3,
                              .quantile_alpha = level});
    gb.fit(train().X, train().y);
    return gb;
  };
  fp::conformalized_quantile_regression cqr(quantile_model(alpha / 2), quantile_model(1.0 - alpha / 2));
  CHECK(cqr.has_two_models());
  check_cqr(cqr);
}

TEST_CASE("conformalized_quantile_regression: exact error messages") {
  using cqr_forest = fp::conformalized_quantile_regression<fp::random_forest>;
  CHECK_THROWS_WITH_AS(
      cqr_forest(fp::random_forest(), 0.75, 0.25),
      "footprint::conformalized_quantile_regression: lower_level must be < upper_level (got 0.75 and 0.25)",
      fp::invalid_argument);
  CHECK_THROWS_WITH_AS(cqr_forest(fp::random_forest(), 0.0, 0.5),
                       "footprint::conformalized_quantile_regression: lower_level must be in (0, 1) (got 0)",
                       fp::invalid_argument);
  cqr_forest unfitted(fp::random_forest(), 0.05, 0.95);
  const fp::matrix X = fp::matrix::Zero(3, 2);
  const fp::vector y = fp::vector::Zero(3);
  CHECK_THROWS_WITH_AS(unfitted.fit(X, y),
                       "footprint::conformalized_quantile_regression::fit: the model is not fitted; call fit() first",
                       fp::not_fitted);
  CHECK_THROWS_WITH_AS((void)unfitted.predict_interval(X, 0.1),
                       "footprint::conformalized_quantile_regression::predict_interval: the model is not fitted; call "
                       "fit() first",
                       fp::not_fitted);
  fp::gradient_boosting fitted({.n_estimators = 2});
  fitted.fit(train().X, train().y);
  fp::conformalized_quantile_regression<fp::gradient_boosting> half(fitted, fp::gradient_boosting());
  CHECK_THROWS_WITH_AS(half.fit(train().X, train().y),
                       "footprint::conformalized_quantile_regression::fit: the model is not fitted; call fit() first",
                       fp::not_fitted);
  fp::conformalized_quantile_regression<fp::gradient_boosting> both(fitted, fitted);
  CHECK_THROWS_WITH_AS(
      both.fit(train().X, y),
      "footprint::conformalized_quantile_regression::fit: y.size() must equal X.rows() (expected 1500, "
      "got 3)",
      fp::dimension_mismatch);
  both.fit(train().X, train().y);
  CHECK(both.score_quantile(0.1) > 0.0);  // a band of width 0 must widen
  CHECK_THROWS_WITH_AS((void)both.score_quantile(1.0),
                       "footprint::conformalized_quantile_regression::score_quantile: alpha must be in (0, 1) (got 1)",
                       fp::invalid_argument);
}

}  // namespace unity_conformal_cqr
