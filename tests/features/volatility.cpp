// Realized volatility over a clock window and EWMA volatility with a half-life in time.
#include "footprint/book/price_level_book.hpp"
#include "footprint/features/ewma_volatility.hpp"
#include "footprint/features/realized_volatility.hpp"

#include <doctest/doctest.h>

#include <array>
#include <chrono>
#include <cmath>

// Each test file is its own namespace: the module's files compile as one unity translation unit.
namespace unity_volatility {

namespace fp = footprint;
using fp::side;
using namespace std::chrono_literals;

namespace {
// A one-level book whose mid is exactly `mid` (bid and ask symmetric about it).
void set_mid(fp::price_level_book& book, double mid, std::chrono::nanoseconds t) {
  book.clear();
  book.set_level(side::buy, mid - 0.5, 10);
  book.set_level(side::sell, mid + 0.5, 10);
  book.set_timestamp(t);
}
}  // namespace

TEST_CASE("realized_volatility: sqrt of the sum of squared log-returns in the window") {
  // A mid path with known log-returns r = 0.001, -0.002, 0.0005, 0.003 at 1, 2, 3, 4 s.
  const std::array<double, 4> r{0.001, -0.002, 0.0005, 0.003};
  fp::realized_volatility rv({.window = 2500ms});
  CHECK(rv.names()[0] == "realized_vol_2500ms");
  CHECK(rv.names()[1] == "realized_vol_rate_2500ms");
  fp::price_level_book book;
  std::array<double, 2> out{};
  rv.compute(book, out);
  CHECK(std::isnan(out[0]));
  double log_mid = std::log(1000.0);
  set_mid(book, 1000.0, 0s);
  rv.update(book);
  rv.compute(book, out);
  CHECK(out[0] == 0.0);  // a mid, no return yet
  for (std::size_t i = 0; i < r.size(); ++i) {
    log_mid += r[i];
    set_mid(book, std::exp(log_mid), std::chrono::seconds(i + 1));
    rv.update(book);
  }
  rv.compute(book, out);
  // (1.5 s, 4 s] holds the returns at 2, 3, 4 s: sqrt(0.002^2 + 0.0005^2 + 0.003^2).
  CHECK(out[0] == doctest::Approx(0.003640054944640259).epsilon(1e-9));
  CHECK(out[1] == doctest::Approx(0.003640054944640259 / std::sqrt(2.5)).epsilon(1e-9));
  // An unchanged mid adds no return; 3 s later only the return at 4 s is left... then none.
  set_mid(book, std::exp(log_mid), 6s);
  rv.update(book);
  rv.compute(book, out);
  CHECK(out[0] == doctest::Approx(0.003).epsilon(1e-9));
  set_mid(book, std::exp(log_mid), 7s);
  rv.update(book);
  rv.compute(book, out);
  CHECK(out[0] == doctest::Approx(0.0).epsilon(1e-12));
  // An empty side is skipped: the next return is measured from the last defined mid.
  book.clear();
  book.set_timestamp(7500ms);
  rv.update(book);
  log_mid += 0.004;
  set_mid(book, std::exp(log_mid), 8s);
  rv.update(book);
  rv.compute(book, out);
  CHECK(out[0] == doctest::Approx(0.004).epsilon(1e-9));
  CHECK_THROWS_AS(fp::realized_volatility({.window = -1s}), fp::invalid_argument);
}

TEST_CASE("ewma_volatility: closed forms for regular and irregular returns") {
  SUBCASE("returns of +-r every Delta give exactly r / sqrt(Delta), for any half-life") {
    const double r = 0.001;
    for (auto h : {1s, 60s}) {
      fp::ewma_volatility ewma({.half_life = h});
      fp::price_level_book book;
      std::array<double, 1> out{};
      double log_mid = std::log(500.0);
      set_mid(book, 500.0, 0ms);
      ewma.update(book);
      ewma.compute(book, out);
      CHECK(std::isnan(out[0]));  // one mid: no return yet
      for (int i = 1; i <= 40; ++i) {
        log_mid += (i % 2 ? r : -r);
        set_mid(book, std::exp(log_mid), std::chrono::milliseconds(500 * i));
        ewma.update(book);
        ewma.compute(book, out);
        REQUIRE(out[0] == doctest::Approx(r / std::sqrt(0.5)).epsilon(1e-8));
      }
    }
  }
  SUBCASE("two returns, hand-computed") {
    // r1 = 0.001 after 1 s, r2 = 0.002 after 3 more s, half-life 2 s: the first weighs
    // d = 2^(-3/2) at the end. sigma^2 = (d r1^2 + r2^2) / (d * 1 + 3) per second.
    fp::ewma_volatility ewma({.half_life = 2s});
    CHECK(ewma.names()[0] == "ewma_vol_2s");
    fp::price_level_book book;
    double log_mid = std::log(200.0);
    set_mid(book, 200.0, 0s);
    ewma.update(book);
    log_mid += 0.001;
    set_mid(book, std::exp(log_mid), 1s);
    ewma.update(book);
    log_mid += 0.002;
    set_mid(book, std::exp(log_mid), 4s);
    ewma.update(book);
    std::array<double, 1> out{};
    ewma.compute(book, out);
    CHECK(out[0] == doctest::Approx(0.0011393819233501538).epsilon(1e-8));
    ewma.reset();
    ewma.compute(book, out);
    CHECK(std::isnan(out[0]));
  }
  CHECK_THROWS_WITH_AS(fp::ewma_volatility({.half_life = 0s}),
                       "footprint::ewma_volatility::ewma_volatility: half_life must be > 0 (got 0 ns)",
                       fp::invalid_argument);
}

}  // namespace unity_volatility
