// The single-row prediction paths allocate nothing: every heap allocation of the process
// (malloc and friends, hence operator new and Eigen's aligned_malloc) is counted while they
// run. glibc only, and not under AddressSanitizer (which owns malloc): there the test skips.
#include "footprint/models/linear/bayesian_linear.hpp"
#include "footprint/models/linear/ols.hpp"
#include "footprint/models/linear/ridge.hpp"

#include "models/reference_data.hpp"

#include <doctest/doctest.h>

#include <array>
#include <atomic>
#include <cmath>
#include <cstddef>
#include <span>

#include "models/allocation_counter.hpp"

// Each test file is its own namespace: the module's files compile as one unity translation unit.
namespace unity_no_allocation {

namespace fp = footprint;

using footprint_test::allocations_in;

TEST_CASE("single-row predict, predict_row and predict_distribution do not allocate") {
#ifndef FOOTPRINT_TEST_COUNT_MALLOC
  MESSAGE("skipped: allocation counting needs glibc and no sanitizer");
  return;
#else
  // The counter works: a vector allocates.
  // (The vector's data escapes into an empty asm statement, so that no optimiser may elide
  // the allocation, as clang does for an unused malloc/free pair.)
  CHECK(allocations_in([] {
          fp::vector v(1000);
          v.setZero();
          asm volatile("" : : "g"(v.data()) : "memory");
        }) >= 1);

  const ref::table tr = ref::read_table("regression_train.csv");
  const ref::table te = ref::read_table("regression_test.csv");
  const fp::matrix X = tr.features();
  const fp::vector y = tr.column("y");
  const fp::matrix X_test = te.features();
  const fp::row_vector row = X_test.row(7);

  fp::bayesian_linear evidence;
  fp::bayesian_linear conjugate({.mode = fp::bayesian_linear_mode::conjugate});
  fp::ols ols;
  fp::ridge ridge;
  (void)evidence.fit(X, y);
  (void)conjugate.fit(X, y);
  (void)ols.fit(X, y);
  (void)ridge.fit(X, y);

  fp::vector mean(1);
  std::array<fp::location_scale_t, 1> dist{};
  double sink = 0.0;
  const auto hot_path = [&](const auto& model) {
    return allocations_in([&] {
      for (int rep = 0; rep < 100; ++rep) {
        model.predict(row, mean);                             // a RowVectorXd
        model.predict(X_test.middleRows(rep % 50, 1), mean);  // one row of a column-major matrix
        model.predict_distribution(row, dist);
        model.predict_distribution(X_test.middleRows(rep % 50, 1), dist);
        sink += mean[0] + fp::quantile(dist[0], 0.9) + fp::cdf(dist[0], 1.0);
        sink += model.predict_row(std::span<const double>(row.data(), static_cast<std::size_t>(row.size())));
      }
    });
  };
  CHECK(hot_path(evidence) == 0);
  CHECK(hot_path(conjugate) == 0);
  CHECK(hot_path(ols) == 0);
  CHECK(hot_path(ridge) == 0);
  CHECK(std::isfinite(sink));

  // predict_row is predict on one row, bit for bit; NaN on a wrong size or before fit.
  const std::span<const double> x(row.data(), static_cast<std::size_t>(row.size()));
  CHECK(ols.predict_row(x) == ols.predict(row)[0]);
  CHECK(ridge.predict_row(x) == ridge.predict(row)[0]);
  CHECK(evidence.predict_row(x) == evidence.predict(row)[0]);
  CHECK(std::isnan(ols.predict_row(x.first(2))));
  CHECK(std::isnan(fp::ols().predict_row(x)));

  // The returning overloads do allocate their result (the counter sees it).
  CHECK(allocations_in([&] { sink += evidence.predict(row)[0]; }) >= 1);
#endif
}

}  // namespace unity_no_allocation
