// MOA's ADWIN.java (moa/classifiers/core/driftdetection/ADWIN.java) written plainly in C++: a
// std::list of bucket rows, each a std::vector of buckets, rows added with new and removed
// with delete, the sub-window variances MOA accumulates, the variance increment with MOA's two
// divisions and the bound's logarithm at every candidate cut. No capacity: MOA's window is
// unbounded. footprint::adwin must signal on the same updates and keep the same window
// (tests/monitoring/detectors.cpp); benchmarks/drift.cpp times it as the peer.
#pragma once

#include <cmath>
#include <cstddef>
#include <iterator>
#include <list>
#include <vector>

namespace footprint_test {

class moa_adwin {
 public:
  /// MOA's parameters: delta, clock, M (maxBuckets), mintMinWinLength, grace period (10).
  explicit moa_adwin(double delta, long clock = 32, std::size_t max_buckets = 5, long min_window_length = 5,
                     long grace_period = 10)
      : delta_(delta), clock_(clock), grace_(grace_period), mwl_(min_window_length), max_buckets_(max_buckets) {
    rows_.emplace_back();
  }

  bool update(double x) {
    ++time_;
    insert(x);
    bool change = false;
    if (time_ % clock_ == 0 && width_ > grace_) {
      bool again = true;
      while (again) {
        again = false;
        double n0 = 0, n1 = double(width_);  // exact integer counts
        double u0 = 0, u1 = total_, v0 = 0, v1 = variance_;
        int i = static_cast<int>(rows_.size()) - 1;
        bool exit = false;
        for (auto row = rows_.rbegin(); row != rows_.rend() && !exit; ++row, --i) {
          for (std::size_t k = 0; k < row->size(); ++k) {
            const double n2 = std::pow(2.0, i);
            const double u2 = (*row)[k].total;
            if (n0 > 0) v0 += (*row)[k].variance + n0 * n2 * (u0 / n0 - u2 / n2) * (u0 / n0 - u2 / n2) / (n0 + n2);
            if (n1 > 0) v1 -= (*row)[k].variance + n1 * n2 * (u1 / n1 - u2 / n2) * (u1 / n1 - u2 / n2) / (n1 + n2);
            n0 += n2;
            n1 -= n2;
            u0 += u2;
            u1 -= u2;
            if (i == 0 && k == row->size() - 1) {
              exit = true;
              break;
            }
            const double diff = u0 / n0 - u1 / n1;
            if (n1 > double(mwl_ + 1) && n0 > double(mwl_ + 1) && cut(n0, n1, diff)) {
              change = true;
              again = true;
              exit = true;
              break;
            }
          }
        }
        subwindow_variances_ = v0 + v1;  // computed by MOA, unused by its bound
        // MOA drops the oldest bucket as it finds the cut; here after the scan, whose list
        // iterator must not outlive the row it may erase.
        if (again) delete_oldest();
      }
    }
    return change;
  }

  [[nodiscard]] long width() const { return width_; }
  [[nodiscard]] double mean() const { return total_ / double(width_); }
  [[nodiscard]] double variance() const { return variance_ / double(width_); }
  [[nodiscard]] double subwindow_variances() const { return subwindow_variances_; }

 private:
  struct bucket {
    double total, variance;
  };

  [[nodiscard]] bool cut(double n0, double n1, double diff) const {
    const double dd = std::log(2.0 * std::log(double(width_)) / delta_);
    const double v = variance_ / double(width_);
    const double m = 1.0 / (n0 - double(mwl_) + 1) + 1.0 / (n1 - double(mwl_) + 1);
    return std::abs(diff) > std::sqrt(2.0 * m * v * dd) + 2.0 / 3.0 * dd * m;
  }

  void insert(double x) {
    ++width_;
    rows_.front().push_back({x, 0.0});
    if (width_ > 1) {
      const double w1 = double(width_ - 1);
      variance_ += w1 * (x - total_ / w1) * (x - total_ / w1) / double(width_);
    }
    total_ += x;
    int i = 0;
    for (auto row = rows_.begin(); row != rows_.end(); ++row, ++i) {
      if (row->size() != max_buckets_ + 1) break;
      auto next = std::next(row);
      if (next == rows_.end()) next = rows_.emplace(rows_.end());
      const double n = std::pow(2.0, i);
      const double u1 = (*row)[0].total / n, u2 = (*row)[1].total / n;
      next->push_back({(*row)[0].total + (*row)[1].total,
                       (*row)[0].variance + (*row)[1].variance + n * n * (u1 - u2) * (u1 - u2) / (n + n)});
      row->erase(row->begin(), row->begin() + 2);
      if (next->size() <= max_buckets_) break;
    }
  }

  void delete_oldest() {
    auto& last = rows_.back();
    const long n1 = 1L << (rows_.size() - 1);
    width_ -= n1;
    total_ -= last.front().total;
    const double u1 = last.front().total / double(n1);
    variance_ -= last.front().variance + double(n1 * width_) * (u1 - total_ / double(width_)) *
                                             (u1 - total_ / double(width_)) / (double(n1) + double(width_));
    last.erase(last.begin());
    if (last.empty()) rows_.pop_back();
  }

  double delta_;
  long clock_, grace_, mwl_;
  std::size_t max_buckets_;
  std::list<std::vector<bucket>> rows_;
  long width_ = 0, time_ = 0;
  double total_ = 0.0, variance_ = 0.0, subwindow_variances_ = 0.0;
};

}  // namespace footprint_test
