/// @file models/tree_ensemble.hpp
/// @brief `tree_ensemble`: the inference engine of footprint's tree models: a base score
/// plus the sum of regression trees, compiled into one flat, cache-friendly node array with
/// branch-free traversal. Serves `random_forest`, `gradient_boosting` and models imported
/// from XGBoost (io/xgboost_model.hpp).
#pragma once

#include "footprint/detail/concat.hpp"
#include "footprint/error.hpp"
#include "footprint/models/regression_tree.hpp"
#include "footprint/types.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <limits>
#include <span>
#include <string>
#include <utility>
#include <vector>

#ifdef _OPENMP
#include <omp.h>
#endif

namespace footprint {

/// A sum of regression trees: prediction = scale * (base_score + sum over trees of the leaf
/// value reached by the row). Random forests use scale = 1/n_trees and base 0; boosting
/// uses scale 1.
///
/// Inference uses a compiled copy of the trees: 16-byte nodes, siblings adjacent, leaves
/// that loop on themselves, so each tree is walked with a fixed number of branch-free steps
/// (its depth). Single-row prediction does not allocate; batch prediction works on blocks
/// of 64 rows, tree by tree, in parallel over blocks (OpenMP).
///
/// With `float_accumulation` the running sum is rounded to float after every tree, as
/// XGBoost does, so that imported XGBoost models reproduce its predictions exactly.
///
/// Thread safety: const member functions may run concurrently.
class tree_ensemble {
 public:
  /// An empty ensemble (not usable for prediction: n_features() = 0).
  tree_ensemble() = default;

  /// @param trees        the trees; their features must be < n_features
  /// @param base_score   added to the sum of the trees, units of y, finite
  /// @param n_features   number of columns of X, >= 1 (and >= every tree's min_features())
  /// @param scale        multiplies the total (1 for boosting, 1/n_trees for a forest), finite
  /// @param float_accumulation round the running sum to float after each tree (XGBoost)
  /// @throws footprint::invalid_argument when a tree uses a feature >= n_features, or
  ///         base_score or scale is not finite, or n_features < 1
  tree_ensemble(std::vector<regression_tree> trees, double base_score, index n_features, double scale = 1.0,
                bool float_accumulation = false)
      : trees_(std::move(trees)),
        base_(base_score),
        scale_(scale),
        n_features_(n_features),
        float_acc_(float_accumulation) {
    constexpr const char* where = "footprint::tree_ensemble";
    if (n_features < 1 || n_features > 65535) {
      throw invalid_argument(detail::concat(where, ": n_features must be in [1, 65535] (got ", n_features, ")"));
    }
    if (!std::isfinite(base_score)) throw invalid_argument(detail::concat(where, ": base_score must be finite (got ", base_score, ")"));
    if (!std::isfinite(scale)) throw invalid_argument(detail::concat(where, ": scale must be finite (got ", scale, ")"));
    for (std::size_t t = 0; t < trees_.size(); ++t) {
      if (trees_[t].min_features() > n_features) {
        throw invalid_argument(detail::concat(where, ": tree ", t, " uses feature ", trees_[t].min_features() - 1,
                                              " but n_features is ", n_features));
      }
    }
    compile();
  }

  /// The trees, in summation order.
  [[nodiscard]] const std::vector<regression_tree>& trees() const noexcept { return trees_; }
  /// Number of trees.
  [[nodiscard]] index n_trees() const noexcept { return static_cast<index>(trees_.size()); }
  /// Base score, units of y.
  [[nodiscard]] double base_score() const noexcept { return base_; }
  /// Scale applied to the total.
  [[nodiscard]] double scale() const noexcept { return scale_; }
  /// Number of columns of X the trees expect.
  [[nodiscard]] index n_features() const noexcept { return n_features_; }
  /// True when the sum is rounded to float after every tree (XGBoost semantics).
  [[nodiscard]] bool float_accumulation() const noexcept { return float_acc_; }

  /// Prediction for one row: no allocation, no exception.
  /// @param x one row, x.size() >= n_features() (the caller guarantees it); NaN = missing
  /// @return scale * (base + sum of leaf values), units of y
  /// Complexity: O(sum of tree depths).
  [[nodiscard]] double predict_row(std::span<const double> x) const noexcept { return predict_strided(x.data(), 1); }

