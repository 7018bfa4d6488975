/// @file data/binance_dataset.hpp
/// @brief Labelled impact datasets from Binance combined-stream captures (spot or USD-M):
/// trades grouped into market orders, arrival state from the book a short lag before the
/// trade message (the post-trade quote often arrives first).
#pragma once

#include "footprint/book/price_level_book.hpp"
#include "footprint/book/trade.hpp"
#include "footprint/data/impact_pipeline.hpp"
#include "footprint/detail/concat.hpp"
#include "footprint/error.hpp"
#include "footprint/features/arrival_features.hpp"
#include "footprint/features/time_of_day.hpp"
#include "footprint/feeds/binance/binance_capture_identity.hpp"
#include "footprint/feeds/binance/binance_depth_book.hpp"
#include "footprint/feeds/binance/binance_event.hpp"
#include "footprint/feeds/binance/binance_instrument.hpp"
#include "footprint/feeds/binance/binance_reader.hpp"
#include "footprint/feeds/parse_report.hpp"
#include "footprint/types.hpp"

#include <chrono>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace footprint {

/// How `binance_dataset` finds the market state a market order met (its arrival state).
///
/// The book message that reflects a trade often arrives before the trade message, so the
/// state when the trade message arrives may already show the order's own effect.
enum class binance_arrival_rule : std::uint8_t {
  /// The state after the last book update received at or before (first trade message time
  /// - `arrival_lag`).
  fixed_lag,
  /// The latest state in force at some time in [t - `arrival_lag` - `arrival_search`,
  /// t - `arrival_lag`], t the first trade message's time, whose quote the first fill does
  /// not beat (best ask <= first price for a buy, best bid >= first price for a sell): a
  /// taker fills at the best quote or worse, so a state it beats is not the one it met. When
  /// there is none, the fixed-lag state (counted in `source_summary::arrival_fallbacks`).
  consistent_quote,
};

/// Options of `binance_dataset`; the defaults suit a 24-hour crypto market (UTC epoch times).
struct binance_dataset_options {
  /// Label horizons; each > 0, strictly increasing.
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
  /// How the arrival state is found. `consistent_quote` (the default) gives costs that grow
  /// with size from about zero for the smallest orders on the 2024-08-09 captures; every
  /// fixed lag biases either the largest orders (their own post-trade quote) or the smallest
  /// (the drift before them): see docs/impact-labels.md.
  binance_arrival_rule arrival_rule = binance_arrival_rule::consistent_quote;
  /// The look-back starts at the state at or before (local time of the first trade message
  /// - arrival_lag). 2 ms is the fixed lag that puts the most first fills exactly at the
  /// arrival quote on these captures; 0 starts from the state when the message arrives. >= 0.
  std::chrono::nanoseconds arrival_lag = std::chrono::milliseconds{2};
  /// `consistent_quote`: how much further back than the lag to look; >= 0.
  std::chrono::nanoseconds arrival_search = std::chrono::milliseconds{100};
  /// An order whose arrival state is older than this is not labelled (counted in
  /// `unlabelled_orders`): a stale book, e.g. the previous capture's when several captures
  /// with a gap between them are one history; and a capture that starts more than this after
  /// the previous one ended does not inherit its bookTicker. <= 0: no limit. Default 60 s.
  std::chrono::nanoseconds max_arrival_age = std::chrono::seconds{60};
  parse_policy policy = parse_policy::strict;  ///< malformed lines: throw or skip and count (path overloads only)
  binance_market market = binance_market::automatic;  ///< spot or USD-M continuity rule (path overloads only)
  std::size_t replay_capacity = 1024;  ///< depth updates kept to reconcile a late snapshot (path overloads only)
  /// The unit of the captures' local timestamps: detected per file (the 2023 USD-M captures
  /// are in microseconds) or declared (path overloads only).
  binance_time_unit time_unit = binance_time_unit::automatic;
  /// Largest distance between a line's local time and its exchange time E (path overloads
  /// only; see `binance_options::max_clock_skew`).
  std::chrono::nanoseconds max_clock_skew = std::chrono::hours{1};
};

