/// @file execution/risk_overlay.hpp
/// @brief `risk_overlay`: the risk layer around any execution policy or schedule. Each child
/// order the wrapped policy proposes passes three layers before it is sent: hard limits
/// (MiFID II RTS 6 pre-trade controls and a kill switch), a model guard that falls back to
/// TWAP with capped participation when the model cannot be trusted, and a realized guard
/// that slows, then halts, the order when realized slippage beats the model's 99% quantile.
/// See docs/risk-overlay.md.
///
/// A cheap header: the standard library, Eigen/Core through types.hpp, the checks and
/// execution/schedules.hpp (itself standard library and Eigen/Core). No Eigen/Dense and no
/// Boost.Math: the covariance's Cholesky factor and the chi-square quantile are computed
/// here, by hand, once, in the constructor.
///
/// References:
/// - Commission Delegated Regulation (EU) 2017/589 (MiFID II RTS 6, organisational
///   requirements of investment firms engaged in algorithmic trading): art. 15, pre-trade
///   controls on order entry ((a) price collars, (b) maximum order values, (c) maximum order
///   volumes, (d) maximum messages limits), and art. 12, kill functionality;
/// - P. C. Mahalanobis (1936), "On the generalised distance in statistics", Proceedings of
///   the National Institute of Sciences of India 2(1), 49-55: the distance of the features
///   from their reference, which is chi-square with d degrees of freedom for Gaussian features;
/// - M. Abramowitz, I. A. Stegun (1964), "Handbook of Mathematical Functions", 26.4.4 and
///   26.4.5: the chi-square upper tail for odd and even degrees of freedom in closed form,
///   inverted here for the distance's threshold.
#pragma once

#include "footprint/detail/checks.hpp"
#include "footprint/error.hpp"
#include "footprint/execution/schedules.hpp"
#include "footprint/types.hpp"

#include <chrono>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <span>
#include <string_view>
#include <vector>

