/// @file models/detail/tree_grower.hpp
/// @brief Private: the histogram tree grower shared by `random_forest` and
/// `gradient_boosting` (Chen & Guestrin 2016, XGBoost `hist`; Ke et al. 2017, LightGBM).
///
/// Rows carry a gradient g and a hessian h; a leaf's value is the regularised Newton step
/// w = -T_alpha(G) / (H + lambda), clamped to the leaf's monotone bounds, and a split's gain
/// is score(L) + score(R) - score(parent) with score(G, H, w) = -(2 T_alpha(G) w + (H + lambda) w^2)
/// (= T_alpha(G)^2 / (H + lambda) unconstrained; Chen & Guestrin 2016 eq. 6-7). A random forest
/// with squared error is the special case g = -w y, h = w, lambda = alpha = 0: the leaf value
/// is the weighted mean and the gain the reduction of the weighted sum of squares.
///
/// Large nodes keep a dense (feature x 256 bin) histogram of (G, H, count); of two siblings
/// only the smaller is built and the larger is parent minus smaller (the subtraction trick).
/// Small nodes build per-feature sparse histograms over the bins they touch. Missing values
/// (bin 255) are tried on both sides; the better side becomes the default direction.
///
/// Determinism: work is split over features only (each feature's histogram is summed in row
/// order by one thread), and ties between splits go to the lower feature, then lower bin,
/// so the tree does not depend on the thread count.
#pragma once

#include "footprint/models/detail/tree_binning.hpp"
#include "footprint/models/detail/tree_common.hpp"
#include "footprint/models/regression_tree.hpp"
#include "footprint/types.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <deque>
#include <limits>
#include <utility>
#include <vector>

namespace footprint::detail {

struct grad_pair {
  double g = 0.0;
  double h = 0.0;
};

struct hist_bin {
  double g = 0.0;
  double h = 0.0;
  double c = 0.0;
  hist_bin& operator+=(const hist_bin& o) noexcept {
    g += o.g;
    h += o.h;
    c += o.c;
    return *this;
  }
  hist_bin& operator-=(const hist_bin& o) noexcept {
    g -= o.g;
    h -= o.h;
    c -= o.c;
    return *this;
  }
  friend hist_bin operator-(hist_bin a, const hist_bin& b) noexcept { return a -= b; }
  friend hist_bin operator+(hist_bin a, const hist_bin& b) noexcept { return a += b; }
};

enum class grow_policy : std::uint8_t { depthwise, lossguide, depth_first };

struct grower_config {
  grow_policy policy = grow_policy::depthwise;
  int max_depth = 6;             ///< <= 0: unlimited
  index max_leaves = 0;          ///< <= 0: unlimited
  double lambda = 1.0;           ///< L2 on leaf values
  double alpha = 0.0;            ///< L1 on leaf values
  double min_split_gain = 0.0;   ///< a split needs gain > this
  double min_child_weight = 0.0; ///< each child's H >= this
  double min_samples_leaf = 1.0; ///< each child's row count >= this
  double min_samples_split = 2.0;///< a node needs this many rows to split
  index max_features_node = 0;   ///< features tried per node; <= 0: all the tree's features
  const std::vector<int>* monotone = nullptr;  ///< per feature in {-1, 0, 1}; null or empty: none
  int n_threads = 1;
  index dense_min = 2048;        ///< nodes with at least this many rows keep a dense histogram
};

/// A grown tree and where the in-sample rows ended up.
struct grown_tree {
  std::vector<tree_node> nodes;
  std::vector<std::int32_t> rows;                           ///< in-sample rows grouped by leaf
  std::vector<std::pair<std::int32_t, std::int32_t>> range; ///< per node: [begin, end) in rows
  std::vector<std::pair<double, double>> bounds;            ///< per node: monotone bounds of the value
};

class tree_grower {
 public:
  static constexpr int n_slots = 256;

