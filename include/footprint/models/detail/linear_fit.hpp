/// @file models/detail/linear_fit.hpp
/// @brief Private machinery shared by footprint's linear models (`ols`, `ridge`,
/// `bayesian_linear`): the weighted centring of scikit-learn's linear models, a streaming
/// factorisation of the design to its spectrum, and the fitted state and prediction entry
/// points they all use (the Gaussian/Student-t predictor is linear_predictor.hpp's). Their argument checks are detail/checks.hpp's; X is checked lazily, through
/// column sums (fit) or the predictions themselves (predict), and scanned only to name a
/// non-finite entry.
///
/// The spectrum: with Xs = sqrt(W) (X - 1 x_offset') and ys = sqrt(W) (y - y_offset) (W the
/// diagonal of sample weights; offsets are the weighted means when fitting an intercept, else
/// zero), and the thin SVD Xs = U S V', every linear model needs only
///   s  = diag(S)           (k = min(n_samples, n_features) singular values, descending),
///   V                      (n_features x n_features, orthogonal; its first k columns pair with s),
///   c  = U' ys             (k),
///   rss_perp = |ys|^2 - |c|^2  (the part of ys no coefficient vector can fit),
/// since for any coefficients b: |ys - Xs b|^2 = rss_perp + |c - S V_k' b|^2. These come
/// from the (n_features + 1)-square R factor of [Xs | ys] (QR route) or from its Gram matrix
/// (normal-equations route), computed in one pass over row blocks.
#pragma once

#include "footprint/detail/checks.hpp"
#include "footprint/detail/concat.hpp"
#include "footprint/distributions/location_scale_t.hpp"
#include "footprint/error.hpp"
#include "footprint/models/detail/linear_predictor.hpp"
#include "footprint/models/detail/where.hpp"
#include "footprint/models/linear/linear_solver.hpp"
#include "footprint/models/linear/linear_statistics.hpp"
#include "footprint/types.hpp"

#include <Eigen/Dense>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <span>
#include <string>
#include <vector>

namespace footprint::detail {

/// The spectrum of the centred, sqrt-weighted design (see the file comment).
struct linear_spectrum {
  index n_rows = 0;          ///< rows of X
  double weight_sum = 0.0;   ///< sum of the sample weights (n_rows when unweighted)
  vector x_offset;           ///< (n_features) weighted column means, or zeros without intercept
  double y_offset = 0.0;     ///< weighted mean of y, or 0 without intercept
  double ys_variance = 0.0;  ///< population variance of the entries of ys (numpy's var)
  vector s;                  ///< (k) singular values of Xs, descending, >= 0
  matrix V;                  ///< (n_features, n_features) orthogonal; columns 0..k-1 pair with s
  vector c;                  ///< (k) U' ys
  double rss_perp = 0.0;     ///< |ys|^2 - |c|^2 >= 0

