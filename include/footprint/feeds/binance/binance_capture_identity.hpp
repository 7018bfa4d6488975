/// @file feeds/binance/binance_capture_identity.hpp
/// @brief `binance_capture_identity`: consecutive Binance captures read as one history must be
/// one instrument: one symbol and one market. BTCUSDT on spot and BTCUSDT on USD-M futures are
/// two instruments (another lot, tick and book), though their streams share the symbol.
#pragma once

#include "footprint/detail/concat.hpp"
#include "footprint/error.hpp"
#include "footprint/feeds/binance/binance_depth_book.hpp"

#include <string>

namespace footprint {

/// The instrument of consecutive Binance captures: the symbol (`s`) and the market (spot, or
/// USD-M futures when depth updates carry `pu`) of the first captures that show them. Give
/// each reader to `add` once it is read to its end, in file order.
class binance_capture_identity {
 public:
  /// Records what `reader` showed (`symbol()`, `depth().market()`; a capture with no message
  /// carrying a symbol, or no depth update, shows nothing of that).
  /// @throws data_error naming the reader's file and the field (`s` or `pu`) when its symbol
  ///         or market differs from an earlier capture's: one instrument per history
  template <class Reader>
  void add(const Reader& reader) {
    const std::string& s = reader.symbol();
    if (!s.empty()) {
      if (symbol_.empty()) {
        symbol_ = s;
        symbol_file_ = reader.name();
      } else if (s != symbol_) {
        throw data_error(reader.name(), 0, 0, "s",
                         detail::concat("symbol '", s, "' differs from '", symbol_, "' of ", symbol_file_,
                                        ": one instrument per dataset"));
      }
    }
    const binance_market m = reader.depth().market();
    if (m == binance_market::automatic) return;
    if (market_ == binance_market::automatic) {
      market_ = m;
      market_file_ = reader.name();
    } else if (m != market_) {
      throw data_error(reader.name(), 0, 0, "pu",
                       detail::concat("a capture of the ", to_string(m), " market after one of the ",
                                      to_string(market_), " market (", market_file_,
                                      "): one instrument per dataset (the same symbol on spot and on futures is "
                                      "two instruments, with their own lot, tick and book)"));
    }
  }

  /// The symbol, empty when no capture showed one.
  [[nodiscard]] const std::string& symbol() const noexcept { return symbol_; }
  /// The market, `automatic` when no capture had a depth update.
  [[nodiscard]] binance_market market() const noexcept { return market_; }

 private:
  std::string symbol_, symbol_file_, market_file_;
  binance_market market_ = binance_market::automatic;
};

}  // namespace footprint
