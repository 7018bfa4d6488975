// Stoikov (2018) micro-price: a two-state chain whose G* is known in closed form.
#include "footprint/features/stoikov_microprice.hpp"
#include "footprint/book/price_level_book.hpp"
#include "footprint/features/book_history.hpp"

#include <doctest/doctest.h>

#include <array>
#include <chrono>
#include <cmath>
#include <vector>

// Each test file is its own namespace: the module's files compile as one unity translation unit.
namespace unity_stoikov_microprice {

namespace fp = footprint;
using fp::side;

namespace {
// Rows alternate between a heavy bid (I = 0.9, bucket 1 of 2) and a heavy ask (I = 0.1,
// bucket 0), always one tick wide. From bucket 1 the mid rises one tick (to bucket 0);
// from bucket 0 it stays (to bucket 1). After symmetrisation:
//   state 1: half "+1 tick -> 0", half "no move -> 0";  state 0: the mirror image.
// So Q = [[0, 1/2], [1/2, 0]], R1 K = [-1/2, +1/2] tick, R2 = [[0, 1/2], [1/2, 0]],
// g1 = (1 - Q)^-1 R1 K = [-1/3, +1/3] tick, B = (1 - Q)^-1 R2 = [[1/3, 2/3], [2/3, 1/3]],
// g^{i+1} = B g^i = (-1/3) g^i, and G* = g1 / (1 + 1/3) = [-1/4, +1/4] tick.
struct history_data {
  fp::book_history::array_type array;
  std::vector<std::chrono::nanoseconds> times;
};
history_data zigzag(std::size_t rows) {
  history_data h{fp::book_history::array_type::from_shape({rows, 1, 4}), {}};
  for (std::size_t t = 0; t < rows; ++t) {
    const double bid = 100.00 + 0.01 * static_cast<double>((t + 1) / 2);
    const bool heavy_bid = t % 2 == 0;
    h.array(t, 0, 0) = bid;
    h.array(t, 0, 1) = heavy_bid ? 9 : 1;
    h.array(t, 0, 2) = bid + 0.01;
    h.array(t, 0, 3) = heavy_bid ? 1 : 9;
    h.times.push_back(std::chrono::milliseconds(t));
  }
  return h;
}
}  // namespace

TEST_CASE("stoikov_microprice recovers the closed-form G* of a two-state chain") {
  const history_data h = zigzag(201);
  fp::stoikov_microprice micro({.tick_size = 0.01, .imbalance_buckets = 2, .spread_buckets = 1});
  CHECK_FALSE(micro.is_fitted());
  const fp::fit_report report = micro.fit(h.array, h.times);
  CHECK(report.ok());
  CHECK(report.status == fp::fit_status::converged);
  CHECK(report.iterations > 6);
  CHECK(micro.adjustment(1, 1) == doctest::Approx(0.0025).epsilon(1e-9));   // +1/4 tick
  CHECK(micro.adjustment(0, 1) == doctest::Approx(-0.0025).epsilon(1e-9));  // -1/4 tick

  // The companion code's 6 terms: sum_{i<6} (-1/3)^i / 3 = (1/4)(1 - 3^-6) tick.
  fp::stoikov_microprice six({.tick_size = 0.01, .imbalance_buckets = 2, .spread_buckets = 1, .max_terms = 6});
  const fp::fit_report r6 = six.fit(h.array, h.times);
  CHECK(r6.status == fp::fit_status::max_iterations);
  CHECK(r6.iterations == 6);
  CHECK(six.adjustment(1, 1) == doctest::Approx(0.0025 * (1.0 - 1.0 / 729.0)).epsilon(1e-9));

  // compute: mid + G* for a heavy-bid book; NaN out of the modelled states.
  fp::price_level_book book;
  book.set_level(side::buy, 50.00, 90);
  book.set_level(side::sell, 50.01, 10);
  std::array<double, 2> out{};
  micro.compute(book, out);
  CHECK(out[0] == doctest::Approx(50.005 + 0.0025).epsilon(1e-12));
  CHECK(out[1] == doctest::Approx(0.0025).epsilon(1e-9));
  book.set_level(side::sell, 50.01, 0);
  book.set_level(side::sell, 50.03, 10);  // 3 ticks wide: not modelled
  micro.compute(book, out);
  CHECK(std::isnan(out[0]));
  CHECK(std::isnan(out[1]));
}

TEST_CASE("stoikov_microprice: not fitted, no data, bad parameters") {
  fp::stoikov_microprice micro;
  fp::price_level_book book;
  book.set_level(side::buy, 10.00, 1);
  book.set_level(side::sell, 10.01, 1);
  std::array<double, 2> out{};
  micro.compute(book, out);
  CHECK(std::isnan(out[0]));
  CHECK_THROWS_AS((void)micro.adjustment(0, 1), fp::not_fitted);
  // Every row 5 ticks wide: no usable transition.
  fp::book_history::array_type wide = fp::book_history::array_type::from_shape({3, 1, 4});
  for (std::size_t t = 0; t < 3; ++t) {
    wide(t, 0, 0) = 10.00;
    wide(t, 0, 1) = 1;
    wide(t, 0, 2) = 10.05;
    wide(t, 0, 3) = 1;
  }
  const std::vector<std::chrono::nanoseconds> times{std::chrono::nanoseconds{0}, std::chrono::nanoseconds{1},
                                                    std::chrono::nanoseconds{2}};
  CHECK_THROWS_AS(micro.fit(wide, times), fp::invalid_argument);
  CHECK_FALSE(micro.is_fitted());
  CHECK_THROWS_WITH_AS(fp::stoikov_microprice({.tick_size = 0.0}),
                       "footprint::stoikov_microprice::stoikov_microprice: tick_size must be finite and > 0 (got 0)",
                       fp::invalid_argument);
  CHECK_THROWS_AS(fp::stoikov_microprice({.imbalance_buckets = 1}), fp::invalid_argument);
}

TEST_CASE("stoikov_microprice: symmetrised fits are antisymmetric in the imbalance") {
  // A noisy random walk: whatever the data, G*(b) = -G*(n - 1 - b) after symmetrisation.
  const std::size_t rows = 3000;
  fp::book_history::array_type a = fp::book_history::array_type::from_shape({rows, 1, 4});
  std::vector<std::chrono::nanoseconds> times;
  std::uint64_t state = 12345;
  auto next = [&state] {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<double>(state >> 11) / 9007199254740992.0;  // uniform [0, 1)
  };
  double bid = 100.0;
  for (std::size_t t = 0; t < rows; ++t) {
    const double u = next();
    if (u < 0.1) bid -= 0.01;
    if (u > 0.9) bid += 0.01;
    const double spread = next() < 0.7 ? 0.01 : 0.02;
    a(t, 0, 0) = bid;
    a(t, 0, 1) = 1 + std::floor(next() * 20);
    a(t, 0, 2) = bid + spread;
    a(t, 0, 3) = 1 + std::floor(next() * 20);
    times.push_back(std::chrono::milliseconds(t));
  }
  fp::stoikov_microprice micro({.tick_size = 0.01, .imbalance_buckets = 6, .spread_buckets = 2});
  const fp::fit_report r = micro.fit(a, times);
  CHECK(r.ok());
  for (fp::index s = 1; s <= 2; ++s) {
    for (fp::index b = 0; b < 6; ++b) {
      const double g = micro.adjustment(b, s);
      REQUIRE(std::isfinite(g));
      CHECK(g == doctest::Approx(-micro.adjustment(5 - b, s)).epsilon(1e-9).scale(0.01));
      CHECK(std::abs(g) < 0.01);  // a random walk with moves <= 1 tick
    }
  }
}

}  // namespace unity_stoikov_microprice
