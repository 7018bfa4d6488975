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
/// restarts; the update that cut signals a change.
///
/// footprint keeps MOA's signals and window exactly (tested update by update against MOA's
/// code written plainly, tests/monitoring/moa_adwin.hpp) and differs in how it computes them:
/// - values wait in a batch of up to 32 and enter the histogram together, when the batch is
///   full or before a test, row by row: the first 2k buckets passing through a row merge
///   pairwise, as one-at-a-time insertion would merge them (near the capacity, where the
///   oldest bucket may be dropped, values enter one at a time);
/// - each split is screened by a bound without division or root that holds whenever MOA's
///   test can cut; MOA's test runs only on the splits that pass;
/// - the sub-window variances MOA accumulates but never uses are not computed;
/// - the variance increment of a new value, MOA's (w - 1)(x - S / (w - 1))^2 / w, is computed
///   as (x (w - 1) - S)^2 / ((w - 1) w): one division instead of two, equal to rounding.
/// See docs/monitoring.md, "Speed".
///
/// Memory is fixed at construction: R rows (R = ceil(log2(max_window / M + 1)), 22 for the
/// defaults), row i with room for 2 (M + ceil(32 / 2^i)) buckets: about 6 KB for the defaults.
/// `update` is O(1) amortised plus an O(M R) scan every `clock` updates.
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
    // Row 0 receives at most `batch` values at once, row i + 1 at most half (rounded up) of what
    // row i receives; a stretch of 2 (M + that) cells moves its buckets back at most every
    // M + that insertions.
    index arriving = batch;
    index cells = 0;
    for (index i = 0; i < rows_; ++i) {
      offset_.push_back(cells);
      room_.push_back(2 * (m + arriving));
      cells += room_.back();
      arriving = (arriving + 1) / 2;
    }
    total_.assign(static_cast<std::size_t>(cells), 0.0);
    variance_.assign(static_cast<std::size_t>(cells), 0.0);
    head_.assign(static_cast<std::size_t>(rows_), 0);
    count_.assign(static_cast<std::size_t>(rows_), 0);
    batch_limit_ = (m + 1) * (index{1} << (rows_ - 1));
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
    if (width_ + n_pending_ + 1 < batch_limit_) {  // no capacity drop is possible: defer
      if (n_pending_ == 0) {
        make_room(0, batch);
        pending_cell_ = cell(0, count(0));
      }
      total_[pending_cell_ + static_cast<std::size_t>(n_pending_++)] = x;
      if (n_pending_ == batch) flush();
    } else {
      flush();
      insert(x);
    }
    bool change = false;
    if (--until_check_ == 0) {  // MOA: time % clock == 0
      until_check_ = params_.clock;
      flush();
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
    n_pending_ = 0;
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
  [[nodiscard]] index width() const noexcept { return width_ + n_pending_; }
  /// The mean of the window (units of x); NaN when it is empty.
  [[nodiscard]] double mean() const noexcept {
    const running r = with_pending();
    return r.width == 0.0 ? std::nan("") : r.sum / r.width;
  }
  /// The (population) variance of the window (units of x squared); NaN when it is empty.
  [[nodiscard]] double variance() const noexcept {
    const running r = with_pending();
    return r.width == 0.0 ? std::nan("") : r.var_sum / r.width;
  }
  /// Rows of buckets in use (at most `max_rows()`).
  [[nodiscard]] index n_rows() const noexcept {
    // The rows the deferred values will reach: row i's merges feed row i + 1 (see flush()).
    index rows = used_rows_;
    index arriving = n_pending_;
    for (index i = 0; arriving > 0; ++i) {
      const index held = (i < used_rows_ ? count_[static_cast<std::size_t>(i)] : 0) + arriving;
      rows = std::max(rows, i + 1);
      arriving = merges(held);
    }
    return rows;
  }
  /// R, the rows the histogram can hold.
  [[nodiscard]] index max_rows() const noexcept { return rows_; }
  /// The parameters.
  [[nodiscard]] const adwin_params& params() const noexcept { return params_; }

 private:
  static constexpr const char* name = "footprint::adwin";
  /// Values deferred before their insertion into the histogram (inserted together by flush()).
  static constexpr index batch = 32;

  // 2^-i exactly, from its bits (i <= 62): no division.
  [[nodiscard]] static double inverse_power_of_two(index i) noexcept {
    return std::bit_cast<double>(static_cast<std::uint64_t>(1023 - i) << 52U);
  }

  // Row i's buckets, oldest first, fill the cells offset_i + head_i + k, k < count_i, of a
  // stretch of room_i cells: dropping the oldest moves the head, new buckets go after the
  // newest, and the buckets move back to the stretch's start only when the end is reached.
  [[nodiscard]] std::size_t cell(index row, index k) const noexcept {
    const auto r = static_cast<std::size_t>(row);
    return static_cast<std::size_t>(offset_[r] + head_[r] + k);
  }
  [[nodiscard]] index& count(index row) noexcept { return count_[static_cast<std::size_t>(row)]; }
  [[nodiscard]] index& head(index row) noexcept { return head_[static_cast<std::size_t>(row)]; }

  /// Makes room for n more buckets after a row's newest (n <= room - M).
  void make_room(index row, index n) noexcept {
    const auto r = static_cast<std::size_t>(row);
    if (head_[r] + count_[r] + n > room_[r]) move_to_start(row);
  }

  /// Moves a row's buckets (at most M + 1) to the start of its stretch.
  [[gnu::noinline]] void move_to_start(index row) noexcept {
    const auto r = static_cast<std::size_t>(row);
    double* t = total_.data() + offset_[r];
    double* v = variance_.data() + offset_[r];
    const index from = head_[r];
    for (index k = 0; k < count_[r]; ++k) {
      t[k] = t[from + k];
      v[k] = v[from + k];
    }
    head_[r] = 0;
  }

  /// Appends a bucket (newest) to a row.
  void push_bucket(index row, double total, double var) noexcept {
    make_room(row, 1);
    const std::size_t c = cell(row, count(row)++);
    total_[c] = total;
    variance_[c] = var;
  }

  /// Removes the `n` oldest buckets of a row (n <= its count).
  void drop_buckets(index row, index n) noexcept {
    head(row) += n;
    count(row) -= n;
  }

  /// Opens the next row, empty.
  void open_row() noexcept {
    head(used_rows_) = 0;
    count(used_rows_++) = 0;
  }

  /// |W| (a double: an integer below 2^53, exact), its sum and its sum of squared deviations.
  struct running {
    double width;
    double sum;
    double var_sum;
  };

  // MOA's running sums after n more values: the variance increment of each,
  // (w - 1)(x - S / (w - 1))^2 / w, as (x (w - 1) - S)^2 / ((w - 1) w), none for the first
  // value of an empty window. The sums are held in separate locals: packed into one vector
  // register (as a compiler may do with a struct's neighbouring fields), the sum would wait
  // for the variance's division at every value.
  static void add_values(running& r, const double* x, index n) noexcept {
    double width = r.width;
    double sum = r.sum;
    double var_sum = r.var_sum;
    for (index t = 0; t < n; ++t) {
      width += 1.0;
      if (width > 1.0) {
        const double w1 = width - 1.0;
        const double e = w1 * x[t] - sum;
        var_sum += e * e / (w1 * width);
      }
      sum += x[t];
    }
    r = running{width, sum, var_sum};
  }

  // The deferred values, oldest first: they wait after row 0's newest bucket.
  [[nodiscard]] const double* pending() const noexcept { return total_.data() + cell(0, count_[0]); }

  // The running sums as if the deferred values were inserted (they are, bit for bit, by flush()).
  [[nodiscard]] running with_pending() const noexcept {
    running r{double(width_), sum_, var_sum_};
    add_values(r, pending(), n_pending_);
    return r;
  }

  // Merges a row makes when `held` buckets pass through it, M at most staying: each time it
  // holds M + 1, its two oldest merge (MOA's compressBuckets), so the merged pairs are the
  // first 2k buckets in order.
  [[nodiscard]] index merges(index held) const noexcept {
    const index m = params_.max_buckets;
    return held <= m ? 0 : (held - m + 1) / 2;
  }

  // MOA's insertElement: a bucket of one value in row 0, the running sums, then compression.
  void insert(double x) noexcept {
    running r{double(width_), sum_, var_sum_};
    add_values(r, &x, 1);
    width_ = static_cast<index>(r.width);
    sum_ = r.sum;
    var_sum_ = r.var_sum;
    push_bucket(0, x, 0.0);
    if (count(0) == params_.max_buckets + 1) compress();  // else no row is full
  }

  // Inserts the deferred values as n_pending_ calls of insert() would, bit for bit, row by row:
  // a row's evolution depends only on the sequence of buckets arriving at it, and when `held`
  // buckets pass through it the first 2k of them merge pairwise (k = merges(held)) into the
  // next row and the rest stay. The deferred values already sit after row 0's newest bucket,
  // and each row's merges are written after the next row's newest. Used only below
  // batch_limit_, where no bucket can be dropped.
  void flush() noexcept;

  // MOA's compressBuckets: a full row (M + 1 buckets) merges its two oldest into the next row.
  // At the capacity's last row, the oldest bucket is dropped instead.
  void compress() noexcept;

  // MOA's deleteElement: drops the oldest bucket (of the last row); returns its size.
  index delete_oldest() noexcept;

  // An upper bound of dd = ln(2 ln|W| / delta), increasing in |W|, for the screen: its value at
  // twice the width it was last computed for (times 1 + 1e-12 for the logarithms' rounding),
  // recomputed when |W| passes that width or falls below a quarter of it.
  double dd_bound(index w) noexcept;

  // MOA's cut loop (setInput, step 3): scans the splits oldest first; on a cut drops the oldest
  // bucket and rescans. The sub-window variances MOA accumulates are not used by its bound and
  // are not computed here.
  bool cut() noexcept;

  // One scan of the splits, oldest first: true at the first one MOA's test cuts at.
  //
  // Each split is first screened without division or root by a test that is true whenever
  // MOA's can be: with k = min(n0, n1) - mwl + 1, MOA's epsilon >= sqrt(2 v dd / k), and
  // |mu0 - mu1| = |u0 n1 - u1 n0| / (n0 n1); so no cut is possible when
  // (|u0 n1 - u1 n0| + slack)^2 k <= 2 v dd_high (n0 n1)^2 (1 - 1e-12), dd_high >= dd, the
  // slack and the factor covering every rounding of both computations (relative 1e-14 and
  // 1e-12, against about 1e-16). The cut decisions, hence the signals, stay exactly MOA's.
  // Counts are held as doubles: integers below 2^53, so every sum and conversion is exact.
  [[nodiscard]] bool finds_cut(double dd_high) const noexcept;

  adwin_params params_;
  index rows_ = 1;                ///< R, rows of capacity
  std::vector<double> total_;     ///< bucket sums, row i in cells [offset_i, offset_i + room_i)
  std::vector<double> variance_;  ///< bucket variance sums (sum of squared deviations)
  std::vector<index> offset_;     ///< first cell of each row's stretch
  std::vector<index> room_;       ///< cells of each row's stretch
  std::vector<index> head_;       ///< each row's oldest bucket, from its offset
  std::vector<index> count_;      ///< buckets per row
  index used_rows_ = 1;           ///< rows in use; row 0 the newest, bucket size 2^row
  index width_ = 0;               ///< |W| without the deferred values
  index until_check_ = 0;         ///< values until the next test (MOA tests when its mintTime % clock == 0)
  double sum_ = 0.0;              ///< sum of W (without the deferred values)
  double var_sum_ = 0.0;          ///< sum of squared deviations of W from its mean (likewise)
  index n_pending_ = 0;           ///< deferred values (after row 0's newest bucket), < batch
  std::size_t pending_cell_ = 0;  ///< the cell of the first of them
  index batch_limit_ = 0;         ///< (M + 1) 2^(R - 1): while |W| is below it no bucket is dropped
  index dd_width_ = 0;            ///< the width dd_bound_ was computed at
  double dd_bound_ = 0.0;         ///< dd there: an upper bound of dd below it
  detail::monitoring::detection_log log_;
};

}  // namespace footprint

#include "footprint/monitoring/adwin_impl.hpp"
