// Archetypes: the smallest types that satisfy each footprint concept. They document by
// example what a concept needs, and the static tests check that they (and only they, not
// the broken variants in concepts.cpp) satisfy it.
#pragma once

#include "footprint/concepts.hpp"

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace archetype {

/// PredictiveDistribution: four free functions found by ADL.
struct distribution {
  double mu = 0.0;
  double sigma = 1.0;
};
inline double mean(const distribution& d) { return d.mu; }
inline double standard_deviation(const distribution& d) { return d.sigma; }
inline double quantile(const distribution& d, double p) { return d.mu + d.sigma * (p - 0.5); }
inline double cdf(const distribution& d, double x) {
  const double u = (x - d.mu) / d.sigma + 0.5;
  return u < 0.0 ? 0.0 : (u > 1.0 ? 1.0 : u);
}

/// Regressor: predicts the mean of the training targets.
class regressor {
 public:
  footprint::fit_report fit(const footprint::matrix& X, const footprint::vector& y) {
    n_features_ = X.cols();
    mean_ = y.mean();
    fitted_ = true;
    return {};
  }
  [[nodiscard]] footprint::vector predict(const footprint::matrix& X) const {
    return footprint::vector::Constant(X.rows(), mean_);
  }
  [[nodiscard]] bool is_fitted() const { return fitted_; }
  [[nodiscard]] footprint::index n_features() const { return n_features_; }

 private:
  double mean_ = 0.0;
  footprint::index n_features_ = 0;
  bool fitted_ = false;
};

/// WeightedRegressor: adds fit(X, y, w).
class weighted_regressor : public regressor {
 public:
  using regressor::fit;
  footprint::fit_report fit(const footprint::matrix& X, const footprint::vector& y, const footprint::vector& w) {
    return fit(X, footprint::vector(y.cwiseProduct(w) * (double(y.size()) / w.sum())));
  }
};

/// ProbabilisticRegressor: adds distribution_type and predict_distribution.
class probabilistic_regressor : public regressor {
 public:
  using distribution_type = distribution;
  [[nodiscard]] std::vector<distribution> predict_distribution(const footprint::matrix& X) const {
    const footprint::vector mu = predict(X);
    return std::vector<distribution>(static_cast<std::size_t>(X.rows()), distribution{mu.size() ? mu[0] : 0.0, 1.0});
  }
};

/// A user book type adapted through an order_book_traits specialization.
struct book {
  double bid = 99.0, bid_qty = 10.0, ask = 101.0, ask_qty = 5.0;
  std::chrono::nanoseconds time{0};
};

/// A book type adapted through members (the forwarding partial specialization).
struct member_book {
  [[nodiscard]] footprint::index bid_levels() const noexcept { return 1; }
  [[nodiscard]] footprint::index ask_levels() const noexcept { return 1; }
  [[nodiscard]] double bid_price(footprint::index) const noexcept { return 99.0; }
  [[nodiscard]] double bid_quantity(footprint::index) const noexcept { return 10.0; }
  [[nodiscard]] double ask_price(footprint::index) const noexcept { return 101.0; }
  [[nodiscard]] double ask_quantity(footprint::index) const noexcept { return 5.0; }
  [[nodiscard]] std::chrono::nanoseconds timestamp() const noexcept { return std::chrono::nanoseconds{0}; }
};

}  // namespace archetype

template <>
struct footprint::order_book_traits<archetype::book> {
  static index bid_levels(const archetype::book&) noexcept { return 1; }
  static index ask_levels(const archetype::book&) noexcept { return 1; }
  static double bid_price(const archetype::book& b, index) noexcept { return b.bid; }
  static double bid_quantity(const archetype::book& b, index) noexcept { return b.bid_qty; }
  static double ask_price(const archetype::book& b, index) noexcept { return b.ask; }
  static double ask_quantity(const archetype::book& b, index) noexcept { return b.ask_qty; }
  static std::chrono::nanoseconds timestamp(const archetype::book& b) noexcept { return b.time; }
};

namespace archetype {

/// FeatureCalculatorFor: the mid price of any OrderBookView.
class mid_feature {
 public:
  [[nodiscard]] std::size_t size() const noexcept { return 1; }
  [[nodiscard]] std::span<const std::string> names() const noexcept { return names_; }
  template <footprint::OrderBookView B>
  void compute(const B& b, std::span<double> out) const noexcept {
    using traits = footprint::order_book_traits<B>;
    out[0] = 0.5 * (traits::bid_price(b, 0) + traits::ask_price(b, 0));
  }

