// Does conditioning on a regime improve held-out forecasts (validation/regime_conditioning.hpp):
// a planted regime shift is found (positive difference, CI above 0, p <= 0.01); labels
// independent of y are not (CI contains 0, p not small); same seed, same result; the CRPS
// means equal a direct bayesian_linear + crps computation; Mondrian intervals cover a noisy
// regime that pooled ones under-cover; label_regimes finds planted volatility regimes from
// the training rows and labels the test rows causally; bad input throws, naming the problem.
#include "footprint/validation/regime_conditioning.hpp"
#include "footprint/models/clustering/regime_labels.hpp"

#include "footprint/detail/random.hpp"
#include "footprint/distributions/location_scale_t.hpp"
#include "footprint/error.hpp"
#include "footprint/models/linear/bayesian_linear.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

// Each test file is its own namespace: the module's files compile as one unity translation unit.
namespace unity_regime_conditioning {

namespace fp = footprint;

// Rows in time order: two features, a regime label in [0, k) that persists (switches with
// probability 0.02 per row), y = 1 + 2 x0 - x1 + shift * label + noise_sd[label] N(0, 1).
struct regime_data {
  fp::matrix X;
  fp::vector y;
  std::vector<int> labels;
};

regime_data make_data(fp::index n, int k, double shift, std::vector<double> noise_sd, std::uint64_t seed) {
  fp::detail::xoshiro256ss rng(seed);
  regime_data d{fp::matrix(n, 2), fp::vector(n), std::vector<int>(static_cast<std::size_t>(n))};
  int state = 0;
  for (fp::index i = 0; i < n; ++i) {
    if (rng.uniform() < 0.02) state = static_cast<int>(rng.below(static_cast<std::uint64_t>(k)));
    d.labels[static_cast<std::size_t>(i)] = state;
    d.X(i, 0) = rng.normal();
    d.X(i, 1) = rng.normal();
    d.y[i] =
        1.0 + 2.0 * d.X(i, 0) - d.X(i, 1) + shift * state + noise_sd[static_cast<std::size_t>(state)] * rng.normal();
  }
  return d;
}

struct split_data {
  fp::matrix X_train, X_test;
  fp::vector y_train, y_test;
  std::vector<int> l_train, l_test;
};

split_data split(const regime_data& d, fp::index n_train) {
  const fp::index n_test = d.X.rows() - n_train;
  return {d.X.topRows(n_train),
          d.X.bottomRows(n_test),
          d.y.head(n_train),
          d.y.tail(n_test),
          std::vector<int>(d.labels.begin(), d.labels.begin() + n_train),
          std::vector<int>(d.labels.begin() + n_train, d.labels.end())};
}

fp::regime_conditioning_result run(const split_data& s, fp::index k, const fp::regime_conditioning_params& p) {
  return fp::regime_conditioning_test(s.X_train, s.y_train, s.l_train, s.X_test, s.y_test, s.l_test, k, p);
}

TEST_CASE("regime_conditioning: a planted regime shift is found, p at most 0.01") {
  const split_data s = split(make_data(1000, 3, 1.5, {1.0, 1.0, 1.0}, 7), 700);
  const fp::regime_conditioning_result r = run(s, 3, {.n_permutations = 200, .seed = 3});
  CHECK(r.n_train == 700);
  CHECK(r.n_test == 300);
  CHECK(r.n_regimes == 3);
  CHECK(r.mean_crps_with < r.mean_crps_without);
  CHECK(r.mean_difference > 0.0);
  CHECK(r.ci_low > 0.0);
  CHECK(r.ci_low_hac > 0.0);
  CHECK(r.t_statistic > 5.0);
  CHECK(r.n_at_least == 0);
  CHECK(r.p_value == doctest::Approx(1.0 / 201.0));
  CHECK(r.p_value <= 0.01);
  CHECK(r.null_q95 < r.mean_difference);
  CHECK(r.null_differences.size() == 200);
  // The with-model's CRPS on the test part is near that of N(0, 1) noise: E|Z - Z'|/2 ... = 1/sqrt(pi) ~ 0.564.
  CHECK(r.mean_crps_with == doctest::Approx(0.5642).epsilon(0.12));
  // Rotated labels keep the regimes' persistence; the planted shift beats them too.
  const fp::regime_conditioning_result c =
      run(s, 3, {.n_permutations = 200, .seed = 3, .shuffle = fp::regime_shuffle::circular_shift});
  CHECK(c.mean_difference == r.mean_difference);
  CHECK(c.p_value <= 0.02);
  CHECK(c.null_differences != r.null_differences);
}

TEST_CASE("regime_conditioning: labels independent of y give a CI containing 0 and a large p") {
  regime_data d = make_data(1000, 3, 0.0, {1.0, 1.0, 1.0}, 11);
  const split_data s = split(d, 700);
  const fp::regime_conditioning_result r = run(s, 3, {.n_permutations = 300, .seed = 5});
  CAPTURE(r.mean_difference);
  CAPTURE(r.p_value);
  CHECK(r.ci_low < 0.0);
  CHECK(r.ci_high > 0.0);
  CHECK(r.p_value > 0.05);
  CHECK(std::abs(r.mean_difference) < 0.01);
  // Under the null the shuffled differences centre near the observed one's scale (both tiny).
  CHECK(std::abs(r.null_mean) < 0.01);
  const fp::regime_conditioning_result c =
      run(s, 3, {.n_permutations = 300, .seed = 5, .shuffle = fp::regime_shuffle::circular_shift});
  CAPTURE(c.p_value);
  CHECK(c.p_value > 0.05);
}

TEST_CASE("regime_conditioning: same seed same result, another seed another null") {
  const split_data s = split(make_data(400, 2, 0.3, {1.0, 1.0}, 13), 280);
  const fp::regime_conditioning_result a = run(s, 2, {.n_permutations = 50, .seed = 9});
  const fp::regime_conditioning_result b = run(s, 2, {.n_permutations = 50, .seed = 9});
  const fp::regime_conditioning_result c = run(s, 2, {.n_permutations = 50, .seed = 10});
  CHECK(a.null_differences == b.null_differences);
  CHECK(a.p_value == b.p_value);
  CHECK(a.mean_difference == b.mean_difference);
  CHECK(a.null_differences != c.null_differences);
  CHECK(a.mean_difference == c.mean_difference);  // the observed part does not depend on the seed
}

TEST_CASE("regime_conditioning: the CRPS means equal bayesian_linear and crps computed directly") {
  const split_data s = split(make_data(60, 2, 1.0, {0.5, 0.5}, 17), 40);
  const fp::regime_conditioning_result r = run(s, 2, {.n_permutations = 0, .standardize = false});
  // Without: the model on X. With: X and the one-hot column of label 1.
  fp::bayesian_linear without;
  (void)without.fit(s.X_train, s.y_train);
  fp::matrix Xw_train(40, 3);
  Xw_train << s.X_train, fp::vector::Zero(40);
  for (fp::index i = 0; i < 40; ++i) Xw_train(i, 2) = s.l_train[static_cast<std::size_t>(i)] == 1 ? 1.0 : 0.0;
  fp::matrix Xw_test(20, 3);
  Xw_test << s.X_test, fp::vector::Zero(20);
  for (fp::index i = 0; i < 20; ++i) Xw_test(i, 2) = s.l_test[static_cast<std::size_t>(i)] == 1 ? 1.0 : 0.0;
  fp::bayesian_linear with;
  (void)with.fit(Xw_train, s.y_train);
  const auto dw = without.predict_distribution(s.X_test);
  const auto dr = with.predict_distribution(Xw_test);
  double sum_without = 0.0;
  double sum_with = 0.0;
  for (fp::index i = 0; i < 20; ++i) {
    sum_without += fp::crps(dw[static_cast<std::size_t>(i)], s.y_test[i]);
    sum_with += fp::crps(dr[static_cast<std::size_t>(i)], s.y_test[i]);
  }
  CHECK(r.mean_crps_without == doctest::Approx(sum_without / 20.0).epsilon(1e-12));
  CHECK(r.mean_crps_with == doctest::Approx(sum_with / 20.0).epsilon(1e-12));
  CHECK(r.mean_difference == doctest::Approx((sum_without - sum_with) / 20.0).epsilon(1e-10));
  CHECK(std::isnan(r.p_value));
  CHECK(r.null_differences.empty());
  // The paired t interval by hand.
  const fp::vector d = r.crps_without - r.crps_with;
  const double sd = std::sqrt((d.array() - d.mean()).square().sum() / 19.0);
  CHECK(r.standard_error == doctest::Approx(sd / std::sqrt(20.0)).epsilon(1e-12));
  // t quantile 0.975 with 19 df is 2.093024 (tables).
  CHECK(r.ci_high - r.mean_difference == doctest::Approx(2.093024 * r.standard_error).epsilon(1e-6));
}

TEST_CASE("regime_conditioning: Mondrian intervals cover a noisy regime that pooled ones under-cover") {
  // Regime 1 is ten times as noisy: the pooled 90% interval, a compromise between the two
  // regimes' errors, is too narrow for it (and too wide for regime 0); the Mondrian one is not.
  const split_data s = split(make_data(4000, 2, 0.0, {0.3, 3.0}, 19), 2800);
  const fp::regime_conditioning_result r = run(s, 2, {.n_permutations = 0});
  REQUIRE(r.regimes.size() == 2);
  const fp::regime_conditioning_regime& calm = r.regimes[0];
  const fp::regime_conditioning_regime& noisy = r.regimes[1];
  CHECK(r.n_calibration == 840);
  CHECK(calm.n_train + noisy.n_train == 2800);
  CHECK(calm.n_test + noisy.n_test == 1200);
  REQUIRE(noisy.n_test > 100);
  CAPTURE(noisy.coverage_pooled);
  CAPTURE(noisy.coverage_mondrian);
  CHECK(noisy.coverage_mondrian > 0.84);
  CHECK(noisy.coverage_pooled < 0.86);
  CHECK(noisy.coverage_pooled < noisy.coverage_mondrian - 0.03);
  CHECK(calm.coverage_pooled > calm.coverage_mondrian);
  CHECK(noisy.width_mondrian > 3.0 * calm.width_mondrian);
  CHECK(calm.width_pooled == noisy.width_pooled);
  CHECK_FALSE(noisy.mondrian_fallback);
  CHECK(r.coverage_mondrian > 0.85);
}

TEST_CASE("regime_conditioning: label_regimes finds planted volatility regimes causally") {
  // A log volatility that sits at -1 (calm, sd 0.2) or +1 (stressed, sd 0.6) in long spells.
  fp::detail::xoshiro256ss rng(23);
  const fp::index n = 1200;
  fp::matrix X(n, 1);
  std::vector<int> truth(static_cast<std::size_t>(n));
  int state = 0;
  for (fp::index i = 0; i < n; ++i) {
    if (rng.uniform() < 0.01) state = 1 - state;
    truth[static_cast<std::size_t>(i)] = state;
    X(i, 0) = state == 0 ? rng.normal(-1.0, 0.2) : rng.normal(1.0, 0.6);
  }
  const fp::regime_labels l = fp::label_regimes(X.topRows(800), X.bottomRows(400), {.seed = 1});
  CHECK(l.tried == std::vector<fp::index>{2, 3, 4});
  CHECK(l.bic.size() == 3);
  CHECK(l.n_regimes >= 2);
  REQUIRE(l.train.size() == 800);
  REQUIRE(l.test.size() == 400);
  // Regime 0 is the calmest: its rows are (almost all) the planted calm ones.
  fp::index agree = 0;
  for (fp::index i = 0; i < 400; ++i) {
    const int got = l.test[static_cast<std::size_t>(i)];
    agree += (got == 0) == (truth[static_cast<std::size_t>(800 + i)] == 0);
  }
  CHECK(agree > 380);
  // Causal: the test labels do not change when later rows are dropped.
  const fp::regime_labels shorter = fp::label_regimes(X.topRows(800), X.middleRows(800, 200), {.seed = 1});
  CHECK(std::vector<int>(l.test.begin(), l.test.begin() + 200) == shorter.test);
}

TEST_CASE("regime_conditioning: bad input throws naming the problem") {
  const split_data s = split(make_data(100, 2, 1.0, {1.0, 1.0}, 29), 70);
  const fp::regime_conditioning_params p{.n_permutations = 5};
  std::vector<int> out_of_range = s.l_test;
  out_of_range[3] = 2;
  CHECK_THROWS_WITH_AS(
      (void)fp::regime_conditioning_test(s.X_train, s.y_train, s.l_train, s.X_test, s.y_test, out_of_range, 2, p),
      "footprint::regime_conditioning_test: regime_test must be in [0, n_regimes = 2); row 3 is 2",
      fp::invalid_argument);
  std::vector<int> negative = s.l_train;
  negative[0] = -1;
  CHECK_THROWS_AS(
      (void)fp::regime_conditioning_test(s.X_train, s.y_train, negative, s.X_test, s.y_test, s.l_test, 2, p),
      fp::invalid_argument);
  const std::vector<int> short_labels(s.l_train.begin(), s.l_train.end() - 1);
  CHECK_THROWS_AS(
      (void)fp::regime_conditioning_test(s.X_train, s.y_train, short_labels, s.X_test, s.y_test, s.l_test, 2, p),
      fp::dimension_mismatch);
  const fp::vector short_y = s.y_test.head(29);
  CHECK_THROWS_AS(
      (void)fp::regime_conditioning_test(s.X_train, s.y_train, s.l_train, s.X_test, short_y, s.l_test, 2, p),
      fp::dimension_mismatch);
  const fp::matrix one_col = s.X_test.leftCols(1);
  CHECK_THROWS_AS(
      (void)fp::regime_conditioning_test(s.X_train, s.y_train, s.l_train, one_col, s.y_test, s.l_test, 2, p),
      fp::dimension_mismatch);
  fp::matrix with_nan = s.X_train;
  with_nan(5, 1) = std::numeric_limits<double>::quiet_NaN();
  CHECK_THROWS_WITH_AS(
      (void)fp::regime_conditioning_test(with_nan, s.y_train, s.l_train, s.X_test, s.y_test, s.l_test, 2, p),
      "footprint::regime_conditioning_test (training rows): X must be finite; row 5, column 1 is nan",
      fp::invalid_argument);
  fp::vector y_nan = s.y_test;
  y_nan[2] = std::numeric_limits<double>::infinity();
  CHECK_THROWS_AS((void)fp::regime_conditioning_test(s.X_train, s.y_train, s.l_train, s.X_test, y_nan, s.l_test, 2, p),
                  fp::invalid_argument);
  CHECK_THROWS_WITH_AS(
      (void)fp::regime_conditioning_test(s.X_train, s.y_train, s.l_train, s.X_test, s.y_test, s.l_test, 1, p),
      "footprint::regime_conditioning_test: n_regimes must be >= 2 (got 1)", fp::invalid_argument);
  CHECK_THROWS_AS((void)fp::regime_conditioning_test(s.X_train, s.y_train, s.l_train, s.X_test, s.y_test, s.l_test, 2,
                                                     {.n_permutations = -1}),
                  fp::invalid_argument);
  CHECK_THROWS_AS((void)fp::regime_conditioning_test(s.X_train, s.y_train, s.l_train, s.X_test, s.y_test, s.l_test, 2,
                                                     {.alpha = 1.0}),
                  fp::invalid_argument);
  CHECK_THROWS_AS((void)fp::label_regimes(s.X_train, s.X_test, {.min_regimes = 3, .max_regimes = 2}),
                  fp::invalid_argument);
  CHECK_THROWS_AS((void)fp::label_regimes(s.X_train, one_col, {}), fp::dimension_mismatch);
}

}  // namespace unity_regime_conditioning
