// almgren_chriss_calibration: exact recovery, the OLS formulas on a hand example, recovery
// within 3 standard errors, classical and HC1 standard errors against the spread over 200
// replications, excluded rows listed with the reason, time units and errors.
#include "footprint/impact/almgren_chriss_calibration.hpp"

#include "impact/synthetic.hpp"

#include <doctest/doctest.h>

#include <chrono>
#include <cmath>
#include <string>
#include <vector>

// Each test file is its own namespace: the module's files compile as one unity translation unit.
namespace unity_almgren_chriss_calibration {

namespace fp = footprint;

namespace {

// Quote currency per share per share; per share per (share per second); per share.
constexpr double true_gamma = 5e-7, true_eta = 2e-4, true_epsilon = 0.01;

/// Metaorders of one instrument's desk: Q uniform in [1e3, 1e5] shares, T uniform in
/// [300, 3000] s (rates from 0.3 to 330 shares/s, no extreme leverage), mid in [20, 100].
/// Permanent move gamma Q and temporary cost epsilon + eta Q/T per share, in price units,
/// with noise: sd `noise_i` (price) and `noise_k` (price per share), the latter scaled by
/// the rate / 100 when `heteroscedastic`; stored as bps of the mid.
fp::impact_observations ac_data(fp::index n, fp::detail::xoshiro256ss& rng, double noise_i, double noise_k,
                                bool heteroscedastic = false) {
  fp::impact_observations obs = synthetic::market(n, rng);
  for (fp::index i = 0; i < n; ++i) {
    obs.quantity[i] = rng.uniform(1e3, 1e5);
    obs.duration[i] = rng.uniform(300.0, 3000.0);
    obs.arrival_mid[i] = rng.uniform(20.0, 100.0);
    const double q = obs.quantity[i], rate = q / obs.duration[i];
    const double move = true_gamma * q + noise_i * rng.normal();
    const double cost =
        true_epsilon + true_eta * rate + noise_k * (heteroscedastic ? rate / 100.0 : 1.0) * rng.normal();
    obs.permanent_bps[i] = 1e4 * move / obs.arrival_mid[i];
    obs.temporary_bps[i] = 1e4 * cost / obs.arrival_mid[i];
  }
  return obs;
}

}  // namespace

TEST_CASE("almgren_chriss_calibration: exact recovery without noise") {
  fp::detail::xoshiro256ss rng(21);
  const fp::impact_observations obs = ac_data(150, rng, 0.0, 0.0);
  fp::almgren_chriss_calibration cal;
  CHECK_FALSE(cal.is_fitted());
  const fp::fit_report r = cal.fit(obs);
  CHECK(r.ok());
  CHECK(cal.is_fitted());
  CHECK(cal.gamma().value == doctest::Approx(true_gamma).epsilon(1e-10));
  CHECK(cal.eta().value == doctest::Approx(true_eta).epsilon(1e-10));
  CHECK(cal.epsilon().value == doctest::Approx(true_epsilon).epsilon(1e-10));
  CHECK(cal.permanent_r2() == doctest::Approx(1.0));
  CHECK(cal.temporary_r2() == doctest::Approx(1.0));
  CHECK(cal.n_permanent() == 150);
  CHECK(cal.n_temporary() == 150);
  CHECK(cal.excluded().empty());
  CHECK(r.message ==
        "0 of 150 rows excluded from the temporary regression (duration 0); 0 from the permanent regression");
}

TEST_CASE("almgren_chriss_calibration: the OLS formulas on a hand example") {
  // Mid 100, so 1 bps = 0.01 in price. Permanent moves 0.01, 0.03, 0.02 for Q = 1, 2, 3:
  // gamma = sum(Q y) / sum(Q^2) = (0.01 + 0.06 + 0.06) / 14.
  fp::impact_observations obs;
  obs.quantity = fp::vector{{1, 2, 3}};
  obs.volume = fp::vector::Constant(3, 1e6);
  obs.volatility = fp::vector::Constant(3, 0.02);
  obs.arrival_mid = fp::vector::Constant(3, 100.0);
  obs.duration = fp::vector{{1, 1, 1}};  // rates 1, 2, 3
  obs.permanent_bps = fp::vector{{1, 3, 2}};
  obs.temporary_bps = fp::vector{{2, 3, 5}};  // costs 0.02, 0.03, 0.05
  fp::almgren_chriss_calibration cal;
  cal.fit(obs);
  const double gamma = 0.13 / 14.0;
  CHECK(cal.gamma().value == doctest::Approx(gamma));
  // Residuals 0.01 - g, 0.03 - 2g, 0.02 - 3g; s^2 = RSS / (3 - 1); se = sqrt(s^2 / 14).
  const double rss = std::pow(0.01 - gamma, 2) + std::pow(0.03 - 2 * gamma, 2) + std::pow(0.02 - 3 * gamma, 2);
  CHECK(cal.gamma().std_error == doctest::Approx(std::sqrt(rss / 2.0 / 14.0)));
  CHECK(cal.gamma().t_stat() == doctest::Approx(gamma / std::sqrt(rss / 2.0 / 14.0)));
  // Uncentred R^2 = 1 - RSS / sum y^2.
  CHECK(cal.permanent_r2() == doctest::Approx(1.0 - rss / (1e-4 + 9e-4 + 4e-4)));
  // Temporary: slope 0.015, intercept 0.0033..., the textbook line through (1, .02), (2, .03), (3, .05).
  CHECK(cal.eta().value == doctest::Approx(0.015));
  CHECK(cal.epsilon().value == doctest::Approx(0.1 / 3.0 - 2 * 0.015));
  // HC1 of the slope: n/(n-p) sum (x_i - xbar)^2 r_i^2 / Sxx^2 with residuals 1/6, -1/3, 1/6 (x 0.01).
  const double hc1 = 3.0 / 1.0 * (1.0 * std::pow(0.01 / 6, 2) + 0.0 + 1.0 * std::pow(0.01 / 6, 2)) / 4.0;
  CHECK(cal.eta().robust_std_error == doctest::Approx(std::sqrt(hc1)));
  CHECK(cal.temporary_r2() == doctest::Approx(1.0 - (2 * std::pow(1.0 / 6, 2) + std::pow(1.0 / 3, 2)) / (14.0 / 3.0)));
}

TEST_CASE("almgren_chriss_calibration: estimates lie within 3 standard errors") {
  fp::detail::xoshiro256ss rng(122);
  const fp::impact_observations obs = ac_data(400, rng, 0.02, 0.01);
  fp::almgren_chriss_calibration cal;
  REQUIRE(cal.fit(obs).ok());
  CHECK(std::abs(cal.gamma().value - true_gamma) < 3 * cal.gamma().std_error);
  CHECK(std::abs(cal.eta().value - true_eta) < 3 * cal.eta().std_error);
  CHECK(std::abs(cal.epsilon().value - true_epsilon) < 3 * cal.epsilon().std_error);
  CHECK(std::abs(cal.eta().value - true_eta) < 3 * cal.eta().robust_std_error);
  CHECK(cal.permanent_residual_std() == doctest::Approx(0.02).epsilon(0.15));
  CHECK(cal.temporary_residual_std() == doctest::Approx(0.01).epsilon(0.15));
  const fp::matrix c = cal.temporary_covariance();
  REQUIRE(c.rows() == 2);
  CHECK(std::sqrt(c(0, 0)) == doctest::Approx(cal.epsilon().std_error));
  CHECK(c(0, 1) < 0.0);  // intercept and slope of positive rates are negatively correlated
}

TEST_CASE("almgren_chriss_calibration: standard errors match the spread over 200 replications") {
  for (bool hetero : {false, true}) {
    CAPTURE(hetero);
    const fp::covariance_estimator which = hetero ? fp::covariance_estimator::hc1 : fp::covariance_estimator::classical;
    fp::detail::xoshiro256ss rng(23);
    std::vector<double> gamma, eta, epsilon, se_gamma, se_eta, se_epsilon, se_eta_classical;
    for (int rep = 0; rep < 200; ++rep) {
      const fp::impact_observations obs = ac_data(200, rng, 0.02, 0.01, hetero);
      fp::almgren_chriss_calibration cal;
      cal.fit(obs);
      gamma.push_back(cal.gamma().value);
      eta.push_back(cal.eta().value);
      epsilon.push_back(cal.epsilon().value);
      se_gamma.push_back(cal.gamma().standard_error(which));
      se_eta.push_back(cal.eta().standard_error(which));
      se_epsilon.push_back(cal.epsilon().standard_error(which));
      se_eta_classical.push_back(cal.eta().std_error);
    }
    const auto mg = synthetic::moments_of(gamma), me = synthetic::moments_of(eta), mp = synthetic::moments_of(epsilon);
    CHECK(mg.std / synthetic::moments_of(se_gamma).mean == doctest::Approx(1.0).epsilon(0.2));
    CHECK(me.std / synthetic::moments_of(se_eta).mean == doctest::Approx(1.0).epsilon(0.2));
    CHECK(mp.std / synthetic::moments_of(se_epsilon).mean == doctest::Approx(1.0).epsilon(0.2));
    CHECK(std::abs(me.mean - true_eta) < 3 * me.std / std::sqrt(200.0));
    CHECK(std::abs(mg.mean - true_gamma) < 3 * mg.std / std::sqrt(200.0));
    if (hetero) {  // noise grows with the rate: the classical SE of eta understates the spread
      CHECK(me.std / synthetic::moments_of(se_eta_classical).mean > 1.3);
    }
  }
}

TEST_CASE("almgren_chriss_calibration: rows with duration 0 are listed with the reason") {
  fp::detail::xoshiro256ss rng(24);
  fp::impact_observations obs = ac_data(50, rng, 0.0, 0.0);
  obs.duration[4] = 0.0;
  obs.duration[31] = 0.0;
  obs.temporary_bps[4] = 1e5;  // would wreck the fit if it were used
  fp::almgren_chriss_calibration cal;
  const fp::fit_report r = cal.fit(obs);
  CHECK(r.message ==
        "2 of 50 rows excluded from the temporary regression (duration 0); 0 from the permanent regression");
  REQUIRE(cal.excluded().size() == 2);
  CHECK(cal.excluded()[0].row == 4);
  CHECK(cal.excluded()[1].row == 31);
  CHECK(cal.excluded()[0].reason == "duration is 0: the trading rate Q/T is undefined (temporary regression)");
  CHECK(cal.n_temporary() == 48);
  CHECK(cal.n_permanent() == 50);
  CHECK(cal.eta().value == doctest::Approx(true_eta).epsilon(1e-10));
  CHECK(cal.gamma().value == doctest::Approx(true_gamma).epsilon(1e-10));
}

TEST_CASE("almgren_chriss_calibration: eta follows the time unit, epsilon can be held at 0") {
  fp::detail::xoshiro256ss rng(25);
  const fp::impact_observations obs = ac_data(60, rng, 0.0, 0.0);
  fp::almgren_chriss_calibration per_minute({.time_unit = std::chrono::minutes(1)});
  per_minute.fit(obs);
  CHECK(per_minute.eta().value == doctest::Approx(true_eta / 60.0).epsilon(1e-10));
  CHECK(per_minute.epsilon().value == doctest::Approx(true_epsilon).epsilon(1e-10));

  fp::impact_observations no_fixed = obs;
  for (fp::index i = 0; i < obs.size(); ++i) no_fixed.temporary_bps[i] -= 1e4 * true_epsilon / obs.arrival_mid[i];
  fp::almgren_chriss_calibration origin({.fit_epsilon = false});
  origin.fit(no_fixed);
  CHECK(origin.eta().value == doctest::Approx(true_eta).epsilon(1e-10));
  CHECK(origin.epsilon().value == 0.0);
  CHECK(origin.epsilon().std_error == 0.0);
  CHECK(origin.temporary_covariance().rows() == 1);
}

TEST_CASE("almgren_chriss_calibration: errors") {
  const fp::almgren_chriss_calibration unfitted;
  CHECK_THROWS_WITH_AS((void)unfitted.eta(),
                       "footprint::almgren_chriss_calibration::eta: the model is not fitted; call fit() first",
                       fp::not_fitted);
  CHECK_THROWS_WITH_AS(fp::almgren_chriss_calibration({.time_unit = std::chrono::seconds(0)}),
                       "footprint::almgren_chriss_calibration: time_unit must be > 0 (got 0 ns)", fp::invalid_argument);

  fp::detail::xoshiro256ss rng(26);
  const fp::impact_observations good = ac_data(20, rng, 0.0, 0.0);
  fp::almgren_chriss_calibration cal;
  fp::impact_observations obs = good;
  obs.arrival_mid.resize(0);
  CHECK_THROWS_WITH_AS(cal.fit(obs),
                       "footprint::almgren_chriss_calibration::fit: arrival_mid is empty (converting bps to "
                       "price needs it)",
                       fp::invalid_argument);
  obs = good;
  obs.permanent_bps.resize(0);
  CHECK_THROWS_WITH_AS(cal.fit(obs),
                       "footprint::almgren_chriss_calibration::fit: permanent_bps is empty (the permanent "
                       "component needs it)",
                       fp::invalid_argument);
  obs = good;
  obs.duration[7] = -3.0;
  CHECK_THROWS_WITH_AS(cal.fit(obs),
                       "footprint::almgren_chriss_calibration::fit: duration must be finite and >= 0 (got -3 "
                       "at row 7)",
                       fp::invalid_argument);
  obs = good;
  obs.duration = fp::vector::Zero(20);
  obs.duration[0] = 60.0;
  obs.duration[1] = 60.0;
  CHECK_THROWS_WITH_AS(cal.fit(obs),
                       "footprint::almgren_chriss_calibration::fit: the temporary regression needs at least 3 "
                       "rows with duration > 0 (got 2 of 20)",
                       fp::invalid_argument);
  // Every usable row trades at the same rate: eta and epsilon are not separately identified.
  obs = good;
  obs.quantity = fp::vector::Constant(20, 3000.0);
  obs.duration = fp::vector::Constant(20, 60.0);
  CHECK_THROWS_WITH_AS(cal.fit(obs),
                       "footprint::almgren_chriss_calibration::fit: fit failed (numerical_issue, 0 iterations): "
                       "the trading rates Q/T of the usable rows are all equal: eta is not identified",
                       fp::convergence_error);
  CHECK_FALSE(cal.is_fitted());
}

}  // namespace unity_almgren_chriss_calibration