namespace footprint {

/// The state of the realized guard (the table is in `risk_overlay`'s comment).
enum class overlay_state : std::uint8_t {
  active,    ///< children as the policy (or the fallback) proposes them, within the hard limits
  reducing,  ///< children scaled by `reducing_factor`
  halted,    ///< no child at all until `reset()` (a human decision)
};

/// Name of a state: "active", "reducing" or "halted".
[[nodiscard]] constexpr std::string_view to_string(overlay_state s) noexcept {
  switch (s) {
    case overlay_state::active: return "active";
    case overlay_state::reducing: return "reducing";
    case overlay_state::halted: return "halted";
  }
  return "unknown";
}

/// Whose child is sent: the wrapped policy's, or the fallback's (TWAP with capped participation).
enum class overlay_mode : std::uint8_t {
  model,     ///< the policy's child
  fallback,  ///< the model guard tripped: the TWAP child, capped at `fallback_participation`
};

/// Name of a mode: "model" or "fallback".
[[nodiscard]] constexpr std::string_view to_string(overlay_mode m) noexcept {
  return m == overlay_mode::model ? "model" : "fallback";
}

/// Why a verdict is what it is: one bit per reason, combined with `|` (a bitmask).
enum class risk_reason : std::uint32_t {
  none = 0,
  // Hard limits (RTS 6 art. 15 and 12): they block or clip the child.
  price_collar = 1U << 0U,        ///< the child's price is beyond the collar around the reference price: blocked
  max_order_value = 1U << 1U,     ///< price times quantity above `max_order_value`: clipped (or blocked)
  max_order_quantity = 1U << 2U,  ///< quantity above `max_order_quantity`: clipped (or blocked)
  message_throttle = 1U << 3U,    ///< `max_messages` already sent in the throttle window: blocked
  kill_switch = 1U << 4U,         ///< `kill()` was called: halted
  invalid_order = 1U << 5U,       ///< negative quantity, or a price or reference price <= 0: blocked
  // Model guard: the child is the fallback's; the state does not change.
  wide_spread = 1U << 6U,          ///< std_bps above `median_multiple` times `median_std_bps`
  wide_interval = 1U << 7U,        ///< interval_bps above `median_multiple` times `median_interval_bps`
  drift_alarm = 1U << 8U,          ///< the caller's drift detector is signalling
  out_of_distribution = 1U << 9U,  ///< features' squared Mahalanobis distance above the chi-square quantile
  stale_book = 1U << 10U,          ///< the book is older than `max_book_age`
  crossed_book = 1U << 11U,        ///< best bid >= best ask (crossed or locked)
  nan_input = 1U << 12U,           ///< an input is NaN or infinite, or the features have the wrong length
  fallback_hold = 1U << 13U,       ///< no trigger now, but one less than `fallback_hold` ago
  // Realized guard: they move the state.
  realized_slippage = 1U << 14U,  ///< realized slippage beyond the 99% quantile: reducing, then halted
  rejected_orders = 1U << 15U,    ///< `max_consecutive_rejects` rejects in a row: halted
};

/// The union of two sets of reasons.
[[nodiscard]] constexpr risk_reason operator|(risk_reason a, risk_reason b) noexcept {
  return static_cast<risk_reason>(static_cast<std::uint32_t>(a) | static_cast<std::uint32_t>(b));
}
/// The intersection of two sets of reasons.
[[nodiscard]] constexpr risk_reason operator&(risk_reason a, risk_reason b) noexcept {
  return static_cast<risk_reason>(static_cast<std::uint32_t>(a) & static_cast<std::uint32_t>(b));
}
/// Adds reasons to a set.
constexpr risk_reason& operator|=(risk_reason& a, risk_reason b) noexcept { return a = a | b; }

/// Name of one reason, e.g. "price_collar"; "none" for none and "several" for a set of more than one.
[[nodiscard]] constexpr std::string_view to_string(risk_reason r) noexcept {
  switch (r) {
    case risk_reason::none: return "none";
    case risk_reason::price_collar: return "price_collar";
    case risk_reason::max_order_value: return "max_order_value";
    case risk_reason::max_order_quantity: return "max_order_quantity";
    case risk_reason::message_throttle: return "message_throttle";
    case risk_reason::kill_switch: return "kill_switch";
    case risk_reason::invalid_order: return "invalid_order";
    case risk_reason::wide_spread: return "wide_spread";
    case risk_reason::wide_interval: return "wide_interval";
    case risk_reason::drift_alarm: return "drift_alarm";
    case risk_reason::out_of_distribution: return "out_of_distribution";
    case risk_reason::stale_book: return "stale_book";
    case risk_reason::crossed_book: return "crossed_book";
    case risk_reason::nan_input: return "nan_input";
    case risk_reason::fallback_hold: return "fallback_hold";
    case risk_reason::realized_slippage: return "realized_slippage";
    case risk_reason::rejected_orders: return "rejected_orders";
  }
  return "several";
}

/// Parameters of `risk_overlay`, validated by its constructor. Durations compare with the
/// observations' times, which share one clock (nanoseconds since epoch, or since midnight).
struct risk_overlay_params {
  // ---- hard limits (RTS 6 art. 15)
  /// Price collar: a child priced more than this from the reference price, either way, is
  /// blocked; bps of the reference price, finite and > 0.
  double price_collar_bps = 100.0;
  /// Largest value of one child, price times quantity, quote currency; > 0 (inf: no limit).
  double max_order_value = std::numeric_limits<double>::infinity();
  /// Largest quantity of one child; > 0 (inf: no limit).
  double max_order_quantity = std::numeric_limits<double>::infinity();
  /// true: a child above a maximum is clipped to it; false: it is blocked.
  bool clip_to_limits = true;
  /// Most children sent in any window of `throttle_window` (a sliding window), in [1, 1000000].
  index max_messages = 100;
  /// The throttle's window, > 0.
  std::chrono::nanoseconds throttle_window = std::chrono::seconds(1);
  // ---- model guard
  /// k: the model is distrusted when std_bps or interval_bps exceeds k times its
  /// calibrated median; finite and > 0.
  double median_multiple = 3.0;
  /// Median of the model's std_bps on its calibration data, bps; finite and >= 0 (0: no check).
  double median_std_bps = 0.0;
  /// Median width of the conformal interval on its calibration data, bps; finite and >= 0 (0: no check).
  double median_interval_bps = 0.0;
  /// (d) mean of the features on the model's training data; empty: no distance check.
  vector feature_mean{};
  /// (d, d) covariance of the features on the training data: symmetric positive definite
  /// (each pivot of its Cholesky factor above 1e-14 times its diagonal entry, so features in
  /// units far apart, a depth and a volatility, are accepted).
  matrix feature_covariance{};
  /// Level of the chi-square quantile the squared distance is compared with, in (0, 1).
  double distance_level = 0.99;
  /// A book older than this at the decision is stale, > 0.
  std::chrono::nanoseconds max_book_age = std::chrono::seconds(1);
  /// After a trigger, stay in fallback at least this long, >= 0 (0: decide each time afresh).
  std::chrono::nanoseconds fallback_hold = std::chrono::seconds(0);
  /// Participation cap of the fallback child, fraction of the market's volume, in (0, 1].
  double fallback_participation = 0.1;
  // ---- realized guard
  /// Breaches of the 99% quantile (fills, see `on_fill`) that move active to reducing, >= 1.
  index breaches_to_reduce = 1;
  /// Breaches that move to halted, >= breaches_to_reduce (equal: active goes straight to halted).
  index breaches_to_halt = 2;
  /// In reducing, children are multiplied by this, in (0, 1].
  double reducing_factor = 0.5;
  /// Exchange rejects in a row (no fill between them) that halt, >= 1.
  index max_consecutive_rejects = 5;
};

/// What `risk_overlay::decide` looks at: the book, the wrapped policy's proposed child, what
/// the model says about it, and the order's progress (for the fallback child). Fields a
/// disabled check does not read may stay NaN (say so below); any other NaN is a fault.
struct risk_observation {
  std::chrono::nanoseconds time{0};       ///< decision time, the clock of book_time (e.g. since epoch)
  double bid = nan;                       ///< best bid, quote currency, finite
  double ask = nan;                       ///< best ask, quote currency, finite; > bid
  std::chrono::nanoseconds book_time{0};  ///< time of the book's last update
  /// The collar's reference price, quote currency, > 0: e.g. the mid, the last trade or
  /// the venue's reference price.
  double reference_price = nan;
  // ---- the proposed child
  footprint::side side = footprint::side::buy;  ///< buy or sell
  /// Limit price of the child, quote currency, > 0; for a market order, the worst price it
  /// may reach (e.g. the far touch). Read only when a child would be sent.
  double price = nan;
  /// Proposed quantity, >= 0 (0: nothing to send now); a negative one is blocked
  /// (invalid_order), a NaN one replaced by the fallback child (nan_input).
  double quantity = 0.0;
  // ---- the model
  double std_bps = nan;       ///< predictive std of the child's cost, bps; read when median_std_bps > 0
  double interval_bps = nan;  ///< width of its conformal interval, bps; read when median_interval_bps > 0
  bool drift_alarm = false;   ///< a drift detector on the model's errors is signalling
  /// (d) the model's features now, in the order of feature_mean; all must be finite (any
  /// length when the distance check is off).
  std::span<const double> features{};
  // ---- the order's progress: read only in fallback
  double remaining_quantity = nan;  ///< still to trade, >= 0
  double remaining_seconds = nan;   ///< until the order's horizon, finite (<= 0: past it)
  double interval_seconds = nan;    ///< until the next decision, > 0
  double volume_rate = nan;         ///< the market's traded quantity per second, >= 0
};

/// Realized slippage after a fill, against the model's 99% predictive quantile of it.
struct fill_slippage {
  /// Shortfall of the order so far, this fill included, bps of the arrival mid (positive = cost).
  double realized_bps = nan;
  /// The model's 99% predictive quantile of that shortfall, bps.
  double quantile_bps = nan;
};

/// What `decide` allows: send `quantity` at the proposed child's side and price (0: send nothing).
struct risk_verdict {
  overlay_state state = overlay_state::active;  ///< state after the decision
  overlay_mode mode = overlay_mode::model;      ///< whose child `quantity` comes from
  double quantity = 0.0;                        ///< quantity allowed now, >= 0
  /// Every reason that acted on this decision, plus the reasons of a reducing or halted state.
  risk_reason reasons = risk_reason::none;
  /// The features' squared Mahalanobis distance (NaN when the check is off or the features bad).
  double distance_squared = nan;

