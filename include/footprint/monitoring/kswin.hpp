/// @file monitoring/kswin.hpp
/// @brief `kswin`: Kolmogorov-Smirnov WINdowing (Raab, Heusinger and Schleif 2020), a change
/// detector for any change of distribution (mean, variance, shape) over a sliding window.
/// See docs/monitoring.md.
///
/// A cheap header: the standard library, Eigen/Core through types.hpp, and the checks.
#pragma once

#include "footprint/detail/checks.hpp"
#include "footprint/detail/random.hpp"
#include "footprint/monitoring/detail/detection_log.hpp"
#include "footprint/monitoring/detail/kolmogorov_smirnov.hpp"
#include "footprint/types.hpp"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace footprint {

/// Parameters of `kswin`, validated by its constructor. The defaults are river's.
struct kswin_params {
  double alpha = 0.005;     ///< significance level of the KS test, in (0, 1)
  index window_size = 100;  ///< n, values in the sliding window, >= 2 stat_size
  index stat_size = 30;     ///< r, values in each of the two compared samples, >= 1
  std::uint64_t seed = 42;  ///< seed of the draw of the older sample
};

/// KSWIN (Raab, Heusinger and Schleif 2020, "Reactive soft prototype computing for concept
/// drift streams", Neurocomputing 416, sec. 3.1) as river's `drift.KSWIN` runs it: a sliding
/// window of the last n values; once full, at every update, the r most recent values are
/// compared with r values drawn without replacement from the n - r older ones by the
/// two-sample Kolmogorov-Smirnov test, with the exact p-value for equal sizes (Gnedenko and
/// Korolyuk's formula: what scipy's `ks_2samp` gives river for samples this small). A change
/// is signalled when p <= alpha and D > 0.1 (river's guard); the window then keeps only the r
/// most recent values. (The paper's asymptotic rule D > sqrt(-ln(alpha) / r) is close: 0.42 against the
/// exact 14/30 = 0.47 for the defaults.) The draw uses footprint's xoshiro256** from `seed`,
/// not Python's generator, so the signals follow river's rule, not its exact positions.
///
/// Memory fixed at construction: the window (n doubles), two samples (2r), the draw's index
/// pool (n - r) and the p-value table (r + 1). O(r log r) per update (two sorts).
class kswin {
 public:
  /// river's defaults: alpha = 0.005, n = 100, r = 30.
  kswin() : kswin(kswin_params{}) {}

  /// @param params alpha in (0, 1); stat_size >= 1; window_size >= 2 stat_size
  /// @throws footprint::invalid_argument when a parameter is out of range, e.g.
  ///         `footprint::kswin: window_size must be >= 60 (got 50)`
  explicit kswin(kswin_params params) : params_(params), rng_(params.seed) {
    detail::require_in(params_.alpha, 0.0, 1.0, detail::bounds::open, name, "alpha");
    detail::require_at_least(params_.stat_size, 1, name, "stat_size");
    detail::require_at_least(params_.window_size, 2 * params_.stat_size, name, "window_size");
    const index n = params_.window_size;
    const index r = params_.stat_size;
    ring_.assign(static_cast<std::size_t>(n), 0.0);
    older_.assign(static_cast<std::size_t>(r), 0.0);
    recent_.assign(static_cast<std::size_t>(r), 0.0);
    pool_.resize(static_cast<std::size_t>(n - r));
    pvalue_.resize(static_cast<std::size_t>(r + 1));
    for (index k = 0; k <= r; ++k)
      pvalue_[static_cast<std::size_t>(k)] = detail::monitoring::ks_equal_size_pvalue(r, k);
    reset();
  }

