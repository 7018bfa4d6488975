// A consumer of footprint::core only (Eigen and Boost.Math, nothing linked): core headers and
// one model that needs nothing else, the Almgren-Chriss optimal schedule.
#include <footprint/concepts.hpp>
#include <footprint/error.hpp>
#include <footprint/impact/almgren_chriss.hpp>
#include <footprint/types.hpp>

#include <iostream>

int main() {
  const footprint::almgren_chriss ac({.eta = 2.5e-6, .sigma = 0.95, .lambda = 2e-6});
  const footprint::almgren_chriss_cost c = ac.optimal_cost(1e6, 5.0);
  try {
    (void)footprint::almgren_chriss({.eta = -1.0, .sigma = 0.95});
  } catch (const footprint::invalid_argument&) {
    std::cout << "footprint::core consumed: expected shortfall " << c.expected << "\n";
    return c.expected > 0.0 ? 0 : 1;
  }
  return 1;
}