 private:
  inline static const std::array<std::string, 1> names_{"mid"};
};

/// StatefulFeatureCalculatorFor: counts book updates.
class update_counter {
 public:
  [[nodiscard]] std::size_t size() const noexcept { return 1; }
  [[nodiscard]] std::span<const std::string> names() const noexcept { return names_; }
  template <footprint::OrderBookView B>
  void compute(const B&, std::span<double> out) const noexcept {
    out[0] = double(count_);
  }
  template <footprint::OrderBookView B>
  void update(const B&) noexcept {
    ++count_;
  }
  void reset() noexcept { count_ = 0; }

 private:
  long count_ = 0;
  inline static const std::array<std::string, 1> names_{"n_updates"};
};

/// A trade type of the user's own: TradeObserver takes the trade type as a parameter.
struct trade {
  double price = 0.0;
  double quantity = 0.0;
  int sign = 0;  // +1 buyer-initiated, -1 seller-initiated
};

/// StatefulFeatureCalculatorFor and TradeObserver: the net signed volume of the trades seen.
class signed_volume {
 public:
  [[nodiscard]] std::size_t size() const noexcept { return 1; }
  [[nodiscard]] std::span<const std::string> names() const noexcept { return names_; }
  template <footprint::OrderBookView B>
  void compute(const B&, std::span<double> out) const noexcept {
    out[0] = volume_;
  }
  template <footprint::OrderBookView B>
  void update(const B&) noexcept {}
  void update(const trade& t) noexcept { volume_ += t.sign * t.quantity; }
  void reset() noexcept { volume_ = 0.0; }

 private:
  double volume_ = 0.0;
  inline static const std::array<std::string, 1> names_{"signed_volume"};
};

/// ImpactModel: a constant cost.
struct impact_model {
  [[nodiscard]] footprint::cost_estimate predict_cost(const footprint::order&, const footprint::market_state&) const {
    return {.expected_bps = 5.0, .std_bps = 2.0, .temporary_bps = 4.0, .permanent_bps = 1.0};
  }
};

/// DriftDetector: the smallest detector (a Shewhart chart: signals when |x| > threshold).
class drift_detector {
 public:
  explicit drift_detector(double threshold = 4.0) noexcept : threshold_(threshold) {}
  void update(double x) noexcept {
    drifting_ = std::abs(x) > threshold_;  // false for NaN
    if (drifting_) {
      ++n_detections_;
      last_ = n_;
    }
    ++n_;
  }
  [[nodiscard]] bool is_drifting() const noexcept { return drifting_; }
  void reset() noexcept {
    n_ = 0;
    n_detections_ = 0;
    last_ = -1;
    drifting_ = false;
  }
  [[nodiscard]] footprint::index n_detections() const noexcept { return n_detections_; }
  [[nodiscard]] footprint::index last_detection() const noexcept { return last_; }

 private:
  double threshold_;
  footprint::index n_ = 0, n_detections_ = 0, last_ = -1;
  bool drifting_ = false;
};

// An event stream (EventReader): the integers 1..n, then the end; the report counts them.
struct event_reader {
  int n = 3;
  int read = 0;
  bool next(int& e) {
    if (read == n) return false;
    e = ++read;
    return true;
  }
  [[nodiscard]] int report() const { return read; }
};

// An execution policy (ExecutionPolicy): half of what is left at each decision, all of it at
// the last; it counts its decisions since the last reset.
struct halving_policy {
  int decisions = 0;
  footprint::child_order act(const footprint::execution_observation& o) {
    ++decisions;
    return {.quantity = o.step + 1 >= o.n_steps ? o.remaining : 0.5 * o.remaining};
  }
  void reset() { decisions = 0; }
};

// An execution environment (ExecutionEnvironment): two decisions, each child trades at the
// mid less one unit per share (a sell), the mid never moves.
struct flat_environment {
  double remaining = 2.0;
  int k = 0;
  void reset(std::uint64_t) {
    remaining = 2.0;
    k = 0;
  }
  [[nodiscard]] footprint::execution_observation observe() const {
    return {.step = k,
            .n_steps = 2,
            .horizon = 2.0,
            .quantity = 2.0,
            .remaining = remaining,
            .arrival_mid = 10.0,
            .mid = 10.0};
  }
  double step(const footprint::child_order& c) {
    const double n = std::min(std::max(c.quantity, 0.0), remaining);
    remaining -= n;
    ++k;
    return n * 1.0;
  }
  [[nodiscard]] bool done() const { return k >= 2; }
  [[nodiscard]] footprint::side side() const { return footprint::side::sell; }
};

}  // namespace archetype
