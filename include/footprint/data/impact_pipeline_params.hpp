/// @file data/impact_pipeline_params.hpp
/// @brief The parameters of `impact_pipeline` (labels, metaorder gap, arrival lag and
/// search, volatility sampling, kept arrival books, memory limit).
#pragma once

#include "footprint/data/impact_dataset.hpp"
#include "footprint/types.hpp"

#include <chrono>
#include <cstddef>
#include <utility>
#include <vector>

namespace footprint {

/// Parameters of `impact_pipeline`.
struct impact_pipeline_params {
  /// Label horizons (each > 0, increasing), session length for the ADV estimate
  /// (`session_seconds` > 0) and the ADV itself (0 = estimate it); see `impact_label_params`.
  impact_label_params labels{};
  /// Largest gap between the end of an order and the start of the next same-sign order in
  /// one metaorder proxy (`impact_dataset_builder::build_metaorders`); >= 0.
  std::chrono::nanoseconds metaorder_gap = std::chrono::seconds{10};
  /// For feeds whose trade messages arrive after the book that already reflects them (e.g.
  /// Binance): `arrival_at(t, ...)` looks for the arrival state at or before t - arrival_lag.
  /// When arrival_lag or arrival_search is > 0, the pipeline keeps the state after every book
  /// update for arrival_lag + arrival_search. >= 0.
  std::chrono::nanoseconds arrival_lag{0};
  /// How much further back than t - arrival_lag `arrival_at(t, side, first_price, ...)` may
  /// look for a quote consistent with the first fill; >= 0.
  std::chrono::nanoseconds arrival_search{0};
  /// Sampling interval of `market_state::volatility` (realized volatility of the mid sampled
  /// on this clock grid over the whole data); > 0.
  std::chrono::nanoseconds volatility_interval = std::chrono::seconds{10};
  /// Levels per side of each labelled order's arrival book to keep in the datasets
  /// (`impact_dataset::arrival_books`, for pricing a schedule at a past arrival, as the
  /// backtest does); 0 keeps none. 32 bytes per level and order, and as much per kept state of
  /// the history. In [0, 1000].
  index arrival_book_levels = 0;
  /// Most bytes the pipeline may hold (the mid path, the tape's trades, the labelled orders
  /// with their features and arrival books, the history; see `bytes_held`); past it the
  /// stream is refused with `data_error`. A few kilobytes of a compressed file of repeated
  /// valid rows can stand for millions of rows, each costing about 16 bytes (a mid), 48 (a
  /// trade) and, per labelled order, 56 + 8 x features + 32 x arrival_book_levels bytes. The
  /// default, 8 GiB, holds more than a day of the busiest LOBSTER or Binance feeds; 0 = no limit.
  std::size_t memory_limit = std::size_t{8} << 30;
  /// An order whose arrival state (`arrival_state::time`) is older than this at the order's
  /// time is not labelled (counted in `unlabelled_orders`): the last book of a feed that
  /// stopped, or of a capture that ended long before, is not the market the order met.
  /// 0 (the default) disables the rule; `binance_dataset` uses 60 s.
  std::chrono::nanoseconds max_arrival_age{0};
};

namespace detail {
/// Private: the pipeline parameters shared by the dataset builders.
[[nodiscard]] inline impact_pipeline_params make_pipeline_params(
    std::vector<std::chrono::nanoseconds> horizons, double session_seconds, double daily_volume,
    std::chrono::nanoseconds metaorder_gap, std::chrono::nanoseconds arrival_lag,
    std::chrono::nanoseconds arrival_search, std::chrono::nanoseconds volatility_interval,
    index arrival_book_levels = 0, std::size_t memory_limit = std::size_t{8} << 30,
    std::chrono::nanoseconds max_arrival_age = {}) {
  return impact_pipeline_params{
      .labels = {.horizons = std::move(horizons), .session_seconds = session_seconds, .daily_volume = daily_volume},
      .metaorder_gap = metaorder_gap,
      .arrival_lag = arrival_lag,
      .arrival_search = arrival_search,
      .volatility_interval = volatility_interval,
      .arrival_book_levels = arrival_book_levels,
      .memory_limit = memory_limit,
      .max_arrival_age = max_arrival_age};
}
}  // namespace detail

}  // namespace footprint
