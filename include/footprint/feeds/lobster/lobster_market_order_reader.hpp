/// @file feeds/lobster/lobster_market_order_reader.hpp
/// @brief LOBSTER executions grouped into market orders: the grouping rule once
/// (`lobster_market_order_grouper`, fed one event at a time, which `lobster_dataset` uses
/// too) and a reader adaptor that yields the market orders of a `lobster_reader`.
#pragma once

#include "footprint/book/price_level_book.hpp"
#include "footprint/feeds/lobster/lobster_event.hpp"
#include "footprint/feeds/lobster/lobster_reader.hpp"
#include "footprint/types.hpp"

#include <chrono>
#include <cstddef>
#include <cstdint>

namespace footprint {

/// Which executions are grouped into market orders.
struct lobster_grouping_options {
  /// Count executions of hidden orders (type 5) as fills too. Visible executions (type 4)
  /// always count; cross trades (type 6, auctions) never do.
  bool include_hidden = true;
};

/// One market order: the executions with one timestamp and one aggressor side.
struct lobster_market_order {
  std::chrono::nanoseconds time{0};             ///< since midnight, the fills' common timestamp
  footprint::side side = footprint::side::buy;  ///< aggressor: buy (buyer-initiated) or sell
  double quantity = 0.0;                        ///< total shares filled, > 0
  double vwap = nan;                            ///< volume-weighted average fill price, USD
  double worst_price = nan;                     ///< USD: the highest fill price of a buy, the lowest of a sell
  std::size_t fills = 0;                        ///< number of execution messages, >= 1
  std::size_t hidden_fills = 0;                 ///< of which against hidden orders (0 unless include_hidden)
  std::size_t first_line = 0;                   ///< 1-based line of the first fill in both files
  price_level_book arrival_book;                ///< the book just before the first fill (after the previous event)
};

/// The grouping rule of LOBSTER market orders, fed one event at a time.
///
/// Rule: among the counted executions (visible ones, plus hidden ones when
/// `include_hidden`), consecutive executions with the same timestamp and the same
/// aggressor side (see `lobster_event::aggressor`) are the fills of one market order.
/// Other events in between (submissions, deletions, uncounted hidden executions) neither
/// join nor split a group: a market order walking the book is reported by LOBSTER as a run
/// of executions with one timestamp. The arrival book is the book before the first fill;
/// vwap = sum(quantity x price) / sum(quantity), computed in ticks (USD x 10,000), so that
/// fills at one price give exactly that price.
///
/// Usage: for each event in file order, `if (g.add(ev, done)) use(done);`, then at the end
/// `if (g.finish(done)) use(done);`.
class lobster_market_order_grouper {
 public:
  explicit lobster_market_order_grouper(lobster_grouping_options options = {}) noexcept : options_(options) {}

  /// True when `ev` is counted as a fill (a visible execution, or a hidden one when
  /// `include_hidden`).
  [[nodiscard]] bool counts(const lobster_event& ev) const noexcept {
    return ev.type == lobster_event_type::execute_visible ||
           (options_.include_hidden && ev.type == lobster_event_type::execute_hidden);
  }

  /// True when `ev` starts a new market order (a counted fill whose time or aggressor
  /// differs from the open order's, or the first counted fill): call before `add`.
  [[nodiscard]] bool opens(const lobster_event& ev) const noexcept {
    return counts(ev) && (!open_ || ev.time != current_.time || side_of_print(ev.aggressor()) != current_.side);
  }

  /// Observes the next event (in file order).
  /// @param ev   the event, with its `book_before` (the arrival book when it opens an order)
  /// @param done receives the market order that `ev` completed, when it completed one
  /// @return true when `ev` completed the open market order (by opening the next one)
  /// Complexity: O(1), plus O(levels) to copy the arrival book when `ev` opens an order.
  bool add(const lobster_event& ev, lobster_market_order& done) {
    if (!counts(ev)) return false;
    const bool completes = open_ && opens(ev);
    if (completes) close_into(done);
    if (!open_) {
      open_ = true;
      current_.time = ev.time;
      current_.side = side_of_print(ev.aggressor());
      current_.quantity = 0.0;
      current_.fills = 0;
      current_.hidden_fills = 0;
      current_.first_line = ev.line;
      current_.worst_price = ev.price;
      notional_x10000_ = 0.0;
      copy_book(ev.book_before, current_.arrival_book);
    }
    const auto q = static_cast<double>(ev.quantity);
    current_.quantity += q;
    notional_x10000_ += q * static_cast<double>(ev.price_x10000);  // exact for real sizes and prices
    ++current_.fills;
    if (ev.type == lobster_event_type::execute_hidden) ++current_.hidden_fills;
    if (current_.side == side::buy ? ev.price > current_.worst_price : ev.price < current_.worst_price) {
      current_.worst_price = ev.price;
    }
    return completes;
  }

  /// Completes the open market order at the end of the events.
  /// @return true (and the order in `done`) when one was open
  bool finish(lobster_market_order& done) {
    if (!open_) return false;
    close_into(done);
    return true;
  }

 private:
  void close_into(lobster_market_order& done) {
    current_.vwap = notional_x10000_ / current_.quantity / 10000.0;
    done.time = current_.time;
    done.side = current_.side;
    done.quantity = current_.quantity;
    done.vwap = current_.vwap;
    done.worst_price = current_.worst_price;
    done.fills = current_.fills;
    done.hidden_fills = current_.hidden_fills;
    done.first_line = current_.first_line;
    std::swap(done.arrival_book, current_.arrival_book);  // reuses both books' storage
    open_ = false;
  }

  // Copies a view into a price_level_book, reusing its storage; O(levels).
  static void copy_book(const book_view& from, price_level_book& to) {
    to.clear();
    for (const price_level& l : from.bids_worst_first) to.set_level(side::buy, l.price, l.quantity);
    for (const price_level& l : from.asks_worst_first) to.set_level(side::sell, l.price, l.quantity);
    to.set_timestamp(from.time);
  }

  lobster_grouping_options options_;
  lobster_market_order current_;
  double notional_x10000_ = 0.0;
  bool open_ = false;
};

/// Yields the market orders of a `lobster_reader` (the grouping rule of
/// `lobster_market_order_grouper`).
///
/// The reader must not be advanced by anyone else while this adaptor is in use.
class lobster_market_order_reader {
 public:
  /// @param reader the event source; must outlive this object
  /// @param options which executions count
  explicit lobster_market_order_reader(lobster_reader& reader, lobster_grouping_options options = {}) noexcept
      : reader_(&reader), grouper_(options) {}

  /// Reads the next market order.
  /// @param mo receives it (its arrival book reuses its storage); unchanged when false
  /// @return false when the events have ended
  /// @throws data_error as `lobster_reader::next`
  /// Complexity: O(events read); copies the arrival book once per market order.
  bool next(lobster_market_order& mo) {
    while (reader_->next(ev_)) {
      if (grouper_.add(ev_, mo)) return true;
    }
    return grouper_.finish(mo);
  }

 private:
  lobster_reader* reader_;
  lobster_market_order_grouper grouper_;
  lobster_event ev_;
};

}  // namespace footprint
