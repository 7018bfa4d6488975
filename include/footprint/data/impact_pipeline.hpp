/// @file data/impact_pipeline.hpp
/// @brief The streaming glue from market data to labelled impact datasets: book updates,
/// trades and grouped market orders in, an `impact_dataset` per market order, its
/// metaorder proxy, the market state at the end and a summary of the source out.
///
/// The per-source builders (`lobster_dataset`, `binance_dataset`, `bitstamp_dataset`,
/// `synthetic_dataset`) drive an `impact_pipeline`; use it directly for another source.
/// Label definitions: see `impact_dataset.hpp` and docs/impact-labels.md.
#pragma once

#include "footprint/book/trade.hpp"
#include "footprint/concepts.hpp"
#include "footprint/data/arrival_state.hpp"
#include "footprint/data/detail/grid_volatility.hpp"
#include "footprint/data/detail/timed_rows.hpp"
#include "footprint/data/executed_order.hpp"
#include "footprint/data/impact_dataset.hpp"
#include "footprint/data/impact_pipeline_params.hpp"
#include "footprint/data/impact_pipeline_result.hpp"
#include "footprint/data/market_tape.hpp"
#include "footprint/data/source_summary.hpp"
#include "footprint/detail/concat.hpp"
#include "footprint/detail/feature_names.hpp"
#include "footprint/error.hpp"
#include "footprint/features/arrival_features.hpp"
#include "footprint/feeds/parse_report.hpp"
#include "footprint/types.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <utility>
#include <vector>

namespace footprint {

/// Streams book updates, trades and market orders into an `impact_dataset_builder` and
/// arrival features.
///
/// Protocol, in time order (the times of books and trades must not decrease):
/// 1. `update(book)` after every book update: updates the features (when stateful),
///    records the mid for the labels when both sides are non-empty, and, when
///    `arrival_lag` or `arrival_search` > 0, keeps the state for `arrival_at`;
/// 2. `update(trade)` for every trade print, before the book that reflects it: updates the
///    trade-aware features and the counts (sign 0 = unsigned);
/// 3. for each market order, capture its arrival state *before* feeding its fills:
///    `arrival(book_before, state)` (the state now, with the book before the first fill),
///    `arrival_at(first_fill_time, state)` (the state as of first_fill_time - arrival_lag) or
///    `arrival_at(first_fill_time, side, first_price, state)` (the latest state the first
///    fill is consistent with); then, once its last fill is known, `add_order(order, state)`;
/// 4. `finish(last_book)`: the datasets, the market state and the summary.
///
/// `Features` is a feature calculator for the books given (`FeatureCalculatorFor`); if it
/// is stateful or observes trades it gets every update. Memory: the mid path (16 bytes per
/// distinct mid time), the orders with their features, and with a lag or search the
/// states of the last `arrival_lag + arrival_search` of book updates.
template <class Features = arrival_features>
class impact_pipeline {
 public:
  /// @param features the arrival feature calculator (moved in; its names are the dataset's
  ///        first columns)
  /// @param params labels, metaorder gap, arrival lag, volatility sampling
  /// @throws invalid_argument when metaorder_gap < 0, arrival_lag < 0, arrival_search < 0,
  ///         volatility_interval <= 0, or the label parameters are invalid (see
  ///         `impact_dataset_builder`)
  explicit impact_pipeline(Features features = Features{}, impact_pipeline_params params = {})
      : features_(std::move(features)),
        params_(std::move(params)),
        names_(features_.names().begin(), features_.names().end()),
        builder_(names_, params_.labels),
        volatility_(params_.volatility_interval) {
    const char* where = "footprint::impact_pipeline::impact_pipeline";
    if (params_.metaorder_gap.count() < 0) {
      throw invalid_argument(
          detail::concat(where, ": metaorder_gap must be >= 0 (got ", params_.metaorder_gap.count(), " ns)"));
    }
    if (params_.arrival_lag.count() < 0) {
      throw invalid_argument(
          detail::concat(where, ": arrival_lag must be >= 0 (got ", params_.arrival_lag.count(), " ns)"));
    }
    if (params_.arrival_search.count() < 0) {
      throw invalid_argument(
          detail::concat(where, ": arrival_search must be >= 0 (got ", params_.arrival_search.count(), " ns)"));
    }
    if (params_.volatility_interval.count() <= 0) {
      throw invalid_argument(detail::concat(where, ": volatility_interval must be > 0 (got ",
                                            params_.volatility_interval.count(), " ns)"));
    }
    if (params_.arrival_book_levels < 0 || params_.arrival_book_levels > 1000) {
      throw invalid_argument(
          detail::concat(where, ": arrival_book_levels must be in [0, 1000] (got ", params_.arrival_book_levels, ")"));
    }
    levels_ = static_cast<std::size_t>(params_.arrival_book_levels);
    builder_.keep_arrival_books(params_.arrival_book_levels);
    history_.set_stride(4 + names_.size() + 4 * levels_);
  }

