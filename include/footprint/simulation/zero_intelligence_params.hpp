/// @file simulation/zero_intelligence_params.hpp
/// @brief Parameters of the zero-intelligence order-book model of Cont, Stoikov and Talreja
/// (2010), their validation, and the paper's published estimates.
///
/// A cheap header: standard library and base headers only.
#pragma once

#include "footprint/detail/concat.hpp"
#include "footprint/error.hpp"

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

namespace footprint {

/// Parameters of `zero_intelligence_model` (Cont, Stoikov and Talreja 2010, "A stochastic
/// model for order book dynamics", Operations Research 58(3), section 2).
///
/// Order flow per side, all rates in events per second:
/// - limit orders arrive at distance i = 1..L ticks from the opposite best quote at Poisson
///   rate `lambda[i-1]` (a bid at best ask - i, an ask at best bid + i);
/// - market orders arrive at rate `mu` and execute against the opposite best quotes;
/// - each resting order at distance i from the opposite best is cancelled at rate
///   `theta[i-1]`; the book spans L ticks from the opposite best (the paper's finite price
///   grid): orders a move of the opposite quote leaves further away are removed.
///
/// Quantities are integer numbers of lots of `lot_quantity` instrument units. With
/// `size_probabilities` empty every order is one lot (the paper's unit sizes); otherwise
/// `size_probabilities[k-1]` is the probability of a limit order of k lots, and a level of Q
/// lots cancels at rate theta(i) Q / mean size, one order's size at a time (capped at the
/// queue): the paper's rate per order of average size. Market orders draw their sizes from
/// `market_size_probabilities`, or, when it is empty, from `size_probabilities`.
struct zero_intelligence_params {
  double tick_size = 0.01;       ///< price units per tick, > 0
  double lot_quantity = 1.0;     ///< instrument units per lot, > 0
  std::vector<double> lambda{};  ///< limit-order rate at distance 1..L, per side, 1/s; >= 0, 1 <= L <= 1000, not all 0
  std::vector<double> theta{};   ///< cancellation rate per resting order at distance 1..L, 1/s; >= 0, size L
  double mu = 0.0;               ///< market-order rate per side, 1/s; >= 0
  std::vector<double> size_probabilities{};  ///< P(order of k lots), k = 1..; empty = unit sizes; >= 0, sums to 1
  /// P(market order of k lots), k = 1..; empty = `size_probabilities`; >= 0, sums to 1
  std::vector<double> market_size_probabilities{};
  double initial_price = 100.0;  ///< mid price the simulation starts at, price units, > tick_size
  std::uint64_t seed = 0;        ///< random stream

  /// Number of distances L (the size of `lambda` and `theta`).
  [[nodiscard]] std::size_t levels() const noexcept { return lambda.size(); }

  /// Mean limit-order size in lots (1 for unit sizes).
  [[nodiscard]] double mean_size() const noexcept { return mean_of(size_probabilities); }

  /// Mean of a law of 1, 2, ... lots (1 for an empty one).
  [[nodiscard]] static double mean_of(const std::vector<double>& probabilities) noexcept {
    if (probabilities.empty()) return 1.0;
    double m = 0.0;
    for (std::size_t k = 0; k < probabilities.size(); ++k) m += static_cast<double>(k + 1) * probabilities[k];
    return m;
  }

  /// Cont, Stoikov and Talreja's (2010) estimates for a Tokyo Stock Exchange stock (their
  /// Table 2 and section 4.1): lambda(1..5) = 1.85, 1.51, 1.09, 0.88, 0.77 and the power law
  /// k / i^alpha (k = 1.92, alpha = 0.52) beyond; theta(1..10) = 0.71, 0.81, 0.68, 0.56, 0.47,
  /// 0.47, 0.37, 0.30, 0.26, 0.19; mu = 0.94; unit sizes; events per second; L = 10.
  [[nodiscard]] static zero_intelligence_params cont_stoikov_talreja_2010() {
    zero_intelligence_params p;
    p.lambda = {1.85, 1.51, 1.09, 0.88, 0.77};
    for (int i = 6; i <= 10; ++i) p.lambda.push_back(1.92 / std::pow(static_cast<double>(i), 0.52));
    p.theta = {0.71, 0.81, 0.68, 0.56, 0.47, 0.47, 0.37, 0.30, 0.26, 0.19};
    p.mu = 0.94;
    return p;
  }
};

namespace detail::simulation {

/// Throws `invalid_argument` naming `where` and the first parameter out of its range.
inline void validate(const zero_intelligence_params& p, std::string_view where) {
  auto bad = [&](std::string_view what, double got) {
    throw invalid_argument(concat(where, ": ", what, " (got ", got, ")"));
  };
  if (!(p.tick_size > 0.0) || !std::isfinite(p.tick_size)) bad("tick_size must be finite and > 0", p.tick_size);
  if (!(p.lot_quantity > 0.0) || !std::isfinite(p.lot_quantity))
    bad("lot_quantity must be finite and > 0", p.lot_quantity);
  if (p.lambda.empty() || p.lambda.size() > 1000)
    bad("lambda must hold 1 to 1,000 distances", static_cast<double>(p.lambda.size()));
  if (p.theta.size() != p.lambda.size())
    bad("theta must have as many distances as lambda", static_cast<double>(p.theta.size()));
  double total = 0.0;
  for (double l : p.lambda) {
    if (!(l >= 0.0) || !std::isfinite(l)) bad("every lambda must be finite and >= 0", l);
    total += l;
  }
  if (!(total > 0.0)) bad("some lambda must be > 0", total);
  for (double t : p.theta)
    if (!(t >= 0.0) || !std::isfinite(t)) bad("every theta must be finite and >= 0", t);
  if (!(p.mu >= 0.0) || !std::isfinite(p.mu)) bad("mu must be finite and >= 0", p.mu);
  for (const auto* law : {&p.size_probabilities, &p.market_size_probabilities}) {
    if (law->empty()) continue;
    const char* name = law == &p.size_probabilities ? "size_probabilities" : "market_size_probabilities";
    double s = 0.0;
    for (double q : *law) {
      if (!(q >= 0.0) || !std::isfinite(q)) bad(concat("every entry of ", name, " must be finite and >= 0"), q);
      s += q;
    }
    if (std::abs(s - 1.0) > 1e-9) bad(concat(name, " must sum to 1"), s);
  }
  if (!(p.initial_price > p.tick_size) || !std::isfinite(p.initial_price))
    bad("initial_price must be finite and > tick_size", p.initial_price);
}

}  // namespace detail::simulation
}  // namespace footprint
