/// @file models/clustering/detail/gaussian_components.hpp
/// @brief Private to models/clustering: k Gaussian densities (full or diagonal covariance)
/// with their precision Cholesky factors, log densities, the weighted M-step with its
/// variance floor, and dead-component repair; shared by `gaussian_mixture` and `gaussian_hmm`.
/// The formulas are scikit-learn 1.2's (sklearn/mixture/_gaussian_mixture.py).
#pragma once

#include "footprint/detail/concat.hpp"
#include "footprint/error.hpp"
#include "footprint/models/clustering/covariance_type.hpp"
#include "footprint/models/clustering/detail/clustering_common.hpp"
#include "footprint/types.hpp"

#include <Eigen/Cholesky>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>
#include <numeric>
#include <string>
#include <string_view>
#include <vector>

namespace footprint::detail::clustering {

/// k Gaussian densities in d dimensions.
struct gaussian_components {
  covariance_type type = covariance_type::full;
  matrix means;                     ///< (k, d)
  std::vector<matrix> covariances;  ///< k (d, d); diagonal matrices for diag
  matrix variances;                 ///< (k, d) the covariances' diagonals
  std::vector<matrix> prec_chol;    ///< full: k (d, d) P with P P' = covariance^-1
  matrix prec_diag;                 ///< diag: (k, d) 1 / sqrt(variance)
  vector log_det;                   ///< (k) log det P = -log det(covariance) / 2

  [[nodiscard]] index k() const noexcept { return means.rows(); }
  [[nodiscard]] index d() const noexcept { return means.cols(); }

  /// Sets covariance c from a (d, d) matrix (diag: its diagonal) and fills `variances`.
  void set_covariance(index c, const matrix& cov) {
    if (type == covariance_type::full) {
      covariances[static_cast<std::size_t>(c)] = cov;
    } else {
      covariances[static_cast<std::size_t>(c)] = cov.diagonal().asDiagonal();
    }
    variances.row(c) = cov.diagonal().transpose();
  }

  /// Resizes for k components in d dimensions.
  void resize(index k, index d) {
    means.resize(k, d);
    variances.resize(k, d);
    covariances.assign(static_cast<std::size_t>(k), matrix::Zero(d, d));
    prec_chol.assign(type == covariance_type::full ? static_cast<std::size_t>(k) : 0U, matrix());
    prec_diag.resize(type == covariance_type::diag ? k : 0, d);
    log_det.resize(k);
  }

  /// The precision factors from the covariances (scikit-learn's _compute_precision_cholesky).
  /// @throws convergence_error when a covariance is not positive definite (advice: raise reg_covar).
  template <class = void>
  void compute_precisions(std::string_view where, index iteration) {
    const auto fail = [&](index c) {
      fit_report r{.status = fit_status::numerical_issue,
                   .iterations = iteration,
                   .final_loss = nan,
                   .message = concat("the covariance of component ", c,
                                     " is not positive definite; increase reg_covar or scale the features")};
      throw convergence_error(std::string(where), std::move(r));
    };
    for (index c = 0; c < k(); ++c) {
      if (type == covariance_type::full) {
        const Eigen::LLT<matrix> llt(covariances[static_cast<std::size_t>(c)]);
        if (llt.info() != Eigen::Success) fail(c);
        const matrix L = llt.matrixL();
        if (!(L.diagonal().array() > 0.0).all() || !L.allFinite()) fail(c);
        matrix P = L.triangularView<Eigen::Lower>().solve(matrix::Identity(d(), d())).transpose();
        log_det[c] = P.diagonal().array().log().sum();
        prec_chol[static_cast<std::size_t>(c)] = std::move(P);
      } else {
        if (!(variances.row(c).array() > 0.0).all() || !variances.row(c).allFinite()) fail(c);
        prec_diag.row(c) = variances.row(c).array().rsqrt();
        log_det[c] = prec_diag.row(c).array().log().sum();
      }
    }
  }

  /// Sets the precision factors from given precision matrices (full: (d, d) each, diag: (d)
  /// each, as rows of `diag_prec`), and the covariances as their inverses.
  template <class = void>
  bool set_precisions(const std::vector<matrix>& precisions) {
    for (index c = 0; c < k(); ++c) {
      const matrix& Pm = precisions[static_cast<std::size_t>(c)];
      if (type == covariance_type::full) {
        const Eigen::LLT<matrix> llt(Pm);
        if (llt.info() != Eigen::Success) return false;
        matrix P = llt.matrixL();
        log_det[c] = P.diagonal().array().log().sum();
        set_covariance(c, llt.solve(matrix::Identity(d(), d())));
        prec_chol[static_cast<std::size_t>(c)] = std::move(P);
      } else {
        const vector p = Pm.reshaped();
        if (!(p.array() > 0.0).all()) return false;
        prec_diag.row(c) = p.array().sqrt().transpose();
        log_det[c] = prec_diag.row(c).array().log().sum();
        set_covariance(c, matrix(p.cwiseInverse().asDiagonal()));
      }
    }
    return true;
  }

