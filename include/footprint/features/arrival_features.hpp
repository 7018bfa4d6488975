/// @file features/arrival_features.hpp
/// @brief The standard arrival features of an impact dataset: the market state an order
/// meets when it arrives (prices, liquidity, order flow, volatility, trade flow, time of day,
/// adverse selection), computed streaming from the book and the trades.
#pragma once

#include "footprint/book/trade.hpp"
#include "footprint/concepts.hpp"
#include "footprint/detail/concat.hpp"
#include "footprint/detail/feature_names.hpp"
#include "footprint/error.hpp"
#include "footprint/features/depth_imbalance.hpp"
#include "footprint/features/depth_within_bps.hpp"
#include "footprint/features/detail/window_sum.hpp"
#include "footprint/features/ewma_volatility.hpp"
#include "footprint/features/feature_set.hpp"
#include "footprint/features/kyle_lambda.hpp"
#include "footprint/features/order_flow_imbalance.hpp"
#include "footprint/features/queue_imbalance.hpp"
#include "footprint/features/realized_volatility.hpp"
#include "footprint/features/time_of_day.hpp"
#include "footprint/features/top_of_book.hpp"
#include "footprint/features/trade_flow.hpp"
#include "footprint/types.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace footprint {

/// Parameters of `arrival_features`; the defaults are the choices documented in
/// docs/impact-labels.md (the trading session is a separate `time_of_day_params`).
struct arrival_features_params {
  index depth_levels = 5;  ///< k of `depth_imbalance_<k>` (levels per side summed); >= 1
  std::vector<double> depth_bps{
      10.0};  ///< distances x of `bid/ask_depth_<x>bps`, bps of the mid; each finite, > 0, distinct
  /// Clock windows T of the normalised order flow imbalance `ofi_norm_<T>`; each > 0, distinct.
  std::vector<std::chrono::nanoseconds> ofi_windows{std::chrono::seconds{10}, std::chrono::seconds{60}};
  std::chrono::nanoseconds short_volatility_window =
      std::chrono::seconds{60};  ///< T of the first `realized_vol_rate_<T>`; > 0
  std::chrono::nanoseconds long_volatility_window =
      std::chrono::seconds{300};  ///< T of the second `realized_vol_rate_<T>`; > 0, != short window
  std::chrono::nanoseconds ewma_half_life = std::chrono::seconds{60};  ///< h of `ewma_vol_<h>`; > 0
  std::chrono::nanoseconds trade_window = std::chrono::seconds{60};    ///< T of the trade-flow features; > 0
  std::chrono::nanoseconds kyle_interval = std::chrono::seconds{10};   ///< L of `kyle_lambda_bps_<L>_x<K>`; > 0
  index kyle_intervals = 30;  ///< K of `kyle_lambda_bps_<L>_x<K>` (completed intervals regressed); >= 2
  /// Most events a clock window holds (book updates for OFI, mid changes for realized
  /// volatility, trades for trade flow); a busier window reports NaN. >= 1. Memory: about
  /// 16 bytes per event per window, 48 for trades (about 9 MB with the default, twice what
  /// the busiest capture, Binance USD-M, needs for its 60 s OFI window).
  index capacity = index{1} << 16;
};

