// quickstart: footprint's vocabulary in one page. An order, a market state and a shipped
// impact law, the square-root law, which satisfies the ImpactModel concept.
#include <footprint/concepts.hpp>
#include <footprint/error.hpp>
#include <footprint/impact/square_root_law.hpp>
#include <footprint/types.hpp>

#include <chrono>
#include <iostream>

static_assert(footprint::ImpactModel<footprint::square_root_law>);

int main() {
  using namespace std::chrono_literals;
  const footprint::order o{.side = footprint::side::buy, .quantity = 20'000, .horizon = 30min};
  const footprint::market_state s{.mid = 580.0, .spread = 0.12, .volatility = 1.2e-4, .volume_rate = 100.0};

  // I = Y sigma (Q/V)^delta with the literature's Y = 0.7 and delta = 0.5 (Toth et al. 2011),
  // for the peak impact of the order over a 6.5-hour session; fit it to your own metaorders
  // with law.fit(observations) (docs/impact-laws.md).
  const auto law = footprint::square_root_law::from_coefficients(0.7, 0.5, {.session_seconds = 23400});
  const footprint::cost_estimate c = law.predict_cost(o, s);
  std::cout << "buy 20,000 over 30 min (" << 100.0 * o.quantity / (s.volume_rate * 23400) << "% of the day's volume): "
            << "expected impact " << c.expected_bps << " bps\n";

  try {
    (void)law.predict_cost({.quantity = -1}, s);
  } catch (const footprint::invalid_argument& e) {
    std::cout << "rejected: " << e.what() << '\n';
  }
  return c.expected_bps > 0.0 ? 0 : 1;
}
