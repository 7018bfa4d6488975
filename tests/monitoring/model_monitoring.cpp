// Model monitoring: the distribution distances against scipy (the fixture written by
// make_distribution_distance_reference.py), closed forms, the feature drift monitor's rule,
// the residual and coverage charts on calibrated and broken forecasts, and the recalibration
// policy's table.
#include "footprint/detail/random.hpp"
#include "footprint/error.hpp"
#include "footprint/monitoring/distribution_distance.hpp"
#include "footprint/monitoring/feature_drift_monitor.hpp"
#include "footprint/monitoring/model_monitor.hpp"
#include "footprint/monitoring/recalibration_policy.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

// Each test file is its own namespace: the module's files compile as one unity translation unit.
namespace unity_model_monitoring {

namespace fp = footprint;

struct reference_pair {
  std::string x, y;
  double d, p_scipy, p_asymptotic, w1, psi;
};

struct reference_file {
  std::map<std::string, std::vector<double>> samples;
  std::vector<reference_pair> pairs;
  std::vector<std::pair<double, double>> kolmogorov;
};

reference_file load_reference() {
  const std::string path = std::string(FOOTPRINT_TEST_SOURCE_DIR) + "/tests/monitoring/data/distribution_distance.txt";
  std::ifstream in(path);
  REQUIRE_MESSAGE(in.good(), "cannot open ", path);
  reference_file r;
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream s(line);
    std::string kind;
    s >> kind;
    if (kind == "sample") {
      std::string name;
      s >> name;
      std::vector<double> v;
      for (double x = 0; s >> x;) v.push_back(x);
      r.samples[name] = v;
    } else if (kind == "pair") {
      reference_pair p;
      s >> p.x >> p.y >> p.d >> p.p_scipy >> p.p_asymptotic >> p.w1 >> p.psi;
      r.pairs.push_back(p);
    } else if (kind == "kolmogorov") {
      double x = 0, q = 0;
      s >> x >> q;
      r.kolmogorov.emplace_back(x, q);
    }
  }
  REQUIRE(r.pairs.size() == 3);
  REQUIRE(r.kolmogorov.size() == 10);
  return r;
}

std::string message_of(auto&& f) {
  try {
    f();
  } catch (const std::exception& e) {
    return e.what();
  }
  return "no exception";
}

// ---- distances against scipy

TEST_CASE("kolmogorov_sf equals scipy.special.kolmogorov on both sides of the series switch") {
  for (const auto& point : load_reference().kolmogorov) {
    const double x = point.first;  // (not a structured binding: clang 14 cannot capture one in CAPTURE's lambda)
    const double q = point.second;
    CAPTURE(x);
    CHECK(fp::kolmogorov_sf(x) == doctest::Approx(q).epsilon(1e-12));
    CHECK(std::abs(fp::kolmogorov_sf(x) - q) < 1e-14);
  }
  CHECK(fp::kolmogorov_sf(-1.0) == 1.0);
  CHECK(std::isnan(fp::kolmogorov_sf(fp::nan)));
}

TEST_CASE("ks_two_sample, wasserstein_distance and population_stability_index equal scipy and numpy") {
  const reference_file r = load_reference();
  for (const reference_pair& p : r.pairs) {
    CAPTURE(p.x);
    CAPTURE(p.y);
    const auto& a = r.samples.at(p.x);
    const auto& b = r.samples.at(p.y);
    const fp::ks_test ks = fp::ks_two_sample(a, b);
    CHECK(ks.statistic == doctest::Approx(p.d).epsilon(1e-15));
    CHECK(ks.p_value == doctest::Approx(p.p_asymptotic).epsilon(1e-10));
    CHECK(std::abs(ks.p_value - p.p_scipy) < 0.01);  // scipy's exact or kstwo p-value
    CHECK(fp::wasserstein_distance(a, b) == doctest::Approx(p.w1).epsilon(1e-12));
    CHECK(fp::population_stability_index(a, b) == doctest::Approx(p.psi).epsilon(1e-12));
    // The KS statistic and W1 are symmetric; the PSI is too, up to the bins (not checked).
    CHECK(fp::ks_two_sample(b, a).statistic == ks.statistic);
    CHECK(fp::wasserstein_distance(b, a) == doctest::Approx(p.w1).epsilon(1e-12));
  }
}