  tree_grower(const binned_matrix& B, const bin_mapper& M, const grower_config& cfg)
      : B_(B), M_(M), cfg_(cfg), scratch_(n_slots) {}

  /// Features tried per node from now on (<= 0: all the tree's features).
  void set_max_features_node(index k) noexcept { cfg_.max_features_node = k; }

  /// Grows one tree on `rows` (in-sample rows, any order; usually increasing) with per-row
  /// gradients `gh` (indexed by row), trying the features in `features` (increasing).
  grown_tree grow(std::vector<std::int32_t> rows, const std::vector<grad_pair>& gh,
                  const std::vector<std::int32_t>& features, tree_rng& rng) {
    grown_tree out;
    rows_ = std::move(rows);
    const auto n = static_cast<std::int32_t>(rows_.size());
    gh_ = gh.data();
    tmp_rows_.resize(rows_.size());
    features_ = &features;
    n_hist_features_ = B_.cols;
    pool_.clear();
    free_.clear();

    pending root;
    root.node = 0;
    root.begin = 0;
    root.end = n;
    root.depth = 0;
    for (std::int32_t k = 0; k < n; ++k) {
      root.sum.g += gh_[rows_[static_cast<std::size_t>(k)]].g;
      root.sum.h += gh_[rows_[static_cast<std::size_t>(k)]].h;
    }
    root.sum.c = n;
    root.lo = -std::numeric_limits<double>::infinity();
    root.hi = std::numeric_limits<double>::infinity();
    out.nodes.emplace_back();
    out.range.emplace_back(0, n);
    out.bounds.emplace_back(root.lo, root.hi);
    set_node_value(out.nodes[0], root);
    if (n >= cfg_.dense_min) {
      root.hist = acquire();
      build_dense(pool_[static_cast<std::size_t>(root.hist)], root.begin, root.end);
    }
    evaluate(root, rng);

    std::deque<pending> queue;
    index n_leaves = 1;
    const auto push = [&](pending&& p) {
      if (!can_split(p)) {
        release(p.hist);
        return;
      }
      queue.push_back(std::move(p));
    };
    push(std::move(root));
    while (!queue.empty()) {
      if (cfg_.max_leaves > 0 && n_leaves >= cfg_.max_leaves) break;
      pending p;
      if (cfg_.policy == grow_policy::depthwise) {
        p = std::move(queue.front());
        queue.pop_front();
      } else if (cfg_.policy == grow_policy::depth_first) {
        p = std::move(queue.back());
        queue.pop_back();
      } else {
        std::size_t best = 0;
        for (std::size_t i = 1; i < queue.size(); ++i) {
          if (queue[i].best.gain > queue[best].best.gain) best = i;
        }
        p = std::move(queue[best]);
        queue.erase(queue.begin() + static_cast<std::ptrdiff_t>(best));
      }
      auto [left, right] = split(p, out);
      ++n_leaves;
      evaluate(left, rng);
      evaluate(right, rng);
      if (cfg_.policy == grow_policy::depth_first) {  // left is popped first
        push(std::move(right));
        push(std::move(left));
      } else {
        push(std::move(left));
        push(std::move(right));
      }
    }
    out.rows = std::move(rows_);
    return out;
  }

 private:
  struct split_info {
    double gain = -std::numeric_limits<double>::infinity();
    std::int32_t feature = -1;
    int bin = 0;                  ///< rows with bin <= this go left (non-missing)
    bool default_left = true;
    bool missing_only = false;    ///< all non-missing left, missing right
    hist_bin left, right;
    double wl = 0.0, wr = 0.0;
  };
  struct pending {
    std::int32_t node = 0;
    std::int32_t begin = 0, end = 0;
    int depth = 0;
    hist_bin sum;
    double lo = 0.0, hi = 0.0;
    int hist = -1;
    split_info best;
  };

