/// @file monitoring/adwin.hpp
/// @brief `adwin`: ADaptive WINdowing (Bifet and Gavalda 2007), the change detector that keeps
/// the longest recent window whose mean is consistent with "no change", stored in an
/// exponential histogram; a port of MOA's `ADWIN.java`. See docs/monitoring.md.
///
/// A cheap header: the standard library, Eigen/Core through types.hpp, and the checks.
#pragma once

#include "footprint/detail/checks.hpp"
#include "footprint/monitoring/detail/detection_log.hpp"
#include "footprint/types.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace footprint {

/// Parameters of `adwin`, validated by its constructor. The defaults are MOA's.
struct adwin_params {
  double delta = 0.002;   ///< confidence of the cut test, in (0, 1): smaller = fewer false alarms, slower
  index clock = 32;       ///< the window is tested for a cut every `clock` updates, >= 1
  index max_buckets = 5;  ///< M, buckets of one size kept per row of the histogram, >= 2
  /// each side of a cut must hold more than `min_window_length + 1` values, and the bound
  /// uses n_i - min_window_length + 1 (MOA's mintMinWinLength), >= 0
  index min_window_length = 5;
  index grace_period = 10;  ///< the window is tested only when it holds more than this, >= 0
  /// capacity: the window never holds more than M (2^R - 1) values, R the smallest row count
  /// with that >= max_window; past it the oldest bucket is dropped (MOA's window is unbounded)
  index max_window = index{1} << 24;
};

/// ADWIN (Bifet and Gavalda 2007, "Learning from time-changing data with adaptive
/// windowing", SDM; the ADWIN2 variant with exponential histograms), ported from MOA's
/// `ADWIN.java` so that it signals on the same samples as MOA (and CapyMOA) do.
///
/// The window W of recent values is kept in an exponential histogram: row i holds up to M
/// buckets, each summing 2^i consecutive values (their total and their variance sum); when a
/// row holds M + 1 buckets its two oldest merge into one of the next row. Every `clock`
/// updates, when |W| > grace_period, every split of W at a bucket boundary into an older part
/// W0 (n0 values, mean mu0) and a newer part W1 (n1, mu1) with n0, n1 > min_window_length + 1
/// is tested, oldest split first:
///
///     |mu0 - mu1| > sqrt(2 m v dd) + (2/3) dd m,
///     dd = ln(2 ln|W| / delta),  m = 1/(n0 - mwl + 1) + 1/(n1 - mwl + 1),
///
/// v the variance of W (population) and mwl = min_window_length (MOA's form of the paper's
/// bound, with the variance of W). On a cut the oldest bucket is dropped and the test
/// restarts; the update that cut signals a change. footprint skips the sub-window variances
/// MOA accumulates but never uses, and screens each split with a division-free bound that is
/// true whenever MOA's test can be (`may_cut`): the signals stay MOA's. The variance increment
/// of a new value, MOA's (w - 1)(x - S / (w - 1))^2 / w, is computed as
/// (x (w - 1) - S)^2 / ((w - 1) w), one division instead of two: equal to rounding, and the
/// same signals as a port of MOA's ADWIN on 2^24 values (docs/monitoring.md, "Speed").
///
/// Memory is fixed at construction: R rows of M + 1 buckets (R = ceil(log2(max_window / M + 1))),
/// 22 for the defaults: about 2.3 KB. `update` is O(1) amortised plus an O(M R) scan every
/// `clock` updates.
class adwin {
 public:
  /// MOA's defaults (delta = 0.002, clock = 32, M = 5).
  adwin() : adwin(adwin_params{}) {}

  /// @param params delta in (0, 1); clock >= 1; max_buckets >= 2; min_window_length >= 0;
  ///        grace_period >= 0; max_window in [1, 2^52]
  /// @throws footprint::invalid_argument when a parameter is out of range, e.g.
  ///         `footprint::adwin: delta must be in (0, 1) (got 0)`
  explicit adwin(adwin_params params) : params_(params) {
    detail::require_in(params_.delta, 0.0, 1.0, detail::bounds::open, name, "delta");
    detail::require_at_least(params_.clock, 1, name, "clock");
    detail::require_at_least(params_.max_buckets, 2, name, "max_buckets");
    detail::require_at_least(params_.min_window_length, 0, name, "min_window_length");
    detail::require_at_least(params_.grace_period, 0, name, "grace_period");
    detail::require_at_least(params_.max_window, 1, name, "max_window");
    detail::require(params_.max_window <= (index{1} << 52), name, "max_window", "<= 2^52",
                    static_cast<double>(params_.max_window));
    const index m = params_.max_buckets;
    while (rows_ < 62 && m * ((index{1} << rows_) - 1) < params_.max_window) ++rows_;
    const auto cells = static_cast<std::size_t>(rows_ * (m + 1));
    total_.assign(cells, 0.0);
    variance_.assign(cells, 0.0);
    count_.assign(static_cast<std::size_t>(rows_), 0);
    head_.assign(static_cast<std::size_t>(rows_), 0);
    until_check_ = params_.clock;
  }

