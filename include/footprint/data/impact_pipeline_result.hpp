/// @file data/impact_pipeline_result.hpp
/// @brief What a dataset builder returns: the labelled datasets of market orders and metaorders,
/// the market at the end, the source's summary and parse reports.
#pragma once

#include "footprint/book/price_level_book.hpp"
#include "footprint/data/impact_dataset.hpp"
#include "footprint/data/market_tape.hpp"
#include "footprint/data/source_summary.hpp"
#include "footprint/feeds/parse_report.hpp"
#include "footprint/instrument.hpp"
#include "footprint/types.hpp"

#include <vector>

namespace footprint {

/// What a dataset builder returns.
struct impact_pipeline_result {
  footprint::instrument instrument;  ///< what the data is about: symbol, venue, units, tick, lot, multiplier
  impact_dataset orders;             ///< one row per labelled market order (rows are observations)
  impact_dataset metaorders;         ///< one row per metaorder proxy (same-sign runs within `metaorder_gap`)
  market_state state;                ///< the market after the last book of the data
  price_level_book book;             ///< the last book of the data, every level the source shows
  market_tape tape;                  ///< every trade and the mid path (the transient-impact kernel's input)
  source_summary summary;            ///< counts, time span, traded volume
  std::vector<file_report> reports;  ///< one per input file, in input order
};

}  // namespace footprint
