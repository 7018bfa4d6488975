// Metrics against scikit-learn (RMSE, MAE, R^2, pinball loss) and scipy (quantiles,
// log densities, CRPS closed forms cross-checked by quadrature) on the committed cases of
// tests/models/data/metrics_cases.csv (written by tests/models/make_reference.py).
#include "footprint/validation/metrics.hpp"

#include "footprint/distributions/location_scale_t.hpp"
#include "models/reference_data.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <vector>

// Each test file is its own namespace: the module's files compile as one unity translation unit.
namespace unity_metrics {

namespace fp = footprint;

namespace user {
// A distribution footprint knows nothing about: no crps, no logpdf (CRPS by quadrature,
// NLPD through pdf).
struct opaque {
  fp::location_scale_t d;
};
inline double mean(const opaque& o) { return fp::mean(o.d); }
inline double standard_deviation(const opaque& o) { return fp::standard_deviation(o.d); }
inline double quantile(const opaque& o, double p) { return fp::quantile(o.d, p); }
inline double cdf(const opaque& o, double x) { return fp::cdf(o.d, x); }
inline double pdf(const opaque& o, double x) { return fp::pdf(o.d, x); }

// A distribution with its own crps, found by argument-dependent lookup.
struct with_crps {
  double mu = 0.0;
};
inline int crps_calls = 0;
inline double mean(const with_crps& d) { return d.mu; }
inline double standard_deviation(const with_crps&) { return 1.0; }
inline double quantile(const with_crps& d, double p) { return d.mu + (p - 0.5); }
inline double cdf(const with_crps& d, double x) { return std::clamp(x - d.mu + 0.5, 0.0, 1.0); }
inline double crps(const with_crps& d, double y) {
  ++crps_calls;
  return std::abs(y - d.mu);
}
}  // namespace user

static_assert(fp::PredictiveDistribution<user::opaque>);
static_assert(fp::PredictiveDistribution<user::with_crps>);

namespace {

struct cases {
  fp::vector y, mu, sigma, df, w;
  std::vector<fp::location_scale_t> t, normal;
  std::vector<fp::normal_predictive> boost_normal;
  std::vector<user::opaque> opaque_t, opaque_normal;
};

cases load() {
  const ref::table t = ref::read_table("metrics_cases.csv");
  cases c{t.column("y"), t.column("mu"), t.column("sigma"), t.column("df"), t.column("weight"), {}, {}, {}, {}, {}};
  for (fp::index i = 0; i < c.y.size(); ++i) {
    c.t.emplace_back(c.df[i], c.mu[i], c.sigma[i]);
    c.normal.emplace_back(std::numeric_limits<double>::infinity(), c.mu[i], c.sigma[i]);
    c.boost_normal.emplace_back(c.mu[i], c.sigma[i]);
    c.opaque_t.push_back({c.t.back()});
    c.opaque_normal.push_back({c.normal.back()});
  }
  return c;
}

double rel(double got, double want) { return ref::rel_err(got, want); }

}  // namespace

TEST_CASE("point metrics match scikit-learn (1e-12 relative)") {
  const cases c = load();
  const ref::expected& ex = ref::ex();
  CHECK(rel(fp::rmse(c.y, c.mu), ex.scalar("metrics.rmse")) < 1e-12);
  CHECK(rel(fp::mae(c.y, c.mu), ex.scalar("metrics.mae")) < 1e-12);
  CHECK(rel(fp::r2_score(c.y, c.mu), ex.scalar("metrics.r2")) < 1e-12);
  CHECK(rel(fp::rmse(c.y, c.mu, c.w), ex.scalar("metrics.rmse_w")) < 1e-12);
  CHECK(rel(fp::mae(c.y, c.mu, c.w), ex.scalar("metrics.mae_w")) < 1e-12);
  CHECK(rel(fp::r2_score(c.y, c.mu, c.w), ex.scalar("metrics.r2_w")) < 1e-12);
  const fp::vector taus = ex.vec("metrics.taus");
  const fp::vector want = ex.vec("metrics.pinball_point");
  for (fp::index k = 0; k < taus.size(); ++k) {
    CAPTURE(taus[k]);
    CHECK(rel(fp::pinball_loss(c.y, c.mu, taus[k]), want[k]) < 1e-12);
  }
}

TEST_CASE("r2_score edge cases follow scikit-learn's force_finite rules") {
  const fp::vector constant = fp::vector::Constant(4, 2.0);
  const fp::vector other = fp::vector{{1, 2, 3, 4}};
  CHECK(fp::r2_score(constant, constant) == 1.0);                             // perfect, even of a constant
  CHECK(fp::r2_score(constant, other) == 0.0);                                // constant target, imperfect predictions
  CHECK(std::isnan(fp::r2_score(fp::vector::Ones(1), fp::vector::Ones(1))));  // fewer than two samples
  CHECK(fp::r2_score(other, other) == 1.0);
}

TEST_CASE("pinball loss of predictive quantiles matches scikit-learn on scipy's quantiles") {
  const cases c = load();
  const ref::expected& ex = ref::ex();
  const fp::vector taus = ex.vec("metrics.taus");
  const std::vector<double> tau_list(taus.data(), taus.data() + taus.size());
  const std::vector<double> t_losses = fp::pinball_loss(c.y, c.t, std::span<const double>(tau_list));
  for (fp::index k = 0; k < taus.size(); ++k) {
    CAPTURE(taus[k]);
    CHECK(rel(fp::pinball_loss(c.y, c.normal, taus[k]), ex.vec("metrics.pinball_normal")[k]) < 1e-10);
    CHECK(rel(fp::pinball_loss(c.y, c.boost_normal, taus[k]), ex.vec("metrics.pinball_normal")[k]) < 1e-10);
    CHECK(rel(t_losses[static_cast<std::size_t>(k)], ex.vec("metrics.pinball_t")[k]) < 1e-10);
    CHECK(rel(fp::pinball_loss(c.y, c.t, taus[k], c.w), ex.vec("metrics.pinball_t_w")[k]) < 1e-10);
  }
}

TEST_CASE("interval coverage and width match numpy on scipy's quantiles") {
  const cases c = load();
  const ref::expected& ex = ref::ex();
  const fp::vector levels = ex.vec("metrics.levels");
  for (fp::index k = 0; k < levels.size(); ++k) {
    CAPTURE(levels[k]);
    CHECK(fp::interval_coverage(c.y, c.normal, levels[k]) == ex.vec("metrics.coverage_normal")[k]);
    CHECK(fp::interval_coverage(c.y, c.boost_normal, levels[k]) == ex.vec("metrics.coverage_normal")[k]);
    CHECK(fp::interval_coverage(c.y, c.t, levels[k]) == ex.vec("metrics.coverage_t")[k]);
    CHECK(rel(fp::mean_interval_width(c.normal, levels[k]), ex.vec("metrics.width_normal")[k]) < 1e-10);
    CHECK(rel(fp::mean_interval_width(c.t, levels[k]), ex.vec("metrics.width_t")[k]) < 1e-10);
  }
}

TEST_CASE("CRPS: closed forms (normal, Student-t) and quadrature match scipy's (1e-10)") {
  const cases c = load();
  const ref::expected& ex = ref::ex();
  CHECK(rel(fp::mean_crps(c.y, c.normal), ex.scalar("metrics.crps_normal")) < 1e-12);
  CHECK(rel(fp::mean_crps(c.y, c.boost_normal), ex.scalar("metrics.crps_normal")) < 1e-12);
  CHECK(rel(fp::mean_crps(c.y, c.t), ex.scalar("metrics.crps_t")) < 1e-10);
  CHECK(rel(fp::mean_crps(c.y, c.t, c.w), ex.scalar("metrics.crps_t_w")) < 1e-10);
  // quadrature for a type without a closed form, df down to 2.5
  CHECK(rel(fp::mean_crps(c.y, c.opaque_normal), ex.scalar("metrics.crps_normal")) < 1e-10);
  CHECK(rel(fp::mean_crps(c.y, c.opaque_t), ex.scalar("metrics.crps_t")) < 1e-10);
  const fp::vector each = ex.vec("metrics.crps_t_each");
  for (std::size_t i = 0; i < c.t.size(); ++i) {
    CAPTURE(c.df[static_cast<fp::index>(i)]);
    CHECK(rel(fp::crps_quadrature(c.t[i], c.y[static_cast<fp::index>(i)]), each[static_cast<fp::index>(i)]) < 1e-10);
  }
  // far in the tails too (F(y) within 1e-7 of 0 or 1)
  for (const double df : {2.5, 4.0, std::numeric_limits<double>::infinity()}) {
    const fp::location_scale_t d(df, 1.0, 2.0);
    for (const double y : {-200.0, -15.0, 1.0, 9.0, 40.0}) {
      CAPTURE(df);
      CAPTURE(y);
      CHECK(rel(fp::crps_quadrature(d, y), fp::crps(d, y)) < 1e-10);
    }
  }
  // a user type's own crps is used
  user::crps_calls = 0;
  const std::vector<user::with_crps> mine(3, user::with_crps{1.0});
  CHECK(fp::mean_crps(fp::vector::Constant(3, 3.0), mine) == 2.0);
  CHECK(user::crps_calls == 3);
  // the CRPS of a point-like forecast tends to the absolute error
  CHECK(fp::crps(fp::normal_predictive(0.0, 1e-9), 2.0) == doctest::Approx(2.0).epsilon(1e-8));
}

TEST_CASE("NLPD matches scipy's logpdf (1e-12)") {
  const cases c = load();
  const ref::expected& ex = ref::ex();
  CHECK(rel(fp::nlpd(c.y, c.normal), ex.scalar("metrics.nlpd_normal")) < 1e-12);
  CHECK(rel(fp::nlpd(c.y, c.boost_normal), ex.scalar("metrics.nlpd_normal")) < 1e-12);
  CHECK(rel(fp::nlpd(c.y, c.t), ex.scalar("metrics.nlpd_t")) < 1e-12);
  CHECK(rel(fp::nlpd(c.y, c.opaque_t), ex.scalar("metrics.nlpd_t")) < 1e-12);  // through pdf
  const fp::vector w = fp::vector::Ones(c.y.size()) * 3.0;
  CHECK(rel(fp::nlpd(c.y, c.t, w), ex.scalar("metrics.nlpd_t")) < 1e-14);
}

TEST_CASE("metrics reject bad input with exact messages") {
  const fp::vector y = fp::vector{{1, 2, 3}};
  CHECK_THROWS_WITH_AS((void)fp::rmse(y, y.head(2)),
                       "footprint::rmse: y_pred.size() must equal y_true.size() (expected 3, got 2)",
                       fp::dimension_mismatch);
  CHECK_THROWS_WITH_AS((void)fp::mae(fp::vector(0), fp::vector(0)), "footprint::mae: y_true must not be empty",
                       fp::invalid_argument);
  fp::vector bad = y;
  bad[1] = fp::nan;
  CHECK_THROWS_WITH_AS((void)fp::r2_score(y, bad), "footprint::r2_score: y_pred must be finite; row 1 is nan",
                       fp::invalid_argument);
  CHECK_THROWS_WITH_AS((void)fp::pinball_loss(y, y, 1.0), "footprint::pinball_loss: tau must be in (0, 1) (got 1)",
                       fp::invalid_argument);
  CHECK_THROWS_WITH_AS((void)fp::rmse(y, y, fp::vector::Zero(3)),
                       "footprint::rmse: sample_weight must have a positive sum (got 0)", fp::invalid_argument);
  const std::vector<fp::location_scale_t> two(2);
  CHECK_THROWS_WITH_AS((void)fp::mean_crps(y, two),
                       "footprint::mean_crps: dists.size() must equal y_true.size() (expected 3, got 2)",
                       fp::dimension_mismatch);
  const std::vector<fp::location_scale_t> three(3);
  CHECK_THROWS_WITH_AS((void)fp::interval_coverage(y, three, 0.0),
                       "footprint::interval_coverage: level must be in (0, 1) (got 0)", fp::invalid_argument);
  CHECK_THROWS_WITH_AS((void)fp::mean_interval_width(std::vector<fp::location_scale_t>{}, 0.5),
                       "footprint::mean_interval_width: dists must not be empty", fp::invalid_argument);
  CHECK_THROWS_WITH_AS((void)fp::nlpd(y, three, -y),
                       "footprint::nlpd: sample_weight must be finite and >= 0; row 0 is -1", fp::invalid_argument);
}

}  // namespace unity_metrics