  /// True when `r` (one reason or several) is among the reasons.
  [[nodiscard]] constexpr bool has(risk_reason r) const noexcept { return (reasons & r) != risk_reason::none; }
  /// True when a child may be sent (quantity > 0).
  [[nodiscard]] constexpr bool allowed() const noexcept { return quantity > 0.0; }
};

/// The risk overlay: wraps the child orders of any execution policy (or the schedule of any
/// planner) in three layers, applied in this order at each `decide`:
///
/// 1. Model guard (changes the mode, not the state): the fallback replaces the policy's child
///    when std_bps or interval_bps exceeds `median_multiple` times its calibrated median, the
///    drift alarm is on, the features' squared Mahalanobis distance
///    D^2 = (x - mu)' Sigma^-1 (x - mu) exceeds the chi-square quantile at `distance_level`
///    with d degrees of freedom, the book is older than `max_book_age`, crossed or locked,
///    or an input is NaN or infinite; and for `fallback_hold` after such a trigger. The
///    fallback child is the TWAP child remaining_quantity * min(1, interval_seconds /
///    remaining_seconds), capped at fallback_participation * volume_rate * interval_seconds
///    (a POV cap); it is 0 when those inputs are bad.
/// 2. Realized guard (the state): in reducing the child is multiplied by `reducing_factor`;
///    halted sends nothing.
/// 3. Hard limits (RTS 6 art. 15): a child priced beyond the collar, or whose price or
///    quantity is invalid, is blocked; one above `max_order_quantity` or `max_order_value`
///    is clipped (blocked without `clip_to_limits`); one beyond `max_messages` in the sliding
///    `throttle_window` is blocked. Each child allowed counts as one message.
///
/// The state machine of the realized guard; halted is absorbing until `reset()`:
///
/// | from              | event                                                     | to       |
/// |-------------------|-----------------------------------------------------------|----------|
/// | active            | `on_fill` breach number `breaches_to_reduce`              | reducing |
/// | active, reducing  | `on_fill` breach number `breaches_to_halt`                | halted   |
/// | active, reducing  | `on_reject` number `max_consecutive_rejects` in a row     | halted   |
/// | any               | `kill()` (RTS 6 art. 12)                                  | halted   |
/// | halted            | anything but `reset()`                                    | halted   |
/// | any               | `reset()`                                                 | active   |
///
/// A breach is a fill whose realized slippage exceeds the model's 99% quantile. Reducing does
/// not return to active by itself. On halt the caller cancels its working orders (the kill
/// functionality of RTS 6 art. 12); the overlay only stops new children.
///
/// Cost: `decide` is noexcept, deterministic and allocates nothing: O(d^2 / 2) for the
/// distance D^2 = |W (x - mu)|^2, with W the inverse of the covariance's Cholesky factor
/// (computed by hand at construction), plus O(d) for the NaN scan. Not thread-safe: one
/// overlay per order, one thread at a time.
class risk_overlay {
 public:
  /// The default parameters: no distance check, no spread or interval check.
  risk_overlay() : risk_overlay(risk_overlay_params{}) {}

