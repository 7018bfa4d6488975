// The programs' market-data options and loader, shared by footprint-pretrade and
// footprint-backtest: --lobster, --binance, --bitstamp (mutually exclusive), --time-unit and
// --lenient, and the impact datasets they name (the built-in synthetic market without one).
// This header declares; market_data.cpp defines, compiled once into footprint_apps_common (the
// readers and dataset builders cost about 40 s of g++ -O2 per translation unit that has them).
#pragma once

#include <footprint/data/impact_pipeline_result.hpp>
#include <footprint/data/synthetic/synthetic_market.hpp>
#include <footprint/feeds/binance/binance_event.hpp>
#include <footprint/feeds/parse_report.hpp>
#include <footprint/pretrade/shard.hpp>
#include <footprint/types.hpp>

#include <string>
#include <vector>

namespace CLI {
class App;
class Option;
}  // namespace CLI

namespace apps {

namespace fp = footprint;

/// The data options of the command line.
struct data_options {
  std::vector<std::string> lobster;  // MESSAGE ORDERBOOK
  std::vector<std::string> binance;  // one or more captures of one instrument, in time order
  std::string bitstamp;              // folder with depth20_snapshots.csv.gz and trades.csv
  std::string time_unit = "auto";    // --time-unit: the Binance captures' local timestamps
  bool lenient = false;              // --lenient: skip and count malformed rows
};

/// The options added, for the program's own `excludes` / `needs`.
struct data_flags {
  CLI::Option* lobster = nullptr;
  CLI::Option* binance = nullptr;
  CLI::Option* bitstamp = nullptr;
};

/// The built-in market: a 6.5-hour day with planted impact strong enough to be measured.
inline constexpr fp::synthetic_market_params synthetic_market = fp::default_synthetic_market;

/// The market data of a run.
struct market_data {
  std::string kind;         // "synthetic", "lobster", "binance", "bitstamp"
  std::string description;  // for people
  std::vector<std::string> files;
  fp::impact_pipeline_result result;
};

/// Adds --lobster, --binance, --bitstamp (mutually exclusive), --time-unit and --lenient.
data_flags add_data_options(CLI::App& app, data_options& d);

/// Reads the data the options name (the synthetic market without one), keeping
/// `arrival_book_levels` levels of each order's arrival book.
/// @throws fp::data_error from the readers, fp::invalid_argument from the builders
market_data load_market_data(const data_options& d, fp::index arrival_book_levels);

/// The parse policy of --lenient (strict without it).
fp::parse_policy policy(const data_options& d);

/// The options as a library shard (id "data"; source "synthetic" without a data option).
fp::shard to_shard(const data_options& d);

/// The Binance captures' local-timestamp unit of --time-unit.
fp::binance_time_unit time_unit(const data_options& d);

}  // namespace apps
