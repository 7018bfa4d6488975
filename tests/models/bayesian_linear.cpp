// bayesian_linear against scikit-learn's BayesianRidge (evidence mode) and the closed-form
// Normal-Inverse-Gamma posterior (conjugate mode), on the committed data of tests/models/data
// (make_reference.py). Also: calibration of the predictive intervals on simulated
// Gaussian-linear data, weights, error paths with their exact messages, the no-allocation
// prediction path and the strong guarantee of fit.
#include "footprint/models/linear/bayesian_linear.hpp"
#include "footprint/models/linear/ols.hpp"

#include "footprint/concepts.hpp"
#include "footprint/data/synthetic/regression_problems.hpp"
#include "models/reference_data.hpp"

#include <doctest/doctest.h>

#include <array>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <thread>
#include <vector>

// Each test file is its own namespace: the module's files compile as one unity translation unit.
namespace unity_bayesian_linear {

namespace fp = footprint;

static_assert(fp::ProbabilisticRegressor<fp::bayesian_linear>);
static_assert(fp::WeightedRegressor<fp::bayesian_linear>);
static_assert(fp::PredictiveDistribution<fp::location_scale_t>);
static_assert(std::is_aggregate_v<fp::bayesian_linear_params>);

namespace {

/// The first n_train rows of a problem train, the rest test.
struct train_test {
  fp::matrix X, X_test;
  fp::vector y, y_test;
};
train_test split_rows(const fp::problems::regression_problem& p, fp::index n_train) {
  const fp::index n_test = p.X.rows() - n_train;
  return {p.X.topRows(n_train), p.X.bottomRows(n_test), p.y.head(n_train), p.y.tail(n_test)};
}

struct data_set {
  fp::matrix X;
  fp::vector y;
  fp::vector w;
  fp::matrix X_test;
};

data_set regression() {
  const ref::table tr = ref::read_table("regression_train.csv");
  const ref::table te = ref::read_table("regression_test.csv");
  return {tr.features(), tr.column("y"), tr.column("weight"), te.features()};
}

data_set collinear() {
  const ref::table tr = ref::read_table("collinear_train.csv");
  return {tr.features(), tr.column("y"), {}, ref::read_table("regression_test.csv").features()};
}

data_set wide() {
  const ref::table t = ref::read_table("wide.csv");
  const fp::matrix X = t.features();
  return {X.topRows(20), t.column("y").head(20), {}, X.bottomRows(5)};
}

std::vector<double> stds(const std::vector<fp::location_scale_t>& d) {
  std::vector<double> out;
  for (const auto& x : d) out.push_back(fp::standard_deviation(x));
  return out;
}

fp::vector as_vector(const std::vector<double>& v) {
  return Eigen::Map<const fp::vector>(v.data(), static_cast<fp::index>(v.size()));
}

// Fits `params` on the case and compares every BayesianRidge attribute with scikit-learn.
void check_against_sklearn(const std::string& name, const data_set& d, fp::bayesian_linear_params params, bool weighted,
                           double tol) {
  const ref::expected& ex = ref::ex();
  const std::string key = "bayes." + name + ".";
  for (const fp::linear_solver solver :
       {fp::linear_solver::automatic, fp::linear_solver::qr, fp::linear_solver::normal_equations}) {
    CAPTURE(name);
    CAPTURE(fp::to_string(solver));
    params.solver = solver;
    params.sklearn_uncentered_std = false;
    fp::bayesian_linear model(params);
    const fp::fit_report report = weighted ? model.fit(d.X, d.y, d.w) : model.fit(d.X, d.y);
    CHECK(model.n_iter() == static_cast<fp::index>(ex.scalar(key + "n_iter")));
    CHECK(report.iterations == model.n_iter());
    CHECK(ref::rel_err(model.coef(), ex.vec(key + "coef")) < tol);
    CHECK(ref::rel_err(model.intercept(), ex.scalar(key + "intercept")) < tol);
    CHECK(ref::rel_err(model.alpha(), ex.scalar(key + "alpha")) < tol);
    CHECK(ref::rel_err(model.lambda(), ex.scalar(key + "lambda")) < tol);
    CHECK(ref::rel_err(model.sigma(), ex.square(key + "sigma")) < tol);
    CHECK(ref::rel_err(model.predict(d.X_test), ex.vec(key + "pred_mean")) < tol);
    const auto dist = model.predict_distribution(d.X_test);
    CHECK(ref::rel_err(as_vector(stds(dist)), ex.vec(key + "pred_std")) < tol);
    CHECK(std::isinf(dist.at(0).degrees_of_freedom()));
    if (ex.has(key + "scores")) CHECK(ref::rel_err(as_vector(model.scores()), ex.vec(key + "scores")) < tol);

    // scikit-learn <= the fix of issue #33757 measures the variance at the raw row.
    if (d.X.rows() > d.X.cols()) {  // (for n < p scikit-learn's sigma_ also lacks the null space)
      params.sklearn_uncentered_std = true;
      fp::bayesian_linear raw(params);
      (void)(weighted ? raw.fit(d.X, d.y, d.w) : raw.fit(d.X, d.y));
      CHECK(ref::rel_err(as_vector(stds(raw.predict_distribution(d.X_test))), ex.vec(key + "pred_std_raw")) < tol);
      CHECK(ref::rel_err(raw.predict(d.X_test), ex.vec(key + "pred_mean")) < tol);
    }
  }
}

}  // namespace

TEST_CASE("bayesian_linear evidence mode matches scikit-learn BayesianRidge (1e-6 relative)") {
  const data_set r = regression();
  check_against_sklearn("plain", r, {}, false, 1e-6);
  check_against_sklearn("weighted", r, {}, true, 1e-6);
  check_against_sklearn("nointercept", r, {.fit_intercept = false}, false, 1e-6);
  check_against_sklearn("score", r, {.compute_score = true}, false, 1e-6);
  check_against_sklearn("priors", r,
                        {.tol = 1e-6,
                         .alpha_1 = 2.0,
                         .alpha_2 = 0.5,
                         .lambda_1 = 0.3,
                         .lambda_2 = 4.0,
                         .alpha_init = 0.2,
                         .lambda_init = 3.0},
                        false, 1e-6);
  check_against_sklearn("maxiter", r, {.max_iter = 2}, false, 1e-6);
}

TEST_CASE("bayesian_linear evidence mode matches BayesianRidge on collinear and wide (n < p) data") {
  check_against_sklearn("collinear", collinear(), {}, false, 1e-6);
  check_against_sklearn("wide", wide(), {}, false, 1e-6);
}

TEST_CASE("bayesian_linear fit_report: converged, or max_iterations when the budget runs out") {
  const data_set r = regression();
  fp::bayesian_linear model;
  const fp::fit_report ok = model.fit(r.X, r.y);
  CHECK(ok.status == fp::fit_status::converged);
  CHECK(ok.ok());
  CHECK(ok.iterations == 8);
  // final_loss is the mean squared training residual
  const fp::vector resid = r.y - model.predict(r.X);
  CHECK(ok.final_loss == doctest::Approx(resid.squaredNorm() / static_cast<double>(r.y.size())).epsilon(1e-12));

  fp::bayesian_linear short_budget({.max_iter = 2});
  const fp::fit_report capped = short_budget.fit(r.X, r.y);
  CHECK(capped.status == fp::fit_status::max_iterations);
  CHECK_FALSE(capped.ok());
  CHECK(capped.iterations == 2);
  CHECK(short_budget.is_fitted());  // usable all the same
}

TEST_CASE("bayesian_linear conjugate mode matches the closed-form NIG posterior") {
  const data_set r = regression();
  const ref::expected& ex = ref::ex();
  const fp::vector w0 = fp::vector{{0.5, -1.0, 2.0, 0.1, 0.0}};
  struct nig_case {
    std::string name;
    fp::bayesian_linear_params params;
    bool weighted;
  };
  const std::vector<nig_case> cases = {
      {"plain", {.mode = fp::bayesian_linear_mode::conjugate, .w0 = w0, .kappa0 = 0.5, .a0 = 2.0, .b0 = 3.0}, false},
      {"weighted", {.mode = fp::bayesian_linear_mode::conjugate, .w0 = w0, .kappa0 = 2.0, .a0 = 1.5, .b0 = 0.5}, true},
      {"nointercept",
       {.mode = fp::bayesian_linear_mode::conjugate, .fit_intercept = false, .kappa0 = 1.0, .a0 = 3.0, .b0 = 2.0},
       false},
  };
  for (const nig_case& c : cases) {
    for (const fp::linear_solver solver :
         {fp::linear_solver::automatic, fp::linear_solver::qr, fp::linear_solver::normal_equations}) {
      CAPTURE(c.name);
      CAPTURE(fp::to_string(solver));
      const std::string key = "nig." + c.name + ".";
      fp::bayesian_linear_params params = c.params;
      params.solver = solver;
      fp::bayesian_linear model(params);
      const fp::fit_report report = c.weighted ? model.fit(r.X, r.y, r.w) : model.fit(r.X, r.y);
      CHECK(report.status == fp::fit_status::converged);
      CHECK(ref::rel_err(model.coef(), ex.vec(key + "coef")) < 1e-10);
      CHECK(ref::rel_err(model.intercept(), ex.scalar(key + "intercept")) < 1e-10);
      CHECK(ref::rel_err(model.a_n(), ex.scalar(key + "a_n")) < 1e-14);
      CHECK(ref::rel_err(model.b_n(), ex.scalar(key + "b_n")) < 1e-10);
      // sigma() is the scale matrix (b_n/a_n) V_n of the weights' multivariate-t posterior
      CHECK(ref::rel_err(model.sigma(), ex.square(key + "V_n") * (model.b_n() / model.a_n())) < 1e-10);
      const auto dist = model.predict_distribution(r.X_test);
      fp::vector loc(r.X_test.rows()), scale(r.X_test.rows()), q90(r.X_test.rows());
      for (std::size_t i = 0; i < dist.size(); ++i) {
        const auto k = static_cast<fp::index>(i);
        CHECK(dist[i].degrees_of_freedom() == doctest::Approx(2.0 * model.a_n()).epsilon(1e-15));
        loc[k] = dist[i].location();
        scale[k] = dist[i].scale();
        q90[k] = fp::quantile(dist[i], 0.9);
      }
      CHECK(ref::rel_err(loc, ex.vec(key + "pred_loc")) < 1e-10);
      CHECK(ref::rel_err(scale, ex.vec(key + "pred_scale")) < 1e-10);
      CHECK(ref::rel_err(q90, ex.vec(key + "pred_q90")) < 1e-10);  // Boost's t quantile vs scipy's
      CHECK(ref::rel_err(model.predict(r.X_test), loc) < 1e-14);
    }
  }
}

TEST_CASE("bayesian_linear conjugate mode with a flat prior is OLS, df = 2 a_n = n - 1") {
  const data_set r = regression();
  const fp::index n = r.X.rows();
  fp::ols ols;
  (void)ols.fit(r.X, r.y);
  fp::bayesian_linear flat({.mode = fp::bayesian_linear_mode::conjugate, .kappa0 = 0.0, .a0 = 0.0, .b0 = 0.0});
  (void)flat.fit(r.X, r.y);
  CHECK(ref::rel_err(flat.coef(), ols.coef()) < 1e-12);
  CHECK(ref::rel_err(flat.intercept(), ols.intercept()) < 1e-12);
  CHECK(flat.a_n() == doctest::Approx(0.5 * static_cast<double>(n - 1)).epsilon(1e-15));
  CHECK(flat.degrees_of_freedom() == doctest::Approx(static_cast<double>(n - 1)).epsilon(1e-15));
  // b_n = RSS / 2: the scale^2 of the noise is RSS / (n - 1)
  const fp::vector resid = r.y - ols.predict(r.X);
  CHECK(flat.b_n() == doctest::Approx(0.5 * resid.squaredNorm()).epsilon(1e-12));

  // A vague proper prior is close to it.
  fp::bayesian_linear vague({.mode = fp::bayesian_linear_mode::conjugate, .kappa0 = 1e-8, .a0 = 1e-6, .b0 = 1e-6});
  (void)vague.fit(r.X, r.y);
  CHECK(ref::rel_err(vague.coef(), ols.coef()) < 1e-6);
  CHECK(vague.degrees_of_freedom() == doctest::Approx(static_cast<double>(n - 1) + 2e-6).epsilon(1e-15));

  // A strong prior pulls the weights to w0.
  const fp::vector w0 = fp::vector{{1.0, 2.0, 3.0, 4.0, 5.0}};
  fp::bayesian_linear strong({.mode = fp::bayesian_linear_mode::conjugate, .w0 = w0, .kappa0 = 1e9});
  (void)strong.fit(r.X, r.y);
  CHECK(ref::rel_err(strong.coef(), w0) < 1e-5);
}

TEST_CASE("bayesian_linear weights: unit weights are no weights, integer weights repeat rows (conjugate)") {
  const data_set r = regression();
  const fp::vector ones = fp::vector::Ones(r.y.size());
  for (const auto mode : {fp::bayesian_linear_mode::evidence, fp::bayesian_linear_mode::conjugate}) {
    CAPTURE(fp::to_string(mode));
    fp::bayesian_linear a({.mode = mode});
    fp::bayesian_linear b({.mode = mode});
    (void)a.fit(r.X, r.y);
    (void)b.fit(r.X, r.y, ones);
    CHECK(ref::rel_err(a.coef(), b.coef()) < 1e-12);
    CHECK(ref::rel_err(a.alpha(), b.alpha()) < 1e-12);
  }
  // Conjugate mode: weight 3 on a row = the row three times (frequency weights).
  fp::vector w = fp::vector::Ones(r.y.size());
  w.head(40).setConstant(3.0);
  w.segment(40, 10).setZero();
  const fp::index n_rep = 40 * 3 + (r.y.size() - 50);
  fp::matrix Xr(n_rep, r.X.cols());
  fp::vector yr(n_rep);
  fp::index row = 0;
  for (fp::index i = 0; i < r.y.size(); ++i) {
    for (int k = 0; k < static_cast<int>(w[i]); ++k, ++row) {
      Xr.row(row) = r.X.row(i);
      yr[row] = r.y[i];
    }
  }
  REQUIRE(row == n_rep);
  const fp::bayesian_linear_params nig{
      .mode = fp::bayesian_linear_mode::conjugate, .kappa0 = 0.3, .a0 = 1.0, .b0 = 1.0};
  fp::bayesian_linear weighted(nig);
  fp::bayesian_linear repeated(nig);
  (void)weighted.fit(r.X, r.y, w);
  (void)repeated.fit(Xr, yr);
  CHECK(ref::rel_err(weighted.coef(), repeated.coef()) < 1e-11);
  CHECK(ref::rel_err(weighted.a_n(), repeated.a_n()) < 1e-15);
  CHECK(ref::rel_err(weighted.b_n(), repeated.b_n()) < 1e-11);
  CHECK(ref::rel_err(as_vector(stds(weighted.predict_distribution(r.X_test))),
                     as_vector(stds(repeated.predict_distribution(r.X_test)))) < 1e-11);
}

TEST_CASE("bayesian_linear predictive intervals are calibrated on Gaussian-linear data") {
  // 100 independent data sets y = 2 + x'w + N(0, 1.5^2) with 6 features, 400 training and
  // 400 test rows each. The pooled coverage of the central intervals must be within 4
  // standard errors of nominal; the standard error is measured across the data sets, so it
  // includes the variability of the fit as well as the binomial noise of the test rows.
  // OLS's t interval is exact; the Bayesian intervals are nominal up to O(p/n).
  const int reps = 100;
  const std::vector<double> levels = {0.5, 0.8, 0.9, 0.95};
  for (const int model_id : {0, 1, 2}) {
    const char* const names[] = {"evidence", "conjugate", "ols"};
    CAPTURE(names[model_id]);
    std::vector<std::vector<double>> coverage(levels.size());
    for (int rep = 0; rep < reps; ++rep) {
      const fp::problems::regression_problem all =
          fp::problems::linear(800, 6, 1.5, 1000 + static_cast<std::uint64_t>(rep));
      const train_test d = split_rows(all, 400);
      std::vector<fp::location_scale_t> dist;
      if (model_id < 2) {
        fp::bayesian_linear model(
            {.mode = model_id == 0 ? fp::bayesian_linear_mode::evidence : fp::bayesian_linear_mode::conjugate});
        (void)model.fit(d.X, d.y);
        dist = model.predict_distribution(d.X_test);
      } else {
        fp::ols model;
        (void)model.fit(d.X, d.y);
        dist = model.predict_distribution(d.X_test);
      }
      for (std::size_t l = 0; l < levels.size(); ++l) {
        double covered = 0.0;
        for (std::size_t i = 0; i < dist.size(); ++i) {
          const double yi = d.y_test[static_cast<fp::index>(i)];
          covered +=
              (yi >= fp::quantile(dist[i], 0.5 - levels[l] / 2) && yi <= fp::quantile(dist[i], 0.5 + levels[l] / 2))
                  ? 1.0
                  : 0.0;
        }
        coverage[l].push_back(covered / static_cast<double>(dist.size()));
      }
    }
    for (std::size_t l = 0; l < levels.size(); ++l) {
      CAPTURE(levels[l]);
      const fp::vector c = as_vector(coverage[l]);
      const double mean = c.mean();
      const double se = std::sqrt((c.array() - mean).square().sum() / (reps - 1) / reps);
      CAPTURE(mean);
      CAPTURE(se);
      CHECK(se < 0.004);  // the check below has power
      CHECK(std::abs(mean - levels[l]) < 4 * se);
    }
  }
}

TEST_CASE("bayesian_linear: the streaming factorisation is exact across row blocks") {
  // 5,000 rows span several 1,024-row blocks; compare with one dense solve of the same problem.
  const fp::problems::regression_problem d = fp::problems::linear(5000, 7, 0.8, 7);
  fp::vector w(d.y.size());
  for (fp::index i = 0; i < w.size(); ++i) w[i] = 0.25 + static_cast<double>(i % 7) * 0.5;
  const fp::bayesian_linear_params nig{.mode = fp::bayesian_linear_mode::conjugate, .kappa0 = 0.7, .a0 = 2, .b0 = 1};
  fp::bayesian_linear qr(nig);
  (void)qr.fit(d.X, d.y, w);
  // dense reference: (kappa0 I + Xc'W Xc)^-1 Xc'W yc
  const double W = w.sum();
  const fp::vector xm = d.X.transpose() * w / W;
  const double ym = d.y.dot(w) / W;
  const fp::matrix Xc = d.X.rowwise() - xm.transpose();
  const fp::matrix A = Xc.transpose() * w.asDiagonal() * Xc + 0.7 * fp::matrix::Identity(7, 7);
  const fp::vector coef = A.ldlt().solve(Xc.transpose() * w.asDiagonal() * (d.y.array() - ym).matrix());
  CHECK(ref::rel_err(qr.coef(), coef) < 1e-12);
  const fp::vector resid = (d.y.array() - ym).matrix() - Xc * coef;
  const double b_n = 1.0 + 0.5 * (resid.dot(w.asDiagonal() * resid) + 0.7 * coef.squaredNorm());
  CHECK(ref::rel_err(qr.b_n(), b_n) < 1e-11);
  CHECK(ref::rel_err(qr.sigma(), A.inverse() * (b_n / qr.a_n())) < 1e-11);

  fp::bayesian_linear ne({.mode = fp::bayesian_linear_mode::conjugate,
                          .solver = fp::linear_solver::normal_equations,
                          .kappa0 = 0.7,
                          .a0 = 2,
                          .b0 = 1});
  (void)ne.fit(d.X, d.y, w);
  CHECK(ref::rel_err(ne.coef(), coef) < 1e-10);
  CHECK(ref::rel_err(ne.b_n(), b_n) < 1e-9);
}

TEST_CASE("bayesian_linear: the mean of each predictive distribution is predict(X)") {
  const data_set r = regression();
  for (const auto mode : {fp::bayesian_linear_mode::evidence, fp::bayesian_linear_mode::conjugate}) {
    fp::bayesian_linear model({.mode = mode});
    (void)model.fit(r.X, r.y);
    const fp::vector mu = model.predict(r.X_test);
    const auto dist = model.predict_distribution(r.X_test);
    REQUIRE(dist.size() == static_cast<std::size_t>(r.X_test.rows()));
    for (std::size_t i = 0; i < dist.size(); ++i) {
      CHECK(fp::mean(dist[i]) == doctest::Approx(mu[static_cast<fp::index>(i)]).epsilon(1e-13));
    }
    // one-row out-parameter paths agree with the batch paths
    std::array<fp::location_scale_t, 1> one{};
    fp::vector m1(1);
    for (fp::index i = 0; i < r.X_test.rows(); ++i) {
      model.predict(r.X_test.middleRows(i, 1), m1);
      model.predict_distribution(r.X_test.middleRows(i, 1), one);
      CHECK(m1[0] == doctest::Approx(mu[i]).epsilon(1e-14));
      CHECK(one[0].scale() == doctest::Approx(dist[static_cast<std::size_t>(i)].scale()).epsilon(1e-13));
    }
  }
}

TEST_CASE("bayesian_linear: concurrent const predictions agree") {
  const data_set r = regression();
  fp::bayesian_linear model;
  (void)model.fit(r.X, r.y);
  const fp::vector want = model.predict(r.X_test);
  std::vector<fp::vector> got(4);
  std::vector<std::thread> threads;
  for (std::size_t t = 0; t < got.size(); ++t) {
    threads.emplace_back([&, t] {
      for (int rep = 0; rep < 50; ++rep) got[t] = model.predict(r.X_test);
    });
  }
  for (auto& th : threads) th.join();
  for (const auto& g : got) CHECK(g == want);
}

TEST_CASE("bayesian_linear constructor rejects out-of-range parameters with exact messages") {
  const auto message = [](const fp::bayesian_linear_params& p) {
    try {
      fp::bayesian_linear m(p);
    } catch (const fp::invalid_argument& e) {
      return std::string(e.what());
    }
    return std::string("no exception");
  };
  CHECK(message({.tol = 0.0}) == "footprint::bayesian_linear: tol must be > 0 (got 0)");
  CHECK(message({.tol = -1e-3}) == "footprint::bayesian_linear: tol must be > 0 (got -0.001)");
  CHECK(message({.max_iter = 0}) == "footprint::bayesian_linear: max_iter must be >= 1 (got 0)");
  CHECK(message({.alpha_1 = -1.0}) == "footprint::bayesian_linear: alpha_1 must be finite and >= 0 (got -1)");
  CHECK(message({.lambda_2 = std::numeric_limits<double>::infinity()}) ==
        "footprint::bayesian_linear: lambda_2 must be finite and >= 0 (got inf)");
  CHECK(message({.alpha_init = 0.0}) == "footprint::bayesian_linear: alpha_init must be finite and > 0 (got 0)");
  CHECK(message({.lambda_init = -2.0}) == "footprint::bayesian_linear: lambda_init must be finite and > 0 (got -2)");
  CHECK(message({.mode = fp::bayesian_linear_mode::conjugate, .kappa0 = -1.0}) ==
        "footprint::bayesian_linear: kappa0 must be finite and >= 0 (got -1)");
  CHECK(message({.mode = fp::bayesian_linear_mode::conjugate, .b0 = fp::nan}) ==
        "footprint::bayesian_linear: b0 must be finite and >= 0 (got nan)");
  CHECK(message({.mode = fp::bayesian_linear_mode::conjugate, .sklearn_uncentered_std = true}) ==
        "footprint::bayesian_linear: sklearn_uncentered_std applies to evidence mode only (got mode conjugate)");
  CHECK(message({}) == "no exception");
}

TEST_CASE("bayesian_linear fit and predict errors name the function, the value and the constraint") {
  const data_set r = regression();
  fp::bayesian_linear model;
  CHECK_THROWS_WITH_AS((void)model.predict(r.X_test),
                       "footprint::bayesian_linear::predict: the model is not fitted; call fit() first",
                       fp::not_fitted);
  CHECK_THROWS_WITH_AS((void)model.predict_distribution(r.X_test),
                       "footprint::bayesian_linear::predict_distribution: the model is not fitted; call fit() first",
                       fp::not_fitted);
  CHECK_THROWS_WITH_AS((void)model.coef(),
                       "footprint::bayesian_linear::coef: the model is not fitted; call fit() first", fp::not_fitted);

  CHECK_THROWS_WITH_AS(model.fit(r.X, r.y.head(199)),
                       "footprint::bayesian_linear::fit: y.size() must equal X.rows() (expected 200, got 199)",
                       fp::dimension_mismatch);
  CHECK_THROWS_WITH_AS(
      model.fit(r.X, r.y, r.w.head(10)),
      "footprint::bayesian_linear::fit: sample_weight.size() must equal X.rows() (expected 200, got 10)",
      fp::dimension_mismatch);
  fp::matrix X = r.X;
  X(17, 3) = fp::nan;
  CHECK_THROWS_WITH_AS(model.fit(X, r.y), "footprint::bayesian_linear::fit: X must be finite; row 17, column 3 is nan",
                       fp::invalid_argument);
  fp::vector y = r.y;
  y[5] = -std::numeric_limits<double>::infinity();
  CHECK_THROWS_WITH_AS(model.fit(r.X, y), "footprint::bayesian_linear::fit: y must be finite; row 5 is -inf",
                       fp::invalid_argument);
  fp::vector w = r.w;
  w[4] = -1.0;
  CHECK_THROWS_WITH_AS(model.fit(r.X, r.y, w),
                       "footprint::bayesian_linear::fit: sample_weight must be finite and >= 0; row 4 is -1",
                       fp::invalid_argument);
  CHECK_THROWS_WITH_AS(model.fit(r.X, r.y, fp::vector::Zero(200)),
                       "footprint::bayesian_linear::fit: sample_weight must have a positive sum (got 0)",
                       fp::invalid_argument);
  CHECK_THROWS_WITH_AS(model.fit(fp::matrix(0, 5), fp::vector(0)),
                       "footprint::bayesian_linear::fit: X must have at least one row and one column (got 0 x 5)",
                       fp::invalid_argument);

  REQUIRE(model.fit(r.X, r.y).ok());
  CHECK_THROWS_WITH_AS((void)model.predict(r.X_test.leftCols(4)),
                       "footprint::bayesian_linear::predict: X.cols() must equal n_features() (expected 5, got 4)",
                       fp::dimension_mismatch);
  fp::matrix Xt = r.X_test;
  Xt(2, 0) = fp::nan;
  CHECK_THROWS_WITH_AS((void)model.predict(Xt),
                       "footprint::bayesian_linear::predict: X must be finite; row 2, column 0 is nan",
                       fp::invalid_argument);
  fp::vector out(3);
  CHECK_THROWS_WITH_AS(model.predict(r.X_test, out),
                       "footprint::bayesian_linear::predict: out.size() must equal X.rows() (expected 50, got 3)",
                       fp::dimension_mismatch);

  fp::bayesian_linear nig({.mode = fp::bayesian_linear_mode::conjugate, .w0 = fp::vector::Zero(3)});
  CHECK_THROWS_WITH_AS(nig.fit(r.X, r.y),
                       "footprint::bayesian_linear::fit: params().w0.size() must equal X.cols() (expected 5, got 3)",
                       fp::dimension_mismatch);
}

TEST_CASE("bayesian_linear: an improper posterior throws convergence_error with its report") {
  const data_set c = collinear();  // x4 = x0 + x1: the centred design has rank 4
  fp::bayesian_linear flat({.mode = fp::bayesian_linear_mode::conjugate, .kappa0 = 0.0});
  try {
    (void)flat.fit(c.X, c.y);
    FAIL("no exception");
  } catch (const fp::convergence_error& e) {
    CHECK(e.report().status == fp::fit_status::numerical_issue);
    CHECK(std::string(e.what()) ==
          "footprint::bayesian_linear::fit: fit failed (numerical_issue, 0 iterations): the posterior is improper: "
          "kappa0 = 0 and the centred X has rank 4 < n_features = 5");
  }
  CHECK_FALSE(flat.is_fitted());
  // a proper prior fixes it
  fp::bayesian_linear proper({.mode = fp::bayesian_linear_mode::conjugate, .kappa0 = 1e-3});
  CHECK(proper.fit(c.X, c.y).ok());
}

TEST_CASE("bayesian_linear: a failed fit leaves the previous model untouched") {
  const data_set r = regression();
  fp::bayesian_linear model;
  (void)model.fit(r.X, r.y);
  const fp::vector coef = model.coef();
  fp::matrix X = r.X.topRows(20);
  X(3, 3) = fp::nan;
  CHECK_THROWS_AS(model.fit(X, r.y.head(20)), fp::invalid_argument);
  CHECK(model.is_fitted());
  CHECK(model.n_features() == 5);
  CHECK(model.coef() == coef);
}

}  // namespace unity_bayesian_linear