  /// The parameters.
  [[nodiscard]] const impact_pipeline_params& params() const noexcept { return params_; }
  /// The arrival feature names (the first columns of the datasets' X).
  [[nodiscard]] std::span<const std::string> feature_names() const noexcept { return names_; }
  /// The feature calculator (its state after the last update).
  [[nodiscard]] const Features& features() const noexcept { return features_; }
  /// The counts so far (`events`, `rows_skipped` and `excluded_trades` are the source's).
  [[nodiscard]] const source_summary& summary() const noexcept { return summary_; }
  /// Bytes held now (capacities of the mid path, trades, orders, features, arrival books and
  /// the history), as `impact_pipeline_params::memory_limit` counts them.
  [[nodiscard]] std::size_t bytes_held() const noexcept {
    return builder_.bytes_held() + trades_.capacity() * sizeof(trade) + history_.bytes_held();
  }

  /// Observes the book after one update.
  /// @param book any `OrderBookView`; its timestamp must not be before the last update's
  /// @throws invalid_argument when time goes back
  /// Complexity: the features' `update`, plus their `compute` when the history is kept
  /// (arrival_lag or arrival_search > 0); amortized O(1) otherwise. Allocates only to grow
  /// the mid path and the history.
  template <OrderBookView B>
  void update(const B& book) {
    const auto t = detail::feat::book_traits<B>::timestamp(book);
    advance_clock(t, "update(book)");
    ++summary_.book_updates;
    if ((summary_.book_updates & 4095) == 0) check_memory();
    if constexpr (requires(Features & f, const B& b) { f.update(b); }) features_.update(book);
    const detail::feat::top_quotes q = detail::feat::read_top(book);
    if (q.two_sided()) {
      const double mid = q.mid();
      if (std::isfinite(mid) && mid > 0.0) {
        builder_.add_mid(t, mid);
        volatility_.add(t, mid);
      }
    }
    if (keeps_history()) keep_state(book, t, q);
  }

  /// Observes one trade print (before the book update that reflects it).
  /// @param t time on the same clock as the books (not before the last update), price > 0,
  ///        quantity > 0, sign +1, -1 or 0 (unknown)
  /// @throws invalid_argument when time goes back
  void update(const trade& t) {
    advance_clock(t.time, "update(trade)");
    ++summary_.trades;
    if ((summary_.trades & 4095) == 0) check_memory();
    if (t.sign == 0) ++summary_.unsigned_trades;
    summary_.traded_volume += t.quantity;
    summary_.traded_value += t.price * t.quantity;
    trades_.push_back(t);
    if constexpr (TradeObserver<Features, trade>) features_.update(t);
  }