  [[nodiscard]] double thresholded(double G) const noexcept {
    if (G > cfg_.alpha) return G - cfg_.alpha;
    if (G < -cfg_.alpha) return G + cfg_.alpha;
    return 0.0;
  }
  [[nodiscard]] double weight(const hist_bin& s, double lo, double hi) const noexcept {
    const double den = s.h + cfg_.lambda;
    const double w = den > 0.0 ? -thresholded(s.g) / den : 0.0;
    return std::clamp(w, lo, hi);
  }
  [[nodiscard]] double score(const hist_bin& s, double w) const noexcept {
    return -(2.0 * thresholded(s.g) * w + (s.h + cfg_.lambda) * w * w);
  }
  void set_node_value(tree_node& nd, const pending& p) const noexcept {
    nd.value = weight(p.sum, p.lo, p.hi);
    nd.cover = p.sum.h;
  }
  [[nodiscard]] bool can_split(const pending& p) const noexcept {
    if (cfg_.max_depth > 0 && p.depth >= cfg_.max_depth) return false;
    if (p.sum.c < cfg_.min_samples_split || p.sum.c < 2.0 * cfg_.min_samples_leaf) return false;
    if (p.sum.h < 2.0 * cfg_.min_child_weight) return false;
    if (p.best.feature < 0) return false;
    const double parent = std::abs(score(p.sum, weight(p.sum, p.lo, p.hi)));
    return p.best.gain > cfg_.min_split_gain && p.best.gain > 1e-12 * parent && p.best.gain > 0.0;
  }
  [[nodiscard]] int monotone(std::int32_t f) const noexcept {
    if (cfg_.monotone == nullptr || cfg_.monotone->empty()) return 0;
    return (*cfg_.monotone)[static_cast<std::size_t>(f)];
  }

  int acquire() {
    if (!free_.empty()) {
      const int id = free_.back();
      free_.pop_back();
      return id;
    }
    pool_.emplace_back(static_cast<std::size_t>(n_hist_features_) * n_slots);
    return static_cast<int>(pool_.size()) - 1;
  }
  void release(int id) {
    if (id >= 0) free_.push_back(id);
  }

  /// Histograms of up to four features in one pass over the rows (shared loads of the
  /// row index and gradient).
  void build_group(std::vector<hist_bin>& hist, const std::int32_t* feats, int k, std::int32_t begin,
                   std::int32_t end) const noexcept {
    hist_bin* H[4];
    const std::uint8_t* col[4];
    for (int q = 0; q < k; ++q) {
      H[q] = hist.data() + static_cast<std::size_t>(feats[q]) * n_slots;
      std::fill(H[q], H[q] + n_slots, hist_bin{});
      col[q] = B_.column(feats[q]);
    }
    const std::int32_t* r = rows_.data();
    const grad_pair* g = gh_;
    const auto add = [&](int q, std::int32_t row, const grad_pair& gp) noexcept {
      hist_bin& b = H[q][col[q][row]];
      b.g += gp.g;
      b.h += gp.h;
      b.c += 1.0;
    };
    if (k == 4) {
      for (std::int32_t kk = begin; kk < end; ++kk) {
        const std::int32_t row = r[kk];
        const grad_pair gp = g[row];
        add(0, row, gp);
        add(1, row, gp);
        add(2, row, gp);
        add(3, row, gp);
      }
    } else {
      for (std::int32_t kk = begin; kk < end; ++kk) {
        const std::int32_t row = r[kk];
        const grad_pair gp = g[row];
        for (int q = 0; q < k; ++q) add(q, row, gp);
      }
    }
  }

