// square_root_law: exact recovery without noise, recovery within 3 standard errors with
// noise, standard errors that match the spread of the estimates over 200 replications,
// exclusions counted, binned fits, predictions and error messages.
#include "footprint/impact/square_root_law.hpp"

#include "impact/synthetic.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <string>
#include <vector>

// Each test file is its own namespace: the module's files compile as one unity translation unit.
namespace unity_square_root_law {

namespace fp = footprint;

namespace {

constexpr double true_y = 0.8;
constexpr double true_delta = 0.5;

/// Permanent impact from the law, plus noise: additive (sd `additive` bps), proportional
/// (sd `proportional` times the mean) or multiplicative (log-normal, sd `log_sd`).
fp::impact_observations law_data(fp::index n, fp::detail::xoshiro256ss& rng, double additive, double proportional,
                                 double log_sd) {
  fp::impact_observations obs = synthetic::market(n, rng);
  for (fp::index i = 0; i < n; ++i) {
    const double mean = 1e4 * true_y * obs.volatility[i] * std::pow(obs.quantity[i] / obs.volume[i], true_delta);
    obs.permanent_bps[i] =
        mean * std::exp(log_sd * rng.normal()) + additive * rng.normal() + proportional * mean * rng.normal();
  }
  return obs;
}

fp::square_root_law make(fp::square_root_fit_method m) {
  return fp::square_root_law({.component = fp::impact_component::permanent, .method = m});
}

}  // namespace

TEST_CASE("square_root_law: exact recovery without noise, both methods") {
  fp::detail::xoshiro256ss rng(1);
  const fp::impact_observations obs = law_data(200, rng, 0.0, 0.0, 0.0);
  for (auto m : {fp::square_root_fit_method::nonlinear, fp::square_root_fit_method::log_ols}) {
    CAPTURE(fp::to_string(m));
    fp::square_root_law law = make(m);
    const fp::fit_report r = law.fit(obs);
    CHECK(r.ok());
    CHECK(law.is_fitted());
    CHECK(law.y().value == doctest::Approx(true_y).epsilon(1e-10));
    CHECK(law.delta().value == doctest::Approx(true_delta).epsilon(1e-10));
    CHECK(law.y().std_error < 1e-9);
    CHECK(law.delta().robust_std_error < 1e-9);
    CHECK(law.n_used() == 200);
    CHECK(law.n_excluded() == 0);
    CHECK(law.r2() == doctest::Approx(1.0));
  }
}

TEST_CASE("square_root_law: the default component is temporary + permanent") {
  fp::detail::xoshiro256ss rng(2);
  fp::impact_observations obs = law_data(100, rng, 0.0, 0.0, 0.0);
  obs.temporary_bps = 0.25 * obs.permanent_bps;
  obs.permanent_bps *= 0.75;
  fp::square_root_law law;
  CHECK(law.params().component == fp::impact_component::total);
  law.fit(obs);
  CHECK(law.y().value == doctest::Approx(true_y).epsilon(1e-10));
}

TEST_CASE("square_root_law: nonlinear and log-OLS estimates lie within 3 standard errors") {
  fp::detail::xoshiro256ss rng(3);
  const fp::impact_observations additive = law_data(400, rng, 3.0, 0.0, 0.0);
  fp::square_root_law nls = make(fp::square_root_fit_method::nonlinear);
  CHECK(nls.fit(additive).ok());
  CHECK(std::abs(nls.y().value - true_y) < 3 * nls.y().std_error);
  CHECK(std::abs(nls.delta().value - true_delta) < 3 * nls.delta().std_error);
  CHECK(std::abs(nls.delta().value - true_delta) < 3 * nls.delta().robust_std_error);
  CHECK(nls.residual_std() == doctest::Approx(3.0).epsilon(0.15));  // bps
  CHECK(nls.report().iterations < 30);
  // Covariance: symmetric, its diagonal gives the standard errors, Y and delta correlate.
  const fp::matrix c = nls.covariance();
  const fp::matrix c_hc1 = nls.covariance(fp::covariance_estimator::hc1);
  REQUIRE(c.rows() == 2);
  REQUIRE(c_hc1.rows() == 2);
  CHECK(c(0, 1) == doctest::Approx(c(1, 0)));
  CHECK(std::sqrt(c(1, 1)) == doctest::Approx(nls.delta().std_error));
  CHECK(std::sqrt(c_hc1(0, 0)) == doctest::Approx(nls.y().robust_std_error));
  CHECK(nls.y().t_stat() == doctest::Approx(nls.y().value / nls.y().std_error));

  const fp::impact_observations multiplicative = law_data(400, rng, 0.0, 0.0, 0.3);
  fp::square_root_law ols = make(fp::square_root_fit_method::log_ols);
  CHECK(ols.fit(multiplicative).ok());
  CHECK(std::abs(ols.y().value - true_y) < 3 * ols.y().std_error);
  CHECK(std::abs(ols.delta().value - true_delta) < 3 * ols.delta().std_error);
  CHECK(ols.residual_std() == doctest::Approx(0.3).epsilon(0.15));  // log units
}

TEST_CASE("square_root_law: standard errors match the spread of estimates over 200 replications") {
  struct scenario {
    const char* name;
    fp::square_root_fit_method method;
    double additive, proportional, log_sd;
    fp::covariance_estimator se;
  };
  // Under noise proportional to the impact, large orders are noisier: the classical SE of
  // delta (which averages the noise over all rows) understates the spread; HC1 does not.
  const scenario scenarios[] = {
      {"nonlinear, homoscedastic, classical", fp::square_root_fit_method::nonlinear, 3.0, 0.0, 0.0,
       fp::covariance_estimator::classical},
      {"nonlinear, heteroscedastic, hc1", fp::square_root_fit_method::nonlinear, 0.2, 0.5, 0.0,
       fp::covariance_estimator::hc1},
      {"log_ols, multiplicative, classical", fp::square_root_fit_method::log_ols, 0.0, 0.0, 0.3,
       fp::covariance_estimator::classical},
  };
  for (const scenario& s : scenarios) {
    CAPTURE(s.name);
    fp::detail::xoshiro256ss rng(42);
    std::vector<double> y, delta, se_y, se_delta, se_delta_classical;
    for (int rep = 0; rep < 200; ++rep) {
      const fp::impact_observations obs = law_data(200, rng, s.additive, s.proportional, s.log_sd);
      fp::square_root_law law = make(s.method);
      REQUIRE(law.fit(obs).ok());
      y.push_back(law.y().value);
      delta.push_back(law.delta().value);
      se_y.push_back(law.y().standard_error(s.se));
      se_delta.push_back(law.delta().standard_error(s.se));
      se_delta_classical.push_back(law.delta().std_error);
    }
    const auto my = synthetic::moments_of(y), md = synthetic::moments_of(delta);
    const double mean_se_y = synthetic::moments_of(se_y).mean, mean_se_delta = synthetic::moments_of(se_delta).mean;
    // The empirical spread agrees with the mean reported standard error within 20%.
    CHECK(my.std / mean_se_y == doctest::Approx(1.0).epsilon(0.2));
    CHECK(md.std / mean_se_delta == doctest::Approx(1.0).epsilon(0.2));
    // The estimators are (nearly) unbiased: the mean lies within 3 standard errors of the mean.
    CHECK(std::abs(my.mean - true_y) < 3 * my.std / std::sqrt(200.0));
    CHECK(std::abs(md.mean - true_delta) < 3 * md.std / std::sqrt(200.0));
    if (s.se == fp::covariance_estimator::hc1) {
      CHECK(md.std / synthetic::moments_of(se_delta_classical).mean > 1.3);
    }
  }
}

TEST_CASE("square_root_law: log_ols excludes and counts rows whose impact is not positive") {
  fp::detail::xoshiro256ss rng(6);
  fp::impact_observations obs = law_data(100, rng, 0.0, 0.0, 0.0);
  for (fp::index i : {3, 17, 40, 41, 99}) obs.permanent_bps[i] = i == 40 ? 0.0 : -2.0;
  fp::square_root_law law = make(fp::square_root_fit_method::log_ols);
  const fp::fit_report r = law.fit(obs);
  CHECK(r.message == "log_ols: 5 of 100 rows excluded (impact <= 0)");
  CHECK(law.n_used() == 95);
  CHECK(law.n_excluded() == 5);
  CHECK(law.y().value == doctest::Approx(true_y).epsilon(1e-10));  // the remaining rows are exact
  // The nonlinear fit keeps every row.
  fp::square_root_law nls = make(fp::square_root_fit_method::nonlinear);
  nls.fit(obs);
  CHECK(nls.n_used() == 100);
  CHECK(nls.n_excluded() == 0);
}

TEST_CASE("square_root_law: fitting bin means recovers the law") {
  fp::detail::xoshiro256ss rng(8);
  const fp::impact_observations obs = law_data(2000, rng, 0.0, 0.0, 0.0);
  const fp::impact_observations bins = fp::bin_by_participation(obs, 30);
  fp::square_root_law law = make(fp::square_root_fit_method::nonlinear);
  CHECK(law.fit(bins).ok());
  CHECK(law.n_used() == bins.size());
  // Bin means of a concave law sit slightly below the law at the mean Q/V (Jensen).
  CHECK(law.delta().value == doctest::Approx(true_delta).epsilon(0.02));
  CHECK(law.y().value == doctest::Approx(true_y).epsilon(0.03));
}

TEST_CASE("square_root_law: predictions") {
  const fp::square_root_law law = fp::square_root_law::from_coefficients(0.7, 0.5);
  CHECK(law.is_fitted());
  CHECK(law.predict(50'000, 2e6, 0.02) == doctest::Approx(1e4 * 0.7 * 0.02 * std::sqrt(0.025)));
  CHECK(std::isnan(law.y().std_error));
  CHECK(law.report().message == "set from coefficients");

  fp::detail::xoshiro256ss rng(9);
  const fp::impact_observations obs = synthetic::market(5, rng);
  const fp::vector all = law.predict(obs);
  REQUIRE(all.size() == 5);
  for (fp::index i = 0; i < 5; ++i) {
    CHECK(all[i] == doctest::Approx(law.predict(obs.quantity[i], obs.volume[i], obs.volatility[i])));
  }
}

TEST_CASE("square_root_law: errors") {
  const fp::square_root_law unfitted;
  CHECK_FALSE(unfitted.is_fitted());
  CHECK_THROWS_WITH_AS((void)unfitted.predict(1.0, 1.0, 1.0),
                       "footprint::square_root_law::predict: the model is not fitted; call fit() first",
                       fp::not_fitted);
  CHECK_THROWS_AS((void)unfitted.y(), fp::not_fitted);

  const fp::square_root_law law = fp::square_root_law::from_coefficients(0.7, 0.5);
  CHECK_THROWS_WITH_AS((void)law.predict(-1.0, 1e6, 0.02),
                       "footprint::square_root_law::predict: quantity must be finite and > 0 (got -1)",
                       fp::invalid_argument);
  CHECK_THROWS_WITH_AS((void)fp::square_root_law::from_coefficients(0.7, 0.0),
                       "footprint::square_root_law::from_coefficients: delta must be finite and > 0 (got 0)",
                       fp::invalid_argument);
  CHECK_THROWS_WITH_AS(fp::square_root_law({.tol = 0.0}), "footprint::square_root_law: tol must be in (0, 1) (got 0)",
                       fp::invalid_argument);
  CHECK_THROWS_WITH_AS(fp::square_root_law({.max_iter = 0}),
                       "footprint::square_root_law: max_iter must be >= 1 (got 0)", fp::invalid_argument);

  fp::detail::xoshiro256ss rng(10);
  fp::impact_observations obs = law_data(50, rng, 0.0, 0.0, 0.0);
  fp::square_root_law fit = make(fp::square_root_fit_method::nonlinear);

  fp::impact_observations bad = obs;
  bad.volume[2] = std::nan("");
  CHECK_THROWS_WITH_AS(fit.fit(bad),
                       "footprint::square_root_law::fit: volume must be finite and > 0 (got nan at row 2)",
                       fp::invalid_argument);
  CHECK_FALSE(fit.is_fitted());  // a failed fit leaves the law unfitted

  bad = obs;
  bad.temporary_bps.resize(0);
  fp::square_root_law temporary({.component = fp::impact_component::temporary});
  CHECK_THROWS_WITH_AS(temporary.fit(bad),
                       "footprint::square_root_law::fit: temporary_bps is empty (the temporary component needs it)",
                       fp::invalid_argument);

  // One value of Q/V: delta is not identified.
  bad = obs;
  bad.quantity = fp::vector::Constant(50, 2000.0);
  bad.volume = fp::vector::Constant(50, 1e6);
  CHECK_THROWS_AS(fit.fit(bad), fp::convergence_error);
  try {
    fit.fit(bad);
  } catch (const fp::convergence_error& e) {
    CHECK(e.report().status == fp::fit_status::numerical_issue);
    CHECK(std::string(e.what()).find("footprint::square_root_law::fit: fit failed (numerical_issue") == 0);
  }
  fp::square_root_law ols = make(fp::square_root_fit_method::log_ols);
  CHECK_THROWS_WITH_AS(ols.fit(bad),
                       "footprint::square_root_law::fit: fit failed (numerical_issue, 0 iterations): the participation "
                       "takes a single value: the exponent is not identified",
                       fp::convergence_error);

  // Too few usable rows.
  bad = obs;
  bad.permanent_bps = -bad.permanent_bps;
  bad.permanent_bps[0] = 1.0;
  CHECK_THROWS_WITH_AS(ols.fit(bad),
                       "footprint::square_root_law::fit: log_ols needs at least 3 rows with impact > 0 (got 1 of 50)",
                       fp::invalid_argument);
}

}  // namespace unity_square_root_law
