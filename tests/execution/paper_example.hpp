// The paper's example of Almgren and Chriss (2000), section 3.2, as the learning agents' tests
// use it (tests/execution/tabular_q_learning.cpp, double_dqn.cpp): X = 10^6 shares at 50 USD,
// T = 5 days, sigma 0.95 USD / sqrt(day), eta 2.5e-6, gamma 2.5e-7, epsilon 0.0625 USD,
// lambda 2e-6 / USD; N = 5 decisions unless said. And the message of an invalid_argument.
#pragma once

#include "footprint/error.hpp"
#include "footprint/execution/almgren_chriss_world.hpp"

#include <string>

namespace execution_test {

inline footprint::almgren_chriss_params paper(footprint::index n = 5) {
  return {.gamma = 2.5e-7, .eta = 2.5e-6, .epsilon = 0.0625, .sigma = 0.95, .lambda = 2e-6, .n_intervals = n};
}

inline footprint::almgren_chriss_world paper_world(footprint::index n = 5,
                                                   footprint::side side = footprint::side::sell) {
  return footprint::almgren_chriss_world(
      {.model = paper(n), .quantity = 1e6, .horizon = 5.0, .initial_price = 50.0, .side = side});
}

// What f throws as invalid_argument ("no exception" when it throws nothing).
template <class F>
std::string invalid_argument_message(F&& f) {
  try {
    f();
  } catch (const footprint::invalid_argument& e) {
    return e.what();
  }
  return "no exception";
}

}  // namespace execution_test
