/// @file models/trees/tree_ensemble.hpp
/// @brief `tree_ensemble`: the inference engine of footprint's tree models: a base score
/// plus the sum of regression trees, compiled into one flat, cache-friendly node array with
/// branch-free traversal. Serves `random_forest`, `gradient_boosting` and models imported
/// from XGBoost (io/xgboost_model.hpp).
#pragma once

#include "footprint/detail/concat.hpp"
#include "footprint/error.hpp"
#include "footprint/models/trees/regression_tree.hpp"
#include "footprint/types.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <span>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#ifdef _OPENMP
#include <omp.h>
#endif

// The AVX-512 inference kernel (GCC and Clang on x86-64): compiled with a target attribute
// and chosen at run time, so a default (x86-64 baseline) build carries it. Define
// FOOTPRINT_NO_AVX512 to leave it out.
#if (defined(__GNUC__) || defined(__clang__)) && defined(__x86_64__) && !defined(FOOTPRINT_NO_AVX512)
#include <immintrin.h>
#define FOOTPRINT_DETAIL_AVX512 1
#define FOOTPRINT_DETAIL_AVX512_TARGET __attribute__((target("avx512f,avx512bw,avx512vbmi")))
#endif

// Loop unrolling hint (GCC and Clang); nothing elsewhere.
#if defined(__GNUC__) || defined(__clang__)
#define FOOTPRINT_DETAIL_PRAGMA(x) _Pragma(#x)
#define FOOTPRINT_DETAIL_UNROLL(n) FOOTPRINT_DETAIL_PRAGMA(GCC unroll n)
#else
#define FOOTPRINT_DETAIL_UNROLL(n)
#endif

namespace footprint {

/// How a tree_ensemble walks its trees; chosen when it is built (see tree_ensemble).
enum class tree_layout {
  linked,       ///< 16-byte nodes with siblings adjacent: any tree
  heap,         ///< perfect trees in heap order, 64-bit integer keys: depth <= 8, <= 128 features
  rank_avx512,  ///< 64 trees per AVX-512 vector, 8-bit threshold ranks: depth 1 to 6, <= 32
                ///< features, <= 255 distinct thresholds per feature, CPU with AVX-512 VBMI
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
  /// The inference layout chosen for these trees on this CPU. Every layout gives the same
  /// predictions, bit for bit; they differ in speed only.
  [[nodiscard]] tree_layout layout() const noexcept {
    return rank_ ? tree_layout::rank_avx512 : heap_ ? tree_layout::heap : tree_layout::linked;
  }

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
#ifdef FOOTPRINT_DETAIL_AVX512
    if (rank_) return rank_predict(x, stride);
#endif
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

  /// f(std::integral_constant<int, D>{}) with D = depth clamped to [Lo, Hi]: a depth known
  /// at run time as a compile-time constant.
  template <int Lo, int Hi, class F>
  static double with_depth(int depth, F&& f) {
    if constexpr (Lo == Hi) {
      return f(std::integral_constant<int, Lo>{});
    } else {
      if (depth <= Lo) return f(std::integral_constant<int, Lo>{});
      return with_depth<Lo + 1, Hi>(depth, std::forward<F>(f));
    }
  }

