// Conformal calibration: the calibration rank and quantile on hand-checked cases; split
// conformal coverage in [1 - alpha, 1 - alpha + 1/(n + 1)] over 10,000 exchangeable draws
// (Lei et al. 2018, Theorem 2.2); split conformal and adaptive conformal inference (Gibbs and
// Candes 2021) on simulated iid, AR(1), GARCH(1,1) and mean-break series; ACI's deterministic
// miss-rate bound on adversarial sequences; Mondrian per-category coverage; the conformal
// predictive system's calibrated probabilities; exact error messages. Conformalized quantile
// regression over footprint's tree models is in tests/models/conformal_cqr.cpp (compiled with
// the tree models' own tests).
#include "footprint/validation/adaptive_conformal.hpp"
#include "footprint/validation/conformal_calibrator.hpp"
#include "footprint/validation/conformal_predictive_system.hpp"
#include "footprint/validation/conformal_scores.hpp"
#include "footprint/validation/mondrian_conformal.hpp"
#include "footprint/validation/split_conformal.hpp"

#include "footprint/detail/random.hpp"
#include "footprint/distributions/empirical_distribution.hpp"
#include "footprint/distributions/location_scale_t.hpp"
#include "footprint/models/linear/bayesian_linear.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

// Each test file is its own namespace: the module's files compile as one unity translation unit.
namespace unity_conformal {

namespace fp = footprint;
constexpr double inf = std::numeric_limits<double>::infinity();

// A fixed linear model with a Gaussian predictive distribution N(b + X w, (sd0 + sd1 |x_0|)^2):
// a ProbabilisticRegressor whose fit leaves it as it is (the tests' closed-form predictor).
struct fixed_linear {
  using distribution_type = fp::location_scale_t;
  fp::vector w;
  double b = 0.0;
  double sd0 = 1.0;
  double sd1 = 0.0;
  bool fitted = true;

