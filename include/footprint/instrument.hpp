/// @file instrument.hpp
/// @brief What is traded: symbol, venue, the unit of quantities, tick and lot sizes, the
/// contract multiplier and whether the contract is inverse; and the rounding of a schedule
/// to whole lots.
///
/// A cheap base header: standard library and Eigen/Core only.
#pragma once

#include "footprint/detail/concat.hpp"
#include "footprint/error.hpp"
#include "footprint/types.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <numeric>
#include <string>
#include <string_view>
#include <vector>

namespace footprint {

/// The unit of an instrument's quantities.
enum class quantity_unit : std::uint8_t {
  shares,     ///< equities
  coins,      ///< crypto spot, and linear futures quoted in the base asset (Binance USD-M)
  contracts,  ///< contracts of `contract_multiplier` (Binance COIN-M: USD per contract)
};

/// Name of a unit: "shares", "coins" or "contracts".
[[nodiscard]] constexpr std::string_view to_string(quantity_unit u) noexcept {
  switch (u) {
    case quantity_unit::shares: return "shares";
    case quantity_unit::coins: return "coins";
    case quantity_unit::contracts: return "contracts";
  }
  return "unknown";
}

/// An instrument: what its quantities and prices mean.
///
/// Quantities are in `quantity_unit`; prices in `quote_currency` per unit of the underlying.
/// The value of a position (`notional`) is quantity x multiplier x price for a linear
/// instrument, and quantity x multiplier (quote currency) for an inverse one, whose contract
/// is worth a fixed amount of the quote currency (Binance COIN-M BTCUSD_PERP: 100 USD).
struct instrument {
  std::string symbol;  ///< e.g. "GOOG", "BTCUSDT", "BTCUSD_PERP", "BTC/USD"
  std::string venue;   ///< e.g. "NASDAQ", "Binance spot", "Bitstamp"
  footprint::quantity_unit quantity_unit = footprint::quantity_unit::shares;  ///< unit of quantities
  double tick_size = 0.01;             ///< smallest price increment, quote currency; > 0
  double lot_size = 1.0;               ///< smallest quantity increment, in quantity_unit; > 0
  double contract_multiplier = 1.0;    ///< underlying per unit (linear) or quote currency per contract (inverse); > 0
  bool inverse = false;                ///< true when a contract is worth `contract_multiplier` of the quote currency
  std::string quote_currency = "USD";  ///< currency of prices and of notionals

  /// Value of `quantity` at `price`, quote currency: quantity x multiplier x price (linear)
  /// or quantity x multiplier (inverse).
  [[nodiscard]] double notional(double quantity, double price) const noexcept {
    return inverse ? quantity * contract_multiplier : quantity * contract_multiplier * price;
  }

  /// Quantity of the underlying's risk per unit of quantity at `price`, in units of the
  /// underlying: the multiplier (linear), or multiplier / price (inverse). A price move dS
  /// changes the value of q units by q x risk_units(S) x dS, so price-risk formulas in
  /// "shares" take q x risk_units.
  [[nodiscard]] double risk_units(double price) const noexcept {
    return inverse ? contract_multiplier / price : contract_multiplier;
  }

  /// Checks every field. @throws invalid_argument naming the first field out of range
  void validate(std::string_view where) const {
    if (symbol.empty()) throw invalid_argument(detail::concat(where, ": instrument symbol must not be empty"));
    const auto positive = [&](double v, const char* name) {
      if (!(v > 0.0) || !std::isfinite(v)) {
        throw invalid_argument(detail::concat(where, ": instrument ", name, " must be finite and > 0 (got ", v, ")"));
      }
    };
    positive(tick_size, "tick_size");
    positive(lot_size, "lot_size");
    positive(contract_multiplier, "contract_multiplier");
  }

  friend bool operator==(const instrument&, const instrument&) = default;
};

/// Rounds child quantities to whole lots while keeping their total: each child is floored
/// to whole lots and the lots left over go, one each, to the children with the largest
/// remainders (ties: the earlier child), so that the result sums to the total of `trades`
/// rounded to the nearest lot.
/// @param trades child quantities, each finite and >= 0; shape (N)
/// @param lot    lot size, > 0
/// @return shape (N), each a multiple of `lot` (up to rounding of the double product)
/// @throws invalid_argument for a negative or non-finite quantity or lot
[[nodiscard]] inline vector round_to_lots(const vector_cref& trades, double lot) {
  constexpr std::string_view where = "footprint::round_to_lots";
  if (!(lot > 0.0) || !std::isfinite(lot))
    throw invalid_argument(detail::concat(where, ": lot must be finite and > 0 (got ", lot, ")"));
  const index n = trades.size();
  std::vector<double> whole(static_cast<std::size_t>(n));
  std::vector<double> rest(static_cast<std::size_t>(n));
  double total = 0.0;
  double floored = 0.0;
  for (index j = 0; j < n; ++j) {
    const double q = trades[j];
    if (!(q >= 0.0) || !std::isfinite(q)) {
      throw invalid_argument(detail::concat(where, ": trades must be finite and >= 0 (got ", q, " at ", j, ")"));
    }
    const double lots = q / lot;
    whole[static_cast<std::size_t>(j)] = std::floor(lots + 1e-9);  // 2.9999999997 lots is 3
    rest[static_cast<std::size_t>(j)] = lots - whole[static_cast<std::size_t>(j)];
    total += q;
    floored += whole[static_cast<std::size_t>(j)];
  }
  // The total quantity rounded to the nearest lot, less the floored lots: at most N lots.
  auto missing = static_cast<index>(std::llround(total / lot) - std::llround(floored));
  std::vector<index> order(static_cast<std::size_t>(n));
  std::iota(order.begin(), order.end(), index{0});
  std::stable_sort(order.begin(), order.end(), [&](index a, index b) {
    return rest[static_cast<std::size_t>(a)] > rest[static_cast<std::size_t>(b)];
  });
  for (index k = 0; k < n && missing > 0; ++k, --missing)
    whole[static_cast<std::size_t>(order[static_cast<std::size_t>(k)])] += 1.0;
  vector out(n);
  for (index j = 0; j < n; ++j) out[j] = whole[static_cast<std::size_t>(j)] * lot;
  return out;
}

}  // namespace footprint
