/// @file monitoring/page_hinkley.hpp
/// @brief `page_hinkley`: the Page-Hinkley test for a change in the mean (Page 1954), with
/// the fading factor of MOA's `PageHinkleyDM`, which it reproduces. See docs/monitoring.md.
///
/// A cheap header: the standard library, Eigen/Core through types.hpp, and the checks.
#pragma once

#include "footprint/detail/checks.hpp"
#include "footprint/monitoring/detail/detection_log.hpp"
#include "footprint/types.hpp"

#include <cmath>
#include <limits>

namespace footprint {

/// Which changes of the mean `page_hinkley` watches for.
enum class change_direction : unsigned char {
  increase,  ///< a rise of the mean (MOA's PageHinkleyDM: errors that grow)
  decrease,  ///< a fall of the mean
  both,      ///< either: two one-sided tests, a signal when either crosses lambda
};

/// Parameters of `page_hinkley`, validated by its constructor. The defaults are MOA's.
struct page_hinkley_params {
  index min_instances = 30;   ///< no signal before the count m_n (1 + values since the restart) reaches this, >= 0
  double delta = 0.005;       ///< magnitude of change tolerated, units of x, finite and >= 0
  double lambda = 50.0;       ///< threshold on the test statistic, units of x, finite and > 0
  double alpha = 1 - 0.0001;  ///< fading factor of the cumulative sum, in (0, 1]
  change_direction direction = change_direction::increase;  ///< the changes watched for
  /// false: the statistic is S_t itself (the released MOA that CapyMOA runs); true: S_t - M_t,
  /// Page's form, as in MOA's current source
  bool subtract_minimum = false;
};

/// The Page-Hinkley test (Page 1954, "Continuous inspection schemes", Biometrika 41) as MOA's
/// `PageHinkleyDM` computes it, so that it signals on the same samples. For the values since
/// the last restart, with m_n counting from 1 and xbar_t their running mean,
///
///     S_t = alpha S_{t-1} + (x_t - xbar_t - delta),   M_t = min(M_{t-1}, S_t),
///
/// (S_0 = 0, M_0 = +inf) and a signal when the statistic exceeds lambda, once m_n >=
/// min_instances (m_n is 1 + the values seen since the restart, so min_instances = 30 first
/// allows a signal on the 29th value). The statistic is S_t by default, as in the MOA
/// releases that CapyMOA runs (its documented detections are the golden test), or S_t - M_t
/// with `subtract_minimum` (Page's form, MOA's current source). With `decrease` the same test runs on -x; with `both`, both tests. After
/// a signal the next value restarts the test (MOA's resetLearning). alpha < 1 fades old
/// deviations (MOA's addition; alpha = 1 is Page's cumulative sum).
///
/// O(1) per update, no memory beyond the object.
class page_hinkley {
 public:
  /// MOA's defaults: min_instances = 30, delta = 0.005, lambda = 50, alpha = 0.9999.
  page_hinkley() : page_hinkley(page_hinkley_params{}) {}

  /// @param params min_instances >= 0; delta finite and >= 0; lambda finite and > 0;
  ///        alpha in (0, 1]
  /// @throws footprint::invalid_argument when a parameter is out of range, e.g.
  ///         `footprint::page_hinkley: lambda must be finite and > 0 (got 0)`
  explicit page_hinkley(page_hinkley_params params) : params_(params) {
    detail::require_at_least(params_.min_instances, 0, name, "min_instances");
    detail::require_non_negative(params_.delta, name, "delta");
    detail::require_positive(params_.lambda, name, "lambda");
    detail::require_in(params_.alpha, 0.0, 1.0, detail::bounds::open_closed, name, "alpha");
    restart();
  }

  /// Observes the next value.
  /// @param x the value (e.g. a model's absolute error), units of delta and lambda; NaN is skipped
  /// @return is_drifting()
  bool update(double x) noexcept {
    if (std::isnan(x)) {
      log_.record(false);
      return false;
    }
    if (log_.drifting) restart();
    // The running mean as sum / count: the division is off the loop-carried chain (MOA's
    // incremental mean_ += (x - mean_) / n puts it there: 7.7 ns per update instead of ~2);
    // the two differ by rounding only (the golden MOA test signals on the same samples).
    sum_ += x;
    mean_ = sum_ / double(n_);
    const bool watch_up = params_.direction != change_direction::decrease;
    const bool watch_down = params_.direction != change_direction::increase;
    if (watch_up) {
      up_ = params_.alpha * up_ + (x - mean_ - params_.delta);
      if (up_ <= min_up_) min_up_ = up_;
    }
    if (watch_down) {
      down_ = params_.alpha * down_ + (mean_ - x - params_.delta);
      if (down_ <= min_down_) min_down_ = down_;
    }
    ++n_;
    bool signal = false;
    if (n_ >= params_.min_instances) {
      signal = (watch_up && statistic() > params_.lambda) || (watch_down && statistic_decrease() > params_.lambda);
    }
    log_.record(signal);
    return signal;
  }

  /// True when the last update signalled a change.
  [[nodiscard]] bool is_drifting() const noexcept { return log_.drifting; }
  /// Forgets the test and the detections, as if newly constructed.
  void reset() noexcept {
    restart();
    log_.clear();
  }
  /// Changes signalled since construction or reset().
  [[nodiscard]] index n_detections() const noexcept { return log_.n_detections; }
  /// 0-based stream position of the last signal; -1 before the first.
  [[nodiscard]] index last_detection() const noexcept { return log_.last_detection; }
  /// update calls since construction or reset() (NaN values included).
  [[nodiscard]] index n_updates() const noexcept { return log_.n_updates; }

  /// The test statistic for an increase, S_t (or S_t - M_t with subtract_minimum), units of
  /// x; 0 after a restart (and when only decreases are watched).
  [[nodiscard]] double statistic() const noexcept {
    if (n_ == 1 || params_.direction == change_direction::decrease) return 0.0;
    return params_.subtract_minimum ? up_ - min_up_ : up_;
  }
  /// The test statistic for a decrease (the increase test on -x; 0 when only increases are watched).
  [[nodiscard]] double statistic_decrease() const noexcept {
    if (n_ == 1 || params_.direction == change_direction::increase) return 0.0;
    return params_.subtract_minimum ? down_ - min_down_ : down_;
  }
  /// The running mean since the last restart (units of x; 0 after a restart).
  [[nodiscard]] double mean() const noexcept { return mean_; }
  /// The parameters.
  [[nodiscard]] const page_hinkley_params& params() const noexcept { return params_; }

 private:
  static constexpr const char* name = "footprint::page_hinkley";

  void restart() noexcept {
    n_ = 1;
    sum_ = 0.0;
    mean_ = 0.0;
    up_ = 0.0;
    down_ = 0.0;
    min_up_ = std::numeric_limits<double>::max();
    min_down_ = std::numeric_limits<double>::max();
  }

  page_hinkley_params params_;
  index n_ = 1;                           ///< MOA's m_n: 1 + values since the restart
  double sum_ = 0.0;                      ///< sum of the values since the restart
  double mean_ = 0.0;                     ///< sum_ / (m_n)
  double up_ = 0.0, down_ = 0.0;          ///< S_t of the two tests
  double min_up_ = 0.0, min_down_ = 0.0;  ///< M_t of the two tests
  detail::monitoring::detection_log log_;
};

}  // namespace footprint