/// The market state at an order's arrival, as impact models use it: a feature calculator
/// composed of footprint's calculators (a `feature_set`), with a few derived columns.
///
/// Features, in order (names with the default parameters; `<...>` follows the parameters):
/// | feature                     | definition                                                     | units            | from |
/// |-----------------------------|----------------------------------------------------------------|------------------|------|
/// | `mid`                       | (bid + ask) / 2                                                 | quote currency   | `top_of_book` |
/// | `spread_bps`                | 10^4 (ask - bid) / mid                                          | bps              | `top_of_book` |
/// | `weighted_mid_offset_bps`   | 10^4 (weighted_mid - mid) / mid = 10^4 S (I - 1/2) / mid        | bps              | `top_of_book` |
/// | `queue_imbalance`           | (q_b - q_a) / (q_b + q_a) at the best quotes                    | [-1, 1]          | `queue_imbalance` |
/// | `depth_imbalance_5`         | same over the best 5 levels per side (or fewer if the book has fewer) | [-1, 1]    | `depth_imbalance` |
/// | `bid_depth_10bps`, `ask_depth_10bps` | quantity resting within 10 bps of the mid, per side    | shares/coins     | `depth_within_bps` |
/// | `ofi_norm_10s`, `ofi_norm_60s` | OFI over the last T divided by the mean level-1 depth (q_b + q_a)/2 over the book updates of the same window | dimensionless | `order_flow_imbalance` |
/// | `realized_vol_rate_60s`, `realized_vol_rate_300s` | sqrt(sum of squared mid log-returns over T / T) | per sqrt(second) | `realized_volatility` |
/// | `ewma_vol_60s`              | exponentially weighted volatility, half-life 60 s               | per sqrt(second) | `ewma_volatility` |
/// | `signed_volume_60s`         | sum of sign x quantity of the trades of the last 60 s           | shares/coins     | `trade_flow` |
/// | `trade_sign_imbalance_60s`  | mean sign of the signed trades of the last 60 s                 | [-1, 1]          | `trade_flow` |
/// | `trade_intensity_60s`       | trades per second over the last 60 s                            | 1/second         | `trade_flow` |
/// | `session_fraction`          | (time of day - open) / (close - open)                           | dimensionless    | `time_of_day` |
/// | `kyle_lambda_bps_10s_x30`   | 10^4 lambda / mid, lambda the OLS slope of 10 s mid changes on signed volume over the last 30 intervals | bps per share/coin | `kyle_lambda` |
///
/// Choices (see docs/impact-labels.md): the weighted mid offset is the imbalance-weighted
/// mid of Gatheral and Oomen (2010) relative to the mid, in bps, so that it compares across
/// prices (Stoikov's 2018 micro-price needs a fitted model and is left out). OFI is divided
/// by the average depth at the best quotes because Cont, Kukanov and Stoikov (2014) find
/// the price impact coefficient of OFI inversely proportional to that depth: OFI / depth is
/// the dimensionless regressor of their linear model (when no update fell in the window the
/// current depth is used). Volatilities are per sqrt(second) like `market_state::volatility`,
/// sampled tick by tick (they include the bid-ask bounce). Kyle's lambda is expressed in bps
/// of the current mid per unit so that it compares across prices.
///
/// NaN rules: those of the underlying calculators (every book feature NaN when a side is
/// empty; windows NaN before their first update or while over `capacity`; EWMA volatility
/// until two mids; trade sign imbalance with no signed trade in the window; Kyle's lambda
/// with fewer than 2 usable intervals); `ofi_norm_<T>` is also NaN when the depth is 0 or
/// undefined.
///
/// A `StatefulFeatureCalculatorFor<Book>` and `TradeObserver<trade>`: call `update(book)`
/// after every book update and `update(trade)` for every trade, in time order (a trade
/// before the book that reflects it), then `compute(book, out)` for the state after the last
/// update. `update` and `compute` do not allocate or throw; `compute` is O(levels within
/// the depth distances + K) and not const (it uses a scratch buffer).
class arrival_features {
 public:
  /// The calculators, in the order of their features in `inner_names()`.
  using calculators =
      feature_set<top_of_book, queue_imbalance, depth_imbalance, depth_within_bps, order_flow_imbalance,
                  realized_volatility, realized_volatility, ewma_volatility, trade_flow, time_of_day, kyle_lambda>;

  /// @param params windows, levels and distances (see the fields)
  /// @param session the trading session of `session_fraction`: the default is a US equity
  ///        session (09:30 to 16:00, timestamps since local midnight); use open 0 and close
  ///        24 h for crypto feeds with UTC epoch timestamps
  /// @throws invalid_argument for a parameter out of its range (the message names the
  ///         calculator and the parameter), or when the two volatility windows are equal
  explicit arrival_features(arrival_features_params params = {}, time_of_day_params session = {})
      : params_(std::move(params)), session_(session), inner_(make(params_, session_)) {
    scratch_.assign(inner_.size(), nan);
    map_columns();
    for (std::chrono::nanoseconds t : params_.ofi_windows) {
      depth_windows_.push_back(
          detail::feat::scalar_window_sum::last_duration(t, static_cast<std::size_t>(params_.capacity)));
    }
    detail::feat::check_unique_names("footprint::arrival_features::arrival_features", names_);
  }

