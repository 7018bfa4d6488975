/// @file monitoring/recalibration_policy.hpp
/// @brief `recalibration_policy`: what to do about a model's alarms: nothing, widen its
/// intervals, refit it, or fall back to simple execution. See docs/monitoring.md,
/// "Model monitoring".
///
/// A cheap header: the standard library, Eigen/Core through types.hpp, and the checks.
#pragma once

#include "footprint/detail/checks.hpp"
#include "footprint/monitoring/model_monitor.hpp"
#include "footprint/types.hpp"

#include <string_view>

namespace footprint {

/// A recalibration, from the least to the most drastic.
enum class recalibration_action : unsigned char {
  none,             ///< keep the model as it is
  widen_intervals,  ///< recalibrate the intervals (conformal quantile) on recent outcomes; the mean stands
  refit,            ///< refit the model on recent data
  fall_back,        ///< stop trusting the model: TWAP or POV with capped participation until a refit holds
};

/// The action's name: "none", "widen_intervals", "refit", "fall_back".
[[nodiscard]] constexpr std::string_view action_name(recalibration_action a) noexcept {
  switch (a) {
    case recalibration_action::none: return "none";
    case recalibration_action::widen_intervals: return "widen_intervals";
    case recalibration_action::refit: return "refit";
    case recalibration_action::fall_back: return "fall_back";
  }
  return "unknown";
}

/// Parameters of `recalibration_policy`, validated by its constructor.
struct recalibration_policy_params {
  /// fall back when at least this share of the features is out of range (the model
  /// extrapolates: `feature_drift::is_out_of_range`), in (0, 1]
  double fall_back_feature_fraction = 0.25;
  /// refits in a row (alarms that asked for one with no quiet decision between) before the
  /// next refit becomes a fall-back: a refit that does not hold, >= 1
  index max_refits = 2;
};

/// Maps the alarms of `model_monitor` and `feature_drift_monitor` to an action, by the rule
/// (first that applies):
///
/// | alarms | action | why |
/// |---|---|---|
/// | out-of-range features >= fall_back_feature_fraction of them | fall_back | the inputs left the fitted domain |
/// | bias, or any feature drifted or out of range | refit (fall_back after max_refits in a row) | the mean forecast is off or its inputs moved |
/// | coverage or scale only | widen_intervals | the mean holds, the spread does not |
/// | none | none (and the refit count restarts) | |
///
/// In the spirit of Gama et al. 2014 (sec. 3.3, "model management") and of conformal
/// recalibration on a recent window (Gibbs and Candes 2021, "Adaptive conformal inference
/// under distribution shift"): the cheapest action that answers the alarm. Deterministic;
/// `decide` is noexcept.
class recalibration_policy {
 public:
  recalibration_policy() : recalibration_policy(recalibration_policy_params{}) {}

  /// @throws footprint::invalid_argument when a parameter is out of range, e.g.
  ///         `footprint::recalibration_policy: max_refits must be >= 1 (got 0)`
  explicit recalibration_policy(recalibration_policy_params params) : params_(params) {
    detail::require_in(params_.fall_back_feature_fraction, 0.0, 1.0, detail::bounds::open_closed, name,
                       "fall_back_feature_fraction");
    detail::require_at_least(params_.max_refits, 1, name, "max_refits");
  }

  /// The action for one decision point (e.g. one monitoring window).
  /// @param alarms the model monitor's alarms in the window (any that fired)
  /// @param n_features_drifted features that drift (feature_drift_report::n_drifted), >= 0
  /// @param n_features_out_of_range features out of range (feature_drift_report::n_out_of_range), >= 0
  /// @param n_features features monitored, >= 0 (0: no feature monitoring)
  /// @return the action; refits are counted, and a quiet window (no alarm) restarts the count
  recalibration_action decide(const model_alarms& alarms, index n_features_drifted = 0,
                              index n_features_out_of_range = 0, index n_features = 0) noexcept {
    const bool features = n_features_drifted > 0 || n_features_out_of_range > 0;
    if (n_features > 0 && n_features_out_of_range > 0 &&
        double(n_features_out_of_range) >= params_.fall_back_feature_fraction * double(n_features)) {
      return recalibration_action::fall_back;
    }
    if (alarms.bias || features) {
      if (refits_ >= params_.max_refits) return recalibration_action::fall_back;
      ++refits_;
      return recalibration_action::refit;
    }
    if (alarms.coverage || alarms.scale) return recalibration_action::widen_intervals;
    refits_ = 0;
    return recalibration_action::none;
  }

  /// Refits asked for in a row since the last quiet decision.
  [[nodiscard]] index refits_in_a_row() const noexcept { return refits_; }
  /// Forgets the refit count.
  void reset() noexcept { refits_ = 0; }
  /// The parameters.
  [[nodiscard]] const recalibration_policy_params& params() const noexcept { return params_; }

 private:
  static constexpr const char* name = "footprint::recalibration_policy";
  recalibration_policy_params params_;
  index refits_ = 0;
};

}  // namespace footprint
