// ols and ridge against scikit-learn's LinearRegression and Ridge (coefficients, intercepts,
// predictions to 1e-8) and against closed-form prediction intervals computed independently
// in make_reference.py (explicit intercept column, matrix inverses).
#include "footprint/models/linear/ols.hpp"
#include "footprint/models/linear/ridge.hpp"

#include "footprint/concepts.hpp"
#include "models/reference_data.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <string>
#include <vector>

// Each test file is its own namespace: the module's files compile as one unity translation unit.
namespace unity_ols_ridge {

namespace fp = footprint;

static_assert(fp::ProbabilisticRegressor<fp::ols>);
static_assert(fp::WeightedRegressor<fp::ols>);
static_assert(fp::ProbabilisticRegressor<fp::ridge>);
static_assert(fp::WeightedRegressor<fp::ridge>);
static_assert(std::is_aggregate_v<fp::ols_params>);
static_assert(std::is_aggregate_v<fp::ridge_params>);

namespace {

struct data_set {
  fp::matrix X;
  fp::vector y;
  fp::vector w;
  fp::matrix X_test;
};

data_set regression() {
  const ref::table tr = ref::read_table("regression_train.csv");
  return {tr.features(), tr.column("y"), tr.column("weight"), ref::read_table("regression_test.csv").features()};
}

data_set collinear() {
  const ref::table tr = ref::read_table("collinear_train.csv");
  return {tr.features(), tr.column("y"), {}, ref::read_table("regression_test.csv").features()};
}

template <class Model>
void check_model(const std::string& key, Model& model, const data_set& d, bool weighted, double tol) {
  const ref::expected& ex = ref::ex();
  const fp::fit_report report = weighted ? model.fit(d.X, d.y, d.w) : model.fit(d.X, d.y);
  CHECK(report.ok());
  CHECK(ref::rel_err(model.coef(), ex.vec(key + "coef")) < tol);
  CHECK(ref::rel_err(model.intercept(), ex.scalar(key + "intercept")) < tol);
  CHECK(ref::rel_err(model.predict(d.X_test), ex.vec(key + "pred")) < tol);
  if (ex.has(key + "pred_scale")) {
    const auto dist = model.predict_distribution(d.X_test);
    fp::vector scale(d.X_test.rows()), loc(d.X_test.rows());
    for (std::size_t i = 0; i < dist.size(); ++i) {
      scale[static_cast<fp::index>(i)] = dist[i].scale();
      loc[static_cast<fp::index>(i)] = dist[i].location();
      CHECK(dist[i].degrees_of_freedom() == doctest::Approx(ex.scalar(key + "dof")).epsilon(1e-13));
    }
    CHECK(ref::rel_err(scale, ex.vec(key + "pred_scale")) < tol);
    CHECK(ref::rel_err(loc, ex.vec(key + "pred")) < tol);
    CHECK(model.residual_dof() == doctest::Approx(ex.scalar(key + "dof")).epsilon(1e-13));
  }
}

}  // namespace

TEST_CASE("ols matches scikit-learn LinearRegression and the classical prediction interval (1e-8)") {
  const data_set r = regression();
  for (const fp::linear_solver solver :
       {fp::linear_solver::automatic, fp::linear_solver::qr, fp::linear_solver::normal_equations}) {
    CAPTURE(fp::to_string(solver));
    fp::ols plain({.solver = solver});
    check_model("ols.plain.", plain, r, false, 1e-8);
    CHECK(plain.rank() == 5);
    fp::ols weighted({.solver = solver});
    check_model("ols.weighted.", weighted, r, true, 1e-8);
    fp::ols nointercept({.fit_intercept = false, .solver = solver});
    check_model("ols.nointercept.", nointercept, r, false, 1e-8);
    CHECK(nointercept.intercept() == 0.0);
  }
}

TEST_CASE("ols on exactly collinear columns returns the minimum-norm solution") {
  // scikit-learn's lstsq cut-off (eps * s_max) keeps the rounding-noise singular value of
  // the centred collinear column and returns coefficients of order 1e14; footprint's
  // default cut-off (eps * max(n, p) * s_max) drops it, as numpy's pinv does.
  const data_set c = collinear();
  const ref::expected& ex = ref::ex();
  for (const fp::linear_solver solver :
       {fp::linear_solver::automatic, fp::linear_solver::qr, fp::linear_solver::normal_equations}) {
    CAPTURE(fp::to_string(solver));
    fp::ols model({.solver = solver});
    const fp::fit_report report = model.fit(c.X, c.y);
    CHECK(report.message == "rank 4 of 5");
    CHECK(model.rank() == 4);
    CHECK(ref::rel_err(model.coef(), ex.vec("ols.collinear.coef")) < 1e-8);
    CHECK(ref::rel_err(model.intercept(), ex.scalar("ols.collinear.intercept")) < 1e-8);
    CHECK(model.residual_dof() == 200.0 - 4.0 - 1.0);
  }
  // with rcond = 0 nothing is dropped (the noise direction is kept, as scikit-learn does)
  fp::ols keep_all({.rcond = 0.0});
  (void)keep_all.fit(c.X, c.y);
  CHECK(keep_all.rank() == 5);
  CHECK(keep_all.coef().cwiseAbs().maxCoeff() > 1e6);
}

TEST_CASE("ridge matches scikit-learn Ridge (1e-8) and its closed-form predictive") {
  const data_set r = regression();
  for (const fp::linear_solver solver :
       {fp::linear_solver::automatic, fp::linear_solver::qr, fp::linear_solver::normal_equations}) {
    CAPTURE(fp::to_string(solver));
    fp::ridge plain({.alpha = 1.0, .solver = solver});
    check_model("ridge.plain.", plain, r, false, 1e-8);
    fp::ridge weighted({.alpha = 2.5, .solver = solver});
    check_model("ridge.weighted.", weighted, r, true, 1e-8);
    fp::ridge nointercept({.alpha = 0.7, .fit_intercept = false, .solver = solver});
    check_model("ridge.nointercept.", nointercept, r, false, 1e-8);
    fp::ridge coll({.alpha = 0.5, .solver = solver});
    check_model("ridge.collinear.", coll, collinear(), false, 1e-8);
    CHECK(coll.effective_dof() < 4.01);  // the collinear direction is shrunk away
  }
}

TEST_CASE("ridge with alpha = 0 is ols, a huge alpha shrinks the coefficients to zero") {
  const data_set r = regression();
  fp::ols ols;
  fp::ridge zero({.alpha = 0.0});
  fp::ridge huge({.alpha = 1e12});
  (void)ols.fit(r.X, r.y);
  (void)zero.fit(r.X, r.y);
  (void)huge.fit(r.X, r.y);
  CHECK(ref::rel_err(zero.coef(), ols.coef()) < 1e-12);
  CHECK(zero.effective_dof() == doctest::Approx(5.0).epsilon(1e-14));
  CHECK(huge.coef().norm() < 1e-6);
  CHECK(huge.intercept() == doctest::Approx(r.y.mean()).epsilon(1e-6));
}

TEST_CASE("ols and ridge: integer weights repeat rows, also in the predictive distribution") {
  const data_set r = regression();
  fp::vector w = fp::vector::Ones(r.y.size());
  w.head(30).setConstant(2.0);
  const fp::index n_rep = r.y.size() + 30;
  fp::matrix Xr(n_rep, r.X.cols());
  fp::vector yr(n_rep);
  Xr << r.X, r.X.topRows(30);
  yr << r.y, r.y.head(30);
  fp::ols a, b;
  (void)a.fit(r.X, r.y, w);
  (void)b.fit(Xr, yr);
  CHECK(ref::rel_err(a.coef(), b.coef()) < 1e-11);
  CHECK(a.residual_dof() == b.residual_dof());
  CHECK(a.predict_distribution(r.X_test)[3].scale() ==
        doctest::Approx(b.predict_distribution(r.X_test)[3].scale()).epsilon(1e-11));
  fp::ridge c({.alpha = 3.0}), d({.alpha = 3.0});
  (void)c.fit(r.X, r.y, w);
  (void)d.fit(Xr, yr);
  CHECK(ref::rel_err(c.coef(), d.coef()) < 1e-11);
  CHECK(c.predict_distribution(r.X_test)[3].scale() ==
        doctest::Approx(d.predict_distribution(r.X_test)[3].scale()).epsilon(1e-11));
}

TEST_CASE("ols and ridge errors carry exact messages") {
  CHECK_THROWS_WITH_AS(fp::ols({.rcond = 2.0}), "footprint::ols: rcond must be in [0, 1) (got 2)",
                       fp::invalid_argument);
  CHECK_THROWS_WITH_AS(fp::ridge({.alpha = -1.0}), "footprint::ridge: alpha must be finite and >= 0 (got -1)",
                       fp::invalid_argument);
  const data_set r = regression();
  fp::ols ols;
  CHECK_THROWS_WITH_AS((void)ols.predict(r.X_test),
                       "footprint::ols::predict: the model is not fitted; call fit() first", fp::not_fitted);
  CHECK_THROWS_WITH_AS(fp::ridge{}.fit(r.X, r.y.head(3)),
                       "footprint::ridge::fit: y.size() must equal X.rows() (expected 200, got 3)",
                       fp::dimension_mismatch);
  // 5 rows, 5 features (centred: rank 4): the point fit works, the prediction interval has
  // no residual degrees of freedom
  (void)ols.fit(r.X.topRows(5), r.y.head(5));
  CHECK(ols.is_fitted());
  CHECK_THROWS_WITH_AS((void)ols.predict_distribution(r.X_test),
                       "footprint::ols::predict_distribution: needs residual degrees of freedom > 0 (got 0 = sum of "
                       "weights - rank 4 - 1)",
                       fp::invalid_argument);
  fp::matrix huge = r.X;
  huge.col(2).setConstant(1e307);
  CHECK_THROWS_WITH_AS(fp::ridge{}.fit(huge, r.y),
                       "footprint::ridge::fit: X column 2 overflows when summed (values too large)",
                       fp::invalid_argument);
  fp::ridge ridge({.alpha = 1e-3});
  (void)ridge.fit(r.X.topRows(20), r.y.head(20));
  CHECK_THROWS_WITH_AS((void)ridge.predict_distribution(r.X_test.leftCols(2)),
                       "footprint::ridge::predict_distribution: X.cols() must equal n_features() (expected 5, got 2)",
                       fp::dimension_mismatch);
}

}  // namespace unity_ols_ridge
