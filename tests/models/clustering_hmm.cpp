// gaussian_hmm against a log-space forward-backward, Viterbi and Baum-Welch step written in
// numpy (make_clustering_reference.py) on the committed two-regime sequence of
// tests/models/data/clustering; the monotone log-likelihood, regime recovery, the causal
// filter, BIC, dead-state repair and the error messages.
#include "footprint/models/clustering/gaussian_hmm.hpp"

#include "models/clustering_reference.hpp"
#include "models/reference_data.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <concepts>
#include <string>
#include <vector>

namespace unity_clustering_hmm {

namespace fp = footprint;
using clustering_ref::ex;

static_assert(std::is_aggregate_v<fp::gaussian_hmm_params>);
// The shape of a Clusterer (../shared/STYLE.md section 3): fit(X) -> fit_report, const predict(X) -> regime ids.
static_assert(requires(fp::gaussian_hmm & m, const fp::gaussian_hmm& cm, const fp::matrix& X) {
  { m.fit(X) } -> std::same_as<fp::fit_report>;
  { cm.predict(X) } -> std::same_as<std::vector<int>>;
  { cm.is_fitted() } -> std::same_as<bool>;
  { cm.n_features() } -> std::same_as<fp::index>;
});

/// The reference's fixed variances as footprint's diag covariances: k (d, 1) matrices.
std::vector<fp::matrix> variances(const fp::matrix& v) {
  std::vector<fp::matrix> out;
  for (fp::index c = 0; c < v.rows(); ++c) out.emplace_back(v.row(c).transpose());
  return out;
}

fp::gaussian_hmm reference_model() {
  return fp::gaussian_hmm::from_parameters({.n_components = 2, .order = fp::label_order::none},
                                           ex().vec("hmm.startprob"), ex().mat("hmm.transmat", 2),
                                           ex().mat("hmm.means", 2), variances(ex().mat("hmm.variances", 2)));
}

double worst_decrease(const std::vector<double>& history) {
  double worst = 0.0;
  for (std::size_t i = 1; i < history.size(); ++i) {
    worst = std::max(worst, (history[i - 1] - history[i]) / std::abs(history[i - 1]));
  }
  return worst;
}

TEST_CASE("gaussian_hmm: forward log-likelihood, filter, smoother and Viterbi equal a numpy log-space reference") {
  const clustering_ref::labelled d = clustering_ref::read_labelled("hmm.csv");
  const fp::gaussian_hmm m = reference_model();
  CHECK(ref::rel_err(m.log_likelihood(d.X), ex().scalar("hmm.log_likelihood")) < 1e-12);
  CHECK((m.filter(d.X) - ex().mat("hmm.filtered", 500)).cwiseAbs().maxCoeff() < 1e-12);
  CHECK((m.smooth(d.X) - ex().mat("hmm.smoothed", 500)).cwiseAbs().maxCoeff() < 1e-10);
  std::vector<int> path(500);
  const double log_prob = m.viterbi(d.X, path);
  CHECK(path == ex().labels("hmm.viterbi"));
  CHECK(ref::rel_err(log_prob, ex().scalar("hmm.viterbi_log_prob")) < 1e-12);
  CHECK(m.predict(d.X) == path);
  CHECK(m.log_likelihood_history().empty());
}

TEST_CASE("gaussian_hmm: one Baum-Welch step equals the numpy re-estimation") {
  const clustering_ref::labelled d = clustering_ref::read_labelled("hmm.csv");
  fp::gaussian_hmm m({.n_components = 2,
                      .max_iter = 1,
                      .reg_covar = 1e-6,
                      .startprob_init = ex().vec("hmm.startprob"),
                      .transmat_init = ex().mat("hmm.transmat", 2),
                      .means_init = ex().mat("hmm.means", 2),
                      .covariances_init = variances(ex().mat("hmm.variances", 2)),
                      .order = fp::label_order::none});
  m.fit(d.X);
  REQUIRE(m.n_iter() == 1);
  CHECK(ref::rel_err(m.log_likelihood_history()[0], ex().scalar("hmm.log_likelihood")) < 1e-12);
  CHECK(ref::rel_err(m.startprob(), ex().vec("hmm.step.startprob")) < 1e-10);
  CHECK(ref::rel_err(m.transmat(), ex().mat("hmm.step.transmat", 2)) < 1e-10);
  CHECK(ref::rel_err(m.means(), ex().mat("hmm.step.means", 2)) < 1e-10);
  CHECK(ref::rel_err(m.variances(), ex().mat("hmm.step.variances", 2)) < 1e-10);
  CHECK(ref::rel_err(m.log_likelihood(d.X), ex().scalar("hmm.step.log_likelihood")) < 1e-10);
}

TEST_CASE("gaussian_hmm: Baum-Welch never lowers the log-likelihood and recovers the two regimes") {
  const clustering_ref::labelled d = clustering_ref::read_labelled("hmm.csv");
  for (const fp::covariance_type type : {fp::covariance_type::diag, fp::covariance_type::full}) {
    fp::gaussian_hmm m({.n_components = 2, .covariance = type, .max_iter = 300, .tol = 0.0, .seed = 5});
    const fp::fit_report r = m.fit(d.X);
    CHECK(r.status == fp::fit_status::max_iterations);
    const std::vector<double>& h = m.log_likelihood_history();
    REQUIRE(h.size() == 300U);
    CHECK(worst_decrease(h) <= 1e-9);
    CHECK(m.log_likelihood(d.X) >= h.back() - 1e-9 * std::abs(h.back()));
    // State 0 is the calm regime (variance order), as in the simulation; the states persist.
    CHECK(m.variances()(0, 0) < m.variances()(1, 0));
    CHECK(clustering_ref::accuracy(m.predict(d.X), d.truth) > 0.95);
    CHECK(m.transmat()(0, 0) > 0.9);
    CHECK(m.transmat()(1, 1) > 0.85);
    CHECK((m.transmat().rowwise().sum().array() - 1.0).abs().maxCoeff() < 1e-12);
    CHECK(m.means()(1, 1) == doctest::Approx(1.5).epsilon(0.1));  // simulated: 1.5
    // The regime now, from the past only: P(s_t | x_1..x_t), one row per time, one column per state.
    const fp::matrix now = m.filter(d.X);
    fp::index right = 0;
    for (fp::index t = 0; t < now.rows(); ++t) right += now(t, d.truth[static_cast<std::size_t>(t)]) > 0.5 ? 1 : 0;
    CHECK(static_cast<double>(right) / static_cast<double>(now.rows()) > 0.9);
  }
}

TEST_CASE("gaussian_hmm: the filter is causal, fits are deterministic and BIC prefers two regimes") {
  const clustering_ref::labelled d = clustering_ref::read_labelled("hmm.csv");
  const fp::gaussian_hmm m = reference_model();
  const fp::matrix all = m.filter(d.X);
  const fp::matrix head = m.filter(d.X.topRows(200));
  CHECK((all.topRows(200) - head).cwiseAbs().maxCoeff() == 0.0);  // row t sees rows 0..t only
  CHECK((all.rowwise().sum().array() - 1.0).abs().maxCoeff() < 1e-12);

  std::vector<double> bic;
  for (fp::index k = 1; k <= 3; ++k) {
    fp::gaussian_hmm a({.n_components = k, .seed = 9});
    fp::gaussian_hmm b({.n_components = k, .seed = 9});
    a.fit(d.X);
    b.fit(d.X);
    CHECK(a.means() == b.means());  // bit for bit
    CHECK(a.transmat() == b.transmat());
    bic.push_back(a.bic(d.X));
    CHECK(a.n_parameters() == (k - 1) + k * (k - 1) + 2 * k + 2 * k);
  }
  CHECK(bic[1] < bic[0]);
  CHECK(bic[1] < bic[2]);
}

TEST_CASE("gaussian_hmm: a dead state is re-seeded at the worst-explained row") {
  const clustering_ref::labelled d = clustering_ref::read_labelled("hmm.csv");
  fp::matrix means = ex().mat("hmm.means", 2);
  means.row(1).setConstant(1e3);  // state 1 explains no row
  fp::gaussian_hmm m({.n_components = 2,
                      .max_iter = 200,
                      .means_init = means,
                      .covariances_init = variances(ex().mat("hmm.variances", 2)),
                      .order = fp::label_order::variance});
  const fp::fit_report r = m.fit(d.X);
  CHECK(r.message.find("; 1 dead state repair(s)") != std::string::npos);
  CHECK(clustering_ref::accuracy(m.predict(d.X), d.truth) > 0.95);
}

TEST_CASE("gaussian_hmm: bad parameters and data throw with the row, the value and the constraint") {
  const clustering_ref::labelled d = clustering_ref::read_labelled("hmm.csv");
  fp::matrix A(2, 2);
  A << 0.9, 0.1, 0.5, 0.25;
  CHECK_THROWS_WITH_AS(fp::gaussian_hmm({.transmat_init = A}),
                       "footprint::gaussian_hmm: transmat row 1 must sum to 1 (got 0.75)", fp::invalid_argument);
  CHECK_THROWS_AS(fp::gaussian_hmm({.startprob_init = fp::vector::Constant(3, 1.0 / 3)}), fp::dimension_mismatch);
  CHECK_THROWS_WITH_AS(fp::gaussian_hmm({.covariances_init = variances(fp::matrix::Constant(2, 2, -1.0))}),
                       "footprint::gaussian_hmm: covariances[0] must be positive", fp::invalid_argument);
  CHECK_THROWS_AS(fp::gaussian_hmm({.max_iter = 0}), fp::invalid_argument);
  fp::gaussian_hmm m;
  CHECK_THROWS_AS((void)m.filter(d.X), fp::not_fitted);
  fp::matrix bad = d.X;
  bad(123, 0) = fp::nan;
  CHECK_THROWS_WITH_AS(m.fit(bad), "footprint::gaussian_hmm::fit: X must be finite; row 123, column 0 is nan",
                       fp::invalid_argument);
  CHECK(!m.is_fitted());
  const fp::gaussian_hmm fixed = reference_model();
  CHECK_THROWS_WITH_AS((void)fixed.log_likelihood(bad),
                       "footprint::gaussian_hmm::log_likelihood: X must be finite; row 123, column 0 is nan",
                       fp::invalid_argument);
  CHECK_THROWS_AS((void)fixed.filter(d.X.leftCols(1)), fp::dimension_mismatch);
  std::vector<int> short_path(10);
  CHECK_THROWS_AS((void)fixed.viterbi(d.X, short_path), fp::dimension_mismatch);
  CHECK_THROWS_AS((void)fp::gaussian_hmm::from_parameters({}, fp::vector(), fp::matrix(), fp::matrix(), {}),
                  fp::invalid_argument);
}

}  // namespace unity_clustering_hmm