namespace detail {

/// Private: an `OrderBookView` of a Binance market: the bookTicker's exact best bid and ask
/// as level 0 of each side, then the depth book's levels strictly worse than them. A side
/// without a ticker level (none yet, or empty) is the depth book's. O(log levels) to build,
/// O(1) accessors, no allocation.
class binance_ticker_depth_view {
 public:
  binance_ticker_depth_view(const price_level_book& depth, const binance_book_ticker& ticker,
                            std::chrono::nanoseconds time) noexcept
      : depth_(&depth), time_(time) {
    has_bid_ = std::isfinite(ticker.bid_price) && ticker.bid_price > 0.0 && ticker.bid_quantity > 0.0;
    has_ask_ = std::isfinite(ticker.ask_price) && ticker.ask_price > 0.0 && ticker.ask_quantity > 0.0;
    if (has_bid_) {
      bid_ = price_level{ticker.bid_price, ticker.bid_quantity};
      bid_skip_ = first_worse(depth.bid_levels(), [&](index i) { return depth.bid_price(i) < bid_.price; });
    }
    if (has_ask_) {
      ask_ = price_level{ticker.ask_price, ticker.ask_quantity};
      ask_skip_ = first_worse(depth.ask_levels(), [&](index i) { return depth.ask_price(i) > ask_.price; });
    }
  }

  [[nodiscard]] index bid_levels() const noexcept { return depth_->bid_levels() - bid_skip_ + (has_bid_ ? 1 : 0); }
  [[nodiscard]] index ask_levels() const noexcept { return depth_->ask_levels() - ask_skip_ + (has_ask_ ? 1 : 0); }
  [[nodiscard]] double bid_price(index i) const noexcept {
    return has_bid_ ? (i == 0 ? bid_.price : depth_->bid_price(i - 1 + bid_skip_)) : depth_->bid_price(i);
  }
  [[nodiscard]] double bid_quantity(index i) const noexcept {
    return has_bid_ ? (i == 0 ? bid_.quantity : depth_->bid_quantity(i - 1 + bid_skip_)) : depth_->bid_quantity(i);
  }
  [[nodiscard]] double ask_price(index i) const noexcept {
    return has_ask_ ? (i == 0 ? ask_.price : depth_->ask_price(i - 1 + ask_skip_)) : depth_->ask_price(i);
  }
  [[nodiscard]] double ask_quantity(index i) const noexcept {
    return has_ask_ ? (i == 0 ? ask_.quantity : depth_->ask_quantity(i - 1 + ask_skip_)) : depth_->ask_quantity(i);
  }
  [[nodiscard]] std::chrono::nanoseconds timestamp() const noexcept { return time_; }

 private:
  // First level (best first) for which `worse(i)` holds; levels are ordered so that it
  // holds from some level on.
  template <class Worse>
  static index first_worse(index n, Worse worse) noexcept {
    index lo = 0;
    index hi = n;
    while (lo < hi) {
      const index m = lo + (hi - lo) / 2;
      if (worse(m)) {
        hi = m;
      } else {
        lo = m + 1;
      }
    }
    return lo;
  }

  const price_level_book* depth_;
  std::chrono::nanoseconds time_;
  bool has_bid_ = false;
  bool has_ask_ = false;
  price_level bid_;
  price_level ask_;
  index bid_skip_ = 0;
  index ask_skip_ = 0;
};

}  // namespace detail

