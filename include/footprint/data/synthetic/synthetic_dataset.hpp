/// @file data/synthetic/synthetic_dataset.hpp
/// @brief Labelled impact datasets from the synthetic market (`synthetic_market.hpp`), whose
/// true impact parameters are known: the reference input for tests, examples and calibration
/// checks.
#pragma once

#include "footprint/book/price_level_book.hpp"
#include "footprint/book/trade.hpp"
#include "footprint/data/impact_pipeline.hpp"
#include "footprint/data/synthetic/synthetic_market.hpp"
#include "footprint/features/arrival_features.hpp"
#include "footprint/features/time_of_day.hpp"
#include "footprint/instrument.hpp"
#include "footprint/types.hpp"

#include <chrono>
#include <string>
#include <vector>

namespace footprint {

/// Options of `synthetic_dataset`. Times are ns since the session start.
struct synthetic_dataset_options {
  /// Label horizons; each > 0, strictly increasing.
  std::vector<std::chrono::nanoseconds> horizons{std::chrono::seconds{1}, std::chrono::seconds{10},
                                                 std::chrono::seconds{60}, std::chrono::seconds{300}};
  double session_seconds = 23400.0;  ///< trading day length for the ADV estimate (the default market's duration); > 0
  double daily_volume = 0.0;         ///< ADV for `participation`; 0 = estimated from the data; >= 0
  /// Session of `session_fraction`: from time 0 to 6.5 h (the default market's duration).
  time_of_day_params session{.session_open = std::chrono::nanoseconds{0}, .session_close = std::chrono::seconds{23400}};
  std::chrono::nanoseconds metaorder_gap = std::chrono::seconds{10};  ///< metaorder proxy gap; >= 0
  arrival_features_params features{};                                 ///< arrival feature parameters
  std::chrono::nanoseconds volatility_interval =
      std::chrono::seconds{10};  ///< sampling of `market_state::volatility`; > 0
  /// Levels per side of each order's arrival book kept in the datasets
  /// (`impact_dataset::arrival_books`, for a backtest); 0 keeps none; in [0, 1000].
  index arrival_book_levels = 0;
};

/// Runs a synthetic market to its end and builds its impact datasets.
///
/// Every event's book (after the event: for a market order, after its impact and the
/// requote) goes to the features and to the mid path. A market order is one executed order
/// with one fill (its size, VWAP and sign as the event gives them), also fed to the trade
/// features as one trade at its VWAP; its arrival state is the features after the previous
/// event with the book before the order, whose mid and best depths are the event's
/// `arrival_mid`, `arrival_bid_depth` and `arrival_ask_depth`.
/// With `sigma = 0` and orders further apart than the horizons, the labels are exact:
/// `permanent_<h>_bps` = 10^4 (mid after the order - arrival mid) / arrival mid, made of the
/// planted permanent impact gamma q and what is left of the transient beta q after h (both
/// up to the book's tick rounding); see the tests.
/// @param market the market's parameters (seed included: same seed, same dataset)
/// @param options horizons, session, metaorder gap, features
/// @return the datasets, the market state after the last event, the summary (`events` =
///         market events; no parse reports)
/// @throws invalid_argument for invalid market parameters or options
/// Complexity: O(events x features).
[[nodiscard]] inline impact_pipeline_result synthetic_dataset(const synthetic_market_params& market,
                                                              const synthetic_dataset_options& options = {}) {
  synthetic_market m(market);
  impact_pipeline<arrival_features> p(
      arrival_features(options.features, options.session),
      detail::make_pipeline_params(options.horizons, options.session_seconds, options.daily_volume,
                                   options.metaorder_gap, std::chrono::nanoseconds{0}, std::chrono::nanoseconds{0},
                                   options.volatility_interval, options.arrival_book_levels));
  price_level_book before = m.book();  // the book before the next event (the initial quote at time 0)
  synthetic_event ev;
  arrival_state at;
  std::size_t events = 0;
  p.update(before);
  while (m.next(ev)) {
    ++events;
    if (ev.type == synthetic_event::kind::market_order) {
      p.arrival(before, at);
      p.add_order(executed_order{.time = ev.time,
                                 .end_time = ev.time,
                                 .side = ev.side,
                                 .quantity = ev.quantity,
                                 .vwap = ev.vwap,
                                 .fills = 1},
                  at);
      p.update(trade{.time = ev.time,
                     .price = ev.vwap,
                     .quantity = ev.quantity,
                     .sign = static_cast<std::int8_t>(sign(ev.side)),
                     .id = -1});
    }
    p.update(m.book());
    before = m.book();
  }
  impact_pipeline_result r = p.finish(m.book());
  r.instrument = instrument{.symbol = "SYNTH",
                            .venue = "synthetic",
                            .quantity_unit = quantity_unit::shares,
                            .tick_size = market.tick,
                            .lot_size = 1.0};
  r.summary.events = events;
  return r;
}

}  // namespace footprint
