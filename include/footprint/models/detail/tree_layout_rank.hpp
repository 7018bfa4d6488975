/// @file models/detail/tree_layout_rank.hpp
/// @brief Private: the `rank_avx512` inference layout of `tree_ensemble`
/// (tree_layout::rank_avx512), for trees of depth 1 to 6 on at most 32 features with at
/// most 255 distinct thresholds each, on a CPU with AVX-512 VBMI: the row is first ranked
/// against each feature's sorted thresholds, and 64 trees are evaluated at once, level by
/// level: one byte permute fetches the 64 trees' row ranks at a heap position and one byte
/// compare gives their 64 directions; each tree's path bits select its own node (docs/
/// tree-ensembles.md, "Serving").
///
/// The kernel is compiled with a target attribute and chosen at run time, so a default
/// (x86-64 baseline) build carries it (GCC and Clang on x86-64). Define FOOTPRINT_NO_AVX512
/// to leave it out. Its macros are #undef'd at the end of this file.
#pragma once

#include "footprint/models/detail/tree_layout_common.hpp"
#include "footprint/models/detail/tree_layout_heap.hpp"
#include "footprint/models/trees/regression_tree.hpp"
#include "footprint/types.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <vector>

#if (defined(__GNUC__) || defined(__clang__)) && defined(__x86_64__) && !defined(FOOTPRINT_NO_AVX512)
#include <immintrin.h>
#define FOOTPRINT_DETAIL_AVX512 1
#define FOOTPRINT_DETAIL_AVX512_TARGET __attribute__((target("avx512f,avx512bw,avx512vbmi")))
#define FOOTPRINT_DETAIL_PRAGMA(x) _Pragma(#x)
#define FOOTPRINT_DETAIL_UNROLL(n) FOOTPRINT_DETAIL_PRAGMA(GCC unroll n)
#endif

namespace footprint::detail {

/// The rank layout: built by compile() from the heap layout, then const and thread-safe.
class tree_rank_layout {
 public:
  static constexpr int max_depth = 6;                 ///< 63 heap positions: one bit each in a 64-bit mask
  static constexpr index max_features = 32;           ///< 2 n_features slots in one 64-byte permute table
  static constexpr std::size_t max_thresholds = 255;  ///< distinct thresholds per feature

  /// True when the CPU runs AVX-512 F, BW and VBMI (and the OS saves their state); false
  /// when the kernel is not compiled in.
  [[nodiscard]] static bool cpu_supported() noexcept {
#ifdef FOOTPRINT_DETAIL_AVX512
    return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
           __builtin_cpu_supports("avx512vbmi");
#else
    return false;
#endif
  }

  /// Builds the layout from `heap` (same node positions, padding included) and takes its
  /// leaf values; false (and nothing built) when a feature has more than max_thresholds
  /// distinct thresholds. Node (tree t, heap position p) with rank r and slot s goes right
  /// iff r < xr[s], where xr[f] = the number of distinct thresholds of feature f below x (0
  /// for a missing value) and xr[n_features + f] the same (255 for a missing value): x > t_r
  /// iff more than r thresholds lie below x.
  bool compile(const std::vector<regression_tree>& trees, const tree_heap_layout& heap, const tree_sum& sum);

  /// scale * (base + the leaves of every tree) for one row given by a pointer and a stride.
  [[nodiscard]] double predict_row(const double* x, index stride) const noexcept;

  /// Predictions of rows [begin, end) (at most tree_block_rows) into out[begin, end): the
  /// rows are copied row-major first, so that each is one or two cache lines.
  void predict_block(const strided_rows& X, vector_ref out, index begin, index end) const noexcept;

