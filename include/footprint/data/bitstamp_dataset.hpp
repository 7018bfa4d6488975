/// @file data/bitstamp_dataset.hpp
/// @brief Labelled impact datasets from a Bitstamp recording: depth snapshots (about 2.9 s
/// apart) and trades, merged by local time; same-timestamp same-sign trades are one market
/// order, labelled against the last snapshot before it.
#pragma once

#include "footprint/book/price_level_book.hpp"
#include "footprint/book/trade.hpp"
#include "footprint/data/impact_pipeline.hpp"
#include "footprint/detail/concat.hpp"
#include "footprint/error.hpp"
#include "footprint/features/arrival_features.hpp"
#include "footprint/features/time_of_day.hpp"
#include "footprint/feeds/bitstamp/bitstamp_snapshot_reader.hpp"
#include "footprint/feeds/bitstamp/bitstamp_trade_reader.hpp"
#include "footprint/feeds/parse_report.hpp"
#include "footprint/instrument.hpp"
#include "footprint/types.hpp"

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace footprint {

/// Options of `bitstamp_dataset`; the defaults suit a 24-hour crypto day (UTC epoch times).
struct bitstamp_dataset_options {
  /// Label horizons; each > 0, strictly increasing. Horizons shorter than the snapshot
  /// spacing (about 2.9 s) mostly see the arrival snapshot itself (see docs/impact-labels.md).
  std::vector<std::chrono::nanoseconds> horizons{std::chrono::seconds{1}, std::chrono::seconds{10},
                                                 std::chrono::seconds{60}, std::chrono::seconds{300}};
  double session_seconds = 86400.0;  ///< trading day length for the ADV estimate (crypto trades 24 h); > 0
  double daily_volume = 0.0;         ///< ADV for `participation`; 0 = estimated from the data; >= 0
  /// Session of `session_fraction`: the UTC day (open 0, close 24 h).
  time_of_day_params session{.session_open = std::chrono::nanoseconds{0}, .session_close = std::chrono::hours{24}};
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
  /// An order whose last snapshot is older than this is not labelled (counted in
  /// `unlabelled_orders`; `impact_pipeline_params::max_arrival_age`): the recording's
  /// snapshots are about 2.9 s apart, 57 s at most on 2015-05-01; 0 disables the rule.
  std::chrono::nanoseconds max_arrival_age = std::chrono::seconds{60};
  /// A trade further than this before the first snapshot or after the last, or a snapshot
  /// further than this after the previous one, is not of the recording (a corrupt stamp, or
  /// another recording's rows): `data_error` naming its line. One trade stamped in 2100
  /// stretched the day's span to 84 years. 0 disables the check.
  std::chrono::nanoseconds max_recording_gap = std::chrono::hours{1};
  parse_policy policy = parse_policy::strict;  ///< malformed rows: throw or skip and count (path overloads only)
};

/// Builds the impact datasets of a Bitstamp recording from its two readers (consumed to
/// their ends).
///
/// Rules:
/// - snapshots and trades are merged by local time; on equal times the trade goes first,
///   so the arrival book of a trade is the last snapshot strictly before it;
/// - every snapshot goes to the features and to the mid path of the labels (so the labels
///   move only at snapshots: an `immediate_bps` is 0 unless a snapshot shares the order's
///   millisecond, and horizons below the snapshot spacing mostly give 0);
/// - market orders: consecutive *signed* trades with the same timestamp and sign
///   (`aggressor_by_resting_order`) are the fills of one market order (a taker order filling
///   several resting orders); vwap = sum(price x amount) / sum(amount);
/// - unsigned trades (sign 0: no resting order matched) cannot be labelled: they are
///   counted in `source_summary::unsigned_trades`, still feed the trade features
///   (intensity, volume), and neither join nor split a market order;
/// - an order before the first snapshot has no arrival book, and one whose last snapshot is
///   older than `max_arrival_age` (60 s) has a stale one: both counted in
///   `unlabelled_orders`. Times are ns since the Unix epoch (local receive time).
/// @param snapshots the depth snapshot reader
/// @param trades the trade reader
/// @param options horizons, session, metaorder gap, features
/// @return the datasets, the market state after the last snapshot, the summary (`events` =
///         snapshots + trades) and the two parse reports (snapshots, trades)
/// @throws data_error from the readers (strict policy, unreadable file), when a trade is more
///         than `max_recording_gap` before the first snapshot or after the last, or a snapshot
///         more than that after the previous one (under the readers' lenient policy such a row
///         is skipped and counted in its file's report instead), or when the
///         trades' period and the snapshots' do not overlap (files of two recordings)
/// @throws invalid_argument for invalid options
/// Complexity: O((snapshots x levels) + trades x features).
[[nodiscard]] inline impact_pipeline_result bitstamp_dataset(bitstamp_snapshot_reader& snapshots,
                                                             bitstamp_trade_reader& trades,
                                                             const bitstamp_dataset_options& options = {}) {
  impact_pipeline<arrival_features> p(
      arrival_features(options.features, options.session),
      detail::make_pipeline_params(options.horizons, options.session_seconds, options.daily_volume,
                                   options.metaorder_gap, std::chrono::nanoseconds{0}, std::chrono::nanoseconds{0},
                                   options.volatility_interval, options.arrival_book_levels, options.memory_limit,
                                   options.max_arrival_age));
  price_level_book book;  // the last snapshot fed (the reader reads one ahead)
  // The periods of the two files (local times): they must overlap.
  std::chrono::nanoseconds first_snapshot = std::chrono::nanoseconds::max(), last_snapshot = first_snapshot;
  std::chrono::nanoseconds first_trade = std::chrono::nanoseconds::max(), last_trade = first_trade;
  trade t;
  executed_order order;
  arrival_state at;
  bool open = false;
  double notional = 0.0;
  std::size_t events = 0;
  const auto close = [&] {
    if (!open) return;
    order.vwap = notional / order.quantity;
    p.add_order(order, at);
    open = false;
  };
  // Rows of the readers skipped here under the lenient policy (out of the recording).
  parse_report snapshots_skipped, trades_skipped;
  bool has_snapshot = snapshots.next();
  bool has_trade = trades.next(t);
  while (has_snapshot || has_trade) {
    ++events;
    if (has_trade && (!has_snapshot || t.time <= snapshots.local_time())) {
      if (options.max_recording_gap.count() > 0) {
        // The next snapshot when none was read yet, else the last one.
        const bool before = first_snapshot == std::chrono::nanoseconds::max();
        if (!(before && !has_snapshot)) {
          const std::chrono::nanoseconds ref = before ? snapshots.local_time() : last_snapshot;
          const std::chrono::nanoseconds gap = before ? ref - t.time : t.time - ref;
          if (gap > options.max_recording_gap) {
            // strict: the error; lenient: the trade skipped and counted with the trades' file
            trades_skipped.skip_or_throw(
                trades.policy(),
                data_error(trades.name(), trades.line(), 1, "local_ts_ms",
                           detail::concat("a trade at ", t.time.count() / 1'000'000, " ms, ",
                                          std::chrono::duration_cast<std::chrono::seconds>(gap).count(), " s ",
                                          before ? "before the first" : "after the last", " snapshot of ",
                                          snapshots.name(), " (", ref.count() / 1'000'000,
                                          " ms): not of this recording (a corrupt stamp, or another "
                                          "recording's trades)")));
            --events;
            has_trade = trades.next(t);
            continue;
          }
        }
      }
      if (t.sign != 0) {
        if (open && (t.time != order.time || side_of_print(t.sign) != order.side)) close();
        if (!open) {
          open = true;
          order = executed_order{.time = t.time,
                                 .end_time = t.time,
                                 .side = side_of_print(t.sign),
                                 .quantity = 0.0,
                                 .vwap = nan,
                                 .fills = 0};
          notional = 0.0;
          p.arrival(book, at);
        }
        order.quantity += t.quantity;
        notional += t.price * t.quantity;
        ++order.fills;
      }
      p.update(t);
      if (first_trade == std::chrono::nanoseconds::max()) first_trade = t.time;
      last_trade = t.time;
      has_trade = trades.next(t);
    } else {
      if (options.max_recording_gap.count() > 0 && last_snapshot != std::chrono::nanoseconds::max() &&
          snapshots.local_time() - last_snapshot > options.max_recording_gap) {
        // strict: the error; lenient: the snapshot skipped and counted with the snapshots' file
        snapshots_skipped.skip_or_throw(
            snapshots.policy(),
            data_error(
                snapshots.name(), snapshots.line(), 1, "local_ts_ms",
                detail::concat(
                    "a snapshot at ", snapshots.local_time().count() / 1'000'000, " ms, ",
                    std::chrono::duration_cast<std::chrono::seconds>(snapshots.local_time() - last_snapshot).count(),
                    " s after the previous one: not of this recording (a corrupt stamp, or "
                    "two recordings in one file)")));
        --events;
        has_snapshot = snapshots.next();
        continue;
      }
      if (first_snapshot == std::chrono::nanoseconds::max()) first_snapshot = snapshots.local_time();
      last_snapshot = snapshots.local_time();
      book = snapshots.book();
      p.update(book);
      has_snapshot = snapshots.next();
    }
  }
  close();
  if (first_trade != std::chrono::nanoseconds::max() && first_snapshot != std::chrono::nanoseconds::max() &&
      (first_trade > last_snapshot || last_trade < first_snapshot)) {
    const auto ms = [](std::chrono::nanoseconds x) { return x.count() / 1'000'000; };
    throw data_error(trades.name(), 0, 0, "local_ts_ms",
                     detail::concat("the trades (", ms(first_trade), " to ", ms(last_trade),
                                    " ms) and the snapshots of ", snapshots.name(), " (", ms(first_snapshot), " to ",
                                    ms(last_snapshot), " ms) do not overlap: files of two recordings"));
  }
  impact_pipeline_result r = p.finish(book);
  // BTC/USD (the recorded pair): coins, a tick of 0.01 USD, a lot of one satoshi.
  r.instrument = instrument{.symbol = "BTC/USD",
                            .venue = "Bitstamp",
                            .quantity_unit = quantity_unit::coins,
                            .tick_size = 0.01,
                            .lot_size = 1e-8};
  r.summary.events = events;
  // Each file's report: its reader's, and the rows skipped here for being out of the recording.
  const auto with_skipped = [](parse_report read, const parse_report& skipped) {
    read.rows_skipped += skipped.rows_skipped;
    for (const std::string& e : skipped.first_errors)
      if (read.first_errors.size() < parse_report::max_kept_errors) read.first_errors.push_back(e);
    return read;
  };
  r.reports.push_back(file_report{snapshots.name(), with_skipped(snapshots.report(), snapshots_skipped)});
  r.reports.push_back(file_report{trades.name(), with_skipped(trades.report(), trades_skipped)});
  r.summary.rows_skipped = r.reports[0].report.rows_skipped + r.reports[1].report.rows_skipped;
  return r;
}

/// Builds the impact datasets from a snapshot file and a trade file (plain, gzip or bzip2).
/// @param snapshots_path e.g. `depth20_snapshots.csv.gz`
/// @param trades_path e.g. `trades.csv`
/// @param options as above; `policy` configures both readers
/// @throws data_error when a file cannot be opened, has a wrong header, or (strict policy)
///         a malformed row
[[nodiscard]] inline impact_pipeline_result bitstamp_dataset(const std::string& snapshots_path,
                                                             const std::string& trades_path,
                                                             const bitstamp_dataset_options& options = {}) {
  bitstamp_snapshot_reader snapshots(snapshots_path, options.policy);
  bitstamp_trade_reader trades(trades_path, options.policy);
  return bitstamp_dataset(snapshots, trades, options);
}

/// Builds the impact datasets from a recording folder holding `depth20_snapshots.csv.gz`
/// and `trades.csv` (the layout of `../shared/data/bitstamp`).
/// @param directory the folder
/// @throws data_error when a file is missing or malformed (as above)
[[nodiscard]] inline impact_pipeline_result bitstamp_dataset(const std::string& directory,
                                                             const bitstamp_dataset_options& options = {}) {
  const std::filesystem::path dir(directory);
  return bitstamp_dataset((dir / "depth20_snapshots.csv.gz").string(), (dir / "trades.csv").string(), options);
}

}  // namespace footprint
