// The evaluation harness on detectors whose answers are known: a scripted detector (signals
// at fixed positions: every count, delay, precision and recall is exact) and a Shewhart
// threshold |x| > c on N(0, 1) (false alarms per sample 2 (1 - Phi(c)), the chance of one in
// 1,000 samples 1 - (1 - p)^1000); then the streams themselves, and the shipped thresholds'
// promise: under 5% chance of a false alarm in 1,000 in-control values.
#include "footprint/monitoring/drift_evaluation.hpp"
#include "footprint/error.hpp"
#include "footprint/monitoring/bernoulli_cusum.hpp"
#include "footprint/monitoring/cusum.hpp"
#include "footprint/monitoring/ewma_chart.hpp"

#include <doctest/doctest.h>

#include <array>
#include <cmath>
#include <string>
#include <vector>

// Each test file is its own namespace: the module's files compile as one unity translation unit.
namespace unity_drift_evaluation {

namespace fp = footprint;

/// Signals at the positions listed, whatever the values.
class scripted {
 public:
  explicit scripted(std::vector<fp::index> at) : at_(std::move(at)) {}
  void update(double) noexcept {
    drifting_ = false;
    for (const fp::index a : at_) drifting_ = drifting_ || a == n_;
    if (drifting_) {
      ++count_;
      last_ = n_;
    }
    ++n_;
  }
  [[nodiscard]] bool is_drifting() const noexcept { return drifting_; }
  void reset() noexcept {
    n_ = 0;
    count_ = 0;
    last_ = -1;
    drifting_ = false;
  }
  [[nodiscard]] fp::index n_detections() const noexcept { return count_; }
  [[nodiscard]] fp::index last_detection() const noexcept { return last_; }

