// Saving and loading the linear models (bayesian_linear, ols, ridge) as versioned JSON: bit-exact
// round trips of the predictive distribution, and data_error naming the field (never a crash)
// on corrupt files.
#include "footprint/io/linear_model_json.hpp"
#include "footprint/models/linear/bayesian_linear.hpp"
#include "footprint/models/linear/ols.hpp"
#include "footprint/models/linear/ridge.hpp"

#include "footprint/data/synthetic/regression_problems.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <filesystem>
#include <limits>
#include <string>

namespace unity_linear_persistence {

namespace fp = footprint;

template <class M>
void check_same_predictions(const M& a, const M& b, const fp::matrix& X) {
  CHECK(a.predict(X) == b.predict(X));  // bitwise
  const auto da = a.predict_distribution(X);
  const auto db = b.predict_distribution(X);
  REQUIRE(da.size() == db.size());
  for (std::size_t i = 0; i < da.size(); ++i) {
    CHECK(fp::mean(da[i]) == fp::mean(db[i]));
    CHECK(fp::standard_deviation(da[i]) == fp::standard_deviation(db[i]));
  }
}

TEST_CASE("linear persistence: bayesian_linear (evidence) round-trips bit-exactly through a file") {
  const auto train = fp::problems::wavy(300, 11);
  fp::bayesian_linear m({.compute_score = true});
  (void)m.fit(train.X, train.y);
  const auto path = std::filesystem::temp_directory_path() / "footprint_test_bayes.json";
  fp::save_model(m, path);
  const auto back = fp::load_model<fp::bayesian_linear>(path);
  std::filesystem::remove(path);
  check_same_predictions(m, back, train.X);
  CHECK(back.degrees_of_freedom() == std::numeric_limits<double>::infinity());  // df null = +inf
  CHECK(back.alpha() == m.alpha());
  CHECK(back.lambda() == m.lambda());
  CHECK(back.n_iter() == m.n_iter());
  CHECK(back.scores() == m.scores());
  CHECK(back.sigma() == m.sigma());
  const bool same_text = fp::model_to_json(back) == fp::model_to_json(m);
  CHECK(same_text);
}

TEST_CASE("linear persistence: bayesian_linear (conjugate, Student-t) and ols round-trip bit-exactly") {
  const auto train = fp::problems::wavy(200, 12);
  fp::vector w0 = fp::vector::Constant(train.X.cols(), 0.1);
  fp::bayesian_linear c({.mode = fp::bayesian_linear_mode::conjugate, .w0 = w0, .kappa0 = 0.5, .a0 = 2.0, .b0 = 1.0});
  (void)c.fit(train.X, train.y);
  const auto c2 = fp::model_from_json<fp::bayesian_linear>(fp::model_to_json(c, 1), "memory");
  check_same_predictions(c, c2, train.X);
  CHECK(c2.degrees_of_freedom() == c.degrees_of_freedom());
  CHECK(std::isfinite(c2.degrees_of_freedom()));
  CHECK(c2.params().w0 == w0);

  fp::ols o({.rcond = 1e-10});
  (void)o.fit(train.X, train.y);
  const auto o2 = fp::model_from_json<fp::ols>(fp::model_to_json(o), "memory");
  check_same_predictions(o, o2, train.X);
  CHECK(o2.rank() == o.rank());
  CHECK(o2.residual_dof() == o.residual_dof());
  CHECK(o2.noise_variance() == o.noise_variance());
  CHECK(o2.params().rcond == o.params().rcond);

  // unfitted models round-trip too
  CHECK(!fp::model_from_json<fp::ols>(fp::model_to_json(fp::ols{})).is_fitted());
  CHECK(!fp::model_from_json<fp::bayesian_linear>(fp::model_to_json(fp::bayesian_linear{})).is_fitted());
}

TEST_CASE("linear persistence: ridge round-trips bit-exactly, weighted, with and without intercept") {
  const auto train = fp::problems::wavy(150, 6);
  const fp::vector w = fp::vector::LinSpaced(train.X.rows(), 0.5, 2.0);
  for (const bool intercept : {true, false}) {
    fp::ridge m({.alpha = 3.5, .fit_intercept = intercept});
    (void)m.fit(train.X, train.y, w);
    const auto back = fp::model_from_json<fp::ridge>(fp::model_to_json(m), "memory");
    check_same_predictions(m, back, train.X);
    CHECK(back.coef() == m.coef());
    CHECK(back.intercept() == m.intercept());
    CHECK(back.effective_dof() == m.effective_dof());
    CHECK(back.residual_dof() == m.residual_dof());
    CHECK(back.noise_variance() == m.noise_variance());
    CHECK(back.params().alpha == 3.5);
    CHECK(back.params().fit_intercept == intercept);
  }
  CHECK(!fp::model_from_json<fp::ridge>(fp::model_to_json(fp::ridge{})).is_fitted());
  // a state out of range is a data_error naming the field
  fp::ridge m;
  (void)m.fit(train.X, train.y);
  std::string text = fp::model_to_json(m);
  const auto at = text.find("\"effective_dof\":");
  REQUIRE(at != std::string::npos);
  text.insert(at + 16, "-");
  CHECK_THROWS_WITH_AS((void)fp::model_from_json<fp::ridge>(text, "r.json"), doctest::Contains("effective_dof"),
                       fp::data_error);
}

TEST_CASE("linear persistence: an ols without residual degrees of freedom keeps its message") {
  fp::matrix X(2, 1);
  X << 1.0, 2.0;
  fp::vector y(2);
  y << 1.0, 3.0;
  fp::ols o;
  (void)o.fit(X, y);  // 2 rows - rank 1 - intercept: 0 degrees of freedom
  const auto back = fp::model_from_json<fp::ols>(fp::model_to_json(o));
  CHECK(back.predict(X) == o.predict(X));
  CHECK_THROWS_WITH_AS((void)back.predict_distribution(X),
                       doctest::Contains("needs residual degrees of freedom > 0 (got 0"), fp::invalid_argument);
}

TEST_CASE("linear persistence: corrupt files raise data_error naming the field") {
  const auto train = fp::problems::wavy(100, 13);
  fp::bayesian_linear m;
  (void)m.fit(train.X, train.y);
  const nlohmann::json good = fp::model_to_json_value(m);
  const auto load = [](const nlohmann::json& j) {
    return fp::model_from_json<fp::bayesian_linear>(j.dump(), "f.json");
  };

  nlohmann::json j = good;
  j["factor"].erase(0);
  CHECK_THROWS_WITH_AS((void)load(j), doctest::Contains("f.json: field 'factor'"), fp::data_error);
  j = good;
  j["centre"].push_back(1.0);
  CHECK_THROWS_WITH_AS((void)load(j), doctest::Contains("centre has 5 entries (expected 4)"), fp::data_error);
  j = good;
  j["noise_scale2"] = -1.0;
  CHECK_THROWS_WITH_AS((void)load(j), doctest::Contains("noise_scale2"), fp::data_error);
  j = good;
  j["coef"][0] = nullptr;
  CHECK_THROWS_WITH_AS((void)load(j), doctest::Contains("coef[0]"), fp::data_error);
  j = good;
  j["params"]["solver"] = "svd";
  CHECK_THROWS_WITH_AS((void)load(j), doctest::Contains("params.solver"), fp::data_error);
  j = good;
  j["format"] = "footprint.ols";
  CHECK_THROWS_AS((void)load(j), fp::data_error);
  j = good;
  j["version"] = 2;
  CHECK_THROWS_WITH_AS((void)load(j), doctest::Contains("version"), fp::data_error);
  CHECK_THROWS_AS((void)fp::model_from_json<fp::ols>("{\"format\": \"footprint.ols\""), fp::data_error);
}

}  // namespace unity_linear_persistence