  /// (n, k) log densities log N(x_i; mean_c, covariance_c).
  template <class = void>
  void log_prob(const matrix_cref& X, matrix& out) const {
    out.resize(X.rows(), k());
    const double base = static_cast<double>(d()) * std::log(2.0 * std::numbers::pi);
    for (index c = 0; c < k(); ++c) {
      if (type == covariance_type::full) {
        const matrix Y = (X.rowwise() - means.row(c)) * prec_chol[static_cast<std::size_t>(c)];
        out.col(c) = -0.5 * (Y.rowwise().squaredNorm().array() + base) + log_det[c];
      } else {
        const matrix Y = (X.rowwise() - means.row(c)).array().rowwise() * prec_diag.row(c).array();
        out.col(c) = -0.5 * (Y.rowwise().squaredNorm().array() + base) + log_det[c];
      }
    }
  }

  /// The weighted M-step: means and covariances from responsibilities R (n, k), with
  /// reg_covar added to each diagonal (the variance floor). Returns nk = column sums of R
  /// (without scikit-learn's 10 eps, which the means' denominators do include).
  template <class = void>
  vector m_step(const matrix_cref& X, const matrix& R, double reg_covar) {
    const vector nk = R.colwise().sum().transpose();
    const vector denom = nk.array() + 10.0 * std::numeric_limits<double>::epsilon();
    means = (R.transpose() * X).array().colwise() / denom.array();
    for (index c = 0; c < k(); ++c) {
      const matrix diff = X.rowwise() - means.row(c);
      if (type == covariance_type::full) {
        matrix cov = (diff.array().colwise() * R.col(c).array()).matrix().transpose() * diff / denom[c];
        cov.diagonal().array() += reg_covar;
        set_covariance(c, cov);
      } else {
        const row_vector v =
            ((diff.array().square().colwise() * R.col(c).array()).colwise().sum() / denom[c]) + reg_covar;
        variances.row(c) = v;
        covariances[static_cast<std::size_t>(c)] = v.transpose().asDiagonal();
      }
    }
    return nk;
  }

  /// Number of free parameters of the means and covariances: k d + k covariance_parameters.
  [[nodiscard]] index n_parameters() const noexcept {
    return k() * d() + k() * static_cast<index>(covariance_parameters(type, d()));
  }

  /// Reorders the components: new c = old perm[c].
  void permute(const std::vector<index>& perm) {
    gaussian_components old = *this;
    for (std::size_t r = 0; r < perm.size(); ++r) {
      const auto c = static_cast<index>(r);
      const index o = perm[r];
      means.row(c) = old.means.row(o);
      variances.row(c) = old.variances.row(o);
      covariances[r] = old.covariances[static_cast<std::size_t>(o)];
      if (type == covariance_type::full) prec_chol[r] = old.prec_chol[static_cast<std::size_t>(o)];
      if (type == covariance_type::diag) prec_diag.row(c) = old.prec_diag.row(o);
      log_det[c] = old.log_det[o];
    }
  }
};

/// (d, d) covariance of the rows of X (divided by n) plus reg_covar on the diagonal: the
/// covariance a re-seeded dead component starts from.
template <class = void>  // instantiated where called (STYLE section 8: heavy Eigen code only in templates)
matrix data_covariance(const matrix_cref& X, double reg_covar) {
  const matrix centred = X.rowwise() - X.colwise().mean();
  matrix cov = centred.transpose() * centred / static_cast<double>(X.rows());
  cov.diagonal().array() += reg_covar;
  return cov;
}

/// Dead-component repair: each component c with nk[c] < dead_responsibility gets the mean
/// at the not yet used row of lowest `row_score` (the row the model explains worst) and the
/// data covariance. Returns the repaired components (in index order).
template <class = void>
std::vector<index> reseed_dead(const matrix_cref& X, const vector& nk, const vector& row_score, const matrix& data_cov,
                               gaussian_components& g) {
  std::vector<index> dead;
  for (index c = 0; c < nk.size(); ++c) {
    if (!(nk[c] >= dead_responsibility)) dead.push_back(c);
  }
  if (dead.empty()) return dead;
  std::vector<index> rows(static_cast<std::size_t>(X.rows()));
  std::iota(rows.begin(), rows.end(), index{0});
  std::stable_sort(rows.begin(), rows.end(), [&](index a, index b) { return row_score[a] < row_score[b]; });
  for (std::size_t e = 0; e < dead.size(); ++e) {
    const index c = dead[e];
    g.means.row(c) = X.row(rows[std::min(e, rows.size() - 1)]);
    g.set_covariance(c, data_cov);
  }
  return dead;
}

/// Row-wise log-sum-exp of an (n, k) matrix.
template <class = void>
vector logsumexp_rows(const matrix& A) {
  vector out(A.rows());
  for (index i = 0; i < A.rows(); ++i) {
    const double m = A.row(i).maxCoeff();
    out[i] = std::isinf(m) ? m : m + std::log((A.row(i).array() - m).exp().sum());
  }
  return out;
}

}  // namespace footprint::detail::clustering
