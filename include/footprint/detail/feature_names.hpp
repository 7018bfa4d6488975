/// @file detail/feature_names.hpp
/// @brief Private helpers of the feature calculators: book access and feature names.
#pragma once

#include "footprint/concepts.hpp"
#include "footprint/error.hpp"
#include "footprint/types.hpp"

#include <chrono>
#include <cmath>
#include <cstdint>
#include <sstream>
#include <string>
#include <string_view>
#include <type_traits>
#include <unordered_set>
#include <vector>

namespace footprint::detail::feat {

/// The traits of a book type (cv-ref removed), as `OrderBookView` uses them.
template <class B>
using book_traits = order_book_traits<std::remove_cvref_t<B>>;

/// The best bid and ask of a book, NaN for an empty side.
struct top_quotes {
  double bid = nan;           ///< best bid price
  double bid_quantity = nan;  ///< quantity at the best bid
  double ask = nan;           ///< best ask price
  double ask_quantity = nan;  ///< quantity at the best ask

  /// True when both sides have a level.
  [[nodiscard]] bool two_sided() const noexcept { return !std::isnan(bid) && !std::isnan(ask); }
  /// (bid + ask) / 2, NaN unless two-sided.
  [[nodiscard]] double mid() const noexcept { return 0.5 * (bid + ask); }
};

/// Reads the best levels of any `OrderBookView`.
template <OrderBookView B>
[[nodiscard]] top_quotes read_top(const B& b) noexcept {
  using T = book_traits<B>;
  top_quotes q;
  if (T::bid_levels(b) > 0) {
    q.bid = T::bid_price(b, 0);
    q.bid_quantity = T::bid_quantity(b, 0);
  }
  if (T::ask_levels(b) > 0) {
    q.ask = T::ask_price(b, 0);
    q.ask_quantity = T::ask_quantity(b, 0);
  }
  return q;
}

/// The mid price of a book, NaN when a side is empty.
template <OrderBookView B>
[[nodiscard]] double mid_price(const B& b) noexcept {
  using T = book_traits<B>;
  if (T::bid_levels(b) == 0 || T::ask_levels(b) == 0) return nan;
  return 0.5 * (T::bid_price(b, 0) + T::ask_price(b, 0));
}

/// Seconds in a duration, as a double.
[[nodiscard]] inline double to_seconds(std::chrono::nanoseconds d) noexcept {
  return static_cast<double>(d.count()) * 1e-9;
}

/// A number as it appears in a feature name: "5", "2.5", "0.1" (6 significant digits).
[[nodiscard]] inline std::string number_label(double x) {
  std::ostringstream os;
  os << x;
  return os.str();
}

/// A duration as it appears in a feature name, in the largest exact unit: "1s", "500ms",
/// "250us", "7ns"; "60s" stays "60s" (minutes and hours are not used).
[[nodiscard]] inline std::string duration_label(std::chrono::nanoseconds d) {
  const std::int64_t n = d.count();
  if (n != 0 && n % 1'000'000'000 == 0) return std::to_string(n / 1'000'000'000) + "s";
  if (n != 0 && n % 1'000'000 == 0) return std::to_string(n / 1'000'000) + "ms";
  if (n != 0 && n % 1'000 == 0) return std::to_string(n / 1'000) + "us";
  return std::to_string(n) + "ns";
}

/// Throws `invalid_argument` naming `where` when two names are equal.
inline void check_unique_names(std::string_view where, const std::vector<std::string>& names) {
  std::unordered_set<std::string_view> seen;
  for (const std::string& n : names) {
    if (!seen.insert(n).second) {
      throw invalid_argument(concat(where, ": feature names must be unique (got '", n, "' twice)"));
    }
  }
}

}  // namespace footprint::detail::feat
