// synthetic_market: determinism, arrival rate, exact book walks and the impact it plants.
#include "footprint/data/synthetic/synthetic_market.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <vector>

// Each test file is its own namespace: the module's files compile as one unity translation unit.
namespace unity_synthetic_market {

namespace fp = footprint;
using kind = fp::synthetic_event::kind;

TEST_CASE("the same seed gives the same market, another seed another one") {
  auto run = [](std::uint64_t seed) {
    fp::synthetic_market m({.seed = seed, .session_seconds = 600});
    fp::synthetic_event ev;
    std::vector<double> out;
    while (m.next(ev)) out.push_back(ev.type == kind::market_order ? ev.vwap : m.book().best_bid());
    return out;
  };
  const auto a = run(1), b = run(1), c = run(2);
  CHECK(a.size() > 100);
  CHECK(a == b);
  CHECK(a != c);
}

TEST_CASE("orders arrive at the Poisson rate and books stay one tick wide") {
  fp::synthetic_market m({.session_seconds = 20000, .order_rate = 0.2});
  fp::synthetic_event ev;
  double orders = 0;
  bool one_tick = true;
  while (m.next(ev)) {
    orders += ev.type == kind::market_order;
    one_tick = one_tick && std::abs(m.book().best_ask() - m.book().best_bid() - 0.01) < 1e-9;
  }
  // Poisson: mean 4000, std ~63; 5 standard deviations.
  CHECK(std::abs(orders - 4000.0) < 5 * std::sqrt(4000.0));
  CHECK(one_tick);
}

TEST_CASE("a market order walks the book it meets") {
  // No noise, deterministic depth: 100 shares per level, tick 0.01, order sizes ~250.
  fp::synthetic_market m({.session_seconds = 2000,
                          .volatility = 0,
                          .mean_order_size = 250,
                          .size_dispersion = 0,
                          .levels = 5,
                          .depth_per_level = 100,
                          .depth_noise = 0,
                          .gamma = 0,
                          .beta = 0});
  fp::synthetic_event ev;
  int checked = 0;
  while (m.next(ev)) {
    if (ev.type != kind::market_order) continue;
    // 250 shares: 100 at the best, 100 one tick away, 50 two ticks away:
    // vwap - best = 0.01 * (100*0 + 100*1 + 50*2) / 250 = 0.008; best = mid + 0.005.
    CHECK(ev.quantity == 250);
    CHECK(fp::sign(ev.side) * (ev.vwap - ev.arrival_mid) == doctest::Approx(0.005 + 0.008));
    ++checked;
  }
  CHECK(checked > 50);
}

TEST_CASE("the immediate mid move regresses on signed size with slope gamma + beta") {
  // Without diffusion the mid after an order moves by s (gamma + beta) q, up to the
  // rounding of the requote to the tick grid; OLS through the origin recovers the slope.
  fp::synthetic_market m({.session_seconds = 20000, .volatility = 0, .gamma = 1e-5, .beta = 2e-5});
  fp::synthetic_event ev;
  double sxy = 0, sxx = 0;
  while (m.next(ev)) {
    if (ev.type != kind::market_order) continue;
    const double x = fp::sign(ev.side) * ev.quantity;
    const double y = 0.5 * (m.book().best_bid() + m.book().best_ask()) - ev.arrival_mid;
    sxy += x * y;
    sxx += x * x;
  }
  CHECK(sxy / sxx == doctest::Approx(3e-5).epsilon(0.1));
}

TEST_CASE("parameters are validated") {
  CHECK_THROWS_WITH_AS(fp::synthetic_market({.tick = 0}),
                       "footprint::synthetic_market: tick must be finite and > 0 (got 0)", fp::invalid_argument);
  CHECK_THROWS_WITH_AS(fp::synthetic_market({.sign_persistence = 1}),
                       "footprint::synthetic_market: sign_persistence must be in [0, 1) (got 1)", fp::invalid_argument);
}

}  // namespace unity_synthetic_market
