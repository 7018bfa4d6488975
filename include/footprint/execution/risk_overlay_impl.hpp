/// @file execution/risk_overlay_impl.hpp
/// @brief Definitions of `risk_overlay` (included at the end of risk_overlay.hpp), and the
/// chi-square quantile behind its distance threshold.
///
/// The chi-square quantile. For integer d the upper tail of chi-square(d) has a closed form
/// (Abramowitz and Stegun 1964, 26.4.4 for odd d, 26.4.5 for even d):
///   even d: Q(x) = exp(-x/2) sum_{k=0}^{d/2-1} (x/2)^k / k!
///   odd d:  Q(x) = erfc(sqrt(x/2)) + sqrt(2x/pi) exp(-x/2) sum_{k=1}^{(d-1)/2} x^(k-1) / (1 3 ... (2k-1))
/// Every term is positive (no cancellation) and is formed in logarithms, so nothing
/// overflows for any d. The quantile is found by bisection on Q, down to adjacent doubles,
/// once per overlay.
#pragma once

#include "footprint/detail/checks.hpp"
#include "footprint/detail/concat.hpp"
#include "footprint/error.hpp"
#include "footprint/execution/risk_overlay.hpp"
#include "footprint/execution/schedules.hpp"
#include "footprint/types.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstddef>
#include <numbers>
#include <span>
#include <string>
#include <utility>