  /// s + the leaf values of every tree, added in tree order.
  [[nodiscard]] double heap_sum(const std::uint64_t* xx, double s) const noexcept {
    return with_depth<0, max_heap_depth>(heap_depth_, [&](auto D) { return heap_sum_depth<D>(xx, s); });
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
#ifdef FOOTPRINT_DETAIL_AVX512
    if (rank_) {  // the block's rows copied row-major first: each row is then one or two cache lines
      std::array<double, static_cast<std::size_t>(block * max_rank_features)> rows;
      const index d = n_features_;
      for (index j = 0; j < d; ++j) {
        for (index i = begin; i < end; ++i) rows[static_cast<std::size_t>((i - begin) * d + j)] = X(i, j);
      }
      for (index i = begin; i < end; ++i) out[i] = rank_predict(rows.data() + (i - begin) * d, 1);
      return;
    }
#endif
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

  // ---- rank layout (tree_layout::rank_avx512) ----
  static constexpr int max_rank_depth = 6;          ///< 63 heap positions: one bit each in a 64-bit mask
  static constexpr index max_rank_features = 32;    ///< 2 n_features slots in one 64-byte permute table
  static constexpr std::size_t max_rank_thresholds = 255;  ///< distinct thresholds per feature
  static constexpr std::size_t rank_width = 256;    ///< row of rank_thr_: 16 blocks of 16
  static constexpr std::size_t rank_lanes = 64;     ///< trees per group (bytes per vector)
  static constexpr std::size_t rank_group_bytes = rank_lanes * rank_lanes;  ///< 64 positions x 64 lanes
  static constexpr std::uint8_t rank_padding = 255;  ///< rank of a padding node: never below a row rank

  /// True when the CPU runs AVX-512 F, BW and VBMI (and the OS saves their state).
  static bool cpu_has_avx512vbmi() noexcept {
#ifdef FOOTPRINT_DETAIL_AVX512
    return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
           __builtin_cpu_supports("avx512vbmi");
#else
    return false;
#endif
  }

  /// Builds the rank layout from the heap layout; false (and nothing built) when a feature
  /// has more than max_rank_thresholds distinct thresholds. Node (tree t, heap position p) of a tree
  /// with rank r and slot s goes right iff r < xr[s], where xr[f] = the number of distinct
  /// thresholds of feature f below x (0 for a missing value) and xr[n_features + f] the
  /// same (255 for a missing value): x > t_r iff more than r thresholds lie below x.
  bool compile_rank() {
    const auto d = static_cast<std::size_t>(n_features_);
    std::vector<std::vector<double>> cuts(d);
    for (const regression_tree& tree : trees_) {
      for (const tree_node& nd : tree.nodes()) {
        if (!nd.is_leaf()) cuts[static_cast<std::size_t>(nd.feature)].push_back(nd.threshold);
      }
    }
    for (auto& c : cuts) {
      std::sort(c.begin(), c.end());
      c.erase(std::unique(c.begin(), c.end()), c.end());  // -0 and +0 are one threshold
      if (c.size() > max_rank_thresholds) return false;
    }
    // NaN pads each row (never below x); so the last pivot, rank_thr_[255], is always NaN
    rank_thr_.assign(d * rank_width, std::numeric_limits<double>::quiet_NaN());
    rank_pivot_.assign(d * 16, 0.0);
    for (std::size_t f = 0; f < d; ++f) {
      std::copy(cuts[f].begin(), cuts[f].end(), rank_thr_.begin() + static_cast<std::ptrdiff_t>(f * rank_width));
      for (std::size_t i = 0; i < 16; ++i) rank_pivot_[f * 16 + i] = rank_thr_[f * rank_width + 16 * i + 15];
    }
    // the nodes come from the heap layout: same positions, padding included
    std::vector<std::vector<std::uint64_t>> keys(d);  // order keys of the cuts: same order
    for (std::size_t f = 0; f < d; ++f) {
      for (double c : cuts[f]) keys[f].push_back(order_key(c));
    }
    const std::size_t T = trees_.size();
    const std::size_t w = heap_width_;
    const std::size_t groups = (T + rank_lanes - 1) / rank_lanes;
    rank_node_.assign(groups * rank_group_bytes, rank_padding);
    rank_slot_.assign(groups * rank_group_bytes, 0);
    for (std::size_t t = 0; t < T; ++t) {
      const std::size_t at = (t / rank_lanes) * rank_group_bytes + t % rank_lanes;  // + 64 * position
      for (std::size_t pos = 1; pos < w; ++pos) {
        const std::uint64_t key = heap_key_[t * w + pos];
        if (key == key_padding) continue;  // keeps rank 255: always left, as in the heap layout
        const std::uint16_t slot = heap_slot_[t * w + pos];
        const auto& k = keys[slot < d ? slot : slot - d];
        rank_node_[at + rank_lanes * pos] = static_cast<std::uint8_t>(std::lower_bound(k.begin(), k.end(), key) - k.begin());
        rank_slot_[at + rank_lanes * pos] = static_cast<std::uint8_t>(slot);
      }
    }
    return true;
  }

#ifdef FOOTPRINT_DETAIL_AVX512
  /// predict_strided for the rank layout.
  [[nodiscard]] double rank_predict(const double* x, index stride) const noexcept {
    return with_depth<1, max_rank_depth>(heap_depth_, [&](auto D) { return rank_predict_depth<D>(x, stride); });
  }

  /// Adds the leaf values of trees [t0, t0 + n), whose leaf indices are leaf_index[0, n), to
  /// s (or fs, rounding to float after each tree), in tree order.
  void rank_add(const std::uint8_t* leaf_index, std::size_t t0, std::size_t n, double& s, float& fs) const noexcept {
    const std::size_t w = heap_width_;
    const double* leaf = heap_leaf_.data() + t0 * w;
    if (float_acc_) {
      for (std::size_t j = 0; j < n; ++j) fs = static_cast<float>(static_cast<double>(fs) + leaf[j * w + leaf_index[j]]);
    } else {
      for (std::size_t j = 0; j < n; ++j) s += leaf[j * w + leaf_index[j]];
    }
  }

  /// For each lane j, byte j of the vector of heap position m + (lane j's path bits): the m
  /// vectors at p + 64 (m + q), q < m, selected by byte blends on bit[0, l), oldest first.
  /// Inlined where m and l are constants, its loops are unrolled completely without a
  /// pragma (which GCC 12 ignores with a warning under -fsanitize here).
  template <int D>
  FOOTPRINT_DETAIL_AVX512_TARGET __attribute__((always_inline)) static __m512i rank_select(
      const std::uint8_t* p, std::size_t m, int l, const std::uint64_t* bit) noexcept {
    __m512i v[std::size_t{1} << (D > 3 ? D - 2 : 1)];
    const __mmask64 k0 = _cvtu64_mask64(bit[0]);
    for (std::size_t q = 0; q < m / 2; ++q) {
      v[q] = _mm512_mask_blend_epi8(k0, _mm512_loadu_si512(p + rank_lanes * (m + q)), _mm512_loadu_si512(p + rank_lanes * (m + m / 2 + q)));
    }
    for (int k = 1; k < l; ++k) {
      const std::size_t half = m >> (k + 1);
      const __mmask64 kk = _cvtu64_mask64(bit[k]);
      for (std::size_t q = 0; q < half; ++q) v[q] = _mm512_mask_blend_epi8(kk, v[q], v[q + half]);
    }
    return v[0];
  }

  /// rank_predict for trees of depth D.
  /// 1. The row's ranks: xr[f] = the number of thresholds of feature f below x[f], counted
  ///    with 2 compares of 8 against 16 pivots (every 16th threshold), then 2 in the block
  ///    of 16 they point to; xr[n_features + f] the same, and 0 / 255 for a missing value.
  /// 2. For each group of 64 trees and each level l < 3, the 64 trees' directions at every
  ///    position of the level come from one permute (the row ranks at the nodes' slots) and
  ///    one compare each; a tree's direction at its own node is then selected by its path
  ///    bits, oldest first (a mux tree over 64-bit masks). From level 3 on (8 to 32
  ///    positions), each tree's own slot and rank are selected first, by byte blends on the
  ///    path bits, so the level takes one permute and one compare. The path bits are the
  ///    leaf index's bits.
  /// 3. A group's leaf values are added while the next group is evaluated, a slice per level.
  template <int D>
  FOOTPRINT_DETAIL_AVX512_TARGET double rank_predict_depth(const double* x, index stride) const noexcept {
    alignas(64) std::array<std::uint8_t, rank_lanes> xr{};
    const index d = n_features_;
    for (index f = 0; f < d; ++f) {
      const double v = x[f * stride];
      const __m512d vv = _mm512_set1_pd(v);
      const double* pivot = rank_pivot_.data() + f * 16;
      const unsigned blocks = static_cast<unsigned>(_mm512_cmp_pd_mask(_mm512_loadu_pd(pivot), vv, _CMP_LT_OQ)) |
                              static_cast<unsigned>(_mm512_cmp_pd_mask(_mm512_loadu_pd(pivot + 8), vv, _CMP_LT_OQ)) << 8;
      const int c1 = std::popcount(blocks);  // <= 15: the last pivot is NaN
      const double* run = rank_thr_.data() + static_cast<std::size_t>(f) * rank_width + 16 * static_cast<std::size_t>(c1);
      const unsigned below = static_cast<unsigned>(_mm512_cmp_pd_mask(_mm512_loadu_pd(run), vv, _CMP_LT_OQ)) |
                             static_cast<unsigned>(_mm512_cmp_pd_mask(_mm512_loadu_pd(run + 8), vv, _CMP_LT_OQ)) << 8;
      const auto r = static_cast<std::uint8_t>(16 * c1 + std::popcount(below));
      const bool missing = std::isnan(v);
      xr[static_cast<std::size_t>(f)] = missing ? 0 : r;
      xr[static_cast<std::size_t>(d + f)] = missing ? 255 : r;
    }
    const __m512i table = _mm512_load_si512(xr.data());
    alignas(64) std::array<std::uint8_t, 2 * rank_lanes> leaf_index;  // two groups: ping-pong
    const std::size_t T = roots_.size();
    const std::size_t groups = (T + rank_lanes - 1) / rank_lanes;
    double s = base_;
    auto fs = static_cast<float>(base_);
    // the previous group's leaves are added a slice per level of this group, so that the
    // additions (a dependency chain) overlap the evaluation
    constexpr std::size_t slice = (rank_lanes + D - 1) / D;
    for (std::size_t g = 0; g < groups; ++g) {
      const std::uint8_t* previous = leaf_index.data() + rank_lanes * ((g + 1) % 2);
      const std::size_t n_previous = g > 0 ? rank_lanes : 0;
      const std::size_t t_previous = g > 0 ? (g - 1) * rank_lanes : 0;
      const std::uint8_t* rk = rank_node_.data() + g * rank_group_bytes;
      const std::uint8_t* sl = rank_slot_.data() + g * rank_group_bytes;
      std::uint64_t bit[D];  // bit[l]: lane j goes right at level l
      __m512i leaf = _mm512_setzero_si512();  // leaf index of lane j in byte j
      FOOTPRINT_DETAIL_UNROLL(8)
      for (int l = 0; l < D; ++l) {
        const std::size_t m = std::size_t{1} << l;  // positions [m, 2m)
        if (l < 3) {
          std::uint64_t c[4];
          FOOTPRINT_DETAIL_UNROLL(4)
          for (std::size_t q = 0; q < m; ++q) {
            // (the zero-masking form with an all-ones mask: GCC 12 warns on the plain one)
            const __m512i row = _mm512_maskz_permutexvar_epi8(~__mmask64{0}, _mm512_loadu_si512(sl + rank_lanes * (m + q)), table);
            c[q] = _cvtmask64_u64(_mm512_cmplt_epu8_mask(_mm512_loadu_si512(rk + rank_lanes * (m + q)), row));
          }
          FOOTPRINT_DETAIL_UNROLL(8)
          for (int k = 0; k < l; ++k) {
            const std::size_t half = m >> (k + 1);
            FOOTPRINT_DETAIL_UNROLL(4)
            for (std::size_t q = 0; q < half; ++q) c[q] = (bit[k] & c[q + half]) | (~bit[k] & c[q]);
          }
          bit[l] = c[0];
        } else {
          const __m512i row = _mm512_maskz_permutexvar_epi8(~__mmask64{0}, rank_select<D>(sl, m, l, bit), table);
          bit[l] = _cvtmask64_u64(_mm512_cmplt_epu8_mask(rank_select<D>(rk, m, l, bit), row));
        }
        leaf = _mm512_mask_add_epi8(leaf, _cvtu64_mask64(bit[l]), leaf, _mm512_set1_epi8(static_cast<char>(1 << (D - 1 - l))));
        const std::size_t j0 = std::min(n_previous, slice * static_cast<std::size_t>(l));
        const std::size_t j1 = std::min(n_previous, j0 + slice);
        rank_add(previous + j0, t_previous + j0, j1 - j0, s, fs);
      }
      _mm512_store_si512(leaf_index.data() + rank_lanes * (g % 2), leaf);
    }
    if (groups > 0) rank_add(leaf_index.data() + rank_lanes * ((groups - 1) % 2), (groups - 1) * rank_lanes, T - (groups - 1) * rank_lanes, s, fs);
    return scale_ * (float_acc_ ? static_cast<double>(fs) : s);
  }
#endif

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
    rank_ = heap_ && heap_depth_ >= 1 && heap_depth_ <= max_rank_depth && n_features_ <= max_rank_features &&
            cpu_has_avx512vbmi() && compile_rank();
    if (rank_) {  // the rank layout keeps only heap_leaf_ of the heap layout
      heap_key_ = {};
      heap_slot_ = {};
    } else {
      rank_thr_.clear();
      rank_pivot_.clear();
      rank_node_.clear();
      rank_slot_.clear();
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
  bool rank_ = false;
  std::vector<double> rank_thr_;            ///< (n_features, 256) sorted distinct thresholds, NaN after
  std::vector<double> rank_pivot_;          ///< (n_features, 16) pivot i = rank_thr_ entry 16 i + 15
  std::vector<std::uint8_t> rank_node_;     ///< (groups, 64 positions, 64 trees) threshold ranks, 255 = padding
  std::vector<std::uint8_t> rank_slot_;     ///< (groups, 64 positions, 64 trees) slots (see packed_node)
};

#ifdef _OPENMP
inline int tree_ensemble::omp_max_threads() noexcept { return omp_get_max_threads(); }
#endif

}  // namespace footprint