  /// Number of features.
  [[nodiscard]] index p() const noexcept { return V.rows(); }
  /// Number of singular values, min(n_rows, n_features).
  [[nodiscard]] index k() const noexcept { return s.size(); }
  /// Singular value j padded with zeros up to n_features.
  [[nodiscard]] double s_full(index j) const noexcept { return j < s.size() ? s[j] : 0.0; }
};

/// Rows per block of the streaming factorisation.
[[nodiscard]] inline index block_rows(index q) noexcept { return std::max<index>(1024, 4 * q); }

/// Fills rows [dst, dst + count) of B with the centred, sqrt-weighted rows [src, src + count)
/// of [X | y].
template <class = void>
void fill_block(matrix& B, index dst, const matrix_cref& X, const vector_cref& y, const vector_cref* w,
                const vector& x_offset, double y_offset, index src, index count) {
  const index p = X.cols();
  if (w == nullptr) {
    for (index j = 0; j < p; ++j) {
      B.col(j).segment(dst, count).array() = X.col(j).segment(src, count).array() - x_offset[j];
    }
    B.col(p).segment(dst, count).array() = y.segment(src, count).array() - y_offset;
  } else {
    const auto sw = w->segment(src, count).array().sqrt();
    for (index j = 0; j < p; ++j) {
      B.col(j).segment(dst, count).array() = (X.col(j).segment(src, count).array() - x_offset[j]) * sw;
    }
    B.col(p).segment(dst, count).array() = (y.segment(src, count).array() - y_offset) * sw;
  }
}

/// QR route: tall-skinny QR of [Xs | ys] in row blocks; fills s, V, c, rss_perp.
/// (The fitting functions of this file are templates, with a default argument that callers
/// never give, so that Eigen's decompositions are compiled only in translation units that fit a
/// model: instantiated in every TU that includes a model, they cost seconds each.)
template <class = void>
void spectrum_by_qr(linear_spectrum& out, const matrix_cref& X, const vector_cref& y, const vector_cref* w) {
  const index n = X.rows();
  const index p = X.cols();
  const index q = p + 1;
  const index block = block_rows(q);
  matrix B(q + block, q);  // rows [0, r_rows): the R factor so far; then the next block
  index r_rows = 0;
  for (index start = 0; start < n; start += block) {
    const index count = std::min(block, n - start);
    fill_block(B, r_rows, X, y, w, out.x_offset, out.y_offset, start, count);
    const index m = r_rows + count;
    Eigen::Ref<matrix> top = B.topRows(m);
    Eigen::HouseholderQR<Eigen::Ref<matrix>> qr(top);  // in place: R in the upper triangle
    r_rows = std::min(m, q);
    for (index j = 0; j < q; ++j) {
      for (index i = j + 1; i < r_rows; ++i) B(i, j) = 0.0;
    }
  }
  const index k = std::min(r_rows, p);
  // JacobiSVD: the R factor is at most (n_features, n_features), and below 16 columns Eigen's
  // BDCSVD runs exactly this JacobiSVD (its algoswap); BDCSVD costs four times its compile time.
  Eigen::JacobiSVD<matrix> svd(B.topLeftCorner(k, p), Eigen::ComputeFullU | Eigen::ComputeFullV);
  out.s = svd.singularValues();
  out.V = svd.matrixV();
  out.c = svd.matrixU().transpose() * B.col(p).head(k);
  out.rss_perp = r_rows > p ? B(p, p) * B(p, p) : 0.0;
}

/// The spectrum from the Gram matrix G of [Xs | ys] ((n_features + 1) square, lower
/// triangle read) of n rows: the eigensystem of Xs'Xs; fills s, V, c, rss_perp. Returns
/// |ys|^2 = G(p, p).
template <class = void>
double spectrum_from_gram(linear_spectrum& out, const matrix& G, index n) {
  const index p = G.rows() - 1;
  // row p holds Xs'ys, G(p, p) holds |ys|^2
  const vector t = G.row(p).head(p).transpose();
  const double yy = G(p, p);
  Eigen::SelfAdjointEigenSolver<matrix> eig(G.topLeftCorner(p, p));  // reads the lower triangle
  const index k = std::min(n, p);
  out.V = eig.eigenvectors().rowwise().reverse();  // descending eigenvalues
  const vector lam = eig.eigenvalues().reverse();
  const double cutoff =
      std::max(lam[0], 0.0) * std::numeric_limits<double>::epsilon() * static_cast<double>(std::max(n, p));
  out.s = vector::Zero(k);
  out.c = vector::Zero(k);
  const vector vt_t = out.V.transpose() * t;
  double cc = 0.0;
  for (index i = 0; i < k; ++i) {
    if (lam[i] > cutoff) {
      out.s[i] = std::sqrt(lam[i]);
      out.c[i] = vt_t[i] / out.s[i];
      cc += out.c[i] * out.c[i];
    }
  }
  out.rss_perp = std::max(yy - cc, 0.0);
  return yy;
}

/// Normal-equations route: Gram matrix of [Xs | ys] in row blocks, then the eigensystem of
/// Xs'Xs; fills s, V, c, rss_perp. Returns |ys|^2.
template <class = void>
double spectrum_by_gram(linear_spectrum& out, const matrix_cref& X, const vector_cref& y, const vector_cref* w) {
  const index n = X.rows();
  const index p = X.cols();
  const index q = p + 1;
  const index block = block_rows(q);
  matrix G = matrix::Zero(q, q);
  matrix B(block, q);
  for (index start = 0; start < n; start += block) {
    const index count = std::min(block, n - start);
    fill_block(B, 0, X, y, w, out.x_offset, out.y_offset, start, count);
    G.selfadjointView<Eigen::Lower>().rankUpdate(B.topRows(count).transpose());
  }
  return spectrum_from_gram(out, G, n);
}

/// The spectrum of merged sufficient statistics (`linear_statistics`): the normal-equations
/// route on the centred cross-product matrix M (with intercept), or, without intercept, on
/// the uncentred moments rebuilt from it, M + W zbar zbar' (zbar = [xbar; ybar], W the weight
/// sum). Equals `decompose` of all the rows on a well-conditioned design (to rounding: the
/// tests measure 1e-12 relative); a design `decompose` would send to QR (s_min/s_max <= 1e-4
/// or a residual below 1e-6 of |ys|^2) loses up to eps cond^2 here, as the normal
/// equations do.
/// @throws invalid_argument, naming `where`, when the statistics are empty
/// Complexity: O(n_features^3).
template <class = void>
linear_spectrum spectrum_from_statistics(const linear_statistics& stats, bool fit_intercept,
                                         const std::string& where = "footprint::detail::spectrum_from_statistics") {
  if (stats.empty()) {
    throw invalid_argument(concat(where, ": the statistics are empty (no rows were added): nothing to fit"));
  }
  const index n = stats.n_rows();
  const index p = stats.n_features();
  linear_spectrum out;
  out.n_rows = n;
  out.weight_sum = stats.weight_sum();
  const double nd = static_cast<double>(n);
  matrix G = stats.cross_product();
  double mean_ys = 0.0;  // the mean of the entries of ys, sum sqrt(w) (y - y_offset) / n
  if (fit_intercept) {
    out.x_offset = stats.x_mean();
    out.y_offset = stats.y_mean();
    mean_ys = stats.sqrt_weight_y_deviation() / nd;
  } else {
    out.x_offset = vector::Zero(p);
    out.y_offset = 0.0;
    vector z(p + 1);
    z.head(p) = stats.x_mean();
    z[p] = stats.y_mean();
    G.noalias() += stats.weight_sum() * (z * z.transpose());
    mean_ys = (stats.sqrt_weight_y_deviation() + stats.y_mean() * stats.sqrt_weight_sum()) / nd;
  }
  if (!G.allFinite()) {
    throw invalid_argument(concat(where, ": the statistics overflow (values too large)"));
  }
  out.ys_variance = std::max(G(p, p) / nd - mean_ys * mean_ys, 0.0);
  (void)spectrum_from_gram(out, G, n);
  return out;
}

/// Computes the spectrum of the centred, sqrt-weighted [X | y] (see the file comment), and
/// checks that X is finite (through its column sums: a NaN or infinity makes one non-finite;
/// only then is X scanned, to name the entry). Inputs must have passed
/// `check_X_y(where, X, y, w, missing_values::unchecked)`.
///
/// `automatic` takes the normal-equations route and keeps it when the centred design is well
/// conditioned, s_min/s_max > 1e-4 (its error, about eps cond(X)^2, is then below 1e-8), and
/// the residual keeps more than 1e-6 of |ys|^2 (so the subtraction that forms it loses at
/// most 6 digits); otherwise it recomputes by QR.
/// Complexity: O(n p^2) time (twice that for the QR route), O(p^2 + block_rows(p) p) memory.
template <class = void>
linear_spectrum decompose(const std::string& where, const matrix_cref& X, const vector_cref& y, const vector_cref* w,
                          bool fit_intercept, linear_solver solver) {
  const index n = X.rows();
  const index p = X.cols();
  linear_spectrum out;
  out.n_rows = n;
  out.weight_sum = w == nullptr ? static_cast<double>(n) : w->sum();
  // column sums (weighted): the means, and the finiteness check of X
  const vector sums = w == nullptr ? vector(X.colwise().sum().transpose()) : vector(X.transpose() * *w);
  if (!sums.allFinite()) {
    require_finite(X, where);  // throws, naming the entry
    for (index j = 0; j < p; ++j) {
      if (!std::isfinite(sums[j])) {
        throw invalid_argument(concat(where, ": X column ", j, " overflows when summed (values too large)"));
      }
    }
  }
  out.x_offset = fit_intercept ? vector(sums / out.weight_sum) : vector(vector::Zero(p));
  if (fit_intercept) out.y_offset = (w == nullptr ? y.sum() : y.dot(*w)) / out.weight_sum;
  {  // numpy's var of ys (two passes), for BayesianRidge's initial noise precision
    const auto ys = [&](index i) { return (y[i] - out.y_offset) * (w == nullptr ? 1.0 : std::sqrt((*w)[i])); };
    double sum = 0.0;
    for (index i = 0; i < n; ++i) sum += ys(i);
    const double m = sum / static_cast<double>(n);
    double ss = 0.0;
    for (index i = 0; i < n; ++i) ss += (ys(i) - m) * (ys(i) - m);
    out.ys_variance = ss / static_cast<double>(n);
  }
  if (solver == linear_solver::qr) {
    spectrum_by_qr(out, X, y, w);
    return out;
  }
  const double yy = spectrum_by_gram(out, X, y, w);
  if (solver == linear_solver::normal_equations) return out;
  const bool well_conditioned = out.k() == p && out.s[p - 1] > 1e-4 * out.s[0];
  const bool residual_kept = out.rss_perp > 1e-6 * yy;
  if (!(well_conditioned && residual_kept)) spectrum_by_qr(out, X, y, w);
  return out;
}

/// The fitted state and the prediction entry points shared by the linear models; each
/// model forwards to it with its own name for messages (e.g. "footprint::ols").
struct linear_model_state {
  linear_predictor predictor;
  bool fitted = false;
  index n_features = 0;
  std::string distribution_error;  ///< why predict_distribution is unavailable; empty when it is

