/// @file book/trade.hpp
/// @brief A trade print, as every market-data reader reports it.
#pragma once

#include "footprint/types.hpp"

#include <chrono>
#include <cstdint>

namespace footprint {

/// One trade (an execution against resting liquidity).
///
/// `sign` is the aggressor's sign, as raw prints carry it (STYLE's glossary keeps signs
/// there and `side` everywhere else): +1 when the liquidity taker bought (buyer-initiated),
/// -1 when it sold, 0 when the feed does not say and no rule could tell. A market order that
/// walks several levels is several trades with the same time; readers can group them.
struct trade {
  std::chrono::nanoseconds time{0};  ///< since midnight (LOBSTER) or the Unix epoch (crypto feeds), as the reader says
  double price = 0.0;                ///< quote currency, > 0
  double quantity = 0.0;             ///< shares, contracts or coins, > 0
  std::int8_t sign = 0;              ///< aggressor: +1 buy, -1 sell, 0 unknown
  std::int64_t id = -1;              ///< the feed's trade or order id; -1 when it has none
};

/// The aggressor's side of a signed print: buy for +1, sell for -1.
/// @pre sign != 0 (an unsigned print has no side; callers skip or count those)
[[nodiscard]] constexpr side side_of_print(std::int8_t sign) noexcept { return sign > 0 ? side::buy : side::sell; }

}  // namespace footprint