TEST_CASE("distances: closed forms for a sample against itself and its shift") {
  const reference_file r = load_reference();
  const auto& a = r.samples.at("a");
  std::vector<double> shifted = a;
  for (double& v : shifted) v += 0.75;
  CHECK(fp::wasserstein_distance(a, shifted) == doctest::Approx(0.75).epsilon(1e-12));  // W1(X, X + c) = |c|
  CHECK(fp::wasserstein_distance(a, a) == 0.0);
  CHECK(fp::ks_two_sample(a, a).statistic == 0.0);
  CHECK(fp::ks_two_sample(a, a).p_value == 1.0);
  CHECK(fp::population_stability_index(a, a) == 0.0);
  // Disjoint samples: D = 1.
  CHECK(fp::ks_two_sample(std::vector<double>{1, 2, 3}, std::vector<double>{4, 5}).statistic == 1.0);
}

TEST_CASE("distances: an empty sample, a NaN or an infinity, and bad bins are errors naming the element") {
  const std::vector<double> good{1, 2, 3};
  CHECK(message_of([&] { (void)fp::ks_two_sample(std::vector<double>{}, good); }) ==
        "footprint::ks_two_sample: a must not be empty");
  CHECK(message_of([&] {
          (void)fp::wasserstein_distance(good, std::vector<double>{1, fp::nan});
        }) == "footprint::wasserstein_distance: b must be finite; element 1 is nan");
  CHECK(message_of([&] { (void)fp::population_stability_index(good, good, 1); }) ==
        "footprint::population_stability_index: n_bins must be >= 2 (got 1)");
  CHECK_THROWS_AS((void)fp::population_stability_index(good, std::vector<double>{HUGE_VAL}), fp::invalid_argument);
}

// ---- feature drift monitor

fp::matrix normal_rows(fp::index rows, fp::index cols, std::uint64_t seed) {
  fp::detail::xoshiro256ss rng(seed);
  fp::matrix X(rows, cols);
  for (fp::index i = 0; i < rows; ++i)
    for (fp::index j = 0; j < cols; ++j) X(i, j) = rng.normal();
  return X;
}

TEST_CASE("feature_drift_monitor: a shifted feature and a feature going NaN drift, a widened one is out of range") {
  fp::feature_drift_monitor m;
  m.fit(normal_rows(5000, 4, 1), {"spread_bps", "volatility", "queue_imbalance", "depth"});
  fp::matrix X = normal_rows(2000, 4, 2);
  X.col(1).array() += 1.0;                                // one reference sd
  for (fp::index i = 0; i < 600; ++i) X(i, 2) = fp::nan;  // 30% NaN: a side of the book gone
  X.col(3) *= 3.0;                                        // three times as wide
  const fp::feature_drift_report r = m.compute(X);
  REQUIRE(r.features.size() == 4);
  CHECK(r.n_drifted == 3);
  CHECK_FALSE(r.features[0].is_drifted);
  CHECK(r.features[0].psi < 0.1);
  CHECK(r.features[1].is_drifted);
  CHECK(r.features[1].psi > 0.25);
  CHECK(r.features[1].wasserstein_std == doctest::Approx(1.0).epsilon(0.1));
  CHECK(r.features[2].is_drifted);
  CHECK(r.features[2].nan_fraction == doctest::Approx(0.3));
  CHECK(r.features[2].n_current == 1400);
  CHECK(r.features[1].name == "volatility");
  // Out of range: outside the reference's 0.5% and 99.5% quantiles (about +-2.576). In
  // control about 1%; shifted by one sd, P(Z > 1.576) = 5.7%; three times as wide,
  // P(|Z| > 0.859) = 39%.
  CHECK(r.features[0].out_of_range_fraction == doctest::Approx(0.01).epsilon(0.6));
  CHECK(r.features[1].out_of_range_fraction == doctest::Approx(0.057).epsilon(0.3));
  CHECK(r.features[3].out_of_range_fraction == doctest::Approx(0.39).epsilon(0.1));
  CHECK(r.n_out_of_range == 1);
  CHECK(r.features[3].is_out_of_range);
  CHECK(r.features[3].is_drifted);
}