  /// @param params the limits, validated here (see risk_overlay_params for each range)
  /// @throws footprint::invalid_argument for a parameter out of range, e.g.
  ///         `footprint::risk_overlay: fallback_participation must be in (0, 1] (got 1.5)`,
  ///         or a feature_covariance that is not symmetric positive definite
  /// @throws footprint::dimension_mismatch when feature_covariance is not (d, d) for a
  ///         feature_mean of d entries
  /// Complexity O(d^3 / 2) (the Cholesky factor and its inverse), and O(max_messages) memory
  /// for the throttle.
  explicit risk_overlay(risk_overlay_params params);

  /// The verdict on one proposed child (see the class comment for the layers). Counts the
  /// allowed child as a message of the throttle.
  /// @param obs the book, the proposed child, the model's view and the order's progress;
  ///        `obs.time` must not decrease from one call to the next
  /// @return state, mode, the quantity allowed (>= 0) and every reason that acted
  [[nodiscard]] risk_verdict decide(const risk_observation& obs) noexcept;

  /// Reports a fill: resets the count of consecutive rejects, and counts a breach when
  /// realized_bps > quantile_bps (NaN values count no breach); enough breaches move the state.
  /// @return the state after the fill
  overlay_state on_fill(const fill_slippage& fill) noexcept;

  /// Reports an exchange reject of a child; `max_consecutive_rejects` in a row halt.
  /// @return the state after the reject
  overlay_state on_reject() noexcept;

  /// Counts a message sent outside `decide` (a cancel or an amend) against the throttle. It
  /// is never refused: a cancel must go out.
  void on_message(std::chrono::nanoseconds time) noexcept { record_message(time); }

