/// @file features/compute_batch.hpp
/// @brief Runs a feature calculator over a whole book history: batch equals streaming.
#pragma once

#include "footprint/book/trade.hpp"
#include "footprint/concepts.hpp"
#include "footprint/detail/concat.hpp"
#include "footprint/detail/xtensor.hpp"
#include "footprint/error.hpp"
#include "footprint/features/book_history.hpp"

#include <chrono>
#include <cstddef>
#include <span>

namespace footprint {

namespace detail::feat {
template <class F>
void reset_if_stateful(F& f) noexcept {
  if constexpr (requires { f.reset(); }) f.reset();
}
template <class F>
xt::xtensor<double, 2> compute_batch_impl(F& calculator, book_history row, std::span<const trade> trades) {
  const std::size_t n = static_cast<std::size_t>(row.rows());
  const std::size_t k = static_cast<std::size_t>(calculator.size());
  const typename xt::xtensor<double, 2>::shape_type shape = {n, k};
  xt::xtensor<double, 2> out(shape);
  reset_if_stateful(calculator);
  std::size_t next_trade = 0;
  for (std::size_t t = 0; t < n; ++t) {
    row.seek(static_cast<index>(t));
    if constexpr (TradeObserver<F, trade>) {
      while (next_trade < trades.size() && trades[next_trade].time <= row.timestamp()) {
        calculator.update(trades[next_trade++]);
      }
    }
    if constexpr (StatefulFeatureCalculatorFor<F, book_history>) calculator.update(row);
    calculator.compute(row, std::span<double>(out.data() + t * k, k));
  }
  return out;
}
inline void check_trades_sorted(std::span<const trade> trades) {
  for (std::size_t i = 1; i < trades.size(); ++i) {
    if (trades[i].time < trades[i - 1].time) {
      throw invalid_argument(concat("footprint::compute_batch: trades must be in time order (trade ", i, " at ",
                                    trades[i].time.count(), " ns is before trade ", i - 1, ")"));
    }
  }
}
}  // namespace detail::feat

/// Computes a calculator's features on every row of a history, as streaming would.
///
/// For each row t in order: a stateful calculator gets `update(row t)`, then every
/// calculator gets `compute(row t, out[t])`. A stateful calculator is `reset()` first, so
/// the result equals feeding the rows to a fresh calculator one by one (the test suite
/// checks this); fitted parameters (e.g. of `stoikov_microprice`) are kept.
/// @param calculator a `FeatureCalculatorFor<book_history>`
/// @param history    the history view (its current row is irrelevant)
/// @return shape (history.rows(), calculator.size()): rows are observations, columns
///         follow `calculator.names()`
template <class F>
requires FeatureCalculatorFor<F, book_history>
[[nodiscard]] xt::xtensor<double, 2> compute_batch(F& calculator, const book_history& history) {
  return detail::feat::compute_batch_impl(calculator, history, {});
}

/// As above, from the array of shape (time, level, 4) and its timestamps.
/// @throws dimension_mismatch / invalid_argument as `book_history`'s constructor
template <class F>
requires FeatureCalculatorFor<F, book_history>
[[nodiscard]] xt::xtensor<double, 2> compute_batch(F& calculator, const book_history::array_type& history,
                                                   std::span<const std::chrono::nanoseconds> times) {
  return compute_batch(calculator, book_history(history, times));
}

/// Computes the features of a calculator that also observes trades, on every row.
///
/// Before row t is processed, every trade with `time <= timestamp(row t)` not yet given is
/// passed to `update(trade)`, in order (a trade and the book row that reflects it share a
/// timestamp in LOBSTER-style data: the trade comes first). Trades after the last row are
/// not used.
/// @param trades in time order
/// @return shape (history.rows(), calculator.size())
/// @throws invalid_argument when the trades are not in time order
template <class F>
requires FeatureCalculatorFor<F, book_history> && TradeObserver<F, trade>
[[nodiscard]] xt::xtensor<double, 2> compute_batch(F& calculator, const book_history& history,
                                                   std::span<const trade> trades) {
  detail::feat::check_trades_sorted(trades);
  return detail::feat::compute_batch_impl(calculator, history, trades);
}

/// As above, from the array of shape (time, level, 4) and its timestamps.
template <class F>
requires FeatureCalculatorFor<F, book_history> && TradeObserver<F, trade>
[[nodiscard]] xt::xtensor<double, 2> compute_batch(F& calculator, const book_history::array_type& history,
                                                   std::span<const std::chrono::nanoseconds> times,
                                                   std::span<const trade> trades) {
  return compute_batch(calculator, book_history(history, times), trades);
}

}  // namespace footprint