  /// Observes the next value; once the window is full, runs the test.
  /// @param x the value, any real; NaN is skipped
  /// @return is_drifting()
  bool update(double x) noexcept {
    if (std::isnan(x)) {
      log_.record(false);
      return false;
    }
    const index n = params_.window_size;
    ring_[static_cast<std::size_t>((start_ + count_) % n)] = x;
    if (count_ < n) {
      ++count_;
    } else {
      start_ = (start_ + 1) % n;
    }
    bool signal = false;
    if (count_ == n) signal = test();
    log_.record(signal);
    return signal;
  }

  /// True when the last update signalled a change.
  [[nodiscard]] bool is_drifting() const noexcept { return log_.drifting; }
  /// Forgets the window, the detections and the draws, as if newly constructed.
  void reset() noexcept {
    rng_ = detail::xoshiro256ss(params_.seed);
    for (std::size_t i = 0; i < pool_.size(); ++i) pool_[i] = static_cast<index>(i);
    start_ = 0;
    count_ = 0;
    statistic_ = 0.0;
    p_value_ = 1.0;
    log_.clear();
  }
  /// Changes signalled since construction or reset().
  [[nodiscard]] index n_detections() const noexcept { return log_.n_detections; }
  /// 0-based stream position of the last signal; -1 before the first.
  [[nodiscard]] index last_detection() const noexcept { return log_.last_detection; }
  /// update calls since construction or reset() (NaN values included).
  [[nodiscard]] index n_updates() const noexcept { return log_.n_updates; }

  /// D of the last test, in [0, 1] (0 before the window first fills).
  [[nodiscard]] double statistic() const noexcept { return statistic_; }
  /// The exact p-value of the last test, in [0, 1] (1 before the window first fills).
  [[nodiscard]] double p_value() const noexcept { return p_value_; }
  /// Values in the window, in [0, window_size].
  [[nodiscard]] index window_count() const noexcept { return count_; }
  /// The parameters.
  [[nodiscard]] const kswin_params& params() const noexcept { return params_; }

 private:
  static constexpr const char* name = "footprint::kswin";

  [[nodiscard]] double at(index i) const noexcept {  // i-th oldest value of the window
    return ring_[static_cast<std::size_t>((start_ + i) % params_.window_size)];
  }

  bool test() noexcept {
    const index n = params_.window_size;
    const index r = params_.stat_size;
    // r distinct positions of the n - r older values: a partial Fisher-Yates shuffle of the
    // pool (uniform whatever order the pool was left in).
    const auto pool_size = static_cast<std::uint64_t>(n - r);
    for (index i = 0; i < r; ++i) {
      const auto j = static_cast<std::size_t>(i) + static_cast<std::size_t>(rng_.below(pool_size - std::uint64_t(i)));
      std::swap(pool_[static_cast<std::size_t>(i)], pool_[j]);
      older_[static_cast<std::size_t>(i)] = at(pool_[static_cast<std::size_t>(i)]);
      recent_[static_cast<std::size_t>(i)] = at(n - r + i);
    }
    std::sort(older_.begin(), older_.end());
    std::sort(recent_.begin(), recent_.end());
    const index k = detail::monitoring::ks_equal_size_steps(older_, recent_);
    statistic_ = double(k) / double(r);
    p_value_ = pvalue_[static_cast<std::size_t>(k)];
    if (!(p_value_ <= params_.alpha && statistic_ > 0.1)) return false;
    start_ = (start_ + n - r) % n;  // keep the r most recent values
    count_ = r;
    return true;
  }

  kswin_params params_;
  detail::xoshiro256ss rng_;
  std::vector<double> ring_;    ///< the window, a ring of n values from start_
  std::vector<double> older_;   ///< the drawn older sample (r)
  std::vector<double> recent_;  ///< the r most recent values
  std::vector<index> pool_;     ///< positions 0 .. n - r - 1 of the older values, permuted
  std::vector<double> pvalue_;  ///< P(D >= k / r), k = 0 .. r
  index start_ = 0;
  index count_ = 0;
  double statistic_ = 0.0;
  double p_value_ = 1.0;
  detail::monitoring::detection_log log_;
};

}  // namespace footprint
