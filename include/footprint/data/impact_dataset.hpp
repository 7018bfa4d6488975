/// @file data/impact_dataset.hpp
/// @brief A labelled impact dataset: one row per market order (or metaorder proxy), the
/// features at arrival, the order's size, and impact labels in bps of the arrival mid.
///
/// Label definitions (all signed so that a cost is positive, for buys and sells alike;
/// `s` = +1 buy, -1 sell; `m0` = arrival mid, the mid just before the first fill):
/// - `shortfall_bps`  = s (vwap - m0) / m0 * 1e4: execution shortfall against the arrival
///   mid, the implementation shortfall of the order (Perold 1988) without opportunity cost;
/// - `immediate_bps`  = s (m(t_end) - m0) / m0 * 1e4: the mid move by the end of the order,
///   where m(t) is the last mid recorded at or before t (so it includes the book update the
///   order itself caused when the caller records it at the fill time);
/// - `permanent_<h>_bps` = s (m(t_end + h) - m0) / m0 * 1e4: the mid move h after the order,
///   the permanent impact at horizon h (the price response R(h) of Bouchaud et al. 2004, 2018,
///   measured per order; Almgren, Thum, Hauptmann and Li 2005 measure permanent impact the
///   same way, from the post-trade price);
/// - `temporary_<h>_bps` = shortfall_bps - permanent_<h>_bps: the part of the cost that does
///   not persist (Almgren et al. 2005, section 2).
/// A label whose horizon reaches past the end of the mid path is NaN (never extrapolated);
/// `impact_dataset::complete_rows` selects the rows where a label is defined.
#pragma once

#include "footprint/book/price_level_book.hpp"
#include "footprint/data/size_features.hpp"
#include "footprint/error.hpp"
#include "footprint/types.hpp"

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <fstream>
#include <ostream>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace footprint {

/// An order to be labelled, as observed at its arrival.
struct order_arrival {
  std::chrono::nanoseconds time{0};             ///< time of the first fill (same clock as the mid path)
  std::chrono::nanoseconds end_time{0};         ///< time of the last fill; >= time (== time for one market order)
  footprint::side side = footprint::side::buy;  ///< aggressor: buy or sell
  double quantity = 0.0;                        ///< total filled quantity; > 0
  double vwap = nan;                            ///< volume-weighted fill price, quote currency; > 0
  double arrival_mid = nan;                     ///< mid just before the first fill, quote currency; > 0
  double bid_depth = nan;                       ///< displayed quantity at the best bid at arrival (NaN if unknown)
  double ask_depth = nan;                       ///< displayed quantity at the best ask at arrival (NaN if unknown)
  double spread = nan;                          ///< best ask minus best bid at arrival, quote currency (NaN if unknown)
};

/// Parameters of the labels and size features.
struct impact_label_params {
  /// Horizons of the permanent/temporary labels, each > 0, strictly increasing.
  std::vector<std::chrono::nanoseconds> horizons{std::chrono::seconds(1), std::chrono::seconds(10),
                                                 std::chrono::seconds(60), std::chrono::seconds(300)};
  /// Length of one trading day in seconds (23,400 for a US equity session, 86,400 for crypto);
  /// used to express the traded volume as an average daily volume; > 0.
  double session_seconds = 23400.0;
  /// Average daily volume to normalise order sizes by; 0 = estimate it from the dataset's
  /// own orders (total quantity / covered time * session_seconds), a look-ahead that a
  /// previous days' ADV replaces in production. >= 0.
  double daily_volume = 0.0;
};

