// The contract of every Regressor and ProbabilisticRegressor (concepts.hpp), checked once for
// every shipped model, as ensmallen runs every optimizer through the same test problems: a
// new regressor joins with one factory line below (and its name in `regressor_types`).
//
// What every regressor promises here:
// - predict / predict_distribution before fit throw not_fitted, predict_row gives NaN;
// - fit with y.size() != X.rows(), and predict / predict_distribution with the wrong column
//   count, throw dimension_mismatch;
// - the same seed gives the same model, bit for bit, with 1 and with 2 OpenMP threads;
// - mean(predict_distribution(X)[i]) == predict(X)[i] to rounding. (No model here predicts a
//   median: gradient_boosting does with the quantile loss, and its distribution then takes
//   the prediction as its mean by construction; the factory uses the squared error.)
// - (const predict from several std::threads at once is concurrent_predict.cpp's: every model
//   and every const prediction, 8 threads, and CI runs it under ThreadSanitizer too;)
// - predict_row(x) (the single-row path; the MLP models' takes a workspace) equals predict on
//   that one row: bit for bit, except the MLP models, whose single-row product is another
//   kernel (documented: "may differ from predict(X) in the last bits").
// - predict and predict_distribution on a row_major_view (C-ordered data, numpy's default)
//   give the column-major results bit for bit and read the rows in place: the same number of
//   heap allocations as on a column-major matrix (a copy of X would be one more), 0 for the
//   linear and tree models' predict(X, out).
#include "footprint/concepts.hpp"
#include "footprint/data/synthetic/regression_problems.hpp"
#include "footprint/error.hpp"
#include "footprint/models/linear/bayesian_linear.hpp"
#include "footprint/models/linear/ols.hpp"
#include "footprint/models/linear/ridge.hpp"
#include "footprint/models/neural/deep_ensemble.hpp"
#include "footprint/models/neural/mlp_regressor.hpp"
#include "footprint/models/trees/gradient_boosting.hpp"
#include "footprint/models/trees/random_forest.hpp"

#include <doctest/doctest.h>

#include "models/allocation_counter.hpp"

#include <cmath>
#include <cstdint>
#include <span>
#include <tuple>
#include <type_traits>
#include <vector>

#ifdef _OPENMP
#include <omp.h>
#endif

// The names the test cases carry, e.g. "regressors: ...<random_forest>".
TYPE_TO_STRING_AS("ols", footprint::ols);
TYPE_TO_STRING_AS("ridge", footprint::ridge);
TYPE_TO_STRING_AS("bayesian_linear", footprint::bayesian_linear);
TYPE_TO_STRING_AS("random_forest", footprint::random_forest);
TYPE_TO_STRING_AS("gradient_boosting", footprint::gradient_boosting);
TYPE_TO_STRING_AS("mlp_regressor", footprint::mlp_regressor);
TYPE_TO_STRING_AS("deep_ensemble", footprint::deep_ensemble);