  /// The state now, for an order whose first fill comes next: the features after the last
  /// update, with `book_before` (the book just before the first fill) for the book features.
  /// @param out receives the state (its feature vector's storage is reused)
  template <OrderBookView B>
  void arrival(const B& book_before, arrival_state& out) {
    const detail::feat::top_quotes q = detail::feat::read_top(book_before);
    out.time = detail::feat::book_traits<B>::timestamp(book_before);
    out.bid = q.bid;
    out.ask = q.ask;
    out.bid_depth = q.bid_quantity;
    out.ask_depth = q.ask_quantity;
    out.features.resize(names_.size());
    features_.compute(book_before, std::span<double>(out.features));
    out.book.resize(4 * levels_);
    copy_levels(book_before, out.book.data());
  }

  /// The state as of `time - arrival_lag`: the state after the last book update at or before
  /// that time (for feeds whose book reflects a trade before its trade message arrives).
  /// @param time the first fill's time, at or after the last update's time (ask for the
  ///        order being processed, in stream order: older states are dropped)
  /// @param out receives the state; NaN prices and features when there is none
  /// @return false when no book update at or before `time - arrival_lag` is known
  /// @throws invalid_argument when the history is not kept (arrival_lag and arrival_search
  ///         both 0: use `arrival(book, out)`)
  /// Complexity: O(log of the states kept).
  bool arrival_at(std::chrono::nanoseconds time, arrival_state& out) const {
    require_history("arrival_at");
    const std::size_t n = history_.count_at_or_before(time - params_.arrival_lag);
    if (n == 0) {
      clear(out, time - params_.arrival_lag);
      return false;
    }
    read_state(n - 1, out);
    return true;
  }

  /// The latest state in force at some time in [time - arrival_lag - arrival_search,
  /// time - arrival_lag] whose quote on the side the order takes its first fill does not
  /// beat: best ask <= first_price for a buy, best bid >= first_price for a sell. A taker fills at
  /// the best quote or worse, so a state whose quote the first fill beats is not the state
  /// the order met (it already shows the order's own effect, or a quote that was gone); this
  /// chooses, trade by trade, the smallest delay consistent with the fill, as quote-matching
  /// rules do with a fixed delay (Lee and Ready 1991).
  /// @param time the first fill's time (as for `arrival_at(time, out)`)
  /// @param side the aggressor, buy or sell
  /// @param first_price the price of the first fill, quote currency
  /// @param out receives the consistent state; when there is none, the state of
  ///        `arrival_at(time, out)` (NaN when there is none either)
  /// @return true when a consistent state was found
  /// @throws invalid_argument when the history is not kept, or side is not buy or sell
  /// Complexity: O(log of the states kept + states in the search window).
  bool arrival_at(std::chrono::nanoseconds time, footprint::side side, double first_price, arrival_state& out) const {
    require_history("arrival_at");
    if (side != footprint::side::buy && side != footprint::side::sell) {
      throw invalid_argument(detail::concat("footprint::impact_pipeline::arrival_at: side must be buy or sell (got ",
                                            static_cast<int>(side), ")"));
    }
    const std::chrono::nanoseconds start = time - params_.arrival_lag;
    const std::chrono::nanoseconds stop = start - params_.arrival_search;
    const std::size_t n = history_.count_at_or_before(start);
    // The states in force at some time in [stop, start]: back to the one in force at stop.
    for (std::size_t i = n; i-- > 0;) {
      const double* v = history_.row(i);
      const bool consistent =
          side == footprint::side::buy ? v[1] <= first_price : v[0] >= first_price;  // NaN (empty side): false
      if (consistent) {
        read_state(i, out);
        return true;
      }
      if (history_.time(i) <= stop) break;
    }
    if (n == 0) {
      clear(out, start);
    } else {
      read_state(n - 1, out);
    }
    return false;
  }