  fp::fit_report fit(fp::matrix_cref, fp::vector_cref) {
    fitted = true;
    return {};
  }
  [[nodiscard]] fp::vector predict(fp::matrix_cref X) const { return (X * w).array() + b; }
  [[nodiscard]] std::vector<fp::location_scale_t> predict_distribution(fp::matrix_cref X) const {
    const fp::vector mu = predict(X);
    std::vector<fp::location_scale_t> out;
    out.reserve(static_cast<std::size_t>(X.rows()));
    for (fp::index i = 0; i < X.rows(); ++i) out.emplace_back(inf, mu[i], sd0 + sd1 * std::abs(X(i, 0)));
    return out;
  }
  [[nodiscard]] bool is_fitted() const noexcept { return fitted; }
  [[nodiscard]] fp::index n_features() const noexcept { return w.size(); }
};

// A model whose predictive distributions are point masses at 0 (standard deviation 0), as a
// quantile-forest leaf with one training target.
struct point_mass {
  using distribution_type = fp::empirical_distribution;
  fp::fit_report fit(fp::matrix_cref, fp::vector_cref) { return {}; }
  [[nodiscard]] fp::vector predict(fp::matrix_cref X) const { return fp::vector::Zero(X.rows()); }
  [[nodiscard]] std::vector<fp::empirical_distribution> predict_distribution(fp::matrix_cref X) const {
    return std::vector<fp::empirical_distribution>(static_cast<std::size_t>(X.rows()));
  }
  [[nodiscard]] bool is_fitted() const noexcept { return true; }
  [[nodiscard]] fp::index n_features() const noexcept { return 1; }
};

static_assert(fp::ProbabilisticRegressor<fixed_linear>);
static_assert(fp::ProbabilisticRegressor<point_mass>);
static_assert(fp::Regressor<fp::split_conformal<fixed_linear>>);
static_assert(fp::Regressor<fp::split_conformal<fp::bayesian_linear>>);
static_assert(fp::Regressor<fp::conformal_predictive_system<fp::bayesian_linear>>);
static_assert(std::is_aggregate_v<fp::conformal_calibrator_params>);
static_assert(std::is_aggregate_v<fp::mondrian_conformal_params>);
static_assert(std::is_aggregate_v<fp::adaptive_conformal_params>);

namespace {

// The exchangeable test problem: y = 1 + 2 x0 - x1 + (0.5 + |x0|) z, x ~ N(0, 1)^2, z ~ N(0, 1).
const fixed_linear truth{fp::vector{{2.0, -1.0}}, 1.0, 0.5, 1.0};

void draw(fp::detail::xoshiro256ss& rng, fp::index n, fp::matrix& X, fp::vector& y) {
  X.resize(n, 2);
  y.resize(n);
  for (fp::index i = 0; i < n; ++i) {
    X(i, 0) = rng.normal();
    X(i, 1) = rng.normal();
    y[i] = 1.0 + 2.0 * X(i, 0) - X(i, 1) + (0.5 + std::abs(X(i, 0))) * rng.normal();
  }
}

// Share of y inside the rows of an (n, 2) interval matrix.
double coverage(const fp::matrix& iv, const fp::vector& y) {
  fp::index in = 0;
  for (fp::index i = 0; i < y.size(); ++i) in += (iv(i, 0) <= y[i] && y[i] <= iv(i, 1)) ? 1 : 0;
  return static_cast<double>(in) / static_cast<double>(y.size());
}

// Mean and standard error of repeated measurements.
struct mean_se {
  double sum = 0.0;
  double sum2 = 0.0;
  int n = 0;
  void add(double v) {
    sum += v;
    sum2 += v * v;
    ++n;
  }
  [[nodiscard]] double mean() const { return sum / n; }
  [[nodiscard]] double se() const { return std::sqrt(std::max(0.0, sum2 / n - mean() * mean()) / (n - 1)); }
};

// ---------------------------------------------------------------------------------------
// Simulated series: outcomes y_t with one-step forecasts mu_t and sigma_t made from the past.
// ---------------------------------------------------------------------------------------

constexpr fp::index n_train = 2000;  // the AR(1) coefficient is estimated here
constexpr fp::index n_cal = 20000;   // split conformal calibrates here
constexpr fp::index n_test = 50000;  // coverage is measured here
constexpr fp::index n_total = n_train + n_cal + n_test;
constexpr int n_series = 8;  // independent series per process for split conformal's coverage

struct series {
  fp::vector y;      // outcomes
  fp::vector mu;     // forecast of y_t from y_0 .. y_{t-1}
  fp::vector sigma;  // forecast of y_t's conditional sd from y_0 .. y_{t-1}
  fp::vector vol;    // the true conditional sd of y_t
};

series blank() {
  return {fp::vector::Zero(n_total), fp::vector::Zero(n_total), fp::vector::Ones(n_total), fp::vector::Ones(n_total)};
}

// iid N(0, 1); forecast 0 and 1.
series iid_series(std::uint64_t seed) {
  fp::detail::xoshiro256ss rng(seed);
  series s = blank();
  for (fp::index t = 0; t < n_total; ++t) s.y[t] = rng.normal();
  return s;
}

// y_t = 0.7 y_{t-1} + N(0, 1); forecast phi_hat y_{t-1}, phi_hat by least squares on the training rows.
series ar1_series(std::uint64_t seed) {
  fp::detail::xoshiro256ss rng(seed);
  series s = blank();
  for (fp::index t = 1; t < n_total; ++t) s.y[t] = 0.7 * s.y[t - 1] + rng.normal();
  double num = 0.0;
  double den = 0.0;
  for (fp::index t = 1; t < n_train; ++t) {
    num += s.y[t] * s.y[t - 1];
    den += s.y[t - 1] * s.y[t - 1];
  }
  for (fp::index t = 1; t < n_total; ++t) s.mu[t] = num / den * s.y[t - 1];
  return s;
}

// GARCH(1,1): y_t = v_t z_t, v_t^2 = 0.05 + 0.1 y_{t-1}^2 + 0.85 v_{t-1}^2 (unconditional
// variance 1); forecast 0 and the RiskMetrics EWMA sigma_t^2 = 0.94 sigma_{t-1}^2 + 0.06 y_{t-1}^2.
series garch_series(std::uint64_t seed) {
  fp::detail::xoshiro256ss rng(seed);
  series s = blank();
  double v2 = 1.0;
  double ewma = 1.0;
  for (fp::index t = 0; t < n_total; ++t) {
    if (t > 0) {
      v2 = 0.05 + 0.1 * s.y[t - 1] * s.y[t - 1] + 0.85 * v2;
      ewma = 0.94 * ewma + 0.06 * s.y[t - 1] * s.y[t - 1];
    }
    s.vol[t] = std::sqrt(v2);
    s.sigma[t] = std::sqrt(ewma);
    s.y[t] = s.vol[t] * rng.normal();
  }
  return s;
}

// N(0, 1), shifted by +2 from the middle of the test period on; forecast 0 and 1 throughout.
constexpr fp::index break_at = n_train + n_cal + n_test / 2;
series break_series(std::uint64_t seed) {
  fp::detail::xoshiro256ss rng(seed);
  series s = blank();
  for (fp::index t = 0; t < n_total; ++t) s.y[t] = rng.normal() + (t >= break_at ? 2.0 : 0.0);
  return s;
}

// Split conformal through the calibrator on precomputed forecasts (a backtest's view): the
// coverage indicator of every test row at alpha = 0.1.
std::vector<bool> split_covered(const series& s, fp::conformal_score score) {
  fp::conformal_calibrator cal({.score = score});
  cal.fit(s.y.segment(n_train, n_cal), s.mu.segment(n_train, n_cal), s.sigma.segment(n_train, n_cal));
  const fp::matrix iv = cal.predict_interval(s.mu.tail(n_test), s.sigma.tail(n_test), 0.1);
  std::vector<bool> covered(static_cast<std::size_t>(n_test));
  for (fp::index i = 0; i < n_test; ++i) {
    const double y = s.y[n_train + n_cal + i];
    covered[static_cast<std::size_t>(i)] = iv(i, 0) <= y && y <= iv(i, 1);
  }
  return covered;
}

double share(const std::vector<bool>& v, std::size_t begin = 0, std::size_t end = 0) {
  if (end == 0) end = v.size();
  return static_cast<double>(std::count(v.begin() + static_cast<std::ptrdiff_t>(begin),
                                        v.begin() + static_cast<std::ptrdiff_t>(end), true)) /
         static_cast<double>(end - begin);
}

// ACI on the absolute scores |y - mu| of the test rows, alpha 0.1, gamma 0.005, the last 2,000
// scores kept, warm-started with the last 2,000 calibration scores: each row's coverage.
std::vector<bool> aci_covered(const series& s) {
  fp::adaptive_conformal aci({.alpha = 0.1, .gamma = 0.005, .window = 2000});
  std::vector<double> warm;
  for (fp::index t = n_train + n_cal - 2000; t < n_train + n_cal; ++t) warm.push_back(std::abs(s.y[t] - s.mu[t]));
  aci.add_scores(warm);
  std::vector<bool> covered;
  int disagreements = 0;
  for (fp::index t = n_train + n_cal; t < n_total; ++t) {
    const auto [lo, hi] = aci.score_interval(s.mu[t]);  // built before y_t is seen
    const bool in = lo <= s.y[t] && s.y[t] <= hi;
    const bool miss = aci.update_score(std::abs(s.y[t] - s.mu[t]));
    disagreements += in == miss ? 1 : 0;
    covered.push_back(in);
  }
  CHECK(disagreements == 0);
  CHECK(aci.steps() == n_test);
  CHECK(std::abs(aci.miss_rate() - (1.0 - share(covered))) < 1e-12);
  return covered;
}

}  // namespace

// ---------------------------------------------------------------------------------------
// The calibration rank and quantile
// ---------------------------------------------------------------------------------------

TEST_CASE("conformal_rank is ceil((n + 1)(1 - alpha)), exact on decimal products") {
  CHECK(fp::conformal_rank(99, 0.1) == 90);   // 100 x 0.9 = 90 exactly, not 91
  CHECK(fp::conformal_rank(100, 0.1) == 91);  // 90.9
  CHECK(fp::conformal_rank(999, 0.1) == 900);
  CHECK(fp::conformal_rank(19, 0.05) == 19);
  CHECK(fp::conformal_rank(8, 0.1) == 9);  // > n: too few scores for 90%
  CHECK(fp::conformal_rank(0, 0.5) == 1);
}

TEST_CASE("conformal_quantile is the ceil((n + 1)(1 - alpha))-th smallest score, +inf past n") {
  std::vector<double> s;
  for (int i = 19; i >= 1; --i) s.push_back(i);    // 19 scores, any order
  CHECK(fp::conformal_quantile(s, 0.1) == 18.0);   // k = ceil(18) = 18
  CHECK(fp::conformal_quantile(s, 0.05) == 19.0);  // k = 19
  CHECK(fp::conformal_quantile(s, 0.04) == inf);   // k = ceil(19.2) = 20 > 19
  CHECK(fp::conformal_quantile(s, 0.5) == 10.0);   // k = 10
  CHECK(fp::conformal_quantile(std::vector<double>{}, 0.5) == inf);
  // an Eigen vector of quantile-regression scores (negative inside the band)
  const fp::vector y{{0.0, 1.0, 5.0, -3.0}};
  const fp::vector lo = fp::vector::Constant(4, -1.0);
  const fp::vector hi = fp::vector::Constant(4, 2.0);
  const fp::vector e = fp::quantile_regression_scores(y, lo, hi);
  CHECK(e == fp::vector{{-1.0, -1.0, 3.0, 2.0}});
  CHECK(fp::conformal_quantile(e, 0.4) == 2.0);  // k = ceil(3) = 3
  CHECK(fp::absolute_residual_scores(y, lo) == fp::vector{{1.0, 2.0, 6.0, 2.0}});
  CHECK(fp::normalized_residual_scores(y, lo, hi) == fp::vector{{0.5, 1.0, 3.0, 1.0}});
}

TEST_CASE("conformal_calibrator: intervals and the predictive distribution on hand-checked residuals") {
  // residuals y - mu = 1, 2, 3, 4
  const fp::vector y{{1.0, 2.0, 3.0, 4.0}};
  const fp::vector mu = fp::vector::Zero(4);
  const fp::vector sigma = fp::vector::Constant(4, 2.0);
  fp::conformal_calibrator abs_cal;
  const fp::fit_report r = abs_cal.fit(y, mu, sigma);  // sigma unused by the absolute score
  CHECK(r.final_loss == 2.5);
  CHECK(abs_cal.n_calibration() == 4);
  CHECK(abs_cal.score_quantile(0.2) == 4.0);  // k = ceil(5 x 0.8) = 4
  CHECK(abs_cal.score_quantile(0.1) == inf);  // k = 5 > 4
  const auto [lo, hi] = abs_cal.predict_interval_row(10.0, 123.0, 0.2);
  CHECK(lo == 6.0);
  CHECK(hi == 14.0);
  const fp::matrix iv = abs_cal.predict_interval(fp::vector{{0.0, 1.0}}, fp::vector{{1.0, 1.0}}, 0.1);
  CHECK(iv(1, 0) == -inf);
  CHECK(iv(1, 1) == inf);
  // Q(t) = (#{r < t - mu} + tau (#{r = t - mu} + 1)) / 5
  CHECK(abs_cal.cdf_row(0.0, 1.0, 2.5) == doctest::Approx(2.5 / 5));
  CHECK(abs_cal.cdf_row(0.0, 1.0, 2.0) == doctest::Approx(2.0 / 5));  // a tie: (1 + 0.5 x 2) / 5
  CHECK(abs_cal.cdf_row(0.0, 1.0, 2.0, 0.0) == doctest::Approx(1.0 / 5));
  CHECK(abs_cal.cdf_row(0.0, 1.0, 2.0, 1.0) == doctest::Approx(3.0 / 5));
  CHECK(abs_cal.cdf_row(0.0, 1.0, -100.0) == doctest::Approx(0.5 / 5));
  CHECK(abs_cal.cdf_row(0.0, 1.0, 100.0) == doctest::Approx(4.5 / 5));
  CHECK(abs_cal.exceedance_probability_row(1.0, 1.0, 3.5) == doctest::Approx(1.0 - 2.5 / 5));
  const fp::vector p = abs_cal.exceedance_probability(fp::vector{{0.0, 1.0}}, fp::vector::Ones(2), 3.5);
  CHECK(p[0] == doctest::Approx(1.0 - 3.5 / 5));
  CHECK(p[1] == doctest::Approx(1.0 - 2.5 / 5));
  // normalized: residuals (y - mu) / 2 = 0.5, 1, 1.5, 2
  fp::conformal_calibrator norm_cal({.score = fp::conformal_score::normalized});
  norm_cal.fit(y, mu, sigma);
  CHECK(norm_cal.score_quantile(0.2) == 2.0);
  const auto [nlo, nhi] = norm_cal.predict_interval_row(10.0, 3.0, 0.2);
  CHECK(nlo == 4.0);  // 10 - 2 x 3
  CHECK(nhi == 16.0);
  CHECK(norm_cal.cdf_row(0.0, 4.0, 5.0) == doctest::Approx(2.5 / 5));  // (5 - 0) / 4 = 1.25
  // the floor raises small sigmas
  fp::conformal_calibrator floored({.score = fp::conformal_score::normalized, .sigma_floor = 4.0});
  floored.fit(y, mu, fp::vector::Zero(4));  // residuals / 4
  CHECK(floored.score_quantile(0.2) == 1.0);
}

// ---------------------------------------------------------------------------------------
// Split conformal on exchangeable data
// ---------------------------------------------------------------------------------------

TEST_CASE("split_conformal: coverage lies in [1 - alpha, 1 - alpha + 1/(n + 1)] over 10,000 draws") {
  // n = 24 calibration rows, alpha = 0.1: k = ceil(22.5) = 23, and with continuous scores the
  // coverage is exactly k / (n + 1) = 0.92, inside the band [0.9, 0.94].
  for (const fp::conformal_score score : {fp::conformal_score::absolute, fp::conformal_score::normalized}) {
    CAPTURE(fp::to_string(score));
    fp::split_conformal<fixed_linear> sc(truth, {.score = score});
    fp::detail::xoshiro256ss rng(score == fp::conformal_score::absolute ? 11 : 12);
    fp::matrix Xc, Xt;
    fp::vector yc, yt;
    mean_se cov;
    for (int rep = 0; rep < 10000; ++rep) {
      draw(rng, 24, Xc, yc);
      draw(rng, 20, Xt, yt);
      sc.fit(Xc, yc);
      cov.add(coverage(sc.predict_interval(Xt, 0.1), yt));
    }
    CAPTURE(cov.mean());
    CAPTURE(cov.se());
    CHECK(cov.se() < 0.001);  // sharp enough to tell k = 23 (0.92) from k = 22 (0.88) or 24 (0.96)
    CHECK(std::abs(cov.mean() - 23.0 / 25.0) < 4.0 * cov.se());
    CHECK(cov.mean() >= 0.9 - 4.0 * cov.se());
    CHECK(cov.mean() <= 0.9 + 1.0 / 25.0 + 4.0 * cov.se());
  }
}

TEST_CASE("split_conformal over a fitted bayesian_linear: coverage 91/101 over 10,000 draws") {
  fp::detail::xoshiro256ss rng(21);
  fp::matrix X, Xc, Xt;
  fp::vector y, yc, yt;
  draw(rng, 50, X, y);
  fp::bayesian_linear model;
  model.fit(X, y);
  fp::split_conformal<fp::bayesian_linear> sc(std::move(model), {.score = fp::conformal_score::normalized});
  mean_se cov;
  for (int rep = 0; rep < 10000; ++rep) {
    draw(rng, 100, Xc, yc);  // k = ceil(101 x 0.9) = 91: coverage 91/101 = 0.90099
    draw(rng, 10, Xt, yt);
    sc.fit(Xc, yc);
    cov.add(coverage(sc.predict_interval(Xt, 0.1), yt));
  }
  CAPTURE(cov.mean());
  CHECK(std::abs(cov.mean() - 91.0 / 101.0) < 4.0 * cov.se());
  CHECK(cov.mean() >= 0.9 - 4.0 * cov.se());
  CHECK(cov.mean() <= 0.9 + 1.0 / 101.0 + 4.0 * cov.se());
  // the model's own 90% interval (Gaussian, homoscedastic) is not the conformal one
  CHECK(sc.score_quantile(0.1) > 0.0);
}

// ---------------------------------------------------------------------------------------
// Time series: split conformal and adaptive conformal inference
// ---------------------------------------------------------------------------------------

TEST_CASE("split conformal covers 90% within 0.01 on iid, AR(1) and GARCH(1,1) series") {
  // Coverage pooled over 8 independent series of each process (50,000 test rows each): the
  // calibration quantile of one dependent GARCH series alone moves coverage by about 0.006 (rms).
  using make_fn = series (*)(std::uint64_t);
  const std::array<std::pair<const char*, make_fn>, 3> cases{{
      {"iid", iid_series},
      {"AR(1)", ar1_series},
      {"GARCH(1,1)", garch_series},
  }};
  std::uint64_t seed = 100;
  for (const auto& [name, make] : cases) {
    const std::string_view label = name;  // a plain variable: clang 14 cannot capture a structured binding
    CAPTURE(label);
    double abs_cov = 0.0;
    double norm_cov = 0.0;
    for (int r = 0; r < n_series; ++r) {
      const series s = make(seed++);
      abs_cov += share(split_covered(s, fp::conformal_score::absolute)) / n_series;
      norm_cov += share(split_covered(s, fp::conformal_score::normalized)) / n_series;
    }
    CAPTURE(abs_cov);
    CAPTURE(norm_cov);
    CHECK(std::abs(abs_cov - 0.9) <= 0.01);
    CHECK(std::abs(norm_cov - 0.9) <= 0.01);
  }
}

TEST_CASE("GARCH(1,1): absolute scores under-cover the high-volatility tercile, normalized ones narrow the gap") {
  // terciles of the true conditional sd over the test rows of each series, pooled over 8 series
  std::array<double, 3> in_abs{};
  std::array<double, 3> in_norm{};
  std::array<double, 3> rows{};
  for (int r = 0; r < n_series; ++r) {
    const series s = garch_series(200 + static_cast<std::uint64_t>(r));
    std::vector<double> vols(s.vol.data() + n_train + n_cal, s.vol.data() + n_total);
    std::vector<double> sorted = vols;
    std::sort(sorted.begin(), sorted.end());
    const double cut1 = sorted[sorted.size() / 3];
    const double cut2 = sorted[2 * sorted.size() / 3];
    const std::vector<bool> a = split_covered(s, fp::conformal_score::absolute);
    const std::vector<bool> z = split_covered(s, fp::conformal_score::normalized);
    for (std::size_t i = 0; i < vols.size(); ++i) {
      const std::size_t k = vols[i] < cut1 ? 0 : (vols[i] < cut2 ? 1 : 2);
      in_abs[k] += a[i] ? 1.0 : 0.0;
      in_norm[k] += z[i] ? 1.0 : 0.0;
      rows[k] += 1.0;
    }
  }
  std::array<double, 3> a{};
  std::array<double, 3> z{};
  for (std::size_t k = 0; k < 3; ++k) {
    a[k] = in_abs[k] / rows[k];
    z[k] = in_norm[k] / rows[k];
  }
  CAPTURE(a[0]);
  CAPTURE(a[1]);
  CAPTURE(a[2]);
  CAPTURE(z[0]);
  CAPTURE(z[1]);
  CAPTURE(z[2]);
  CHECK(a[2] < 0.85);  // the high-volatility tercile: one width for every row is too narrow there
  CHECK(a[0] > 0.93);  // and too wide in the calm tercile
  const double gap_abs = *std::max_element(a.begin(), a.end()) - *std::min_element(a.begin(), a.end());
  const double gap_norm = *std::max_element(z.begin(), z.end()) - *std::min_element(z.begin(), z.end());
  CAPTURE(gap_abs);
  CAPTURE(gap_norm);
  CHECK(gap_norm < 0.5 * gap_abs);
  CHECK(z[2] > a[2] + 0.05);
}

// T = 50,000 test steps: Gibbs and Candes's bound is 0.905 / (0.005 x 50,000) = 0.0036 on any sequence.
TEST_CASE("adaptive conformal inference covers 90% within 0.01 on iid, AR(1), GARCH(1,1) and a mean break") {
  const std::array<std::pair<const char*, series>, 4> cases{{
      {"iid", iid_series(31)},
      {"AR(1)", ar1_series(32)},
      {"GARCH(1,1)", garch_series(33)},
      {"mean break", break_series(34)},
  }};
  for (const auto& [name, s] : cases) {
    const std::string_view label = name;  // a plain variable: clang 14 cannot capture a structured binding
    CAPTURE(label);
    const double cov = share(aci_covered(s));
    CAPTURE(cov);
    CHECK(std::abs(cov - 0.9) <= 0.01);
  }
  // After the break split conformal, calibrated before it, fails; ACI recovers.
  const series s = break_series(34);
  const std::vector<bool> split = split_covered(s, fp::conformal_score::absolute);
  const std::vector<bool> aci = aci_covered(s);
  const auto after = static_cast<std::size_t>(break_at - n_train - n_cal);
  CAPTURE(share(split));
  CAPTURE(share(split, after));
  CAPTURE(share(aci, after));
  CHECK(std::abs(share(split, 0, after) - 0.9) <= 0.01);  // fine before the break
  CHECK(share(split, after) < 0.5);                       // about P(|z + 2| <= 1.645) = 0.36 after it
  CHECK(std::abs(share(aci, after) - 0.9) <= 0.01);
}

TEST_CASE("adaptive conformal inference: the miss rate is within Gibbs and Candes's bound on adversarial sequences") {
  // alpha = alpha_1 = 0.1, gamma = 0.005, T = 10,000: (0.9 + 0.005) / (0.005 x 10,000) = 0.905 / 50 = 0.0181
  constexpr double alpha = 0.1;
  constexpr double gamma = 0.005;
  constexpr int T = 10000;
  const double bound = (std::max(alpha, 1.0 - alpha) + gamma) / (gamma * T);
  CHECK(bound == doctest::Approx(0.0181).epsilon(1e-12));

  // An interval source for the online form: a calibrator's interval at level alpha_t.
  fp::conformal_calibrator cal;
  cal.fit(fp::vector::LinSpaced(99, -3.0, 3.0), fp::vector::Zero(99), fp::vector::Ones(99));
  const auto source = [&](double a) { return cal.predict_interval_row(0.0, 1.0, a); };

  // Each adversary takes the object and plays one step.
  using step_fn = void (*)(fp::adaptive_conformal&, int, const decltype(source)&);
  const std::array<std::pair<const char*, step_fn>, 6> adversaries{{
      {"every score a new maximum",
       [](fp::adaptive_conformal& a, int t, const decltype(source)&) { (void)a.update_score(1.0 + t); }},
      {"zeros and new maxima alternating",
       [](fp::adaptive_conformal& a, int t, const decltype(source)&) {
         (void)a.update_score(t % 2 == 0 ? 0.0 : 1e6 + t);
       }},
      {"bursts of 250 new maxima every 1,000 steps",
       [](fp::adaptive_conformal& a, int t, const decltype(source)&) {
         (void)a.update_score(t % 1000 < 250 ? 1e6 + t : 0.0);
       }},
      {"infinite scores", [](fp::adaptive_conformal& a, int, const decltype(source)&) { (void)a.update_score(inf); }},
      {"outcome outside every bounded interval",
       [](fp::adaptive_conformal& a, int, const decltype(source)& src) {
         const auto [lo, hi] = a.interval(src);
         const double y = std::isinf(hi) ? 0.0 : hi + 1.0;
         a.update(!(lo <= y && y <= hi));
       }},
      {"outcome inside every non-empty interval",
       [](fp::adaptive_conformal& a, int, const decltype(source)& src) {
         const auto [lo, hi] = a.interval(src);
         const double y = 0.0;
         a.update(!(lo <= y && y <= hi));
       }},
  }};
  for (const auto& [name, step] : adversaries) {
    const std::string_view label = name;  // a plain variable: clang 14 cannot capture a structured binding
    CAPTURE(label);
    fp::adaptive_conformal aci({.alpha = alpha, .gamma = gamma});
    double lo_alpha = aci.alpha_t();
    double hi_alpha = aci.alpha_t();
    for (int t = 0; t < T; ++t) {
      step(aci, t, source);
      lo_alpha = std::min(lo_alpha, aci.alpha_t());
      hi_alpha = std::max(hi_alpha, aci.alpha_t());
    }
    CAPTURE(aci.miss_rate());
    CHECK(aci.steps() == T);
    CHECK(aci.miss_rate_bound() == doctest::Approx(bound).epsilon(1e-12));
    CHECK(std::abs(aci.miss_rate() - alpha) <= bound);
    // the identity behind the bound: mean(err) - alpha = (alpha_1 - alpha_{T+1}) / (gamma T)
    CHECK(aci.miss_rate() - alpha == doctest::Approx((alpha - aci.alpha_t()) / (gamma * T)).epsilon(1e-9));
    // Gibbs and Candes's Lemma 4.1: alpha_t stays in [-gamma, 1 + gamma]
    CHECK(lo_alpha >= -gamma - 1e-12);
    CHECK(hi_alpha <= 1.0 + gamma + 1e-12);
    if (label == "outcome inside every non-empty interval") {
      // alpha_t climbs to 1 before the first miss: the bound is nearly attained
      CHECK(hi_alpha >= 1.0);
      CHECK(std::abs(aci.miss_rate() - alpha) > 0.017);
    }
  }
}

TEST_CASE("adaptive_conformal: the threshold is the (1 - alpha_t) empirical quantile of the kept scores") {
  fp::adaptive_conformal aci({.alpha = 0.2, .gamma = 0.05, .window = 5});
  CHECK(aci.score_threshold() == inf);  // no score yet
  const auto [lo0, hi0] = aci.score_interval(1.0);
  CHECK(lo0 == -inf);
  CHECK(hi0 == inf);
  const std::vector<double> warm{5.0, 1.0, 4.0, 2.0, 3.0, 10.0};  // 5 leaves: the window keeps the last 5
  aci.add_scores(warm);
  CHECK(aci.n_scores() == 5);
  CHECK(aci.steps() == 0);
  CHECK(aci.score_threshold() == 4.0);  // ceil(5 x 0.8) = 4th smallest of {1, 2, 3, 4, 10}
  const auto [lo, hi] = aci.score_interval(1.0, 0.5);
  CHECK(lo == -1.0);
  CHECK(hi == 3.0);
  CHECK(aci.update_score(4.5));  // a miss: alpha_t = 0.2 + 0.05 (0.2 - 1) = 0.16; 1 leaves
  CHECK(aci.alpha_t() == doctest::Approx(0.16));
  CHECK(aci.score_threshold() == 10.0);  // ceil(5 x 0.84) = 5th of {2, 3, 4, 4.5, 10}
  CHECK_FALSE(aci.update_score(10.0));   // a cover (equal to the threshold)
  CHECK(aci.alpha_t() == doctest::Approx(0.17));
  CHECK(aci.misses() == 1);
  CHECK(aci.miss_rate() == 0.5);
  aci.reset();
  CHECK(aci.alpha_t() == 0.2);
  CHECK(aci.n_scores() == 0);
  CHECK(std::isnan(aci.miss_rate()));
  // alpha_t >= 1: the empty interval, which every outcome misses
  fp::adaptive_conformal up({.alpha = 0.5, .gamma = 1.0});
  up.update(false);  // 0.5 + 0.5 = 1
  CHECK(up.score_threshold() == -inf);
  const auto [elo, ehi] = up.score_interval(0.0);
  CHECK(elo == inf);
  CHECK(ehi == -inf);
  CHECK(up.update_score(0.0));
}

// ---------------------------------------------------------------------------------------
// Mondrian conformal
// ---------------------------------------------------------------------------------------

TEST_CASE("mondrian_conformal: every category covers >= 1 - alpha where pooled calibration under-covers one") {
  // category 1 (20% of rows, e.g. one side) has three times the noise of category 0
  const fixed_linear model{fp::vector{{1.0}}, 0.0, 1.0, 0.0};
  fp::mondrian_conformal<fixed_linear> mc(model);
  fp::split_conformal<fixed_linear> pooled(model);
  fp::detail::xoshiro256ss rng(41);
  const auto sample = [&](fp::index n, fp::matrix& X, fp::vector& y, std::vector<int>& c) {
    X.resize(n, 1);
    y.resize(n);
    c.resize(static_cast<std::size_t>(n));
    for (fp::index i = 0; i < n; ++i) {
      c[static_cast<std::size_t>(i)] = rng.uniform() < 0.2 ? 1 : 0;
      X(i, 0) = rng.normal();
      y[i] = X(i, 0) + (c[static_cast<std::size_t>(i)] == 1 ? 3.0 : 1.0) * rng.normal();
    }
  };
  std::array<mean_se, 2> cov_mondrian;
  std::array<mean_se, 2> cov_pooled;
  fp::matrix Xc, Xt;
  fp::vector yc, yt;
  std::vector<int> cc, ct;
  for (int rep = 0; rep < 2000; ++rep) {
    sample(200, Xc, yc, cc);
    sample(100, Xt, yt, ct);
    mc.fit(Xc, yc, cc);
    pooled.fit(Xc, yc);
    const fp::matrix a = mc.predict_interval(Xt, ct, 0.1);
    const fp::matrix b = pooled.predict_interval(Xt, 0.1);
    for (int k = 0; k < 2; ++k) {
      double in_a = 0.0;
      double in_b = 0.0;
      double n = 0.0;
      for (fp::index i = 0; i < Xt.rows(); ++i) {
        if (ct[static_cast<std::size_t>(i)] != k) continue;
        in_a += (a(i, 0) <= yt[i] && yt[i] <= a(i, 1)) ? 1.0 : 0.0;
        in_b += (b(i, 0) <= yt[i] && yt[i] <= b(i, 1)) ? 1.0 : 0.0;
        n += 1.0;
      }
      if (n == 0.0) continue;
      cov_mondrian[static_cast<std::size_t>(k)].add(in_a / n);
      cov_pooled[static_cast<std::size_t>(k)].add(in_b / n);
    }
  }
  for (std::size_t k = 0; k < 2; ++k) {
    CAPTURE(k);
    CAPTURE(cov_mondrian[k].mean());
    CAPTURE(cov_pooled[k].mean());
    CHECK(cov_mondrian[k].mean() >= 0.9 - 3.0 * cov_mondrian[k].se());
    CHECK(cov_mondrian[k].mean() <= 0.93);
  }
  CHECK(cov_pooled[1].mean() < 0.7);   // about P(|z| <= 2.38 / 3) = 0.57
  CHECK(cov_pooled[0].mean() > 0.95);  // about 0.98
}

TEST_CASE("mondrian_conformal: a category with too few rows gets (-inf, +inf) or the pooled quantile") {
  const fixed_linear model{fp::vector{{0.0}}, 0.0, 1.0, 0.0};
  // category 7: scores 1..20; category -1: scores 100..104 (5 rows, fewer than 9)
  fp::matrix X = fp::matrix::Zero(25, 1);
  fp::vector y(25);
  std::vector<int> c(25);
  for (int i = 0; i < 20; ++i) {
    y[i] = i + 1.0;
    c[static_cast<std::size_t>(i)] = 7;
  }
  for (int i = 20; i < 25; ++i) {
    y[i] = 80.0 + i;
    c[static_cast<std::size_t>(i)] = -1;
  }
  fp::mondrian_conformal<fixed_linear> inf_fb(model);
  inf_fb.fit(X, y, c);
  CHECK(inf_fb.categories() == std::vector<int>{-1, 7});
  CHECK(inf_fb.n_calibration(7) == 20);
  CHECK(inf_fb.n_calibration(3) == 0);
  CHECK(inf_fb.score_quantile(7, 0.1) == 19.0);  // k = ceil(21 x 0.9) = 19
  CHECK_FALSE(inf_fb.uses_fallback(7, 0.1));
  CHECK(inf_fb.uses_fallback(-1, 0.1));        // k = ceil(6 x 0.9) = 6 > 5
  CHECK_FALSE(inf_fb.uses_fallback(-1, 0.2));  // k = ceil(4.8) = 5
  CHECK(inf_fb.score_quantile(-1, 0.2) == 104.0);
  CHECK(inf_fb.score_quantile(-1, 0.1) == inf);
  CHECK(inf_fb.score_quantile(3, 0.1) == inf);  // never seen
  const std::vector<int> cats{7, -1, 3};
  const fp::matrix iv = inf_fb.predict_interval(fp::matrix::Zero(3, 1), cats, 0.1);
  CHECK(iv(0, 1) == 19.0);
  CHECK(iv(1, 0) == -inf);
  CHECK(iv(1, 1) == inf);
  CHECK(iv(2, 1) == inf);
  fp::mondrian_conformal<fixed_linear> pooled_fb(model, {.fallback = fp::mondrian_fallback::pooled});
  pooled_fb.fit(X, y, c);
  CHECK(pooled_fb.score_quantile(-1, 0.1) == 103.0);  // k = ceil(26 x 0.9) = 24th of all 25 scores
  CHECK(pooled_fb.score_quantile(3, 0.1) == 103.0);
  CHECK(pooled_fb.score_quantile(7, 0.1) == 19.0);  // enough rows: its own quantile
}

// ---------------------------------------------------------------------------------------
// Conformal predictive system
// ---------------------------------------------------------------------------------------

TEST_CASE("conformal_predictive_system: uniform PIT and a better Brier score than a miscalibrated model") {
  // The raw model is biased (+0.5) and overconfident (half the true sd): its PIT piles up in the tails.
  const fixed_linear raw{fp::vector{{2.0, -1.0}}, 1.5, 0.25, 0.5};
  const double t = 3.0;  // P(y > 3), e.g. a cost above a limit
  const std::array<double, 3> levels{0.1, 0.5, 0.9};
  for (const fp::conformal_score score : {fp::conformal_score::absolute, fp::conformal_score::normalized}) {
    CAPTURE(fp::to_string(score));
    fp::conformal_predictive_system<fixed_linear> cps(raw, {.score = score});
    fp::detail::xoshiro256ss rng(score == fp::conformal_score::absolute ? 51 : 52);
    std::array<mean_se, 3> below;
    std::array<double, 3> raw_below{};
    double brier_cps = 0.0;
    double brier_raw = 0.0;
    int n = 0;
    fp::matrix Xc, Xt;
    fp::vector yc, yt;
    for (int rep = 0; rep < 100; ++rep) {
      draw(rng, 999, Xc, yc);  // n + 1 = 1000: with tau = 0.5, P(PIT <= 0.1, 0.5, 0.9) is exactly the level
      draw(rng, 1000, Xt, yt);
      cps.fit(Xc, yc);
      const fp::vector pit = cps.cdf(Xt, yt);
      const fp::vector p = cps.exceedance_probability(Xt, t);
      const std::vector<fp::location_scale_t> d = raw.predict_distribution(Xt);
      for (std::size_t j = 0; j < levels.size(); ++j) {
        below[j].add(static_cast<double>((pit.array() <= levels[j]).count()) / 1000.0);
      }
      for (fp::index i = 0; i < Xt.rows(); ++i) {
        const double raw_pit = fp::cdf(d[static_cast<std::size_t>(i)], yt[i]);
        for (std::size_t j = 0; j < levels.size(); ++j) raw_below[j] += raw_pit <= levels[j] ? 1.0 : 0.0;
        const double hit = yt[i] > t ? 1.0 : 0.0;
        const double p_raw = 1.0 - fp::cdf(d[static_cast<std::size_t>(i)], t);
        brier_cps += (p[i] - hit) * (p[i] - hit);
        brier_raw += (p_raw - hit) * (p_raw - hit);
        ++n;
      }
    }
    for (std::size_t j = 0; j < levels.size(); ++j) {
      CAPTURE(levels[j]);
      CAPTURE(below[j].mean());
      CAPTURE(raw_below[j] / n);
      CHECK(std::abs(below[j].mean() - levels[j]) < 4.0 * below[j].se());
      CHECK(below[j].se() < 0.003);
    }
    CHECK(raw_below[0] / n > 0.2);  // the raw model's PIT: a quarter of outcomes below its 10% quantile
    CHECK(raw_below[1] / n > 0.6);  // biased upwards: most outcomes below its median
    CAPTURE(brier_cps / n);
    CAPTURE(brier_raw / n);
    CHECK(brier_cps < 0.9 * brier_raw);
  }
}

// ---------------------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------------------

TEST_CASE("conformal calibration: exact error messages") {
  const std::vector<double> s{1.0, 2.0, fp::nan};
  CHECK_THROWS_WITH_AS((void)fp::conformal_quantile(std::vector<double>{1.0}, 1.5),
                       "footprint::conformal_quantile: alpha must be in (0, 1) (got 1.5)", fp::invalid_argument);
  CHECK_THROWS_WITH_AS((void)fp::conformal_quantile(std::vector<double>{1.0}, 0.0),
                       "footprint::conformal_quantile: alpha must be in (0, 1) (got 0)", fp::invalid_argument);
  CHECK_THROWS_WITH_AS((void)fp::conformal_quantile(s, 0.1),
                       "footprint::conformal_quantile: scores must not be NaN; row 2 is nan", fp::invalid_argument);
  CHECK_THROWS_WITH_AS((void)fp::conformal_rank(-1, 0.1),
                       "footprint::conformal_rank: n_calibration must be >= 0 (got -1)", fp::invalid_argument);
  const fp::vector y3 = fp::vector::Ones(3);
  const fp::vector y2 = fp::vector::Ones(2);
  CHECK_THROWS_WITH_AS((void)fp::absolute_residual_scores(y3, y2),
                       "footprint::absolute_residual_scores: mu.size() must equal y.size() (expected 3, got 2)",
                       fp::dimension_mismatch);
  CHECK_THROWS_WITH_AS((void)fp::normalized_residual_scores(y3, y3, fp::vector{{1.0, 0.0, 1.0}}),
                       "footprint::normalized_residual_scores: sigma must be finite and > 0; row 1 is 0",
                       fp::invalid_argument);

  fp::conformal_calibrator cal({.score = fp::conformal_score::normalized});
  CHECK_THROWS_WITH_AS((void)cal.predict_interval(y3, y3, 0.1),
                       "footprint::conformal_calibrator::predict_interval: the model is not fitted; call fit() first",
                       fp::not_fitted);
  CHECK_THROWS_WITH_AS(cal.fit(y3, y3, y2),
                       "footprint::conformal_calibrator::fit: sigma.size() must equal y.size() (expected 3, got 2)",
                       fp::dimension_mismatch);
  CHECK_THROWS_WITH_AS(
      cal.fit(y3, y3, fp::vector{{1.0, 0.0, 1.0}}),
      "footprint::conformal_calibrator::fit: sigma must be finite and > 0 (after sigma_floor); row 1 is 0",
      fp::invalid_argument);
  CHECK_THROWS_WITH_AS(cal.fit(fp::vector{{1.0, fp::nan, 1.0}}, y3, y3),
                       "footprint::conformal_calibrator::fit: y must be finite; row 1 is nan", fp::invalid_argument);
  CHECK_THROWS_WITH_AS(cal.fit(fp::vector(0), fp::vector(0), fp::vector(0)),
                       "footprint::conformal_calibrator::fit: needs at least one calibration row (got 0)",
                       fp::invalid_argument);
  CHECK_THROWS_WITH_AS(fp::conformal_calibrator({.sigma_floor = -1.0}),
                       "footprint::conformal_calibrator: sigma_floor must be finite and >= 0 (got -1)",
                       fp::invalid_argument);
  cal.fit(y3, y3, y3);
  CHECK_THROWS_WITH_AS((void)cal.score_quantile(fp::nan),
                       "footprint::conformal_calibrator::score_quantile: alpha must be in (0, 1) (got nan)",
                       fp::invalid_argument);
  CHECK_THROWS_WITH_AS((void)cal.cdf(y3, y3, 1.0, 1.5),
                       "footprint::conformal_calibrator::cdf: tau must be in [0, 1] (got 1.5)", fp::invalid_argument);

  fixed_linear unfitted{fp::vector{{1.0}}};
  unfitted.fitted = false;
  const fp::matrix X = fp::matrix::Zero(3, 1);
  fp::split_conformal<fixed_linear> sc(unfitted);
  CHECK_THROWS_WITH_AS(sc.fit(X, y3), "footprint::split_conformal::fit: the model is not fitted; call fit() first",
                       fp::not_fitted);
  CHECK_THROWS_WITH_AS((void)sc.predict_interval(X, 0.1),
                       "footprint::split_conformal::predict_interval: the model is not fitted; call fit() first",
                       fp::not_fitted);
  fp::split_conformal<fixed_linear> sc2(fixed_linear{fp::vector{{1.0}}});
  CHECK_THROWS_WITH_AS(sc2.fit(X, y2),
                       "footprint::split_conformal::fit: y.size() must equal X.rows() (expected 3, got 2)",
                       fp::dimension_mismatch);
  sc2.fit(X, y3);
  CHECK_THROWS_WITH_AS((void)sc2.predict_interval(X, 1.0),
                       "footprint::split_conformal::predict_interval: alpha must be in (0, 1) (got 1)",
                       fp::invalid_argument);
  fp::split_conformal<point_mass> zero_sd(point_mass{}, {.score = fp::conformal_score::normalized});
  CHECK_THROWS_WITH_AS(zero_sd.fit(X, y3),
                       "footprint::split_conformal::fit: sigma must be finite and > 0 (after sigma_floor); row 0 is 0",
                       fp::invalid_argument);
  fp::split_conformal<point_mass> floored(point_mass{}, {.score = fp::conformal_score::normalized, .sigma_floor = 0.5});
  CHECK(floored.fit(X, y3).ok());
  CHECK(floored.score_quantile(0.5) == 2.0);  // |1 - 0| / 0.5

  fp::conformal_predictive_system<fixed_linear> cps(fixed_linear{fp::vector{{1.0}}});
  CHECK_THROWS_WITH_AS((void)cps.cdf(X, 0.0),
                       "footprint::conformal_predictive_system::cdf: the model is not fitted; call fit() first",
                       fp::not_fitted);
  cps.fit(X, y3);
  CHECK_THROWS_WITH_AS(
      (void)cps.exceedance_probability(X, 0.0, 1.5),
      "footprint::conformal_predictive_system::exceedance_probability: tau must be in [0, 1] (got 1.5)",
      fp::invalid_argument);
  CHECK_THROWS_WITH_AS((void)cps.cdf(X, y2),
                       "footprint::conformal_predictive_system::cdf: y.size() must equal X.rows() (expected 3, got 2)",
                       fp::dimension_mismatch);
  CHECK_THROWS_WITH_AS((void)cps.cdf(X, inf), "footprint::conformal_predictive_system::cdf: t must be finite (got inf)",
                       fp::invalid_argument);

  fp::mondrian_conformal<fixed_linear> mc(fixed_linear{fp::vector{{1.0}}});
  const std::vector<int> two{0, 1};
  CHECK_THROWS_WITH_AS(mc.fit(X, y3, two),
                       "footprint::mondrian_conformal::fit: category.size() must equal X.rows() (expected 3, got 2)",
                       fp::dimension_mismatch);
  CHECK_THROWS_WITH_AS((void)mc.score_quantile(0, 0.1),
                       "footprint::mondrian_conformal::score_quantile: the model is not fitted; call fit() first",
                       fp::not_fitted);

  CHECK_THROWS_WITH_AS(fp::adaptive_conformal({.gamma = 0.0}),
                       "footprint::adaptive_conformal: gamma must be finite and > 0 (got 0)", fp::invalid_argument);
  CHECK_THROWS_WITH_AS(fp::adaptive_conformal({.alpha = 1.0}),
                       "footprint::adaptive_conformal: alpha must be in (0, 1) (got 1)", fp::invalid_argument);
  CHECK_THROWS_WITH_AS(fp::adaptive_conformal({.window = -1}),
                       "footprint::adaptive_conformal: window must be >= 0 (got -1)", fp::invalid_argument);
  fp::adaptive_conformal aci;
  CHECK_THROWS_WITH_AS(aci.update_score(fp::nan), "footprint::adaptive_conformal::update_score: score must not be NaN",
                       fp::invalid_argument);
  CHECK(aci.steps() == 0);
}

}  // namespace unity_conformal
