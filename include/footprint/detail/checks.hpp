/// @file detail/checks.hpp
/// @brief footprint's argument checks, once: every module validates its arguments and data
/// with these, so that every message has the same form (../shared/STYLE.md section 5):
///
/// - a scalar: `<where>: <name> must be <constraint> (got <value>)`, e.g.
///   `footprint::square_root_law: tol must be in (0, 1) (got 0)`;
/// - an array: `<where>: <name> must be finite; row <i> is <value>` (matrices add
///   `, column <j>`), naming the first offending entry (0-based);
/// - shapes: `dimension_mismatch` with the expected and the actual extent;
/// - a model asked before `fit`: `not_fitted(<where>)`.
///
/// Values print as "nan", "inf" or "-inf" on every standard library, otherwise at full
/// precision. The checks allocate only to throw.
#pragma once

#include "footprint/detail/concat.hpp"
#include "footprint/error.hpp"
#include "footprint/types.hpp"

#include <cmath>
#include <string>
#include <string_view>

namespace footprint::detail {

/// A double as messages show it: "nan", "inf", "-inf" (libstdc++ would print a NaN with its
/// sign bit set as "-nan"), otherwise full precision.
[[nodiscard]] inline std::string format_number(double v) {
  if (std::isnan(v)) return "nan";
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  return concat(v);
}

/// Throws `invalid_argument` "<where>: <name> must be <constraint> (got <v>)" unless `ok`.
inline void require(bool ok, std::string_view where, std::string_view name, std::string_view constraint, double v) {
  if (!ok) throw invalid_argument(concat(where, ": ", name, " must be ", constraint, " (got ", format_number(v), ")"));
}

/// A scalar that must be finite.
inline void require_finite(double v, std::string_view where, std::string_view name) {
  require(std::isfinite(v), where, name, "finite", v);
}

/// A scalar that must be finite and > 0.
inline void require_positive(double v, std::string_view where, std::string_view name) {
  require(std::isfinite(v) && v > 0.0, where, name, "finite and > 0", v);
}

/// A scalar that must be finite and >= 0.
inline void require_non_negative(double v, std::string_view where, std::string_view name) {
  require(std::isfinite(v) && v >= 0.0, where, name, "finite and >= 0", v);
}

/// Which ends of an interval belong to it.
enum class bounds : unsigned char {
  closed,       ///< [lo, hi]
  open,         ///< (lo, hi)
  closed_open,  ///< [lo, hi)
  open_closed,  ///< (lo, hi]
};

/// A scalar that must lie in an interval, e.g. `require_in(p, 0, 1, bounds::open, where, "p")`
/// -> "<where>: p must be in (0, 1) (got 1.5)". NaN is never in an interval.
inline void require_in(double v, double lo, double hi, bounds b, std::string_view where, std::string_view name) {
  const bool lo_ok = (b == bounds::closed || b == bounds::closed_open) ? v >= lo : v > lo;
  const bool hi_ok = (b == bounds::closed || b == bounds::open_closed) ? v <= hi : v < hi;
  if (lo_ok && hi_ok) return;
  const char* left = (b == bounds::closed || b == bounds::closed_open) ? "[" : "(";
  const char* right = (b == bounds::closed || b == bounds::open_closed) ? "]" : ")";
  require(false, where, name, concat("in ", left, format_number(lo), ", ", format_number(hi), right), v);
}

/// An integer that must be >= lo: "<where>: <name> must be >= <lo> (got <v>)".
inline void require_at_least(index v, index lo, std::string_view where, std::string_view name) {
  if (v < lo) throw invalid_argument(concat(where, ": ", name, " must be >= ", lo, " (got ", v, ")"));
}

/// Throws `not_fitted(<where>)` unless the model is fitted.
inline void require_fitted(bool fitted, std::string_view where) {
  if (!fitted) throw not_fitted(std::string(where));
}

/// A vector whose entries must all be finite; names the first that is not.
/// `where` is anything `concat` prints (a string, or a lazy name that builds only to throw).
template <class Where>
void require_finite(const vector_cref& v, const Where& where, std::string_view name) {
  if (v.allFinite()) return;
  for (index i = 0; i < v.size(); ++i) {
    if (!std::isfinite(v[i]))
      throw invalid_argument(concat(where, ": ", name, " must be finite; row ", i, " is ", format_number(v[i])));
  }
}

/// Whether every entry of X (either storage order) is finite, read in storage order (Eigen's
/// allFinite reads a row-major matrix column by column, across its rows: 3x slower).
template <class Matrix>
[[nodiscard]] bool all_finite(const Matrix& X) {
  if constexpr (Matrix::IsRowMajor) {
    if (X.outerStride() == X.cols()) return Eigen::Map<const vector>(X.data(), X.size()).allFinite();
    for (index i = 0; i < X.rows(); ++i)
      if (!X.row(i).allFinite()) return false;
    return true;
  } else {
    return X.allFinite();
  }
}

/// A matrix (either storage order) whose entries must all be finite; names the first that
/// is not, in column-major order whatever the storage.
template <class Where, class Matrix>
void require_finite_matrix(const Matrix& X, const Where& where, std::string_view name) {
  if (all_finite(X)) return;
  for (index j = 0; j < X.cols(); ++j) {
    for (index i = 0; i < X.rows(); ++i) {
      if (!std::isfinite(X(i, j))) {
        throw invalid_argument(
            concat(where, ": ", name, " must be finite; row ", i, ", column ", j, " is ", format_number(X(i, j))));
      }
    }
  }
}

/// A matrix whose entries must all be finite; names the first that is not (column-major).
template <class Where>
void require_finite(const matrix_cref& X, const Where& where, std::string_view name = "X") {
  require_finite_matrix(X, where, name);
}

/// As require_finite(matrix_cref) on row-major data, read in place (the same message).
template <class Where>
void require_finite(const row_major_view& X, const Where& where, std::string_view name = "X") {
  require_finite_matrix(X, where, name);
}

/// Sample weights: `w.size() == rows`, each finite and >= 0, with a positive sum.
template <class Where>
void require_weights(const vector_cref& w, index rows, const Where& where, std::string_view rows_name = "X.rows()") {
  if (w.size() != rows)
    throw dimension_mismatch(concat(where), concat("sample_weight.size() must equal ", rows_name), rows, w.size());
  double sum = 0.0;
  for (index i = 0; i < w.size(); ++i) {
    if (!(w[i] >= 0.0) || !std::isfinite(w[i])) {
      throw invalid_argument(
          concat(where, ": sample_weight must be finite and >= 0; row ", i, " is ", format_number(w[i])));
    }
    sum += w[i];
  }
  if (!(sum > 0.0))
    throw invalid_argument(concat(where, ": sample_weight must have a positive sum (got ", format_number(sum), ")"));
}

/// What `check_X_y` accepts in X.
enum class missing_values : unsigned char {
  reject,     ///< every entry finite (checked here)
  allow_nan,  ///< NaN marks a missing value (tree models); +-inf is rejected
  unchecked,  ///< the caller checks X itself (e.g. on the fly, from column sums)
};

/// The checks of every `fit(X, y[, w])`, in this order: X has at least one row and one
/// column; y has X.rows() entries; X's entries (by `missing`); y finite; w (when given)
/// as `require_weights`.
template <class Where>
void check_X_y(const Where& where, const matrix_cref& X, const vector_cref& y, const vector_cref* w,
               missing_values missing = missing_values::reject) {
  if (X.rows() < 1 || X.cols() < 1) {
    throw invalid_argument(
        concat(where, ": X must have at least one row and one column (got ", X.rows(), " x ", X.cols(), ")"));
  }
  if (y.size() != X.rows()) throw dimension_mismatch(concat(where), "y.size() must equal X.rows()", X.rows(), y.size());
  if (missing == missing_values::reject) {
    require_finite(X, where);
  } else if (missing == missing_values::allow_nan) {
    for (index j = 0; j < X.cols(); ++j) {
      for (index i = 0; i < X.rows(); ++i) {
        if (std::isinf(X(i, j))) {
          throw invalid_argument(concat(where, ": X must not be infinite (NaN marks a missing value); row ", i,
                                        ", column ", j, " is ", format_number(X(i, j))));
        }
      }
    }
  }
  require_finite(y, where, "y");
  if (w != nullptr) require_weights(*w, X.rows(), where);
}

/// The checks of every `predict(X)`: fitted (else `not_fitted`) and X.cols() == n_features
/// (else `dimension_mismatch`). Allocates only to throw.
template <class Where>
void check_predict(const Where& where, bool fitted, index cols, index n_features) {
  if (!fitted) throw not_fitted(concat(where));
  if (cols != n_features) throw dimension_mismatch(concat(where), "X.cols() must equal n_features()", n_features, cols);
}

/// check_predict on X's columns (either storage order).
template <class Where>
void check_predict(const Where& where, bool fitted, const matrix_cref& X, index n_features) {
  check_predict(where, fitted, X.cols(), n_features);
}
template <class Where>
void check_predict(const Where& where, bool fitted, const row_major_view& X, index n_features) {
  check_predict(where, fitted, X.cols(), n_features);
}

}  // namespace footprint::detail
