/// @file models/trees/tree_ensemble.hpp
/// @brief `tree_ensemble`: the inference engine of footprint's tree models: a base score
/// plus the sum of regression trees, compiled into flat, cache-friendly node arrays with
/// branch-free traversal. Serves `random_forest`, `gradient_boosting` and models imported
/// from XGBoost (io/xgboost_model.hpp). Its fitted state is the public aggregate
/// `tree_ensemble_state`; the three inference layouts live in models/detail/tree_layout_*.hpp.
#pragma once

#include "footprint/detail/checks.hpp"
#include "footprint/detail/concat.hpp"
#include "footprint/detail/parallel.hpp"
#include "footprint/error.hpp"
#include "footprint/models/detail/tree_layout_common.hpp"
#include "footprint/models/detail/tree_layout_heap.hpp"
#include "footprint/models/detail/tree_layout_linked.hpp"
#include "footprint/models/detail/tree_layout_rank.hpp"
#include "footprint/models/trees/regression_tree.hpp"
#include "footprint/types.hpp"

#include <algorithm>
#include <cstdint>
#include <span>
#include <string_view>
#include <utility>
#include <vector>

#ifdef _OPENMP
#include <omp.h>
#endif

namespace footprint {

/// How a tree_ensemble walks its trees; chosen when it is built (see tree_ensemble).
enum class tree_layout {
  linked,       ///< 16-byte nodes with siblings adjacent: any tree
  heap,         ///< perfect trees in heap order, 64-bit integer keys: depth <= 8, <= 128 features
  rank_avx512,  ///< 64 trees per AVX-512 vector, 8-bit threshold ranks: depth 1 to 6, <= 32
                ///< features, <= 255 distinct thresholds per feature, CPU with AVX-512 VBMI
};

/// The fitted state of a `tree_ensemble`: everything it is built from (and everything
/// io/tree_model_json.hpp saves). prediction = scale * (base_score + sum over trees of the
/// leaf value reached by the row).
struct tree_ensemble_state {
  std::vector<regression_tree> trees;  ///< the trees, in summation order (each valid by construction)
  double base_score = 0.0;             ///< added to the sum of the trees, units of y; finite
  index n_features = 0;                ///< columns of X, in [1, 65535], >= every tree's min_features()
  double scale = 1.0;                  ///< multiplies the total (1 for boosting, 1/n_trees for a forest); finite
  bool float_accumulation = false;     ///< round the running sum to float after every tree (XGBoost)

  friend bool operator==(const tree_ensemble_state&, const tree_ensemble_state&) = default;
};

/// A sum of regression trees: prediction = scale * (base_score + sum over trees of the leaf
/// value reached by the row). Random forests use scale = 1/n_trees and base 0; boosting
/// uses scale 1.
///
/// Inference uses a compiled copy of the trees, in one of three layouts (layout()):
/// - when every tree has depth 1 to 6, there are at most 32 features with at most 255
///   distinct thresholds each (boosting with <= 256 bins), and the CPU has AVX-512 VBMI
///   (checked at run time; GCC or Clang on x86-64), the row is first ranked against each
///   feature's sorted thresholds, and 64 trees are evaluated at once, level by level: one
///   byte permute fetches the 64 trees' row ranks at a heap position and one byte compare
///   gives their 64 directions; each tree's path bits select its own node (docs/
///   tree-ensembles.md, "Serving");
/// - otherwise, when every tree has depth <= 8 and there are at most 128 features (depthwise
///   boosting), each tree is padded to a perfect binary tree in heap order (children of node
///   k are 2k and 2k+1, so the next index is 2k + [x > threshold]), values are compared as
///   order-preserving 64-bit integer keys, and several trees (one row) or several rows (one
///   tree) are walked at a time so that the walks overlap;
/// - otherwise, 16-byte nodes with siblings adjacent and leaves that loop on themselves,
///   walked with a fixed number of branch-free steps per tree.
/// Single-row prediction does not allocate; batch prediction works on blocks of 64 rows,
/// in parallel over blocks (OpenMP). Every layout gives exactly the result of the
/// `x <= threshold` rule of regression_tree.
///
/// With `float_accumulation` the running sum is rounded to float after every tree, as
/// XGBoost does, so that imported XGBoost models reproduce its predictions exactly.
///
/// Thread safety: const member functions may run concurrently.
class tree_ensemble {
 public:
  /// An empty ensemble (not usable for prediction: n_features() = 0; state() throws).
  tree_ensemble() = default;

