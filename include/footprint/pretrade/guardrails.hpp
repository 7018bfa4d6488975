/// @file pretrade/guardrails.hpp
/// @brief The pre-trade report's warnings: structured (a code and a message), one per reason a
/// trader should not take a number at face value, so that none of them is silent.
#pragma once

#include "footprint/detail/concat.hpp"
#include "footprint/types.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

namespace footprint {

/// Why a pre-trade number needs a second look.
enum class warning_code : std::uint8_t {
  order_above_adv_share,      ///< the order is a large share of the daily volume
  order_huge,                 ///< the order is at least a day's volume: a typo, or not one order
  order_tiny,                 ///< the order is below one lot or the smallest order the model saw
  child_above_visible_depth,  ///< a child needs more than the visible depth: priced on the profile
  size_outside_training,      ///< a child is larger than any order the model was fitted on
  parameter_not_identified,   ///< an impact parameter comes mostly from its prior
  model_worse_than_baseline,  ///< the chosen model scored worse than the OLS baseline held out
  coverage_off_nominal,       ///< held-out 90% intervals covered far from 90%
  horizon_longer_than_data,   ///< the horizon is longer than the data the model was fitted on
  transient_not_measured,     ///< G0 is 0 or within 2 standard errors of it: the pace is not priced
};

/// The code's name as the JSON report writes it, e.g. "order_above_adv_share".
[[nodiscard]] constexpr std::string_view to_string(warning_code c) noexcept {
  switch (c) {
    case warning_code::order_above_adv_share: return "order_above_adv_share";
    case warning_code::order_huge: return "order_huge";
    case warning_code::order_tiny: return "order_tiny";
    case warning_code::child_above_visible_depth: return "child_above_visible_depth";
    case warning_code::size_outside_training: return "size_outside_training";
    case warning_code::parameter_not_identified: return "parameter_not_identified";
    case warning_code::model_worse_than_baseline: return "model_worse_than_baseline";
    case warning_code::coverage_off_nominal: return "coverage_off_nominal";
    case warning_code::horizon_longer_than_data: return "horizon_longer_than_data";
    case warning_code::transient_not_measured: return "transient_not_measured";
  }
  return "unknown";
}

/// One warning: a code for programs, a sentence for people.
struct pretrade_warning {
  warning_code code;
  std::string message;
};

/// What the guardrails look at. A NaN field (or an empty message) means "not known": its
/// check is skipped, and the report should say why elsewhere.
struct guardrail_inputs {
  double quantity = nan;                    ///< the order, in the instrument's quantity unit
  double daily_volume = nan;                ///< the data's daily volume, same unit
  double lot_size = nan;                    ///< the instrument's lot
  double largest_child = nan;               ///< the largest child of the schedules priced
  double visible_depth = nan;               ///< the visible depth on the side the order takes
  double largest_training_quantity = nan;   ///< the largest order the cost model was fitted on
  double smallest_training_quantity = nan;  ///< the smallest
  double horizon_seconds = nan;             ///< the order's horizon
  double data_seconds = nan;                ///< the span of the data
  double transient_g0 = nan;                ///< the transient kernel's G0 used, bps per unit of (q/V)^delta
  double transient_g0_std_error = nan;      ///< its standard error (NaN: not known)
  bool permanent_identified = true;         ///< shrunk_square_root::identified
  std::string permanent_message;            ///< shrunk_square_root::message
  std::string model;                        ///< the chosen model's name
  double model_crps = nan;                  ///< its held-out CRPS, bps
  double baseline_crps = nan;               ///< the OLS baseline's held-out CRPS, bps
  double coverage_90 = nan;                 ///< held-out coverage of the model's 90% intervals, in [0, 1]
  index coverage_rows = 0;                  ///< held-out rows behind it
};

/// The thresholds of the guardrails.
struct guardrail_limits {
  double adv_share = 0.10;      ///< above this share of the daily volume: order_above_adv_share
  double huge_adv_share = 1.0;  ///< at or above this share: order_huge
  /// Coverage is off nominal when it is more than this many binomial standard errors and
  /// 0.05 away from 0.9.
  double coverage_standard_errors = 3.0;
};

/// Every warning that applies, in the order of `warning_code`.
/// @param in what the report knows; @param limits the thresholds
/// @return the warnings (empty when none applies)
[[nodiscard]] inline std::vector<pretrade_warning> check_guardrails(const guardrail_inputs& in,
                                                                    const guardrail_limits& limits = {}) {
  std::vector<pretrade_warning> out;
  const auto num_at = [](double v, int digits) {
    std::ostringstream os;
    os.precision(digits);
    os << v;
    return os.str();
  };
  const auto num = [&](double v) { return num_at(v, 4); };  // a sentence, not a record
  const auto pct = [&](double share) { return num(100.0 * share) + '%'; };
  const auto add = [&](warning_code c, std::string m) { out.push_back({c, std::move(m)}); };
  const double adv_share = in.quantity / in.daily_volume;
  if (std::isfinite(adv_share)) {
    if (adv_share >= limits.huge_adv_share) {
      add(warning_code::order_huge, detail::concat("the order is ", pct(adv_share),
                                                   " of the daily volume: a day's trading or more; check the "
                                                   "quantity and its unit"));
    } else if (adv_share > limits.adv_share) {
      add(warning_code::order_above_adv_share,
          detail::concat("the order is ", pct(adv_share), " of the daily volume (above ", pct(limits.adv_share),
                         "): impact laws are measured on smaller orders"));
    }
  }
  if (in.quantity < in.lot_size) {
    add(warning_code::order_tiny,
        detail::concat("the order (", num(in.quantity), ") is smaller than one lot (", num(in.lot_size), ")"));
  } else if (in.quantity < in.smallest_training_quantity) {
    add(warning_code::order_tiny,
        detail::concat("the order (", num(in.quantity), ") is smaller than any order the model saw (",
                       num(in.smallest_training_quantity), ")"));
  }
  if (in.largest_child > in.visible_depth) {
    add(warning_code::child_above_visible_depth,
        detail::concat("a child of ", num(in.largest_child), " needs more than the visible depth (",
                       num(in.visible_depth), "): its cost beyond it rests on the depth profile"));
  }
  if (in.largest_child > in.largest_training_quantity) {
    add(warning_code::size_outside_training,
        detail::concat("a child of ", num(in.largest_child), " is larger than any order the model was fitted on (",
                       num(in.largest_training_quantity),
                       "): the model extrapolates there; size prices through the book walk"));
  }
  if (!in.permanent_identified) {
    add(warning_code::parameter_not_identified,
        detail::concat("permanent impact: ", in.permanent_message.empty() ? "not identified" : in.permanent_message));
  }
  if (in.model_crps > in.baseline_crps) {
    // As many significant digits as tell the two apart: "(0.0299 bps) is worse than (0.0299 bps)"
    // read as a contradiction.
    int digits = 4;
    while (digits < 17 && num_at(in.model_crps, digits) == num_at(in.baseline_crps, digits)) ++digits;
    add(warning_code::model_worse_than_baseline,
        detail::concat("the ", in.model.empty() ? std::string("chosen") : in.model, " model's held-out CRPS (",
                       num_at(in.model_crps, digits), " bps) is worse than the OLS baseline's (",
                       num_at(in.baseline_crps, digits), " bps): the baseline is used"));
  }
  if (std::isfinite(in.coverage_90) && in.coverage_rows > 0) {
    const double se = std::sqrt(0.9 * 0.1 / static_cast<double>(in.coverage_rows));
    const double off = std::abs(in.coverage_90 - 0.9);
    if (off > 0.05 && off > limits.coverage_standard_errors * se) {
      add(warning_code::coverage_off_nominal,
          detail::concat("the model's 90% intervals covered ", pct(in.coverage_90), " of ", in.coverage_rows,
                         " held-out orders: its spread is not to be trusted"));
    }
  }
  if (in.horizon_seconds > in.data_seconds) {
    add(warning_code::horizon_longer_than_data,
        detail::concat("the horizon (", num(in.horizon_seconds), " s) is longer than the data (", num(in.data_seconds),
                       " s): the kernel and volatility are extrapolated"));
  }
  // Without transient impact a child's cost is its book walk and the bias: a strategy's pace
  // changes its risk, not its expected cost (on the GOOG day POV at 5% and at 20% cost the same).
  if (in.transient_g0 <= 0.0 || in.transient_g0 < 2.0 * in.transient_g0_std_error) {
    add(warning_code::transient_not_measured,
        detail::concat("transient impact: G0 ", num(in.transient_g0), " +- ",
                       std::isfinite(in.transient_g0_std_error) ? num_at(in.transient_g0_std_error, 2) : "?",
                       " bps, not measured on this tape (0, or within 2 standard errors of it): the strategies' "
                       "expected costs depend on their children's sizes, not on their pace, which changes "
                       "only their risk"));
  }
  return out;
}

}  // namespace footprint