  void build_dense(std::vector<hist_bin>& hist, std::int32_t begin, std::int32_t end) {
    const auto& feats = *features_;
    const auto nf = static_cast<index>(feats.size());
    const bool par = cfg_.n_threads > 1 && nf > 1 && static_cast<index>(end - begin) * nf >= 40'000;
    // groups of up to four features share the loads of row indices and gradients; in
    // parallel, groups are sized so that every thread gets the same number
    const index gsize = par ? std::clamp<index>(nf / (2 * cfg_.n_threads), 1, 4) : 4;
    const index n_groups = (nf + gsize - 1) / gsize;
#ifdef _OPENMP
#pragma omp parallel for schedule(dynamic) num_threads(cfg_.n_threads) if (par)
#endif
    for (index t = 0; t < n_groups; ++t) {
      const auto k = static_cast<int>(std::min<index>(gsize, nf - gsize * t));
      build_group(hist, feats.data() + gsize * t, k, begin, end);
    }
    (void)par;
  }

  /// Best split of feature f from its histogram H (bins listed in `order`, increasing).
  void scan(split_info& best, std::int32_t f, const hist_bin* H, const std::uint8_t* order, int n_listed,
            const pending& p) const noexcept {
    const hist_bin& M = H[bin_mapper::missing_bin];
    const double parent_score = score(p.sum, weight(p.sum, p.lo, p.hi));
    const int mono = monotone(f);
    // plain Newton gains when neither L1, monotone constraints nor bounds are in play
    const bool plain = cfg_.alpha == 0.0 && mono == 0 && std::isinf(p.lo) && std::isinf(p.hi);
    const double lambda = cfg_.lambda;
    const auto consider = [&](const hist_bin& L, const hist_bin& R, int bin, bool default_left, bool missing_only) __attribute__((always_inline)) {
      if (L.c < cfg_.min_samples_leaf || R.c < cfg_.min_samples_leaf) return;
      if (L.h < cfg_.min_child_weight || R.h < cfg_.min_child_weight) return;
      if (L.c <= 0.0 || R.c <= 0.0) return;
      double gain = 0.0;
      double wl = 0.0;
      double wr = 0.0;
      if (plain) {
        const double dl = L.h + lambda;
        const double dr = R.h + lambda;
        if (!(dl > 0.0) || !(dr > 0.0)) return;
        gain = L.g * L.g / dl + R.g * R.g / dr - parent_score;
        if (!(gain > best.gain)) return;
        wl = -L.g / dl;
        wr = -R.g / dr;
      } else {
        wl = weight(L, p.lo, p.hi);
        wr = weight(R, p.lo, p.hi);
        if ((mono > 0 && wl > wr) || (mono < 0 && wl < wr)) return;
        gain = score(L, wl) + score(R, wr) - parent_score;
      }
      if (gain > best.gain) {
        best.gain = gain;
        best.feature = f;
        best.bin = bin;
        best.default_left = default_left;
        best.missing_only = missing_only;
        best.left = L;
        best.right = R;
        best.wl = wl;
        best.wr = wr;
      }
    };
    hist_bin acc;
    const bool has_missing = M.c > 0.0;
    for (int t = 0; t + 1 < n_listed; ++t) {
      acc += H[order[t]];
      const hist_bin right = p.sum - acc - M;
      if (has_missing) {
        consider(acc, right + M, order[t], false, false);
        consider(acc + M, right, order[t], true, false);
      } else {
        consider(acc, right, order[t], acc.h >= right.h, false);
      }
    }
    if (has_missing && n_listed > 0) consider(p.sum - M, M, 254, false, true);
  }

