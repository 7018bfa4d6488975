/// @file models/linear/linear_solver.hpp
/// @brief How footprint's linear models factorise the design matrix.
///
/// A cheap vocabulary header (standard library only), shared by `ols`, `ridge` and
/// `bayesian_linear`. See docs/bayesian-linear.md ("Numerics") for the trade-off.
#pragma once

#include <cstdint>
#include <string_view>

namespace footprint {

/// The factorisation behind a linear model's fit.
///
/// Both reduce the centred (and sqrt-weighted) design, augmented with the target, to a
/// (n_features + 1)-square summary in one streaming pass over the rows; an SVD of that
/// summary then gives every quantity the models need.
enum class linear_solver : std::uint8_t {
  /// `normal_equations` when the centred design is well conditioned (s_min/s_max > 1e-4,
  /// so its error stays below about 1e-8 relative) and the fit leaves more than 1e-6 of the
  /// target's sum of squares unexplained; otherwise `qr`. The default: fast on the usual
  /// data, robust on collinear or near-exact fits.
  automatic,
  /// Householder QR of row blocks, merged block by block (tall-skinny QR; Demmel, Grigori,
  /// Hoemmen & Langou 2012). As accurate as scikit-learn's SVD of the full matrix: errors
  /// grow with cond(X), and exactly collinear columns are handled.
  qr,
  /// Gram matrix X'X with a symmetric eigendecomposition (the normal equations). About
  /// twice as fast as `qr`, but errors grow with cond(X)^2 and the residual sum of squares
  /// is formed by subtraction: use it for well-conditioned features.
  normal_equations,
};

/// True for the named enumerators (a cast integer may be none of them).
[[nodiscard]] constexpr bool is_valid(linear_solver s) noexcept {
  return s == linear_solver::automatic || s == linear_solver::qr || s == linear_solver::normal_equations;
}

/// Name of a solver, e.g. "qr".
[[nodiscard]] constexpr std::string_view to_string(linear_solver s) noexcept {
  switch (s) {
    case linear_solver::automatic: return "automatic";
    case linear_solver::qr: return "qr";
    case linear_solver::normal_equations: return "normal_equations";
  }
  return "unknown";
}

}  // namespace footprint
