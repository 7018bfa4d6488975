/// @file features/top_of_book.hpp
/// @brief Mid, spread (absolute and in bps) and weighted mid from the best bid and ask.
#pragma once

#include "footprint/concepts.hpp"
#include "footprint/detail/feature_names.hpp"
#include "footprint/types.hpp"

#include <array>
#include <cstddef>
#include <span>
#include <string>

namespace footprint {

/// Level-1 prices: mid, spread, spread in bps, and the imbalance-weighted mid.
///
/// With best bid b, best ask a and their quantities q_b, q_a, and the level-1 imbalance
/// I = q_b / (q_b + q_a):
/// | feature        | formula                                          | units          |
/// |----------------|--------------------------------------------------|----------------|
/// | `mid`          | M = (a + b) / 2                                  | quote currency |
/// | `spread`       | S = a - b                                        | quote currency |
/// | `spread_bps`   | 10^4 S / M                                       | bps of mid     |
/// | `weighted_mid` | (q_b a + q_a b) / (q_b + q_a) = M + S (I - 1/2)  | quote currency |
///
/// The weighted mid (called "microprice" by Gatheral and Oomen 2010, and the "weighted
/// mid-price" by Stoikov 2018) lies in [b, a] and moves toward the side with less
/// quantity; see `stoikov_microprice` for the estimated micro-price.
/// NaN rules: every feature is NaN when either side is empty. A crossed book (b >= a, as
/// feeds briefly show) is computed as is: the spread is then <= 0.
/// Stateless; `compute` is O(1), does not allocate and does not throw.
class top_of_book {
 public:
  /// Number of features: 4.
  [[nodiscard]] std::size_t size() const noexcept { return 4; }
  /// {"mid", "spread", "spread_bps", "weighted_mid"}.
  [[nodiscard]] std::span<const std::string> names() const noexcept { return names_; }

  /// Writes mid, spread, spread_bps, weighted_mid to out[0..4).
  template <OrderBookView B>
  void compute(const B& book, std::span<double> out) const noexcept {
    const detail::feat::top_quotes q = detail::feat::read_top(book);
    if (!q.two_sided()) {
      out[0] = out[1] = out[2] = out[3] = nan;
      return;
    }
    const double mid = q.mid();
    const double spread = q.ask - q.bid;
    out[0] = mid;
    out[1] = spread;
    out[2] = 1e4 * spread / mid;
    out[3] = (q.bid_quantity * q.ask + q.ask_quantity * q.bid) / (q.bid_quantity + q.ask_quantity);
  }

 private:
  inline static const std::array<std::string, 4> names_{"mid", "spread", "spread_bps", "weighted_mid"};
};

}  // namespace footprint
