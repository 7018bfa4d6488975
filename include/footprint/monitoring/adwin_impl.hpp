/// @file monitoring/adwin_impl.hpp
/// @brief Definitions of `adwin`'s histogram and cut scan (included by adwin.hpp; not a public
/// header of its own): the batched insertion, MOA's compression and deletion, and the scan of
/// the splits with its screen.
#pragma once

#include "footprint/monitoring/adwin.hpp"

namespace footprint {

inline void adwin::flush() noexcept {
  if (n_pending_ == 0) return;
  running r{double(width_), sum_, var_sum_};
  add_values(r, pending(), n_pending_);
  width_ += n_pending_;
  sum_ = r.sum;
  var_sum_ = r.var_sum;

  index arriving = n_pending_;
  n_pending_ = 0;
  for (index i = 0; arriving > 0; ++i) {
    const index held = count(i) + arriving;
    const index k_merged = merges(held);
    if (k_merged > 0) {
      if (i + 1 == used_rows_) open_row();
      make_room(i + 1, k_merged);
      // MOA's merge: n1 = n2 = 2^i, u = total / n, inc = n1 n2 (u1 - u2)^2 / (n1 + n2); the
      // division by a power of two is the exact scaling by its inverse.
      const double* in_t = total_.data() + cell(i, 0);
      const double* in_v = variance_.data() + cell(i, 0);
      double* out_t = total_.data() + cell(i + 1, count(i + 1));
      double* out_v = variance_.data() + cell(i + 1, count(i + 1));
      const double n1 = double(index{1} << i);
      const double inv = inverse_power_of_two(i);
      const double half_inv = 0.5 * inv;
      if (i == 0) {  // single values: no variance (MOA's 0 + 0 + inc is inc)
        for (index k = 0; k < k_merged; ++k) {
          const double u1 = in_t[2 * k] * inv;
          const double u2 = in_t[2 * k + 1] * inv;
          out_t[k] = in_t[2 * k] + in_t[2 * k + 1];
          out_v[k] = n1 * n1 * (u1 - u2) * (u1 - u2) * half_inv;
        }
      } else {
        for (index k = 0; k < k_merged; ++k) {
          const double u1 = in_t[2 * k] * inv;
          const double u2 = in_t[2 * k + 1] * inv;
          const double inc = n1 * n1 * (u1 - u2) * (u1 - u2) * half_inv;
          out_t[k] = in_t[2 * k] + in_t[2 * k + 1];
          out_v[k] = in_v[2 * k] + in_v[2 * k + 1] + inc;
        }
      }
    }
    head(i) += 2 * k_merged;
    count(i) = held - 2 * k_merged;
    arriving = k_merged;
  }
}

inline void adwin::compress() noexcept {
  const index m = params_.max_buckets;
  for (index i = 0; i < used_rows_; ++i) {
    if (count(i) != m + 1) break;
    if (i + 1 == used_rows_) {
      if (used_rows_ == rows_) {
        (void)delete_oldest();
        break;
      }
      open_row();
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

inline index adwin::delete_oldest() noexcept {
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

inline double adwin::dd_bound(index w) noexcept {
  if (w > dd_width_ || 4 * w < dd_width_) {
    dd_width_ = 2 * w;
    dd_bound_ = std::log(2.0 * std::log(double(dd_width_)) / params_.delta) * (1.0 + 1e-12);
  }
  return dd_bound_;
}

inline bool adwin::cut() noexcept {
  bool change = false;
  while (finds_cut(dd_bound(width_))) {  // a cut implies |W| > 2 (mwl + 2) > 0
    change = true;
    (void)delete_oldest();
  }
  return change;
}

inline bool adwin::finds_cut(double dd_high) const noexcept {
  const double mwl = double(params_.min_window_length);
  const double least = mwl + 1.0;  // each side must hold more than mwl + 1 values
  const double shift = 1.0 - mwl;  // k = min(n0, n1) - mwl + 1
  const double w = double(width_);
  const double v = var_sum_ / w;
  const double screen = 2.0 * v * dd_high * (1.0 - 1e-12);
  double n0 = 0.0;
  double n1 = w;
  double u0 = 0.0;
  double u1 = sum_;
  for (index i = used_rows_ - 1; i >= 0; --i) {
    const double size = double(index{1} << i);
    const double* row = total_.data() + cell(i, 0);
    // The split after the newest bucket would leave W1 empty: MOA stops before it.
    const index n = count_[static_cast<std::size_t>(i)] - (i == 0 ? 1 : 0);
    for (index k = 0; k < n; ++k) {
      n0 += size;
      n1 -= size;
      u0 += row[k];
      u1 -= row[k];
      const double smaller = std::min(n0, n1);
      if (!(smaller > least)) continue;
      const double p = u0 * n1;
      const double q = u1 * n0;
      const double d = std::abs(p - q) + 1e-14 * (std::abs(p) + std::abs(q));
      const double n01 = n0 * n1;
      if (d * d * (smaller + shift) <= screen * n01 * n01) continue;
      // MOA's test.
      const double dd = std::log(2.0 * std::log(w) / params_.delta);
      const double diff = u0 / n0 - u1 / n1;
      const double m = 1.0 / (n0 - mwl + 1.0) + 1.0 / (n1 - mwl + 1.0);
      const double epsilon = std::sqrt(2.0 * m * v * dd) + 2.0 / 3.0 * dd * m;
      if (std::abs(diff) > epsilon) return true;
    }
  }
  return false;
}

}  // namespace footprint