  void evaluate(pending& p, tree_rng& rng) {
    p.best = split_info{};
    if (cfg_.max_depth > 0 && p.depth >= cfg_.max_depth) return;
    if (p.sum.c < cfg_.min_samples_split || p.sum.c < 2.0 * cfg_.min_samples_leaf) return;
    // features tried at this node
    const std::vector<std::int32_t>* cand = features_;
    if (cfg_.max_features_node > 0 && cfg_.max_features_node < static_cast<index>(features_->size())) {
      node_features_ = *features_;
      const auto k = static_cast<std::size_t>(cfg_.max_features_node);
      for (std::size_t i = 0; i < k; ++i) {
        const std::size_t j = i + static_cast<std::size_t>(rng.below(node_features_.size() - i));
        std::swap(node_features_[i], node_features_[j]);
      }
      node_features_.resize(k);
      std::sort(node_features_.begin(), node_features_.end());
      cand = &node_features_;
    }
    const auto nf = static_cast<index>(cand->size());
    if (p.hist >= 0) {
      const std::vector<hist_bin>& hist = pool_[static_cast<std::size_t>(p.hist)];
      per_feature_.assign(static_cast<std::size_t>(nf), split_info{});
      const bool par = cfg_.n_threads > 1 && nf > 1 && static_cast<index>(p.end - p.begin) >= 50'000;
#ifdef _OPENMP
#pragma omp parallel for schedule(dynamic) num_threads(cfg_.n_threads) if (par)
#endif
      for (index t = 0; t < nf; ++t) {
        const std::int32_t f = (*cand)[static_cast<std::size_t>(t)];
        const hist_bin* H = hist.data() + static_cast<std::size_t>(f) * n_slots;
        std::uint8_t order[n_slots];
        int n_listed = 0;
        const int nb = M_.n_bins(f);
        for (int b = 0; b < nb; ++b) {
          if (H[b].c > 0.0) order[n_listed++] = static_cast<std::uint8_t>(b);
        }
        scan(per_feature_[static_cast<std::size_t>(t)], f, H, order, n_listed, p);
      }
      (void)par;
      for (const split_info& s : per_feature_) {
        if (s.gain > p.best.gain) p.best = s;
      }
    } else {
      hist_bin* H = scratch_.data();
      for (index t = 0; t < nf; ++t) {
        const std::int32_t f = (*cand)[static_cast<std::size_t>(t)];
        const std::uint8_t* col = B_.column(f);
        std::uint8_t order[n_slots];
        int n_listed = 0;
        bool missing = false;
        for (std::int32_t k = p.begin; k < p.end; ++k) {
          const std::int32_t row = rows_[static_cast<std::size_t>(k)];
          const std::uint8_t b = col[row];
          hist_bin& hb = H[b];
          if (hb.c == 0.0) {
            if (b == bin_mapper::missing_bin) {
              missing = true;
            } else {
              order[n_listed++] = b;
            }
          }
          hb.g += gh_[row].g;
          hb.h += gh_[row].h;
          hb.c += 1.0;
        }
        if (n_listed > 1) {
          // bins in increasing order: sort a few, or sweep the range they span
          const auto [mn, mx] = std::minmax_element(order, order + n_listed);
          const int lo = *mn;
          const int hi = *mx;
          if ((hi - lo) > 8 * n_listed) {
            std::sort(order, order + n_listed);
          } else {
            int k = 0;
            for (int b = lo; b <= hi; ++b) {
              if (H[b].c > 0.0) order[k++] = static_cast<std::uint8_t>(b);
            }
          }
        }
        split_info s;
        scan(s, f, H, order, n_listed, p);
        if (s.gain > p.best.gain) p.best = s;
        for (int t2 = 0; t2 < n_listed; ++t2) H[order[t2]] = hist_bin{};
        if (missing) H[bin_mapper::missing_bin] = hist_bin{};
      }
    }
  }