  /// The parameters.
  [[nodiscard]] const arrival_features_params& params() const noexcept { return params_; }
  /// The trading session of `session_fraction`.
  [[nodiscard]] const time_of_day_params& session() const noexcept { return session_; }
  /// Number of features (17 with the default parameters).
  [[nodiscard]] std::size_t size() const noexcept { return names_.size(); }
  /// The feature names, in output order (see the class comment).
  [[nodiscard]] std::span<const std::string> names() const noexcept { return names_; }
  /// The underlying calculators (e.g. to read one of their raw features).
  [[nodiscard]] const calculators& inner() const noexcept { return inner_; }
  /// Names of the underlying calculators' features (a superset of the inputs used).
  [[nodiscard]] std::span<const std::string> inner_names() const noexcept { return inner_.names(); }

  /// Observes the book after one update (in time order).
  template <OrderBookView B>
  void update(const B& book) noexcept {
    inner_.update(book);
    const detail::feat::top_quotes q = detail::feat::read_top(book);
    const auto t = detail::feat::book_traits<B>::timestamp(book);
    const double depth = 0.5 * (q.bid_quantity + q.ask_quantity);
    for (detail::feat::scalar_window_sum& w : depth_windows_) {
      if (q.two_sided() && std::isfinite(depth)) {
        w.push(t, depth);
      } else {
        w.advance(t);
      }
    }
  }

  /// Observes one trade (before the book update that reflects it).
  void update(const trade& t) noexcept { inner_.update(t); }

  /// Writes the features (state after the last update; stateless ones from `book`) to
  /// out[0 .. size()).
  template <OrderBookView B>
  void compute(const B& book, std::span<double> out) noexcept {
    const std::span<double> in(scratch_);
    inner_.compute(book, in);
    const double mid = in[mid_];
    std::size_t j = 0;
    out[j++] = mid;
    out[j++] = in[spread_bps_];
    out[j++] = 1e4 * (in[weighted_mid_] - mid) / mid;
    out[j++] = in[queue_imbalance_];
    out[j++] = in[depth_imbalance_];
    for (std::size_t c : depth_) out[j++] = in[c];
    const detail::feat::top_quotes q = detail::feat::read_top(book);
    const double current_depth = q.two_sided() ? 0.5 * (q.bid_quantity + q.ask_quantity) : nan;
    for (std::size_t k = 0; k < ofi_.size(); ++k) {
      const detail::feat::scalar_window_sum& w = depth_windows_[k];
      const double avg =
          !w.complete() ? nan : (w.count() > 0 ? w.sum() / static_cast<double>(w.count()) : current_depth);
      out[j++] = avg > 0.0 ? in[ofi_[k]] / avg : nan;
    }
    out[j++] = in[short_vol_];
    out[j++] = in[long_vol_];
    out[j++] = in[ewma_vol_];
    out[j++] = in[signed_volume_];
    out[j++] = in[sign_imbalance_];
    out[j++] = in[intensity_];
    out[j++] = in[session_fraction_];
    out[j++] = 1e4 * in[kyle_] / mid;
  }

  /// Forgets every update and trade.
  void reset() noexcept {
    inner_.reset();
    for (detail::feat::scalar_window_sum& w : depth_windows_) w.clear();
  }