/// A labelled dataset: rows are orders.
///
/// `X` is (n_orders, n_features) with the caller's arrival features first, then the size
/// features `quantity`, `log_quantity`, `size_to_depth` (quantity over the displayed
/// quantity on the side the order takes: the ask for a buy; NaN when unknown or 0),
/// `participation` (quantity over the average daily volume) and, for metaorders,
/// `duration_s` and `n_children`. `labels` is (n_orders, n_labels): `shortfall_bps`,
/// `immediate_bps`, then `permanent_<h>_bps` and `temporary_<h>_bps` for each horizon.
struct impact_dataset {
  std::vector<std::string> feature_names;           ///< n_features names, columns of X
  matrix X;                                         ///< (n_orders, n_features)
  std::vector<std::string> label_names;             ///< n_labels names, columns of labels
  matrix labels;                                    ///< (n_orders, n_labels), bps; NaN past the data's end
  std::vector<std::chrono::nanoseconds> times;      ///< (n_orders) arrival times
  std::vector<std::chrono::nanoseconds> durations;  ///< (n_orders) end_time - time
  std::vector<footprint::side> side;                ///< (n_orders) buy or sell
  vector quantity;                                  ///< (n_orders) shares/contracts/coins
  vector arrival_mid;                               ///< (n_orders) quote currency
  double daily_volume = nan;                        ///< the ADV used for `participation`, per session
  /// True when `daily_volume` was estimated from the dataset's own orders (a look-ahead that
  /// `observed_before` re-estimates from the past alone), false when the caller gave it.
  bool daily_volume_estimated = false;
  /// The horizons of the `permanent_<h>_bps` and `temporary_<h>_bps` labels, in label order.
  std::vector<std::chrono::nanoseconds> horizons;
  /// Length of the trading session, seconds (23,400 for a US equity day, 86,400 for crypto):
  /// the period of `daily_volume` (from `impact_label_params::session_seconds`).
  double session_seconds = nan;
  /// The best L levels per side of each row's arrival book (of its first order for a
  /// metaorder), when the pipeline kept them (`impact_pipeline_params::arrival_book_levels` =
  /// L > 0): shape (n_orders, 4 L), level k (0 = best) at columns 4k..4k+3 = bid price, bid
  /// quantity, ask price, ask quantity, NaN past a side's last level; else (n_orders, 0).
  matrix arrival_books;

  /// Row `i`'s arrival book (`arrival_books`), for walking or pricing a schedule at its arrival.
  /// @throws invalid_argument when the books were not kept or i is out of range
  [[nodiscard]] price_level_book arrival_book(index i) const {
    if (arrival_books.cols() == 0)
      throw invalid_argument(
          "footprint::impact_dataset::arrival_book: the arrival books were not kept (arrival_book_levels = 0)");
    if (i < 0 || i >= arrival_books.rows())
      throw invalid_argument(detail::concat("footprint::impact_dataset::arrival_book: row ", i, " out of range [0, ",
                                            arrival_books.rows(), ")"));
    price_level_book b;
    // Worst level first: the book keeps each side worst-to-best.
    for (index k = arrival_books.cols() / 4; k-- > 0;) {
      const double bp = arrival_books(i, 4 * k), bq = arrival_books(i, 4 * k + 1);
      const double ap = arrival_books(i, 4 * k + 2), aq = arrival_books(i, 4 * k + 3);
      if (std::isfinite(bp) && bq > 0.0) b.set_level(footprint::side::buy, bp, bq);
      if (std::isfinite(ap) && aq > 0.0) b.set_level(footprint::side::sell, ap, aq);
    }
    b.set_timestamp(times[static_cast<std::size_t>(i)]);
    return b;
  }

  /// Number of rows.
  [[nodiscard]] index rows() const noexcept { return X.rows(); }

  /// Column of `name` in X. @throws invalid_argument when there is no such feature.
  [[nodiscard]] index feature_column(std::string_view name) const {
    return find(feature_names, name, "feature_column");
  }
  /// Column of `name` in labels. @throws invalid_argument when there is no such label.
  [[nodiscard]] index label_column(std::string_view name) const { return find(label_names, name, "label_column"); }
  /// The label `name` for every row, shape (n_orders). @throws invalid_argument for an unknown name.
  [[nodiscard]] vector label(std::string_view name) const { return labels.col(label_column(name)); }

  /// Rows (in time order) where label `name` and every feature are finite: the rows a fit
  /// on that label may use. @throws invalid_argument for an unknown label.
  [[nodiscard]] std::vector<index> complete_rows(std::string_view name) const {
    const index c = label_column(name);
    std::vector<index> out;
    for (index i = 0; i < rows(); ++i) {
      if (std::isfinite(labels(i, c)) && X.row(i).allFinite()) out.push_back(i);
    }
    return out;
  }