  std::pair<pending, pending> split(pending& p, grown_tree& out) {
    const split_info& s = p.best;
    const std::uint8_t* col = B_.column(s.feature);
    // stable partition of rows and gradients
    std::int32_t nl = 0;
    std::int32_t nr = 0;
    const auto len = static_cast<std::size_t>(p.end - p.begin);
    for (std::int32_t k = p.begin; k < p.end; ++k) {  // branch-free: write both sides
      const std::int32_t r = rows_[static_cast<std::size_t>(k)];
      const std::uint8_t b = col[r];
      const bool go_left = b == bin_mapper::missing_bin ? s.default_left : b <= s.bin;
      rows_[static_cast<std::size_t>(p.begin + nl)] = r;
      tmp_rows_[static_cast<std::size_t>(nr)] = r;
      nl += static_cast<std::int32_t>(go_left);
      nr += static_cast<std::int32_t>(!go_left);
    }
    (void)len;
    std::copy(tmp_rows_.begin(), tmp_rows_.begin() + nr, rows_.begin() + p.begin + nl);

    const auto left_id = static_cast<std::int32_t>(out.nodes.size());
    tree_node& nd = out.nodes[static_cast<std::size_t>(p.node)];
    nd.feature = s.feature;
    nd.threshold = s.missing_only ? std::numeric_limits<double>::max() : M_.upper(s.feature, s.bin);
    nd.left = left_id;
    nd.right = left_id + 1;
    nd.default_left = s.default_left;
    nd.gain = s.gain;

    pending L;
    pending R;
    L.node = left_id;
    R.node = left_id + 1;
    L.begin = p.begin;
    L.end = p.begin + nl;
    R.begin = L.end;
    R.end = p.end;
    L.depth = R.depth = p.depth + 1;
    // exact sums from the partition (not the histogram) keep leaf values independent of
    // whether the node was dense or sparse
    L.sum = s.left;
    R.sum = s.right;
    L.sum.c = nl;
    R.sum.c = nr;
    L.lo = R.lo = p.lo;
    L.hi = R.hi = p.hi;
    const int mono = monotone(s.feature);
    if (mono != 0) {
      const double mid = (s.wl + s.wr) / 2.0;
      if (mono > 0) {
        L.hi = std::min(L.hi, mid);
        R.lo = std::max(R.lo, mid);
      } else {
        L.lo = std::max(L.lo, mid);
        R.hi = std::min(R.hi, mid);
      }
    }
    for (pending* c : {&L, &R}) {
      out.nodes.emplace_back();
      out.range.emplace_back(c->begin, c->end);
      out.bounds.emplace_back(c->lo, c->hi);
      set_node_value(out.nodes.back(), *c);
    }
    // histograms: the smaller child is built, the larger is parent minus smaller
    if (p.hist >= 0) {
      const bool need_l = nl >= cfg_.dense_min;
      const bool need_r = nr >= cfg_.dense_min;
      if (need_l || need_r) {
        pending& small = nl <= nr ? L : R;
        pending& large = nl <= nr ? R : L;
        small.hist = acquire();
        std::vector<hist_bin>& hs = pool_[static_cast<std::size_t>(small.hist)];
        build_dense(hs, small.begin, small.end);
        std::vector<hist_bin>& hp = pool_[static_cast<std::size_t>(p.hist)];
        for (std::int32_t f : *features_) {
          hist_bin* a = hp.data() + static_cast<std::size_t>(f) * n_slots;
          const hist_bin* b = hs.data() + static_cast<std::size_t>(f) * n_slots;
          for (int k = 0; k < n_slots; ++k) a[k] -= b[k];
        }
        large.hist = p.hist;
        p.hist = -1;
        if (small.end - small.begin < cfg_.dense_min) {
          release(small.hist);
          small.hist = -1;
        }
      } else {
        release(p.hist);
        p.hist = -1;
      }
    }
    return {std::move(L), std::move(R)};
  }

  const binned_matrix& B_;
  const bin_mapper& M_;
  grower_config cfg_;
  std::vector<std::int32_t> rows_, tmp_rows_;
  const grad_pair* gh_ = nullptr;  ///< gradients indexed by row (the caller's array)
  const std::vector<std::int32_t>* features_ = nullptr;
  std::vector<std::int32_t> node_features_;
  std::vector<split_info> per_feature_;
  std::vector<std::vector<hist_bin>> pool_;
  std::vector<int> free_;
  std::vector<hist_bin> scratch_;
  index n_hist_features_ = 0;
};

}  // namespace footprint::detail
