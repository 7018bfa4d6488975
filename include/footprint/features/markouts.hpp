/// @file features/markouts.hpp
/// @brief Look-ahead labels: trade markouts, realized spreads and mid returns at horizons.
#pragma once

#include "footprint/book/trade.hpp"
#include "footprint/detail/concat.hpp"
#include "footprint/detail/feature_names.hpp"
#include "footprint/detail/xtensor.hpp"
#include "footprint/error.hpp"
#include "footprint/features/book_history.hpp"
#include "footprint/types.hpp"

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <span>
#include <string>
#include <utility>
#include <vector>

namespace footprint {

/// Parameters of `markouts`.
struct markouts_params {
  /// Horizons h after each trade (or row); each > 0, distinct.
  std::vector<std::chrono::nanoseconds> horizons{std::chrono::seconds{1}, std::chrono::seconds{10},
                                                 std::chrono::seconds{60}};
};

/// Markouts, realized spreads and price impact of trades, and forward mid returns.
///
/// **These look ahead: they use the book after time t.** They are labels (targets) or
/// post-trade diagnostics computed in batch over a history, never arrival features: a
/// model that sees them at arrival time would be trained on the future. For that reason
/// `markouts` is deliberately not a `FeatureCalculatorFor` and cannot go in a
/// `feature_set` or `compute_batch`.
///
/// For a trade at time t with price p and aggressor sign s (+1 buy, -1 sell), M_0 the mid
/// of the last row strictly before t (the pre-trade mid) and M_h the mid of the last row
/// at or before t + h, all in bps of M_0 (Huang and Stoll 1996, "Dealer versus auction
/// markets", Journal of Financial Economics 41(3); the SEC Rule 605 realized spread):
/// | column                     | formula                     | meaning                                 |
/// |----------------------------|-----------------------------|-----------------------------------------|
/// | `effective_spread_bps`     | 2 s (p - M_0) / M_0 10^4    | cost paid by the aggressor              |
/// | `markout_bps_<h>`          | s (M_h - p) / M_0 10^4      | aggressor's mark-to-market after h      |
/// | `realized_spread_bps_<h>`  | 2 s (p - M_h) / M_0 10^4    | liquidity provider's revenue after h    |
/// | `price_impact_bps_<h>`     | 2 s (M_h - M_0) / M_0 10^4  | permanent part (adverse selection)      |
/// so that effective = realized + impact and realized = -2 markout.
/// For each row t of a history, `mid_return_bps_<h>` = 10^4 (M_{t+h} / M_t - 1), with
/// M_{t+h} the mid of the last row at or before t + h.
/// NaN rules: NaN when a mid needed is undefined (empty side, or no row before the
/// trade), when t + h is after the history's last row (the future is not observed), and,
/// for trades, when the sign is 0.
class markouts {
 public:
  /// @throws invalid_argument when `horizons` is empty or holds a value <= 0 or a repeat
  explicit markouts(markouts_params params = {}) : params_(std::move(params)) {
    const char* where = "footprint::markouts::markouts";
    if (params_.horizons.empty()) throw invalid_argument(detail::concat(where, ": horizons must not be empty"));
    trade_names_.push_back("effective_spread_bps");
    for (auto h : params_.horizons) {
      if (h.count() <= 0)
        throw invalid_argument(detail::concat(where, ": horizons must be > 0 (got ", h.count(), " ns)"));
      const std::string l = detail::feat::duration_label(h);
      trade_names_.push_back("markout_bps_" + l);
      trade_names_.push_back("realized_spread_bps_" + l);
      trade_names_.push_back("price_impact_bps_" + l);
      mid_names_.push_back("mid_return_bps_" + l);
    }
    detail::feat::check_unique_names(where, trade_names_);
  }

  /// The parameters.
  [[nodiscard]] const markouts_params& params() const noexcept { return params_; }
  /// Columns of `trade_markouts`: effective spread, then for each horizon: markout,
  /// realized spread, price impact.
  [[nodiscard]] std::span<const std::string> trade_names() const noexcept { return trade_names_; }
  /// Columns of `mid_returns`: one per horizon.
  [[nodiscard]] std::span<const std::string> mid_return_names() const noexcept { return mid_names_; }

  /// Per-trade labels.
  /// @param history the book history (rows in time order)
  /// @param trades  any order
  /// @return shape (trades.size(), 1 + 3 * horizons), columns as `trade_names()`, bps
  /// Complexity: O(n_trades * horizons * log rows).
  [[nodiscard]] xt::xtensor<double, 2> trade_markouts(const book_history& history,
                                                      std::span<const trade> trades) const {
    const std::size_t k = trade_names_.size();
    const typename xt::xtensor<double, 2>::shape_type shape = {trades.size(), k};
    xt::xtensor<double, 2> out(shape);
    const auto times = history.times();
    for (std::size_t j = 0; j < trades.size(); ++j) {
      double* row = out.data() + j * k;
      const trade& tr = trades[j];
      const double s = static_cast<double>(tr.sign);
      const auto before = std::lower_bound(times.begin(), times.end(), tr.time) - times.begin();
      const double m0 = before > 0 ? detail::feat::mid_price(history.at(before - 1)) : nan;
      const bool ok = s != 0.0 && m0 > 0.0;
      row[0] = ok ? 2e4 * s * (tr.price - m0) / m0 : nan;
      for (std::size_t h = 0; h < params_.horizons.size(); ++h) {
        const double mh = ok ? mid_at_or_before(history, tr.time + params_.horizons[h]) : nan;
        row[1 + 3 * h] = 1e4 * s * (mh - tr.price) / m0;
        row[2 + 3 * h] = 2e4 * s * (tr.price - mh) / m0;
        row[3 + 3 * h] = 2e4 * s * (mh - m0) / m0;
      }
    }
    return out;
  }

  /// Forward mid returns of every row.
  /// @return shape (history.rows(), horizons), columns as `mid_return_names()`, bps
  /// Complexity: O(rows * horizons * log rows).
  [[nodiscard]] xt::xtensor<double, 2> mid_returns(const book_history& history) const {
    const std::size_t n = static_cast<std::size_t>(history.rows());
    const std::size_t k = params_.horizons.size();
    const typename xt::xtensor<double, 2>::shape_type shape = {n, k};
    xt::xtensor<double, 2> out(shape);
    const auto times = history.times();
    for (std::size_t t = 0; t < n; ++t) {
      const double m = detail::feat::mid_price(history.at(static_cast<index>(t)));
      for (std::size_t h = 0; h < k; ++h) {
        const double mh = m > 0.0 ? mid_at_or_before(history, times[t] + params_.horizons[h]) : nan;
        out(t, h) = 1e4 * (mh / m - 1.0);
      }
    }
    return out;
  }

 private:
  // Mid of the last row with time <= t; NaN when t is after the last row.
  static double mid_at_or_before(const book_history& history, std::chrono::nanoseconds t) noexcept {
    const auto times = history.times();
    if (times.empty() || t > times.back()) return nan;
    const auto i = std::upper_bound(times.begin(), times.end(), t) - times.begin();
    return i > 0 ? detail::feat::mid_price(history.at(i - 1)) : nan;
  }

  markouts_params params_;
  std::vector<std::string> trade_names_;
  std::vector<std::string> mid_names_;
};

}  // namespace footprint
