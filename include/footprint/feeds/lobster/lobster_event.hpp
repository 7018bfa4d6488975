/// @file feeds/lobster/lobster_event.hpp
/// @brief One LOBSTER event (a message row with the book after it), its trade print and its
/// effect on an order-level book. Read by `lobster_reader` (feeds/lobster/lobster_reader.hpp).
///
/// Source: LOBSTER (Limit Order Book System - The Efficient Reconstructor,
/// https://lobsterdata.com, Humboldt-Universitaet zu Berlin), "Sample Files Readme",
/// version of 1 Sept 2013 (LOBSTER_SampleFiles_ReadMe.txt): message rows
/// `time,type,order_id,size,price,direction`. Type 6 (cross trade, e.g. an auction print)
/// is from LOBSTER's online documentation.
#pragma once

#include "footprint/book/order_level_book.hpp"
#include "footprint/book/price_level_book.hpp"
#include "footprint/book/trade.hpp"
#include "footprint/types.hpp"

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace footprint {

/// The event type of a LOBSTER message (column 2 of the message file).
enum class lobster_event_type : std::uint8_t {
  submit = 1,           ///< 1: submission of a new limit order
  cancel = 2,           ///< 2: cancellation, a *partial* deletion of a limit order (size = shares cancelled)
  delete_order = 3,     ///< 3: deletion, the total deletion of a limit order
  execute_visible = 4,  ///< 4: execution of a visible limit order
  execute_hidden = 5,   ///< 5: execution of a hidden limit order (not in the book)
  cross = 6,            ///< 6: cross trade, e.g. an opening or closing auction print
  halt = 7,             ///< 7: trading halt indicator (price -1 halt, 0 quoting, 1 resume)
};

/// Name of an event type, e.g. "execute_visible".
[[nodiscard]] constexpr std::string_view to_string(lobster_event_type t) noexcept {
  switch (t) {
    case lobster_event_type::submit: return "submit";
    case lobster_event_type::cancel: return "cancel";
    case lobster_event_type::delete_order: return "delete_order";
    case lobster_event_type::execute_visible: return "execute_visible";
    case lobster_event_type::execute_hidden: return "execute_hidden";
    case lobster_event_type::cross: return "cross";
    case lobster_event_type::halt: return "halt";
  }
  return "unknown";
}

/// One LOBSTER event: a message row with the book after it.
///
/// The book views point into the reader and are valid until its next `next` call.
struct lobster_event {
  std::chrono::nanoseconds time{0};  ///< since midnight (exchange local time), exact to the ns of the file
  lobster_event_type type = lobster_event_type::submit;  ///< what happened
  std::int64_t order_id = 0;      ///< LOBSTER's order reference (0 for hidden executions in NASDAQ data)
  std::int64_t quantity = 0;      ///< shares (LOBSTER's size column); > 0 except for halts (0)
  std::int64_t price_x10000 = 0;  ///< the price column as written: USD x 10,000; for halts the code -1, 0 or 1
  double price = nan;             ///< USD (`price_x10000 / 10000`); NaN for halts
  /// Side of the *limit order* the message is about (LOBSTER's direction column): buy = a
  /// bid, sell = an ask. For
  /// executions the aggressor is the opposite side (see `aggressor()`). -1 (sell) for halts.
  footprint::side side = footprint::side::buy;
  book_view book;         ///< the book after the event (orderbook row `line`), k levels at most
  book_view book_before;  ///< the book after the previous accepted event (empty before the first)
  std::size_t line = 0;   ///< 1-based line of the event in both files

  /// True for executions and cross trades (types 4, 5 and 6): the events that print a trade.
  [[nodiscard]] constexpr bool is_trade() const noexcept {
    return type == lobster_event_type::execute_visible || type == lobster_event_type::execute_hidden ||
           type == lobster_event_type::cross;
  }
  /// True for executions of a limit order (types 4 and 5).
  [[nodiscard]] constexpr bool is_execution() const noexcept {
    return type == lobster_event_type::execute_visible || type == lobster_event_type::execute_hidden;
  }
  /// Direction of the liquidity taker: +1 buyer-initiated (a sell limit order, direction -1,
  /// was executed), -1 seller-initiated, 0 for cross trades and non-trades.
  [[nodiscard]] constexpr std::int8_t aggressor() const noexcept {
    if (!is_execution()) return 0;
    return side == footprint::side::sell ? std::int8_t{1} : std::int8_t{-1};
  }
};

/// The trade print of an event: time, price (USD), size (shares), aggressor sign and order
/// id, for executions and cross trades; std::nullopt for other events.
[[nodiscard]] inline std::optional<trade> to_trade(const lobster_event& ev) noexcept {
  if (!ev.is_trade()) return std::nullopt;
  return trade{ev.time, ev.price, static_cast<double>(ev.quantity), ev.aggressor(), ev.order_id};
}

/// Applies one LOBSTER event to an order-level book: submit -> `add`, cancel -> `cancel`,
/// delete -> `remove`, visible execution -> `execute` (the last three with the message's
/// side, price and size, so unknown ids follow rule 1 of `order_level_book`); also sets the
/// book's timestamp. Hidden executions, cross trades and halts leave the orders alone.
///
/// Stale levels (rule 5 of `order_level_book`): a message of types 1 to 4 is about a visible
/// order resting at its price, so no order rests on the other side at or through that price
/// (it would have traded): those levels are taken out first, whatever the file. In a file of
/// one level (`file_levels` 1), every such message is at its side's best, so the levels of
/// its side better than its price are gone too: orders cancelled while outside the first
/// level, of which the file says nothing (on the GOOG level-1 day, 9,180 such orders rest at
/// the close without this rule, and the book is crossed after 98.9% of the messages). In a
/// file of k > 1 levels the same message allows k - 1 better levels, and which of the
/// book's are stale is not known: only the first rule applies.
/// @param file_levels the k of the LOBSTER file (`lobster_reader::levels()`), 0 when unknown
/// @return true when the event changed (or was meant to change) the orders: types 1 to 4
/// @throws invalid_argument only for events not produced by `lobster_reader` (size <= 0, ...)
inline bool apply(order_level_book& book, const lobster_event& ev, index file_levels = 0) {
  book.set_timestamp(ev.time);
  const auto size = static_cast<double>(ev.quantity);
  using type = lobster_event_type;
  if (ev.type != type::submit && ev.type != type::cancel && ev.type != type::delete_order &&
      ev.type != type::execute_visible)
    return false;  // hidden executions, cross trades, halts
  const side other = ev.side == side::buy ? side::sell : side::buy;
  book.remove_levels_beyond(other, ev.price, /*inclusive=*/true);
  if (file_levels == 1) book.remove_levels_beyond(ev.side, ev.price, /*inclusive=*/false);
  if (ev.type == type::submit) {
    book.add(ev.order_id, ev.side, ev.price, size);
  } else if (ev.type == type::cancel) {
    book.cancel(ev.order_id, ev.side, ev.price, size);
  } else if (ev.type == type::delete_order) {
    book.remove(ev.order_id, ev.side, ev.price, size);
  } else {
    book.execute(ev.order_id, ev.side, ev.price, size);
  }
  return true;
}

}  // namespace footprint