  /// Writes the dataset as CSV: a header `time_ns,duration_ns,sign,arrival_mid,<features>,<labels>`
  /// (`sign`: +1 buy, -1 sell)
  /// then one line per row; NaN is written as an empty field.
  void write_csv(std::ostream& os) const {
    os << "time_ns,duration_ns,sign,arrival_mid";
    for (const auto& n : feature_names) os << ',' << n;
    for (const auto& n : label_names) os << ',' << n;
    os << '\n';
    os.precision(12);
    auto put = [&os](double v) {
      os << ',';
      if (std::isfinite(v)) os << v;
    };
    for (index i = 0; i < rows(); ++i) {
      os << times[static_cast<std::size_t>(i)].count() << ',' << durations[static_cast<std::size_t>(i)].count() << ','
         << static_cast<int>(footprint::sign(side[static_cast<std::size_t>(i)]));
      put(arrival_mid[i]);
      for (index j = 0; j < X.cols(); ++j) put(X(i, j));
      for (index j = 0; j < labels.cols(); ++j) put(labels(i, j));
      os << '\n';
    }
  }

  /// Writes the CSV to a file. @throws data_error when the file cannot be written.
  void write_csv(const std::string& path) const {
    std::ofstream f(path);
    if (!f) throw data_error(path, 0, 0, "", "cannot open file for writing");
    write_csv(f);
    if (!f) throw data_error(path, 0, 0, "", "write failed");
  }

 private:
  static index find(const std::vector<std::string>& names, std::string_view name, const char* fn) {
    const auto it = std::find(names.begin(), names.end(), name);
    if (it == names.end())
      throw invalid_argument(detail::concat("footprint::impact_dataset::", fn, ": no column named '", name, "'"));
    return static_cast<index>(it - names.begin());
  }
};

/// Builds an `impact_dataset` from a mid-price path and the orders to label, streaming.
///
/// Feed the mid path with `add_mid` and the orders with `add_order`, each in time order
/// (they may interleave); then `build()` (one row per order) or `build_metaorders(gap)`
/// (runs of same-sign orders as one row). Memory: the mid path (16 bytes per update) and
/// the orders with their features.
class impact_dataset_builder {
 public:
  /// @param feature_names names of the arrival features passed to `add_order`, in order
  /// @param params horizons and volume normalisation
  /// @throws invalid_argument when horizons are not > 0 and strictly increasing,
  /// session_seconds <= 0 or daily_volume < 0
  explicit impact_dataset_builder(std::vector<std::string> feature_names, impact_label_params params = {})
      : feature_names_(std::move(feature_names)), params_(std::move(params)) {
    for (std::size_t i = 0; i < params_.horizons.size(); ++i) {
      const auto h = params_.horizons[i];
      if (h.count() <= 0)
        throw invalid_argument(
            detail::concat("footprint::impact_dataset_builder: horizons must be > 0 (got ", h.count(), " ns)"));
      if (i > 0 && !(h > params_.horizons[i - 1]))
        throw invalid_argument("footprint::impact_dataset_builder: horizons must be strictly increasing");
    }
    if (!(params_.session_seconds > 0.0))
      throw invalid_argument(detail::concat("footprint::impact_dataset_builder: session_seconds must be > 0 (got ",
                                            params_.session_seconds, ")"));
    if (!(params_.daily_volume >= 0.0) || !std::isfinite(params_.daily_volume))
      throw invalid_argument(detail::concat(
          "footprint::impact_dataset_builder: daily_volume must be finite and >= 0 (got ", params_.daily_volume, ")"));
  }

  /// Records the mid at `time`. Several updates at one time keep the last.
  /// @param time same clock as the orders; not before the previous mid's time
  /// @param mid quote currency, finite and > 0 (skip books with an empty side: no mid)
  /// @throws invalid_argument when time goes back or mid is not finite and > 0
  void add_mid(std::chrono::nanoseconds time, double mid) {
    if (!std::isfinite(mid) || !(mid > 0.0))
      throw invalid_argument(
          detail::concat("footprint::impact_dataset_builder::add_mid: mid must be finite and > 0 (got ", mid, " at ",
                         time.count(), " ns)"));
    if (!mid_times_.empty() && time < mid_times_.back())
      throw invalid_argument(detail::concat("footprint::impact_dataset_builder::add_mid: time went back (",
                                            time.count(), " ns after ", mid_times_.back().count(), " ns)"));
    if (!mid_times_.empty() && time == mid_times_.back()) {
      mids_.back() = mid;
    } else {
      mid_times_.push_back(time);
      mids_.push_back(mid);
    }
  }