  /// Labels one market order with its arrival state, or counts it as unlabelled when the
  /// arrival book was not two-sided.
  /// @param o the order (side buy or sell, quantity > 0, vwap > 0, end_time >= time, not before
  ///          the previous order)
  /// @param at its arrival state (from `arrival` or `arrival_at`)
  /// @throws invalid_argument / dimension_mismatch as `impact_dataset_builder::add_order`
  void add_order(const executed_order& o, const arrival_state& at) {
    ++summary_.market_orders;
    summary_.fills += o.fills;
    const double mid = at.mid();
    // A state older than max_arrival_age is not the market the order met (e.g. the last book
    // of a capture that ended long before): the order is not labelled.
    const bool stale = params_.max_arrival_age.count() > 0 && o.time - at.time > params_.max_arrival_age;
    if (!at.is_two_sided() || !(mid > 0.0) || stale) {
      ++summary_.unlabelled_orders;
      return;
    }
    const order_arrival a{.time = o.time,
                          .end_time = o.end_time,
                          .side = o.side,
                          .quantity = o.quantity,
                          .vwap = o.vwap,
                          .arrival_mid = mid,
                          .bid_depth = at.bid_depth,
                          .ask_depth = at.ask_depth,
                          .spread = at.ask - at.bid};
    if (at.book.size() != 4 * levels_) {
      throw dimension_mismatch("footprint::impact_pipeline::add_order",
                               "the arrival state's book must hold 4 x arrival_book_levels values",
                               static_cast<index>(4 * levels_), static_cast<index>(at.book.size()));
    }
    builder_.add_order(a, at.features, at.book);
  }

  /// Builds the datasets and the market state after `last_book` (the last book of the data).
  ///
  /// `state`: time, mid, spread and best depths of `last_book` (NaN for an empty side);
  /// `volatility` = realized volatility of the mid sampled every `volatility_interval` over
  /// the data, sqrt(sum r^2 / sampled seconds), per sqrt(second) (NaN with no complete
  /// interval; Andersen and Bollerslev 1998); `volume_rate` = traded quantity / time span,
  /// per second (NaN for an empty span); `features` = the arrival features now.
  /// May be called more than once. Complexity: that of `build` and `build_metaorders`.
  template <OrderBookView B>
  [[nodiscard]] impact_pipeline_result finish(const B& last_book) {
    impact_pipeline_result r;
    r.orders = builder_.build();
    r.metaorders = builder_.build_metaorders(params_.metaorder_gap);
    const detail::feat::top_quotes q = detail::feat::read_top(last_book);
    market_state& s = r.state;
    s.time = detail::feat::book_traits<B>::timestamp(last_book);
    s.mid = q.two_sided() ? q.mid() : nan;
    s.spread = q.two_sided() ? q.ask - q.bid : nan;
    s.bid_depth = q.bid_quantity;
    s.ask_depth = q.ask_quantity;
    s.volatility = volatility_.volatility();
    r.summary = summary_;
    r.summary.mid_updates = builder_.mid_count();
    r.tape = market_tape{trades_, builder_.mid_times(), builder_.mids()};
    using T = detail::feat::book_traits<B>;
    for (index i = T::bid_levels(last_book); i-- > 0;)
      r.book.set_level(side::buy, T::bid_price(last_book, i), T::bid_quantity(last_book, i));
    for (index i = T::ask_levels(last_book); i-- > 0;)
      r.book.set_level(side::sell, T::ask_price(last_book, i), T::ask_quantity(last_book, i));
    r.book.set_timestamp(s.time);
    s.volume_rate = r.summary.span_seconds > 0.0 ? r.summary.traded_volume / r.summary.span_seconds : nan;
    s.features.resize(static_cast<index>(names_.size()));
    features_.compute(last_book, std::span<double>(s.features.data(), names_.size()));
    return r;
  }

 private:
  void advance_clock(std::chrono::nanoseconds t, const char* what) {
    if (has_time_ && t < summary_.last_time) {
      throw invalid_argument(detail::concat("footprint::impact_pipeline::", what, ": time went back (", t.count(),
                                            " ns after ", summary_.last_time.count(), " ns)"));
    }
    if (!has_time_) {
      summary_.first_time = t;
      has_time_ = true;
    }
    summary_.last_time = t;
    summary_.span_seconds = detail::feat::to_seconds(summary_.last_time - summary_.first_time);
  }