  // (templates, like the fits: the products compile only where a model predicts; Matrix is
  // matrix_cref or row_major_view, which give the same bits)
  template <class Matrix>
  void predict(const char* model, const Matrix& X, vector_ref out) const {
    const where_t where{model, "predict"};
    check_predict(where, fitted, X, n_features);
    if (out.size() != X.rows()) {
      throw dimension_mismatch(where.str(), "out.size() must equal X.rows()", X.rows(), out.size());
    }
    predictor.mean_into(X, out);
    if (!out.allFinite()) require_finite(X, where);  // a non-finite input is named
  }

  /// The mean of one row, without allocating or throwing: the same sum as predict(X) on a
  /// one-row X (bit-identical to it); NaN before fit or when x.size() != n_features.
  template <class = void>
  [[nodiscard]] double predict_row(std::span<const double> x) const noexcept {
    if (!fitted || static_cast<index>(x.size()) != n_features) return nan;
    return predictor.mean_of_row(row_major_view(x.data(), 1, n_features), 0);
  }

  template <class Matrix>
  [[nodiscard]] vector predict(const char* model, const Matrix& X) const {
    vector out(X.rows());
    predict(model, X, out);
    return out;
  }

  template <class Matrix>
  [[nodiscard]] std::vector<location_scale_t> predict_distribution(const char* model, const Matrix& X) const {
    check_distribution(model, X.cols());
    return predictor.distributions(X, where_t{model, "predict_distribution"});
  }

  template <class Matrix>
  void predict_distribution(const char* model, const Matrix& X, std::span<location_scale_t> out) const {
    check_distribution(model, X.cols());
    if (static_cast<index>(out.size()) != X.rows()) {
      throw dimension_mismatch(where_t{model, "predict_distribution"}.str(), "out.size() must equal X.rows()", X.rows(),
                               static_cast<index>(out.size()));
    }
    predictor.distributions_into(X, out, where_t{model, "predict_distribution"});
  }

  /// The predictor, or not_fitted naming model::what.
  [[nodiscard]] const linear_predictor& get(const char* model, const char* what) const {
    if (!fitted) throw not_fitted(where_t{model, what}.str());
    return predictor;
  }

 private:
  void check_distribution(const char* model, index cols) const {
    const where_t where{model, "predict_distribution"};
    check_predict(where, fitted, cols, n_features);
    if (!distribution_error.empty()) throw invalid_argument(concat(where, ": ", distribution_error));
  }
};

}  // namespace footprint::detail