  /// @param trees        the trees; their features must be < n_features
  /// @param base_score   added to the sum of the trees, units of y, finite
  /// @param n_features   number of columns of X, in [1, 65535] (and >= every tree's min_features())
  /// @param scale        multiplies the total (1 for boosting, 1/n_trees for a forest), finite
  /// @param float_accumulation round the running sum to float after each tree (XGBoost)
  /// @throws footprint::invalid_argument when a tree uses a feature >= n_features, or
  ///         base_score or scale is not finite, or n_features is outside [1, 65535]
  tree_ensemble(std::vector<regression_tree> trees, double base_score, index n_features, double scale = 1.0,
                bool float_accumulation = false)
      : tree_ensemble("footprint::tree_ensemble",
                      tree_ensemble_state{std::move(trees), base_score, n_features, scale, float_accumulation}) {}

  /// Builds an ensemble from its state (e.g. one read from a file), validating every field.
  /// @param state the trees, base score, n_features, scale and float accumulation
  /// @throws footprint::invalid_argument naming the field, e.g.
  ///         `footprint::tree_ensemble::from_state: trees[3] must use features < n_features = 4 (got feature 5)`
  /// Complexity: O(total nodes) (the layouts are compiled).
  [[nodiscard]] static tree_ensemble from_state(tree_ensemble_state state) {
    return tree_ensemble("footprint::tree_ensemble::from_state", std::move(state));
  }

  /// The fitted state (the trees and how they are summed); no copy.
  /// @throws footprint::not_fitted for an empty (default-constructed) ensemble
  [[nodiscard]] const tree_ensemble_state& state() const {
    detail::require_fitted(state_.n_features > 0, "footprint::tree_ensemble::state");
    return state_;
  }

  /// The trees, in summation order.
  [[nodiscard]] const std::vector<regression_tree>& trees() const noexcept { return state_.trees; }
  /// Number of trees.
  [[nodiscard]] index n_trees() const noexcept { return static_cast<index>(state_.trees.size()); }
  /// Base score, units of y.
  [[nodiscard]] double base_score() const noexcept { return state_.base_score; }
  /// Scale applied to the total.
  [[nodiscard]] double scale() const noexcept { return state_.scale; }
  /// Number of columns of X the trees expect (0 for an empty ensemble).
  [[nodiscard]] index n_features() const noexcept { return state_.n_features; }
  /// True when the sum is rounded to float after every tree (XGBoost semantics).
  [[nodiscard]] bool float_accumulation() const noexcept { return state_.float_accumulation; }
  /// The inference layout chosen for these trees on this CPU. Every layout gives the same
  /// predictions, bit for bit; they differ in speed only.
  [[nodiscard]] tree_layout layout() const noexcept {
    return rank_on_ ? tree_layout::rank_avx512 : heap_on_ ? tree_layout::heap : tree_layout::linked;
  }

  /// Prediction for one row: no allocation, no exception.
  /// @param x one row, x.size() >= n_features() (the caller guarantees it); NaN = missing
  /// @return scale * (base + sum of leaf values), units of y
  /// Complexity: O(sum of tree depths).
  [[nodiscard]] double predict_row(std::span<const double> x) const noexcept { return predict_strided(x.data(), 1); }

  /// Prediction for one row given by a pointer and a stride between features (e.g. a row
  /// of a column-major matrix: stride = rows). No allocation.
  /// @param x      the row's first feature; x[f * stride] is feature f, f < n_features()
  /// @param stride distance between consecutive features, >= 1
  /// @return as predict_row
  [[nodiscard]] double predict_strided(const double* x, index stride) const noexcept {
    if (rank_on_) return rank_.predict_row(x, stride);
    if (heap_on_) return heap_.predict_row(x, stride);
    return linked_.predict_row(x, stride);
  }

  /// Predictions for the rows of X into `out`, without allocating when `X` is a plain
  /// matrix (blocks of rows are copied to a small stack buffer).
  /// @param X         (n_samples, n_features()); NaN = missing
  /// @param out       (n_samples), units of y
  /// @param n_threads OpenMP threads over blocks of 64 rows, >= 0; 0 = all
  /// @throws footprint::dimension_mismatch when X.cols() != n_features() or out.size() != X.rows()
  void predict(matrix_cref X, vector_ref out, int n_threads = 0) const {
    constexpr const char* where = "footprint::tree_ensemble::predict";
    if (X.cols() != n_features())
      throw dimension_mismatch(where, "X.cols() must equal n_features()", n_features(), X.cols());
    if (out.size() != X.rows()) throw dimension_mismatch(where, "out.size() must equal X.rows()", X.rows(), out.size());
    predict_unchecked(X, out, n_threads);
  }

  /// Predictions for the rows of X. @see predict(X, out)
  /// @return (n_samples), units of y
  [[nodiscard]] vector predict(matrix_cref X, int n_threads = 0) const {
    vector out(X.rows());
    predict(X, out, n_threads);
    return out;
  }

