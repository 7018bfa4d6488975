/// @file feeds/binance/binance_instrument.hpp
/// @brief The instrument of a Binance capture, from its symbol and market: units, tick and lot
/// sizes, and for COIN-M the contract's USD value.
#pragma once

#include "footprint/feeds/binance/binance_depth_book.hpp"
#include "footprint/instrument.hpp"

#include <algorithm>
#include <cctype>
#include <string>
#include <string_view>

namespace footprint {

/// The instrument of a Binance symbol on a market (the continuity rule the reader detected).
///
/// - COIN-M (inverse) contracts, recognised by an underscore in the symbol (`BTCUSD_PERP`,
///   `ETHUSD_240927`): quantities in contracts, each worth 100 USD for BTC and 10 USD for the
///   other coins (Binance's contract specifications); tick 0.1, lot 1 contract.
/// - USD-M futures (`usd_m_futures` without an underscore): quantities in coins of the base
///   asset (multiplier 1, linear), tick 0.1 and lot 0.001 for BTCUSDT, tick 0.01 and lot 0.001
///   otherwise.
/// - spot: coins, tick 0.01, lot 0.00001 for BTCUSDT, 0.0001 for ETHUSDT, 1e-8 otherwise.
/// Ticks and lots are Binance's filters (PRICE_FILTER, LOT_SIZE) for these symbols in
/// 2024; they change over time and per symbol: override them (`footprint-pretrade
/// --tick-size`, `--lot-size`) for other symbols. The quote currency is USD for USDT, USDC
/// and USD pairs, else the symbol's last three letters.
/// @param symbol the stream's `s` (e.g. "BTCUSDT"); case-insensitive
/// @param market the reader's market (`binance_reader::market`)
[[nodiscard]] inline instrument binance_instrument(std::string_view symbol, binance_market market) {
  std::string s(symbol);
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  instrument out;
  out.symbol = s;
  const std::string base = s.substr(0, s.find('_'));
  const bool usd_quoted = base.ends_with("USDT") || base.ends_with("USDC") || base.ends_with("USD");
  out.quote_currency = usd_quoted || base.size() < 3 ? "USD" : base.substr(base.size() - 3);
  if (s.find('_') != std::string::npos) {
    out.venue = "Binance COIN-M";
    out.quantity_unit = quantity_unit::contracts;
    out.inverse = true;
    out.contract_multiplier = base.starts_with("BTC") ? 100.0 : 10.0;
    out.tick_size = 0.1;
    out.lot_size = 1.0;
  } else if (market == binance_market::usd_m_futures) {
    out.venue = "Binance USD-M";
    out.quantity_unit = quantity_unit::coins;
    out.tick_size = s == "BTCUSDT" ? 0.1 : 0.01;
    out.lot_size = 0.001;
  } else {
    out.venue = "Binance spot";
    out.quantity_unit = quantity_unit::coins;
    out.tick_size = 0.01;
    out.lot_size = s == "BTCUSDT" ? 1e-5 : (s == "ETHUSDT" ? 1e-4 : 1e-8);
  }
  return out;
}

}  // namespace footprint
