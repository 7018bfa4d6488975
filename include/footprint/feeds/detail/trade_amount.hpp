/// @file feeds/detail/trade_amount.hpp
/// @brief Private to feeds/: the bound on a trade's price and quantity that the trade readers
/// (`binance_reader`, `binance_csv_reader`, `bitstamp_trade_reader`) and the fills CSV reader
/// share, and its message.
#pragma once

#include "footprint/detail/concat.hpp"

#include <cstdio>
#include <string>
#include <string_view>

namespace footprint::detail {

/// The largest trade price and quantity the trade readers accept (10^18): the sum of
/// price x quantity over a market order's trades, its notional, then stays finite (a trade of
/// 1.7881e308 BTC made it infinite, and the order's VWAP with it).
inline constexpr double max_trade_amount = 1e18;

/// The message of a trade price or quantity above `max_trade_amount`; `got` is its text.
[[nodiscard]] inline std::string trade_amount_out_of_range(std::string_view got) {
  return concat("out of range (more than ", max_trade_amount, ": the market order's notional would overflow; got ", got,
                ")");
}

/// The same for a value read as a number, shown with 6 significant digits.
[[nodiscard]] inline std::string trade_amount_out_of_range(double got) {
  char text[32];
  std::snprintf(text, sizeof text, "%.6g", got);
  return trade_amount_out_of_range(std::string_view(text));
}

}  // namespace footprint::detail
