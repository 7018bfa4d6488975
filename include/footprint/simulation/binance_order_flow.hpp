/// @file simulation/binance_order_flow.hpp
/// @brief Converts Binance diff-depth updates and trades (one capture split over consecutive
/// files) into an order-flow tape (`binance_order_flow`), the input of `order_flow_statistics`.
///
/// Source format and update-id rules: feeds/binance/binance_reader.hpp and
/// feeds/binance/binance_depth_book.hpp (Binance, "How to manage a local order book correctly").
#pragma once

#include "footprint/detail/concat.hpp"
#include "footprint/error.hpp"
#include "footprint/feeds/binance/binance_capture_identity.hpp"
#include "footprint/feeds/binance/binance_event.hpp"
#include "footprint/feeds/binance/binance_reader.hpp"
#include "footprint/feeds/parse_report.hpp"
#include "footprint/simulation/order_flow_event.hpp"
#include "footprint/simulation/order_flow_statistics.hpp"
#include "footprint/types.hpp"

#include <chrono>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <utility>
#include <vector>

namespace footprint {

/// Settings of `binance_order_flow`.
struct binance_order_flow_options {
  /// Tick of the tape, quote currency, > 0: 0.01 is BTCUSDT's spot tick; a coarser grid (e.g.
  /// 1 USDT) aggregates levels (bids floored, asks ceiled to the grid).
  double tick_size = 0.01;
  parse_policy policy = parse_policy::strict;                  ///< malformed lines: throw or skip and count
  binance_time_unit time_unit = binance_time_unit::automatic;  ///< unit of the local timestamps
};

/// What `binance_order_flow` read, emitted and skipped.
struct binance_order_flow_report {
  std::size_t depth_updates = 0;            ///< diff-depth messages read
  std::size_t updates_applied = 0;          ///< applied to the ladder (including the replayed ones)
  std::size_t updates_before_snapshot = 0;  ///< before the first snapshot: kept, then replayed when newer than it
  std::size_t updates_replayed = 0;         ///< of those, newer than the snapshot and applied at its time
  std::size_t updates_stale = 0;            ///< u <= the last applied id: skipped
  std::size_t gaps = 0;                     ///< updates whose U did not follow the previous u (applied anyway)
  std::size_t snapshots = 0;                ///< REST snapshots applied (set_quantity events)
  std::size_t trades = 0;                   ///< trade messages
  double trade_quantity = 0.0;              ///< their quantity, base units
  double matched_trade_quantity = 0.0;      ///< of which matched to a level decrease (market events)
  double unmatched_trade_quantity = 0.0;    ///< trades no decrease at their price absorbed by the next update
  order_flow_counts emitted;                ///< events of each kind in the tape
  std::vector<parse_report> parse;          ///< one per file
};

/// A Binance capture as an order-flow tape, with its report.
struct binance_order_flow_result {
  std::vector<order_flow_event> events;  ///< time = the recorder's local clock, ns since the epoch; non-decreasing
  binance_order_flow_report report;      ///< counts
};

/// Converts a Binance capture (diff-depth updates, trades and at least one REST depth
/// snapshot), given as consecutive files of one stream, into an order-flow tape.
///
/// Rules:
/// - the ladder starts at the first REST snapshot (`set_quantity` for each of its grid
///   levels); the diff updates before it are kept and those newer than it (u > lastUpdateId)
///   are applied at the snapshot's time; later snapshots resynchronise the ladder the same
///   way (set_quantity for every grid level that differs);
/// - each diff update's level (price, new quantity) is compared with the quantity the price
///   had (the decreases of an update first, then its increases, so that the ladder does not
///   cross in between): an increase -> a limit order of the difference; a decrease -> a market event for
///   the part matched by trades at that grid level on that side (the resting side: the bid
///   when the buyer is the maker) with trade time `T` <= the update's event time `E`, and a
///   cancel for the rest. Trades left unmatched by the first update that covers them are
///   counted (`unmatched_trade_quantity`) and dropped;
/// - updates with u <= the last applied id are stale and skipped; an update whose U is not
///   the previous u + 1 is a gap, counted and applied (the Binance spot rule);
/// - bookTicker messages are not used (the ladder is the depth stream's).
/// Events carry the update's local receive time. Files after the first continue its stream
/// (their own readers' depth books are not used).
/// @param paths the capture files in time order (plain, gzip or bzip2), e.g.
///   `spot/btcusdt_20240808.gz` then `spot/btcusdt_20240809.gz`
/// @param options tick size, parse policy, time unit
/// @return the tape and the report
/// @throws invalid_argument when tick_size is not finite and > 0, or `paths` is empty
/// @throws data_error from a reader, when the capture has no snapshot, when a file starts
///         before the previous one ended (not in time order), or when its symbol or market
///         (spot, USD-M futures) differs from an earlier file's (`binance_capture_identity`)
/// Complexity: O(levels changed x log levels) per update, plus parsing.
[[nodiscard]] inline binance_order_flow_result binance_order_flow(std::span<const std::string> paths,
                                                                  const binance_order_flow_options& options = {}) {
  if (!(options.tick_size > 0.0) || !std::isfinite(options.tick_size))
    throw invalid_argument(detail::concat("footprint::binance_order_flow: tick_size must be finite and > 0 (got ",
                                          options.tick_size, ")"));
  if (paths.empty()) throw invalid_argument("footprint::binance_order_flow: no capture file given");
  const double ts = options.tick_size;
  binance_order_flow_result out;
  binance_order_flow_report& rep = out.report;
  detail::simulation::tick_ladder grid;    // the tape's ladder (grid ticks)
  detail::simulation::tick_ladder native;  // exact levels: price x 1e8 -> quantity
  auto native_key = [](double price) { return static_cast<std::int64_t>(std::llround(price * 1e8)); };
  auto emit = [&](const order_flow_event& e) {
    bool clamped = false;
    grid.apply(e, clamped);
    out.events.push_back(e);
    rep.emitted.add(e.kind);
  };
  struct pending_trade {
    side s;
    std::int64_t tick;
    double quantity;
    std::int64_t time_ns;  // trade time T
  };
  std::vector<pending_trade> trades;
  struct buffered_update {
    std::int64_t first;
    std::int64_t last;
    std::int64_t event_ns;
    std::vector<price_level> bids;
    std::vector<price_level> asks;
  };
  std::vector<buffered_update> early;  // updates before the first snapshot
  bool synced = false;
  std::int64_t last_id = -1;

  auto apply_level = [&](std::chrono::nanoseconds t, side s, const price_level& l) {
    const std::int64_t key = native_key(l.price);
    const double before = native[s].set(key, l.quantity);
    const double delta = l.quantity - before;
    if (std::abs(delta) <= detail::simulation::ladder_side::zero_quantity) return;
    const std::int64_t tick = detail::simulation::to_tick(l.price, ts, s);
    if (delta > 0.0) {
      emit(order_flow_event{t, order_flow_kind::limit, s, tick, delta});
      return;
    }
    double rest = -delta;
    for (pending_trade& p : trades) {
      if (p.s != s || p.tick != tick || !(p.quantity > 0.0)) continue;
      const double m = std::min(rest, p.quantity);
      if (!(m > 0.0)) continue;
      emit(order_flow_event{t, order_flow_kind::market, s, tick, m});
      rep.matched_trade_quantity += m;
      p.quantity -= m;
      rest -= m;
      if (!(rest > detail::simulation::ladder_side::zero_quantity)) break;
    }
    if (rest > detail::simulation::ladder_side::zero_quantity)
      emit(order_flow_event{t, order_flow_kind::cancel, s, tick, rest});
  };
  auto apply_update = [&](std::chrono::nanoseconds t, std::int64_t first, std::int64_t last, std::int64_t event_ns,
                          std::span<const price_level> bids, std::span<const price_level> asks) {
    if (last <= last_id) {
      ++rep.updates_stale;
      return;
    }
    if (first > last_id + 1) ++rep.gaps;
    last_id = last;
    ++rep.updates_applied;
    // Decreases first, then increases: the levels of one update are simultaneous, and
    // removing before adding keeps the ladder from crossing in between.
    for (const bool decreases : {true, false}) {
      for (const side s : {side::buy, side::sell})
        for (const price_level& l : s == side::buy ? bids : asks)
          if ((l.quantity < native[s].quantity(native_key(l.price))) == decreases) apply_level(t, s, l);
    }
    // Trades up to the update's event time were its to absorb: drop what is left of them.
    std::size_t kept = 0;
    for (const pending_trade& p : trades) {
      if (p.time_ns <= event_ns) {
        if (p.quantity > detail::simulation::ladder_side::zero_quantity) rep.unmatched_trade_quantity += p.quantity;
      } else {
        trades[kept++] = p;
      }
    }
    trades.resize(kept);
  };
  std::vector<std::pair<std::int64_t, double>> levels;  // a snapshot side on the grid, best first
  std::vector<std::int64_t> stale;
  auto install = [&](std::chrono::nanoseconds t, side s, std::span<const price_level> snapshot) {
    native[s].clear();
    levels.clear();
    for (const price_level& l : snapshot) {
      native[s].set(native_key(l.price), l.quantity);
      const std::int64_t tick = detail::simulation::to_tick(l.price, ts, s);
      if (!levels.empty() && levels.back().first == tick) {
        levels.back().second += l.quantity;
      } else {
        levels.emplace_back(tick, l.quantity);
      }
    }
    stale.clear();
    for (const auto& l : grid[s].levels()) {
      bool present = false;
      for (const auto& g : levels) present = present || g.first == l.tick;
      if (!present) stale.push_back(l.tick);
    }
    for (const std::int64_t tick : stale) emit(order_flow_event{t, order_flow_kind::set_quantity, s, tick, 0.0});
    for (const auto& [tick, q] : levels)
      if (std::abs(grid[s].quantity(tick) - q) > detail::simulation::ladder_side::zero_quantity)
        emit(order_flow_event{t, order_flow_kind::set_quantity, s, tick, q});
  };

  binance_capture_identity identity;
  std::chrono::nanoseconds last_time = std::chrono::nanoseconds::min();
  for (const std::string& path : paths) {
    binance_reader reader(path, binance_options{.policy = options.policy, .time_unit = options.time_unit});
    binance_event ev;
    bool first_of_file = true;
    while (reader.next(ev)) {
      if (first_of_file && ev.local_time < last_time)
        throw data_error(reader.name(), ev.line, 1, "local_ts_ns",
                         detail::concat("time goes back across captures (", ev.local_time.count(), " ns after ",
                                        last_time.count(), " ns): give the files in time order"));
      first_of_file = false;
      last_time = ev.local_time;
      switch (ev.kind) {
        case binance_event_kind::depth_update: {
          ++rep.depth_updates;
          const std::int64_t e_ns = ev.exchange_time ? ev.exchange_time->count() : ev.local_time.count();
          if (!synced) {
            ++rep.updates_before_snapshot;
            early.push_back(buffered_update{ev.first_update_id, ev.last_update_id, e_ns,
                                            std::vector<price_level>(ev.bids.begin(), ev.bids.end()),
                                            std::vector<price_level>(ev.asks.begin(), ev.asks.end())});
            break;
          }
          apply_update(ev.local_time, ev.first_update_id, ev.last_update_id, e_ns, ev.bids, ev.asks);
          break;
        }
        case binance_event_kind::depth_snapshot: {
          ++rep.snapshots;
          install(ev.local_time, side::buy, ev.bids);
          install(ev.local_time, side::sell, ev.asks);
          last_id = ev.last_update_id;
          if (!synced) {
            synced = true;
            for (const buffered_update& u : early) {
              if (u.last <= last_id) continue;
              ++rep.updates_replayed;
              apply_update(ev.local_time, u.first, u.last, u.event_ns, u.bids, u.asks);
            }
            early.clear();
          }
          break;
        }
        case binance_event_kind::trade: {
          ++rep.trades;
          rep.trade_quantity += ev.trade.quantity;
          if (!synced) break;
          const side resting = ev.trade.sign < 0 ? side::buy : side::sell;
          trades.push_back(pending_trade{resting, detail::simulation::to_tick(ev.trade.price, ts, resting),
                                         ev.trade.quantity, ev.trade.time.count()});
          break;
        }
        case binance_event_kind::book_ticker: break;
      }
    }
    rep.parse.push_back(reader.report());
    identity.add(reader);  // one symbol, one market
  }
  if (!synced)
    throw data_error(paths.front(), 0, 0, "",
                     "footprint::binance_order_flow: the capture has no REST depth snapshot to start the book from");
  return out;
}

}  // namespace footprint
