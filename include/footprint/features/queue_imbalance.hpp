/// @file features/queue_imbalance.hpp
/// @brief Level-1 queue imbalance (Gould and Bonart 2016).
#pragma once

#include "footprint/concepts.hpp"
#include "footprint/detail/feature_names.hpp"
#include "footprint/types.hpp"

#include <array>
#include <cstddef>
#include <span>
#include <string>

namespace footprint {

/// Queue imbalance at the best quotes: (q_b - q_a) / (q_b + q_a), in [-1, 1].
///
/// q_b and q_a are the quantities at the best bid and best ask. Positive values mean more
/// resting buy than sell interest at the top, which predicts an up-move of the mid
/// (Gould, M. D. and Bonart, J. (2016), "Queue imbalance as a one-tick-ahead price
/// predictor in a limit order book", Market Microstructure and Liquidity 2(2), the
/// queue-imbalance definition of their Section 3). Dimensionless.
/// NaN rules: NaN when either side is empty.
/// Stateless; `compute` is O(1), does not allocate and does not throw.
class queue_imbalance {
 public:
  /// Number of features: 1.
  [[nodiscard]] std::size_t size() const noexcept { return 1; }
  /// {"queue_imbalance"}.
  [[nodiscard]] std::span<const std::string> names() const noexcept { return names_; }

  /// Writes the queue imbalance to out[0].
  template <OrderBookView B>
  void compute(const B& book, std::span<double> out) const noexcept {
    const detail::feat::top_quotes q = detail::feat::read_top(book);
    out[0] = q.two_sided() ? (q.bid_quantity - q.ask_quantity) / (q.bid_quantity + q.ask_quantity) : nan;
  }

 private:
  inline static const std::array<std::string, 1> names_{"queue_imbalance"};
};

}  // namespace footprint
