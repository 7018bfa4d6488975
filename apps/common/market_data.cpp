// Definitions of market_data.hpp (see there): compiled once, into the library both programs
// link (footprint_apps_common), so neither compiles the readers and dataset builders again.

#include "market_data.hpp"

#include <footprint/feeds/binance/binance_event.hpp>
#include <footprint/feeds/parse_report.hpp>
#include <footprint/pretrade/shard_data.hpp>

#include <CLI/CLI.hpp>

namespace apps {

data_flags add_data_options(CLI::App& app, data_options& d) {
  data_flags f;
  f.lobster = app.add_option("--lobster", d.lobster, "LOBSTER MESSAGE and ORDERBOOK files")
                  ->expected(2)
                  ->check(CLI::ExistingFile);
  f.binance = app.add_option("--binance", d.binance, "Binance capture file(s) of one instrument, in time order")
                  ->expected(1, 16)
                  ->check(CLI::ExistingFile);
  f.bitstamp = app.add_option("--bitstamp", d.bitstamp, "folder with Bitstamp depth20_snapshots.csv.gz and trades.csv")
                   ->check(CLI::ExistingDirectory);
  f.lobster->excludes(f.binance)->excludes(f.bitstamp);
  f.binance->excludes(f.bitstamp);
  app.add_option("--time-unit", d.time_unit,
                 "unit of the Binance captures' local timestamps: auto (from their magnitude), ns, us or ms")
      ->check(CLI::IsMember({"auto", "ns", "us", "ms"}))
      ->capture_default_str();
  app.add_flag("--lenient", d.lenient,
               "skip malformed rows and count them (the report says how many) instead of stopping at the first");
  return f;
}

/// The parse policy of --lenient.
fp::parse_policy policy(const data_options& d) {
  return d.lenient ? fp::parse_policy::lenient : fp::parse_policy::strict;
}

/// The Binance timestamps' unit of --time-unit (validated by the option's check).
fp::binance_time_unit time_unit(const data_options& d) { return *fp::binance_time_unit_from_string(d.time_unit); }

// The library's one definition of reading a source (footprint/pretrade/shard_data.hpp).
fp::shard to_shard(const data_options& d) {
  fp::shard s{.id = "data", .source = "synthetic", .time_unit = d.time_unit, .lenient = d.lenient};
  if (!d.lobster.empty()) {
    s.source = "lobster";
    s.message = d.lobster[0];
    s.orderbook = d.lobster[1];
  } else if (!d.binance.empty()) {
    s.source = "binance";
    s.files = d.binance;
  } else if (!d.bitstamp.empty()) {
    s.source = "bitstamp";
    s.folder = d.bitstamp;
  }
  return s;
}

market_data load_market_data(const data_options& d, fp::index arrival_book_levels) {
  market_data s;
  const fp::shard sh = to_shard(d);
  s.kind = sh.source;
  if (sh.source == "lobster") {
    s.description = "LOBSTER message and order book files";
    s.files = d.lobster;
  } else if (sh.source == "binance") {
    s.description = "Binance capture (depth, bookTicker and trade streams)";
    s.files = d.binance;
  } else if (sh.source == "bitstamp") {
    s.description = "Bitstamp depth-20 snapshots and trades";
    s.files = {d.bitstamp};
  } else {
    s.description = "built-in synthetic market (seed 20240809, 6.5 hours; true gamma 1e-5, beta 2e-5 USD per share)";
  }
  s.result = fp::load_shard_data(sh, arrival_book_levels);
  return s;
}

}  // namespace apps
