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
/// Depthwise growth works a level at a time (one parallel region per step and level, over
/// (node, feature group) or (node, row chunk) tasks); the other policies a node at a time.
///
/// Determinism: each (node, feature) histogram is summed in row order by one thread, the
/// stable partition of a node's rows is unique whatever the chunking, and ties between
/// splits go to the lower feature, then lower bin, so the tree does not depend on the
/// thread count.
#pragma once

#include "footprint/models/detail/tree_binning.hpp"
#include "footprint/models/detail/tree_common.hpp"
#include "footprint/models/trees/regression_tree.hpp"
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
      : B_(B), M_(M), cfg_(cfg), scratch_(static_cast<std::size_t>(std::max(1, cfg.n_threads)) * n_slots) {}

  /// Features tried per node from now on (<= 0: all the tree's features).
  void set_max_features_node(index k) noexcept { cfg_.max_features_node = k; }

  /// Grows one tree on `rows` (in-sample rows, any order; usually increasing) with per-row
  /// gradients `gh` (indexed by row), trying the features in `features` (increasing).
  ///
  /// Depthwise growth handles a whole depth at once: the rows of every node of the level are
  /// partitioned, the histograms of all their children are built, and the children are
  /// evaluated, each step in one parallel region over (node, chunk or feature) tasks. The
  /// other policies take one node at a time through the same steps. Node numbering, random
  /// draws and every sum are those of a serial run in queue order.
  grown_tree grow(std::vector<std::int32_t> rows, const std::vector<grad_pair>& gh,
                  const std::vector<std::int32_t>& features, xoshiro256ss& rng) {
    grown_tree out;
    rows_ = std::move(rows);
    const auto n = static_cast<std::int32_t>(rows_.size());
    gh_ = gh.data();
    tmp_left_.resize(rows_.size());
    tmp_right_.resize(rows_.size());
    features_ = &features;
    n_hist_features_ = B_.cols;
    pool_.clear();
    free_.clear();

    std::vector<pending> level(1);
    pending& root = level[0];
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
    if (n >= cfg_.dense_min && splittable_depth(0)) {
      root.hist = acquire();
      hist_jobs_.assign(1, hist_job{root.hist, -1, 0, n});
      build_histograms();
    }
    evaluate_all(level, rng);

    index n_leaves = 1;
    std::vector<pending> children;
    if (cfg_.policy == grow_policy::depthwise) {
      drop_unsplittable(level);
      while (!level.empty()) {
        if (cfg_.max_leaves > 0) {
          if (n_leaves >= cfg_.max_leaves) break;
          const auto keep = static_cast<std::size_t>(std::min<index>(static_cast<index>(level.size()), cfg_.max_leaves - n_leaves));
          for (std::size_t i = keep; i < level.size(); ++i) release(level[i].hist);
          level.resize(keep);
        }
        n_leaves += static_cast<index>(level.size());
        split_all(level, children, out);
        evaluate_all(children, rng);
        drop_unsplittable(children);
        std::swap(level, children);
      }
      for (pending& p : level) release(p.hist);
    } else {
      std::deque<pending> queue;
      drop_unsplittable(level);
      for (pending& p : level) queue.push_back(std::move(p));
      std::vector<pending> one(1);
      while (!queue.empty()) {
        if (cfg_.max_leaves > 0 && n_leaves >= cfg_.max_leaves) break;
        if (cfg_.policy == grow_policy::depth_first) {
          one[0] = std::move(queue.back());
          queue.pop_back();
        } else {
          std::size_t best = 0;
          for (std::size_t i = 1; i < queue.size(); ++i) {
            if (queue[i].best.gain > queue[best].best.gain) best = i;
          }
          one[0] = std::move(queue[best]);
          queue.erase(queue.begin() + static_cast<std::ptrdiff_t>(best));
        }
        ++n_leaves;
        split_all(one, children, out);
        evaluate_all(children, rng);
        drop_unsplittable(children);
        if (cfg_.policy == grow_policy::depth_first) {  // left is popped first
          for (auto it = children.rbegin(); it != children.rend(); ++it) queue.push_back(std::move(*it));
        } else {
          for (pending& c : children) queue.push_back(std::move(c));
        }
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
  /// Build the histogram `hist` over rows [begin, end); then, when `parent` >= 0, subtract it
  /// from the parent's (which becomes the sibling's).
  struct hist_job {
    int hist = -1;
    int parent = -1;
    std::int32_t begin = 0, end = 0;
  };
  /// Rows [begin, end) of node `node` (an index into the level) for the partition.
  struct part_chunk {
    std::size_t node = 0;
    std::int32_t begin = 0, end = 0;
    std::int32_t n_left = 0;
  };
  struct eval_job {
    pending* p = nullptr;
    const std::vector<std::int32_t>* cand = nullptr;
    std::size_t first = 0;  ///< its candidates' results start here in eval_results_
  };

  [[nodiscard]] bool splittable_depth(int depth) const noexcept { return cfg_.max_depth <= 0 || depth < cfg_.max_depth; }

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

  void drop_unsplittable(std::vector<pending>& v) {
    std::size_t k = 0;
    for (pending& p : v) {
      if (can_split(p)) {
        if (&v[k] != &p) v[k] = std::move(p);
        ++k;
      } else {
        release(p.hist);
      }
    }
    v.resize(k);
  }

  /// Runs `hist_jobs_`: every job's histogram over the tree's features, in groups of up to
  /// four features per task (fewer when there are too few tasks to keep the threads busy),
  /// largest jobs first. Each (job, feature) histogram is summed in row order by one thread.
  void build_histograms() {
    const auto& feats = *features_;
    const auto nf = static_cast<index>(feats.size());
    const auto n_jobs = static_cast<index>(hist_jobs_.size());
    if (n_jobs == 0 || nf == 0) return;
    index work = 0;
    for (const hist_job& j : hist_jobs_) work += static_cast<index>(j.end - j.begin) * nf;
    const int nt = cfg_.n_threads;
    const bool par = nt > 1 && work >= 40'000 && (n_jobs > 1 || nf > 1);
    const index gsize = par ? std::clamp<index>((nf * n_jobs) / (2 * nt), 1, 4) : 4;
    const index groups = (nf + gsize - 1) / gsize;
    std::stable_sort(hist_jobs_.begin(), hist_jobs_.end(),
                     [](const hist_job& a, const hist_job& b) { return a.end - a.begin > b.end - b.begin; });
    const index n_tasks = n_jobs * groups;
#ifdef _OPENMP
#pragma omp parallel for schedule(dynamic) num_threads(nt) if (par)
#endif
    for (index t = 0; t < n_tasks; ++t) {
      const hist_job& j = hist_jobs_[static_cast<std::size_t>(t / groups)];
      const index g0 = (t % groups) * gsize;
      const auto k = static_cast<int>(std::min<index>(gsize, nf - g0));
      std::vector<hist_bin>& h = pool_[static_cast<std::size_t>(j.hist)];
      build_group(h, feats.data() + g0, k, j.begin, j.end);
      if (j.parent >= 0) {
        std::vector<hist_bin>& hp = pool_[static_cast<std::size_t>(j.parent)];
        for (int q = 0; q < k; ++q) {
          const auto off = static_cast<std::size_t>(feats[static_cast<std::size_t>(g0 + q)]) * n_slots;
          hist_bin* a = hp.data() + off;
          const hist_bin* b = h.data() + off;
          for (int s = 0; s < n_slots; ++s) a[s] -= b[s];
        }
      }
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

  /// Finds the best split of every node in `v` (in place, `pending::best`). Candidate
  /// features are drawn in node order from `rng`; the work runs in one parallel region over
  /// (node, feature) tasks (from a dense histogram, or from the rows for small nodes),
  /// and each node keeps the best feature in feature order (ties to the lower feature).
  void evaluate_all(std::vector<pending>& v, xoshiro256ss& rng) {
    if (cfg_.n_threads <= 1) {  // one node after the other, no task lists
      for (std::size_t i = 0; i < v.size(); ++i) {
        pending& p = v[i];
        const std::vector<std::int32_t>* cand = candidates(p, rng);
        if (cand == nullptr) continue;
        for (std::int32_t f : *cand) {
          split_info s;
          evaluate_feature(p, f, scratch_.data(), s);
          if (s.gain > p.best.gain) p.best = s;
        }
      }
      return;
    }
    eval_jobs_.clear();
    eval_tasks_.clear();
    if (cand_pool_.size() < v.size()) cand_pool_.resize(v.size());  // no reallocation below
    std::size_t total = 0;
    index work = 0;
    for (std::size_t i = 0; i < v.size(); ++i) {
      pending& p = v[i];
      const std::vector<std::int32_t>* cand = candidates(p, rng, i);
      if (cand == nullptr) continue;
      const auto job = static_cast<std::int32_t>(eval_jobs_.size());
      eval_jobs_.push_back(eval_job{&p, cand, total});
      total += cand->size();
      // a task per (node, candidate); the work is counted in row-features (a scan of a
      // dense histogram costs about 2,000)
      for (std::size_t t = 0; t < cand->size(); ++t) eval_tasks_.emplace_back(job, static_cast<std::int32_t>(t));
      work += (p.hist >= 0 ? 2'000 : static_cast<index>(p.end - p.begin)) * static_cast<index>(cand->size());
    }
    if (eval_jobs_.empty()) return;
    eval_results_.assign(total, split_info{});
    const int nt = cfg_.n_threads;
    const auto n_tasks = static_cast<index>(eval_tasks_.size());
    const bool par = n_tasks > 1 && work >= 20'000;
#ifdef _OPENMP
#pragma omp parallel for schedule(dynamic) num_threads(nt) if (par)
#endif
    for (index t = 0; t < n_tasks; ++t) {
      const auto [job, c] = eval_tasks_[static_cast<std::size_t>(t)];
      const eval_job& e = eval_jobs_[static_cast<std::size_t>(job)];
      const auto q = static_cast<std::size_t>(c);
#ifdef _OPENMP
      const auto tid = static_cast<std::size_t>(omp_get_thread_num());
#else
      const std::size_t tid = 0;
#endif
      evaluate_feature(*e.p, (*e.cand)[q], scratch_.data() + tid * n_slots, eval_results_[e.first + q]);
    }
    (void)par;
    (void)nt;
    for (const eval_job& e : eval_jobs_) {
      for (std::size_t q = 0; q < e.cand->size(); ++q) {
        const split_info& s = eval_results_[e.first + q];
        if (s.gain > e.p->best.gain) e.p->best = s;
      }
    }
  }

  /// Resets p.best and returns the features to try at p (null when p cannot split): all
  /// the tree's features, or max_features_node of them drawn from `rng` into cand_pool_[slot].
  const std::vector<std::int32_t>* candidates(pending& p, xoshiro256ss& rng, std::size_t slot = 0) {
    p.best = split_info{};
    if (!splittable_depth(p.depth)) return nullptr;
    if (p.sum.c < cfg_.min_samples_split || p.sum.c < 2.0 * cfg_.min_samples_leaf) return nullptr;
    if (cfg_.max_features_node <= 0 || cfg_.max_features_node >= static_cast<index>(features_->size())) return features_;
    if (cand_pool_.size() <= slot) cand_pool_.resize(slot + 1);
    std::vector<std::int32_t>& c = cand_pool_[slot];
    c = *features_;
    const auto k = static_cast<std::size_t>(cfg_.max_features_node);
    for (std::size_t a = 0; a < k; ++a) {
      const std::size_t b = a + static_cast<std::size_t>(rng.below32(c.size() - a));
      std::swap(c[a], c[b]);
    }
    c.resize(k);
    std::sort(c.begin(), c.end());
    return &c;
  }

  /// Best split of feature f at node p: from the node's dense histogram when it has one,
  /// else from its rows through `scratch` (256 zeroed slots, left zeroed).
  void evaluate_feature(const pending& p, std::int32_t f, hist_bin* scratch, split_info& s) const noexcept {
    if (p.hist >= 0) {
      evaluate_dense(p, f, s);
    } else {
      evaluate_sparse(p, f, scratch, s);
    }
  }

  /// Best split of feature f at node p from the node's dense histogram.
  void evaluate_dense(const pending& p, std::int32_t f, split_info& s) const noexcept {
    const hist_bin* H = pool_[static_cast<std::size_t>(p.hist)].data() + static_cast<std::size_t>(f) * n_slots;
    std::uint8_t order[n_slots] = {};  // zeroed: silences a false maybe-uninitialized
    int n_listed = 0;
    const int nb = M_.n_bins(f);
    for (int b = 0; b < nb; ++b) {
      if (H[b].c > 0.0) order[n_listed++] = static_cast<std::uint8_t>(b);
    }
    scan(s, f, H, order, n_listed, p);
  }

  /// Best split of feature f at node p from a sparse histogram of the bins its rows touch,
  /// built in `H` (256 zeroed slots, left zeroed).
  void evaluate_sparse(const pending& p, std::int32_t f, hist_bin* H, split_info& s) const noexcept {
    const std::uint8_t* col = B_.column(f);
    std::uint8_t order[n_slots] = {};  // zeroed: silences a false maybe-uninitialized
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
    scan(s, f, H, order, n_listed, p);
    for (int t = 0; t < n_listed; ++t) H[order[t]] = hist_bin{};
    if (missing) H[bin_mapper::missing_bin] = hist_bin{};
  }

  /// Stable partition of rows_[begin, end) by split s: the left rows to `left`, the right
  /// rows to `right` (either may alias rows_ at or before `begin`); returns the left count.
  std::int32_t partition(const split_info& s, std::int32_t begin, std::int32_t end, std::int32_t* left,
                         std::int32_t* right) noexcept {
    const std::uint8_t* col = B_.column(s.feature);
    const std::int32_t* r = rows_.data();
    std::int32_t nl = 0;
    std::int32_t nr = 0;
    for (std::int32_t k = begin; k < end; ++k) {  // branch-free: write both sides
      const std::int32_t row = r[k];
      const std::uint8_t b = col[row];
      const bool go_left = b == bin_mapper::missing_bin ? s.default_left : b <= s.bin;
      left[nl] = row;
      right[nr] = row;
      nl += static_cast<std::int32_t>(go_left);
      nr += static_cast<std::int32_t>(!go_left);
    }
    return nl;
  }

  /// The partition of every node of `level` in parallel over row chunks (`total` rows in
  /// all); sets n_left_. Chunk c of a node keeps its left rows in place when it starts the
  /// node, else in tmp_left_; its right rows go to tmp_right_; then each chunk copies its
  /// parts to their places, left parts before right parts, in chunk order.
  void partition_parallel(const std::vector<pending>& level, index total) {
    const int nt = cfg_.n_threads;
    const index chunk = std::max<index>(8'192, (total + 4 * nt - 1) / (4 * nt));
    chunks_.clear();
    for (std::size_t i = 0; i < level.size(); ++i) {
      for (index a = level[i].begin; a < level[i].end; a += chunk) {
        chunks_.push_back(part_chunk{i, static_cast<std::int32_t>(a), static_cast<std::int32_t>(std::min<index>(a + chunk, level[i].end)), 0});
      }
    }
    const auto n_chunks = static_cast<index>(chunks_.size());
#ifdef _OPENMP
#pragma omp parallel for schedule(dynamic) num_threads(nt) if (n_chunks > 1)
#endif
    for (index c = 0; c < n_chunks; ++c) {
      part_chunk& ch = chunks_[static_cast<std::size_t>(c)];
      const pending& p = level[ch.node];
      std::int32_t* left = ch.begin == p.begin ? rows_.data() + ch.begin : tmp_left_.data() + ch.begin;
      ch.n_left = partition(p.best, ch.begin, ch.end, left, tmp_right_.data() + ch.begin);
    }
    std::fill(n_left_.begin(), n_left_.end(), 0);
    for (const part_chunk& ch : chunks_) n_left_[ch.node] += ch.n_left;
    copy_at_.resize(chunks_.size());
    std::size_t node = level.size();
    std::int32_t lpos = 0;
    std::int32_t rpos = 0;
    for (std::size_t c = 0; c < chunks_.size(); ++c) {
      const part_chunk& ch = chunks_[c];
      if (ch.node != node) {
        node = ch.node;
        lpos = level[node].begin;
        rpos = level[node].begin + n_left_[node];
      }
      copy_at_[c] = {lpos, rpos};
      lpos += ch.n_left;
      rpos += (ch.end - ch.begin) - ch.n_left;
    }
#ifdef _OPENMP
#pragma omp parallel for schedule(dynamic) num_threads(nt) if (n_chunks > 1)
#endif
    for (index c = 0; c < n_chunks; ++c) {
      const part_chunk& ch = chunks_[static_cast<std::size_t>(c)];
      const auto [lp, rp] = copy_at_[static_cast<std::size_t>(c)];
      if (ch.begin != level[ch.node].begin) std::copy_n(tmp_left_.data() + ch.begin, ch.n_left, rows_.data() + lp);
      std::copy_n(tmp_right_.data() + ch.begin, (ch.end - ch.begin) - ch.n_left, rows_.data() + rp);
    }
  }

  /// Splits every node of `level` (their `best` splits) into `children` (left, right, in
  /// level order): a stable partition of each node's rows, in parallel over chunks; the
  /// children's tree nodes; and their histograms (the smaller child's built, the larger's
  /// by subtraction from the parent's), for children that may split again.
  void split_all(std::vector<pending>& level, std::vector<pending>& children, grown_tree& out) {
    const int nt = cfg_.n_threads;
    index total = 0;
    for (const pending& p : level) total += p.end - p.begin;
    // the rows: each node's stably partitioned, serially or over row chunks
    n_left_.resize(level.size());
    if (nt <= 1 || total < 32'768) {
      for (std::size_t i = 0; i < level.size(); ++i) {
        const pending& p = level[i];
        const std::int32_t nl = partition(p.best, p.begin, p.end, rows_.data() + p.begin, tmp_right_.data());
        std::copy_n(tmp_right_.data(), (p.end - p.begin) - nl, rows_.data() + p.begin + nl);
        n_left_[i] = nl;
      }
    } else {
      partition_parallel(level, total);
    }

    // the children's nodes, in level order
    children.clear();
    children.reserve(2 * level.size());
    for (std::size_t i = 0; i < level.size(); ++i) {
      pending& p = level[i];
      const split_info& s = p.best;
      const std::int32_t nl = n_left_[i];
      const std::int32_t nr = (p.end - p.begin) - nl;
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
      children.push_back(std::move(L));
      children.push_back(std::move(R));
    }

    // histograms: the smaller child is built, the larger is parent minus smaller
    hist_jobs_.clear();
    for (std::size_t i = 0; i < level.size(); ++i) {
      pending& p = level[i];
      if (p.hist < 0) continue;
      pending& L = children[2 * i];
      pending& R = children[2 * i + 1];
      const bool again = splittable_depth(p.depth + 1);
      const bool need_l = again && L.end - L.begin >= cfg_.dense_min;
      const bool need_r = again && R.end - R.begin >= cfg_.dense_min;
      if (need_l || need_r) {
        pending& small = L.end - L.begin <= R.end - R.begin ? L : R;
        pending& large = L.end - L.begin <= R.end - R.begin ? R : L;
        small.hist = acquire();
        hist_jobs_.push_back(hist_job{small.hist, p.hist, small.begin, small.end});
        large.hist = p.hist;
      } else {
        release(p.hist);
      }
      p.hist = -1;
    }
    build_histograms();
    for (pending& c : children) {
      if (c.hist >= 0 && c.end - c.begin < cfg_.dense_min) {
        release(c.hist);
        c.hist = -1;
      }
    }
  }

  const binned_matrix& B_;
  const bin_mapper& M_;
  grower_config cfg_;
  std::vector<std::int32_t> rows_, tmp_left_, tmp_right_;
  const grad_pair* gh_ = nullptr;  ///< gradients indexed by row (the caller's array)
  const std::vector<std::int32_t>* features_ = nullptr;
  std::vector<std::vector<std::int32_t>> cand_pool_;
  std::vector<eval_job> eval_jobs_;
  std::vector<std::pair<std::int32_t, std::int32_t>> eval_tasks_;  ///< (job, candidate)
  std::vector<split_info> eval_results_;
  std::vector<hist_job> hist_jobs_;
  std::vector<part_chunk> chunks_;
  std::vector<std::int32_t> n_left_;
  std::vector<std::pair<std::int32_t, std::int32_t>> copy_at_;
  std::vector<std::vector<hist_bin>> pool_;
  std::vector<int> free_;
  std::vector<hist_bin> scratch_;
  index n_hist_features_ = 0;
};

}  // namespace footprint::detail
