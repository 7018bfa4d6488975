/// @file models/clustering/kmeans.hpp
/// @brief `kmeans`: k-means clustering with k-means++ seeding (Arthur and Vassilvitskii 2007)
/// and Lloyd's iterations (Lloyd 1982), restarted n_init times; the regimes of
/// docs/regimes.md in their simplest form, and the initialisation of `gaussian_mixture` and
/// `gaussian_hmm`.
///
/// Includes Eigen/Core only.
#pragma once

#include "footprint/detail/checks.hpp"
#include "footprint/detail/concat.hpp"
#include "footprint/error.hpp"
#include "footprint/models/clustering/detail/clustering_common.hpp"
#include "footprint/models/clustering/label_order.hpp"
#include "footprint/types.hpp"

#include <cstdint>
#include <span>
#include <string>
#include <utility>
#include <vector>

namespace footprint {

/// Hyper-parameters of `kmeans`, validated by its constructor. Defaults are scikit-learn
/// 1.2's `KMeans()` (n_init = 10, algorithm "lloyd"), plus footprint's label order.
struct kmeans_params {
  index n_clusters = 8;  ///< clusters k, >= 1 (fit needs at least k rows)
  index n_init = 10;     ///< k-means++ restarts, >= 1; the run with the lowest inertia is kept
  index max_iter = 300;  ///< Lloyd iterations per run at most, >= 1
  double tol = 1e-4;     ///< stop when the squared shift of the centers is <= tol x the mean feature variance; >= 0
  index n_local_trials =
      0;  ///< k-means++ candidates per center, >= 0; 0: 2 + floor(ln k) (scikit-learn); 1: the original
  std::uint64_t seed = 0;  ///< restart r draws from the stream (seed, r) of detail::xoshiro256ss
  matrix init{};           ///< (n_clusters, n_features) initial centers, or empty for k-means++; given: one run
  label_order order = label_order::variance;  ///< how labels are numbered after the fit (see label_order)
  index order_feature = 0;                    ///< the feature (column of X) the label order reads; in [0, n_features)
};

/// k-means clustering: the k centers minimising the inertia, the sum over rows of the squared
/// Euclidean distance to the nearest center. A `Clusterer`: `fit(X)` then `predict(X)` gives
/// each row's regime id in [0, n_clusters).
///
/// Rows are observations: X is (n_samples, n_features). Features are used as given: scale
/// them first when their units differ.
///
/// Algorithm (scikit-learn 1.2's `KMeans(algorithm="lloyd")`): each of n_init runs seeds
/// its centers by greedy k-means++ (Arthur and Vassilvitskii 2007: each new center drawn
/// with probability proportional to the squared distance to the nearest center chosen so
/// far; of n_local_trials such draws the one that lowers the inertia most is kept), then
/// runs Lloyd's iterations (assign each row to its nearest center, move each center to the
/// mean of its rows) until the labels repeat, the squared center shift is <= tol x the mean
/// feature variance, or max_iter. A cluster left empty is re-seeded at the row farthest from
/// its center (scikit-learn's rule). With given initial centers, kmeans reproduces
/// scikit-learn's centers and inertia to 1e-12 (tests/models/clustering_kmeans.cpp).
///
/// Labels are then renumbered by `params.order` (default: increasing within-cluster variance
/// of feature `order_feature`, so with a volatility there label 0 is the calmest regime).
///
/// Deterministic: same seed and data, same result, on every platform.
/// Thread safety: const member functions may run concurrently after `fit`.
class kmeans {
 public:
  /// A model with scikit-learn's `KMeans()` defaults (8 clusters).
  kmeans() : kmeans(kmeans_params{}) {}

  /// @param params hyper-parameters (see kmeans_params for ranges)
  /// @throws footprint::invalid_argument when a parameter is out of range, e.g.
  ///         `footprint::kmeans: n_init must be >= 1 (got 0)`, or when `init` is non-empty and
  ///         has a number of rows other than n_clusters or a non-finite entry
  explicit kmeans(kmeans_params params) : params_(std::move(params)) {
    const kmeans_params& p = params_;
    detail::require_at_least(p.n_clusters, 1, name, "n_clusters");
    detail::require_at_least(p.n_init, 1, name, "n_init");
    detail::require_at_least(p.max_iter, 1, name, "max_iter");
    detail::require_non_negative(p.tol, name, "tol");
    detail::require_at_least(p.n_local_trials, 0, name, "n_local_trials");
    detail::require_at_least(p.order_feature, 0, name, "order_feature");
    if (p.order != label_order::variance && p.order != label_order::mean && p.order != label_order::none) {
      throw invalid_argument(
          detail::concat(name, ": order must be variance, mean or none (got ", static_cast<int>(p.order), ")"));
    }
    if (p.init.size() != 0) {
      if (p.init.rows() != p.n_clusters) {
        throw dimension_mismatch(name, "init.rows() must equal n_clusters", p.n_clusters, p.init.rows());
      }
      detail::require_finite(matrix_cref(p.init), name, "init");
    }
  }

