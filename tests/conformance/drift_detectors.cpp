// The contract of every DriftDetector (concepts.hpp), checked once for every shipped detector
// and for the archetype: a new detector joins with one factory line below (and its name in
// `detector_types`).
//
// What every detector promises here:
// - it satisfies DriftDetector: update(x) and reset() are noexcept;
// - update allocates nothing, from the first value on (capacities fixed at construction);
// - n_detections() counts the updates after which is_drifting() was true, last_detection()
//   is the position of the last of them (-1 before the first);
// - reset() gives a detector that behaves as a new one, signal for signal;
// - a copy is independent of its original;
// - a NaN takes a position but changes nothing else: the signals of the stream with a NaN
//   inserted are those of the stream without it, shifted by one after the NaN;
// - it detects a gross change (a 5 sigma shift of the mean; 0.1 -> 0.9 for the Bernoulli
//   chart) within 300 values, and the same seed gives the same signals.
#include "footprint/concepts.hpp"
#include "footprint/monitoring/adwin.hpp"
#include "footprint/monitoring/bernoulli_cusum.hpp"
#include "footprint/monitoring/cusum.hpp"
#include "footprint/monitoring/drift_evaluation.hpp"
#include "footprint/monitoring/ewma_chart.hpp"
#include "footprint/monitoring/kswin.hpp"
#include "footprint/monitoring/page_hinkley.hpp"

#include "static/archetypes.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <cstddef>
#include <limits>
#include <tuple>
#include <type_traits>
#include <vector>

#include "models/allocation_counter.hpp"

TYPE_TO_STRING_AS("adwin", footprint::adwin);
TYPE_TO_STRING_AS("page_hinkley", footprint::page_hinkley);
TYPE_TO_STRING_AS("kswin", footprint::kswin);
TYPE_TO_STRING_AS("cusum", footprint::cusum);
TYPE_TO_STRING_AS("ewma_chart", footprint::ewma_chart);
TYPE_TO_STRING_AS("bernoulli_cusum", footprint::bernoulli_cusum);
TYPE_TO_STRING_AS("archetype", archetype::drift_detector);