 private:
  static calculators make(const arrival_features_params& p, const time_of_day_params& session) {
    if (p.short_volatility_window == p.long_volatility_window) {
      throw invalid_argument(
          detail::concat("footprint::arrival_features::arrival_features: short_volatility_window and "
                         "long_volatility_window must differ (got ",
                         p.short_volatility_window.count(), " ns twice)"));
    }
    return calculators(
        top_of_book{}, queue_imbalance{}, depth_imbalance({.levels = p.depth_levels}),
        depth_within_bps({.bps = p.depth_bps}),
        order_flow_imbalance({.event_windows = {}, .clock_windows = p.ofi_windows, .clock_capacity = p.capacity}),
        realized_volatility({.window = p.short_volatility_window, .capacity = p.capacity}),
        realized_volatility({.window = p.long_volatility_window, .capacity = p.capacity}),
        ewma_volatility({.half_life = p.ewma_half_life}),
        trade_flow({.window = p.trade_window, .capacity = p.capacity}), time_of_day(session),
        kyle_lambda({.interval = p.kyle_interval, .intervals = p.kyle_intervals}));
  }

  // Column of the inner feature `name` (it exists by construction).
  [[nodiscard]] std::size_t column(std::string_view name) const {
    const std::span<const std::string> n = inner_.names();
    const auto it = std::find(n.begin(), n.end(), name);
    if (it == n.end()) {  // not reached: the names follow from the parameters
      throw invalid_argument(detail::concat("footprint::arrival_features: no inner feature named '", name, "'"));
    }
    return static_cast<std::size_t>(it - n.begin());
  }

  void map_columns() {
    using detail::feat::duration_label;
    using detail::feat::number_label;
    mid_ = column("mid");
    spread_bps_ = column("spread_bps");
    weighted_mid_ = column("weighted_mid");
    queue_imbalance_ = column("queue_imbalance");
    const std::string di = "depth_imbalance_" + std::to_string(params_.depth_levels);
    depth_imbalance_ = column(di);
    names_ = {"mid", "spread_bps", "weighted_mid_offset_bps", "queue_imbalance", di};
    for (double x : params_.depth_bps) {
      for (const char* s : {"bid_depth_", "ask_depth_"}) {
        const std::string n = s + number_label(x) + "bps";
        depth_.push_back(column(n));
        names_.push_back(n);
      }
    }
    for (std::chrono::nanoseconds t : params_.ofi_windows) {
      ofi_.push_back(column("ofi_" + duration_label(t)));
      names_.push_back("ofi_norm_" + duration_label(t));
    }
    const std::string vs = "realized_vol_rate_" + duration_label(params_.short_volatility_window);
    const std::string vl = "realized_vol_rate_" + duration_label(params_.long_volatility_window);
    const std::string ev = "ewma_vol_" + duration_label(params_.ewma_half_life);
    short_vol_ = column(vs);
    long_vol_ = column(vl);
    ewma_vol_ = column(ev);
    const std::string tw = duration_label(params_.trade_window);
    signed_volume_ = column("signed_volume_" + tw);
    sign_imbalance_ = column("trade_sign_imbalance_" + tw);
    intensity_ = column("trade_intensity_" + tw);
    session_fraction_ = column("session_fraction");
    const std::string kl = duration_label(params_.kyle_interval) + "_x" + std::to_string(params_.kyle_intervals);
    kyle_ = column("kyle_lambda_" + kl);
    for (const std::string& n : {vs, vl, ev, "signed_volume_" + tw, "trade_sign_imbalance_" + tw,
                                 "trade_intensity_" + tw, std::string("session_fraction"), "kyle_lambda_bps_" + kl}) {
      names_.push_back(n);
    }
  }

  arrival_features_params params_;
  time_of_day_params session_;
  calculators inner_;
  std::vector<double> scratch_;
  std::vector<detail::feat::scalar_window_sum> depth_windows_;
  std::vector<std::string> names_;
  std::size_t mid_ = 0, spread_bps_ = 0, weighted_mid_ = 0, queue_imbalance_ = 0, depth_imbalance_ = 0;
  std::vector<std::size_t> depth_, ofi_;
  std::size_t short_vol_ = 0, long_vol_ = 0, ewma_vol_ = 0, signed_volume_ = 0, sign_imbalance_ = 0, intensity_ = 0;
  std::size_t session_fraction_ = 0, kyle_ = 0;
};

}  // namespace footprint