 private:
  std::vector<fp::index> at_;
  fp::index n_ = 0, count_ = 0, last_ = -1;
  bool drifting_ = false;
};

/// Signals when |x| > c.
struct threshold {
  double c = 3.0;
  bool drifting = false;
  fp::index n = 0, count = 0, last = -1;
  void update(double x) noexcept {
    drifting = std::abs(x) > c;
    if (drifting) {
      ++count;
      last = n;
    }
    ++n;
  }
  [[nodiscard]] bool is_drifting() const noexcept { return drifting; }
  void reset() noexcept { *this = threshold{c}; }
  [[nodiscard]] fp::index n_detections() const noexcept { return count; }
  [[nodiscard]] fp::index last_detection() const noexcept { return last; }
};
static_assert(fp::DriftDetector<scripted>);
static_assert(fp::DriftDetector<threshold>);

TEST_CASE("drift evaluation: a scripted detector gives the exact counts") {
  // change at 1000, max_delay 250: 400 is a false alarm; 1010 detects (delay 10); 1100 is a
  // second signal in the window and 1300 is past it: both count against precision only.
  const fp::drift_evaluation r =
      fp::evaluate_drift_detector(scripted({400, 1010, 1100, 1300}),
                                  {.scenario = fp::drift_scenario::mean_shift, .n_samples = 2000, .change_at = 1000},
                                  {.n_streams = 3, .max_delay = 250});
  CHECK(r.n_streams == 3);
  CHECK(r.n_changes == 3);
  CHECK(r.n_detected == 3);
  CHECK(r.n_signals == 12);
  CHECK(r.n_false_alarms == 3);
  CHECK(r.n_in_control_samples == 3000);
  CHECK(r.false_alarms_per_1000 == doctest::Approx(1.0));
  CHECK(r.false_alarm_probability == 1.0);
  CHECK(r.mean_delay == 10.0);
  CHECK(r.median_delay == 10.0);
  CHECK(r.precision == doctest::Approx(0.25));
  CHECK(r.recall == 1.0);

  // A signal on the changed value itself has delay 0; one at change_at + max_delay still counts.
  const fp::drift_evaluation edge =
      fp::evaluate_drift_detector(scripted({1250}), {.scenario = fp::drift_scenario::gradual, .change_at = 1000},
                                  {.n_streams = 1, .max_delay = 250});
  CHECK(edge.n_detected == 1);
  CHECK(edge.mean_delay == 250.0);
  const fp::drift_evaluation late =
      fp::evaluate_drift_detector(scripted({1251}), {.scenario = fp::drift_scenario::gradual, .change_at = 1000},
                                  {.n_streams = 1, .max_delay = 250});
  CHECK(late.n_detected == 0);
  CHECK(late.recall == 0.0);
  CHECK(late.precision == 0.0);
  CHECK(std::isnan(late.mean_delay));
  CHECK(std::isnan(late.median_delay));

  // Stable streams: every signal is a false alarm; there is no recall.
  const fp::drift_evaluation stable = fp::evaluate_drift_detector(
      scripted({5, 6}), {.scenario = fp::drift_scenario::stable, .n_samples = 1000}, {.n_streams = 4});
  CHECK(stable.n_changes == 0);
  CHECK(stable.n_false_alarms == 8);
  CHECK(stable.n_in_control_samples == 4000);
  CHECK(stable.false_alarms_per_1000 == doctest::Approx(2.0));
  CHECK(std::isnan(stable.recall));
  CHECK(stable.precision == 0.0);
}

TEST_CASE("drift evaluation: a threshold detector's false alarms follow the normal tail") {
  // p = P(|Z| > 3.5) = 4.6525e-4: 0.465 false alarms per 1,000 samples, and a chance of at
  // least one in 1,000 samples of 1 - (1 - p)^1000 = 0.3721. Binomial tolerances of about 4
  // standard errors (2,000 streams: 2e6 samples, 2,000 stream outcomes).
  const double p = 4.652581e-4;
  const fp::drift_evaluation r = fp::evaluate_drift_detector(
      threshold{3.5}, {.scenario = fp::drift_scenario::stable, .n_samples = 1000, .seed = 77}, {.n_streams = 2000});
  CHECK(r.false_alarms_per_1000 == doctest::Approx(1000.0 * p).epsilon(0.07));
  CHECK(std::abs(r.false_alarm_probability - (1.0 - std::pow(1.0 - p, 1000.0))) < 0.045);
  // After a 4 sigma shift a value exceeds 3.5 with probability Phi(0.5) + Phi(-7.5) = 0.6915 each:
  // the delay is geometric, with median 0 (a signal on the first changed value is likelier
  // than not) and mean (1 - q) / q = 0.446.
  const fp::drift_evaluation s = fp::evaluate_drift_detector(
      threshold{3.5}, {.scenario = fp::drift_scenario::mean_shift, .shift = 4.0, .seed = 78}, {.n_streams = 2000});
  CHECK(s.recall == 1.0);
  CHECK(s.median_delay == 0.0);
  CHECK(s.mean_delay == doctest::Approx(0.446).epsilon(0.1));
}

TEST_CASE("drift evaluation: the streams have the planted changes") {
  auto mean_sd = [](const std::vector<double>& x, std::size_t a, std::size_t b) {
    double m = 0.0;
    for (std::size_t t = a; t < b; ++t) m += x[t];
    m /= double(b - a);
    double v = 0.0;
    for (std::size_t t = a; t < b; ++t) v += (x[t] - m) * (x[t] - m);
    return std::array<double, 2>{m, std::sqrt(v / double(b - a - 1))};
  };
  const fp::index n = 200000, c = 100000;
  const auto shift = fp::make_drift_stream(
      {.scenario = fp::drift_scenario::mean_shift, .n_samples = n, .change_at = c, .shift = -2.0});
  // Standard error of a mean of 1e5 N(0, 1) values: 0.0032.
  CHECK(std::abs(mean_sd(shift, 0, 100000)[0]) < 0.015);
  CHECK(std::abs(mean_sd(shift, 100000, 200000)[0] + 2.0) < 0.015);
  CHECK(std::abs(mean_sd(shift, 100000, 200000)[1] - 1.0) < 0.015);
  const auto var = fp::make_drift_stream(
      {.scenario = fp::drift_scenario::variance, .n_samples = n, .change_at = c, .sd_after = 3.0});
  CHECK(std::abs(mean_sd(var, 0, 100000)[1] - 1.0) < 0.015);
  CHECK(std::abs(mean_sd(var, 100000, 200000)[1] - 3.0) < 0.045);
  CHECK(std::abs(mean_sd(var, 100000, 200000)[0]) < 0.045);
  const auto ramp = fp::make_drift_stream(
      {.scenario = fp::drift_scenario::gradual, .n_samples = n, .change_at = 50000, .shift = 1.0, .ramp = 100000});
  // The mean rises linearly from 0 to 1 over [50,000, 150,000): 0.25 on its first half, then 1.
  CHECK(std::abs(mean_sd(ramp, 0, 50000)[0]) < 0.02);
  CHECK(std::abs(mean_sd(ramp, 50000, 100000)[0] - 0.25) < 0.02);
  CHECK(std::abs(mean_sd(ramp, 150000, 200000)[0] - 1.0) < 0.02);
  const auto bern = fp::make_drift_stream({.scenario = fp::drift_scenario::bernoulli_rate,
                                           .n_samples = n,
                                           .change_at = c,
                                           .p_before = 0.1,
                                           .p_after = 0.3});
  // Standard error of a rate from 1e5 outcomes: 0.001 (p = 0.1) and 0.0015 (p = 0.3).
  CHECK(std::abs(mean_sd(bern, 0, 100000)[0] - 0.1) < 0.005);
  CHECK(std::abs(mean_sd(bern, 100000, 200000)[0] - 0.3) < 0.007);
  int not_binary = 0;
  for (const double v : bern) not_binary += (v == 0.0 || v == 1.0) ? 0 : 1;
  CHECK(not_binary == 0);
  // Same seed, same stream; another seed, another one.
  CHECK(fp::make_drift_stream({.seed = 4}) == fp::make_drift_stream({.seed = 4}));
  CHECK(fp::make_drift_stream({.seed = 4}) != fp::make_drift_stream({.seed = 5}));
}

TEST_CASE("drift evaluation: bad parameters throw") {
  auto message = [](auto&& f) -> std::string {
    try {
      f();
    } catch (const fp::invalid_argument& e) {
      return e.what();
    }
    return "no exception";
  };
  CHECK(message([] { (void)fp::make_drift_stream({.n_samples = 2000, .change_at = 2500}); }) ==
        "footprint::make_drift_stream: change_at must be in [0, 2000] (got 2500)");
  CHECK(message([] { (void)fp::make_drift_stream({.sd_after = 0.0}); }) ==
        "footprint::make_drift_stream: sd_after must be finite and > 0 (got 0)");
  CHECK(message([] { (void)fp::evaluate_drift_detector(threshold{}, {}, {.n_streams = 0}); }) ==
        "footprint::evaluate_drift_detector: n_streams must be >= 1 (got 0)");
}

TEST_CASE("drift evaluation: the shipped thresholds keep false alarms in 1,000 values under 5%") {
  // The defaults of cusum (h = 9), ewma_chart (L = 4) and bernoulli_cusum (h = 8) were chosen
  // with this harness (docs/monitoring.md): the smallest on a 0.25 (L: 0.1) grid whose chance
  // of any false alarm in 1,000 in-control values stayed under 5% on two sets of 4,000
  // streams. Here on 1,000 other streams (standard error about 0.6 points).
  const fp::drift_stream_params gauss{.scenario = fp::drift_scenario::stable, .n_samples = 1000, .seed = 20000};
  const fp::drift_stream_params misses{.scenario = fp::drift_scenario::bernoulli_rate,
                                       .n_samples = 1000,
                                       .change_at = 1000,
                                       .p_before = 0.1,
                                       .p_after = 0.1,
                                       .seed = 20000};
  const fp::drift_evaluation_params ev{.n_streams = 1000};
  const double cusum = fp::evaluate_drift_detector(fp::cusum{}, gauss, ev).false_alarm_probability;
  const double ewma = fp::evaluate_drift_detector(fp::ewma_chart{}, gauss, ev).false_alarm_probability;
  const double bernoulli = fp::evaluate_drift_detector(fp::bernoulli_cusum{}, misses, ev).false_alarm_probability;
  CHECK(cusum <= 0.05);
  CHECK(ewma <= 0.05);
  CHECK(bernoulli <= 0.05);
  // ... and they are not needlessly high: half the threshold alarms far more often.
  CHECK(fp::evaluate_drift_detector(fp::cusum({.h = 4.5}), gauss, ev).false_alarm_probability > 0.5);
  CHECK(fp::evaluate_drift_detector(fp::ewma_chart({.L = 2.0}), gauss, ev).false_alarm_probability > 0.5);
  CHECK(fp::evaluate_drift_detector(fp::bernoulli_cusum({.h = 4.0}), misses, ev).false_alarm_probability > 0.5);
}

}  // namespace unity_drift_evaluation
