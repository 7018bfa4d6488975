/// @file data/observed_before.hpp
/// @brief `observed_before`: the labelled data as it was known at a time, for fitting in a
/// walk forward without look-ahead (a label whose window ends later is not yet known).
#pragma once

#include "footprint/book/price_level_book.hpp"
#include "footprint/data/detail/grid_volatility.hpp"
#include "footprint/data/impact_dataset.hpp"
#include "footprint/data/impact_pipeline_result.hpp"
#include "footprint/detail/concat.hpp"
#include "footprint/error.hpp"
#include "footprint/types.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

namespace footprint {

namespace detail {

// The rows of `d` that arrived before `cutoff`, with each label NaN unless its window ended by
// then: shortfall and immediate at the order's end, permanent_h and temporary_h at end + h.
// `participation` is re-expressed against `daily_volume`.
[[nodiscard]] inline impact_dataset dataset_observed_before(const impact_dataset& d, std::chrono::nanoseconds cutoff,
                                                            double daily_volume) {
  const auto nh = static_cast<index>(d.horizons.size());
  if (d.labels.cols() != 2 + 2 * nh)
    throw invalid_argument(detail::concat("footprint::observed_before: the dataset has ", d.labels.cols(),
                                          " label columns for ", nh, " horizons (expected 2 + 2 x horizons)"));
  index n = 0;
  while (n < d.rows() && d.times[static_cast<std::size_t>(n)] < cutoff) ++n;
  impact_dataset out;
  out.feature_names = d.feature_names;
  out.label_names = d.label_names;
  out.X = d.X.topRows(n);
  out.labels = d.labels.topRows(n);
  out.times.assign(d.times.begin(), d.times.begin() + n);
  out.durations.assign(d.durations.begin(), d.durations.begin() + n);
  out.side.assign(d.side.begin(), d.side.begin() + n);
  out.quantity = d.quantity.head(n);
  out.arrival_mid = d.arrival_mid.head(n);
  out.daily_volume = daily_volume;
  out.daily_volume_estimated = d.daily_volume_estimated;
  out.horizons = d.horizons;
  out.session_seconds = d.session_seconds;
  out.arrival_books = d.arrival_books.topRows(n);
  for (index i = 0; i < n; ++i) {
    const auto end = out.times[static_cast<std::size_t>(i)] + out.durations[static_cast<std::size_t>(i)];
    if (end > cutoff) out.labels(i, 0) = out.labels(i, 1) = nan;
    for (index h = 0; h < nh; ++h) {
      if (end + d.horizons[static_cast<std::size_t>(h)] > cutoff)
        out.labels(i, 2 + h) = out.labels(i, 2 + nh + h) = nan;
    }
  }
  const auto it = std::find(out.feature_names.begin(), out.feature_names.end(), "participation");
  if (it != out.feature_names.end()) {
    const auto c = static_cast<index>(it - out.feature_names.begin());
    for (index i = 0; i < n; ++i) out.X(i, c) = out.quantity[i] / daily_volume;
  }
  return out;
}

}  // namespace detail

/// The data of `r` as known at `cutoff`: what a model fitted at that time may see (walk-forward
/// validation without look-ahead; Lopez de Prado 2018, ch. 7, on labels that overlap the test).
///
/// - orders and metaorders: the rows that arrived before `cutoff`; a label is NaN unless its
///   window ended by `cutoff` (shortfall and immediate: the order's end; permanent_h and
///   temporary_h: the end plus h), so `complete_rows` and every fit skip it;
/// - the daily volume, when the dataset estimated it from its own orders (a look-ahead), is
///   re-estimated from the orders before `cutoff` (their quantity over the time they cover,
///   times the session), and `participation` re-expressed against it; a daily volume the
///   caller gave is kept;
/// - the tape: the trades and mids before `cutoff`;
/// - the state and the book: those of the last labelled order before `cutoff` (its arrival
///   book and features), with the volatility re-measured on the mids before `cutoff`
///   (previous-tick sampling every `volatility_interval`, as `impact_pipeline`) and the volume
///   rate over the time before `cutoff`;
/// - the summary: span, trades and traded volume before `cutoff`, the market orders kept.
/// @param r a pipeline's result whose datasets kept their arrival books
///        (`impact_pipeline_params::arrival_book_levels` > 0)
/// @param cutoff the time the data is known at (the source's clock)
/// @param volatility_interval the volatility's sampling interval; > 0
/// @throws invalid_argument when the arrival books were not kept, no labelled order arrived
///         before `cutoff`, or volatility_interval <= 0
/// Complexity: O(rows x (features + labels) + trades + mids).
[[nodiscard]] inline impact_pipeline_result observed_before(
    const impact_pipeline_result& r, std::chrono::nanoseconds cutoff,
    std::chrono::nanoseconds volatility_interval = std::chrono::seconds{10}) {
  constexpr const char* where = "footprint::observed_before";
  if (volatility_interval.count() <= 0)
    throw invalid_argument(
        detail::concat(where, ": volatility_interval must be > 0 (got ", volatility_interval.count(), " ns)"));
  if (r.orders.arrival_books.cols() == 0)
    throw invalid_argument(detail::concat(
        where, ": the datasets did not keep their arrival books (set arrival_book_levels > 0 when building them)"));
  if (r.orders.rows() == 0 || !(r.orders.times.front() < cutoff)) {
    const auto seconds = [](std::chrono::nanoseconds t) {
      char text[40];
      std::snprintf(text, sizeof text, "%.3f", std::chrono::duration<double>(t).count());
      return std::string(text);
    };
    throw invalid_argument(detail::concat(
        where, ": no labelled order arrived before the cutoff, ", seconds(cutoff), " s",
        r.orders.rows() == 0 ? std::string(" (there is none)")
                             : detail::concat(" (the first arrived at ", seconds(r.orders.times.front()), " s)")));
  }

  impact_pipeline_result out;
  out.instrument = r.instrument;
  out.reports = r.reports;

  // The tape before the cutoff.
  const auto trade_end = std::lower_bound(r.tape.trades.begin(), r.tape.trades.end(), cutoff,
                                          [](const trade& t, std::chrono::nanoseconds c) { return t.time < c; });
  out.tape.trades.assign(r.tape.trades.begin(), trade_end);
  const auto mid_end = std::lower_bound(r.tape.mid_times.begin(), r.tape.mid_times.end(), cutoff);
  const auto mids = static_cast<std::size_t>(mid_end - r.tape.mid_times.begin());
  out.tape.mid_times.assign(r.tape.mid_times.begin(), mid_end);
  out.tape.mids.assign(r.tape.mids.begin(), r.tape.mids.begin() + static_cast<std::ptrdiff_t>(mids));

  // The summary before the cutoff.
  source_summary& s = out.summary;
  s = r.summary;
  s.trades = out.tape.trades.size();
  s.unsigned_trades = 0;
  s.traded_volume = s.traded_value = 0.0;
  for (const trade& t : out.tape.trades) {
    s.traded_volume += t.quantity;
    s.traded_value += t.price * t.quantity;
    if (t.sign == 0) ++s.unsigned_trades;
  }
  s.mid_updates = mids;
  std::chrono::nanoseconds last = s.first_time;
  if (!out.tape.trades.empty()) last = std::max(last, out.tape.trades.back().time);
  if (mids > 0) last = std::max(last, out.tape.mid_times.back());
  s.last_time = last;
  s.span_seconds = std::chrono::duration<double>(s.last_time - s.first_time).count();

  // The daily volume known at the cutoff.
  double daily_volume = r.orders.daily_volume;
  index n = 0;
  while (n < r.orders.rows() && r.orders.times[static_cast<std::size_t>(n)] < cutoff) ++n;
  if (r.orders.daily_volume_estimated) {
    double total = 0.0;
    for (index i = 0; i < n; ++i) total += r.orders.quantity[i];
    std::chrono::nanoseconds begin = r.orders.times.front();
    if (mids > 0) begin = std::min(begin, out.tape.mid_times.front());
    std::chrono::nanoseconds end = begin;
    for (index i = 0; i < n; ++i)
      end = std::max(end, std::min(cutoff, r.orders.times[static_cast<std::size_t>(i)] +
                                               r.orders.durations[static_cast<std::size_t>(i)]));
    if (mids > 0) end = std::max(end, out.tape.mid_times.back());
    const double seconds = std::max(std::chrono::duration<double>(end - begin).count(), 1.0);
    daily_volume = total / seconds * r.orders.session_seconds;
  }
  out.orders = detail::dataset_observed_before(r.orders, cutoff, daily_volume);
  out.metaorders = detail::dataset_observed_before(r.metaorders, cutoff, daily_volume);

  // The state: the last labelled order's arrival, the volatility of the mids so far.
  const index last_row = n - 1;
  out.book = r.orders.arrival_book(last_row);
  market_state& st = out.state;
  st.time = r.orders.times[static_cast<std::size_t>(last_row)];
  st.mid = r.orders.arrival_mid[last_row];
  const bool two_sided = out.book.bid_levels() > 0 && out.book.ask_levels() > 0;
  st.spread = two_sided ? out.book.ask_price(0) - out.book.bid_price(0) : nan;
  st.bid_depth = out.book.bid_levels() > 0 ? out.book.bid_quantity(0) : nan;
  st.ask_depth = out.book.ask_levels() > 0 ? out.book.ask_quantity(0) : nan;
  const auto features = static_cast<index>(r.orders.X.cols()) - static_cast<index>(size_feature_names.size());
  st.features = r.orders.X.row(last_row).head(std::max<index>(features, 0)).transpose();
  detail::grid_volatility volatility(volatility_interval);
  for (std::size_t i = 0; i < mids; ++i) volatility.add(out.tape.mid_times[i], out.tape.mids[i]);
  st.volatility = volatility.volatility();
  st.volume_rate = s.span_seconds > 0.0 ? s.traded_volume / s.span_seconds : nan;
  s.market_orders = static_cast<std::size_t>(n);
  return out;
}

}  // namespace footprint