 private:
  static constexpr std::size_t width = 256;                  ///< row of thr_: 16 blocks of 16
  static constexpr std::size_t lanes = 64;                   ///< trees per group (bytes per vector)
  static constexpr std::size_t group_bytes = lanes * lanes;  ///< 64 positions x 64 lanes
  static constexpr std::uint8_t padding = 255;               ///< rank of a padding node: never below a row rank

#ifdef FOOTPRINT_DETAIL_AVX512
  /// Adds the leaf values of trees [t0, t0 + n), whose leaf indices are leaf_index[0, n), to
  /// s (or fs, rounding to float after each tree), in tree order.
  void add_leaves(const std::uint8_t* leaf_index, std::size_t t0, std::size_t n, double& s, float& fs) const noexcept {
    const std::size_t w = heap_width_;
    const double* leaf = leaf_.data() + t0 * w;
    if (sum_.float_acc) {
      for (std::size_t j = 0; j < n; ++j)
        fs = static_cast<float>(static_cast<double>(fs) + leaf[j * w + leaf_index[j]]);
    } else {
      for (std::size_t j = 0; j < n; ++j) s += leaf[j * w + leaf_index[j]];
    }
  }

  /// For each lane j, byte j of the vector of heap position m + (lane j's path bits): the m
  /// vectors at p + 64 (m + q), q < m, selected by byte blends on bit[0, l), oldest first.
  /// Inlined where m and l are constants, its loops are unrolled completely without a
  /// pragma (which GCC 12 ignores with a warning under -fsanitize here).
  template <int D>
  FOOTPRINT_DETAIL_AVX512_TARGET __attribute__((always_inline)) static __m512i select(
      const std::uint8_t* p, std::size_t m, int l, const std::uint64_t* bit) noexcept {
    __m512i v[std::size_t{1} << (D > 3 ? D - 2 : 1)];
    const __mmask64 k0 = _cvtu64_mask64(bit[0]);
    for (std::size_t q = 0; q < m / 2; ++q) {
      v[q] = _mm512_mask_blend_epi8(k0, _mm512_loadu_si512(p + lanes * (m + q)),
                                    _mm512_loadu_si512(p + lanes * (m + m / 2 + q)));
    }
    for (int k = 1; k < l; ++k) {
      const std::size_t half = m >> (k + 1);
      const __mmask64 kk = _cvtu64_mask64(bit[k]);
      for (std::size_t q = 0; q < half; ++q) v[q] = _mm512_mask_blend_epi8(kk, v[q], v[q + half]);
    }
    return v[0];
  }

  /// The row's ranks (step 1 of predict_depth) as a 64-byte permute table.
  FOOTPRINT_DETAIL_AVX512_TARGET void row_ranks(const double* x, index stride, std::uint8_t* xr) const noexcept;

  /// predict_row for trees of depth D.
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
  FOOTPRINT_DETAIL_AVX512_TARGET double predict_depth(const double* x, index stride) const noexcept;
#endif

