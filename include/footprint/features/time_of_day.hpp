/// @file features/time_of_day.hpp
/// @brief Time features: seconds since midnight, fraction of the session, time to close.
#pragma once

#include "footprint/concepts.hpp"
#include "footprint/detail/concat.hpp"
#include "footprint/detail/feature_names.hpp"
#include "footprint/error.hpp"
#include "footprint/types.hpp"

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

namespace footprint {

/// Parameters of `time_of_day`.
struct time_of_day_params {
  /// Session open, since local midnight; in [0, 24 h).
  std::chrono::nanoseconds session_open = std::chrono::hours{9} + std::chrono::minutes{30};
  /// Session close, since local midnight; in (session_open, 24 h].
  std::chrono::nanoseconds session_close = std::chrono::hours{16};
  /// Added to book timestamps before taking the time of day: 0 for timestamps since local
  /// midnight (LOBSTER) or UTC-epoch timestamps of a UTC session; e.g. -4 h for New York
  /// in summer with epoch timestamps (no daylight-saving rules are applied).
  std::chrono::nanoseconds utc_offset{0};
};

/// Where the book's timestamp falls in the day and in the trading session.
///
/// With tod = (timestamp + utc_offset) mod 24 h, open o and close c:
/// | feature                  | formula              | units                       |
/// |--------------------------|----------------------|-----------------------------|
/// | `seconds_since_midnight` | tod                  | seconds, in [0, 86400)      |
/// | `session_fraction`       | (tod - o) / (c - o)  | dimensionless, 0 at the open, 1 at the close |
/// | `time_to_close`          | c - tod              | seconds                     |
/// Outside the session the fraction is < 0 or > 1 and the time to close is negative after
/// the close (not clamped, so a model can see it). Intraday seasonality of volume, spreads
/// and volatility (the U shape, e.g. Admati and Pfleiderer 1988) makes these standard
/// impact-model inputs. NaN rules: none (always defined).
/// Stateless; `compute` is O(1), does not allocate and does not throw.
class time_of_day {
 public:
  /// @throws invalid_argument when the session is not 0 <= open < close <= 24 h
  explicit time_of_day(time_of_day_params params = {}) : params_(params) {
    const auto day = std::chrono::hours{24};
    if (params_.session_open.count() < 0 || params_.session_open >= day || params_.session_close > day ||
        params_.session_close <= params_.session_open) {
      throw invalid_argument(detail::concat(
          "footprint::time_of_day::time_of_day: the session must satisfy 0 <= open < close <= 24 h (got open ",
          params_.session_open.count(), " ns, close ", params_.session_close.count(), " ns)"));
    }
  }

  /// The parameters.
  [[nodiscard]] const time_of_day_params& params() const noexcept { return params_; }
  /// Number of features: 3.
  [[nodiscard]] std::size_t size() const noexcept { return 3; }
  /// {"seconds_since_midnight", "session_fraction", "time_to_close"}.
  [[nodiscard]] std::span<const std::string> names() const noexcept { return names_; }

  /// Writes the three features for the book's timestamp.
  template <OrderBookView B>
  void compute(const B& book, std::span<double> out) const noexcept {
    constexpr std::int64_t day = std::int64_t{86'400} * 1'000'000'000;
    std::int64_t tod = (detail::feat::book_traits<B>::timestamp(book) + params_.utc_offset).count() % day;
    if (tod < 0) tod += day;
    const std::chrono::nanoseconds t{tod};
    out[0] = detail::feat::to_seconds(t);
    out[1] = detail::feat::to_seconds(t - params_.session_open) /
             detail::feat::to_seconds(params_.session_close - params_.session_open);
    out[2] = detail::feat::to_seconds(params_.session_close - t);
  }

 private:
  time_of_day_params params_;
  inline static const std::array<std::string, 3> names_{"seconds_since_midnight", "session_fraction", "time_to_close"};
};

}  // namespace footprint