  /// Adds an order with its arrival features.
  /// @param o the order (side buy or sell, quantity > 0, vwap and arrival_mid finite and > 0,
  ///          end_time >= time, time not before the previous order's)
  /// @param features arrival features, size = feature_names.size(); NaN allowed (such rows
  ///          are excluded by complete_rows)
  /// @param book the arrival book's best levels, shape (4 L) as `arrival_state::book`, when the
  ///        builder keeps them (`keep_arrival_books(L)`, L > 0); empty otherwise
  /// @throws invalid_argument or dimension_mismatch naming the bad field
  void add_order(const order_arrival& o, std::span<const double> features, std::span<const double> book = {}) {
    const char* fn = "footprint::impact_dataset_builder::add_order";
    if (features.size() != feature_names_.size())
      throw dimension_mismatch(fn, "features.size() must equal the number of feature names",
                               static_cast<index>(feature_names_.size()), static_cast<index>(features.size()));
    if (book.size() != 4 * book_levels_)
      throw dimension_mismatch(fn, "book.size() must equal 4 x the kept arrival book levels",
                               static_cast<index>(4 * book_levels_), static_cast<index>(book.size()));
    if (o.side != footprint::side::buy && o.side != footprint::side::sell)
      throw invalid_argument(detail::concat(fn, ": side must be buy or sell (got ", int(o.side), ")"));
    if (!std::isfinite(o.quantity) || !(o.quantity > 0.0))
      throw invalid_argument(detail::concat(fn, ": quantity must be finite and > 0 (got ", o.quantity, ")"));
    if (!std::isfinite(o.vwap) || !(o.vwap > 0.0))
      throw invalid_argument(detail::concat(fn, ": vwap must be finite and > 0 (got ", o.vwap, ")"));
    if (!std::isfinite(o.arrival_mid) || !(o.arrival_mid > 0.0))
      throw invalid_argument(detail::concat(fn, ": arrival_mid must be finite and > 0 (got ", o.arrival_mid, ")"));
    if (o.end_time < o.time)
      throw invalid_argument(
          detail::concat(fn, ": end_time must be >= time (got ", o.end_time.count(), " < ", o.time.count(), ")"));
    if (!orders_.empty() && o.time < orders_.back().time)
      throw invalid_argument(
          detail::concat(fn, ": time went back (", o.time.count(), " ns after ", orders_.back().time.count(), " ns)"));
    orders_.push_back(o);
    features_.insert(features_.end(), features.begin(), features.end());
    books_.insert(books_.end(), book.begin(), book.end());
  }

  /// Keeps the best `levels` levels per side of each order's arrival book (passed to
  /// `add_order`) in the datasets' `arrival_books`; 0 (the default) keeps none.
  /// @throws invalid_argument when levels < 0 or orders were already added
  void keep_arrival_books(index levels) {
    const char* fn = "footprint::impact_dataset_builder::keep_arrival_books";
    if (levels < 0) throw invalid_argument(detail::concat(fn, ": levels must be >= 0 (got ", levels, ")"));
    if (!orders_.empty()) throw invalid_argument(detail::concat(fn, ": call before the first add_order"));
    book_levels_ = static_cast<std::size_t>(levels);
  }

  /// Number of orders added so far.
  [[nodiscard]] std::size_t order_count() const noexcept { return orders_.size(); }
  /// Number of distinct mid updates recorded so far.
  [[nodiscard]] std::size_t mid_count() const noexcept { return mids_.size(); }
  /// Times of the mid path recorded so far (increasing).
  /// Bytes held by the mid path, the orders, their features and arrival books (capacity).
  [[nodiscard]] std::size_t bytes_held() const noexcept {
    return mid_times_.capacity() * sizeof(std::chrono::nanoseconds) + mids_.capacity() * sizeof(double) +
           orders_.capacity() * sizeof(order_arrival) + (features_.capacity() + books_.capacity()) * sizeof(double);
  }
  [[nodiscard]] const std::vector<std::chrono::nanoseconds>& mid_times() const noexcept { return mid_times_; }
  /// The mid path recorded so far, quote currency; shape (mid_times().size()).
  [[nodiscard]] const std::vector<double>& mids() const noexcept { return mids_; }