  /// Observes the next value; signals when a cut shrinks the window.
  /// @param x the value (any finite real, e.g. an error or a 0/1 miss); NaN is skipped
  /// @return is_drifting()
  bool update(double x) noexcept {
    if (std::isnan(x)) {
      log_.record(false);
      return false;
    }
    insert(x);
    bool change = false;
    if (--until_check_ == 0) {  // MOA: time % clock == 0
      until_check_ = params_.clock;
      if (width_ > params_.grace_period) change = cut();
    }
    log_.record(change);
    return change;
  }

  /// True when the last update cut the window.
  [[nodiscard]] bool is_drifting() const noexcept { return log_.drifting; }
  /// Forgets the window and the detections, as if newly constructed.
  void reset() noexcept {
    for (index& c : count_) c = 0;
    for (index& h : head_) h = 0;
    used_rows_ = 1;
    width_ = 0;
    until_check_ = params_.clock;
    sum_ = 0.0;
    var_sum_ = 0.0;
    log_.clear();
  }
  /// Changes signalled since construction or reset().
  [[nodiscard]] index n_detections() const noexcept { return log_.n_detections; }
  /// 0-based stream position of the last signal; -1 before the first.
  [[nodiscard]] index last_detection() const noexcept { return log_.last_detection; }
  /// update calls since construction or reset() (NaN values included).
  [[nodiscard]] index n_updates() const noexcept { return log_.n_updates; }

  /// |W|, the number of values in the window.
  [[nodiscard]] index width() const noexcept { return width_; }
  /// The mean of the window (units of x); NaN when it is empty.
  [[nodiscard]] double mean() const noexcept { return width_ == 0 ? std::nan("") : sum_ / double(width_); }
  /// The (population) variance of the window (units of x squared); NaN when it is empty.
  [[nodiscard]] double variance() const noexcept { return width_ == 0 ? std::nan("") : var_sum_ / double(width_); }
  /// Rows of buckets in use (at most `max_rows()`).
  [[nodiscard]] index n_rows() const noexcept { return used_rows_; }
  /// R, the rows the histogram can hold.
  [[nodiscard]] index max_rows() const noexcept { return rows_; }
  /// The parameters.
  [[nodiscard]] const adwin_params& params() const noexcept { return params_; }

 private:
  static constexpr const char* name = "footprint::adwin";

  // 2^-i exactly, from its bits (i <= 62): no division.
  [[nodiscard]] static double inverse_power_of_two(index i) noexcept {
    return std::bit_cast<double>(static_cast<std::uint64_t>(1023 - i) << 52U);
  }

  // Each row is a ring of M + 1 cells: bucket k (0 the oldest) of a row sits at its head + k,
  // wrapped, so that dropping the oldest buckets moves the head instead of the other buckets.
  [[nodiscard]] std::size_t cell(index row, index k) const noexcept {
    const index width = params_.max_buckets + 1;
    index j = head_[static_cast<std::size_t>(row)] + k;  // < 2 (M + 1): head <= M, k <= M + 1
    if (j >= width) j -= width;
    return static_cast<std::size_t>(row * width + j);
  }
  [[nodiscard]] index& count(index row) noexcept { return count_[static_cast<std::size_t>(row)]; }

  /// Appends a bucket (newest) to a row.
  void push_bucket(index row, double total, double var) noexcept {
    const std::size_t c = cell(row, count(row)++);
    total_[c] = total;
    variance_[c] = var;
  }

  /// Removes the `n` oldest buckets of a row (n <= its count): the ring's head moves on.
  void drop_buckets(index row, index n) noexcept {
    const index width = params_.max_buckets + 1;
    index& head = head_[static_cast<std::size_t>(row)];
    head += n;
    if (head >= width) head -= width;
    count(row) -= n;
  }

  // MOA's insertElement: a bucket of one value in row 0, the running sums, then compression.
  void insert(double x) noexcept {
    ++width_;
    push_bucket(0, x, 0.0);
    double inc = 0.0;
    if (width_ > 1) {
      const double w1 = double(width_ - 1);
      const double e = w1 * x - sum_;  // (w - 1) (x - mean of the others)
      inc = e * e / (w1 * double(width_));
    }
    var_sum_ += inc;
    sum_ += x;
    if (count(0) == params_.max_buckets + 1) compress();  // else no row is full
  }

  // MOA's compressBuckets: a full row (M + 1 buckets) merges its two oldest into the next row.
  // At the capacity's last row, the oldest bucket is dropped instead.
  void compress() noexcept {
    const index m = params_.max_buckets;
    for (index i = 0; i < used_rows_; ++i) {
      if (count(i) != m + 1) break;
      if (i + 1 == used_rows_) {
        if (used_rows_ == rows_) {
          (void)delete_oldest();
          break;
        }
        head_[static_cast<std::size_t>(used_rows_)] = 0;
        count(used_rows_++) = 0;
      }
      // MOA: n1 = n2 = 2^i, u = total / n, inc = n1 n2 (u1 - u2)^2 / (n1 + n2). Division by a
      // power of two is the exact scaling by its inverse: the same bits, no division.
      const double n1 = double(index{1} << i);
      const double inv = inverse_power_of_two(i);
      const double u1 = total_[cell(i, 0)] * inv;
      const double u2 = total_[cell(i, 1)] * inv;
      const double inc = n1 * n1 * (u1 - u2) * (u1 - u2) * (0.5 * inv);
      push_bucket(i + 1, total_[cell(i, 0)] + total_[cell(i, 1)], variance_[cell(i, 0)] + variance_[cell(i, 1)] + inc);
      drop_buckets(i, 2);
      if (count(i + 1) <= m) break;
    }
  }