/// Builds the impact datasets of one Binance capture split over consecutive readers (e.g.
/// the files of consecutive days), each consumed to its end in order.
///
/// Rules:
/// - one clock: the recorder's local receive time (ns since the Unix epoch) for books and
///   trades alike (the exchange clock differs by about 1.27 s on these captures);
/// - the book is the bookTicker's exact best bid and ask on top of the depth book's levels
///   strictly worse than them; every bookTicker and every applied depth update or snapshot
///   goes to the features and to the mid path of the labels;
/// - market orders: consecutive trades with the same trade time `T` (ms, the exchange's)
///   and the same sign are the fills of one taker order; its time and end_time are the
///   local receive times of its first and last trade messages, so `immediate_bps` includes
///   the post-trade quote when it arrived first;
/// - the arrival state follows `arrival_rule`: by default the latest state in force between
///   `arrival_lag + arrival_search` and `arrival_lag` before the first trade message whose
///   quote the first fill does not beat (else the state `arrival_lag` before, counted in
///   `arrival_fallbacks`); with `fixed_lag`, the state `arrival_lag` before. An order with
///   no two-sided state is counted in `unlabelled_orders`;
/// - trades are fed to the trade features at their local time; Binance trades are always
///   signed (`m`), so `unsigned_trades` is 0;
/// - a reader's depth book starts empty (each file warms up from its first diff, unless it
///   holds a snapshot); the ticker carries over from one reader to the next.
/// @param readers the captures in time order (their own options apply)
/// @param options horizons, session, metaorder gap, features, arrival rule, lag and search
/// @return the datasets, the market state after the last book update, the summary
///         (`events` = messages) and one parse report per reader
/// @throws data_error from a reader, or when a reader's first message is older than the
///         previous reader's last (the files are not consecutive), or its symbol or market
///         (spot, USD-M futures) differs from an earlier reader's (`binance_capture_identity`)
/// @throws invalid_argument for invalid options (arrival_lag or arrival_search < 0, ...) or
///         an empty list of readers
/// Complexity: O(messages x (parse + features)); memory: the mid path, the labelled orders,
/// and the states of the last `arrival_lag + arrival_search` of book updates.
[[nodiscard]] inline impact_pipeline_result binance_dataset(std::span<binance_reader> readers,
                                                            const binance_dataset_options& options = {}) {
  if (readers.empty()) throw invalid_argument("footprint::binance_dataset: no capture given");
  if (options.arrival_search.count() < 0) {
    throw invalid_argument(detail::concat("footprint::binance_dataset: arrival_search must be >= 0 (got ",
                                          options.arrival_search.count(), " ns)"));
  }
  const bool consistent = options.arrival_rule == binance_arrival_rule::consistent_quote;
  const std::chrono::nanoseconds search = consistent ? options.arrival_search : std::chrono::nanoseconds{0};
  impact_pipeline<arrival_features> p(
      arrival_features(options.features, options.session),
      detail::make_pipeline_params(options.horizons, options.session_seconds, options.daily_volume,
                                   options.metaorder_gap, options.arrival_lag, search, options.volatility_interval,
                                   options.arrival_book_levels, options.memory_limit, options.max_arrival_age));
  const bool history = options.arrival_lag.count() > 0 || search.count() > 0;
  std::size_t fallbacks = 0;
  binance_book_ticker ticker;
  binance_event ev;
  executed_order order;
  arrival_state at;
  bool open = false;
  std::chrono::nanoseconds group_trade_time{0};
  double notional = 0.0;
  std::size_t events = 0;
  bool has_time = false;
  std::chrono::nanoseconds last_time{0};
  std::chrono::nanoseconds last_book_time{0};
  const auto close = [&] {
    if (!open) return;
    order.vwap = notional / order.quantity;
    p.add_order(order, at);
    open = false;
  };
  std::vector<file_report> reports;
  binance_capture_identity identity;
  for (binance_reader& reader : readers) {
    bool first_of_file = true;
    while (reader.next(ev)) {
      if (has_time && ev.local_time < last_time) {
        throw data_error(reader.name(), ev.line, 1, "local_ts_ns",
                         detail::concat("time goes back across captures (", ev.local_time.count(), " ns after ",
                                        last_time.count(), " ns): give the files in time order"));
      }
      // A capture that starts more than max_arrival_age after the previous one ended does not
      // continue it: the previous capture's best quotes are not this market's.
      if (first_of_file && has_time && options.max_arrival_age.count() > 0 &&
          ev.local_time - last_time > options.max_arrival_age)
        ticker = binance_book_ticker{};
      first_of_file = false;
      has_time = true;
      last_time = ev.local_time;
      ++events;
      switch (ev.kind) {
        case binance_event_kind::depth_update:
        case binance_event_kind::depth_snapshot:
          if (!ev.applied) break;
          last_book_time = ev.local_time;
          p.update(detail::binance_ticker_depth_view(reader.book(), ticker, ev.local_time));
          break;
        case binance_event_kind::book_ticker:
          ticker = ev.ticker;
          last_book_time = ev.local_time;
          p.update(detail::binance_ticker_depth_view(reader.book(), ticker, ev.local_time));
          break;
        case binance_event_kind::trade: {
          trade t = ev.trade;
          t.time = ev.local_time;
          if (t.sign != 0) {
            if (open && (ev.trade.time != group_trade_time || side_of_print(t.sign) != order.side)) close();
            if (!open) {
              open = true;
              group_trade_time = ev.trade.time;
              order = executed_order{.time = t.time,
                                     .end_time = t.time,
                                     .side = side_of_print(t.sign),
                                     .quantity = 0.0,
                                     .vwap = nan,
                                     .fills = 0};
              notional = 0.0;
              if (!history) {
                p.arrival(detail::binance_ticker_depth_view(reader.book(), ticker, last_book_time), at);
              } else if (consistent) {
                if (!p.arrival_at(t.time, side_of_print(t.sign), t.price, at) && at.is_two_sided()) ++fallbacks;
              } else {
                p.arrival_at(t.time, at);
              }
            }
            order.end_time = t.time;
            order.quantity += t.quantity;
            notional += t.price * t.quantity;
            ++order.fills;
          }
          p.update(t);
          break;
        }
      }
    }
    reports.push_back(file_report{reader.name(), reader.report()});
    // One instrument per dataset: captures of two symbols, or of spot and futures, are not one
    // history.
    identity.add(reader);
  }
  close();
  impact_pipeline_result out =
      p.finish(detail::binance_ticker_depth_view(readers.back().book(), ticker, last_book_time));
  out.reports = std::move(reports);
  for (const binance_reader& reader : readers) {
    if (!reader.symbol().empty()) {
      out.instrument = binance_instrument(reader.symbol(), reader.depth().market());
      break;
    }
  }
  out.summary.events = events;
  out.summary.arrival_fallbacks = fallbacks;
  for (const file_report& f : out.reports) out.summary.rows_skipped += f.report.rows_skipped;
  return out;
}

