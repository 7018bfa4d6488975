// gaussian_mixture against scikit-learn 1.2.1's GaussianMixture (given means, weights and
// precisions, tol=0, reg_covar=1e-6, diag and full) on the committed three-regime data of
// tests/models/data/clustering (make_clustering_reference.py); the monotone lower bound, BIC
// choosing the number of regimes, the label order, dead-component repair, determinism and
// the error messages.
#include "footprint/models/clustering/gaussian_mixture.hpp"

#include "models/clustering_reference.hpp"
#include "models/reference_data.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <concepts>
#include <string>
#include <vector>

namespace unity_clustering_gmm {

namespace fp = footprint;
using clustering_ref::ex;

static_assert(std::is_aggregate_v<fp::gaussian_mixture_params>);
// The shape of a Clusterer (../shared/STYLE.md section 3): fit(X) -> fit_report, const predict(X) -> regime ids.
static_assert(requires(fp::gaussian_mixture & m, const fp::gaussian_mixture& cm, const fp::matrix& X) {
  { m.fit(X) } -> std::same_as<fp::fit_report>;
  { cm.predict(X) } -> std::same_as<std::vector<int>>;
  { cm.is_fitted() } -> std::same_as<bool>;
  { cm.n_features() } -> std::same_as<fp::index>;
});

/// Row c of a row-major (k, d * d) table as a (d, d) matrix.
fp::matrix square(const fp::matrix& flat, fp::index c, fp::index d) {
  fp::matrix out(d, d);
  for (fp::index i = 0; i < d; ++i) {
    for (fp::index j = 0; j < d; ++j) out(i, j) = flat(c, i * d + j);
  }
  return out;
}

/// scikit-learn's precisions_init as footprint takes it: k (d, d) matrices, or k (d, 1).
std::vector<fp::matrix> precisions(fp::covariance_type type) {
  const bool full = type == fp::covariance_type::full;
  const fp::matrix flat = ex().mat(full ? "gmm.precisions_init.full" : "gmm.precisions_init.diag", 3);
  std::vector<fp::matrix> out;
  for (fp::index c = 0; c < 3; ++c) {
    out.push_back(full ? square(flat, c, 3) : fp::matrix(flat.row(c).transpose()));
  }
  return out;
}

/// Largest change that lowers the bound, relative to the bound (0 when it never decreases).
double worst_decrease(const std::vector<double>& history) {
  double worst = 0.0;
  for (std::size_t i = 1; i < history.size(); ++i) {
    worst = std::max(worst, (history[i - 1] - history[i]) / std::abs(history[i - 1]));
  }
  return worst;
}

TEST_CASE("gaussian_mixture: weights, means, covariances, lower bound, score, BIC and AIC equal scikit-learn's") {
  const clustering_ref::labelled d = clustering_ref::read_labelled("mixture.csv");
  for (const fp::covariance_type type : {fp::covariance_type::diag, fp::covariance_type::full}) {
    for (const int iters : {1, 5, 50}) {
      const std::string key = "gmm." + std::string(fp::to_string(type)) + ".iter" + std::to_string(iters);
      CAPTURE(key);
      fp::gaussian_mixture gm({.n_components = 3,
                               .covariance = type,
                               .tol = 0.0,
                               .reg_covar = 1e-6,
                               .max_iter = iters,
                               .means_init = ex().mat("gmm.means_init", 3),
                               .weights_init = ex().vec("gmm.weights_init"),
                               .precisions_init = precisions(type),
                               .order = fp::label_order::none});
      const fp::fit_report r = gm.fit(d.X);
      CHECK(r.status == fp::fit_status::max_iterations);
      CHECK(gm.n_iter() == iters);
      CHECK(ref::rel_err(gm.weights(), ex().vec(key + ".weights")) < 1e-10);
      CHECK(ref::rel_err(gm.means(), ex().mat(key + ".means", 3)) < 1e-10);
      const fp::matrix want_cov = ex().mat(key + ".covariances", 3);  // diag (3, 3); full (3, 9)
      for (fp::index c = 0; c < 3; ++c) {
        if (type == fp::covariance_type::full) {
          CHECK(ref::rel_err(gm.covariances()[static_cast<std::size_t>(c)], square(want_cov, c, 3)) < 1e-10);
        } else {
          CHECK(ref::rel_err(gm.variances().row(c), want_cov.row(c)) < 1e-10);
        }
      }
      CHECK(ref::rel_err(gm.lower_bound(), ex().scalar(key + ".lower_bound")) < 1e-12);
      CHECK(ref::rel_err(gm.score(d.X), ex().scalar(key + ".score")) < 1e-12);
      CHECK(ref::rel_err(gm.bic(d.X), ex().scalar(key + ".bic")) < 1e-12);
      CHECK(ref::rel_err(gm.aic(d.X), ex().scalar(key + ".aic")) < 1e-12);
      CHECK(r.final_loss == -gm.lower_bound());
      CHECK(gm.predict(d.X) == ex().labels(key + ".labels"));
      if (iters == 5) {
        CHECK(ref::rel_err(gm.score_samples(d.X), ex().vec(key + ".score_samples")) < 1e-11);
        CHECK((gm.predict_proba(d.X) - ex().mat(key + ".proba", 600)).cwiseAbs().maxCoeff() < 1e-11);
      }
    }
  }
}

TEST_CASE("gaussian_mixture: EM never lowers the log-likelihood (1e-9 relative)") {
  const clustering_ref::labelled d = clustering_ref::read_labelled("mixture.csv");
  for (const fp::covariance_type type : {fp::covariance_type::diag, fp::covariance_type::full}) {
    for (const fp::index k : {2, 3, 5}) {
      CAPTURE(k);
      fp::gaussian_mixture gm({.n_components = k, .covariance = type, .tol = 0.0, .max_iter = 200, .seed = 3});
      gm.fit(d.X);
      const std::vector<double>& h = gm.lower_bound_history();
      REQUIRE(h.size() == 200U);
      CHECK(worst_decrease(h) <= 1e-9);
      CHECK(gm.score(d.X) >= h.back() - 1e-9 * std::abs(h.back()));  // after the last M-step too
      CHECK(h.back() > h.front());
    }
  }
}

TEST_CASE("gaussian_mixture: BIC chooses the three regimes the data were drawn from") {
  const clustering_ref::labelled d = clustering_ref::read_labelled("mixture.csv");
  const auto X = d.X;
  // Fit 1 to 5 regimes and keep the number with the lowest BIC.
  std::vector<double> bic;
  std::vector<double> aic;
  for (fp::index k = 1; k <= 5; ++k) {
    fp::gaussian_mixture gm({.n_components = k, .n_init = 3, .seed = 42});
    gm.fit(X);
    bic.push_back(gm.bic(X));
    aic.push_back(gm.aic(X));
  }
  const auto best = std::min_element(bic.begin(), bic.end()) - bic.begin() + 1;
  CHECK(best == 3);
  CHECK(aic[2] < aic[1]);  // AIC penalises less: it too prefers 3 to 2 regimes
  CHECK(aic[2] < aic[0]);
}

TEST_CASE("gaussian_mixture: the label order makes component 0 the calmest regime, and fits are deterministic") {
  const clustering_ref::labelled d = clustering_ref::read_labelled("mixture.csv");
  fp::gaussian_mixture gm({.n_components = 3, .n_init = 2, .seed = 11});
  gm.fit(d.X);
  const fp::matrix& v = gm.variances();
  CHECK(v(0, 0) < v(1, 0));
  CHECK(v(1, 0) < v(2, 0));
  CHECK(clustering_ref::accuracy(gm.predict(d.X), d.truth) > 0.85);
  CHECK(gm.weights()[0] == doctest::Approx(0.5).epsilon(0.1));  // 300 of the 600 rows are calm
  const fp::matrix P = gm.predict_proba(d.X);
  CHECK((P.rowwise().sum().array() - 1.0).abs().maxCoeff() < 1e-12);
  fp::gaussian_mixture again({.n_components = 3, .n_init = 2, .seed = 11});
  again.fit(d.X);
  CHECK(again.means() == gm.means());  // bit for bit
  CHECK(again.covariances() == gm.covariances());
}

TEST_CASE("gaussian_mixture: a dead component is re-seeded at the worst-explained row") {
  const clustering_ref::labelled d = clustering_ref::read_labelled("mixture.csv");
  fp::matrix means = ex().mat("gmm.means_init", 3);
  means.row(2).setConstant(1e3);  // no row is anywhere near: its responsibilities underflow to 0
  fp::gaussian_mixture gm({.n_components = 3,
                           .covariance = fp::covariance_type::diag,
                           .tol = 0.0,
                           .max_iter = 100,
                           .means_init = means,
                           .weights_init = ex().vec("gmm.weights_init"),
                           .precisions_init = precisions(fp::covariance_type::diag),
                           .order = fp::label_order::none});
  const fp::fit_report r = gm.fit(d.X);
  CHECK(r.message.find("; 1 dead component repair(s)") != std::string::npos);
  CHECK(gm.weights().minCoeff() > 0.1);  // the repaired component took a regime
  CHECK(gm.means().maxCoeff() < 5.0);
  // After the repair the bound rises again monotonically.
  const std::vector<double> h(gm.lower_bound_history().begin() + 2, gm.lower_bound_history().end());
  CHECK(worst_decrease(h) <= 1e-9);
}

TEST_CASE("gaussian_mixture: bad parameters and data throw with the row, the value and the constraint") {
  const clustering_ref::labelled d = clustering_ref::read_labelled("mixture.csv");
  CHECK_THROWS_WITH_AS(fp::gaussian_mixture({.reg_covar = -1.0}),
                       "footprint::gaussian_mixture: reg_covar must be finite and >= 0 (got -1)", fp::invalid_argument);
  CHECK_THROWS_AS(fp::gaussian_mixture({.n_components = 0}), fp::invalid_argument);
  CHECK_THROWS_AS(fp::gaussian_mixture({.n_components = 2, .weights_init = fp::vector::Constant(3, 1.0 / 3)}),
                  fp::dimension_mismatch);
  CHECK_THROWS_WITH_AS(fp::gaussian_mixture({.n_components = 2, .weights_init = fp::vector::Constant(2, 0.375)}),
                       "footprint::gaussian_mixture: weights_init must sum to 1 (got 0.75)", fp::invalid_argument);
  std::vector<fp::matrix> not_pd = precisions(fp::covariance_type::full);
  not_pd[1](0, 0) = -1.0;
  CHECK_THROWS_WITH_AS(fp::gaussian_mixture({.n_components = 3, .precisions_init = not_pd}),
                       "footprint::gaussian_mixture: precisions_init[1] must be symmetric positive definite",
                       fp::invalid_argument);
  fp::gaussian_mixture gm({.n_components = 3, .means_init = fp::matrix::Zero(3, 2)});
  CHECK_THROWS_AS(gm.fit(d.X), fp::dimension_mismatch);
  fp::gaussian_mixture ok({.n_components = 3});
  CHECK_THROWS_AS((void)ok.predict(d.X), fp::not_fitted);
  CHECK_THROWS_AS((void)ok.weights(), fp::not_fitted);
  fp::matrix bad = d.X;
  bad(42, 2) = fp::nan;
  CHECK_THROWS_WITH_AS(ok.fit(bad), "footprint::gaussian_mixture::fit: X must be finite; row 42, column 2 is nan",
                       fp::invalid_argument);
  CHECK(!ok.is_fitted());
  ok.fit(d.X);
  CHECK_THROWS_WITH_AS((void)ok.score_samples(bad),
                       "footprint::gaussian_mixture::score_samples: X must be finite; row 42, column 2 is nan",
                       fp::invalid_argument);
  CHECK_THROWS_AS((void)ok.predict(d.X.leftCols(2)), fp::dimension_mismatch);
}

}  // namespace unity_clustering_gmm
