/// @file data/lobster_dataset.hpp
/// @brief Labelled impact datasets from a LOBSTER message + orderbook file pair: one row per
/// market order (executions grouped by timestamp and aggressor sign), arrival features from
/// the book just before the first fill.
#pragma once

#include "footprint/data/impact_dataset.hpp"
#include "footprint/data/impact_pipeline.hpp"
#include "footprint/features/arrival_features.hpp"
#include "footprint/features/time_of_day.hpp"
#include "footprint/feeds/lobster/lobster_market_order_reader.hpp"
#include "footprint/feeds/lobster/lobster_reader.hpp"
#include "footprint/feeds/parse_report.hpp"
#include "footprint/types.hpp"

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace footprint {

/// Options of `lobster_dataset`; the defaults suit a NASDAQ day (times since local midnight).
struct lobster_dataset_options {
  /// Label horizons; each > 0, strictly increasing.
  std::vector<std::chrono::nanoseconds> horizons{std::chrono::seconds{1}, std::chrono::seconds{10},
                                                 std::chrono::seconds{60}, std::chrono::seconds{300}};
  double session_seconds = 23400.0;  ///< trading day length for the ADV estimate (a US equity session); > 0
  double daily_volume = 0.0;         ///< ADV for `participation`; 0 = estimated from the data (a look-ahead); >= 0
  time_of_day_params session{};      ///< session of `session_fraction`: 09:30 to 16:00 local time
  std::chrono::nanoseconds metaorder_gap = std::chrono::seconds{10};  ///< metaorder proxy gap; >= 0
  arrival_features_params features{};                                 ///< arrival feature parameters
  std::chrono::nanoseconds volatility_interval =
      std::chrono::seconds{10};  ///< sampling of `market_state::volatility`; > 0
  /// Levels per side of each order's arrival book kept in the datasets
  /// (`impact_dataset::arrival_books`, for a backtest); 0 keeps none; in [0, 1000].
  index arrival_book_levels = 0;
  /// Most bytes the dataset may hold while it is built (`impact_pipeline_params::memory_limit`:
  /// past it, `data_error`); default 8 GiB; 0 = no limit.
  std::size_t memory_limit = std::size_t{8} << 30;
  parse_policy policy = parse_policy::strict;  ///< malformed rows: throw or skip and count (path overload only)
  index levels = 0;                            ///< levels of the orderbook file; 0 = detect (path overload only); >= 0
  /// Count executions of hidden orders (type 5) as fills of market orders, as
  /// `lobster_grouping_options::include_hidden` does; when false they are counted in
  /// `source_summary::excluded_trades` (they still feed the trade features).
  bool include_hidden = true;
};

/// Builds the impact datasets of a LOBSTER day from a reader (consumed to its end).
///
/// Rules:
/// - every event's book goes to the features and, when two-sided, to the mid path of the
///   labels; executions and cross trades (types 4, 5, 6) are trades (`to_trade`), given to
///   the trade features before their book; cross trades have sign 0 (unsigned);
/// - market orders are grouped by `lobster_market_order_grouper` (the rule of
///   `lobster_market_order_reader`): consecutive counted executions (visible, plus hidden
///   when `include_hidden`) with the same timestamp and aggressor side; other events in
///   between neither join nor split a group; vwap computed in ticks;
/// - the arrival state is taken at the first fill, before it is fed: the features after
///   the previous event with its book (`lobster_event::book_before`); an order whose
///   arrival book has an empty side is counted in `unlabelled_orders`;
/// - times are nanoseconds since midnight; the order's end_time is its fills' timestamp,
///   so `immediate_bps` includes the book change of the order's own fills.
/// @param reader a LOBSTER reader (its options, policy and levels, apply)
/// @param options horizons, session, metaorder gap, features, hidden executions
/// @return the datasets, the market state after the last event, the summary (`events` =
///         accepted rows) and one parse report (message + orderbook files)
/// @throws data_error from the reader (strict policy, or an unreadable file)
/// @throws invalid_argument for invalid options
/// Complexity: O(rows x features); memory: the mid path and the labelled orders.
[[nodiscard]] inline impact_pipeline_result lobster_dataset(lobster_reader& reader,
                                                            const lobster_dataset_options& options = {}) {
  impact_pipeline<arrival_features> p(
      arrival_features(options.features, options.session),
      detail::make_pipeline_params(options.horizons, options.session_seconds, options.daily_volume,
                                   options.metaorder_gap, std::chrono::nanoseconds{0}, std::chrono::nanoseconds{0},
                                   options.volatility_interval, options.arrival_book_levels, options.memory_limit));
  lobster_market_order_grouper grouper(lobster_grouping_options{.include_hidden = options.include_hidden});
  lobster_event ev;
  lobster_market_order done;
  arrival_state at;       // the arrival state of the open market order
  arrival_state next_at;  // of the one the current event opens
  std::size_t events = 0;
  std::size_t excluded = 0;
  const auto label = [&](const lobster_market_order& mo) {
    p.add_order(executed_order{.time = mo.time,
                               .end_time = mo.time,
                               .side = mo.side,
                               .quantity = mo.quantity,
                               .vwap = mo.vwap,
                               .fills = mo.fills},
                at);
  };
  while (reader.next(ev)) {
    ++events;
    const bool opens = grouper.opens(ev);
    if (opens) p.arrival(ev.book_before, next_at);  // the features before the first fill is fed
    if (grouper.add(ev, done)) label(done);
    if (opens) std::swap(at, next_at);
    if (ev.is_execution() && !grouper.counts(ev)) ++excluded;
    if (const std::optional<trade> t = to_trade(ev)) p.update(*t);
    p.update(ev.book);
  }
  if (grouper.finish(done)) label(done);
  impact_pipeline_result r = p.finish(reader.book());
  r.instrument = lobster_instrument(reader.message_file());
  r.summary.events = events;
  r.summary.excluded_trades = excluded;
  r.summary.rows_skipped = reader.report().rows_skipped;
  r.reports.push_back(file_report{reader.message_file() + " + " + reader.orderbook_file(), reader.report()});
  return r;
}

/// Builds the impact datasets of a LOBSTER day from its two files (plain, gzip or bzip2).
/// @param message_path the `..._message_k.csv` file
/// @param orderbook_path the matching `..._orderbook_k.csv` file
/// @param options as above; `policy` and `levels` configure the reader
/// @throws data_error when a file cannot be opened or (strict policy) has a malformed row
/// @throws invalid_argument for invalid options
[[nodiscard]] inline impact_pipeline_result lobster_dataset(const std::string& message_path,
                                                            const std::string& orderbook_path,
                                                            const lobster_dataset_options& options = {}) {
  lobster_reader reader(message_path, orderbook_path,
                        lobster_options{.policy = options.policy, .levels = options.levels});
  return lobster_dataset(reader, options);
}

}  // namespace footprint
