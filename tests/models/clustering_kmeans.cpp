// kmeans against scikit-learn 1.2.1's KMeans (given initial centers, n_init=1, lloyd, tol=0)
// on the committed three-regime data of tests/models/data/clustering
// (make_clustering_reference.py); k-means++ restarts, the label order, empty-cluster
// relocation, determinism and the error messages.
#include "footprint/models/clustering/kmeans.hpp"

#include "models/clustering_reference.hpp"
#include "models/reference_data.hpp"

#include <doctest/doctest.h>

#include <concepts>
#include <string>
#include <vector>

namespace unity_clustering_kmeans {

namespace fp = footprint;
using clustering_ref::ex;

static_assert(std::is_aggregate_v<fp::kmeans_params>);
// The shape of a Clusterer (../shared/STYLE.md section 3): fit(X) -> fit_report, const predict(X) -> regime ids.
static_assert(requires(fp::kmeans & m, const fp::kmeans& cm, const fp::matrix& X) {
  { m.fit(X) } -> std::same_as<fp::fit_report>;
  { cm.predict(X) } -> std::same_as<std::vector<int>>;
  { cm.is_fitted() } -> std::same_as<bool>;
  { cm.n_features() } -> std::same_as<fp::index>;
});

TEST_CASE("kmeans: centers, inertia, labels and n_iter equal scikit-learn's KMeans (lloyd, given init)") {
  const clustering_ref::labelled d = clustering_ref::read_labelled("mixture.csv");
  const fp::matrix init = ex().mat("kmeans.init", 3);
  for (const int iters : {1, 3, 300}) {
    const std::string key = "kmeans.iter" + std::to_string(iters);
    CAPTURE(key);
    fp::kmeans km({.n_clusters = 3,
                   .n_init = 1,
                   .max_iter = iters,
                   .tol = 0.0,
                   .n_local_trials = 0,
                   .seed = 0,
                   .init = init,
                   .order = fp::label_order::none,
                   .order_feature = 0});
    const fp::fit_report r = km.fit(d.X);
    CHECK(ref::rel_err(km.cluster_centers(), ex().mat(key + ".centers", 3)) < 1e-12);
    CHECK(ref::rel_err(km.inertia(), ex().scalar(key + ".inertia")) < 1e-12);
    CHECK(km.n_iter() == static_cast<fp::index>(ex().scalar(key + ".n_iter")));
    const std::vector<int> want = ex().labels(key + ".labels");
    CHECK(std::vector<int>(km.labels().begin(), km.labels().end()) == want);
    CHECK(km.predict(d.X) == want);
    CHECK(r.final_loss == km.inertia());
    CHECK((r.status == fp::fit_status::converged) == (iters == 300));  // sklearn: 7 iterations to converge
  }
}

TEST_CASE("kmeans: k-means++ restarts are deterministic and keep the lowest inertia") {
  const clustering_ref::labelled d = clustering_ref::read_labelled("mixture.csv");
  fp::kmeans a({.n_clusters = 3, .n_init = 10, .seed = 7});
  fp::kmeans b({.n_clusters = 3, .n_init = 10, .seed = 7});
  a.fit(d.X);
  b.fit(d.X);
  CHECK(a.cluster_centers() == b.cluster_centers());  // bit for bit
  CHECK(a.inertia() == b.inertia());
  // Run 0 of n_init = 10 is the only run of n_init = 1 (same stream): ten runs never do worse.
  double worst_single = 0.0;
  for (std::uint64_t seed = 0; seed < 5; ++seed) {
    fp::kmeans one({.n_clusters = 3, .n_init = 1, .seed = seed});
    fp::kmeans ten({.n_clusters = 3, .n_init = 10, .seed = seed});
    one.fit(d.X);
    ten.fit(d.X);
    CHECK(ten.inertia() <= one.inertia());
    worst_single = std::max(worst_single, one.inertia());
  }
  // Ten restarts do at least as well as Lloyd from the reference start (225.339; they find 225.334).
  CHECK(a.inertia() <= ex().scalar("kmeans.iter300.inertia"));
  CHECK(a.inertia() > 0.99 * ex().scalar("kmeans.iter300.inertia"));
  CHECK(worst_single >= a.inertia());
}

TEST_CASE("kmeans: the label order numbers the regimes (variance and mean of a feature)") {
  const clustering_ref::labelled d = clustering_ref::read_labelled("mixture.csv");
  // The true regimes have increasing mean and variance of x0 (calm, normal, stressed).
  fp::kmeans by_var({.n_clusters = 3, .seed = 1});
  fp::kmeans by_mean({.n_clusters = 3, .seed = 1, .order = fp::label_order::mean});
  by_var.fit(d.X);
  by_mean.fit(d.X);
  const fp::matrix& c = by_mean.cluster_centers();
  CHECK(c(0, 0) < c(1, 0));
  CHECK(c(1, 0) < c(2, 0));
  CHECK(clustering_ref::accuracy(by_mean.predict(d.X), d.truth) > 0.85);
  CHECK(clustering_ref::accuracy(by_var.predict(d.X), d.truth) > 0.85);
  // Within-cluster variance of x0 increases with the label.
  std::vector<double> sum(3, 0.0), sum2(3, 0.0), count(3, 0.0);
  const std::span<const int> labels = by_var.labels();
  for (fp::index i = 0; i < d.X.rows(); ++i) {
    const auto l = static_cast<std::size_t>(labels[static_cast<std::size_t>(i)]);
    sum[l] += d.X(i, 0);
    sum2[l] += d.X(i, 0) * d.X(i, 0);
    count[l] += 1.0;
  }
  std::vector<double> var(3);
  for (std::size_t l = 0; l < 3; ++l) var[l] = sum2[l] / count[l] - (sum[l] / count[l]) * (sum[l] / count[l]);
  CHECK(var[0] < var[1]);
  CHECK(var[1] < var[2]);
}

TEST_CASE("kmeans: an empty cluster is re-seeded at the row farthest from its center") {
  fp::matrix X(5, 1);
  X << 0.0, 1.0, 10.0, 11.0, 30.0;
  fp::matrix init(3, 1);
  init << 0.0, 10.0, 100.0;  // no row is nearest to 100: the cluster starts empty
  fp::kmeans km({.n_clusters = 3, .n_init = 1, .tol = 0.0, .init = init, .order = fp::label_order::none});
  const fp::fit_report r = km.fit(X);
  CHECK(km.cluster_centers()(0, 0) == 0.5);
  CHECK(km.cluster_centers()(1, 0) == 10.5);
  CHECK(km.cluster_centers()(2, 0) == 30.0);  // the farthest row, 30 (400 from its center 10)
  CHECK(km.inertia() == 1.0);
  CHECK(r.message.find("1 empty cluster(s) re-seeded") != std::string::npos);
}

TEST_CASE("kmeans: bad parameters and data throw with the row, the value and the constraint") {
  const clustering_ref::labelled d = clustering_ref::read_labelled("mixture.csv");
  CHECK_THROWS_WITH_AS(fp::kmeans({.n_clusters = 0}), "footprint::kmeans: n_clusters must be >= 1 (got 0)",
                       fp::invalid_argument);
  CHECK_THROWS_WITH_AS(fp::kmeans({.n_init = 0}), "footprint::kmeans: n_init must be >= 1 (got 0)",
                       fp::invalid_argument);
  CHECK_THROWS_AS(fp::kmeans({.tol = -1.0}), fp::invalid_argument);
  CHECK_THROWS_AS(fp::kmeans({.n_clusters = 2, .init = fp::matrix::Zero(3, 3)}), fp::dimension_mismatch);
  fp::kmeans km({.n_clusters = 3});
  CHECK_THROWS_AS((void)km.predict(d.X), fp::not_fitted);
  fp::matrix bad = d.X;
  bad(7, 1) = fp::nan;
  CHECK_THROWS_WITH_AS(km.fit(bad), "footprint::kmeans::fit: X must be finite; row 7, column 1 is nan",
                       fp::invalid_argument);
  CHECK(!km.is_fitted());
  CHECK_THROWS_WITH_AS(km.fit(d.X.topRows(2)),
                       "footprint::kmeans::fit: X must have at least n_clusters = 3 rows (got 2)",
                       fp::invalid_argument);
  CHECK_THROWS_AS(fp::kmeans({.n_clusters = 3, .order_feature = 3}).fit(d.X), fp::invalid_argument);
  km.fit(d.X);
  CHECK_THROWS_AS((void)km.predict(d.X.leftCols(2)), fp::dimension_mismatch);
  CHECK_THROWS_WITH_AS((void)km.predict(bad), "footprint::kmeans::predict: X must be finite; row 7, column 1 is nan",
                       fp::invalid_argument);
}

}  // namespace unity_clustering_kmeans