namespace footprint {

namespace detail::risk {

/// P(X > x) for X ~ chi-square(d), d >= 1 (Abramowitz and Stegun 26.4.4-5).
[[nodiscard]] inline double chi_square_survival(double x, index d) noexcept {
  if (!(x > 0.0)) return 1.0;
  double sum = 0.0;
  if (d % 2 == 0) {
    const double log_half_x = std::log(0.5 * x);
    double log_term = -0.5 * x;  // k = 0
    for (index k = 0; k < d / 2; ++k) {
      sum += std::exp(log_term);
      log_term += log_half_x - std::log(static_cast<double>(k + 1));
    }
    return sum;
  }
  sum = std::erfc(std::sqrt(0.5 * x));
  const double log_x = std::log(x);
  double log_term = 0.5 * std::log(2.0 * x / std::numbers::pi) - 0.5 * x;  // k = 1
  for (index k = 1; k <= (d - 1) / 2; ++k) {
    sum += std::exp(log_term);
    log_term += log_x - std::log(static_cast<double>(2 * k + 1));
  }
  return sum;
}

/// The p-quantile of chi-square(d): x with P(X <= x) = p, for p in (0, 1) and d >= 1, by
/// bisection on the closed-form tail down to adjacent doubles.
[[nodiscard]] inline double chi_square_quantile(double p, index d) noexcept {
  const double q = 1.0 - p;
  double lo = 0.0;
  double hi = static_cast<double>(d) + 10.0;
  while (chi_square_survival(hi, d) > q) hi *= 2.0;
  for (int i = 0; i < 2000; ++i) {
    const double mid = 0.5 * (lo + hi);
    if (!(mid > lo && mid < hi)) break;
    (chi_square_survival(mid, d) > q ? lo : hi) = mid;
  }
  return 0.5 * (lo + hi);
}

}  // namespace detail::risk

inline risk_overlay::risk_overlay(risk_overlay_params params) : params_(std::move(params)) {
  const risk_overlay_params& p = params_;
  detail::require_positive(p.price_collar_bps, name, "price_collar_bps");
  detail::require(p.max_order_value > 0.0, name, "max_order_value", "> 0 (inf: no limit)", p.max_order_value);
  detail::require(p.max_order_quantity > 0.0, name, "max_order_quantity", "> 0 (inf: no limit)", p.max_order_quantity);
  if (p.max_messages < 1 || p.max_messages > 1000000)
    throw invalid_argument(detail::concat(name, ": max_messages must be in [1, 1000000] (got ", p.max_messages, ")"));
  detail::require(p.throttle_window.count() > 0, name, "throttle_window", "> 0 ns",
                  static_cast<double>(p.throttle_window.count()));
  detail::require_positive(p.median_multiple, name, "median_multiple");
  detail::require_non_negative(p.median_std_bps, name, "median_std_bps");
  detail::require_non_negative(p.median_interval_bps, name, "median_interval_bps");
  detail::require_in(p.distance_level, 0.0, 1.0, detail::bounds::open, name, "distance_level");
  detail::require(p.max_book_age.count() > 0, name, "max_book_age", "> 0 ns",
                  static_cast<double>(p.max_book_age.count()));
  detail::require(p.fallback_hold.count() >= 0, name, "fallback_hold", ">= 0 ns",
                  static_cast<double>(p.fallback_hold.count()));
  detail::require_in(p.fallback_participation, 0.0, 1.0, detail::bounds::open_closed, name, "fallback_participation");
  detail::require_at_least(p.breaches_to_reduce, 1, name, "breaches_to_reduce");
  detail::require_at_least(p.breaches_to_halt, p.breaches_to_reduce, name, "breaches_to_halt");
  detail::require_in(p.reducing_factor, 0.0, 1.0, detail::bounds::open_closed, name, "reducing_factor");
  detail::require_at_least(p.max_consecutive_rejects, 1, name, "max_consecutive_rejects");

  // The distance check: Sigma = U' U by hand (Cholesky-Banachiewicz on the upper factor).
  const index d = p.feature_mean.size();
  const matrix& c = p.feature_covariance;
  if (d > 0 || c.size() > 0) {
    if (c.rows() != d)
      throw dimension_mismatch(std::string(name), "feature_covariance.rows() must equal feature_mean.size()", d,
                               c.rows());
    if (c.cols() != d)
      throw dimension_mismatch(std::string(name), "feature_covariance.cols() must equal feature_mean.size()", d,
                               c.cols());
    detail::require_finite(vector_cref(p.feature_mean), name, "feature_mean");
    detail::require_finite(matrix_cref(c), name, "feature_covariance");
    const double scale = c.cwiseAbs().maxCoeff();
    for (index j = 0; j < d; ++j) {
      for (index i = 0; i < j; ++i) {
        if (std::abs(c(i, j) - c(j, i)) > 1e-12 * scale) {
          throw invalid_argument(detail::concat(name, ": feature_covariance must be symmetric; entry (", i, ", ", j,
                                                ") is ", c(i, j), " and (", j, ", ", i, ") is ", c(j, i)));
        }
      }
    }
    matrix upper = matrix::Zero(d, d);  // U, with Sigma = U' U
    for (index j = 0; j < d; ++j) {
      double pivot = c(j, j);
      for (index k = 0; k < j; ++k) pivot -= upper(k, j) * upper(k, j);
      // relative to its own variance, not to the largest entry: features in different units
      // (a depth in shares, a volatility per sqrt(second)) differ by 1e18 in variance
      if (!(pivot > 1e-14 * c(j, j))) {
        throw invalid_argument(detail::concat(name, ": feature_covariance must be positive definite (pivot ", j,
                                              " of its Cholesky factor is ", detail::format_number(pivot), ")"));
      }
      upper(j, j) = std::sqrt(pivot);
      for (index i = j + 1; i < d; ++i) {
        double s = c(j, i);
        for (index k = 0; k < j; ++k) s -= upper(k, j) * upper(k, i);
        upper(j, i) = s / upper(j, j);
      }
    }
    // W = L^-1 (L = U' lower triangular), column by column from L W = I; stored transposed,
    // so that row i of W (non-zero in columns 0..i) is contiguous: whiten_(k, i) = W(i, k).
    // Rows are padded with zeros to a multiple of 4 entries (so is the scratch), for
    // `distance_squared`'s blocks of 4.
    const index stride = (d + 3) / 4 * 4;
    whiten_ = matrix::Zero(stride, d);
    for (index col = 0; col < d; ++col) {
      whiten_(col, col) = 1.0 / upper(col, col);
      for (index i = col + 1; i < d; ++i) {
        double s = 0.0;
        for (index k = col; k < i; ++k) s += upper(k, i) * whiten_(col, k);
        whiten_(col, i) = -s / upper(i, i);
      }
    }
    work_ = vector::Zero(stride);
    threshold_ = detail::risk::chi_square_quantile(p.distance_level, d);
  }
  sent_.assign(static_cast<std::size_t>(p.max_messages), std::chrono::nanoseconds{0});
}

inline double risk_overlay::distance_squared(std::span<const double> x) noexcept {
  // D^2 = sum_i z_i^2 with z_i = (row i of W) . (x - mu): d independent dot products, which
  // the processor overlaps (a forward substitution would chain every row on the one before).
  // Each in blocks of 4 with four partial sums, in a fixed order (the same result every run);
  // the rows' and the scratch's zero padding makes every block whole.
  const index d = params_.feature_mean.size();
  const index stride = whiten_.rows();
  const double* mu = params_.feature_mean.data();
  double* diff = work_.data();
  for (index j = 0; j < d; ++j) diff[j] = x[static_cast<std::size_t>(j)] - mu[j];
  double sum = 0.0;
  for (index i = 0; i < d; ++i) {
    const double* w = whiten_.data() + i * stride;  // row i of W
    double a0 = 0.0, a1 = 0.0, a2 = 0.0, a3 = 0.0;
    for (index k = 0; k <= i; k += 4) {
      a0 += w[k] * diff[k];
      a1 += w[k + 1] * diff[k + 1];
      a2 += w[k + 2] * diff[k + 2];
      a3 += w[k + 3] * diff[k + 3];
    }
    const double z = (a0 + a1) + (a2 + a3);
    sum += z * z;
  }
  return sum;
}

inline double risk_overlay::fallback_quantity(const risk_observation& obs) const noexcept {
  const double rq = obs.remaining_quantity;
  const double dt = obs.interval_seconds;
  const double rate = obs.volume_rate;
  if (!(std::isfinite(rq) && rq >= 0.0 && std::isfinite(obs.remaining_seconds) && std::isfinite(dt) && dt > 0.0 &&
        std::isfinite(rate) && rate >= 0.0)) {
    return nan;
  }
  const double twap = obs.remaining_seconds <= dt ? rq : rq * (dt / obs.remaining_seconds);
  return std::min(twap, params_.fallback_participation * rate * dt);
}

inline bool risk_overlay::throttle_allows(std::chrono::nanoseconds time) const noexcept {
  // The ring holds the last max_messages send times; when full, next_ is the oldest of them.
  // Allowed when fewer than max_messages were sent in (time - window, time].
  return n_sent_ < sent_.size() || sent_[next_] <= time - params_.throttle_window;
}

inline void risk_overlay::record_message(std::chrono::nanoseconds time) noexcept {
  sent_[next_] = time;
  next_ = next_ + 1 == sent_.size() ? 0 : next_ + 1;
  if (n_sent_ < sent_.size()) ++n_sent_;
}

inline risk_verdict risk_overlay::decide(const risk_observation& obs) noexcept {
  const risk_overlay_params& p = params_;
  risk_verdict v;
  risk_reason guard = risk_reason::none;

  // 1. Model guard: the book, the model's spread and interval, the drift alarm, the features.
  if (!std::isfinite(obs.bid) || !std::isfinite(obs.ask)) {
    guard |= risk_reason::nan_input;
  } else if (obs.bid >= obs.ask) {
    guard |= risk_reason::crossed_book;
  }
  if (obs.time - obs.book_time > p.max_book_age) guard |= risk_reason::stale_book;
  if (p.median_std_bps > 0.0) {
    if (!std::isfinite(obs.std_bps)) {
      guard |= risk_reason::nan_input;
    } else if (obs.std_bps > p.median_multiple * p.median_std_bps) {
      guard |= risk_reason::wide_spread;
    }
  }
  if (p.median_interval_bps > 0.0) {
    if (!std::isfinite(obs.interval_bps)) {
      guard |= risk_reason::nan_input;
    } else if (obs.interval_bps > p.median_multiple * p.median_interval_bps) {
      guard |= risk_reason::wide_interval;
    }
  }
  if (obs.drift_alarm) guard |= risk_reason::drift_alarm;
  bool features_finite = true;
  for (const double x : obs.features) features_finite = features_finite && std::isfinite(x);
  if (!features_finite) guard |= risk_reason::nan_input;
  if (params_.feature_mean.size() > 0) {
    if (obs.features.size() != static_cast<std::size_t>(params_.feature_mean.size())) {
      guard |= risk_reason::nan_input;
    } else if (features_finite) {
      v.distance_squared = distance_squared(obs.features);
      if (v.distance_squared > threshold_) guard |= risk_reason::out_of_distribution;
    }
  }
  if (!std::isfinite(obs.quantity)) guard |= risk_reason::nan_input;

  if (guard != risk_reason::none) {
    has_trigger_ = true;
    last_trigger_ = obs.time;
  } else if (has_trigger_ && obs.time - last_trigger_ < p.fallback_hold) {
    guard = risk_reason::fallback_hold;
  }
  v.mode = guard == risk_reason::none ? overlay_mode::model : overlay_mode::fallback;
  v.reasons = guard | state_reasons_;
  v.state = state_;
  if (state_ == overlay_state::halted) return v;

  // 2. The child: the policy's or the fallback's, then the realized guard's factor.
  double q = 0.0;
  if (obs.quantity < 0.0) {
    v.reasons |= risk_reason::invalid_order;  // a negative child is blocked in either mode
  } else if (v.mode == overlay_mode::model) {
    q = obs.quantity;
  } else {
    q = fallback_quantity(obs);
    if (std::isnan(q)) {
      v.reasons |= risk_reason::nan_input;
      q = 0.0;
    }
  }
  if (state_ == overlay_state::reducing) q *= p.reducing_factor;
  if (!(q > 0.0)) return v;

  // 3. Hard limits (RTS 6 art. 15): the price and the collar, the maximums, the throttle.
  if (!std::isfinite(obs.price) || !std::isfinite(obs.reference_price)) {
    v.reasons |= risk_reason::nan_input;
    return v;
  }
  if (obs.price <= 0.0 || obs.reference_price <= 0.0) {
    v.reasons |= risk_reason::invalid_order;
    return v;
  }
  if (std::abs(obs.price - obs.reference_price) > p.price_collar_bps * 1e-4 * obs.reference_price) {
    v.reasons |= risk_reason::price_collar;
    return v;
  }
  if (q > p.max_order_quantity) {
    v.reasons |= risk_reason::max_order_quantity;
    if (!p.clip_to_limits) return v;
    q = p.max_order_quantity;
  }
  if (q * obs.price > p.max_order_value) {
    v.reasons |= risk_reason::max_order_value;
    if (!p.clip_to_limits) return v;
    q = p.max_order_value / obs.price;
  }
  if (!throttle_allows(obs.time)) {
    v.reasons |= risk_reason::message_throttle;
    return v;
  }
  record_message(obs.time);
  v.quantity = q;
  return v;
}

inline overlay_state risk_overlay::on_fill(const fill_slippage& fill) noexcept {
  consecutive_rejects_ = 0;
  if (state_ == overlay_state::halted || !(fill.realized_bps > fill.quantile_bps)) return state_;
  ++breaches_;
  if (breaches_ >= params_.breaches_to_halt) {
    halt(risk_reason::realized_slippage);
  } else if (breaches_ >= params_.breaches_to_reduce) {
    state_ = overlay_state::reducing;
    state_reasons_ |= risk_reason::realized_slippage;
  }
  return state_;
}

inline overlay_state risk_overlay::on_reject() noexcept {
  if (state_ == overlay_state::halted) return state_;
  if (++consecutive_rejects_ >= params_.max_consecutive_rejects) halt(risk_reason::rejected_orders);
  return state_;
}

inline child_schedule risk_overlay::schedule(const child_schedule& planned, const risk_verdict& verdict,
                                             double volume_rate) const {
  constexpr std::string_view where = "footprint::risk_overlay::schedule";
  const index n = planned.quantities.size();
  if (planned.times.size() != n) {
    throw dimension_mismatch(std::string(where), "planned.times.size() must equal planned.quantities.size()", n,
                             planned.times.size());
  }
  if (verdict.state == overlay_state::halted) return child_schedule{vector(0), vector(0), 0.0};
  if (n == 0) return planned;
  detail::require_finite(vector_cref(planned.times), where, "planned.times");
  for (index j = 0; j < n; ++j) {
    if (!(planned.quantities[j] >= 0.0) || !std::isfinite(planned.quantities[j])) {
      throw invalid_argument(detail::concat(where, ": planned.quantities must be finite and >= 0; row ", j, " is ",
                                            detail::format_number(planned.quantities[j])));
    }
  }
  detail::require_positive(planned.horizon_seconds, where, "planned.horizon_seconds");
  child_schedule out = planned;
  if (verdict.mode == overlay_mode::fallback) {
    detail::require_positive(volume_rate, where, "volume_rate");
    const double total = planned.quantities.sum();
    const double horizon = planned.horizon_seconds;
    const double cap = params_.fallback_participation;
    if (total > 0.0) {
      out = total / (horizon * volume_rate) <= cap
                ? twap_schedule(total, horizon, n)
                : pov_schedule(total, cap, volume_rate, horizon / static_cast<double>(n));
    }
  }
  if (verdict.state == overlay_state::reducing) {
    out.times /= params_.reducing_factor;
    out.horizon_seconds /= params_.reducing_factor;
  }
  return out;
}

}  // namespace footprint
