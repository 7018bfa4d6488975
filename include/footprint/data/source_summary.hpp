/// @file data/source_summary.hpp
/// @brief What a market-data source held and what became of it (counts, time span, traded volume),
/// (`file_report`, the parse report of each input file, is in feeds/parse_report.hpp).
#pragma once

#include <chrono>
#include <cstddef>
#include <string>

namespace footprint {

/// What a source held and what became of it.
///
/// For the shipped builders, `trades == fills + unsigned_trades + excluded_trades` and
/// `market_orders == orders.rows() + unlabelled_orders` (the tests check both).
struct source_summary {
  std::size_t events = 0;           ///< records read as events: messages, rows or lines (set by the source builder)
  std::size_t book_updates = 0;     ///< books given to `update(book)`
  std::size_t trades = 0;           ///< trades given to `update(trade)`
  std::size_t unsigned_trades = 0;  ///< of which with sign 0: they count in the features, never in a label
  std::size_t excluded_trades =
      0;  ///< signed trades the source's grouping left out (e.g. LOBSTER hidden executions when not included)
  std::size_t market_orders = 0;      ///< grouped market orders given to `add_order`
  std::size_t fills = 0;              ///< trades in those market orders
  std::size_t unlabelled_orders = 0;  ///< market orders without a two-sided arrival book: counted, not in the dataset
  /// Market orders whose arrival state is the fixed-lag one because no quote consistent with
  /// their first fill was found (Binance `consistent_quote` rule; 0 elsewhere); labelled.
  std::size_t arrival_fallbacks = 0;
  std::size_t mid_updates = 0;             ///< distinct mid times recorded for the labels
  std::size_t rows_skipped = 0;            ///< malformed rows skipped by the readers (lenient policy), over all files
  std::chrono::nanoseconds first_time{0};  ///< time of the first book or trade (the source's clock)
  std::chrono::nanoseconds last_time{0};   ///< time of the last book or trade
  double span_seconds = 0.0;               ///< last_time - first_time, seconds
  double traded_volume = 0.0;              ///< total quantity of all trades, shares/contracts/coins
  double traded_value = 0.0;               ///< total price x quantity of all trades, quote currency
};

}  // namespace footprint
