/// @file pretrade/shard_data.hpp
/// @brief Reading a shard's market data: its impact datasets (`load_shard_data`) and its
/// order-flow tape for the order-book simulators (`load_shard_order_flow`). The one
/// definition of "read a source" that fit_shard and the programs (apps/common) share.
///
/// Includes every reader and dataset builder.
#pragma once

#include "footprint/data/binance_dataset.hpp"
#include "footprint/data/bitstamp_dataset.hpp"
#include "footprint/data/impact_pipeline_result.hpp"
#include "footprint/data/lobster_dataset.hpp"
#include "footprint/data/synthetic/synthetic_dataset.hpp"
#include "footprint/data/synthetic/synthetic_market.hpp"
#include "footprint/detail/concat.hpp"
#include "footprint/error.hpp"
#include "footprint/feeds/binance/binance_event.hpp"
#include "footprint/feeds/parse_report.hpp"
#include "footprint/pretrade/shard.hpp"
#include "footprint/simulation/binance_order_flow.hpp"
#include "footprint/simulation/bitstamp_order_flow.hpp"
#include "footprint/simulation/lobster_order_flow.hpp"
#include "footprint/simulation/order_flow_event.hpp"
#include "footprint/simulation/tape_summary.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

namespace footprint {

/// The parse policy of a shard: lenient (skip and count malformed rows) or strict.
[[nodiscard]] inline parse_policy shard_policy(const shard& s) noexcept {
  return s.lenient ? parse_policy::lenient : parse_policy::strict;
}

/// The Binance captures' timestamp unit of a shard.
/// @throws invalid_argument for a unit other than "auto", "ns", "us" or "ms"
[[nodiscard]] inline binance_time_unit shard_time_unit(const shard& s) {
  const auto u = binance_time_unit_from_string(s.time_unit);
  if (!u) {
    throw invalid_argument(
        detail::concat("footprint::shard: time_unit must be auto, ns, us or ms (got \"", s.time_unit, "\")"));
  }
  return *u;
}

/// Reads a shard's market data into its impact datasets (the readers' defaults for the
/// labels, features and metaorder gap), keeping `arrival_book_levels` levels of each order's
/// arrival book.
/// @param s the shard (source and its files; time_unit, lenient)
/// @param arrival_book_levels levels per side kept in `impact_dataset::arrival_books`; in [0, 1000]
/// @return the datasets, market state, summary and parse reports
/// @throws invalid_argument for an unknown source or a missing file field;
///         data_error from the readers (malformed or missing files)
template <class = void>
[[nodiscard]] impact_pipeline_result load_shard_data(const shard& s, index arrival_book_levels = 0) {
  const auto need = [&](bool ok, const char* field) {
    if (!ok)
      throw invalid_argument(
          detail::concat("footprint::load_shard_data: shard ", s.id, ": a ", s.source, " shard needs ", field));
  };
  if (s.source == "lobster") {
    need(!s.message.empty() && !s.orderbook.empty(), "message and orderbook");
    return lobster_dataset(s.message, s.orderbook,
                           {.arrival_book_levels = arrival_book_levels, .policy = shard_policy(s)});
  }
  if (s.source == "binance") {
    need(!s.files.empty(), "files");
    return binance_dataset(
        s.files,
        {.arrival_book_levels = arrival_book_levels, .policy = shard_policy(s), .time_unit = shard_time_unit(s)});
  }
  if (s.source == "bitstamp") {
    need(!s.folder.empty(), "folder");
    return bitstamp_dataset(s.folder, {.arrival_book_levels = arrival_book_levels, .policy = shard_policy(s)});
  }
  if (s.source == "synthetic") {
    return synthetic_dataset(default_synthetic_market, {.arrival_book_levels = arrival_book_levels});
  }
  throw invalid_argument(detail::concat("footprint::load_shard_data: shard ", s.id,
                                        ": source must be lobster, bitstamp, binance or synthetic (got \"", s.source,
                                        "\")"));
}

namespace detail::pretrade {

template <class = void>
shard_order_flow read_order_flow(const shard& s, double tick_size) {
  shard_order_flow t;
  t.tick_size = tick_size;
  if (s.source == "lobster") {
    auto r = lobster_order_flow(s.message, s.orderbook, {.tick_size = tick_size, .policy = shard_policy(s)});
    t.events = std::move(r.events);
    t.description = concat("LOBSTER ", std::filesystem::path(s.message).filename().string());
  } else if (s.source == "binance") {
    auto r = binance_order_flow(s.files,
                                {.tick_size = tick_size, .policy = shard_policy(s), .time_unit = shard_time_unit(s)});
    t.events = std::move(r.events);
    t.description =
        concat("Binance ", std::filesystem::path(s.files.at(0)).filename().string(), " (", s.files.size(), " files)");
  } else if (s.source == "bitstamp") {
    // the folder's raw websocket log (raw/*.log.bz2): the order events
    std::string log;
    const std::filesystem::path raw = std::filesystem::path(s.folder) / "raw";
    if (std::filesystem::is_directory(raw))
      for (const auto& f : std::filesystem::directory_iterator(raw))
        if (f.path().string().ends_with(".log.bz2") && (log.empty() || f.path().string() < log))
          log = f.path().string();
    if (log.empty())
      throw invalid_argument(
          concat("--bitstamp ", s.folder,
                 ": no raw/*.log.bz2 order-event log in the folder (the simulator needs order events)"));
    auto r = bitstamp_order_flow(log, {.tick_size = tick_size, .policy = shard_policy(s)});
    t.events = std::move(r.events);
    t.description = concat("Bitstamp ", std::filesystem::path(log).filename().string());
  } else {
    throw invalid_argument(
        concat("the order-book simulator needs order flow: --lobster, --binance or --bitstamp (shard source \"",
               s.source, "\")"));
  }
  if (t.events.empty()) throw invalid_argument(concat(t.description, ": the data hold no order event"));
  return t;
}

}  // namespace detail::pretrade

/// Reads a shard's order flow on a grid of `tick_size` (0: the venue's 0.01, or, when the
/// median spread is more than 3 ticks, whole ticks of about half the median spread, noted in
/// `notes`), so that the touch is usually one or two grid steps wide, as the simulators assume.
/// @throws invalid_argument for a synthetic shard (no order flow), a Bitstamp folder without
///         raw/*.log.bz2, or a tape without events; data_error from the readers
template <class = void>
[[nodiscard]] shard_order_flow load_shard_order_flow(const shard& s, double tick_size = 0.0) {
  if (tick_size > 0.0) return detail::pretrade::read_order_flow(s, tick_size);
  shard_order_flow t = detail::pretrade::read_order_flow(s, 0.01);
  // a small-tick book (a median spread of many ticks, most queues empty) is modelled on a
  // coarser grid: whole ticks, about half the median spread
  const tape_summary first = summarize_tape(t.events, {.tick_size = t.tick_size, .lot_quantity = 1.0});
  std::vector<double> sp = first.spread_ticks;
  if (sp.empty()) return t;
  std::nth_element(sp.begin(), sp.begin() + static_cast<std::ptrdiff_t>(sp.size() / 2), sp.end());
  const double median = sp[sp.size() / 2];
  if (median <= 3.0) return t;
  const double grid = t.tick_size * std::round(median / 2.0);
  shard_order_flow coarse = detail::pretrade::read_order_flow(s, grid);
  const auto format_tick = [](double x) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%g", x);
    return std::string(buf);
  };
  coarse.notes.push_back(detail::concat("the median spread is ", median, " ticks of ", format_tick(t.tick_size),
                                        ": the book is modelled on a grid of ", format_tick(grid),
                                        " (another: footprint-simulate --tick-size, tick_size in C++ and Python)"));
  return coarse;
}

}  // namespace footprint