  /// Prediction for one row given by a pointer and a stride between features (e.g. a row
  /// of a column-major matrix: stride = rows). No allocation.
  [[nodiscard]] double predict_strided(const double* x, index stride) const noexcept {
    // Trees are walked `lanes` at a time, interleaved, for instruction-level parallelism
    // (leaves loop on themselves, so extra steps are harmless).
    const std::size_t T = roots_.size();
    if (float_acc_) {
      float s = static_cast<float>(base_);
      for (std::size_t t = 0; t < T; ++t) s = static_cast<float>(static_cast<double>(s) + walk(t, x, stride));
      return scale_ * static_cast<double>(s);
    }
    const std::size_t TL = T - T % lanes;
    const packed_node* nodes = packed_.data();
    double s = base_;
    if (fast_path()) {
      std::array<double, 2 * max_fast_features> xx;
      const index d = n_features_;
      for (index f = 0; f < d; ++f) {
        const double v = x[f * stride];
        const bool missing = std::isnan(v);
        xx[static_cast<std::size_t>(f)] = missing ? -std::numeric_limits<double>::infinity() : v;
        xx[static_cast<std::size_t>(d + f)] = missing ? std::numeric_limits<double>::infinity() : v;
      }
      for (std::size_t t = 0; t < TL; t += lanes) {
        std::array<std::int32_t, lanes> k;
        for (std::size_t j = 0; j < lanes; ++j) k[j] = roots_[t + j];
        for (int dd = group_depths_[t / lanes]; dd > 0; --dd) {
          for (std::size_t j = 0; j < lanes; ++j) {
            const packed_node& nd = nodes[k[j]];
            k[j] = nd.left + static_cast<std::int32_t>(xx[nd.slot] > nd.threshold);
          }
        }
        for (std::size_t j = 0; j < lanes; ++j) s += values_[static_cast<std::size_t>(k[j])];
      }
      for (std::size_t t = TL; t < T; ++t) s += walk(t, x, stride);
      return scale_ * s;
    }
    for (std::size_t t = 0; t < TL; t += lanes) {
      std::array<std::int32_t, lanes> k;
      for (std::size_t j = 0; j < lanes; ++j) k[j] = roots_[t + j];
      for (int d = group_depths_[t / lanes]; d > 0; --d) {
        for (std::size_t j = 0; j < lanes; ++j) {
          const packed_node& nd = nodes[k[j]];
          k[j] = nd.left + go_right(nd, x[static_cast<index>(nd.feature) * stride]);
        }
      }
      for (std::size_t j = 0; j < lanes; ++j) s += values_[static_cast<std::size_t>(k[j])];
    }
    for (std::size_t t = TL; t < T; ++t) s += walk(t, x, stride);
    return scale_ * s;
  }

  /// Predictions for the rows of X into `out`, without allocating when `X` is a plain
  /// matrix (blocks of rows are copied to a small stack buffer).
  /// @param X   (n_samples, n_features()); NaN = missing
  /// @param out (n_samples)
  /// @throws footprint::dimension_mismatch when X.cols() != n_features() or out.size() != X.rows()
  void predict(matrix_cref X, vector_ref out, int n_threads = 0) const {
    constexpr const char* where = "footprint::tree_ensemble::predict";
    if (X.cols() != n_features_) throw dimension_mismatch(where, "X.cols() must equal n_features()", n_features_, X.cols());
    if (out.size() != X.rows()) throw dimension_mismatch(where, "out.size() must equal X.rows()", X.rows(), out.size());
    predict_unchecked(X, out, n_threads);
  }

  /// Predictions for the rows of X. @see predict(X, out)
  [[nodiscard]] vector predict(matrix_cref X, int n_threads = 0) const {
    vector out(X.rows());
    predict(X, out, n_threads);
    return out;
  }

  /// Predictions without shape checks (for the models, which check first).
  void predict_unchecked(const matrix_cref& X, vector_ref out, int n_threads) const {
    const index n = X.rows();
    if (n == 0) return;
    if (n <= 4) {
      for (index i = 0; i < n; ++i) out[i] = predict_strided(X.data() + i, X.outerStride());
      return;
    }
    const index n_blocks = (n + block - 1) / block;
#ifdef _OPENMP
    int nt = n_threads > 0 ? n_threads : omp_max_threads();
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
    vector imp = vector::Zero(n_features_);
    for (const regression_tree& t : trees_) {
      for (const tree_node& nd : t.nodes()) {
        if (!nd.is_leaf()) imp[nd.feature] += std::max(nd.gain, 0.0);
      }
    }
    const double s = imp.sum();
    if (s > 0.0) imp /= s;
    return imp;
  }

