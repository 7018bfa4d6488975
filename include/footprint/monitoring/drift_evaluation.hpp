/// @file monitoring/drift_evaluation.hpp
/// @brief The drift-detector evaluation harness: seeded synthetic streams with one known
/// change (or none) and the measures of a detector on them: false alarms per 1,000 in-control
/// samples, the chance of any false alarm in a stream, detection delay, precision and recall
/// within a maximum delay. See docs/monitoring.md ("Choosing thresholds").
///
/// A cheap header: the standard library, Eigen/Core through types.hpp, and the checks.
#pragma once

#include "footprint/concepts.hpp"
#include "footprint/detail/checks.hpp"
#include "footprint/detail/random.hpp"
#include "footprint/types.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

namespace footprint {

/// The kind of change in a synthetic stream of `make_drift_stream`.
enum class drift_scenario : unsigned char {
  stable,          ///< N(0, 1) throughout: no change
  mean_shift,      ///< N(0, 1), then N(shift, 1) from change_at: an abrupt shift of the mean
  gradual,         ///< the mean rises linearly from 0 at change_at to shift at change_at + ramp, then stays
  variance,        ///< N(0, 1), then N(0, sd_after^2) from change_at: the mean does not move
  bernoulli_rate,  ///< 0/1 outcomes with P(1) = p_before, then p_after from change_at
};

/// A synthetic stream for `make_drift_stream`, validated there. Values are in units of the
/// in-control standard deviation (1).
struct drift_stream_params {
  drift_scenario scenario = drift_scenario::mean_shift;  ///< the kind of change
  index n_samples = 2000;                                ///< length of the stream, >= 1
  index change_at = 1000;  ///< 0-based position of the first changed value, in [0, n_samples]; unused when stable
  double shift = 1.0;      ///< mean_shift, gradual: the mean after the change, sigma units, finite (negative: a fall)
  index ramp = 500;        ///< gradual: values over which the mean ramps up, >= 1
  double sd_after = 2.0;   ///< variance: standard deviation after the change, finite and > 0
  double p_before = 0.1;   ///< bernoulli_rate: P(1) before the change, in [0, 1]
  double p_after = 0.2;    ///< bernoulli_rate: P(1) from the change, in [0, 1]
  std::uint64_t seed = 1;  ///< seed of the stream (footprint's xoshiro256**)
};

/// How `evaluate_drift_detector` scores the signals, validated there.
struct drift_evaluation_params {
  index n_streams = 200;  ///< streams run, with seeds seed, seed + 1, ..., >= 1
  index max_delay = 250;  ///< a signal at t with change_at <= t <= change_at + max_delay detects the change, >= 0
};

/// What `evaluate_drift_detector` measured over its streams.
struct drift_evaluation {
  index n_streams = 0;                   ///< streams run
  index n_changes = 0;                   ///< changes planted (n_streams, or 0 when stable)
  index n_detected = 0;                  ///< changes detected within max_delay
  index n_signals = 0;                   ///< signals in all
  index n_in_control_samples = 0;        ///< values before the change (all of a stable stream), summed over streams
  index n_false_alarms = 0;              ///< signals before the change
  double false_alarms_per_1000 = 0.0;    ///< 1000 n_false_alarms / n_in_control_samples
  double false_alarm_probability = 0.0;  ///< share of streams with at least one signal before the change, in [0, 1]
  double mean_delay =
      0.0;  ///< mean of (first signal in the window - change_at) over detected changes, values; NaN if none
  double median_delay = 0.0;  ///< median of the same; NaN if none
  double precision = 0.0;     ///< detections / n_signals, in [0, 1]; NaN without a signal
  double recall = 0.0;        ///< n_detected / n_changes, in [0, 1]; NaN when stable
};

/// A seeded synthetic stream with one change (or none), for evaluating drift detectors.
/// @param params scenario and its parameters (see `drift_stream_params`)
/// @return n_samples values: N(0, 1) before the change (0/1 outcomes for bernoulli_rate)
/// @throws footprint::invalid_argument when a parameter is out of range, e.g.
///         `footprint::make_drift_stream: change_at must be in [0, 2000] (got 2500)`
[[nodiscard]] inline std::vector<double> make_drift_stream(const drift_stream_params& params) {
  constexpr const char* where = "footprint::make_drift_stream";
  detail::require_at_least(params.n_samples, 1, where, "n_samples");
  detail::require_in(double(params.change_at), 0.0, double(params.n_samples), detail::bounds::closed, where,
                     "change_at");
  detail::require_finite(params.shift, where, "shift");
  detail::require_at_least(params.ramp, 1, where, "ramp");
  detail::require_positive(params.sd_after, where, "sd_after");
  detail::require_in(params.p_before, 0.0, 1.0, detail::bounds::closed, where, "p_before");
  detail::require_in(params.p_after, 0.0, 1.0, detail::bounds::closed, where, "p_after");
  detail::xoshiro256ss rng(params.seed);
  std::vector<double> x(static_cast<std::size_t>(params.n_samples));
  for (index t = 0; t < params.n_samples; ++t) {
    const bool after = params.scenario != drift_scenario::stable && t >= params.change_at;
    double v = 0.0;
    switch (params.scenario) {
      case drift_scenario::stable: v = rng.normal(); break;
      case drift_scenario::mean_shift: v = rng.normal() + (after ? params.shift : 0.0); break;
      case drift_scenario::gradual: {
        const double progress = after ? std::min(1.0, double(t - params.change_at + 1) / double(params.ramp)) : 0.0;
        v = rng.normal() + progress * params.shift;
        break;
      }
      case drift_scenario::variance: v = rng.normal() * (after ? params.sd_after : 1.0); break;
      case drift_scenario::bernoulli_rate:
        v = rng.uniform() < (after ? params.p_after : params.p_before) ? 1.0 : 0.0;
        break;
    }
    x[static_cast<std::size_t>(t)] = v;
  }
  return x;
}

/// Runs a detector over `n_streams` seeded streams (seeds stream.seed, stream.seed + 1, ...),
/// from `reset()` on each, and scores its signals: a signal before change_at is a false
/// alarm; the first signal in [change_at, change_at + max_delay] detects the change (its
/// delay is its position - change_at, so 0 is a signal on the first changed value); every
/// other signal counts against precision only.
/// @param detector any `DriftDetector`, copied (its parameters are what is evaluated)
/// @param stream the streams (`make_drift_stream`'s parameters; the seed of the first)
/// @param params n_streams >= 1, max_delay >= 0
/// @return the measures (see `drift_evaluation`)
/// @throws footprint::invalid_argument for a bad parameter (here or in make_drift_stream)
/// Complexity: n_streams n_samples updates.
template <DriftDetector D>
[[nodiscard]] drift_evaluation evaluate_drift_detector(D detector, const drift_stream_params& stream,
                                                       const drift_evaluation_params& params = {}) {
  constexpr const char* where = "footprint::evaluate_drift_detector";
  detail::require_at_least(params.n_streams, 1, where, "n_streams");
  detail::require_at_least(params.max_delay, 0, where, "max_delay");
  const bool stable = stream.scenario == drift_scenario::stable;
  const index change = stable ? stream.n_samples : stream.change_at;
  drift_evaluation out;
  out.n_streams = params.n_streams;
  out.n_changes = stable ? 0 : params.n_streams;
  std::vector<double> delays;
  index streams_with_false_alarm = 0;
  for (index s = 0; s < params.n_streams; ++s) {
    drift_stream_params p = stream;
    p.seed = stream.seed + static_cast<std::uint64_t>(s);
    const std::vector<double> x = make_drift_stream(p);
    detector.reset();
    bool detected = false;
    bool false_alarm = false;
    for (index t = 0; t < stream.n_samples; ++t) {
      detector.update(x[static_cast<std::size_t>(t)]);
      if (!detector.is_drifting()) continue;
      ++out.n_signals;
      if (t < change) {
        ++out.n_false_alarms;
        false_alarm = true;
      } else if (!detected && t - change <= params.max_delay) {
        detected = true;
        delays.push_back(double(t - change));
      }
    }
    if (false_alarm) ++streams_with_false_alarm;
    out.n_in_control_samples += change;
  }
  constexpr double no_value = std::numeric_limits<double>::quiet_NaN();
  out.n_detected = static_cast<index>(delays.size());
  out.false_alarms_per_1000 =
      out.n_in_control_samples == 0 ? no_value : 1000.0 * double(out.n_false_alarms) / double(out.n_in_control_samples);
  out.false_alarm_probability = double(streams_with_false_alarm) / double(params.n_streams);
  out.precision = out.n_signals == 0 ? no_value : double(out.n_detected) / double(out.n_signals);
  out.recall = out.n_changes == 0 ? no_value : double(out.n_detected) / double(out.n_changes);
  if (delays.empty()) {
    out.mean_delay = no_value;
    out.median_delay = no_value;
  } else {
    double sum = 0.0;
    for (const double d : delays) sum += d;
    out.mean_delay = sum / double(delays.size());
    std::sort(delays.begin(), delays.end());
    const std::size_t m = delays.size();
    out.median_delay = m % 2 == 1 ? delays[m / 2] : 0.5 * (delays[m / 2 - 1] + delays[m / 2]);
  }
  return out;
}

}  // namespace footprint
