/// @file simulation/lobster_order_flow.hpp
/// @brief Converts a LOBSTER message + orderbook file pair into an order-flow tape
/// (`lobster_order_flow`), the input of `order_flow_statistics`.
///
/// Source format: LOBSTER "Sample Files Readme" (see feeds/lobster/lobster_reader.hpp).
#pragma once

#include "footprint/detail/concat.hpp"
#include "footprint/error.hpp"
#include "footprint/feeds/lobster/lobster_event.hpp"
#include "footprint/feeds/lobster/lobster_reader.hpp"
#include "footprint/feeds/parse_report.hpp"
#include "footprint/simulation/order_flow_event.hpp"
#include "footprint/simulation/order_flow_statistics.hpp"
#include "footprint/types.hpp"

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace footprint {

/// Settings of `lobster_order_flow`.
struct lobster_order_flow_options {
  /// Tick of the tape, USD; a whole multiple of LOBSTER's price unit (0.0001 USD), > 0.
  /// 0.01 is NASDAQ's tick; a coarser grid aggregates levels (bids floored, asks ceiled).
  double tick_size = 0.01;
  parse_policy policy = parse_policy::strict;  ///< malformed rows: throw or skip and count
};

/// What `lobster_order_flow` read, emitted and skipped.
struct lobster_order_flow_report {
  std::size_t rows = 0;               ///< message rows read (accepted)
  std::size_t submits = 0;            ///< type 1 -> limit
  std::size_t partial_cancels = 0;    ///< type 2 -> cancel
  std::size_t deletes = 0;            ///< type 3 -> cancel
  std::size_t executions = 0;         ///< type 4 (visible) -> market
  std::size_t hidden_executions = 0;  ///< type 5: not book events, skipped
  std::size_t crosses = 0;            ///< type 6 (auction prints): skipped
  std::size_t halts = 0;              ///< type 7: skipped
  std::size_t levels_corrected = 0;   ///< set_quantity events emitted to follow the orderbook file
  order_flow_counts emitted;          ///< events of each kind in the tape
  parse_report parse;                 ///< the reader's lines read and rows skipped
};

/// A LOBSTER day as an order-flow tape, with its report.
struct lobster_order_flow_result {
  std::vector<order_flow_event> events;  ///< time = ns since midnight (the files' clock), non-decreasing
  lobster_order_flow_report report;      ///< counts
};

/// Converts a LOBSTER message file and its orderbook file into an order-flow tape.
///
/// Each message row becomes one event on the side of the limit order it concerns (LOBSTER's
/// direction: buy = the bid queue), at its price in ticks and with its size in shares:
/// type 1 (submission) -> limit; types 2 (partial cancel) and 3 (deletion) -> cancel; type
/// 4 (visible execution) -> market. Hidden executions (type 5) touch no visible queue, and
/// cross trades (6) and halts (7) are no order-book events: they are counted and skipped.
///
/// The converter replays its events on a tick ladder (`order_flow_statistics`'s). The
/// orderbook file shows the best k levels after each message, and the message file only the
/// orders placed after the start of the file, so after each message the ladder is compared
/// with the row: on each side every ladder level better than the row's best is set to 0,
/// and each of the row's k levels that the ladder disagrees with is set to the row's size
/// (on a coarser grid, where the row shows only part of a grid level, a level is raised to
/// the row's size when the ladder holds less, and the levels between the row's price
/// levels are not checked). The corrections are `set_quantity` events at the message's
/// time, after its event. An empty side of the row empties the ladder's side. So the tape
/// replays to the real best quotes (e.g. a new best level appearing after a depletion, with
/// the orders that rested there since before the file started).
/// @param message_path the `..._message_k.csv` file (plain, gzip or bzip2)
/// @param orderbook_path the matching `..._orderbook_k.csv` file
/// @param options tick size and parse policy
/// @return the tape and the report
/// @throws invalid_argument when tick_size is not a positive multiple of 0.0001
/// @throws data_error from the reader (a missing file, a malformed row under the strict policy)
/// Complexity: O(rows x (k + log levels)); memory: the tape and the ladder.
[[nodiscard]] inline lobster_order_flow_result lobster_order_flow(const std::string& message_path,
                                                                  const std::string& orderbook_path,
                                                                  const lobster_order_flow_options& options = {}) {
  const double units = options.tick_size * 10000.0;
  const double rounded = std::round(units);
  if (!(options.tick_size > 0.0) || !std::isfinite(units) || rounded < 1.0 || std::abs(units - rounded) > 1e-6)
    throw invalid_argument(
        detail::concat("footprint::lobster_order_flow: tick_size must be a positive multiple of 0.0001 USD (got ",
                       options.tick_size, ")"));
  const auto tick_units = static_cast<std::int64_t>(rounded);
  // Floor for bids, ceiling for asks (prices > 0).
  auto to_tick = [tick_units](std::int64_t price_x10000, side s) {
    const std::int64_t q = price_x10000 / tick_units;
    return s == side::buy || price_x10000 % tick_units == 0 ? q : q + 1;
  };
  // On NASDAQ's grid (or finer) each row level is one tape level: it is set exactly.
  const bool exact_rows = tick_units <= 100;

  lobster_reader reader(message_path, orderbook_path, lobster_options{.policy = options.policy});
  lobster_order_flow_result out;
  lobster_order_flow_report& rep = out.report;
  detail::simulation::tick_ladder ladder;
  auto emit = [&](const order_flow_event& e) {
    bool clamped = false;
    ladder.apply(e, clamped);
    out.events.push_back(e);
    rep.emitted.add(e.kind);
  };
  auto correct = [&](std::chrono::nanoseconds t, side s, std::span<const price_level> levels) {
    // `levels` best first (book_view's spans are worst first: reversed below by the caller).
    detail::simulation::ladder_side& ls = ladder[s];
    if (levels.empty()) {
      while (!ls.empty()) {
        emit(order_flow_event{t, order_flow_kind::set_quantity, s, ls.best(), 0.0});
        ++rep.levels_corrected;
      }
      return;
    }
    const std::int64_t best = to_tick(std::llround(levels.front().price * 10000.0), s);
    while (!ls.empty() && ls.better(ls.best(), best)) {
      emit(order_flow_event{t, order_flow_kind::set_quantity, s, ls.best(), 0.0});
      ++rep.levels_corrected;
    }
    for (const price_level& l : levels) {
      const std::int64_t tick = to_tick(std::llround(l.price * 10000.0), s);
      const double have = ls.quantity(tick);
      if (exact_rows ? have != l.quantity : have < l.quantity) {
        emit(order_flow_event{t, order_flow_kind::set_quantity, s, tick, l.quantity});
        ++rep.levels_corrected;
      }
    }
  };
  std::vector<price_level> best_first;
  lobster_event ev;
  while (reader.next(ev)) {
    ++rep.rows;
    order_flow_event e{ev.time, order_flow_kind::limit, ev.side, 0, static_cast<double>(ev.quantity)};
    bool book_event = true;
    switch (ev.type) {
      case lobster_event_type::submit: ++rep.submits; break;
      case lobster_event_type::cancel:
        ++rep.partial_cancels;
        e.kind = order_flow_kind::cancel;
        break;
      case lobster_event_type::delete_order:
        ++rep.deletes;
        e.kind = order_flow_kind::cancel;
        break;
      case lobster_event_type::execute_visible:
        ++rep.executions;
        e.kind = order_flow_kind::market;
        break;
      case lobster_event_type::execute_hidden:
        ++rep.hidden_executions;
        book_event = false;
        break;
      case lobster_event_type::cross:
        ++rep.crosses;
        book_event = false;
        break;
      case lobster_event_type::halt:
        ++rep.halts;
        book_event = false;
        break;
    }
    if (book_event) {
      e.price_tick = to_tick(ev.price_x10000, ev.side);
      emit(e);
    }
    for (const side s : {side::buy, side::sell}) {
      const std::span<const price_level> worst_first =
          s == side::buy ? ev.book.bids_worst_first : ev.book.asks_worst_first;
      best_first.assign(worst_first.rbegin(), worst_first.rend());
      correct(ev.time, s, best_first);
    }
  }
  rep.parse = reader.report();
  return out;
}

}  // namespace footprint