  // MOA's deleteElement: drops the oldest bucket (of the last row); returns its size.
  index delete_oldest() noexcept {
    const index last = used_rows_ - 1;
    const index n1 = index{1} << last;
    width_ -= n1;
    const double t = total_[cell(last, 0)];
    sum_ -= t;
    const double u1 = t * inverse_power_of_two(last);  // n1 = 2^last: exact, as MOA's t / n1
    const double w = double(width_);
    const double inc =
        variance_[cell(last, 0)] + double(n1 * width_) * (u1 - sum_ / w) * (u1 - sum_ / w) / (double(n1) + w);
    var_sum_ -= inc;
    drop_buckets(last, 1);
    if (count(last) == 0 && used_rows_ > 1) --used_rows_;
    return n1;
  }

  // A quick test, without division or root, that is true whenever MOA's cut test can be:
  // with k = min(n0, n1) - mwl + 1, MOA's epsilon >= sqrt(2 v dd / k), and
  // |mu0 - mu1| = |u0 n1 - u1 n0| / (n0 n1); so no cut is possible when
  // (|u0 n1 - u1 n0| + slack)^2 k <= 2 v dd (n0 n1)^2 (1 - 1e-12), the slack and the factor
  // covering every rounding of both computations (relative 1e-14 and 1e-12, against about 1e-16).
  // It leaves the cut decisions, hence the signals, exactly MOA's; it skips most of the divisions.
  [[nodiscard]] bool may_cut(index n0, index n1, double u0, double u1, double v, double dd) const noexcept {
    const double a = double(n0), b = double(n1);
    const double d = std::abs(u0 * b - u1 * a) + 1e-14 * (std::abs(u0) * b + std::abs(u1) * a);
    const double k = double(std::min(n0, n1) - params_.min_window_length + 1);
    return !(d * d * k <= 2.0 * v * dd * (a * b) * (a * b) * (1.0 - 1e-12));
  }

  // MOA's cut loop (setInput, step 3): scans the splits oldest first; on a cut drops the oldest
  // bucket and rescans. The sub-window variances MOA accumulates are not used by its bound and
  // are not computed here.
  bool cut() noexcept {
    const auto mwl = params_.min_window_length;
    bool change = false;
    bool again = true;
    while (again) {
      again = false;
      index n0 = 0;
      index n1 = width_;
      double u0 = 0.0;
      double u1 = sum_;
      const double dd = std::log(2.0 * std::log(double(width_)) / params_.delta);
      const double v = var_sum_ / double(width_);
      bool exit = false;
      for (index i = used_rows_ - 1; i >= 0 && !exit; --i) {
        const index size = index{1} << i;
        const index k_end = count(i);
        const index width = params_.max_buckets + 1;
        const double* row = total_.data() + i * width;  // the row's ring, oldest at its head
        index at = head_[static_cast<std::size_t>(i)];
        for (index k = 0; k < k_end; ++k) {
          const double u2 = row[at];
          if (++at == width) at = 0;
          n0 += size;
          n1 -= size;
          u0 += u2;
          u1 -= u2;
          if (i == 0 && k == k_end - 1) {
            exit = true;
            break;
          }
          if (n1 > mwl + 1 && n0 > mwl + 1 && may_cut(n0, n1, u0, u1, v, dd)) {
            const double diff = u0 / double(n0) - u1 / double(n1);
            const double m = 1.0 / double(n0 - mwl + 1) + 1.0 / double(n1 - mwl + 1);
            const double epsilon = std::sqrt(2.0 * m * v * dd) + 2.0 / 3.0 * dd * m;
            if (std::abs(diff) > epsilon) {
              change = true;
              again = true;
              if (width_ > 0) (void)delete_oldest();
              exit = true;
              break;
            }
          }
        }
      }
    }
    return change;
  }

  adwin_params params_;
  index rows_ = 1;                ///< R, rows of capacity
  std::vector<double> total_;     ///< bucket sums, row-major (R, M + 1); index 0 the oldest of a row
  std::vector<double> variance_;  ///< bucket variance sums (sum of squared deviations)
  std::vector<index> count_;      ///< buckets per row
  std::vector<index> head_;       ///< cell of each row's oldest bucket, in [0, M]
  index used_rows_ = 1;           ///< rows in use; row 0 the newest, bucket size 2^row
  index width_ = 0;               ///< |W|
  index until_check_ = 0;         ///< values until the next test (MOA tests when its mintTime % clock == 0)
  double sum_ = 0.0;              ///< sum of W
  double var_sum_ = 0.0;          ///< sum of squared deviations of W from its mean
  detail::monitoring::detection_log log_;
};

}  // namespace footprint