  /// The leaf index reached by a row in tree t (node index in trees()[t].nodes()).
  [[nodiscard]] std::int32_t leaf_index(index t, std::span<const double> x) const noexcept {
    return trees_[static_cast<std::size_t>(t)].leaf_index(x);
  }

  friend bool operator==(const tree_ensemble& a, const tree_ensemble& b) {
    return a.trees_ == b.trees_ && a.base_ == b.base_ && a.scale_ == b.scale_ && a.n_features_ == b.n_features_ &&
           a.float_acc_ == b.float_acc_;
  }

 private:
  static constexpr index block = 64;
  static constexpr std::size_t lanes = 8;
  static constexpr index max_fast_features = 128;
  [[nodiscard]] bool fast_path() const noexcept { return n_features_ <= max_fast_features; }

  /// 16 bytes. Fast path: the row is expanded to 2 n_features values, x with NaN as -inf
  /// then x with NaN as +inf, and a node goes right iff xx[slot] > threshold, slot =
  /// feature (missing goes left) or n_features + feature (missing goes right): one
  /// comparison, no NaN test. A leaf has left = itself and threshold = +inf.
  struct packed_node {
    double threshold;
    std::int32_t left;  ///< right child = left + 1
    std::uint16_t feature;
    std::uint16_t slot;
  };
  static_assert(sizeof(packed_node) == 16);

#ifdef _OPENMP
  static int omp_max_threads() noexcept;
#endif

  /// 1 when the row goes right: a NaN goes left when default_left (v > t is false for NaN)
  /// and right otherwise (!(v <= t) is true for NaN).
  static std::int32_t go_right(const packed_node& nd, double v) noexcept {
    const bool gt = v > nd.threshold;
    const bool not_le = !(v <= nd.threshold);
    return static_cast<std::int32_t>(nd.slot == nd.feature ? gt : not_le);
  }

  [[nodiscard]] double walk(std::size_t t, const double* x, index stride) const noexcept {
    const packed_node* nodes = packed_.data();
    std::int32_t i = roots_[t];
    for (int d = depths_[t]; d > 0; --d) {
      const packed_node& nd = nodes[i];
      i = nd.left + go_right(nd, x[static_cast<index>(nd.feature) * stride]);
    }
    return values_[static_cast<std::size_t>(i)];
  }

  void predict_block(const matrix_cref& X, vector_ref out, index begin, index end) const noexcept {
    const index m = end - begin;
    // row-major copy of the block: rows of n_features doubles
    constexpr index buf_doubles = 4096;
    double stack_buf[buf_doubles];
    std::vector<double> heap;
    double* buf = stack_buf;
    // rows of 2 n_features values: NaN as -inf, then NaN as +inf (see packed_node); without
    // the fast path, rows of n_features raw values
    const bool fast = fast_path();
    const index width = fast ? 2 * n_features_ : n_features_;
    if (m * width > buf_doubles) {
      heap.resize(static_cast<std::size_t>(m * width));
      buf = heap.data();
    }
    for (index j = 0; j < n_features_; ++j) {
      for (index i = 0; i < m; ++i) {
        const double v = X(begin + i, j);
        if (fast) {
          const bool missing = std::isnan(v);
          buf[i * width + j] = missing ? -std::numeric_limits<double>::infinity() : v;
          buf[i * width + n_features_ + j] = missing ? std::numeric_limits<double>::infinity() : v;
        } else {
          buf[i * width + j] = v;
        }
      }
    }
    std::array<double, block> acc{};
    std::array<float, block> facc{};
    for (index i = 0; i < m; ++i) {
      acc[static_cast<std::size_t>(i)] = base_;
      facc[static_cast<std::size_t>(i)] = static_cast<float>(base_);
    }
    const packed_node* nodes = packed_.data();
    const auto step = [&](std::int32_t k, const double* x) noexcept {
      const packed_node& nd = nodes[k];
      return fast ? nd.left + static_cast<std::int32_t>(x[nd.slot] > nd.threshold) : nd.left + go_right(nd, x[nd.feature]);
    };
    constexpr index R = 16;  // rows interleaved
    const index m4 = float_acc_ ? 0 : m - m % R;
    for (std::size_t t = 0; t < roots_.size(); ++t) {
      const std::int32_t root = roots_[t];
      const int depth = depths_[t];
      for (index i = 0; i < m4; i += R) {
        std::array<std::int32_t, R> k;
        k.fill(root);
        const double* x0 = buf + i * width;
        for (int d = depth; d > 0; --d) {
          for (index j = 0; j < R; ++j) k[static_cast<std::size_t>(j)] = step(k[static_cast<std::size_t>(j)], x0 + j * width);
        }
        for (index j = 0; j < R; ++j) acc[static_cast<std::size_t>(i + j)] += values_[static_cast<std::size_t>(k[static_cast<std::size_t>(j)])];
      }
      for (index i = m4; i < m; ++i) {
        const double* x = buf + i * width;
        std::int32_t k = root;
        for (int d = depth; d > 0; --d) k = step(k, x);
        const double leaf = values_[static_cast<std::size_t>(k)];
        if (float_acc_) {
          facc[static_cast<std::size_t>(i)] = static_cast<float>(static_cast<double>(facc[static_cast<std::size_t>(i)]) + leaf);
        } else {
          acc[static_cast<std::size_t>(i)] += leaf;
        }
      }
    }
    for (index i = 0; i < m; ++i) {
      out[begin + i] = scale_ * (float_acc_ ? static_cast<double>(facc[static_cast<std::size_t>(i)]) : acc[static_cast<std::size_t>(i)]);
    }
  }

