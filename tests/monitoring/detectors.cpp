// The drift detectors one by one: closed forms, hand-computed sequences, the exact KS
// distribution against scipy, the capacity of ADWIN's histogram, and parameter errors. The
// contract they share (allocation-free updates, reset, NaN, counts) is in
// tests/conformance/drift_detectors.cpp; the golden test against MOA in golden_moa.cpp.
#include "footprint/detail/random.hpp"
#include "footprint/error.hpp"
#include "footprint/monitoring/adwin.hpp"
#include "footprint/monitoring/bernoulli_cusum.hpp"
#include "footprint/monitoring/cusum.hpp"
#include "footprint/monitoring/drift_evaluation.hpp"
#include "footprint/monitoring/ewma_chart.hpp"
#include "footprint/monitoring/kswin.hpp"
#include "footprint/monitoring/page_hinkley.hpp"
#include "monitoring/moa_adwin.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

// Each test file is its own namespace: the module's files compile as one unity translation unit.
namespace unity_detectors {

namespace fp = footprint;
namespace ks = footprint::detail::monitoring;

std::string message_of(auto&& f) {
  try {
    f();
  } catch (const fp::invalid_argument& e) {
    return e.what();
  }
  return "no exception";
}

// ---- ADWIN

TEST_CASE("adwin: the window's mean and variance are those of its last width() values") {
  // The histogram keeps exact sums and variance sums (merges add the between-bucket term), so
  // its statistics equal the plain ones of the values it covers.
  const std::vector<double> x = fp::make_drift_stream(
      {.scenario = fp::drift_scenario::gradual, .n_samples = 5000, .change_at = 2000, .shift = 3.0, .seed = 5});
  fp::adwin d;
  for (const double v : x) d.update(v);
  REQUIRE(d.n_detections() >= 1);
  const auto w = static_cast<std::size_t>(d.width());
  REQUIRE(w > 100);
  double sum = 0.0;
  for (std::size_t t = x.size() - w; t < x.size(); ++t) sum += x[t];
  const double mean = sum / double(w);
  double ss = 0.0;
  for (std::size_t t = x.size() - w; t < x.size(); ++t) ss += (x[t] - mean) * (x[t] - mean);
  CHECK(d.mean() == doctest::Approx(mean).epsilon(1e-9));
  CHECK(d.variance() == doctest::Approx(ss / double(w)).epsilon(1e-9));
}

TEST_CASE("adwin: the same signals and window as MOA's ADWIN written plainly, update by update") {
  // footprint::adwin defers values and inserts them 32 at a time, screens the splits before
  // MOA's test and computes the variance increment with one division: none of it may change a
  // signal or the window. Streams with shifts every 2^11 values (many cuts): N(0, 1), 0/1
  // misses, and N(10^6, 1) (rounding: sums near 10^10); parameters around MOA's defaults.
  struct setting {
    fp::adwin_params params;
    int stream;
  };
  const std::vector<setting> settings = {
      {{}, 0},
      {{.delta = 0.001, .clock = 1}, 0},
      {{.clock = 7, .max_buckets = 2}, 1},
      {{.delta = 0.01, .clock = 64, .max_buckets = 9, .min_window_length = 0, .grace_period = 0}, 2},
      {{.clock = 5, .max_buckets = 3, .min_window_length = 2}, 0},
      {{.delta = 0.1, .clock = 32, .max_buckets = 40}, 1},
  };
  for (std::size_t s = 0; s < settings.size(); ++s) {
    const fp::adwin_params& p = settings[s].params;
    CAPTURE(s);
    fp::adwin mine(p);
    footprint_test::moa_adwin moa(p.delta, p.clock, static_cast<std::size_t>(p.max_buckets), p.min_window_length,
                                  p.grace_period);
    fp::detail::xoshiro256ss rng(40 + s);
    fp::index signals = 0;
    bool same = true;
    for (fp::index t = 0; t < (fp::index{1} << 15) && same; ++t) {
      const bool shifted = (t >> 11) % 2 == 1;
      double x = 0.0;
      if (settings[s].stream == 0) x = rng.normal() + (shifted ? 1.0 : 0.0);
      if (settings[s].stream == 1) x = rng.uniform() < (shifted ? 0.3 : 0.1) ? 1.0 : 0.0;
      if (settings[s].stream == 2) x = 1e6 + rng.normal() + (shifted ? 1.0 : 0.0);
      const bool a = mine.update(x);
      const bool b = moa.update(x);
      signals += a ? 1 : 0;
      same = a == b && mine.width() == moa.width();
      if (!same) CAPTURE(t);
    }
    CHECK(same);
    CHECK(signals >= 8);  // the streams shift 15 times
    CHECK(mine.mean() == doctest::Approx(moa.mean()).epsilon(1e-12));
    CHECK(mine.variance() == doctest::Approx(moa.variance()).epsilon(1e-9));
  }
}

TEST_CASE("adwin: a constant stream never cuts, and the histogram keeps M buckets per row") {
  fp::adwin d({.max_buckets = 5});
  for (int t = 0; t < 10000; ++t) d.update(1.0);
  CHECK(d.n_detections() == 0);
  CHECK(d.width() == 10000);
  CHECK(d.mean() == 1.0);
  CHECK(d.variance() == 0.0);
  // 10,000 values in rows of at most 5 buckets of 1, 2, 4, ...: 11 rows (5 (2^11 - 1) >= 10,000).
  CHECK(d.n_rows() == 11);
  CHECK(d.max_rows() == 22);  // 5 (2^22 - 1) >= 2^24 > 5 (2^21 - 1)
}

TEST_CASE("adwin: the capacity bounds the window, and past it the oldest bucket is dropped") {
  fp::adwin d({.max_buckets = 5, .max_window = 100});
  CHECK(d.max_rows() == 5);  // 5 (2^5 - 1) = 155 >= 100
  fp::index widest = 0, most_rows = 0;
  for (int t = 0; t < 10000; ++t) {
    d.update(double(t % 7));
    widest = std::max(widest, d.width());
    most_rows = std::max(most_rows, d.n_rows());
  }
  CHECK(widest <= 155);
  CHECK(most_rows == 5);
  CHECK(d.width() >= 100);
}

TEST_CASE("adwin: an abrupt shift shrinks the window to the values after it") {
  std::vector<double> x(3000, 0.0);
  for (std::size_t t = 0; t < x.size(); ++t) x[t] = (t % 2 == 0 ? 0.0 : 1.0) + (t >= 2000 ? 3.0 : 0.0);
  fp::adwin d;
  for (const double v : x) d.update(v);
  REQUIRE(d.n_detections() >= 1);
  CHECK(d.last_detection() >= 2000);
  CHECK(d.last_detection() < 2000 + 64);  // within two clock ticks
  CHECK(d.width() <= 1000 + 64);
  CHECK(d.mean() == doctest::Approx(3.5).epsilon(0.01));
}

TEST_CASE("adwin: parameters out of range throw with the function, the name and the value") {
  CHECK(message_of([] { fp::adwin({.delta = 0.0}); }) == "footprint::adwin: delta must be in (0, 1) (got 0)");
  CHECK(message_of([] { fp::adwin({.clock = 0}); }) == "footprint::adwin: clock must be >= 1 (got 0)");
  CHECK(message_of([] { fp::adwin({.max_buckets = 1}); }) == "footprint::adwin: max_buckets must be >= 2 (got 1)");
  CHECK(message_of([] { fp::adwin({.max_window = 0}); }) == "footprint::adwin: max_window must be >= 1 (got 0)");
}

// ---- Page-Hinkley

TEST_CASE("page_hinkley: a hand-computed run with alpha = 1") {
  // delta = 0, alpha = 1, lambda = 2, min_instances = 0: S_t = sum (x_s - xbar_s).
  // x = 0, 0, 4, 4, 4: xbar = 0, 0, 4/3, 2, 12/5; S = 0, 0, 8/3, 14/3, 6.2 -> signals at t = 2.
  fp::page_hinkley d({.min_instances = 0, .delta = 0.0, .lambda = 2.0, .alpha = 1.0});
  CHECK_FALSE(d.update(0.0));
  CHECK_FALSE(d.update(0.0));
  CHECK(d.update(4.0));
  CHECK(d.statistic() == doctest::Approx(8.0 / 3.0));
  CHECK(d.last_detection() == 2);
  // The next value restarts the test: x = 4 alone gives S = 0.
  CHECK_FALSE(d.update(4.0));
  CHECK(d.mean() == 4.0);
  CHECK(d.statistic() == 0.0);
}

TEST_CASE("page_hinkley: min_instances holds the first signal back to m_n >= min_instances") {
  // A huge first jump: without min_instances the second value signals; with 30, the 29th.
  std::vector<double> x(40, 100.0);
  x[0] = 0.0;
  fp::page_hinkley early({.min_instances = 0, .lambda = 1.0, .alpha = 1.0});
  CHECK_FALSE(early.update(x[0]));
  CHECK(early.update(x[1]));
  fp::page_hinkley held({.min_instances = 30, .lambda = 1.0, .alpha = 1.0});
  fp::index first = -1;
  for (std::size_t t = 0; t < x.size() && first < 0; ++t)
    if (held.update(x[t])) first = static_cast<fp::index>(t);
  CHECK(first == 28);
}

TEST_CASE("page_hinkley: the direction chooses the changes watched for") {
  const std::vector<double> down =
      fp::make_drift_stream({.scenario = fp::drift_scenario::mean_shift, .shift = -3.0, .seed = 8});
  const std::vector<double> up =
      fp::make_drift_stream({.scenario = fp::drift_scenario::mean_shift, .shift = 3.0, .seed = 8});
  auto first_after = [](fp::page_hinkley d, const std::vector<double>& x) {
    for (std::size_t t = 0; t < x.size(); ++t)
      if (d.update(x[t]) && t >= 1000) return static_cast<fp::index>(t);
    return fp::index{-1};
  };
  const fp::page_hinkley_params p{.lambda = 30.0, .subtract_minimum = true};
  auto with = [&](fp::change_direction dir) {
    fp::page_hinkley_params q = p;
    q.direction = dir;
    return fp::page_hinkley(q);
  };
  CHECK(first_after(with(fp::change_direction::increase), down) == -1);
  CHECK(first_after(with(fp::change_direction::decrease), up) == -1);
  const fp::index inc = first_after(with(fp::change_direction::increase), up);
  const fp::index dec = first_after(with(fp::change_direction::decrease), down);
  CHECK(inc >= 1000);
  CHECK(inc < 1050);
  CHECK(dec >= 1000);
  CHECK(dec < 1050);
  CHECK(first_after(with(fp::change_direction::both), up) == inc);
}

TEST_CASE("page_hinkley: parameters out of range throw") {
  CHECK(message_of([] { fp::page_hinkley({.lambda = 0.0}); }) ==
        "footprint::page_hinkley: lambda must be finite and > 0 (got 0)");
  CHECK(message_of([] { fp::page_hinkley({.alpha = 1.5}); }) ==
        "footprint::page_hinkley: alpha must be in (0, 1] (got 1.5)");
  CHECK(message_of([] { fp::page_hinkley({.delta = -1.0}); }) ==
        "footprint::page_hinkley: delta must be finite and >= 0 (got -1)");
}

// ---- KSWIN

TEST_CASE("kswin: the exact KS p-value for equal sizes equals scipy's") {
  // scipy 1.10.1: stats.ks_2samp(a, b, method="exact").pvalue for n = m = 30 and D = k / 30.
  const double scipy[][2] = {{5, 0.8079631540901643},    {8, 0.23907300248018645},   {10, 0.07088798787114439},
                             {11, 0.034580084963334506}, {12, 0.015643390496754332}, {13, 0.006548396368058784},
                             {15, 0.0008995776840176799}};
  for (const auto& row : scipy) {
    const auto k = static_cast<fp::index>(row[0]);
    CHECK(ks::ks_equal_size_pvalue(30, k) == doctest::Approx(row[1]).epsilon(1e-12));
  }
  CHECK(ks::ks_equal_size_pvalue(30, 0) == 1.0);
  CHECK(ks::ks_equal_size_pvalue(30, 31) == 0.0);
  // n = 1: D = 1 whenever the two values differ, P = 1.
  CHECK(ks::ks_equal_size_pvalue(1, 1) == doctest::Approx(1.0));
  // The smallest n for which D = 1 is the exact 2 / C(2n, n): n = 3 -> 2 / 20.
  CHECK(ks::ks_equal_size_pvalue(3, 3) == doctest::Approx(0.1).epsilon(1e-12));
}

TEST_CASE("kswin: the KS statistic counts steps, with ties stepping together") {
  const std::vector<double> a{1, 2, 3, 4};
  const std::vector<double> b{5, 6, 7, 8};
  CHECK(ks::ks_equal_size_steps(a, b) == 4);
  CHECK(ks::ks_equal_size_steps(a, a) == 0);
  const std::vector<double> c{1, 1, 2, 2};
  const std::vector<double> d{1, 2, 2, 2};
  CHECK(ks::ks_equal_size_steps(c, d) == 1);  // F_c(1) = 2/4, F_d(1) = 1/4
}

TEST_CASE("kswin: a variance change is detected, and the window keeps the r most recent values") {
  fp::kswin d({.seed = 3});
  const std::vector<double> x = fp::make_drift_stream(
      {.scenario = fp::drift_scenario::variance, .n_samples = 2000, .change_at = 1000, .sd_after = 4.0, .seed = 9});
  fp::index first_after = -1;
  for (std::size_t t = 0; t < x.size(); ++t) {
    if (d.update(x[t])) {
      CHECK(d.window_count() == 30);
      CHECK(d.p_value() <= 0.005);
      CHECK(d.statistic() >= 14.0 / 30.0 - 1e-12);  // the exact critical value for r = 30, alpha = 0.005
      if (t >= 1000 && first_after < 0) first_after = static_cast<fp::index>(t);
    }
  }
  CHECK(first_after >= 1000);
  CHECK(first_after < 1100);
}

TEST_CASE("kswin: no test before the window is full") {
  fp::kswin d({.window_size = 60, .stat_size = 30});
  for (int t = 0; t < 59; ++t) {
    d.update(t < 30 ? 0.0 : 100.0);
    CHECK(d.p_value() == 1.0);
  }
  // Full now: the 30 older values are 0, the 30 recent ones 100: D = 1, a signal, and the
  // window keeps the 30 recent values.
  CHECK(d.update(100.0));
  CHECK(d.statistic() == 1.0);
  CHECK(d.window_count() == 30);
  CHECK(d.p_value() == doctest::Approx(2.0 / 118264581564861424.0).epsilon(1e-9));  // 2 / C(60, 30)
}

TEST_CASE("kswin: parameters out of range throw") {
  CHECK(message_of([] { fp::kswin({.window_size = 50, .stat_size = 30}); }) ==
        "footprint::kswin: window_size must be >= 60 (got 50)");
  CHECK(message_of([] { fp::kswin({.alpha = 1.0}); }) == "footprint::kswin: alpha must be in (0, 1) (got 1)");
}

// ---- CUSUM

TEST_CASE("cusum: a hand-computed run") {
  // mu0 = 10, sigma0 = 2, k = 0.5, h = 2: z = 0.75 each -> C+ = 0.25, 0.5, ...; a value of
  // 15 (z = 2.5) adds 2: from 0.5 -> 2.5 > 2, a signal at the third value.
  fp::cusum d({.mean = 10.0, .sigma = 2.0, .k = 0.5, .h = 2.0});
  CHECK_FALSE(d.update(11.5));
  CHECK(d.upper() == doctest::Approx(0.25));
  CHECK(d.lower() == 0.0);
  CHECK_FALSE(d.update(11.5));
  CHECK(d.upper() == doctest::Approx(0.5));
  CHECK(d.update(15.0));
  CHECK(d.upper() == 0.0);  // restarted
  // The lower side: z = -2.5 twice -> C- = 2, then 4 > 2.
  CHECK_FALSE(d.update(5.0));
  CHECK(d.lower() == doctest::Approx(2.0));
  CHECK(d.update(5.0));
  CHECK(d.n_detections() == 2);
  CHECK(d.last_detection() == 4);
}

TEST_CASE("cusum: parameters out of range throw") {
  CHECK(message_of([] { fp::cusum({.sigma = 0.0}); }) == "footprint::cusum: sigma must be finite and > 0 (got 0)");
  CHECK(message_of([] { fp::cusum({.k = -0.5}); }) == "footprint::cusum: k must be finite and >= 0 (got -0.5)");
  CHECK(message_of([] { fp::cusum({.h = 0.0}); }) == "footprint::cusum: h must be finite and > 0 (got 0)");
}

// ---- EWMA chart

TEST_CASE("ewma_chart: the limits are Roberts' exact ones") {
  const double lambda = 0.2, L = 3.0, sigma = 2.0;
  fp::ewma_chart d({.mean = 1.0, .sigma = sigma, .lambda = lambda, .L = L});
  // t = 1: L sigma sqrt(lambda / (2 - lambda) (1 - (1 - lambda)^2)) = L sigma lambda.
  CHECK_FALSE(d.update(1.0));
  CHECK(d.limit() == doctest::Approx(L * sigma * lambda).epsilon(1e-14));
  for (int t = 2; t <= 10; ++t) {
    d.update(1.0);
    const double exact = L * sigma * std::sqrt(lambda / (2 - lambda) * (1 - std::pow(1 - lambda, 2.0 * t)));
    CHECK(d.limit() == doctest::Approx(exact).epsilon(1e-13));
  }
  CHECK(d.average() == 1.0);
  // A jump: z = 0.2 x + 0.8 * 1 moves by 0.2 (x - 1); the asymptotic limit is
  // 3 * 2 * sqrt(0.2 / 1.8) = 2, so x - 1 > 10 signals (x = 11.5: 2.1 > 2.0 at t = 11).
  CHECK(d.update(11.5));
  CHECK(d.average() == 1.0);  // restarted
  CHECK(d.limit() == 0.0);
}

TEST_CASE("ewma_chart: lambda = 1 is a Shewhart chart with limits L sigma") {
  fp::ewma_chart d({.sigma = 1.0, .lambda = 1.0, .L = 3.0});
  CHECK_FALSE(d.update(2.9));
  CHECK(d.limit() == doctest::Approx(3.0));
  CHECK(d.update(-3.1));
  CHECK_FALSE(d.update(0.0));
}

TEST_CASE("ewma_chart: parameters out of range throw") {
  CHECK(message_of([] { fp::ewma_chart({.lambda = 0.0}); }) ==
        "footprint::ewma_chart: lambda must be in (0, 1] (got 0)");
  CHECK(message_of([] { fp::ewma_chart({.L = -1.0}); }) == "footprint::ewma_chart: L must be finite and > 0 (got -1)");
}

// ---- Bernoulli CUSUM

TEST_CASE("bernoulli_cusum: gamma and a hand-computed run") {
  fp::bernoulli_cusum d({.p0 = 0.1, .p1 = 0.2, .h = 2.0});
  const double gamma = std::log(0.9 / 0.8) / std::log(0.2 * 0.9 / (0.1 * 0.8));
  CHECK(d.gamma() == doctest::Approx(gamma).epsilon(1e-15));
  CHECK(gamma == doctest::Approx(0.145245).epsilon(1e-5));
  CHECK(d.gamma() > 0.1);
  CHECK(d.gamma() < 0.2);
  // Covers keep B at 0; misses add 1 - gamma each: 3 (1 - gamma) = 2.56 >= 2 at the third.
  CHECK_FALSE(d.update(0.0));
  CHECK(d.statistic() == 0.0);
  CHECK_FALSE(d.update(1.0));
  CHECK_FALSE(d.update(1.0));
  CHECK(d.statistic() == doctest::Approx(2.0 * (1.0 - gamma)));
  CHECK(d.update(1.0));
  CHECK(d.statistic() == 0.0);
  CHECK(d.last_detection() == 3);
}

TEST_CASE("bernoulli_cusum: parameters out of range throw") {
  CHECK(message_of([] { fp::bernoulli_cusum({.p0 = 0.25, .p1 = 0.125}); }) ==
        "footprint::bernoulli_cusum: p1 must be in (0.25, 1) (got 0.125)");
  CHECK(message_of([] { fp::bernoulli_cusum({.p0 = 0.0}); }) ==
        "footprint::bernoulli_cusum: p0 must be in (0, 1) (got 0)");
}

}  // namespace unity_detectors