TEST_CASE("feature_drift_monitor: fresh draws of the reference's distribution rarely drift") {
  // 40 windows of 1,000 rows x 5 features from the reference distribution: the Bonferroni KS
  // rule (alpha 0.01 family-wise) with the Wasserstein floor, and PSI > 0.25, should flag at
  // most one window (expected well under one).
  fp::feature_drift_monitor m;
  m.fit(normal_rows(5000, 5, 11));
  int windows_drifting = 0;
  for (std::uint64_t seed = 100; seed < 140; ++seed)
    windows_drifting += m.compute(normal_rows(1000, 5, seed)).is_drifting();
  CHECK(windows_drifting <= 1);
}

TEST_CASE("feature_drift_monitor: errors name the column, the row and the value") {
  fp::feature_drift_monitor m;
  CHECK_THROWS_AS((void)m.compute(normal_rows(10, 2, 1)), fp::not_fitted);
  fp::matrix X = normal_rows(100, 2, 1);
  X(7, 1) = HUGE_VAL;
  CHECK(message_of([&] { m.fit(X); }) ==
        "footprint::feature_drift_monitor::fit: X_reference must not hold an infinity; row 7, column 1 is inf");
  CHECK_THROWS_AS(m.fit(normal_rows(100, 2, 1), {"one"}), fp::dimension_mismatch);
  fp::matrix sparse = normal_rows(100, 1, 1);
  sparse.bottomRows(80).setConstant(fp::nan);
  CHECK(message_of([&] { m.fit(sparse, {"microprice"}); }) ==
        "footprint::feature_drift_monitor::fit: column 0 ('microprice') has 20 finite values; min_samples is 30");
  m.fit(normal_rows(100, 2, 1));
  CHECK_THROWS_AS((void)m.compute(normal_rows(10, 3, 1)), fp::dimension_mismatch);
  CHECK(message_of([] { fp::feature_drift_monitor bad({.psi_alarm = 0}); }) ==
        "footprint::feature_drift_monitor: psi_alarm must be finite and > 0 (got 0)");
}

// ---- model monitor

// Forecasts of a calibrated model: realized = expected + std * scale * (z + bias), with a
// central 90% interval (z quantile 1.6448536269514722).
std::vector<fp::forecast_outcome> outcomes(int n, std::uint64_t seed, double bias = 0.0, double scale = 1.0) {
  fp::detail::xoshiro256ss rng(seed);
  std::vector<fp::forecast_outcome> v;
  for (int i = 0; i < n; ++i) {
    const double expected = 5.0 + 3.0 * rng.uniform();
    const double sd = 2.0 + rng.uniform();
    const double q = 1.6448536269514722 * sd;
    v.push_back({.expected_bps = expected,
                 .std_bps = sd,
                 .lower_bps = expected - q,
                 .upper_bps = expected + q,
                 .realized_bps = expected + sd * (scale * rng.normal() + bias)});
  }
  return v;
}

TEST_CASE("model_monitor: calibrated forecasts raise few alarms, a bias of one sd is caught fast and signed") {
  // 100 runs of 1,000 calibrated outcomes after a reference of 2,000: each chart is tuned to
  // under 5% false alarms per 1,000 in-control values (measured: bias 4.1%, scale 2.9%,
  // coverage 2.9% over 1,000 runs); 8% allows for the draw.
  int bias = 0, scale = 0, coverage = 0;
  for (std::uint64_t seed = 1; seed <= 100; ++seed) {
    fp::model_monitor m;
    m.fit(outcomes(2000, 1000 + seed));
    bool b = false, s = false, c = false;
    for (const auto& o : outcomes(1000, seed)) {
      const fp::model_alarms a = m.update(o);
      b = b || a.bias;
      s = s || a.scale;
      c = c || a.coverage;
    }
    bias += b;
    scale += s;
    coverage += c;
  }
  CHECK(bias <= 8);
  CHECK(scale <= 8);
  CHECK(coverage <= 8);

  fp::model_monitor m;
  m.fit(outcomes(500, 7));
  int first = -1, sign = 0;
  const auto biased = outcomes(500, 8, 1.0);
  for (int t = 0; t < 500 && first < 0; ++t) {
    const fp::model_alarms a = m.update(biased[std::size_t(t)]);
    if (a.bias) {
      first = t;
      sign = a.bias_sign;
    }
  }
  // Siegmund's approximation of the CUSUM's run length for a one-sigma shift (k 0.5, h 9): 18.
  CHECK(first >= 5);
  CHECK(first <= 60);
  CHECK(sign == 1);  // realized above the forecast: costs under-forecast
}

