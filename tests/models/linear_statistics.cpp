// linear_statistics: the sufficient statistics of a linear fit computed on shards of the rows
// and merged (Chan, Golub and LeVeque 1979) give the same ols and bayesian_linear as one fit
// on all the rows (1e-10 relative on coefficients, intercept, alpha, lambda, predictive means
// and std), with and without intercept and weights, over random splits, in any merge order.
#include "footprint/models/linear/linear_statistics.hpp"
#include "footprint/models/linear/bayesian_linear.hpp"
#include "footprint/models/linear/ols.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <numeric>
#include <random>
#include <vector>

// Each test file is its own namespace: the module's files compile as one unity translation unit.
namespace unity_linear_statistics {

namespace fp = footprint;

namespace {

struct problem {
  fp::matrix X;
  fp::vector y;
  fp::vector w;
  fp::matrix X_test;
};

// A well-conditioned design with non-zero means (so that the intercept and the uncentred
// moments matter), a planted linear signal and Gaussian noise; weights in [0.5, 3).
problem make_problem(std::uint64_t seed, fp::index n, fp::index p) {
  std::mt19937_64 gen(seed);
  std::normal_distribution<double> normal;
  std::uniform_real_distribution<double> uniform(0.5, 3.0);
  problem r;
  r.X.resize(n, p);
  r.X_test.resize(7, p);
  fp::vector beta(p);
  for (fp::index j = 0; j < p; ++j) beta[j] = 0.5 * static_cast<double>(j + 1) * (j % 2 == 0 ? 1.0 : -1.0);
  for (fp::index j = 0; j < p; ++j) {
    const double mean = 1.0 + static_cast<double>(j);
    const double scale = 1.0 + 0.5 * static_cast<double>(j);
    for (fp::index i = 0; i < n; ++i) r.X(i, j) = mean + scale * normal(gen);
    for (fp::index i = 0; i < r.X_test.rows(); ++i) r.X_test(i, j) = mean + scale * normal(gen);
  }
  r.y = (r.X * beta).array() + 3.0;
  for (fp::index i = 0; i < n; ++i) r.y[i] += 2.0 * normal(gen);
  r.w.resize(n);
  for (fp::index i = 0; i < n; ++i) r.w[i] = uniform(gen);
  return r;
}

// A random split of rows 0..n-1 (shuffled) into `shards` non-empty parts.
std::vector<std::vector<fp::index>> random_split(std::uint64_t seed, fp::index n, int shards) {
  std::mt19937_64 gen(seed);
  std::vector<fp::index> rows(static_cast<std::size_t>(n));
  std::iota(rows.begin(), rows.end(), fp::index{0});
  std::shuffle(rows.begin(), rows.end(), gen);
  std::vector<fp::index> cuts;
  std::uniform_int_distribution<fp::index> cut(1, n - 1);
  while (static_cast<int>(cuts.size()) < shards - 1) {
    const fp::index c = cut(gen);
    if (std::find(cuts.begin(), cuts.end(), c) == cuts.end()) cuts.push_back(c);
  }
  std::sort(cuts.begin(), cuts.end());
  cuts.push_back(n);
  std::vector<std::vector<fp::index>> out;
  fp::index start = 0;
  for (const fp::index c : cuts) {
    out.emplace_back(rows.begin() + start, rows.begin() + c);
    start = c;
  }
  return out;
}

fp::matrix take_rows(const fp::matrix& X, const std::vector<fp::index>& rows) {
  fp::matrix out(static_cast<fp::index>(rows.size()), X.cols());
  for (std::size_t i = 0; i < rows.size(); ++i) out.row(static_cast<fp::index>(i)) = X.row(rows[i]);
  return out;
}

fp::vector take(const fp::vector& v, const std::vector<fp::index>& rows) {
  fp::vector out(static_cast<fp::index>(rows.size()));
  for (std::size_t i = 0; i < rows.size(); ++i) out[static_cast<fp::index>(i)] = v[rows[i]];
  return out;
}

// The statistics of each shard, merged in `order`.
fp::linear_statistics merged(const problem& r, const std::vector<std::vector<fp::index>>& shards, bool weighted,
                             const std::vector<std::size_t>& order) {
  fp::linear_statistics s;
  for (const std::size_t k : order) {
    const fp::matrix X = take_rows(r.X, shards[k]);
    const fp::vector y = take(r.y, shards[k]);
    s.merge(weighted ? fp::linear_statistics(X, y, take(r.w, shards[k])) : fp::linear_statistics(X, y));
  }
  return s;
}

double relative(double a, double b) { return std::abs(a - b) / std::max(std::abs(b), 1e-300); }
double relative(const fp::vector& a, const fp::vector& b) { return (a - b).norm() / std::max(b.norm(), 1e-300); }

// The largest relative difference seen (docs/distributed.md quotes it).
double worst = 0.0;

void check_close(double a, double b, const char* what) {
  const double e = relative(a, b);
  worst = std::max(worst, e);
  INFO(what, ": ", a, " vs ", b);
  CHECK(e < 1e-10);
}

void check_close(const fp::vector& a, const fp::vector& b, const char* what) {
  const double e = relative(a, b);
  worst = std::max(worst, e);
  INFO(what, ": relative difference ", e);
  CHECK(e < 1e-10);
}

template <class Model>
void check_same_predictions(const Model& pooled, const Model& whole, const fp::matrix& X_test) {
  check_close(pooled.coef(), whole.coef(), "coef");
  check_close(pooled.intercept(), whole.intercept(), "intercept");
  check_close(pooled.predict(X_test), whole.predict(X_test), "predict");
  const auto a = pooled.predict_distribution(X_test);
  const auto b = whole.predict_distribution(X_test);
  for (std::size_t i = 0; i < a.size(); ++i) {
    check_close(a[i].scale(), b[i].scale(), "predictive scale");
    check_close(a[i].location(), b[i].location(), "predictive location");
  }
}

}  // namespace

TEST_CASE("linear_statistics merged over random shards fit ols and bayesian_linear as one fit on all rows (1e-10)") {
  const problem r = make_problem(7, 400, 4);
  for (std::uint64_t split = 1; split <= 4; ++split) {
    const int shards = 2 + static_cast<int>(split);  // 3 to 6 shards
    const auto parts = random_split(100 + split, r.X.rows(), shards);
    std::vector<std::size_t> order(parts.size());
    std::iota(order.begin(), order.end(), std::size_t{0});
    for (const bool weighted : {false, true}) {
      for (const bool intercept : {true, false}) {
        CAPTURE(split);
        CAPTURE(weighted);
        CAPTURE(intercept);
        const fp::linear_statistics s = merged(r, parts, weighted, order);
        CHECK(s.n_rows() == r.X.rows());
        CHECK(s.n_features() == r.X.cols());

        fp::ols whole({.fit_intercept = intercept});
        fp::ols pooled({.fit_intercept = intercept});
        if (weighted) {
          (void)whole.fit(r.X, r.y, r.w);
        } else {
          (void)whole.fit(r.X, r.y);
        }
        (void)pooled.fit(s);
        check_same_predictions(pooled, whole, r.X_test);
        check_close(pooled.noise_variance(), whole.noise_variance(), "ols noise_variance");
        CHECK(pooled.rank() == whole.rank());

        for (const auto mode : {fp::bayesian_linear_mode::evidence, fp::bayesian_linear_mode::conjugate}) {
          fp::bayesian_linear bw({.mode = mode, .fit_intercept = intercept});
          fp::bayesian_linear bp({.mode = mode, .fit_intercept = intercept});
          if (weighted) {
            (void)bw.fit(r.X, r.y, r.w);
          } else {
            (void)bw.fit(r.X, r.y);
          }
          (void)bp.fit(s);
          check_same_predictions(bp, bw, r.X_test);
          check_close(bp.alpha(), bw.alpha(), "alpha");
          check_close(bp.lambda(), bw.lambda(), "lambda");
          CHECK(bp.n_iter() == bw.n_iter());
        }
      }
    }
  }
  MESSAGE("largest relative difference between the pooled and the one-shot fits: ", worst);
  CHECK(worst < 1e-10);
}

TEST_CASE("linear_statistics: merge order does not matter, and merging an empty object is the identity") {
  const problem r = make_problem(11, 300, 3);
  const auto parts = random_split(5, r.X.rows(), 5);
  const std::vector<std::size_t> forward{0, 1, 2, 3, 4};
  const std::vector<std::size_t> backward{4, 3, 2, 1, 0};
  const std::vector<std::size_t> mixed{2, 0, 4, 1, 3};
  const fp::linear_statistics a = merged(r, parts, true, forward);
  const fp::linear_statistics b = merged(r, parts, true, backward);
  const fp::linear_statistics c = merged(r, parts, true, mixed);
  // a tree of merges: (0 + 1) + (2 + (3 + 4))
  fp::linear_statistics left = merged(r, parts, true, {0, 1});
  fp::linear_statistics right = merged(r, parts, true, {3, 4});
  right.merge(merged(r, parts, true, {2}));
  left.merge(right);
  for (const fp::linear_statistics* other : std::vector<const fp::linear_statistics*>{&b, &c, &left}) {
    CHECK(other->n_rows() == a.n_rows());
    CHECK(relative(other->weight_sum(), a.weight_sum()) < 1e-14);
    CHECK(relative(other->x_mean(), a.x_mean()) < 1e-13);
    CHECK(relative(other->y_mean(), a.y_mean()) < 1e-13);
    CHECK((other->cross_product() - a.cross_product()).norm() / a.cross_product().norm() < 1e-13);
    fp::ols m1, m2;
    (void)m1.fit(a);
    (void)m2.fit(*other);
    CHECK(relative(m1.coef(), m2.coef()) < 1e-12);
  }
  // the statistics of all rows at once
  const fp::linear_statistics all(r.X, r.y, r.w);
  CHECK((all.cross_product() - a.cross_product()).norm() / all.cross_product().norm() < 1e-13);
  CHECK(relative(all.x_mean(), a.x_mean()) < 1e-13);
  CHECK(relative(all.sqrt_weight_sum(), a.sqrt_weight_sum()) < 1e-13);
  // the empty object
  fp::linear_statistics e;
  CHECK(e.empty());
  CHECK(e.n_features() == 0);
  e.merge(a);
  CHECK(e.n_rows() == a.n_rows());
  CHECK(e.cross_product() == a.cross_product());
  fp::linear_statistics f = a;
  f.merge(fp::linear_statistics{});
  CHECK(f.cross_product() == a.cross_product());
  CHECK(f.x_mean() == a.x_mean());
  // from_parts gives back the same object
  const fp::linear_statistics g =
      fp::linear_statistics::from_parts(a.n_rows(), a.weight_sum(), a.x_mean(), a.y_mean(), a.cross_product(),
                                        a.sqrt_weight_sum(), a.sqrt_weight_y_deviation());
  fp::bayesian_linear m1, m2;
  (void)m1.fit(a);
  (void)m2.fit(g);
  CHECK(m1.coef() == m2.coef());
  CHECK(m1.alpha() == m2.alpha());
}

TEST_CASE("linear_statistics errors: feature counts, empty statistics, non-finite inputs, bad parts") {
  const problem r = make_problem(3, 50, 3);
  fp::linear_statistics a(r.X, r.y);
  const fp::linear_statistics b(r.X.leftCols(2), r.y);
  CHECK_THROWS_WITH_AS(a.merge(b),
                       "footprint::linear_statistics::merge: the statistics to merge must have the same n_features "
                       "(expected 3, got 2)",
                       fp::dimension_mismatch);
  fp::ols ols;
  CHECK_THROWS_WITH_AS((void)ols.fit(fp::linear_statistics{}),
                       "footprint::ols::fit: the statistics are empty (no rows were added): nothing to fit",
                       fp::invalid_argument);
  CHECK_FALSE(ols.is_fitted());
  fp::bayesian_linear bayes;
  CHECK_THROWS_WITH_AS((void)bayes.fit(fp::linear_statistics{}),
                       "footprint::bayesian_linear::fit: the statistics are empty (no rows were added): nothing to fit",
                       fp::invalid_argument);
  fp::matrix bad = r.X;
  bad(4, 1) = fp::nan;
  CHECK_THROWS_WITH_AS(fp::linear_statistics(bad, r.y),
                       "footprint::linear_statistics: X must be finite; row 4, column 1 is nan", fp::invalid_argument);
  fp::vector bad_y = r.y;
  bad_y[2] = std::numeric_limits<double>::infinity();
  CHECK_THROWS_AS(fp::linear_statistics(r.X, bad_y), fp::invalid_argument);
  CHECK_THROWS_AS(fp::linear_statistics(r.X, r.y.head(3)), fp::dimension_mismatch);
  fp::vector negative = r.w;
  negative[0] = -1.0;
  CHECK_THROWS_AS(fp::linear_statistics(r.X, r.y, negative), fp::invalid_argument);
  CHECK_THROWS_WITH_AS(
      (void)fp::linear_statistics::from_parts(0, 1.0, r.X.row(0).transpose(), 0.0, fp::matrix::Zero(4, 4), 1.0, 0.0),
      "footprint::linear_statistics::from_parts: n_rows must be >= 1 (got 0)", fp::invalid_argument);
  CHECK_THROWS_AS(
      (void)fp::linear_statistics::from_parts(5, 5.0, r.X.row(0).transpose(), 0.0, fp::matrix::Zero(3, 3), 5.0, 0.0),
      fp::invalid_argument);
  // conjugate prior mean of the wrong size
  fp::bayesian_linear conj({.mode = fp::bayesian_linear_mode::conjugate, .w0 = fp::vector::Zero(2)});
  CHECK_THROWS_AS((void)conj.fit(a), fp::dimension_mismatch);
}

}  // namespace unity_linear_statistics