  /// Fits the centers.
  /// @param X (n_samples, n_features), finite, n_samples >= n_clusters
  /// @return status `converged` (labels repeated or centers moved <= tol) or `max_iterations`
  ///         of the kept run; iterations = its Lloyd iterations; final_loss = its inertia (X
  ///         units squared); the message counts re-seeded empty clusters
  /// @throws footprint::invalid_argument for an empty X, fewer rows than n_clusters or a
  ///         non-finite entry (naming its row and column); footprint::dimension_mismatch when
  ///         init.cols() != X.cols(); footprint::invalid_argument when order_feature >= X.cols().
  ///         On any exception the model is left as it was.
  /// Complexity: O(n_init max_iter n_samples n_clusters n_features).
  fit_report fit(matrix_cref X) {
    const std::string where = detail::concat(name, "::fit");
    detail::clustering::check_fit_X(where, X, params_.n_clusters, "n_clusters");
    if (params_.init.size() != 0 && params_.init.cols() != X.cols()) {
      throw dimension_mismatch(where, "params().init.cols() must equal X.cols()", X.cols(), params_.init.cols());
    }
    if (params_.order_feature >= X.cols()) {
      throw invalid_argument(detail::concat(where, ": order_feature must be < X.cols() = ", X.cols(), " (got ",
                                            params_.order_feature, ")"));
    }
    detail::clustering::kmeans_run run =
        detail::clustering::kmeans_fit(X, params_.n_clusters, params_.n_init, params_.max_iter, params_.tol,
                                       params_.n_local_trials, params_.seed, params_.init);
    // Renumber by the label order: key per cluster from its training rows.
    const index k = params_.n_clusters;
    const index f = params_.order_feature;
    vector key = run.centers.col(f);
    if (params_.order == label_order::variance) {
      vector sum2 = vector::Zero(k);
      vector count = vector::Zero(k);
      for (index i = 0; i < X.rows(); ++i) {
        const int l = run.labels[static_cast<std::size_t>(i)];
        const double d = X(i, f) - run.centers(l, f);
        sum2[l] += d * d;
        count[l] += 1.0;
      }
      key = sum2.array() / count.array().max(1.0);
    }
    const std::vector<index> perm = detail::clustering::order_permutation(key, params_.order);
    std::vector<int> new_label(static_cast<std::size_t>(k));
    for (std::size_t r = 0; r < perm.size(); ++r) new_label[static_cast<std::size_t>(perm[r])] = static_cast<int>(r);
    centers_ = detail::clustering::permute_rows(run.centers, perm);
    labels_ = std::move(run.labels);
    for (int& l : labels_) l = new_label[static_cast<std::size_t>(l)];
    inertia_ = run.inertia;
    n_iter_ = run.n_iter;
    n_features_ = X.cols();
    return {.status = run.converged ? fit_status::converged : fit_status::max_iterations,
            .iterations = run.n_iter,
            .final_loss = run.inertia,
            .message = detail::concat("inertia ", run.inertia, "; ", run.n_relocated, " empty cluster(s) re-seeded")};
  }

  /// The nearest center of each row (first on ties), as a regime id in [0, n_clusters).
  /// @param X (n_samples, n_features), finite
  /// @return (n_samples) labels
  /// @throws footprint::not_fitted before fit; footprint::dimension_mismatch when X.cols() !=
  ///         n_features(); footprint::invalid_argument on a non-finite entry
  [[nodiscard]] std::vector<int> predict(matrix_cref X) const {
    detail::clustering::check_predict_X(detail::concat(name, "::predict"), is_fitted(), X, n_features_);
    std::vector<int> labels(static_cast<std::size_t>(X.rows()));
    matrix D;
    (void)detail::clustering::assign(X, centers_, D, labels);
    return labels;
  }

  /// (n_samples, n_clusters) squared distances of the rows of X to the centers.
  /// @throws as predict(X)
  [[nodiscard]] matrix transform(matrix_cref X) const {
    detail::clustering::check_predict_X(detail::concat(name, "::transform"), is_fitted(), X, n_features_);
    matrix D;
    detail::clustering::squared_distances(X, centers_, D);
    return D;
  }

  /// Sum of squared distances of the rows of X to their nearest centers (X units squared).
  /// @throws as predict(X)
  [[nodiscard]] double inertia(matrix_cref X) const { return transform(X).rowwise().minCoeff().sum(); }

  /// True after a successful fit.
  [[nodiscard]] bool is_fitted() const noexcept { return n_features_ > 0; }
  /// Number of columns of the X of the last fit (0 before).
  [[nodiscard]] index n_features() const noexcept { return n_features_; }
  /// The hyper-parameters.
  [[nodiscard]] const kmeans_params& params() const noexcept { return params_; }
  /// (n_clusters, n_features) centers, in label order (scikit-learn's cluster_centers_). @throws not_fitted
  [[nodiscard]] const matrix& cluster_centers() const {
    detail::require_fitted(is_fitted(), "footprint::kmeans::cluster_centers");
    return centers_;
  }
  /// (n_samples) labels of the training rows (scikit-learn's labels_). @throws not_fitted
  [[nodiscard]] std::span<const int> labels() const {
    detail::require_fitted(is_fitted(), "footprint::kmeans::labels");
    return labels_;
  }
  /// Inertia of the training rows under the final centers (scikit-learn's inertia_). @throws not_fitted
  [[nodiscard]] double inertia() const {
    detail::require_fitted(is_fitted(), "footprint::kmeans::inertia");
    return inertia_;
  }
  /// Lloyd iterations of the kept run (scikit-learn's n_iter_). @throws not_fitted
  [[nodiscard]] index n_iter() const {
    detail::require_fitted(is_fitted(), "footprint::kmeans::n_iter");
    return n_iter_;
  }

 private:
  static constexpr const char* name = "footprint::kmeans";

  kmeans_params params_;
  matrix centers_;
  std::vector<int> labels_;
  double inertia_ = nan;
  index n_iter_ = 0;
  index n_features_ = 0;
};

}  // namespace footprint