// Each test file is its own namespace: the module's files compile as one unity translation unit.
namespace unity_regressors {

namespace fp = footprint;

template <class R>
struct tag {};

// ---- the regressors, each with fast parameters (one line each), and the list of them

inline fp::ols make(tag<fp::ols>, std::uint64_t) { return fp::ols{}; }
inline fp::ridge make(tag<fp::ridge>, std::uint64_t) { return fp::ridge({.alpha = 0.5}); }
inline fp::bayesian_linear make(tag<fp::bayesian_linear>, std::uint64_t) { return fp::bayesian_linear{}; }
inline fp::random_forest make(tag<fp::random_forest>, std::uint64_t seed) {
  return fp::random_forest({.n_estimators = 8, .max_features = 0.7, .max_depth = 6, .seed = seed});
}
inline fp::gradient_boosting make(tag<fp::gradient_boosting>, std::uint64_t seed) {
  return fp::gradient_boosting(
      {.n_estimators = 20, .max_depth = 3, .subsample = 0.8, .colsample_bynode = 0.7, .seed = seed});
}
inline fp::mlp_regressor make(tag<fp::mlp_regressor>, std::uint64_t seed) {
  return fp::mlp_regressor({.hidden_layers = {8}, .batch_size = 32, .max_epochs = 5, .seed = seed});
}
inline fp::deep_ensemble make(tag<fp::deep_ensemble>, std::uint64_t seed) {
  return fp::deep_ensemble(
      {.n_estimators = 2,
       .member = {.hidden_layers = {6}, .head = fp::mlp_head::gaussian, .batch_size = 32, .max_epochs = 4},
       .seed = seed});
}

using regressor_types = std::tuple<fp::ols, fp::ridge, fp::bayesian_linear, fp::random_forest, fp::gradient_boosting,
                                   fp::mlp_regressor, fp::deep_ensemble>;

// ---- what the checks need to know of a type

/// The single-row prediction: predict_row(x), or predict_row(x, workspace) for the MLP models
/// (an empty workspace before fit, which gives NaN as a wrong size does).
template <class R>
double predict_one(const R& model, std::span<const double> x) {
  if constexpr (requires { model.predict_row(x); }) {
    return model.predict_row(x);
  } else {
    fp::mlp_workspace ws = model.is_fitted() ? model.make_workspace() : fp::mlp_workspace();
    return model.predict_row(x, ws);
  }
}

/// How far predict_row may be from predict on one row, relative to 1 + |prediction|: 0 (bit
/// for bit) except for the MLP models (see the file comment).
template <class R>
constexpr double row_tolerance =
    std::is_same_v<R, fp::mlp_regressor> || std::is_same_v<R, fp::deep_ensemble> ? 1e-12 : 0.0;

/// The shared seeded problems: a smooth nonlinear surface, no missing values (the linear
/// models and networks take finite X only), training and test rows.
struct data {
  fp::problems::regression_problem train = fp::problems::smooth(300, 0.1, 71);
  fp::problems::regression_problem test = fp::problems::smooth(40, 0.1, 72);
};

const data& problem() {
  static const data d;
  return d;
}

template <class R>
R fitted(std::uint64_t seed = 3) {
  R model = make(tag<R>{}, seed);
  (void)model.fit(problem().train.X, problem().train.y);
  return model;
}

bool same_bits(const fp::vector& a, const fp::vector& b) {
  return a.size() == b.size() && (a.array() == b.array()).all();
}

#ifdef _OPENMP
/// Restores OpenMP's thread count when the test leaves.
struct omp_threads_restored {
  int saved = omp_get_max_threads();
  omp_threads_restored() = default;
  omp_threads_restored(const omp_threads_restored&) = delete;
  omp_threads_restored& operator=(const omp_threads_restored&) = delete;
  ~omp_threads_restored() { omp_set_num_threads(saved); }
};
#endif

/// Fits a model with `threads` OpenMP threads (no-op without OpenMP).
template <class R>
R fitted_with_threads(int threads) {
#ifdef _OPENMP
  omp_set_num_threads(threads);
#else
  (void)threads;
#endif
  return fitted<R>(11);
}

// ---- the contract

TEST_CASE_TEMPLATE_DEFINE("regressors: before fit, predict and predict_distribution throw not_fitted", R, before_fit) {
  static_assert(fp::ProbabilisticRegressor<R>);
  const R model = make(tag<R>{}, 1);
  const fp::matrix& X = problem().test.X;
  CHECK_FALSE(model.is_fitted());
  CHECK(model.n_features() == 0);
  CHECK_THROWS_AS((void)model.predict(X), fp::not_fitted);
  CHECK_THROWS_AS((void)model.predict_distribution(X), fp::not_fitted);
  const std::vector<double> x{0.1, 0.2, 0.3};
  CHECK(std::isnan(predict_one(model, x)));
}

TEST_CASE_TEMPLATE_DEFINE("regressors: wrong shapes throw dimension_mismatch", R, shapes) {
  R model = make(tag<R>{}, 1);
  const auto& train = problem().train;
  CHECK_THROWS_AS((void)model.fit(train.X, train.y.head(train.y.size() - 1)), fp::dimension_mismatch);
  CHECK_FALSE(model.is_fitted());
  (void)model.fit(train.X, train.y);
  REQUIRE(model.is_fitted());
  CHECK(model.n_features() == 3);
  const fp::matrix& X = problem().test.X;
  CHECK_THROWS_AS((void)model.predict(X.leftCols(2)), fp::dimension_mismatch);
  CHECK_THROWS_AS((void)model.predict_distribution(X.leftCols(2)), fp::dimension_mismatch);
  const fp::matrix wide = fp::matrix::Zero(2, 4);
  CHECK_THROWS_AS((void)model.predict(wide), fp::dimension_mismatch);
  const std::vector<double> short_row{0.1, 0.2};
  CHECK(std::isnan(predict_one(model, short_row)));
}

TEST_CASE_TEMPLATE_DEFINE("regressors: the same seed gives the same model with 1 and 2 OpenMP threads", R, threads) {
#ifdef _OPENMP
  const omp_threads_restored restore;
#endif
  const R one = fitted_with_threads<R>(1);
  const R two = fitted_with_threads<R>(2);
  const fp::matrix& X = problem().test.X;
  CHECK(same_bits(one.predict(X), two.predict(X)));
  const auto d1 = one.predict_distribution(X.topRows(5));
  const auto d2 = two.predict_distribution(X.topRows(5));
  for (std::size_t i = 0; i < d1.size(); ++i) {
    CHECK(fp::mean(d1[i]) == fp::mean(d2[i]));
    CHECK(fp::quantile(d1[i], 0.9) == fp::quantile(d2[i], 0.9));
  }
}

TEST_CASE_TEMPLATE_DEFINE("regressors: the mean of each predictive distribution is the prediction", R, mean) {
  const R model = fitted<R>();
  const fp::matrix& X = problem().test.X;
  const fp::vector p = model.predict(X);
  const auto d = model.predict_distribution(X);
  REQUIRE(static_cast<fp::index>(d.size()) == X.rows());
  for (fp::index i = 0; i < X.rows(); ++i) {
    const double m = fp::mean(d[static_cast<std::size_t>(i)]);
    CAPTURE(i);
    CHECK(std::abs(m - p[i]) <= 1e-12 * (1.0 + std::abs(p[i])));
    CHECK(fp::standard_deviation(d[static_cast<std::size_t>(i)]) >= 0.0);
  }
}

TEST_CASE_TEMPLATE_DEFINE("regressors: predict_row equals predict on one row", R, one_row) {
  const R model = fitted<R>();
  const fp::matrix& X = problem().test.X;
  for (fp::index i = 0; i < X.rows(); ++i) {
    const std::vector<double> x{X(i, 0), X(i, 1), X(i, 2)};
    const double p = model.predict(X.middleRows(i, 1))[0];
    const double r = predict_one(model, x);
    CAPTURE(i);
    if constexpr (row_tolerance<R> == 0.0) {
      CHECK(r == p);
    } else {
      CHECK(std::abs(r - p) <= row_tolerance<R> * (1.0 + std::abs(p)));
    }
  }
}

TEST_CASE_TEMPLATE_DEFINE("regressors: row-major data is predicted in place, bit for bit", R, row_major) {
  const R model = fitted<R>();
  // 1,300 rows: several of the linear models' blocks (256 and 512 rows) and the trees' (64)
  const fp::problems::regression_problem big = fp::problems::smooth(1300, 0.1, 73);
  const fp::matrix& X = big.X;
  const fp::row_major_matrix C = X;  // the same values, rows contiguous
  const fp::row_major_view view(C.data(), C.rows(), C.cols());
  const fp::vector p = model.predict(X);
  CHECK(same_bits(model.predict(view), p));
  for (const fp::index n : {fp::index{1}, fp::index{3}, fp::index{5}, fp::index{300}}) {
    const fp::row_major_view head(C.data(), n, C.cols());
    CAPTURE(n);
    CHECK(same_bits(model.predict(head), model.predict(X.topRows(n))));
  }
  const auto dc = model.predict_distribution(X);
  const auto dr = model.predict_distribution(view);
  REQUIRE(dr.size() == dc.size());
  bool same = true;
  for (std::size_t i = 0; i < dc.size(); ++i) {
    same = same && fp::mean(dr[i]) == fp::mean(dc[i]) &&
           fp::standard_deviation(dr[i]) == fp::standard_deviation(dc[i]) &&
           fp::quantile(dr[i], 0.9) == fp::quantile(dc[i], 0.9);
  }
  CHECK(same);
  // shapes are checked as on a column-major matrix
  const fp::row_major_view narrow(C.data(), 4, 2);
  CHECK_THROWS_AS((void)model.predict(narrow), fp::dimension_mismatch);
  CHECK_THROWS_AS((void)model.predict_distribution(narrow), fp::dimension_mismatch);

  // no copy: as many allocations as the column-major call (whose matrix_cref binds in place)
  fp::vector out(X.rows());
  const auto predict_into = [&](const auto& x) {
    if constexpr (requires { model.predict(x, out); }) {
      model.predict(x, out);
    } else {
      out = model.predict(x);
    }
  };
  predict_into(X);  // warm up (OpenMP's thread pool allocates once)
  predict_into(view);
  const long by_column = footprint_test::allocations_in([&] { predict_into(X); });
  const long by_row = footprint_test::allocations_in([&] { predict_into(view); });
  CHECK(by_row == by_column);
  // (the counter sees a copy: a matrix_cref bound to the row-major matrix makes one)
  const long copied = footprint_test::allocations_in([&] { predict_into(fp::matrix_cref(C)); });
  if (by_column >= 0) CHECK(copied == by_column + 1);
  constexpr bool in_place_into = !std::is_same_v<R, fp::mlp_regressor> && !std::is_same_v<R, fp::deep_ensemble>;
  if (by_row >= 0 && in_place_into) CHECK(by_row == 0);
  const long dist_by_column = footprint_test::allocations_in([&] { (void)model.predict_distribution(X); });
  const long dist_by_row = footprint_test::allocations_in([&] { (void)model.predict_distribution(view); });
  CHECK(dist_by_row == dist_by_column);
}

TEST_CASE_TEMPLATE_APPLY(before_fit, regressor_types);
TEST_CASE_TEMPLATE_APPLY(shapes, regressor_types);
TEST_CASE_TEMPLATE_APPLY(threads, regressor_types);
TEST_CASE_TEMPLATE_APPLY(mean, regressor_types);
TEST_CASE_TEMPLATE_APPLY(one_row, regressor_types);
TEST_CASE_TEMPLATE_APPLY(row_major, regressor_types);

}  // namespace unity_regressors
