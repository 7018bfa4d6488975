// quickstart: footprint's vocabulary in one page. An order, a market state, an impact
// model written by the user, checked against the ImpactModel concept at compile time.
#include <footprint/concepts.hpp>
#include <footprint/error.hpp>
#include <footprint/types.hpp>

#include <chrono>
#include <cmath>
#include <iostream>

// A user-defined square-root impact model: cost = spread/2 + Y * sigma * sqrt(Q / V).
struct square_root_model {
  double y = 0.7;  // dimensionless prefactor Y (Toth et al. 2011)

  footprint::cost_estimate predict_cost(const footprint::order& o, const footprint::market_state& s) const {
    if (!(o.quantity > 0.0)) {
      throw footprint::invalid_argument("square_root_model::predict_cost: quantity must be > 0");
    }
    const double horizon_s = std::chrono::duration<double>(o.horizon).count();
    const double daily_sigma = s.volatility * std::sqrt(23400.0);  // per sqrt(second) -> per day
    const double daily_volume = s.volume_rate * 23400.0;
    const double half_spread_bps = 0.5 * s.spread / s.mid * 1e4;
    const double impact_bps = y * daily_sigma * std::sqrt(o.quantity / daily_volume) * 1e4;
    const double price_risk_bps = s.volatility * std::sqrt(horizon_s / 3.0) * 1e4;
    return {.expected_bps = half_spread_bps + impact_bps,
            .std_bps = price_risk_bps,
            .temporary_bps = half_spread_bps + impact_bps / 3.0,
            .permanent_bps = 2.0 * impact_bps / 3.0};
  }
};
static_assert(footprint::ImpactModel<square_root_model>);

int main() {
  using namespace std::chrono_literals;
  const footprint::order o{.side = footprint::side::buy, .quantity = 20'000, .horizon = 30min};
  const footprint::market_state s{.mid = 580.0, .spread = 0.12, .volatility = 1.2e-4, .volume_rate = 100.0, .features = {}};

  const footprint::cost_estimate c = square_root_model{}.predict_cost(o, s);
  std::cout << "buy 20,000 over 30 min: expected " << c.expected_bps << " bps (temporary "
            << c.temporary_bps << ", permanent " << c.permanent_bps << "), std " << c.std_bps << " bps\n";

  try {
    (void)square_root_model{}.predict_cost({.quantity = -1}, s);
  } catch (const footprint::invalid_argument& e) {
    std::cout << "rejected: " << e.what() << '\n';
  }
  return c.expected_bps > 0.0 ? 0 : 1;
}