  /// One row per order. Complexity: O(n_orders * n_horizons * log n_mids).
  [[nodiscard]] impact_dataset build() const {
    std::vector<std::size_t> first(orders_.size());
    for (std::size_t i = 0; i < first.size(); ++i) first[i] = i;
    return assemble(orders_, first, false);
  }

  /// One row per metaorder proxy: a run of consecutive orders with the same sign, each
  /// starting at most `max_gap` after the previous one ended (Bouchaud et al. 2018,
  /// ch. 10, use such runs as a proxy when the metaorders themselves are not known). Its
  /// quantity is the run's total, its vwap the run's value-weighted price, its arrival mid
  /// and features those of its first order, its end the last fill of its last order.
  /// Adds the features `duration_s` and `n_children`.
  /// @param max_gap the largest gap inside a run; >= 0
  /// @throws invalid_argument when max_gap < 0
  [[nodiscard]] impact_dataset build_metaorders(std::chrono::nanoseconds max_gap) const {
    if (max_gap.count() < 0)
      throw invalid_argument(detail::concat(
          "footprint::impact_dataset_builder::build_metaorders: max_gap must be >= 0 (got ", max_gap.count(), " ns)"));
    std::vector<order_arrival> runs;
    std::vector<std::size_t> first;
    std::vector<double> children;
    for (std::size_t i = 0; i < orders_.size(); ++i) {
      const order_arrival& o = orders_[i];
      if (!runs.empty() && runs.back().side == o.side && o.time - runs.back().end_time <= max_gap) {
        order_arrival& r = runs.back();
        const double value = r.vwap * r.quantity + o.vwap * o.quantity;
        r.quantity += o.quantity;
        r.vwap = value / r.quantity;
        r.end_time = std::max(r.end_time, o.end_time);
        children.back() += 1.0;
      } else {
        runs.push_back(o);
        first.push_back(i);
        children.push_back(1.0);
      }
    }
    impact_dataset d = assemble(runs, first, true);
    const index c = d.feature_column("n_children");
    for (index i = 0; i < d.rows(); ++i) d.X(i, c) = children[static_cast<std::size_t>(i)];
    return d;
  }

 private:
  // Last mid at or before t; NaN when t is before the first mid or after the last mid's time
  // plus nothing (t past the end of the path is not observed).
  [[nodiscard]] double mid_at(std::chrono::nanoseconds t) const noexcept {
    if (mid_times_.empty() || t < mid_times_.front() || t > mid_times_.back()) return nan;
    const auto it = std::upper_bound(mid_times_.begin(), mid_times_.end(), t);
    return mids_[static_cast<std::size_t>(it - mid_times_.begin()) - 1];
  }