  /// Predictions without shape checks (for the models, which check first): as
  /// predict(X, out, n_threads) with X.cols() == n_features() and out.size() == X.rows().
  void predict_unchecked(const matrix_cref& X, vector_ref out, int n_threads) const {
    predict_unchecked(detail::rows_of(X), out, n_threads);
  }

  /// As predict_unchecked(X, out, n_threads) on rows in either storage order, read in place
  /// (the same predictions, bit for bit: each row's trees are walked in the same order).
  void predict_unchecked(const detail::strided_rows& X, vector_ref out, int n_threads) const {
    const index n = X.rows;
    if (n == 0) return;
    if (n <= 4) {
      for (index i = 0; i < n; ++i) out[i] = predict_strided(X.row(i), X.col_stride);
      return;
    }
    constexpr index block = detail::tree_block_rows;
    const index n_blocks = (n + block - 1) / block;
#ifdef _OPENMP
    const int nt = detail::threads_to_use(n_threads);
#pragma omp parallel for schedule(static) num_threads(nt) if (nt > 1 && n_blocks > 1)
#else
    (void)n_threads;
#endif
    for (index b = 0; b < n_blocks; ++b) predict_block(X, out, b * block, std::min(n, (b + 1) * block));
  }

  /// Impurity ("gain") importance: the total split gain of each feature over all trees,
  /// normalised to sum to 1 (all zeros when no tree splits). Breiman 2001 sec. 10;
  /// XGBoost's `total_gain`.
  /// @return (n_features())
  [[nodiscard]] vector feature_importances() const {
    vector imp = vector::Zero(n_features());
    for (const regression_tree& t : state_.trees) {
      for (const tree_node& nd : t.nodes()) {
        if (!nd.is_leaf()) imp[nd.feature] += std::max(nd.gain, 0.0);
      }
    }
    const double s = imp.sum();
    if (s > 0.0) imp /= s;
    return imp;
  }

  /// The leaf index reached by a row in tree t (node index in trees()[t].nodes()).
  /// @param t tree, in [0, n_trees()); @param x one row, x.size() >= n_features()
  [[nodiscard]] std::int32_t leaf_index(index t, std::span<const double> x) const noexcept {
    return state_.trees[static_cast<std::size_t>(t)].leaf_index(x);
  }

  /// Equal states (trees, base score, scale, n_features, float accumulation).
  friend bool operator==(const tree_ensemble& a, const tree_ensemble& b) { return a.state_ == b.state_; }

 private:
  /// Validates `state` (messages name `where` and the field) and compiles the layouts.
  tree_ensemble(std::string_view where, tree_ensemble_state state) : state_(std::move(state)) {
    detail::require_in(static_cast<double>(state_.n_features), 1, 65535, detail::bounds::closed, where, "n_features");
    detail::require_finite(state_.base_score, where, "base_score");
    detail::require_finite(state_.scale, where, "scale");
    for (std::size_t t = 0; t < state_.trees.size(); ++t) {
      const index used = state_.trees[t].min_features();
      if (used > state_.n_features) {
        throw invalid_argument(detail::concat(where, ": trees[", t, "] must use features < n_features = ",
                                              state_.n_features, " (got feature ", used - 1, ")"));
      }
    }
    compile();
  }

  void predict_block(const detail::strided_rows& X, vector_ref out, index begin, index end) const noexcept {
    if (rank_on_) {
      rank_.predict_block(X, out, begin, end);
    } else if (heap_on_) {
      heap_.predict_block(X, out, begin, end);
    } else {
      linked_.predict_block(X, out, begin, end);
    }
  }

  /// Builds the linked layout, then the heap layout when the trees allow it, then the rank
  /// layout when the trees and the CPU allow it (which replaces the heap layout).
  void compile() {
    const detail::tree_sum sum{state_.base_score, state_.scale, state_.n_features, state_.float_accumulation};
    linked_.compile(state_.trees, sum);
    const std::vector<int>& depths = linked_.depths();
    const int depth = depths.empty() ? 0 : *std::max_element(depths.begin(), depths.end());
    heap_on_ =
        state_.n_features <= detail::tree_heap_layout::max_features && depth <= detail::tree_heap_layout::max_depth;
    rank_on_ = false;
    if (!heap_on_) return;
    heap_.compile(state_.trees, depth, sum);
    rank_on_ = depth >= 1 && depth <= detail::tree_rank_layout::max_depth &&
               state_.n_features <= detail::tree_rank_layout::max_features &&
               detail::tree_rank_layout::cpu_supported() && rank_.compile(state_.trees, heap_, sum);
    if (rank_on_) heap_ = {};  // the rank layout keeps its own copy of the leaf values
  }

  tree_ensemble_state state_;
  detail::tree_linked_layout linked_;
  detail::tree_heap_layout heap_;
  detail::tree_rank_layout rank_;
  bool heap_on_ = false;
  bool rank_on_ = false;
};

}  // namespace footprint
