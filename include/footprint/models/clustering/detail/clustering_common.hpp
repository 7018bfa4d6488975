/// @file models/clustering/detail/clustering_common.hpp
/// @brief Private to models/clustering: the data checks, squared distances, the label
/// permutation of `label_order`, and one k-means run (k-means++ seeding and Lloyd
/// iterations), shared by `kmeans`, `gaussian_mixture` and `gaussian_hmm`.
#pragma once

#include "footprint/detail/checks.hpp"
#include "footprint/detail/concat.hpp"
#include "footprint/detail/random.hpp"
#include "footprint/error.hpp"
#include "footprint/models/clustering/label_order.hpp"
#include "footprint/types.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <numeric>
#include <string_view>
#include <vector>

namespace footprint::detail::clustering {

/// A component (cluster, state) whose responsibilities sum to less than this many rows is
/// dead and is re-seeded (docs/regimes.md, "Dead components").
inline constexpr double dead_responsibility = 1e-3;

/// The checks of every fit(X): at least `min_rows` rows (`what`: the parameter that sets it) and one column, every entry finite
/// (the message names the first bad row and column).
inline void check_fit_X(std::string_view where, const matrix_cref& X, index min_rows,
                        std::string_view what = "n_components") {
  if (X.rows() < 1 || X.cols() < 1) {
    throw invalid_argument(
        concat(where, ": X must have at least one row and one column (got ", X.rows(), " x ", X.cols(), ")"));
  }
  if (X.rows() < min_rows) {
    throw invalid_argument(
        concat(where, ": X must have at least ", what, " = ", min_rows, " rows (got ", X.rows(), ")"));
  }
  require_finite(X, where);
}

/// True when the square matrix S is symmetric (to 1e-12 relative) and positive definite: a
/// plain Cholesky loop, so that the parameter checks of the constructors instantiate no
/// Eigen decomposition (the headers stay cheap to include).
template <class = void>  // instantiated where called (STYLE section 8: heavy Eigen code only in templates)
bool is_positive_definite(const matrix& S) {
  const index d = S.rows();
  if (S.cols() != d || d < 1 || !S.allFinite()) return false;
  const double scale = S.cwiseAbs().maxCoeff();
  matrix L = matrix::Zero(d, d);
  for (index j = 0; j < d; ++j) {
    for (index i = 0; i < j; ++i) {
      if (std::abs(S(i, j) - S(j, i)) > 1e-12 * scale) return false;
    }
    double diag = S(j, j);
    for (index m = 0; m < j; ++m) diag -= L(j, m) * L(j, m);
    if (!(diag > 0.0)) return false;
    L(j, j) = std::sqrt(diag);
    for (index i = j + 1; i < d; ++i) {
      double v = S(i, j);
      for (index m = 0; m < j; ++m) v -= L(i, m) * L(j, m);
      L(i, j) = v / L(j, j);
    }
  }
  return true;
}

/// The checks of every predict/score(X): fitted, X.cols() == n_features, finite.
inline void check_predict_X(std::string_view where, bool fitted, const matrix_cref& X, index n_features) {
  check_predict(where, fitted, X, n_features);
  require_finite(X, where);
}

/// (n, k) squared Euclidean distances of the rows of X to the rows of C.
template <class = void>
void squared_distances(const matrix_cref& X, const matrix& C, matrix& D) {
  D.resize(X.rows(), C.rows());
  for (index k = 0; k < C.rows(); ++k) D.col(k) = (X.rowwise() - C.row(k)).rowwise().squaredNorm();
}

/// The permutation that sorts `key` increasingly, ties in index order: new label r is old
/// component perm[r]. `label_order::none` gives the identity.
inline std::vector<index> order_permutation(const vector& key, label_order order) {
  std::vector<index> perm(static_cast<std::size_t>(key.size()));
  std::iota(perm.begin(), perm.end(), index{0});
  if (order != label_order::none) {
    std::stable_sort(perm.begin(), perm.end(), [&](index a, index b) { return key[a] < key[b]; });
  }
  return perm;
}

/// Rows of M in the order perm (new row r = old row perm[r]).
inline matrix permute_rows(const matrix& M, const std::vector<index>& perm) {
  matrix out(M.rows(), M.cols());
  for (std::size_t r = 0; r < perm.size(); ++r) out.row(static_cast<index>(r)) = M.row(perm[r]);
  return out;
}

/// Entries of v in the order perm.
inline vector permute(const vector& v, const std::vector<index>& perm) {
  vector out(v.size());
  for (std::size_t r = 0; r < perm.size(); ++r) out[static_cast<index>(r)] = v[perm[r]];
  return out;
}

/// Argmax of each row of an (n, k) matrix, as int labels (first maximum on ties).
template <class M>
std::vector<int> row_argmax(const M& P) {
  std::vector<int> out(static_cast<std::size_t>(P.rows()));
  for (index i = 0; i < P.rows(); ++i) {
    index best = 0;
    for (index k = 1; k < P.cols(); ++k) {
      if (P(i, k) > P(i, best)) best = k;
    }
    out[static_cast<std::size_t>(i)] = static_cast<int>(best);
  }
  return out;
}

/// Greedy k-means++ seeding (Arthur and Vassilvitskii 2007, with scikit-learn's greedy
/// variant: `n_local_trials` candidates per step, the one lowering the potential most is
/// kept; 1 trial is the original algorithm). Returns (k, d) centers, rows of X.
template <class = void>
matrix kmeans_plusplus(const matrix_cref& X, index k, index n_local_trials, xoshiro256ss& rng) {
  const index n = X.rows();
  matrix C(k, X.cols());
  const auto first = static_cast<index>(rng.below(static_cast<std::uint64_t>(n)));
  C.row(0) = X.row(first);
  vector closest = (X.rowwise() - C.row(0)).rowwise().squaredNorm();
  double pot = closest.sum();
  vector cumsum(n);
  vector trial(n);
  vector best_dist(n);
  for (index c = 1; c < k; ++c) {
    std::partial_sum(closest.begin(), closest.end(), cumsum.begin());
    double best_pot = std::numeric_limits<double>::infinity();
    index best_id = 0;
    for (index t = 0; t < n_local_trials; ++t) {
      const double r = rng.uniform() * pot;
      // first index whose cumulative potential reaches r (numpy's searchsorted, side "left")
      auto id = static_cast<index>(std::lower_bound(cumsum.begin(), cumsum.end(), r) - cumsum.begin());
      id = std::min(id, n - 1);
      trial = (X.rowwise() - X.row(id)).rowwise().squaredNorm().cwiseMin(closest);
      const double p = trial.sum();
      if (p < best_pot) {
        best_pot = p;
        best_id = id;
        best_dist = trial;
      }
    }
    C.row(c) = X.row(best_id);
    closest = best_dist;
    pot = best_pot;
  }
  return C;
}

/// The outcome of one k-means run.
struct kmeans_run {
  matrix centers;           ///< (k, d)
  std::vector<int> labels;  ///< (n) cluster of each row under `centers`
  double inertia = 0.0;     ///< sum of squared distances of the rows to their centers
  index n_iter = 0;         ///< Lloyd iterations run
  bool converged = false;   ///< labels stopped changing or the centers moved <= tol
  index n_relocated = 0;    ///< empty clusters re-seeded over the run
};

/// Assigns each row to its nearest center (first on ties); returns the inertia.
template <class = void>
double assign(const matrix_cref& X, const matrix& C, matrix& D, std::vector<int>& labels) {
  squared_distances(X, C, D);
  double inertia = 0.0;
  for (index i = 0; i < X.rows(); ++i) {
    index best = 0;
    for (index k = 1; k < C.rows(); ++k) {
      if (D(i, k) < D(i, best)) best = k;
    }
    labels[static_cast<std::size_t>(i)] = static_cast<int>(best);
    inertia += D(i, best);
  }
  return inertia;
}

/// Lloyd's iterations from `centers` (scikit-learn 1.2's `_kmeans_single_lloyd`): assign,
/// recompute the means, stop when the labels repeat or the squared center shift is <= tol
/// (absolute), then assign once more. An empty cluster is re-seeded at the rows farthest
/// from their current centers (scikit-learn's `_relocate_empty_clusters_dense`).
template <class = void>
kmeans_run lloyd(const matrix_cref& X, matrix centers, index max_iter, double tol) {
  const index n = X.rows();
  const index k = centers.rows();
  kmeans_run run;
  run.labels.assign(static_cast<std::size_t>(n), -1);
  std::vector<int> old(static_cast<std::size_t>(n), -1);
  matrix D;
  matrix sums(k, X.cols());
  vector counts(k);
  for (index it = 0; it < max_iter; ++it) {
    assign(X, centers, D, run.labels);
    sums.setZero();
    counts.setZero();
    for (index i = 0; i < n; ++i) {
      const int l = run.labels[static_cast<std::size_t>(i)];
      sums.row(l) += X.row(i);
      counts[l] += 1.0;
    }
    std::vector<index> empty;
    for (index c = 0; c < k; ++c) {
      if (counts[c] == 0.0) empty.push_back(c);
    }
    if (!empty.empty()) {
      vector far(n);
      for (index i = 0; i < n; ++i) far[i] = D(i, run.labels[static_cast<std::size_t>(i)]);
      std::vector<index> rows(static_cast<std::size_t>(n));
      std::iota(rows.begin(), rows.end(), index{0});
      std::stable_sort(rows.begin(), rows.end(), [&](index a, index b) { return far[a] > far[b]; });
      for (std::size_t e = 0; e < empty.size(); ++e) {
        const index i = rows[e];
        const int from = run.labels[static_cast<std::size_t>(i)];
        sums.row(from) -= X.row(i);
        counts[from] -= 1.0;
        sums.row(empty[e]) = X.row(i);
        counts[empty[e]] = 1.0;
      }
      run.n_relocated += static_cast<index>(empty.size());
    }
    matrix next = sums.array().colwise() / counts.array().max(1.0);
    for (index c = 0; c < k; ++c) {
      if (counts[c] == 0.0) next.row(c) = centers.row(c);  // emptied by a relocation: keep
    }
    const double shift = (next - centers).squaredNorm();
    centers.swap(next);
    run.n_iter = it + 1;
    if (run.labels == old) {
      run.converged = true;
      break;
    }
    if (shift <= tol) {
      run.converged = true;
      break;
    }
    old = run.labels;
  }
  run.inertia = assign(X, centers, D, run.labels);
  run.centers = std::move(centers);
  return run;
}

/// scikit-learn's scaled tolerance: tol times the mean of the features' variances.
template <class = void>
double scaled_tol(const matrix_cref& X, double tol) {
  if (tol == 0.0) return 0.0;
  const row_vector mean = X.colwise().mean();
  const double var = (X.rowwise() - mean).colwise().squaredNorm().sum() / static_cast<double>(X.rows() * X.cols());
  return tol * var;
}

/// n_init seeded k-means++ runs with Lloyd iterations, keeping the lowest inertia (the first
/// on ties); run r draws from the stream (seed, r). With `init` non-empty, one run from it.
template <class = void>
kmeans_run kmeans_fit(const matrix_cref& X, index k, index n_init, index max_iter, double tol, index n_local_trials,
                      std::uint64_t seed, const matrix& init) {
  const double abs_tol = scaled_tol(X, tol);
  if (init.size() != 0) return lloyd(X, init, max_iter, abs_tol);
  if (n_local_trials <= 0) n_local_trials = 2 + static_cast<index>(std::log(static_cast<double>(k)));
  kmeans_run best;
  best.inertia = std::numeric_limits<double>::infinity();
  for (index r = 0; r < n_init; ++r) {
    xoshiro256ss rng(seed, static_cast<std::uint64_t>(r));
    kmeans_run run = lloyd(X, kmeans_plusplus(X, k, n_local_trials, rng), max_iter, abs_tol);
    if (run.inertia < best.inertia) best = std::move(run);
  }
  return best;
}

}  // namespace footprint::detail::clustering
