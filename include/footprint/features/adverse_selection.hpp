/// @file features/adverse_selection.hpp
/// @brief Adverse-selection proxies over a clock window: the time since the last large trade,
/// the rate of quote revisions, and the share of trades that went through the best quote.
#pragma once

#include "footprint/book/trade.hpp"
#include "footprint/concepts.hpp"
#include "footprint/detail/concat.hpp"
#include "footprint/detail/feature_names.hpp"
#include "footprint/error.hpp"
#include "footprint/features/detail/window_sum.hpp"
#include "footprint/types.hpp"

#include <array>
#include <chrono>
#include <cmath>
#include <cstddef>
#include <span>
#include <string>
#include <vector>

namespace footprint {

/// Parameters of `adverse_selection`.
struct adverse_selection_params {
  std::chrono::nanoseconds window = std::chrono::seconds{60};  ///< T, the clock window; > 0
  /// A trade is large when its quantity is at least this multiple of the mean quantity of
  /// the trades in the window before it; > 1.
  double large_multiple = 10.0;
  index capacity = 65536;  ///< most trades (and, separately, quote revisions) the window holds; >= 1
};

/// Three proxies of informed trading at an order's arrival, over the trades and book updates
/// with time in (t - T, t], t the latest time seen:
/// | feature                      | definition                                                      | units       |
/// |------------------------------|-----------------------------------------------------------------|-------------|
/// | `time_since_large_trade`     | time since the last trade whose quantity was >= k x the mean quantity of the window's trades before it | seconds |
/// | `quote_revision_rate_<T>`    | book updates that moved the best bid or the best ask, per second | 1/second    |
/// | `trade_through_rate_<T>`     | share of the window's signed trades that printed beyond the best quote in force before them (a buy above the best ask, a sell below the best bid) | [0, 1] |
///
/// Sources: large trades carry more information (Easley and O'Hara 1987, "Price, trade size,
/// and information in securities markets", J. Financial Economics 19); quote revisions are
/// how prices absorb the information in trades (Hasbrouck 1991, "Measuring the information
/// content of stock trades", J. Finance 46); orders that walk through the best quote are the
/// most aggressive ones, placed by the most urgent traders (Biais, Hillion and Spatt 1995,
/// "An empirical analysis of the limit order book and the order flow in the Paris Bourse",
/// J. Finance 50).
///
/// Trades are given before the book update that reflects them (as footprint's readers and
/// pipelines do), so the best quote in force before a trade is the last book seen.
/// NaN rules: every feature is NaN before the first update of either kind;
/// `time_since_large_trade` is NaN before the first large trade (a trade with no earlier
/// trade in the window is not compared); `trade_through_rate_<T>` is NaN with no signed
/// trade in the window, or when the book before the trade had an empty side on the trade's
/// side (such a trade does not count); the window features are NaN while more than
/// `capacity` entries fell in the window.
/// Stateful and trade-aware: `update(book)`, `update(trade)` O(1) amortized, `compute`
/// O(1); none allocates or throws.
class adverse_selection {
 public:
  /// @throws invalid_argument when window <= 0, large_multiple <= 1 or capacity < 1
  explicit adverse_selection(adverse_selection_params params = {}) : params_(params) {
    const char* where = "footprint::adverse_selection::adverse_selection";
    if (params_.window.count() <= 0) {
      throw invalid_argument(detail::concat(where, ": window must be > 0 (got ", params_.window.count(), " ns)"));
    }
    if (!(params_.large_multiple > 1.0) || !std::isfinite(params_.large_multiple)) {
      throw invalid_argument(
          detail::concat(where, ": large_multiple must be finite and > 1 (got ", params_.large_multiple, ")"));
    }
    if (params_.capacity < 1)
      throw invalid_argument(detail::concat(where, ": capacity must be >= 1 (got ", params_.capacity, ")"));
    const auto capacity = static_cast<std::size_t>(params_.capacity);
    trades_ = detail::feat::window_sum::last_duration(4, params_.window, capacity);
    revisions_ = detail::feat::window_sum::last_duration(1, params_.window, capacity);
    const std::string t = detail::feat::duration_label(params_.window);
    names_ = {"time_since_large_trade", "quote_revision_rate_" + t, "trade_through_rate_" + t};
  }

  /// The parameters.
  [[nodiscard]] const adverse_selection_params& params() const noexcept { return params_; }
  /// Number of features: 3.
  [[nodiscard]] std::size_t size() const noexcept { return 3; }
  /// {"time_since_large_trade", "quote_revision_rate_<T>", "trade_through_rate_<T>"}.
  [[nodiscard]] std::span<const std::string> names() const noexcept { return names_; }

  /// Observes a book update: a quote revision when its best bid or ask price differs from
  /// the previous book's; moves the clock to its time.
  template <OrderBookView B>
  void update(const B& book) noexcept {
    const detail::feat::top_quotes q = detail::feat::read_top(book);
    const auto now = detail::feat::book_traits<B>::timestamp(book);
    const auto same = [](double a, double b) { return a == b || (std::isnan(a) && std::isnan(b)); };
    if (has_book_ && (!same(q.bid, top_.bid) || !same(q.ask, top_.ask))) {
      revisions_.push(now, 1.0);
    } else {
      revisions_.advance(now);
    }
    trades_.advance(now);
    top_ = q;
    has_book_ = true;
    started_ = true;
  }

  /// Observes one trade (in time order with the book updates, before the book that shows it).
  void update(const trade& t) noexcept {
    const bool buy = t.sign > 0;
    const bool sell = t.sign < 0;
    const double quote = buy ? top_.ask : top_.bid;
    const bool judged = (buy || sell) && !std::isnan(quote);
    const bool through = judged && (buy ? t.price > quote : t.price < quote);
    trades_.advance(t.time);
    revisions_.advance(t.time);
    const double n = trades_.sum(0);
    if (n > 0.0 && trades_.complete() && t.quantity >= params_.large_multiple * trades_.sum(1) / n) {
      last_large_ = t.time;
      has_large_ = true;
    }
    const std::array<double, 4> v{1.0, t.quantity, judged ? 1.0 : 0.0, through ? 1.0 : 0.0};
    trades_.push(t.time, v);
    started_ = true;
  }

  /// Writes the three features; `time_since_large_trade` uses `book`'s timestamp.
  template <OrderBookView B>
  void compute(const B& book, std::span<double> out) const noexcept {
    if (!started_) {
      out[0] = out[1] = out[2] = nan;
      return;
    }
    out[0] = has_large_ ? detail::feat::to_seconds(detail::feat::book_traits<B>::timestamp(book) - last_large_) : nan;
    out[1] = revisions_.complete() ? static_cast<double>(revisions_.count()) / detail::feat::to_seconds(params_.window)
                                   : nan;
    const double judged = trades_.sum(2);
    out[2] = trades_.complete() && judged > 0.0 ? trades_.sum(3) / judged : nan;
  }

  /// Forgets every update and trade.
  void reset() noexcept {
    trades_.clear();
    revisions_.clear();
    top_ = {};
    has_book_ = false;
    started_ = false;
    has_large_ = false;
    last_large_ = std::chrono::nanoseconds{0};
  }

 private:
  adverse_selection_params params_;
  detail::feat::window_sum trades_;     // per trade: 1, quantity, judged, through
  detail::feat::window_sum revisions_;  // per quote revision: 1
  detail::feat::top_quotes top_;
  bool has_book_ = false;
  bool started_ = false;
  bool has_large_ = false;
  std::chrono::nanoseconds last_large_{0};
  std::vector<std::string> names_;
};

}  // namespace footprint