  /// Lays every tree out breadth-first with siblings adjacent.
  void compile() {
    packed_.clear();
    values_.clear();
    roots_.clear();
    depths_.clear();
    group_depths_.clear();
    for (const regression_tree& tree : trees_) {
      const auto& src = tree.nodes();
      const auto base = static_cast<std::int32_t>(packed_.size());
      roots_.push_back(base);
      depths_.push_back(tree.depth());
      // BFS: new position of each source node
      std::vector<std::int32_t> order{0};
      std::vector<std::int32_t> pos(std::max<std::size_t>(src.size(), 1), -1);
      for (std::size_t q = 0; q < order.size(); ++q) {
        const tree_node& nd = src[static_cast<std::size_t>(order[q])];
        if (nd.is_leaf()) continue;
        pos[static_cast<std::size_t>(nd.left)] = static_cast<std::int32_t>(order.size());
        order.push_back(nd.left);
        pos[static_cast<std::size_t>(nd.right)] = static_cast<std::int32_t>(order.size());
        order.push_back(nd.right);
      }
      for (std::size_t q = 0; q < order.size(); ++q) {
        const tree_node& nd = src[static_cast<std::size_t>(order[q])];
        packed_node p{};
        if (nd.is_leaf()) {
          p.threshold = std::numeric_limits<double>::infinity();
          p.left = base + static_cast<std::int32_t>(q);
          p.feature = 0;
          p.slot = 0;
        } else {
          p.threshold = nd.threshold;
          p.left = base + pos[static_cast<std::size_t>(nd.left)];
          p.feature = static_cast<std::uint16_t>(nd.feature);
          p.slot = static_cast<std::uint16_t>(nd.default_left || !fast_path() ? nd.feature : nd.feature + n_features_);
        }
        packed_.push_back(p);
        values_.push_back(nd.value);
      }
    }
    for (std::size_t t = 0; t + lanes <= depths_.size(); t += lanes) {
      group_depths_.push_back(*std::max_element(depths_.begin() + static_cast<std::ptrdiff_t>(t),
                                                depths_.begin() + static_cast<std::ptrdiff_t>(t + lanes)));
    }
  }

  std::vector<regression_tree> trees_;
  double base_ = 0.0;
  double scale_ = 1.0;
  index n_features_ = 0;
  bool float_acc_ = false;
  std::vector<packed_node> packed_;
  std::vector<double> values_;
  std::vector<std::int32_t> roots_;
  std::vector<int> depths_;
  std::vector<int> group_depths_;
};

#ifdef _OPENMP
inline int tree_ensemble::omp_max_threads() noexcept { return omp_get_max_threads(); }
#endif

}  // namespace footprint