/// Builds the impact datasets of a capture stored in several consecutive files (plain, gzip
/// or bzip2), e.g. `raw/spot/btcusdt_20240808.gz` then `btcusdt_20240809.gz`.
/// @param capture_paths the files in time order
/// @param options as above; `policy`, `market` and `replay_capacity` configure the readers
/// @throws data_error when a file cannot be opened or (strict policy) has a malformed line
/// @throws invalid_argument for invalid options or an empty list
[[nodiscard]] inline impact_pipeline_result binance_dataset(const std::vector<std::string>& capture_paths,
                                                            const binance_dataset_options& options = {}) {
  std::vector<binance_reader> readers;
  readers.reserve(capture_paths.size());
  for (const std::string& path : capture_paths) {
    readers.emplace_back(path, binance_options{.policy = options.policy,
                                               .market = options.market,
                                               .replay_capacity = options.replay_capacity,
                                               .time_unit = options.time_unit,
                                               .max_clock_skew = options.max_clock_skew});
  }
  return binance_dataset(std::span<binance_reader>(readers), options);
}

/// Builds the impact datasets of one capture file (plain, gzip or bzip2).
/// @param capture_path e.g. `raw/spot/btcusdt_20240809.gz`
/// @param options as above
/// @throws data_error when the file cannot be opened or (strict policy) has a malformed line
[[nodiscard]] inline impact_pipeline_result binance_dataset(const std::string& capture_path,
                                                            const binance_dataset_options& options = {}) {
  return binance_dataset(std::vector<std::string>{capture_path}, options);
}

}  // namespace footprint