// Each test file is its own namespace: the module's files compile as one unity translation unit.
namespace unity_drift_detectors {

namespace fp = footprint;

// ---- the concept: the archetype and the shipped detectors satisfy it; broken types do not

static_assert(fp::DriftDetector<archetype::drift_detector>);
static_assert(fp::DriftDetector<fp::adwin>);
static_assert(fp::DriftDetector<fp::page_hinkley>);
static_assert(fp::DriftDetector<fp::kswin>);
static_assert(fp::DriftDetector<fp::cusum>);
static_assert(fp::DriftDetector<fp::ewma_chart>);
static_assert(fp::DriftDetector<fp::bernoulli_cusum>);

namespace broken {
struct update_may_throw : archetype::drift_detector {
  void update(double) {}
};
struct reset_may_throw : archetype::drift_detector {
  void reset() {}
};
struct is_drifting_returns_int : archetype::drift_detector {
  [[nodiscard]] int is_drifting() const noexcept { return 0; }
};
struct is_drifting_not_const : archetype::drift_detector {
  [[nodiscard]] bool is_drifting() noexcept { return false; }
};
struct no_last_detection {
  void update(double) noexcept {}
  [[nodiscard]] bool is_drifting() const noexcept { return false; }
  void reset() noexcept {}
  [[nodiscard]] fp::index n_detections() const noexcept { return 0; }
};
}  // namespace broken
static_assert(!fp::DriftDetector<broken::update_may_throw>);
static_assert(!fp::DriftDetector<broken::reset_may_throw>);
static_assert(!fp::DriftDetector<broken::is_drifting_returns_int>);
static_assert(!fp::DriftDetector<broken::is_drifting_not_const>);
static_assert(!fp::DriftDetector<broken::no_last_detection>);

template <class D>
struct tag {};

// ---- the detectors (one line each) and the list of them

inline fp::adwin make(tag<fp::adwin>) { return fp::adwin{}; }
inline fp::page_hinkley make(tag<fp::page_hinkley>) {
  return fp::page_hinkley({.lambda = 20.0, .direction = fp::change_direction::both});
}
inline fp::kswin make(tag<fp::kswin>) { return fp::kswin({.seed = 7}); }
inline fp::cusum make(tag<fp::cusum>) { return fp::cusum{}; }
inline fp::ewma_chart make(tag<fp::ewma_chart>) { return fp::ewma_chart{}; }
inline fp::bernoulli_cusum make(tag<fp::bernoulli_cusum>) { return fp::bernoulli_cusum{}; }
inline archetype::drift_detector make(tag<archetype::drift_detector>) { return archetype::drift_detector{}; }

using detector_types = std::tuple<fp::adwin, fp::page_hinkley, fp::kswin, fp::cusum, fp::ewma_chart,
                                  fp::bernoulli_cusum, archetype::drift_detector>;

/// The detector's kind of stream: 0/1 outcomes for the Bernoulli chart, N(0, 1) values for
/// the others; a gross change at position 1000 of 2000.
template <class D>
std::vector<double> stream(std::uint64_t seed, double change = 1.0) {
  if constexpr (std::is_same_v<D, fp::bernoulli_cusum>) {
    return fp::make_drift_stream({.scenario = fp::drift_scenario::bernoulli_rate,
                                  .p_before = 0.1,
                                  .p_after = change > 0 ? 0.9 : 0.1,
                                  .seed = seed});
  } else {
    return fp::make_drift_stream({.scenario = fp::drift_scenario::mean_shift, .shift = 5.0 * change, .seed = seed});
  }
}

/// The positions at which the detector signals on x.
template <class D>
std::vector<fp::index> signals(D& d, const std::vector<double>& x) {
  std::vector<fp::index> out;
  for (std::size_t t = 0; t < x.size(); ++t) {
    d.update(x[t]);
    if (d.is_drifting()) out.push_back(static_cast<fp::index>(t));
  }
  return out;
}

// ---- the contract

TEST_CASE_TEMPLATE_DEFINE("drift detectors: update and reset are noexcept and update allocates nothing", D,
                          no_allocation) {
  static_assert(noexcept(std::declval<D&>().update(0.0)));
  static_assert(noexcept(std::declval<D&>().reset()));
#ifndef FOOTPRINT_TEST_COUNT_MALLOC
  MESSAGE("allocation counting skipped: it needs glibc and no sanitizer");
#else
  // The counter works: a vector allocates.
  CHECK(footprint_test::allocations_in([] {
          std::vector<double> v(1000, 1.0);
          asm volatile("" : : "g"(v.data()) : "memory");
        }) >= 1);
  const std::vector<double> x = stream<D>(11);
  D d = make(tag<D>{});
  fp::index n_signals = 0;
  const long n_alloc = footprint_test::allocations_in([&] {
    for (int pass = 0; pass < 3; ++pass) {  // 6,000 values, with changes, signals and restarts
      for (const double v : x) {
        d.update(v);
        n_signals += d.is_drifting() ? 1 : 0;
      }
      d.update(std::numeric_limits<double>::quiet_NaN());
    }
    d.reset();
    for (const double v : x) d.update(v);
  });
  CHECK(n_alloc == 0);
  CHECK(n_signals >= 1);
#endif
}

TEST_CASE_TEMPLATE_DEFINE("drift detectors: the counts agree with the signals", D, counts) {
  D d = make(tag<D>{});
  CHECK(d.n_detections() == 0);
  CHECK(d.last_detection() == -1);
  CHECK_FALSE(d.is_drifting());
  const std::vector<fp::index> s = signals(d, stream<D>(12));
  REQUIRE_FALSE(s.empty());
  CHECK(d.n_detections() == static_cast<fp::index>(s.size()));
  CHECK(d.last_detection() == s.back());
}

TEST_CASE_TEMPLATE_DEFINE("drift detectors: reset gives a new detector, and copies are independent", D, reset) {
  const std::vector<double> a = stream<D>(13);
  const std::vector<double> b = stream<D>(14);
  D fresh = make(tag<D>{});
  const std::vector<fp::index> expected = signals(fresh, b);
  D d = make(tag<D>{});
  (void)signals(d, a);
  D copy = d;  // mid-stream state
  d.reset();
  CHECK(d.n_detections() == 0);
  CHECK(d.last_detection() == -1);
  CHECK_FALSE(d.is_drifting());
  CHECK(signals(d, b) == expected);
  // The copy kept the state of d before the reset and is not touched by d's updates.
  D again = make(tag<D>{});
  (void)signals(again, a);
  CHECK(signals(copy, b) == signals(again, b));
}

TEST_CASE_TEMPLATE_DEFINE("drift detectors: a NaN takes a position and changes nothing else", D, nan) {
  const std::vector<double> x = stream<D>(15);
  std::vector<double> with_nan = x;
  const std::size_t at = 700;
  with_nan.insert(with_nan.begin() + static_cast<std::ptrdiff_t>(at), std::numeric_limits<double>::quiet_NaN());
  D d1 = make(tag<D>{});
  D d2 = make(tag<D>{});
  std::vector<fp::index> expected = signals(d1, x);
  for (fp::index& t : expected)
    if (t >= static_cast<fp::index>(at)) ++t;
  CHECK(signals(d2, with_nan) == expected);
}

TEST_CASE_TEMPLATE_DEFINE("drift detectors: a gross change is detected within 300 values", D, gross_change) {
  const fp::drift_evaluation r = fp::evaluate_drift_detector(
      make(tag<D>{}),
      std::is_same_v<D, fp::bernoulli_cusum>
          ? fp::drift_stream_params{.scenario = fp::drift_scenario::bernoulli_rate, .p_before = 0.1, .p_after = 0.9}
          : fp::drift_stream_params{.scenario = fp::drift_scenario::mean_shift, .shift = 5.0},
      {.n_streams = 20, .max_delay = 300});
  CHECK(r.recall == 1.0);
  CHECK(r.median_delay <= 300.0);
}

TEST_CASE_TEMPLATE_APPLY(no_allocation, detector_types);
TEST_CASE_TEMPLATE_APPLY(counts, detector_types);
TEST_CASE_TEMPLATE_APPLY(reset, detector_types);
TEST_CASE_TEMPLATE_APPLY(nan, detector_types);
TEST_CASE_TEMPLATE_APPLY(gross_change, detector_types);

}  // namespace unity_drift_detectors