  tree_sum sum_;
  int depth_ = 0;
  std::size_t heap_width_ = 1;
  std::size_t n_trees_ = 0;
  std::vector<double> thr_;         ///< (n_features, 256) sorted distinct thresholds, NaN after
  std::vector<double> pivot_;       ///< (n_features, 16) pivot i = thr_ entry 16 i + 15
  std::vector<std::uint8_t> node_;  ///< (groups, 64 positions, 64 trees) threshold ranks, 255 = padding
  std::vector<std::uint8_t> slot_;  ///< (groups, 64 positions, 64 trees) slots (see tree_heap_layout)
  std::vector<double> leaf_;        ///< (n_trees, 2^depth) leaf values (the heap layout's)
};

// ---------------------------------------------------------------------------------------

inline bool tree_rank_layout::compile(const std::vector<regression_tree>& trees, const tree_heap_layout& heap,
                                      const tree_sum& sum) {
  const auto d = static_cast<std::size_t>(sum.n_features);
  std::vector<std::vector<double>> cuts(d);
  for (const regression_tree& tree : trees) {
    for (const tree_node& nd : tree.nodes()) {
      if (!nd.is_leaf()) cuts[static_cast<std::size_t>(nd.feature)].push_back(nd.threshold);
    }
  }
  for (auto& c : cuts) {
    std::sort(c.begin(), c.end());
    c.erase(std::unique(c.begin(), c.end()), c.end());  // -0 and +0 are one threshold
    if (c.size() > max_thresholds) return false;
  }
  sum_ = sum;
  depth_ = heap.depth();
  heap_width_ = heap.width();
  n_trees_ = trees.size();
  // NaN pads each row (never below x); so the last pivot, thr_[255], is always NaN
  thr_.assign(d * width, std::numeric_limits<double>::quiet_NaN());
  pivot_.assign(d * 16, 0.0);
  for (std::size_t f = 0; f < d; ++f) {
    std::copy(cuts[f].begin(), cuts[f].end(), thr_.begin() + static_cast<std::ptrdiff_t>(f * width));
    for (std::size_t i = 0; i < 16; ++i) pivot_[f * 16 + i] = thr_[f * width + 16 * i + 15];
  }
  // the nodes come from the heap layout: same positions, padding included
  std::vector<std::vector<std::uint64_t>> keys(d);  // order keys of the cuts: same order
  for (std::size_t f = 0; f < d; ++f) {
    for (double c : cuts[f]) keys[f].push_back(tree_order_key(c));
  }
  const std::size_t T = trees.size();
  const std::size_t w = heap_width_;
  const std::size_t groups = (T + lanes - 1) / lanes;
  node_.assign(groups * group_bytes, padding);
  slot_.assign(groups * group_bytes, 0);
  for (std::size_t t = 0; t < T; ++t) {
    const std::size_t at = (t / lanes) * group_bytes + t % lanes;  // + 64 * position
    for (std::size_t pos = 1; pos < w; ++pos) {
      const std::uint64_t key = heap.keys()[t * w + pos];
      if (key == tree_heap_layout::key_padding) continue;  // keeps rank 255: always left, as in the heap layout
      const std::uint16_t slot = heap.slots()[t * w + pos];
      const auto& k = keys[slot < d ? slot : slot - d];
      node_[at + lanes * pos] = static_cast<std::uint8_t>(std::lower_bound(k.begin(), k.end(), key) - k.begin());
      slot_[at + lanes * pos] = static_cast<std::uint8_t>(slot);
    }
  }
  leaf_ = heap.leaves();
  return true;
}

#ifdef FOOTPRINT_DETAIL_AVX512

inline double tree_rank_layout::predict_row(const double* x, index stride) const noexcept {
  return tree_with_depth<1, max_depth>(depth_, [&](auto D) { return predict_depth<D>(x, stride); });
}

inline void tree_rank_layout::predict_block(const strided_rows& X, vector_ref out, index begin,
                                            index end) const noexcept {
  std::array<double, static_cast<std::size_t>(tree_block_rows * max_features)> rows;
  const index d = sum_.n_features;
  for (index j = 0; j < d; ++j) {
    for (index i = begin; i < end; ++i) rows[static_cast<std::size_t>((i - begin) * d + j)] = X(i, j);
  }
  for (index i = begin; i < end; ++i) out[i] = predict_row(rows.data() + (i - begin) * d, 1);
}

inline void tree_rank_layout::row_ranks(const double* x, index stride, std::uint8_t* xr) const noexcept {
  const index d = sum_.n_features;
  for (index f = 0; f < d; ++f) {
    const double v = x[f * stride];
    const __m512d vv = _mm512_set1_pd(v);
    const double* pivot = pivot_.data() + f * 16;
    const unsigned blocks = static_cast<unsigned>(_mm512_cmp_pd_mask(_mm512_loadu_pd(pivot), vv, _CMP_LT_OQ)) |
                            static_cast<unsigned>(_mm512_cmp_pd_mask(_mm512_loadu_pd(pivot + 8), vv, _CMP_LT_OQ)) << 8;
    const int c1 = std::popcount(blocks);  // <= 15: the last pivot is NaN
    const double* run = thr_.data() + static_cast<std::size_t>(f) * width + 16 * static_cast<std::size_t>(c1);
    const unsigned below = static_cast<unsigned>(_mm512_cmp_pd_mask(_mm512_loadu_pd(run), vv, _CMP_LT_OQ)) |
                           static_cast<unsigned>(_mm512_cmp_pd_mask(_mm512_loadu_pd(run + 8), vv, _CMP_LT_OQ)) << 8;
    const auto r = static_cast<std::uint8_t>(16 * c1 + std::popcount(below));
    const bool missing = std::isnan(v);
    xr[static_cast<std::size_t>(f)] = missing ? 0 : r;
    xr[static_cast<std::size_t>(d + f)] = missing ? 255 : r;
  }
}

template <int D>
double tree_rank_layout::predict_depth(const double* x, index stride) const noexcept {
  alignas(64) std::array<std::uint8_t, lanes> xr{};
  row_ranks(x, stride, xr.data());
  const __m512i table = _mm512_load_si512(xr.data());
  alignas(64) std::array<std::uint8_t, 2 * lanes> leaf_index;  // two groups: ping-pong
  const std::size_t T = n_trees_;
  const std::size_t groups = (T + lanes - 1) / lanes;
  double s = sum_.base;
  auto fs = static_cast<float>(sum_.base);
  // the previous group's leaves are added a slice per level of this group, so that the
  // additions (a dependency chain) overlap the evaluation
  constexpr std::size_t slice = (lanes + D - 1) / D;
  for (std::size_t g = 0; g < groups; ++g) {
    const std::uint8_t* previous = leaf_index.data() + lanes * ((g + 1) % 2);
    const std::size_t n_previous = g > 0 ? lanes : 0;
    const std::size_t t_previous = g > 0 ? (g - 1) * lanes : 0;
    const std::uint8_t* rk = node_.data() + g * group_bytes;
    const std::uint8_t* sl = slot_.data() + g * group_bytes;
    std::uint64_t bit[D];                   // bit[l]: lane j goes right at level l
    __m512i leaf = _mm512_setzero_si512();  // leaf index of lane j in byte j
    FOOTPRINT_DETAIL_UNROLL(8)
    for (int l = 0; l < D; ++l) {
      const std::size_t m = std::size_t{1} << l;  // positions [m, 2m)
      if (l < 3) {
        std::uint64_t c[4];
        FOOTPRINT_DETAIL_UNROLL(4)
        for (std::size_t q = 0; q < m; ++q) {
          // (the zero-masking form with an all-ones mask: GCC 12 warns on the plain one)
          const __m512i row =
              _mm512_maskz_permutexvar_epi8(~__mmask64{0}, _mm512_loadu_si512(sl + lanes * (m + q)), table);
          c[q] = _cvtmask64_u64(_mm512_cmplt_epu8_mask(_mm512_loadu_si512(rk + lanes * (m + q)), row));
        }
        FOOTPRINT_DETAIL_UNROLL(8)
        for (int k = 0; k < l; ++k) {
          const std::size_t half = m >> (k + 1);
          FOOTPRINT_DETAIL_UNROLL(4)
          for (std::size_t q = 0; q < half; ++q) c[q] = (bit[k] & c[q + half]) | (~bit[k] & c[q]);
        }
        bit[l] = c[0];
      } else {
        const __m512i row = _mm512_maskz_permutexvar_epi8(~__mmask64{0}, select<D>(sl, m, l, bit), table);
        bit[l] = _cvtmask64_u64(_mm512_cmplt_epu8_mask(select<D>(rk, m, l, bit), row));
      }
      leaf = _mm512_mask_add_epi8(leaf, _cvtu64_mask64(bit[l]), leaf,
                                  _mm512_set1_epi8(static_cast<char>(1 << (D - 1 - l))));
      const std::size_t j0 = std::min(n_previous, slice * static_cast<std::size_t>(l));
      const std::size_t j1 = std::min(n_previous, j0 + slice);
      add_leaves(previous + j0, t_previous + j0, j1 - j0, s, fs);
    }
    _mm512_store_si512(leaf_index.data() + lanes * (g % 2), leaf);
  }
  if (groups > 0)
    add_leaves(leaf_index.data() + lanes * ((groups - 1) % 2), (groups - 1) * lanes, T - (groups - 1) * lanes, s, fs);
  return sum_.scale * (sum_.float_acc ? static_cast<double>(fs) : s);
}

#else  // the kernel is not compiled in: compile() is never called (cpu_supported() is false)

inline double tree_rank_layout::predict_row(const double*, index) const noexcept { return nan; }
inline void tree_rank_layout::predict_block(const strided_rows&, vector_ref, index, index) const noexcept {}

#endif

}  // namespace footprint::detail

#ifdef FOOTPRINT_DETAIL_AVX512
#undef FOOTPRINT_DETAIL_AVX512
#undef FOOTPRINT_DETAIL_AVX512_TARGET
#undef FOOTPRINT_DETAIL_UNROLL
#undef FOOTPRINT_DETAIL_PRAGMA
#endif