TEST_CASE("model_monitor: a spread half what it should be sets off the scale and coverage charts") {
  fp::model_monitor m;
  m.fit(outcomes(500, 3));
  bool scale = false, coverage = false;
  for (const auto& o : outcomes(300, 4, 0.0, 2.0)) {
    const fp::model_alarms a = m.update(o);
    scale = scale || a.scale;
    coverage = coverage || a.coverage;
  }
  CHECK(scale);
  CHECK(coverage);
  CHECK(m.coverage() < 0.7);  // P(|N(0, 4)| <= 1.645) = 0.59
  CHECK(m.coverage() > 0.5);
}

TEST_CASE("model_monitor: outcomes without a realized cost or with a bad forecast are skipped and counted") {
  fp::model_monitor m;
  CHECK_FALSE(m.update(outcomes(1, 1)[0]).any());  // before fit: skipped
  CHECK(m.n_skipped() == 1);
  m.fit(outcomes(100, 1));
  CHECK(m.n_skipped() == 0);
  auto o = outcomes(3, 2);
  o[0].realized_bps = fp::nan;
  o[1].std_bps = 0.0;
  for (const auto& x : o) m.update(x);
  CHECK(m.n_skipped() == 2);
  CHECK(m.n_observed() == 1);
  auto bad = outcomes(100, 5);
  bad[40].std_bps = -1.0;
  CHECK(message_of([&] { m.fit(bad); }) ==
        "footprint::model_monitor::fit: reference outcome 40 needs finite fields, std_bps > 0 and lower_bps <= "
        "upper_bps");
  CHECK(message_of([&] { m.fit(outcomes(10, 5)); }) ==
        "footprint::model_monitor::fit: 10 reference outcomes with a realized cost; min_reference is 30");
  CHECK(message_of([] { fp::model_monitor bad_params({.miscoverage = 0.75}); }) ==
        "footprint::model_monitor: miscoverage must be in (0, 0.5] (got 0.75)");
}

// ---- recalibration policy

TEST_CASE("recalibration_policy: the table, first rule that applies, and refits that do not hold fall back") {
  using A = fp::recalibration_action;
  fp::recalibration_policy p;
  CHECK(p.decide({}) == A::none);
  CHECK(p.decide({.coverage = true}) == A::widen_intervals);
  CHECK(p.decide({.scale = true}) == A::widen_intervals);
  CHECK(p.decide({}, 3, 3, 12) == A::fall_back);  // a quarter of the features out of range
  CHECK(p.refits_in_a_row() == 0);
  CHECK(p.decide({}, 10, 0, 12) == A::refit);  // shifted but within range: refit
  CHECK(p.refits_in_a_row() == 1);
  p.reset();
  CHECK(p.decide({.bias = true}) == A::refit);
  CHECK(p.decide({}, 10, 2, 12) == A::refit);  // shifted, and two of twelve out of range: refit
  CHECK(p.refits_in_a_row() == 2);
  CHECK(p.decide({.bias = true}) == A::fall_back);  // a third refit in a row: the refits do not hold
  CHECK(p.decide({.coverage = true}) == A::widen_intervals);
  CHECK(p.refits_in_a_row() == 2);  // a coverage alarm is not quiet
  CHECK(p.decide({}) == A::none);
  CHECK(p.refits_in_a_row() == 0);
  CHECK(p.decide({.bias = true, .coverage = true}) == A::refit);
  CHECK(fp::action_name(A::widen_intervals) == "widen_intervals");
  CHECK(message_of([] { fp::recalibration_policy bad({.max_refits = 0}); }) ==
        "footprint::recalibration_policy: max_refits must be >= 1 (got 0)");
}

}  // namespace unity_model_monitoring
