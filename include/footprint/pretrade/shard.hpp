/// @file pretrade/shard.hpp
/// @brief One shard of a calibration over many instruments and days (an (instrument, day)
/// data set), the parameters of its fit, and what its fit reports (`shard_fit`): plain value
/// types, shared by the steps of a shard's fit (`fit_shard`, `simulate_shard`,
/// `backtest_shard`: pretrade/shard_fit.hpp, shard_simulation.hpp, shard_backtest.hpp),
/// `pool_shards` (pretrade/pooled_fit.hpp) and their JSON (io/shard_json.hpp). See
/// docs/distributed.md.
///
/// A cheap header: standard library, Eigen/Core, base headers, the order-flow event and the
/// synthetic market's parameters.
#pragma once

#include "footprint/data/synthetic/synthetic_market.hpp"
#include "footprint/impact/parameter_estimate.hpp"
#include "footprint/models/linear/linear_statistics.hpp"
#include "footprint/simulation/order_flow_event.hpp"
#include "footprint/types.hpp"

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace footprint {

/// One shard: a data set to fit, named by a unique `id`.
///
/// Sources (the data options of the programs, apps/common/market_data.hpp):
/// - "lobster": `message` and `orderbook`, the paths of one LOBSTER day;
/// - "bitstamp": `folder` with depth20_snapshots.csv.gz and trades.csv (and raw/*.log.bz2
///   for the order-book simulator);
/// - "binance": `files`, one or more capture files of one instrument, in time order;
/// - "synthetic": no file; the built-in synthetic market (`default_synthetic_market`).
struct shard {
  std::string id;                  ///< unique, non-empty: names the result and derives the seeds
  std::string source;              ///< "lobster", "bitstamp", "binance" or "synthetic"
  std::string message;             ///< lobster: the message file
  std::string orderbook;           ///< lobster: the order book file
  std::string folder;              ///< bitstamp: the folder
  std::vector<std::string> files;  ///< binance: the capture files, in time order
  std::string symbol;              ///< optional: the instrument's symbol (else the data's)
  std::string time_unit = "auto";  ///< binance: local timestamps' unit, "auto", "ns", "us" or "ms"
  bool lenient = false;            ///< skip and count malformed rows instead of throwing
};

/// The built-in synthetic market of the "synthetic" source: a 6.5-hour day (seed 20240809)
/// with planted impact strong enough to be measured (true gamma 1e-5, beta 2e-5 USD per share).
inline constexpr synthetic_market_params default_synthetic_market{.volatility = 1e-5, .gamma = 1e-5, .beta = 2e-5};

/// The names of the sources `shard::source` accepts.
inline constexpr std::string_view shard_sources[] = {"lobster", "bitstamp", "binance", "synthetic"};

/// One method's scores in a shard's walk-forward backtest (`pretrade_backtest`, the figures
/// footprint-backtest prints), bps of the arrival mid.
struct shard_backtest_score {
  std::string method;                  ///< "engine", "square_root", "almgren_chriss", "structural_only"
  index metaorders = 0;                ///< metaorders scored
  double bias_bps = nan;               ///< mean(predicted - realized)
  double rmse_bps = nan;               ///< root mean squared error of the mean
  double crps_bps = nan;               ///< mean CRPS
  double coverage_90 = nan;            ///< share of realized costs inside the raw 90% interval
  double coverage_90_conformal = nan;  ///< the same with the conformal interval
  double brier = nan;                  ///< Brier score of P(cost > threshold)
};

/// Parameters of `fit_shard`, the same for every shard of a run.
struct shard_params {
  /// Metaorder features pooled into the linear statistics (columns of `impact_dataset::X`);
  /// empty = every feature of the data set (then every shard must have the same ones).
  std::vector<std::string> features;
  std::string label = "shortfall_bps";  ///< the metaorders' label regressed on the features
  /// Horizon of the permanent label of the impact laws (`dataset_observation_params`); > 0.
  std::chrono::nanoseconds horizon = std::chrono::seconds{300};
  std::uint64_t seed = 0;      ///< mixed with the hash of the shard's id into its seeds
  std::size_t episodes = 200;  ///< simulated TWAP executions per shard; 0 = no simulation, else >= 2
  bool backtest = true;        ///< run the walk-forward backtest of the pre-trade report on the shard
};

/// What `fit_shard` reports about one shard. Every estimate that could not be computed is
/// NaN with the reason in the matching `*_message`.
struct shard_fit {
  std::string id;                ///< the shard's id
  std::string source;            ///< its source
  std::string symbol;            ///< the shard's symbol, else the data's
  std::string venue;             ///< from the data
  std::uint64_t seed = 0;        ///< the shard's seed (FNV-1a of id mixed with shard_params::seed)
  double session_seconds = nan;  ///< the data set's session length, seconds
  double daily_volume = nan;     ///< the ADV of the metaorders' participation, quantity per session
  double span_seconds = nan;     ///< the data's time span, seconds

  // ---- row counts
  index orders = 0;        ///< labelled market orders
  index metaorders = 0;    ///< metaorder proxies
  index observations = 0;  ///< metaorders used by the impact laws (`to_impact_observations`)
  /// Metaorders the impact laws left out, counted by reason (the reasons of
  /// `dataset_observations::exclusion`, values stripped).
  std::map<std::string, index> excluded;

  // ---- the square-root law I = Y sigma (Q/V)^delta on the permanent impact (square_root_law.hpp)
  parameter_estimate y;      ///< Y, dimensionless
  parameter_estimate delta;  ///< delta, dimensionless
  std::string law_message;   ///< the fit report's message, or why it was not fitted

  // ---- Almgren-Chriss (almgren_chriss_calibration.hpp), time unit 1 s
  parameter_estimate gamma;         ///< permanent, quote currency per unit, per unit traded
  parameter_estimate eta;           ///< temporary, quote currency per unit, per (unit per second)
  parameter_estimate epsilon;       ///< fixed cost, quote currency per unit
  std::string calibration_message;  ///< the fit report's message, or why it was not fitted

  // ---- the pooled regression's share: label ~ features over the metaorders
  std::vector<std::string> feature_names;  ///< the features, in column order
  std::string label;                       ///< the label
  linear_statistics statistics;            ///< of the rows where every feature and the label are finite
  index linear_excluded = 0;               ///< metaorders with a non-finite feature or label

  // ---- the simulation: TWAP of the median metaorder quantity over the median duration
  std::size_t episodes = 0;        ///< simulated executions (0: none)
  double quantity = nan;           ///< the TWAP's quantity, instrument units
  double horizon_seconds = nan;    ///< its horizon, seconds
  double expected_bps = nan;       ///< mean cost, bps of the arrival mid
  double std_bps = nan;            ///< standard deviation of the cost, bps
  double p05_bps = nan;            ///< 5% quantile of the cost, bps
  double p95_bps = nan;            ///< 95% quantile of the cost, bps
  std::string simulation_message;  ///< what was simulated, or why nothing was

  // ---- the walk-forward backtest of the pre-trade report (footprint-backtest's defaults)
  std::vector<shard_backtest_score> backtest;  ///< one per method, in `backtest_method` order (empty: none)
  std::string backtest_message;                ///< what was tested, or why nothing was
};

/// A shard's order flow as a tape for the order-book simulators (simulation/), and what it
/// came from.
struct shard_order_flow {
  std::vector<order_flow_event> events;  ///< the tape, in time order
  double tick_size = 0.01;               ///< the grid of the events' price_tick, quote currency
  std::string description;               ///< e.g. "LOBSTER GOOG_..._message_1.csv"
  std::vector<std::string> notes;        ///< e.g. the grid chosen
};

namespace detail::pretrade {

/// 64-bit FNV-1a hash of a string (Fowler, Noll and Vo).
[[nodiscard]] constexpr std::uint64_t fnv1a64(std::string_view s) noexcept {
  std::uint64_t h = 0xcbf29ce484222325ULL;
  for (const char c : s) {
    h ^= static_cast<std::uint64_t>(static_cast<unsigned char>(c));
    h *= 0x100000001b3ULL;
  }
  return h;
}

}  // namespace detail::pretrade

/// The seed of a shard: the 64-bit FNV-1a hash of `id` mixed with the run's `seed` (by
/// splitmix64), so that each shard's random numbers depend on what it is, not on when or
/// where it runs.
[[nodiscard]] constexpr std::uint64_t shard_seed(std::string_view id, std::uint64_t seed) noexcept {
  std::uint64_t x = detail::pretrade::fnv1a64(id) ^ (seed * 0x9E3779B97F4A7C15ULL + 0x632BE59BD9B4E019ULL);
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
  return x ^ (x >> 31);
}

}  // namespace footprint