  /// The kill switch (RTS 6 art. 12): halted until `reset()`.
  void kill() noexcept { halt(risk_reason::kill_switch); }

  /// Back to active and the model's children (the human decision after a halt): clears the
  /// breaches, rejects and fallback hold. The throttle keeps the messages of its window:
  /// they were sent.
  void reset() noexcept {
    state_ = overlay_state::active;
    state_reasons_ = risk_reason::none;
    breaches_ = 0;
    consecutive_rejects_ = 0;
    has_trigger_ = false;
  }

  /// The schedule to execute under a verdict, for planners that send a whole schedule.
  /// - halted: no children (horizon 0);
  /// - fallback: the planned quantity Q over its horizon T and N children, as TWAP when its
  ///   participation Q / (T volume_rate) is at most fallback_participation, else as POV at
  ///   fallback_participation with the planned interval T / N (a longer horizon);
  /// - model: the planned schedule;
  /// - reducing (either mode): the same children, their times and horizon divided by
  ///   reducing_factor (the rate multiplied by it).
  /// The hard limits apply to each child when it is decided, not here.
  /// @param planned the policy's schedule (execution/schedules.hpp): times and quantities of
  ///        one size N, quantities finite and >= 0, horizon_seconds finite and > 0 when N >= 1
  /// @param verdict the last verdict (its state and mode)
  /// @param volume_rate the market's quantity per second, > 0; read only in fallback
  /// @throws footprint::invalid_argument for a malformed schedule or a bad volume_rate
  /// @throws footprint::dimension_mismatch when times and quantities differ in size
  [[nodiscard]] child_schedule schedule(const child_schedule& planned, const risk_verdict& verdict,
                                        double volume_rate) const;

  /// The state.
  [[nodiscard]] overlay_state state() const noexcept { return state_; }
  /// The reasons of the state (realized_slippage, rejected_orders, kill_switch; none when active).
  [[nodiscard]] risk_reason state_reasons() const noexcept { return state_reasons_; }
  /// Breaches of the 99% quantile since construction or reset().
  [[nodiscard]] index breaches() const noexcept { return breaches_; }
  /// Rejects since the last fill (or reset()).
  [[nodiscard]] index consecutive_rejects() const noexcept { return consecutive_rejects_; }
  /// The threshold of the squared Mahalanobis distance: the chi-square quantile at
  /// distance_level with d degrees of freedom (NaN when the check is off). Exact for integer d
  /// (closed-form tail, Abramowitz and Stegun 26.4.4-5, inverted by bisection): it matches
  /// scipy.stats.chi2.ppf to 1e-12 relative for d = 1..20.
  [[nodiscard]] double distance_threshold() const noexcept { return threshold_; }
  /// The parameters.
  [[nodiscard]] const risk_overlay_params& params() const noexcept { return params_; }

 private:
  static constexpr std::string_view name = "footprint::risk_overlay";

  void halt(risk_reason why) noexcept {
    state_ = overlay_state::halted;
    state_reasons_ |= why;
  }
  [[nodiscard]] bool throttle_allows(std::chrono::nanoseconds time) const noexcept;
  void record_message(std::chrono::nanoseconds time) noexcept;
  [[nodiscard]] double distance_squared(std::span<const double> x) noexcept;
  [[nodiscard]] double fallback_quantity(const risk_observation& obs) const noexcept;

  risk_overlay_params params_;
  matrix whiten_{};  ///< (d padded to a multiple of 4, d) W' with W = L^-1, Sigma = L L' (Cholesky)
  vector work_{};    ///< (d padded) scratch: x - mu, then zeros
  double threshold_ = nan;
  std::vector<std::chrono::nanoseconds> sent_{};  ///< ring of the last max_messages send times
  std::size_t next_ = 0;                          ///< next slot of the ring
  std::size_t n_sent_ = 0;                        ///< messages in the ring (<= its size)
  overlay_state state_ = overlay_state::active;
  risk_reason state_reasons_ = risk_reason::none;
  index breaches_ = 0;
  index consecutive_rejects_ = 0;
  bool has_trigger_ = false;                  ///< a model-guard trigger since construction or reset()
  std::chrono::nanoseconds last_trigger_{0};  ///< time of the last trigger
};

}  // namespace footprint

#include "footprint/execution/risk_overlay_impl.hpp"
