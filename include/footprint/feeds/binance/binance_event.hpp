/// @file feeds/binance/binance_event.hpp
/// @brief One message of a Binance market-data capture, as `binance_reader` and
/// `binance_csv_reader` report it: a diff-depth update, a depth snapshot, a bookTicker or a
/// trade, with its local and exchange timestamps.
///
/// Sources (Binance API documentation, checked 2024):
/// - Spot WebSocket streams, "Diff. Depth Stream", "Individual Symbol Book Ticker Streams",
///   "Trade Streams": https://developers.binance.com/docs/binance-spot-api-docs/web-socket-streams
/// - USD-M futures, "Diff. Book Depth Streams" and "How to manage a local order book
///   correctly": https://developers.binance.com/docs/derivatives/usds-margined-futures/websocket-market-streams
#pragma once

#include "footprint/book/price_level_book.hpp"
#include "footprint/book/trade.hpp"
#include "footprint/types.hpp"

#include <chrono>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

namespace footprint {

/// The unit of a capture's local timestamps (the first field of each line).
enum class binance_time_unit : std::uint8_t {
  automatic,     ///< from the first line's magnitude (epoch times): >= 1e17 ns, >= 1e14 us, >= 1e11 ms, else ns
  nanoseconds,   ///< the recorder's documented unit (the 2024 captures)
  microseconds,  ///< e.g. the 2023-04 USD-M captures
  milliseconds,  ///< as Binance's own event times
};

/// A time unit by name, as the programs' `--time-unit` takes it: "auto", "ns", "us" or "ms";
/// nullopt for anything else.
[[nodiscard]] constexpr std::optional<binance_time_unit> binance_time_unit_from_string(std::string_view name) noexcept {
  if (name == "auto") return binance_time_unit::automatic;
  if (name == "ns") return binance_time_unit::nanoseconds;
  if (name == "us") return binance_time_unit::microseconds;
  if (name == "ms") return binance_time_unit::milliseconds;
  return std::nullopt;
}

/// What a Binance message is.
enum class binance_event_kind : std::uint8_t {
  depth_update,    ///< a diff-depth event (`depthUpdate`): absolute quantities of changed levels
  depth_snapshot,  ///< a REST depth snapshot (`lastUpdateId`, `bids`, `asks`) found in the capture
  book_ticker,     ///< a bookTicker event: the exact best bid and ask after update `u`
  trade,           ///< a trade event (`@trade`)
};

/// Name of a kind, e.g. "depth_update".
[[nodiscard]] constexpr std::string_view to_string(binance_event_kind k) noexcept {
  switch (k) {
    case binance_event_kind::depth_update: return "depth_update";
    case binance_event_kind::depth_snapshot: return "depth_snapshot";
    case binance_event_kind::book_ticker: return "book_ticker";
    case binance_event_kind::trade: return "trade";
  }
  return "unknown";
}

/// A Binance bookTicker: the best bid and ask (price and quantity) after order-book update
/// `update_id`. Binance pushes one on every change of the best bid or ask, in real time.
///
/// A side reported as price 0 and quantity 0 (an empty side) is NaN here.
struct binance_book_ticker {
  std::int64_t update_id = -1;                            ///< `u`, the order-book update id; -1 before the first
  double bid_price = nan;                                 ///< `b`, quote currency
  double bid_quantity = nan;                              ///< `B`, base currency (coins or contracts)
  double ask_price = nan;                                 ///< `a`, quote currency
  double ask_quantity = nan;                              ///< `A`, base currency
  std::chrono::nanoseconds local_time{0};                 ///< capture time, since the Unix epoch
  std::optional<std::chrono::nanoseconds> exchange_time;  ///< `E`, since the epoch (futures only; spot sends none)
};

/// One message of a Binance capture. `kind` says which fields are meaningful.
///
/// Common to all kinds: `local_time`, `exchange_time`, `line`. Depth updates and snapshots
/// fill the update ids, `bids`, `asks` and the three flags; bookTickers fill `ticker`;
/// trades fill `trade`. The spans point into the reader and stay valid until its next
/// `next()` call.
struct binance_event {
  binance_event_kind kind = binance_event_kind::depth_update;  ///< what the message is
  std::chrono::nanoseconds local_time{0};  ///< capture time (the recorder's clock), since the Unix epoch
  std::optional<std::chrono::nanoseconds>
      exchange_time;  ///< `E` (event time), since the epoch; empty when the message has none (spot bookTicker, spot snapshot)
  std::size_t line = 0;  ///< 1-based line of the message in its file

  // ---- depth_update and depth_snapshot
  std::int64_t first_update_id = -1;     ///< `U` (depth_update); -1 for a snapshot
  std::int64_t last_update_id = -1;      ///< `u` (depth_update) or `lastUpdateId` (snapshot)
  std::int64_t previous_update_id = -1;  ///< `pu` (USD-M futures depth_update); -1 when absent (spot)
  std::span<const price_level> bids;     ///< the message's bid levels as sent (quantity 0 = delete)
  std::span<const price_level> asks;     ///< the message's ask levels as sent (quantity 0 = delete)
  bool applied =
      false;  ///< the message changed the book (false: a stale update or an unusable snapshot, see binance_depth_book)
  bool gap = false;      ///< update-id continuity broke just before this update (updates are missing)
  bool crossed = false;  ///< the book is crossed (best bid >= best ask) after this message

  // ---- book_ticker
  binance_book_ticker ticker;  ///< the bookTicker (kind == book_ticker)

  // ---- trade
  footprint::trade
      trade;  ///< the trade (kind == trade): time = trade time `T` since the epoch, sign from `m`, id = `t`
};

}  // namespace footprint