  [[nodiscard]] impact_dataset assemble(const std::vector<order_arrival>& rows,
                                        const std::vector<std::size_t>& feature_row, bool metaorders) const {
    impact_dataset d;
    d.feature_names = feature_names_;
    for (const std::string_view n : size_feature_names) d.feature_names.emplace_back(n);
    if (metaorders) {
      d.feature_names.emplace_back("duration_s");
      d.feature_names.emplace_back("n_children");
    }
    d.label_names = {"shortfall_bps", "immediate_bps"};
    for (const auto h : params_.horizons) d.label_names.push_back("permanent_" + horizon_name(h) + "_bps");
    for (const auto h : params_.horizons) d.label_names.push_back("temporary_" + horizon_name(h) + "_bps");

    d.daily_volume = params_.daily_volume > 0.0 ? params_.daily_volume : estimated_daily_volume();
    d.daily_volume_estimated = !(params_.daily_volume > 0.0);
    d.horizons = params_.horizons;
    d.session_seconds = params_.session_seconds;
    const index n = static_cast<index>(rows.size());
    const index nf = static_cast<index>(feature_names_.size());
    const index nh = static_cast<index>(params_.horizons.size());
    d.X.resize(n, static_cast<index>(d.feature_names.size()));
    d.labels.resize(n, static_cast<index>(d.label_names.size()));
    d.side.resize(rows.size());
    d.quantity.resize(n);
    d.arrival_mid.resize(n);
    d.times.resize(rows.size());
    d.durations.resize(rows.size());
    const auto width = static_cast<index>(4 * book_levels_);
    d.arrival_books.resize(n, width);
    for (index i = 0; i < n; ++i) {
      const order_arrival& o = rows[static_cast<std::size_t>(i)];
      const double* f = features_.data() + feature_row[static_cast<std::size_t>(i)] * feature_names_.size();
      for (index j = 0; j < nf; ++j) d.X(i, j) = f[j];
      const double* b = books_.data() + feature_row[static_cast<std::size_t>(i)] * 4 * book_levels_;
      for (index j = 0; j < width; ++j) d.arrival_books(i, j) = b[j];
      const double taken_depth = o.side == footprint::side::buy ? o.ask_depth : o.bid_depth;
      std::array<double, 4> sizes{};
      compute_size_features(o.quantity, taken_depth, d.daily_volume, sizes);
      for (index k = 0; k < 4; ++k) d.X(i, nf + k) = sizes[static_cast<std::size_t>(k)];
      if (metaorders) {
        d.X(i, nf + 4) = std::chrono::duration<double>(o.end_time - o.time).count();
        d.X(i, nf + 5) = 1.0;
      }
      const double s = sign(o.side);
      const double to_bps = 1e4 / o.arrival_mid;
      const double shortfall = s * (o.vwap - o.arrival_mid) * to_bps;
      d.labels(i, 0) = shortfall;
      d.labels(i, 1) = s * (mid_at(o.end_time) - o.arrival_mid) * to_bps;
      for (index h = 0; h < nh; ++h) {
        const double permanent =
            s * (mid_at(o.end_time + params_.horizons[static_cast<std::size_t>(h)]) - o.arrival_mid) * to_bps;
        d.labels(i, 2 + h) = permanent;
        d.labels(i, 2 + nh + h) = shortfall - permanent;
      }
      d.side[static_cast<std::size_t>(i)] = o.side;
      d.quantity[i] = o.quantity;
      d.arrival_mid[i] = o.arrival_mid;
      d.times[static_cast<std::size_t>(i)] = o.time;
      d.durations[static_cast<std::size_t>(i)] = o.end_time - o.time;
    }
    return d;
  }

  [[nodiscard]] double estimated_daily_volume() const noexcept {
    if (orders_.empty()) return nan;
    double total = 0.0;
    for (const auto& o : orders_) total += o.quantity;
    std::chrono::nanoseconds begin = orders_.front().time, end = orders_.back().end_time;
    if (!mid_times_.empty()) {
      begin = std::min(begin, mid_times_.front());
      end = std::max(end, mid_times_.back());
    }
    const double seconds = std::max(std::chrono::duration<double>(end - begin).count(), 1.0);
    return total / seconds * params_.session_seconds;
  }

  static std::string horizon_name(std::chrono::nanoseconds h) {
    using namespace std::chrono;
    if (h % hours(1) == nanoseconds(0)) return std::to_string(duration_cast<hours>(h).count()) + "h";
    if (h % minutes(1) == nanoseconds(0) && h >= minutes(10))
      return std::to_string(duration_cast<minutes>(h).count()) + "m";
    if (h % seconds(1) == nanoseconds(0)) return std::to_string(duration_cast<seconds>(h).count()) + "s";
    if (h % milliseconds(1) == nanoseconds(0)) return std::to_string(duration_cast<milliseconds>(h).count()) + "ms";
    return std::to_string(h.count()) + "ns";
  }

  std::vector<std::string> feature_names_;
  impact_label_params params_;
  std::vector<std::chrono::nanoseconds> mid_times_;
  std::vector<double> mids_;
  std::vector<order_arrival> orders_;
  std::vector<double> features_;  // row-major (n_orders, n_features)
  std::size_t book_levels_ = 0;   // arrival book levels kept per side
  std::vector<double> books_;     // row-major (n_orders, 4 book_levels_)
};

}  // namespace footprint
