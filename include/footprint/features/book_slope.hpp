/// @file features/book_slope.hpp
/// @brief Slope of each side of the book: OLS of cumulative depth on distance from the mid.
#pragma once

#include "footprint/concepts.hpp"
#include "footprint/detail/concat.hpp"
#include "footprint/detail/feature_names.hpp"
#include "footprint/error.hpp"
#include "footprint/types.hpp"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <span>
#include <string>
#include <vector>

namespace footprint {

/// Parameters of `book_slope`.
struct book_slope_params {
  index levels = 5;  ///< k, the number of levels per side in the regression; >= 2
};

/// How fast depth accumulates away from the mid, per side: an OLS slope.
///
/// For side s and its best n = min(k, levels on s) levels i = 1..n, with mid M:
///   d_i = 10^4 |p_i - M| / M   (distance from the mid, bps),
///   D_i = q_1 + ... + q_i      (cumulative quantity, shares/contracts/coins),
///   slope_s = sum_i (d_i - dbar)(D_i - Dbar) / sum_i (d_i - dbar)^2,
/// the least-squares slope (with intercept) of D on d. Units: quantity per bp. A steep
/// slope is a deep, resilient side; a flat one is thin. The measure follows the idea of
/// the order-book slope of Naes, R. and Skjeltorp, J. A. (2006), "Order book characteristics
/// and the volume-volatility relation", Journal of Financial Markets 9(4) (depth elasticity
/// with respect to price distance), estimated here by OLS over levels; it is not their
/// exact formula.
/// NaN rules: a side's slope is NaN when the book has no mid (a side is empty), when the
/// side has fewer than 2 levels, or when all its distances are equal.
/// Features: `bid_slope_<k>`, `ask_slope_<k>`.
/// Stateless; `compute` is O(k), does not allocate and does not throw.
class book_slope {
 public:
  /// @throws invalid_argument when `levels < 2`
  explicit book_slope(book_slope_params params = {}) : params_(params) {
    if (params_.levels < 2) {
      throw invalid_argument(
          detail::concat("footprint::book_slope::book_slope: levels must be >= 2 (got ", params_.levels, ")"));
    }
    names_.push_back("bid_slope_" + std::to_string(params_.levels));
    names_.push_back("ask_slope_" + std::to_string(params_.levels));
  }

  /// The parameters.
  [[nodiscard]] const book_slope_params& params() const noexcept { return params_; }
  /// Number of features: 2.
  [[nodiscard]] std::size_t size() const noexcept { return 2; }
  /// {"bid_slope_<k>", "ask_slope_<k>"}.
  [[nodiscard]] std::span<const std::string> names() const noexcept { return names_; }

  /// Writes the bid and ask slopes to out[0], out[1].
  template <OrderBookView B>
  void compute(const B& book, std::span<double> out) const noexcept {
    using T = detail::feat::book_traits<B>;
    const double mid = detail::feat::mid_price(book);
    if (std::isnan(mid)) {
      out[0] = out[1] = nan;
      return;
    }
    out[0] = slope(
        std::min<index>(T::bid_levels(book), params_.levels), mid, [&](index i) { return T::bid_price(book, i); },
        [&](index i) { return T::bid_quantity(book, i); });
    out[1] = slope(
        std::min<index>(T::ask_levels(book), params_.levels), mid, [&](index i) { return T::ask_price(book, i); },
        [&](index i) { return T::ask_quantity(book, i); });
  }

 private:
  template <class Price, class Quantity>
  static double slope(index n, double mid, Price price, Quantity quantity) noexcept {
    if (n < 2) return nan;
    // Two passes: means, then centred sums (numerically stable for clustered distances).
    double sd = 0.0;
    double sq = 0.0;
    double cum = 0.0;
    for (index i = 0; i < n; ++i) {
      cum += quantity(i);
      sd += 1e4 * std::abs(price(i) - mid) / mid;
      sq += cum;
    }
    const double dbar = sd / static_cast<double>(n);
    const double qbar = sq / static_cast<double>(n);
    double sxy = 0.0;
    double sxx = 0.0;
    cum = 0.0;
    for (index i = 0; i < n; ++i) {
      cum += quantity(i);
      const double dx = 1e4 * std::abs(price(i) - mid) / mid - dbar;
      sxy += dx * (cum - qbar);
      sxx += dx * dx;
    }
    return sxx > 0.0 ? sxy / sxx : nan;
  }

  book_slope_params params_;
  std::vector<std::string> names_;
};

}  // namespace footprint
