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
#include <bit>
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

// Loop unrolling hint (GCC and Clang); nothing elsewhere.
#if defined(__GNUC__) || defined(__clang__)
#define FOOTPRINT_DETAIL_PRAGMA(x) _Pragma(#x)
#define FOOTPRINT_DETAIL_UNROLL(n) FOOTPRINT_DETAIL_PRAGMA(GCC unroll n)
#else
#define FOOTPRINT_DETAIL_UNROLL(n)
#endif

namespace footprint {

/// A sum of regression trees: prediction = scale * (base_score + sum over trees of the leaf
/// value reached by the row). Random forests use scale = 1/n_trees and base 0; boosting
/// uses scale 1.
///
/// Inference uses a compiled copy of the trees, walked with a fixed number of branch-free
/// steps per tree (its depth), several trees (one row) or several rows (one tree) at a time
/// so that the walks overlap:
/// - when every tree has depth <= 8 (depthwise boosting), each tree is padded to a perfect
///   binary tree in heap order (children of node k are 2k and 2k+1, so the next index is
///   2k + [x > threshold]) and values are compared as order-preserving 64-bit integer keys;
/// - otherwise, 16-byte nodes with siblings adjacent and leaves that loop on themselves.
/// Single-row prediction does not allocate; batch prediction works on blocks of 64 rows,
/// tree by tree, in parallel over blocks (OpenMP). Both layouts give exactly the result of
/// the `x <= threshold` rule of regression_tree.
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
      if (heap_) {
        std::array<std::uint64_t, 2 * max_fast_features> xx;
        row_keys(x, stride, xx.data());
        for (std::size_t t = 0; t < T; ++t) s = static_cast<float>(static_cast<double>(s) + heap_walk(t, xx.data()));
        return scale_ * static_cast<double>(s);
      }
      for (std::size_t t = 0; t < T; ++t) s = static_cast<float>(static_cast<double>(s) + walk(t, x, stride));
      return scale_ * static_cast<double>(s);
    }
    const std::size_t TL = T - T % lanes;
    const packed_node* nodes = packed_.data();
    double s = base_;
    if (heap_) {
      std::array<std::uint64_t, 2 * max_fast_features> xx;
      row_keys(x, stride, xx.data());
      return scale_ * heap_sum(xx.data(), s);
    }
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
  /// The row-expansion paths (slots, see packed_node) apply with at most 128 features. The
  /// linked layout's NaN-as-+inf slot cannot tell a missing value from +inf, so a node with
  /// threshold +inf whose missing values go right (only an imported model has one) turns
  /// that layout's expansion off; the heap layout's keys tell them apart.
  [[nodiscard]] bool fast_path() const noexcept { return n_features_ <= max_fast_features && !inf_right_; }

  /// 16 bytes. Fast path: the row is expanded to 2 n_features values, x with NaN as -inf
  /// then x with NaN as +inf, and a node goes right iff xx[slot] > threshold, slot =
  /// feature (missing goes left) or n_features + feature (missing goes right): one
  /// comparison, no NaN test. Otherwise slot = feature (missing goes left) or feature ^ 1
  /// (missing goes right) and go_right tests for NaN. A leaf has left = itself and
  /// threshold = +inf.
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

  // ---- heap layout (every tree of depth <= max_heap_depth) ----
  static constexpr int max_heap_depth = 8;
  static constexpr std::size_t heap_chains = 12;  ///< trees walked together by predict_row
  static constexpr std::uint64_t key_missing_left = 0;     ///< below every threshold key
  static constexpr std::uint64_t key_missing_right = ~std::uint64_t{0};  ///< above every threshold key
  static constexpr std::uint64_t key_padding = ~std::uint64_t{0};  ///< threshold of a padding node: always left

  /// Order-preserving key of a non-NaN double: a > b iff key(a) > key(b) (unsigned);
  /// -0 is first made +0 so that the two zeros compare equal, as doubles do.
  static std::uint64_t order_key(double v) noexcept {
    v += 0.0;
    const auto b = std::bit_cast<std::uint64_t>(v);
    return (b >> 63) != 0 ? ~b : (b | (std::uint64_t{1} << 63));
  }

  /// The row as 2 n_features keys: x with NaN below every threshold (slot = feature, missing
  /// goes left), then x with NaN above every threshold (slot = n_features + feature).
  void row_keys(const double* x, index stride, std::uint64_t* xx) const noexcept {
    const index d = n_features_;
    for (index f = 0; f < d; ++f) {
      const double v = x[f * stride];
      const bool missing = std::isnan(v);
      const std::uint64_t k = order_key(missing ? 0.0 : v);
      xx[f] = missing ? key_missing_left : k;
      xx[d + f] = missing ? key_missing_right : k;
    }
  }

  /// One heap step: node k goes to 2k (left) or 2k + 1 (right, iff x > threshold).
  static std::size_t heap_step(std::size_t k, std::uint64_t threshold_key, std::uint64_t x_key) noexcept {
    return k + k + static_cast<std::size_t>(threshold_key < x_key);
  }

  /// Leaf value reached in tree t by a row given as keys.
  [[nodiscard]] double heap_walk(std::size_t t, const std::uint64_t* xx) const noexcept {
    const std::size_t w = heap_width_;
    const std::uint64_t* th = heap_key_.data() + t * w;
    const std::uint16_t* sl = heap_slot_.data() + t * w;
    std::size_t k = 1;
    for (int l = 0; l < heap_depth_; ++l) k = heap_step(k, th[k], xx[sl[k]]);
    return heap_leaf_[t * w + k - w];
  }

  /// s + the leaf values of every tree, added in tree order.
  [[nodiscard]] double heap_sum(const std::uint64_t* xx, double s) const noexcept {
    switch (heap_depth_) {
      case 0: return heap_sum_depth<0>(xx, s);
      case 1: return heap_sum_depth<1>(xx, s);
      case 2: return heap_sum_depth<2>(xx, s);
      case 3: return heap_sum_depth<3>(xx, s);
      case 4: return heap_sum_depth<4>(xx, s);
      case 5: return heap_sum_depth<5>(xx, s);
      case 6: return heap_sum_depth<6>(xx, s);
      case 7: return heap_sum_depth<7>(xx, s);
      default: return heap_sum_depth<max_heap_depth>(xx, s);
    }
  }

  /// heap_sum for trees of depth D: `heap_chains` trees are walked together, their steps
  /// unrolled at compile time so that the walks are independent chains held in registers.
  template <int D>
  [[nodiscard]] double heap_sum_depth(const std::uint64_t* xx, double s) const noexcept {
    constexpr std::size_t C = heap_chains;
    constexpr std::size_t w = std::size_t{1} << D;
    const std::size_t T = roots_.size();
    std::size_t t0 = 0;
    for (; t0 + C <= T; t0 += C) {
      const std::uint64_t* th = heap_key_.data() + t0 * w;
      const std::uint16_t* sl = heap_slot_.data() + t0 * w;
      const double* leaf = heap_leaf_.data() + t0 * w;  // tree J's leaf k at leaf[J w + k - w]
      [&]<std::size_t... J>(std::index_sequence<J...>) {
        std::size_t k[C] = {(static_cast<void>(J), std::size_t{1})...};
        FOOTPRINT_DETAIL_UNROLL(8)
        for (int l = 0; l < D; ++l) {
          ((k[J] = heap_step(k[J], th[J * w + k[J]], xx[sl[J * w + k[J]]])), ...);
        }
        ((s += leaf[J * w + k[J] - w]), ...);
      }(std::make_index_sequence<C>{});
    }
    for (; t0 < T; ++t0) s += heap_walk(t0, xx);
    return s;
  }

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
    if (heap_) {
      heap_block(X, out, begin, end);
      return;
    }
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

  /// predict_block for the heap layout, in chunks whose keys fit a 32 KiB stack buffer.
  void heap_block(const matrix_cref& X, vector_ref out, index begin, index end) const noexcept {
    const index rows = std::clamp<index>(heap_buffer_keys / (2 * n_features_), 1, block);
    for (index b = begin; b < end; b += rows) heap_chunk(X, out, b, std::min(end, b + rows));
  }

  static constexpr index heap_buffer_keys = 4096;

  /// Rows [begin, end) (at most `block`, and at most heap_buffer_keys keys): rows as keys,
  /// 16 rows walked together per tree.
  void heap_chunk(const matrix_cref& X, vector_ref out, index begin, index end) const noexcept {
    const index m = end - begin;
    const auto width = static_cast<std::size_t>(2 * n_features_);
    std::array<std::uint64_t, static_cast<std::size_t>(heap_buffer_keys)> buf;
    for (index i = 0; i < m; ++i) row_keys(X.data() + (begin + i), X.outerStride(), buf.data() + static_cast<std::size_t>(i) * width);
    std::array<double, block> acc{};
    std::array<float, block> facc{};
    for (index i = 0; i < m; ++i) {
      acc[static_cast<std::size_t>(i)] = base_;
      facc[static_cast<std::size_t>(i)] = static_cast<float>(base_);
    }
    constexpr std::size_t R = 16;  // rows interleaved
    const std::size_t mm = static_cast<std::size_t>(m);
    const std::size_t m16 = mm - mm % R;
    const std::size_t w = heap_width_;
    for (std::size_t t = 0; t < roots_.size(); ++t) {
      const std::uint64_t* th = heap_key_.data() + t * w;
      const std::uint16_t* sl = heap_slot_.data() + t * w;
      const double* leaf = heap_leaf_.data() + t * w;  // leaf k at leaf[k - w]
      std::size_t i = 0;
      for (; i < m16; i += R) {
        const std::uint64_t* x0 = buf.data() + i * width;
        std::array<std::size_t, R> k;
        k.fill(1);
        for (int l = 0; l < heap_depth_; ++l) {
          for (std::size_t j = 0; j < R; ++j) k[j] = heap_step(k[j], th[k[j]], x0[j * width + sl[k[j]]]);
        }
        for (std::size_t j = 0; j < R; ++j) {
          if (float_acc_) {
            facc[i + j] = static_cast<float>(static_cast<double>(facc[i + j]) + leaf[k[j] - w]);
          } else {
            acc[i + j] += leaf[k[j] - w];
          }
        }
      }
      for (; i < mm; ++i) {
        const double v = heap_walk(t, buf.data() + i * width);
        if (float_acc_) {
          facc[i] = static_cast<float>(static_cast<double>(facc[i]) + v);
        } else {
          acc[i] += v;
        }
      }
    }
    for (index i = 0; i < m; ++i) {
      out[begin + i] = scale_ * (float_acc_ ? static_cast<double>(facc[static_cast<std::size_t>(i)]) : acc[static_cast<std::size_t>(i)]);
    }
  }

  /// Pads every tree to a perfect tree of depth heap_depth_ in heap order (node k's children
  /// are 2k and 2k+1, leaves at [w, 2w) with w = 2^depth). A leaf above the last level
  /// becomes a chain of padding nodes that always go left, ending at the leaf's value.
  void compile_heap() {
    const std::size_t w = std::size_t{1} << heap_depth_;
    const std::size_t T = trees_.size();
    heap_width_ = w;
    heap_key_.assign(T * w, key_padding);
    heap_slot_.assign(T * w, 0);
    heap_leaf_.assign(T * w, 0.0);
    std::vector<std::pair<std::int32_t, std::size_t>> stack;
    for (std::size_t t = 0; t < T; ++t) {
      const auto& src = trees_[t].nodes();
      stack.assign(1, {0, 1});
      while (!stack.empty()) {
        const auto [n, pos] = stack.back();
        stack.pop_back();
        const tree_node& nd = src[static_cast<std::size_t>(n)];
        if (nd.is_leaf()) {
          std::size_t q = pos;
          while (q < w) q *= 2;  // padding nodes keep key_padding and slot 0
          heap_leaf_[t * w + q - w] = nd.value;
          continue;
        }
        heap_key_[t * w + pos] = order_key(nd.threshold);
        heap_slot_[t * w + pos] = static_cast<std::uint16_t>(nd.default_left ? nd.feature : nd.feature + n_features_);
        stack.emplace_back(nd.left, 2 * pos);
        stack.emplace_back(nd.right, 2 * pos + 1);
      }
    }
  }

  /// Lays every tree out breadth-first with siblings adjacent.
  void compile() {
    inf_right_ = false;
    for (const regression_tree& tree : trees_) {
      for (const tree_node& nd : tree.nodes()) {
        if (!nd.is_leaf() && !nd.default_left && nd.threshold == std::numeric_limits<double>::infinity()) inf_right_ = true;
      }
    }
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
          // slot != feature marks "missing goes right" for go_right; in the fast path it is
          // also the index of the expanded value (feature + n_features: NaN as +inf)
          const index right_slot = fast_path() ? nd.feature + n_features_ : (nd.feature ^ 1);
          p.slot = static_cast<std::uint16_t>(nd.default_left ? nd.feature : right_slot);
        }
        packed_.push_back(p);
        values_.push_back(nd.value);
      }
    }
    for (std::size_t t = 0; t + lanes <= depths_.size(); t += lanes) {
      group_depths_.push_back(*std::max_element(depths_.begin() + static_cast<std::ptrdiff_t>(t),
                                                depths_.begin() + static_cast<std::ptrdiff_t>(t + lanes)));
    }
    heap_depth_ = depths_.empty() ? 0 : *std::max_element(depths_.begin(), depths_.end());
    heap_ = n_features_ <= max_fast_features && heap_depth_ <= max_heap_depth;
    if (heap_) {
      compile_heap();
    } else {
      heap_key_.clear();
      heap_slot_.clear();
      heap_leaf_.clear();
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
  bool inf_right_ = false;  ///< some node has threshold +inf and sends missing values right
  bool heap_ = false;
  int heap_depth_ = 0;
  std::size_t heap_width_ = 1;
  std::vector<std::uint64_t> heap_key_;   ///< (n_trees, 2^depth) threshold keys, heap order from index 1
  std::vector<std::uint16_t> heap_slot_;  ///< (n_trees, 2^depth) slot of the node (see packed_node)
  std::vector<double> heap_leaf_;         ///< (n_trees, 2^depth) leaf values, left to right
};

#ifdef _OPENMP
inline int tree_ensemble::omp_max_threads() noexcept { return omp_get_max_threads(); }
#endif

}  // namespace footprint