  [[nodiscard]] bool keeps_history() const noexcept {
    return params_.arrival_lag.count() > 0 || params_.arrival_search.count() > 0;
  }

  void require_history(const char* fn) const {
    if (!keeps_history()) {
      throw invalid_argument(detail::concat("footprint::impact_pipeline::", fn,
                                            ": needs arrival_lag or arrival_search > 0 (use arrival(book, state))"));
    }
  }

  void read_state(std::size_t i, arrival_state& out) const {
    const double* v = history_.row(i);
    out.time = history_.time(i);
    out.bid = v[0];
    out.ask = v[1];
    out.bid_depth = v[2];
    out.ask_depth = v[3];
    out.features.assign(v + 4, v + 4 + names_.size());
    out.book.assign(v + 4 + names_.size(), v + 4 + names_.size() + 4 * levels_);
  }

  void clear(arrival_state& out, std::chrono::nanoseconds t) const {
    out.time = t;
    out.bid = out.ask = out.bid_depth = out.ask_depth = nan;
    out.features.assign(names_.size(), nan);
    out.book.assign(4 * levels_, nan);
  }

  // The best levels_ levels per side of `book` into out[0, 4 levels_), NaN past a side's end.
  template <OrderBookView B>
  void copy_levels(const B& book, double* out) const {
    using T = detail::feat::book_traits<B>;
    const auto nb = static_cast<std::size_t>(T::bid_levels(book));
    const auto na = static_cast<std::size_t>(T::ask_levels(book));
    for (std::size_t k = 0; k < levels_; ++k) {
      const auto i = static_cast<index>(k);
      out[4 * k] = k < nb ? T::bid_price(book, i) : nan;
      out[4 * k + 1] = k < nb ? T::bid_quantity(book, i) : nan;
      out[4 * k + 2] = k < na ? T::ask_price(book, i) : nan;
      out[4 * k + 3] = k < na ? T::ask_quantity(book, i) : nan;
    }
  }

  // Appends the state after this update to the history, dropping the states no later query
  // can need (all but the last one at or before now - lag - search).
  template <OrderBookView B>
  void keep_state(const B& book, std::chrono::nanoseconds t, const detail::feat::top_quotes& q) {
    history_.drop_before(t - params_.arrival_lag - params_.arrival_search);
    double* v = history_.next_row(t);
    v[0] = q.bid;
    v[1] = q.ask;
    v[2] = q.bid_quantity;
    v[3] = q.ask_quantity;
    features_.compute(book, std::span<double>(v + 4, names_.size()));
    copy_levels(book, v + 4 + names_.size());
    history_.commit();
  }

  // Refuses the stream once it holds more than memory_limit bytes (checked every 4,096 book
  // updates and trades: at most that many rows past the limit).
  void check_memory() const {
    if (params_.memory_limit == 0) return;
    const std::size_t held = bytes_held();
    if (held <= params_.memory_limit) return;
    throw data_error("impact_pipeline", 0, 0, "memory_limit",
                     detail::concat("the dataset holds ", held, " bytes after ", summary_.book_updates,
                                    " book updates and ", summary_.trades, " trades, more than memory_limit (",
                                    params_.memory_limit, " bytes): split the input or raise the limit"));
  }

  Features features_;
  impact_pipeline_params params_;
  std::vector<std::string> names_;
  impact_dataset_builder builder_;
  source_summary summary_;
  std::vector<trade> trades_;  // the tape's trades
  bool has_time_ = false;
  // volatility sampling
  detail::grid_volatility volatility_;
  std::size_t levels_ = 0;  // arrival book levels kept per side
  // history: rows of (bid, ask, bid depth, ask depth, features..., book levels...) by time
  detail::timed_rows history_;
};

}  // namespace footprint
